// Tests for lib/rpmhdr: RPM version comparison and header reading, on a
// package built with rpmbuild.
#include "rpmhdr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include "file.h"
#include "temp_dir.h"

namespace rocks {
namespace {

TEST(CompareVersionsTest, RpmvercmpRules) {
  EXPECT_LT(CompareVersions("1.0", "1.1"), 0);
  EXPECT_GT(CompareVersions("1.10", "1.9"), 0);
  EXPECT_EQ(CompareVersions("1.0", "1.0"), 0);
  EXPECT_GT(CompareVersions("1.0a", "1.0"), 0);
  EXPECT_LT(CompareVersions("1.0~rc1", "1.0"), 0);
  EXPECT_GT(CompareVersions("2", "1.99"), 0);
  EXPECT_EQ(CompareVersions("1_0", "1.0"), 0);
}

TEST(CompareEvrTest, EpochThenVersionThenRelease) {
  RpmInfo a, b;
  a.version = "5.0";
  a.release = "1";
  b.version = "1.0";
  b.release = "1";
  b.epoch = 1;
  b.has_epoch = true;
  EXPECT_LT(CompareEvr(a, b), 0);
  EXPECT_GT(CompareEvr(b, a), 0);
  // No epoch and epoch 0 are the same.
  RpmInfo c = a;
  c.has_epoch = true;
  EXPECT_EQ(CompareEvr(a, c), 0);
  c.release = "2";
  EXPECT_LT(CompareEvr(a, c), 0);
}

TEST(RpmInfoTest, Names) {
  RpmInfo i;
  i.name = "foo";
  i.version = "1.0";
  i.release = "2.el9";
  i.arch = "x86_64";
  EXPECT_EQ(i.Evr(), "1.0-2.el9");
  EXPECT_EQ(i.Nevra(), "foo-1.0-2.el9.x86_64");
  i.has_epoch = true;
  i.epoch = 3;
  EXPECT_EQ(i.Nevra(), "foo-3:1.0-2.el9.x86_64");
  EXPECT_EQ(i.FileName(), "foo-1.0-2.el9.x86_64.rpm");
}

class RpmFileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<test::ScopedTempDir>();
    ASSERT_TRUE(tmp_->Make("rpmhdr")) << tmp_->error();
    dir_ = tmp_->path();
    std::string spec = dir_ + "/hello.spec";
    std::string err;
    ASSERT_TRUE(WriteFileAtomic(spec,
                                "Name: hello\nVersion: 2.1\nRelease: 3\nEpoch: 4\n"
                                "Summary: greeting\nLicense: MIT\nBuildArch: noarch\n"
                                "Requires: bash\n"
                                "%description\nSays hello.\n"
                                "%install\nmkdir -p %{buildroot}/usr/share/hello\n"
                                "echo hi > %{buildroot}/usr/share/hello/greeting\n"
                                "%files\n/usr/share/hello/greeting\n",
                                nullptr, &err))
        << err;
    std::string cmd = "HOME='" + dir_ + "' rpmbuild --quiet --define '_topdir " +
                      dir_ + "/top' -ba '" + spec + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    rpm_ = dir_ + "/top/RPMS/noarch/hello-2.1-3.noarch.rpm";
    srpm_ = dir_ + "/top/SRPMS/hello-2.1-3.src.rpm";
  }
  static void TearDownTestSuite() { tmp_.reset(); }  // the directory, and all in it

  static std::unique_ptr<test::ScopedTempDir> tmp_;  // one for the suite
  static std::string dir_, rpm_, srpm_;
};

std::unique_ptr<test::ScopedTempDir> RpmFileTest::tmp_;
std::string RpmFileTest::dir_, RpmFileTest::rpm_, RpmFileTest::srpm_;

TEST_F(RpmFileTest, ReadsTheHeader) {
  RpmInfo info;
  std::string err;
  ASSERT_TRUE(ReadRpmHeader(rpm_, &info, &err)) << err;
  EXPECT_EQ(info.Nevra(), "hello-4:2.1-3.noarch");
  EXPECT_FALSE(info.source);
}

TEST_F(RpmFileTest, ASourcePackageIsArchSrc) {
  RpmInfo info;
  std::string err;
  ASSERT_TRUE(ReadRpmHeader(srpm_, &info, &err)) << err;
  EXPECT_EQ(info.Nevra(), "hello-4:2.1-3.src");
  EXPECT_TRUE(info.source);
  RpmMetadata md;
  ASSERT_TRUE(ReadRpmMetadata(srpm_, "SRPMS", &md, &err)) << err;
  EXPECT_TRUE(md.info.source);
  EXPECT_EQ(md.primary, "");
}

