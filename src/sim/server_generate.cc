// POST /v1/completions and /v1/chat/completions: validation, fault injection, and the TokenSink
// that turns the engine's emissions into SSE chunks or one whole response.

#include <chrono>

#include "core/ids.h"
#include "http/sse.h"
#include "openai/server_api.h"
#include "sim/server.h"

namespace lmbench::sim {
namespace {

std::string response_id(bool chat) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s-%08x%08x%08x%08x", chat ? "chatcmpl" : "cmpl", core::random_u32(),
                core::random_u32(), core::random_u32(), core::random_u32());
  return buf;
}

http::ServerResponse error_response(int status, std::string_view message, std::string_view type,
                                    std::string_view param, const std::string& request_id) {
  http::ServerResponse res = http::ServerResponse::json(status, openai::error_body(message, type, status, param));
  res.headers.emplace_back("X-Request-Id", request_id);
  return res;
}

struct SinkSetup {
  bool chat = false;
  bool stream = false;
  bool include_usage = false;
  bool continuous_usage = false;
  openai::ResponseMeta meta;
  int prompt_tokens = 0;
  std::vector<std::string> stop;
  FaultPlan fault;
  std::string request_id;
  std::shared_ptr<TimingLog> timings;  // where the model's times of this request go
};

class GenerationSink final : public TokenSink {
 public:
  GenerationSink(const TokenCodec& codec, std::shared_ptr<http::ResponseWriter> writer, SinkSetup setup)
      : codec_(codec), w_(std::move(writer)), s_(std::move(setup)) {}

  FinishReason on_token(const Emission& e) override {
    if (done_) return FinishReason::kNone;
    ++outputs_;
    ++pending_tokens_;
    std::string_view piece = codec_.output_text(e.token);
    std::string_view finish = finish_reason_name(e.finish);
    FinishReason early = FinishReason::kNone;
    const std::size_t before = text_.size();
    text_ += piece;
    if (!s_.stop.empty()) {
      for (const std::string& stop : s_.stop) {
        if (stop.empty()) continue;
        const std::size_t from = before >= stop.size() ? before - stop.size() + 1 : 0;
        const std::size_t at = text_.find(stop, from);
        if (at == std::string::npos) continue;
        // The stop string is not part of the output (vLLM's default include_stop_str_in_output=false).
        text_.resize(at);
        early = FinishReason::kStop;
        finish = "stop";
        break;
      }
      piece = before <= text_.size() ? std::string_view(text_).substr(before) : std::string_view{};
    }
    if (!finish.empty()) finish_reason_ = std::string(finish);
    if (s_.stream) {
      if (s_.chat && outputs_ == 1) http::append_sse_event(pending_, openai::chat_role_chunk(s_.meta));
      const openai::Usage usage{s_.prompt_tokens, outputs_, s_.prompt_tokens + outputs_};
      const openai::Usage* u = s_.continuous_usage ? &usage : nullptr;
      http::append_sse_event(pending_, s_.chat ? openai::chat_chunk(s_.meta, piece, finish, u)
                                               : openai::completion_chunk(s_.meta, piece, finish, u));
    }
    return early;
  }

  void on_finished(const FinishedRequest& f) override {
    if (done_) return;
    done_ = true;
    if (s_.timings) s_.timings->record(s_.request_id, RequestTiming{f.arrival, f.first_token, f.finished});
    const openai::Usage usage{f.prompt_tokens, f.output_tokens, f.prompt_tokens + f.output_tokens, f.cached_tokens};
    if (finish_reason_.empty()) finish_reason_ = std::string(finish_reason_name(f.reason));
    if (s_.stream) {
      if (outputs_ == 0 || f.reason == FinishReason::kAbort) {
        // Ended without a token that carried the finish reason (aborted): say so in a last chunk.
        http::append_sse_event(pending_, s_.chat ? openai::chat_chunk(s_.meta, "", finish_reason_)
                                                 : openai::completion_chunk(s_.meta, "", finish_reason_));
      }
      if (s_.include_usage) http::append_sse_event(pending_, openai::usage_chunk(s_.chat ? openai::Api::kChat
                                                                                        : openai::Api::kCompletions,
                                                                               s_.meta, usage));
      pending_ += http::kSseDone;
    } else {
      whole_ = s_.chat ? openai::chat_response(s_.meta, text_, finish_reason_, usage)
                       : openai::completion_response(s_.meta, text_, finish_reason_, usage);
    }
  }

