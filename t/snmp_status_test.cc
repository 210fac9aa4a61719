// Tests for lib/snmp_status: host arguments, name resolution without DNS,
// matching, sorting and the listings snmp-status prints.
#include "snmp_status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"
#include "temp_dir.h"

namespace rocks {
namespace {

TEST(ParseSnmpHostTest, NamesAddressesAndPorts) {
  SnmpHost h;
  std::string err;
  ASSERT_TRUE(ParseSnmpHost("compute-0-0", 161, &h, &err)) << err;
  EXPECT_EQ(h.name, "compute-0-0");
  EXPECT_EQ(h.hostname, "compute-0-0");
  EXPECT_EQ(h.address, "");
  EXPECT_EQ(h.port, 161);
  ASSERT_TRUE(ParseSnmpHost("127.0.0.2:1161", 161, &h, &err)) << err;
  EXPECT_EQ(h.name, "127.0.0.2:1161");
  EXPECT_EQ(h.hostname, "");
  EXPECT_EQ(h.address, "127.0.0.2");
  EXPECT_EQ(h.port, 1161);
  ASSERT_TRUE(ParseSnmpHost("node.example.org:162", 99, &h, &err)) << err;
  EXPECT_EQ(h.hostname, "node.example.org");
  EXPECT_EQ(h.port, 162);
}

TEST(ParseSnmpHostTest, Errors) {
  SnmpHost h;
  std::string err;
  EXPECT_FALSE(ParseSnmpHost("a_b", 161, &h, &err));
  EXPECT_EQ(err, "a_b: invalid host name");
  EXPECT_FALSE(ParseSnmpHost("", 161, &h, &err));
  EXPECT_EQ(err, ": invalid host name");
  EXPECT_FALSE(ParseSnmpHost("h:0", 161, &h, &err));
  EXPECT_EQ(err, "h:0: invalid port");
  EXPECT_FALSE(ParseSnmpHost("h:65536", 161, &h, &err));
  EXPECT_EQ(err, "h:65536: invalid port");
  EXPECT_FALSE(ParseSnmpHost("h:", 161, &h, &err));
  EXPECT_EQ(err, "h:: invalid port");
  EXPECT_FALSE(ParseSnmpHost(":161", 161, &h, &err));
  EXPECT_EQ(err, ":161: invalid host name");
}

TEST(ResolveHostAddressTest, DottedQuadAndLocalhost) {
  std::string address, err;
  ASSERT_TRUE(ResolveHostAddress("127.0.0.9", &address, &err)) << err;
  EXPECT_EQ(address, "127.0.0.9");
  // /etc/hosts, never DNS.
  ASSERT_TRUE(ResolveHostAddress("localhost", &address, &err)) << err;
  EXPECT_EQ(address.substr(0, 4), "127.");
}

TEST(ResolveHostAddressTest, InvalidDomainFailsWithoutAsking) {
  std::string address, err;
  EXPECT_FALSE(ResolveHostAddress("nosuch.invalid", &address, &err));
  EXPECT_EQ(err, "unknown host name");
  EXPECT_FALSE(ResolveHostAddress("a.b.INVALID.", &address, &err));
  EXPECT_EQ(err, "unknown host name");
  EXPECT_FALSE(ResolveHostAddress("invalid", &address, &err));
  EXPECT_EQ(err, "unknown host name");
}

TEST(SnmpParseStatusSortTest, Keys) {
  StatusSort s;
  std::string err;
  ASSERT_TRUE(ParseStatusSort("cpu", &s, &err));
  EXPECT_EQ(s, StatusSort::kCpu);
  ASSERT_TRUE(ParseStatusSort("mem", &s, &err));
  EXPECT_EQ(s, StatusSort::kMem);
  ASSERT_TRUE(ParseStatusSort("pid", &s, &err));
  EXPECT_EQ(s, StatusSort::kPid);
  ASSERT_TRUE(ParseStatusSort("name", &s, &err));
  EXPECT_EQ(s, StatusSort::kName);
  EXPECT_FALSE(ParseStatusSort("CPU", &s, &err));
  EXPECT_EQ(err, "CPU: unknown sort key (expected pid, cpu, mem or name)");
}

TEST(SnmpNameFilterTest, ExtendedRegex) {
  NameFilter f;
  std::string err;
  EXPECT_TRUE(f.Matches("anything"));  // not compiled: everything
  ASSERT_TRUE(f.Compile("^(slurmd|munged)$", &err)) << err;
  EXPECT_TRUE(f.Matches("slurmd"));
  EXPECT_TRUE(f.Matches("munged"));
  EXPECT_FALSE(f.Matches("slurmctld"));
  ASSERT_TRUE(f.Compile("bash", &err)) << err;  // recompiling replaces
  EXPECT_TRUE(f.Matches("/bin/bash"));
  EXPECT_FALSE(f.Matches("munged"));
  EXPECT_FALSE(f.Compile("a[", &err));
  EXPECT_EQ(err.substr(0, 3), "a[:");
}

TEST(SnmpFormatTest, Centiseconds) {
  EXPECT_EQ(FormatCentiseconds(0), "0.00");
  EXPECT_EQ(FormatCentiseconds(7), "0.07");
  EXPECT_EQ(FormatCentiseconds(1234), "12.34");
  EXPECT_EQ(FormatCentiseconds(360000), "3600.00");
  EXPECT_EQ(FormatCentiseconds(-5), "-0.05");
}

TEST(SnmpFormatTest, DateAndTime) {
  EXPECT_EQ(FormatDateAndTime(std::string("\x07\xea\x0b\x15\x05\x20\x2a\x00", 8)),
            "2026-11-21T05:32:42");
  EXPECT_EQ(FormatDateAndTime(std::string("\x07\xea\x0b\x15\x05\x20\x2a\x00+\x00\x00", 11)),
            "2026-11-21T05:32:42+00:00");
  EXPECT_EQ(FormatDateAndTime(std::string("\x07\xd0\x01\x02\x03\x04\x05\x09-\x05\x1e", 11)),
            "2000-01-02T03:04:05-05:30");
  EXPECT_EQ(FormatDateAndTime(""), "");
  EXPECT_EQ(FormatDateAndTime(std::string("\x07\xea\x0d\x15\x05\x20\x2a\x00", 8)), "");
  EXPECT_EQ(FormatDateAndTime(std::string("\x07\xea\x0b\x15\x05\x20\x2a\x00*\x00\x00", 11)), "");
  EXPECT_EQ(FormatDateAndTime("1234567"), "");
}

TEST(SnmpFormatTest, SoftwareType) {
  EXPECT_EQ(SoftwareTypeName(1), "unknown");
  EXPECT_EQ(SoftwareTypeName(2), "operatingSystem");
  EXPECT_EQ(SoftwareTypeName(3), "deviceDriver");
  EXPECT_EQ(SoftwareTypeName(4), "application");
  EXPECT_EQ(SoftwareTypeName(9), "9");
}

std::vector<HostStatus> TwoHosts() {
  HostStatus a;
  a.host = "compute-0-0";
  a.ok = true;
  a.processes = {
      {1, "systemd", "--system", 250, 12000},
      {800, "slurmd", "-D", 40, 9000},
      {950, "bash", "", std::nullopt, std::nullopt},
  };
  a.software = {{1, "bash_5.2_amd64", 4, std::string("\x07\xe8\x05\x06\x07\x08\x09\x00", 8)},
                {2, "acl_2.3_amd64", 4, ""}};
  HostStatus down;
  down.host = "compute-0-1";
  down.err = "timeout after 2 tries of 1 s (no agent, or wrong community)";
  down.processes = {{5, "ghost", "", 1, 1}};
  HostStatus b;
  b.host = "compute-1-0";
  b.ok = true;
  b.processes = {{1, "systemd", "--system", 900, 11000}, {700, "slurmd", "-D", 40, 9000}};
  b.software = {{7, "zsh_5.9_amd64", std::nullopt, ""}};
  return {a, down, b};
}

TEST(SnmpProcessTableTest, HostOrderThenPidAndFailedHostsLeftOut) {
  StatusView view;
  view.host_column = true;
  EXPECT_EQ(RenderHostStatus(TwoHosts(), view),
            "compute-0-0:\t1\t2.50\t12000\tsystemd\t--system\n"
            "compute-0-0:\t800\t0.40\t9000\tslurmd\t-D\n"
            "compute-0-0:\t950\t\t\tbash\t\n"
            "compute-1-0:\t1\t9.00\t11000\tsystemd\t--system\n"
            "compute-1-0:\t700\t0.40\t9000\tslurmd\t-D\n");
}

TEST(SnmpProcessTableTest, SortByCpuMemAndName) {
  StatusView view;
  view.host_column = true;
  view.sort = StatusSort::kCpu;
  // Most first; ties in host order, then PID; unknown values last.
  EXPECT_EQ(RenderHostStatus(TwoHosts(), view),
            "compute-1-0:\t1\t9.00\t11000\tsystemd\t--system\n"
            "compute-0-0:\t1\t2.50\t12000\tsystemd\t--system\n"
            "compute-0-0:\t800\t0.40\t9000\tslurmd\t-D\n"
            "compute-1-0:\t700\t0.40\t9000\tslurmd\t-D\n"
            "compute-0-0:\t950\t\t\tbash\t\n");
  view.sort = StatusSort::kMem;
  EXPECT_EQ(RenderHostStatus(TwoHosts(), view),
            "compute-0-0:\t1\t2.50\t12000\tsystemd\t--system\n"
            "compute-1-0:\t1\t9.00\t11000\tsystemd\t--system\n"
            "compute-0-0:\t800\t0.40\t9000\tslurmd\t-D\n"
            "compute-1-0:\t700\t0.40\t9000\tslurmd\t-D\n"
            "compute-0-0:\t950\t\t\tbash\t\n");
  view.sort = StatusSort::kName;
  EXPECT_EQ(RenderHostStatus(TwoHosts(), view),
            "compute-0-0:\t950\t\t\tbash\t\n"
            "compute-0-0:\t800\t0.40\t9000\tslurmd\t-D\n"
            "compute-1-0:\t700\t0.40\t9000\tslurmd\t-D\n"
            "compute-0-0:\t1\t2.50\t12000\tsystemd\t--system\n"
            "compute-1-0:\t1\t9.00\t11000\tsystemd\t--system\n");
}

TEST(SnmpProcessTableTest, MatchTableAndHeader) {
  NameFilter filter;
  std::string err;
  ASSERT_TRUE(filter.Compile("^slurm", &err));
  StatusView view;
  view.filter = &filter;
  view.format = OutputFormat::kTable;
  view.host_column = true;
  EXPECT_EQ(RenderHostStatus(TwoHosts(), view),
            "HOST         PID CPU  MEM  NAME   ARGS\n"
            "compute-0-0: 800 0.40 9000 slurmd -D\n"
            "compute-1-0: 700 0.40 9000 slurmd -D\n");
  view.format = OutputFormat::kTsv;
  view.tsv_header = true;
  view.host_column = false;
  EXPECT_EQ(RenderHostStatus(TwoHosts(), view),
            "PID\tCPU\tMEM\tNAME\tARGS\n"
            "800\t0.40\t9000\tslurmd\t-D\n"
            "700\t0.40\t9000\tslurmd\t-D\n");
}

TEST(SnmpProcessTableTest, JsonHasPlainHostNamesAndNumbers) {
  NameFilter filter;
  std::string err;
  ASSERT_TRUE(filter.Compile("^(slurmd|bash)$", &err));
  StatusView view;
  view.filter = &filter;
  view.format = OutputFormat::kJson;
  view.host_column = true;
  EXPECT_EQ(RenderHostStatus(TwoHosts(), view), R"({
   "processes": [
      {
         "host": "compute-0-0",
         "pid": 800,
         "cpu": 0.40,
         "mem": 9000,
         "name": "slurmd",
         "args": "-D"
      },{
         "host": "compute-0-0",
         "pid": 950,
         "cpu": null,
         "mem": null,
         "name": "bash",
         "args": null
      },{
         "host": "compute-1-0",
         "pid": 700,
         "cpu": 0.40,
         "mem": 9000,
         "name": "slurmd",
         "args": "-D"
      }
   ]
}
)");
}

TEST(SnmpProcessTableTest, ControlCharactersInTextOutput) {
  HostStatus h;
  h.host = "n";
  h.ok = true;
  h.processes = {{42, "awk", "-F\t {print}\n", 0, 1}};
  StatusView view;
  EXPECT_EQ(RenderHostStatus({h}, view), "42\t0.00\t1\tawk\t-F? {print}?\n");
  view.format = OutputFormat::kJson;
  EXPECT_EQ(RenderHostStatus({h}, view), R"({
   "processes": [
      {
         "pid": 42,
         "cpu": 0.00,
         "mem": 1,
         "name": "awk",
         "args": "-F\t {print}\n"
      }
   ]
}
)");
}

