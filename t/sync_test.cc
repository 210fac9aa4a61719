// Tests for lib/sync: the sync.conf parser, %f expansion, child
// processes, and SyncConfig over a real SQLite cluster with real files.
#include "sync.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"
#include "file.h"

namespace rocks {
namespace {

std::string MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/rocks-sync.XXXXXX";
  if (!mkdtemp(tmpl.data())) return "";
  return tmpl;
}

TEST(ParseSyncConf, Fields) {
  std::vector<SyncEntry> entries;
  std::string err;
  ASSERT_TRUE(ParseSyncConf(
      "# comment\n"
      "\n"
      "hosts | /etc/hosts\n"
      "  dns ib  |  /var/named/ib.zone | named-checkzone ib.local %f | rndc reload || true\n"
      "pxe | /tftp | | touch /x\n",
      "sync.conf", &entries, &err))
      << err;
  ASSERT_EQ(3u, entries.size());
  EXPECT_EQ("hosts", entries[0].report);
  EXPECT_TRUE(entries[0].args.empty());
  EXPECT_EQ("/etc/hosts", entries[0].output);
  EXPECT_EQ("", entries[0].validate);
  EXPECT_EQ("", entries[0].reload);
  EXPECT_EQ("sync.conf:3", entries[0].where);
  EXPECT_EQ("dns", entries[1].report);
  EXPECT_EQ(std::vector<std::string>{"ib"}, entries[1].args);
  EXPECT_EQ("/var/named/ib.zone", entries[1].output);
  EXPECT_EQ("named-checkzone ib.local %f", entries[1].validate);
  EXPECT_EQ("rndc reload || true", entries[1].reload);
  EXPECT_EQ("pxe", entries[2].report);
  EXPECT_EQ("touch /x", entries[2].reload);
}

void ExpectError(const std::string& line, const std::string& message) {
  std::vector<SyncEntry> entries;
  std::string err;
  EXPECT_FALSE(ParseSyncConf("hosts | /etc/hosts\n" + line + "\n", "F", &entries, &err))
      << line;
  EXPECT_EQ("F:2: " + message, err) << line;
}

TEST(ParseSyncConf, Errors) {
  ExpectError("hosts", "expected 'REPORT | OUTPUT | VALIDATE | RELOAD'");
  ExpectError("| /x", "missing report");
  ExpectError("hostz | /x", "hostz: unknown report (did you mean 'hosts'?)");
  ExpectError("ethers x | /x", "ethers: unexpected argument 'x'");
  ExpectError("dns a b | /x", "dns: unexpected argument 'b'");
  ExpectError("pxe dir | /x", "pxe: unexpected argument '/x'");
  ExpectError("ethers |", "missing OUTPUT");
  ExpectError("ethers | x", "x: OUTPUT must be an absolute path");
  ExpectError("pxe | /t | true", "pxe writes a directory: VALIDATE must be empty");
  ExpectError("dhcpd | /d | check %", "'check %': unknown escape '%' (expected %f or %%)");
  ExpectError("ethers | /etc/hosts", "/etc/hosts: already written by F:1");
}

TEST(ExpandValidate, QuotesTheFile) {
  std::string out, err;
  ASSERT_TRUE(ExpandValidate("check -f %f 100%%", "/tmp/a b'c", &out, &err)) << err;
  EXPECT_EQ("check -f '/tmp/a b'\\''c' 100%", out);
  EXPECT_FALSE(ExpandValidate("check %d", "x", &out, &err));
  EXPECT_EQ("'check %d': unknown escape '%d' (expected %f or %%)", err);
}

TEST(RunCommand, StatusAndOutput) {
  CommandResult r;
  std::string err;
  ASSERT_TRUE(RunCommand({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, &r, &err))
      << err;
  EXPECT_EQ(3, r.status);
  EXPECT_EQ("out\nerr\n", r.output);
  ASSERT_TRUE(RunCommand({"/bin/sh", "-c", "kill -9 $$"}, &r, &err)) << err;
  EXPECT_EQ(128 + 9, r.status);
  ASSERT_TRUE(RunCommand({"cat"}, &r, &err)) << err;  // stdin is /dev/null
  EXPECT_EQ(0, r.status);
  EXPECT_EQ("", r.output);
  EXPECT_FALSE(RunCommand({"rocks-no-such-command"}, &r, &err));
  EXPECT_EQ("rocks-no-such-command: No such file or directory", err);
}

TEST(RunCommand, ADaemonKeepingStdoutDoesNotBlock) {
  CommandResult r;
  std::string err;
  ASSERT_TRUE(RunCommand({"/bin/sh", "-c", "sleep 30 & echo started"}, &r, &err)) << err;
  EXPECT_EQ(0, r.status);
  EXPECT_EQ("started\n", r.output);
}

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    std::string err;
    ASSERT_TRUE(OpenDatabase("sqlite:" + dir_ + "/c.db", DbOptions(), &db_, &err)) << err;
    InitOptions init;
    ASSERT_TRUE(InitCluster(db_.get(), init, &err)) << err;
    KeyValues kv = {{"appliance", "compute"}, {"ip", "10.255.255.254"}};
    NewHost host;
    ASSERT_TRUE(ParseNewHost("compute-0-0", kv, &host, &err)) << err;
    ASSERT_TRUE(AddHost(db_.get(), host, &err)) << err;
    cfg_.values["sync_conf"] = dir_ + "/sync.conf";
    cfg_.values["hosts_local"] = "";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void WriteConf(const std::string& text) {
    std::string err;
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/sync.conf", text, nullptr, &err)) << err;
  }
  std::string Read(const std::string& name) {
    std::string text, err;
    ReadFile(dir_ + "/" + name, &text, &err);
    return text;
  }

  std::string dir_;
  std::unique_ptr<Database> db_;
  Config cfg_;
};

TEST_F(SyncTest, WritesValidatesReloads) {
  WriteConf("machines | " + dir_ + "/machines | grep -q compute-0-0 %f | echo x >>" +
            dir_ + "/reloads\n");
  std::string out, log, err;
  ASSERT_TRUE(SyncConfig(db_.get(), cfg_, SyncOptions(), &out, &log, &err)) << err;
  EXPECT_EQ("", out);
  EXPECT_EQ(dir_ + "/machines: written\n" + dir_ + "/machines: reloaded: echo x >>" +
                dir_ + "/reloads\n",
            log);
  EXPECT_EQ(
      "# Generated by dbreport machines from the cluster database: do not edit.\n"
      "compute-0-0\n",
      Read("machines"));
  log.clear();
  ASSERT_TRUE(SyncConfig(db_.get(), cfg_, SyncOptions(), &out, &log, &err)) << err;
  EXPECT_EQ(dir_ + "/machines: unchanged\n", log);
  EXPECT_EQ("x\n", Read("reloads"));
}

TEST_F(SyncTest, FailingValidationKeepsTheOldFile) {
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/machines", "old\n", nullptr, &err));
  WriteConf("machines | " + dir_ + "/machines | echo bad: %f; exit 2 | touch " + dir_ +
            "/reloaded\nresolv | " + dir_ + "/resolv\n");
  std::string out, log;
  EXPECT_FALSE(SyncConfig(db_.get(), cfg_, SyncOptions(), &out, &log, &err));
  EXPECT_EQ(dir_ + "/machines: validation failed: 'echo bad: %f; exit 2' exited with status 2",
            err);
  // The checker's output names the real file, not the temporary one.
  EXPECT_EQ("  bad: " + dir_ + "/machines\n" + dir_ + "/resolv: written\n", log);
  EXPECT_EQ("old\n", Read("machines"));
  EXPECT_FALSE(PathExists(dir_ + "/reloaded"));
  EXPECT_NE("", Read("resolv"));
}

TEST_F(SyncTest, DryRunDiffsAndWritesNothing) {
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/machines",
                              "# Generated by dbreport machines from the cluster database: "
                              "do not edit.\ncompute-9-9\n",
                              nullptr, &err));
  WriteConf("machines | " + dir_ + "/machines | | touch " + dir_ + "/reloaded\n");
  SyncOptions options;
  options.dry_run = true;
  std::string out, log;
  ASSERT_TRUE(SyncConfig(db_.get(), cfg_, options, &out, &log, &err)) << err;
  EXPECT_EQ("--- " + dir_ + "/machines\n+++ " + dir_ +
                "/machines\n@@ -1,2 +1,2 @@\n"
                " # Generated by dbreport machines from the cluster database: do not edit.\n"
                "-compute-9-9\n+compute-0-0\n",
            out);
  EXPECT_EQ(dir_ + "/machines: would be written\n", log);
  EXPECT_NE(std::string::npos, Read("machines").find("compute-9-9"));
  EXPECT_FALSE(PathExists(dir_ + "/reloaded"));
}

TEST_F(SyncTest, MissingConf) {
  std::string out, log, err;
  EXPECT_FALSE(SyncConfig(db_.get(), cfg_, SyncOptions(), &out, &log, &err));
  EXPECT_EQ(dir_ + "/sync.conf: No such file or directory", err);
}

TEST_F(SyncTest, DefaultConfPath) {
  Config cfg;
  EXPECT_TRUE(SyncConfPath(cfg).size() > 15);
  EXPECT_EQ("/rocks/sync.conf", SyncConfPath(cfg).substr(SyncConfPath(cfg).size() - 16));
}

}  // namespace
}  // namespace rocks
