// rocks: the front end of the cluster database.
#include <getopt.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cli.h"
#include "cluster.h"
#include "config.h"
#include "frontend.h"
#include "hostsel.h"
#include "appliance.h"
#include "dump.h"
#include "kstext.h"
#include "net.h"
#include "network.h"
#include "netrules_cmd.h"
#include "run_host.h"
#include "roll.h"
#include "vm_cmd.h"
#include "strutil.h"
#include "sync.h"
#include "users.h"

namespace {

using namespace rocks;

const char kUsage[] =
    "Usage:\n"
    " rocks [options] init\n"
    " rocks [options] dump\n"
    " rocks [options] add host NAME appliance=NAME [KEY=VALUE...]\n"
    " rocks [options] add host interface HOST [device=]DEV [KEY=VALUE...]\n"
    " rocks [options] add network NAME address=NET prefix=N [KEY=VALUE...]\n"
    " rocks [options] add appliance NAME [KEY=VALUE...]\n"
    " rocks [options] add alias HOST ALIAS\n"
    " rocks [options] add attr NAME VALUE\n"
    " rocks [options] add roll ISO|DIR\n"
    " rocks [options] add route DEST/PREFIX gateway=IP|network=NAME\n"
    " rocks [options] add firewall NAME KEY=VALUE...\n"
    " rocks [options] list host [SELECTION...]\n"
    " rocks [options] list host interface [HOST...]\n"
    " rocks [options] list appliance\n"
    " rocks [options] list network [NAME...]\n"
    " rocks [options] list alias\n"
    " rocks [options] list attr [NAME...]\n"
    " rocks [options] list roll\n"
    " rocks [options] list route\n"
    " rocks [options] list firewall\n"
    " rocks [options] set host HOST KEY=VALUE...\n"
    " rocks [options] set network NAME KEY=VALUE...\n"
    " rocks [options] set appliance NAME KEY=VALUE...\n"
    " rocks [options] set host interface HOST DEV KEY=VALUE...\n"
    " rocks [options] set host interface FIELD HOST [iface=]DEV [FIELD=]VALUE\n"
    " rocks [options] set attr NAME VALUE\n"
    " rocks [options] enable roll NAME [version=VERSION]\n"
    " rocks [options] disable roll NAME [version=VERSION]\n"
    " rocks [options] remove host HOST...\n"
    " rocks [options] remove host interface HOST DEV\n"
    " rocks [options] remove network NAME\n"
    " rocks [options] remove appliance NAME\n"
    " rocks [options] remove alias ALIAS\n"
    " rocks [options] remove attr NAME\n"
    " rocks [options] remove roll NAME [version=VERSION]\n"
    " rocks [options] remove route DEST/PREFIX\n"
    " rocks [options] remove firewall NAME\n"
    " rocks [options] create roll ROLLDIR\n"
    " rocks [options] sync config\n"
    " rocks [options] run host SELECTION... -- COMMAND...\n"
    " rocks [options] sync users\n"
    " rocks [options] pull users FILE\n"
    " rocks [options] add host vm CONTAINER appliance=NAME [KEY=VALUE...]\n"
    " rocks [options] list host vm [HOST...]\n"
    " rocks [options] set host vm HOST KEY=VALUE...\n"
    " rocks [options] create host vm HOST...\n"
    " rocks [options] start host vm HOST...\n"
    " rocks [options] stop host vm [--force] HOST...\n"
    " rocks [options] remove host vm HOST...\n"
    " rocks [options] console HOST\n"
    "\n"
    "Create, change and list the cluster database.\n"
    "\n"
    "Options:\n"
    "     --db=URL                  cluster database (sqlite:PATH or mysql://...)\n"
    " -f, --format=FORMAT           listing format: table, tsv or json\n"
    " -H, --host=HOST               attr, route, firewall: work on this host's\n"
    " -A, --appliance=NAME          attr, route, firewall: work on this appliance's\n"
    " -n, --dry-run                 sync config: show the changes as a diff, change nothing\n"
    " -v, --verbose                 sync config: say what was written and reloaded\n"
    "     --fanout=N                run host: hosts at once (32)\n"
    "     --timeout=TIME            run host: time limit per host, e.g. 30s, 5m (none)\n"
    "     --collate                 run host: identical outputs together, not by host\n"
    "     --secrets                 list attr: show the values of secret attributes\n"
    "     --force                   stop host vm: pull the plug, no shutdown\n"
    "     --frontend=NAME           init: frontend host name (frontend)\n"
    "     --private-network=NET     init: private network (10.0.0.0/8)\n"
    "     --private-address=IP      init: frontend private address (10.1.1.1)\n"
    "     --private-mac=MAC         init: frontend private MAC\n"
    "     --private-interface=DEV   init: frontend private interface (found by address)\n"
    "     --domain=DOMAIN           init: private DNS domain (local)\n"
    "     --public-network=NET      init: public network (192.168.1.0/24)\n"
    "     --public-address=IP       init: frontend public address\n"
    "     --public-mac=MAC          init: frontend public MAC\n"
    "     --public-interface=DEV    init: frontend public interface (found by address)\n"
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
  kOptForce,
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
  kOptPrivateInterface,
  kOptPublicInterface,
  kOptFanout = 512,
  kOptTimeout,
  kOptCollate,
};

