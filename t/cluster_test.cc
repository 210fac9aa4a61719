// Tests for lib/cluster and lib/schema: the cluster model over the database,
// run once against SQLite and once against a real MariaDB server (the
// "Mysql" instantiations, which t/mariadb.test runs with
// ROCKS_TEST_MYSQL_SOCKET set; without it those tests are skipped).
#include "cluster.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "db.h"
#include "test_db.h"
#include "schema.h"

namespace rocks {
namespace {

using test::EngineName;
using test::EngineTest;
using test::MakeTempDir;
using test::TestEngine;

using Rows = std::vector<SqlRow>;
using Strings = std::vector<std::string>;

// Readable one-line forms, so that a whole host or attribute list is
// compared at once.

std::string Describe(const Host& h) {
  std::string s = h.name + " appliance=" + h.appliance + " rack=" + std::to_string(h.rack) +
                  " rank=" + std::to_string(h.rank) + " cpus=" + std::to_string(h.cpus) +
                  " arch=" + h.arch + " os=" + h.os + " comment=" + h.comment +
                  " action=" + h.boot_action;
  for (const Interface& i : h.interfaces) {
    s += " [" + i.device + " host=" + i.host + " mac=" + i.mac + " ip=" + i.ip +
         " subnet=" + i.subnet + " module=" + i.module + " name=" + i.name + "]";
  }
  return s;
}

Strings Describe(const std::vector<Host>& hosts) {
  Strings out;
  for (const Host& h : hosts) out.push_back(Describe(h));
  return out;
}

Strings Describe(const std::vector<Attr>& attrs) {
  Strings out;
  for (const Attr& a : attrs)
    out.push_back(a.name + "=" + a.value + " (" + AttrScopeName(a.scope) +
                  (a.owner.empty() ? "" : " " + a.owner) + ")");
  return out;
}

Strings Describe(const std::vector<InstallEvent>& events) {
  Strings out;
  for (const InstallEvent& e : events)
    out.push_back(e.host + " " + std::to_string(e.time) + " " + e.state + " " + e.detail);
  return out;
}

// The engine fixture -------------------------------------------------------

/// A fresh, empty database per test: a SQLite file in a new temporary
/// directory, or a new database on the MariaDB server, dropped afterwards.
class EmptyDbTest : public EngineTest {
 protected:
  std::unique_ptr<Database> Connect(double lock_timeout) {
    std::unique_ptr<Database> db;
    std::string err;
    DbOptions options;
    options.lock_timeout_seconds = lock_timeout;
    EXPECT_TRUE(OpenDatabase(url_, options, &db, &err)) << err;
    return db;
  }

  bool HasTable(const std::string& name) {
    bool exists = false;
    std::string err;
    EXPECT_TRUE(db_->HasTable(name, &exists, &err)) << err;
    return exists;
  }

  /// Every row of every table, to show that a failed command changed nothing.
  std::string Snapshot() {
    std::string out;
    for (const char* table : {"schema_info", "appliances", "subnets", "hosts", "interfaces",
                              "aliases", "attributes", "install_events"}) {
      out += table;
      out += ":\n";
      Rows rows;
      std::string err;
      if (!db_->Query(std::string("SELECT * FROM ") + table + " ORDER BY 1", {}, &rows, &err)) {
        out += "  " + err + "\n";
        continue;
      }
      for (const SqlRow& r : rows) {
        out += " ";
        for (const auto& cell : r) out += " " + (cell ? *cell : "NULL");
        out += "\n";
      }
    }
    return out;
  }

};

/// A database holding the cluster `rocks init` makes, with a public
/// interface on the frontend.
class ClusterTest : public EmptyDbTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(EmptyDbTest::SetUp());
    if (IsSkipped()) return;
    InitOptions o;
    o.private_mac = "52:54:00:00:00:01";
    o.public_address = "192.168.1.1";
    o.public_mac = "52:54:00:00:00:02";
    std::string err;
    ASSERT_TRUE(InitCluster(db_.get(), o, &err)) << err;
    ASSERT_TRUE(PrepareCluster(db_.get(), &err)) << err;
  }

  /// `rocks add host NAME WORDS...`: parse and add.
  bool Add(const std::string& name, const Strings& words, std::string* err) {
    KeyValues kv;
    NewHost h;
    return ParseKeyValues(words, &kv, err) && ParseNewHost(name, kv, &h, err) &&
           AddHost(db_.get(), h, err);
  }
  void MustAdd(const std::string& name, const Strings& words) {
    std::string err;
    ASSERT_TRUE(Add(name, words, &err)) << name << ": " << err;
  }

  bool Set(const std::string& name, const Strings& words, std::string* err) {
    KeyValues kv;
    return ParseKeyValues(words, &kv, err) && SetHost(db_.get(), name, kv, err);
  }

  bool AddIfc(const std::string& host, const Strings& words, std::string* err) {
    KeyValues kv;
    return ParseKeyValues(words, &kv, err) && AddInterface(db_.get(), host, kv, err);
  }

  Strings Hosts(const Strings& names = {}) {
    std::vector<Host> hosts;
    std::string err;
    EXPECT_TRUE(ListHosts(db_.get(), names, &hosts, &err)) << err;
    return Describe(hosts);
  }

  Strings Resolve(AttrScope scope, const std::string& owner, const std::string& prefix) {
    std::vector<Attr> attrs;
    std::string err;
    EXPECT_TRUE(ResolveAttrs(db_.get(), scope, owner, &attrs, &err)) << err;
    std::vector<Attr> picked;
    for (const Attr& a : attrs)
      if (a.name.rfind(prefix, 0) == 0) picked.push_back(a);
    return Describe(picked);
  }

  Strings List(AttrScope scope, const std::string& owner) {
    std::vector<Attr> attrs;
    std::string err;
    EXPECT_TRUE(ListAttrs(db_.get(), scope, owner, &attrs, &err)) << err;
    return Describe(attrs);
  }

  static constexpr const char* kFrontend =
      "frontend appliance=frontend rack=0 rank=0 cpus=1 arch=x86_64 os=linux comment= "
      "action=os"
      " [eth0 host=frontend mac=52:54:00:00:00:01 ip=10.1.1.1 subnet=private module= name=]"
      " [eth1 host=frontend mac=52:54:00:00:00:02 ip=192.168.1.1 subnet=public module= "
      "name=]";
};

INSTANTIATE_TEST_SUITE_P(Sqlite, EmptyDbTest, testing::Values(TestEngine::kSqlite), EngineName);
INSTANTIATE_TEST_SUITE_P(Mysql, EmptyDbTest, testing::Values(TestEngine::kMysql), EngineName);
INSTANTIATE_TEST_SUITE_P(Sqlite, ClusterTest, testing::Values(TestEngine::kSqlite), EngineName);
INSTANTIATE_TEST_SUITE_P(Mysql, ClusterTest, testing::Values(TestEngine::kMysql), EngineName);

// InitCluster and PrepareCluster -------------------------------------------

TEST_P(EmptyDbTest, InitCreatesTheDefaultCluster) {
  std::string err;
  ASSERT_TRUE(InitCluster(db_.get(), InitOptions{}, &err)) << err;
  int version = -1;
  ASSERT_TRUE(ReadSchemaVersion(db_.get(), &version, &err)) << err;
  EXPECT_EQ(version, kSchemaVersion);

  std::vector<Appliance> apps;
  ASSERT_TRUE(ListAppliances(db_.get(), &apps, &err)) << err;
  Strings a;
  for (const Appliance& x : apps)
    a.push_back(x.name + " " + x.short_name + " " + x.graph + " node=" + x.node +
                " public=" + std::to_string(x.is_public) + " compute=" + std::to_string(x.compute));
  EXPECT_EQ(a, (Strings{
                   "compute c default node=compute public=1 compute=1",
                   "frontend fe default node=frontend public=0 compute=0",
                   "login l default node=login public=1 compute=0",
                   "nas nas default node=nas public=1 compute=0",
                   "network net default node= public=1 compute=0",
                   "power pdu default node= public=1 compute=0",
                   "vm-container vmc default node=vm-container public=1 compute=0",
               }));

  std::vector<Subnet> subnets;
  ASSERT_TRUE(ListSubnets(db_.get(), &subnets, &err)) << err;
  ASSERT_EQ(subnets.size(), 2u);
  EXPECT_EQ(subnets[0].name, "private");
  EXPECT_EQ(subnets[0].network, 0x0a000000u);
  EXPECT_EQ(subnets[0].prefix, 8);
  EXPECT_EQ(subnets[0].zone, "local");
  EXPECT_EQ(subnets[0].mtu, 1500);
  EXPECT_EQ(subnets[1].name, "public");
  EXPECT_EQ(subnets[1].network, 0xc0a80100u);
  EXPECT_EQ(subnets[1].prefix, 24);
  EXPECT_EQ(subnets[1].zone, "example.org");
  EXPECT_EQ(subnets[1].mtu, 1500);

  // No public address: the frontend has its private interface only.
  std::vector<Host> hosts;
  ASSERT_TRUE(ListHosts(db_.get(), {}, &hosts, &err)) << err;
  EXPECT_EQ(Describe(hosts),
            (Strings{"frontend appliance=frontend rack=0 rank=0 cpus=1 arch=x86_64 os=linux "
                     "comment= action=os [eth0 host=frontend mac= ip=10.1.1.1 subnet=private "
                     "module= name=]"}));

  std::vector<Attr> attrs;
  ASSERT_TRUE(ListAttrs(db_.get(), AttrScope::kGlobal, "", &attrs, &err)) << err;
  EXPECT_EQ(Describe(attrs), (Strings{
                                 "Info_ClusterName=Cluster (global)",
                                 "Kickstart_Keyboard=us (global)",
                                 "Kickstart_Lang=en_US.UTF-8 (global)",
                                 "Kickstart_PrivateAddress=10.1.1.1 (global)",
                                 "Kickstart_PrivateBroadcast=10.255.255.255 (global)",
                                 "Kickstart_PrivateDNSDomain=local (global)",
                                 "Kickstart_PrivateDNSServers=10.1.1.1 (global)",
                                 "Kickstart_PrivateGateway=10.1.1.1 (global)",
                                 "Kickstart_PrivateHostname=frontend (global)",
                                 "Kickstart_PrivateInterface=eth0 (global)",
                                 "Kickstart_PrivateKickstartBasedir=install (global)",
                                 "Kickstart_PrivateKickstartCGI=sbin/kickstart.cgi (global)",
                                 "Kickstart_PrivateKickstartHost=10.1.1.1 (global)",
                                 "Kickstart_PrivateNTPHost=10.1.1.1 (global)",
                                 "Kickstart_PrivateNetmask=255.0.0.0 (global)",
                                 "Kickstart_PrivateNetmaskCIDR=8 (global)",
                                 "Kickstart_PrivateNetwork=10.0.0.0 (global)",
                                 "Kickstart_PrivateSyslogHost=10.1.1.1 (global)",
                                 "Kickstart_PublicDNSDomain=example.org (global)",
                                 "Kickstart_PublicHostname=frontend.example.org (global)",
                                 "Kickstart_PublicInterface=eth1 (global)",
                                 "Kickstart_PublicNetmask=255.255.255.0 (global)",
                                 "Kickstart_PublicNetmaskCIDR=24 (global)",
                                 "Kickstart_PublicNetwork=192.168.1.0 (global)",
                                 "Kickstart_Timezone=UTC (global)",
                             }));
  ASSERT_TRUE(PrepareCluster(db_.get(), &err)) << err;
}

