#include "config/workload_file.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/parse_context.h"
#include "config/yaml_read.h"
#include "core/error.h"

namespace lmbench::config {

WorkloadConfig load_workload_config(const std::string& type, const std::optional<std::filesystem::path>& file,
                                    const std::vector<std::string>& overrides, const std::filesystem::path& root,
                                    std::vector<Warning>* warnings) {
  const std::string display = file ? file->string() : std::string("--set");
  YAML::Node node = file ? load_yaml_file(*file, display) : YAML::Node(YAML::NodeType::Map);
  if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
  if (!node.IsMap()) {
    throw core::ConfigError(core::SourceLocation{display, node.Mark().line + 1, node.Mark().column + 1},
                            fmt::format("Workload.{}: expected a map of its keys", type));
  }
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw core::ConfigError(fmt::format("--set: expected KEY=VALUE, found '{}'", o));
    }
    YAML::Node value;
    try {
      value = YAML::Load(o.substr(eq + 1));
    } catch (const YAML::Exception& e) {
      throw core::ConfigError(fmt::format("--set {}: invalid YAML value: {}", o.substr(0, eq), e.msg));
    }
    node[o.substr(0, eq)] = value;
  }
  std::vector<Warning> local;
  ParseContext ctx{YamlFile{display}, root, std::nullopt, warnings ? warnings : &local};
  try {
    return parse_workload(ctx, type, 0, node, "Workload." + type);
  } catch (const core::ConfigError& e) {
    // A value from --set has no line in any file: blame the --set that gave it.
    const std::string what = e.what();
    const std::string prefix = format_location(e.where()) + ": ";
    const std::string message = what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
    for (const auto& o : overrides) {
      const std::string key = o.substr(0, o.find('='));
      if (message.find("." + key + ":") != std::string::npos || message.find("'" + key + "'") != std::string::npos) {
        throw core::ConfigError(core::SourceLocation{"--set " + o}, message);
      }
    }
    throw;
  }
}

}  // namespace lmbench::config
