#include "profile.h"

#include <cerrno>
#include <cstring>

#include "file.h"
#include "process.h"
#include "kstext.h"
#include "strutil.h"

#ifndef ROCKS_DATADIR
#define ROCKS_DATADIR "/usr/local/share/rocks"
#endif

namespace rocks {

const char kEvalOff[] = "<eval> is not run: evaluation is off";

namespace {

std::string Loc(const std::string& path, int line) {
  return path + ":" + std::to_string(line);
}

bool Blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

// Runs `script` with `shell -c` and the attributes in the environment;
// its standard output is the result.
bool RunEval(const std::string& shell, const std::string& script,
             const Attributes& attrs, std::string* output, std::string* why) {
  ProcessSpec spec;
  spec.argv = {shell, "-c", script};
  spec.clear_env = true;
  for (const auto& [k, v] : attrs) spec.env.push_back(k + "=" + v);
  if (const char* path = getenv("PATH")) spec.env.push_back(std::string("PATH=") + path);
  spec.stderr_mode = StderrMode::kInherit;
  ProcessResult result;
  if (!RunProcess(spec, &result, why)) {
    *why = shell + ": cannot run";
    return false;
  }
  output->append(result.output);
  if (result.status == 0) return true;
  if (result.status == 127) {
    *why = shell + ": cannot run";
  } else if (result.status > 128) {
    *why = shell + " killed by signal " + std::to_string(result.status - 128);
  } else {
    *why = shell + " exited with status " + std::to_string(result.status);
  }
  return false;
}

class Expander {
 public:
  Expander(ProfileTree* tree, const ProfileOptions& options, const Attributes& attrs)
      : tree_(tree), options_(options), attrs_(attrs) {
    sel_ = options.selection;
    sel_.attrs = &attrs_;
  }

  bool Run(std::string* xml, std::string* err) {
    std::vector<const NodeFile*> nodes;
    if (!tree_->Walk(options_.root, sel_, options_.allow_missing, &nodes, err))
      return false;
    std::string& o = *xml;
    o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profile";
    auto attr = [&](const char* k, const std::string& v) {
      o += std::string(" ") + k + "=\"" + XmlEscapeAttr(v) + "\"";
    };
    attr("graph", tree_->graph());
    attr("root", options_.root);
    attr("appliance", options_.appliance);
    if (!options_.host.empty()) attr("host", options_.host);
    attr("arch", sel_.arch);
    attr("os", sel_.os);
    attr("release", sel_.release);
    o += ">\n";
    for (const NodeFile* n : nodes) {
      for (const NodePart& p : n->parts) {
        o += "<node name=\"" + XmlEscapeAttr(n->name) + "\" file=\"" +
             XmlEscapeAttr(p.relpath) + "\" roll=\"" + XmlEscapeAttr(n->roll) + "\"/>\n";
      }
    }
    o += HostKickstartNodeXml(options_.host_config);
    for (const NodeFile* n : nodes) {
      node_ = n;
      for (const NodePart& p : n->parts) {
        part_ = &p;
        if (!TopLevel(p.root, &o, err)) return false;
      }
    }
    // What the database says of the host comes last: its commands replace
    // a node file's of the same name.
    o += HostKickstartXml(options_.host_config);
    o += "</profile>\n";
    return true;
  }

 private:
  std::string Where(int line) const { return Loc(part_->path, line); }

  std::string Origin() const {
    return " node=\"" + XmlEscapeAttr(node_->name) + "\" file=\"" +
           XmlEscapeAttr(part_->relpath) + "\"";
  }

  int RefLine(const std::string& name, int line) const {
    int first = line;
    bool found = false;
    for (const EntityRef& r : part_->refs) {
      if (r.name != name) continue;
      if (r.line >= line) return r.line;
      if (!found) first = r.line;
      found = true;
    }
    return first;
  }

