// Reading DHCP server logs: the lines that say a client asked for an
// address (a DISCOVER), from ISC dhcpd, dnsmasq and kea-dhcp4, whether
// bare (the daemon's own stderr or file), behind a syslog prefix, or as
// journal entries in JSON.
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

/// Reads one log line (without its newline). The server's message must
/// start the line (a file the server writes itself), follow a syslog
/// prefix whose tag is the server's (`... dhcpd[812]: MESSAGE`), or be the
/// MESSAGE of a journal entry as `journalctl -o json` prints it, which
/// counts only when journald's own fields say the server logged it:
/// `_COMM` and the last part of `_EXE` are its program (dhcpd, dnsmasq,
/// kea-dhcp4) and `_UID` is a system account (below 1000); any other
/// entry with a request in it is kMalformed. Messages recognized:
///   dhcpd:   `DHCPDISCOVER from MAC [(NAME) ]via IF[: ...]`, and the same
///            with `BOOTREQUEST`; NAME, the client's, may hold anything,
///            and the interface is the one after its last `) via `;
///   dnsmasq: `[SERIAL ]DHCPDISCOVER(IF) [ADDR] MAC [...]`;
///   kea:     `[DATE TIME ]DEBUG [kea-dhcp4.packets...] DHCP4_PACKET_RECEIVED
///            [hwtype=1 MAC], ...: DHCPDISCOVER (type 1) received from ...
///            on interface IF`.
DhcpLine ParseDhcpLogLine(std::string_view line, DhcpRequest* out,
                          std::string* why);

}  // namespace rocks

#endif  // ROCKS_LIB_DHCPLOG_H_
