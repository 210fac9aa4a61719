// Tests for lib/netrules: parsing routes and firewall rules as typed, their
// resolution host over appliance over global, and what they become in a
// node's kickstart (the routes file, the firewalld policies).
#include "netrules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cluster.h"
#include "hostconf.h"
#include "hostrules.h"
#include "net.h"
#include "test_db.h"

namespace rocks {
namespace {

using test::EngineName;
using test::EngineTest;
using test::TestEngine;
using Strings = std::vector<std::string>;

std::string RouteText(const Route& r) {
  return RouteDestination(r) + " gateway=" + r.gateway + " network=" + r.subnet +
         " " + AttrScopeName(r.scope) + (r.owner.empty() ? "" : ":" + r.owner);
}

std::string ParsedRoute(const Strings& words) {
  Route r;
  std::string err;
  if (!ParseRoute(words, &r, &err)) return "error: " + err;
  return RouteText(r);
}

TEST(ParseRoute, NativeAndRocks6Forms) {
  EXPECT_EQ(ParsedRoute({"10.2.0.0/16", "gateway=10.1.1.254"}),
            "10.2.0.0/16 gateway=10.1.1.254 network= global");
  EXPECT_EQ(ParsedRoute({"10.2.0.0/255.255.0.0", "network=ib"}),
            "10.2.0.0/16 gateway= network=ib global");
  EXPECT_EQ(ParsedRoute({"address=10.2.0.0", "netmask=255.255.0.0", "gateway=10.1.1.254"}),
            "10.2.0.0/16 gateway=10.1.1.254 network= global");
  // Rocks 6: no netmask is a host route; a gateway may name a network.
  EXPECT_EQ(ParsedRoute({"address=10.2.0.7", "gateway=private"}),
            "10.2.0.7/32 gateway= network=private global");
  EXPECT_EQ(ParsedRoute({"0.0.0.0/0", "gateway=10.1.1.1"}),
            "0.0.0.0/0 gateway=10.1.1.1 network= global");
}

TEST(ParseRoute, BadInputNamesTheValue) {
  EXPECT_EQ(ParsedRoute({"10.2.0.1/16", "gateway=10.1.1.1"}),
            "error: 10.2.0.1/16: host bits set in network address");
  EXPECT_EQ(ParsedRoute({"10.2.0.0/33", "gateway=10.1.1.1"}),
            "error: 10.2.0.0/33: prefix length must be 0-32");
  EXPECT_EQ(ParsedRoute({"10.2.0.0", "gateway=10.1.1.1"}),
            "error: 10.2.0.0: expected NETWORK/PREFIX");
  EXPECT_EQ(ParsedRoute({"10.2.0.0/16"}), "error: 10.2.0.0/16: missing gateway= or network=");
  EXPECT_EQ(ParsedRoute({"10.2.0.0/16", "gateway=10.1.1"}),
            "error: gateway=10.1.1: invalid IPv4 address");
  EXPECT_EQ(ParsedRoute({"10.2.0.0/16", "gateway=10.1.1.1", "network=private"}),
            "error: gateway=10.1.1.1 network=private: give one, not both");
  EXPECT_EQ(ParsedRoute({"gateway=10.1.1.1"}),
            "error: missing destination (DEST/PREFIX, or address= and netmask=)");
  EXPECT_EQ(ParsedRoute({"10.2.0.0/16", "10.3.0.0/16", "gateway=10.1.1.1"}),
            "error: 10.3.0.0/16: unexpected argument");
  EXPECT_EQ(ParsedRoute({"10.2.0.0/16", "gw=10.1.1.1"}),
            "error: gw=10.1.1.1: unknown key (expected gateway, network, address, netmask)");
  EXPECT_EQ(ParsedRoute({"address=10.2.0.0", "netmask=255.0.255.0", "gateway=10.1.1.1"}),
            "error: address=10.2.0.0 netmask=255.0.255.0: netmask is not contiguous");
}

std::string ParsedRule(const Strings& words) {
  FirewallRule r;
  std::string err;
  if (!ParseFirewallRule(words, &r, &err)) return "error: " + err;
  return r.name + " network=" + r.subnet + " service=" + r.service + " port=" + r.port +
         " protocol=" + r.protocol + " action=" + r.action;
}

TEST(ParseFirewallRule, NativeAndRocks6Forms) {
  EXPECT_EQ(ParsedRule({"web", "service=http", "action=accept"}),
            "web network= service=http port= protocol= action=accept");
  EXPECT_EQ(ParsedRule({"snmp", "network=private", "port=161", "protocol=udp",
                        "action=accept"}),
            "snmp network=private service= port=161 protocol=udp action=accept");
  EXPECT_EQ(ParsedRule({"x11", "port=6000-6010", "protocol=TCP", "action=drop"}),
            "x11 network= service= port=6000-6010 protocol=tcp action=drop");
  // Rocks 6: ports as service=, upper-case actions, network=all, chain=.
  EXPECT_EQ(ParsedRule({"rulename=x", "service=40000", "protocol=tcp", "network=all",
                        "action=REJECT", "chain=INPUT"}),
            "x network= service= port=40000 protocol=tcp action=reject");
  EXPECT_EQ(ParsedRule({"rulename=ssh", "service=ssh", "protocol=tcp", "action=ACCEPT"}),
            "ssh network= service=ssh port= protocol= action=accept");
  EXPECT_EQ(ParsedRule({"rulename=priv", "service=all", "protocol=all",
                        "network=private", "action=ACCEPT"}),
            "priv network=private service=all port= protocol= action=accept");
}

TEST(ParseFirewallRule, BadInputNamesTheValue) {
  EXPECT_EQ(ParsedRule({"p", "port=0", "protocol=tcp", "action=accept"}),
            "error: port=0: port 0 out of range (1-65535)");
  EXPECT_EQ(ParsedRule({"p", "port=65536", "protocol=tcp", "action=accept"}),
            "error: port=65536: port 65536 out of range (1-65535)");
  EXPECT_EQ(ParsedRule({"p", "port=x", "protocol=tcp", "action=accept"}),
            "error: port=x: invalid port (expected P or P-Q)");
  EXPECT_EQ(ParsedRule({"p", "port=20-10", "protocol=tcp", "action=accept"}),
            "error: port=20-10: reversed range (20 is above 10)");
  EXPECT_EQ(ParsedRule({"p", "port=1-2-3", "protocol=tcp", "action=accept"}),
            "error: port=1-2-3: invalid port (expected P or P-Q)");
  EXPECT_EQ(ParsedRule({"p", "port=22", "protocol=icmp", "action=accept"}),
            "error: protocol=icmp: unknown protocol (expected tcp or udp)");
  EXPECT_EQ(ParsedRule({"p", "port=22", "action=accept"}),
            "error: port=22: missing protocol= (tcp or udp)");
  EXPECT_EQ(ParsedRule({"p", "service=ht/tp", "action=accept"}),
            "error: service=ht/tp: invalid service name (letters, digits, '-', '_', '.' and '+')");
  EXPECT_EQ(ParsedRule({"p", "service=http", "action=allow"}),
            "error: action=allow: unknown action (expected accept, reject or drop)");
  EXPECT_EQ(ParsedRule({"p", "service=http"}),
            "error: p: missing action= (accept, reject or drop)");
  EXPECT_EQ(ParsedRule({"p", "action=accept"}), "error: p: missing service= or port=");
  EXPECT_EQ(ParsedRule({"p", "service=http", "port=80", "protocol=tcp", "action=accept"}),
            "error: service=http port=80: give one, not both");
  EXPECT_EQ(ParsedRule({"rulename=p", "service=http", "action=accept", "chain=FORWARD"}),
            "error: chain=FORWARD: only INPUT rules become firewalld rules");
  EXPECT_EQ(ParsedRule({"service=http", "action=accept"}),
            "error: missing rule NAME (or rulename=)");
  EXPECT_EQ(ParsedRule({"a/b", "service=http", "action=accept"}),
            "error: a/b: invalid rule name (letters, digits, '-', '_' and '.')");
  EXPECT_EQ(ParsedRule({"p", "service=http", "action=accept", "flags=-m"}),
            "error: flags=-m: unknown key (expected network, service, port, protocol, "
            "action, rulename, chain)");
}

Subnet MakeSubnet(const std::string& name, const std::string& net, int prefix) {
  Subnet s;
  s.name = name;
  ParseIPv4(net, &s.network);
  s.prefix = prefix;
  return s;
}

const std::vector<Subnet> kSubnets = {MakeSubnet("private", "10.0.0.0", 8),
                                      MakeSubnet("public", "192.168.1.0", 24),
                                      MakeSubnet("ib", "172.16.0.0", 16)};

TEST(RenderRoutes, OneLinePerRouteOnTheInterfaceThatReachesIt) {
  Interface eth0, ib0, vlan;
  eth0.device = "eth0";
  eth0.mac = "52:54:00:00:00:01";
  eth0.ip = "10.255.255.254";
  eth0.subnet = "private";
  ib0.device = "ib0";
  ib0.ip = "172.16.0.5";
  ib0.subnet = "ib";
  vlan.device = "eth0.5";
  vlan.mac = "52:54:00:00:00:01";
  vlan.ip = "192.168.1.20";
  vlan.subnet = "public";
  vlan.vlan = 5;
  vlan.parent = "eth0";
  auto route = [](const std::string& text, const std::string& gw, const std::string& net) {
    Route r;
    std::string err;
    EXPECT_TRUE(ParseNetwork(text, &r.network, &r.prefix, &err)) << err;
    r.gateway = gw;
    r.subnet = net;
    return r;
  };
  std::vector<Route> routes = {route("10.2.0.0/16", "10.1.1.254", ""),
                               route("172.17.0.0/16", "", "ib"),
                               route("0.0.0.0/0", "192.168.1.1", ""),
                               route("10.9.0.0/16", "", "storage")};
  EXPECT_EQ(RenderRoutes(routes, {eth0, ib0, vlan}, kSubnets),
            "# Generated by rocks from the cluster database: do not edit.\n"
            "# DEST/PREFIX GATEWAY MAC DEVICE (- for none); rocks-routes makes them the\n"
            "# NetworkManager route settings of the connection on that interface.\n"
            "10.2.0.0/16 10.1.1.254 52:54:00:00:00:01 eth0\n"
            "172.17.0.0/16 - - ib0\n"
            "0.0.0.0/0 192.168.1.1 - eth0.5\n"
            "# 10.9.0.0/16: no interface on network storage\n");
}

TEST(RenderFirewallPolicy, OneRichRulePerRule) {
  auto rule = [](const std::string& name, const std::string& net, const std::string& service,
                 const std::string& port, const std::string& protocol,
                 const std::string& action) {
    FirewallRule r;
    r.name = name;
    r.subnet = net;
    r.service = service;
    r.port = port;
    r.protocol = protocol;
    r.action = action;
    return r;
  };
  std::vector<FirewallRule> rules = {rule("snmp", "private", "", "161", "udp", "accept"),
                                     rule("web", "", "http", "", "", "reject"),
                                     rule("all", "", "all", "", "", "drop"),
                                     rule("x11", "ib", "", "6000-6010", "tcp", "drop"),
                                     rule("gone", "storage", "nfs", "", "", "accept")};
  EXPECT_EQ(RenderFirewallPolicy(rules, kSubnets),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            "<!-- Generated by rocks from the cluster database: do not edit. -->\n"
            "<policy target=\"CONTINUE\" priority=\"-100\">\n"
            "  <short>rocks</short>\n"
            "  <description>The cluster's firewall rules (rocks list firewall).</description>\n"
            "  <ingress-zone name=\"ANY\"/>\n"
            "  <egress-zone name=\"HOST\"/>\n"
            "  <!-- snmp -->\n"
            "  <rule family=\"ipv4\">\n"
            "    <source address=\"10.0.0.0/8\"/>\n"
            "    <port port=\"161\" protocol=\"udp\"/>\n"
            "    <accept/>\n"
            "  </rule>\n"
            "  <!-- web -->\n"
            "  <rule>\n"
            "    <service name=\"http\"/>\n"
            "    <reject/>\n"
            "  </rule>\n"
            "  <!-- all -->\n"
            "  <rule family=\"ipv4\">\n"
            "    <source address=\"0.0.0.0/0\"/>\n"
            "    <drop/>\n"
            "  </rule>\n"
            "  <!-- x11 -->\n"
            "  <rule family=\"ipv4\">\n"
            "    <source address=\"172.16.0.0/16\"/>\n"
            "    <port port=\"6000-6010\" protocol=\"tcp\"/>\n"
            "    <drop/>\n"
            "  </rule>\n"
            "  <!-- gone: no network storage -->\n"
            "</policy>\n");
}

class NetRulesTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    std::string err;
    InitOptions o;
    o.private_mac = "52:54:00:00:00:01";
    ASSERT_TRUE(InitCluster(db_.get(), o, &err)) << err;
    NewHost h;
    KeyValues kv = {{"appliance", "compute"}, {"ip", "10.255.255.254"},
                    {"mac", "52:54:00:00:01:01"}};
    ASSERT_TRUE(ParseNewHost("compute-0-0", kv, &h, &err)) << err;
    ASSERT_TRUE(AddHost(db_.get(), h, &err)) << err;
  }

