#pragma once
// A built-in list of common English words, the raw material of synthetic prompts. Built in so that
// the product depends on no data file; PromptSynth keeps only the words that are one token (with
// a leading space) under the tokenizer in use.

#include <string_view>
#include <vector>

namespace lmbench::text {

// Lower-case words, no duplicates, in a fixed order (synthetic text depends on it: changing the
// list changes every generated prompt).
const std::vector<std::string_view>& english_words();

}  // namespace lmbench::text
