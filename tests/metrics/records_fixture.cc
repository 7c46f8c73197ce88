#include "records_fixture.h"

#include <initializer_list>

namespace lmbench::metrics::testing {

namespace {

const core::TimePoint kOrigin = core::TimePoint{} + std::chrono::seconds(1000);

core::TimePoint at(double ms) {
  return kOrigin + std::chrono::duration_cast<core::Duration>(std::chrono::duration<double, std::milli>(ms));
}

RequestRecord make(std::uint64_t id, double intended, double send, std::initializer_list<double> chunks, double end,
                   int prompt, int output, TokenSource source) {
  RequestRecord r;
  r.request_id = id;
  r.user_id = "user-" + std::to_string(id % 3);
  r.round = static_cast<int>(id);
  r.intended_send = at(intended);
  r.actual_send = at(send);
  for (double c : chunks) r.chunk_times.push_back(at(c));
  if (!r.chunk_times.empty()) r.first_token = r.chunk_times.front();
  r.end = at(end);
  r.launch_wall = std::chrono::system_clock::time_point{} + std::chrono::seconds(1700000000) +
                  std::chrono::duration_cast<std::chrono::system_clock::duration>(
                      std::chrono::duration<double, std::milli>(send));
  r.prompt_tokens = prompt;
  r.output_tokens = output;
  r.output_token_source = source;
  return r;
}

}  // namespace

std::vector<RequestRecord> fixed_records() {
  std::vector<RequestRecord> v;
  v.push_back(make(1, 0, 0, {100, 110, 130, 160}, 160, 100, 4, TokenSource::kServerUsage));
  v.push_back(make(2, 1000, 1002, {1202, 1217, 1232}, 1232, 200, 3, TokenSource::kServerUsage));
  v.push_back(make(3, 2000, 2001, {2301}, 2305, 300, 1, TokenSource::kTokenizer));
  auto failed = make(4, 3000, 3000, {}, 3050, 0, 0, TokenSource::kNone);
  failed.outcome = Outcome::kFailed;
  failed.error_kind = "http_500";
  failed.error_message = "server said: \"overloaded, retry\"";
  v.push_back(failed);
  auto fifth = make(5, 4000, 4004, {4404, 4444, 4484, 4524, 4564}, 4564, 400, 5, TokenSource::kServerUsage);
  fifth.ready_send = at(4003);  // the workload could only produce it 3 ms late: 1 ms of client lag
  v.push_back(fifth);
  auto warm = make(6, -5000, -5000, {-4000, -3000}, -3000, 9999, 99, TokenSource::kServerUsage);
  warm.warmup = true;
  v.push_back(warm);
  auto cancelled = make(7, 5000, 5000, {5100}, 6000, 50, 1, TokenSource::kNone);
  cancelled.outcome = Outcome::kCancelled;
  v.push_back(cancelled);
  return v;
}

}  // namespace lmbench::metrics::testing
