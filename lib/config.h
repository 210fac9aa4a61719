// rocks.conf: `key = value` lines, resolved from several places.
#ifndef ROCKS_LIB_CONFIG_H_
#define ROCKS_LIB_CONFIG_H_

#include <map>
#include <utility>
#include <string>
#include <vector>

namespace rocks {

struct Config {
  std::map<std::string, std::string> values;
  /// Where each value came from ("FILE:LINE", "ROCKS_DB", "--db").
  std::map<std::string, std::string> sources;

  /// The value of `key`, else its built-in default (ConfigDefaults), else "".
  std::string Get(const std::string& key) const;
  std::string Get(const std::string& key, const std::string& fallback) const;
  /// The database URL; the built-in default when nothing set one.
  std::string Database() const;
  /// A number of seconds; `fallback` when unset. False when set but bad.
  bool GetSeconds(const std::string& key, double fallback, double* out,
                  std::string* err) const;
};

/// The system file, built in at configure time ($(sysconfdir)/rocks/rocks.conf).
std::string SystemConfigPath();

/// A key of rocks.conf.
struct ConfigKey {
  const char* name;
  /// What Config::Get gives when nothing sets the key ("" for nothing),
  /// with the directories configure chose.
  const char* default_value;
  /// The value the shipped rocks.conf sets, or null when it shows
  /// `default_value` commented out.
  const char* shipped;
  /// What the key is for, in one line.
  const char* doc;
};

/// The names of the keys, as every reader spells them.
extern const char kConfDatabase[];
extern const char kConfDbTimeout[];
extern const char kConfSshConfig[];
extern const char kConfDistLock[];
extern const char kConfInsertEthersLock[];
extern const char kConfInsertEthersQuiet[];
extern const char kConfDistConf[];
extern const char kConfSyncConf[];
extern const char kConfBootSysroot[];
extern const char kConfRollStore[];
extern const char kConfProfile[];
extern const char kConfKickstartStatedir[];
extern const char kConfDhcpLog[];
extern const char kConfHostsLocal[];
extern const char kConfDnsLocalDir[];
extern const char kConfUsersMinUid[];
extern const char kConfUsersKey[];
extern const char kConfUsersFile[];
extern const char kConfUsersRoot[];
extern const char kConfSshKey[];
extern const char kConfShadow[];

/// Every key of rocks.conf, in the order the shipped file shows them.
const std::vector<ConfigKey>& ConfigKeys();

/// The key named `name`, or null when rocks.conf has no such key.
const ConfigKey* FindConfigKey(const std::string& name);

/// The non-empty built-in defaults of ConfigKeys(), by key: what the
/// installed rocks.conf shows commented out (or sets).
const std::vector<std::pair<std::string, std::string>>& ConfigDefaults();

/// One `key = value` line of a configuration file.
struct ConfigLine {
  std::string key;
  std::string value;
  std::string where;  ///< "SOURCE:LINE", for messages
};

/// Splits `key = value` text into lines, skipping blank lines and lines
/// starting with '#'; keys and values are trimmed. A line without '=' or
/// without a key is an error ("SOURCE:LINE: reason").
bool ScanConfigLines(const std::string& text, const std::string& source,
                     std::vector<ConfigLine>* out, std::string* err);

/// Parses `key = value` lines into `cfg`, overriding what is there. Blank
/// lines and lines starting with '#' are skipped. `source` names the text in
/// errors ("FILE:LINE: reason").
bool ParseConfig(const std::string& text, const std::string& source,
                 Config* cfg, std::string* err);

/// Resolves the configuration: the system file (if present), then the file
/// named by ROCKS_CONF (which must exist), then ROCKS_DB, then `db_option`
/// (the --db option; empty when not given). A key of a file that is not
/// in ConfigKeys() is an error: "FILE:LINE: unknown key 'KEY'", with a
/// " (did you mean 'X'?)" for a likely typo.
bool LoadConfig(const std::string& db_option, Config* cfg, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_CONFIG_H_