  void Add(AttrScope scope, const std::string& owner, const Strings& words) {
    Route r;
    r.scope = scope;
    r.owner = owner;
    std::string err;
    ASSERT_TRUE(ParseRoute(words, &r, &err)) << err;
    ASSERT_TRUE(AddRoute(db_.get(), r, &err)) << err;
  }

  Strings Resolved(AttrScope scope, const std::string& owner) {
    std::vector<Route> routes;
    std::string err;
    EXPECT_TRUE(ResolveRoutes(db_.get(), scope, owner, &routes, &err)) << err;
    Strings out;
    for (const Route& r : routes) out.push_back(RouteText(r));
    return out;
  }
};

TEST_P(NetRulesTest, RoutesResolveHostOverApplianceOverGlobal) {
  Add(AttrScope::kGlobal, "", {"10.2.0.0/16", "gateway=10.1.1.254"});
  Add(AttrScope::kGlobal, "", {"10.3.0.0/16", "gateway=10.1.1.254"});
  Add(AttrScope::kAppliance, "compute", {"10.3.0.0/16", "network=private"});
  Add(AttrScope::kHost, "compute-0-0", {"10.2.0.0/16", "gateway=10.1.1.253"});
  EXPECT_EQ(Resolved(AttrScope::kHost, "Compute-0-0"),
            (Strings{"10.2.0.0/16 gateway=10.1.1.253 network= host:compute-0-0",
                     "10.3.0.0/16 gateway= network=private appliance:compute"}));
  EXPECT_EQ(Resolved(AttrScope::kAppliance, "compute"),
            (Strings{"10.2.0.0/16 gateway=10.1.1.254 network= global",
                     "10.3.0.0/16 gateway= network=private appliance:compute"}));
  EXPECT_EQ(Resolved(AttrScope::kHost, "frontend"),
            (Strings{"10.2.0.0/16 gateway=10.1.1.254 network= global",
                     "10.3.0.0/16 gateway=10.1.1.254 network= global"}));
}

