#include <memory>

#include "dashboard/assets.h"
#include "dashboard/dashboard.h"
#include "dashboard/handlers.h"

namespace lmbench::dashboard {

http::Router make_router(store::Store& store, const DashboardOptions& options) {
  auto ctx = std::make_shared<Context>(Context{store, options});
  http::Router router;
  auto bind = [ctx](http::ServerResponse (*fn)(Context&, const http::ServerRequest&)) {
    return [ctx, fn](const http::ServerRequest& request) { return fn(*ctx, request); };
  };
  // /upload is the original's upload URL; /api/upload the same for clients that keep to /api.
  router.on("POST", "/upload", bind(&handle_upload));
  router.on("POST", "/api/upload", bind(&handle_upload));
  router.on("GET", "/api/metrics", bind(&handle_metrics));
  router.on("GET", "/api/suites", bind(&handle_suites));
  router.on("GET", "/api/workloads", bind(&handle_workloads));
  router.on("GET", "/api/sessions", bind(&handle_sessions));
  router.on("GET", "/api/keys", bind(&handle_keys));
  router.on("GET", "/api/qps", bind(&handle_qps));
  router.on("GET", "/api/series/qps", bind(&handle_series_qps));
  router.on("GET", "/api/series/time", bind(&handle_series_time));
  router.on("GET", "/api/capacity", bind(&handle_capacity));
  router.on("GET", "/api/runs/*", bind(&handle_run));
  router.on("GET", "/health", [](const http::ServerRequest&) { return http::ServerResponse::text(200, "ok"); });
  for (const Asset& asset : web_assets()) {
    auto serve = [&asset](const http::ServerRequest&) {
      http::ServerResponse r;
      r.content_type = std::string(asset.content_type);
      r.body = std::string(asset.bytes);
      // The UI ships inside the binary: a new binary may bring new files, so revalidate.
      r.headers.emplace_back("Cache-Control", "no-cache");
      // The UI loads only its own script, styles and images and talks only to this server; a
      // run's names are shown as text, and this makes sure no markup that slipped into the page
      // could run a script, load anything from elsewhere or send data away.
      r.headers.emplace_back("Content-Security-Policy", std::string(kUiContentSecurityPolicy));
      r.headers.emplace_back("X-Content-Type-Options", "nosniff");
      return r;
    };
    router.on("GET", std::string(asset.path), serve);
    if (asset.path == "/index.html") router.on("GET", "/", serve);
  }
  return router;
}

http::ServerOptions server_options(const DashboardOptions& options) {
  http::ServerOptions o;
  o.max_body_bytes = options.max_body_bytes;
  o.server_name = "lmbench-dashboard";
  return o;
}

}  // namespace lmbench::dashboard
