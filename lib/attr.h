// Attributes (the `attributes` table): NAME=VALUE pairs set globally, for
// an appliance or for a host, and resolved for a host with the narrower
// scope winning (host over appliance over global).
#ifndef ROCKS_LIB_ATTR_H_
#define ROCKS_LIB_ATTR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model.h"

namespace rocks {

/// "global", "appliance", "host".
const char* AttrScopeName(AttrScope scope);

/// "globally", "for appliance compute", "for host compute-0-0".
std::string ScopeText(AttrScope scope, const std::string& owner);

/// Sets NAME at one scope. `create_only` fails if it is already set there.
/// `owner` is the appliance or host name ("" for global).
bool SetAttr(Database* db, AttrScope scope, const std::string& owner,
             const std::string& name, const std::string& value,
             bool create_only, std::string* err);
bool RemoveAttr(Database* db, AttrScope scope, const std::string& owner,
                const std::string& name, std::string* err);
/// The attributes set at exactly that scope, by name.
bool ListAttrs(Database* db, AttrScope scope, const std::string& owner,
               std::vector<Attr>* out, std::string* err);

/// The attributes in force for a host (host over appliance over global) or,
/// with scope kAppliance, for an appliance (appliance over global), by
/// name; each says where its value came from.
bool ResolveAttrs(Database* db, AttrScope scope, const std::string& owner,
                  std::vector<Attr>* out, std::string* err);

/// Inserts an attribute inside the caller's transaction, checking nothing
/// (`owner` is the appliance's or host's id, 0 for global).
bool InsertAttr(Database* db, AttrScope scope, int64_t owner,
                const std::string& name, const std::string& value,
                std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_ATTR_H_
