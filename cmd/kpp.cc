// kpp: the kickstart preprocessor. Walks the configuration graph for an
// appliance or a host and prints the expanded profile as one XML document.
#include <getopt.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli.h"
#include "cluster.h"
#include "batch_write.h"
#include "config.h"
#include "file.h"
#include "graph.h"
#include "kstext.h"
#include "profile.h"
#include "strutil.h"

namespace {

const char kUsage[] =
    "Usage:\n"
    " kpp [options] --appliance=NAME\n"
    " kpp [options] --host=NAME\n"
    " kpp [options] --output-dir=DIR [HOST...]\n"
    " kpp [options] --dot\n"
    "\n"
    "Expand the configuration graph into one XML profile per appliance or host.\n"
    "\n"
    "Options:\n"
    " -a, --appliance=NAME   expand for an appliance, without the database\n"
    " -H, --host=NAME        expand for a host of the cluster database\n"
    " -A, --attr=KEY=VALUE   set an attribute (repeatable; overrides the database)\n"
    " -p, --profile=DIR      profile tree (graphs/, nodes/, site-nodes/, include/)\n"
    " -g, --graph=NAME       graph to walk (default: the appliance's, or default)\n"
    "     --arch=ARCH        architecture (default: the host's, or x86_64)\n"
    "     --os=OS            operating system (default: the host's, or linux)\n"
    "     --release=N        OS release for release= filters (default: 9)\n"
    " -o, --output-dir=DIR   write one HOST.xml per host into DIR\n"
    " -D, --dot              print a graphviz drawing of the graph\n"
    " -e, --eval             run <eval> elements\n"
    " -m, --allow-missing    skip nodes whose file is missing\n"
    "     --db=URL           cluster database (default: from rocks.conf)\n"
    " -v, --verbose          report each file written on stderr\n"
    " -h, --help             display this help\n"
    " -V, --version          display version\n"
    "\n"
    "See kpp(8).\n";

enum { kArch = 256, kOs, kRelease, kDb };

// Profile trees by graph name, each read once.
class Trees {
 public:
  explicit Trees(std::string dir) : dir_(std::move(dir)) {}
  rocks::ProfileTree* Get(const std::string& graph, std::string* err) {
    auto it = trees_.find(graph);
    if (it != trees_.end()) return it->second.get();
    auto tree = std::make_unique<rocks::ProfileTree>();
    if (!tree->Load(dir_, graph, err)) return nullptr;
    return (trees_[graph] = std::move(tree)).get();
  }