  bool deliver(core::TimePoint due) override {
    if (gave_up_) return false;
    delivered_tokens_ += pending_tokens_;
    pending_tokens_ = 0;
    if (s_.fault.kind && delivered_tokens_ >= s_.fault.after_tokens) {
      gave_up_ = true;
      if (s_.stream && !pending_.empty()) w_->write(std::move(pending_));
      // reset: the connection closes without the last chunk; stall: it stays open, silent, until
      // the client gives up or the server stops.
      if (*s_.fault.kind == FaultKind::kReset) w_->close();
      return false;
    }
    if (!s_.stream) {
      if (!done_) return !w_->closed();
      http::ServerResponse res = http::ServerResponse::json(200, std::move(whole_));
      res.headers.emplace_back("X-Request-Id", s_.request_id);
      w_->respond(std::move(res));
      return true;
    }
    bool ok = true;
    if (!pending_.empty()) {
      ok = w_->write(std::move(pending_), due);
      pending_.clear();
    }
    if (done_) w_->end();
    return ok;
  }

  void on_rejected(const core::Error& error) override {
    done_ = true;
    const std::string type = "BadRequestError";
    if (!s_.stream) {
      w_->respond(error_response(400, error.message, type, {}, s_.request_id));
      return;
    }
    // Headers went out already: report the error in the stream, as vLLM does for late failures.
    w_->write(http::sse_event(openai::error_body(error.message, type, 400)));
    w_->write(std::string(http::kSseDone));
    w_->end();
  }

 private:
  const TokenCodec& codec_;
  std::shared_ptr<http::ResponseWriter> w_;
  SinkSetup s_;
  std::string pending_;
  std::string text_;
  std::string whole_;
  std::string finish_reason_;
  int outputs_ = 0;
  int pending_tokens_ = 0;
  int delivered_tokens_ = 0;
  bool done_ = false;
  bool gave_up_ = false;
};

}  // namespace

// An announced arrival that is withdrawn unless the request reaches the engine.
class SimServer::AnnouncedArrival {
 public:
  explicit AnnouncedArrival(EngineLoop& loop) : loop_(loop), arrival_(loop.announce()) {}
  ~AnnouncedArrival() {
    if (!submitted_) loop_.withdraw(arrival_);
  }
  AnnouncedArrival(const AnnouncedArrival&) = delete;
  AnnouncedArrival& operator=(const AnnouncedArrival&) = delete;
  void submit(RequestSpec spec, std::shared_ptr<TokenSink> sink) {
    submitted_ = true;
    loop_.submit(std::move(spec), std::move(sink), arrival_);
  }

 private:
  EngineLoop& loop_;
  EngineLoop::Arrival arrival_;
  bool submitted_ = false;
};

void SimServer::generate(bool chat, const http::ServerRequest& req, const std::shared_ptr<http::ResponseWriter>& w) {
  // Stamped before parsing and tokenizing, which the modelled frontend delay covers: the engine
  // holds a step that starts after this arrival until the request is submitted (engine_loop.h).
  auto arrival = std::make_shared<AnnouncedArrival>(loop_);
  frontend_->post([this, chat, req, w, arrival] {
    try {
      handle_generate(chat, req, w, *arrival);
    } catch (const http::HttpError& e) {
      if (!w->started()) {
        w->respond(http::ServerResponse::json(e.status(), http::error_json(e.status(), e.what(), e.type(), e.param())));
      } else {
        w->close();
      }
    } catch (const std::exception& e) {
      if (!w->started()) {
        w->respond(http::ServerResponse::json(500, http::error_json(500, std::string("internal error: ") + e.what())));
      } else {
        w->close();
      }
    }
  });
}