TEST_P(EmptyDbTest, InitWithOptions) {
  InitOptions o;
  o.frontend = "head";
  o.private_network = "172.16.0.0/255.255.0.0";
  o.private_address = "172.16.0.254";
  o.private_mac = "AA-BB-CC-00-11-22";
  o.private_device = "ens3";
  o.domain = "cluster";
  o.public_network = "203.0.113.0/28";
  o.public_address = "203.0.113.5";
  o.public_device = "ens4";
  o.public_domain = "site.example";
  o.cluster_name = "Test Cluster";
  o.timezone = "Europe/Berlin";
  std::string err;
  ASSERT_TRUE(InitCluster(db_.get(), o, &err)) << err;
  std::vector<Host> hosts;
  ASSERT_TRUE(ListHosts(db_.get(), {"head"}, &hosts, &err)) << err;
  EXPECT_EQ(Describe(hosts),
            (Strings{"head appliance=frontend rack=0 rank=0 cpus=1 arch=x86_64 os=linux "
                     "comment= action=os [ens3 host=head mac=aa:bb:cc:00:11:22 "
                     "ip=172.16.0.254 subnet=private module= name=] [ens4 host=head mac= "
                     "ip=203.0.113.5 subnet=public module= name=]"}));
  Subnet s;
  ASSERT_TRUE(FindSubnet(db_.get(), "private", &s, &err)) << err;
  EXPECT_EQ(s.network, 0xac100000u);
  EXPECT_EQ(s.prefix, 16);
  EXPECT_EQ(s.zone, "cluster");
  ASSERT_TRUE(FindSubnet(db_.get(), "public", &s, &err)) << err;
  EXPECT_EQ(s.network, 0xcb007100u);
  EXPECT_EQ(s.prefix, 28);
  EXPECT_EQ(s.zone, "site.example");

  std::vector<Attr> attrs;
  ASSERT_TRUE(ListAttrs(db_.get(), AttrScope::kGlobal, "", &attrs, &err)) << err;
  std::map<std::string, std::string> g;
  for (const Attr& a : attrs) g[a.name] = a.value;
  EXPECT_EQ(g.size(), 27u);
  EXPECT_EQ(g["Kickstart_PrivateInterface"], "ens3");
  EXPECT_EQ(g["Kickstart_PrivateMAC"], "aa:bb:cc:00:11:22");
  EXPECT_EQ(g["Kickstart_PublicInterface"], "ens4");
  EXPECT_EQ(g["Info_ClusterName"], "Test Cluster");
  EXPECT_EQ(g["Kickstart_PrivateHostname"], "head");
  EXPECT_EQ(g["Kickstart_PrivateAddress"], "172.16.0.254");
  EXPECT_EQ(g["Kickstart_PrivateNetwork"], "172.16.0.0");
  EXPECT_EQ(g["Kickstart_PrivateNetmask"], "255.255.0.0");
  EXPECT_EQ(g["Kickstart_PrivateNetmaskCIDR"], "16");
  EXPECT_EQ(g["Kickstart_PrivateBroadcast"], "172.16.255.255");
  EXPECT_EQ(g["Kickstart_PrivateDNSDomain"], "cluster");
  EXPECT_EQ(g["Kickstart_PublicHostname"], "head.site.example");
  EXPECT_EQ(g["Kickstart_PublicAddress"], "203.0.113.5");
  EXPECT_EQ(g["Kickstart_PublicNetwork"], "203.0.113.0");
  EXPECT_EQ(g["Kickstart_PublicNetmask"], "255.255.255.240");
  EXPECT_EQ(g["Kickstart_PublicNetmaskCIDR"], "28");
  EXPECT_EQ(g["Kickstart_Timezone"], "Europe/Berlin");
}

TEST_P(EmptyDbTest, SecondInitFails) {
  std::string err;
  ASSERT_TRUE(InitCluster(db_.get(), InitOptions{}, &err)) << err;
  std::string before = Snapshot();
  InitOptions o;
  o.frontend = "other";
  EXPECT_FALSE(InitCluster(db_.get(), o, &err));
  EXPECT_EQ(err, url_ + ": already holds a cluster");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(EmptyDbTest, InitInvalidFrontendName) {
  InitOptions o;
  o.frontend = "front_end";
  std::string err;
  EXPECT_FALSE(InitCluster(db_.get(), o, &err));
  EXPECT_EQ(err, "frontend=front_end: invalid host name");
  EXPECT_FALSE(HasTable("schema_info"));
}

TEST_P(EmptyDbTest, InitFrontendNameWithDomain) {
  InitOptions o;
  o.frontend = "frontend.local";
  std::string err;
  EXPECT_FALSE(InitCluster(db_.get(), o, &err));
  EXPECT_EQ(err, "frontend=frontend.local: invalid host name");
  EXPECT_FALSE(HasTable("schema_info"));
}

TEST_P(EmptyDbTest, InitInvalidPrivateNetwork) {
  InitOptions o;
  o.private_network = "10.0.0.0/33";
  std::string err;
  EXPECT_FALSE(InitCluster(db_.get(), o, &err));
  EXPECT_EQ(err, "private-network=10.0.0.0/33: prefix length must be 0-32");
  EXPECT_FALSE(HasTable("schema_info"));
}

TEST_P(EmptyDbTest, InitInvalidPublicNetwork) {
  InitOptions o;
  o.public_network = "192.168.1.1/24";
  std::string err;
  EXPECT_FALSE(InitCluster(db_.get(), o, &err));
  EXPECT_EQ(err, "public-network=192.168.1.1/24: host bits set in network address");
  EXPECT_FALSE(HasTable("schema_info"));
}

TEST_P(EmptyDbTest, InitPrivateAddressOutsideNetwork) {
  InitOptions o;
  o.private_address = "192.168.1.1";
  std::string err;
  EXPECT_FALSE(InitCluster(db_.get(), o, &err));
  EXPECT_EQ(err, "private-address=192.168.1.1: not in 10.0.0.0/8");
  EXPECT_FALSE(HasTable("schema_info"));
}

TEST_P(EmptyDbTest, InitInvalidPrivateAddress) {
  InitOptions o;
  o.private_address = "10.1.1";
  std::string err;
  EXPECT_FALSE(InitCluster(db_.get(), o, &err));
  EXPECT_EQ(err, "private-address=10.1.1: invalid IPv4 address");
  EXPECT_FALSE(HasTable("schema_info"));
}

TEST_P(EmptyDbTest, InitPublicAddressOutsideNetwork) {
  InitOptions o;
  o.public_address = "10.1.1.2";
  std::string err;
  EXPECT_FALSE(InitCluster(db_.get(), o, &err));
  EXPECT_EQ(err, "public-address=10.1.1.2: not in 192.168.1.0/24");
  EXPECT_FALSE(HasTable("schema_info"));
}

TEST_P(EmptyDbTest, InitInvalidMac) {
  InitOptions o;
  o.private_mac = "52:54:00:00:00";
  std::string err;
  EXPECT_FALSE(InitCluster(db_.get(), o, &err));
  EXPECT_EQ(err, "private-mac=52:54:00:00:00: invalid MAC address");
  EXPECT_FALSE(HasTable("schema_info"));
}

TEST_P(EmptyDbTest, InitInvalidDomain) {
  InitOptions o;
  o.domain = "my_domain";
  std::string err;
  EXPECT_FALSE(InitCluster(db_.get(), o, &err));
  EXPECT_EQ(err, "domain=my_domain: invalid domain name");
  EXPECT_FALSE(HasTable("schema_info"));
}

TEST_P(EmptyDbTest, FailedInitLeavesNoSchemaBehind) {
  // A database that already has a table of that name (an old Rocks
  // database has an `appliances` table): init fails part-way through the
  // schema, and must leave nothing of its own behind.
  std::string err;
  ASSERT_TRUE(db_->ExecDdl("CREATE TABLE appliances (ID INTEGER)", &err)) << err;
  EXPECT_FALSE(InitCluster(db_.get(), InitOptions{}, &err));
  EXPECT_EQ(err, Mysql() ? url_ + ": Table 'appliances' already exists"
                         : path_ + ": table appliances already exists");
  EXPECT_FALSE(HasTable("schema_info"));
  EXPECT_FALSE(HasTable("subnets"));
  EXPECT_TRUE(HasTable("appliances"));
  // The database still reads as holding no cluster.
  EXPECT_FALSE(PrepareCluster(db_.get(), &err));
  EXPECT_EQ(err, url_ + ": no cluster database here (run 'rocks init')");
  // With the conflicting table gone, init works.
  ASSERT_TRUE(db_->ExecDdl("DROP TABLE appliances", &err)) << err;
  EXPECT_TRUE(InitCluster(db_.get(), InitOptions{}, &err)) << err;
  EXPECT_TRUE(PrepareCluster(db_.get(), &err)) << err;
}

TEST_P(EmptyDbTest, PrepareEmptyDatabase) {
  std::string err;
  EXPECT_FALSE(PrepareCluster(db_.get(), &err));
  EXPECT_EQ(err, url_ + ": no cluster database here (run 'rocks init')");
  EXPECT_FALSE(HasTable("schema_info"));
}

TEST_P(ClusterTest, PrepareNewerSchema) {
  std::string err;
  ASSERT_TRUE(db_->Exec("UPDATE schema_info SET version = ?", {SqlParam::Int(kSchemaVersion + 1)},
                        &err))
      << err;
  EXPECT_FALSE(PrepareCluster(db_.get(), &err));
  EXPECT_EQ(err, url_ + ": schema version " + std::to_string(kSchemaVersion + 1) +
                     " is newer than this build understands (" +
                     std::to_string(kSchemaVersion) + ")");
}

TEST_P(ClusterTest, PrepareDamagedSchemaInfo) {
  std::string err;
  ASSERT_TRUE(db_->Exec("DELETE FROM schema_info", {}, &err)) << err;
  EXPECT_FALSE(PrepareCluster(db_.get(), &err));
  EXPECT_EQ(err, url_ + ": damaged schema_info table");
}

TEST_P(ClusterTest, PrepareNegativeSchemaVersion) {
  std::string err;
  for (int64_t v : {int64_t{-1}, int64_t{0}, int64_t{-2147483647} - 1}) {
    ASSERT_TRUE(db_->Exec("UPDATE schema_info SET version = ?", {SqlParam::Int(v)}, &err))
        << err;
    EXPECT_FALSE(PrepareCluster(db_.get(), &err)) << v;
    EXPECT_EQ(err, url_ + ": damaged schema_info table") << v;
  }
}

TEST_P(ClusterTest, InitializedClusterIsPrepared) {
  std::string err;
  EXPECT_TRUE(PrepareCluster(db_.get(), &err)) << err;
  EXPECT_EQ(Hosts(), Strings{kFrontend});
}

// Appliances and subnets ---------------------------------------------------

TEST_P(ClusterTest, FindAppliance) {
  Appliance a;
  std::string err;
  ASSERT_TRUE(FindAppliance(db_.get(), "login", &a, &err)) << err;
  EXPECT_EQ(a.name, "login");
  EXPECT_EQ(a.short_name, "l");
  EXPECT_EQ(a.graph, "default");
  EXPECT_EQ(a.node, "login");
  EXPECT_TRUE(a.is_public);
  EXPECT_FALSE(a.compute);
  EXPECT_GT(a.id, 0);
}

TEST_P(ClusterTest, FindUnknownApplianceSuggests) {
  Appliance a;
  std::string err;
  EXPECT_FALSE(FindAppliance(db_.get(), "compte", &a, &err));
  EXPECT_EQ(err, "compte: unknown appliance (did you mean 'compute'?)");
}

TEST_P(ClusterTest, FindUnknownAppliance) {
  Appliance a;
  std::string err;
  EXPECT_FALSE(FindAppliance(db_.get(), "xyzzy", &a, &err));
  EXPECT_EQ(err, "xyzzy: unknown appliance");
}

TEST_P(ClusterTest, FindUnknownSubnet) {
  Subnet s;
  std::string err;
  EXPECT_FALSE(FindSubnet(db_.get(), "pubic", &s, &err));
  EXPECT_EQ(err, "pubic: unknown network (did you mean 'public'?)");
}

// AddHost ------------------------------------------------------------------

TEST_P(ClusterTest, AddHostWithInterface) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute", "cpus=16",
                                                  "mac=52:54:00:AA:00:01", "ip=10.255.255.254",
                                                  "module=e1000", "comment=first node",
                                                  "arch=aarch64", "os=rocky", "action=install"}));
  EXPECT_EQ(Hosts(), (Strings{kFrontend,
                              "compute-0-0 appliance=compute rack=0 rank=0 cpus=16 arch=aarch64 "
                              "os=rocky comment=first node action=install [eth0 "
                              "host=compute-0-0 mac=52:54:00:aa:00:01 ip=10.255.255.254 "
                              "subnet=private module=e1000 name=]"}));
}

