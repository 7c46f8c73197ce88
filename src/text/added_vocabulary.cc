#include "text/added_vocabulary.h"

#include <algorithm>

namespace lmbench::text {

AddedVocabulary::Pass::Pass(std::vector<Token> t) : tokens(std::move(t)) {
  std::erase_if(tokens, [](const Token& x) { return x.content.empty(); });
  std::stable_sort(tokens.begin(), tokens.end(),
                   [](const Token& a, const Token& b) { return a.content.size() > b.content.size(); });
  for (const auto& x : tokens) first_byte[static_cast<unsigned char>(x.content[0])] = true;
}

AddedVocabulary::AddedVocabulary(std::vector<Token> raw_pass, std::vector<Token> normalized_pass)
    : passes_{Pass(std::move(raw_pass)), Pass(std::move(normalized_pass))} {}

}  // namespace lmbench::text
