#pragma once
// The pre-tokenizer's Split regex (tokenizer.json "pre_tokenizer" → Split, behaviour Isolated),
// compiled once with PCRE2 in UTF + UCP mode and JIT. Hugging Face runs the same pattern with
// Oniguruma; with UCP, PCRE2's \s, \p{L} and \p{N} cover the same characters for this use (U+0085
// and the Z spaces included), which tokenizer_reference_test checks against Hugging Face.
//
// Thread-safety: immutable after construction; split() may run on many threads at once (each
// thread keeps its own PCRE2 match data).

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace lmbench::text {

class SplitRegex {
 public:
  // Throws std::invalid_argument naming the pattern and PCRE2's message when it does not compile.
  explicit SplitRegex(const std::string& pattern);
  ~SplitRegex();
  SplitRegex(SplitRegex&&) noexcept;
  SplitRegex& operator=(SplitRegex&&) noexcept;

  // Calls on_piece for every piece of `text`, in order, covering it entirely: each match, and
  // each run of bytes between matches (the "Isolated" behaviour keeps those too). Bytes that are
  // not valid UTF-8 never match and so end up in between-match pieces.
  template <typename F>
  void split(std::string_view text, F&& on_piece) const {
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t m_begin = 0;
      std::size_t m_end = 0;
      if (!find(text, start, m_begin, m_end)) break;
      if (m_begin > start) on_piece(text.substr(start, m_begin - start));
      on_piece(text.substr(m_begin, m_end - m_begin));
      start = m_end;
    }
    if (start < text.size()) on_piece(text.substr(start));
  }

 private:
  // First non-empty match at or after `start`; false when there is none.
  bool find(std::string_view text, std::size_t start, std::size_t& begin, std::size_t& end) const;

  struct Code;
  std::unique_ptr<Code> code_;
};

}  // namespace lmbench::text