TEST_P(ClusterTest, AddHostWithoutInterface) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("pdu-0-0", {"appliance=power"}));
  EXPECT_EQ(Hosts({"pdu-0-0"}),
            (Strings{"pdu-0-0 appliance=power rack=0 rank=0 cpus=1 arch=x86_64 os=linux "
                     "comment= action=os"}));
}

TEST_P(ClusterTest, AddHostPublicInterfaceFindsItsSubnet) {
  ASSERT_NO_FATAL_FAILURE(
      MustAdd("login-0-0", {"appliance=login", "ip=192.168.1.20", "device=eth1"}));
  EXPECT_EQ(Hosts({"login-0-0"}),
            (Strings{"login-0-0 appliance=login rack=0 rank=0 cpus=1 arch=x86_64 os=linux "
                     "comment= action=os [eth1 host=login-0-0 mac= ip=192.168.1.20 "
                     "subnet=public module= name=]"}));
}

TEST_P(ClusterTest, AddHostPicksTheMostSpecificSubnet) {
  std::string err;
  const char* sql = "INSERT INTO subnets (name, network, prefix, zone, mtu) VALUES (?, ?, ?, ?, ?)";
  ASSERT_TRUE(db_->Exec(sql,
                        {SqlParam::Text("ipmi"), SqlParam::Text("10.2.0.0"), SqlParam::Int(16),
                         SqlParam::Text("ipmi"), SqlParam::Int(1500)},
                        &err))
      << err;
  ASSERT_TRUE(db_->Exec(sql,
                        {SqlParam::Text("p2p"), SqlParam::Text("10.3.0.0"), SqlParam::Int(31),
                         SqlParam::Text("p2p"), SqlParam::Int(9000)},
                        &err))
      << err;
  // 10.2.0.5 is in private (/8) and in ipmi (/16): ipmi wins.
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute", "ip=10.2.0.5"}));
  // A /31 has no network or broadcast address: both addresses are hosts.
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-1", {"appliance=compute", "ip=10.3.0.0"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-2", {"appliance=compute", "ip=10.3.0.1"}));
  // An explicit subnet is kept even when a narrower one matches.
  ASSERT_NO_FATAL_FAILURE(
      MustAdd("compute-0-3", {"appliance=compute", "ip=10.2.0.6", "subnet=private"}));
  // A subnet without an address.
  ASSERT_NO_FATAL_FAILURE(
      MustAdd("compute-0-4", {"appliance=compute", "device=ib0", "subnet=ipmi"}));
  std::vector<Host> hosts;
  ASSERT_TRUE(ListHosts(db_.get(),
                        {"compute-0-0", "compute-0-1", "compute-0-2", "compute-0-3", "compute-0-4"},
                        &hosts, &err))
      << err;
  Strings got;
  for (const Host& h : hosts)
    for (const Interface& i : h.interfaces)
      got.push_back(h.name + " " + i.device + " " + i.ip + " " + i.subnet);
  EXPECT_EQ(got, (Strings{"compute-0-0 eth0 10.2.0.5 ipmi", "compute-0-1 eth0 10.3.0.0 p2p",
                          "compute-0-2 eth0 10.3.0.1 p2p", "compute-0-3 eth0 10.2.0.6 private",
                          "compute-0-4 ib0  ipmi"}));
  // The broadcast address of the narrower subnet is refused, naming it.
  EXPECT_FALSE(Add("compute-0-5", {"appliance=compute", "ip=10.2.255.255"}, &err));
  EXPECT_EQ(err, "ip=10.2.255.255: is the broadcast address of subnet ipmi (10.2.0.0/16)");
}

