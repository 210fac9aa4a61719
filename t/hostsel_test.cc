#include "hostsel.h"

#include <gtest/gtest.h>

namespace rocks {
namespace {

std::vector<std::string> Expand(const std::string& word) {
  std::vector<std::string> out;
  std::string err;
  EXPECT_TRUE(ExpandHostRange(word, &out, &err)) << err;
  return out;
}

std::string ExpandError(const std::string& word) {
  std::vector<std::string> out;
  std::string err;
  EXPECT_FALSE(ExpandHostRange(word, &out, &err));
  return err;
}

TEST(HostRangeTest, Expand) {
  using V = std::vector<std::string>;
  EXPECT_EQ(V({"compute-0-0"}), Expand("compute-0-0"));
  EXPECT_EQ(V({"compute-0-0", "compute-0-1", "compute-0-2"}), Expand("compute-0-[0-2]"));
  EXPECT_EQ(V({"c1", "c3", "c4", "c9"}), Expand("c[1,3-4,9]"));
  EXPECT_EQ(V({"n08", "n09", "n10"}), Expand("n[08-10]"));
  EXPECT_EQ(V({"c-0-0", "c-0-1", "c-1-0", "c-1-1"}), Expand("c-[0-1]-[0-1]"));
  EXPECT_EQ(V({"gpu1.ib", "gpu2.ib"}), Expand("gpu[1-2].ib"));
}

TEST(HostRangeTest, Errors) {
  EXPECT_EQ("compute-[3-1]: bad range '3-1'", ExpandError("compute-[3-1]"));
  EXPECT_EQ("compute-[a-b]: bad range 'a-b'", ExpandError("compute-[a-b]"));
  EXPECT_EQ("compute-[]: bad range ''", ExpandError("compute-[]"));
  EXPECT_EQ("compute-[1-2: '[' without ']'", ExpandError("compute-[1-2"));
  EXPECT_EQ("compute-1]: ']' without '['", ExpandError("compute-1]"));
  EXPECT_EQ("c[[1]]: '[' without ']'", ExpandError("c[[1]]"));
}

// Found by make fuzz (rocks_args): brackets multiply, and a short word
// could ask for millions of names (here 1,000,032), or 10^10.
TEST(HostRangeTest, AtMost100000NamesInAll) {
  EXPECT_EQ("[0-31111][0-31]: expands to more than 100000 names",
            ExpandError("[0-31111][0-31]"));
  EXPECT_EQ("c-[0-99999]-[0-99999]: expands to more than 100000 names",
            ExpandError("c-[0-99999]-[0-99999]"));
  EXPECT_EQ(100000u, Expand("c-[1-1000]-[1-100]").size());
  EXPECT_EQ(100000u, Expand("c[0-99999]").size());
}

TEST(HostRangeTest, Fold) {
  EXPECT_EQ("compute-0-[0-3,7]",
            FoldHostNames({"compute-0-1", "compute-0-0", "compute-0-2", "compute-0-3",
                           "compute-0-7"}));
  EXPECT_EQ("compute-0-0", FoldHostNames({"compute-0-0"}));
  EXPECT_EQ("compute-0-[0-1],frontend,login-0-0",
            FoldHostNames({"compute-0-0", "frontend", "compute-0-1", "login-0-0"}));
  EXPECT_EQ("n[08-10]", FoldHostNames({"n08", "n09", "n10"}));
  EXPECT_EQ("gpu[1-2].ib", FoldHostNames({"gpu1.ib", "gpu2.ib"}));
  EXPECT_EQ("", FoldHostNames({}));
}

class MatchHostsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto host = [](const char* name, const char* app, int rack, int rank) {
      Host h;
      h.name = name;
      h.appliance = app;
      h.rack = rack;
      h.rank = rank;
      return h;
    };
    hosts_ = {host("frontend", "frontend", 0, 0), host("compute-0-0", "compute", 0, 0),
              host("compute-0-1", "compute", 0, 1), host("compute-1-0", "compute", 1, 0),
              host("login-0-0", "login", 0, 0)};
    for (const char* a : {"compute", "frontend", "login", "nas"}) {
      Appliance app;
      app.name = a;
      apps_.push_back(app);
    }
  }

  std::string Names(const std::vector<std::string>& selection) {
    std::vector<Host> out;
    std::string err;
    if (!MatchHosts(hosts_, apps_, selection, &out, &err)) return "error: " + err;
    std::vector<std::string> names;
    for (const Host& h : out) names.push_back(h.name);
    std::string s;
    for (const std::string& n : names) s += (s.empty() ? "" : " ") + n;
    return s;
  }

  std::vector<Host> hosts_;
  std::vector<Appliance> apps_;
};

TEST_F(MatchHostsTest, Selectors) {
  EXPECT_EQ("compute-0-0 compute-0-1 compute-1-0", Names({"appliance:compute"}));
  EXPECT_EQ("compute-1-0", Names({"rack:1"}));
  EXPECT_EQ("frontend compute-0-0 compute-0-1 login-0-0", Names({"rack:0"}));
  EXPECT_EQ("compute-0-0 compute-0-1", Names({"compute-0-[0-31]"}));
  EXPECT_EQ("frontend compute-0-0 compute-0-1 compute-1-0 login-0-0", Names({"all"}));
  // The listing's order, once each, whatever the order of the words.
  EXPECT_EQ("compute-0-0 compute-1-0 login-0-0",
            Names({"LOGIN-0-0", "compute-1-0,compute-0-0", "compute-0-0"}));
  EXPECT_EQ("compute-1-0 login-0-0", Names({"appliance:login,rack:1"}));
}

TEST_F(MatchHostsTest, Errors) {
  EXPECT_EQ("error: compute-0-[5-9]: no host matches", Names({"compute-0-[5-9]"}));
  EXPECT_EQ("error: rack:7: no host matches", Names({"rack:7"}));
  EXPECT_EQ("error: appliance:nas: no host matches", Names({"appliance:nas"}));
  EXPECT_EQ("error: compute-9-9: unknown host (did you mean 'compute-0-0'?)", Names({"compute-0-0", "compute-9-9"}));
  EXPECT_EQ("error: appliance:comput: unknown appliance (did you mean 'appliance:compute'?)",
            Names({"appliance:comput"}));
  EXPECT_EQ("error: rack:x: bad rack number", Names({"rack:x"}));
  EXPECT_EQ("error: no hosts selected", Names({}));
  EXPECT_EQ("error: no hosts selected", Names({","}));
}

}  // namespace
}  // namespace rocks
