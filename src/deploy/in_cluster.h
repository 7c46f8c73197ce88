#pragma once
// How a pod of the baseline's namespace reaches one of its Services: by the Service's DNS name,
// with no port-forward in between (fleet workers on placement `kubernetes`).

#include <string>

namespace lmbench::deploy {

// "<service>.<namespace>.svc.cluster.local"; just "<service>" when the namespace is "" (the
// context's own), which a pod of that same namespace resolves through its DNS search path.
std::string in_cluster_host(const std::string& service, const std::string& namespace_name);

// "http://<in_cluster_host>:<port>": no trailing slash, no "/v1" (as ServingEndpoint::base_url).
std::string in_cluster_url(const std::string& service, const std::string& namespace_name, int port);

}  // namespace lmbench::deploy
