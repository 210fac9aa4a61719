// Tests for lib/snmp_walk: numeric OIDs, and concurrent table walks
// against a real snmpd (started here on 127.0.0.1) and against UDP ports
// that never answer.
#include "snmp_walk.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>
#include "temp_dir.h"

extern char** environ;

namespace rocks {
namespace {

TEST(SnmpOidTest, ParseAndFormat) {
  Oid oid;
  ASSERT_TRUE(ParseOid("1.3.6.1.2.1.25", &oid));
  EXPECT_EQ(oid, (Oid{1, 3, 6, 1, 2, 1, 25}));
  ASSERT_TRUE(ParseOid(".1.3.6", &oid));
  EXPECT_EQ(oid, (Oid{1, 3, 6}));
  EXPECT_EQ(FormatOid({1, 3, 6, 1, 4294967295u}), "1.3.6.1.4294967295");
  EXPECT_EQ(FormatOid({}), "");
}

TEST(SnmpOidTest, RejectsMalformed) {
  Oid oid;
  EXPECT_FALSE(ParseOid("", &oid));
  EXPECT_FALSE(ParseOid(".", &oid));
  EXPECT_FALSE(ParseOid("1..3", &oid));
  EXPECT_FALSE(ParseOid("1.3.", &oid));
  EXPECT_FALSE(ParseOid("1.3.x", &oid));
  EXPECT_FALSE(ParseOid("1.4294967296", &oid));
  EXPECT_FALSE(ParseOid("iso.3", &oid));
}

// A bound UDP socket that never answers: an agent that is down.
class SilentPort {
 public:
  SilentPort() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<struct sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<struct sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

const Oid kSysDescr = {1, 3, 6, 1, 2, 1, 1, 1};
const Oid kSysOrId = {1, 3, 6, 1, 2, 1, 1, 9, 1, 2};
const Oid kSysOrDescr = {1, 3, 6, 1, 2, 1, 1, 9, 1, 3};
const Oid kRunName = {1, 3, 6, 1, 2, 1, 25, 4, 2, 1, 2};

TEST(WalkSnmpAgentsTest, NoAgents) {
  std::vector<SnmpWalkResult> out(3);
  std::string err;
  ASSERT_TRUE(WalkSnmpAgents({}, SnmpSettings(), SnmpWalkSpec(), &out, &err)) << err;
  EXPECT_TRUE(out.empty());
}

TEST(WalkSnmpAgentsTest, SilentAgentsTimeOutTogether) {
  std::vector<SilentPort> ports(5);
  std::vector<SnmpAgent> agents;
  for (const auto& p : ports) agents.push_back({"127.0.0.1", p.port()});
  SnmpSettings settings;
  settings.timeout_seconds = 0.1;
  settings.retries = 1;
  // Fewer sessions than agents: the rest wait for a free one.
  settings.max_sessions = 2;
  SnmpWalkSpec spec;
  spec.columns = {kSysDescr};
  std::vector<SnmpWalkResult> out;
  std::string err;
  ASSERT_TRUE(WalkSnmpAgents(agents, settings, spec, &out, &err)) << err;
  ASSERT_EQ(out.size(), 5u);
  for (const auto& r : out) {
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.err, "timeout");
    EXPECT_TRUE(r.rows.empty());
  }
}

// A real snmpd on 127.0.0.1 with a configuration of our own; skipped when
// the snmpd package is not installed.
class SnmpdTest : public testing::Test {
 protected:
  void SetUp() override {
    if (access("/usr/sbin/snmpd", X_OK) != 0) GTEST_SKIP() << "no /usr/sbin/snmpd";
    ASSERT_TRUE(tmp_.Make("snmp-walk-test")) << tmp_.error();
    dir_ = tmp_.path();
    {
      std::ofstream conf(dir_ + "/snmpd.conf");
      conf << "rocommunity public 127.0.0.1\n"
           << "view sysonly included .1.3.6.1.2.1.1\n"
           << "rocommunity sysonly 127.0.0.1 -V sysonly\n";
    }
    // The port: one the kernel just handed out, so very likely free.
    port_ = SilentPort().port();
    std::string endpoint = "udp:127.0.0.1:" + std::to_string(port_);
    std::string conf = dir_ + "/snmpd.conf";
    std::string log = dir_ + "/log";
    std::vector<std::string> args = {"snmpd", "-f", "-Lf", log, "-C", "-I", "-smux",
                                     "-c", conf, endpoint};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s = {"MIBS=", "SNMP_PERSISTENT_DIR=" + dir_, "PATH=/usr/bin:/bin"};
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&pid_, "/usr/sbin/snmpd", nullptr, nullptr, argv.data(),
                          envp.data()),
              0);
    // Ready when it answers.
    SnmpSettings quick;
    quick.timeout_seconds = 0.05;
    quick.retries = 0;
    SnmpWalkSpec spec;
    spec.columns = {kSysDescr};
    for (int i = 0; i < 100; ++i) {
      std::vector<SnmpWalkResult> out;
      std::string err;
      ASSERT_TRUE(WalkSnmpAgents({Agent()}, quick, spec, &out, &err)) << err;
      if (out[0].ok) return;
    }
    FAIL() << "snmpd did not start on port " << port_;
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }

