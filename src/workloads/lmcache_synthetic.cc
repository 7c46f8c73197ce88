#include "workloads/lmcache_synthetic.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "core/error.h"

namespace lmbench::workloads {

namespace {

void check(bool ok, const std::string& key, const std::string& expected, double found) {
  if (!ok) {
    throw core::ConfigError("LMCacheSynthetic." + key + ": expected " + expected + ", found " + std::to_string(found));
  }
}

}  // namespace

LMCacheSyntheticWorkload::LMCacheSyntheticWorkload(const text::Tokenizer& tokenizer, const text::PromptSynth& synth,
                                                   LMCacheSyntheticOptions options)
    : tokenizer_(tokenizer), counter_(std::make_unique<text::IncrementalEncoder>(tokenizer)), synth_(synth), o_(std::move(options)) {
  check(o_.num_users >= 1, "NUM_USERS", "a positive integer", o_.num_users);
  check(o_.num_users_warmup >= 0, "NUM_USERS_WARMUP", "a non-negative integer", o_.num_users_warmup);
  check(o_.num_rounds >= 1, "NUM_ROUNDS", "a positive integer", o_.num_rounds);
  check(o_.system_prompt >= 0, "SYSTEM_PROMPT", "a non-negative integer", o_.system_prompt);
  check(o_.chat_history >= 0, "CHAT_HISTORY", "a non-negative integer", o_.chat_history);
  check(o_.answer_len >= 1, "ANSWER_LEN", "a positive integer", o_.answer_len);
  check(o_.question_len >= 1, "question length", "a positive integer", o_.question_len);
  check(o_.qps > 0 && std::isfinite(o_.qps), "QPS", "a positive number", o_.qps);
  check(o_.duration.count() > 0, "DURATION", "a positive number of seconds", core::to_seconds(o_.duration));
  std::erase_if(o_.sharegpt, [](const ShareGptConversation& c) { return c.rounds.empty(); });
  gap_ = core::from_seconds(o_.num_users / o_.qps);
  if (o_.system_prompt > 0) system_ = synth_.text(mix_seed(o_.seed, 0x5157), o_.system_prompt);
}

class LMCacheSyntheticWorkload::Prefetcher {
 public:
  explicit Prefetcher(const LMCacheSyntheticWorkload& w) : w_(w), thread_([this] { run(); }) {}
  ~Prefetcher() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // Make user `user_id`'s first question.
  void add(std::uint64_t user_id) { push(Job{user_id, {}}); }
  // Count a prompt that will be sent (a warm-up's whole prebuilt history) into the cache.
  void add_count(Messages messages) { push(Job{std::nullopt, std::move(messages)}); }
  std::optional<std::string> take(std::uint64_t user_id) {
    std::lock_guard lock(mu_);
    const auto it = ready_.find(user_id);
    if (it == ready_.end()) return std::nullopt;
    std::string q = std::move(it->second);
    ready_.erase(it);
    return q;
  }

 private:
  struct Job {
    std::optional<std::uint64_t> user_id;
    Messages count;
  };
  void push(Job job) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

  void run() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      Request scratch;
      if (!job.user_id) {
        set_conversation(scratch, w_.o_.api, job.count, *w_.counter_);
        continue;
      }
      // What build() makes for this user's round 1, and its prompt counted (the count lands in
      // the workload's counter cache, which is thread-safe).
      const std::uint64_t id = *job.user_id;
      const User u = w_.make_user(id, 0);
      std::string q = w_.question(u, 1);
      set_conversation(scratch, w_.o_.api, w_.with_system({{"user", q}}), *w_.counter_);
      std::lock_guard lock(mu_);
      ready_.emplace(id, std::move(q));
    }
  }

  const LMCacheSyntheticWorkload& w_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::unordered_map<std::uint64_t, std::string> ready_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest exists
};

LMCacheSyntheticWorkload::~LMCacheSyntheticWorkload() = default;

void LMCacheSyntheticWorkload::prefetch(std::uint64_t user_id) {
  if (!prefetcher_) prefetcher_ = std::make_unique<Prefetcher>(*this);
  prefetcher_->add(user_id);
}

std::optional<std::string> LMCacheSyntheticWorkload::prefetched(std::uint64_t user_id) {
  return prefetcher_ ? prefetcher_->take(user_id) : std::nullopt;
}

Messages LMCacheSyntheticWorkload::with_system(const Messages& rest) const {
  Messages messages;
  messages.reserve(rest.size() + 1);
  if (!system_.empty()) messages.push_back({"system", system_});
  messages.insert(messages.end(), rest.begin(), rest.end());
  return messages;
}

LMCacheSyntheticWorkload::User LMCacheSyntheticWorkload::make_user(std::uint64_t id, int done_rounds) const {
  User u;
  u.id = std::to_string(id);
  u.tag = id;
  for (int r = 1; r <= done_rounds; ++r) {
    u.history.push_back({"user", question(u, r)});
    u.history.push_back({"assistant", prebuilt_answer(u, r)});
  }
  u.done = done_rounds;
  return u;
}

