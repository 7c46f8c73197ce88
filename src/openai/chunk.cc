#include "openai/chunk.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace lmbench::openai {

namespace {

constexpr int kMaxDepth = 64;

// Length of the well-formed UTF-8 sequence at p (lead byte >= 0x80), 0 when it is not one
// (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_length(const char* p, const char* end) {
  const auto b0 = static_cast<unsigned char>(p[0]);
  auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    if (p + i >= end) return false;
    const auto b = static_cast<unsigned char>(p[i]);
    return b >= lo && b <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// A strict JSON reader over one buffer. Every method returns false on malformed input and
// leaves the reason in why_.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  const char* why() const { return why_; }

  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool at_end() {
    ws();
    return p_ == end_;
  }
  char peek() {
    ws();
    return p_ < end_ ? *p_ : '\0';
  }
  bool consume(char c) {
    ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool fail(const char* why) {
    if (!why_) why_ = why;
    return false;
  }

  // Reads a string. `out` null: validate only. Keys without escapes are returned as views.
  bool string(std::string* out, std::string_view* view = nullptr) {
    ws();
    if (p_ >= end_ || *p_ != '"') return fail("expected a string");
    ++p_;
    const char* start = p_;
    // Fast path: no escapes.
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        if (view) *view = std::string_view(start, static_cast<std::size_t>(p_ - start));
        if (out) out->append(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\') break;
      if (c < 0x20) return fail("control character in string");
      if (c >= 0x80) {
        const std::size_t n = utf8_length(p_, end_);
        if (n == 0) return fail("invalid UTF-8 in string");
        p_ += n;
        continue;
      }
      ++p_;
    }
    std::string local;
    std::string* dst = out ? out : &local;
    if (view) {
      scratch_.clear();
      dst = &scratch_;
    }
    dst->append(start, static_cast<std::size_t>(p_ - start));
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        if (view) {
          *view = scratch_;
          if (out) out->append(scratch_);
        }
        return true;
      }
      if (c < 0x20) return fail("control character in string");
      if (c >= 0x80) {
        const std::size_t n = utf8_length(p_, end_);
        if (n == 0) return fail("invalid UTF-8 in string");
        dst->append(p_, n);
        p_ += n;
        continue;
      }
      if (c != '\\') {
        dst->push_back(static_cast<char>(c));
        ++p_;
        continue;
      }
      ++p_;
      if (p_ >= end_) return fail("unterminated escape");
      const char e = *p_++;
      switch (e) {
        case '"': dst->push_back('"'); break;
        case '\\': dst->push_back('\\'); break;
        case '/': dst->push_back('/'); break;
        case 'b': dst->push_back('\b'); break;
        case 'f': dst->push_back('\f'); break;
        case 'n': dst->push_back('\n'); break;
        case 'r': dst->push_back('\r'); break;
        case 't': dst->push_back('\t'); break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t lo = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return fail("lone high surrogate");
            p_ += 2;
            if (!hex4(lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail("invalid low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("lone low surrogate");
          }
          append_utf8(*dst, cp);
          break;
        }
        default:
          return fail("invalid escape");
      }
    }
    return fail("unterminated string");
  }

  // A JSON number; `out` receives its value.
  bool number(double* out) {
    ws();
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ >= end_) return fail("expected a number");
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    } else {
      return fail("expected a number");
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ >= end_ || *p_ < '0' || *p_ > '9') return fail("expected digits after '.'");
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || *p_ < '0' || *p_ > '9') return fail("expected digits in exponent");
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (out) {
      double v = 0;
      const auto [ptr, ec] = std::from_chars(start, p_, v);
      if (ec != std::errc{} && ec != std::errc::result_out_of_range) return fail("bad number");
      (void)ptr;
      *out = v;
    }
    return true;
  }

  bool literal(std::string_view word) {
    ws();
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
      return fail("invalid literal");
    }
    p_ += word.size();
    return true;
  }

  bool is_null() {
    if (peek() != 'n') return false;
    return literal("null");
  }

  bool skip_value(int depth = 0) {
    if (depth > kMaxDepth) return fail("nested too deeply");
    switch (peek()) {
      case '{': {
        ++p_;
        if (consume('}')) return true;
        do {
          if (!string(nullptr)) return false;
          if (!consume(':')) return fail("expected ':'");
          if (!skip_value(depth + 1)) return false;
        } while (consume(','));
        return consume('}') || fail("expected ',' or '}'");
      }
      case '[': {
        ++p_;
        if (consume(']')) return true;
        do {
          if (!skip_value(depth + 1)) return false;
        } while (consume(','));
        return consume(']') || fail("expected ',' or ']'");
      }
      case '"': return string(nullptr);
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      case '\0': return fail("unexpected end of input");
      default: return number(nullptr);
    }
  }

  // Iterates the members of an object; `member(key)` must consume the value.
  template <typename F>
  bool object(F&& member) {
    if (!consume('{')) return fail("expected an object");
    if (consume('}')) return true;
    do {
      std::string_view key;
      if (!string(nullptr, &key)) return false;
      std::string key_copy;
      if (key.data() == scratch_.data()) {  // escaped key lives in scratch_, which values reuse
        key_copy.assign(key);
        key = key_copy;
      }
      if (!consume(':')) return fail("expected ':'");
      if (!member(key)) return false;
    } while (consume(','));
    return consume('}') || fail("expected ',' or '}'");
  }

  // Iterates the elements of an array; `element(index)` must consume the value.
  template <typename F>
  bool array(F&& element) {
    if (!consume('[')) return fail("expected an array");
    if (consume(']')) return true;
    int index = 0;
    do {
      if (!element(index++)) return false;
    } while (consume(','));
    return consume(']') || fail("expected ',' or ']'");
  }

  // A string or null; null leaves `out` untouched.
  bool string_or_null(std::string& out) {
    if (peek() == 'n') return literal("null");
    return string(&out);
  }

  // Any scalar as text (for "code": 400 or "code": "x"); objects/arrays are skipped.
  bool scalar_text(std::string& out) {
    const char c = peek();
    if (c == '"') return string(&out);
    if (c == 'n') return literal("null");
    if (c == '-' || (c >= '0' && c <= '9')) {
      const char* start = p_;
      if (!number(nullptr)) return false;
      out.assign(start, static_cast<std::size_t>(p_ - start));
      return true;
    }
    return skip_value();
  }

  bool integer(int& out) {
    if (peek() == 'n') return literal("null");
    double v = 0;
    if (!number(&v)) return false;
    if (!(v >= -2147483648.0 && v <= 2147483647.0)) return fail("integer out of range");
    out = static_cast<int>(v);
    return true;
  }

 private:
  bool hex4(std::uint32_t& cp) {
    if (end_ - p_ < 4) return fail("short \\u escape");
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = *p_++;
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') cp |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') cp |= static_cast<std::uint32_t>(h - 'A' + 10);
      else return fail("bad hex digit in \\u escape");
    }
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  const char* p_;
  const char* end_;
  const char* why_ = nullptr;
  std::string scratch_;
};

