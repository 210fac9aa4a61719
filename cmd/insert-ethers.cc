// insert-ethers: discover new nodes in the DHCP server's log, name them,
// store them and resync the configuration files.
#include <getopt.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli.h"
#include "live_lines.h"
#include "cluster.h"
#include "config.h"
#include "discover.h"
#include "follow.h"
#include "lockfile.h"
#include "strutil.h"

namespace {

using namespace rocks;

const char kUsage[] =
    "Usage:\n"
    " insert-ethers [options] [-|LOGFILE]\n"
    " insert-ethers [options] --replace=HOST [-|LOGFILE]\n"
    " insert-ethers [options] --mac=MAC [--hostname=NAME] [--ipaddr=IP]\n"
    " insert-ethers [options] --remove=HOST\n"
    " insert-ethers [options] --update\n"
    " insert-ethers [options] --dump\n"
    "\n"
    "Discover new nodes in the DHCP log: name them, store them, resync.\n"
    "\n"
    "Options:\n"
    "     --db=URL           cluster database (sqlite:PATH or mysql://...)\n"
    " -a, --appliance=NAME   appliance of the new nodes (compute)\n"
    " -r, --rack=N           rack of the new nodes (0)\n"
    "     --cabinet=N        the same as --rack\n"
    "     --rank=N           rank of the first new node (next free)\n"
    " -b, --basename=NAME    name nodes NAME-RACK-RANK (the appliance's name)\n"
    "     --hostname=NAME    one-shot: the node's name\n"
    "     --cpus=N           CPU count of the new nodes (1)\n"
    " -m, --mac=MAC          one-shot: the node's MAC address\n"
    "     --ipaddr=IP        one-shot: the node's address\n"
    "     --device=DEV       the nodes' private interface (eth0)\n"
    "     --module=MODULE    kernel driver of that interface\n"
    "     --baseip=IP        first address tried (top of the private subnet)\n"
    "     --inc=N            step from one address tried to the next (-1)\n"
    "     --replace=HOST     the next new node takes HOST's name and address\n"
    "     --remove=HOST      remove HOST and resync\n"
    "     --update           only rewrite the configuration files\n"
    "     --dump             print an insert-ethers command per node\n"
    " -l, --log=FILE         DHCP log to follow (/var/log/messages)\n"
    " -i, --interface=IF     count requests on IF only (frontend's private one)\n"
    " -n, --max-new=N        stop after N new nodes\n"
    "     --norestart        rewrite the files but restart no service\n"
    "     --batch            no screen: one line per event\n"
    " -v, --verbose          report malformed lines and what the sync wrote\n"
    " -h, --help             display this help\n"
    " -V, --version          display version\n"
    "\n"
    "See insert-ethers(8).\n";

enum {
  kOptDb = 256,
  kOptCabinet,
  kOptRank,
  kOptHostname,
  kOptCpus,
  kOptIpaddr,
  kOptDevice,
  kOptModule,
  kOptBaseip,
  kOptInc,
  kOptReplace,
  kOptRemove,
  kOptUpdate,
  kOptDump,
  kOptNorestart,
  kOptBatch,
};

struct Options {
  std::string db;
  DiscoverOptions discover;
  NodeOverrides fixed;
  std::string replace;
  std::string remove;
  bool update = false;
  bool dump = false;
  std::string log;
  std::string interface;
  int64_t max_new = 0;
  bool norestart = false;
  bool batch = false;
  bool verbose = false;
  std::vector<std::string> args;
};

volatile sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

double Now() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool NumberOption(const char* name, const char* value, int64_t min, int64_t max,
                  int64_t* out) {
  std::string err;
  if (!ParseNumber(std::string(name) + "=" + value, value, min, max, out, &err)) {
    cli::Fail(err);
    return false;
  }
  return true;
}

std::string Field(const std::string& s) { return s.empty() ? "-" : s; }


/// What the run prints: one line per event in batch mode; on a terminal a
/// screen, redrawn at most once per pass of the main loop (a burst of a
/// thousand nodes is one redraw, not a thousand) with the newest nodes that
/// fit.
class Display {
 public:
  Display(bool batch, const Options& o) : screen_(!batch && lines_.tty()), o_(o) {}

  void Node(const char* what, const NewNode& n) {
    rows_.push_back({n, false});
    dirty_ = true;
    if (!screen_) {
      std::printf("%s %s %s %s\n", what, n.name.c_str(), Field(n.mac).c_str(),
                  Field(n.ip).c_str());
      std::fflush(stdout);
    }
  }

