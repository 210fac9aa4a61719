#include "attr.h"

#include <map>

#include "appliance.h"
#include "host.h"
#include "kstext.h"
#include "strutil.h"

namespace rocks {
namespace {

const char* kAttrScopeNames[] = {"global", "appliance", "host"};

bool ValidAttrName(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return !(name[0] >= '0' && name[0] <= '9') && name[0] != '-' && name[0] != '.';
}

/// The owner id for a scope, checking that the owner exists.
bool OwnerId(Database* db, AttrScope scope, const std::string& owner,
             int64_t* id, std::string* err) {
  switch (scope) {
    case AttrScope::kGlobal:
      *id = 0;
      return true;
    case AttrScope::kAppliance: {
      Appliance a;
      if (!ApplianceByName(db, owner, &a, owner, err)) return false;
      *id = a.id;
      return true;
    }
    case AttrScope::kHost:
      return HostId(db, owner, id, err);
  }
  return false;
}


bool LoadAttrs(Database* db, AttrScope scope, int64_t owner_id,
               const std::string& owner, std::map<std::string, Attr>* out,
               std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT name, value FROM attributes WHERE scope = ? AND owner = ?",
                 {SqlParam::Text(AttrScopeName(scope)), SqlParam::Int(owner_id)},
                 &rows, err))
    return false;
  for (auto& r : rows) (*out)[CellText(r[0])] = {CellText(r[0]), CellText(r[1]), scope, owner};
  return true;
}

}  // namespace

const char* AttrScopeName(AttrScope scope) {
  return kAttrScopeNames[static_cast<int>(scope)];
}

std::string ScopeText(AttrScope scope, const std::string& owner) {
  if (scope == AttrScope::kGlobal) return "globally";
  return std::string("for ") + AttrScopeName(scope) + " " + owner;
}

bool InsertAttr(Database* db, AttrScope scope, int64_t owner,
                const std::string& name, const std::string& value,
                std::string* err) {
  return db->Exec(
      "INSERT INTO attributes (scope, owner, name, value) VALUES (?, ?, ?, ?)",
      {SqlParam::Text(AttrScopeName(scope)), SqlParam::Int(owner),
       SqlParam::Text(name), SqlParam::Text(value)},
      err);
}

bool SetAttr(Database* db, AttrScope scope, const std::string& owner,
             const std::string& name, const std::string& value,
             bool create_only, std::string* err) {
  if (!ValidAttrName(name)) {
    *err = name + ": invalid attribute name";
    return false;
  }
  std::string why;
  if (!CheckAttrValue(value, &why)) {
    *err = name + ": " + why;
    return false;
  }
  if (value.size() > kMaxTextBytes) {
    *err = name + ": value too long (at most " + std::to_string(kMaxTextBytes) + " bytes)";
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t owner_id;
  if (!OwnerId(db, scope, owner, &owner_id, err)) return false;
  int64_t affected = 0;
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT value FROM attributes WHERE scope = ? AND owner = ? AND name = ?",
                 {SqlParam::Text(AttrScopeName(scope)), SqlParam::Int(owner_id),
                  SqlParam::Text(name)},
                 &rows, err))
    return false;
  if (!rows.empty()) {
    if (create_only) {
      *err = name + ": already set " + ScopeText(scope, owner) +
             " (use 'rocks set attr' to change it)";
      return false;
    }
    if (!db->Exec("UPDATE attributes SET value = ? WHERE scope = ? AND owner = ? "
                  "AND name = ?",
                  {SqlParam::Text(value), SqlParam::Text(AttrScopeName(scope)),
                   SqlParam::Int(owner_id), SqlParam::Text(name)},
                  err, nullptr, &affected))
      return false;
  } else if (!InsertAttr(db, scope, owner_id, name, value, err)) {
    return false;
  }
  return tx.Commit(err);
}

bool RemoveAttr(Database* db, AttrScope scope, const std::string& owner,
                const std::string& name, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t owner_id, affected = 0;
  if (!OwnerId(db, scope, owner, &owner_id, err)) return false;
  if (!db->Exec("DELETE FROM attributes WHERE scope = ? AND owner = ? AND name = ?",
                {SqlParam::Text(AttrScopeName(scope)), SqlParam::Int(owner_id),
                 SqlParam::Text(name)},
                err, nullptr, &affected))
    return false;
  if (affected == 0) {
    *err = name + ": not set " + ScopeText(scope, owner);
    return false;
  }
  return tx.Commit(err);
}

bool ListAttrs(Database* db, AttrScope scope, const std::string& owner,
               std::vector<Attr>* out, std::string* err) {
  int64_t owner_id;
  if (!OwnerId(db, scope, owner, &owner_id, err)) return false;
  std::map<std::string, Attr> attrs;
  if (!LoadAttrs(db, scope, owner_id, owner, &attrs, err)) return false;
  for (auto& [n, a] : attrs) out->push_back(std::move(a));
  return true;
}

bool ResolveAttrs(Database* db, AttrScope scope, const std::string& owner,
                  std::vector<Attr>* out, std::string* err) {
  // kpp and kickstart.cgi resolve once per host, in processes of their
  // own: one query for the owners, one for the three scopes at once.
  int64_t host_id = 0, appliance_id = 0;
  std::string appliance;
  if (scope != AttrScope::kGlobal) {
    std::vector<SqlRow> rows;
    if (scope == AttrScope::kHost) {
      if (!db->Query("SELECT h.id, a.id, a.name FROM hosts h "
                     "JOIN appliances a ON a.id = h.appliance WHERE h.name = ?",
                     {SqlParam::Text(ToLower(owner))}, &rows, err))
        return false;
      if (rows.empty()) {
        int64_t ignored;
        HostId(db, owner, &ignored, err);  // the message, with a suggestion
        return false;
      }
      host_id = CellInt(rows[0][0]);
      appliance_id = CellInt(rows[0][1]);
      appliance = CellText(rows[0][2]);
    } else {
      Appliance app;
      if (!ApplianceByName(db, owner, &app, owner, err)) return false;
      appliance_id = app.id;
      appliance = app.name;
    }
  }
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT scope, name, value FROM attributes WHERE "
                 "(scope = 'global' AND owner = 0) OR "
                 "(scope = 'appliance' AND owner = ?) OR (scope = 'host' AND owner = ?)",
                 {SqlParam::Int(appliance_id), SqlParam::Int(host_id)}, &rows, err))
    return false;
  // The narrower scope wins: global, then appliance, then host.
  std::map<std::string, Attr> attrs;
  for (int pass = 0; pass < 3; ++pass) {
    const AttrScope want = static_cast<AttrScope>(pass);
    for (auto& r : rows) {
      if (CellText(r[0]) != AttrScopeName(want)) continue;
      if (want == AttrScope::kAppliance && scope == AttrScope::kGlobal) continue;
      if (want == AttrScope::kHost && scope != AttrScope::kHost) continue;
      std::string o = want == AttrScope::kGlobal      ? ""
                      : want == AttrScope::kAppliance ? appliance
                                                      : ToLower(owner);
      attrs[CellText(r[1])] = {CellText(r[1]), CellText(r[2]), want, o};
    }
  }
  for (auto& [n, a] : attrs) out->push_back(std::move(a));
  return true;
}

}  // namespace rocks
