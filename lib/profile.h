// kpp's expansion: the nodes of a walk, each node file's elements filtered
// and expanded for one host or appliance, printed as one XML document that
// kgen (lib/kickstart.h) turns into a kickstart.
#ifndef ROCKS_LIB_PROFILE_H_
#define ROCKS_LIB_PROFILE_H_

#include <string>

#include "cluster.h"
#include "cond.h"
#include "db.h"
#include "graph.h"
#include "hostconf.h"

namespace rocks {

/// The end of the message for an <eval> met while `eval` is off; a tool
/// that has a way to turn evaluation on may add it after this text.
extern const char kEvalOff[];

struct ProfileOptions {
  std::string root;       ///< root node of the walk (the appliance's node)
  std::string appliance;  ///< for the document header
  std::string host;       ///< "" when made for an appliance
  Selection selection;    ///< arch, os, release; attrs is set by ExpandProfile
  bool eval = false;      ///< run <eval> elements
  bool allow_missing = false;
  /// The host's data from the database (hostconf.h), appended to the
  /// profile as node "database"; empty for an appliance.
  HostKickstart host_config;
};

/// Walks `tree` from `options.root` and prints the expanded profile as one
/// XML document into `xml`. `attrs` gives the entity and cond= values;
/// <var val=> may add to its copy. Errors name the file and line.
bool ExpandProfile(ProfileTree* tree, const ProfileOptions& options,
                   const Attributes& attrs, std::string* xml, std::string* err);

/// The appliance's root node, graph and attributes for a host: its
/// resolved attributes (host over appliance over global) plus
/// Node_Hostname, Node_Address, Node_MAC, Node_Interface, Node_Appliance,
/// Node_Membership, Node_Architecture, Node_OS, Node_Rack, Node_Rank,
/// Node_CPUs and Node_Graph; and options->host_config, what the database
/// says of the host for its kickstart (HostKickstartConfig). The attribute `release` (8, 9) selects the
/// OS release; ExpandProfile gives it to node files as Node_Release.
bool HostProfileInput(Database* db, const Host& host, ProfileOptions* options,
                      std::string* graph, Attributes* attrs, std::string* err);

/// The profile tree used when none is given: $(pkgdatadir)/profile.
std::string DefaultProfileDir();

}  // namespace rocks

#endif  // ROCKS_LIB_PROFILE_H_
