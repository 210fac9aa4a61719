// Tests for lib/discover: how insert-ethers names and addresses new nodes,
// and inserting, replacing, removing and dumping them; on SQLite and (under
// t/mariadb.test) on MariaDB.
#include "discover.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"
#include "test_db.h"

namespace rocks {
namespace {

using test::EngineName;
using test::EngineTest;
using test::MakeTempDir;
using test::TestEngine;

using Strings = std::vector<std::string>;

/// A new cluster (rocks init) per test.
class DiscoverTest : public EngineTest {
 protected:
  void Init(const std::string& network = "10.0.0.0/8",
            const std::string& address = "10.1.1.1") {
    InitOptions o;
    o.private_network = network;
    o.private_address = address;
    o.private_mac = "52:54:00:00:00:01";
    std::string err;
    ASSERT_TRUE(InitCluster(db_.get(), o, &err)) << err;
  }

  void Add(const std::string& name, const std::string& appliance, int64_t rack,
           int64_t rank, const std::string& mac, const std::string& ip) {
    NewHost h;
    h.name = name;
    h.appliance = appliance;
    h.rack = rack;
    h.rank = rank;
    Interface i;
    i.device = "eth0";
    i.mac = mac;
    i.ip = ip;
    h.interfaces.push_back(i);
    std::string err;
    ASSERT_TRUE(AddHost(db_.get(), h, &err)) << err;
  }

  // "name mac ip" for each of `n` new nodes, or the error that stopped it.
  Strings InsertMany(Discoverer* d, int n, int first_mac = 0x10) {
    Strings out;
    for (int k = 0; k < n; ++k) {
      NodeOverrides fixed;
      char mac[32];
      std::snprintf(mac, sizeof mac, "52:54:00:00:01:%02x", first_mac + k);
      fixed.mac = mac;
      NewNode node;
      std::string err;
      if (!d->Insert(db_.get(), fixed, &node, &err)) {
        out.push_back("error: " + err);
        break;
      }
      out.push_back(node.name + " " + node.mac + " " + node.ip);
    }
    return out;
  }

