// What `rocks init` learns from the frontend itself: its network
// interfaces, root's password hash and root's SSH key.
#ifndef ROCKS_LIB_FRONTEND_H_
#define ROCKS_LIB_FRONTEND_H_

#include <string>
#include <vector>

namespace rocks {

struct InitOptions;

/// One network interface of this machine.
struct LocalInterface {
  std::string name;  ///< eth0, ens3, ...
  std::string mac;   ///< canonical lower-case; "" when it has none
  std::string ip;    ///< its first IPv4 address; "" when it has none
  int prefix = 0;    ///< that address's prefix length
};

/// The machine's interfaces (getifaddrs), loopback left out, in name order.
bool ListLocalInterfaces(std::vector<LocalInterface>* out, std::string* err);

/// Fills in the frontend's interfaces from this machine's. An interface
/// named by `private_interface` / `public_interface` gives its MAC, and
/// its address and network where those were not given; otherwise the
/// interface holding the private (public) address is used. Unnamed and
/// unfound, the device stays eth0 (eth1) with no MAC. Fails when a named
/// interface does not exist, or holds no address the subnet needs.
bool ResolveInitInterfaces(const std::vector<LocalInterface>& local,
                           InitOptions* options, std::string* err);

/// Root's password hash from a shadow(5) file. A locked or empty password
/// ("!", "*", "!!", "!HASH", "") gives "".
bool ReadRootPasswordHash(const std::string& shadow_path, std::string* hash,
                          std::string* err);

/// Root's public SSH key from `key_path`.pub. When neither `key_path` nor
/// its .pub exists, makes an ed25519 pair with ssh-keygen (the directory
/// too, mode 0700); `generated` says so.
bool LoadOrMakeSshKey(const std::string& key_path, std::string* public_key,
                      bool* generated, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_FRONTEND_H_
