// Tests for lib/report: zone names and serials, argument checks, and
// reports over a real SQLite cluster.
#include "report.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"
#include "file.h"
#include "temp_dir.h"

namespace rocks {
namespace {

std::string MakeTempDir() { return test::MakeTempDir("report"); }

TEST(ReverseZoneName, RoundsDownToWholeOctets) {
  std::string zone, err;
  ASSERT_TRUE(ReverseZoneName("10.0.0.0", 8, &zone, &err)) << err;
  EXPECT_EQ("10.in-addr.arpa", zone);
  ASSERT_TRUE(ReverseZoneName("10.2.0.0", 16, &zone, &err)) << err;
  EXPECT_EQ("2.10.in-addr.arpa", zone);
  ASSERT_TRUE(ReverseZoneName("10.1.16.0", 20, &zone, &err)) << err;
  EXPECT_EQ("1.10.in-addr.arpa", zone);
  ASSERT_TRUE(ReverseZoneName("192.168.1.0", 24, &zone, &err)) << err;
  EXPECT_EQ("1.168.192.in-addr.arpa", zone);
  ASSERT_TRUE(ReverseZoneName("192.168.1.64", 26, &zone, &err)) << err;
  EXPECT_EQ("1.168.192.in-addr.arpa", zone);
  ASSERT_TRUE(ReverseZoneName("192.168.1.7", 32, &zone, &err)) << err;
  EXPECT_EQ("1.168.192.in-addr.arpa", zone);
}

TEST(ReverseZoneName, Errors) {
  std::string zone, err;
  EXPECT_FALSE(ReverseZoneName("10.0.0.0", 4, &zone, &err));
  EXPECT_EQ("10.0.0.0/4: a reverse zone needs a prefix of 8 to 32", err);
  EXPECT_FALSE(ReverseZoneName("10.0.0", 8, &zone, &err));
  EXPECT_EQ("10.0.0: invalid network address", err);
}

std::string Zone(const std::string& body) {
  return std::string("@ SOA (\n\t\t") + kSerialMark + "\t; serial\n" + body;
}

TEST(FillZoneSerial, NewZoneStartsAtTheDay) {
  // 1700000000 is 2023-11-14 UTC.
  EXPECT_EQ("@ SOA (\n\t\t2023111400\t; serial\nA\n",
            FillZoneSerial(Zone("A\n"), "", 1700000000));
}

TEST(FillZoneSerial, UnchangedZoneKeepsItsSerial) {
  std::string old = "@ SOA (\n\t\t2023111405\t; serial\nA\n";
  EXPECT_EQ(old, FillZoneSerial(Zone("A\n"), old, 1800000000));
}

TEST(FillZoneSerial, ChangedZoneRises) {
  std::string old = "@ SOA (\n\t\t2023111405\t; serial\nA\n";
  EXPECT_EQ("@ SOA (\n\t\t2023111406\t; serial\nB\n",
            FillZoneSerial(Zone("B\n"), old, 1700000000));
  // A later day jumps to that day.
  EXPECT_EQ("@ SOA (\n\t\t2023111700\t; serial\nB\n",
            FillZoneSerial(Zone("B\n"), old, 1700200000));
  // A clock that went back still rises.
  EXPECT_EQ("@ SOA (\n\t\t2023111406\t; serial\nB\n",
            FillZoneSerial(Zone("B\n"), old, 1600000000));
}

TEST(FillZoneSerial, PreviousFileNotAZone) {
  EXPECT_EQ("@ SOA (\n\t\t2023111400\t; serial\nA\n",
            FillZoneSerial(Zone("A\n"), "hand-written\n", 1700000000));
}

TEST(CheckReport, NamesAndArguments) {
  std::string err;
  EXPECT_TRUE(CheckReport("hosts", {}, &err));
  EXPECT_TRUE(CheckReport("dns", {"ib"}, &err));
  EXPECT_TRUE(CheckReport("pxe", {"/tftp"}, &err));
  EXPECT_FALSE(CheckReport("host", {}, &err));
  EXPECT_EQ("host: unknown report (did you mean 'hosts'?)", err);
  EXPECT_FALSE(CheckReport("pxe", {}, &err));
  EXPECT_EQ("pxe: missing DIR", err);
  EXPECT_FALSE(CheckReport("machines", {"x"}, &err));
  EXPECT_EQ("machines: unexpected argument 'x'", err);
  EXPECT_FALSE(CheckReport("dns-reverse", {"a", "b"}, &err));
  EXPECT_EQ("dns-reverse: unexpected argument 'b'", err);
}

TEST(Reports, EveryReportIsListedOnce) {
  std::map<std::string, int> seen;
  for (const ReportInfo& r : Reports()) ++seen[r.name];
  EXPECT_EQ(15u, seen.size());
  for (const auto& [name, n] : seen) EXPECT_EQ(1, n) << name;
}

class ReportDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    std::string err;
    ASSERT_TRUE(OpenDatabase("sqlite:" + dir_ + "/c.db", DbOptions(), &db_, &err)) << err;
    InitOptions init;
    init.private_mac = "52:54:00:00:00:01";
    ASSERT_TRUE(InitCluster(db_.get(), init, &err)) << err;
    AddNode("compute-0-0", "appliance=compute cpus=4 mac=52:54:00:00:00:10 ip=10.255.255.254");
    AddNode("compute-0-1", "appliance=compute cpus=2 ip=10.255.255.253");
    AddNode("nas-0-0", "appliance=nas mac=52:54:00:00:00:30 ip=10.255.255.250 action=install");
    ctx_.now = 1700000000;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void AddNode(const std::string& name, const std::string& words) {
    std::vector<std::string> w;
    std::string word;
    for (char c : words + " ") {
      if (c == ' ') {
        if (!word.empty()) w.push_back(word);
        word.clear();
      } else {
        word += c;
      }
    }
    KeyValues kv;
    NewHost host;
    std::string err;
    ASSERT_TRUE(ParseKeyValues(w, &kv, &err)) << err;
    ASSERT_TRUE(ParseNewHost(name, kv, &host, &err)) << err;
    ASSERT_TRUE(AddHost(db_.get(), host, &err)) << err;
  }

