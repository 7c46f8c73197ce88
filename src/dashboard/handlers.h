#pragma once
// The dashboard's request handlers, one per route (dashboard.h wires them). Each answers a whole
// response or throws http::HttpError, which the server turns into the error JSON.

#include "dashboard/dashboard.h"

namespace lmbench::dashboard {

struct Context {
  store::Store& store;
  DashboardOptions options;
};

http::ServerResponse handle_upload(Context& ctx, const http::ServerRequest& request);

http::ServerResponse handle_metrics(Context& ctx, const http::ServerRequest& request);
http::ServerResponse handle_suites(Context& ctx, const http::ServerRequest& request);
http::ServerResponse handle_workloads(Context& ctx, const http::ServerRequest& request);
http::ServerResponse handle_sessions(Context& ctx, const http::ServerRequest& request);
http::ServerResponse handle_keys(Context& ctx, const http::ServerRequest& request);
http::ServerResponse handle_qps(Context& ctx, const http::ServerRequest& request);
http::ServerResponse handle_series_qps(Context& ctx, const http::ServerRequest& request);
http::ServerResponse handle_series_time(Context& ctx, const http::ServerRequest& request);
http::ServerResponse handle_capacity(Context& ctx, const http::ServerRequest& request);
http::ServerResponse handle_run(Context& ctx, const http::ServerRequest& request);

// Store failures are the server's fault: 500 with the store's message.
[[noreturn]] void throw_store_error(const core::Error& error);

}  // namespace lmbench::dashboard
