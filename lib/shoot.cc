#include "shoot.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "boot.h"
#include "file.h"
#include "strutil.h"
#include "sync.h"
#include "vm.h"

namespace rocks {
namespace {

// How long a write the database refuses (locked by others) is retried, at
// most: never longer than a stage.
const double kDbRetrySeconds = 30;

const double kPowerTimeoutMax = 60;

// How far along an install is, so that events only move a host forward.
int Progress(ShootState state) {
  switch (state) {
    case ShootState::kRestarting: return 0;
    case ShootState::kRebooting: return 1;
    case ShootState::kProfileSent: return 2;
    case ShootState::kInstalling: return 3;
    default: return 4;
  }
}

bool Following(ShootState state) {
  return state == ShootState::kRestarting || state == ShootState::kRebooting ||
         state == ShootState::kProfileSent || state == ShootState::kInstalling;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// A job for a worker thread: restart one host.
struct PowerJob {
  size_t index;
  PowerPlan plan;
};

struct PowerResult {
  size_t index;
  bool ok;
  std::string err;
};

// The worker threads that run the power commands; the database stays on
// the calling thread.
class PowerPool {
 public:
  PowerPool(const SshSettings& ssh, double timeout) : ssh_(ssh), timeout_(timeout) {}
  ~PowerPool() { Close(); }

  void Add(PowerJob job, int max_threads) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
    if (static_cast<int>(threads_.size()) < max_threads &&
        jobs_.size() > static_cast<size_t>(idle_))
      threads_.emplace_back([this] { Work(); });
    work_cv_.notify_one();
  }

  /// Waits until a result is there or `seconds` passed; takes the results.
  std::vector<PowerResult> Wait(double seconds) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait_for(lock, std::chrono::duration<double>(seconds),
                      [this] { return !results_.empty(); });
    std::vector<PowerResult> out(results_.begin(), results_.end());
    results_.clear();
    return out;
  }

  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
      jobs_.clear();
    }
    work_cv_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      ++idle_;
      work_cv_.wait(lock, [this] { return closing_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;
      PowerJob job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      PowerResult r{job.index, false, ""};
      r.ok = PowerCycle(job.plan, ssh_, timeout_, &r.err);
      lock.lock();
      results_.push_back(std::move(r));
      done_cv_.notify_one();
    }
  }

  SshSettings ssh_;
  double timeout_;
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<PowerJob> jobs_;
  std::deque<PowerResult> results_;
  std::vector<std::thread> threads_;
  int idle_ = 0;
  bool closing_ = false;
};

}  // namespace

const char* ShootStateName(ShootState state) {
  switch (state) {
    case ShootState::kPending: return "pending";
    case ShootState::kRestarting: return "restarting";
    case ShootState::kRebooting: return "rebooting";
    case ShootState::kProfileSent: return "profile-sent";
    case ShootState::kInstalling: return "installing";
    case ShootState::kInstalled: return "installed";
    case ShootState::kFailed: return "failed";
    case ShootState::kTimedOut: return "timeout";
    case ShootState::kError: return "error";
    case ShootState::kRestarted: return "restarted";
  }
  return "pending";
}

bool ShootStateDone(ShootState state) {
  return state == ShootState::kInstalled || state == ShootState::kFailed ||
         state == ShootState::kTimedOut || state == ShootState::kError ||
         state == ShootState::kRestarted;
}

double ShootMinutes(const ShootHost& host, double now) {
  if (host.started < 0) return -1;
  double end = host.finished >= 0 ? host.finished : now;
  return (end - host.started) / 60.0;
}

bool ApplyInstallEvent(ShootHost* host, const std::string& state, double now) {
  if (!Following(host->state)) return false;
  ShootState next;
  if (state == "profile-sent") {
    next = ShootState::kProfileSent;
  } else if (state == "installing") {
    next = ShootState::kInstalling;
  } else if (state == "installed") {
    next = ShootState::kInstalled;
  } else if (state == "failed") {
    next = ShootState::kFailed;
  } else {
    return false;
  }
  if (Progress(next) <= Progress(host->state)) return false;
  host->state = next;
  host->changed = now;
  if (next == ShootState::kFailed) host->error = "the installer reported failed";
  if (ShootStateDone(next)) host->finished = now;
  return true;
}

bool CheckStageTimeout(ShootHost* host, double now, double timeout) {
  const char* what;
  switch (host->state) {
    case ShootState::kRebooting: what = "no kickstart request"; break;
    case ShootState::kProfileSent: what = "no report of installing"; break;
    case ShootState::kInstalling: what = "not installed"; break;
    default: return false;
  }
  if (now - host->changed <= timeout) return false;
  host->error = std::string("timed out in ") + ShootStateName(host->state) + ": " +
                what + " within " + Seconds(timeout) + " s";
  host->state = ShootState::kTimedOut;
  host->changed = now;
  host->finished = now;
  return true;
}

double PowerTimeout(double stage_timeout) {
  return std::min(stage_timeout, kPowerTimeoutMax);
}

