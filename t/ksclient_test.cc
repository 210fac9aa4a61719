// Tests for lib/ksclient's request parsing: kickstart.cgi's query string
// and X-RHN-Provisioning-MAC-N headers.
#include "ksclient.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace rocks {
namespace {

using Nics = std::vector<std::pair<std::string, std::string>>;

TEST(KickstartQueryTest, Defaults) {
  KickstartQuery q;
  std::string err;
  ASSERT_TRUE(ParseKickstartQuery("", &q, &err)) << err;
  EXPECT_EQ(q.form, "kickstart");
  EXPECT_EQ(q.state, "");
  EXPECT_EQ(q.report.cpus, 0);
  EXPECT_EQ(q.report.memory, 0);
  EXPECT_TRUE(q.report.nics.empty());
}

TEST(KickstartQueryTest, Fields) {
  KickstartQuery q;
  std::string err;
  ASSERT_TRUE(ParseKickstartQuery(
      "form=xml&&state=installing&np=4&memory=2048&cpus=&nic=eth0%2C52%3A54%3A00%3A00%3A00%3A01",
      &q, &err)) << err;
  EXPECT_EQ(q.form, "xml");
  EXPECT_EQ(q.state, "installing");
  EXPECT_EQ(q.report.cpus, 4);
  EXPECT_EQ(q.report.memory, 2048);
  EXPECT_EQ(q.report.nics, (Nics{{"eth0", "52:54:00:00:00:01"}}));
}

TEST(KickstartQueryTest, Errors) {
  for (const auto& [query, message] : std::vector<std::pair<std::string, std::string>>{
           {"colour=red", "colour: unknown query field"},
           {"a+b%3d", "a b=: unknown query field"},
           {"np=lots", "np=lots: invalid number (expected 1 to 1048576)"},
           {"mem=0", "mem=0: invalid number (expected 1 to 1099511627776)"},
           {"nic=eth0", "nic=eth0: expected DEVICE,MAC"},
           {"nic=eth1;reboot,52:54:00:00:00:99", "nic=eth1;reboot,52:54:00:00:00:99: expected DEVICE,MAC"},
           {"form=pdf", "form=pdf: expected kickstart or xml"},
           {"state=booting", "state=booting: expected installing, installed or failed"},
       }) {
    KickstartQuery q;
    std::string err;
    EXPECT_FALSE(ParseKickstartQuery(query, &q, &err)) << query;
    EXPECT_EQ(err, message) << query;
  }
}

TEST(KickstartQueryTest, AtMost64Nics) {
  std::string query;
  for (int i = 0; i < 70; ++i) query += "&nic=eth" + std::to_string(i) + ",52:54:00:00:10:01";
  KickstartQuery q;
  std::string err;
  ASSERT_TRUE(ParseKickstartQuery(query, &q, &err)) << err;
  EXPECT_EQ(q.report.nics.size(), kMaxReportedNics);
}

TEST(KickstartQueryTest, HeaderNics) {
  HostReport report;
  AddHeaderNics({"eth0 52:54:00:00:00:01", "eth1", "bad/dev 52:54:00:00:00:02",
                 "eth2 ff:ff:ff:ff:ff:ff", "eth3  52-54-00-00-00-03"},
                &report);
  EXPECT_EQ(report.nics, (Nics{{"eth0", "52:54:00:00:00:01"}, {"eth3", "52:54:00:00:00:03"}}));
}

}  // namespace
}  // namespace rocks
