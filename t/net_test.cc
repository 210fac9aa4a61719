// Tests for lib/net: IPv4 addresses, networks, MAC addresses, host names.
#include "net.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace rocks {
namespace {

// ParseIPv4 ---------------------------------------------------------------

TEST(ParseIPv4Test, Accepts) {
  uint32_t ip = 0;
  ASSERT_TRUE(ParseIPv4("10.1.2.3", &ip));
  EXPECT_EQ(ip, 0x0a010203u);
  ASSERT_TRUE(ParseIPv4("0.0.0.0", &ip));
  EXPECT_EQ(ip, 0u);
  ASSERT_TRUE(ParseIPv4("255.255.255.255", &ip));
  EXPECT_EQ(ip, 0xffffffffu);
  ASSERT_TRUE(ParseIPv4("192.168.100.200", &ip));
  EXPECT_EQ(ip, 0xc0a864c8u);
}

TEST(ParseIPv4Test, RejectsLeadingZeros) {
  uint32_t ip = 7;
  EXPECT_FALSE(ParseIPv4("010.1.1.1", &ip));
  EXPECT_FALSE(ParseIPv4("10.01.1.1", &ip));
  EXPECT_FALSE(ParseIPv4("10.1.1.00", &ip));
  EXPECT_FALSE(ParseIPv4("10.1.1.001", &ip));
  EXPECT_EQ(ip, 7u);
}

TEST(ParseIPv4Test, RejectsPartsAbove255) {
  uint32_t ip = 7;
  EXPECT_FALSE(ParseIPv4("256.1.1.1", &ip));
  EXPECT_FALSE(ParseIPv4("1.1.1.256", &ip));
  EXPECT_FALSE(ParseIPv4("1.999.1.1", &ip));
  EXPECT_FALSE(ParseIPv4("1.1.1.1234", &ip));
  EXPECT_EQ(ip, 7u);
}

TEST(ParseIPv4Test, RejectsMissingParts) {
  uint32_t ip = 7;
  EXPECT_FALSE(ParseIPv4("", &ip));
  EXPECT_FALSE(ParseIPv4("10", &ip));
  EXPECT_FALSE(ParseIPv4("10.1.1", &ip));
  EXPECT_FALSE(ParseIPv4("10.1.1.", &ip));
  EXPECT_FALSE(ParseIPv4("10..1.1", &ip));
  EXPECT_FALSE(ParseIPv4(".10.1.1", &ip));
  EXPECT_EQ(ip, 7u);
}

TEST(ParseIPv4Test, RejectsTrailingJunk) {
  uint32_t ip = 7;
  EXPECT_FALSE(ParseIPv4("10.1.1.1.", &ip));
  EXPECT_FALSE(ParseIPv4("10.1.1.1.1", &ip));
  EXPECT_FALSE(ParseIPv4("10.1.1.1 ", &ip));
  EXPECT_FALSE(ParseIPv4("10.1.1.1x", &ip));
  EXPECT_FALSE(ParseIPv4("10.1.1.1/24", &ip));
  EXPECT_EQ(ip, 7u);
}

TEST(ParseIPv4Test, RejectsOtherCharacters) {
  uint32_t ip = 7;
  EXPECT_FALSE(ParseIPv4(" 10.1.1.1", &ip));
  EXPECT_FALSE(ParseIPv4("-1.1.1.1", &ip));
  EXPECT_FALSE(ParseIPv4("+1.1.1.1", &ip));
  EXPECT_FALSE(ParseIPv4("a.b.c.d", &ip));
  EXPECT_FALSE(ParseIPv4("0x0a.1.1.1", &ip));
  EXPECT_EQ(ip, 7u);
}

TEST(FormatIPv4Test, DottedQuad) {
  EXPECT_EQ(FormatIPv4(0), "0.0.0.0");
  EXPECT_EQ(FormatIPv4(0xffffffffu), "255.255.255.255");
  EXPECT_EQ(FormatIPv4(0x0a010203u), "10.1.2.3");
  EXPECT_EQ(FormatIPv4(0xc0a80001u), "192.168.0.1");
}

// Masks -------------------------------------------------------------------

TEST(PrefixToMaskTest, Values) {
  EXPECT_EQ(PrefixToMask(0), 0u);
  EXPECT_EQ(PrefixToMask(1), 0x80000000u);
  EXPECT_EQ(PrefixToMask(8), 0xff000000u);
  EXPECT_EQ(PrefixToMask(24), 0xffffff00u);
  EXPECT_EQ(PrefixToMask(31), 0xfffffffeu);
  EXPECT_EQ(PrefixToMask(32), 0xffffffffu);
}

TEST(MaskToPrefixTest, ContiguousMasks) {
  EXPECT_EQ(MaskToPrefix(0), 0);
  EXPECT_EQ(MaskToPrefix(0x80000000u), 1);
  EXPECT_EQ(MaskToPrefix(0xff000000u), 8);
  EXPECT_EQ(MaskToPrefix(0xfffff000u), 20);
  EXPECT_EQ(MaskToPrefix(0xfffffffeu), 31);
  EXPECT_EQ(MaskToPrefix(0xffffffffu), 32);
}

TEST(MaskToPrefixTest, NonContiguousMasks) {
  EXPECT_EQ(MaskToPrefix(0xff00ff00u), -1);
  EXPECT_EQ(MaskToPrefix(0x00ffffffu), -1);
  EXPECT_EQ(MaskToPrefix(0x00000001u), -1);
  EXPECT_EQ(MaskToPrefix(0xfffffffdu), -1);
}

TEST(MaskToPrefixTest, RoundTrip) {
  for (int p = 0; p <= 32; ++p) EXPECT_EQ(MaskToPrefix(PrefixToMask(p)), p) << p;
}

// ParseNetwork ------------------------------------------------------------

TEST(ParseNetworkTest, PrefixForm) {
  uint32_t net = 1;
  int prefix = -1;
  std::string err;
  ASSERT_TRUE(ParseNetwork("10.0.0.0/8", &net, &prefix, &err)) << err;
  EXPECT_EQ(net, 0x0a000000u);
  EXPECT_EQ(prefix, 8);
  ASSERT_TRUE(ParseNetwork("192.168.1.0/24", &net, &prefix, &err)) << err;
  EXPECT_EQ(net, 0xc0a80100u);
  EXPECT_EQ(prefix, 24);
  ASSERT_TRUE(ParseNetwork("0.0.0.0/0", &net, &prefix, &err)) << err;
  EXPECT_EQ(net, 0u);
  EXPECT_EQ(prefix, 0);
  ASSERT_TRUE(ParseNetwork("10.1.1.1/32", &net, &prefix, &err)) << err;
  EXPECT_EQ(net, 0x0a010101u);
  EXPECT_EQ(prefix, 32);
  EXPECT_EQ(err, "");
}

TEST(ParseNetworkTest, NetmaskForm) {
  uint32_t net = 1;
  int prefix = -1;
  std::string err;
  ASSERT_TRUE(ParseNetwork("10.0.0.0/255.0.0.0", &net, &prefix, &err)) << err;
  EXPECT_EQ(net, 0x0a000000u);
  EXPECT_EQ(prefix, 8);
  ASSERT_TRUE(ParseNetwork("172.16.0.0/255.255.240.0", &net, &prefix, &err)) << err;
  EXPECT_EQ(net, 0xac100000u);
  EXPECT_EQ(prefix, 20);
  ASSERT_TRUE(ParseNetwork("10.1.1.1/255.255.255.255", &net, &prefix, &err)) << err;
  EXPECT_EQ(prefix, 32);
  EXPECT_EQ(err, "");
}

// Each rejected network, with the message and nothing written.
struct NetworkError {
  uint32_t net = 99;
  int prefix = 99;
  std::string err;
  bool ok;
  explicit NetworkError(const char* s) { ok = ParseNetwork(s, &net, &prefix, &err); }
};

TEST(ParseNetworkTest, MissingSlash) {
  NetworkError e("10.0.0.0");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.err, "expected NETWORK/PREFIX");
  EXPECT_EQ(e.net, 99u);
  EXPECT_EQ(e.prefix, 99);
}

