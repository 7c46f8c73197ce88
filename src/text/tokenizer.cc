#include "text/tokenizer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/error.h"
#include "core/files.h"
#include "text/added_vocabulary.h"
#include "text/bpe_model.h"
#include "text/byte_level.h"
#include "text/split_regex.h"

namespace lmbench::text {

namespace {

using Json = nlohmann::json;

// GPT-2's pattern, used by a ByteLevel pre-tokenizer with use_regex=true.
constexpr const char* kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Errors name the file and the key path in the JSON ("model.merges[3]").
struct Loader {
  const std::string& source;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw core::ConfigError(core::SourceLocation{source, 0, 0}, fmt::format("{}: {}", key, message));
  }

  static std::string found(const Json& j) {
    std::string s = j.dump();
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
  }

  const Json& field(const Json& obj, const std::string& path, const char* key) const {
    if (!obj.is_object() || !obj.contains(key)) fail(path, fmt::format("expected a key '{}', found none", key));
    return obj.at(key);
  }

  // A boolean flag that must have `wanted` (or be absent/null) because the other value is not
  // implemented here.
  void require_flag(const Json& obj, const std::string& path, const char* key, bool wanted) const {
    if (!obj.contains(key) || obj.at(key).is_null()) return;
    const Json& v = obj.at(key);
    if (!v.is_boolean()) fail(path + "." + key, "expected true or false, found " + found(v));
    if (v.get<bool>() != wanted) {
      fail(path + "." + key, fmt::format("expected {} (the other setting is not supported), found {}", wanted, found(v)));
    }
  }

  // The pre-tokenizer regex: Sequence[Split(Regex, Isolated), ByteLevel(use_regex=false)] as
  // Llama 3 has it, or a lone ByteLevel(use_regex=true) as GPT-2 has it.
  std::string split_pattern(const Json& pre) const {
    const std::string path = "pre_tokenizer";
    if (!pre.is_object()) fail(path, "expected a Split + ByteLevel pre-tokenizer, found " + found(pre));
    const std::string type = field(pre, path, "type").is_string() ? pre.at("type").get<std::string>() : "";
    if (type == "ByteLevel") {
      require_flag(pre, path, "add_prefix_space", false);
      require_flag(pre, path, "use_regex", true);
      return kGpt2Pattern;
    }
    if (type != "Sequence") fail(path + ".type", "expected 'Sequence' or 'ByteLevel', found " + found(pre.at("type")));
    const Json& seq = field(pre, path, "pretokenizers");
    if (!seq.is_array() || seq.size() != 2) {
      fail(path + ".pretokenizers", "expected [Split, ByteLevel], found " + found(seq));
    }
    const Json& split = seq[0];
    const std::string sp = path + ".pretokenizers[0]";
    if (field(split, sp, "type") != "Split") fail(sp + ".type", "expected 'Split', found " + found(split.at("type")));
    if (field(split, sp, "behavior") != "Isolated") {
      fail(sp + ".behavior", "expected 'Isolated', found " + found(split.at("behavior")));
    }
    require_flag(split, sp, "invert", false);
    const Json& pattern = field(split, sp, "pattern");
    if (!pattern.contains("Regex") || !pattern.at("Regex").is_string()) {
      fail(sp + ".pattern", "expected {\"Regex\": \"...\"}, found " + found(pattern));
    }
    const Json& bl = seq[1];
    const std::string bp = path + ".pretokenizers[1]";
    if (field(bl, bp, "type") != "ByteLevel") fail(bp + ".type", "expected 'ByteLevel', found " + found(bl.at("type")));
    require_flag(bl, bp, "add_prefix_space", false);
    require_flag(bl, bp, "use_regex", false);
    return pattern.at("Regex").get<std::string>();
  }

  std::string raw_bytes(const std::string& path, const std::string& encoded) const {
    auto bytes = byte_level_decode(encoded);
    if (!bytes) fail(path, fmt::format("token '{}' is not written in the byte-level alphabet", encoded));
    return *std::move(bytes);
  }
};

}  // namespace

struct Tokenizer::Impl {
  BpeModel model;
  SplitRegex regex;
  AddedVocabulary added;
  std::vector<std::string> id_bytes;  // raw bytes of every id; empty for unused ids
  std::vector<bool> id_used;
  std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> added_ids;

  void encode(std::string_view text, std::vector<TokenId>& out) const {
    added.split(
        text,
        [&](std::string_view segment) {
          regex.split(segment, [&](std::string_view piece) { model.encode_piece(piece, out); });
        },
        [&](TokenId id) { out.push_back(id); });
  }
};

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;

