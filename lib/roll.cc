#include "roll.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include "config.h"
#include "file.h"
#include "graph.h"
#include "iso.h"
#include "repodata.h"
#include "rpmhdr.h"
#include "strutil.h"
#include "xml_tree.h"

namespace rocks {

namespace fs = std::filesystem;

namespace {

bool AllOf(const std::string& s, const char* extra, bool lower_only) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              (!lower_only && c >= 'A' && c <= 'Z') ||
              std::strchr(extra, c) != nullptr;
    if (!ok) return false;
  }
  return true;
}

// Removes a directory tree unless released.
struct ScopedTree {
  std::string path;
  ~ScopedTree() { RemoveNow(); }
  void RemoveNow() {
    if (!path.empty()) {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
    path.clear();
  }
};

bool MakeTempDir(const std::string& parent, const std::string& stem,
                 std::string* out, std::string* err) {
  std::string tmpl = parent + "/." + stem + ".XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (!mkdtemp(name.data())) {
    *err = ErrnoText(parent);
    return false;
  }
  *out = name.data();
  chmod(out->c_str(), 0755);
  return true;
}

// The .xml files of `dir`, sorted; none when it does not exist.
std::vector<std::string> XmlFiles(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string n = e.path().filename().string();
    if (EndsWith(n, ".xml") && n[0] != '.' && e.is_regular_file())
      out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Gives a node file's <kickstart> a roll= when it has none.
std::string StampRoll(const std::string& text, const std::string& roll) {
  for (size_t p = text.find("<kickstart"); p != std::string::npos;
       p = text.find("<kickstart", p + 1)) {
    size_t after = p + std::strlen("<kickstart");
    if (after >= text.size()) break;
    char c = text[after];
    if (c != '>' && c != '/' && c != ' ' && c != '\t' && c != '\n' && c != '\r')
      continue;
    size_t end = text.find('>', after);
    if (end == std::string::npos) break;
    std::string tag = text.substr(after, end - after);
    for (size_t q = tag.find("roll"); q != std::string::npos;
         q = tag.find("roll", q + 1)) {
      bool word_start = q == 0 || tag[q - 1] == ' ' || tag[q - 1] == '\t' ||
                        tag[q - 1] == '\n' || tag[q - 1] == '\r';
      size_t r = q + 4;
      while (r < tag.size() && (tag[r] == ' ' || tag[r] == '\t')) ++r;
      if (word_start && r < tag.size() && tag[r] == '=') return text;
    }
    return text.substr(0, after) + " roll=\"" + XmlEscapeAttr(roll) + "\"" +
           text.substr(after);
  }
  return text;
}

std::string VolumeLabel(const RollInfo& info) {
  std::string out;
  for (char c : info.name + "_" + info.version) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += ok ? c : '_';
  }
  if (out.size() > 32) out.resize(32);
  return out;
}

// The RPM files under `dir`, at any depth, sorted.
bool FindRpms(const std::string& dir, std::vector<std::string>* out,
              std::string* err) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  for (auto it = fs::recursive_directory_iterator(
           dir, fs::directory_options::follow_directory_symlink, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string p = it->path().string();
    if (EndsWith(p, ".rpm") && it->is_regular_file()) out->push_back(p);
  }
  if (ec) {
    *err = dir + ": " + ec.message();
    return false;
  }
  std::sort(out->begin(), out->end());
  return true;
}

// Reads the headers of `paths` on `jobs` threads; the first failure (in
// path order) is the error.
bool ReadHeaders(const std::vector<std::string>& paths, int jobs,
                 std::vector<RpmMetadata>* out, std::string* err) {
  out->assign(paths.size(), RpmMetadata());
  std::vector<std::string> errors(paths.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < paths.size();)
      ReadRpmMetadata(paths[i], "RedHat/RPMS", &(*out)[i], &errors[i]);
  };
  int n = jobs > 0 ? jobs : static_cast<int>(std::thread::hardware_concurrency());
  n = std::max(1, std::min<int>(n, static_cast<int>(paths.size())));
  std::vector<std::thread> threads;
  for (int t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  for (const std::string& e : errors) {
    if (!e.empty()) {
      *err = e;
      return false;
    }
  }
  return true;
}

