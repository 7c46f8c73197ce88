#pragma once
// The over-time chart's regression flag, judged the way `lmbench regress` judges (store/regress.h):
// a point is worse than the median of the `window` successful points before it (one per session)
// by more than `threshold_pct`, or it failed while earlier ones succeeded. Points without earlier
// successful points are not judged.

#include <optional>
#include <span>
#include <vector>

#include "store/metric.h"
#include "store/store.h"

namespace lmbench::dashboard {

struct Judgement {
  std::optional<double> median;  // of the earlier points it was compared with
  int history = 0;               // how many earlier points that median is over
  bool regressed = false;
};

// `points` are one key's series in session order (oldest first); one judgement per point.
std::vector<Judgement> judge_series(std::span<const store::Point> points, store::Better better, double threshold_pct,
                                    int window);

}  // namespace lmbench::dashboard
