#pragma once
// A fixed set of records whose summary is worked out by hand in summary_test.cc.

#include <vector>

#include "metrics/record.h"

namespace lmbench::metrics::testing {

// Times in milliseconds after a fixed origin; launch_wall is 1700000000 s + send time.
std::vector<RequestRecord> fixed_records();

}  // namespace lmbench::metrics::testing
