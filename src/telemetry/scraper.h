#pragma once
// Polls servers' Prometheus /metrics while a run goes on, off the load thread: one thread per
// endpoint, one GET per interval, each bounded by the interval (a server that hangs costs a gap,
// never a stalled run: stop() returns within one interval). What a scrape yields is kept as
// parsed; a failed scrape is a gap with its reason.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "telemetry/exposition.h"

namespace lmbench::telemetry {

struct ScrapeTarget {
  std::string name;  // "engine-0", "router", "endpoint": the CSV's endpoint column
  std::string url;   // the full URL of the metrics page, e.g. http://127.0.0.1:8000/metrics
  std::string role;  // "engine" or "router"
};

struct Scrape {
  std::chrono::steady_clock::time_point at;  // when the answer arrived (or the attempt failed)
  std::optional<Exposition> data;
  std::string error;  // when !data: why (connect, timeout, HTTP status, a parse error)
};

struct EndpointScrapes {
  ScrapeTarget target;
  std::vector<Scrape> scrapes;  // in time order
  bool not_found = false;       // the server answered 404: it has no metrics page
};

class Scraper {
 public:
  // Starts scraping, and returns once every endpoint was scraped once (or its first attempt
  // failed): what it measures can start then.
  Scraper(std::vector<ScrapeTarget> targets, std::chrono::milliseconds interval);
  ~Scraper();
  Scraper(const Scraper&) = delete;
  Scraper& operator=(const Scraper&) = delete;

  // One last scrape of each endpoint, then the threads stop; returns everything scraped.
  // Returns within about one interval whatever the servers do.
  std::vector<EndpointScrapes> stop();

 private:
  struct Worker;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::chrono::milliseconds interval_;
};

}  // namespace lmbench::telemetry