  SnmpAgent Agent() const { return {"127.0.0.1", port_}; }

  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

std::string Text(const std::optional<SnmpValue>& v) { return v ? v->bytes : "(none)"; }

TEST_F(SnmpdTest, WalksColumnsIntoRows) {
  SnmpWalkSpec spec;
  spec.required = {1, 3, 6, 1, 2, 1, 1};
  spec.columns = {kSysOrId, kSysOrDescr};
  std::vector<SnmpWalkResult> out;
  std::string err;
  ASSERT_TRUE(WalkSnmpAgents({Agent()}, SnmpSettings(), spec, &out, &err)) << err;
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].ok) << out[0].err;
  EXPECT_FALSE(out[0].missing_subtree);
  ASSERT_GE(out[0].rows.size(), 5u);
  for (const auto& [index, cells] : out[0].rows) {
    ASSERT_EQ(index.size(), 1u);
    ASSERT_EQ(cells.size(), 2u);
    ASSERT_TRUE(cells[0] && cells[1]);
    Oid id;
    EXPECT_TRUE(ParseOid(cells[0]->bytes, &id)) << cells[0]->bytes;
    EXPECT_FALSE(cells[1]->bytes.empty());
  }
}

TEST_F(SnmpdTest, GetBulkAndGetNextAgree) {
  SnmpWalkSpec spec;
  spec.columns = {kSysOrId, kSysOrDescr, kRunName};
  SnmpSettings v2;
  SnmpSettings v2_small = v2;
  v2_small.values_per_request = 1;
  SnmpSettings v1 = v2;
  v1.version = 1;
  std::vector<SnmpWalkResult> a, b, c;
  std::string err;
  ASSERT_TRUE(WalkSnmpAgents({Agent()}, v2, spec, &a, &err)) << err;
  ASSERT_TRUE(WalkSnmpAgents({Agent()}, v2_small, spec, &b, &err)) << err;
  ASSERT_TRUE(WalkSnmpAgents({Agent()}, v1, spec, &c, &err)) << err;
  ASSERT_TRUE(a[0].ok && b[0].ok && c[0].ok);
  auto sysor = [](const SnmpWalkResult& r) {
    std::string s;
    for (const auto& [index, cells] : r.rows)
      if (cells[0]) s += FormatOid(index) + "=" + Text(cells[0]) + "," + Text(cells[1]) + "\n";
    return s;
  };
  EXPECT_EQ(sysor(a[0]), sysor(b[0]));
  EXPECT_EQ(sysor(a[0]), sysor(c[0]));
  // This very process is in the agent's process table, under its PID.
  Oid self = {static_cast<uint32_t>(getpid())};
  for (const auto* r : {&a[0], &b[0], &c[0]}) {
    auto row = r->rows.find(self);
    ASSERT_NE(row, r->rows.end());
    EXPECT_EQ(Text(row->second[2]), "rocks_test");
    EXPECT_FALSE(row->second[0].has_value());
  }
}

TEST_F(SnmpdTest, MissingSubtree) {
  SnmpSettings settings;
  settings.community = "sysonly";
  SnmpWalkSpec spec;
  spec.required = {1, 3, 6, 1, 2, 1, 25};
  spec.columns = {kRunName};
  for (int version : {1, 2}) {
    settings.version = version;
    std::vector<SnmpWalkResult> out;
    std::string err;
    ASSERT_TRUE(WalkSnmpAgents({Agent()}, settings, spec, &out, &err)) << err;
    EXPECT_TRUE(out[0].ok) << out[0].err;
    EXPECT_TRUE(out[0].missing_subtree) << "version " << version;
    EXPECT_TRUE(out[0].rows.empty());
  }
}

TEST_F(SnmpdTest, ColumnPastTheViewEndsEmpty) {
  SnmpSettings settings;
  settings.community = "sysonly";
  SnmpWalkSpec spec;
  spec.columns = {kRunName};
  for (int version : {1, 2}) {
    settings.version = version;
    std::vector<SnmpWalkResult> out;
    std::string err;
    ASSERT_TRUE(WalkSnmpAgents({Agent()}, settings, spec, &out, &err)) << err;
    EXPECT_TRUE(out[0].ok) << out[0].err;
    EXPECT_FALSE(out[0].missing_subtree);
    EXPECT_TRUE(out[0].rows.empty());
  }
}

TEST_F(SnmpdTest, AnswersAndSilenceTogether) {
  SilentPort dead;
  SnmpSettings settings;
  settings.timeout_seconds = 0.1;
  settings.retries = 0;
  SnmpWalkSpec spec;
  spec.columns = {kSysDescr};
  std::vector<SnmpWalkResult> out;
  std::string err;
  ASSERT_TRUE(WalkSnmpAgents({Agent(), {"127.0.0.1", dead.port()}, Agent()}, settings,
                             spec, &out, &err))
      << err;
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].ok);
  EXPECT_FALSE(out[1].ok);
  EXPECT_EQ(out[1].err, "timeout");
  EXPECT_TRUE(out[2].ok);
  ASSERT_EQ(out[0].rows.size(), 1u);
  EXPECT_EQ(out[0].rows.begin()->first, (Oid{0}));
  EXPECT_EQ(Text(out[0].rows.begin()->second[0]), Text(out[2].rows.begin()->second[0]));
}

}  // namespace
}  // namespace rocks
