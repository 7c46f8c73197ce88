#include "workloads/bounds.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <fmt/format.h>

#include "workloads/trace_file.h"

namespace lmbench::workloads {

namespace {

constexpr int kQuestionTokens = 20;       // the multi-round workloads' question length
constexpr int kTemplatePerMessage = 6;    // "System: " / "\nUser: " / a chat template's role tokens

// A conversation of `rounds` questions over `system` + `context` tokens, answers of `answer`.
int conversation(int system, int context, int rounds, int question, int answer) {
  const int messages = (system > 0 ? 1 : 0) + 2 * rounds;
  return system + context + rounds * question + (rounds - 1) * answer + messages * kTemplatePerMessage + answer;
}

}  // namespace

std::optional<RequestBound> longest_request(const config::WorkloadConfig& workload, int limit) {
  return std::visit(
      [&](const auto& w) -> std::optional<RequestBound> {
        using T = std::decay_t<decltype(w)>;
        if constexpr (std::is_same_v<T, config::LMCacheSynthetic>) {
          return RequestBound{conversation(w.system_prompt, w.chat_history, w.num_rounds, kQuestionTokens, w.answer_len),
                              fmt::format("round {} of a user", w.num_rounds)};
        } else if constexpr (std::is_same_v<T, config::Agentic>) {
          return RequestBound{conversation(w.system_prompt, w.chat_history, w.num_rounds, kQuestionTokens, w.answer_len),
                              fmt::format("round {} of a user", w.num_rounds)};
        } else if constexpr (std::is_same_v<T, config::StrictSynthetic>) {
          const int rounds = w.num_rounds_per_user;
          return RequestBound{conversation(w.shared_system_prompt_len, w.first_prompt_len - w.follow_up_prompts_len, rounds,
                                           w.follow_up_prompts_len, w.answer_len),
                              fmt::format("round {} of a user", rounds)};
        } else if constexpr (std::is_same_v<T, config::Random>) {
          return RequestBound{w.prompt_len + kTemplatePerMessage + w.answer_len, "every request"};
        } else if constexpr (std::is_same_v<T, config::TraceReplayer>) {
          if (!w.trace_file.resolved) return std::nullopt;
          try {
            const Trace trace = read_trace(*w.trace_file.resolved);
            RequestBound b;
            b.total = static_cast<int>(trace.entries.size());
            for (const auto& e : trace.entries) {
              const int n = e.input_length + e.output_length;
              if (n > limit) ++b.exceeding;
              if (n > b.tokens) {
                b.tokens = n;
                b.where = fmt::format("line {} of {}", e.line, w.trace_file.as_written);
              }
            }
            return b;
          } catch (const std::exception&) {
            return std::nullopt;
          }
        } else if constexpr (std::is_same_v<T, config::VllmBenchmark>) {
          const int out = w.max_tokens.value_or(0);
          if (w.dataset_name == "random") {
            const int in = static_cast<int>(std::floor(w.random_input_len * (1 + w.random_range_ratio)));
            const int o = static_cast<int>(std::floor(w.random_output_len * (1 + w.random_range_ratio)));
            return RequestBound{in + std::max(o, out), "the longest random prompt"};
          }
          if (w.dataset_name == "sonnet") {
            return RequestBound{w.sonnet_input_len + std::max(w.sonnet_output_len, out), "every sonnet prompt"};
          }
          return std::nullopt;
        } else {
          return std::nullopt;  // ShareGPT: the conversations' own lengths
        }
      },
      workload.kind);
}

}  // namespace lmbench::workloads
