#include "metrics/record.h"

namespace lmbench::metrics {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "ok";
    case Outcome::kFailed: return "failed";
    case Outcome::kCancelled: return "cancelled";
  }
  return "failed";
}

const char* token_source_name(TokenSource source) {
  switch (source) {
    case TokenSource::kServerUsage: return "usage";
    case TokenSource::kTokenizer: return "tokenizer";
    case TokenSource::kNone: return "none";
  }
  return "none";
}

std::optional<Outcome> outcome_named(std::string_view name) {
  for (const auto o : {Outcome::kOk, Outcome::kFailed, Outcome::kCancelled}) {
    if (name == outcome_name(o)) return o;
  }
  return std::nullopt;
}

std::optional<TokenSource> token_source_named(std::string_view name) {
  for (const auto s : {TokenSource::kServerUsage, TokenSource::kTokenizer, TokenSource::kNone}) {
    if (name == token_source_name(s)) return s;
  }
  return std::nullopt;
}

}  // namespace lmbench::metrics