TEST_P(ClusterTest, AddHostRankContinuesFromTheHighest) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("a", {"appliance=compute"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("b", {"appliance=compute"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("c", {"appliance=compute", "rank=7"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("d", {"appliance=compute"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("e", {"appliance=compute", "rack=1"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("f", {"appliance=compute", "rack=1"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("g", {"appliance=login"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("h", {"appliance=compute", "rank=2"}));
  std::vector<Host> hosts;
  std::string err;
  ASSERT_TRUE(ListHosts(db_.get(), {}, &hosts, &err)) << err;
  Strings got;
  for (const Host& h : hosts)
    got.push_back(h.name + " " + h.appliance + " " + std::to_string(h.rack) + "-" +
                  std::to_string(h.rank));
  // Listed frontend first, then by appliance, rack and rank.
  EXPECT_EQ(got, (Strings{"frontend frontend 0-0", "a compute 0-0", "b compute 0-1",
                          "h compute 0-2", "c compute 0-7", "d compute 0-8", "e compute 1-0",
                          "f compute 1-1", "g login 0-0"}));
}

TEST_P(ClusterTest, AddHostDuplicateName) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute"}));
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=login"}, &err));
  EXPECT_EQ(err, "compute-0-0: host already exists");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostUnknownApplianceSuggests) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compte"}, &err));
  EXPECT_EQ(err, "appliance=compte: unknown appliance (did you mean 'compute'?)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostUnknownAppliance) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=xyzzy"}, &err));
  EXPECT_EQ(err, "appliance=xyzzy: unknown appliance");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostMissingAppliance) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("node7", {"rack=1"}, &err));
  EXPECT_EQ(err, "node7: no appliance= and the name is not APPLIANCE-RACK-RANK");
  EXPECT_FALSE(Add("gpu-0-0", {}, &err));
  EXPECT_EQ(err, "gpu-0-0: no appliance= and no appliance called gpu");
  EXPECT_EQ(Snapshot(), before);
}

TEST(ParseNewHost, Rocks6NamesAndMembership) {
  NewHost h;
  std::string err;
  ASSERT_TRUE(ParseNewHost("Compute-2-7", {}, &h, &err)) << err;
  EXPECT_EQ(h.appliance + " " + std::to_string(*h.rack) + " " + std::to_string(*h.rank),
            "compute 2 7");
  EXPECT_TRUE(h.appliance_from_name);
  NewHost g;
  ASSERT_TRUE(ParseNewHost("my-gpu-1-3", {{"rank", "9"}}, &g, &err)) << err;
  EXPECT_EQ(g.appliance + " " + std::to_string(*g.rack) + " " + std::to_string(*g.rank),
            "my-gpu 1 9");
  NewHost m;
  ASSERT_TRUE(ParseNewHost("node", {{"membership", "Compute"}}, &m, &err)) << err;
  EXPECT_EQ(m.appliance, "compute");
  EXPECT_FALSE(m.appliance_from_name);
  NewHost bad;
  EXPECT_FALSE(ParseNewHost("c-0", {}, &bad, &err));
  EXPECT_EQ(err, "c-0: no appliance= and the name is not APPLIANCE-RACK-RANK");
}

TEST_P(ClusterTest, AddHostInvalidName) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute_0_0", {"appliance=compute"}, &err));
  EXPECT_EQ(err, "compute_0_0: invalid host name");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostDuplicateMac) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "mac=52-54-00-00-00-01"}, &err));
  EXPECT_EQ(err, "mac=52:54:00:00:00:01: already used by frontend");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostDuplicateIp) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "ip=10.1.1.1"}, &err));
  EXPECT_EQ(err, "ip=10.1.1.1: already used by frontend");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostIpOutsideItsSubnet) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "ip=192.168.1.5", "subnet=private"},
                   &err));
  EXPECT_EQ(err, "ip=192.168.1.5: not in subnet private (10.0.0.0/8)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostIpInNoSubnet) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "ip=172.16.0.5"}, &err));
  EXPECT_EQ(err, "ip=172.16.0.5: not in any subnet");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostNetworkAddress) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "ip=10.0.0.0"}, &err));
  EXPECT_EQ(err, "ip=10.0.0.0: is the network address of subnet private (10.0.0.0/8)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostBroadcastAddress) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("login-0-0", {"appliance=login", "ip=192.168.1.255"}, &err));
  EXPECT_EQ(err, "ip=192.168.1.255: is the broadcast address of subnet public (192.168.1.0/24)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostInvalidMac) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "mac=52:54:00:00:01"}, &err));
  EXPECT_EQ(err, "mac=52:54:00:00:01: invalid MAC address");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostInvalidIp) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "ip=10.1.1.300"}, &err));
  EXPECT_EQ(err, "ip=10.1.1.300: invalid IPv4 address");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostUnknownSubnet) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "ip=10.1.1.2", "subnet=privat"}, &err));
  EXPECT_EQ(err, "subnet=privat: unknown network (did you mean 'private'?)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostUnknownKeySuggests) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "rak=1"}, &err));
  EXPECT_EQ(err, "rak=1: unknown key (did you mean 'rack'?)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostUnknownKey) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "colour=red"}, &err));
  EXPECT_EQ(err,
            "colour=red: unknown key (expected appliance, rack, rank, cpus, memory, arch, os, "
            "comment, action, mac, ip, subnet, network, device, module, vlan, parent, channel, "
            "options)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostNegativeRack) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "rack=-1"}, &err));
  EXPECT_EQ(err, "rack=-1: invalid number (expected 0 or more)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostNonNumericCpus) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "cpus=two"}, &err));
  EXPECT_EQ(err, "cpus=two: invalid number (expected 1 or more)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostBadAction) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Add("compute-0-0", {"appliance=compute", "action=reboot"}, &err));
  EXPECT_EQ(err, "action=reboot: unknown boot action (expected os or install)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostDeviceGivenTwice) {
  NewHost h;
  h.name = "compute-0-0";
  h.appliance = "compute";
  h.interfaces = {{0, "", "eth0", "", "10.1.1.2", "", "", ""},
                  {0, "", "eth0", "", "10.1.1.3", "", "", ""}};
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddHost(db_.get(), h, &err));
  EXPECT_EQ(err, "device=eth0: given twice");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostMacGivenTwice) {
  // Both interfaces pass the checks against the database; the second one
  // repeats the first one's MAC, which is caught before anything is written.
  NewHost h;
  h.name = "compute-0-0";
  h.appliance = "compute";
  h.interfaces = {{0, "", "eth0", "02:00:00:00:00:01", "10.1.1.2", "", "", ""},
                  {0, "", "eth1", "02:00:00:00:00:01", "10.1.1.3", "", "", ""}};
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddHost(db_.get(), h, &err));
  EXPECT_EQ(err, "mac=02:00:00:00:00:01: given twice");
  EXPECT_EQ(Snapshot(), before);
  // And the database is usable afterwards.
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute", "ip=10.1.1.2"}));
}

TEST_P(ClusterTest, AddHostIpGivenTwice) {
  NewHost h;
  h.name = "compute-0-0";
  h.appliance = "compute";
  h.interfaces = {{0, "", "eth0", "", "10.1.1.2", "", "", ""},
                  {0, "", "eth1", "", "10.1.1.2", "", "", ""}};
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddHost(db_.get(), h, &err));
  EXPECT_EQ(err, "ip=10.1.1.2: given twice");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddHostNamedLikeAnAlias) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("nas-0-0", {"appliance=nas"}));
  std::string err;
  ASSERT_TRUE(AddAlias(db_.get(), "nas-0-0", "storage", &err)) << err;
  std::string before = Snapshot();
  NewHost h;
  h.name = "storage";
  h.appliance = "compute";
  EXPECT_FALSE(AddHost(db_.get(), h, &err));
  EXPECT_EQ(err, "storage: already an alias of nas-0-0");
  EXPECT_FALSE(SetHost(db_.get(), "nas-0-0", {{"name", "Storage"}}, &err));
  EXPECT_EQ(err, "name=Storage: already an alias of nas-0-0");
  EXPECT_EQ(Snapshot(), before);
}

TEST(ParseKeyValuesTest, Splits) {
  KeyValues kv;
  std::string err;
  ASSERT_TRUE(ParseKeyValues({"a=1", "comment=x=y", "empty="}, &kv, &err)) << err;
  EXPECT_EQ(kv, (KeyValues{{"a", "1"}, {"comment", "x=y"}, {"empty", ""}}));
}

TEST(ParseKeyValuesTest, WordWithoutEquals) {
  KeyValues kv;
  std::string err;
  EXPECT_FALSE(ParseKeyValues({"a=1", "compute"}, &kv, &err));
  EXPECT_EQ(err, "compute: expected key=value");
}

TEST(ParseKeyValuesTest, WordWithoutKey) {
  KeyValues kv;
  std::string err;
  EXPECT_FALSE(ParseKeyValues({"=compute"}, &kv, &err));
  EXPECT_EQ(err, "=compute: expected key=value");
}

// ListHosts ----------------------------------------------------------------

TEST_P(ClusterTest, ListNamedHostsInTheGivenOrder) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute"}));
  std::vector<Host> hosts;
  std::string err;
  ASSERT_TRUE(ListHosts(db_.get(), {"compute-0-0", "frontend", "compute-0-0"}, &hosts, &err))
      << err;
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].name, "compute-0-0");
  EXPECT_EQ(hosts[1].name, "frontend");
  EXPECT_EQ(hosts[1].interfaces.size(), 2u);
}

TEST_P(ClusterTest, ListUnknownHost) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute"}));
  std::vector<Host> hosts;
  std::string err;
  EXPECT_FALSE(ListHosts(db_.get(), {"frontend", "compute-0-1"}, &hosts, &err));
  EXPECT_EQ(err, "compute-0-1: unknown host (did you mean 'compute-0-0'?)");
}

// SetHost ------------------------------------------------------------------

TEST_P(ClusterTest, SetHostFields) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute", "ip=10.1.1.2"}));
  std::string err;
  ASSERT_TRUE(Set("compute-0-0",
                  {"appliance=login", "rack=2", "rank=3", "cpus=8", "arch=aarch64", "os=rocky",
                   "comment=moved to rack 2", "action=install"},
                  &err))
      << err;
  EXPECT_EQ(Hosts({"compute-0-0"}),
            (Strings{"compute-0-0 appliance=login rack=2 rank=3 cpus=8 arch=aarch64 os=rocky "
                     "comment=moved to rack 2 action=install [eth0 host=compute-0-0 mac= "
                     "ip=10.1.1.2 subnet=private module= name=]"}));
}

TEST_P(ClusterTest, SetHostRename) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute", "ip=10.1.1.2"}));
  std::string err;
  ASSERT_TRUE(Set("compute-0-0", {"name=node1"}, &err)) << err;
  EXPECT_EQ(Hosts({"node1"}),
            (Strings{"node1 appliance=compute rack=0 rank=0 cpus=1 arch=x86_64 os=linux "
                     "comment= action=os [eth0 host=node1 mac= ip=10.1.1.2 subnet=private "
                     "module= name=]"}));
  std::vector<Host> hosts;
  EXPECT_FALSE(ListHosts(db_.get(), {"compute-0-0"}, &hosts, &err));
  EXPECT_EQ(err, "compute-0-0: unknown host");
}

TEST_P(ClusterTest, SetUnknownHostSuggests) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute"}));
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Set("compute-0-9", {"rack=1"}, &err));
  EXPECT_EQ(err, "compute-0-9: unknown host (did you mean 'compute-0-0'?)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, SetUnknownHost) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute"}));
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Set("nosuchhost", {"rack=1"}, &err));
  EXPECT_EQ(err, "nosuchhost: unknown host");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, SetHostNothing) {
  std::string err;
  EXPECT_FALSE(SetHost(db_.get(), "frontend", {}, &err));
  EXPECT_EQ(err, "frontend: nothing to set");
}

