// Host data from the database -> the host's kickstart: the ONE mechanism by
// which what the cluster database knows about one host (its interfaces,
// networks, bonds and VLANs; later its routes and firewall rules) reaches
// the node as it installs.
//
// HostKickstartConfig() builds a HostKickstart for a host; HostProfileInput
// (profile.h) puts it in ProfileOptions::host_config, and ExpandProfile
// appends it to the host's expanded profile as the elements of a node
// called "database" (HostKickstartXml below), so kpp --host, kpp
// --output-dir and kickstart.cgi all carry it and kgen emits it like any
// node file's. kpp -A (an appliance, no database) has none and is as it
// was.
//
// Adding a kind of host data (routes, firewall rules, ...): write one
// function with the signature of HostKickstartPart in hostconf.cc (or a
// unit of its own in the graph layer, listed in lib/README) and add it to
// kHostKickstartParts there. It only appends to the HostKickstart; it
// never writes kickstart text by hand:
//   - main: kickstart commands as a name and words. Each word is data:
//     ExpandProfile makes it ONE kickstart word (KickstartWord, kstext.h)
//     whatever it holds, so "--gateway=" + value can never add an option.
//     A non-repeatable command (kgen's kRepeatable) replaces a node file's
//     of the same name: the database wins over the graph.
//   - files: whole files the installed system gets, written by a %post
//     (kgen's <file> writer: a here-document, or base64 when the content
//     has lines the installer would read as kickstart), created with
//     `perms` (octal) and `owner` when given.
//   - pre, post: lines of bash for one %pre / one %post (chroot) section.
//     The line is code written by this library; every value from the
//     database in it goes through ShellWord() (kstext.h).
// Values are validated where they enter the database (cluster.cc) and
// again here where a kickstart needs a narrower form (a MAC, a dotted
// quad, a device name): a value that cannot be said safely is an error
// naming the host and the value, never a kickstart with it.
#ifndef ROCKS_LIB_HOSTCONF_H_
#define ROCKS_LIB_HOSTCONF_H_

#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"

namespace rocks {

/// One kickstart command: `name word word...`.
struct KsCommand {
  std::string name;                ///< "network"
  std::vector<std::string> words;  ///< "--device=52:54:00:12:34:56", ...
};

/// A file of the installed system.
struct KsFile {
  std::string path;     ///< absolute
  std::string perms;    ///< octal ("0600"); "" = the umask's
  std::string owner;    ///< "root:root"; "" = root
  std::string content;  ///< the whole file; a newline is added if missing
};

struct HostKickstart {
  std::vector<KsCommand> main;
  std::vector<KsFile> files;
  std::vector<std::string> pre;   ///< bash lines of one %pre
  std::vector<std::string> post;  ///< bash lines of one %post
  bool empty() const { return main.empty() && files.empty() && pre.empty() && post.empty(); }
};

/// What every part gets besides the host: read once.
struct HostKickstartContext {
  Appliance appliance;
  std::vector<Subnet> subnets;
  const Subnet* SubnetNamed(const std::string& name) const;
};

/// One kind of host data; appends to `out`. An error names the host and
/// the value.
using HostKickstartPart = bool (*)(Database* db, const Host& host,
                                   const HostKickstartContext& ctx,
                                   HostKickstart* out, std::string* err);

/// The network part: a `network` command for every interface of a host
/// installed over the network, matched by MAC (see rocks(8), KICKSTART
/// NETWORK). Hosts of other appliances (the frontend) get none: their
/// node files configure their network.
bool HostNetworkConfig(Database* db, const Host& host, const HostKickstartContext& ctx,
                       HostKickstart* out, std::string* err);

/// Every part for `host`, in order.
bool HostKickstartConfig(Database* db, const Host& host, HostKickstart* out,
                         std::string* err);

/// `ks` as elements of kpp's profile document (<main>, <pre>, <post>),
/// marked as coming from node "database"; "" when empty.
std::string HostKickstartXml(const HostKickstart& ks);
/// The <node> element that lists node "database" with the profile's
/// other nodes (kgen's list of node files); "" when `ks` is empty.
std::string HostKickstartNodeXml(const HostKickstart& ks);

/// The name of the node the host data appears as in profiles and in the
/// kickstart's list of node files.
extern const char kHostConfigNode[];

}  // namespace rocks

#endif  // ROCKS_LIB_HOSTCONF_H_