  // Replaces entity markers in `in` by attribute values.
  bool Subst(const std::string& in, int line, std::string* out, std::string* err) {
    size_t pos = 0;
    out->clear();
    while (true) {
      size_t open = in.find(kEntityOpen, pos);
      if (open == std::string::npos) {
        out->append(in, pos, std::string::npos);
        return true;
      }
      out->append(in, pos, open - pos);
      size_t start = open + sizeof(kEntityOpen) - 1;
      size_t close = in.find(kEntityClose, start);
      if (close == std::string::npos) {
        // Node files and <eval> output with the markers are refused before
        // they get here; this only keeps the loop finite.
        *err = Where(line) + ": character U+E000 is reserved";
        return false;
      }
      std::string name = in.substr(start, close - start);
      // &Name:q; is the value as one quoted word (see Insert).
      bool quoted = EndsWith(name, ":q");
      std::string key = quoted ? name.substr(0, name.size() - 2) : name;
      auto it = attrs_.find(key);
      if (it == attrs_.end()) {
        std::vector<std::string> names;
        for (const auto& [k, v] : attrs_) names.push_back(k);
        *err = UnknownName(Where(RefLine(name, line)), "entity &" + name + ";", name, names,
                           {"&", ";"});
        return false;
      }
      if (!Insert(it->first, it->second, quoted, Where(RefLine(name, line)), out, err))
        return false;
      pos = close + sizeof(kEntityClose) - 1;
    }
  }

  // Appends an attribute's value as the context where it lands needs it:
  // a kickstart command gets it as one shlex word, script text on one
  // line, an expanding here-document with nothing the shell expands;
  // quoted (&Name:q;), it is one shell word (or one kickstart word in a
  // command). A value that is not text is an error naming it.
  bool Insert(const std::string& name, const std::string& value, bool quoted,
              const std::string& where, std::string* out, std::string* err) {
    std::string why;
    if (!CheckAttrValue(value, &why)) {
      *err = where + ": &" + name + ";: " + why;
      return false;
    }
    switch (ctx_) {
      case Ctx::kMain: *out += KickstartWord(value); break;
      case Ctx::kScript: *out += quoted ? ShellWord(value) : OneLine(value); break;
      case Ctx::kExpandedFile: *out += quoted ? ShellWord(value) : HereDocLiteral(value); break;
      case Ctx::kPlain: *out += quoted ? ShellWord(value) : value; break;
    }
    return true;
  }

  // Element attributes (names, modes, <var val=>) take values as they are.
  bool AttrValue(const XmlNode& el, const char* key, std::string* out, bool* present,
                 std::string* err) {
    const std::string* v = el.Attr(key);
    *present = v != nullptr;
    out->clear();
    if (!v) return true;
    Ctx saved = ctx_;
    ctx_ = Ctx::kPlain;
    bool ok = Subst(*v, el.line, out, err);
    ctx_ = saved;
    return ok;
  }

  bool Filter(const XmlNode& el, bool* ok, std::string* err) {
    return tree_->Allows(el, sel_, Where(el.line), ok, err);
  }

  // Expands the content of `el`: text with entities replaced, <var>,
  // <include>, <eval> and, when `xml` (scripts), <file>. With `xml` the
  // result is XML character data, otherwise plain text.
  bool Content(const XmlNode& el, bool xml, std::string* out, std::string* err) {
    for (const XmlNode& c : el.children) {
      if (c.is_text) {
        std::string t;
        if (!Subst(c.text, c.line, &t, err)) return false;
        *out += xml ? XmlEscape(t) : t;
        continue;
      }
      bool ok;
      if (!Filter(c, &ok, err)) return false;
      if (!ok) continue;
      if (c.name == "var") {
        std::string name, val;
        bool has_name, has_val;
        if (!AttrValue(c, "name", &name, &has_name, err) ||
            !AttrValue(c, "val", &val, &has_val, err))
          return false;
        if (!has_name) {
          *err = Where(c.line) + ": <var> needs name=";
          return false;
        }
        if (has_val) {
          attrs_[name] = val;
          continue;
        }
        auto it = attrs_.find(name);
        if (it == attrs_.end()) {
          *err = Where(c.line) + ": <var name=\"" + name + "\">: unknown variable";
          return false;
        }
        std::string text;
        if (!Insert(name, it->second, false, Where(c.line), &text, err)) return false;
        *out += xml ? XmlEscape(text) : text;
      } else if (c.name == "include") {
        std::string text;
        if (!Include(c, &text, err)) return false;
        *out += xml ? XmlEscape(text) : text;
      } else if (c.name == "eval") {
        std::string text;
        if (!Eval(c, &text, err)) return false;
        if (c.AttrOr("mode", "quote") == "xml") {
          if (text.find(kEntityOpen) != std::string::npos ||
              text.find(kEntityClose) != std::string::npos) {
            *err = Where(c.line) + ": <eval> output: character U+E000 is reserved";
            return false;
          }
          XmlNode wrapper;
          if (!ParseXml("<eval>" + text + "</eval>", Where(c.line) + ": <eval> output",
                        &wrapper, err))
            return false;
          if (!Content(wrapper, xml, out, err)) return false;
        } else {
          *out += xml ? XmlEscape(text) : text;
        }
      } else if (c.name == "file" && xml) {
        if (!File(c, out, err)) return false;
      } else {
        *err = Where(c.line) + ": unknown tag <" + c.name + "> in <" + el.name + ">";
        return false;
      }
    }
    return true;
  }

