#include "text/tokenizer_fixture.h"

namespace lmbench::text::testing {

const Tokenizer& llama3() {
  static const Tokenizer tokenizer = Tokenizer::from_file(llama3_tokenizer_path());
  return tokenizer;
}

}  // namespace lmbench::text::testing
