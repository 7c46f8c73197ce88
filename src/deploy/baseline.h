#pragma once
// deploy::Baseline: one serving system under test, from deployment to teardown
// (ARCHITECTURE.md). Kinds: Endpoint, Script, Kubernetes, Helm (and Simulated). Each kind takes
// its own options struct; the suite maps config::Baseline onto them.
//
// Life cycle, driven by the suite from one thread:
//   up()       deploy and wait until the deployment itself is ready (pods rolled out,
//              port-forward listening, script past start-up). Whether the OpenAI API answers
//              (GET /v1/models lists the model) is the suite's readiness check, not up()'s.
//   failure()  polled while the suite waits and runs: an error once something the baseline
//              runs has died (script exited, port-forward gone).
//   logs()     after each workload run: save the deployment's logs.
//   down()     tear everything down. Idempotent, and safe after a failed or interrupted up():
//              it removes whatever up() got as far as creating. The destructor calls it.
//
// Every wait inside up() gives up early when core::stop_requested() (Ctrl-C) becomes true,
// with an Error of kind "interrupted".

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "deploy/secret.h"

namespace lmbench::deploy {

// One Prometheus page the suite reads during each run (issue 18). A cluster baseline publishes
// its engine pods' and its router's; the port-forwards behind their URLs belong to the baseline
// and live until its down().
struct MetricsTarget {
  std::string name;  // "engine-<pod>", "router": the metrics CSV's endpoint column
  std::string url;   // the full URL of the page: "http://127.0.0.1:<port>/metrics"
  std::string role;  // "engine" or "router"
};

// Where the suite sends its requests.
struct ServingEndpoint {
  std::string base_url;           // "http://127.0.0.1:30080": no trailing slash, no "/v1"
  std::string model;              // the model name requests carry (modelURL)
  std::optional<Secret> api_key;  // for "Authorization: Bearer ..."; never logged
  // A simulated baseline's engines (behind its router, if any): their /metrics say how well
  // they kept their model's pace (the run's validity).
  std::vector<std::string> sim_engine_urls;
  // A cluster baseline's Service as a pod of its namespace reaches it, no port-forward in
  // between ("http://<service>.<namespace>.svc.cluster.local:<port>", deploy/in_cluster.h): where
  // fleet workers on placement `kubernetes` send. "" for every baseline outside a cluster.
  std::string in_cluster_url;
  // The metrics pages to read during each run, when the baseline knows them better than its base
  // URL does (a cluster's engine pods behind their router); empty = the suite decides from the
  // base URL and sim_engine_urls.
  std::vector<MetricsTarget> metrics_targets;
};

class Baseline {
 public:
  virtual ~Baseline() = default;

  // "Endpoint", "Script", "Kubernetes", "Helm", "Simulated": for messages.
  virtual std::string_view kind() const = 0;

  // Errors carry a kind ("spawn", "exited", "timeout", "kubectl", "helm", "port_in_use",
  // "interrupted", ...) and a one-line-first message that may end with the tail of a log.
  virtual core::Result<ServingEndpoint> up() = 0;

  virtual std::optional<core::Error> failure() = 0;

  // Saves the deployment's logs into `dir` (created if needed), one file per pod or process,
  // named "{name}_{tag}.log", tag = "{KEY}_{workload}_{qps}" (LMBENCH-FORMAT.md). Returns the
  // files written; an error only when nothing could be saved. Secrets are redacted.
  virtual core::Result<std::vector<std::filesystem::path>> logs(const std::filesystem::path& dir, std::string_view tag) = 0;

  // nullopt when everything was removed; otherwise what could not be (after trying all steps).
  virtual std::optional<core::Error> down() = 0;

  // What up() did beyond deploying that the user should hear of (a claim created and kept, a
  // leftover release removed), one line each; taken once (the list is emptied).
  std::vector<std::string> take_notices() { return std::exchange(notices_, {}); }

 protected:
  void notice(std::string line) { notices_.push_back(std::move(line)); }

 private:
  std::vector<std::string> notices_;
};

// "<dir>/<name>_<tag>.log".
std::filesystem::path log_file_path(const std::filesystem::path& dir, std::string_view name, std::string_view tag);

}  // namespace lmbench::deploy
