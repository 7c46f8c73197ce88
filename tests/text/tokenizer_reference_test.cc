// The tokenizer against Hugging Face's own implementation: the `tokenizers` npm binding run
// through node on a corpus of English, code, numbers, emoji, CJK, whitespace runs, mixed scripts
// and seeded random strings of awkward characters. Every line and the whole text must give the
// same ids, and decode must give the text back.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/process.h"
#include "text/byte_level.h"
#include "text/tokenizer.h"
#include "text/tokenizer_fixture.h"

namespace lmbench::text {
namespace {

std::vector<std::string> handwritten_corpus() {
  return {
      "Hello world",
      "The quick brown fox jumps over the lazy dog.",
      "Shall I compare thee to a summer's day? Thou art more lovely and more temperate:",
      "don't won't can't I'm you're we'll they've she'd DON'T I'M WE'LL They'RE it's IT'S",
      "rock'n'roll o'clock 'tis ''quoted'' '' 's 'S 'sup",
      "#include <vector>\nint main(int argc, char** argv) {\n  std::vector<int> v{1, 2, 3};\n  return v.size() > 2 ? 0 : 1;\n}\n",
      "def f(x):\n    if x <= 0:\n        return []\n    return [i ** 2 for i in range(x)]  # squares\n",
      "SELECT id, name FROM users WHERE age >= 21 AND name LIKE '%son';",
      "{\"timestamp\": 1700000000, \"input_length\": 6758, \"hash_ids\": [0, 1, 2]}",
      "0 1 12 123 1234 12345 123456 1234567 12345678901234567890 3.14159 -42 1e-9 0x1F 1,000,000",
      "99999999999999999999999999999999999999999999999999",
      "Phone: +1 (555) 010-9999, date 2024-05-29T07:58:00Z",
      "🎉🎉 party 🎉 👍🏽 👨‍👩‍👧‍👦 family 🇫🇷 flag ❤️ heart 😀😃😄",
      "你好，世界！这是一个测试。",
      "日本語のテキストとカタカナ、ひらがな。漢字も。",
      "한국어 텍스트입니다. 안녕하세요!",
      "Привет, мир! Это тест. Ёжик.",
      "مرحبا بالعالم. هذا اختبار.",
      "שלום עולם",
      "नमस्ते दुनिया। यह एक परीक्षण है।",
      "สวัสดีชาวโลก นี่คือการทดสอบ",
      "Ελληνικά κείμενα με τόνους: άέήίόύώ",
      "mixed: English日本語Русский123abc中文😀end",
      "café naïve résumé coöperate Zürich façade",
      "e\xCC\x81 combining acute, a\xCC\x8A ring",
      "    four leading spaces",
      "trailing spaces    ",
      "tabs\tand\t\tmore\t\t\ttabs",
      "\n\n\nthree newlines first",
      "line one\r\nline two\r\n\r\nline four",
      "  \n  \n\t\n \u00a0 nbsp \u3000 ideographic space \u2028 line sep \u2029 para sep",
      "nel\u0085between and\u0085\u0085twice",
      "x \u0085 y",
      "a \u0085x b \u0085\u0085! c\t\u0085.",
      "a\u0085\u0085\u0085x \u0085\u0085.\u0085\n\u0085 \u2028\u2028z \u00a0\u00a0\u00a0q",
      "                                                                    many spaces",
      "\n\n\n\n\n\n\n\n\n\n",
      " ",
      "a",
      "!!! ??? ... --- === *** ### @@@ $$$ %%% ^^^ &&& ((( )))",
      "<|begin_of_text|>Hello<|eot_id|> there<|start_header_id|>user<|end_header_id|>\n\nHi",
      "<|begin_of_text|><|begin_of_text|> <|end_of_text|>",
      "<|not_a_special_token|> <| begin_of_text |> <|reserved_special_token_7|>",
      "https://example.com/path?query=1&b=two#frag user@example.org",
      "snake_case_name camelCaseName PascalCase SCREAMING_CASE kebab-case",
      "\xEF\xBB\xBF BOM at start",
      "zero\u200Bwidth\u200Cjoiner\u200Dstuff",
  };
}

// Seeded random strings from a palette of characters that sit on regex class boundaries.
std::vector<std::string> random_corpus(int n) {
  const std::vector<char32_t> palette = {
      ' ', ' ', ' ', '\n', '\t', '\r', 'a', 'b', 'Z', 's', 't', 'l', 'd', '\'', '\'', '1', '2', '9', '0', '.', ',',
      '!', '-', '_', '(', ')', '"', '<', '|', '>', 0xE9, 0x4E2D, 0x6587, 0x3042, 0x1F600, 0x1F3FD, 0x200D, 0xA0,
      0x3000, 0x85, 0x2028, 0x661, 0x0663, 0xBD, 0x2163, 0x301, 0x5D0, 0x915, 0x94D};
  std::uint64_t state = 12345;
  const auto next = [&] {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string s;
    const int len = 1 + static_cast<int>(next() % 40);
    for (int k = 0; k < len; ++k) append_utf8(s, palette[next() % palette.size()]);
    out.push_back(std::move(s));
  }
  return out;
}

struct Reference {
  std::vector<std::vector<TokenId>> ids;
  std::vector<std::string> decoded;
};

Reference run_reference(const std::vector<std::string>& texts) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("lmbench-tok-ref-" + std::to_string(::getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir);
  const auto in = dir / "in.json";
  const auto out = dir / "out.json";
  core::write_file_atomic(in, nlohmann::json(texts).dump());
  core::ProcessSpec spec;
  spec.argv = {"node", std::string(LMBENCH_SOURCE_DIR) + "/tests/text/hf_reference.js", LMBENCH_NPM_DIR,
               testing::llama3_tokenizer_path(), in.string(), out.string()};
  const auto r = core::run_command(spec);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return {};
  EXPECT_EQ(r->exit_code, 0) << r->output;
  Reference ref;
  if (r->exit_code == 0) {
    const auto j = nlohmann::json::parse(core::read_file(out));
    ref.ids = j.at("ids").get<std::vector<std::vector<TokenId>>>();
    ref.decoded = j.at("decoded").get<std::vector<std::string>>();
  }
  std::filesystem::remove_all(dir);
  return ref;
}

std::string join(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}

void expect_matches_reference(std::vector<std::string> texts) {
  texts.push_back(join(texts));  // the whole corpus as one text too
  const Reference ref = run_reference(texts);
  ASSERT_EQ(ref.ids.size(), texts.size());
  const Tokenizer& tok = testing::llama3();
  int mismatches = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto ids = tok.encode(texts[i]);
    if (ids != ref.ids[i] && ++mismatches <= 5) {
      ADD_FAILURE() << "text #" << i << " " << nlohmann::json(texts[i]).dump() << "\n ours: " << nlohmann::json(ids).dump()
                    << "\n   hf: " << nlohmann::json(ref.ids[i]).dump();
    }
    EXPECT_EQ(tok.count(texts[i]), ref.ids[i].size()) << i;
    EXPECT_EQ(tok.decode(ids), texts[i]) << i;
    EXPECT_EQ(tok.decode(ref.ids[i]), ref.decoded[i]) << i;
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(TokenizerReference, HandwrittenCorpusMatchesHuggingFace) { expect_matches_reference(handwritten_corpus()); }

TEST(TokenizerReference, SeededRandomStringsMatchHuggingFace) { expect_matches_reference(random_corpus(400)); }

TEST(TokenizerReference, SonnetLinesMatchHuggingFace) {
  const std::string sonnet = core::read_file(std::string(LMBENCH_WORKLOADS_DIR) + "/vllm-benchmark-serving/sonnet.txt");
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < sonnet.size()) {
    const auto nl = sonnet.find('\n', start);
    const auto end = nl == std::string::npos ? sonnet.size() : nl;
    lines.push_back(sonnet.substr(start, end - start));
    start = end + 1;
  }
  ASSERT_GT(lines.size(), 10u);
  expect_matches_reference(lines);
}

}  // namespace
}  // namespace lmbench::text
