#include "netrules_cmd.h"

#include <cstdio>
#include <optional>

#include "cli.h"
#include "netrules.h"

namespace rocks {
namespace {

using Cell = std::optional<std::string>;

Cell Opt(const std::string& s) { return s.empty() ? Cell() : Cell(s); }

int Print(const Table& t, OutputFormat format) {
  std::fputs(RenderTable(t, format).c_str(), stdout);
  return 0;
}

}  // namespace

int AddRouteCommand(Database* db, AttrScope scope, const std::string& owner,
                    const std::vector<std::string>& words) {
  std::string err;
  Route r;
  r.scope = scope;
  r.owner = owner;
  if (!ParseRoute(words, &r, &err) || !AddRoute(db, r, &err)) return cli::Fail(err);
  return 0;
}

int RemoveRouteCommand(Database* db, AttrScope scope, const std::string& owner,
                       const std::vector<std::string>& words) {
  std::string err;
  Route r;
  r.scope = scope;
  r.owner = owner;
  if (!ParseRouteDestination(words, &r, &err) || !RemoveRoute(db, r, &err))
    return cli::Fail(err);
  return 0;
}

int ListRouteCommand(Database* db, AttrScope scope, const std::string& owner,
                     OutputFormat format, const std::vector<std::string>& words) {
  if (!words.empty()) return cli::Fail("list route: unexpected argument '" + words[0] + "'");
  std::string err;
  std::vector<Route> routes;
  if (!ResolveRoutes(db, scope, owner, &routes, &err)) return cli::Fail(err);
  Table t;
  t.name = "routes";
  t.columns = {{"DESTINATION"}, {"GATEWAY"}, {"NETWORK"}, {"SCOPE"}};
  for (const Route& x : routes)
    t.rows.push_back({RouteDestination(x), Opt(x.gateway), Opt(x.subnet),
                      AttrScopeName(x.scope)});
  return Print(t, format);
}

int AddFirewallCommand(Database* db, AttrScope scope, const std::string& owner,
                       const std::vector<std::string>& words) {
  std::string err;
  FirewallRule r;
  r.scope = scope;
  r.owner = owner;
  if (!ParseFirewallRule(words, &r, &err) || !AddFirewallRule(db, r, &err))
    return cli::Fail(err);
  return 0;
}

int RemoveFirewallCommand(Database* db, AttrScope scope, const std::string& owner,
                          const std::vector<std::string>& words) {
  // NAME, or the Rocks 6 rulename=NAME.
  std::string name = words.size() == 1 ? words[0] : "";
  if (name.rfind("rulename=", 0) == 0) name = name.substr(9);
  if (words.size() != 1 || name.empty())
    return cli::Fail(words.empty() ? "remove firewall: missing rule NAME"
                                   : "remove firewall: unexpected argument '" +
                                         words[words.size() > 1 ? 1 : 0] + "'");
  std::string err;
  if (!RemoveFirewallRule(db, scope, owner, name, &err)) return cli::Fail(err);
  return 0;
}

int ListFirewallCommand(Database* db, AttrScope scope, const std::string& owner,
                        OutputFormat format, const std::vector<std::string>& words) {
  if (!words.empty())
    return cli::Fail("list firewall: unexpected argument '" + words[0] + "'");
  std::string err;
  std::vector<FirewallRule> rules;
  if (!ResolveFirewallRules(db, scope, owner, &rules, &err)) return cli::Fail(err);
  Table t;
  t.name = "firewalls";
  t.columns = {{"NAME"},     {"NETWORK"}, {"SERVICE"}, {"PORT"},
               {"PROTOCOL"}, {"ACTION"},  {"SCOPE"}};
  for (const FirewallRule& x : rules)
    t.rows.push_back({x.name, Opt(x.subnet), Opt(x.service), Opt(x.port), Opt(x.protocol),
                      x.action, AttrScopeName(x.scope)});
  return Print(t, format);
}

}  // namespace rocks
