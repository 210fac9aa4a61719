// Tests for lib/frontend: what rocks init takes from the frontend itself.
#include "frontend.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "cluster.h"
#include "file.h"
#include "temp_dir.h"

namespace rocks {
namespace {

const std::vector<LocalInterface> kLocal = {
    {"ens3", "52:54:00:12:34:56", "10.1.1.1", 8},
    {"ens4", "52:54:00:12:34:57", "198.51.100.7", 24},
    {"ens5", "52:54:00:12:34:58", "", 0},
};

TEST(ResolveInitInterfacesTest, FindsTheInterfacesByAddress) {
  InitOptions o;
  o.public_address = "198.51.100.7";
  std::string err;
  ASSERT_TRUE(ResolveInitInterfaces(kLocal, &o, &err)) << err;
  EXPECT_EQ(o.private_device, "ens3");
  EXPECT_EQ(o.private_mac, "52:54:00:12:34:56");
  EXPECT_EQ(o.public_device, "ens4");
  EXPECT_EQ(o.public_mac, "52:54:00:12:34:57");
}

TEST(ResolveInitInterfacesTest, KeepsTheDefaultsWhenNoInterfaceHoldsTheAddress) {
  InitOptions o;
  o.private_address = "10.1.1.2";
  std::string err;
  ASSERT_TRUE(ResolveInitInterfaces(kLocal, &o, &err)) << err;
  EXPECT_EQ(o.private_device, "eth0");
  EXPECT_EQ(o.private_mac, "");
  EXPECT_EQ(o.public_device, "eth1");
}

TEST(ResolveInitInterfacesTest, ANamedInterfaceGivesItsAddressAndNetwork) {
  InitOptions o;
  o.private_interface = "ens4";
  o.public_interface = "ens3";
  std::string err;
  ASSERT_TRUE(ResolveInitInterfaces(kLocal, &o, &err)) << err;
  EXPECT_EQ(o.private_device, "ens4");
  EXPECT_EQ(o.private_address, "198.51.100.7");
  EXPECT_EQ(o.private_network, "198.51.100.0/24");
  EXPECT_EQ(o.public_address, "10.1.1.1");
  EXPECT_EQ(o.public_network, "10.0.0.0/8");
  EXPECT_EQ(o.public_mac, "52:54:00:12:34:56");
}

TEST(ResolveInitInterfacesTest, GivenAddressesAndMacsWin) {
  InitOptions o;
  o.private_interface = "ens3";
  o.private_address = "10.1.1.9";
  o.private_address_set = true;
  o.private_mac = "52:54:00:00:00:01";
  std::string err;
  ASSERT_TRUE(ResolveInitInterfaces(kLocal, &o, &err)) << err;
  EXPECT_EQ(o.private_address, "10.1.1.9");
  EXPECT_EQ(o.private_network, "10.0.0.0/8");
  EXPECT_EQ(o.private_mac, "52:54:00:00:00:01");
}

TEST(ResolveInitInterfacesTest, AMissingInterfaceIsAnError) {
  InitOptions o;
  o.public_interface = "ens9";
  std::string err;
  EXPECT_FALSE(ResolveInitInterfaces(kLocal, &o, &err));
  EXPECT_EQ(err, "public interface ens9: no such network interface");
}

TEST(ResolveInitInterfacesTest, AnInterfaceWithoutAddressIsAnError) {
  InitOptions o;
  o.private_interface = "ens5";
  std::string err;
  EXPECT_FALSE(ResolveInitInterfaces(kLocal, &o, &err));
  EXPECT_EQ(err, "private interface ens5: has no IPv4 address");
}

TEST(ListLocalInterfacesTest, LeavesLoopbackOut) {
  std::vector<LocalInterface> local;
  std::string err;
  ASSERT_TRUE(ListLocalInterfaces(&local, &err)) << err;
  for (const LocalInterface& i : local) EXPECT_NE(i.name, "lo");
}

class CredentialsTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.Make("fe")) << tmp_.error();
    dir_ = tmp_.path();
  }
  void Write(const std::string& name, const std::string& text) {
    std::string err;
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/" + name, text, nullptr, &err)) << err;
  }
  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it
  std::string dir_;
};

TEST_F(CredentialsTest, RootsHashFromShadow) {
  Write("shadow", "bin:*:19000:0:99999:7:::\nroot:$6$salt$hash:19000:0:99999:7:::\n");
  std::string hash, err;
  ASSERT_TRUE(ReadRootPasswordHash(dir_ + "/shadow", &hash, &err)) << err;
  EXPECT_EQ(hash, "$6$salt$hash");
}

TEST_F(CredentialsTest, ALockedRootGivesNoHash) {
  for (const char* h : {"!", "*", "!!", "!$6$salt$hash", ""}) {
    Write("shadow", std::string("root:") + h + ":19000::::::\n");
    std::string hash = "x", err;
    ASSERT_TRUE(ReadRootPasswordHash(dir_ + "/shadow", &hash, &err)) << err;
    EXPECT_EQ(hash, "") << h;
  }
}

TEST_F(CredentialsTest, AShadowWithoutRootIsAnError) {
  Write("shadow", "bin:*:19000:0:99999:7:::\n");
  std::string hash, err;
  EXPECT_FALSE(ReadRootPasswordHash(dir_ + "/shadow", &hash, &err));
  EXPECT_EQ(err, dir_ + "/shadow: no entry for root");
}

TEST_F(CredentialsTest, ReadsAnExistingPublicKey) {
  Write("id.pub", "ssh-ed25519 AAAAC3Nza root@fe\n");
  std::string pub, err;
  bool generated = true;
  ASSERT_TRUE(LoadOrMakeSshKey(dir_ + "/id", &pub, &generated, &err)) << err;
  EXPECT_EQ(pub, "ssh-ed25519 AAAAC3Nza root@fe");
  EXPECT_FALSE(generated);
}

TEST_F(CredentialsTest, MakesAKeyWhenThereIsNone) {
  std::string key = dir_ + "/ssh/id_ed25519", pub, err;
  bool generated = false;
  ASSERT_TRUE(LoadOrMakeSshKey(key, &pub, &generated, &err)) << err;
  EXPECT_TRUE(generated);
  EXPECT_EQ(pub.substr(0, 12), "ssh-ed25519 ");
  EXPECT_TRUE(PathExists(key));
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/ssh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(CredentialsTest, APrivateKeyWithoutItsPublicHalfIsAnError) {
  Write("id", "secret\n");
  std::string pub, err;
  bool generated = false;
  EXPECT_FALSE(LoadOrMakeSshKey(dir_ + "/id", &pub, &generated, &err));
  EXPECT_EQ(err, dir_ + "/id.pub: missing (" + dir_ + "/id exists; ssh-keygen -y -f " +
                     dir_ + "/id makes it)");
}

}  // namespace
}  // namespace rocks
