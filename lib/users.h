// Accounts the same on every node, the way Rocks' 411 kept them: the
// frontend publishes its users and groups (uid/gid at or above a minimum,
// password hashes included) in one file sealed with a per-cluster key
// (libsodium's crypto_secretbox: XSalsa20 encryption with a Poly1305
// authenticator), and each node opens it with the same key and merges it
// into its own account files.
//
// A node never applies a file that fails its check, never touches an
// account or group below the minimum, and replaces each of passwd, group,
// shadow and gshadow atomically.
#ifndef ROCKS_LIB_USERS_H_
#define ROCKS_LIB_USERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "config.h"

namespace rocks {

/// Bytes of the per-cluster key.
constexpr size_t kUsersKeySize = 32;

/// The account files of a root ("/" or a node's root in a test).
struct AccountFiles {
  std::string passwd, group, shadow, gshadow;
};

/// Reads ROOT/etc/{passwd,group,shadow,gshadow}; a missing gshadow is empty.
bool ReadAccountFiles(const std::string& root, AccountFiles* out, std::string* err);

/// The lines of the accounts and groups at or above `min_id` (and below
/// 65534, nobody), with their shadow lines.
AccountFiles SelectAccounts(const AccountFiles& all, int64_t min_id);

/// Reads the key file (32 raw bytes); errors name the file.
bool ReadUsersKey(const std::string& path, std::string* key, std::string* err);

/// Creates a new random key file (mode 0600) unless it exists.
bool MakeUsersKey(const std::string& path, bool* created, std::string* err);

/// The published file: a header, a random nonce and the sealed accounts.
bool SealAccounts(const AccountFiles& accounts, const std::string& key,
                  std::string* out, std::string* err);

/// Checks and opens a published file. Errors: "not a users file",
/// "truncated", "fails its check (wrong key or altered)", a malformed line.
bool OpenAccounts(const std::string& sealed, const std::string& key,
                  AccountFiles* out, std::string* err);

/// What merging changed.
struct MergeCounts {
  size_t users = 0;   ///< published users now on the node
  size_t groups = 0;  ///< published groups now on the node
  size_t skipped = 0; ///< published entries left out (a system name or id)
};

/// The node's files with every entry at or above `min_id` replaced by the
/// published ones; entries below it stay as they are, and a published entry
/// whose name or id is one of them is left out.
AccountFiles MergeAccounts(const AccountFiles& node, const AccountFiles& published,
                           int64_t min_id, MergeCounts* counts);

/// Writes ROOT/etc/{passwd,group,shadow,gshadow}, each atomically (passwd
/// and group 0644, shadow and gshadow 0600).
bool WriteAccountFiles(const std::string& root, const AccountFiles& files,
                       std::string* err);

/// The configuration of `rocks sync users` and `rocks pull users`.
struct UsersSettings {
  int64_t min_id = 1000;  ///< `users_min_uid`
  std::string key;        ///< `users_key`: the key file
  std::string file;       ///< `users_file`: where the frontend publishes
  std::string root = "/"; ///< `users_root`: whose account files
};

/// From rocks.conf: users_min_uid (default 1000), users_key (default
/// $(sysconfdir)/rocks/users.key), users_file (default
/// /export/rocks/install/rocks/users, served as /install/rocks/users),
/// users_root (default /).
bool LoadUsersSettings(const Config& cfg, UsersSettings* out, std::string* err);

/// The frontend's side: makes the key when there is none, seals the
/// accounts of the root and writes the users file atomically.
bool PublishUsers(const UsersSettings& settings, std::string* err);

/// The node's side: checks and opens the users file at `path` and merges
/// it into the root's account files. A file that fails its check changes
/// nothing.
bool ApplyUsers(const UsersSettings& settings, const std::string& path,
                std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_USERS_H_