Tokenizer Tokenizer::from_file(const std::filesystem::path& path) {
  std::string json;
  try {
    json = core::read_file(path);
  } catch (const std::exception& e) {
    throw core::ConfigError(std::string("tokenizer: ") + e.what());
  }
  return from_json(json, path.string());
}

Tokenizer Tokenizer::from_json(std::string_view text, const std::string& source) {
  const Loader ld{source};
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // Byte offset → line and column for the message.
    const std::size_t at = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    throw core::ConfigError(core::SourceLocation{source, line, static_cast<int>(at - line_start + 1)},
                            std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) ld.fail("(top level)", "expected an object, found " + Loader::found(doc));

  if (doc.contains("normalizer") && !doc.at("normalizer").is_null()) {
    ld.fail("normalizer", "expected null (normalizers are not supported), found " + Loader::found(doc.at("normalizer")));
  }
  if (doc.contains("decoder") && !doc.at("decoder").is_null()) {
    const Json& dec = doc.at("decoder");
    if (!dec.is_object() || dec.value("type", "") != "ByteLevel") {
      ld.fail("decoder", "expected a ByteLevel decoder, found " + Loader::found(dec));
    }
  }
  const std::string pattern = ld.split_pattern(ld.field(doc, "(top level)", "pre_tokenizer"));

  const Json& model = ld.field(doc, "(top level)", "model");
  if (ld.field(model, "model", "type") != "BPE") ld.fail("model.type", "expected 'BPE', found " + Loader::found(model.at("type")));
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    if (model.contains(key) && !model.at(key).is_null() && model.at(key) != "") {
      ld.fail(std::string("model.") + key, "expected null (not supported), found " + Loader::found(model.at(key)));
    }
  }
  if (model.contains("dropout") && !model.at("dropout").is_null() && model.at("dropout") != 0.0) {
    ld.fail("model.dropout", "expected null (BPE dropout makes ids random), found " + Loader::found(model.at("dropout")));
  }
  ld.require_flag(model, "model", "byte_fallback", false);
  bool ignore_merges = false;
  if (model.contains("ignore_merges")) {
    if (!model.at("ignore_merges").is_boolean()) ld.fail("model.ignore_merges", "expected true or false");
    ignore_merges = model.at("ignore_merges").get<bool>();
  }

  auto impl_vocab = std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>>{};
  std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> encoded_ids;  // load-time only
  std::vector<std::string> id_bytes;
  std::vector<bool> id_used;
  const auto put_id = [&](TokenId id, const std::string& bytes) {
    if (id_bytes.size() <= static_cast<std::size_t>(id)) {
      id_bytes.resize(id + 1);
      id_used.resize(id + 1, false);
    }
    id_bytes[id] = bytes;
    id_used[id] = true;
  };
  const Json& vocab = ld.field(model, "model", "vocab");
  if (!vocab.is_object()) ld.fail("model.vocab", "expected an object of token → id, found " + Loader::found(vocab));
  impl_vocab.reserve(vocab.size());
  encoded_ids.reserve(vocab.size());
  for (const auto& [token, id_json] : vocab.items()) {
    if (!id_json.is_number_integer() || id_json.get<std::int64_t>() < 0 || id_json.get<std::int64_t>() > (1 << 30)) {
      ld.fail("model.vocab." + token, "expected a non-negative integer id, found " + Loader::found(id_json));
    }
    const auto id = id_json.get<TokenId>();
    std::string bytes = ld.raw_bytes("model.vocab", token);
    put_id(id, bytes);
    impl_vocab.emplace(std::move(bytes), id);
    encoded_ids.emplace(token, id);
  }

  const Json& merges_json = ld.field(model, "model", "merges");
  if (!merges_json.is_array()) ld.fail("model.merges", "expected an array, found " + Loader::found(merges_json));
  std::unordered_map<std::uint64_t, BpeModel::Merge> merges;
  merges.reserve(merges_json.size());
  std::int32_t rank = 0;
  std::string joined;  // a + b, reused across merges
  for (const Json& m : merges_json) {
    const auto path = [&] { return fmt::format("model.merges[{}]", rank); };
    std::string_view a;
    std::string_view b;
    if (m.is_string()) {
      const std::string_view s = m.get_ref<const std::string&>();
      const auto space = s.find(' ');
      if (space == std::string_view::npos || s.find(' ', space + 1) != std::string_view::npos) {
        ld.fail(path(), "expected \"left right\", found " + Loader::found(m));
      }
      a = s.substr(0, space);
      b = s.substr(space + 1);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      a = m[0].get_ref<const std::string&>();
      b = m[1].get_ref<const std::string&>();
    } else {
      ld.fail(path(), "expected \"left right\" or [left, right], found " + Loader::found(m));
    }
    joined.assign(a);
    joined.append(b);
    const auto ia = encoded_ids.find(a);
    const auto ib = encoded_ids.find(b);
    const auto iab = encoded_ids.find(joined);
    if (ia == encoded_ids.end() || ib == encoded_ids.end() || iab == encoded_ids.end()) {
      ld.fail(path(), fmt::format("merge '{} {}' uses a token missing from model.vocab", a, b));
    }
    // The first (lowest-ranked) occurrence of a pair wins, as in Hugging Face.
    merges.emplace(BpeModel::pair_key(ia->second, ib->second), BpeModel::Merge{rank, iab->second});
    ++rank;
  }

  std::vector<AddedVocabulary::Token> raw_pass;
  std::vector<AddedVocabulary::Token> normalized_pass;
  std::unordered_map<std::string, TokenId, StringHash, std::equal_to<>> added_ids;
  if (doc.contains("added_tokens") && !doc.at("added_tokens").is_null()) {
    const Json& added = doc.at("added_tokens");
    if (!added.is_array()) ld.fail("added_tokens", "expected an array, found " + Loader::found(added));
    for (std::size_t i = 0; i < added.size(); ++i) {
      const Json& t = added[i];
      const std::string path = fmt::format("added_tokens[{}]", i);
      const Json& id_json = ld.field(t, path, "id");
      const Json& content = ld.field(t, path, "content");
      if (!id_json.is_number_integer() || id_json.get<std::int64_t>() < 0 || id_json.get<std::int64_t>() > (1 << 30)) {
        ld.fail(path + ".id", "expected a non-negative integer, found " + Loader::found(id_json));
      }
      if (!content.is_string() || content.get<std::string>().empty()) {
        ld.fail(path + ".content", "expected a non-empty string, found " + Loader::found(content));
      }
      for (const char* flag : {"single_word", "lstrip", "rstrip"}) ld.require_flag(t, path, flag, false);
      const auto id = id_json.get<TokenId>();
      const auto text = content.get<std::string>();
      put_id(id, text);
      added_ids[text] = id;
      const bool normalized = t.contains("normalized") && t.at("normalized").is_boolean()
                                  ? t.at("normalized").get<bool>()
                                  : !t.value("special", false);
      (normalized ? normalized_pass : raw_pass).push_back({text, id});
    }
  }

  std::optional<SplitRegex> regex;
  try {
    regex.emplace(pattern);
  } catch (const std::invalid_argument& e) {
    ld.fail("pre_tokenizer", e.what());
  }
  std::optional<BpeModel> bpe;
  try {
    bpe.emplace(std::move(impl_vocab), std::move(merges), ignore_merges);
  } catch (const std::invalid_argument& e) {
    ld.fail("model.vocab", e.what());
  }
  return Tokenizer(std::make_unique<Impl>(Impl{*std::move(bpe), *std::move(regex),
                                               AddedVocabulary(std::move(raw_pass), std::move(normalized_pass)),
                                               std::move(id_bytes), std::move(id_used), std::move(added_ids)}));
}