 private:
  std::string dir_;
  std::map<std::string, std::unique_ptr<rocks::ProfileTree>> trees_;
};

// An expansion's error; one that met an <eval> with evaluation off says
// which option turns it on.
std::string ExpandError(const std::string& err) {
  if (rocks::EndsWith(err, rocks::kEvalOff)) return err + " (see --eval)";
  return err;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rocks;
  cli::Init("kpp", argv);
  static const option kLong[] = {
      {"appliance", required_argument, nullptr, 'a'},
      {"host", required_argument, nullptr, 'H'},
      {"attr", required_argument, nullptr, 'A'},
      {"profile", required_argument, nullptr, 'p'},
      {"graph", required_argument, nullptr, 'g'},
      {"arch", required_argument, nullptr, kArch},
      {"os", required_argument, nullptr, kOs},
      {"release", required_argument, nullptr, kRelease},
      {"output-dir", required_argument, nullptr, 'o'},
      {"dot", no_argument, nullptr, 'D'},
      {"eval", no_argument, nullptr, 'e'},
      {"allow-missing", no_argument, nullptr, 'm'},
      {"db", required_argument, nullptr, kDb},
      {"verbose", no_argument, nullptr, 'v'},
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {nullptr, 0, nullptr, 0}};
  std::string appliance, profile_dir, graph, arch, os, release, output_dir, db_option;
  bool dot = false, verbose = false, have_db = false;
  std::vector<std::string> hosts;
  std::vector<std::string> attr_words;
  ProfileOptions options;
  int c;
  while ((c = getopt_long(argc, argv, "a:H:A:p:g:o:DemvhV", kLong, nullptr)) != -1) {
    switch (c) {
      case 'a': appliance = optarg; break;
      case 'H': hosts.push_back(optarg); break;
      case 'A': attr_words.push_back(optarg); break;
      case 'p': profile_dir = optarg; break;
      case 'g': graph = optarg; break;
      case kArch: arch = optarg; break;
      case kOs: os = optarg; break;
      case kRelease: release = optarg; break;
      case 'o': output_dir = optarg; break;
      case 'D': dot = true; break;
      case 'e': options.eval = true; break;
      case 'm': options.allow_missing = true; break;
      case kDb: db_option = optarg; have_db = true; break;
      case 'v': verbose = true; break;
      case 'h': return cli::PrintUsage(kUsage);
      case 'V': return cli::PrintVersion();
      default: return cli::TryHelp();
    }
  }
  for (int i = optind; i < argc; ++i) hosts.push_back(argv[i]);

  KeyValues kv;
  std::string err;
  if (!ParseKeyValues(attr_words, &kv, &err)) return cli::Fail("--attr: " + err);
  for (const auto& [k, v] : kv)
    if (!CheckAttrValue(v, &err)) return cli::Fail("--attr: " + k + ": " + err);
  if (!graph.empty() && !ValidGraphName(graph))
    return cli::Fail("--graph=" + graph + ": invalid graph name");
  if (!appliance.empty() && !hosts.empty())
    return cli::Fail("--appliance and hosts are exclusive");
  if (output_dir.empty() && hosts.size() > 1)
    return cli::Fail("several hosts need --output-dir");
  if (!output_dir.empty() && (dot || !appliance.empty()))
    return cli::Fail("--output-dir is for hosts only");
  if (!dot && appliance.empty() && hosts.empty() && output_dir.empty())
    return cli::Fail("no appliance or host given (see --help)");
  if (!appliance.empty() && have_db)
    return cli::Fail("--db is for hosts; --appliance needs no database");

  bool use_db = !hosts.empty() || !output_dir.empty();
  if (!output_dir.empty() && hosts.empty()) {
    // Host names one per line on stdin.
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) hosts.push_back(line);
    }
    if (hosts.empty()) return cli::Fail("no host names on stdin");
  }

  Config cfg;
  std::unique_ptr<Database> db;
  if (use_db) {
    if (!cli::OpenDb(db_option, &cfg, &db)) return 1;
    if (!PrepareCluster(db.get(), &err)) return cli::Fail(err);
  } else if (!LoadConfig("", &cfg, &err)) {
    // --appliance and --dot walk the same configured profile as --host.
    return cli::Fail(err);
  }
  if (profile_dir.empty()) profile_dir = cfg.Get(rocks::kConfProfile);
  Trees trees(profile_dir);

  Attributes extra;
  for (const auto& [k, v] : kv) extra[k] = v;

  if (!use_db) {
    // An appliance (or the whole graph for --dot) with no database.
    options.root = appliance;
    options.appliance = appliance;
    if (!arch.empty()) options.selection.arch = arch;
    if (!os.empty()) options.selection.os = os;
    if (!release.empty()) options.selection.release = release;
    Attributes attrs;
    if (!appliance.empty()) {
      attrs["Node_Appliance"] = appliance;
      attrs["Node_Membership"] = appliance;
    }
    attrs["Node_Architecture"] = options.selection.arch;
    attrs["Node_OS"] = options.selection.os;
    for (const auto& [k, v] : extra) attrs[k] = v;
    ProfileTree* tree = trees.Get(graph.empty() ? "default" : graph, &err);
    if (!tree) return cli::Fail(err);
    std::string out;
    if (dot) {
      Attributes all = tree->defaults();
      for (const auto& [k, v] : attrs) all[k] = v;
      options.selection.attrs = &all;
      if (!tree->Dot(appliance, options.selection, &out, &err)) return cli::Fail(err);
    } else if (!ExpandProfile(tree, options, attrs, &out, &err)) {
      return cli::Fail(ExpandError(err));
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return cli::Finish(0);
  }

  std::vector<Host> list;
  if (hosts.size() == 1) {
    if (!ListHosts(db.get(), hosts, &list, &err)) return cli::Fail(err);
  } else {
    // Many hosts: two queries for all of them rather than two per host.
    std::vector<Host> all;
    if (!ListHosts(db.get(), {}, &all, &err)) return cli::Fail(err);
    std::map<std::string, size_t> by_name;
    for (size_t i = 0; i < all.size(); ++i) by_name[all[i].name] = i;
    std::set<std::string> seen;
    for (const std::string& name : hosts) {
      if (!seen.insert(name).second) continue;
      auto it = by_name.find(name);
      if (it == by_name.end()) {
        std::vector<Host> none;
        ListHosts(db.get(), {name}, &none, &err);  // for its message
        return cli::Fail(err);
      }
      list.push_back(std::move(all[it->second]));
    }
  }
  int status = 0;
  BatchWriter writer;
  std::vector<std::string> report;
  for (const Host& host : list) {
    ProfileOptions o = options;
    Attributes attrs;
    std::string host_graph;
    if (!HostProfileInput(db.get(), host, &o, &host_graph, &attrs, &err)) {
      status = cli::Fail(err);
      continue;
    }
    if (!arch.empty()) o.selection.arch = attrs["Node_Architecture"] = arch;
    if (!os.empty()) o.selection.os = attrs["Node_OS"] = os;
    if (!release.empty()) o.selection.release = release;
    for (const auto& [k, v] : extra) attrs[k] = v;
    ProfileTree* tree = trees.Get(graph.empty() ? host_graph : graph, &err);
    if (!tree) return cli::Fail(err);
    std::string out;
    if (dot) {
      Attributes all = tree->defaults();
      for (const auto& [k, v] : attrs) all[k] = v;
      o.selection.attrs = &all;
      if (!tree->Dot(o.root, o.selection, &out, &err)) return cli::Fail(err);
    } else if (!ExpandProfile(tree, o, attrs, &out, &err)) {
      status = cli::Fail(ExpandError(err));
      continue;
    }
    if (output_dir.empty()) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      continue;
    }
    std::string path = output_dir + "/" + host.name + ".xml";
    bool changed;
    if (!writer.Add(path, out, &changed, &err)) {
      status = cli::Fail(err);
      continue;
    }
    report.push_back((changed ? "kpp: wrote " : "kpp: unchanged ") + path);
  }
  if (!writer.Commit(&err)) return cli::Fail(err);
  if (verbose)
    for (const std::string& line : report) std::fprintf(stderr, "%s\n", line.c_str());
  return cli::Finish(status);
}
