// Tests for lib/file: reading, atomic writing, path helpers.
#include "file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include "temp_dir.h"

namespace rocks {
namespace {

class FileTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.Make("file-test")) << tmp_.error();
    dir_ = tmp_.path();
  }

  /// The names in `dir`, without "." and "..".
  static std::set<std::string> Entries(const std::string& dir) {
    std::set<std::string> out;
    DIR* d = opendir(dir.c_str());
    if (!d) return {"<cannot open " + dir + ">"};
    while (struct dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.insert(n);
    }
    closedir(d);
    return out;
  }

  static std::string Slurp(const std::string& path) {
    std::string content, err;
    EXPECT_TRUE(ReadFile(path, &content, &err)) << err;
    return content;
  }

  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it

  std::string dir_;
};

TEST_F(FileTest, ReadFileReadsEveryByte) {
  std::string path = dir_ + "/f";
  std::string data("line one\n\0binary\xff\n", 18);
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
  }
  std::string content, err;
  ASSERT_TRUE(ReadFile(path, &content, &err)) << err;
  EXPECT_EQ(content, data);
  EXPECT_EQ(err, "");
}

TEST_F(FileTest, ReadFileLargerThanOneBuffer) {
  std::string path = dir_ + "/big";
  std::string data(200000, 'x');
  for (size_t i = 0; i < data.size(); i += 997) data[i] = static_cast<char>('a' + i % 26);
  bool changed = false;
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, data, &changed, &err)) << err;
  EXPECT_EQ(Slurp(path), data);
}

TEST_F(FileTest, ReadFileEmpty) {
  std::string path = dir_ + "/empty";
  close(open(path.c_str(), O_CREAT | O_WRONLY, 0644));
  std::string content = "old", err;
  ASSERT_TRUE(ReadFile(path, &content, &err)) << err;
  EXPECT_EQ(content, "");
}

TEST_F(FileTest, ReadFileMissing) {
  std::string content = "old", err;
  EXPECT_FALSE(ReadFile(dir_ + "/missing", &content, &err));
  EXPECT_EQ(err, dir_ + "/missing: No such file or directory");
  EXPECT_EQ(content, "old");
}

TEST_F(FileTest, ReadFileDirectory) {
  std::string content = "old", err;
  EXPECT_FALSE(ReadFile(dir_, &content, &err));
  EXPECT_EQ(err, dir_ + ": Is a directory");
  EXPECT_EQ(content, "old");
}

TEST_F(FileTest, ReadFileUnderAFile) {
  std::string path = dir_ + "/f";
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, "x", nullptr, &err)) << err;
  std::string content;
  EXPECT_FALSE(ReadFile(path + "/g", &content, &err));
  EXPECT_EQ(err, path + "/g: Not a directory");
}

TEST_F(FileTest, PathExists) {
  std::string path = dir_ + "/f";
  EXPECT_FALSE(PathExists(path));
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, "x", nullptr, &err)) << err;
  EXPECT_TRUE(PathExists(path));
  EXPECT_TRUE(PathExists(dir_));
  // A dangling symbolic link is still something at that path.
  ASSERT_EQ(symlink("nowhere", (dir_ + "/link").c_str()), 0);
  EXPECT_TRUE(PathExists(dir_ + "/link"));
}

