// Fidelity through the real HTTP API at time scale 1: an in-process `lmbench sim` per profile
// and streamed /v1/completions requests timed by the project's HTTP client, compared with
// SIMULATOR.md's "Calibrated outputs" table.
//
//   bench_sim_http_fidelity [profile ...]     (default: llama-3.1-8b-a100-80gb llama-3.1-8b-h100)
//
// Rows: cold TTFT at 1k/8k/20k tokens; a 20k prompt with a GPU prefix hit and 200 new tokens;
// the same with an LMCache CPU hit (a second engine sharing the LMCache store, so its GPU cache
// is cold: 19,712 tokens loaded, 288 recomputed); decode step time (median ITL) at batch
// 1/64/128 with ~1k-token contexts (median gap while
// the whole batch decodes; the context grows to ~1.1k by then). Client-observed times include the frontend delay (3 ms +
// 0.5 us/token), loopback HTTP and the client's own parsing, which the table's engine figures
// do not; the 10% band is checked on the HTTP figure as is.

#include <cmath>
#include <map>

#include "sim_http_common.h"
#include "sim/engine_loop.h"

namespace {

using namespace lmbench;
using namespace lmbench::bench;

struct Row {
  std::string name;
  double measured_ms;
  double expected_ms;
};

double ttft_of(const std::string& url, const std::string& prompt, const core::Clock& clock) {
  auto probes = run_streams({completion_request(url, prompt, 1)}, clock);
  if (!probes[0]->error.empty() || probes[0]->status != 200) {
    std::fprintf(stderr, "request failed: %d %s\n", probes[0]->status, probes[0]->error.c_str());
  }
  return probes[0]->ttft_ms();
}

double decode_step_ms(const std::string& url, int batch, const std::string& word, const core::Clock& clock) {
  std::vector<http::Request> reqs;
  for (int i = 0; i < batch; ++i) {
    // Distinct ~1k-token prompts (the first tokens differ), 160 outputs each.
    reqs.push_back(completion_request(url, " " + std::to_string(1000 + i) + prompt_of(998, word), 160));
  }
  const auto probes = run_streams(reqs, clock);
  // Only the window where every request is decoding: after the last first token, before the
  // first last token. Gaps inside it are pure decode steps of the whole batch.
  core::TimePoint from = core::TimePoint::min(), to = core::TimePoint::max();
  for (const auto& p : probes) {
    if (p->tokens.empty()) continue;
    from = std::max(from, p->tokens.front());
    to = std::min(to, p->tokens.back());
  }
  std::vector<double> gaps;
  for (const auto& p : probes) {
    for (std::size_t i = 1; i < p->tokens.size(); ++i) {
      if (p->tokens[i - 1] > from && p->tokens[i] <= to) gaps.push_back(core::to_ms(p->tokens[i] - p->tokens[i - 1]));
    }
  }
  return median(gaps);
}

std::vector<Row> measure(const std::string& profile_name, const std::shared_ptr<const text::Tokenizer>& tok) {
  const bool h100 = profile_name.find("h100") != std::string::npos;
  // SIMULATOR.md "Calibrated outputs" (A100 | H100).
  const std::map<std::string, std::pair<double, double>> expected = {
      {"cold TTFT 1k", {83, 29}},         {"cold TTFT 8k", {700, 230}},       {"cold TTFT 20k", {2050, 710}},
      {"20k GPU hit +200", {46, 30}},     {"20k LMCache hit", {160, 86}},     {"decode B=1 ctx 1k", {12.4, 7.8}},
      {"decode B=64 ctx 1k", {19.6, 12.1}}, {"decode B=128 ctx 1k", {27.4, 15.6}}};
  const auto want = [&](const std::string& k) { return h100 ? expected.at(k).second : expected.at(k).first; };

  core::SteadyClock clock;
  sim::SimOptions o;
  o.profile = sim::builtin_profile(profile_name);
  o.profile.lmcache.enabled = true;
  o.profile.lmcache.cpu_size_gb = 20;
  o.engines = 2;
  o.shared_lmcache = true;
  o.time_scale = 1.0;
  o.loaded_tokenizer = tok;
  sim::SimCluster cluster(o, clock);
  const auto ports = cluster.start();
  if (!ports.ok()) throw std::runtime_error(ports.error().message);
  const auto urls = cluster.urls();

  std::vector<Row> rows;
  rows.push_back({"cold TTFT 1k", ttft_of(urls[0], prompt_of(1000, "apple"), clock), want("cold TTFT 1k")});
  rows.push_back({"cold TTFT 8k", ttft_of(urls[0], prompt_of(8000, "river"), clock), want("cold TTFT 8k")});
  const std::string p20k = prompt_of(20000, "stone");
  rows.push_back({"cold TTFT 20k", ttft_of(urls[0], p20k, clock), want("cold TTFT 20k")});
  // The 20k prompt is cached on engine 0's GPU; 200 new tokens after it.
  const std::string p20k_more = p20k + prompt_of(200, "cloud");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // LMCache stores are asynchronous
  rows.push_back({"20k GPU hit +200", ttft_of(urls[0], p20k_more, clock), want("20k GPU hit +200")});
  // The table's case: 19,712 tokens (77 chunks of 256) in LMCache, 288 of a 20k prompt to
  // recompute. Engine 0 stores the 77 full chunks of a 19,800-token prefix (unmeasured); engine 1,
  // whose GPU cache is cold, shares that store and gets the 20k prompt.
  ttft_of(urls[0], prompt_of(19800, "maple"), clock);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  rows.push_back({"20k LMCache hit", ttft_of(urls[1], prompt_of(20000, "maple"), clock), want("20k LMCache hit")});
  rows.push_back({"decode B=1 ctx 1k", decode_step_ms(urls[0], 1, "green", clock), want("decode B=1 ctx 1k")});
  rows.push_back({"decode B=64 ctx 1k", decode_step_ms(urls[0], 64, "house", clock), want("decode B=64 ctx 1k")});
  rows.push_back({"decode B=128 ctx 1k", decode_step_ms(urls[1], 128, "light", clock), want("decode B=128 ctx 1k")});
  cluster.stop();
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> profiles;
  for (int i = 1; i < argc; ++i) profiles.emplace_back(argv[i]);
  if (profiles.empty()) profiles = {"llama-3.1-8b-a100-80gb", "llama-3.1-8b-h100"};
  const auto tok = std::make_shared<const text::Tokenizer>(text::Tokenizer::from_file(tokenizer_file()));
  int outside = 0;
  for (const auto& name : profiles) {
    std::printf("\n%s, time scale 1, through HTTP\n", name.c_str());
    std::printf("%-22s %12s %12s %9s\n", "metric", "HTTP (ms)", "table (ms)", "diff");
    for (const Row& r : measure(name, tok)) {
      const double diff = (r.measured_ms - r.expected_ms) / r.expected_ms * 100.0;
      const bool ok = std::abs(diff) <= 10.0;
      outside += ok ? 0 : 1;
      std::printf("%-22s %12.1f %12.1f %+8.1f%%%s\n", r.name.c_str(), r.measured_ms, r.expected_ms, diff, ok ? "" : "  (outside 10%)");
    }
  }
  std::printf("\n%d row(s) outside the 10%% band\n", outside);
  return 0;
}