  void Kickstarted(const std::set<std::string>& hosts) {
    for (Row& r : rows_)
      if (!r.kickstarted && hosts.count(r.node.name)) {
        r.kickstarted = dirty_ = true;
        if (!screen_) {
          std::printf("kickstart %s\n", r.node.name.c_str());
          std::fflush(stdout);
        }
      }
  }

  /// Redraws the screen if anything changed (or `force`).
  void Flush(bool force = false) {
    if (!screen_ || (!dirty_ && !force)) return;
    dirty_ = false;
    size_t rows = lines_.Rows(0);
    size_t height = rows > 6 ? rows - 5 : 20;
    std::string s = "insert-ethers: appliance " + o_.discover.appliance + ", rack " +
         std::to_string(o_.discover.rack) + " (Ctrl-C to quit)\n\n";
    size_t first = rows_.size() > height ? rows_.size() - height : 0;
    for (size_t i = first; i < rows_.size(); ++i) {
      const Row& r = rows_[i];
      s += "  " + r.node.name + "  " + Field(r.node.mac) + "  " + Field(r.node.ip) +
           (r.kickstarted ? "  (*)\n" : "  ( )\n");
    }
    s += "\n" + std::to_string(rows_.size()) + " new\n";
    lines_.Draw(s);
  }