TEST(ParseNetworkTest, InvalidNetworkAddress) {
  NetworkError e("10.0.0/8");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.err, "invalid network address");
  EXPECT_EQ(e.net, 99u);
  EXPECT_EQ(NetworkError("010.0.0.0/8").err, "invalid network address");
}

TEST(ParseNetworkTest, PrefixTooLong) {
  NetworkError e("10.0.0.0/33");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.err, "prefix length must be 0-32");
  EXPECT_EQ(e.prefix, 99);
}

TEST(ParseNetworkTest, NegativePrefix) {
  NetworkError e("10.0.0.0/-1");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.err, "prefix length must be 0-32");
}

TEST(ParseNetworkTest, NonContiguousNetmask) {
  NetworkError e("10.0.0.0/255.0.255.0");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.err, "netmask is not contiguous");
}

TEST(ParseNetworkTest, NeitherPrefixNorNetmask) {
  NetworkError e("10.0.0.0/abc");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.err, "invalid prefix length or netmask");
  EXPECT_EQ(NetworkError("10.0.0.0/").err, "invalid prefix length or netmask");
  EXPECT_EQ(NetworkError("10.0.0.0/255.0.0").err, "invalid prefix length or netmask");
}

TEST(ParseNetworkTest, HostBitsSet) {
  NetworkError e("10.1.0.0/8");
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.err, "host bits set in network address");
  EXPECT_EQ(e.net, 99u);
  EXPECT_EQ(NetworkError("192.168.1.1/255.255.255.0").err,
            "host bits set in network address");
}