bool CopyProfileDir(const std::string& from, const std::string& to,
                    std::string* err) {
  std::error_code ec;
  if (!fs::is_directory(from, ec)) return true;
  if (!MakeDirs(to, err)) return false;
  fs::copy(from, to, fs::copy_options::recursive, ec);
  if (ec) {
    *err = from + ": " + ec.message();
    return false;
  }
  return true;
}

Roll RowToRoll(const SqlRow& r) {
  auto s = [](const std::optional<std::string>& v) { return v ? *v : ""; };
  Roll roll;
  int64_t v = 0;
  ParseInt(s(r[0]), &roll.id);
  roll.name = s(r[1]);
  roll.version = s(r[2]);
  roll.release = s(r[3]);
  roll.arch = s(r[4]);
  roll.os = s(r[5]);
  roll.path = s(r[6]);
  roll.stored = ParseInt(s(r[7]), &v) && v != 0;
  roll.enabled = ParseInt(s(r[8]), &v) && v != 0;
  return roll;
}

const char kRollColumns[] =
    "SELECT id, name, version, `release`, arch, os, path, in_store, enabled "
    "FROM rolls";

// The rows a name (and maybe version) selects, inside the caller's
// transaction; none is an error naming what was asked for.
bool SelectRolls(Database* db, const std::string& name,
                 const std::string& version, std::vector<Roll>* out,
                 std::string* err) {
  std::vector<SqlRow> rows;
  std::string sql = std::string(kRollColumns) + " WHERE name = ?";
  std::vector<SqlParam> params = {SqlParam::Text(name)};
  if (!version.empty()) {
    sql += " AND version = ?";
    params.push_back(SqlParam::Text(version));
  }
  sql += " ORDER BY version, arch";
  if (!db->Query(sql, params, &rows, err)) return false;
  if (rows.empty() && !version.empty()) {
    *err = name + " " + version + ": unknown roll";
    return false;
  }
  if (rows.empty()) {
    std::vector<SqlRow> all;
    if (!db->Query("SELECT DISTINCT name FROM rolls", {}, &all, err)) return false;
    std::vector<std::string> names;
    for (const SqlRow& r : all) names.push_back(r[0] ? *r[0] : "");
    *err = UnknownName(name, "roll", names);
    return false;
  }
  for (const SqlRow& r : rows) out->push_back(RowToRoll(r));
  return true;
}

// Finds roll-NAME.xml at the top of `dir`; `label` names the directory or
// image in messages, `prefix` replaces `dir` + "/" in file names.
bool FindDescription(const std::string& dir, const std::string& label,
                     const std::string& prefix, RollInfo* info,
                     std::string* path, std::string* err) {
  std::vector<std::string> found;
  for (const std::string& n : XmlFiles(dir))
    if (StartsWith(n, "roll-") && n.size() > 9) found.push_back(n);
  if (found.empty()) {
    *err = label + ": not a roll (no roll-NAME.xml at its top)";
    return false;
  }
  if (found.size() > 1) {
    *err = label + ": more than one roll description (" + Join(found, ", ") + ")";
    return false;
  }
  std::string text;
  if (!ReadFile(dir + "/" + found[0], &text, err)) return false;
  if (!ParseRollDescription(text, prefix + found[0], info, err)) return false;
  std::string named = found[0].substr(5, found[0].size() - 9);
  if (named != info->name) {
    *err = prefix + found[0] + ": describes roll '" + info->name +
           "', expected roll-" + info->name + ".xml";
    return false;
  }
  if (path) *path = dir + "/" + found[0];
  return true;
}

// CheckRollGraph with the messages naming files as `prefix` + relative.
bool CheckGraph(const std::string& dir, const std::string& prefix,
                std::string* err) {
  bool ok = CheckRollGraph(dir, err);
  if (!ok) {
    std::string from = dir + "/";
    for (size_t p = 0; (p = err->find(from, p)) != std::string::npos;
         p += prefix.size())
      err->replace(p, from.size(), prefix);
  }
  return ok;
}

}  // namespace

std::string RollInfo::ImageName() const {
  return name + "-" + version + "-" + release + "." + arch + ".disk1.iso";
}

