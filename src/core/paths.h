#pragma once
// Where the running program and the project's installed data are.

#include <filesystem>
#include <optional>

namespace lmbench::core {

// This process's executable (/proc/self/exe; its path even when the file was replaced by a
// rebuild since), or "lmbench" when it cannot be read.
std::filesystem::path executable_path();

// The first existing `relative` path under: $LMBENCH_HOME, the folders above the executable
// (build/lmbench finds <repo>/...), and the current directory and its parents.
std::optional<std::filesystem::path> find_project_file(const std::filesystem::path& relative);

// The Llama 3 tokenizer.json that scripts/setup.sh installs with npm, if it can be found
// ($LMBENCH_TOKENIZER first).
std::optional<std::filesystem::path> default_tokenizer_path();

}  // namespace lmbench::core
