#include "shoot.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>

#include "file.h"
#include "temp_dir.h"

namespace rocks {
namespace {

ShootHost Following(ShootState state, double changed = 0) {
  ShootHost h;
  h.name = "compute-0-0";
  h.state = state;
  h.started = 0;
  h.changed = changed;
  return h;
}

TEST(ShootStateTest, Names) {
  EXPECT_STREQ(ShootStateName(ShootState::kPending), "pending");
  EXPECT_STREQ(ShootStateName(ShootState::kRestarting), "restarting");
  EXPECT_STREQ(ShootStateName(ShootState::kRebooting), "rebooting");
  EXPECT_STREQ(ShootStateName(ShootState::kProfileSent), "profile-sent");
  EXPECT_STREQ(ShootStateName(ShootState::kInstalling), "installing");
  EXPECT_STREQ(ShootStateName(ShootState::kInstalled), "installed");
  EXPECT_STREQ(ShootStateName(ShootState::kFailed), "failed");
  EXPECT_STREQ(ShootStateName(ShootState::kTimedOut), "timeout");
  EXPECT_STREQ(ShootStateName(ShootState::kError), "error");
  EXPECT_STREQ(ShootStateName(ShootState::kRestarted), "restarted");
  EXPECT_FALSE(ShootStateDone(ShootState::kInstalling));
  EXPECT_TRUE(ShootStateDone(ShootState::kInstalled));
  EXPECT_TRUE(ShootStateDone(ShootState::kRestarted));
}

TEST(ShootStateTest, FollowsAnInstallToTheEnd) {
  ShootHost h = Following(ShootState::kRebooting);
  EXPECT_TRUE(ApplyInstallEvent(&h, "profile-sent", 10));
  EXPECT_EQ(h.state, ShootState::kProfileSent);
  EXPECT_EQ(h.changed, 10);
  EXPECT_TRUE(ApplyInstallEvent(&h, "installing", 20));
  EXPECT_EQ(h.state, ShootState::kInstalling);
  EXPECT_EQ(h.finished, -1);
  EXPECT_TRUE(ApplyInstallEvent(&h, "installed", 90));
  EXPECT_EQ(h.state, ShootState::kInstalled);
  EXPECT_EQ(h.finished, 90);
  EXPECT_DOUBLE_EQ(ShootMinutes(h, 1000), 1.5);
  // Done: nothing moves it any more.
  EXPECT_FALSE(ApplyInstallEvent(&h, "failed", 95));
  EXPECT_EQ(h.state, ShootState::kInstalled);
}

TEST(ShootStateTest, NeverMovesBack) {
  ShootHost h = Following(ShootState::kInstalling, 5);
  EXPECT_FALSE(ApplyInstallEvent(&h, "profile-sent", 10));
  EXPECT_FALSE(ApplyInstallEvent(&h, "installing", 10));
  EXPECT_EQ(h.state, ShootState::kInstalling);
  EXPECT_EQ(h.changed, 5);
}

TEST(ShootStateTest, SkipsStagesAndIgnoresOwnAndUnknownEvents) {
  // A fast node asks for its kickstart before the power command returned.
  ShootHost h = Following(ShootState::kRestarting);
  EXPECT_TRUE(ApplyInstallEvent(&h, "profile-sent", 1));
  EXPECT_EQ(h.state, ShootState::kProfileSent);
  ShootHost r = Following(ShootState::kRebooting);
  EXPECT_FALSE(ApplyInstallEvent(&r, "rebooting", 1));
  EXPECT_FALSE(ApplyInstallEvent(&r, "booting", 1));
  EXPECT_TRUE(ApplyInstallEvent(&r, "installed", 2));
  EXPECT_EQ(r.state, ShootState::kInstalled);
}

TEST(ShootStateTest, FailedInstall) {
  ShootHost h = Following(ShootState::kInstalling);
  EXPECT_TRUE(ApplyInstallEvent(&h, "failed", 30));
  EXPECT_EQ(h.state, ShootState::kFailed);
  EXPECT_EQ(h.error, "the installer reported failed");
  EXPECT_EQ(h.finished, 30);
}

TEST(ShootStateTest, HostsNotFollowedIgnoreEvents) {
  for (ShootState s : {ShootState::kPending, ShootState::kError, ShootState::kRestarted,
                       ShootState::kTimedOut}) {
    ShootHost h = Following(s);
    EXPECT_FALSE(ApplyInstallEvent(&h, "installed", 1)) << ShootStateName(s);
    EXPECT_EQ(h.state, s);
  }
}

TEST(ShootStateTest, TimeoutPerStage) {
  ShootHost h = Following(ShootState::kRebooting, 100);
  EXPECT_FALSE(CheckStageTimeout(&h, 160, 60));
  EXPECT_TRUE(CheckStageTimeout(&h, 160.5, 60));
  EXPECT_EQ(h.state, ShootState::kTimedOut);
  EXPECT_EQ(h.error, "timed out in rebooting: no kickstart request within 60 s");
  EXPECT_EQ(h.finished, 160.5);

  // The limit is per stage: each state change restarts the clock.
  ShootHost p = Following(ShootState::kRebooting, 0);
  ASSERT_TRUE(ApplyInstallEvent(&p, "profile-sent", 50));
  EXPECT_FALSE(CheckStageTimeout(&p, 100, 60));
  EXPECT_TRUE(CheckStageTimeout(&p, 111, 60));
  EXPECT_EQ(p.error, "timed out in profile-sent: no report of installing within 60 s");

  ShootHost i = Following(ShootState::kInstalling, 0);
  EXPECT_TRUE(CheckStageTimeout(&i, 2, 1.5));
  EXPECT_EQ(i.error, "timed out in installing: not installed within 1.5 s");

  // The restart has its own limit, in the power command.
  ShootHost r = Following(ShootState::kRestarting, 0);
  EXPECT_FALSE(CheckStageTimeout(&r, 1000, 1));
  ShootHost d = Following(ShootState::kInstalled, 0);
  EXPECT_FALSE(CheckStageTimeout(&d, 1000, 1));
}

TEST(ShootStateTest, PowerTimeoutIsAtMostAMinute) {
  EXPECT_EQ(PowerTimeout(2), 2);
  EXPECT_EQ(PowerTimeout(3600), 60);
}

TEST(ShootStateTest, Minutes) {
  ShootHost h;
  EXPECT_LT(ShootMinutes(h, 100), 0);
  h.started = 30;
  EXPECT_DOUBLE_EQ(ShootMinutes(h, 150), 2.0);
  h.finished = 60;
  EXPECT_DOUBLE_EQ(ShootMinutes(h, 150), 0.5);
}

std::vector<Host> Cluster() {
  std::vector<Host> all(6);
  const char* names[] = {"frontend", "compute-0-0", "compute-0-1", "compute-1-0",
                         "login-0-0", "nas-0-0"};
  const char* appliances[] = {"frontend", "compute", "compute", "compute", "login", "nas"};
  int racks[] = {0, 0, 0, 1, 0, 0};
  for (int i = 0; i < 6; ++i) {
    all[i].name = names[i];
    all[i].appliance = appliances[i];
    all[i].rack = racks[i];
  }
  return all;
}

std::vector<std::string> Names(const std::vector<ShootHost>& hosts) {
  std::vector<std::string> out;
  for (const auto& h : hosts)
    out.push_back(h.name + (h.state == ShootState::kError ? ": " + h.error : ""));
  return out;
}

TEST(SelectShootHostsTest, ByName) {
  std::vector<ShootHost> out;
  std::string err;
  HostSelection sel;
  sel.names = {"compute-1-0", "compute-0-9", "compute-1-0", "frontend", "xyzzy"};
  ASSERT_TRUE(SelectShootHosts(Cluster(), sel, &out, &err)) << err;
  std::vector<std::string> want = {
      "compute-1-0",
      "compute-0-9: unknown host (did you mean 'compute-0-0'?)",
      "frontend: is the frontend; shoot-node does not reinstall it",
      "xyzzy: unknown host",
  };
  EXPECT_EQ(Names(out), want);
}

TEST(SelectShootHostsTest, ByApplianceAndRack) {
  std::vector<ShootHost> out;
  std::string err;
  HostSelection sel;
  sel.appliance = "compute";
  ASSERT_TRUE(SelectShootHosts(Cluster(), sel, &out, &err));
  EXPECT_EQ(Names(out),
            (std::vector<std::string>{"compute-0-0", "compute-0-1", "compute-1-0"}));

  out.clear();
  sel.rack = 0;
  ASSERT_TRUE(SelectShootHosts(Cluster(), sel, &out, &err));
  EXPECT_EQ(Names(out), (std::vector<std::string>{"compute-0-0", "compute-0-1"}));

  // A rack alone: every appliance but the frontend; names come first.
  out.clear();
  sel.appliance.clear();
  sel.names = {"compute-1-0"};
  ASSERT_TRUE(SelectShootHosts(Cluster(), sel, &out, &err));
  EXPECT_EQ(Names(out), (std::vector<std::string>{"compute-1-0", "compute-0-0",
                                                  "compute-0-1", "login-0-0", "nas-0-0"}));
}

TEST(SelectShootHostsTest, NothingSelected) {
  std::vector<ShootHost> out;
  std::string err;
  HostSelection sel;
  EXPECT_FALSE(SelectShootHosts(Cluster(), sel, &out, &err));
  EXPECT_EQ(err, "no hosts given");
  sel.appliance = "nas";
  sel.rack = 7;
  EXPECT_FALSE(SelectShootHosts(Cluster(), sel, &out, &err));
  EXPECT_EQ(err, "appliance:nas rack:7: no host matches");
  sel.appliance = "frontend";
  sel.rack.reset();
  EXPECT_FALSE(SelectShootHosts(Cluster(), sel, &out, &err));
  EXPECT_EQ(err, "appliance:frontend: no host matches");
}

// Shoot itself on a SQLite cluster. The observer stands in for the nodes:
// when a host is rebooting it records what kickstart.cgi would.
class ShootRunTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.Make("shoot")) << tmp_.error();
    dir_ = tmp_.path();
    std::string err;
    ASSERT_TRUE(OpenDatabase("sqlite:" + dir_ + "/cluster.db", DbOptions(), &db_, &err)) << err;
    ASSERT_TRUE(InitCluster(db_.get(), InitOptions(), &err)) << err;
    const char* names[] = {"compute-0-0", "compute-0-1", "compute-0-2"};
    for (int i = 0; i < 3; ++i) {
      NewHost h;
      h.name = names[i];
      h.appliance = "compute";
      Interface ifc;
      ifc.device = "eth0";
      ifc.mac = "52:54:00:00:00:1" + std::to_string(i);
      ifc.ip = "10.255.255.25" + std::to_string(i);
      ifc.subnet = "private";
      h.interfaces.push_back(ifc);
      ASSERT_TRUE(AddHost(db_.get(), h, &err)) << err;
    }
    std::filesystem::create_directory(dir_ + "/pxe");
  }
  std::string Action(const std::string& host) {
    std::vector<Host> hosts;
    std::string err;
    EXPECT_TRUE(ListHosts(db_.get(), {host}, &hosts, &err)) << err;
    return hosts.empty() ? "" : hosts[0].boot_action;
  }

  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it, after db_
  std::string dir_;
  std::unique_ptr<Database> db_;
};