TEST_P(NetRulesTest, AddRouteChecksTheDatabase) {
  Add(AttrScope::kGlobal, "", {"10.2.0.0/16", "gateway=10.1.1.254"});
  auto fails = [&](AttrScope scope, const std::string& owner, const Strings& words) {
    Route r;
    r.scope = scope;
    r.owner = owner;
    std::string err;
    EXPECT_TRUE(ParseRoute(words, &r, &err)) << err;
    EXPECT_FALSE(AddRoute(db_.get(), r, &err));
    return err;
  };
  EXPECT_EQ(fails(AttrScope::kGlobal, "", {"10.4.0.0/16", "network=ib"}),
            "network=ib: unknown network");
  EXPECT_EQ(fails(AttrScope::kGlobal, "", {"10.4.0.0/16", "network=privat"}),
            "network=privat: unknown network (did you mean 'private'?)");
  EXPECT_EQ(fails(AttrScope::kGlobal, "", {"10.4.0.0/16", "gateway=172.16.0.1"}),
            "gateway=172.16.0.1: not in any network");
  EXPECT_EQ(fails(AttrScope::kGlobal, "", {"10.2.0.0/16", "gateway=10.1.1.1"}),
            "10.2.0.0/16: already a route globally");
  EXPECT_EQ(fails(AttrScope::kHost, "compute-9-9", {"10.2.0.0/16", "gateway=10.1.1.1"}),
            "compute-9-9: unknown host (did you mean 'compute-0-0'?)");
  EXPECT_EQ(Resolved(AttrScope::kGlobal, ""),
            (Strings{"10.2.0.0/16 gateway=10.1.1.254 network= global"}));
}

