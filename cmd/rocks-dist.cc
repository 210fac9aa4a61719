// rocks-dist: build the cluster's distribution from its package sources,
// mirror a parent distribution, write an ISO image of it.
#include <getopt.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "live_lines.h"
#include "cluster.h"
#include "config.h"
#include "distbuild.h"
#include "distconf.h"
#include "file.h"
#include "iso.h"
#include "lockfile.h"
#include "mirror.h"
#include "roll.h"
#include "schema.h"

namespace {

const char kUsage[] =
    "Usage:\n"
    " rocks-dist [options] dist\n"
    " rocks-dist [options] mirror URL [DIR]\n"
    " rocks-dist [options] iso [FILE]\n"
    " rocks-dist [options] cdrom [FILE]\n"
    "\n"
    "Build, mirror or write an image of the cluster's distribution.\n"
    "\n"
    "Options:\n"
    " -C, --config=FILE      read FILE instead of rocks-dist.conf\n"
    " -r, --root=DIR         the distribution directory\n"
    "     --os=DIR           add an OS release tree\n"
    "     --updates=DIR      add a tree of OS updates\n"
    "     --roll=PATH        add a roll: a directory or an ISO image\n"
    "     --contrib=DIR      add a contrib directory\n"
    "     --local=DIR        add a directory of locally built packages\n"
    "     --profile=DIR      add a profile tree (graphs, nodes) to build/\n"
    "     --site-profile=DIR add a site profile tree to build/, last\n"
    " -c, --copy             copy packages instead of symlinking them\n"
    " -n, --dry-run          print what would change, change nothing\n"
    " -j, --jobs=N           header readers or downloads at once\n"
    "     --retries=N        attempts after a failed download (default 2)\n"
    " -L, --label=NAME       volume label of the image (default ROCKS)\n"
    " -v, --verbose          report progress and counts on stderr\n"
    " -h, --help             display this help\n"
    " -V, --version          display version\n"
    "\n"
    "See rocks-dist(8).\n";

enum {
  kOptOs = 256,
  kOptUpdates,
  kOptRoll,
  kOptContrib,
  kOptLocal,
  kOptProfile,
  kOptSiteProfile,
  kOptRetries,
};

const struct option kLongOptions[] = {
    {"config", required_argument, nullptr, 'C'},
    {"root", required_argument, nullptr, 'r'},
    {"os", required_argument, nullptr, kOptOs},
    {"updates", required_argument, nullptr, kOptUpdates},
    {"roll", required_argument, nullptr, kOptRoll},
    {"contrib", required_argument, nullptr, kOptContrib},
    {"local", required_argument, nullptr, kOptLocal},
    {"profile", required_argument, nullptr, kOptProfile},
    {"site-profile", required_argument, nullptr, kOptSiteProfile},
    {"copy", no_argument, nullptr, 'c'},
    {"dry-run", no_argument, nullptr, 'n'},
    {"jobs", required_argument, nullptr, 'j'},
    {"retries", required_argument, nullptr, kOptRetries},
    {"label", required_argument, nullptr, 'L'},
    {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {nullptr, 0, nullptr, 0},
};

// What the options say, applied over rocks-dist.conf once it is read.
struct Overrides {
  std::string config;
  std::string root;
  std::vector<rocks::DistSource> sources;
  std::vector<std::string> profiles;
  std::vector<std::string> site_profiles;
  bool copy = false;
  int jobs = -1;
  int retries = -1;
  std::string label;
};

// Progress goes to a terminal only, one line redrawn in place.
class ProgressLine {
 public:
  ~ProgressLine() { Done(); }
  void Show(const std::string& text) {
    line_.Draw(std::string(rocks::cli::Name()) + ": " + text + "\n");
  }
  void Done() { line_.Clear(); }

 private:
  rocks::cli::LiveLines line_{stderr};
};

std::string Bar(uint64_t done, uint64_t total) {
  const int kWidth = 30;
  int fill = total ? static_cast<int>(done * kWidth / total) : kWidth;
  if (fill > kWidth) fill = kWidth;
  return "[" + std::string(fill, '#') + std::string(kWidth - fill, ' ') + "]";
}

bool LoadSettings(const Overrides& o, rocks::Config* cfg,
                  rocks::DistConfig* dist) {
  std::string err;
  if (!rocks::LoadConfig("", cfg, &err)) {
    rocks::cli::Fail(err);
    return false;
  }
  std::string path = o.config;
  // A file named by the user must exist; the built-in one may not.
  if (path.empty() && cfg->values.count(rocks::kConfDistConf)) path = cfg->Get(rocks::kConfDistConf);
  bool must_exist = !path.empty();
  if (path.empty()) path = rocks::DefaultDistConfigPath();
  if ((must_exist || rocks::PathExists(path)) &&
      !rocks::LoadDistConfig(path, dist, &err)) {
    rocks::cli::Fail(err);
    return false;
  }
  if (!o.root.empty()) dist->root = o.root;
  dist->sources.insert(dist->sources.end(), o.sources.begin(), o.sources.end());
  dist->profiles.insert(dist->profiles.end(), o.profiles.begin(),
                        o.profiles.end());
  dist->site_profiles.insert(dist->site_profiles.end(), o.site_profiles.begin(),
                             o.site_profiles.end());
  if (o.copy) dist->copy = true;
  if (o.jobs >= 0) dist->jobs = dist->mirror_jobs = o.jobs;
  if (o.retries >= 0) dist->retries = o.retries;
  if (!o.label.empty()) dist->label = o.label;
  return true;
}

// The rolls enabled in the cluster database join the configured sources.
// A database that holds no cluster (or an SQLite file not made yet) has
// none, so a distribution can be built before `rocks init`.
bool AddEnabledRolls(rocks::DistConfig* dist) {
  namespace cli = rocks::cli;
  rocks::Config cfg;
  std::string err;
  if (!rocks::LoadConfig("", &cfg, &err)) {
    cli::Fail(err);
    return false;
  }
  std::string url = cfg.Database();
  if (url.rfind("sqlite:", 0) == 0 && !rocks::PathExists(url.substr(7)))
    return true;
  std::unique_ptr<rocks::Database> db;
  if (!cli::OpenDb("", &cfg, &db)) return false;
  int version = 0;
  if (!rocks::ReadSchemaVersion(db.get(), &version, &err)) {
    cli::Fail(err);
    return false;
  }
  if (version == 0) return true;
  std::vector<std::string> paths;
  if (!rocks::PrepareCluster(db.get(), &err) ||
      !rocks::EnabledRollPaths(db.get(), &paths, &err)) {
    cli::Fail(err);
    return false;
  }
  for (const std::string& p : paths)
    dist->sources.push_back({rocks::SourceKind::kRoll, p});
  return true;
}

int RunDist(const rocks::Config& cfg, const rocks::DistConfig& given,
            bool dry_run, bool verbose) {
  namespace cli = rocks::cli;
  std::string err;
  // A dry run writes nothing, the lock file included; what it reads of the
  // tree is swapped in whole by a build, never changed in place.
  rocks::LockFile lock;
  if (!dry_run && !lock.Acquire(rocks::DistLockPath(cfg), &err))
    return cli::Fail(err);
  rocks::DistConfig dist = given;
  if (!AddEnabledRolls(&dist)) return 1;
  rocks::DistBuildOptions options;
  options.config = dist;
  options.dry_run = dry_run;
  ProgressLine line;
  options.warn = [&](const std::string& msg) {
    line.Done();
    cli::Warn(msg + ", skipped");
  };
  options.progress = [&](size_t done, size_t total) {
    line.Show("reading headers " + Bar(done, total) + " " +
              std::to_string(done) + "/" + std::to_string(total));
  };
  rocks::DistBuildResult result;
  bool ok = rocks::BuildDistribution(options, &result, &err);
  line.Done();
  if (!ok) return cli::Fail(err);
  for (const rocks::DistChange& c : result.changes)
    std::printf("%s\n", rocks::FormatChange(c).c_str());
  if (verbose) {
    cli::Warn(std::to_string(result.binary_packages) + " binary and " +
              std::to_string(result.source_packages) + " source packages, " +
              std::to_string(result.skipped) + " skipped; " +
              std::to_string(result.read) + " headers read, " +
              std::to_string(result.cached) + " from the cache" +
              (result.unchanged ? "; the tree was up to date"
               : dry_run        ? " (dry run)"
                                : ""));
  }
  return 0;
}

int RunMirror(const rocks::DistConfig& dist, const std::string& url,
              const std::string& dir, bool verbose) {
  namespace cli = rocks::cli;
  std::string err;
  rocks::MirrorOptions options;
  options.url = url;
  options.dest = dir;
  if (options.dest.empty() &&
      !rocks::DefaultMirrorDir(dist.mirror_root, url, &options.dest, &err))
    return cli::Fail(err);
  options.jobs = dist.mirror_jobs > 0 ? dist.mirror_jobs : 4;
  options.retries = dist.retries;
  ProgressLine line;
  options.warn = [&](const std::string& msg) {
    line.Done();
    if (verbose) cli::Warn(msg);
  };
  options.progress = [&](const rocks::MirrorProgress& p) {
    line.Show("mirroring " + Bar(p.bytes_done, p.bytes_total) + " " +
              std::to_string(p.files_done) + "/" + std::to_string(p.files_total) +
              " files, " + std::to_string(p.bytes_done / 1024) + " KiB");
  };
  rocks::MirrorResult result;
  bool ok = rocks::MirrorRepository(options, &result, &err);
  line.Done();
  for (const std::string& href : result.fetched)
    std::printf("fetched %s\n", href.c_str());
  for (const std::string& f : result.failed) cli::Warn(f);
  if (verbose) {
    cli::Warn(std::to_string(result.fetched.size()) + " fetched (" +
              std::to_string(result.resumed) + " resumed), " +
              std::to_string(result.unchanged) + " unchanged, " +
              std::to_string(result.failed.size()) + " failed");
  }
  if (!ok) return cli::Fail(err);
  return 0;
}

int RunIso(const rocks::Config& cfg, const rocks::DistConfig& dist,
           const std::string& file) {
  namespace cli = rocks::cli;
  std::string err;
  rocks::LockFile lock;
  if (!lock.Acquire(rocks::DistLockPath(cfg), &err)) return cli::Fail(err);
  std::string out = file.empty() ? rocks::BaseName(dist.root) + ".iso" : file;
  if (!rocks::WriteIsoImage(dist.root, out, dist.label, {rocks::kDistStateDir},
                            &err))
    return cli::Fail(err);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = rocks::cli;
  cli::Init("rocks-dist", argv);
  Overrides o;
  bool dry_run = false;
  bool verbose = false;
  std::string err;
  int c;
  while ((c = getopt_long(argc, argv, "C:r:cnj:L:vhV", kLongOptions, nullptr)) !=
         -1) {
    switch (c) {
      case 'C':
        o.config = optarg;
        break;
      case 'r':
        o.root = optarg;
        break;
      case kOptOs:
        o.sources.push_back({rocks::SourceKind::kOs, optarg});
        break;
      case kOptUpdates:
        o.sources.push_back({rocks::SourceKind::kUpdates, optarg});
        break;
      case kOptRoll:
        o.sources.push_back({rocks::SourceKind::kRoll, optarg});
        break;
      case kOptContrib:
        o.sources.push_back({rocks::SourceKind::kContrib, optarg});
        break;
      case kOptLocal:
        o.sources.push_back({rocks::SourceKind::kLocal, optarg});
        break;
      case kOptProfile:
        o.profiles.push_back(optarg);
        break;
      case kOptSiteProfile:
        o.site_profiles.push_back(optarg);
        break;
      case 'c':
        o.copy = true;
        break;
      case 'n':
        dry_run = true;
        break;
      case 'j':
        if (!rocks::ParseCount("--jobs", optarg, &o.jobs, &err))
          return cli::Fail(err);
        break;
      case kOptRetries:
        if (!rocks::ParseCount("--retries", optarg, &o.retries, &err))
          return cli::Fail(err);
        break;
      case 'L':
        o.label = optarg;
        break;
      case 'v':
        verbose = true;
        break;
      case 'h':
        return cli::PrintUsage(kUsage);
      case 'V':
        return cli::PrintVersion();
      default:
        return cli::TryHelp();
    }
  }
  std::vector<std::string> args(argv + optind, argv + argc);
  if (args.empty()) {
    cli::Warn("no command (dist, mirror, iso or cdrom)");
    return cli::TryHelp();
  }
  const std::string& cmd = args[0];
  size_t max_args = cmd == "dist" ? 1 : cmd == "mirror" ? 3 : 2;
  if (cmd != "dist" && cmd != "mirror" && cmd != "iso" && cmd != "cdrom") {
    cli::Warn(cmd + ": unknown command (dist, mirror, iso or cdrom)");
    return cli::TryHelp();
  }
  if (cmd == "mirror" && args.size() < 2) {
    cli::Warn("mirror: missing URL");
    return cli::TryHelp();
  }
  if (args.size() > max_args) {
    cli::Warn(cmd + ": unexpected argument '" + args[max_args] + "'");
    return cli::TryHelp();
  }
  rocks::Config cfg;
  rocks::DistConfig dist;
  if (!LoadSettings(o, &cfg, &dist)) return 1;
  int status;
  if (cmd == "dist") {
    status = RunDist(cfg, dist, dry_run, verbose);
  } else if (cmd == "mirror") {
    status = RunMirror(dist, args[1], args.size() > 2 ? args[2] : "", verbose);
  } else {
    status = RunIso(cfg, dist, args.size() > 1 ? args[1] : "");
  }
  return cli::Finish(status);
}
