#include "metrics/record_wire.h"

#include <algorithm>
#include <unordered_set>

namespace lmbench::metrics {

namespace {

using Json = nlohmann::json;

std::int64_t rel(core::TimePoint t, core::TimePoint origin) { return (t - origin).count(); }

struct Reader {
  const Json& j;
  std::string missing;  // the first field that was absent or of the wrong type

  template <typename T>
  T get(const char* key, T fallback = T{}) {
    const auto it = j.find(key);
    if (it == j.end()) {
      if (missing.empty()) missing = key;
      return fallback;
    }
    try {
      return it->template get<T>();
    } catch (const std::exception&) {
      if (missing.empty()) missing = key;
      return fallback;
    }
  }
};

}  // namespace

Json record_to_wire(const RequestRecord& r, core::TimePoint origin) {
  Json j;
  j["id"] = r.request_id;
  j["user"] = r.user_id;
  j["round"] = r.round;
  j["warmup"] = r.warmup;
  j["backend"] = r.backend;
  j["intended"] = rel(r.intended_send, origin);
  j["ready"] = rel(r.ready_send, origin);
  j["sent"] = rel(r.actual_send, origin);
  j["first"] = r.has_first_token() ? Json(rel(r.first_token, origin)) : Json(nullptr);
  j["end"] = rel(r.end, origin);
  j["stall"] = r.loop_stall.count();
  Json chunks = Json::array();
  for (const auto t : r.chunk_times) chunks.push_back(rel(t, origin));
  j["chunks"] = std::move(chunks);
  j["prompt_tokens"] = r.prompt_tokens;
  j["output_tokens"] = r.output_tokens;
  j["cached_tokens"] = r.cached_tokens ? Json(*r.cached_tokens) : Json(nullptr);
  j["source"] = token_source_name(r.output_token_source);
  j["outcome"] = outcome_name(r.outcome);
  j["error_kind"] = r.error_kind;
  j["error_message"] = r.error_message;
  return j;
}

core::Result<RequestRecord> record_from_wire(const Json& j, core::TimePoint origin,
                                             std::chrono::system_clock::time_point wall_origin) {
  if (!j.is_object()) return core::Error{"format", "a record must be a JSON object"};
  Reader in{j, {}};
  auto at = [&](const char* key) { return origin + core::Duration{in.get<std::int64_t>(key)}; };
  RequestRecord r;
  r.request_id = in.get<std::uint64_t>("id");
  r.user_id = in.get<std::string>("user");
  r.round = in.get<int>("round");
  r.warmup = in.get<bool>("warmup");
  r.backend = in.get<std::string>("backend");
  r.intended_send = at("intended");
  r.ready_send = at("ready");
  r.actual_send = at("sent");
  if (const auto it = j.find("first"); it != j.end() && !it->is_null()) r.first_token = at("first");
  r.end = at("end");
  r.loop_stall = core::Duration{in.get<std::int64_t>("stall")};
  for (const auto t : in.get<std::vector<std::int64_t>>("chunks")) r.chunk_times.push_back(origin + core::Duration{t});
  r.prompt_tokens = in.get<int>("prompt_tokens");
  r.output_tokens = in.get<int>("output_tokens");
  if (const auto it = j.find("cached_tokens"); it != j.end() && !it->is_null()) r.cached_tokens = in.get<int>("cached_tokens");
  const auto source = token_source_named(in.get<std::string>("source"));
  if (!source && in.missing.empty()) in.missing = "source";
  r.output_token_source = source.value_or(TokenSource::kNone);
  const auto outcome = outcome_named(in.get<std::string>("outcome"));
  if (!outcome && in.missing.empty()) in.missing = "outcome";
  r.outcome = outcome.value_or(Outcome::kFailed);
  r.error_kind = in.get<std::string>("error_kind");
  r.error_message = in.get<std::string>("error_message");
  if (!in.missing.empty()) return core::Error{"format", "record field '" + in.missing + "' is missing or has the wrong type"};
  r.launch_wall = wall_origin + std::chrono::duration_cast<std::chrono::system_clock::duration>(r.actual_send - origin);
  return r;
}

std::vector<RequestRecord> merge_records(std::vector<std::vector<RequestRecord>> per_sender) {
  struct Key {
    core::TimePoint sent;
    std::size_t sender;
    std::size_t index;
  };
  std::vector<Key> order;
  std::unordered_set<std::uint64_t> ids;
  bool ids_clash = false;
  for (std::size_t s = 0; s < per_sender.size(); ++s) {
    for (std::size_t i = 0; i < per_sender[s].size(); ++i) {
      order.push_back({per_sender[s][i].actual_send, s, i});
      if (!ids.insert(per_sender[s][i].request_id).second) ids_clash = true;
    }
  }
  std::sort(order.begin(), order.end(), [](const Key& a, const Key& b) {
    if (a.sent != b.sent) return a.sent < b.sent;
    if (a.sender != b.sender) return a.sender < b.sender;
    return a.index < b.index;
  });
  std::vector<RequestRecord> out;
  out.reserve(order.size());
  for (const auto& k : order) {
    RequestRecord& r = out.emplace_back(std::move(per_sender[k.sender][k.index]));
    r.worker = static_cast<int>(k.sender);
    if (ids_clash) r.request_id = out.size() - 1;
  }
  return out;
}

}  // namespace lmbench::metrics
