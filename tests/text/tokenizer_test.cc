#include "text/tokenizer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "text/byte_level.h"
#include "text/tokenizer_fixture.h"

namespace lmbench::text {
namespace {

using Ids = std::vector<TokenId>;

// Byte-level spelling of raw bytes, as tokenizer.json writes vocab keys.
std::string bl(std::string_view raw) {
  std::string out;
  for (const char c : raw) append_utf8(out, byte_to_code_point(static_cast<std::uint8_t>(c)));
  return out;
}

// A tiny byte-level BPE: ids 0..255 are the bytes, then the given merged tokens in order.
nlohmann::json tiny_tokenizer(const std::vector<std::pair<std::string, std::string>>& merges, bool ignore_merges) {
  nlohmann::json vocab = nlohmann::json::object();
  for (int b = 0; b < 256; ++b) vocab[bl(std::string(1, static_cast<char>(b)))] = b;
  nlohmann::json merge_list = nlohmann::json::array();
  for (const auto& [l, r] : merges) {
    if (!vocab.contains(bl(l + r))) vocab[bl(l + r)] = static_cast<int>(vocab.size());
    merge_list.push_back(bl(l) + " " + bl(r));
  }
  return {
      {"version", "1.0"},
      {"added_tokens", {{{"id", 1000}, {"content", "<|end|>"}, {"special", true}, {"normalized", false}}}},
      {"normalizer", nullptr},
      {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
      {"decoder", {{"type", "ByteLevel"}}},
      {"model", {{"type", "BPE"}, {"ignore_merges", ignore_merges}, {"vocab", vocab}, {"merges", merge_list}}},
  };
}

Tokenizer tiny(const std::vector<std::pair<std::string, std::string>>& merges, bool ignore_merges = false) {
  return Tokenizer::from_json(tiny_tokenizer(merges, ignore_merges).dump(), "tiny.json");
}

std::string load_error(const std::string& json) {
  try {
    Tokenizer::from_json(json, "tok.json");
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "loaded without error";
  return "";
}

TEST(Tokenizer, LowestRankedMergeFirst) {
  // "b c" outranks "a b", so "abc" becomes a + bc, then abc through "a bc".
  const auto tok = tiny({{"b", "c"}, {"a", "b"}, {"a", "bc"}});
  const auto abc = tok.token_id("abc");
  ASSERT_TRUE(abc.has_value());
  EXPECT_EQ(tok.encode("abc"), Ids{*abc});
  // With "a b" first, ab + c has no merge: two tokens.
  const auto tok2 = tiny({{"a", "b"}, {"b", "c"}, {"a", "bc"}});
  EXPECT_EQ(tok2.encode("abc"), (Ids{*tok2.token_id("ab"), 'c'}));
}

TEST(Tokenizer, EqualRanksMergeLeftmostFirst) {
  const auto tok = tiny({{"a", "a"}});
  const TokenId aa = *tok.token_id("aa");
  EXPECT_EQ(tok.encode("aaa"), (Ids{aa, 'a'}));
  EXPECT_EQ(tok.encode("aaaa"), (Ids{aa, aa}));
}

TEST(Tokenizer, IgnoreMergesTakesWholeVocabularyEntries) {
  // "abc" is in the vocabulary but no merge path reaches it from a + b + c with these ranks.
  auto json = tiny_tokenizer({{"a", "b"}, {"b", "c"}}, true);
  json["model"]["vocab"][bl("abc")] = 900;
  const auto with = Tokenizer::from_json(json.dump(), "t.json");
  EXPECT_EQ(with.encode("abc"), Ids{900});
  json["model"]["ignore_merges"] = false;
  const auto without = Tokenizer::from_json(json.dump(), "t.json");
  EXPECT_EQ(without.encode("abc"), (Ids{*without.token_id("ab"), 'c'}));
}

TEST(Tokenizer, AddedTokensInTextBecomeTheirIds) {
  const auto tok = tiny({});
  EXPECT_EQ(tok.encode("x<|end|>y"), (Ids{'x', 1000, 'y'}));
  EXPECT_EQ(tok.encode("<|end"), (Ids{'<', '|', 'e', 'n', 'd'}));
  EXPECT_EQ(tok.decode(Ids{'x', 1000}), "x<|end|>");
  EXPECT_EQ(tok.token_id("<|end|>"), TokenId{1000});
  EXPECT_EQ(tok.token_bytes(1000), "<|end|>");
  EXPECT_THROW(tok.token_bytes(999), std::out_of_range);
  EXPECT_THROW(tok.decode(Ids{-1}), std::out_of_range);
  EXPECT_EQ(tok.vocab_size(), 1001u);
}

TEST(Tokenizer, Llama3KnownIds) {
  const Tokenizer& tok = testing::llama3();
  // Ids from Hugging Face tokenizers 0.23.2 (encode, addSpecialTokens: false).
  EXPECT_EQ(tok.encode("Hello world"), (Ids{9906, 1917}));
  EXPECT_EQ(tok.encode("<|begin_of_text|>Hi<|eot_id|> there"), (Ids{128000, 13347, 128009, 1070}));
  EXPECT_EQ(tok.encode("don't DON'T"), (Ids{15357, 956, 45373, 17773}));
  EXPECT_EQ(tok.encode("12345678"), (Ids{4513, 10961, 2495}));
  EXPECT_EQ(tok.encode("  \n\n  x"), (Ids{19124, 220, 865}));
  EXPECT_EQ(tok.encode("你好世界 🎉"), (Ids{57668, 53901, 102616, 11410, 236, 231}));
  EXPECT_EQ(tok.encode(""), Ids{});
  EXPECT_EQ(tok.vocab_size(), 128256u);
  EXPECT_EQ(tok.token_id(" world"), TokenId{1917});
  EXPECT_EQ(tok.token_bytes(1917), " world");
}

TEST(Tokenizer, AnyBytesRoundTrip) {
  const Tokenizer& tok = testing::llama3();
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  bytes += "\xC3\x28 \xE2\x82 \xF0\x9F\x98 truncated \xFF\xFE end";
  const auto ids = tok.encode(bytes);
  EXPECT_EQ(tok.decode(ids), bytes);
  EXPECT_EQ(tok.count(bytes), ids.size());
}

TEST(Tokenizer, LongRunsDoNotBreakTheRegex) {
  const Tokenizer& tok = testing::llama3();
  for (const std::string& s : {std::string(200000, ' '), std::string(200000, '\n'), std::string(100000, '!'),
                               std::string(100000, 'a'), std::string(50000, '7') + "x"}) {
    const auto ids = tok.encode(s);
    EXPECT_FALSE(ids.empty());
    EXPECT_EQ(tok.decode(ids), s);
  }
}

TEST(Tokenizer, ConcurrentEncodingGivesTheSameIds) {
  const Tokenizer& tok = testing::llama3();
  std::vector<std::string> texts;
  for (int i = 0; i < 8; ++i) {
    texts.push_back("Thread " + std::to_string(i) + " says: the quick brown fox, 12345, 日本語, 🎉 <|eot_id|> " +
                    std::string(i * 7, ' ') + "unusualword" + std::to_string(i * 7919));
  }
  std::vector<Ids> expected;
  for (const auto& t : texts) expected.push_back(tok.encode(t));
  std::vector<int> mismatches(texts.size(), 0);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int rep = 0; rep < 300; ++rep) {
        const auto& t = texts[(i + rep) % texts.size()];
        if (tok.encode(t) != expected[(i + rep) % texts.size()]) ++mismatches[i];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(Tokenizer, LoadErrorsNameTheFileAndTheProblem) {
  EXPECT_NE(load_error("{\n  \"model\": [1,\n}").find("tok.json:3:1: not valid JSON"), std::string::npos)
      << load_error("{\n  \"model\": [1,\n}");
  auto j = tiny_tokenizer({}, false);
  j["normalizer"] = {{"type", "NFC"}};
  EXPECT_NE(load_error(j.dump()).find("tok.json: normalizer: expected null"), std::string::npos) << load_error(j.dump());
  j = tiny_tokenizer({}, false);
  j["model"]["type"] = "Unigram";
  EXPECT_NE(load_error(j.dump()).find("model.type: expected 'BPE', found \"Unigram\""), std::string::npos);
  j = tiny_tokenizer({{"a", "b"}}, false);
  j["model"]["merges"].push_back(bl("q") + " " + bl("zz"));
  EXPECT_NE(load_error(j.dump()).find("model.merges[1]: merge"), std::string::npos) << load_error(j.dump());
  j = tiny_tokenizer({}, false);
  j["model"]["vocab"].erase(bl("A"));
  EXPECT_NE(load_error(j.dump()).find("no token for byte 65"), std::string::npos) << load_error(j.dump());
  j = tiny_tokenizer({}, false);
  j["added_tokens"][0]["lstrip"] = true;
  EXPECT_NE(load_error(j.dump()).find("added_tokens[0].lstrip: expected false"), std::string::npos)
      << load_error(j.dump());
  EXPECT_THROW(Tokenizer::from_file("/nonexistent/tokenizer.json"), core::ConfigError);
}

}  // namespace
}  // namespace lmbench::text
