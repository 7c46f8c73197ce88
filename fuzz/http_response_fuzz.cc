// The HTTP client's response path on arbitrary bytes, as if they came off the socket: the
// client's own read_response (http/response_read.h: Beast's parser with the client's settings,
// the de-chunked body loop, the error mapping) on an in-memory Beast test stream, handing the
// body to the OpenAI stream parser as a load run does. The input's first bytes choose how many
// bytes each read returns, the body limit and whether the request was a HEAD. It never crashes;
// every body piece fits the client's buffer, the body read never exceeds the limit, and every
// failure has a kind.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/clock.h"
#include "http/response_read.h"
#include "openai/stream.h"

namespace {

namespace http = lmbench::http;

class Handler final : public http::ResponseHandler {
 public:
  explicit Handler(lmbench::openai::StreamLimits limits) : parser_(limits) {}
  void on_head(const http::ResponseHead& head, lmbench::core::TimePoint) override {
    if (heads_ != 0 || body_bytes_ != 0) __builtin_trap();
    ++heads_;
    parser_.on_head(head.status, head.header("content-type"));
  }
  void on_body(std::string_view data, lmbench::core::TimePoint t) override {
    if (heads_ != 1 || data.empty() || data.size() > http::detail::kBodyBuffer) __builtin_trap();
    body_bytes_ += data.size();
    parser_.on_body(data, t);
  }
  void on_complete(const lmbench::core::Error* error, lmbench::core::TimePoint t) override {
    const auto& r = parser_.finish(error, t);
    if (!r.ok && r.error.kind.empty()) __builtin_trap();
  }
  const lmbench::core::Error* stop_reading() const override { return parser_.over_limit(); }
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  lmbench::openai::StreamParser parser_;
  int heads_ = 0;
  std::uint64_t body_bytes_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t read_size = data[0];
  const std::uint8_t mode = data[1];
  const std::string_view wire(reinterpret_cast<const char*>(data + 2), size - 2);

  boost::asio::io_context io;
  boost::beast::test::stream stream(io, boost::beast::string_view(wire.data(), wire.size()));
  stream.read_size(read_size == 0 ? wire.size() + 1 : read_size);
  stream.close_remote();  // the server closes after what it sent

  http::ClientOptions options;
  options.max_body_bytes = (mode & 0x80) ? 0 : 64 + std::uint64_t{mode} * 64;
  lmbench::openai::StreamLimits limits;
  limits.max_line_bytes = limits.max_event_bytes = limits.max_answer_bytes = 512;
  Handler handler(limits);
  lmbench::core::ManualClock clock;
  const bool cancelled = false;
  const http::detail::ReadContext ctx{handler, clock, options, cancelled, (mode & 0x40) != 0, false};
  boost::beast::flat_buffer buffer;
  char body[http::detail::kBodyBuffer];
  bool done = false;
  http::detail::Exchange out;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        out = co_await http::detail::read_response(stream, buffer, body, ctx,
                                                   [](std::optional<std::chrono::milliseconds>) {});
        done = true;
      },
      boost::asio::detached);
  io.run();
  if (!done) __builtin_trap();
  if (out.error && out.error->kind.empty()) __builtin_trap();
  if (options.max_body_bytes != 0 && handler.body_bytes() > options.max_body_bytes) __builtin_trap();
  handler.on_complete(out.error ? &*out.error : nullptr, clock.now());
  return 0;
}