 private:
  struct Row {
    NewNode node;
    bool kickstarted;
  };
  cli::LiveLines lines_{stdout, true};
  bool screen_;
  const Options& o_;
  std::vector<Row> rows_;
  bool dirty_ = false;
};

/// Resyncs; prints the sync's own lines with -v (or when it failed).
bool Sync(Database* db, const Config& cfg, const Options& o) {
  ResyncResult r;
  std::string err;
  bool ok = Resync(db, cfg, !o.norestart, &r, &err);
  if (o.verbose || !ok) {
    std::fflush(stdout);
    std::fputs(r.log.c_str(), stderr);
  }
  if (!ok) cli::Warn(err);
  return ok;
}

int OneShot(Database* db, const Config& cfg, const Options& o, Discoverer* d) {
  NewNode n;
  std::string err;
  bool ok = o.replace.empty() ? d->Insert(db, o.fixed, &n, &err)
                              : ReplaceHost(db, o.replace, o.fixed.mac, &n, &err);
  if (!ok) return cli::Fail(cli::AsOption(err, {"mac", "ipaddr", "hostname", "replace"}));
  std::printf("%s %s %s %s\n", o.replace.empty() ? "new" : "replaced", n.name.c_str(),
              Field(n.mac).c_str(), Field(n.ip).c_str());
  return Sync(db, cfg, o) ? 0 : 1;
}

// Requests from other interfaces, with none from the private one, before
// insert-ethers warns.
constexpr int kElsewhereWarning = 3;

int Listen(Database* db, const Config& cfg, const Options& o, Discoverer* d) {
  std::string err;
  if (!o.replace.empty() && !CheckReplaceable(db, o.replace, &err))
    return cli::Fail(cli::AsOption(err, {"replace"}));
  std::string path = !o.args.empty() ? o.args[0]
                     : !o.log.empty() ? o.log
                                      : cfg.Get(rocks::kConfDhcpLog);
  double quiet;
  if (!cfg.GetSeconds(rocks::kConfInsertEthersQuiet, 1.0, &quiet, &err)) return cli::Fail(err);
  LogFollower follower;
  if (!follower.Open(path, path != "-", &err)) return cli::Fail(err);
  int64_t last_event = 0;
  std::set<std::string> ignored;
  if (!KickstartedSince(db, 0, &ignored, &last_event, &err)) return cli::Fail(err);

  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  Display display(o.batch, o);
  display.Flush(true);
  int status = 0;
  int64_t added = 0, replaced = 0, known = 0, elsewhere = 0, malformed = 0;
  SyncSchedule schedule(quiet, std::max(quiet * 10, 5.0));
  double next_poll = Now() + 1;
  bool done = false;
  std::vector<LogLine> lines;
  while (!g_stop && !done) {
    lines.clear();
    bool eof = false;
    if (!follower.Read(schedule.WaitMs(Now(), 100), &lines, &eof, &err)) {
      status = cli::Fail(err);
      break;
    }
    bool refreshed = false;
    for (const LogLine& line : lines) {
      RequestKind kind;
      DhcpRequest req;
      std::string why;
      if (!d->Classify(db, line.text, o.interface, &refreshed, &kind, &req, &why, &err)) {
        status = cli::Fail(err);
        done = true;
        break;
      }
      if (kind == RequestKind::kMalformed && o.verbose)
        cli::Warn(follower.name() + ":" + std::to_string(line.number) + ": skipped: " + why);
      malformed += kind == RequestKind::kMalformed;
      elsewhere += kind == RequestKind::kElsewhere;
      known += kind == RequestKind::kKnown;
      // Nodes on a NIC the frontend's database does not call private
      // (EL 9 names them ens3, not eth0) would never be inserted: say so,
      // once, rather than wait in silence.
      if (kind == RequestKind::kElsewhere && elsewhere == kElsewhereWarning &&
          added + replaced + known == 0) {
        std::string mine = o.interface.empty() ? d->private_device() : o.interface;
        cli::Warn("every DHCP request so far (" + std::to_string(elsewhere) +
                  ") arrived elsewhere than " + (mine.empty() ? "the private interface" : mine) +
                  " (the last via " + req.interface + "): is --interface right?");
      }
      if (kind != RequestKind::kNew) continue;
      NewNode n;
      NodeOverrides fixed;
      fixed.mac = req.mac;
      bool ok = o.replace.empty() ? d->Insert(db, fixed, &n, &err)
                                  : ReplaceHost(db, o.replace, req.mac, &n, &err);
      if (!ok) {
        // The line that asked, as -v names a skipped one.
        status = cli::Fail(follower.name() + ":" + std::to_string(line.number) + ": " +
                           req.mac + ": " + cli::AsOption(err, {"replace"}));
        done = true;
        break;
      }
      display.Node(o.replace.empty() ? "new" : "replaced", n);
      ++(o.replace.empty() ? added : replaced);
      schedule.Inserted(Now());
      if (!o.replace.empty() || (o.max_new && added >= o.max_new)) {
        done = true;
        break;
      }
    }
    double now = Now();
    if (!done && schedule.Due(now)) {
      schedule.Synced();
      if (!Sync(db, cfg, o)) status = 1;
    }
    if (now >= next_poll && status == 0) {
      std::set<std::string> hosts;
      if (!KickstartedSince(db, last_event, &hosts, &last_event, &err)) {
        status = cli::Fail(err);
        break;
      }
      display.Kickstarted(hosts);
      next_poll = now + 1;
    }
    display.Flush();
    if (eof) break;
  }
  display.Flush();
  if (schedule.pending() && !Sync(db, cfg, o)) status = 1;
  std::string summary = "summary new=" + std::to_string(added) +
                        " replaced=" + std::to_string(replaced) +
                        " known=" + std::to_string(known) +
                        " other-interface=" + std::to_string(elsewhere);
  if (o.verbose) summary += " malformed=" + std::to_string(malformed);
  std::printf("%s\n", summary.c_str());
  return status;
}

int Run(const Options& o) {
  int modes = o.dump + o.update + !o.remove.empty() +
              (!o.fixed.mac.empty() || !o.fixed.hostname.empty() || !o.fixed.ip.empty());
  if (modes > 1 || (!o.replace.empty() && (o.dump || o.update || !o.remove.empty())))
    return cli::Fail("--dump, --update, --remove, --replace and a one-shot insert "
                     "(--mac, --hostname, --ipaddr) go one at a time");
  if (!o.replace.empty() && (!o.fixed.hostname.empty() || !o.fixed.ip.empty()))
    return cli::Fail("--replace takes the host's name and address: no --hostname or --ipaddr");
  bool listening = modes == 0;
  if (o.args.size() > (listening ? 1u : 0u))
    return cli::Fail("unexpected argument '" + o.args[listening ? 1 : 0] + "'");
  if (listening && !o.args.empty() && !o.log.empty())
    return cli::Fail("--log=" + o.log + " and " + o.args[0] + ": give one log");
  Config cfg;
  std::unique_ptr<Database> db;
  if (!cli::OpenDb(o.db, &cfg, &db)) return 1;
  std::string err;
  if (!PrepareCluster(db.get(), &err)) return cli::Fail(err);
  if (o.dump) {
    std::vector<std::string> lines;
    if (!DumpNodes(db.get(), &lines, &err)) return cli::Fail(err);
    for (const std::string& l : lines) std::printf("%s\n", l.c_str());
    return 0;
  }
  bool held = false;
  pid_t holder = 0;
  std::string dist_lock = DistLockPath(cfg);
  if (!LockHeld(dist_lock, &held, &holder, &err)) return cli::Fail(err);
  if (held)
    return cli::Fail(dist_lock + ": rocks-dist is building the distribution (process " +
                     std::to_string(holder) + "); try again when it is done");
  LockFile lock;
  if (!lock.Acquire(cfg.Get(rocks::kConfInsertEthersLock), &err))
    return cli::Fail(err);
  if (o.update) return Sync(db.get(), cfg, o) ? 0 : 1;
  if (!o.remove.empty()) {
    if (!RemoveNode(db.get(), o.remove, &err)) return cli::Fail(cli::AsOption(err, {"remove"}));
    std::printf("removed %s\n", o.remove.c_str());
    return Sync(db.get(), cfg, o) ? 0 : 1;
  }
  Discoverer d;
  // The options are checked against the database before anything is read.
  if (!d.Load(db.get(), o.discover, &err))
    return cli::Fail(cli::AsOption(err, {"appliance", "basename", "inc", "baseip"}));
  if (!listening) return OneShot(db.get(), cfg, o, &d);
  return Listen(db.get(), cfg, o, &d);
}

}  // namespace