TEST_P(ClusterTest, SetHostUnknownKey) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Set("frontend", {"colour=red"}, &err));
  EXPECT_EQ(err,
            "colour=red: unknown key (expected appliance, rack, rank, cpus, memory, arch, os, "
            "comment, action, name)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, SetHostUnknownKeySuggests) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Set("frontend", {"cpu=4"}, &err));
  EXPECT_EQ(err, "cpu=4: unknown key (did you mean 'cpus'?)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, SetHostNameTaken) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute"}));
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Set("compute-0-0", {"name=frontend"}, &err));
  EXPECT_EQ(err, "name=frontend: host already exists");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, SetHostInvalidName) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Set("frontend", {"name=front_end"}, &err));
  EXPECT_EQ(err, "name=front_end: invalid host name");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, SetHostUnknownAppliance) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Set("frontend", {"appliance=logn"}, &err));
  EXPECT_EQ(err, "appliance=logn: unknown appliance (did you mean 'login'?)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, SetHostBadRank) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Set("frontend", {"rank=first"}, &err));
  EXPECT_EQ(err, "rank=first: invalid number (expected 0 or more)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, SetHostBadAction) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Set("frontend", {"action=pxe"}, &err));
  EXPECT_EQ(err, "action=pxe: unknown boot action (expected os or install)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, FailedSetHostChangesNothing) {
  // The first two keys are applied before the third fails.
  std::string before = Snapshot(), err;
  EXPECT_FALSE(Set("frontend", {"rack=5", "comment=changed", "cpus=many"}, &err));
  EXPECT_EQ(err, "cpus=many: invalid number (expected 1 or more)");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Hosts({"frontend"}), Strings{kFrontend});
}

// RemoveHosts --------------------------------------------------------------

TEST_P(ClusterTest, RemoveHostsWithEverythingTheyOwn) {
  ASSERT_NO_FATAL_FAILURE(
      MustAdd("compute-0-0", {"appliance=compute", "mac=02:00:00:00:00:01", "ip=10.1.1.2"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-1", {"appliance=compute", "ip=10.1.1.3"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-2", {"appliance=compute", "ip=10.1.1.4"}));
  std::string err;
  ASSERT_TRUE(AddAlias(db_.get(), "compute-0-0", "c0-0", &err)) << err;
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kHost, "compute-0-0", "Foo", "x", false, &err)) << err;
  ASSERT_TRUE(AddInstallEvent(db_.get(), {"compute-0-0", 1700000000, "installing", ""}, &err))
      << err;
  ASSERT_TRUE(AddIfc("compute-0-1", {"device=eth1", "ip=192.168.1.50"}, &err)) << err;

  ASSERT_TRUE(RemoveHosts(db_.get(), {"compute-0-0", "compute-0-1"}, &err)) << err;
  std::vector<Host> hosts;
  ASSERT_TRUE(ListHosts(db_.get(), {}, &hosts, &err)) << err;
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].name, "frontend");
  EXPECT_EQ(hosts[1].name, "compute-0-2");
  for (const char* sql :
       {"SELECT COUNT(*) FROM aliases", "SELECT COUNT(*) FROM attributes WHERE scope = 'host'",
        "SELECT COUNT(*) FROM install_events"}) {
    Rows rows;
    ASSERT_TRUE(db_->Query(sql, {}, &rows, &err)) << err;
    EXPECT_EQ(rows, (Rows{{"0"}})) << sql;
  }
  Rows rows;
  ASSERT_TRUE(db_->Query("SELECT ip FROM interfaces ORDER BY ip", {}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"10.1.1.1"}, {"10.1.1.4"}, {"192.168.1.1"}}));

  // The name, MAC and IP are free again, and a new host of the same name
  // does not inherit anything of the old one.
  ASSERT_NO_FATAL_FAILURE(
      MustAdd("compute-0-0", {"appliance=compute", "mac=02:00:00:00:00:01", "ip=10.1.1.2"}));
  std::vector<Attr> attrs;
  ASSERT_TRUE(ListAttrs(db_.get(), AttrScope::kHost, "compute-0-0", &attrs, &err)) << err;
  EXPECT_EQ(Describe(attrs), Strings{});
  std::vector<Alias> aliases;
  ASSERT_TRUE(ListAliases(db_.get(), &aliases, &err)) << err;
  EXPECT_EQ(aliases.size(), 0u);
}

TEST_P(ClusterTest, RemoveHostsAllOrNothing) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute", "ip=10.1.1.2"}));
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-1", {"appliance=compute", "ip=10.1.1.3"}));
  std::string before = Snapshot(), err;
  EXPECT_FALSE(RemoveHosts(db_.get(), {"compute-0-0", "nosuchhost", "compute-0-1"}, &err));
  EXPECT_EQ(err, "nosuchhost: unknown host");
  EXPECT_EQ(Snapshot(), before);
}

// Interfaces ---------------------------------------------------------------

TEST_P(ClusterTest, AddAndRemoveInterface) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("nas-0-0", {"appliance=nas", "ip=10.1.1.9"}));
  std::string err;
  ASSERT_TRUE(AddIfc("nas-0-0",
                     {"device=eth1", "mac=0200.0000.0009", "ip=192.168.1.9", "module=ixgbe",
                      "name=nas-public"},
                     &err))
      << err;
  EXPECT_EQ(Hosts({"nas-0-0"}),
            (Strings{"nas-0-0 appliance=nas rack=0 rank=0 cpus=1 arch=x86_64 os=linux comment= "
                     "action=os [eth0 host=nas-0-0 mac= ip=10.1.1.9 subnet=private module= "
                     "name=] [eth1 host=nas-0-0 mac=02:00:00:00:00:09 ip=192.168.1.9 "
                     "subnet=public module=ixgbe name=nas-public]"}));
  ASSERT_TRUE(RemoveInterface(db_.get(), "nas-0-0", "eth0", &err)) << err;
  EXPECT_EQ(Hosts({"nas-0-0"}),
            (Strings{"nas-0-0 appliance=nas rack=0 rank=0 cpus=1 arch=x86_64 os=linux comment= "
                     "action=os [eth1 host=nas-0-0 mac=02:00:00:00:00:09 ip=192.168.1.9 "
                     "subnet=public module=ixgbe name=nas-public]"}));
}

TEST_P(ClusterTest, AddInterfaceMissingDevice) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddIfc("frontend", {"ip=10.1.1.20"}, &err));
  EXPECT_EQ(err, "frontend: missing device=");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddInterfaceExistingDevice) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddIfc("frontend", {"device=eth0", "ip=10.1.1.20"}, &err));
  EXPECT_EQ(err, "device=eth0: host already has this interface");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddInterfaceUnknownHost) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddIfc("frontnd", {"device=eth2"}, &err));
  EXPECT_EQ(err, "frontnd: unknown host (did you mean 'frontend'?)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddInterfaceUnknownKey) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddIfc("frontend", {"device=eth2", "speed=10"}, &err));
  EXPECT_EQ(err,
            "speed=10: unknown key (expected mac, ip, subnet, network, device, module, vlan, "
            "parent, channel, options, name, slaves or a bond option: mode, miimon, ...)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddInterfaceUnknownKeySuggests) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddIfc("frontend", {"devce=eth2"}, &err));
  EXPECT_EQ(err, "devce=eth2: unknown key (did you mean 'device'?)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddInterfaceDuplicateMac) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddIfc("frontend", {"device=eth2", "mac=525400000002"}, &err));
  EXPECT_EQ(err, "mac=52:54:00:00:00:02: already used by frontend");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AddInterfaceInvalidName) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddIfc("frontend", {"device=eth2", "name=bad_name"}, &err));
  EXPECT_EQ(err, "name=bad_name: invalid host name");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, RemoveMissingInterface) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(RemoveInterface(db_.get(), "frontend", "eth9", &err));
  EXPECT_EQ(err, "frontend: no interface eth9");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, RemoveInterfaceOfUnknownHost) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(RemoveInterface(db_.get(), "nosuchhost", "eth0", &err));
  EXPECT_EQ(err, "nosuchhost: unknown host");
  EXPECT_EQ(Snapshot(), before);
}

// Aliases ------------------------------------------------------------------

TEST_P(ClusterTest, Aliases) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute"}));
  std::string err;
  ASSERT_TRUE(AddAlias(db_.get(), "compute-0-0", "c0-0", &err)) << err;
  ASSERT_TRUE(AddAlias(db_.get(), "frontend", "www", &err)) << err;
  ASSERT_TRUE(AddAlias(db_.get(), "frontend", "head", &err)) << err;
  std::vector<Alias> aliases;
  ASSERT_TRUE(ListAliases(db_.get(), &aliases, &err)) << err;
  Strings got;
  for (const Alias& a : aliases) got.push_back(a.name + " -> " + a.host);
  EXPECT_EQ(got, (Strings{"c0-0 -> compute-0-0", "head -> frontend", "www -> frontend"}));
  ASSERT_TRUE(RemoveAlias(db_.get(), "head", &err)) << err;
  aliases.clear();
  ASSERT_TRUE(ListAliases(db_.get(), &aliases, &err)) << err;
  EXPECT_EQ(aliases.size(), 2u);
}

TEST_P(ClusterTest, AliasAlreadyAnAlias) {
  std::string err;
  ASSERT_TRUE(AddAlias(db_.get(), "frontend", "www", &err)) << err;
  std::string before = Snapshot();
  EXPECT_FALSE(AddAlias(db_.get(), "frontend", "www", &err));
  EXPECT_EQ(err, "www: already an alias name");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AliasAlreadyAHost) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute"}));
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddAlias(db_.get(), "compute-0-0", "frontend", &err));
  EXPECT_EQ(err, "frontend: already a host name");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AliasInvalidName) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddAlias(db_.get(), "frontend", "web_server", &err));
  EXPECT_EQ(err, "web_server: invalid alias name");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, AliasForUnknownHost) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddAlias(db_.get(), "nosuchhost", "www", &err));
  EXPECT_EQ(err, "nosuchhost: unknown host");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ClusterTest, RemoveUnknownAlias) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(RemoveAlias(db_.get(), "www", &err));
  EXPECT_EQ(err, "www: unknown alias");
  EXPECT_EQ(Snapshot(), before);
}

// Attributes ---------------------------------------------------------------

TEST(AttrScopeNameTest, Names) {
  EXPECT_STREQ(AttrScopeName(AttrScope::kGlobal), "global");
  EXPECT_STREQ(AttrScopeName(AttrScope::kAppliance), "appliance");
  EXPECT_STREQ(AttrScopeName(AttrScope::kHost), "host");
}