bool parse_content_object(Scanner& s, std::string& content, std::string* reasoning) {
  if (s.is_null()) return true;
  return s.object([&](std::string_view key) {
    if (key == "content") return s.string_or_null(content);
    if (reasoning && (key == "reasoning_content" || key == "reasoning")) return s.string_or_null(*reasoning);
    return s.skip_value();
  });
}

bool parse_choice(Scanner& s, Chunk& out) {
  return s.object([&](std::string_view key) {
    if (key == "text") return s.string_or_null(out.content);
    if (key == "delta") return parse_content_object(s, out.content, &out.reasoning);
    if (key == "message") return parse_content_object(s, out.content, &out.reasoning);
    if (key == "finish_reason") return s.string_or_null(out.finish_reason);
    return s.skip_value();
  });
}

bool parse_usage(Scanner& s, Chunk& out) {
  if (s.is_null()) return true;
  Usage u;
  const bool ok = s.object([&](std::string_view key) {
    if (key == "prompt_tokens") return s.integer(u.prompt_tokens);
    if (key == "completion_tokens") return s.integer(u.completion_tokens);
    if (key == "total_tokens") return s.integer(u.total_tokens);
    if (key == "prompt_tokens_details") {
      if (s.is_null()) return true;
      return s.object([&](std::string_view k) {
        if (k != "cached_tokens") return s.skip_value();
        if (s.is_null()) return true;
        int cached = 0;
        if (!s.integer(cached)) return false;
        u.cached_tokens = cached;
        return true;
      });
    }
    return s.skip_value();
  });
  if (ok) out.usage = u;
  return ok;
}

bool parse_error(Scanner& s, ChunkError& e) {
  if (s.peek() == '"') return s.string(&e.message);  // {"error": "text"}
  if (s.is_null()) return true;
  return s.object([&](std::string_view key) {
    if (key == "message") return s.string_or_null(e.message);
    if (key == "type") return s.string_or_null(e.type);
    if (key == "code") return s.scalar_text(e.code);
    return s.skip_value();
  });
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  if (static_cast<unsigned char>(s[0]) < 0x80) return 1;
  return utf8_length(s.data(), s.data() + s.size());
}

std::string escape_invalid_utf8(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s.substr(i));
    if (n == 0) {
      const auto b = static_cast<unsigned char>(s[i]);
      out += {'\\', 'x', kHex[b >> 4], kHex[b & 0xF]};
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

bool parse_chunk(std::string_view json, Chunk& out, std::string* why) {
  out.content.clear();
  out.reasoning.clear();
  out.finish_reason.clear();
  out.has_choices = false;
  out.usage.reset();
  out.error.reset();
  Scanner s(json);
  std::string object_type;
  ChunkError top;  // vLLM's {"object":"error","message":...,"type":...,"code":...}
  bool saw_error_member = false;
  ChunkError nested;
  const bool ok = s.object([&](std::string_view key) {
    if (key == "choices") {
      if (s.is_null()) return true;
      return s.array([&](int index) {
        if (index == 0) {
          out.has_choices = true;
          return parse_choice(s, out);
        }
        return s.skip_value();
      });
    }
    if (key == "usage") return parse_usage(s, out);
    if (key == "error") {
      saw_error_member = true;
      return parse_error(s, nested);
    }
    if (key == "object") return s.string_or_null(object_type);
    if (key == "message") return s.scalar_text(top.message);
    if (key == "type") return s.scalar_text(top.type);
    if (key == "code") return s.scalar_text(top.code);
    return s.skip_value();
  });
  if (!ok || !s.at_end()) {
    if (why) *why = ok ? "trailing characters after the JSON object" : (s.why() ? s.why() : "invalid JSON");
    return false;
  }
  if (saw_error_member && (!nested.message.empty() || !nested.type.empty() || !nested.code.empty())) {
    out.error = std::move(nested);
  } else if (object_type == "error") {
    out.error = std::move(top);
  }
  return true;
}

}  // namespace lmbench::openai
