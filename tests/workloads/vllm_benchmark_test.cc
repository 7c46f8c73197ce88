#include "workloads/vllm_benchmark.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/files.h"
#include "workload_driver.h"
#include "workloads/sharegpt_data.h"
#include "workloads/vllm_datasets.h"

namespace lmbench::workloads {
namespace {

using testing::drive;
using testing::ids;
using testing::secs;

TEST(VllmBenchmark, RandomDatasetLengthsFollowTheRangeRatio) {
  const auto prompts = vllm_random_prompts(testing::synth(), 60, 100, 20, 0.5, 1, 1);
  ASSERT_EQ(prompts.size(), 60u);
  std::set<int> input_lengths;
  std::set<text::TokenId> first_tokens;
  for (const auto& p : prompts) {
    EXPECT_GE(p.prompt_tokens, 50);
    EXPECT_LE(p.prompt_tokens, 150);
    EXPECT_GE(p.output_len, 10);
    EXPECT_LE(p.output_len, 30);
    const auto t = ids(p.text);
    EXPECT_EQ(t.size(), static_cast<std::size_t>(p.prompt_tokens));
    input_lengths.insert(p.prompt_tokens);
    first_tokens.insert(t[0]);
  }
  EXPECT_GT(input_lengths.size(), 20u) << "lengths vary";
  EXPECT_EQ(first_tokens.size(), prompts.size()) << "no two prompts share a prefix";
  const auto again = vllm_random_prompts(testing::synth(), 60, 100, 20, 0.5, 1, 1);
  EXPECT_EQ(again[7].text, prompts[7].text);
  const auto fixed = vllm_random_prompts(testing::synth(), 5, 64, 8, 0.0, 2, 2);
  for (const auto& p : fixed) EXPECT_EQ(p.prompt_tokens, 64);
}

TEST(VllmBenchmark, GammaArrivalsAndPassThroughParameters) {
  VllmBenchmarkOptions o;
  o.dataset = "random";
  o.request_rate = 10;
  o.burstiness = 0.5;
  o.seed = 42;
  o.temperature = 0.7;
  o.top_p = 0.9;
  o.top_k = 20;
  o.ignore_eos = true;
  o.api = Api::kChat;
  VllmBenchmarkWorkload w(vllm_random_prompts(testing::synth(), 200, 32, 16, 0.0, 42, 42), o);
  EXPECT_EQ(w.name(), "vllm_random");
  core::ManualClock clock;
  const core::TimePoint t0 = clock.now();
  const auto sent = drive(w, clock);
  ASSERT_EQ(sent.size(), 200u);
  // vLLM's definition: shape = burstiness, scale = 1 / (rate * burstiness); first request at 0.
  std::mt19937_64 rng(42);
  std::gamma_distribution<double> gamma(0.5, 1.0 / (10 * 0.5));
  double t = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const Request& r = sent[i].req;
    EXPECT_NEAR(secs(t0, r.intended_send), t, 1e-6) << i;
    t += gamma(rng);
    EXPECT_EQ(r.temperature, 0.7);
    EXPECT_EQ(r.top_p, 0.9);
    EXPECT_EQ(r.top_k, 20);
    EXPECT_TRUE(r.ignore_eos);
    EXPECT_EQ(r.max_tokens, 16);
    EXPECT_EQ(r.prompt_tokens, 32);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_TRUE(r.headers.empty());
  }
  // Mean gap near 1/rate.
  const double mean_gap = secs(t0, sent.back().req.intended_send) / 199.0;
  EXPECT_GT(mean_gap, 0.07);
  EXPECT_LT(mean_gap, 0.13);
  EXPECT_TRUE(w.finished());