  // "name appliance rack rank action ip mac" per host.
  Strings Hosts() {
    std::vector<Host> hosts;
    std::string err;
    EXPECT_TRUE(ListHosts(db_.get(), {}, &hosts, &err)) << err;
    Strings out;
    for (const Host& h : hosts) {
      std::string s = h.name + " " + h.appliance + " " + std::to_string(h.rack) + " " +
                      std::to_string(h.rank) + " " + h.boot_action;
      for (const Interface& i : h.interfaces) s += " " + i.ip + " " + i.mac;
      out.push_back(s);
    }
    return out;
  }

};

TEST_P(DiscoverTest, NamesContinueFromTheHighestRankAndAddressesGoDown) {
  Init();
  Add("compute-0-4", "compute", 0, 4, "52:54:00:00:00:10", "10.255.255.254");
  Add("compute-1-0", "compute", 1, 0, "52:54:00:00:00:11", "10.255.255.252");
  Discoverer d;
  std::string err;
  ASSERT_TRUE(d.Load(db_.get(), DiscoverOptions(), &err)) << err;
  EXPECT_TRUE(d.Known("52:54:00:00:00:10"));
  EXPECT_FALSE(d.Known("52:54:00:00:01:10"));
  EXPECT_EQ(InsertMany(&d, 3),
            (Strings{"compute-0-5 52:54:00:00:01:10 10.255.255.253",
                     "compute-0-6 52:54:00:00:01:11 10.255.255.251",
                     "compute-0-7 52:54:00:00:01:12 10.255.255.250"}));
  EXPECT_TRUE(d.Known("52:54:00:00:01:11"));
  Strings hosts = Hosts();
  EXPECT_EQ(hosts[2], "compute-0-5 compute 0 5 install 10.255.255.253 52:54:00:00:01:10");
}

TEST_P(DiscoverTest, RackBasenameRankAndAddressOptions) {
  Init();
  Add("login-2-3", "login", 2, 3, "52:54:00:00:00:10", "10.0.0.12");
  DiscoverOptions o;
  o.appliance = "login";
  o.rack = 2;
  o.basename = "node";
  o.baseip = "10.0.0.10";
  o.inc = 2;
  Discoverer d;
  std::string err;
  ASSERT_TRUE(d.Load(db_.get(), o, &err)) << err;
  EXPECT_EQ(InsertMany(&d, 2), (Strings{"node-2-4 52:54:00:00:01:10 10.0.0.10",
                                        "node-2-5 52:54:00:00:01:11 10.0.0.14"}));
  o.rank = 5;
  o.baseip = "";
  o.inc = -1;
  Discoverer e;
  ASSERT_TRUE(e.Load(db_.get(), o, &err)) << err;
  // node-2-5 is taken: the next free rank.
  EXPECT_EQ(InsertMany(&e, 1, 0x20), (Strings{"node-2-6 52:54:00:00:01:20 10.255.255.254"}));
}

TEST_P(DiscoverTest, AFullSubnetIsAnErrorAndInsertsNothing) {
  Init("10.9.0.0/29", "10.9.0.1");
  Discoverer d;
  std::string err;
  ASSERT_TRUE(d.Load(db_.get(), DiscoverOptions(), &err)) << err;
  EXPECT_EQ(InsertMany(&d, 6),
            (Strings{"compute-0-0 52:54:00:00:01:10 10.9.0.6",
                     "compute-0-1 52:54:00:00:01:11 10.9.0.5",
                     "compute-0-2 52:54:00:00:01:12 10.9.0.4",
                     "compute-0-3 52:54:00:00:01:13 10.9.0.3",
                     "compute-0-4 52:54:00:00:01:14 10.9.0.2",
                     "error: private subnet 10.9.0.0/29: no free address"}));
  EXPECT_EQ(Hosts().size(), 6u);
}

TEST_P(DiscoverTest, OptionsAreCheckedAgainstTheCluster) {
  Init();
  struct Case {
    void (*set)(DiscoverOptions*);
    const char* err;
  } cases[] = {
      {[](DiscoverOptions* o) { o->appliance = "compte"; },
       "appliance=compte: unknown appliance (did you mean 'compute'?)"},
      {[](DiscoverOptions* o) { o->appliance = "frontend"; },
       "appliance=frontend: not an appliance for new nodes"},
      {[](DiscoverOptions* o) { o->baseip = "10.1.1"; }, "baseip=10.1.1: invalid IP address"},
      {[](DiscoverOptions* o) { o->baseip = "192.168.1.9"; },
       "baseip=192.168.1.9: not in the private subnet 10.0.0.0/8"},
      {[](DiscoverOptions* o) { o->inc = 0; }, "inc=0: the step must not be 0"},
      {[](DiscoverOptions* o) { o->basename = "bad_name"; },
       "basename=bad_name: invalid host name"},
  };
  for (const Case& c : cases) {
    DiscoverOptions o;
    c.set(&o);
    Discoverer d;
    std::string err;
    EXPECT_FALSE(d.Load(db_.get(), o, &err));
    EXPECT_EQ(err, c.err);
  }
}

TEST_P(DiscoverTest, OneShotInsertUsesWhatIsGiven) {
  Init();
  Add("compute-0-0", "compute", 0, 0, "52:54:00:00:00:10", "10.255.255.254");
  Discoverer d;
  std::string err;
  ASSERT_TRUE(d.Load(db_.get(), DiscoverOptions(), &err)) << err;
  NodeOverrides fixed;
  fixed.hostname = "special";
  fixed.mac = "52-54-00-00-02-AA";
  fixed.ip = "10.3.0.1";
  NewNode n;
  ASSERT_TRUE(d.Insert(db_.get(), fixed, &n, &err)) << err;
  EXPECT_EQ(n.name + " " + n.mac + " " + n.ip + " " + std::to_string(n.rank),
            "special 52:54:00:00:02:aa 10.3.0.1 1");
  std::vector<Strings> before = {Hosts()};
  struct Case {
    NodeOverrides fixed;
    const char* err;
  } cases[] = {
      {{"", "52:54:00:00:00:10", ""}, "mac=52:54:00:00:00:10: already used by compute-0-0"},
      {{"", "52:54:00:00:00", ""}, "mac=52:54:00:00:00: invalid MAC address"},
      {{"", "", "10.255.255.254"}, "ip=10.255.255.254: already used by compute-0-0"},
      {{"", "", "10.0.0"}, "ipaddr=10.0.0: invalid IP address"},
      {{"", "", "192.168.1.7"}, "ip=192.168.1.7: not in subnet private (10.0.0.0/8)"},
      {{"compute-0-0", "", ""}, "compute-0-0: host already exists"},
      {{"no_such", "", ""}, "hostname=no_such: invalid host name"},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(d.Insert(db_.get(), c.fixed, &n, &err));
    EXPECT_EQ(err, c.err);
  }
  EXPECT_EQ(Hosts(), before[0]);
}

TEST_P(DiscoverTest, RefreshSeesOtherWriters) {
  Init();
  Discoverer d;
  std::string err;
  ASSERT_TRUE(d.Load(db_.get(), DiscoverOptions(), &err)) << err;
  Add("compute-0-0", "compute", 0, 0, "52:54:00:00:00:10", "10.255.255.254");
  EXPECT_FALSE(d.Known("52:54:00:00:00:10"));
  ASSERT_TRUE(d.Refresh(db_.get(), &err)) << err;
  EXPECT_TRUE(d.Known("52:54:00:00:00:10"));
  EXPECT_EQ(InsertMany(&d, 1), (Strings{"compute-0-1 52:54:00:00:01:10 10.255.255.253"}));
}

TEST_P(DiscoverTest, PrivateSide) {
  Init();
  Discoverer d;
  std::string err;
  ASSERT_TRUE(d.Load(db_.get(), DiscoverOptions(), &err)) << err;
  EXPECT_EQ(d.private_device(), "eth0");
  EXPECT_TRUE(d.OnPrivateSide("eth0", ""));
  EXPECT_FALSE(d.OnPrivateSide("eth1", ""));
  EXPECT_TRUE(d.OnPrivateSide("10.1.255.254", ""));
  EXPECT_FALSE(d.OnPrivateSide("192.168.1.254", ""));
  EXPECT_TRUE(d.OnPrivateSide("veth1", "veth1"));
  EXPECT_FALSE(d.OnPrivateSide("eth0", "veth1"));
}

TEST_P(DiscoverTest, ReplaceRemoveAndDump) {
  Init();
  Add("compute-0-0", "compute", 0, 0, "52:54:00:00:00:10", "10.255.255.254");
  Add("compute-1-3", "compute", 1, 3, "52:54:00:00:00:11", "10.255.255.253");
  NewNode n;
  std::string err;
  ASSERT_TRUE(ReplaceHost(db_.get(), "compute-1-3", "52:54:00:00:00:99", &n, &err)) << err;
  EXPECT_EQ(n.name + " " + n.mac + " " + n.ip + " " + std::to_string(n.rack) + "-" +
                std::to_string(n.rank),
            "compute-1-3 52:54:00:00:00:99 10.255.255.253 1-3");
  Strings before = Hosts();
  EXPECT_EQ(before[2], "compute-1-3 compute 1 3 install 10.255.255.253 52:54:00:00:00:99");
  struct Case {
    const char* host;
    const char* mac;
    const char* err;
  } cases[] = {
      {"compute-0-9", "52:54:00:00:00:98", "replace=compute-0-9: unknown host"},
      {"frontend", "52:54:00:00:00:98", "replace=frontend: the frontend cannot be replaced"},
      {"compute-0-0", "52:54:00:00:00:99", "mac=52:54:00:00:00:99: already used by compute-1-3"},
      {"compute-0-0", "52:54", "mac=52:54: invalid MAC address"},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(ReplaceHost(db_.get(), c.host, c.mac, &n, &err));
    EXPECT_EQ(err, c.err);
  }
  EXPECT_EQ(Hosts(), before);
  std::vector<std::string> lines;
  ASSERT_TRUE(DumpNodes(db_.get(), &lines, &err)) << err;
  EXPECT_EQ(lines, (Strings{"insert-ethers --hostname=compute-0-0 --appliance=compute --rack=0 "
                            "--rank=0 --cpus=1 --device=eth0 --mac=52:54:00:00:00:10 "
                            "--ipaddr=10.255.255.254 --batch",
                            "insert-ethers --hostname=compute-1-3 --appliance=compute --rack=1 "
                            "--rank=3 --cpus=1 --device=eth0 --mac=52:54:00:00:00:99 "
                            "--ipaddr=10.255.255.253 --batch"}));
  EXPECT_FALSE(RemoveNode(db_.get(), "frontend", &err));
  EXPECT_EQ(err, "remove=frontend: the frontend cannot be removed");
  EXPECT_FALSE(RemoveNode(db_.get(), "compute-9-9", &err));
  EXPECT_EQ(err.substr(0, 29), "remove=compute-9-9: unknown h");
  ASSERT_TRUE(RemoveNode(db_.get(), "compute-0-0", &err)) << err;
  EXPECT_EQ(Hosts().size(), 2u);
}

TEST_P(DiscoverTest, ClassifyReadsTheDatabaseAgainOncePerBatch) {
  Init();
  Add("compute-0-0", "compute", 0, 0, "52:54:00:00:00:10", "10.255.255.254");
  Discoverer d;
  std::string err;
  ASSERT_TRUE(d.Load(db_.get(), DiscoverOptions(), &err)) << err;
  Add("compute-0-1", "compute", 0, 1, "52:54:00:00:00:11", "10.255.255.253");
  struct Case {
    const char* line;
    RequestKind kind;
    const char* mac;
  } cases[] = {
      {"dhcpd: DHCPOFFER on 10.1.0.1 to 52:54:00:00:00:10 via eth0", RequestKind::kOther, ""},
      {"dhcpd: DHCPDISCOVER from 52:54:00:00:00 via eth0", RequestKind::kMalformed, ""},
      {"dhcpd: DHCPDISCOVER from 52:54:00:00:00:99 via eth1", RequestKind::kElsewhere,
       "52:54:00:00:00:99"},
      {"dhcpd: DHCPDISCOVER from 52:54:00:00:00:10 via eth0", RequestKind::kKnown,
       "52:54:00:00:00:10"},
      // Added after Load: known once the database is read again.
      {"dnsmasq-dhcp[1]: DHCPDISCOVER(eth0) 52:54:00:00:00:11", RequestKind::kKnown,
       "52:54:00:00:00:11"},
      {"dhcpd: DHCPDISCOVER from 52:54:00:00:00:12 via eth0", RequestKind::kNew,
       "52:54:00:00:00:12"},
  };
  bool refreshed = false;
  for (const Case& c : cases) {
    RequestKind kind;
    DhcpRequest req;
    std::string why;
    ASSERT_TRUE(d.Classify(db_.get(), c.line, "", &refreshed, &kind, &req, &why, &err)) << err;
    EXPECT_EQ(static_cast<int>(kind), static_cast<int>(c.kind)) << c.line;
    EXPECT_EQ(req.mac, c.mac) << c.line;
  }
  EXPECT_TRUE(refreshed);
  // Within the same batch the database is not read again.
  Add("compute-0-2", "compute", 0, 2, "52:54:00:00:00:13", "10.255.255.252");
  RequestKind kind;
  DhcpRequest req;
  std::string why;
  ASSERT_TRUE(d.Classify(db_.get(), "DHCPDISCOVER from 52:54:00:00:00:13 via eth0", "",
                         &refreshed, &kind, &req, &why, &err));
  EXPECT_EQ(static_cast<int>(kind), static_cast<int>(RequestKind::kNew));
  refreshed = false;
  ASSERT_TRUE(d.Classify(db_.get(), "DHCPDISCOVER from 52:54:00:00:00:13 via eth0", "",
                         &refreshed, &kind, &req, &why, &err));
  EXPECT_EQ(static_cast<int>(kind), static_cast<int>(RequestKind::kKnown));
}

INSTANTIATE_TEST_SUITE_P(Engines, DiscoverTest,
                         testing::Values(TestEngine::kSqlite, TestEngine::kMysql), EngineName);

TEST(SyncScheduleTest, ABurstCostsOneSyncAfterAQuietPeriod) {
  SyncSchedule s(1.0, 5.0);
  EXPECT_FALSE(s.pending());
  EXPECT_FALSE(s.Due(100));
  EXPECT_EQ(s.WaitMs(100, 100), 100);
  // A node every 0.1 s: never a second of quiet.
  for (int i = 0; i < 10; ++i) s.Inserted(100 + i * 0.1);
  EXPECT_TRUE(s.pending());
  EXPECT_FALSE(s.Due(100.95));
  EXPECT_EQ(s.WaitMs(101.8, 1000), 100);
  EXPECT_TRUE(s.Due(101.9));
  EXPECT_EQ(s.WaitMs(101.9, 100), 0);
  s.Synced();
  EXPECT_FALSE(s.pending());
  EXPECT_FALSE(s.Due(200));
}

TEST(SyncScheduleTest, ASteadyTrickleIsSyncedAtTheLatestAfterMaxDelay) {
  SyncSchedule s(1.0, 5.0);
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(s.Due(100 + i * 0.5)) << i;
    s.Inserted(100 + i * 0.5);
  }
  EXPECT_FALSE(s.Due(104.9));
  EXPECT_TRUE(s.Due(105.0));
}

}  // namespace
}  // namespace rocks