TEST_F(FileTest, WriteFileAtomicCreates) {
  std::string path = dir_ + "/hosts";
  bool changed = false;
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, "10.1.1.1 frontend\n", &changed, &err)) << err;
  EXPECT_TRUE(changed);
  EXPECT_EQ(err, "");
  EXPECT_EQ(Slurp(path), "10.1.1.1 frontend\n");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(FileTest, WriteFileAtomicModeIgnoresUmask) {
  std::string path = dir_ + "/secret";
  mode_t old = umask(077);
  std::string err;
  bool ok = WriteFileAtomic(path, "s", nullptr, &err, 0640);
  bool ok2 = WriteFileAtomic(dir_ + "/exec", "#!/bin/sh\n", nullptr, &err, 0755);
  umask(old);
  ASSERT_TRUE(ok && ok2) << err;
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_EQ(stat((dir_ + "/exec").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

TEST_F(FileTest, WriteFileAtomicEmptyContent) {
  std::string path = dir_ + "/empty";
  bool changed = false;
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, "", &changed, &err)) << err;
  EXPECT_TRUE(changed);
  EXPECT_TRUE(PathExists(path));
  EXPECT_EQ(Slurp(path), "");
  // Writing "" again over the empty file is no change.
  ASSERT_TRUE(WriteFileAtomic(path, "", &changed, &err)) << err;
  EXPECT_FALSE(changed);
}

TEST_F(FileTest, WriteFileAtomicSkipsUnchangedContent) {
  std::string path = dir_ + "/hosts";
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, "same\n", nullptr, &err)) << err;
  // Back-date the file so that any rewrite would show in its mtime.
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  struct stat before;
  ASSERT_EQ(stat(path.c_str(), &before), 0);

  bool changed = true;
  ASSERT_TRUE(WriteFileAtomic(path, "same\n", &changed, &err)) << err;
  EXPECT_FALSE(changed);

  struct stat after;
  ASSERT_EQ(stat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_mtim.tv_sec, 1000000000);
  EXPECT_EQ(after.st_mtim.tv_nsec, 0);
  EXPECT_EQ(Entries(dir_), std::set<std::string>{"hosts"});
}

TEST_F(FileTest, WriteFileAtomicReplacesChangedContent) {
  std::string path = dir_ + "/hosts";
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, "old content that is longer\n", nullptr, &err)) << err;
  struct stat before;
  ASSERT_EQ(stat(path.c_str(), &before), 0);
  // Keep the old inode alive so that the new file cannot reuse its number.
  int keep = open(path.c_str(), O_RDONLY);
  ASSERT_GE(keep, 0);

  bool changed = false;
  ASSERT_TRUE(WriteFileAtomic(path, "new\n", &changed, &err)) << err;
  EXPECT_TRUE(changed);
  EXPECT_EQ(Slurp(path), "new\n");
  struct stat after;
  ASSERT_EQ(stat(path.c_str(), &after), 0);
  // Replaced by rename, not rewritten in place.
  EXPECT_NE(after.st_ino, before.st_ino);
  // The old file, still open, is intact.
  char buf[64];
  ssize_t n = read(keep, buf, sizeof buf);
  close(keep);
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0),
            "old content that is longer\n");
}

TEST_F(FileTest, WriteFileAtomicLeavesNoTemporaryFiles) {
  std::string err;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/a", "v" + std::to_string(i), nullptr, &err)) << err;
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/b", "same", nullptr, &err)) << err;
  }
  EXPECT_EQ(Entries(dir_), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(Slurp(dir_ + "/a"), "v4");
}

TEST_F(FileTest, WriteFileAtomicNullChangedFlag) {
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/a", "x", nullptr, &err)) << err;
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/a", "x", nullptr, &err)) << err;
  EXPECT_EQ(Slurp(dir_ + "/a"), "x");
}

TEST_F(FileTest, WriteFileAtomicRelativePath) {
  std::string cwd = std::filesystem::current_path();
  ASSERT_EQ(chdir(dir_.c_str()), 0);
  bool changed = false;
  std::string err;
  bool ok = WriteFileAtomic("rel", "relative\n", &changed, &err);
  std::set<std::string> entries = Entries(".");
  ASSERT_EQ(chdir(cwd.c_str()), 0);
  ASSERT_TRUE(ok) << err;
  EXPECT_TRUE(changed);
  EXPECT_EQ(entries, std::set<std::string>{"rel"});
  EXPECT_EQ(Slurp(dir_ + "/rel"), "relative\n");
}

