// kgen's half of the pipeline: kpp's XML document in, a Red Hat kickstart
// (RHEL/Rocky 8 and 9 syntax) out. Needs no database, so it also runs on an
// installing node.
#ifndef ROCKS_LIB_KICKSTART_H_
#define ROCKS_LIB_KICKSTART_H_

#include <set>
#include <string>

namespace rocks {

struct KickstartOptions {
  /// Any of main, packages, pre, post, onerror; the header comes with main.
  std::set<std::string> sections = {"main", "packages", "pre", "post", "onerror"};
  /// Elements marked for other architectures are left out; "" means the
  /// profile's own architecture.
  std::string arch;
};

/// Parses a --section list ("main,post"); unknown names are an error.
bool ParseSections(const std::string& list, std::set<std::string>* out,
                   std::string* err);

/// Turns kpp output `xml` into kickstart text. `source` names the input in
/// errors ("FILE:LINE: reason"). In order: the header comment, the main
/// commands, %packages, every %pre, every %post, every %onerror, each
/// section closed by %end; each script logs begin and end lines naming its
/// node file.
bool GenerateKickstart(const std::string& xml, const std::string& source,
                       const KickstartOptions& options, std::string* out,
                       std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_KICKSTART_H_