  bool Include(const XmlNode& c, std::string* text, std::string* err) {
    std::string file;
    bool has;
    if (!AttrValue(c, "file", &file, &has, err)) return false;
    if (!has || file.empty()) {
      *err = Where(c.line) + ": <include> needs file=";
      return false;
    }
    if (file[0] == '/' || file == ".." || StartsWith(file, "../") ||
        file.find("/../") != std::string::npos || EndsWith(file, "/..")) {
      *err = Where(c.line) + ": <include file=\"" + file +
             "\">: must be a path inside include/";
      return false;
    }
    std::string why;
    if (!ReadFile(tree_->dir() + "/include/" + file, text, &why)) {
      *err = Where(c.line) + ": <include>: " + why;
      return false;
    }
    return true;
  }

  bool Eval(const XmlNode& c, std::string* text, std::string* err) {
    if (!options_.eval) {
      *err = Where(c.line) + ": " + kEvalOff;
      return false;
    }
    std::string script;
    Ctx saved = ctx_;
    ctx_ = Ctx::kPlain;
    bool ok = Content(c, false, &script, err);
    ctx_ = saved;
    if (!ok) return false;
    std::string shell, why;
    bool has;
    if (!AttrValue(c, "shell", &shell, &has, err)) return false;
    if (shell.empty()) shell = "/bin/sh";
    if (!RunEval(shell, script, attrs_, text, &why)) {
      *err = Where(c.line) + ": <eval>: " + why;
      return false;
    }
    if (!CheckAttrValue(*text, &why)) {
      *err = Where(c.line) + ": <eval>: output " + why.substr(std::string("value ").size());
      return false;
    }
    return true;
  }

  bool File(const XmlNode& c, std::string* out, std::string* err) {
    std::string name, mode, owner, perms, vars;
    bool has_name, has_mode, has_owner, has_perms, has_vars;
    if (!AttrValue(c, "name", &name, &has_name, err) ||
        !AttrValue(c, "mode", &mode, &has_mode, err) ||
        !AttrValue(c, "owner", &owner, &has_owner, err) ||
        !AttrValue(c, "perms", &perms, &has_perms, err) ||
        !AttrValue(c, "vars", &vars, &has_vars, err))
      return false;
    if (!has_name || name.empty() || name[0] != '/') {
      *err = Where(c.line) + ": <file> needs an absolute name=";
      return false;
    }
    if (!has_mode) mode = "create";
    if (mode != "create" && mode != "append") {
      *err = Where(c.line) + ": <file mode=\"" + mode +
             "\">: expected create or append";
      return false;
    }
    if (!has_vars) vars = "literal";
    if (vars != "literal" && vars != "expanded") {
      *err = Where(c.line) + ": <file vars=\"" + vars +
             "\">: expected literal or expanded";
      return false;
    }
    if (has_perms && (perms.empty() || perms.size() > 4 ||
                      perms.find_first_not_of("01234567") != std::string::npos)) {
      *err = Where(c.line) + ": <file perms=\"" + perms + "\">: expected an octal mode";
      return false;
    }
    *out += "<file name=\"" + XmlEscapeAttr(name) + "\" mode=\"" + mode + "\"";
    if (has_owner) *out += " owner=\"" + XmlEscapeAttr(owner) + "\"";
    if (has_perms) *out += " perms=\"" + perms + "\"";
    *out += " vars=\"" + vars + "\">";
    std::string content;
    Ctx saved = ctx_;
    ctx_ = vars == "expanded" ? Ctx::kExpandedFile : Ctx::kPlain;
    bool ok = Content(c, false, &content, err);
    ctx_ = saved;
    if (!ok) return false;
    *out += XmlEscape(content) + "</file>";
    return true;
  }

