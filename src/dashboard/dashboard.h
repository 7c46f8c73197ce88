#pragma once
// The results dashboard: POST /upload (one run JSON or one {WORKLOAD}_capacity.json, told apart by
// content; multipart/form-data with a `file` field as the original's uploader posts it, or a raw
// application/json body), GET /api/... for the UI (GET /api/capacity: capacity per baseline over
// sessions), and the UI itself (web/*, embedded into the binary at build time).
//
// Threading and lifetime: the routes use `store` on the server's one thread (http/server.h), so
// the Store needs no locking; `store` must outlive the server that runs the router. Queries are
// short indexed lookups (bench/dashboard_api.cc), run inline on that thread.

#include <cstddef>
#include <string>
#include <string_view>

#include "http/server.h"
#include "store/store.h"

namespace lmbench::dashboard {

struct DashboardOptions {
  // When not empty, POST /upload needs "Authorization: Bearer <upload_token>" (else 401).
  std::string upload_token;
  // Larger request bodies get 413 before any handler runs (a run JSON is a few KiB).
  std::size_t max_body_bytes = 8u << 20;
  // The over-time chart's regression flag (regression.h); the UI may ask for another threshold.
  double regression_threshold_pct = 10;
  int regression_window = 5;
};

// Sent with every file of the UI.
inline constexpr std::string_view kUiContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

http::Router make_router(store::Store& store, const DashboardOptions& options);

// Server options that carry the body limit.
http::ServerOptions server_options(const DashboardOptions& options);

}  // namespace lmbench::dashboard
