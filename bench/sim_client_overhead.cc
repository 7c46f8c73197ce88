// What the measuring path adds to TTFT against the simulator, beyond what the model says: the
// median of (client-measured TTFT - the simulator's model TTFT) over short streamed requests sent
// 100 modelled ms apart (lmbench run's calibration, suite/calibration.h), for short prompts and for
// 17k-token prompts that hit every cache (a multi-round chat's later rounds), at time scales 1 and
// 20. At time scale S that overhead weighs S times its wall time in every modelled TTFT.
//
//   bench_sim_client_overhead [requests per figure (16)]

#include <fmt/format.h>

#include <cstdlib>

#include "core/clock.h"
#include "sim/sim_main.h"
#include "sim_http_common.h"
#include "suite/calibration.h"
#include "text/prompt_synth.h"

int main(int argc, char** argv) {
  using namespace lmbench;
  const int requests = argc > 1 ? std::atoi(argv[1]) : 16;
  const auto tokenizer = std::make_shared<const text::Tokenizer>(text::Tokenizer::from_file(bench::tokenizer_file()));
  const text::PromptSynth synth(*tokenizer);
  core::SteadyClock clock;
  fmt::print("client overhead against lmbench sim (median of {} requests; modelled ms = wall ms x scale)\n", requests);
  for (const double scale : {1.0, 20.0}) {
    sim::SimOptions o;
    o.profile = sim::builtin_profile("llama-3.1-8b-a100-40gb");
    o.time_scale = scale;
    o.loaded_tokenizer = tokenizer;
    sim::SimCluster cluster(o, clock);
    if (!cluster.start().ok()) return 1;
    const deploy::ServingEndpoint endpoint{.base_url = cluster.urls().at(0), .model = o.profile.model};
    for (const int prefix : {0, 17000}) {
      suite::CalibrationOptions c;
      c.requests = requests + (prefix > 0 ? 1 : 0);
      c.shared_prefix_tokens = prefix;
      c.salt = static_cast<std::uint64_t>(scale * 1000 + prefix + 1);
      const auto r = suite::measure_client_overhead(endpoint, config::ApiType::kCompletions, scale, clock, *tokenizer,
                                                    synth, c);
      if (!r) {
        fmt::print(stderr, "{}\n", r.error().message);
        return 1;
      }
      fmt::print("  scale {:>4}  {:>17}: {:.3f} ms wall, {:6.2f} ms modelled (max {:.2f})\n", scale,
                 prefix > 0 ? "17k cached prompt" : "32-token prompt", r->wall_ms, r->modelled_ms, r->max_modelled_ms);
    }
    cluster.stop();
  }
  return 0;
}
