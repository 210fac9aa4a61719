#include "frontend.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "cluster.h"
#include "file.h"
#include "net.h"
#include "strutil.h"
#include "process.h"

namespace rocks {

bool ListLocalInterfaces(std::vector<LocalInterface>* out, std::string* err) {
  struct ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    *err = ErrnoText("network interfaces");
    return false;
  }
  std::map<std::string, LocalInterface> by_name;
  for (struct ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_name || (a->ifa_flags & IFF_LOOPBACK)) continue;
    LocalInterface& i = by_name[a->ifa_name];
    i.name = a->ifa_name;
    if (!a->ifa_addr) continue;
    if (a->ifa_addr->sa_family == AF_PACKET) {
      const auto* ll = reinterpret_cast<const struct sockaddr_ll*>(a->ifa_addr);
      if (ll->sll_halen != 6) continue;
      char mac[18];
      std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0],
                    ll->sll_addr[1], ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4],
                    ll->sll_addr[5]);
      if (std::string(mac) != "00:00:00:00:00:00") i.mac = mac;
    } else if (a->ifa_addr->sa_family == AF_INET && i.ip.empty()) {
      const auto* in = reinterpret_cast<const struct sockaddr_in*>(a->ifa_addr);
      i.ip = FormatIPv4(ntohl(in->sin_addr.s_addr));
      if (a->ifa_netmask) {
        uint32_t mask =
            ntohl(reinterpret_cast<const struct sockaddr_in*>(a->ifa_netmask)->sin_addr.s_addr);
        i.prefix = __builtin_popcount(mask);
      }
    }
  }
  freeifaddrs(list);
  for (auto& [name, i] : by_name) out->push_back(std::move(i));
  return true;
}

namespace {

const LocalInterface* Named(const std::vector<LocalInterface>& local,
                            const std::string& name) {
  for (const LocalInterface& i : local)
    if (i.name == name) return &i;
  return nullptr;
}

const LocalInterface* Holding(const std::vector<LocalInterface>& local,
                              const std::string& ip) {
  for (const LocalInterface& i : local)
    if (!ip.empty() && i.ip == ip) return &i;
  return nullptr;
}

/// The network of an interface's address, as "NET/PREFIX".
std::string NetworkOf(const LocalInterface& i) {
  uint32_t ip = 0;
  ParseIPv4(i.ip, &ip);
  return FormatIPv4(ip & PrefixToMask(i.prefix)) + "/" + std::to_string(i.prefix);
}

/// One side (private or public) of the frontend.
bool ResolveSide(const std::vector<LocalInterface>& local, const std::string& which,
                 const std::string& named, bool address_set, bool network_set,
                 std::string* device, std::string* mac, std::string* address,
                 std::string* network, std::string* err) {
  const LocalInterface* i = nullptr;
  if (!named.empty()) {
    i = Named(local, named);
    if (!i) {
      *err = which + " interface " + named + ": no such network interface";
      return false;
    }
    if (!address_set) {
      if (i->ip.empty()) {
        *err = which + " interface " + named + ": has no IPv4 address";
        return false;
      }
      *address = i->ip;
      if (!network_set) *network = NetworkOf(*i);
    }
  } else {
    i = Holding(local, *address);
  }
  if (!i) return true;
  *device = i->name;
  if (mac->empty()) *mac = i->mac;
  return true;
}

}  // namespace

bool ResolveInitInterfaces(const std::vector<LocalInterface>& local,
                           InitOptions* o, std::string* err) {
  return ResolveSide(local, "private", o->private_interface, o->private_address_set,
                     o->private_network_set, &o->private_device, &o->private_mac,
                     &o->private_address, &o->private_network, err) &&
         ResolveSide(local, "public", o->public_interface, !o->public_address.empty(),
                     o->public_network_set, &o->public_device, &o->public_mac,
                     &o->public_address, &o->public_network, err);
}

bool ReadRootPasswordHash(const std::string& shadow_path, std::string* hash,
                          std::string* err) {
  std::string text;
  if (!ReadFile(shadow_path, &text, err)) return false;
  for (const std::string& line : Split(text, '\n')) {
    if (!StartsWith(line, "root:")) continue;
    std::vector<std::string> fields = Split(line, ':');
    std::string h = fields.size() > 1 ? fields[1] : "";
    // A locked or password-less root gives the nodes a locked root too.
    *hash = h.empty() || h[0] == '!' || h[0] == '*' ? "" : h;
    return true;
  }
  *err = shadow_path + ": no entry for root";
  return false;
}

bool LoadOrMakeSshKey(const std::string& key_path, std::string* public_key,
                      bool* generated, std::string* err) {
  *generated = false;
  std::string pub = key_path + ".pub";
  if (!PathExists(pub)) {
    if (PathExists(key_path)) {
      *err = pub + ": missing (" + key_path + " exists; ssh-keygen -y -f " + key_path +
             " makes it)";
      return false;
    }
    std::string dir = DirName(key_path);
    if (!PathExists(dir) && mkdir(dir.c_str(), 0700) != 0) {
      *err = ErrnoText(dir);
      return false;
    }
    ProcessResult r;
    if (!RunProcess(ProcessSpec({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                                 "root@frontend", "-f", key_path}),
                    &r, err))
      return false;
    if (r.status != 0) {
      *err = key_path + ": ssh-keygen failed: " + Trim(r.output);
      return false;
    }
    *generated = true;
  }
  std::string text;
  if (!ReadFile(pub, &text, err)) return false;
  *public_key = Trim(text);
  if (public_key->empty() || public_key->find('\n') != std::string::npos) {
    *err = pub + ": expected one public key line";
    return false;
  }
  return true;
}

}  // namespace rocks