TEST(SnmpSoftwareTableTest, AgentOrderOrByName) {
  StatusView view;
  view.processes = false;
  view.software = true;
  view.host_column = true;
  EXPECT_EQ(RenderHostStatus(TwoHosts(), view),
            "compute-0-0:\tbash_5.2_amd64\tapplication\t2024-05-06T07:08:09\n"
            "compute-0-0:\tacl_2.3_amd64\tapplication\t\n"
            "compute-1-0:\tzsh_5.9_amd64\t\t\n");
  view.sort = StatusSort::kName;
  view.host_column = false;
  view.format = OutputFormat::kTable;
  EXPECT_EQ(RenderHostStatus(TwoHosts(), view),
            "NAME           TYPE        DATE\n"
            "acl_2.3_amd64  application -\n"
            "bash_5.2_amd64 application 2024-05-06T07:08:09\n"
            "zsh_5.9_amd64  -           -\n");
}

TEST(SnmpRenderHostStatusTest, BothTables) {
  NameFilter filter;
  std::string err;
  ASSERT_TRUE(filter.Compile("^(slurmd|zsh.*)$", &err));
  std::vector<HostStatus> hosts = TwoHosts();
  hosts.resize(1);
  hosts.push_back(TwoHosts()[2]);
  StatusView view;
  view.processes = view.software = true;
  view.filter = &filter;
  view.format = OutputFormat::kTable;
  EXPECT_EQ(RenderHostStatus({hosts[1]}, view),
            "PID CPU  MEM  NAME   ARGS\n"
            "700 0.40 9000 slurmd -D\n"
            "\n"
            "NAME          TYPE DATE\n"
            "zsh_5.9_amd64 -    -\n");
  view.format = OutputFormat::kTsv;
  EXPECT_EQ(RenderHostStatus({hosts[1]}, view),
            "700\t0.40\t9000\tslurmd\t-D\n"
            "zsh_5.9_amd64\t\t\n");
  view.format = OutputFormat::kJson;
  EXPECT_EQ(RenderHostStatus({hosts[1]}, view), R"({
   "processes": [
      {
         "pid": 700,
         "cpu": 0.40,
         "mem": 9000,
         "name": "slurmd",
         "args": "-D"
      }
   ],
   "software": [
      {
         "name": "zsh_5.9_amd64",
         "type": null,
         "date": null
      }
   ]
}
)");
}