class AttrTest : public ClusterTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ClusterTest::SetUp());
    if (IsSkipped()) return;
    ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute"}));
    ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-1", {"appliance=compute"}));
    ASSERT_NO_FATAL_FAILURE(MustAdd("login-0-0", {"appliance=login"}));
    for (auto [scope, owner, name, value] :
         std::vector<std::tuple<AttrScope, std::string, std::string, std::string>>{
             {AttrScope::kGlobal, "", "T_all", "global"},
             {AttrScope::kGlobal, "", "T_global", "g"},
             {AttrScope::kAppliance, "compute", "T_all", "appliance"},
             {AttrScope::kAppliance, "compute", "T_appliance", "a"},
             {AttrScope::kHost, "compute-0-0", "T_all", "host"},
             {AttrScope::kHost, "compute-0-0", "T_host", "h"},
         }) {
      std::string err;
      ASSERT_TRUE(SetAttr(db_.get(), scope, owner, name, value, true, &err)) << err;
    }
  }
};

INSTANTIATE_TEST_SUITE_P(Sqlite, AttrTest, testing::Values(TestEngine::kSqlite), EngineName);
INSTANTIATE_TEST_SUITE_P(Mysql, AttrTest, testing::Values(TestEngine::kMysql), EngineName);

TEST_P(AttrTest, HostOverApplianceOverGlobal) {
  EXPECT_EQ(Resolve(AttrScope::kHost, "compute-0-0", "T_"),
            (Strings{"T_all=host (host compute-0-0)", "T_appliance=a (appliance compute)",
                     "T_global=g (global)", "T_host=h (host compute-0-0)"}));
  EXPECT_EQ(Resolve(AttrScope::kHost, "compute-0-1", "T_"),
            (Strings{"T_all=appliance (appliance compute)", "T_appliance=a (appliance compute)",
                     "T_global=g (global)"}));
  EXPECT_EQ(Resolve(AttrScope::kHost, "login-0-0", "T_"),
            (Strings{"T_all=global (global)", "T_global=g (global)"}));
}

TEST_P(AttrTest, ApplianceOverGlobal) {
  EXPECT_EQ(Resolve(AttrScope::kAppliance, "compute", "T_"),
            (Strings{"T_all=appliance (appliance compute)", "T_appliance=a (appliance compute)",
                     "T_global=g (global)"}));
  EXPECT_EQ(Resolve(AttrScope::kAppliance, "nas", "T_"),
            (Strings{"T_all=global (global)", "T_global=g (global)"}));
  EXPECT_EQ(Resolve(AttrScope::kGlobal, "", "T_"),
            (Strings{"T_all=global (global)", "T_global=g (global)"}));
}

TEST_P(AttrTest, ResolveIncludesTheInitGlobals) {
  std::vector<Attr> attrs;
  std::string err;
  ASSERT_TRUE(ResolveAttrs(db_.get(), AttrScope::kHost, "compute-0-0", &attrs, &err)) << err;
  // 28 from init (with a public address) and
  // the 4 test names.
  EXPECT_EQ(attrs.size(), 32u);
  EXPECT_EQ(Resolve(AttrScope::kHost, "compute-0-0", "Kickstart_PrivateHostname"),
            Strings{"Kickstart_PrivateHostname=frontend (global)"});
}

TEST_P(AttrTest, ListShowsOneScopeOnly) {
  EXPECT_EQ(List(AttrScope::kHost, "compute-0-0"),
            (Strings{"T_all=host (host compute-0-0)", "T_host=h (host compute-0-0)"}));
  EXPECT_EQ(List(AttrScope::kHost, "compute-0-1"), Strings{});
  EXPECT_EQ(List(AttrScope::kAppliance, "compute"),
            (Strings{"T_all=appliance (appliance compute)", "T_appliance=a (appliance compute)"}));
  EXPECT_EQ(List(AttrScope::kAppliance, "login"), Strings{});
}

TEST_P(AttrTest, SetOverwrites) {
  std::string err;
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kHost, "compute-0-0", "T_all", "new value", false,
                      &err))
      << err;
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kGlobal, "", "T_global", "g2", false, &err)) << err;
  EXPECT_EQ(Resolve(AttrScope::kHost, "compute-0-0", "T_"),
            (Strings{"T_all=new value (host compute-0-0)", "T_appliance=a (appliance compute)",
                     "T_global=g2 (global)", "T_host=h (host compute-0-0)"}));
}

TEST_P(AttrTest, ValuesKeepEveryCharacter) {
  const std::string value = "a 'quoted' \"value\" with\ttab & <xml> caf\xc3\xa9 ;";
  std::string err;
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kGlobal, "", "T_text", value, true, &err)) << err;
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kGlobal, "", "T_empty", "", true, &err)) << err;
  std::vector<Attr> attrs;
  ASSERT_TRUE(ListAttrs(db_.get(), AttrScope::kGlobal, "", &attrs, &err)) << err;
  std::map<std::string, std::string> g;
  for (const Attr& a : attrs) g[a.name] = a.value;
  EXPECT_EQ(g.at("T_text"), value);
  EXPECT_EQ(g.at("T_empty"), "");
}

TEST_P(AttrTest, NamesAreCaseSensitive) {
  // Attribute names become kpp entities (&Name;), which are case-sensitive:
  // T_Case and T_case are two attributes on every engine.
  std::string err;
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kGlobal, "", "T_Case", "upper", true, &err)) << err;
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kGlobal, "", "T_case", "lower", true, &err)) << err;
  EXPECT_EQ(Resolve(AttrScope::kGlobal, "", "T_"),
            (Strings{"T_Case=upper (global)", "T_all=global (global)", "T_case=lower (global)",
                     "T_global=g (global)"}));
}

TEST_P(AttrTest, CreateOnlyRefusesAnExistingHostAttr) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(SetAttr(db_.get(), AttrScope::kHost, "compute-0-0", "T_host", "x", true, &err));
  EXPECT_EQ(err, "T_host: already set for host compute-0-0 (use 'rocks set attr' to change it)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(AttrTest, CreateOnlyRefusesAnExistingApplianceAttr) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(SetAttr(db_.get(), AttrScope::kAppliance, "compute", "T_all", "x", true, &err));
  EXPECT_EQ(err, "T_all: already set for appliance compute (use 'rocks set attr' to change it)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(AttrTest, CreateOnlyRefusesAnExistingGlobalAttr) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(SetAttr(db_.get(), AttrScope::kGlobal, "", "T_global", "x", true, &err));
  EXPECT_EQ(err, "T_global: already set globally (use 'rocks set attr' to change it)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(AttrTest, InvalidNames) {
  std::string before = Snapshot(), err;
  for (const char* name : {"1abc", "", "a b", "-x", ".x", "a=b", "caf\xc3\xa9"}) {
    EXPECT_FALSE(SetAttr(db_.get(), AttrScope::kGlobal, "", name, "x", false, &err)) << name;
    EXPECT_EQ(err, std::string(name) + ": invalid attribute name");
  }
  EXPECT_FALSE(
      SetAttr(db_.get(), AttrScope::kGlobal, "", std::string(129, 'a'), "x", false, &err));
  EXPECT_EQ(err, std::string(129, 'a') + ": invalid attribute name");
  EXPECT_EQ(Snapshot(), before);
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kGlobal, "", "Kickstart_x.y-z_1", "ok", false, &err))
      << err;
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kGlobal, "", std::string(128, 'a'), "ok", false, &err))
      << err;
}

TEST_P(AttrTest, SetForUnknownAppliance) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(SetAttr(db_.get(), AttrScope::kAppliance, "compte", "T_x", "x", false, &err));
  EXPECT_EQ(err, "compte: unknown appliance (did you mean 'compute'?)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(AttrTest, SetForUnknownHost) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(SetAttr(db_.get(), AttrScope::kHost, "compute-0-7", "T_x", "x", false, &err));
  EXPECT_EQ(err, "compute-0-7: unknown host (did you mean 'compute-0-0'?)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(AttrTest, RemoveForUnknownHost) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(RemoveAttr(db_.get(), AttrScope::kHost, "nosuchhost", "T_all", &err));
  EXPECT_EQ(err, "nosuchhost: unknown host");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(AttrTest, ListForUnknownAppliance) {
  std::vector<Attr> attrs;
  std::string err;
  EXPECT_FALSE(ListAttrs(db_.get(), AttrScope::kAppliance, "xyzzy", &attrs, &err));
  EXPECT_EQ(err, "xyzzy: unknown appliance");
  EXPECT_EQ(attrs.size(), 0u);
}

TEST_P(AttrTest, ResolveForUnknownHost) {
  std::vector<Attr> attrs;
  std::string err;
  EXPECT_FALSE(ResolveAttrs(db_.get(), AttrScope::kHost, "nosuchhost", &attrs, &err));
  EXPECT_EQ(err, "nosuchhost: unknown host");
  EXPECT_EQ(attrs.size(), 0u);
}

TEST_P(AttrTest, ResolveForUnknownAppliance) {
  std::vector<Attr> attrs;
  std::string err;
  EXPECT_FALSE(ResolveAttrs(db_.get(), AttrScope::kAppliance, "xyzzy", &attrs, &err));
  EXPECT_EQ(err, "xyzzy: unknown appliance");
  EXPECT_EQ(attrs.size(), 0u);
}

TEST_P(AttrTest, RemoveUncoversTheNextScope) {
  std::string err;
  ASSERT_TRUE(RemoveAttr(db_.get(), AttrScope::kHost, "compute-0-0", "T_all", &err)) << err;
  EXPECT_EQ(Resolve(AttrScope::kHost, "compute-0-0", "T_all"),
            Strings{"T_all=appliance (appliance compute)"});
  ASSERT_TRUE(RemoveAttr(db_.get(), AttrScope::kAppliance, "compute", "T_all", &err)) << err;
  EXPECT_EQ(Resolve(AttrScope::kHost, "compute-0-0", "T_all"),
            Strings{"T_all=global (global)"});
  ASSERT_TRUE(RemoveAttr(db_.get(), AttrScope::kGlobal, "", "T_all", &err)) << err;
  EXPECT_EQ(Resolve(AttrScope::kHost, "compute-0-0", "T_all"), Strings{});
}

TEST_P(AttrTest, RemoveHostAttrNotSet) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(RemoveAttr(db_.get(), AttrScope::kHost, "compute-0-1", "T_all", &err));
  EXPECT_EQ(err, "T_all: not set for host compute-0-1");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(AttrTest, RemoveApplianceAttrNotSet) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(RemoveAttr(db_.get(), AttrScope::kAppliance, "login", "T_all", &err));
  EXPECT_EQ(err, "T_all: not set for appliance login");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(AttrTest, RemoveGlobalAttrNotSet) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(RemoveAttr(db_.get(), AttrScope::kGlobal, "", "T_host", &err));
  EXPECT_EQ(err, "T_host: not set globally");
  EXPECT_EQ(Snapshot(), before);
}

// Install events -----------------------------------------------------------

TEST_P(ClusterTest, InstallEvents) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute"}));
  std::string err;
  ASSERT_TRUE(AddInstallEvent(db_.get(), {"compute-0-0", 1700000000, "profile-sent", "ks"}, &err))
      << err;
  std::vector<InstallEvent> events;
  int64_t last = -1;
  ASSERT_TRUE(ListInstallEvents(db_.get(), 0, &events, &last, &err)) << err;
  EXPECT_EQ(Describe(events), Strings{"compute-0-0 1700000000 profile-sent ks"});
  EXPECT_GT(last, 0);
  int64_t first = last;

  ASSERT_TRUE(AddInstallEvent(db_.get(), {"frontend", 1700000005, "installing", ""}, &err)) << err;
  ASSERT_TRUE(AddInstallEvent(db_.get(), {"compute-0-0", 1700000010, "installed", "done"}, &err))
      << err;
  events.clear();
  ASSERT_TRUE(ListInstallEvents(db_.get(), first, &events, &last, &err)) << err;
  EXPECT_EQ(Describe(events), (Strings{"frontend 1700000005 installing ",
                                       "compute-0-0 1700000010 installed done"}));
  EXPECT_GT(last, first);

  // Nothing new: the position stays.
  int64_t now = last;
  events.clear();
  ASSERT_TRUE(ListInstallEvents(db_.get(), now, &events, &last, &err)) << err;
  EXPECT_EQ(events.size(), 0u);
  EXPECT_EQ(last, now);

  events.clear();
  ASSERT_TRUE(ListInstallEvents(db_.get(), 0, &events, nullptr, &err)) << err;
  EXPECT_EQ(events.size(), 3u);
}