std::vector<TokenId> Tokenizer::encode(std::string_view text) const {
  std::vector<TokenId> out;
  out.reserve(text.size() / 4 + 4);
  impl_->encode(text, out);
  return out;
}

void Tokenizer::encode_into(std::string_view text, std::vector<TokenId>& out) const { impl_->encode(text, out); }

std::size_t Tokenizer::count(std::string_view text) const {
  // Counted per segment through a reused per-thread buffer so no vector grows with the text.
  thread_local std::vector<TokenId> scratch;
  std::size_t n = 0;
  impl_->added.split(
      text,
      [&](std::string_view segment) {
        impl_->regex.split(segment, [&](std::string_view piece) {
          scratch.clear();
          impl_->model.encode_piece(piece, scratch);
          n += scratch.size();
        });
      },
      [&](TokenId) { ++n; });
  return n;
}

std::string_view Tokenizer::token_bytes(TokenId id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= impl_->id_used.size() || !impl_->id_used[id]) {
    throw std::out_of_range(fmt::format("token id {} is not in the vocabulary", id));
  }
  return impl_->id_bytes[id];
}

std::string Tokenizer::decode(std::span<const TokenId> ids) const {
  std::string out;
  for (const TokenId id : ids) out += token_bytes(id);
  return out;
}

std::optional<TokenId> Tokenizer::token_id(std::string_view bytes) const {
  if (const auto it = impl_->added_ids.find(bytes); it != impl_->added_ids.end()) return it->second;
  if (const auto it = impl_->model.vocab().find(bytes); it != impl_->model.vocab().end()) return it->second;
  return std::nullopt;
}

std::size_t Tokenizer::vocab_size() const { return impl_->id_used.size(); }

}  // namespace lmbench::text