  bool TopLevel(const XmlNode& root, std::string* o, std::string* err) {
    for (const XmlNode& el : root.children) {
      if (el.is_text) {
        if (!Blank(el.text)) {
          *err = Where(root.line) + ": text outside an element in <kickstart>";
          return false;
        }
        continue;
      }
      const std::string& tag = el.name;
      if (tag == "description" || tag == "changelog" || tag == "copyright" ||
          tag == "si_copyright" || tag == "rocks")
        continue;
      bool ok;
      if (!Filter(el, &ok, err)) return false;
      if (!ok) continue;
      std::string arch_attr;
      if (const std::string* a = el.Attr("arch"))
        arch_attr = " arch=\"" + XmlEscapeAttr(*a) + "\"";
      if (tag == "package") {
        std::string text;
        ctx_ = Ctx::kPlain;
        if (!Content(el, false, &text, err)) return false;
        std::string type = el.AttrOr("type", "");
        if (!type.empty() && type != "meta") {
          *err = Where(el.line) + ": <package type=\"" + type + "\">: expected meta";
          return false;
        }
        bool disable = Truthy(el.AttrOr("disable", ""));
        std::vector<std::string> names = SplitBlanks(ReplaceNewlines(text));
        if (names.empty()) {
          *err = Where(el.line) + ": empty <package>";
          return false;
        }
        for (const std::string& n : names) {
          *o += "<package" + Origin() + arch_attr;
          if (!type.empty()) *o += " type=\"meta\"";
          if (disable) *o += " disable=\"1\"";
          *o += ">" + XmlEscape(n) + "</package>\n";
        }
      } else if (tag == "main") {
        for (const XmlNode& cmd : el.children) {
          if (cmd.is_text) {
            if (!Blank(cmd.text)) {
              *err = Where(el.line) + ": text outside a command in <main>";
              return false;
            }
            continue;
          }
          bool cmd_ok;
          if (!Filter(cmd, &cmd_ok, err)) return false;
          if (!cmd_ok) continue;
          std::string text;
          ctx_ = Ctx::kMain;
          bool ok = Content(cmd, false, &text, err);
          ctx_ = Ctx::kPlain;
          if (!ok) return false;
          *o += "<main" + Origin() + arch_attr + " name=\"" + XmlEscapeAttr(cmd.name) +
                "\">" + XmlEscape(Trim(ReplaceNewlines(text))) + "</main>\n";
        }
      } else if (tag == "pre" || tag == "post" || tag == "onerror") {
        *o += "<" + tag + Origin() + arch_attr;
        for (const char* key : {"interpreter", "arg"}) {
          std::string v;
          bool has;
          if (!AttrValue(el, key, &v, &has, err)) return false;
          if (has) *o += std::string(" ") + key + "=\"" + XmlEscapeAttr(v) + "\"";
        }
        *o += ">";
        ctx_ = Ctx::kScript;
        bool ok = Content(el, true, o, err);
        ctx_ = Ctx::kPlain;
        if (!ok) return false;
        *o += "</" + tag + ">\n";
      } else if (tag == "file") {
        *o += "<post" + Origin() + arch_attr + ">";
        if (!File(el, o, err)) return false;
        *o += "</post>\n";
      } else if (tag == "var") {
        std::string name, val;
        bool has_name, has_val;
        if (!AttrValue(el, "name", &name, &has_name, err) ||
            !AttrValue(el, "val", &val, &has_val, err))
          return false;
        if (!has_name || !has_val) {
          *err = Where(el.line) + ": <var> in <kickstart> needs name= and val=";
          return false;
        }
        attrs_[name] = val;
      } else if (tag == "eval" && el.AttrOr("mode", "") == "xml") {
        std::string text;
        if (!Eval(el, &text, err)) return false;
        XmlNode wrapper;
        if (!ParseXml("<kickstart>" + text + "</kickstart>",
                      Where(el.line) + ": <eval> output", &wrapper, err))
          return false;
        if (!TopLevel(wrapper, o, err)) return false;
      } else {
        static const std::vector<std::string> kTags = {
            "package", "main", "pre", "post", "onerror", "file", "var", "eval", "description"};
        *err = UnknownName(Where(el.line), "tag <" + tag + ">", tag, kTags, {"<", ">"});
        return false;
      }
    }
    return true;
  }