TEST(SnmpRenderHostStatusTest, NothingAnswered) {
  std::vector<HostStatus> hosts = {TwoHosts()[1]};
  StatusView view;
  EXPECT_EQ(RenderHostStatus(hosts, view), "");
  view.format = OutputFormat::kJson;
  EXPECT_EQ(RenderHostStatus(hosts, view), "{\n   \"processes\": [\n\n   ]\n}\n");
  view.format = OutputFormat::kTable;
  EXPECT_EQ(RenderHostStatus(hosts, view), "PID CPU MEM NAME ARGS\n");
}

TEST(QueryHostStatusTest, FailuresBeforeAnyPacket) {
  // Neither host is asked anything: one has no address, one a name under
  // "invalid"; both fail on their own.
  SnmpHost none;
  none.name = "compute-0-5";
  SnmpHost invalid;
  std::string err;
  ASSERT_TRUE(ParseSnmpHost("gone.invalid", 161, &invalid, &err)) << err;
  std::vector<HostStatus> out;
  ASSERT_TRUE(QueryHostStatus({none, invalid}, SnmpSettings(), StatusQuery(), &out, &err)) << err;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].host, "compute-0-5");
  EXPECT_FALSE(out[0].ok);
  EXPECT_EQ(out[0].err, "no IP address");
  EXPECT_EQ(out[1].host, "gone.invalid");
  EXPECT_FALSE(out[1].ok);
  EXPECT_EQ(out[1].err, "unknown host name");
}