int main(int argc, char** argv) {
  cli::Init("insert-ethers", argv);
  static const struct option kLongOptions[] = {
      {"db", required_argument, nullptr, kOptDb},
      {"appliance", required_argument, nullptr, 'a'},
      {"rack", required_argument, nullptr, 'r'},
      {"cabinet", required_argument, nullptr, kOptCabinet},
      {"rank", required_argument, nullptr, kOptRank},
      {"basename", required_argument, nullptr, 'b'},
      {"hostname", required_argument, nullptr, kOptHostname},
      {"cpus", required_argument, nullptr, kOptCpus},
      {"mac", required_argument, nullptr, 'm'},
      {"ipaddr", required_argument, nullptr, kOptIpaddr},
      {"device", required_argument, nullptr, kOptDevice},
      {"module", required_argument, nullptr, kOptModule},
      {"baseip", required_argument, nullptr, kOptBaseip},
      {"inc", required_argument, nullptr, kOptInc},
      {"replace", required_argument, nullptr, kOptReplace},
      {"remove", required_argument, nullptr, kOptRemove},
      {"update", no_argument, nullptr, kOptUpdate},
      {"dump", no_argument, nullptr, kOptDump},
      {"log", required_argument, nullptr, 'l'},
      {"interface", required_argument, nullptr, 'i'},
      {"max-new", required_argument, nullptr, 'n'},
      {"norestart", no_argument, nullptr, kOptNorestart},
      {"batch", no_argument, nullptr, kOptBatch},
      {"verbose", no_argument, nullptr, 'v'},
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {nullptr, 0, nullptr, 0},
  };
  Options o;
  DiscoverOptions& d = o.discover;
  int64_t v;
  int c;
  while ((c = getopt_long(argc, argv, "a:r:b:m:l:i:n:vhV", kLongOptions, nullptr)) != -1) {
    switch (c) {
      case kOptDb: o.db = optarg; break;
      case 'a': d.appliance = optarg; break;
      case 'r':
      case kOptCabinet:
        if (!NumberOption(c == 'r' ? "--rack" : "--cabinet", optarg, 0, INT64_MAX, &d.rack)) return 1;
        break;
      case kOptRank:
        if (!NumberOption("--rank", optarg, 0, INT64_MAX, &v)) return 1;
        d.rank = v;
        break;
      case 'b': d.basename = optarg; break;
      case kOptHostname: o.fixed.hostname = optarg; break;
      case kOptCpus:
        if (!NumberOption("--cpus", optarg, 1, INT64_MAX, &d.cpus)) return 1;
        break;
      case 'm': o.fixed.mac = optarg; break;
      case kOptIpaddr: o.fixed.ip = optarg; break;
      case kOptDevice: d.device = optarg; break;
      case kOptModule: d.module = optarg; break;
      case kOptBaseip: d.baseip = optarg; break;
      case kOptInc:
        if (!NumberOption("--inc", optarg, INT32_MIN, INT32_MAX, &d.inc)) return 1;
        break;
      case kOptReplace: o.replace = optarg; break;
      case kOptRemove: o.remove = optarg; break;
      case kOptUpdate: o.update = true; break;
      case kOptDump: o.dump = true; break;
      case 'l': o.log = optarg; break;
      case 'i': o.interface = optarg; break;
      case 'n':
        if (!NumberOption("--max-new", optarg, 1, INT64_MAX, &o.max_new)) return 1;
        break;
      case kOptNorestart: o.norestart = true; break;
      case kOptBatch: o.batch = true; break;
      case 'v': o.verbose = true; break;
      case 'h': return cli::PrintUsage(kUsage);
      case 'V': return cli::PrintVersion();
      default: return cli::TryHelp();
    }
  }
  for (int i = optind; i < argc; ++i) o.args.push_back(argv[i]);
  return cli::Finish(Run(o));
}
