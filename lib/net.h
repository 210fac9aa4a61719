// IPv4 addresses, networks and Ethernet MAC addresses.
#ifndef ROCKS_LIB_NET_H_
#define ROCKS_LIB_NET_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace rocks {

/// Parses a dotted quad ("10.1.1.1") strictly: four decimal parts 0-255,
/// no leading zeros beyond a lone "0", nothing else.
bool ParseIPv4(std::string_view s, uint32_t* out);
std::string FormatIPv4(uint32_t ip);

/// Netmask for a prefix length 0-32.
uint32_t PrefixToMask(int prefix);
/// Prefix length of a contiguous netmask, or -1.
int MaskToPrefix(uint32_t mask);

/// Parses "NET/PREFIX" or "NET/NETMASK". The host bits of NET must be zero.
bool ParseNetwork(std::string_view s, uint32_t* network, int* prefix,
                  std::string* err);

bool InNetwork(uint32_t ip, uint32_t network, int prefix);

/// Accepts 00:11:22:aa:bb:cc, 00-11-22-AA-BB-CC, 0011.22aa.bbcc and
/// 001122aabbcc; writes the lower-case colon form.
bool ParseMac(std::string_view s, std::string* normalized);

/// ParseMac, and an address a host's interface can have: not all zeros,
/// not the broadcast address. `why` says what is wrong.
bool ParseHostMac(std::string_view s, std::string* normalized, std::string* why);

/// A name every system's hosts file already gives the loopback address
/// (localhost, localhost.localdomain, ip6-localhost, anything under
/// .localhost, ...): no host or alias of the cluster may take it.
bool ReservedHostName(std::string_view name);

/// A DNS host name label sequence: letters, digits, '-' and '.', each
/// label 1-63 characters, not starting or ending with '-'.
bool ValidHostName(std::string_view s);

/// A network interface name as Linux allows it and as dhcpd.conf, the Kea
/// configuration and kickstarts can carry it unquoted: 1-15 of letters,
/// digits, '_', '-', '.' and ':', not "." or "..".
bool ValidDeviceName(std::string_view s);

/// A kernel module name: 1-64 letters, digits, '_' and '-'.
bool ValidModuleName(std::string_view s);

}  // namespace rocks

#endif  // ROCKS_LIB_NET_H_