bool ParseRollDescription(const std::string& text, const std::string& source,
                          RollInfo* info, std::string* err) {
  XmlNode root;
  if (!ParseXml(text, source, &root, err)) return false;
  auto at = [&](int line) { return source + ":" + std::to_string(line); };
  if (root.name != "roll") {
    *err = at(root.line) + ": root element is <" + root.name +
           ">, expected <roll>";
    return false;
  }
  *info = RollInfo();
  const std::string* name = root.Attr("name");
  if (!name) {
    *err = at(root.line) + ": <roll> has no name=";
    return false;
  }
  // The rolls table holds 64 characters of each; MariaDB refuses more,
  // so both engines refuse it here, with the same message.
  constexpr size_t kMaxField = 64;
  if (name->size() > kMaxField) {
    *err = at(root.line) + ": name=\"" + name->substr(0, 32) +
           "...\": too long (at most 64 characters)";
    return false;
  }
  if (!AllOf(*name, "_+-", true) || (*name)[0] == '-' || (*name)[0] == '_') {
    *err = at(root.line) + ": name=\"" + *name + "\": expected a-z, 0-9, _, + and -";
    return false;
  }
  info->name = *name;
  const XmlNode* in = nullptr;
  for (const XmlNode& c : root.children) {
    if (c.is_text) continue;
    if (c.name == "info" && !in) in = &c;
    if (c.name == "description") info->description = Trim(c.Text());
  }
  if (!in) {
    *err = at(root.line) + ": <roll> has no <info version=...>";
    return false;
  }
  const std::string* version = in->Attr("version");
  if (!version) {
    *err = at(in->line) + ": <info> has no version=";
    return false;
  }
  struct Field {
    const char* key;
    std::string* out;
  };
  info->version = *version;
  info->release = in->AttrOr("release", info->release);
  info->arch = in->AttrOr("arch", info->arch);
  info->os = in->AttrOr("os", info->os);
  for (Field f : {Field{"version", &info->version}, Field{"release", &info->release},
                  Field{"arch", &info->arch}, Field{"os", &info->os}}) {
    if (f.out->size() > kMaxField) {
      *err = at(in->line) + ": " + f.key + "=\"" + f.out->substr(0, 32) +
             "...\": too long (at most 64 characters)";
      return false;
    }
    if (!AllOf(*f.out, "._+", false)) {
      *err = at(in->line) + ": " + f.key + "=\"" + *f.out +
             "\": expected letters, digits, '.', '_' and '+'";
      return false;
    }
  }
  return true;
}

bool ReadRollDescription(const std::string& dir, RollInfo* info,
                         std::string* path, std::string* err) {
  return FindDescription(dir, dir, dir + "/", info, path, err);
}

bool CheckRollGraph(const std::string& dir, std::string* err) {
  std::vector<std::string> graphs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir + "/graphs", ec))
    if (e.is_directory()) graphs.push_back(e.path().filename().string());
  std::sort(graphs.begin(), graphs.end());
  for (const std::string& g : graphs) {
    ProfileTree tree;
    if (!tree.Load(dir, g, err)) return false;
    for (const GraphLink& e : tree.edges()) {
      const NodeFile* nf;
      if (!tree.GetNode(e.to, &nf, err)) return false;
      if (!nf) {
        *err = e.path + ":" + std::to_string(e.line) + ": edge to " + e.to +
               ": the roll ships no node file nodes/" + e.to + ".xml";
        return false;
      }
    }
  }
  return true;
}

