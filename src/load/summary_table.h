#pragma once
// The aligned table `lmbench bench` prints at the end of a run: latency distributions (TTFT,
// TPOT, ITL, E2E, scheduling lag: mean, p50, p90, p99), then counts and throughputs.

#include <string>

#include "metrics/summary.h"

namespace lmbench::load {

std::string format_summary_table(const metrics::Summary& summary);

}  // namespace lmbench::load
