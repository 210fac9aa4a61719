// rocks: the front end of the cluster database.
#include <getopt.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "cluster.h"
#include "kstext.h"
#include "net.h"
#include "strutil.h"
#include "sync.h"

namespace {

using namespace rocks;

const char kUsage[] =
    "Usage:\n"
    " rocks [options] init\n"
    " rocks [options] add host NAME appliance=NAME [KEY=VALUE...]\n"
    " rocks [options] add host interface HOST device=DEV [KEY=VALUE...]\n"
    " rocks [options] add alias HOST ALIAS\n"
    " rocks [options] add attr NAME VALUE\n"
    " rocks [options] list host [HOST...]\n"
    " rocks [options] list host interface [HOST...]\n"
    " rocks [options] list appliance\n"
    " rocks [options] list subnet\n"
    " rocks [options] list alias\n"
    " rocks [options] list attr [NAME...]\n"
    " rocks [options] set host HOST KEY=VALUE...\n"
    " rocks [options] set attr NAME VALUE\n"
    " rocks [options] remove host HOST...\n"
    " rocks [options] remove host interface HOST DEV\n"
    " rocks [options] remove alias ALIAS\n"
    " rocks [options] remove attr NAME\n"
    " rocks [options] sync config\n"
    "\n"
    "Create, change and list the cluster database.\n"
    "\n"
    "Options:\n"
    "     --db=URL                  cluster database (sqlite:PATH or mysql://...)\n"
    " -f, --format=FORMAT           listing format: table, tsv or json\n"
    " -H, --host=HOST               attr: work on this host's attributes\n"
    " -A, --appliance=NAME          attr: work on this appliance's attributes\n"
    " -n, --dry-run                 sync config: show the changes as a diff, change nothing\n"
    " -v, --verbose                 sync config: say what was written and reloaded\n"
    "     --secrets                 list attr: show the values of secret attributes\n"
    "     --frontend=NAME           init: frontend host name (frontend)\n"
    "     --private-network=NET     init: private network (10.0.0.0/8)\n"
    "     --private-address=IP      init: frontend private address (10.1.1.1)\n"
    "     --private-mac=MAC         init: frontend private MAC\n"
    "     --domain=DOMAIN           init: private DNS domain (local)\n"
    "     --public-network=NET      init: public network (192.168.1.0/24)\n"
    "     --public-address=IP       init: frontend public address\n"
    "     --public-mac=MAC          init: frontend public MAC\n"
    "     --public-domain=DOMAIN    init: public DNS domain (example.org)\n"
    "     --cluster-name=NAME       init: cluster name (Cluster)\n"
    "     --timezone=ZONE           init: timezone for installs (UTC)\n"
    " -h, --help                    display this help\n"
    " -V, --version                 display version\n"
    "\n"
    "See rocks(8) and rocks(7).\n";

enum {
  kOptDb = 256,
  kOptSecrets,
  kOptFrontend,
  kOptPrivateNetwork,
  kOptPrivateAddress,
  kOptPrivateMac,
  kOptDomain,
  kOptPublicNetwork,
  kOptPublicAddress,
  kOptPublicMac,
  kOptPublicDomain,
  kOptClusterName,
  kOptTimezone,
};

struct Options {
  std::string db;
  OutputFormat format = OutputFormat::kTsv;
  std::string host;
  std::string appliance;
  bool dry_run = false;
  bool verbose = false;
  bool secrets = false;
  InitOptions init;
  bool init_given = false;
  std::vector<std::string> args;
};

using Cell = std::optional<std::string>;

Cell Opt(const std::string& s) { return s.empty() ? Cell() : Cell(s); }

int Print(const Options& o, const Table& t) {
  std::fputs(RenderTable(t, o.format).c_str(), stdout);
  return 0;
}

const Interface* PrivateInterface(const Host& h) {
  for (const Interface& i : h.interfaces)
    if (i.subnet == "private") return &i;
  return h.interfaces.empty() ? nullptr : &h.interfaces[0];
}

/// Splits the scope options into a scope and owner; both at once is an error.
bool AttrScopeOf(const Options& o, AttrScope* scope, std::string* owner) {
  if (!o.host.empty() && !o.appliance.empty()) {
    cli::Fail("--host and --appliance: give one scope, not both");
    return false;
  }
  *scope = !o.host.empty()        ? AttrScope::kHost
           : !o.appliance.empty() ? AttrScope::kAppliance
                                  : AttrScope::kGlobal;
  *owner = !o.host.empty() ? o.host : o.appliance;
  return true;
}

/// Checks the count of positional words after the noun.
bool Arity(const std::vector<std::string>& a, size_t min, size_t max,
           const std::string& what) {
  if (a.size() < min) {
    cli::Fail(what + ": missing argument");
    return false;
  }
  if (a.size() > max) {
    cli::Fail(what + ": unexpected argument '" + a[max] + "'");
    return false;
  }
  return true;
}

int ListHostCmd(Database* db, const Options& o, const std::vector<std::string>& a) {
  std::vector<Host> hosts;
  std::string err;
  if (!ListHosts(db, a, &hosts, &err)) return cli::Fail(err);
  Table t;
  t.columns = {{"HOST"}, {"APPLIANCE"}, {"RACK", true}, {"RANK", true},
               {"CPUS", true}, {"ACTION"}, {"IP"}, {"MAC"}};
  for (const Host& h : hosts) {
    const Interface* i = PrivateInterface(h);
    t.rows.push_back({h.name, h.appliance, std::to_string(h.rack),
                      std::to_string(h.rank), std::to_string(h.cpus), h.boot_action,
                      i ? Opt(i->ip) : Cell(), i ? Opt(i->mac) : Cell()});
  }
  return Print(o, t);
}

int ListInterfaceCmd(Database* db, const Options& o, const std::vector<std::string>& a) {
  std::vector<Host> hosts;
  std::string err;
  if (!ListHosts(db, a, &hosts, &err)) return cli::Fail(err);
  Table t;
  t.columns = {{"HOST"}, {"DEVICE"}, {"SUBNET"}, {"IP"}, {"MAC"}, {"MODULE"}, {"NAME"}};
  for (const Host& h : hosts)
    for (const Interface& i : h.interfaces)
      t.rows.push_back({h.name, i.device, Opt(i.subnet), Opt(i.ip), Opt(i.mac),
                        Opt(i.module), Opt(i.name)});
  return Print(o, t);
}

int ListApplianceCmd(Database* db, const Options& o) {
  std::vector<Appliance> apps;
  std::string err;
  if (!ListAppliances(db, &apps, &err)) return cli::Fail(err);
  Table t;
  t.columns = {{"APPLIANCE"}, {"SHORT"}, {"GRAPH"}, {"NODE"}, {"PUBLIC"}, {"COMPUTE"}};
  for (const Appliance& a : apps)
    t.rows.push_back({a.name, a.short_name, a.graph, Opt(a.node),
                      a.is_public ? "yes" : "no", a.compute ? "yes" : "no"});
  return Print(o, t);
}

int ListSubnetCmd(Database* db, const Options& o) {
  std::vector<Subnet> subnets;
  std::string err;
  if (!ListSubnets(db, &subnets, &err)) return cli::Fail(err);
  Table t;
  t.columns = {{"SUBNET"}, {"NETWORK"}, {"NETMASK"}, {"PREFIX", true}, {"ZONE"},
               {"MTU", true}};
  for (const Subnet& s : subnets)
    t.rows.push_back({s.name, FormatIPv4(s.network), FormatIPv4(PrefixToMask(s.prefix)),
                      std::to_string(s.prefix), Opt(s.zone), std::to_string(s.mtu)});
  return Print(o, t);
}

int ListAliasCmd(Database* db, const Options& o) {
  std::vector<Alias> aliases;
  std::string err;
  if (!ListAliases(db, &aliases, &err)) return cli::Fail(err);
  Table t;
  t.columns = {{"ALIAS"}, {"HOST"}};
  for (const Alias& a : aliases) t.rows.push_back({a.name, a.host});
  return Print(o, t);
}

const char kMasked[] = "********";

int ListAttrCmd(Database* db, const Options& o, const std::vector<std::string>& names) {
  AttrScope scope;
  std::string owner, err;
  if (!AttrScopeOf(o, &scope, &owner)) return 1;
  std::vector<Attr> attrs;
  if (!ResolveAttrs(db, scope, owner, &attrs, &err)) return cli::Fail(err);
  Table t;
  t.columns = {{"ATTR"}, {"VALUE"}, {"SCOPE"}};
  for (const std::string& n : names) {
    bool found = false;
    for (const Attr& a : attrs) found = found || a.name == n;
    if (!found) return cli::Fail(n + ": attribute not set");
  }
  for (const Attr& a : attrs) {
    if (!names.empty() && std::find(names.begin(), names.end(), a.name) == names.end())
      continue;
    // Secrets (password hashes, keys, communities) stay off terminals and
    // logs unless asked for.
    bool mask = !o.secrets && IsSecretAttr(a.name);
    t.rows.push_back({a.name, mask ? std::string(kMasked) : a.value, AttrScopeName(a.scope)});
  }
  return Print(o, t);
}

int Add(Database* db, const Options& o, const std::string& noun,
        std::vector<std::string> a) {
  std::string err;
  KeyValues kv;
  if (noun == "host" && !a.empty() && a[0] == "interface") {
    a.erase(a.begin());
    if (!Arity(a, 2, SIZE_MAX, "add host interface")) return 1;
    if (!ParseKeyValues({a.begin() + 1, a.end()}, &kv, &err) ||
        !AddInterface(db, a[0], kv, &err))
      return cli::Fail(err);
    return 0;
  }
  if (noun == "host") {
    if (!Arity(a, 1, SIZE_MAX, "add host")) return 1;
    NewHost h;
    if (!ParseKeyValues({a.begin() + 1, a.end()}, &kv, &err) ||
        !ParseNewHost(a[0], kv, &h, &err) || !AddHost(db, h, &err))
      return cli::Fail(err);
    return 0;
  }
  if (noun == "alias") {
    if (!Arity(a, 2, 2, "add alias")) return 1;
    if (!AddAlias(db, a[0], a[1], &err)) return cli::Fail(err);
    return 0;
  }
  if (noun == "attr") {
    AttrScope scope;
    std::string owner;
    if (!AttrScopeOf(o, &scope, &owner) || !Arity(a, 2, 2, "add attr")) return 1;
    if (!SetAttr(db, scope, owner, a[0], a[1], true, &err)) return cli::Fail(err);
    return 0;
  }
  return cli::Fail(noun + ": unknown noun");
}

int Set(Database* db, const Options& o, const std::string& noun,
        const std::vector<std::string>& a) {
  std::string err;
  if (noun == "host") {
    if (!Arity(a, 1, SIZE_MAX, "set host")) return 1;
    KeyValues kv;
    if (!ParseKeyValues({a.begin() + 1, a.end()}, &kv, &err) ||
        !SetHost(db, a[0], kv, &err))
      return cli::Fail(err);
    return 0;
  }
  if (noun == "attr") {
    AttrScope scope;
    std::string owner;
    if (!AttrScopeOf(o, &scope, &owner) || !Arity(a, 2, 2, "set attr")) return 1;
    if (!SetAttr(db, scope, owner, a[0], a[1], false, &err)) return cli::Fail(err);
    return 0;
  }
  return cli::Fail(noun + ": unknown noun");
}

int Remove(Database* db, const Options& o, const std::string& noun,
           std::vector<std::string> a) {
  std::string err;
  if (noun == "host" && !a.empty() && a[0] == "interface") {
    a.erase(a.begin());
    if (!Arity(a, 2, 2, "remove host interface")) return 1;
    if (!RemoveInterface(db, a[0], a[1], &err)) return cli::Fail(err);
    return 0;
  }
  if (noun == "host") {
    if (!Arity(a, 1, SIZE_MAX, "remove host")) return 1;
    if (!RemoveHosts(db, a, &err)) return cli::Fail(err);
    return 0;
  }
  if (noun == "alias") {
    if (!Arity(a, 1, 1, "remove alias")) return 1;
    if (!RemoveAlias(db, a[0], &err)) return cli::Fail(err);
    return 0;
  }
  if (noun == "attr") {
    AttrScope scope;
    std::string owner;
    if (!AttrScopeOf(o, &scope, &owner) || !Arity(a, 1, 1, "remove attr")) return 1;
    if (!RemoveAttr(db, scope, owner, a[0], &err)) return cli::Fail(err);
    return 0;
  }
  return cli::Fail(noun + ": unknown noun");
}

int List(Database* db, const Options& o, const std::string& noun,
         std::vector<std::string> a) {
  if (noun == "host" && !a.empty() && a[0] == "interface") {
    a.erase(a.begin());
    return ListInterfaceCmd(db, o, a);
  }
  if (noun == "host") return ListHostCmd(db, o, a);
  if (noun == "attr") return ListAttrCmd(db, o, a);
  bool none = a.empty() || (cli::Fail("list " + noun + ": unexpected argument '" +
                                      a[0] + "'"),
                            false);
  if (!none) return 1;
  if (noun == "appliance") return ListApplianceCmd(db, o);
  if (noun == "subnet") return ListSubnetCmd(db, o);
  return ListAliasCmd(db, o);
}

int Sync(Database* db, const Config& cfg, const Options& o, const std::string& noun,
         const std::vector<std::string>& a) {
  if (!a.empty()) return cli::Fail("sync config: unexpected argument '" + a[0] + "'");
  SyncOptions options;
  options.dry_run = o.dry_run;
  std::string out, log, err;
  bool ok = SyncConfig(db, cfg, options, &out, &log, &err);
  std::fputs(out.c_str(), stdout);
  if (o.verbose || !ok) {
    std::fflush(stdout);
    std::fputs(log.c_str(), stderr);
  }
  return ok ? 0 : cli::Fail(err);
}

/// The nouns each verb takes.
const std::vector<std::pair<std::string, std::vector<std::string>>> kCommands = {
    {"init", {}},
    {"add", {"host", "alias", "attr"}},
    {"list", {"host", "appliance", "subnet", "alias", "attr"}},
    {"set", {"host", "attr"}},
    {"remove", {"host", "alias", "attr"}},
    {"sync", {"config"}},
};

/// Checks the verb and noun before anything touches the database.
bool CheckCommand(const std::vector<std::string>& args) {
  std::vector<std::string> verbs;
  for (const auto& [verb, nouns] : kCommands) verbs.push_back(verb);
  const std::string& verb = args[0];
  for (const auto& [v, nouns] : kCommands) {
    if (v != verb) continue;
    if (nouns.empty()) return true;
    if (args.size() < 2) {
      cli::Fail(verb + ": missing noun (expected one of: " + Join(nouns, ", ") + ")");
      return false;
    }
    if (std::find(nouns.begin(), nouns.end(), args[1]) != nouns.end()) return true;
    std::string m = ClosestMatch(args[1], nouns);
    cli::Fail(verb + " " + args[1] + ": unknown command" +
              (m.empty() ? " (expected one of: " + Join(nouns, ", ") + ")"
                         : " (did you mean '" + verb + " " + m + "'?)"));
    return false;
  }
  std::string m = ClosestMatch(verb, verbs);
  cli::Fail(verb + ": unknown command" +
            (m.empty() ? " (expected one of: " + Join(verbs, ", ") + ")"
                       : " (did you mean '" + m + "'?)"));
  return false;
}

int Run(Options& o) {
  if (o.args.empty()) {
    cli::Fail("missing command");
    return cli::TryHelp();
  }
  if (!CheckCommand(o.args)) return 1;
  const std::string verb = o.args[0];
  if (verb != "init" && o.init_given)
    return cli::Fail("--frontend, --private-*, --public-* and the other init "
                     "options go with 'init' only");
  if (verb == "init" && o.args.size() > 1)
    return cli::Fail("init: unexpected argument '" + o.args[1] + "'");
  Config cfg;
  std::unique_ptr<Database> db;
  if (!cli::OpenDb(o.db, &cfg, &db)) return 1;
  std::string err;
  if (verb == "init") {
    if (!InitCluster(db.get(), o.init, &err)) return cli::Fail(err);
    return 0;
  }
  if (!PrepareCluster(db.get(), &err)) return cli::Fail(err);
  const std::string noun = o.args[1];
  std::vector<std::string> rest(o.args.begin() + 2, o.args.end());
  if (verb == "add") return Add(db.get(), o, noun, rest);
  if (verb == "list") return List(db.get(), o, noun, rest);
  if (verb == "set") return Set(db.get(), o, noun, rest);
  if (verb == "remove") return Remove(db.get(), o, noun, rest);
  return Sync(db.get(), cfg, o, noun, rest);
}

}  // namespace

