#include "fleet/kube_manifest.h"

#include <fmt/format.h>

#include "deploy/in_cluster.h"

namespace lmbench::fleet {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kRunLabel = "lmbench.io/fleet-run";
constexpr const char* kComponentLabel = "app.kubernetes.io/component";

Json labels(const std::string& run, const char* component) {
  return Json{{"app.kubernetes.io/name", "lmbench-fleet"},
              {"app.kubernetes.io/managed-by", "lmbench"},
              {kComponentLabel, component},
              {kRunLabel, run}};
}

Json selector(const std::string& run, const char* component) { return Json{{kRunLabel, run}, {kComponentLabel, component}}; }

Json resources_json(const PodResources& r) {
  Json out = Json::object();
  if (!r.requests.empty()) out["requests"] = r.requests;
  if (!r.limits.empty()) out["limits"] = r.limits;
  return out;
}

// nodeSelector and tolerations, on every pod of the run.
void place(Json& pod_spec, const KubernetesPlacement& p) {
  if (!p.node_selector.empty()) pod_spec["nodeSelector"] = p.node_selector;
  if (p.tolerations.empty()) return;
  Json list = Json::array();
  for (const auto& t : p.tolerations) {
    Json e = Json::object();
    if (!t.key.empty()) e["key"] = t.key;
    e["operator"] = t.op;
    if (!t.value.empty()) e["value"] = t.value;
    if (!t.effect.empty()) e["effect"] = t.effect;
    if (t.seconds) e["tolerationSeconds"] = *t.seconds;
    list.push_back(std::move(e));
  }
  pod_spec["tolerations"] = std::move(list);
}

void spread(Json& pod_spec, const KubernetesPlacement& p, const std::string& run) {
  const auto constraint = [&](const char* key) {
    return Json::array({Json{{"maxSkew", 1},
                             {"topologyKey", key},
                             // DoNotSchedule would count nodes the workers may not use (tainted GPU
                             // nodes) as empty domains and leave workers Pending.
                             {"whenUnsatisfiable", "ScheduleAnyway"},
                             {"labelSelector", {{"matchLabels", selector(run, "worker")}}}}});
  };
  switch (p.spread) {
    case Spread::kHostname:
      pod_spec["topologySpreadConstraints"] = constraint("kubernetes.io/hostname");
      break;
    case Spread::kZone:
      pod_spec["topologySpreadConstraints"] = constraint("topology.kubernetes.io/zone");
      break;
    case Spread::kOnePerNode:
      pod_spec["affinity"] = {{"podAntiAffinity",
                               {{"requiredDuringSchedulingIgnoredDuringExecution",
                                 Json::array({Json{{"labelSelector", {{"matchLabels", selector(run, "worker")}}},
                                                   {"topologyKey", "kubernetes.io/hostname"}}})}}}};
      break;
    case Spread::kNone:
      break;
  }
}

// What Pod Security "restricted" requires of a container, so that the run's pods are admitted in
// namespaces that enforce it. lmbench needs no privilege; user 10001 is the image's own (Dockerfile),
// set here too so another --worker-image built to run as root still runs.
Json security_context() {
  return Json{{"runAsNonRoot", true},
              {"runAsUser", 10001},
              {"allowPrivilegeEscalation", false},
              {"capabilities", {{"drop", Json::array({"ALL"})}}},
              {"seccompProfile", {{"type", "RuntimeDefault"}}}};
}

// Whole seconds, at least 1, for a command-line option.
std::string seconds_arg(core::Duration d) {
  return std::to_string(std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count()));
}

}  // namespace

std::string default_worker_image() { return "ghcr.io/lmbench/lmbench:" + std::string(kVersion); }

std::string_view spread_name(Spread s) {
  switch (s) {
    case Spread::kHostname: return "hostname";
    case Spread::kZone: return "zone";
    case Spread::kOnePerNode: return "one-per-node";
    case Spread::kNone: return "none";
  }
  return "hostname";
}

std::optional<Spread> spread_from_name(std::string_view name) {
  for (const auto s : {Spread::kHostname, Spread::kZone, Spread::kOnePerNode, Spread::kNone}) {
    if (spread_name(s) == name) return s;
  }
  return std::nullopt;
}

std::string coordinator_pod_name(const std::string& run) { return run + "-coordinator"; }
std::string workers_job_name(const std::string& run) { return run + "-workers"; }
std::string job_config_map_name(const std::string& run) { return run + "-job"; }
std::string api_key_secret_name(const std::string& run) { return run + "-api-key"; }
std::string fleet_run_selector(const std::string& run) { return std::string(kRunLabel) + "=" + run; }

std::optional<core::Error> check_run_name(const std::string& run) {
  const bool ok = !run.empty() && run.size() <= 40 && run.front() >= 'a' && run.front() <= 'z' && run.back() != '-' &&
                  run.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
  if (ok) return std::nullopt;
  return core::Error{"config", fmt::format("fleet run name '{}': expected a DNS label of at most 40 characters (lower-case "
                                           "letters, digits, '-', starting with a letter)",
                                           run)};
}