struct Options {
  std::string db;
  OutputFormat format = OutputFormat::kTsv;
  std::string host;
  std::string appliance;
  bool dry_run = false;
  bool verbose = false;
  bool secrets = false;
  bool force = false;
  InitOptions init;
  bool init_given = false;
  std::vector<std::string> args;
  RunHostOptions run;
  bool collate = false;
  bool run_given = false;
  bool dashes = false;  ///< "--" seen: `command` holds the words after it
  std::vector<std::string> command;
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
  if (!(a.empty() ? ListHosts(db, a, &hosts, &err) : SelectHosts(db, a, &hosts, &err)))
    return cli::Fail(err);
  Table t;
  t.name = "hosts";
  t.columns = {{"HOST"}, {"APPLIANCE"}, {"RACK", true}, {"RANK", true},
               {"CPUS", true}, {"ACTION"}, {"IP"}, {"MAC"}, {"MEMORY", true}};
  for (const Host& h : hosts) {
    const Interface* i = PrivateInterface(h);
    // MEMORY last (scripts cut the columns before it): MiB as the
    // installer reported it, none while it has not.
    t.rows.push_back({h.name, h.appliance, std::to_string(h.rack),
                      std::to_string(h.rank), std::to_string(h.cpus), h.boot_action,
                      i ? Opt(i->ip) : Cell(), i ? Opt(i->mac) : Cell(),
                      h.memory > 0 ? Cell(std::to_string(h.memory)) : Cell()});
  }
  return Print(o, t);
}

int ListInterfaceCmd(Database* db, const Options& o, const std::vector<std::string>& a) {
  std::vector<Host> hosts;
  std::string err;
  if (!ListHosts(db, a, &hosts, &err)) return cli::Fail(err);
  Table t;
  t.name = "interfaces";
  t.columns = {{"HOST"}, {"DEVICE"}, {"SUBNET"}, {"IP"},      {"MAC"},
               {"MODULE"}, {"NAME"}, {"VLAN", true}, {"PARENT"}, {"OPTIONS"}};
  for (const Host& h : hosts)
    for (const Interface& i : h.interfaces)
      t.rows.push_back({h.name, i.device, Opt(i.subnet), Opt(i.ip), Opt(i.mac),
                        Opt(i.module), Opt(i.name),
                        i.vlan ? Cell(std::to_string(i.vlan)) : Cell(), Opt(i.parent),
                        Opt(i.options)});
  return Print(o, t);
}

int ListApplianceCmd(Database* db, const Options& o) {
  std::vector<Appliance> apps;
  std::string err;
  if (!ListAppliances(db, &apps, &err)) return cli::Fail(err);
  Table t;
  t.name = "appliances";
  t.columns = {{"APPLIANCE"}, {"SHORT"}, {"GRAPH"}, {"NODE"}, {"PUBLIC"}, {"COMPUTE"}};
  for (const Appliance& a : apps)
    t.rows.push_back({a.name, a.short_name, a.graph, Opt(a.node),
                      a.is_public ? "yes" : "no", a.compute ? "yes" : "no"});
  return Print(o, t);
}

int ListNetworkCmd(Database* db, const Options& o, const std::vector<std::string>& names) {
  std::vector<Subnet> subnets;
  std::string err;
  if (names.empty() ? !ListSubnets(db, &subnets, &err) : false) return cli::Fail(err);
  for (const std::string& n : names) {
    Subnet s;
    if (!FindSubnet(db, n, &s, &err)) return cli::Fail(err);
    subnets.push_back(s);
  }
  Table t;
  t.name = "networks";
  t.columns = {{"NETWORK"}, {"ADDRESS"}, {"NETMASK"}, {"PREFIX", true}, {"ZONE"},
               {"MTU", true}, {"DHCP"}, {"PXE"}, {"DNS"}, {"GATEWAY"}};
  auto yes = [](bool b) { return std::string(b ? "yes" : "no"); };
  for (const Subnet& s : subnets)
    t.rows.push_back({s.name, FormatIPv4(s.network), FormatIPv4(PrefixToMask(s.prefix)),
                      std::to_string(s.prefix), Opt(s.zone), std::to_string(s.mtu),
                      yes(s.dhcp), yes(s.pxe), yes(s.dns), Opt(s.gateway)});
  return Print(o, t);
}

/// NAME KEY=VALUE... commands: add/set network and appliance.
int NamedKeysCmd(Database* db, const std::vector<std::string>& a, const std::string& what,
                 bool (*write)(Database*, const std::string&, const KeyValues&,
                               std::string*)) {
  if (!Arity(a, 1, SIZE_MAX, what)) return 1;
  KeyValues kv;
  std::string err;
  if (!ParseKeyValues({a.begin() + 1, a.end()}, &kv, &err) || !write(db, a[0], kv, &err))
    return cli::Fail(err);
  return 0;
}