bool SelectShootHosts(const std::vector<Host>& all, const HostSelection& selection,
                      std::vector<ShootHost>* out, std::string* err) {
  std::map<std::string, const Host*> by_name;
  std::vector<std::string> names;
  for (const Host& h : all) {
    by_name[h.name] = &h;
    names.push_back(h.name);
  }
  std::set<std::string> seen;
  auto add = [&](const std::string& name, const Host* host) {
    if (!seen.insert(name).second) return;
    ShootHost s;
    s.name = name;
    if (!host) {
      s.state = ShootState::kError;
      s.error = UnknownName("", "host", name, names);
    } else if (host->appliance == "frontend") {
      s.state = ShootState::kError;
      s.error = "is the frontend; shoot-node does not reinstall it";
    }
    out->push_back(std::move(s));
  };
  for (const std::string& name : selection.names) {
    auto it = by_name.find(name);
    add(name, it == by_name.end() ? nullptr : it->second);
  }
  bool filter = !selection.appliance.empty() || selection.rack.has_value();
  if (filter) {
    size_t matched = 0;
    for (const Host& h : all) {
      if (h.appliance == "frontend") continue;
      if (!selection.appliance.empty() && h.appliance != selection.appliance) continue;
      if (selection.rack && h.rack != *selection.rack) continue;
      ++matched;
      add(h.name, &h);
    }
    if (matched == 0) {
      std::string what;
      if (!selection.appliance.empty()) what = "appliance:" + selection.appliance;
      if (selection.rack) {
        if (!what.empty()) what += " ";
        what += "rack:" + std::to_string(*selection.rack);
      }
      *err = what + ": no host matches";
      return false;
    }
  }
  if (out->empty()) {
    *err = "no hosts given";
    return false;
  }
  return true;
}

bool PlanShootHosts(Database* db, std::vector<ShootHost>* hosts, std::string* err) {
  for (ShootHost& h : *hosts) {
    if (h.state != ShootState::kPending) continue;
    std::vector<Attr> attrs;
    if (!ResolveAttrs(db, AttrScope::kHost, h.name, &attrs, err) ||
        !AddVmPowerAttrs(db, h.name, &attrs, err))
      return false;
    std::string why;
    if (!PlanPower(h.name, attrs, &h.power, &why)) {
      h.state = ShootState::kError;
      h.error = why;
    }
  }
  return true;
}


