// Tests for lib/dhcplog: the DISCOVER lines of real logs from ISC dhcpd,
// dnsmasq and kea-dhcp4 (t/data/insert-ethers/, captured from the daemons
// answering a real client in a network namespace), and the syslog form.
#include "dhcplog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "file.h"
#include "strutil.h"

namespace rocks {
namespace {

using Strings = std::vector<std::string>;

// Every line of a t/data/insert-ethers/ log that is a request or
// malformed, as "LINE: server mac interface" or "LINE: malformed: why".
Strings Requests(const std::string& name) {
  const char* src = std::getenv("ROCKS_SRCDIR");
  std::string path = std::string(src ? src : ".") + "/t/data/insert-ethers/" + name;
  std::string text, err;
  EXPECT_TRUE(ReadFile(path, &text, &err)) << err;
  Strings out;
  Strings lines = Split(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    DhcpRequest r;
    std::string why;
    switch (ParseDhcpLogLine(lines[i], &r, &why)) {
      case DhcpLine::kOther: break;
      case DhcpLine::kRequest:
        out.push_back(std::to_string(i + 1) + ": " + r.server + " " + r.mac + " " +
                      r.interface);
        break;
      case DhcpLine::kMalformed:
        out.push_back(std::to_string(i + 1) + ": malformed: " + why);
        break;
    }
  }
  return out;
}

TEST(DhcpLogTest, IscDhcpdRealLog) {
  EXPECT_EQ(Requests("dhcpd.log"),
            (Strings{"13: dhcpd 52:54:00:aa:bb:01 rkv0", "17: dhcpd 52:54:00:aa:bb:02 rkv0",
                     "35: dhcpd 52:54:00:aa:bb:03 rkv0", "48: dhcpd 52:54:00:aa:bb:0c rkv0"}));
}

TEST(DhcpLogTest, IscDhcpdSyslog) {
  EXPECT_EQ(Requests("dhcpd-syslog.log"),
            (Strings{"2: dhcpd 52:54:00:10:00:01 eth0", "4: dhcpd 52:54:00:10:00:02 eth0",
                     "5: dhcpd 52:54:00:10:00:03 eth0", "6: dhcpd 52:54:00:10:00:04 eth0",
                     "7: dhcpd 52:54:00:10:00:05 10.1.255.254",
                     "8: dhcpd 52:54:00:10:00:06 eth1",
                     "9: malformed: dhcpd: unreadable MAC address '52:54:00:10:00'",
                     "10: malformed: dhcpd: no 'via INTERFACE'"}));
}

TEST(DhcpLogTest, DnsmasqRealLog) {
  EXPECT_EQ(Requests("dnsmasq.log"),
            (Strings{"5: dnsmasq 52:54:00:aa:bb:07 rkv0", "9: dnsmasq 52:54:00:aa:bb:08 rkv0",
                     "10: dnsmasq 52:54:00:aa:bb:08 rkv0", "13: dnsmasq 52:54:00:aa:bb:08 rkv0",
                     "16: dnsmasq 52:54:00:aa:bb:08 rkv0", "25: dnsmasq 52:54:00:aa:bb:0a rkv0",
                     "47: dnsmasq 52:54:00:aa:bb:0b rkv0", "64: dnsmasq 52:54:00:aa:bb:0b rkv0"}));
}

TEST(DhcpLogTest, KeaRealLog) {
  EXPECT_EQ(Requests("kea.log"), (Strings{"13: kea 52:54:00:aa:bb:06 rkv0"}));
}

TEST(DhcpLogTest, OtherLinesAreIgnored) {
  DhcpRequest r;
  std::string why;
  for (const char* line :
       {"", "DHCPOFFER on 10.77.0.100 to 52:54:00:aa:bb:01 via rkv0",
        "DHCPREQUEST for 10.77.0.100 (10.77.0.1) from 52:54:00:aa:bb:01 via rkv0",
        "Nov 21 05:46:12 dnsmasq-dhcp[31115]: DHCPOFFER(rkv0) 10.77.0.100 52:54:00:aa:bb:07 ",
        "2026-11-21 05:45:53.349 DEBUG [kea-dhcp4.packets/27145.1] DHCP4_PACKET_RECEIVED "
        "[hwtype=1 52:54:00:aa:bb:06], cid=[01:52:54:00:aa:bb:06], tid=0xcb4c1506: "
        "DHCPREQUEST (type 3) received from 0.0.0.0 to 255.255.255.255 on interface rkv0",
        "someone typed XDHCPDISCOVER from 52:54:00:aa:bb:01 via eth0"})
    EXPECT_EQ(ParseDhcpLogLine(line, &r, &why), DhcpLine::kOther) << line;
}

TEST(DhcpLogTest, MalformedLinesSayWhy) {
  struct Case {
    const char* line;
    const char* why;
  } cases[] = {
      {"DHCPDISCOVER from 52:54:00:aa:bb:01 via ", "dhcpd: no interface after 'via'"},
      {"BOOTREQUEST from  via eth0", "dhcpd: no MAC address"},
      {"dnsmasq-dhcp[1]: DHCPDISCOVER(eth0 52:54:00:aa:bb:01",
       "dnsmasq: no interface in 'DHCPDISCOVER(...)'"},
      {"dnsmasq-dhcp[1]: DHCPDISCOVER(eth0)", "dnsmasq: no MAC address"},
      {"dnsmasq-dhcp[1]: DHCPDISCOVER(ib0) 80:00:00:48:fe:80:00:00",
       "dnsmasq: unreadable MAC address '80:00:00:48:fe:80:00:00'"},
      {"DEBUG [kea-dhcp4.packets/1.1] DHCP4_PACKET_RECEIVED [hwtype=32 80:00], cid=[no info], "
       "tid=0x1: DHCPDISCOVER (type 1) received from 0.0.0.0 to 255.255.255.255 on interface ib0",
       "kea: hardware type '32' is not Ethernet"},
      {"DEBUG [kea-dhcp4.packets/1.1] DHCP4_PACKET_RECEIVED [no hwaddr info], cid=[no info], "
       "tid=0x1: DHCPDISCOVER (type 1) received from 0.0.0.0 to 255.255.255.255 on interface eth0",
       "kea: no '[hwtype=N MAC]'"},
      {"DEBUG [kea-dhcp4.packets/1.1] DHCP4_PACKET_RECEIVED [hwtype=1 52:54:00:aa:bb:01], "
       "cid=[no info], tid=0x1: DHCPDISCOVER (type 1) received from 0.0.0.0 to 255.255.255.255",
       "kea: no 'on interface INTERFACE'"},
  };
  for (const Case& c : cases) {
    DhcpRequest r;
    std::string why;
    EXPECT_EQ(ParseDhcpLogLine(c.line, &r, &why), DhcpLine::kMalformed) << c.line;
    EXPECT_EQ(why, c.why) << c.line;
  }
}

TEST(DhcpLogTest, MacSpellingsAreNormalised) {
  DhcpRequest r;
  std::string why;
  ASSERT_EQ(ParseDhcpLogLine("DHCPDISCOVER from 52:54:00:AA:BB:0C via eth0", &r, &why),
            DhcpLine::kRequest);
  EXPECT_EQ(r.mac, "52:54:00:aa:bb:0c");
  ASSERT_EQ(ParseDhcpLogLine("dnsmasq-dhcp[7]: DHCPDISCOVER(eth0) 10.1.0.9 52:54:00:aa:bb:0d "
                             "no address available",
                             &r, &why),
            DhcpLine::kRequest);
  EXPECT_EQ(r.mac, "52:54:00:aa:bb:0d");
  EXPECT_EQ(r.server, "dnsmasq");
  EXPECT_EQ(r.interface, "eth0");
}

}  // namespace
}  // namespace rocks
