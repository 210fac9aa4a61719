#include "vm.h"

#include <gtest/gtest.h>

#include "power.h"
#include "virt.h"

namespace rocks {
namespace {

TEST(VmTest, NextSliceIsTheLowestFree) {
  EXPECT_EQ(NextSlice({}), 1);
  EXPECT_EQ(NextSlice({1, 2, 3}), 4);
  EXPECT_EQ(NextSlice({1, 3}), 2);
  EXPECT_EQ(NextSlice({2, 3}), 1);
}

TEST(VmTest, ChooseMacSkipsEveryMacInUse) {
  std::string mac;
  ASSERT_TRUE(ChooseMac({}, &mac));
  EXPECT_EQ(mac, "52:54:00:00:00:01");
  ASSERT_TRUE(ChooseMac({"52:54:00:00:00:01", "52:54:00:00:00:02", "00:11:22:33:44:55"}, &mac));
  EXPECT_EQ(mac, "52:54:00:00:00:03");
  std::set<std::string> used;
  for (int i = 1; i <= 0x100; ++i) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "52:54:00:00:%02x:%02x", i >> 8, i & 0xff);
    used.insert(buf);
  }
  ASSERT_TRUE(ChooseMac(used, &mac));
  EXPECT_EQ(mac, "52:54:00:00:01:01");
}

TEST(VmTest, HostNameIsApplianceRackRankSlice) {
  EXPECT_EQ(VmHostName("compute", 0, 0, 1), "compute-0-0-1");
  EXPECT_EQ(VmHostName("login", 2, 10, 3), "login-2-10-3");
}

TEST(VmTest, ParseSizeMib) {
  int64_t mib;
  ASSERT_TRUE(ParseSizeMib("2048", &mib));
  EXPECT_EQ(mib, 2048);
  ASSERT_TRUE(ParseSizeMib("512M", &mib));
  EXPECT_EQ(mib, 512);
  ASSERT_TRUE(ParseSizeMib("40G", &mib));
  EXPECT_EQ(mib, 40 * 1024);
  ASSERT_TRUE(ParseSizeMib("1T", &mib));
  EXPECT_EQ(mib, 1024 * 1024);
  EXPECT_FALSE(ParseSizeMib("", &mib));
  EXPECT_FALSE(ParseSizeMib("G", &mib));
  EXPECT_FALSE(ParseSizeMib("0", &mib));
  EXPECT_FALSE(ParseSizeMib("-1G", &mib));
  EXPECT_FALSE(ParseSizeMib("4X", &mib));
}

TEST(VmTest, ParseVmRequest) {
  VmRequest r;
  std::string err;
  ASSERT_TRUE(ParseVmRequest("VM-Container-0-0",
                             {{"appliance", "compute"}, {"mem", "2G"}, {"cpus", "2"},
                              {"disk", "40G"}},
                             &r, &err))
      << err;
  EXPECT_EQ(r.container, "vm-container-0-0");
  EXPECT_EQ(r.appliance, "compute");
  EXPECT_EQ(r.mem_mib, 2048);
  EXPECT_EQ(r.cpus, 2);
  EXPECT_EQ(r.disk_mib, 40960);
  EXPECT_EQ(r.name, "");
  EXPECT_FALSE(ParseVmRequest("c", {{"mem", "2G"}}, &r, &err));
  EXPECT_EQ(err, "c: missing appliance=");
  EXPECT_FALSE(ParseVmRequest("c", {{"appliance", "compute"}, {"mem", "lots"}}, &r, &err));
  EXPECT_EQ(err, "mem=lots: invalid size (expected MiB, or a number with M, G or T)");
  EXPECT_FALSE(ParseVmRequest("c", {{"appliance", "compute"}, {"cpus", "0"}}, &r, &err));
  EXPECT_EQ(err, "cpus=0: invalid number (expected 1 to 4096)");
  EXPECT_FALSE(ParseVmRequest("c", {{"appliance", "compute"}, {"rack", "1"}}, &r, &err));
  EXPECT_EQ(err, "rack=1: unknown key (expected appliance, mem, cpus, disk or name)");
}

TEST(VmTest, ContainerSettingsComeFromItsAttributes) {
  VmContainer c = VmContainerOf("vm-container-0-0", {});
  EXPECT_EQ(c.uri, "qemu+ssh://vm-container-0-0/system");
  EXPECT_EQ(c.bridge, "br0");
  EXPECT_EQ(c.disk_dir, "/var/lib/libvirt/images");
  c = VmContainerOf("v", {{"vm_connect", "qemu:///system", AttrScope::kHost, "v"},
                          {"vm_bridge", "privbr", AttrScope::kGlobal, ""},
                          {"vm_disk_dir", "/vm", AttrScope::kAppliance, "vm-container"}});
  EXPECT_EQ(c.uri, "qemu:///system");
  EXPECT_EQ(c.bridge, "privbr");
  EXPECT_EQ(c.disk_dir, "/vm");
}