const ShareGptRound* LMCacheSyntheticWorkload::sharegpt_round(const User& u, int round) const {
  if (o_.sharegpt.empty()) return nullptr;
  const auto& c = o_.sharegpt[u.tag % o_.sharegpt.size()];
  return &c.rounds[static_cast<std::size_t>(round - 1) % c.rounds.size()];
}

std::string LMCacheSyntheticWorkload::prebuilt_answer(const User& u, int round) const {
  if (const auto* r = sharegpt_round(u, round)) return r->answer;
  return synth_.text(mix_seed(o_.seed, u.tag, 0x100000000ULL + static_cast<std::uint64_t>(round)), o_.answer_len);
}

int LMCacheSyntheticWorkload::max_tokens(const User& u, int round) const {
  if (const auto* r = sharegpt_round(u, round)) return std::max(1, static_cast<int>(tokenizer_.count(r->answer)));
  return o_.answer_len;
}

std::string LMCacheSyntheticWorkload::question(const User& u, int round) const {
  std::string q;
  if (const auto* r = sharegpt_round(u, round)) {
    // A newline keeps the synthesized context's last word apart from the recorded question.
    q = (round == 1 && o_.chat_history > 0 ? "\n" : "") + r->question;
  } else {
    q = synth_.user_text(u.tag, mix_seed(o_.seed, static_cast<std::uint64_t>(round)), o_.question_len);
  }
  if (round == 1 && o_.chat_history > 0) return synth_.user_text(u.tag, mix_seed(o_.seed, 0), o_.chat_history) + q;
  return q;
}

Request LMCacheSyntheticWorkload::build(User& u, core::TimePoint intended, bool warmup) {
  const int round = u.done + 1;
  std::optional<std::string> ready = round == 1 ? prefetched(u.tag) : std::nullopt;
  u.history.push_back({"user", ready ? std::move(*ready) : question(u, round)});
  ++u.done;
  const Messages messages = with_system(u.history);

  Request r;
  r.id = next_id_++;
  r.intended_send = intended;
  r.user_id = u.id;
  r.round = round;
  r.warmup = warmup;
  set_conversation(r, o_.api, messages, *counter_);
  r.max_tokens = max_tokens(u, round);
  r.ignore_eos = o_.ignore_eos;
  r.headers.emplace_back("x-user-id", u.id);
  return r;
}

bool LMCacheSyntheticWorkload::restrict_to_shard(int index, int count) {
  shard_ = Shard{index, count};
  return true;
}

void LMCacheSyntheticWorkload::start(core::TimePoint t0) {
  t0_ = t0;
  next_id_ = 0;
  warm_.clear();
  warm_total_ = 0;
  warm_taken_ = 0;
  warm_answered_ = 0;
  last_warm_answer_ = core::TimePoint{};
  measure_start_.reset();
  slots_.clear();
  pending_.clear();
  std::vector<std::uint64_t> joining, next;
  // Every slot of the whole run is counted (the warm-up order is the whole run's); only this
  // shard's are built.
  for (int j = 0; j < o_.num_users; ++j) {
    const int done = static_cast<int>(static_cast<long long>(j) * o_.num_rounds / o_.num_users);
    const bool warmed = o_.num_users_warmup > 0 && done > 0;
    const int n = warmed ? warm_total_++ : -1;
    if (!shard_.owns(static_cast<std::uint64_t>(j))) continue;
    Slot s;
    s.j = static_cast<std::uint64_t>(j);
    // Users whose round 1 is still to come: this one (when it starts fresh) and the slot's next.
    if (done == 0) joining.push_back(static_cast<std::uint64_t>(j));
    next.push_back(static_cast<std::uint64_t>(j + o_.num_users));
    s.user = make_user(static_cast<std::uint64_t>(j), done);
    if (warmed) warm_.push_back(Warm{n, static_cast<int>(slots_.size())});
    slots_.push_back(std::move(s));
  }
  if (o_.num_users_warmup > 0 && warm_total_ == 0 && !system_.empty()) {
    warm_total_ = 1;
    if (shard_.owns(0)) warm_.push_back(Warm{0, -1});
  }
  // Each warm-up sends a user's whole prebuilt history: counted ahead, off the load thread.
  for (const Warm& w : warm_) {
    if (w.slot < 0) continue;
    if (!prefetcher_) prefetcher_ = std::make_unique<Prefetcher>(*this);
    prefetcher_->add_count(with_system(slots_[static_cast<std::size_t>(w.slot)].user.history));
  }
  // Then the first questions, in the order they will be needed.
  for (const auto id : joining) prefetch(id);
  for (const auto id : next) prefetch(id);
  // No warm-up here: the whole run's starts at t0 (none), or at the end of its warm-up window
  // (a shard without a warmed slot while others warm theirs).
  if (warm_.empty()) begin_measurement(warm_paced());
}

