// The cluster model's records as the units over the database hand them
// out (appliances, subnets, hosts with their interfaces, aliases,
// attributes, install events), the key=value words the tools take, and
// what those units share.
#ifndef ROCKS_LIB_MODEL_H_
#define ROCKS_LIB_MODEL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "db.h"

namespace rocks {
struct Appliance {
  int64_t id = 0;
  std::string name;        ///< "compute"
  std::string short_name;  ///< "c": aliases are c<rack>-<rank>
  std::string graph;       ///< "default"
  std::string node;        ///< root node of its kickstart graph; "" = none
  bool is_public = false;  ///< offered to insert-ethers
  bool compute = false;    ///< listed in machines and batch node lists
};

struct Subnet {
  int64_t id = 0;
  std::string name;  ///< "private", "public", ...
  uint32_t network = 0;
  int prefix = 0;
  std::string zone;  ///< DNS zone ("local")
  int64_t mtu = 1500;
  bool dhcp = false;    ///< the frontend's DHCP server answers on it
  bool pxe = false;     ///< nodes network-boot from it
  bool dns = false;     ///< the frontend's DNS serves its zone
  std::string gateway;  ///< dotted quad, "" when none
};

struct Interface {
  int64_t id = 0;
  std::string host;
  std::string device;  ///< "eth0"
  std::string mac;     ///< normalised, "" when unknown
  std::string ip;      ///< dotted quad, "" when none
  std::string subnet;  ///< subnet name, "" when none
  std::string module;  ///< kernel driver
  std::string name;    ///< DNS name on that subnet when not the host's
  int64_t vlan = 0;    ///< 802.1Q VLAN id, 0 when none
  std::string parent;  ///< VLAN: the device it rides on; bond slave: its bond
  std::string options; ///< bond: its options ("mode=802.3ad miimon=100")
};

struct Host {
  int64_t id = 0;
  std::string name;
  std::string appliance;
  int64_t rack = 0;
  int64_t rank = 0;
  int64_t cpus = 1;
  int64_t memory = 0;  ///< MiB, as the installer reported it; 0 = unknown
  std::string arch = "x86_64";
  std::string os = "linux";
  std::string comment;
  std::string boot_action = "os";  ///< "os" or "install"
  std::vector<Interface> interfaces;
};

struct Alias {
  std::string name;
  std::string host;
};

enum class AttrScope { kGlobal, kAppliance, kHost };

struct Attr {
  std::string name;
  std::string value;
  AttrScope scope = AttrScope::kGlobal;
  std::string owner;  ///< appliance or host name; "" for global
};

struct InstallEvent {
  std::string host;
  int64_t time = 0;  ///< seconds since the epoch
  std::string state; ///< profile-sent, rebooting, installing, installed, failed
  std::string detail;
};

/// key=value pairs as typed on a command line.
using KeyValues = std::vector<std::pair<std::string, std::string>>;

/// Splits "key=value" words; a word without '=' is an error naming it.
bool ParseKeyValues(const std::vector<std::string>& words, KeyValues* out,
                    std::string* err);

/// "KEY=VALUE: unknown key (did you mean 'K'?)", or with the list of
/// `expected` keys when none is close.
std::string UnknownKey(const std::string& key, const std::string& value,
                       std::vector<std::string> expected);

/// Whether `name` is one DNS label: the cluster's names (hosts, aliases,
/// interfaces) live in its own zones and /etc/hosts, where a dotted name
/// would answer for a name of another domain (www.google.com). Otherwise
/// `err` is "LABEL: dotted name (WHAT are one DNS label)".
bool CheckOneLabel(const std::string& label, const std::string& name, const char* what,
                   std::string* err);

/// The longest text the schema's VARCHAR columns hold (lib/schema.cc), in
/// characters, and its TEXT columns, in bytes. SQLite keeps longer text;
/// MariaDB refuses it, so the units check first and both engines give the
/// same message.
constexpr size_t kMaxArchLength = 32;      ///< hosts.arch, hosts.os
constexpr size_t kMaxCommentLength = 255;  ///< hosts.comment
constexpr size_t kMaxOptionsLength = 255;  ///< interfaces.options
constexpr size_t kMaxTextBytes = 65535;    ///< attributes.value

/// Whether `value` has at most `max` characters (UTF-8); otherwise `err`
/// is "KEY=VALUE: too long (at most MAX characters)", VALUE cut to its
/// first 32 characters and "..." when longer.
bool CheckLength(const std::string& key, const std::string& value, size_t max,
                 std::string* err);

/// " (did you mean 'x'?)" when one of the names `sql` selects (its first
/// column) is close to `word`, else "" (also when the query fails: the
/// suggestion only adds to an error already being reported).
std::string SuggestFrom(Database* db, const char* sql, const std::string& word);

}  // namespace rocks

#endif  // ROCKS_LIB_MODEL_H_