TEST(VmTest, CheckFitsSaysWhatIsShort) {
  NodeResources have;
  have.cpus = 4;
  have.mem_mib = 8192;
  have.free_mem_mib = 6000;
  have.free_disk_mib = 10240;
  std::string err;
  EXPECT_TRUE(CheckFits(2048, 2, 10240, have, 4096, "/d", &err)) << err;
  EXPECT_FALSE(CheckFits(4097, 1, 1, have, 4096, "/d", &err));
  EXPECT_EQ(err, "not enough memory: 4097 MiB asked, 4096 MiB of 8192 MiB left");
  EXPECT_FALSE(CheckFits(6001, 1, 1, have, 0, "/d", &err));
  EXPECT_EQ(err, "not enough free memory: 6001 MiB asked, 6000 MiB free");
  EXPECT_FALSE(CheckFits(1, 5, 1, have, 0, "/d", &err));
  EXPECT_EQ(err, "not enough CPUs: 5 asked, 4 there");
  EXPECT_FALSE(CheckFits(1, 1, 10241, have, 0, "/d", &err));
  EXPECT_EQ(err, "not enough disk in /d: 10241 MiB asked, 10240 MiB free");
  EXPECT_FALSE(CheckFits(1, 1, 1, have, 9000, "/d", &err));
  EXPECT_EQ(err, "not enough memory: 1 MiB asked, 0 MiB of 8192 MiB left");
}

TEST(VirtTest, DomainXmlBootsPxeFirstOnTheBridge) {
  DomainSpec s;
  s.name = "compute-0-0-1";
  s.type = "qemu";
  s.mem_mib = 2048;
  s.cpus = 2;
  s.mac = "52:54:00:00:00:01";
  s.bridge = "br0";
  s.disk = "/var/lib/libvirt/images/compute-0-0-1.qcow2";
  EXPECT_EQ(DomainXml(s),
            "<domain type=\"qemu\">\n"
            "  <name>compute-0-0-1</name>\n"
            "  <memory unit=\"MiB\">2048</memory>\n"
            "  <vcpu>2</vcpu>\n"
            "  <os>\n    <type arch=\"x86_64\">hvm</type>\n"
            "    <boot dev=\"network\"/>\n    <boot dev=\"hd\"/>\n  </os>\n"
            "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n"
            "  <on_poweroff>destroy</on_poweroff>\n"
            "  <on_reboot>restart</on_reboot>\n"
            "  <on_crash>destroy</on_crash>\n"
            "  <devices>\n"
            "    <disk type=\"file\" device=\"disk\">\n"
            "      <driver name=\"qemu\" type=\"qcow2\"/>\n"
            "      <source file=\"/var/lib/libvirt/images/compute-0-0-1.qcow2\"/>\n"
            "      <target dev=\"vda\" bus=\"virtio\"/>\n    </disk>\n"
            "    <interface type=\"bridge\">\n"
            "      <mac address=\"52:54:00:00:00:01\"/>\n"
            "      <source bridge=\"br0\"/>\n"
            "      <model type=\"virtio\"/>\n    </interface>\n"
            "    <serial type=\"pty\">\n      <target port=\"0\"/>\n    </serial>\n"
            "    <console type=\"pty\">\n      <target type=\"serial\" port=\"0\"/>\n    </console>\n"
            "  </devices>\n</domain>\n");
}

TEST(VirtTest, DomainXmlEscapesWhatItIsGiven) {
  DomainSpec s;
  s.name = "a<b";
  s.bridge = "br\"0";
  std::string x = DomainXml(s);
  EXPECT_NE(x.find("<name>a&lt;b</name>"), std::string::npos);
  EXPECT_NE(x.find("<source bridge=\"br&quot;0\"/>"), std::string::npos);
}

TEST(VirtTest, VolumeAndPoolXml) {
  EXPECT_EQ(VolumeXml("c.qcow2", 1024),
            "<volume>\n  <name>c.qcow2</name>\n  <capacity unit=\"MiB\">1024</capacity>\n"
            "  <allocation>0</allocation>\n  <target>\n    <format type=\"qcow2\"/>\n"
            "  </target>\n</volume>\n");
  EXPECT_EQ(DirPoolXml("rocks-vm", "/vm"),
            "<pool type=\"dir\">\n  <name>rocks-vm</name>\n  <target>\n    <path>/vm</path>\n"
            "  </target>\n</pool>\n");
  EXPECT_EQ(PoolNameFor("/var/lib/libvirt/images"), "rocks-var-lib-libvirt-images");
  EXPECT_EQ(PoolNameFor("/tmp/rocks vm//d/"), "rocks-tmp-rocks-vm-d");
}

TEST(VmPowerTest, Libvirt) {
  PowerPlan plan;
  std::string err;
  ASSERT_TRUE(PlanPower("compute-0-0-1",
                        {{"power", "libvirt", AttrScope::kHost, "compute-0-0-1"},
                         {"vm_connect", "qemu:///system", AttrScope::kHost, "vmc"}},
                        &plan, &err))
      << err;
  EXPECT_EQ(plan.method, PowerMethod::kLibvirt);
  EXPECT_EQ(plan.libvirt_uri, "qemu:///system");
  EXPECT_EQ(DescribePower(plan, SshSettings(), 10),
            "libvirt power cycle of domain compute-0-0-1 at qemu:///system");
  EXPECT_FALSE(PlanPower("c", {{"power", "libvirt", AttrScope::kHost, "c"}}, &plan, &err));
  EXPECT_EQ(err, "power=libvirt: vm_connect is not set");
}

}  // namespace
}  // namespace rocks