int main(int argc, char** argv) {
  cli::Init("rocks", argv);
  static const struct option kLongOptions[] = {
      {"db", required_argument, nullptr, kOptDb},
      {"format", required_argument, nullptr, 'f'},
      {"host", required_argument, nullptr, 'H'},
      {"appliance", required_argument, nullptr, 'A'},
      {"dry-run", no_argument, nullptr, 'n'},
      {"verbose", no_argument, nullptr, 'v'},
      {"secrets", no_argument, nullptr, kOptSecrets},
      {"frontend", required_argument, nullptr, kOptFrontend},
      {"private-network", required_argument, nullptr, kOptPrivateNetwork},
      {"private-address", required_argument, nullptr, kOptPrivateAddress},
      {"private-mac", required_argument, nullptr, kOptPrivateMac},
      {"domain", required_argument, nullptr, kOptDomain},
      {"public-network", required_argument, nullptr, kOptPublicNetwork},
      {"public-address", required_argument, nullptr, kOptPublicAddress},
      {"public-mac", required_argument, nullptr, kOptPublicMac},
      {"public-domain", required_argument, nullptr, kOptPublicDomain},
      {"cluster-name", required_argument, nullptr, kOptClusterName},
      {"timezone", required_argument, nullptr, kOptTimezone},
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {nullptr, 0, nullptr, 0},
  };
  Options o;
  o.format = cli::DefaultFormat();
  InitOptions& in = o.init;
  int c;
  while ((c = getopt_long(argc, argv, "f:H:A:nvhV", kLongOptions, nullptr)) != -1) {
    if (c >= kOptFrontend) o.init_given = true;
    switch (c) {
      case kOptDb: o.db = optarg; break;
      case 'f':
        if (!cli::ParseFormat(optarg, &o.format)) return 1;
        break;
      case 'H': o.host = optarg; break;
      case 'A': o.appliance = optarg; break;
      case 'n': o.dry_run = true; break;
      case 'v': o.verbose = true; break;
      case kOptSecrets: o.secrets = true; break;
      case kOptFrontend: in.frontend = optarg; break;
      case kOptPrivateNetwork: in.private_network = optarg; break;
      case kOptPrivateAddress: in.private_address = optarg; break;
      case kOptPrivateMac: in.private_mac = optarg; break;
      case kOptDomain: in.domain = optarg; break;
      case kOptPublicNetwork: in.public_network = optarg; break;
      case kOptPublicAddress: in.public_address = optarg; break;
      case kOptPublicMac: in.public_mac = optarg; break;
      case kOptPublicDomain: in.public_domain = optarg; break;
      case kOptClusterName: in.cluster_name = optarg; break;
      case kOptTimezone: in.timezone = optarg; break;
      case 'h': return cli::PrintUsage(kUsage);
      case 'V': return cli::PrintVersion();
      default: return cli::TryHelp();
    }
  }
  for (int i = optind; i < argc; ++i) o.args.push_back(argv[i]);
  return cli::Finish(Run(o));
}