TEST_F(RpmFileTest, MetadataForRepodata) {
  RpmMetadata md;
  std::string err;
  ASSERT_TRUE(ReadRpmMetadata(rpm_, "RedHat/RPMS", &md, &err)) << err;
  EXPECT_EQ(md.info.Nevra(), "hello-4:2.1-3.noarch");
  EXPECT_NE(md.primary.find("<location href=\"RedHat/RPMS/hello-2.1-3.noarch.rpm\"/>"),
            std::string::npos)
      << md.primary;
  EXPECT_NE(md.primary.find("<checksum type=\"sha256\" pkgid=\"YES\">"),
            std::string::npos);
  EXPECT_NE(md.primary.find("<rpm:entry name=\"bash\"/>"), std::string::npos);
  EXPECT_NE(md.filelists.find("/usr/share/hello/greeting"), std::string::npos);
  EXPECT_NE(md.other.find("<package pkgid="), std::string::npos);
}

TEST_F(RpmFileTest, NotAnRpm) {
  std::string path = dir_ + "/junk.rpm";
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, "not a package\n", nullptr, &err));
  RpmInfo info;
  EXPECT_FALSE(ReadRpmHeader(path, &info, &err));
  EXPECT_EQ(err, path + ": not an RPM");
  RpmMetadata md;
  EXPECT_FALSE(ReadRpmMetadata(path, "RedHat/RPMS", &md, &err));
  EXPECT_EQ(err, path + ": not an RPM");
}

TEST_F(RpmFileTest, ATruncatedRpm) {
  std::string text, err;
  ASSERT_TRUE(ReadFile(rpm_, &text, &err));
  std::string path = dir_ + "/short.rpm";
  ASSERT_TRUE(WriteFileAtomic(path, text.substr(0, 200), nullptr, &err));
  RpmInfo info;
  EXPECT_FALSE(ReadRpmHeader(path, &info, &err));
  EXPECT_EQ(err, path + ": not an RPM");
}

// The bytes of `text` as a reader gives them, in pieces of at most `chunk`;
// `read` counts how many were taken.
std::function<ssize_t(void*, size_t)> Reader(const std::string& text,
                                             size_t chunk, size_t* read) {
  return [&text, chunk, read](void* buf, size_t n) -> ssize_t {
    size_t k = std::min({n, chunk, text.size() - *read});
    std::memcpy(buf, text.data() + *read, k);
    *read += k;
    return static_cast<ssize_t>(k);
  };
}

TEST_F(RpmFileTest, ReadsTheHeaderFromAStreamAndNoFurther) {
  std::string text, err;
  ASSERT_TRUE(ReadFile(rpm_, &text, &err));
  size_t read = 0;
  RpmInfo info;
  ASSERT_TRUE(ReadRpmHeaderFrom(Reader(text, 7, &read), "IMG!hello.rpm", &info,
                                &err))
      << err;
  EXPECT_EQ(info.Nevra(), "hello-4:2.1-3.noarch");
  EXPECT_FALSE(info.source);
  EXPECT_LT(read, text.size());
  ASSERT_TRUE(ReadFile(srpm_, &text, &err));
  read = 0;
  ASSERT_TRUE(ReadRpmHeaderFrom(Reader(text, 1 << 20, &read), "IMG!hello.src.rpm",
                                &info, &err))
      << err;
  EXPECT_EQ(info.Nevra(), "hello-4:2.1-3.src");
  EXPECT_TRUE(info.source);
}

TEST_F(RpmFileTest, AStreamThatIsNotAPackage) {
  std::string junk = "not a package\n", err;
  size_t read = 0;
  RpmInfo info;
  EXPECT_FALSE(ReadRpmHeaderFrom(Reader(junk, 100, &read), "IMG!junk.rpm", &info,
                                 &err));
  EXPECT_EQ(err, "IMG!junk.rpm: not an RPM");
}

TEST_F(RpmFileTest, ATruncatedStream) {
  std::string text, err;
  ASSERT_TRUE(ReadFile(rpm_, &text, &err));
  RpmInfo info;
  for (size_t cut : {size_t{50}, size_t{200}, size_t{2000}}) {
    std::string part = text.substr(0, cut);
    size_t read = 0;
    EXPECT_FALSE(ReadRpmHeaderFrom(Reader(part, 64, &read), "IMG!short.rpm",
                                   &info, &err))
        << cut;
    EXPECT_EQ(err, "IMG!short.rpm: not an RPM");
  }
}

TEST_F(RpmFileTest, AFailingReader) {
  std::string err;
  RpmInfo info;
  auto failing = [](void*, size_t) -> ssize_t { return -1; };
  EXPECT_FALSE(ReadRpmHeaderFrom(failing, "IMG!x.rpm", &info, &err));
  EXPECT_EQ(err, "IMG!x.rpm: not an RPM");
}

TEST_F(RpmFileTest, MissingFile) {
  RpmInfo info;
  std::string err;
  EXPECT_FALSE(ReadRpmHeader(dir_ + "/none.rpm", &info, &err));
  EXPECT_EQ(err, dir_ + "/none.rpm: No such file or directory");
}

}  // namespace
}  // namespace rocks