void SimServer::handle_generate(bool chat, const http::ServerRequest& req, const std::shared_ptr<http::ResponseWriter>& w,
                                AnnouncedArrival& arrival) {
  const std::string request_id = request_id_for(req);
  const auto fail = [&](int status, std::string_view message, std::string_view type, std::string_view param = {}) {
    w->respond(error_response(status, message, type, param, request_id));
  };

  if (const std::string_view code = req.header("X-Return-Error"); !code.empty()) {
    if (const auto fault = fault_for_header(code)) return fail(fault->status, fault->message, fault->type);
    return fail(400, "X-Return-Error: unknown error '" + std::string(code) + "'", "BadRequestError");
  }

  std::string param;
  auto parsed = openai::parse_request(chat ? openai::Api::kChat : openai::Api::kCompletions, req.body, &param);
  if (!parsed.ok()) return fail(400, parsed.error().message, "BadRequestError", param);
  openai::ParsedRequest& p = *parsed;
  if (!p.model.empty() && p.model != config_.model) {
    return fail(404, "The model `" + p.model + "` does not exist.", "NotFoundError", "model");
  }

  std::vector<std::int32_t> prompt;
  if (chat) {
    prompt = codec_.encode_chat(p.messages);
  } else if (!p.prompt_token_ids.empty()) {
    const auto vocab = static_cast<int>(codec_.tokenizer().vocab_size());
    for (const int t : p.prompt_token_ids) {
      if (t < 0 || t >= vocab) return fail(400, "Token id " + std::to_string(t) + " is out of vocabulary range", "BadRequestError", "prompt");
    }
    prompt = codec_.to_engine(p.prompt_token_ids);
  } else {
    prompt = codec_.encode_text(p.prompt);
  }
  const int n = static_cast<int>(prompt.size());
  if (n == 0) return fail(400, "The prompt is empty.", "BadRequestError", chat ? "messages" : "prompt");

  const int max_len = loop_.profile().scheduler.max_model_len;
  // vLLM's defaults: 16 for completions; the rest of the context for chat.
  const int max_tokens = p.max_tokens ? *p.max_tokens : (chat ? std::max(1, max_len - n) : 16);
  if (max_tokens < 1) return fail(400, "max_tokens must be at least 1, got " + std::to_string(max_tokens), "BadRequestError", "max_tokens");
  if (static_cast<long long>(n) + max_tokens > max_len) {
    return fail(400,
                "This model's maximum context length is " + std::to_string(max_len) + " tokens. However, you requested " +
                    std::to_string(static_cast<long long>(n) + max_tokens) + " tokens (" + std::to_string(n) +
                    " in the messages, " + std::to_string(max_tokens) +
                    " in the completion). Please reduce the length of the messages or completion.",
                "BadRequestError");
  }
  if (p.min_tokens < 0 || p.min_tokens > max_tokens) {
    return fail(400, "min_tokens must be between 0 and max_tokens, got " + std::to_string(p.min_tokens),
                "BadRequestError", "min_tokens");
  }

  const FaultPlan fault = faults_.draw(max_tokens);
  if (fault.kind && (*fault.kind == FaultKind::kRateLimit || *fault.kind == FaultKind::kUnavailable)) {
    const HttpFault f = fault_for_kind(*fault.kind);
    return fail(f.status, f.message, f.type);
  }

  SinkSetup setup;
  setup.chat = chat;
  setup.stream = p.stream;
  setup.include_usage = p.include_usage;
  setup.continuous_usage = p.continuous_usage_stats;
  setup.meta.id = response_id(chat);
  setup.meta.model = config_.model;
  setup.meta.created =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  setup.prompt_tokens = n;
  setup.stop = p.stop;
  setup.fault = fault;
  setup.request_id = request_id;
  setup.timings = timings_;

  RequestSpec spec;
  spec.prompt = std::move(prompt);
  spec.params.max_tokens = max_tokens;
  spec.params.min_tokens = p.min_tokens;
  spec.params.ignore_eos = p.ignore_eos;

  if (p.stream) {
    w->begin_stream(200, "text/event-stream", {{"X-Request-Id", request_id}, {"Cache-Control", "no-cache"}});
  }
  arrival.submit(std::move(spec), std::make_shared<GenerationSink>(codec_, w, std::move(setup)));
}

}  // namespace lmbench::sim
