#include "sim/fidelity_replays.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include "metrics/percentile.h"
#include "sim/engine.h"

namespace lmbench::sim::fidelity {
namespace {

using core::Duration;
using core::from_seconds;
using core::to_ms;
using core::to_seconds;

// ---- Prompts ----

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// `n` random token ids unique to `seed` (so no two prompts share a block by accident).
std::vector<TokenId> random_tokens(int n, std::uint64_t seed) {
  std::uint64_t state = seed * 0x2545f4914f6cdd1dULL + 17;
  std::vector<TokenId> t(static_cast<std::size_t>(std::max(n, 0)));
  for (auto& x : t) x = static_cast<TokenId>(100 + splitmix64(state) % 120000);
  return t;
}

RequestSpec make_spec(std::vector<TokenId> prompt, int max_tokens) {
  RequestSpec s;
  s.prompt = std::move(prompt);
  s.params.max_tokens = max_tokens;
  s.params.ignore_eos = true;
  return s;
}

// ---- A virtual-time client ----

struct Done {
  int tag = 0;
  bool measured = true;
  Duration sent{};
  Duration first{};
  Duration end{};
  int output_tokens = 0;
  std::vector<TokenId> prompt;
  std::vector<TokenId> answer;
};

// Submits requests at their send times and steps the engine between them, like a client on the
// same timeline: a request sent while a step runs joins the next step (the engine's arrival
// semantics). `on_done` may send more requests (closed loops).
class Driver {
 public:
  explicit Driver(const Profile& profile) : engine_(profile) {}

  Engine& engine() { return engine_; }

  void send(Duration at, RequestSpec spec, int tag = 0, bool measured = true) {
    pending_.emplace(std::make_pair(at, seq_++), Pending{std::move(spec), tag, measured});
  }

  void run(const std::function<void(Done&)>& on_done) {
    while (true) {
      const auto te = engine_.next_event_time();
      if (!te && pending_.empty()) break;
      if (te && (pending_.empty() || *te <= pending_.begin()->first.first)) {
        engine_.advance_to(*te);
        const StepResult& r = engine_.step();
        for (const auto& e : r.emissions) {
          auto it = flights_.find(e.id);
          if (it == flights_.end()) continue;
          Done& f = it->second;
          if (e.first) {
            f.first = r.end();
          } else if (f.measured) {
            itl_ms_.push_back(to_ms(r.end() - last_[e.id]));
          }
          last_[e.id] = r.end();
          f.answer.push_back(e.token);
          if (e.finish != FinishReason::kNone) {
            f.end = r.end();
            f.output_tokens = static_cast<int>(f.answer.size());
            Done done = std::move(f);
            flights_.erase(it);
            last_.erase(e.id);
            on_done(done);
          }
        }
        continue;
      }
      auto node = pending_.extract(pending_.begin());
      const Duration at = node.key().first;
      Pending& p = node.mapped();
      engine_.advance_to(at);
      Done f;
      f.tag = p.tag;
      f.measured = p.measured;
      f.sent = at;
      f.prompt = p.spec.prompt;
      auto id = engine_.submit(std::move(p.spec), at);
      if (!id.ok()) throw std::runtime_error("fidelity replay: submit failed: " + id.error().message);
      flights_.emplace(*id, std::move(f));
    }
  }

  const std::vector<double>& itl_ms() const { return itl_ms_; }