  std::string dir_;
  std::unique_ptr<Database> db_;
  ReportContext ctx_;
};

TEST_F(ReportDbTest, Machines) {
  std::string out, err;
  ASSERT_TRUE(ReportMachines(db_.get(), ctx_, &out, &err)) << err;
  EXPECT_EQ(
      "# Generated by dbreport machines from the cluster database: do not edit.\n"
      "compute-0-0\ncompute-0-1\n",
      out);
}

TEST_F(ReportDbTest, SlurmAndPbs) {
  std::string out, err;
  ASSERT_TRUE(ReportSlurmNodes(db_.get(), ctx_, &out, &err)) << err;
  EXPECT_EQ(
      "# Generated by dbreport slurm-nodes from the cluster database: do not edit.\n"
      "NodeName=compute-0-0 NodeAddr=10.255.255.254 CPUs=4 State=UNKNOWN\n"
      "NodeName=compute-0-1 NodeAddr=10.255.255.253 CPUs=2 State=UNKNOWN\n",
      out);
  ASSERT_TRUE(ReportPbsNodes(db_.get(), ctx_, &out, &err)) << err;
  EXPECT_EQ(
      "# Generated by dbreport pbs-nodes from the cluster database: do not edit.\n"
      "create node compute-0-0 np=4\ncreate node compute-0-1 np=2\n",
      out);
}

TEST_F(ReportDbTest, SlurmConf) {
  std::string out, err;
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kHost, "compute-0-1", "Slurm_Partition",
                      "small, all", false, &err)) << err;
  ASSERT_TRUE(SetAttr(db_.get(), AttrScope::kAppliance, "compute", "Slurm_RealMemory",
                      "3000", false, &err)) << err;
  ASSERT_TRUE(ReportSlurmConf(db_.get(), ctx_, &out, &err)) << err;
  EXPECT_EQ(
      "# Generated by dbreport slurm-conf from the cluster database: do not edit.\n"
      "ClusterName=cluster\n"
      "SlurmctldHost=frontend(10.1.1.1)\n"
      "SlurmctldPort=6817\n"
      "SlurmdPort=6818\n"
      "SlurmUser=slurm\n"
      "AuthType=auth/munge\n"
      "StateSaveLocation=/var/spool/slurmctld\n"
      "SlurmdSpoolDir=/var/spool/slurmd\n"
      "SlurmctldLogFile=/var/log/slurm/slurmctld.log\n"
      "SlurmdLogFile=/var/log/slurm/slurmd.log\n"
      "SlurmctldPidFile=/run/slurmctld.pid\n"
      "SlurmdPidFile=/run/slurmd.pid\n"
      "SlurmctldParameters=enable_configless\n"
      "ProctrackType=proctrack/linuxproc\n"
      "TaskPlugin=task/none\n"
      "SelectType=select/cons_tres\n"
      "SelectTypeParameters=CR_CPU\n"
      "MpiDefault=none\n"
      "ReturnToService=2\n"
      "\n# Nodes: the compute hosts.\n"
      "NodeName=compute-0-0 NodeAddr=10.255.255.254 CPUs=4 RealMemory=3000 State=UNKNOWN\n"
      "NodeName=compute-0-1 NodeAddr=10.255.255.253 CPUs=2 RealMemory=3000 State=UNKNOWN\n"
      "\n# Partitions: by appliance, or the Slurm_Partition attribute.\n"
      "PartitionName=compute Nodes=compute-0-0 Default=YES MaxTime=INFINITE State=UP\n"
      "PartitionName=small Nodes=compute-0-1 MaxTime=INFINITE State=UP\n"
      "PartitionName=all Nodes=compute-0-1 MaxTime=INFINITE State=UP\n",
      out);
}