int ListAliasCmd(Database* db, const Options& o) {
  std::vector<Alias> aliases;
  std::string err;
  if (!ListAliases(db, &aliases, &err)) return cli::Fail(err);
  Table t;
  t.name = "aliases";
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
  t.name = "attrs";
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

int ListRollCmd(Database* db, const Options& o) {
  std::vector<Roll> rolls;
  std::string err;
  if (!ListRolls(db, &rolls, &err)) return cli::Fail(err);
  Table t;
  t.name = "rolls";
  t.columns = {{"NAME"}, {"VERSION"}, {"ARCH"}, {"ENABLED"}};
  for (const Roll& r : rolls)
    t.rows.push_back({r.name, r.version, r.arch, r.enabled ? "yes" : "no"});
  return Print(o, t);
}

/// NAME [version=VERSION] of enable, disable and remove roll.
bool RollSelector(const std::vector<std::string>& a, const std::string& what,
                  std::string* name, std::string* version) {
  if (!Arity(a, 1, 2, what)) return false;
  *name = a[0];
  version->clear();
  if (a.size() == 2) {
    KeyValues kv;
    std::string err;
    if (!ParseKeyValues({a[1]}, &kv, &err)) {
      cli::Fail(what + ": " + err);
      return false;
    }
    if (kv[0].first != "version") {
      cli::Fail(what + ": " + kv[0].first + ": unknown key (expected version)");
      return false;
    }
    *version = kv[0].second;
  }
  return true;
}

int EnableRoll(Database* db, const std::string& verb,
               const std::vector<std::string>& a) {
  std::string name, version, err;
  if (!RollSelector(a, verb + " roll", &name, &version)) return 1;
  if (!SetRollEnabled(db, name, version, verb == "enable", &err))
    return cli::Fail(err);
  return 0;
}

int CreateRollCmd(const std::vector<std::string>& a) {
  if (!Arity(a, 1, 1, "create roll")) return 1;
  CreateRollResult result;
  std::string err;
  if (!CreateRoll(a[0], {}, &result, &err)) return cli::Fail(err);
  std::printf("%s\n", result.image.c_str());
  return 0;
}

int AddRollCmd(Database* db, const Config& cfg, const std::vector<std::string>& a) {
  if (!Arity(a, 1, 1, "add roll")) return 1;
  Roll added;
  std::string err;
  if (!AddRoll(db, cfg.Get(kConfRollStore, DefaultRollStore()), a[0], &added, &err))
    return cli::Fail(err);
  return 0;
}

int AddInterfaceCmd(Database* db, std::vector<std::string> a) {
  if (!Arity(a, 2, SIZE_MAX, "add host interface")) return 1;
  // The device may be the second word as it is (Rocks 6's form).
  if (a[1].find('=') == std::string::npos) a[1] = "device=" + a[1];
  KeyValues kv;
  std::string err;
  if (!ParseKeyValues({a.begin() + 1, a.end()}, &kv, &err) ||
      !AddInterface(db, a[0], kv, &err))
    return cli::Fail(err);
  return 0;
}

int AddHostCmd(Database* db, const std::vector<std::string>& a) {
  if (!Arity(a, 1, SIZE_MAX, "add host")) return 1;
  NewHost h;
  KeyValues kv;
  std::string err;
  if (!ParseKeyValues({a.begin() + 1, a.end()}, &kv, &err) ||
      !ParseNewHost(a[0], kv, &h, &err) || !AddHost(db, h, &err))
    return cli::Fail(err);
  return 0;
}

int AddAliasCmd(Database* db, const std::vector<std::string>& a) {
  if (!Arity(a, 2, 2, "add alias")) return 1;
  std::string err;
  if (!AddAlias(db, a[0], a[1], &err)) return cli::Fail(err);
  return 0;
}

/// add and set attr: `add` refuses an attribute already set.
int SetAttrCmd(Database* db, const Options& o, const std::vector<std::string>& a,
               bool add) {
  AttrScope scope;
  std::string owner, err;
  if (!AttrScopeOf(o, &scope, &owner) ||
      !Arity(a, 2, 2, add ? "add attr" : "set attr"))
    return 1;
  if (!SetAttr(db, scope, owner, a[0], a[1], add, &err)) return cli::Fail(err);
  return 0;
}

// The fields of Rocks 6's `set host interface FIELD HOST IFACE VALUE`.
const char* const kInterfaceFields[] = {"ip",   "mac",  "subnet",  "network", "name",
                                        "module", "vlan", "channel", "options"};

int SetInterfaceCmd(Database* db, std::vector<std::string> a) {
  std::string err;
  // Rocks 6: FIELD HOST [iface=]DEV [FIELD=]VALUE, one field at a time.
  bool field = false;
  for (const char* f : kInterfaceFields) field = field || (!a.empty() && a[0] == f);
  if (field && a.size() == 4 &&
      (a[2].find('=') == std::string::npos || StartsWith(a[2], "iface=")) &&
      (a[0] == "options" || a[3].find('=') == std::string::npos ||
       StartsWith(a[3], a[0] + "="))) {
    std::string key = a[0], device = a[2], value = a[3];
    if (StartsWith(device, "iface=")) device.erase(0, 6);
    if (StartsWith(value, key + "=")) value.erase(0, key.size() + 1);
    if (!SetInterface(db, a[1], device, {{key, value}}, &err)) return cli::Fail(err);
    return 0;
  }
  if (!Arity(a, 3, SIZE_MAX, "set host interface")) return 1;
  KeyValues kv;
  std::string device = a[1];
  if (StartsWith(device, "iface=")) device.erase(0, 6);
  if (!ParseKeyValues({a.begin() + 2, a.end()}, &kv, &err) ||
      !SetInterface(db, a[0], device, kv, &err))
    return cli::Fail(err);
  return 0;
}

int SetHostCmd(Database* db, const std::vector<std::string>& a) {
  if (!Arity(a, 1, SIZE_MAX, "set host")) return 1;
  KeyValues kv;
  std::string err;
  if (!ParseKeyValues({a.begin() + 1, a.end()}, &kv, &err) || !SetHost(db, a[0], kv, &err))
    return cli::Fail(err);
  return 0;
}

int RemoveInterfaceCmd(Database* db, const std::vector<std::string>& a) {
  if (!Arity(a, 2, 2, "remove host interface")) return 1;
  std::string err;
  if (!RemoveInterface(db, a[0], a[1], &err)) return cli::Fail(err);
  return 0;
}

int RemoveHostCmd(Database* db, const std::vector<std::string>& a) {
  if (!Arity(a, 1, SIZE_MAX, "remove host")) return 1;
  std::string err;
  if (!RemoveHosts(db, a, &err)) return cli::Fail(err);
  return 0;
}

int RemoveRollCmd(Database* db, const std::vector<std::string>& a) {
  std::string name, version, err;
  if (!RollSelector(a, "remove roll", &name, &version)) return 1;
  if (!RemoveRoll(db, name, version, &err)) return cli::Fail(err);
  return 0;
}

/// NAME commands: remove network, appliance and alias.
int RemoveNamedCmd(Database* db, const std::vector<std::string>& a, const std::string& what,
                   bool (*remove)(Database*, const std::string&, std::string*)) {
  if (!Arity(a, 1, 1, what)) return 1;
  std::string err;
  if (!remove(db, a[0], &err)) return cli::Fail(err);
  return 0;
}

int RemoveAttrCmd(Database* db, const Options& o, const std::vector<std::string>& a) {
  AttrScope scope;
  std::string owner, err;
  if (!AttrScopeOf(o, &scope, &owner) || !Arity(a, 1, 1, "remove attr")) return 1;
  if (!RemoveAttr(db, scope, owner, a[0], &err)) return cli::Fail(err);
  return 0;
}

/// The listings that take no words: appliance, roll and alias.
bool NoArgs(const std::vector<std::string>& a, const std::string& what) {
  if (a.empty()) return true;
  cli::Fail(what + ": unexpected argument '" + a[0] + "'");
  return false;
}

int SyncUsersCmd(const Config& cfg, const std::vector<std::string>& a) {
  if (!a.empty()) return cli::Fail("sync users: unexpected argument '" + a[0] + "'");
  UsersSettings us;
  std::string err;
  if (!LoadUsersSettings(cfg, &us, &err) || !PublishUsers(us, &err))
    return cli::Fail("sync users: " + err);
  return 0;
}

int PullUsersCmd(const Config& cfg, const std::vector<std::string>& a) {
  if (a.size() != 1)
    return cli::Fail(a.empty() ? "pull users: missing FILE"
                               : "pull users: unexpected argument '" + a[1] + "'");
  UsersSettings us;
  std::string err;
  if (!LoadUsersSettings(cfg, &us, &err) || !ApplyUsers(us, a[0], &err))
    return cli::Fail("pull users: " + err);
  return 0;
}

int SyncConfigCmd(Database* db, const Config& cfg, const Options& o,
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

int DumpCmd(Database* db) {
  std::string text, err;
  if (!DumpCluster(db, &text, &err)) return cli::Fail(err);
  std::fputs(text.c_str(), stdout);
  return 0;
}

/// `rocks init` on the frontend: its interfaces, root's password hash and
/// SSH key (rocks.conf `shadow` and `ssh_key`; unset, none) go in too.
int Init(Database* db, const Config& cfg, InitOptions in) {
  // A failed init leaves no database behind.
  auto fail = [db](const std::string& message) {
    db->RemoveCreated();
    return cli::Fail(message);
  };
  std::vector<LocalInterface> local;
  std::string err;
  if (!ListLocalInterfaces(&local, &err) || !ResolveInitInterfaces(local, &in, &err))
    return fail("init: " + err);
  std::string shadow = cfg.Get(kConfShadow);
  if (!shadow.empty() && !ReadRootPasswordHash(shadow, &in.root_password, &err))
    return fail("init: root password: " + err);
  std::string key = cfg.Get(kConfSshKey);
  bool generated = false;
  if (!key.empty() && !LoadOrMakeSshKey(key, &in.public_key, &generated, &err))
    return fail("init: root's SSH key: " + err);
  if (!InitCluster(db, in, &err))
    return fail(cli::AsOption(err, {"frontend", "private-network", "public-network",
                                    "private-address", "public-address", "private-mac",
                                    "public-mac", "domain", "public-domain"}));
  return 0;
}

int RunHostCmd(Database* db, const Config& cfg, Options& o,
               const std::vector<std::string>& selection) {
  if (selection.empty()) return cli::Fail("run host: missing SELECTION");
  if (!o.dashes || o.command.empty())
    return cli::Fail("run host: missing COMMAND (give it after --)");
  std::vector<Host> hosts;
  std::string err;
  if (!SelectHosts(db, selection, &hosts, &err)) return cli::Fail(err);
  std::vector<std::string> names;
  for (const Host& h : hosts) names.push_back(h.name);
  o.run.ssh.config_file = cfg.Get(kConfSshConfig);
  // The remote shell joins the words, as ssh itself does.
  std::string command = Join(o.command, " ");
  std::vector<HostRun> runs;
  bool ok = RunOnHosts(names, command, o.run, [&](HostRun&& r) {
    if (!o.collate) std::fputs(PrefixLines(r.host, r.output).c_str(), stdout);
    std::fflush(stdout);
    std::fputs(PrefixLines(r.host, r.error_output).c_str(), stderr);
    runs.push_back(std::move(r));
  }, &err);
  if (!ok) return cli::Fail("run host: " + err);
  std::map<std::string, size_t> order;
  for (size_t i = 0; i < names.size(); ++i) order[names[i]] = i;
  std::sort(runs.begin(), runs.end(), [&](const HostRun& a, const HostRun& b) {
    return order[a.host] < order[b.host];
  });
  if (o.collate) std::fputs(CollateOutputs(runs).c_str(), stdout);
  std::fflush(stdout);
  int status = 0;
  for (const HostRun& r : runs)
    if (!r.failure.empty()) status = cli::Fail("run host: " + r.host + ": " + r.failure);
  return status;
}

/// The Rocks 6 spellings `VERB host|appliance attr|route|firewall OWNER
/// ...` as `VERB attr|route|firewall --host|--appliance=OWNER ...`.
bool Rocks6Scope(Options& o) {
  std::vector<std::string>& a = o.args;
  if (a.size() < 3 || (a[1] != "host" && a[1] != "appliance") ||
      (a[2] != "attr" && a[2] != "route" && a[2] != "firewall"))
    return true;
  const std::string what = a[0] + " " + a[1] + " " + a[2];
  if (a.size() < 4) {
    cli::Fail(what + ": missing " + (a[1] == "host" ? "HOST" : "APPLIANCE"));
    return false;
  }
  if (!o.host.empty() || !o.appliance.empty()) {
    cli::Fail(what + " " + a[3] + ": the scope is given twice (drop --host/--appliance)");
    return false;
  }
  (a[1] == "host" ? o.host : o.appliance) = a[3];
  a.erase(a.begin() + 3);
  a.erase(a.begin() + 1);
  return true;
}

/// What a command needs before it runs.
enum class Needs {
  kFiles,    ///< files alone (a roll image is made with no database)
  kConfig,   ///< rocks.conf, no database (the users verbs: a node has none)
  kNewDb,    ///< a database it may create (init)
  kCluster,  ///< the cluster database, opened and migrated
};

/// What a command's handler gets.
struct Context {
  Options& o;
  const Config& cfg;
  Database* db;                  ///< null unless the command needs one
  std::vector<std::string> a;   ///< the words after the command's own
};

/// Resolves --host/--appliance for a route or firewall handler.
int Scoped(Context& c, int (*run)(Database*, AttrScope, const std::string&,
                                  const std::vector<std::string>&)) {
  AttrScope scope;
  std::string owner;
  if (!AttrScopeOf(c.o, &scope, &owner)) return 1;
  return run(c.db, scope, owner, c.a);
}

int ScopedList(Context& c, int (*run)(Database*, AttrScope, const std::string&,
                                      OutputFormat, const std::vector<std::string>&)) {
  AttrScope scope;
  std::string owner;
  if (!AttrScopeOf(c.o, &scope, &owner)) return 1;
  return run(c.db, scope, owner, c.o.format, c.a);
}

/// One command: `VERB [NOUN [WORD]]`.
struct Command {
  const char* verb;
  const char* noun;  ///< "" for a verb that takes none
  const char* word;  ///< the word after the noun that names the command
                     ///< ("interface", "vm"), or ""
  Needs needs;
  int (*run)(Context& c);
};

/// Every command: dispatch, and the verbs and nouns that errors and "did
/// you mean" suggestions list, in this order. The --help synopsis
/// (kUsage) keeps its own order; t/rocks.bats checks that it, this table
/// and the bash completion name the same commands.
const Command kCommands[] = {
    {"init", "", "", Needs::kNewDb, [](Context& c) { return Init(c.db, c.cfg, c.o.init); }},
    {"dump", "", "", Needs::kCluster, [](Context& c) { return DumpCmd(c.db); }},

    {"add", "host", "", Needs::kCluster, [](Context& c) { return AddHostCmd(c.db, c.a); }},
    {"add", "host", "interface", Needs::kCluster,
     [](Context& c) { return AddInterfaceCmd(c.db, c.a); }},
    {"add", "host", "vm", Needs::kCluster,
     [](Context& c) { return AddHostVmCommand(c.db, c.a); }},
    {"add", "network", "", Needs::kCluster,
     [](Context& c) { return NamedKeysCmd(c.db, c.a, "add network", AddNetwork); }},
    {"add", "appliance", "", Needs::kCluster,
     [](Context& c) { return NamedKeysCmd(c.db, c.a, "add appliance", AddAppliance); }},
    {"add", "alias", "", Needs::kCluster, [](Context& c) { return AddAliasCmd(c.db, c.a); }},
    {"add", "attr", "", Needs::kCluster,
     [](Context& c) { return SetAttrCmd(c.db, c.o, c.a, true); }},
    {"add", "roll", "", Needs::kCluster,
     [](Context& c) { return AddRollCmd(c.db, c.cfg, c.a); }},
    {"add", "route", "", Needs::kCluster,
     [](Context& c) { return Scoped(c, AddRouteCommand); }},
    {"add", "firewall", "", Needs::kCluster,
     [](Context& c) { return Scoped(c, AddFirewallCommand); }},

    {"list", "host", "", Needs::kCluster,
     [](Context& c) { return ListHostCmd(c.db, c.o, c.a); }},
    {"list", "host", "interface", Needs::kCluster,
     [](Context& c) { return ListInterfaceCmd(c.db, c.o, c.a); }},
    {"list", "host", "vm", Needs::kCluster,
     [](Context& c) { return ListHostVmCommand(c.db, c.o.format, c.a); }},
    {"list", "network", "", Needs::kCluster,
     [](Context& c) { return ListNetworkCmd(c.db, c.o, c.a); }},
    // Rocks 6's name for it.
    {"list", "subnet", "", Needs::kCluster,
     [](Context& c) { return ListNetworkCmd(c.db, c.o, c.a); }},
    {"list", "appliance", "", Needs::kCluster,
     [](Context& c) { return NoArgs(c.a, "list appliance") ? ListApplianceCmd(c.db, c.o) : 1; }},
    {"list", "alias", "", Needs::kCluster,
     [](Context& c) { return NoArgs(c.a, "list alias") ? ListAliasCmd(c.db, c.o) : 1; }},
    {"list", "attr", "", Needs::kCluster,
     [](Context& c) { return ListAttrCmd(c.db, c.o, c.a); }},
    {"list", "roll", "", Needs::kCluster,
     [](Context& c) { return NoArgs(c.a, "list roll") ? ListRollCmd(c.db, c.o) : 1; }},
    {"list", "route", "", Needs::kCluster,
     [](Context& c) { return ScopedList(c, ListRouteCommand); }},
    {"list", "firewall", "", Needs::kCluster,
     [](Context& c) { return ScopedList(c, ListFirewallCommand); }},

    {"set", "host", "", Needs::kCluster, [](Context& c) { return SetHostCmd(c.db, c.a); }},
    {"set", "host", "interface", Needs::kCluster,
     [](Context& c) { return SetInterfaceCmd(c.db, c.a); }},
    {"set", "host", "vm", Needs::kCluster,
     [](Context& c) { return SetHostVmCommand(c.db, c.a); }},
    {"set", "network", "", Needs::kCluster,
     [](Context& c) { return NamedKeysCmd(c.db, c.a, "set network", SetNetwork); }},
    {"set", "appliance", "", Needs::kCluster,
     [](Context& c) { return NamedKeysCmd(c.db, c.a, "set appliance", SetAppliance); }},
    {"set", "attr", "", Needs::kCluster,
     [](Context& c) { return SetAttrCmd(c.db, c.o, c.a, false); }},

    {"enable", "roll", "", Needs::kCluster,
     [](Context& c) { return EnableRoll(c.db, "enable", c.a); }},
    {"disable", "roll", "", Needs::kCluster,
     [](Context& c) { return EnableRoll(c.db, "disable", c.a); }},

    {"remove", "host", "", Needs::kCluster,
     [](Context& c) { return RemoveHostCmd(c.db, c.a); }},
    {"remove", "host", "interface", Needs::kCluster,
     [](Context& c) { return RemoveInterfaceCmd(c.db, c.a); }},
    {"remove", "host", "vm", Needs::kCluster,
     [](Context& c) { return RemoveHostVmCommand(c.db, c.a); }},
    {"remove", "network", "", Needs::kCluster,
     [](Context& c) { return RemoveNamedCmd(c.db, c.a, "remove network", RemoveNetwork); }},
    {"remove", "appliance", "", Needs::kCluster,
     [](Context& c) {
       return RemoveNamedCmd(c.db, c.a, "remove appliance", RemoveAppliance);
     }},
    {"remove", "alias", "", Needs::kCluster,
     [](Context& c) { return RemoveNamedCmd(c.db, c.a, "remove alias", RemoveAlias); }},
    {"remove", "attr", "", Needs::kCluster,
     [](Context& c) { return RemoveAttrCmd(c.db, c.o, c.a); }},
    {"remove", "roll", "", Needs::kCluster,
     [](Context& c) { return RemoveRollCmd(c.db, c.a); }},
    {"remove", "route", "", Needs::kCluster,
     [](Context& c) { return Scoped(c, RemoveRouteCommand); }},
    {"remove", "firewall", "", Needs::kCluster,
     [](Context& c) { return Scoped(c, RemoveFirewallCommand); }},

    {"create", "roll", "", Needs::kFiles, [](Context& c) { return CreateRollCmd(c.a); }},
    {"create", "host", "vm", Needs::kCluster,
     [](Context& c) { return CreateHostVmCommand(c.db, c.a); }},
    {"start", "host", "vm", Needs::kCluster,
     [](Context& c) { return StartHostVmCommand(c.db, c.a); }},
    {"stop", "host", "vm", Needs::kCluster,
     [](Context& c) { return StopHostVmCommand(c.db, c.a, c.o.force); }},
    {"console", "", "", Needs::kCluster,
     [](Context& c) { return ConsoleCommand(c.db, c.a); }},

    {"sync", "config", "", Needs::kCluster,
     [](Context& c) { return SyncConfigCmd(c.db, c.cfg, c.o, c.a); }},
    {"sync", "users", "", Needs::kConfig,
     [](Context& c) { return SyncUsersCmd(c.cfg, c.a); }},
    {"run", "host", "", Needs::kCluster,
     [](Context& c) { return RunHostCmd(c.db, c.cfg, c.o, c.a); }},
    {"pull", "users", "", Needs::kConfig,
     [](Context& c) { return PullUsersCmd(c.cfg, c.a); }},
};

/// The distinct values of one field over the commands `keep` accepts, in
/// table order.
template <typename Keep>
std::vector<std::string> Words(const char* Command::*field, Keep keep) {
  std::vector<std::string> words;
  for (const Command& c : kCommands)
    if (*(c.*field) && keep(c) &&
        std::find(words.begin(), words.end(), c.*field) == words.end())
      words.push_back(c.*field);
  return words;
}

/// Fails: `prefix` + `word` is no command; `known` are the words that
/// could stand where `word` does.
bool Unknown(const std::string& prefix, const std::string& word,
             const std::vector<std::string>& known) {
  std::string open = "'" + prefix;
  cli::Fail(UnknownName(prefix + word, "command", word, known, {open, "'"},
                        " (expected one of: " + Join(known, ", ") + ")"));
  return false;
}

/// Checks the verb and noun before anything touches the database.
bool CheckCommand(const std::vector<std::string>& args) {
  const std::string& verb = args[0];
  auto of_verb = [&](const Command& c) { return c.verb == verb; };
  bool known = false, takes_noun = false;
  for (const Command& c : kCommands)
    if (of_verb(c)) {
      known = true;
      takes_noun = takes_noun || *c.noun;
    }
  if (!known) return Unknown("", verb, Words(&Command::verb, [](const Command&) { return true; }));
  if (!takes_noun) return true;
  std::vector<std::string> nouns = Words(&Command::noun, of_verb);
  if (args.size() < 2) {
    cli::Fail(verb + ": missing noun (expected one of: " + Join(nouns, ", ") + ")");
    return false;
  }
  if (std::find(nouns.begin(), nouns.end(), args[1]) != nouns.end()) return true;
  return Unknown(verb + " ", args[1], nouns);
}

/// The command of a line CheckCommand passed: the one its third word names
/// (`host interface`, `host vm`), else the verb and noun's own.
const Command* FindCommand(const std::vector<std::string>& args) {
  const Command* plain = nullptr;
  for (const Command& c : kCommands) {
    if (c.verb != args[0] || (*c.noun && c.noun != args[1])) continue;
    if (!*c.word) plain = &c;
    else if (args.size() > 2 && c.word == args[2]) return &c;
  }
  if (plain) return plain;
  // A noun that only goes with a word after it: `start host vm`.
  std::vector<std::string> words = Words(&Command::word, [&](const Command& c) {
    return c.verb == args[0] && c.noun == args[1];
  });
  const std::string prefix = args[0] + " " + args[1];
  if (args.size() < 3) {
    cli::Fail(prefix + ": missing noun (expected one of: " + Join(words, ", ") + ")");
    return nullptr;
  }
  Unknown(prefix + " ", args[2], words);
  return nullptr;
}

int Run(Options& o) {
  if (o.args.empty()) {
    cli::Fail("missing command");
    return cli::TryHelp();
  }
  if (!Rocks6Scope(o)) return 1;
  if (!CheckCommand(o.args)) return 1;
  const std::string verb = o.args[0];
  if (verb != "init" && o.init_given)
    return cli::Fail("--frontend, --private-*, --public-* and the other init "
                     "options go with 'init' only");
  if (verb != "run" && o.run_given)
    return cli::Fail("--fanout, --timeout and --collate go with 'run host' only");
  if (verb != "run" && o.dashes)
    o.args.insert(o.args.end(), o.command.begin(), o.command.end());
  if ((verb == "init" || verb == "dump") && o.args.size() > 1)
    return cli::Fail(verb + ": unexpected argument '" + o.args[1] + "'");
  if (o.force && verb != "stop") return cli::Fail("--force goes with 'stop host vm' only");
  const Command* cmd = FindCommand(o.args);
  if (!cmd) return 1;
  Config cfg;
  std::unique_ptr<Database> db;
  std::string err;
  switch (cmd->needs) {
    case Needs::kFiles: break;
    case Needs::kConfig:
      if (!LoadConfig(o.db, &cfg, &err)) return cli::Fail(err);
      break;
    case Needs::kNewDb:
      if (!cli::OpenDb(o.db, &cfg, &db, true)) return 1;
      break;
    case Needs::kCluster:
      if (!cli::OpenDb(o.db, &cfg, &db, false)) return 1;
      if (!PrepareCluster(db.get(), &err)) return cli::Fail(err);
      break;
  }
  size_t own = 1 + (*cmd->noun ? 1 : 0) + (*cmd->word ? 1 : 0);
  Context c{o, cfg, db.get(), {o.args.begin() + own, o.args.end()}};
  return cmd->run(c);
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
      {"force", no_argument, nullptr, kOptForce},
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
      {"private-interface", required_argument, nullptr, kOptPrivateInterface},
      {"public-interface", required_argument, nullptr, kOptPublicInterface},
      {"fanout", required_argument, nullptr, kOptFanout},
      {"timeout", required_argument, nullptr, kOptTimeout},
      {"collate", no_argument, nullptr, kOptCollate},
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {nullptr, 0, nullptr, 0},
  };
  Options o;
  o.format = cli::DefaultFormat();
  InitOptions& in = o.init;
  // Everything after "--" is the command of `run host`, never options.
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) != "--") continue;
    o.dashes = true;
    o.command.assign(argv + i + 1, argv + argc);
    argc = i;
    break;
  }
  int c;
  std::string err;
  while ((c = getopt_long(argc, argv, "f:H:A:nvhV", kLongOptions, nullptr)) != -1) {
    if (c >= kOptFrontend && c < kOptFanout) o.init_given = true;
    if (c >= kOptFanout) o.run_given = true;
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
      case kOptForce: o.force = true; break;
      case kOptFrontend: in.frontend = optarg; break;
      case kOptPrivateNetwork:
        in.private_network = optarg;
        in.private_network_set = true;
        break;
      case kOptPrivateAddress:
        in.private_address = optarg;
        in.private_address_set = true;
        break;
      case kOptPrivateMac: in.private_mac = optarg; break;
      case kOptDomain: in.domain = optarg; break;
      case kOptPublicNetwork:
        in.public_network = optarg;
        in.public_network_set = true;
        break;
      case kOptPublicAddress: in.public_address = optarg; break;
      case kOptPublicMac: in.public_mac = optarg; break;
      case kOptPublicDomain: in.public_domain = optarg; break;
      case kOptClusterName: in.cluster_name = optarg; break;
      case kOptTimezone: in.timezone = optarg; break;
      case kOptPrivateInterface: in.private_interface = optarg; break;
      case kOptPublicInterface: in.public_interface = optarg; break;
      case kOptFanout: {
        int64_t v;
        if (!ParseNumber(std::string("--fanout=") + optarg, optarg, 1, 1024, &v, &err))
          return cli::Fail(err);
        o.run.fanout = static_cast<size_t>(v);
        break;
      }
      case kOptTimeout:
        if (!ParseTime(std::string("--timeout=") + optarg, optarg, 7 * 24 * 3600,
                       &o.run.timeout_seconds, &err))
          return cli::Fail(err);
        break;
      case kOptCollate: o.collate = true; break;
      case 'h': return cli::PrintUsage(kUsage);
      case 'V': return cli::PrintVersion();
      default: return cli::TryHelp();
    }
  }
  for (int i = optind; i < argc; ++i) o.args.push_back(argv[i]);
  return cli::Finish(Run(o));
}