 private:
  struct Pending {
    RequestSpec spec;
    int tag;
    bool measured;
  };
  Engine engine_;
  std::map<std::pair<Duration, std::uint64_t>, Pending> pending_;
  std::uint64_t seq_ = 0;
  std::unordered_map<RequestId, Done> flights_;
  std::unordered_map<RequestId, Duration> last_;
  std::vector<double> itl_ms_;
};

void record(RunStats& s, const Done& d, Duration& first_send, Duration& last_end) {
  if (!d.measured) return;
  first_send = std::min(first_send, d.sent);
  last_end = std::max(last_end, d.end);
  s.ttft_ms.push_back(to_ms(d.first - d.sent));
  s.e2e_ms.push_back(to_ms(d.end - d.sent));
  if (d.output_tokens > 1) s.tpot_ms.push_back(to_ms(d.end - d.first) / (d.output_tokens - 1));
  s.output_tokens += d.output_tokens;
  s.prompt_tokens += static_cast<long long>(d.prompt.size());
  ++s.requests;
}

}  // namespace

// ---- Statistics and replays ----

double mean(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (const double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double median(std::vector<double> v) { return v.empty() ? 0.0 : metrics::median(std::move(v)); }

// `vllm bench serve --max-concurrency c`: c requests in flight, the next sent when one finishes.
// With `range` > 0 lengths are uniform in [len*(1-range), len*(1+range)] (the random dataset's
// --random-range-ratio), seeded per request.
RunStats closed_loop(const Profile& profile, int n, int concurrency, int in, int out, std::uint64_t seed,
                     double range) {
  Driver drv(profile);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> factor(1 - range, 1 + range);
  auto next = [&](int i) {
    const int n_in = range > 0 ? static_cast<int>(std::lround(in * factor(rng))) : in;
    const int n_out = range > 0 ? std::max(1, static_cast<int>(std::lround(out * factor(rng)))) : out;
    return make_spec(random_tokens(n_in, seed + i), n_out);
  };
  int sent = 0;
  for (; sent < std::min(n, concurrency); ++sent) drv.send(Duration{0}, next(sent));
  RunStats s;
  Duration first{Duration::max()}, last{0};
  drv.run([&](Done& d) {
    record(s, d, first, last);
    if (sent < n) {
      drv.send(d.end, next(sent));
      ++sent;
    }
  });
  s.itl_ms = drv.itl_ms();
  s.duration_s = to_seconds(last - first);
  return s;
}

// `vllm bench serve --request-rate r`: Poisson arrivals (all at once for inf).
RunStats poisson(const Profile& profile, int n, double rate, int in, int out, std::uint64_t seed) {
  Driver drv(profile);
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap(std::isinf(rate) ? 1.0 : rate);
  double t = 0;
  for (int i = 0; i < n; ++i) {
    drv.send(from_seconds(t), make_spec(random_tokens(in, seed + i), out));
    if (!std::isinf(rate)) t += gap(rng);
  }
  RunStats s;
  Duration first{Duration::max()}, last{0};
  drv.run([&](Done& d) { record(s, d, first, last); });
  s.itl_ms = drv.itl_ms();
  s.duration_s = to_seconds(last - first);
  return s;
}

// TTFT of one `in`-token request whose whole KV sits in the CPU tier (vLLM's native offloading
// connector stores 16-token blocks: chunk_size 16), GPU prefix cache off as in the source.
double offload_ttft_ms(Profile profile, int in) {
  profile.scheduler.enable_prefix_caching = false;
  profile.lmcache.enabled = true;
  profile.lmcache.chunk_size = profile.scheduler.block_size;
  profile.lmcache.load_overhead_ms = 0;  // the native connector batches its transfers per step
  profile.lmcache.cpu_size_gb = 2.0 * in * profile.step.kv_bytes_per_token / 1e9 + 1;
  Driver drv(profile);
  const auto prompt = random_tokens(in, 77);
  drv.send(Duration{0}, make_spec(prompt, 1), 0, false);
  drv.send(from_seconds(120), make_spec(prompt, 1), 1, true);
  double ttft = 0;
  drv.run([&](Done& d) {
    if (d.measured) ttft = to_ms(d.first - d.sent);
  });
  return ttft;
}

// Prompt throughput of `n` prefill-only `in`-token requests sent at once, a share `hit` of them
// (spread evenly) with their KV in the CPU tier; `connector` false runs without the tier.
double offload_prompt_throughput(Profile profile, int n, int in, double hit, bool connector) {
  profile.scheduler.enable_prefix_caching = false;
  profile.lmcache.enabled = connector;
  profile.lmcache.chunk_size = profile.scheduler.block_size;
  profile.lmcache.load_overhead_ms = 0;  // the native connector batches its transfers per step
  profile.lmcache.cpu_size_gb = 1.1 * n * in * profile.step.kv_bytes_per_token / 1e9 + 1;
  Driver drv(profile);
  auto is_hit = [&](int i) { return std::floor((i + 1) * hit) > std::floor(i * hit); };
  bool warm = false;
  for (int i = 0; i < n; ++i) {
    if (connector && is_hit(i)) {
      drv.send(Duration{0}, make_spec(random_tokens(in, 5000 + i), 1), 0, false);
      warm = true;
    }
  }
  if (warm) drv.run([](Done&) {});
  const Duration t0 = drv.engine().now() + from_seconds(600);  // every store copied
  for (int i = 0; i < n; ++i) drv.send(t0, make_spec(random_tokens(in, 5000 + i), 1));
  Duration last{0};
  long long tokens = 0;
  drv.run([&](Done& d) {
    if (!d.measured) return;
    last = std::max(last, d.end);
    tokens += static_cast<long long>(d.prompt.size());
  });
  return static_cast<double>(tokens) / to_seconds(last - t0);
}

// Output throughput of `n` requests sent at once whose prompts share the first `hit` share of
// their tokens, with the GPU prefix cache on or off.
double prefix_throughput(Profile profile, int n, int in, int out, double hit, bool caching) {
  profile.scheduler.enable_prefix_caching = caching;
  const int shared = static_cast<int>(std::lround(hit * in / profile.scheduler.block_size)) * profile.scheduler.block_size;
  const auto prefix = random_tokens(shared, 4242);
  Driver drv(profile);
  for (int i = 0; i < n; ++i) {
    auto p = prefix;
    const auto rest = random_tokens(in - shared, 9000 + i);
    p.insert(p.end(), rest.begin(), rest.end());
    drv.send(Duration{0}, make_spec(std::move(p), out));
  }
  RunStats s;
  Duration first{Duration::max()}, last{0};
  drv.run([&](Done& d) { record(s, d, first, last); });
  return static_cast<double>(s.output_tokens) / to_seconds(last - first);
}


RunStats multi_round(const Profile& profile, const MultiRoundShape& w, double qps) {
  Driver drv(profile);
  const auto system = random_tokens(w.system_prompt, 1);
  const Duration gap = from_seconds(w.users / qps);
  struct User {
    std::uint64_t id = 0;
    std::vector<TokenId> context;
    int round = 0;  // rounds done
  };
  auto fresh = [&](std::uint64_t id) {
    User u;
    u.id = id;
    u.context = system;
    const auto h = random_tokens(w.history, 1000 + id);
    u.context.insert(u.context.end(), h.begin(), h.end());
    return u;
  };
  auto question = [&](const User& u) { return random_tokens(w.question, 0x900000ULL + u.id * 1000 + u.round); };
  std::vector<User> users;
  int warmups = 0;
  for (int j = 0; j < w.users; ++j) {
    User u = fresh(static_cast<std::uint64_t>(j));
    const int done = j * w.rounds / w.users;
    for (int k = 0; k < done; ++k) {
      u.round = k;
      const auto q = question(u);
      u.context.insert(u.context.end(), q.begin(), q.end());
      const auto a = random_tokens(w.answer, 0x700000ULL + u.id * 1000 + k);
      u.context.insert(u.context.end(), a.begin(), a.end());
    }
    u.round = done;
    if (done > 0) drv.send(from_seconds(warmups++ / qps), make_spec(u.context, 1), -1, false);
    users.push_back(std::move(u));
  }
  Duration t_measure = from_seconds(warmups / qps);
  if (warmups > 0) {
    drv.run([&](Done& d) { t_measure = std::max(t_measure, d.end); });
  }
  const Duration t_end = t_measure + from_seconds(w.measure_s);
  std::vector<Duration> next_slot(static_cast<std::size_t>(w.users));
  std::vector<std::uint64_t> generation(static_cast<std::size_t>(w.users), 0);
  auto send_next = [&](int j, Duration not_before) {
    User& u = users[static_cast<std::size_t>(j)];
    Duration& slot = next_slot[static_cast<std::size_t>(j)];
    const Duration at = std::max(slot, not_before);
    slot += gap;
    if (at >= t_end) return;
    auto prompt = u.context;
    const auto q = question(u);
    prompt.insert(prompt.end(), q.begin(), q.end());
    drv.send(at, make_spec(std::move(prompt), w.answer), j, true);
  };
  for (int j = 0; j < w.users; ++j) {
    next_slot[static_cast<std::size_t>(j)] = t_measure + from_seconds(j / qps);
    send_next(j, Duration{0});
  }
  RunStats s;
  Duration first{Duration::max()}, last{0};
  drv.run([&](Done& d) {
    if (!d.measured) return;
    record(s, d, first, last);
    User& u = users[static_cast<std::size_t>(d.tag)];
    u.context = std::move(d.prompt);
    u.context.insert(u.context.end(), d.answer.begin(), d.answer.end());
    ++u.round;
    if (u.round >= w.rounds) {
      ++generation[static_cast<std::size_t>(d.tag)];
      u = fresh(static_cast<std::uint64_t>(d.tag) + generation[static_cast<std::size_t>(d.tag)] * w.users);
    }
    send_next(d.tag, d.end);
  });
  s.itl_ms = drv.itl_ms();
  s.duration_s = to_seconds(last - first);
  return s;
}

}  // namespace lmbench::sim::fidelity
