// Micro-benchmarks of the client's per-token hot path: one SSE event's JSON parsed by the
// targeted scanner (openai::parse_chunk) versus a full nlohmann::json DOM parse, and a whole
// 16-chunk response through SseDecoder + StreamParser.
//
//   bench_http_chunk_parse [--benchmark_filter=...]

#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "http/sse.h"
#include "openai/chunk.h"
#include "openai/server_api.h"
#include "openai/stream.h"

namespace {

using namespace lmbench;

const openai::ResponseMeta kMeta{"chatcmpl-9f2c1b7e4a5d4c0b8e6f", "meta-llama/Llama-3.1-8B-Instruct", 1732700000};

void BM_ScannerChatChunk(benchmark::State& state) {
  const std::string json = openai::chat_chunk(kMeta, " token");
  openai::Chunk chunk;
  for (auto _ : state) {
    benchmark::DoNotOptimize(openai::parse_chunk(json, chunk));
    benchmark::DoNotOptimize(chunk.content.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_ScannerChatChunk);

void BM_NlohmannChatChunk(benchmark::State& state) {
  const std::string json = openai::chat_chunk(kMeta, " token");
  for (auto _ : state) {
    const auto j = nlohmann::json::parse(json);
    std::string content = j["choices"][0]["delta"]["content"].get<std::string>();
    benchmark::DoNotOptimize(content.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_NlohmannChatChunk);

void BM_StreamOf16Chunks(benchmark::State& state) {
  std::string wire;
  http::append_sse_event(wire, openai::chat_role_chunk(kMeta));
  for (int i = 0; i < 16; ++i) http::append_sse_event(wire, openai::chat_chunk(kMeta, " tok", i == 15 ? "length" : ""));
  http::append_sse_event(wire, openai::usage_chunk(openai::Api::kChat, kMeta, {32, 16, 48}));
  wire += http::kSseDone;
  const core::TimePoint t{};
  for (auto _ : state) {
    openai::StreamParser p;
    p.on_head(200, "text/event-stream");
    p.on_body(wire, t);
    benchmark::DoNotOptimize(p.finish(nullptr, t).ok);
  }
  state.SetItemsProcessed(state.iterations());  // items = whole responses
}
BENCHMARK(BM_StreamOf16Chunks);

}  // namespace

BENCHMARK_MAIN();