TEST(InNetworkTest, Membership) {
  EXPECT_TRUE(InNetwork(0x0a010101u, 0x0a000000u, 8));
  EXPECT_TRUE(InNetwork(0x0affffffu, 0x0a000000u, 8));
  EXPECT_FALSE(InNetwork(0x0b000001u, 0x0a000000u, 8));
  EXPECT_TRUE(InNetwork(0xc0a80105u, 0xc0a80100u, 24));
  EXPECT_FALSE(InNetwork(0xc0a80205u, 0xc0a80100u, 24));
  EXPECT_TRUE(InNetwork(0x01020304u, 0, 0));
  EXPECT_TRUE(InNetwork(0x0a010101u, 0x0a010101u, 32));
  EXPECT_FALSE(InNetwork(0x0a010102u, 0x0a010101u, 32));
}

// ParseMac ----------------------------------------------------------------

TEST(ParseMacTest, ColonForm) {
  std::string mac;
  ASSERT_TRUE(ParseMac("00:11:22:AA:bb:Cc", &mac));
  EXPECT_EQ(mac, "00:11:22:aa:bb:cc");
}

TEST(ParseMacTest, DashForm) {
  std::string mac;
  ASSERT_TRUE(ParseMac("00-11-22-AA-BB-CC", &mac));
  EXPECT_EQ(mac, "00:11:22:aa:bb:cc");
}

TEST(ParseMacTest, CiscoDotForm) {
  std::string mac;
  ASSERT_TRUE(ParseMac("0011.22AA.bbcc", &mac));
  EXPECT_EQ(mac, "00:11:22:aa:bb:cc");
}

TEST(ParseMacTest, BareHexForm) {
  std::string mac;
  ASSERT_TRUE(ParseMac("001122AABBCC", &mac));
  EXPECT_EQ(mac, "00:11:22:aa:bb:cc");
  ASSERT_TRUE(ParseMac("ffffffffffff", &mac));
  EXPECT_EQ(mac, "ff:ff:ff:ff:ff:ff");
}

TEST(ParseHostMacTest, RejectsTheAllZeroAndBroadcastAddresses) {
  std::string mac = "untouched", why;
  EXPECT_FALSE(ParseHostMac("00-00-00-00-00-00", &mac, &why));
  EXPECT_EQ(why, "the all-zero MAC address is no interface's");
  EXPECT_FALSE(ParseHostMac("FFFFFFFFFFFF", &mac, &why));
  EXPECT_EQ(why, "the broadcast MAC address is no interface's");
  EXPECT_FALSE(ParseHostMac("00:11:22", &mac, &why));
  EXPECT_EQ(why, "invalid MAC address");
  EXPECT_EQ(mac, "untouched");
  ASSERT_TRUE(ParseHostMac("00:00:00:00:00:01", &mac, &why));
  EXPECT_EQ(mac, "00:00:00:00:00:01");
}

TEST(ReservedHostNameTest, LoopbackNames) {
  for (const char* n : {"localhost", "LOCALHOST", "localhost.localdomain", "localhost4",
                        "localhost6.localdomain6", "ip6-localhost", "ip6-loopback",
                        "broadcasthost", "a.localhost"})
    EXPECT_TRUE(ReservedHostName(n)) << n;
  for (const char* n : {"compute-0-0", "localhost-0-0", "mylocalhost", "localhost.example.org"})
    EXPECT_FALSE(ReservedHostName(n)) << n;
}

