// Host selection: the one syntax every tool that acts on many hosts takes.
//
// A selection is a list of words (on the command line, or one word with
// commas between them). Each word is one of:
//
//   compute-0-0          a host name (any case)
//   compute-0-[0-31]     a range: every host whose name the brackets
//                        expand to; "[0-3,7,10-12]" lists several, "[00-31]"
//                        keeps the width
//   appliance:compute    every host of an appliance
//   rack:2               every host in a rack
//   all                  every host
//
// The hosts come back once each, in the order `rocks list host` shows.
// A word that matches no host is an error that says so.
#ifndef ROCKS_LIB_HOSTSEL_H_
#define ROCKS_LIB_HOSTSEL_H_

#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"

namespace rocks {

/// Expands the brackets of a name pattern: "compute-0-[0-2]" gives
/// compute-0-0, compute-0-1, compute-0-2; several brackets multiply. A
/// word without brackets is itself. Errors name the word: "compute-[3-1]:
/// bad range '3-1'", "c-[0-999]-[0-999]: expands to more than 100000
/// names".
bool ExpandHostRange(const std::string& word, std::vector<std::string>* out,
                     std::string* err);

/// The inverse, as ClusterShell's `nodeset -f` writes it: names that
/// differ only in their last number folded into one bracket
/// ("compute-0-[0-3,7]"), comma-separated, in first-seen order of their
/// stems.
std::string FoldHostNames(const std::vector<std::string>& names);

/// Whether a word selects by pattern (a range, appliance:, rack: or all)
/// rather than naming one host.
bool IsSelectorWord(const std::string& word);

/// Picks out of `hosts` (in their order) those the selection names.
/// Errors: "SELECTOR: no host matches", "NAME: unknown host" (with a
/// suggestion), "rack:x: bad rack number",
/// "appliance:foo: unknown appliance" (with a suggestion), an empty
/// selection.
bool MatchHosts(const std::vector<Host>& hosts,
                const std::vector<Appliance>& appliances,
                const std::vector<std::string>& selection,
                std::vector<Host>* out, std::string* err);

/// MatchHosts over the database's hosts.
bool SelectHosts(Database* db, const std::vector<std::string>& selection,
                 std::vector<Host>* out, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_HOSTSEL_H_