  o.request_rate = std::numeric_limits<double>::infinity();
  o.max_tokens = 5;
  VllmBenchmarkWorkload burst(vllm_random_prompts(testing::synth(), 10, 32, 16, 0.0, 42, 42), o);
  core::ManualClock clock2;
  for (const auto& s : drive(burst, clock2)) {
    EXPECT_EQ(s.req.intended_send, clock2.now()) << "an infinite rate sends everything at once";
    EXPECT_EQ(s.req.max_tokens, 5) << "MAX_TOKENS overrides the dataset's length";
  }
}

TEST(VllmBenchmark, SonnetPromptsShareThePrefixAndStayWithinTheLength) {
  const std::string file = LMBENCH_WORKLOADS_DIR "/vllm-benchmark-serving/sonnet.txt";
  const std::string text = core::read_file(file);
  const auto prompts = vllm_sonnet_prompts(testing::tokenizer(), text, file, 12, 550, 200, 150, 0);
  ASSERT_EQ(prompts.size(), 12u);
  // The shared prefix, built independently: the instruction and the file's first lines within 200 tokens.
  std::string prefix = "Pick as many lines as you can from these poem lines:\n";
  std::size_t max_line = 0;
  {
    std::size_t pos = 0;
    bool open = true;
    while (pos < text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(pos, end - pos) + "\n";
      pos = end + 1;
      if (line.find_first_not_of(" \t\r\n") == std::string::npos) continue;
      max_line = std::max(max_line, ids(line).size());
      if (open && ids(prefix + line).size() <= 200) {
        prefix += line;
      } else {
        open = false;
      }
    }
  }
  const std::size_t prefix_tokens = ids(prefix).size();
  EXPECT_LE(prefix_tokens, 200u);
  EXPECT_GT(prefix_tokens + max_line, 200u);
  for (const auto& p : prompts) {
    EXPECT_EQ(p.text.rfind(prefix, 0), 0u);
    const auto t = ids(p.text);
    EXPECT_EQ(p.prompt_tokens, static_cast<int>(t.size()));
    EXPECT_LE(t.size(), 550u);
    EXPECT_GT(t.size() + max_line, 550u);
    EXPECT_EQ(p.output_len, 150);
  }
  EXPECT_NE(prompts[0].text, prompts[1].text);
  EXPECT_THROW(vllm_sonnet_prompts(testing::tokenizer(), text, file, 1, 100, 200, 10, 0), core::ConfigError);
}

TEST(VllmBenchmark, ShareGptFirstTurnsAndCustomJsonl) {
  const auto convs = parse_sharegpt(R"([
    {"conversations": [{"from": "human", "value": "Tell me a short story about a brave little fox."},
                       {"from": "gpt", "value": "Once upon a time a small fox crossed the frozen river to save her friends."},
                       {"from": "human", "value": "More?"}, {"from": "gpt", "value": "No."}]},
    {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello there, how can I help you today?"}]},
    {"conversations": [{"from": "human", "value": "Explain why the sky looks blue during the day."},
                       {"from": "gpt", "value": "Sunlight scatters off air molecules, and blue light scatters the most."}]}
  ])", "fixture.json");
  const auto sg = vllm_sharegpt_prompts(testing::tokenizer(), convs, 10, std::nullopt);
  ASSERT_EQ(sg.size(), 2u) << "the 'Hi' prompt is under 4 tokens";
  EXPECT_EQ(sg[0].text, "Tell me a short story about a brave little fox.");
  EXPECT_EQ(sg[0].output_len,
            static_cast<int>(ids("Once upon a time a small fox crossed the frozen river to save her friends.").size()));
  EXPECT_EQ(vllm_sharegpt_prompts(testing::tokenizer(), convs, 10, 7).size(), 3u);

  const std::string jsonl =
      "{\"prompt\": \"Write a haiku about autumn.\", \"output_len\": 30}\n\n"
      "{\"prompt\": \"Summarise the plot of Hamlet.\", \"output_len\": 120}\n";
  const auto custom = vllm_custom_prompts(testing::tokenizer(), jsonl, "my.jsonl", 10, std::nullopt);
  ASSERT_EQ(custom.size(), 2u);
  EXPECT_EQ(custom[1].output_len, 120);
  EXPECT_EQ(custom[0].prompt_tokens, static_cast<int>(ids("Write a haiku about autumn.").size()));
  VllmBenchmarkOptions o;
  o.dataset = "custom";
  o.request_rate = 2;
  VllmBenchmarkWorkload w(custom, o);
  EXPECT_EQ(w.name(), "vllm_custom");
  core::ManualClock clock;
  const auto sent = drive(w, clock);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].req.prompt, "Write a haiku about autumn.") << "completions: the prompt bare";
  EXPECT_EQ(sent[1].req.max_tokens, 120);

  try {
    vllm_custom_prompts(testing::tokenizer(), "{\"prompt\": \"ok\", \"output_len\": 3}\n{\"prompt\": 5}\n", "my.jsonl", 10,
                        std::nullopt);
    FAIL() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("my.jsonl:2: prompt"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lmbench::workloads