  // The installer splits lines where Python's str.splitlines() does.
  static std::string ReplaceNewlines(const std::string& s) { return OneLine(s); }

  enum class Ctx { kPlain, kMain, kScript, kExpandedFile };

  ProfileTree* tree_;
  const ProfileOptions& options_;
  Attributes attrs_;
  Selection sel_;
  const NodeFile* node_ = nullptr;
  const NodePart* part_ = nullptr;
  Ctx ctx_ = Ctx::kPlain;
};

}  // namespace

bool ExpandProfile(ProfileTree* tree, const ProfileOptions& options,
                   const Attributes& attrs, std::string* xml, std::string* err) {
  Attributes all = tree->defaults();
  for (const auto& [k, v] : attrs) all[k] = v;
  all["Node_Release"] = options.selection.release;
  Expander e(tree, options, all);
  return e.Run(xml, err);
}

bool HostProfileInput(Database* db, const Host& host, ProfileOptions* options,
                      std::string* graph, Attributes* attrs, std::string* err) {
  Appliance app;
  if (!FindAppliance(db, host.appliance, &app, err)) return false;
  if (app.node.empty()) {
    *err = host.name + ": appliance " + app.name + " has no kickstart graph node";
    return false;
  }
  std::vector<Attr> list;
  if (!ResolveAttrs(db, AttrScope::kHost, host.name, &list, err)) return false;
  for (const Attr& a : list) (*attrs)[a.name] = a.value;
  const Interface* ifc = nullptr;
  for (const Interface& i : host.interfaces)
    if (i.subnet == "private" && !i.ip.empty()) {
      ifc = &i;
      break;
    }
  if (!ifc)
    for (const Interface& i : host.interfaces)
      if (!i.ip.empty()) {
        ifc = &i;
        break;
      }
  Attributes& a = *attrs;
  a["Node_Hostname"] = host.name;
  if (ifc) {
    a["Node_Address"] = ifc->ip;
    a["Node_Interface"] = ifc->device;
    if (!ifc->mac.empty()) a["Node_MAC"] = ifc->mac;
  }
  a["Node_Appliance"] = host.appliance;
  a["Node_Membership"] = host.appliance;
  a["Node_Architecture"] = host.arch;
  a["Node_OS"] = host.os;
  a["Node_Rack"] = std::to_string(host.rack);
  a["Node_Rank"] = std::to_string(host.rank);
  a["Node_CPUs"] = std::to_string(host.cpus);
  a["Node_Graph"] = app.graph;
  options->root = app.node;
  options->appliance = host.appliance;
  options->host = host.name;
  options->selection.arch = host.arch;
  options->selection.os = host.os;
  // The release (its kickstart syntax) is the host's attribute, or 9.
  if (auto it = attrs->find("release"); it != attrs->end()) {
    int64_t n;
    if (!ParseInt(it->second, &n) || n < 1) {
      *err = host.name + ": release=" + it->second + ": expected a release number (8, 9)";
      return false;
    }
    options->selection.release = it->second;
  }
  if (!HostKickstartConfig(db, host, &options->host_config, err)) return false;
  *graph = app.graph;
  return true;
}

std::string DefaultProfileDir() { return ROCKS_DATADIR "/profile"; }

}  // namespace rocks
