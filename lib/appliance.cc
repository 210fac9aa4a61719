#include "appliance.h"

#include <cctype>
#include <vector>

#include "net.h"
#include "strutil.h"

namespace rocks {
namespace {

/// A name that hosts (APPLIANCE-RACK-RANK), aliases and node files take.
bool ValidApplianceWord(const std::string& s) {
  if (s.empty() || s.size() > 63 || !std::isalpha(static_cast<unsigned char>(s[0])) ||
      s.back() == '-')
    return false;
  for (char c : s)
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '-')
      return false;
  return true;
}

bool ApplyApplianceKeys(const KeyValues& kv, Appliance* a, std::string* err) {
  for (const auto& [key, value] : kv) {
    const std::string what = key + "=" + value;
    if (key == "short" || key == "short-name" || key == "shortname") {
      if (!ValidApplianceWord(value) || value.size() > 16) {
        *err = what + ": invalid short name (lower-case letters, digits and '-', "
                      "at most 16)";
        return false;
      }
      a->short_name = value;
    } else if (key == "node") {
      if (!value.empty() && !ValidApplianceWord(value)) {
        *err = what + ": invalid node name";
        return false;
      }
      a->node = value;
    } else if (key == "graph") {
      if (!ValidApplianceWord(value)) {
        *err = what + ": invalid graph name";
        return false;
      }
      a->graph = value;
    } else if (key == "public" || key == "compute") {
      bool b;
      if (!ParseYesNo(value, &b)) {
        *err = what + ": expected yes or no";
        return false;
      }
      (key == "public" ? a->is_public : a->compute) = b;
    } else {
      *err = key + ": unknown key (expected short, node, graph, public or compute)";
      return false;
    }
  }
  return true;
}

bool CheckShortName(Database* db, const Appliance& a, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT name FROM appliances WHERE short_name = ? AND name <> ?",
                 {SqlParam::Text(a.short_name), SqlParam::Text(a.name)}, &rows, err))
    return false;
  if (!rows.empty()) {
    *err = "short=" + a.short_name + ": already the short name of appliance " +
           CellText(rows[0][0]);
    return false;
  }
  return true;
}

bool WriteAppliance(Database* db, const Appliance& a, std::string* err) {
  std::vector<SqlParam> p = {SqlParam::Text(a.short_name), SqlParam::Text(a.graph),
                             SqlParam::Text(a.node), SqlParam::Int(a.is_public),
                             SqlParam::Int(a.compute), SqlParam::Text(a.name)};
  if (a.id == 0)
    return db->Exec("INSERT INTO appliances (short_name, graph, node, public, compute, "
                    "name) VALUES (?, ?, ?, ?, ?, ?)",
                    p, err);
  return db->Exec("UPDATE appliances SET short_name = ?, graph = ?, node = ?, public = ?, "
                  "compute = ? WHERE name = ?",
                  p, err);
}

}  // namespace

bool ApplianceByName(Database* db, const std::string& name, Appliance* out,
                     const std::string& label, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT id, name, short_name, graph, node, public, compute "
                 "FROM appliances WHERE name = ?",
                 {SqlParam::Text(name)}, &rows, err))
    return false;
  if (rows.empty()) {
    *err = label + ": unknown appliance" + SuggestFrom(db, "SELECT name FROM appliances ORDER BY name", name);
    return false;
  }
  const SqlRow& r = rows[0];
  *out = {CellInt(r[0]), CellText(r[1]), CellText(r[2]), CellText(r[3]), CellText(r[4]),
          CellInt(r[5]) != 0, CellInt(r[6]) != 0};
  return true;
}


bool ListAppliances(Database* db, std::vector<Appliance>* out, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT id, name, short_name, graph, node, public, compute "
                 "FROM appliances ORDER BY name",
                 {}, &rows, err))
    return false;
  for (auto& r : rows)
    out->push_back({CellInt(r[0]), CellText(r[1]), CellText(r[2]), CellText(r[3]), CellText(r[4]),
                    CellInt(r[5]) != 0, CellInt(r[6]) != 0});
  return true;
}

bool FindAppliance(Database* db, const std::string& name, Appliance* out,
                   std::string* err) {
  return ApplianceByName(db, name, out, name, err);
}

bool AddAppliance(Database* db, const std::string& name, const KeyValues& kv,
                  std::string* err) {
  if (!ValidApplianceWord(name)) {
    *err = name + ": invalid appliance name (lower-case letters, digits and '-', "
                  "a letter first)";
    return false;
  }
  Appliance a;
  a.name = a.short_name = a.node = name;
  a.graph = "default";
  a.is_public = true;
  if (!ApplyApplianceKeys(kv, &a, err)) return false;
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  Appliance existing;
  std::string ignored;
  if (FindAppliance(db, name, &existing, &ignored)) {
    *err = name + ": appliance already exists";
    return false;
  }
  if (!CheckShortName(db, a, err) || !WriteAppliance(db, a, err)) return false;
  return tx.Commit(err);
}

bool SetAppliance(Database* db, const std::string& name, const KeyValues& kv,
                  std::string* err) {
  if (kv.empty()) {
    *err = "set appliance " + name + ": nothing to change (give KEY=VALUE)";
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  Appliance a;
  if (!FindAppliance(db, name, &a, err) || !ApplyApplianceKeys(kv, &a, err) ||
      !CheckShortName(db, a, err) || !WriteAppliance(db, a, err))
    return false;
  return tx.Commit(err);
}

bool RemoveAppliance(Database* db, const std::string& name, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  Appliance a;
  if (!FindAppliance(db, name, &a, err)) return false;
  if (a.name == "frontend") {
    *err = "appliance frontend: the frontend's appliance cannot be removed";
    return false;
  }
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT name FROM hosts WHERE appliance = ? ORDER BY name",
                 {SqlParam::Int(a.id)}, &rows, err))
    return false;
  if (!rows.empty()) {
    *err = "appliance " + name + ": still used by " + std::to_string(rows.size()) +
           (rows.size() == 1 ? " host (" : " hosts (first ") + CellText(rows[0][0]) + ")";
    return false;
  }
  std::vector<SqlParam> owner = {SqlParam::Int(a.id)};
  for (const char* table : {"attributes", "routes", "firewall_rules"})
    if (!db->Exec(std::string("DELETE FROM ") + table +
                      " WHERE scope = 'appliance' AND owner = ?",
                  owner, err))
      return false;
  if (!db->Exec("DELETE FROM appliances WHERE id = ?", owner, err)) return false;
  return tx.Commit(err);
}

}  // namespace rocks