bool Shoot(Database* db, const ShootOptions& options, std::vector<ShootHost>* hosts,
           ShootObserver* observer, std::string* err) {
  std::vector<ShootHost>& h = *hosts;
  const auto t0 = std::chrono::steady_clock::now();
  auto now_s = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  // Events already recorded are history: only what follows counts.
  int64_t last_id = 0;
  if (!LastInstallEventId(db, &last_id, err)) return false;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < h.size(); ++i) index[h[i].name] = i;

  PowerPool pool(options.ssh, PowerTimeout(options.stage_timeout));
  const int fanout = std::max(1, options.fanout);
  std::vector<size_t> to_os;
  // Hosts whose boot action still has to go back to os, with the time of
  // the first failure (<0: not failed yet).
  std::map<size_t, double> os_pending;
  // Every state change is seen at once, so that two events read in one
  // poll are two changes.
  auto notify = [&](size_t i, double now) {
    if (observer) observer->Changed(h, i, now);
  };
  auto set_state = [&](size_t i, ShootState s, double now, const std::string& why) {
    h[i].state = s;
    h[i].changed = now;
    if (!why.empty()) h[i].error = why;
    if (ShootStateDone(s)) h[i].finished = now;
    notify(i, now);
  };
  auto record = [&](size_t i, const std::string& detail) {
    InstallEvent e;
    e.host = h[i].name;
    e.time = static_cast<int64_t>(std::time(nullptr));
    e.state = "rebooting";
    e.detail = detail;
    std::string ignored;
    // The event is for people reading the history; the follow goes on
    // without it.
    AddInstallEvent(db, e, &ignored);
  };

  // Restarts that finished.
  int in_flight = 0;
  auto take_results = [&](const std::vector<PowerResult>& results, double now) {
    for (const PowerResult& r : results) {
      --in_flight;
      ShootHost& host = h[r.index];
      if (host.state != ShootState::kRestarting) continue;
      if (r.ok) {
        record(r.index, PowerMethodName(host.power.method));
        set_state(r.index, options.wait ? ShootState::kRebooting : ShootState::kRestarted,
                  now, "");
      } else {
        set_state(r.index, ShootState::kError, now, r.err);
        to_os.push_back(r.index);
      }
    }
  };

  size_t next = 0;
  int poll_failures = 0;
  double last_poll = -1e9, last_tick = 0;
  bool ok = true;
  bool aborted = false;
  for (;;) {
    double now = now_s();
    bool stopping = aborted || (options.stop && options.stop->load());

    // Start the next hosts, as many as the fanout leaves room for.
    std::vector<size_t> batch;
    int starting = 0;
    while (!stopping && next < h.size() && in_flight + starting < fanout) {
      if (h[next].state == ShootState::kPending) {
        batch.push_back(next);
        if (h[next].power.method != PowerMethod::kNone) ++starting;
      }
      ++next;
    }
    if (!batch.empty()) {
      std::vector<std::string> names;
      for (size_t i : batch) names.push_back(h[i].name);
      std::vector<std::pair<std::string, std::string>> failed;
      std::string pxe_err;
      bool pxe_ok = SetBootActions(db, names, "install", options.pxe_dir,
                                   &failed, &pxe_err);
      std::map<std::string, std::string> why(failed.begin(), failed.end());
      for (size_t i : batch) {
        h[i].started = now;
        auto it = why.find(h[i].name);
        if (it != why.end()) {
          set_state(i, ShootState::kError, now, it->second);
          continue;
        }
        h[i].action_set = true;
        if (!pxe_ok) {
          set_state(i, ShootState::kError, now, pxe_err);
          to_os.push_back(i);
        } else if (h[i].power.method == PowerMethod::kNone) {
          record(i, "by hand");
          set_state(i, options.wait ? ShootState::kRebooting : ShootState::kRestarted,
                    now, "");
        } else {
          set_state(i, ShootState::kRestarting, now, "");
          pool.Add({i, h[i].power}, fanout);
          ++in_flight;
        }
      }
    }

    take_results(pool.Wait(0), now);

    // What the installers reported.
    if (options.wait && now - last_poll >= options.poll_seconds) {
      last_poll = now;
      std::vector<InstallEvent> events;
      std::string poll_err;
      if (ListInstallEvents(db, last_id, &events, &last_id, &poll_err)) {
        poll_failures = 0;
        for (const InstallEvent& e : events) {
          auto it = index.find(e.host);
          if (it == index.end()) continue;
          if (ApplyInstallEvent(&h[it->second], e.state, now)) {
            notify(it->second, now);
            if (ShootStateDone(h[it->second].state)) to_os.push_back(it->second);
          }
        }
      } else if (++poll_failures * options.poll_seconds > 30) {
        // A busy database is retried; one that stays away ends the run.
        *err = poll_err;
        ok = false;
        aborted = stopping = true;
      }
    }
    for (size_t i = 0; i < h.size(); ++i) {
      if (CheckStageTimeout(&h[i], now, options.stage_timeout)) {
        notify(i, now);
        to_os.push_back(i);
      }
    }
    if (stopping) {
      for (size_t i = 0; i < h.size(); ++i) {
        if (ShootStateDone(h[i].state)) continue;
        set_state(i, ShootState::kError, now, "interrupted");
        to_os.push_back(i);
      }
    }

    // The boot action goes back to os as soon as a host is done, so that
    // its next boot is from its disk. A busy database is retried for a
    // while: a host left on install would reinstall at its next boot.
    for (size_t i : to_os)
      if (h[i].action_set && h[i].state != ShootState::kRestarted)
        os_pending.emplace(i, -1.0);
    to_os.clear();
    if (!os_pending.empty()) {
      std::vector<std::string> names;
      for (const auto& [i, since] : os_pending) names.push_back(h[i].name);
      std::vector<std::pair<std::string, std::string>> failed;
      std::string os_err;
      if (!SetBootActions(db, names, "os", options.pxe_dir, &failed,
                          &os_err)) {
        failed.clear();
        for (const std::string& n : names) failed.push_back({n, os_err});
      }
      std::map<size_t, std::string> why;
      for (const auto& [n, reason] : failed) why[index[n]] = reason;
      for (auto it = os_pending.begin(); it != os_pending.end();) {
        size_t i = it->first;
        auto w = why.find(i);
        if (w == why.end()) {
          h[i].action_set = false;
          it = os_pending.erase(it);
          continue;
        }
        if (it->second < 0) it->second = now;
        if (now - it->second < std::min(kDbRetrySeconds, options.stage_timeout) &&
            !stopping) {
          ++it;
          continue;
        }
        h[i].action_set = false;
        if (!h[i].error.empty()) h[i].error += "; ";
        h[i].error += "boot action os: " + w->second;
        if (h[i].state == ShootState::kInstalled) {
          set_state(i, ShootState::kError, now, "");
        } else {
          notify(i, now);
        }
        it = os_pending.erase(it);
      }
    }

    if (observer && now - last_tick >= 1.0) {
      last_tick = now;
      observer->Tick(h, now);
    }

    bool all_done = true;
    for (const ShootHost& host : h)
      if (!ShootStateDone(host.state)) all_done = false;
    if (all_done && in_flight == 0 && os_pending.empty()) break;
    // Wake for the next poll, or as soon as a restart finishes.
    double wait = options.poll_seconds - (now_s() - last_poll);
    if (!options.wait) wait = options.poll_seconds;
    if (next < h.size() && in_flight < fanout) wait = 0;
    if (wait > 0) {
      std::vector<PowerResult> got = pool.Wait(wait);
      take_results(got, now_s());
    }
  }
  pool.Close();
  return ok;
}

}  // namespace rocks
