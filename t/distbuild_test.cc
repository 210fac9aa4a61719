// Tests for lib/distbuild: choosing winners and describing changes. The
// whole build runs against real packages in t/rocks-dist.bats.
#include "distbuild.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rocks {
namespace {

RpmInfo Info(const std::string& name, const std::string& evr,
             const std::string& arch) {
  RpmInfo i;
  i.name = name;
  i.arch = arch;
  i.source = arch == "src";
  std::string rest = evr;
  size_t colon = rest.find(':');
  if (colon != std::string::npos) {
    i.has_epoch = true;
    i.epoch = static_cast<uint32_t>(std::stoul(rest.substr(0, colon)));
    rest = rest.substr(colon + 1);
  }
  size_t dash = rest.rfind('-');
  i.version = rest.substr(0, dash);
  i.release = rest.substr(dash + 1);
  return i;
}

DistCandidate Cand(const std::string& name, const std::string& evr,
                   const std::string& arch, SourceKind kind,
                   const std::string& key) {
  DistCandidate c;
  c.md.info = Info(name, evr, arch);
  c.kind = kind;
  c.path = c.key = key;
  return c;
}

std::vector<std::string> Keys(const std::vector<const DistCandidate*>& w) {
  std::vector<std::string> out;
  for (const DistCandidate* c : w) out.push_back(c->key);
  return out;
}

TEST(PickWinnersTest, NewestByRpmRules) {
  std::vector<DistCandidate> c = {
      Cand("foo", "1.0-1", "x86_64", SourceKind::kOs, "os/foo-1.0"),
      Cand("foo", "1.10-1", "x86_64", SourceKind::kOs, "os/foo-1.10"),
      Cand("foo", "1.9-1", "x86_64", SourceKind::kUpdates, "up/foo-1.9"),
      Cand("foo", "1.0-1", "i686", SourceKind::kOs, "os/foo.i686"),
      Cand("foo", "1.0-1", "src", SourceKind::kOs, "os/foo.src"),
  };
  EXPECT_EQ(Keys(PickWinners(c)),
            (std::vector<std::string>{"os/foo.i686", "os/foo.src", "os/foo-1.10"}));
}

TEST(PickWinnersTest, AnEpochBeatsAHigherVersion) {
  std::vector<DistCandidate> c = {
      Cand("e", "5.0-1", "noarch", SourceKind::kOs, "a"),
      Cand("e", "1:1.0-1", "noarch", SourceKind::kOs, "b"),
  };
  EXPECT_EQ(Keys(PickWinners(c)), std::vector<std::string>{"b"});
}

TEST(PickWinnersTest, ForceWinsWhateverTheVersion) {
  std::vector<DistCandidate> c = {
      Cand("f", "3:9.0-1", "noarch", SourceKind::kLocal, "local"),
      Cand("f", "0.1-1", "noarch", SourceKind::kForce, "force-old"),
      Cand("f", "0.2-1", "noarch", SourceKind::kForce, "force-new"),
  };
  EXPECT_EQ(Keys(PickWinners(c)), std::vector<std::string>{"force-new"});
}

TEST(PickWinnersTest, TiesGoToTheLaterKindThenTheFirstPath) {
  std::vector<DistCandidate> c = {
      Cand("t", "2.0-1", "noarch", SourceKind::kLocal, "z-local"),
      Cand("t", "2.0-1", "noarch", SourceKind::kOs, "a-os"),
      Cand("u", "1-1", "noarch", SourceKind::kOs, "b"),
      Cand("u", "1-1", "noarch", SourceKind::kOs, "a"),
  };
  EXPECT_EQ(Keys(PickWinners(c)), (std::vector<std::string>{"z-local", "a"}));
  // The order of the candidates does not matter.
  std::swap(c[0], c[1]);
  std::swap(c[2], c[3]);
  EXPECT_EQ(Keys(PickWinners(c)), (std::vector<std::string>{"z-local", "a"}));
}

TEST(DiffPackagesTest, EveryKindOfChange) {
  std::vector<RpmInfo> before = {
      Info("a", "1.0-1", "noarch"), Info("b", "2.0-1", "x86_64"),
      Info("c", "1.0-1", "noarch"), Info("d", "1.0-1", "noarch")};
  std::vector<RpmInfo> after = {
      Info("a", "1.0-1", "noarch"), Info("b", "1:1.0-1", "x86_64"),
      Info("c", "0.9-1", "noarch"), Info("e", "1.0-1", "src")};
  std::vector<std::string> lines;
  for (const DistChange& c : DiffPackages(before, after))
    lines.push_back(FormatChange(c));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "upgraded b-2.0-1.x86_64 -> b-1:1.0-1.x86_64",
                       "downgraded c-1.0-1.noarch -> c-0.9-1.noarch",
                       "removed d-1.0-1.noarch",
                       "added e-1.0-1.src",
                   }));
}

TEST(DiffPackagesTest, NothingChanged) {
  std::vector<RpmInfo> same = {Info("a", "1.0-1", "noarch")};
  EXPECT_TRUE(DiffPackages(same, same).empty());
}

}  // namespace
}  // namespace rocks