TEST(ParseMacTest, RejectsWrongLengths) {
  std::string mac = "untouched";
  EXPECT_FALSE(ParseMac("", &mac));
  EXPECT_FALSE(ParseMac("00:11:22:aa:bb", &mac));
  EXPECT_FALSE(ParseMac("00:11:22:aa:bb:cc:dd", &mac));
  EXPECT_FALSE(ParseMac("0:11:22:aa:bb:cc", &mac));
  EXPECT_FALSE(ParseMac("00:11:22:aa:bb:cc ", &mac));
  EXPECT_FALSE(ParseMac("001122aabbc", &mac));
  EXPECT_FALSE(ParseMac("001122aabbccd", &mac));
  EXPECT_FALSE(ParseMac("0011.22aa.bbc", &mac));
  EXPECT_EQ(mac, "untouched");
}

TEST(ParseMacTest, RejectsMixedOrWrongSeparators) {
  std::string mac = "untouched";
  EXPECT_FALSE(ParseMac("00:11-22:aa:bb:cc", &mac));
  EXPECT_FALSE(ParseMac("00.11.22.aa.bb.cc", &mac));
  EXPECT_FALSE(ParseMac("00 11 22 aa bb cc", &mac));
  EXPECT_FALSE(ParseMac("0011:22aa:bbcc", &mac));
  EXPECT_FALSE(ParseMac("0011-22aa-bbcc", &mac));
  EXPECT_FALSE(ParseMac("001:122:aab:bcc", &mac));
  EXPECT_EQ(mac, "untouched");
}

TEST(ParseMacTest, RejectsNonHexDigits) {
  std::string mac = "untouched";
  EXPECT_FALSE(ParseMac("00:11:22:aa:bb:cg", &mac));
  EXPECT_FALSE(ParseMac("00112233445g", &mac));
  EXPECT_FALSE(ParseMac("0011.22aa.bbcx", &mac));
  EXPECT_FALSE(ParseMac("00:1::22:aa:bb:cc", &mac));
  EXPECT_FALSE(ParseMac("+0:11:22:aa:bb:cc", &mac));
  EXPECT_EQ(mac, "untouched");
}

// ValidHostName -----------------------------------------------------------

TEST(ValidHostNameTest, Accepts) {
  EXPECT_TRUE(ValidHostName("compute-0-0"));
  EXPECT_TRUE(ValidHostName("frontend.local"));
  EXPECT_TRUE(ValidHostName("a"));
  EXPECT_TRUE(ValidHostName("A1"));
  EXPECT_TRUE(ValidHostName("0"));
  EXPECT_TRUE(ValidHostName(std::string(63, 'x')));
  EXPECT_TRUE(ValidHostName(std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                            std::string(63, 'c') + "." + std::string(61, 'd')));
}

TEST(ValidHostNameTest, RejectsEmptyLabels) {
  EXPECT_FALSE(ValidHostName(""));
  EXPECT_FALSE(ValidHostName(".a"));
  EXPECT_FALSE(ValidHostName("a."));
  EXPECT_FALSE(ValidHostName("a..b"));
}

TEST(ValidHostNameTest, RejectsHyphenAtLabelEdges) {
  EXPECT_FALSE(ValidHostName("-a"));
  EXPECT_FALSE(ValidHostName("a-"));
  EXPECT_FALSE(ValidHostName("a.-b"));
  EXPECT_FALSE(ValidHostName("a-.b"));
}

TEST(ValidHostNameTest, RejectsOtherCharacters) {
  EXPECT_FALSE(ValidHostName("a_b"));
  EXPECT_FALSE(ValidHostName("a b"));
  EXPECT_FALSE(ValidHostName("a/b"));
  EXPECT_FALSE(ValidHostName("caf\xc3\xa9"));
}

TEST(ValidHostNameTest, RejectsTooLong) {
  EXPECT_FALSE(ValidHostName(std::string(64, 'x')));
  // 254 characters in labels of 63.
  EXPECT_FALSE(ValidHostName(std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                             std::string(63, 'c') + "." + std::string(62, 'd')));
}

}  // namespace
}  // namespace rocks
