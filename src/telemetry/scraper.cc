#include "telemetry/scraper.h"

#include <condition_variable>

#include "core/clock.h"
#include "http/client.h"
#include "http/url.h"

namespace lmbench::telemetry {

struct Scraper::Worker {
  EndpointScrapes out;
  std::chrono::milliseconds interval;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread thread;

  void scrape_once() {
    Scrape s;
    const auto url = http::Url::parse(out.target.url);
    if (!url) {
      s.error = "bad URL: " + url.error().message;
    } else {
      http::Request req;
      req.url = *url;
      http::ClientOptions o;
      o.connect_timeout = interval;
      o.first_byte_timeout = interval;
      o.idle_timeout = interval;
      o.max_body_bytes = 16u << 20;
      core::SteadyClock clock;
      const auto r = http::fetch(req, clock, o, interval);
      if (!r) {
        s.error = r.error().kind + ": " + r.error().message;
      } else if (r->status == 404) {
        out.not_found = true;
        s.error = "HTTP 404";
      } else if (r->status != 200) {
        s.error = "HTTP " + std::to_string(r->status);
      } else {
        auto parsed = parse_exposition(r->body);
        if (parsed) {
          s.data = std::move(*parsed);
        } else {
          s.error = "unreadable metrics: " + parsed.error().message;
        }
      }
    }
    s.at = std::chrono::steady_clock::now();
    out.scrapes.push_back(std::move(s));
  }

  bool first_done = false;  // under mu

  void loop() {
    auto next = std::chrono::steady_clock::now();
    for (;;) {
      scrape_once();
      if (!first_done) {
        {
          std::lock_guard lock(mu);
          first_done = true;
        }
        cv.notify_all();
      }
      if (out.not_found) return;  // no metrics page: nothing to poll
      next += interval;
      std::unique_lock lock(mu);
      if (cv.wait_until(lock, next, [&] { return stopping; })) break;
    }
    // The end of the window, unless the server is not answering (the run's end is not held up
    // by a second timeout).
    if (!out.scrapes.empty() && out.scrapes.back().data) scrape_once();
  }
};

Scraper::Scraper(std::vector<ScrapeTarget> targets, std::chrono::milliseconds interval) : interval_(interval) {
  for (auto& t : targets) {
    auto w = std::make_unique<Worker>();
    w->out.target = std::move(t);
    w->interval = interval;
    Worker* raw = w.get();
    w->thread = std::thread([raw] { raw->loop(); });
    workers_.push_back(std::move(w));
  }
  // The first scrape of each endpoint comes before what it measures starts (bounded by the
  // interval: a server that hangs delays the start by one interval at most).
  for (auto& w : workers_) {
    std::unique_lock lock(w->mu);
    w->cv.wait(lock, [&] { return w->first_done; });
  }
}

Scraper::~Scraper() { stop(); }

std::vector<EndpointScrapes> Scraper::stop() {
  std::vector<EndpointScrapes> out;
  for (auto& w : workers_) {
    {
      std::lock_guard lock(w->mu);
      w->stopping = true;
    }
    w->cv.notify_all();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
    out.push_back(std::move(w->out));
  }
  workers_.clear();
  return out;
}

}  // namespace lmbench::telemetry