class FakeNodes : public ShootObserver {
 public:
  FakeNodes(Database* db, std::string pxe) : db_(db), pxe_(std::move(pxe)) {}
  void Changed(const std::vector<ShootHost>& hosts, size_t i, double) override {
    const ShootHost& h = hosts[i];
    seen.push_back(h.name + " " + ShootStateName(h.state));
    if (h.state != ShootState::kRebooting) return;
    // The node boots what its PXE file says.
    std::string mac = h.name == "compute-0-0" ? "10" : h.name == "compute-0-1" ? "11" : "12";
    std::string pxe, err;
    EXPECT_TRUE(ReadFile(pxe_ + "/pxelinux.cfg/01-52-54-00-00-00-" + mac, &pxe, &err)) << err;
    EXPECT_NE(pxe.find("default install"), std::string::npos) << pxe;
    std::string last = h.name == "compute-0-1" ? "failed" : "installed";
    for (const char* state : {"profile-sent", "installing", last.c_str()}) {
      InstallEvent e{h.name, 0, state, "test"};
      EXPECT_TRUE(AddInstallEvent(db_, e, &err)) << err;
    }
  }
  void Tick(const std::vector<ShootHost>&, double) override {}
  std::vector<std::string> seen;

 private:
  Database* db_;
  std::string pxe_;
};

