// dbreport: print one configuration file made from the cluster database.
#include <getopt.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "cluster.h"
#include "file.h"
#include "boot.h"
#include "report.h"

namespace {

const char kUsage[] =
    "Usage:\n"
    " dbreport [options] REPORT [ARGS]\n"
    " dbreport [options]\n"
    "\n"
    "Print a configuration file made from the cluster database.\n"
    "\n"
    "Options:\n"
    " -o, --output=FILE      write FILE atomically, only when it changes\n"
    "     --db=URL           use the cluster database at URL\n"
    " -v, --verbose          say on stderr which files were written\n"
    " -h, --help             display this help\n"
    " -V, --version          display version\n"
    "\n"
    "See dbreport(8).\n";

enum { kOptDb = 256 };

int ListReports() {
  for (const rocks::ReportInfo& r : rocks::Reports()) {
    std::string name = r.name;
    if (*r.args) name += std::string(" ") + r.args;
    std::printf("%-22s %s\n", name.c_str(), r.description);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  rocks::cli::Init("dbreport", argv);
  static const struct option kOptions[] = {
      {"output", required_argument, nullptr, 'o'},
      {"db", required_argument, nullptr, kOptDb},
      {"verbose", no_argument, nullptr, 'v'},
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {nullptr, 0, nullptr, 0},
  };
  std::string output, db_option;
  bool verbose = false;
  int c;
  while ((c = getopt_long(argc, argv, "o:vhV", kOptions, nullptr)) != -1) {
    switch (c) {
      case 'o': output = optarg; break;
      case kOptDb: db_option = optarg; break;
      case 'v': verbose = true; break;
      case 'h': return rocks::cli::PrintUsage(kUsage);
      case 'V': return rocks::cli::PrintVersion();
      default: return rocks::cli::TryHelp();
    }
  }
  if (optind == argc) {
    if (!output.empty()) return rocks::cli::Fail("--output needs a REPORT");
    return rocks::cli::Finish(ListReports());
  }
  std::string name = argv[optind];
  std::vector<std::string> args(argv + optind + 1, argv + argc);
  std::string err;
  if (!rocks::CheckReport(name, args, &err)) return rocks::cli::Fail(err);
  bool writes_dir = rocks::FindReport(name)->WritesDir();
  if (writes_dir && !output.empty())
    return rocks::cli::Fail(name + ": --output does not apply (the files go into DIR)");

  rocks::Config cfg;
  std::unique_ptr<rocks::Database> db;
  if (!rocks::cli::OpenDb(db_option, &cfg, &db)) return 1;
  if (!rocks::PrepareCluster(db.get(), &err)) return rocks::cli::Fail(err);
  rocks::ReportContext ctx;
  if (!rocks::LoadReportContext(cfg, &ctx, &err)) return rocks::cli::Fail(err);

  if (writes_dir) {
    rocks::BootWrite done;
    if (!rocks::SyncBootTree(db.get(), args[0], nullptr, &done, &err))
      return rocks::cli::Fail(err);
    if (verbose) {
      for (const std::string& f : done.written)
        rocks::cli::Warn(args[0] + "/" + f + ": written");
      for (const std::string& f : done.removed)
        rocks::cli::Warn(args[0] + "/" + f + ": removed");
    }
    return rocks::cli::Finish(0);
  }

  if (!output.empty()) {
    std::string ignored;
    rocks::ReadFile(output, &ctx.previous, &ignored);
  }
  std::string text;
  if (!rocks::RunReport(db.get(), ctx, name, args, &text, &err))
    return rocks::cli::Fail(err);
  if (output.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return rocks::cli::Finish(0);
  }
  bool changed = false;
  if (!rocks::WriteFileAtomic(output, text, &changed, &err))
    return rocks::cli::Fail(err);
  if (verbose) rocks::cli::Warn(output + (changed ? ": written" : ": unchanged"));
  return rocks::cli::Finish(0);
}
