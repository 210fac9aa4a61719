#include "users.h"

#include <gtest/gtest.h>

namespace rocks {
namespace {

AccountFiles Frontend() {
  AccountFiles f;
  f.passwd = "root:x:0:0:root:/root:/bin/bash\n"
             "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
             "bob:x:1001:1001::/home/bob:/bin/sh\n"
             "nobody:x:65534:65534::/:/sbin/nologin\n";
  f.shadow = "root:!:19000:0:99999:7:::\n"
             "alice:$6$salt$hash:19000:0:99999:7:::\n"
             "bob:$6$s2$h2:19000:0:99999:7:::\n"
             "nobody:*:19000:0:99999:7:::\n";
  f.group = "root:x:0:\nalice:x:1000:\nbob:x:1001:\nusers:x:100:alice,bob\n";
  f.gshadow = "root:*::\nalice:!::\nbob:!::\nusers:*::alice,bob\n";
  return f;
}

TEST(UsersTest, SelectsOnlyManagedIds) {
  AccountFiles s = SelectAccounts(Frontend(), 1000);
  EXPECT_EQ("alice:x:1000:1000:Alice:/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/sh\n",
            s.passwd);
  EXPECT_EQ("alice:$6$salt$hash:19000:0:99999:7:::\nbob:$6$s2$h2:19000:0:99999:7:::\n", s.shadow);
  EXPECT_EQ("alice:x:1000:\nbob:x:1001:\n", s.group);
  EXPECT_EQ("alice:!::\nbob:!::\n", s.gshadow);
}

TEST(UsersTest, PublishesWhereTheWebServerServesInstall) {
  Config cfg;
  UsersSettings s;
  std::string err;
  ASSERT_TRUE(LoadUsersSettings(cfg, &s, &err)) << err;
  EXPECT_EQ("/export/rocks/install/rocks/users", s.file);
  cfg.values["users_file"] = "/srv/users";
  ASSERT_TRUE(LoadUsersSettings(cfg, &s, &err)) << err;
  EXPECT_EQ("/srv/users", s.file);
}

TEST(UsersTest, SealAndOpen) {
  std::string key(kUsersKeySize, 'k'), sealed, err;
  AccountFiles s = SelectAccounts(Frontend(), 1000), opened;
  ASSERT_TRUE(SealAccounts(s, key, &sealed, &err)) << err;
  // Encrypted: no hash is readable off the wire.
  EXPECT_EQ(std::string::npos, sealed.find("$6$salt$hash"));
  ASSERT_TRUE(OpenAccounts(sealed, key, &opened, &err)) << err;
  EXPECT_EQ(s.passwd, opened.passwd);
  EXPECT_EQ(s.shadow, opened.shadow);
  EXPECT_EQ(s.group, opened.group);
  EXPECT_EQ(s.gshadow, opened.gshadow);
}

TEST(UsersTest, TamperedTruncatedAndWrongKeyAreRejected) {
  std::string key(kUsersKeySize, 'k'), sealed, err;
  AccountFiles opened;
  ASSERT_TRUE(SealAccounts(SelectAccounts(Frontend(), 1000), key, &sealed, &err));
  std::string tampered = sealed;
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_FALSE(OpenAccounts(tampered, key, &opened, &err));
  EXPECT_EQ("fails its check (wrong key, altered or truncated)", err);
  EXPECT_FALSE(OpenAccounts(sealed.substr(0, sealed.size() - 1), key, &opened, &err));
  EXPECT_EQ("fails its check (wrong key, altered or truncated)", err);
  EXPECT_FALSE(OpenAccounts(sealed.substr(0, 30), key, &opened, &err));
  EXPECT_EQ("truncated", err);
  EXPECT_FALSE(OpenAccounts(sealed, std::string(kUsersKeySize, 'x'), &opened, &err));
  EXPECT_EQ("fails its check (wrong key, altered or truncated)", err);
  EXPECT_FALSE(OpenAccounts("root:x:0:0::/:/bin/sh\n", key, &opened, &err));
  EXPECT_EQ("not a users file", err);
}

TEST(UsersTest, MergeNeverTouchesSystemAccounts) {
  AccountFiles node;
  node.passwd = "root:x:0:0:root:/root:/bin/bash\n"
                "munge:x:998:998::/run/munge:/sbin/nologin\n"
                "olduser:x:1005:1005::/home/old:/bin/sh\n";
  node.shadow = "root:$6$noderoot:19000:0:99999:7:::\nmunge:!:19000::::::\n"
                "olduser:!:19000::::::\n";
  node.group = "root:x:0:\nmunge:x:998:\nolduser:x:1005:\n";
  node.gshadow = "root:*::\nmunge:!::\nolduser:!::\n";
  AccountFiles pub = SelectAccounts(Frontend(), 1000);
  // A published entry may not take a system account's name.
  pub.passwd += "munge:x:1002:1002::/home/m:/bin/sh\n";
  MergeCounts c;
  AccountFiles m = MergeAccounts(node, pub, 1000, &c);
  EXPECT_EQ("root:x:0:0:root:/root:/bin/bash\n"
            "munge:x:998:998::/run/munge:/sbin/nologin\n"
            "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
            "bob:x:1001:1001::/home/bob:/bin/sh\n",
            m.passwd);
  EXPECT_EQ("root:$6$noderoot:19000:0:99999:7:::\nmunge:!:19000::::::\n"
            "alice:$6$salt$hash:19000:0:99999:7:::\nbob:$6$s2$h2:19000:0:99999:7:::\n",
            m.shadow);
  EXPECT_EQ("root:x:0:\nmunge:x:998:\nalice:x:1000:\nbob:x:1001:\n", m.group);
  EXPECT_EQ(2u, c.users);
  EXPECT_EQ(2u, c.groups);
  EXPECT_EQ(1u, c.skipped);
}

}  // namespace
}  // namespace rocks
