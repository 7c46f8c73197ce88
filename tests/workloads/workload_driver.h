#pragma once
// Test helpers for workloads: the project tokenizer (loaded once per binary) and a driver that
// plays the runner with a ManualClock and scripted answers.

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"
#include "workloads/workload.h"

namespace lmbench::workloads::testing {

const text::Tokenizer& tokenizer();
const text::PromptSynth& synth();

struct Sent {
  Request req;
  core::TimePoint at{};  // the clock when it was taken
};

// What the scripted server answers: after `latency`, with `text` (ok unless `fail`).
struct Script {
  std::function<core::Duration(const Request&)> latency = [](const Request&) { return core::Duration{}; };
  std::function<std::string(const Request&)> text = [](const Request& r) {
    return synth().text(1000 + r.id, 8);  // 8 tokens
  };
};

// Runs `w` from the clock's time: takes each request at its intended time, delivers each answer
// at send + latency (answers due at or before the next send go first). Stops when nothing is due
// and nothing is in flight, or after `max` requests.
std::vector<Sent> drive(Workload& w, core::ManualClock& clock, const Script& script = {}, std::size_t max = 100000);

// Tokens of `text` under the project tokenizer.
std::vector<text::TokenId> ids(const std::string& text);
// Length of the common prefix.
std::size_t common_prefix(const std::vector<text::TokenId>& a, const std::vector<text::TokenId>& b);
// Seconds from `t0` to `t`.
double secs(core::TimePoint t0, core::TimePoint t);

}  // namespace lmbench::workloads::testing