TEST_P(ClusterTest, InstallEventForUnknownHost) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddInstallEvent(db_.get(), {"nosuchhost", 1, "installing", ""}, &err));
  EXPECT_EQ(err, "nosuchhost: unknown host");
  EXPECT_EQ(Snapshot(), before);
}

// Writers ------------------------------------------------------------------

TEST_P(ClusterTest, SecondWriterFailsCleanlyWhileTheFirstHoldsATransaction) {
  auto second = Connect(Mysql() ? 1.0 : 0.2);
  ASSERT_TRUE(second);
  std::string err;
  ASSERT_TRUE(db_->Begin(&err)) << err;
  ASSERT_TRUE(db_->Exec("UPDATE hosts SET comment = 'busy'", {}, &err)) << err;
  {
    // What the second connection sees: the state before the first's write.
    NewHost h;
    h.name = "compute-0-0";
    h.appliance = "compute";
    EXPECT_FALSE(AddHost(second.get(), h, &err));
    EXPECT_EQ(err, Mysql() ? url_ + ": Lock wait timeout exceeded; try restarting transaction"
                           : path_ + ": database is locked");
  }
  db_->Rollback();
  // The second writer gets through once the first is done, and nothing of
  // the failed attempt or the rolled-back write is there.
  std::string err2;
  NewHost h;
  h.name = "compute-0-0";
  h.appliance = "compute";
  ASSERT_TRUE(AddHost(second.get(), h, &err2)) << err2;
  EXPECT_EQ(Hosts(), (Strings{kFrontend,
                              "compute-0-0 appliance=compute rack=0 rank=0 cpus=1 arch=x86_64 "
                              "os=linux comment= action=os"}));
}

TEST_P(ClusterTest, FindHostByAddressTriesTheIpThenTheMac) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute", "ip=10.1.1.2"}));
  ASSERT_NO_FATAL_FAILURE(
      MustAdd("compute-0-1", {"appliance=compute", "mac=52:54:00:00:00:11"}));
  Host h;
  bool found = false;
  std::string err;
  ASSERT_TRUE(FindHostByAddress(db_.get(), "10.1.1.2", "52:54:00:00:00:11", &h, &found, &err))
      << err;
  EXPECT_TRUE(found);
  EXPECT_EQ(h.name, "compute-0-0");
  ASSERT_TRUE(FindHostByAddress(db_.get(), "10.9.9.9", "52:54:00:00:00:11", &h, &found, &err))
      << err;
  EXPECT_TRUE(found);
  EXPECT_EQ(h.name, "compute-0-1");
  ASSERT_EQ(h.interfaces.size(), 1u);
  EXPECT_EQ(h.interfaces[0].mac, "52:54:00:00:00:11");
}

TEST_P(ClusterTest, FindHostByAddressUnknownIsNotAnError) {
  Host h;
  bool found = true;
  std::string err;
  ASSERT_TRUE(FindHostByAddress(db_.get(), "10.9.9.9", "", &h, &found, &err));
  EXPECT_FALSE(found);
  EXPECT_EQ(err, "");
}

TEST_P(ClusterTest, FindHostInAnyCase) {
  ASSERT_NO_FATAL_FAILURE(MustAdd("compute-0-0", {"appliance=compute", "cpus=8"}));
  Host h;
  bool found = false;
  std::string err;
  ASSERT_TRUE(FindHost(db_.get(), "Compute-0-0", &h, &found, &err)) << err;
  EXPECT_TRUE(found);
  EXPECT_EQ(h.name, "compute-0-0");
  EXPECT_EQ(h.cpus, 8);
  ASSERT_TRUE(FindHost(db_.get(), "compute-9-9", &h, &found, &err));
  EXPECT_FALSE(found);
  EXPECT_EQ(err, "");
}


// --- VLANs, bonds and set host interface ---------------------------------

class InterfaceTest : public ClusterTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ClusterTest::SetUp());
    if (IsSkipped()) return;
    MustAdd("compute-0-0", {"appliance=compute", "mac=52:54:00:00:00:10", "ip=10.255.255.254"});
    MustAdd("compute-0-1", {"appliance=compute", "mac=52:54:00:00:00:11", "ip=10.255.255.253"});
    std::string err;
    ASSERT_TRUE(AddIfc("compute-0-0", {"device=ens1f0", "mac=52:54:00:00:00:a0"}, &err)) << err;
    ASSERT_TRUE(AddIfc("compute-0-0", {"device=ens1f1", "mac=52:54:00:00:00:a1"}, &err)) << err;
  }

  bool SetIfc(const std::string& host, const std::string& dev, const Strings& words,
              std::string* err) {
    KeyValues kv;
    return ParseKeyValues(words, &kv, err) && SetInterface(db_.get(), host, dev, kv, err);
  }

  // DEVICE vlan parent options ip subnet mac, one line per interface.
  Strings Ifcs(const std::string& host) {
    std::vector<Host> hosts;
    std::string err;
    EXPECT_TRUE(ListHosts(db_.get(), {host}, &hosts, &err)) << err;
    Strings out;
    for (const Interface& i : hosts.at(0).interfaces)
      out.push_back(i.device + " vlan=" + std::to_string(i.vlan) + " parent=" + i.parent +
                    " options=" + i.options + " ip=" + i.ip + " subnet=" + i.subnet +
                    " mac=" + i.mac);
    return out;
  }
};

INSTANTIATE_TEST_SUITE_P(Sqlite, InterfaceTest, testing::Values(TestEngine::kSqlite), EngineName);
INSTANTIATE_TEST_SUITE_P(Mysql, InterfaceTest, testing::Values(TestEngine::kMysql), EngineName);

TEST_P(InterfaceTest, BondTakesItsSlavesAndOptions) {
  std::string err;
  ASSERT_TRUE(AddIfc("compute-0-0",
                     {"device=bond0", "network=public", "ip=192.168.1.50", "mode=802.3ad",
                      "miimon=100", "slaves=ens1f0,ens1f1"},
                     &err))
      << err;
  EXPECT_EQ(Ifcs("compute-0-0"),
            (Strings{"bond0 vlan=0 parent= options=mode=802.3ad miimon=100 ip=192.168.1.50 "
                     "subnet=public mac=",
                     "ens1f0 vlan=0 parent=bond0 options= ip= subnet= mac=52:54:00:00:00:a0",
                     "ens1f1 vlan=0 parent=bond0 options= ip= subnet= mac=52:54:00:00:00:a1",
                     "eth0 vlan=0 parent= options= ip=10.255.255.254 subnet=private "
                     "mac=52:54:00:00:00:10"}));
}

