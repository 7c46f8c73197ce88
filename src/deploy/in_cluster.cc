#include "deploy/in_cluster.h"

namespace lmbench::deploy {

std::string in_cluster_host(const std::string& service, const std::string& namespace_name) {
  if (namespace_name.empty()) return service;
  return service + "." + namespace_name + ".svc.cluster.local";
}

std::string in_cluster_url(const std::string& service, const std::string& namespace_name, int port) {
  return "http://" + in_cluster_host(service, namespace_name) + ":" + std::to_string(port);
}

}  // namespace lmbench::deploy
