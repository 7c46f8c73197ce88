// A run JSON as `lmbench upload` and the dashboard's POST /upload hand it to the store, on
// arbitrary text: ingested into an in-memory SQLite store, then ingested again (the duplicate
// check compares the two documents) and read back through the dashboard's queries. Accepted or
// refused with an error kind, never a crash; a second ingest of a stored run is a duplicate.
// One store serves every input, as a dashboard's does (opening one per input, schema and all,
// ran 30 inputs a second); an input may thus meet a run an earlier one stored (a duplicate or a
// "conflict"), which is the dashboard's situation too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/metric.h"
#include "store/store.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace store = lmbench::store;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static auto opened = store::Store::open_in_memory();
  if (!opened) __builtin_trap();
  auto& s = **opened;
  const auto first = s.ingest_json(text, "fuzz_run_1_20250101-0000.json");
  if (!first) {
    if (first.error().kind.empty()) __builtin_trap();
    return 0;
  }
  const auto again = s.ingest_json(text, "fuzz_run_1_20250101-0000.json");
  if (!again || again->status != store::IngestStatus::kDuplicate || again->id != first->id) __builtin_trap();
  const auto& run = first->run;
  (void)s.suites();
  (void)s.workloads(run.suite);
  (void)s.sessions(run.suite, run.workload);
  (void)s.keys(run.suite, run.workload);
  (void)s.metric_vs_qps(run.suite, run.workload, run.session_id, store::Metric::kTtftP99, true);
  (void)s.metric_over_time(run.suite, run.workload, run.qps, store::Metric::kTtftP99, true);
  const auto doc = s.run_json(first->id);
  if (!doc || !*doc) __builtin_trap();
  if (first->status == store::IngestStatus::kStored && **doc != text) __builtin_trap();
  return 0;
}