TEST_P(NetRulesTest, InitLetsTheFrontendQueryLoginNodesOverSnmp) {
  std::vector<FirewallRule> rules;
  std::string err;
  ASSERT_TRUE(ResolveFirewallRules(db_.get(), AttrScope::kAppliance, "login", &rules, &err))
      << err;
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].name, "snmp");
  EXPECT_EQ(rules[0].subnet, "private");
  EXPECT_EQ(rules[0].port + "/" + rules[0].protocol + " " + rules[0].action, "161/udp accept");
  rules.clear();
  ASSERT_TRUE(ResolveFirewallRules(db_.get(), AttrScope::kAppliance, "compute", &rules, &err));
  EXPECT_TRUE(rules.empty());
}

TEST_P(NetRulesTest, HostKickstartHasRoutesFirewallAndMasquerade) {
  Add(AttrScope::kGlobal, "", {"10.2.0.0/16", "gateway=10.1.1.254"});
  FirewallRule rule;
  std::string err;
  ASSERT_TRUE(ParseFirewallRule({"web", "service=http", "action=reject"}, &rule, &err));
  rule.scope = AttrScope::kAppliance;
  rule.owner = "compute";
  ASSERT_TRUE(AddFirewallRule(db_.get(), rule, &err)) << err;
  auto paths = [](const HostKickstart& k) {
    Strings out;
    for (const KsFile& f : k.files) out.push_back(f.path + " " + f.perms);
    return out;
  };
  std::vector<Host> hosts;
  ASSERT_TRUE(ListHosts(db_.get(), {"compute-0-0", "frontend"}, &hosts, &err)) << err;
  HostKickstartContext ctx;
  ASSERT_TRUE(FindAppliance(db_.get(), "compute", &ctx.appliance, &err)) << err;
  ASSERT_TRUE(ListSubnets(db_.get(), &ctx.subnets, &err)) << err;
  HostKickstart node, frontend;
  ASSERT_TRUE(HostRulesConfig(db_.get(), hosts[0], ctx, &node, &err)) << err;
  ASSERT_EQ(node.main.size(), 1u);
  EXPECT_EQ(node.main[0].name, "firewall");
  EXPECT_EQ(node.main[0].words, (Strings{"--enabled", "--service=ssh"}));
  EXPECT_EQ(paths(node),
            (Strings{"/etc/rocks/routes 0644", "/usr/libexec/rocks-routes 0755",
                     "/etc/systemd/system/rocks-routes.service 0644",
                     "/etc/systemd/system/multi-user.target.d/rocks-routes.conf 0644",
                     "/etc/firewalld/policies/rocks.xml 0644"}));
  EXPECT_NE(node.files[0].content.find("\n10.2.0.0/16 10.1.1.254 52:54:00:00:01:01 eth0\n"),
            std::string::npos)
      << node.files[0].content;
  EXPECT_TRUE(node.post.empty());
  ASSERT_TRUE(FindAppliance(db_.get(), "frontend", &ctx.appliance, &err)) << err;
  ASSERT_TRUE(HostRulesConfig(db_.get(), hosts[1], ctx, &frontend, &err)) << err;
  // The frontend's own node file enables its firewall.
  EXPECT_TRUE(frontend.main.empty());
  EXPECT_EQ(paths(frontend),
            (Strings{"/etc/rocks/routes 0644", "/usr/libexec/rocks-routes 0755",
                     "/etc/systemd/system/rocks-routes.service 0644",
                     "/etc/systemd/system/multi-user.target.d/rocks-routes.conf 0644",
                     "/etc/firewalld/policies/rocks-masquerade.xml 0644",
                     "/etc/sysctl.d/90-rocks-forward.conf 0644"}));
  EXPECT_NE(frontend.files[4].content.find("<masquerade/>"), std::string::npos);
  // The part is one of the host's kickstart.
  HostKickstart all;
  ASSERT_TRUE(HostKickstartConfig(db_.get(), hosts[0], &all, &err)) << err;
  EXPECT_NE(HostKickstartXml(all).find("/etc/firewalld/policies/rocks.xml"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, NetRulesTest, testing::Values(TestEngine::kSqlite), EngineName);
INSTANTIATE_TEST_SUITE_P(Mysql, NetRulesTest, testing::Values(TestEngine::kMysql), EngineName);

}  // namespace
}  // namespace rocks
