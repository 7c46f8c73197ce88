#define PCRE2_CODE_UNIT_WIDTH 8
#include "text/split_regex.h"

#include <pcre2.h>

#include <stdexcept>

namespace lmbench::text {

struct SplitRegex::Code {
  pcre2_code* re = nullptr;
  bool jit = false;
  ~Code() { pcre2_code_free(re); }
};

namespace {

// Per-thread match state. One match-data block with a single ovector pair serves every pattern
// (only the whole-match offsets are read), and a 1 MiB JIT stack keeps long whitespace or
// punctuation runs from exhausting the 32 KiB default.
struct ThreadMatchState {
  pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
  pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr);
  pcre2_match_context* ctx = pcre2_match_context_create(nullptr);
  ThreadMatchState() { pcre2_jit_stack_assign(ctx, nullptr, stack); }
  ~ThreadMatchState() {
    pcre2_match_context_free(ctx);
    pcre2_jit_stack_free(stack);
    pcre2_match_data_free(md);
  }
};

ThreadMatchState& thread_state() {
  thread_local ThreadMatchState state;
  return state;
}

}  // namespace

SplitRegex::SplitRegex(const std::string& pattern) : code_(std::make_unique<Code>()) {
  int err = 0;
  PCRE2_SIZE err_offset = 0;
  code_->re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                            PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &err, &err_offset, nullptr);
  if (code_->re == nullptr) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    throw std::invalid_argument("pre-tokenizer regex '" + pattern + "' does not compile at offset " +
                                std::to_string(err_offset) + ": " + reinterpret_cast<const char*>(msg));
  }
  code_->jit = pcre2_jit_compile(code_->re, PCRE2_JIT_COMPLETE) == 0;
}

SplitRegex::~SplitRegex() = default;
SplitRegex::SplitRegex(SplitRegex&&) noexcept = default;
SplitRegex& SplitRegex::operator=(SplitRegex&&) noexcept = default;

bool SplitRegex::find(std::string_view text, std::size_t start, std::size_t& begin, std::size_t& end) const {
  auto& st = thread_state();
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  while (start < text.size()) {
    const int rc = code_->jit ? pcre2_jit_match(code_->re, subject, text.size(), start, 0, st.md, st.ctx)
                              : pcre2_match(code_->re, subject, text.size(), start, 0, st.md, st.ctx);
    if (rc < 0) return false;  // PCRE2_ERROR_NOMATCH, or a resource limit: the rest is one piece
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(st.md);
    if (ov[1] > ov[0]) {
      begin = ov[0];
      end = ov[1];
      return true;
    }
    // An empty match carries no piece; look again one code point further on.
    start = ov[0] + 1;
    while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
  }
  return false;
}

}  // namespace lmbench::text