TEST_P(InterfaceTest, BondSlaveThatDoesNotExistChangesNothing) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddIfc("compute-0-0", {"device=bond0", "slaves=ens1f0,ens9"}, &err));
  EXPECT_EQ(err, "slaves=ens1f0,ens9: compute-0-0 has no interface ens9");
  EXPECT_EQ(Snapshot(), before);
  // Another host's interface is no slave of this one's bond.
  EXPECT_FALSE(AddIfc("compute-0-1", {"device=bond0", "slaves=ens1f0"}, &err));
  EXPECT_EQ(err, "slaves=ens1f0: compute-0-1 has no interface ens1f0");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(InterfaceTest, BadBondOptionsAreRefused) {
  std::string before = Snapshot(), err;
  EXPECT_FALSE(AddIfc("compute-0-0", {"device=bond0", "options=mode=1 miimon"}, &err));
  EXPECT_EQ(err, "options=mode=1 miimon: miimon: expected KEY=VALUE");
  EXPECT_FALSE(AddIfc("compute-0-0", {"device=bond0", "mode=1;reboot"}, &err));
  EXPECT_EQ(err, "mode=1;reboot: mode=1;reboot: invalid character in the value");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(InterfaceTest, VlanNeedsAnIdInRangeAndAParentOfTheHost) {
  std::string before = Snapshot(), err;
  for (const char* bad : {"vlan=0", "vlan=4095", "vlan=-1", "vlan=x"}) {
    EXPECT_FALSE(AddIfc("compute-0-0", {"device=ens1f0.9", bad, "parent=ens1f0"}, &err));
    EXPECT_EQ(err, std::string(bad) + ": invalid number (expected 1 to 4094)");
  }
  EXPECT_FALSE(AddIfc("compute-0-0", {"device=ens1f0.9", "vlan=9", "parent=ens7"}, &err));
  EXPECT_EQ(err, "parent=ens7: compute-0-0 has no interface ens7");
  EXPECT_FALSE(AddIfc("compute-0-0", {"device=ens1f0.9", "vlan=9"}, &err));
  EXPECT_EQ(err, "ens1f0.9: vlan=9: a VLAN needs parent= (the interface it rides on)");
  EXPECT_EQ(Snapshot(), before);
  ASSERT_TRUE(AddIfc("compute-0-0",
                     {"device=ens1f0.9", "vlan=9", "parent=ens1f0", "network=public",
                      "ip=192.168.1.9"},
                     &err))
      << err;
  EXPECT_EQ(Ifcs("compute-0-0")[0],
            "ens1f0 vlan=0 parent= options= ip= subnet= mac=52:54:00:00:00:a0");
  EXPECT_EQ(Ifcs("compute-0-0")[1],
            "ens1f0.9 vlan=9 parent=ens1f0 options= ip=192.168.1.9 subnet=public mac=");
  // A VLAN on a VLAN, or on a bond slave, is refused.
  EXPECT_FALSE(AddIfc("compute-0-0", {"device=q", "vlan=3", "parent=ens1f0.9"}, &err));
  EXPECT_EQ(err, "parent=ens1f0.9: ens1f0.9 is a VLAN (vlan=9)");
}

TEST_P(InterfaceTest, SetChangesEveryFieldAllOrNothing) {
  std::string err;
  ASSERT_TRUE(SetIfc("compute-0-0", "ens1f1",
                     {"ip=192.168.1.60", "network=public", "module=mlx5_core", "name=c00-pub",
                      "mac=52-54-00-00-00-A9"},
                     &err))
      << err;
  std::vector<Host> hosts;
  ASSERT_TRUE(ListHosts(db_.get(), {"compute-0-0"}, &hosts, &err)) << err;
  const Interface& i = hosts[0].interfaces[1];
  EXPECT_EQ(i.device + " " + i.ip + " " + i.subnet + " " + i.module + " " + i.name + " " + i.mac,
            "ens1f1 192.168.1.60 public mlx5_core c00-pub 52:54:00:00:00:a9");
  // Its own MAC and address are no duplicates.
  EXPECT_TRUE(SetIfc("compute-0-0", "ens1f1", {"ip=192.168.1.60", "mac=52:54:00:00:00:a9"}, &err))
      << err;
  // One bad value: nothing of the set lands.
  std::string before = Snapshot();
  EXPECT_FALSE(SetIfc("compute-0-0", "ens1f1", {"module=e1000", "ip=192.168.1.1"}, &err));
  EXPECT_EQ(err, "ip=192.168.1.1: already used by frontend");
  EXPECT_FALSE(SetIfc("compute-0-0", "ens1f1", {"module=e1000", "mac=52:54:00:00:00:11"}, &err));
  EXPECT_EQ(err, "mac=52:54:00:00:00:11: already used by compute-0-1");
  EXPECT_FALSE(SetIfc("compute-0-0", "ens1f1", {"device=eth0"}, &err));
  EXPECT_EQ(err, "device=eth0: host already has this interface");
  EXPECT_FALSE(SetIfc("compute-0-0", "ens1f1", {"ip=10.255.255.250", "network=public"}, &err));
  EXPECT_EQ(err, "ip=10.255.255.250: not in subnet public (192.168.1.0/24)");
  EXPECT_FALSE(SetIfc("compute-0-0", "ens1f1", {"vlan=5000"}, &err));
  EXPECT_EQ(err, "vlan=5000: invalid number (expected 1 to 4094)");
  EXPECT_FALSE(SetIfc("compute-0-0", "ens9", {"ip=192.168.1.61"}, &err));
  EXPECT_EQ(err, "compute-0-0: no interface ens9");
  EXPECT_EQ(Snapshot(), before);
  // An address alone finds its network again; an empty value clears.
  ASSERT_TRUE(SetIfc("compute-0-0", "ens1f1", {"ip=10.1.2.3", "name=", "module="}, &err)) << err;
  EXPECT_EQ(Ifcs("compute-0-0")[1],
            "ens1f1 vlan=0 parent= options= ip=10.1.2.3 subnet=private mac=52:54:00:00:00:a9");
}

TEST_P(InterfaceTest, SetMakesABondAndRenamingItKeepsItsSlaves) {
  std::string err;
  ASSERT_TRUE(AddIfc("compute-0-0", {"device=bond0", "mode=active-backup"}, &err))
      << err;
  ASSERT_TRUE(SetIfc("compute-0-0", "ens1f0", {"channel=bond0"}, &err)) << err;
  ASSERT_TRUE(SetIfc("compute-0-0", "ens1f1", {"parent=bond0"}, &err)) << err;
  ASSERT_TRUE(SetIfc("compute-0-0", "bond0", {"device=bond1", "miimon=100"}, &err)) << err;
  EXPECT_EQ(Ifcs("compute-0-0")[0],
            "bond1 vlan=0 parent= options=mode=active-backup miimon=100 ip= subnet= mac=");
  EXPECT_EQ(Ifcs("compute-0-0")[1],
            "ens1f0 vlan=0 parent=bond1 options= ip= subnet= mac=52:54:00:00:00:a0");
  EXPECT_EQ(Ifcs("compute-0-0")[2],
            "ens1f1 vlan=0 parent=bond1 options= ip= subnet= mac=52:54:00:00:00:a1");
  // slaves= makes the slaves exactly those.
  ASSERT_TRUE(SetIfc("compute-0-0", "bond1", {"slaves=ens1f1"}, &err)) << err;
  EXPECT_EQ(Ifcs("compute-0-0")[1],
            "ens1f0 vlan=0 parent= options= ip= subnet= mac=52:54:00:00:00:a0");
  // A slave has no address of its own.
  std::string before = Snapshot();
  EXPECT_FALSE(SetIfc("compute-0-0", "eth0", {"parent=bond1"}, &err));
  EXPECT_EQ(err, "eth0: ip=10.255.255.254: a slave of bond bond1 has no address of its own "
                 "(give it to bond1)");
  EXPECT_EQ(Snapshot(), before);
  // Removing the bond frees its slaves.
  ASSERT_TRUE(RemoveInterface(db_.get(), "compute-0-0", "bond1", &err)) << err;
  EXPECT_EQ(Ifcs("compute-0-0")[1],
            "ens1f1 vlan=0 parent= options= ip= subnet= mac=52:54:00:00:00:a1");
}

TEST_P(InterfaceTest, RemovingTheParentOfAVlanIsRefused) {
  std::string err;
  ASSERT_TRUE(AddIfc("compute-0-0", {"device=ens1f0.7", "vlan=7", "parent=ens1f0"}, &err)) << err;
  std::string before = Snapshot();
  EXPECT_FALSE(RemoveInterface(db_.get(), "compute-0-0", "ens1f0", &err));
  EXPECT_EQ(err, "compute-0-0: ens1f0: VLAN ens1f0.7 rides on it (remove that first)");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(InterfaceTest, HostReportRecordsCpusMemoryAndUnknownNicsOnly) {
  std::string err;
  ASSERT_TRUE(AddIfc("compute-0-0", {"device=ib0"}, &err)) << err;
  HostReport r;
  r.cpus = 64;
  r.memory = 257000;
  r.nics = {{"eth0", "52:54:00:00:00:10"},   // its own: as it is
            {"eno9", "52:54:00:00:00:11"},   // compute-0-1's: left alone
            {"ens1f0", "52:54:00:00:00:ff"}, // its ens1f0 has another MAC: left alone
            {"ib0", "52:54:00:00:00:b0"},    // known without a MAC: takes it
            {"eno2", "52:54:00:00:00:c2"}};  // new
  std::vector<std::string> notes;
  ASSERT_TRUE(RecordHostReport(db_.get(), "compute-0-0", r, &notes, &err)) << err;
  EXPECT_EQ(notes, (Strings{"compute-0-0: eno9 52:54:00:00:00:11: left alone, the MAC is "
                            "compute-0-1's",
                            "compute-0-0: ens1f0 52:54:00:00:00:ff: left alone, ens1f0 is "
                            "52:54:00:00:00:a0"}));
  std::vector<Host> hosts;
  ASSERT_TRUE(ListHosts(db_.get(), {"compute-0-0", "compute-0-1"}, &hosts, &err)) << err;
  EXPECT_EQ(hosts[0].cpus, 64);
  EXPECT_EQ(hosts[0].memory, 257000);
  EXPECT_EQ(hosts[1].cpus, 1);
  EXPECT_EQ(hosts[1].memory, 0);
  EXPECT_EQ(Ifcs("compute-0-0"),
            (Strings{"eno2 vlan=0 parent= options= ip= subnet= mac=52:54:00:00:00:c2",
                     "ens1f0 vlan=0 parent= options= ip= subnet= mac=52:54:00:00:00:a0",
                     "ens1f1 vlan=0 parent= options= ip= subnet= mac=52:54:00:00:00:a1",
                     "eth0 vlan=0 parent= options= ip=10.255.255.254 subnet=private "
                     "mac=52:54:00:00:00:10",
                     "ib0 vlan=0 parent= options= ip= subnet= mac=52:54:00:00:00:b0"}));
  EXPECT_EQ(Ifcs("compute-0-1").size(), 1u);
  // Reported again: nothing new.
  std::string before = Snapshot();
  notes.clear();
  r.nics = {{"eno2", "52:54:00:00:00:c2"}};
  ASSERT_TRUE(RecordHostReport(db_.get(), "compute-0-0", r, &notes, &err)) << err;
  EXPECT_EQ(Snapshot(), before);
}

}  // namespace
}  // namespace rocks