TEST_F(ShootRunTest, FollowsEveryHostToItsEndAndSetsOsBack) {
  std::vector<ShootHost> hosts(3);
  hosts[0].name = "compute-0-0";
  hosts[1].name = "compute-0-1";
  hosts[2].name = "compute-0-2";
  hosts[2].power.method = PowerMethod::kSsh;
  hosts[2].power.host = "compute-0-2";
  ShootOptions options;
  options.fanout = 1;
  options.stage_timeout = 5;
  options.poll_seconds = 0.01;
  options.pxe_dir = dir_ + "/pxe";
  // A stand-in for ssh that fails as a reboot command would.
  options.ssh.program = "false";
  FakeNodes nodes(db_.get(), options.pxe_dir);
  std::string err;
  ASSERT_TRUE(Shoot(db_.get(), options, &hosts, &nodes, &err)) << err;
  // Each host's changes in order (the hosts' run side by side).
  std::map<std::string, std::string> by_host;
  for (const std::string& line : nodes.seen) {
    size_t sp = line.find(' ');
    by_host[line.substr(0, sp)] += line.substr(sp);
  }
  EXPECT_EQ(by_host["compute-0-0"], " rebooting profile-sent installing installed");
  EXPECT_EQ(by_host["compute-0-1"], " rebooting profile-sent installing failed");
  EXPECT_EQ(by_host["compute-0-2"], " restarting error");
  EXPECT_EQ(hosts[0].state, ShootState::kInstalled);
  EXPECT_EQ(hosts[1].state, ShootState::kFailed);
  EXPECT_EQ(hosts[2].state, ShootState::kError);
  EXPECT_EQ(hosts[2].error, "ssh compute-0-2: reboot exited with status 1");
  for (const char* h : {"compute-0-0", "compute-0-1", "compute-0-2"}) EXPECT_EQ(Action(h), "os");
  std::string pxe;
  ASSERT_TRUE(ReadFile(options.pxe_dir + "/pxelinux.cfg/01-52-54-00-00-00-10", &pxe, &err)) << err;
  EXPECT_NE(pxe.find("default os"), std::string::npos) << pxe;

  std::vector<InstallEvent> events;
  ASSERT_TRUE(ListInstallEvents(db_.get(), 0, &events, nullptr, &err)) << err;
  std::vector<std::string> rebooting;
  for (const InstallEvent& e : events)
    if (e.state == "rebooting") rebooting.push_back(e.host + " " + e.detail);
  EXPECT_EQ(rebooting, (std::vector<std::string>{"compute-0-0 by hand", "compute-0-1 by hand"}));
}

TEST_F(ShootRunTest, NoWaitLeavesTheActionInstallAndHostsInErrorAlone) {
  std::vector<ShootHost> hosts(2);
  hosts[0].name = "compute-0-0";
  hosts[1].name = "compute-0-1";
  hosts[1].state = ShootState::kError;
  hosts[1].error = "power is not set (expected ipmi, ssh, libvirt or none)";
  ShootOptions options;
  options.wait = false;
  options.poll_seconds = 0.01;
  std::string err;
  ASSERT_TRUE(Shoot(db_.get(), options, &hosts, nullptr, &err)) << err;
  EXPECT_EQ(hosts[0].state, ShootState::kRestarted);
  EXPECT_EQ(hosts[1].state, ShootState::kError);
  EXPECT_EQ(Action("compute-0-0"), "install");
  EXPECT_EQ(Action("compute-0-1"), "os");
}

}  // namespace
}  // namespace rocks