Job cluster_job(const Job& job, const KubernetesPlacement& p) {
  Job out = job;
  out.base_url = p.base_url;
  out.tokenizer.clear();
  if (out.workload.value("kind", "") == "spec") out.workload["root"] = p.image_root;
  return out;
}

Json fleet_manifests(const KubernetesPlacement& p, const std::string& run, const Job& job, int workers,
                     const std::string& api_key) {
  const std::string image = p.image.empty() ? default_worker_image() : p.image;
  const std::string port = std::to_string(p.port);
  Json items = Json::array();

  items.push_back(Json{{"apiVersion", "v1"},
                       {"kind", "ConfigMap"},
                       {"metadata", {{"name", job_config_map_name(run)}, {"labels", labels(run, "job")}}},
                       {"data", {{"job.json", job_to_json(job).dump()}}}});
  if (!api_key.empty()) {
    items.push_back(Json{{"apiVersion", "v1"},
                         {"kind", "Secret"},
                         {"metadata", {{"name", api_key_secret_name(run)}, {"labels", labels(run, "job")}}},
                         {"type", "Opaque"},
                         {"stringData", {{kApiKeyEnv, api_key}}}});
  }
  items.push_back(Json{{"apiVersion", "v1"},
                       {"kind", "Service"},
                       {"metadata", {{"name", run}, {"labels", labels(run, "coordinator")}}},
                       {"spec",
                        {{"clusterIP", "None"},
                         {"publishNotReadyAddresses", true},
                         {"selector", selector(run, "coordinator")},
                         {"ports", Json::array({Json{{"name", "control"}, {"port", p.port}, {"targetPort", p.port}, {"protocol", "TCP"}}})}}}});

  Json coordinator_spec{
      {"restartPolicy", "Never"},
      {"containers",
       Json::array({Json{
           {"name", "coordinator"},
           {"image", image},
           {"command", Json::array({"lmbench", "coordinate", "--job", "/etc/lmbench/job.json", "--workers", std::to_string(workers),
                                    "--listen", "0.0.0.0:" + port, "--out", kResultPath, "--stop-file", kStopPath,
                                    "--ready-timeout", seconds_arg(p.ready_timeout)})},
           {"ports", Json::array({Json{{"name", "control"}, {"containerPort", p.port}}})},
           {"readinessProbe", {{"exec", {{"command", Json::array({"test", "-s", kResultPath})}}}, {"periodSeconds", 2}}},
           {"resources", resources_json(p.coordinator_resources)},
           {"securityContext", security_context()},
           {"volumeMounts", Json::array({Json{{"name", "job"}, {"mountPath", "/etc/lmbench"}, {"readOnly", true}},
                                         Json{{"name", "results"}, {"mountPath", "/results"}}})}}})},
      {"volumes", Json::array({Json{{"name", "job"}, {"configMap", {{"name", job_config_map_name(run)}}}},
                               Json{{"name", "results"}, {"emptyDir", Json::object()}}})}};
  place(coordinator_spec, p);
  items.push_back(Json{{"apiVersion", "v1"},
                       {"kind", "Pod"},
                       {"metadata", {{"name", coordinator_pod_name(run)}, {"labels", labels(run, "coordinator")}}},
                       {"spec", std::move(coordinator_spec)}});

  Json env = Json::array({Json{{"name", "LMBENCH_NODE_NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "spec.nodeName"}}}}}}});
  if (!api_key.empty()) {
    env.push_back(Json{{"name", kApiKeyEnv},
                       {"valueFrom", {{"secretKeyRef", {{"name", api_key_secret_name(run)}, {"key", kApiKeyEnv}}}}}});
  }
  Json worker_spec{
      {"restartPolicy", "Never"},
      {"containers",
       Json::array({Json{{"name", "worker"},
                         {"image", image},
                         {"command", Json::array({"lmbench", "worker", "--coordinator",
                                                  deploy::in_cluster_host(run, p.target.namespace_name) + ":" + port,
                                                  "--index-from-env", "JOB_COMPLETION_INDEX", "--connect-timeout",
                                                  seconds_arg(p.ready_timeout)})},
                         {"env", std::move(env)},
                         {"resources", resources_json(p.worker_resources)},
                         {"securityContext", security_context()}}})}};
  place(worker_spec, p);
  spread(worker_spec, p, run);
  items.push_back(Json{{"apiVersion", "batch/v1"},
                       {"kind", "Job"},
                       {"metadata", {{"name", workers_job_name(run)}, {"labels", labels(run, "worker")}}},
                       {"spec",
                        {{"completionMode", "Indexed"},
                         {"completions", workers},
                         {"parallelism", workers},
                         {"backoffLimit", 0},
                         {"template", {{"metadata", {{"labels", labels(run, "worker")}}}, {"spec", std::move(worker_spec)}}}}}});

  return Json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", std::move(items)}};
}

}  // namespace lmbench::fleet
