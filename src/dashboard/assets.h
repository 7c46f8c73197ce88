#pragma once
// The UI's files (src/dashboard/web/*), embedded into the binary at build time by
// embed_assets.cmake, so the dashboard serves them with no files beside it and no network.

#include <span>
#include <string_view>

namespace lmbench::dashboard {

struct Asset {
  std::string_view path;          // URL path: "/" + file name ("/index.html", "/app.js")
  std::string_view content_type;  // from the extension
  std::string_view bytes;
};

// Every embedded file, sorted by path (defined in the generated web_assets.cc).
std::span<const Asset> web_assets();

// By URL path; "/" is index.html. nullptr when unknown.
const Asset* find_asset(std::string_view path);

}  // namespace lmbench::dashboard