TEST_F(FileTest, WriteFileAtomicMissingDirectory) {
  std::string path = dir_ + "/nodir/hosts";
  bool changed = true;
  std::string err;
  EXPECT_FALSE(WriteFileAtomic(path, "x", &changed, &err));
  EXPECT_EQ(err, path + ": No such file or directory");
  EXPECT_FALSE(changed);
  EXPECT_FALSE(PathExists(dir_ + "/nodir"));
  EXPECT_EQ(Entries(dir_), std::set<std::string>{});
}

TEST_F(FileTest, WriteFileAtomicOverADirectory) {
  std::string path = dir_ + "/sub";
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  bool changed = true;
  std::string err;
  EXPECT_FALSE(WriteFileAtomic(path, "x", &changed, &err));
  EXPECT_EQ(err, path + ": Is a directory");
  EXPECT_FALSE(changed);
  // The temporary file is gone, the directory is still a directory.
  EXPECT_EQ(Entries(dir_), std::set<std::string>{"sub"});
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

// Replacing a 0600 file used to leave a 0644 root:root one.
TEST_F(FileTest, WriteFileAtomicKeepsModeAndOwner) {
  std::string path = dir_ + "/secret";
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, "old", nullptr, &err, 0600)) << err;
  ASSERT_EQ(chown(path.c_str(), 65534, 65534), 0);
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  ASSERT_TRUE(WriteFileAtomic(path, "new", nullptr, &err)) << err;
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_gid, 65534u);
  EXPECT_EQ(Slurp(path), "new");
}

// A symlinked output (such as /etc/hosts) used to become a plain file.
TEST_F(FileTest, WriteFileAtomicWritesThroughSymlinks) {
  std::string err;
  ASSERT_EQ(mkdir((dir_ + "/real").c_str(), 0755), 0);
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/real/hosts", "old", nullptr, &err, 0600)) << err;
  ASSERT_EQ(symlink("real/hosts", (dir_ + "/hop").c_str()), 0);
  ASSERT_EQ(symlink((dir_ + "/hop").c_str(), (dir_ + "/hosts").c_str()), 0);
  bool changed = false;
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/hosts", "new", &changed, &err)) << err;
  EXPECT_TRUE(changed);
  struct stat st;
  ASSERT_EQ(lstat((dir_ + "/hosts").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  ASSERT_EQ(lstat((dir_ + "/hop").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  ASSERT_EQ(lstat((dir_ + "/real/hosts").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(Slurp(dir_ + "/real/hosts"), "new");
  EXPECT_EQ(Entries(dir_), (std::set<std::string>{"hop", "hosts", "real"}));
  EXPECT_EQ(Entries(dir_ + "/real"), (std::set<std::string>{"hosts"}));
  // A dangling link: its target is made.
  ASSERT_EQ(symlink("made", (dir_ + "/dangling").c_str()), 0);
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/dangling", "x", nullptr, &err)) << err;
  EXPECT_EQ(Slurp(dir_ + "/made"), "x");
  // A loop of links is an error naming the path.
  ASSERT_EQ(symlink("loop", (dir_ + "/loop").c_str()), 0);
  EXPECT_FALSE(WriteFileAtomic(dir_ + "/loop", "x", nullptr, &err));
  EXPECT_EQ(err, dir_ + "/loop: Too many levels of symbolic links");
}

TEST(PathTest, DirName) {
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("/etc/hosts"), "/etc");
  EXPECT_EQ(DirName("/hosts"), "/");
  EXPECT_EQ(DirName("hosts"), ".");
  EXPECT_EQ(DirName("a/b/"), "a/b");
}

TEST(PathTest, BaseName) {
  EXPECT_EQ(BaseName("a/b/c"), "c");
  EXPECT_EQ(BaseName("/hosts"), "hosts");
  EXPECT_EQ(BaseName("hosts"), "hosts");
  EXPECT_EQ(BaseName("a/b/"), "");
}

}  // namespace
}  // namespace rocks
