// shoot-node: reinstall nodes (boot action install, restart by their power
// method) and follow each install to its end; or attach to one node's
// installer console.
#include <getopt.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "live_lines.h"
#include "cluster.h"
#include "config.h"
#include "power.h"
#include "boot.h"
#include "hostsel.h"
#include "shoot.h"
#include "strutil.h"
#include "table.h"

namespace {

const char kUsage[] =
    "Usage:\n"
    " shoot-node [options] HOST...\n"
    " shoot-node [options] --console HOST\n"
    "\n"
    "Reinstall nodes: set them to install, restart them, follow each install.\n"
    "\n"
    "Options:\n"
    " -a, --appliance=NAME   every host of this appliance\n"
    " -r, --rack=N           every host in this rack (with -a: of both)\n"
    " -f, --fanout=N         restart at most N hosts at once (default 32)\n"
    " -t, --timeout=TIME     time limit of each stage, e.g. 90s, 20m (default 60m)\n"
    " -n, --dry-run          show what would be done, change nothing\n"
    "     --no-wait          set to install and restart, then return\n"
    " -b, --batch            one line per state change, even on a terminal\n"
    " -c, --console=HOST     attach to the installer console of HOST over ssh\n"
    "     --db=URL           cluster database\n"
    " -h, --help             display this help\n"
    " -V, --version          display version\n"
    "\n"
    "See shoot-node(8).\n";

enum { kOptNoWait = 256, kOptDb };

const struct option kLongOptions[] = {
    {"appliance", required_argument, nullptr, 'a'},
    {"rack", required_argument, nullptr, 'r'},
    {"fanout", required_argument, nullptr, 'f'},
    {"timeout", required_argument, nullptr, 't'},
    {"dry-run", no_argument, nullptr, 'n'},
    {"no-wait", no_argument, nullptr, kOptNoWait},
    {"batch", no_argument, nullptr, 'b'},
    {"console", required_argument, nullptr, 'c'},
    {"db", required_argument, nullptr, kOptDb},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {nullptr, 0, nullptr, 0},
};

std::atomic<bool> g_stop{false};

void OnSignal(int) {
  g_stop = true;
  // A second interrupt is not caught: it ends the program at once.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

std::string Minutes(const rocks::ShootHost& host, double now) {
  double m = rocks::ShootMinutes(host, now);
  if (m < 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", m);
  return buf;
}

std::string Clock(const rocks::ShootHost& host, double now) {
  if (host.started < 0) return "";
  double end = host.finished >= 0 ? host.finished : now;
  long s = std::lround(end - host.started);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

void WarnState(const rocks::ShootHost& host) {
  using rocks::ShootState;
  if (host.state == ShootState::kError || host.state == ShootState::kFailed ||
      host.state == ShootState::kTimedOut)
    rocks::cli::Warn(host.name + ": " + host.error);
  if ((host.state == ShootState::kRebooting || host.state == ShootState::kRestarted) &&
      host.power.method == rocks::PowerMethod::kNone)
    rocks::cli::Warn(host.name +
                     ": power method none: restart it by hand; its next boot installs it");
}

// Not a terminal, or --batch: one line per state change on stdout, the
// reasons of errors on stderr.
class BatchObserver : public rocks::ShootObserver {
 public:
  void Changed(const std::vector<rocks::ShootHost>& hosts, size_t i, double) override {
    std::printf("%s: %s\n", hosts[i].name.c_str(), rocks::ShootStateName(hosts[i].state));
    std::fflush(stdout);
    WarnState(hosts[i]);
    lines_ = true;
  }
  void Tick(const std::vector<rocks::ShootHost>&, double) override {}
  bool lines_ = false;
};

// A terminal: one line per host on stderr, redrawn in place; messages are
// printed above it.
class LiveObserver : public rocks::ShootObserver {
 public:
  void Changed(const std::vector<rocks::ShootHost>& hosts, size_t i, double now) override {
    Clear();
    WarnState(hosts[i]);
    Draw(hosts, now);
  }
  void Tick(const std::vector<rocks::ShootHost>& hosts, double now) override {
    Draw(hosts, now);
  }
  void Clear() { lines_.Clear(); }

 private:
  // One line per host while they fit on the screen; past that a line of
  // counts and the hosts still under way, as many as fit.
  void Draw(const std::vector<rocks::ShootHost>& hosts, double now) {
    size_t rows = lines_.Rows(24);
    if (rows <= 2) rows = 24;
    size_t width = 4;
    for (const auto& h : hosts) width = std::max(width, h.name.size());
    std::vector<const rocks::ShootHost*> shown;
    std::string text;
    if (hosts.size() < rows) {
      for (const auto& h : hosts) shown.push_back(&h);
    } else {
      std::map<std::string, int> counts;
      for (const auto& h : hosts) {
        ++counts[rocks::ShootStateName(h.state)];
        if (!rocks::ShootStateDone(h.state) && h.state != rocks::ShootState::kPending &&
            shown.size() + 2 < rows)
          shown.push_back(&h);
      }
      std::string line = std::to_string(hosts.size()) + " hosts:";
      const char* sep = " ";
      for (const auto& [state, n] : counts) {
        line += sep + std::to_string(n) + " " + state;
        sep = ", ";
      }
      text += line + "\n";
    }
    for (const auto* h : shown) {
      std::string state = rocks::ShootStateName(h->state);
      text += h->name + std::string(width - h->name.size(), ' ') + "  " + state +
              std::string(state.size() < 12 ? 12 - state.size() : 0, ' ') + " " +
              Clock(*h, now) + "\n";
    }
    lines_.Draw(text);
  }
  rocks::cli::LiveLines lines_{stderr};
};

int Console(const std::string& host, const std::string& db_option,
            const rocks::SshSettings& ssh, bool dry_run) {
  namespace cli = rocks::cli;
  rocks::Config cfg;
  std::unique_ptr<rocks::Database> db;
  std::string err;
  if (!cli::OpenDb(db_option, &cfg, &db)) return 1;
  if (!rocks::PrepareCluster(db.get(), &err)) return cli::Fail(err);
  std::vector<rocks::Host> found;
  std::vector<rocks::Attr> attrs;
  std::vector<std::string> argv;
  if (!rocks::ListHosts(db.get(), {host}, &found, &err) ||
      !rocks::ResolveAttrs(db.get(), rocks::AttrScope::kHost, host, &attrs, &err))
    return cli::Fail(err);
  rocks::SshSettings settings = ssh;
  settings.config_file = cfg.Get(rocks::kConfSshConfig);
  if (!rocks::ConsoleArgv(host, attrs, settings, &argv, &err))
    return cli::Fail(host + ": " + err);
  if (dry_run) {
    std::printf("%s\n", rocks::QuoteCommand(argv).c_str());
    return cli::Finish(0);
  }
  std::vector<char*> args;
  for (std::string& w : argv) args.push_back(w.data());
  args.push_back(nullptr);
  std::fflush(stdout);
  execvp(args[0], args.data());
  return cli::Fail(rocks::ErrnoText(argv[0]));
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = rocks::cli;
  cli::Init("shoot-node", argv);
  rocks::HostSelection selection;
  rocks::ShootOptions options;
  options.stage_timeout = 3600;
  bool dry_run = false;
  bool batch = false;
  std::string console;
  bool have_console = false;
  std::string db_option;
  int c;
  std::string err;
  while ((c = getopt_long(argc, argv, "a:r:f:t:nbc:hV", kLongOptions, nullptr)) != -1) {
    switch (c) {
      case 'a':
        selection.appliance = optarg;
        break;
      case 'r': {
        int64_t v = 0;
        if (!rocks::ParseNumber(std::string("--rack=") + optarg, optarg, 0, INT64_MAX, &v, &err))
          return cli::Fail(err);
        selection.rack = v;
        break;
      }
      case 'f': {
        int64_t v = 0;
        if (!rocks::ParseNumber(std::string("--fanout=") + optarg, optarg, 1, 1024, &v, &err))
          return cli::Fail(err);
        options.fanout = static_cast<int>(v);
        break;
      }
      case 't':
        if (!rocks::ParseTime(std::string("--timeout=") + optarg, optarg, 7 * 24 * 3600,
                              &options.stage_timeout, &err))
          return cli::Fail(err);
        break;
      case 'n':
        dry_run = true;
        break;
      case kOptNoWait:
        options.wait = false;
        break;
      case 'b':
        batch = true;
        break;
      case 'c':
        console = optarg;
        have_console = true;
        break;
      case kOptDb:
        db_option = optarg;
        break;
      case 'h':
        return cli::PrintUsage(kUsage);
      case 'V':
        return cli::PrintVersion();
      default:
        return cli::TryHelp();
    }
  }
  for (int i = optind; i < argc; ++i) selection.names.push_back(argv[i]);

  if (have_console) {
    if (!selection.names.empty() || !selection.appliance.empty() || selection.rack)
      return cli::Fail("--console=" + console + ": takes one host and no other selection");
    return Console(console, db_option, options.ssh, dry_run);
  }
  if (selection.names.empty() && selection.appliance.empty() && !selection.rack) {
    cli::Warn("no hosts given");
    return cli::TryHelp();
  }

  rocks::Config cfg;
  std::unique_ptr<rocks::Database> db;
  if (!cli::OpenDb(db_option, &cfg, &db)) return 1;
  if (!rocks::PrepareCluster(db.get(), &err)) return cli::Fail(err);
  options.ssh.config_file = cfg.Get(rocks::kConfSshConfig);
  if (!selection.appliance.empty()) {
    rocks::Appliance appliance;
    if (!rocks::FindAppliance(db.get(), selection.appliance, &appliance, &err))
      return cli::Fail("--appliance=" + selection.appliance + ": " + err);
  }
  std::vector<rocks::Host> all;
  std::vector<rocks::Appliance> appliances;
  std::vector<rocks::ShootHost> hosts;
  if (!rocks::ListHosts(db.get(), {}, &all, &err) ||
      !rocks::ListAppliances(db.get(), &appliances, &err))
    return cli::Fail(err);
  // compute-0-[0-3], appliance:compute, rack:2 and all: the same
  // selection as rocks list host and rocks run host (never the frontend).
  std::vector<std::string> names;
  for (const std::string& word : selection.names) {
    std::vector<rocks::Host> picked;
    if (!rocks::IsSelectorWord(word)) {
      names.push_back(word);
    } else if (!rocks::MatchHosts(all, appliances, {word}, &picked, &err)) {
      return cli::Fail(err);
    }
    for (const rocks::Host& h : picked)
      if (h.appliance != "frontend") names.push_back(h.name);
  }
  selection.names = names;
  if (!rocks::SelectShootHosts(all, selection, &hosts, &err) ||
      !rocks::PlanShootHosts(db.get(), &hosts, &err) ||
      !rocks::BootRootFromSync(cfg, true, &options.pxe_dir, &err))
    return cli::Fail(err);
  for (const auto& h : hosts)
    if (h.state == rocks::ShootState::kError) cli::Warn(h.name + ": " + h.error);

  int status = 0;
  if (dry_run) {
    char limit[64];
    std::snprintf(limit, sizeof limit, "%g", options.stage_timeout);
    for (const auto& h : hosts) {
      if (h.state == rocks::ShootState::kError) {
        status = 1;
        continue;
      }
      const char* n = h.name.c_str();
      if (options.pxe_dir.empty())
        std::printf("%s: boot action install\n", n);
      else
        std::printf("%s: boot action install, boot files in %s\n", n, options.pxe_dir.c_str());
      std::printf("%s: %s\n", n,
                  rocks::DescribePower(h.power, options.ssh,
                                       rocks::PowerTimeout(options.stage_timeout))
                      .c_str());
      if (options.wait)
        std::printf("%s: follow the install, at most %s s per stage, then boot action os\n",
                    n, limit);
    }
    return cli::Finish(status);
  }

  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  options.stop = &g_stop;

  bool live = !batch && isatty(STDERR_FILENO);
  BatchObserver batch_observer;
  LiveObserver live_observer;
  rocks::ShootObserver* observer = live ? static_cast<rocks::ShootObserver*>(&live_observer)
                                        : &batch_observer;
  bool ran = rocks::Shoot(db.get(), options, &hosts, observer, &err);
  if (live) live_observer.Clear();
  if (!ran) cli::Warn(err);

  rocks::Table summary;
  summary.name = "hosts";
  summary.columns = {{"HOST"}, {"RESULT"}, {"MINUTES", true}};
  for (const auto& h : hosts) {
    summary.rows.push_back({h.name, std::string(rocks::ShootStateName(h.state)),
                            Minutes(h, 0)});
    rocks::ShootState want =
        options.wait ? rocks::ShootState::kInstalled : rocks::ShootState::kRestarted;
    if (h.state != want) status = 1;
  }
  if (batch_observer.lines_) std::printf("\n");
  std::fputs(rocks::RenderTable(summary, rocks::OutputFormat::kTable).c_str(), stdout);
  if (!ran) status = 1;
  return cli::Finish(status);
}
