// Reading DHCP server logs: the lines that say a client asked for an
// address (a DISCOVER), from ISC dhcpd, dnsmasq and kea-dhcp4, whether
// bare (the daemon's own stderr or file) or behind a syslog or journald
// prefix.
#ifndef ROCKS_LIB_DHCPLOG_H_
#define ROCKS_LIB_DHCPLOG_H_

#include <string>
#include <string_view>

namespace rocks {

/// A client's request for an address, as one log line tells it.
struct DhcpRequest {
  std::string mac;        ///< normalised, "52:54:00:12:34:56"
  std::string interface;  ///< where it arrived: "eth0", or a relay's address
  std::string server;     ///< "dhcpd", "dnsmasq" or "kea"
};

enum class DhcpLine {
  kOther,      ///< not a request for an address
  kRequest,    ///< a DISCOVER (or a BOOTP request); `out` is filled
  kMalformed,  ///< names a request but cannot be read; `why` says what
};

/// Reads one log line (without its newline). Recognized:
///   dhcpd:   `DHCPDISCOVER from MAC [(NAME)] via IF[: ...]`, and the same
///            with `BOOTREQUEST`;
///   dnsmasq: `DHCPDISCOVER(IF) [ADDR] MAC [...]`;
///   kea:     `DHCP4_PACKET_RECEIVED [hwtype=1 MAC], ...: DHCPDISCOVER
///            (type 1) received from ... on interface IF`.
DhcpLine ParseDhcpLogLine(std::string_view line, DhcpRequest* out,
                          std::string* why);

}  // namespace rocks

#endif  // ROCKS_LIB_DHCPLOG_H_
