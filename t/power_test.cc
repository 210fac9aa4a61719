#include "power.h"

#include <gtest/gtest.h>

#include <freeipmi/freeipmi.h>
#include <ipmiconsole.h>

namespace rocks {
namespace {

std::vector<Attr> Attrs(std::initializer_list<std::pair<const char*, const char*>> kv) {
  std::vector<Attr> out;
  for (const auto& [k, v] : kv) out.push_back({k, v, AttrScope::kHost, "c"});
  return out;
}

TEST(PlanPowerTest, Ipmi) {
  PowerPlan plan;
  std::string err;
  ASSERT_TRUE(PlanPower("compute-0-0",
                        Attrs({{"power", "ipmi"},
                               {"ipmi_address", "10.2.0.5:6230"},
                               {"ipmi_user", "admin"},
                               {"ipmi_password", "secret"}}),
                        &plan, &err))
      << err;
  EXPECT_EQ(plan.method, PowerMethod::kIpmi);
  EXPECT_EQ(plan.host, "compute-0-0");
  EXPECT_EQ(plan.ipmi_address, "10.2.0.5:6230");
  EXPECT_EQ(plan.ipmi_user, "admin");
  EXPECT_EQ(plan.ipmi_password, "secret");
  EXPECT_TRUE(plan.ipmi_lanplus);
  EXPECT_EQ(plan.ipmi_workarounds, 0u);
}

TEST(PlanPowerTest, IpmiInterfaceAndWorkarounds) {
  PowerPlan plan;
  std::string err;
  auto base = Attrs({{"power", "ipmi"},
                     {"ipmi_address", "bmc"},
                     {"ipmi_user", "u"},
                     {"ipmi_password", "p"}});
  auto lanplus = base;
  lanplus.push_back({"ipmi_workarounds", "opensesspriv, sun20", AttrScope::kGlobal, ""});
  ASSERT_TRUE(PlanPower("h", lanplus, &plan, &err)) << err;
  EXPECT_EQ(plan.ipmi_workarounds,
            unsigned(IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE |
                     IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUN_2_0_SESSION));

  auto lan = base;
  lan.push_back({"ipmi_interface", "lan", AttrScope::kGlobal, ""});
  lan.push_back({"ipmi_workarounds", "opensesspriv", AttrScope::kGlobal, ""});
  EXPECT_FALSE(PlanPower("h", lan, &plan, &err));
  EXPECT_EQ(err, "ipmi_workarounds=opensesspriv: opensesspriv: unknown workaround for lan");

  lan.back().value = "idzero";
  ASSERT_TRUE(PlanPower("h", lan, &plan, &err)) << err;
  EXPECT_FALSE(plan.ipmi_lanplus);
  EXPECT_EQ(plan.ipmi_workarounds,
            unsigned(IPMI_WORKAROUND_FLAGS_OUTOFBAND_ACCEPT_SESSION_ID_ZERO));

  auto bad = base;
  bad.push_back({"ipmi_interface", "serial", AttrScope::kGlobal, ""});
  EXPECT_FALSE(PlanPower("h", bad, &plan, &err));
  EXPECT_EQ(err, "ipmi_interface=serial: unknown interface (expected lanplus or lan)");
}

TEST(PlanPowerTest, SolWorkarounds) {
  PowerPlan plan;
  std::string err;
  auto attrs = Attrs({{"power", "ipmi"},
                      {"ipmi_address", "bmc"},
                      {"ipmi_user", "u"},
                      {"ipmi_password", "p"},
                      {"ipmi_workarounds", "opensesspriv,solchannelsupport,solpayloadsize"}});
  ASSERT_TRUE(PlanPower("h", attrs, &plan, &err)) << err;
  // The session's flag goes to both libraries, SOL's to libipmiconsole only.
  EXPECT_EQ(plan.ipmi_workarounds,
            unsigned(IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE));
  EXPECT_EQ(plan.sol_workarounds,
            unsigned(IPMICONSOLE_WORKAROUND_OPEN_SESSION_PRIVILEGE |
                     IPMICONSOLE_WORKAROUND_SKIP_CHANNEL_PAYLOAD_SUPPORT |
                     IPMICONSOLE_WORKAROUND_IGNORE_SOL_PAYLOAD_SIZE));

  attrs.push_back({"ipmi_interface", "lan", AttrScope::kHost, "h"});
  attrs[4].value = "solport";
  EXPECT_FALSE(PlanPower("h", attrs, &plan, &err));
  EXPECT_EQ(err, "ipmi_workarounds=solport: solport: unknown workaround for lan");
}

TEST(PlanPowerTest, IpmiWithoutCredentials) {
  PowerPlan plan;
  std::string err;
  EXPECT_FALSE(PlanPower("h", Attrs({{"power", "ipmi"}}), &plan, &err));
  EXPECT_EQ(err, "power=ipmi: ipmi_address is not set");
  EXPECT_FALSE(PlanPower("h", Attrs({{"power", "ipmi"}, {"ipmi_address", "bmc"}}), &plan,
                         &err));
  EXPECT_EQ(err, "power=ipmi: ipmi_user is not set");
  EXPECT_FALSE(PlanPower(
      "h", Attrs({{"power", "ipmi"}, {"ipmi_address", "bmc"}, {"ipmi_user", "u"}}), &plan,
      &err));
  EXPECT_EQ(err, "power=ipmi: ipmi_password is not set");
}

TEST(PlanPowerTest, SshNoneAndBadMethods) {
  PowerPlan plan;
  std::string err;
  ASSERT_TRUE(PlanPower("h", Attrs({{"power", "ssh"}}), &plan, &err)) << err;
  EXPECT_EQ(plan.method, PowerMethod::kSsh);
  EXPECT_EQ(plan.ssh_reboot_command, "reboot");
  ASSERT_TRUE(PlanPower("h", Attrs({{"power", "ssh"}, {"ssh_reboot_command", "init 6"}}),
                        &plan, &err));
  EXPECT_EQ(plan.ssh_reboot_command, "init 6");
  ASSERT_TRUE(PlanPower("h", Attrs({{"power", "none"}}), &plan, &err));
  EXPECT_EQ(plan.method, PowerMethod::kNone);

  EXPECT_FALSE(PlanPower("h", {}, &plan, &err));
  EXPECT_EQ(err, "power is not set (expected ipmi, ssh, libvirt or none)");
  EXPECT_FALSE(PlanPower("h", Attrs({{"power", "pdu"}}), &plan, &err));
  EXPECT_EQ(err, "power=pdu: unknown power method (expected ipmi, ssh, libvirt or none)");
}

TEST(PowerTest, DescribeAndSshArgv) {
  PowerPlan plan;
  plan.host = "compute-0-0";
  plan.method = PowerMethod::kIpmi;
  plan.ipmi_address = "10.2.0.5";
  plan.ipmi_user = "admin";
  SshSettings ssh;
  EXPECT_EQ(DescribePower(plan, ssh, 60),
            "ipmi chassis power cycle of 10.2.0.5 as admin (lanplus)");
  plan.ipmi_lanplus = false;
  EXPECT_EQ(DescribePower(plan, ssh, 60), "ipmi chassis power cycle of 10.2.0.5 as admin (lan)");
  plan.method = PowerMethod::kNone;
  EXPECT_EQ(DescribePower(plan, ssh, 60), "restart it by hand (power method none)");

  plan.method = PowerMethod::kSsh;
  plan.ssh_reboot_command = "shutdown -r now";
  ssh.config_file = "/etc/rocks/ssh_config";
  std::vector<std::string> want = {"ssh", "-F", "/etc/rocks/ssh_config", "-T", "-o",
                                   "BatchMode=yes", "-o", "ConnectTimeout=3",
                                   "compute-0-0", "shutdown -r now"};
  EXPECT_EQ(SshRebootArgv(plan, ssh, 2.5), want);
  EXPECT_EQ(DescribePower(plan, ssh, 2.5),
            "ssh -F /etc/rocks/ssh_config -T -o BatchMode=yes -o ConnectTimeout=3 "
            "compute-0-0 'shutdown -r now'");
  ssh.config_file.clear();
  EXPECT_EQ(SshRebootArgv(plan, ssh, 0.2)[5], "ConnectTimeout=1");
}

TEST(PowerTest, ConsoleArgv) {
  std::vector<std::string> argv;
  std::string err;
  SshSettings ssh;
  ASSERT_TRUE(ConsoleArgv("compute-0-0", {}, ssh, &argv, &err)) << err;
  std::vector<std::string> want = {"ssh", "-t", "-p", "2200", "-l", "root", "-o",
                                   "StrictHostKeyChecking=no", "-o",
                                   "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                                   "compute-0-0", "tmux attach-session -t anaconda"};
  EXPECT_EQ(argv, want);
  ASSERT_TRUE(ConsoleArgv("c", Attrs({{"console_port", "22"}, {"console_command", "bash"}}),
                          ssh, &argv, &err));
  EXPECT_EQ(argv[3], "22");
  EXPECT_EQ(argv.back(), "bash");
  EXPECT_FALSE(ConsoleArgv("c", Attrs({{"console_port", "70000"}}), ssh, &argv, &err));
  EXPECT_EQ(err, "console_port=70000: invalid number (expected 1 to 65535)");
}

TEST(PowerTest, QuoteCommand) {
  EXPECT_EQ(QuoteCommand({"ssh", "-o", "BatchMode=yes", "root@n:22", "a b", "it's", ""}),
            "ssh -o BatchMode=yes root@n:22 'a b' 'it'\\''s' ''");
}
}  // namespace
}  // namespace rocks
