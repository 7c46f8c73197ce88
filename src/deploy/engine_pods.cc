#include "deploy/engine_pods.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/files.h"
#include "core/interrupt.h"
#include "deploy/net.h"
#include "deploy/tool_runner.h"

namespace lmbench::deploy {

namespace {

using json = nlohmann::json;

constexpr int kDefaultApiPort = 8000;  // vLLM's and SGLang's default, and production-stack's
constexpr int kPortAttempts = 3;       // a free port another process took in between: try another

std::string string_at(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int api_port(const json& pod) {
  std::vector<std::pair<std::string, int>> ports;  // name, port, in container order
  const auto spec = pod.find("spec");
  if (spec == pod.end() || !spec->is_object()) return kDefaultApiPort;
  const auto containers = spec->find("containers");
  if (containers == spec->end() || !containers->is_array()) return kDefaultApiPort;
  for (const auto& c : *containers) {
    if (!c.is_object()) continue;
    const auto p = c.find("ports");
    if (p == c.end() || !p->is_array()) continue;
    for (const auto& port : *p) {
      if (!port.is_object()) continue;
      const auto number = port.find("containerPort");
      if (number == port.end() || !number->is_number_integer()) continue;
      const int n = number->get<int>();
      if (n <= 0 || n > 65535) continue;
      const std::string protocol = string_at(port, "protocol");
      if (!protocol.empty() && protocol != "TCP") continue;
      ports.emplace_back(string_at(port, "name"), n);
    }
  }
  for (const auto& [name, n] : ports) {
    if (n == kDefaultApiPort) return n;
  }
  for (const auto& [name, n] : ports) {
    if (name == "http") return n;
  }
  return ports.empty() ? kDefaultApiPort : ports.front().second;
}

}  // namespace

core::Result<std::vector<PodInfo>> parse_pod_list(const std::string& output) {
  // kubectl's stderr is merged into its output: skip lines before the JSON document, and
  // anything after its last closing brace.
  std::size_t begin = std::string::npos;
  for (std::size_t line = 0; line < output.size();) {
    if (output[line] == '{') {
      begin = line;
      break;
    }
    const auto next = output.find('\n', line);
    if (next == std::string::npos) break;
    line = next + 1;
  }
  const auto end = output.rfind('}');
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    return core::Error{"pods", "no JSON in kubectl's answer: " + output.substr(0, 200)};
  }
  json doc;
  try {
    doc = json::parse(output.begin() + static_cast<std::ptrdiff_t>(begin), output.begin() + static_cast<std::ptrdiff_t>(end) + 1);
  } catch (const json::exception& e) {
    return core::Error{"pods", std::string("kubectl's pod list is not JSON: ") + e.what()};
  }
  std::vector<json> items;
  if (doc.is_object() && doc.contains("items") && doc["items"].is_array()) {
    items = doc["items"].get<std::vector<json>>();
  } else if (doc.is_object() && doc.value("kind", "") == "Pod") {
    items.push_back(doc);
  } else {
    return core::Error{"pods", "kubectl's answer is not a list of pods"};
  }
  std::vector<PodInfo> pods;
  for (const auto& item : items) {
    if (!item.is_object()) continue;
    const json& meta = item.value("metadata", json::object());
    const json& status = item.value("status", json::object());
    if (!meta.is_object() || !status.is_object()) continue;
    // A pod being deleted still says Running until its containers stop.
    if (meta.contains("deletionTimestamp") && !meta["deletionTimestamp"].is_null()) continue;
    PodInfo pod{.name = string_at(meta, "name"), .ip = string_at(status, "podIP"), .api_port = api_port(item)};
    if (string_at(status, "phase") != "Running" || pod.name.empty() || pod.ip.empty()) continue;
    if (const auto labels = meta.find("labels"); labels != meta.end() && labels->is_object()) {
      for (const auto& [k, v] : labels->items()) {
        if (v.is_string()) pod.labels[k] = v.get<std::string>();
      }
    }
    pods.push_back(std::move(pod));
  }
  return pods;
}

bool labels_match(const Labels& labels, const Labels& selector) {
  return std::all_of(selector.begin(), selector.end(), [&](const auto& kv) {
    const auto it = labels.find(kv.first);
    return it != labels.end() && it->second == kv.second;
  });
}

std::vector<MetricsTarget> EngineMetrics::start(const EngineMetricsOptions& o, const core::Clock& clock,
                                                std::vector<std::string>& notes) {
  stop(std::chrono::seconds(2));
  const MetricsTarget router{.name = "router", .url = o.router_base_url + "/metrics", .role = "router"};
  const std::vector<std::string> selectors = o.selectors.empty() ? std::vector<std::string>{""} : o.selectors;
  std::vector<PodInfo> pods;
  for (const auto& selector : selectors) {
    auto listed = run_tool_checked({.argv = kubectl_get_pods_json_args(o.target, selector), .env = o.target.env,
                                    .timeout = o.call_timeout},
                                   clock, "kubectl", o.secret);
    if (!listed) {
      notes.push_back("server metrics: cannot list the engine pods (" + selector + "), only the router's page is read: " +
                      listed.error().message);
      return {router};
    }
    auto found = parse_pod_list(*listed);
    if (!found) {
      notes.push_back("server metrics: " + found.error().message + "; only the router's page is read");
      return {router};
    }
    for (auto& pod : *found) {
      const bool seen = std::any_of(pods.begin(), pods.end(), [&](const PodInfo& p) { return p.name == pod.name; });
      if (!seen) pods.push_back(std::move(pod));
    }
  }
  // Pods behind the Service are its router's, unless the Service fronts every pod found.
  std::vector<PodInfo> engines;
  bool router_apart = true;
  if (o.service_selector && !o.service_selector->empty()) {
    for (const auto& pod : pods) {
      if (!labels_match(pod.labels, *o.service_selector)) engines.push_back(pod);
    }
    if (engines.empty() && !pods.empty()) {
      engines = pods;
      router_apart = false;
    }
  } else {
    engines = pods;
  }
  std::vector<MetricsTarget> targets;
  std::string found;
  for (const auto& pod : engines) {
    // Pod names reach argv, the metrics CSV and the report: kubectl's output is not ours to trust.
    if (!core::is_safe_file_name(pod.name)) {
      notes.push_back("server metrics: engine pod " + core::unsafe_file_name_message(pod.name) + ": not read");
      continue;
    }
    std::optional<core::Error> last_error;
    for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
      const int port = free_local_port();
      if (port == 0) {
        last_error = core::Error{"port_in_use", "no free local port"};
        continue;
      }
      auto forward = PortForward::start({.target = o.target, .service_port = pod.api_port, .pod = pod.name, .local_port = port,
                                         .log_file = o.log_file, .ready_timeout = o.forward_timeout},
                                        clock);
      if (forward) {
        forwards_.push_back(std::move(*forward));
        targets.push_back({.name = "engine-" + pod.name, .url = local_base_url(port) + "/metrics", .role = "engine"});
        found += (found.empty() ? "" : ", ") + pod.name + " (port " + std::to_string(pod.api_port) + ")";
        last_error.reset();
        break;
      }
      last_error = forward.error();
      if (forward.error().kind != "port_in_use" && forward.error().kind != "port_forward") break;
    }
    if (last_error) {
      const std::string message = o.secret ? redact(last_error->message, *o.secret) : last_error->message;
      notes.push_back("server metrics: cannot port-forward to engine pod " + pod.name + ", its page is not read: " +
                      message.substr(0, message.find('\n')));
    }
    if (core::stop_requested()) break;
  }
  if (router_apart) targets.push_back(router);
  if (engines.empty()) {
    std::string where;
    for (const auto& s : selectors) where += (where.empty() ? "" : " or ") + (s.empty() ? std::string("any pod") : s);
    notes.push_back("server metrics: no running engine pod found (" + where + "); only the router's page is read");
  } else if (!found.empty()) {
    notes.push_back("server metrics: engine pods " + found + " through port-forwards" +
                    (router_apart ? ", the router through the base URL" : " (the Service fronts them: no router apart)"));
  }
  return targets;
}

void EngineMetrics::stop(core::Duration grace) {
  for (auto& f : forwards_) f.stop(grace);
  forwards_.clear();
}

std::vector<pid_t> EngineMetrics::pids() const {
  std::vector<pid_t> out;
  for (const auto& f : forwards_) out.push_back(f.pid());
  return out;
}

}  // namespace lmbench::deploy