core::TimePoint LMCacheSyntheticWorkload::warm_paced() const {
  return t0_ + core::from_seconds(static_cast<double>(warm_total_) / o_.qps);
}

Request LMCacheSyntheticWorkload::warmup_request(const Warm& warm) {
  Request r;
  r.id = next_id_++;
  r.intended_send = t0_ + core::from_seconds(static_cast<double>(warm.n) / o_.qps);
  r.warmup = true;
  Messages messages;
  if (warm.slot >= 0) {
    const User& u = slots_[static_cast<std::size_t>(warm.slot)].user;
    messages = with_system(u.history);
    r.user_id = u.id;
    r.round = u.done;
    r.headers.emplace_back("x-user-id", u.id);
  } else {
    messages = with_system({{"user", " Hello"}});
  }
  set_conversation(r, o_.api, messages, *counter_);
  r.max_tokens = 1;
  r.ignore_eos = o_.ignore_eos;
  return r;
}

void LMCacheSyntheticWorkload::begin_measurement(core::TimePoint t) {
  measure_start_ = t;
  for (auto& s : slots_) {
    s.base = t + core::from_seconds(static_cast<double>(s.j) / o_.qps);
    s.ready = s.base;
    s.available = t;
  }
}

core::TimePoint LMCacheSyntheticWorkload::slot_time(const Slot& s) const {
  // From the slot's base, not by repeated addition, so rounding never accumulates.
  return s.base + core::from_seconds(static_cast<double>(s.k) * o_.num_users / o_.qps);
}

std::optional<core::TimePoint> LMCacheSyntheticWorkload::next_send_time() {
  if (!measure_start_) {
    if (warm_taken_ < static_cast<int>(warm_.size())) {
      return t0_ + core::from_seconds(static_cast<double>(warm_[static_cast<std::size_t>(warm_taken_)].n) / o_.qps);
    }
    return std::nullopt;  // waiting for the warm-up answers
  }
  const core::TimePoint end = *measure_start_ + o_.duration;
  std::optional<core::TimePoint> best;
  for (const auto& s : slots_) {
    if (!s.ready) continue;
    const core::TimePoint t = std::max(slot_time(s), *s.ready);
    if (t < end && (!best || t < *best)) best = t;
  }
  return best;
}

Request LMCacheSyntheticWorkload::take(core::TimePoint now) {
  if (!measure_start_) {
    Request r = warmup_request(warm_[static_cast<std::size_t>(warm_taken_)]);
    pending_[r.id] = Pending{-1};
    ++warm_taken_;
    return r;
  }
  std::size_t best = slots_.size();
  core::TimePoint best_t{};
  for (std::size_t j = 0; j < slots_.size(); ++j) {
    const Slot& s = slots_[j];
    if (!s.ready) continue;
    const core::TimePoint t = std::max(slot_time(s), *s.ready);
    if (best == slots_.size() || t < best_t) {
      best = j;
      best_t = t;
    }
  }
  Slot& s = slots_[best];
  Request r = build(s.user, best_t, false);
  r.available = s.available;
  ++s.k;
  if (s.user.done >= o_.num_rounds) {
    ++s.generation;
    const auto users = static_cast<std::uint64_t>(o_.num_users);
    s.user = make_user(s.j + static_cast<std::uint64_t>(s.generation) * users, 0);
    prefetch(s.j + static_cast<std::uint64_t>(s.generation + 1) * users);
    s.ready = slot_time(s);
    // The new user exists from now: if its slot time is past (a slow server held the previous
    // user's rounds back), sending it late is the closed loop's doing, not the client's.
    s.available = now;
  } else {
    s.ready.reset();
    pending_[r.id] = Pending{static_cast<int>(best)};
  }
  return r;
}

void LMCacheSyntheticWorkload::on_response(const Response& response, core::TimePoint now) {
  const auto it = pending_.find(response.request_id);
  if (it == pending_.end()) return;  // a leaver's last answer: nobody's history needs it
  const Pending p = it->second;
  pending_.erase(it);
  if (p.slot < 0) {
    // A warm-up answer is not part of any conversation: the user's history holds its pre-built
    // answers already.
    last_warm_answer_ = std::max(last_warm_answer_, now);
    if (++warm_answered_ == static_cast<int>(warm_.size())) {
      begin_measurement(std::max(warm_paced(), last_warm_answer_));
    }
    return;
  }
  // A failed answer becomes an empty assistant turn so the conversation keeps its shape.
  Slot& s = slots_[static_cast<std::size_t>(p.slot)];
  s.user.history.push_back({"assistant", response.ok ? response.text : std::string()});
  s.ready = now;
  s.available = now;
}

bool LMCacheSyntheticWorkload::finished() const {
  if (!measure_start_) return false;
  const core::TimePoint end = *measure_start_ + o_.duration;
  for (const auto& s : slots_) {
    const core::TimePoint earliest = s.ready ? std::max(slot_time(s), *s.ready) : slot_time(s);
    if (earliest < end) return false;
  }
  return true;
}

}  // namespace lmbench::workloads
