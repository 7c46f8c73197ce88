#pragma once
// A TCP reachability check for deployments (is the port-forward or the script's server
// listening yet, is the local port already taken). Plain POSIX connect(); src/http is for HTTP.

#include <string>

#include "core/clock.h"

namespace lmbench::deploy {

// True when a TCP connection to host:port (numeric IPv4, e.g. "127.0.0.1") is accepted within
// `timeout`. The connection is closed at once.
bool tcp_port_open(const std::string& host, int port, core::Duration timeout = std::chrono::milliseconds(200));

// "http://127.0.0.1:30080": the base URL of a server on a local port (no trailing slash, no /v1).
std::string local_base_url(int port);

}  // namespace lmbench::deploy