bool CreateRoll(const std::string& given_dir, const CreateRollOptions& options,
                CreateRollResult* result, std::string* err) {
  *result = CreateRollResult();
  std::string rolldir = given_dir;
  while (rolldir.size() > 1 && rolldir.back() == '/') rolldir.pop_back();
  struct stat st;
  if (stat(rolldir.c_str(), &st) != 0) {
    *err = ErrnoText(rolldir);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *err = rolldir + ": not a directory";
    return false;
  }
  RollInfo& info = result->info;
  std::string desc;
  if (!ReadRollDescription(rolldir, &info, &desc, err)) return false;
  if (!CheckRollGraph(rolldir, err)) return false;

  std::vector<std::string> rpms;
  if (!FindRpms(rolldir + "/RPMS", &rpms, err)) return false;
  std::vector<RpmMetadata> mds;
  if (!ReadHeaders(rpms, options.jobs, &mds, err)) return false;
  std::map<std::string, size_t> by_file;
  for (size_t i = 0; i < mds.size(); ++i) {
    auto [it, fresh] = by_file.emplace(mds[i].info.FileName(), i);
    if (!fresh) {
      *err = rpms[i] + ": the same package as " + rpms[it->second] + " (" +
             mds[i].info.Nevra() + ")";
      return false;
    }
  }

  std::string out_dir = options.output_dir.empty() ? "." : options.output_dir;
  result->image = (options.output_dir.empty() ? "" : out_dir + "/") + info.ImageName();
  ScopedTree stage;
  if (!MakeTempDir(out_dir, info.ImageName() + ".stage", &stage.path, err))
    return false;
  const std::string& s = stage.path;
  std::string text;
  if (!ReadFile(desc, &text, err) ||
      !WriteFileAtomic(s + "/" + BaseName(desc), text, nullptr, err))
    return false;
  if (!MakeDirs(s + "/RedHat/RPMS", err)) return false;
  std::vector<const RpmMetadata*> repo;
  for (size_t i = 0; i < mds.size(); ++i) {
    const RpmInfo& p = mds[i].info;
    std::string dir = s + (p.source ? "/SRPMS" : "/RedHat/RPMS");
    if (p.source && !MakeDirs(dir, err)) return false;
    if (symlink(AbsolutePath(rpms[i]).c_str(), (dir + "/" + p.FileName()).c_str()) != 0) {
      *err = ErrnoText(dir + "/" + p.FileName());
      return false;
    }
    if (!p.source) repo.push_back(&mds[i]);
    ++result->packages;
  }
  if (!WriteRepodata(s + "/repodata", repo, "", err)) return false;
  if (!CopyProfileDir(rolldir + "/graphs", s + "/build/graphs", err)) return false;
  if (fs::is_directory(rolldir + "/nodes")) {
    if (!MakeDirs(s + "/build/nodes", err)) return false;
    for (const std::string& n : XmlFiles(rolldir + "/nodes")) {
      if (!ReadFile(rolldir + "/nodes/" + n, &text, err) ||
          !WriteFileAtomic(s + "/build/nodes/" + n, StampRoll(text, info.name),
                           nullptr, err))
        return false;
    }
  }
  return WriteIsoImage(s, result->image, VolumeLabel(info), {}, err);
}

std::string DefaultRollStore() { return Config().Get(kConfRollStore); }

