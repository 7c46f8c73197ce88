// What the simulator spends, in wall time, between reading a request and handing it to its
// engine: parsing the JSON body and tokenizing the prompt, for the default suite's largest
// requests (a 1k system prompt, a 16k private context and a few rounds: about 17k tokens), in
// completions and chat form. Against a simulator at time scale S, every such microsecond beyond
// the modelled frontend delay weighs S modelled microseconds in TTFT.
//
//   bench_sim_request_cost [--tokens 17000] [--rounds 8]

#include <fmt/format.h>

#include <time.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/paths.h"
#include "openai/server_api.h"
#include "sim/server_tokens.h"
#include "text/prompt_synth.h"
#include "text/tokenizer.h"

namespace {

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) * 1e-3;
}

// Median over `reps` of fn's CPU time, in microseconds.
template <typename F>
double median_us(int reps, F&& fn) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const double t0 = thread_cpu_us();
    fn(i);
    t.push_back(thread_cpu_us() - t0);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lmbench;
  int context_tokens = 17000;
  int rounds = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--tokens") == 0) context_tokens = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
  }
  const auto path = core::default_tokenizer_path();
  if (!path) {
    fmt::print(stderr, "no tokenizer.json: run scripts/setup.sh\n");
    return 1;
  }
  const auto tok = text::Tokenizer::from_file(*path);
  const text::PromptSynth synth(tok);

  // Conversations as LMCacheSynthetic builds them: a system prompt, a private context and a
  // question, then rounds of (answer, question), each request the whole conversation so far.
  const auto conversation = [&](std::uint64_t user, int upto) {
    std::vector<openai::ChatMessage> m = {{"system", synth.text(1, 1000)},
                                          {"user", synth.user_text(user, 2, context_tokens - 1000) + synth.text(3, 20)}};
    for (int r = 1; r < upto; ++r) {
      m.push_back({"assistant", synth.text(100 + r, 64)});
      m.push_back({"user", synth.text(200 + r, 20)});
    }
    return m;
  };
  const auto completions_prompt = [](const std::vector<openai::ChatMessage>& m) {
    std::string p;
    for (const auto& x : m) p += (p.empty() ? "" : "\n") + x.role + ": " + x.content;
    return p + "\nassistant: ";
  };
  const auto messages = conversation(7, rounds);
  const std::string prompt = completions_prompt(messages);
  const std::string completions_body =
      nlohmann::json{{"model", "m"}, {"prompt", prompt}, {"max_tokens", 64}, {"stream", true}}.dump();
  nlohmann::json msgs = nlohmann::json::array();
  for (const auto& m : messages) msgs.push_back({{"role", m.role}, {"content", m.content}});
  const std::string chat_body = nlohmann::json{{"model", "m"}, {"messages", msgs}, {"max_tokens", 64}, {"stream", true}}.dump();

  constexpr int kReps = 21;
  std::size_t n = 0;
  const double parse_completions = median_us(kReps, [&](int) {
    n += openai::parse_request(openai::Api::kCompletions, completions_body).ok();
  });
  const double parse_chat = median_us(kReps, [&](int) { n += openai::parse_request(openai::Api::kChat, chat_body).ok(); });
  // Round `rounds` of a user whose round `rounds - 1` the server saw (a new user each time), and
  // a user's first round (nothing of it seen before).
  std::vector<std::string> prev(kReps), next(kReps), first(kReps);
  std::vector<std::vector<openai::ChatMessage>> prev_m(kReps), next_m(kReps);
  for (int i = 0; i < kReps; ++i) {
    prev_m[i] = conversation(1000 + i, rounds - 1);
    next_m[i] = conversation(1000 + i, rounds);
    prev[i] = completions_prompt(prev_m[i]);
    next[i] = completions_prompt(next_m[i]);
    first[i] = completions_prompt(conversation(5000 + i, 1));
  }
  std::size_t tokens = 0;
  const sim::TokenCodec fresh(tok);
  for (int i = 0; i < kReps; ++i) fresh.encode_text(prev[i]);
  const double encode_text = median_us(kReps, [&](int i) { tokens = fresh.encode_text(next[i]).size(); });
  const sim::TokenCodec fresh_chat(tok);
  for (int i = 0; i < kReps; ++i) fresh_chat.encode_chat(prev_m[i]);
  const double encode_chat = median_us(kReps, [&](int i) { fresh_chat.encode_chat(next_m[i]); });
  const double encode_first = median_us(kReps, [&](int i) { fresh.encode_text(first[i]); });

  fmt::print("request of {} tokens ({} KB of prompt), round {}; median CPU time per request on one core:\n", tokens,
             prompt.size() / 1024, rounds);
  fmt::print("  parse JSON body (completions):        {:8.1f} us\n", parse_completions);
  fmt::print("  parse JSON body (chat):               {:8.1f} us\n", parse_chat);
  fmt::print("  tokenize the prompt (completions):    {:8.1f} us  (the previous round's prompt seen)\n", encode_text);
  fmt::print("  tokenize the messages (chat):         {:8.1f} us  (the previous round's messages seen)\n", encode_chat);
  fmt::print("  tokenize a user's first prompt:       {:8.1f} us  (nothing of it seen)\n", encode_first);
  fmt::print("  total, a later round (completions):   {:8.1f} us; at time scale 20 that is {:.1f} ms of modelled time\n",
             parse_completions + encode_text, (parse_completions + encode_text) * 20 / 1000);
  return n == 2 * kReps ? 0 : 1;
}
