#pragma once
// RequestRecords on the wire between a fleet worker and its coordinator (fleet/), and their
// exact merge. A record's times travel as nanoseconds since the sender's run start, so the
// receiver places them on its own timeline by adding its start; nothing is rounded.

#include <nlohmann/json.hpp>

#include <chrono>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "metrics/record.h"

namespace lmbench::metrics {

// Every field of `r`, its times relative to `origin` (launch_wall is not sent: the receiver
// derives it from its own wall-clock start, as the runner does).
nlohmann::json record_to_wire(const RequestRecord& r, core::TimePoint origin);

// The inverse: times are origin + the sent offsets; launch_wall = wall_origin + (actual_send -
// origin). Errors name the missing or mistyped field.
core::Result<RequestRecord> record_from_wire(const nlohmann::json& j, core::TimePoint origin,
                                             std::chrono::system_clock::time_point wall_origin);

// The records of several senders of one run as one run's records: all of them (none dropped),
// in send order (actual_send, then sender, then the sender's own order), so every summary over
// the result is the summary one process would have computed over the same requests. Each
// record's `worker` is set to its sender's index; request ids are renumbered 0..n-1 in the merged
// order when two senders used the same id.
std::vector<RequestRecord> merge_records(std::vector<std::vector<RequestRecord>> per_sender);

}  // namespace lmbench::metrics