TEST_F(ReportDbTest, SlurmUnknownCpusIsAnError) {
  std::string out = "untouched", err;
  AddNode("compute-0-2", "appliance=compute cpus=1 ip=10.255.255.249");
  // A CPU count never recorded: 0 in the database (rocks refuses cpus=0).
  ASSERT_TRUE(db_->Exec("UPDATE hosts SET cpus = 0 WHERE name = ?",
                        {SqlParam::Text("compute-0-2")}, &err))
      << err;
  EXPECT_FALSE(ReportSlurmConf(db_.get(), ctx_, &out, &err));
  EXPECT_EQ("compute-0-2: CPU count unknown (set it with 'rocks set host compute-0-2 cpus=N')",
            err);
  EXPECT_EQ("untouched", out);
  EXPECT_FALSE(ReportSlurmNodes(db_.get(), ctx_, &out, &err));
  EXPECT_EQ("untouched", out);
}

TEST_F(ReportDbTest, EthersSkipsInterfacesWithoutMac) {
  std::string out, err;
  ASSERT_TRUE(ReportEthers(db_.get(), ctx_, &out, &err)) << err;
  EXPECT_EQ(
      "# Generated by dbreport ethers from the cluster database: do not edit.\n"
      "52:54:00:00:00:01\tfrontend.local\n"
      "52:54:00:00:00:10\tcompute-0-0.local\n"
      "52:54:00:00:00:30\tnas-0-0.local\n",
      out);
}

TEST_F(ReportDbTest, HostsAppendsTheLocalFile) {
  ctx_.hosts_local = dir_ + "/hosts.local";
  std::string out, err;
  ASSERT_TRUE(WriteFileAtomic(ctx_.hosts_local, "10.9.9.9\tlicense", nullptr, &err));
  ASSERT_TRUE(ReportHosts(db_.get(), ctx_, &out, &err)) << err;
  EXPECT_EQ(
      "# Generated by dbreport hosts from the cluster database: do not edit.\n"
      "127.0.0.1\tlocalhost.localdomain localhost\n"
      "10.1.1.1\tfrontend.local frontend\n"
      "10.255.255.254\tcompute-0-0.local compute-0-0 c0-0\n"
      "10.255.255.253\tcompute-0-1.local compute-0-1 c0-1\n"
      "10.255.255.250\tnas-0-0.local nas-0-0 nas0-0\n"
      "10.9.9.9\tlicense\n",
      out);
}

TEST_F(ReportDbTest, DhcpdNamesAMissingAttribute) {
  std::string out = "untouched", err;
  ASSERT_TRUE(RemoveAttr(db_.get(), AttrScope::kGlobal, "", "Kickstart_PrivateNetwork", &err))
      << err;
  EXPECT_FALSE(ReportDhcpd(db_.get(), ctx_, &out, &err));
  EXPECT_EQ(
      "Kickstart_PrivateNetwork: global attribute not set (run 'rocks set attr "
      "Kickstart_PrivateNetwork VALUE')",
      err);
  EXPECT_EQ("untouched", out);
}

TEST_F(ReportDbTest, DnsReverseOfAnUnknownSubnet) {
  std::string out, err;
  EXPECT_FALSE(ReportDnsReverse(db_.get(), ctx_, "publik", &out, &err));
  EXPECT_EQ("publik: unknown network (did you mean 'public'?)", err);
}

TEST_F(ReportDbTest, RunReportRefusesPxe) {
  std::string out, err;
  EXPECT_FALSE(RunReport(db_.get(), ctx_, "pxe", {"/tmp"}, &out, &err));
  EXPECT_EQ("pxe: writes a directory, not one file", err);
}

TEST(LoadReportContext, ConfigKeysAndClock) {
  Config cfg;
  cfg.values["hosts_local"] = "/site/hosts";
  cfg.values["dns_local_dir"] = "/site/named";
  setenv("SOURCE_DATE_EPOCH", "1234", 1);
  ReportContext ctx;
  std::string err;
  ASSERT_TRUE(LoadReportContext(cfg, &ctx, &err)) << err;
  EXPECT_EQ("/site/hosts", ctx.hosts_local);
  EXPECT_EQ("/site/named", ctx.dns_local_dir);
  EXPECT_EQ(1234, ctx.now);
  setenv("SOURCE_DATE_EPOCH", "12x", 1);
  EXPECT_FALSE(LoadReportContext(cfg, &ctx, &err));
  EXPECT_EQ("SOURCE_DATE_EPOCH=12x: invalid number (expected 0 or more)", err);
  unsetenv("SOURCE_DATE_EPOCH");
}

}  // namespace
}  // namespace rocks
