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

// "LINE -> server mac interface", "LINE -> malformed: why" or
// "LINE -> other", for one line.
std::string Read(const std::string& line) {
  DhcpRequest r;
  std::string why;
  switch (ParseDhcpLogLine(line, &r, &why)) {
    case DhcpLine::kOther:
      EXPECT_EQ(r.mac + r.interface + r.server, "") << line;
      return "other";
    case DhcpLine::kRequest: return r.server + " " + r.mac + " " + r.interface;
    case DhcpLine::kMalformed: return "malformed: " + why;
  }
  return "?";
}

TEST(DhcpLogTest, AClientsHostNameCannotFakeTheInterface) {
  const std::string p = "Nov 21 05:50:02 frontend dhcpd[812]: ";
  EXPECT_EQ(Read(p + "DHCPDISCOVER from 52:54:00:10:00:09 (evil via eth0 ) via eth1"),
            "dhcpd 52:54:00:10:00:09 eth1");
  EXPECT_EQ(Read(p + "DHCPDISCOVER from 52:54:00:10:00:09 (a) via eth0) via eth1"),
            "dhcpd 52:54:00:10:00:09 eth1");
  EXPECT_EQ(Read(p + "DHCPDISCOVER from 52:54:00:10:00:09 (a) via eth0: b) via eth1: "
                     "network 10.0.0.0/8: no free leases"),
            "dhcpd 52:54:00:10:00:09 eth1");
  EXPECT_EQ(Read("DHCPDISCOVER from 52:54:00:10:00:09 (x via eth0) via 10.1.255.254"),
            "dhcpd 52:54:00:10:00:09 10.1.255.254");
  EXPECT_EQ(Read(p + "DHCPDISCOVER from 52:54:00:10:00:09 (node12) via eth0"),
            "dhcpd 52:54:00:10:00:09 eth0");
  EXPECT_EQ(Read(p + "DHCPDISCOVER from 52:54:00:10:00:09 (via eth0)"),
            "malformed: dhcpd: no 'via INTERFACE'");
  EXPECT_EQ(Read(p + "DHCPDISCOVER from 52:54:00:10:00:09 via eth0 (x) via eth1"),
            "malformed: dhcpd: text after the interface 'eth0'");
  EXPECT_EQ(Read(p + "DHCPDISCOVER from 52:54:00:10:00:09 via eth0/1"),
            "malformed: dhcpd: unreadable interface 'eth0/1'");
}

TEST(DhcpLogTest, TheMessageStartsTheLineOrFollowsTheServersTag) {
  for (const char* line : {
           "Nov 21 05:50:02 frontend sshd[9]: Invalid user DHCPDISCOVER from "
           "52:54:00:10:00:09 via eth0",
           "Nov 21 05:50:02 frontend evil: DHCPDISCOVER from 52:54:00:10:00:09 via eth0",
           "Nov 21 05:50:02 frontend dhcpd[x]: DHCPDISCOVER from 52:54:00:10:00:09 via eth0",
           "Nov 21 05:50:02 frontend dnsmasq-dhcp[812]: DHCPDISCOVER from 52:54:00:10:00:09 "
           "via eth0",
           "Nov 21 05:50:02 frontend dhcpd[812]: DHCPDISCOVER(eth0) 52:54:00:10:00:09",
           "Nov 21 05:46:23 dnsmasq-dhcp[375]: 13784 client provides name: x "
           "DHCPDISCOVER(eth0) 52:54:00:10:00:09",
           "Nov 21 05:50:02 frontend dhcpd[812]: x DHCPDISCOVER from 52:54:00:10:00:09 via eth0",
           " DHCPDISCOVER from 52:54:00:10:00:09 via eth0",
           "Nov 21 05:50:02 frontend kea-dhcp4[7]: INFO [kea-dhcp4.packets/1.1] "
           "DHCP4_PACKET_RECEIVED [hwtype=1 52:54:00:10:00:09], cid=[no info], tid=0x1: "
           "DHCPDISCOVER (type 1) received from 0.0.0.0 to 255.255.255.255 on interface eth0",
           "Nov 21 05:50:02 frontend dhcpd[812]: DEBUG [kea-dhcp4.packets/1.1] "
           "DHCP4_PACKET_RECEIVED [hwtype=1 52:54:00:10:00:09], cid=[no info], tid=0x1: "
           "DHCPDISCOVER (type 1) received from 0.0.0.0 to 255.255.255.255 on interface eth0",
       })
    EXPECT_EQ(Read(line), "other") << line;
  EXPECT_EQ(Read("Nov 21 05:50:02 frontend dnsmasq[812]: 77 DHCPDISCOVER(eth0) "
                 "52:54:00:10:00:09"),
            "dnsmasq 52:54:00:10:00:09 eth0");
  EXPECT_EQ(Read("2026-11-21T05:50:02.123+00:00 frontend dhcpd: DHCPDISCOVER from "
                 "52:54:00:10:00:09 via eth0"),
            "dhcpd 52:54:00:10:00:09 eth0");
  EXPECT_EQ(Read("Nov 21 05:50:02 frontend kea-dhcp4[7]: 2026-11-21 05:50:02.316 DEBUG "
                 "[kea-dhcp4.packets/7.1] DHCP4_PACKET_RECEIVED [hwtype=1 52:54:00:10:00:09], "
                 "cid=[no info], tid=0x1: DHCPDISCOVER (type 1) received from 0.0.0.0 to "
                 "255.255.255.255 on interface eth0"),
            "kea 52:54:00:10:00:09 eth0");
}