bool Add(Database* db, const std::string& name, std::vector<std::string> words,
         std::string* err) {
  KeyValues kv;
  NewHost h;
  return ParseKeyValues(words, &kv, err) && ParseNewHost(name, kv, &h, err) &&
         AddHost(db, h, err);
}

TEST(ListComputeHostsTest, ComputeAppliancesAtTheirPrivateAddress) {
  test::ScopedTempDir tmp;  // goes with the test, and all in it, after db
  ASSERT_TRUE(tmp.Make("snmp-status-test")) << tmp.error();
  std::string dir = tmp.path();
  std::unique_ptr<Database> db;
  std::string err;
  ASSERT_TRUE(OpenDatabase("sqlite:" + dir + "/cluster.db", {}, &db, &err)) << err;
  ASSERT_TRUE(InitCluster(db.get(), InitOptions{}, &err)) << err;
  std::vector<SnmpHost> hosts;
  ASSERT_TRUE(ListComputeHosts(db.get(), 1161, &hosts, &err)) << err;
  EXPECT_TRUE(hosts.empty());
  ASSERT_TRUE(Add(db.get(), "compute-0-1", {"appliance=compute", "rank=1", "ip=10.255.255.253"}, &err)) << err;
  ASSERT_TRUE(Add(db.get(), "compute-0-0", {"appliance=compute", "rank=0", "ip=10.255.255.254"}, &err)) << err;
  ASSERT_TRUE(Add(db.get(), "compute-0-2", {"appliance=compute", "rank=2"}, &err)) << err;
  ASSERT_TRUE(Add(db.get(), "login-0-0", {"appliance=login", "ip=10.255.255.200"}, &err)) << err;
  ASSERT_TRUE(ListComputeHosts(db.get(), 1161, &hosts, &err)) << err;
  ASSERT_EQ(hosts.size(), 3u);
  EXPECT_EQ(hosts[0].name, "compute-0-0");
  EXPECT_EQ(hosts[0].address, "10.255.255.254");
  EXPECT_EQ(hosts[0].hostname, "");
  EXPECT_EQ(hosts[0].port, 1161);
  EXPECT_EQ(hosts[1].name, "compute-0-1");
  EXPECT_EQ(hosts[1].address, "10.255.255.253");
  EXPECT_EQ(hosts[2].name, "compute-0-2");
  EXPECT_EQ(hosts[2].address, "");
}

}  // namespace
}  // namespace rocks
