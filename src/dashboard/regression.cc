#include "dashboard/regression.h"

#include <algorithm>

namespace lmbench::dashboard {

namespace {
double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}
}  // namespace

std::vector<Judgement> judge_series(std::span<const store::Point> points, store::Better better, double threshold_pct,
                                    int window) {
  std::vector<Judgement> out(points.size());
  std::vector<double> earlier;  // successful values so far, oldest first
  for (std::size_t i = 0; i < points.size(); ++i) {
    const store::Point& p = points[i];
    Judgement& j = out[i];
    const std::size_t take = std::min<std::size_t>(earlier.size(), static_cast<std::size_t>(std::max(window, 0)));
    if (take > 0) {
      j.history = static_cast<int>(take);
      j.median = median_of(std::vector<double>(earlier.end() - static_cast<std::ptrdiff_t>(take), earlier.end()));
      if (!p.ok) {
        j.regressed = true;
      } else if (p.value) {
        const double t = threshold_pct / 100.0;
        j.regressed = better == store::Better::kLower ? *p.value > *j.median * (1 + t) : *p.value < *j.median * (1 - t);
      }
    }
    if (p.ok && p.value) earlier.push_back(*p.value);
  }
  return out;
}

}  // namespace lmbench::dashboard
