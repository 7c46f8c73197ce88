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
  return parse_workload(ctx, type, 0, node, "Workload." + type);
}

}  // namespace lmbench::config