bool AddRoll(Database* db, const std::string& store_given,
             const std::string& source, Roll* added, std::string* err) {
  *added = Roll();
  struct stat st;
  if (stat(source.c_str(), &st) != 0) {
    *err = ErrnoText(source);
    return false;
  }
  RollInfo info;
  ScopedTree staging;
  bool created_store = false;
  std::string store = AbsolutePath(store_given);
  if (S_ISDIR(st.st_mode)) {
    if (!ReadRollDescription(source, &info, nullptr, err) ||
        !CheckGraph(source + "/build", source + "/build/", err))
      return false;
    added->path = AbsolutePath(source);
  } else if (S_ISREG(st.st_mode)) {
    struct stat sst;
    if (stat(store.c_str(), &sst) != 0) {
      if (!MakeDirs(store, err)) return false;
      created_store = true;
    }
    if (!MakeTempDir(store, "add", &staging.path, err)) return false;
    const std::string& s = staging.path;
    auto dest_for = [&](const std::string& member) -> std::string {
      // Nothing escapes the staging directory.
      for (const std::string& part : Split(member, '/'))
        if (part == "..") return "";
      return s + "/" + member;
    };
    bool ok = ExtractImage(source, dest_for, nullptr, err) &&
              FindDescription(s, source, source + "!", &info, nullptr, err) &&
              CheckGraph(s + "/build", source + "!build/", err);
    if (!ok) {
      staging.RemoveNow();
      if (created_store) rmdir(store.c_str());
      return false;
    }
  } else {
    *err = source + ": not a roll image or directory";
    return false;
  }
  added->name = info.name;
  added->version = info.version;
  added->release = info.release;
  added->arch = info.arch;
  added->os = info.os;
  added->stored = !staging.path.empty();

  auto undo_store = [&] {
    if (created_store) {
      std::error_code ec;
      fs::remove_all(store, ec);
    }
  };
  Transaction tx(db);
  if (!tx.Begin(err)) return undo_store(), false;
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT arch FROM rolls WHERE name = ? AND version = ?",
                 {SqlParam::Text(info.name), SqlParam::Text(info.version)}, &rows,
                 err))
    return undo_store(), false;
  if (!rows.empty()) {
    *err = source + ": roll " + info.name + " " + info.version +
           " is already added (remove it first)";
    staging.RemoveNow();
    undo_store();
    return false;
  }
  std::string final_dir;
  std::vector<std::string> made;  // directories made for it, deepest last
  if (added->stored) {
    final_dir = store + "/" + info.name + "/" + info.version + "/" + info.arch;
    if (PathExists(final_dir)) {
      *err = final_dir + ": already exists, but no roll of the database is there";
      return false;
    }
    for (std::string d : {store + "/" + info.name,
                          store + "/" + info.name + "/" + info.version}) {
      if (PathExists(d)) continue;
      if (mkdir(d.c_str(), 0755) != 0) {
        *err = ErrnoText(d);
        return false;
      }
      made.push_back(d);
    }
    if (rename(staging.path.c_str(), final_dir.c_str()) != 0) {
      *err = ErrnoText(final_dir);
      for (auto it = made.rbegin(); it != made.rend(); ++it) rmdir(it->c_str());
      return false;
    }
    staging.path.clear();
    added->path = final_dir;
  }
  auto undo_final = [&] {
    if (final_dir.empty()) return;
    std::error_code ec;
    fs::remove_all(final_dir, ec);
    for (auto it = made.rbegin(); it != made.rend(); ++it) rmdir(it->c_str());
    undo_store();
  };
  if (added->path.size() > 1024) {
    *err = added->path.substr(0, 32) + "...: path too long (at most 1024 characters)";
    undo_final();
    return false;
  }
  if (!db->Exec("INSERT INTO rolls (name, version, `release`, arch, os, path, "
                "in_store, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                {SqlParam::Text(info.name), SqlParam::Text(info.version),
                 SqlParam::Text(info.release), SqlParam::Text(info.arch),
                 SqlParam::Text(info.os), SqlParam::Text(added->path),
                 SqlParam::Int(added->stored ? 1 : 0)},
                err, &added->id) ||
      !tx.Commit(err)) {
    undo_final();
    return false;
  }
  return true;
}

bool ListRolls(Database* db, std::vector<Roll>* out, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query(std::string(kRollColumns) + " ORDER BY name, version, arch", {},
                 &rows, err))
    return false;
  for (const SqlRow& r : rows) out->push_back(RowToRoll(r));
  return true;
}

bool SetRollEnabled(Database* db, const std::string& name,
                    const std::string& version, bool enabled, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  std::vector<Roll> rolls;
  if (!SelectRolls(db, name, version, &rolls, err)) return false;
  for (const Roll& r : rolls)
    if (!db->Exec("UPDATE rolls SET enabled = ? WHERE id = ?",
                  {SqlParam::Int(enabled ? 1 : 0), SqlParam::Int(r.id)}, err))
      return false;
  return tx.Commit(err);
}

bool RemoveRoll(Database* db, const std::string& name,
                const std::string& version, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  std::vector<Roll> rolls;
  if (!SelectRolls(db, name, version, &rolls, err)) return false;
  for (const Roll& r : rolls) {
    if (r.enabled) {
      *err = r.name + " " + r.version + ": roll is enabled (disable it first)";
      return false;
    }
  }
  for (const Roll& r : rolls)
    if (!db->Exec("DELETE FROM rolls WHERE id = ?", {SqlParam::Int(r.id)}, err))
      return false;
  if (!tx.Commit(err)) return false;
  // The rows are gone; the unpacked trees go after them (a tree left by a
  // failure here is only disk space, never a roll the tools use).
  for (const Roll& r : rolls) {
    if (!r.stored) continue;
    std::error_code ec;
    fs::remove_all(r.path, ec);
    std::string version_dir = DirName(r.path);
    rmdir(version_dir.c_str());
    rmdir(DirName(version_dir).c_str());
  }
  return true;
}

bool EnabledRollPaths(Database* db, std::vector<std::string>* out,
                      std::string* err) {
  std::vector<Roll> rolls;
  if (!ListRolls(db, &rolls, err)) return false;
  for (const Roll& r : rolls)
    if (r.enabled) out->push_back(r.path);
  return true;
}

}  // namespace rocks
