#include "workloads/sharegpt_data.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/files.h"

namespace lmbench::workloads {

namespace {

bool is_question(const std::string& from) { return from == "human" || from == "user"; }
bool is_answer(const std::string& from) {
  return from == "gpt" || from == "chatgpt" || from == "bard" || from == "assistant";
}

}  // namespace

std::vector<ShareGptConversation> parse_sharegpt(const std::string& json, const std::string& source) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    throw core::ConfigError(source + ": not a ShareGPT JSON file: " + e.what());
  }
  auto bad = [&](std::size_t i, const std::string& what) {
    throw core::ConfigError(source + ": entry " + std::to_string(i) + ": " + what);
  };
  if (!doc.is_array()) throw core::ConfigError(source + ": expected a JSON list of conversations, found " + doc.type_name());
  std::vector<ShareGptConversation> out;
  out.reserve(doc.size());
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& e = doc[i];
    if (!e.is_object()) bad(i, std::string("expected an object, found ") + e.type_name());
    const auto turns = e.find("conversations");
    if (turns == e.end() || !turns->is_array()) bad(i, "expected a \"conversations\" list");
    ShareGptConversation c;
    const auto id = e.find("id");
    c.id = id != e.end() && id->is_string() ? id->get<std::string>() : std::to_string(i);
    std::size_t t = 0;
    std::vector<std::pair<std::string, std::string>> flat;
    for (const auto& turn : *turns) {
      const auto from = turn.find("from");
      const auto value = turn.find("value");
      if (!turn.is_object() || from == turn.end() || value == turn.end() || !from->is_string() || !value->is_string()) {
        bad(i, "turn " + std::to_string(t) + ": expected {\"from\": string, \"value\": string}");
      }
      flat.emplace_back(from->get<std::string>(), value->get<std::string>());
      ++t;
    }
    std::size_t k = 0;
    while (k < flat.size() && !is_question(flat[k].first)) ++k;
    for (; k + 1 < flat.size() && is_question(flat[k].first) && is_answer(flat[k + 1].first); k += 2) {
      c.rounds.push_back({flat[k].second, flat[k + 1].second});
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<ShareGptConversation> read_sharegpt(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw core::ConfigError(path.string() + ": ShareGPT file not found");
  }
  std::string text;
  try {
    text = core::read_file(path);
  } catch (const std::exception& e) {
    throw core::ConfigError(std::string("cannot read the ShareGPT file: ") + e.what());
  }
  return parse_sharegpt(text, path.string());
}

}  // namespace lmbench::workloads
