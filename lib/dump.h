// rocks dump: the cluster database as the `rocks` commands that make it
// again, one per line, every word shell-quoted. Run on a database that
// `rocks init` has just made with the same frontend (the header says with
// which options), they recreate the networks, appliances, hosts with every
// interface, aliases, attributes at every scope, routes and firewall
// rules; dumping the result gives the same text again.
//
// What `rocks init` makes (private and public, its appliances, the
// frontend and its two interfaces) is `set`; the rest is `add`, and an
// appliance of init's that the cluster removed is removed again.
#ifndef ROCKS_LIB_DUMP_H_
#define ROCKS_LIB_DUMP_H_

#include <string>

#include "db.h"

namespace rocks {

bool DumpCluster(Database* db, std::string* out, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_DUMP_H_
