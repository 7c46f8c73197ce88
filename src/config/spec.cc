#include "config/spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "config/parse_context.h"

namespace lmbench::config {

namespace {

void parse_workloads(const ParseContext& ctx, const YAML::Node& section, const YAML::Node& key, Spec& spec) {
  if (!section.IsMap() || section.size() == 0) {
    fail_at(ctx.file, section.IsNull() ? key : section, "Workload",
            "expected a non-empty map of workload types, found " + describe(section));
  }
  const auto& types = workload_type_names();
  std::map<std::string, YAML::Node> by_type;
  for (auto it = section.begin(); it != section.end(); ++it) {
    const std::string type = it->first.Scalar();
    if (std::find(types.begin(), types.end(), type) == types.end()) {
      std::string msg = fmt::format("unknown workload type '{}'", type);
      const std::string hint = nearest_name(type, types);
      if (!hint.empty()) {
        msg += fmt::format(" (did you mean '{}'?)", hint);
      } else {
        std::string list;
        for (const auto& t : types) list += (list.empty() ? "" : ", ") + t;
        msg += " (expected one of " + list + ")";
      }
      fail_at(ctx.file, it->first, "Workload", msg);
    }
    if (!by_type.emplace(type, it->second).second) {
      fail_at(ctx.file, it->first, "Workload", fmt::format("duplicate workload type '{}'", type));
    }
  }
  for (const auto& type : types) {
    const auto found = by_type.find(type);
    if (found == by_type.end()) continue;
    const YAML::Node& v = found->second;
    const YAML::Node type_key = key_node(section, type);
    const std::string path = "Workload." + type;
    if (v.IsSequence()) {
      if (v.size() == 0) fail_expected(ctx.file, v, path, fmt::format("a {} config or a non-empty list of them", type));
      for (std::size_t i = 0; i < v.size(); ++i) {
        spec.workloads.push_back(parse_workload(ctx, type, static_cast<int>(i), v[i], fmt::format("{}[{}]", path, i)));
      }
    } else if (v.IsMap()) {
      spec.workloads.push_back(parse_workload(ctx, type, 0, v, path));
    } else {
      fail_at(ctx.file, v.IsNull() ? type_key : v, path,
              fmt::format("expected a {} config or a non-empty list of them, found {}", type, describe(v)));
    }
  }
}

}  // namespace

std::filesystem::path project_root_for_spec(const std::filesystem::path& spec_path) {
  namespace fs = std::filesystem;
  const fs::path abs = fs::absolute(spec_path).lexically_normal();
  fs::path root = spec_path.parent_path();
  for (auto p = abs.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    if (p.filename() == "0-bench-specs") {
      root = p.parent_path();
      break;
    }
  }
  // Shown in messages: keep it relative to the current directory when it lies inside it.
  std::error_code ec;
  const fs::path rel = fs::absolute(root).lexically_normal().lexically_relative(fs::current_path(ec));
  if (!ec && !rel.empty() && *rel.begin() != "..") return rel == "." ? fs::path() : rel;
  return root;
}

Spec load_spec(const std::filesystem::path& path, const std::string& display, const LoadOptions& options) {
  Spec spec;
  spec.path = path;
  spec.display = display;
  const YAML::Node root = load_yaml_file(path, display);
  ParseContext ctx{YamlFile{display}, options.root, options.hf_token, &spec.warnings};
  spec.root = options.root;
  if (!root.IsMap()) fail_expected(ctx.file, root, "spec file", "a map with Name, Serving and Workload");
  check_keys(ctx.file, root, "spec file", {"Name", "Serving", "Workload", "Infrastructure"});
  if (has(root, "Infrastructure")) {
    spec.warnings.push_back({location_of(ctx.file, child(root, "Infrastructure")),
                             "Infrastructure: ignored; the infrastructure is set in run-bench.yaml (1-infrastructure)"});
  }

  const YAML::Node name = child(root, "Name");
  if (!name.IsDefined()) fail_at(ctx.file, root, "spec file", "missing required key 'Name'");
  spec.name = read_string(ctx.file, name, "Name");
  // Say what is wrong with it: the name, not how it was written (quoted or not).
  if (spec.name.empty()) fail_at(ctx.file, name, "Name", "expected a name usable as a folder name, found an empty name");
  if (spec.name == "." || spec.name == "..") {
    fail_at(ctx.file, name, "Name", fmt::format("expected a name usable as a folder name, found '{}'", spec.name));
  }
  for (const char bad : {'/', '\\', '\0'}) {
    if (spec.name.find(bad) != std::string::npos) {
      fail_at(ctx.file, name, "Name",
              fmt::format("'{}' is not usable as a folder name: it contains '{}' (results go to <results>/<Name>/)",
                          spec.name, bad == '\0' ? std::string("\\0") : std::string(1, bad)));
    }
  }

  const YAML::Node serving = child(root, "Serving");
  if (!serving.IsDefined()) fail_at(ctx.file, root, "spec file", "missing required key 'Serving'");
  if (!serving.IsSequence() || serving.size() == 0) {
    fail_at(ctx.file, serving.IsNull() ? key_node(root, "Serving") : serving, "Serving",
            "expected a non-empty list of baselines, found " + describe(serving));
  }
  for (std::size_t i = 0; i < serving.size(); ++i) {
    spec.serving.push_back(parse_baseline(ctx, serving[i], static_cast<int>(i)));
  }

  const YAML::Node workload = child(root, "Workload");
  if (!workload.IsDefined()) fail_at(ctx.file, root, "spec file", "missing required key 'Workload'");
  parse_workloads(ctx, workload, key_node(root, "Workload"), spec);
  return spec;
}

}  // namespace lmbench::config
