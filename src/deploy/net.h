#pragma once
// A TCP reachability check for deployments (is the port-forward or the script's server
// listening yet, is the local port already taken). Plain POSIX connect(); src/http is for HTTP.

#include <string>

#include "core/clock.h"

namespace lmbench::deploy {

// True when a TCP connection to host:port (numeric IPv4, e.g. "127.0.0.1") is accepted within
// `timeout`. The connection is closed at once.
bool tcp_port_open(const std::string& host, int port, core::Duration timeout = std::chrono::milliseconds(200));

// A loopback port the kernel handed out a moment ago (bound to port 0 on 127.0.0.1, then
// released); 0 when none could be had. Another process may take it before it is used: callers
// check (a port-forward refuses a port in use) and may try again.
int free_local_port();

// "http://127.0.0.1:30080": the base URL of a server on a local port (no trailing slash, no /v1).
std::string local_base_url(int port);

}  // namespace lmbench::deploy