// A journal entry as `journalctl -o json` prints it, with MESSAGE and
// journald's own fields.
std::string Entry(const std::string& message, const std::string& comm,
                  const std::string& exe, const std::string& uid,
                  const std::string& identifier = "dhcpd") {
  std::string s = "{\"__REALTIME_TIMESTAMP\":\"1795585802000000\",\"PRIORITY\":\"6\","
                  "\"SYSLOG_IDENTIFIER\":" + JsonQuote(identifier) +
                  ",\"MESSAGE\":" + JsonQuote(message);
  if (!comm.empty()) s += ",\"_COMM\":" + JsonQuote(comm);
  if (!exe.empty()) s += ",\"_EXE\":" + JsonQuote(exe);
  if (!uid.empty()) s += ",\"_UID\":" + JsonQuote(uid);
  return s + ",\"_PID\":\"812\"}";
}

TEST(DhcpLogTest, JournalEntriesCountOnlyFromTheServerItself) {
  const std::string discover = "DHCPDISCOVER from 52:54:00:10:00:09 via eth0";
  EXPECT_EQ(Read(Entry(discover, "dhcpd", "/usr/sbin/dhcpd", "177")),
            "dhcpd 52:54:00:10:00:09 eth0");
  EXPECT_EQ(Read(Entry(discover, "dhcpd", "/usr/sbin/dhcpd", "0")),
            "dhcpd 52:54:00:10:00:09 eth0");
  EXPECT_EQ(Read(Entry("2718 DHCPDISCOVER(eth0) 52:54:00:10:00:0a ", "dnsmasq",
                       "/usr/sbin/dnsmasq", "995", "dnsmasq-dhcp")),
            "dnsmasq 52:54:00:10:00:0a eth0");
  EXPECT_EQ(Read(Entry("2026-11-21 05:50:02.316 DEBUG [kea-dhcp4.packets/7.1] "
                       "DHCP4_PACKET_RECEIVED [hwtype=1 52:54:00:10:00:0b], cid=[no info], "
                       "tid=0x1: DHCPDISCOVER (type 1) received from 0.0.0.0 to "
                       "255.255.255.255 on interface eth0",
                       "kea-dhcp4", "/usr/sbin/kea-dhcp4", "0", "kea-dhcp4")),
            "kea 52:54:00:10:00:0b eth0");
  // logger -t dhcpd "DHCPDISCOVER from ...", by a local user.
  EXPECT_EQ(Read(Entry(discover, "logger", "/usr/bin/logger", "1000")),
            "malformed: journal: not logged by dhcpd (_COMM=logger _EXE=/usr/bin/logger "
            "_UID=1000)");
  // A copy of dhcpd, or a program named like it, run by a local user.
  EXPECT_EQ(Read(Entry(discover, "dhcpd", "/home/eve/dhcpd", "1000")),
            "malformed: journal: not logged by dhcpd (_COMM=dhcpd _EXE=/home/eve/dhcpd "
            "_UID=1000)");
  EXPECT_EQ(Read(Entry(discover, "dhcpd", "/home/eve/evil", "0")),
            "malformed: journal: not logged by dhcpd (_COMM=dhcpd _EXE=/home/eve/evil _UID=0)");
  EXPECT_EQ(Read(Entry(discover, "dnsmasq", "/usr/sbin/dnsmasq", "0")),
            "malformed: journal: not logged by dhcpd (_COMM=dnsmasq _EXE=/usr/sbin/dnsmasq "
            "_UID=0)");
  EXPECT_EQ(Read(Entry(discover, "", "", "")),
            "malformed: journal: not logged by dhcpd (_COMM= _EXE= _UID=)");
  EXPECT_EQ(Read(Entry(discover, "dhcpd", "/usr/sbin/dhcpd", "-1")),
            "malformed: journal: not logged by dhcpd (_COMM=dhcpd _EXE=/usr/sbin/dhcpd _UID=-1)");
  // The message is read from its start, as in a file of the server's own.
  EXPECT_EQ(Read(Entry("Nov 21 05:50:02 frontend dhcpd[812]: " + discover, "dhcpd",
                       "/usr/sbin/dhcpd", "0")),
            "other");
  EXPECT_EQ(Read(Entry("DHCPOFFER on 10.255.255.254 to 52:54:00:10:00:09 via eth0", "logger",
                       "/usr/bin/logger", "1000")),
            "other");
  EXPECT_EQ(Read("{\"_COMM\":\"dhcpd\",\"_EXE\":\"/usr/sbin/dhcpd\",\"_UID\":\"0\","
                 "\"MESSAGE\":[68,72,67,80,68,73,83,67,79,86,69,82,32,102,114,111,109,32,"
                 "48,48,49,49,50,50,51,51,52,52,53,53,32,118,105,97,32,101,116,104,48]}"),
            "dhcpd 00:11:22:33:44:55 eth0");
  EXPECT_EQ(Read("{\"_COMM\":\"dhcpd\",\"_UID\":\"0\"}"), "other");
  EXPECT_EQ(Read("{\"MESSAGE\":\"" + discover + "\",\"MESSAGE\":\"x\"}"), "other");
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
