#pragma once
// kubectl command lines, as pure functions: the exact argv is the contract the tests pin down
// (tests/deploy/kubectl_args_test.cc) and what a user sees in error messages. Nothing here
// runs a process. Secrets never appear in any argv built here: they travel on stdin.

#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace lmbench::deploy {

// Which cluster and namespace, and how to reach kubectl.
struct KubeTarget {
  std::string kubectl = "kubectl";  // program: a path, or a name looked up on PATH
  std::string context;              // --context; "" = the current kube context
  std::string namespace_name;       // --namespace; "" = the context's namespace
  // Added to the environment of every kubectl (and helm) call, e.g. KUBECONFIG.
  std::vector<std::pair<std::string, std::string>> env;
};

// The Secret that carries the Hugging Face token into the cluster.
struct TokenSecret {
  std::string name = "hf-token-secret";  // what the production-stack manifests reference
  std::string key = "token";
};

// kubectl's duration syntax, whole seconds rounded up, at least 1: "600s".
std::string kube_seconds(core::Duration d);

std::vector<std::string> kubectl_base_args(const KubeTarget& t);
std::vector<std::string> kubectl_apply_args(const KubeTarget& t, const std::string& manifest);
// `kubectl apply -f -`: the manifest on stdin (one lmbench wrote, e.g. a PersistentVolumeClaim).
std::vector<std::string> kubectl_apply_stdin_args(const KubeTarget& t);
// Prints "persistentvolumeclaim/<name>" when the claim exists, nothing when it does not.
std::vector<std::string> kubectl_get_pvc_args(const KubeTarget& t, const std::string& name);
// Foreground cascade with --wait (the default), so the call returns once the pods are gone and
// the next baseline gets the GPUs.
std::vector<std::string> kubectl_delete_args(const KubeTarget& t, const std::string& manifest, core::Duration timeout);
// `resource` as "deployment/<name>".
std::vector<std::string> kubectl_rollout_status_args(const KubeTarget& t, const std::string& resource, core::Duration timeout);
// Every pod (selector "") or those matching a label selector.
std::vector<std::string> kubectl_wait_pods_ready_args(const KubeTarget& t, const std::string& selector, core::Duration timeout);
std::vector<std::string> kubectl_port_forward_args(const KubeTarget& t, const std::string& service, int local_port, int service_port);
// `kubectl port-forward --address 127.0.0.1 pod/<pod> <local>:<pod_port>`: one pod, not a Service
// (which would pick any of its pods), so that each engine's own /metrics is read.
std::vector<std::string> kubectl_port_forward_pod_args(const KubeTarget& t, const std::string& pod, int local_port, int pod_port);
std::vector<std::string> kubectl_get_pods_args(const KubeTarget& t, const std::string& selector);
// `kubectl get pods -l <selector> -o json` (every pod when the selector is ""): names, phases,
// IPs, labels and container ports (deploy/engine_pods.h reads it).
std::vector<std::string> kubectl_get_pods_json_args(const KubeTarget& t, const std::string& selector);
std::vector<std::string> kubectl_logs_args(const KubeTarget& t, const std::string& pod, bool previous);
// The namespace's events, oldest first: why a pod is Pending, which image failed to pull.
std::vector<std::string> kubectl_get_events_args(const KubeTarget& t);
std::vector<std::string> kubectl_describe_pod_args(const KubeTarget& t, const std::string& pod);
std::vector<std::string> kubectl_delete_secret_args(const KubeTarget& t, const TokenSecret& s);
// Reads "KEY=value" from stdin (/dev/stdin), so the token is never on a command line or disk.
std::vector<std::string> kubectl_create_secret_args(const KubeTarget& t, const TokenSecret& s);

// The stdin of kubectl_create_secret_args: "<key>=<token>\n". An Error (kind "bad_token") when
// the token is empty or holds whitespace or control characters (an env file is line-based).
core::Result<std::string> secret_env_file(const TokenSecret& s, const std::string& token);

// Pod names from `kubectl get pods -o name` output ("pod/a\npod/b\n" -> {"a", "b"}); other
// lines (warnings on the merged stderr) are skipped.
std::vector<std::string> parse_pod_names(const std::string& output);

}  // namespace lmbench::deploy
