#include "kickstart.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "cond.h"
#include "file.h"
#include "kstext.h"
#include "strutil.h"
#include "xml_tree.h"

namespace rocks {
namespace {

// Kickstart commands that may be given more than once; any other command
// given again replaces the earlier one in place (a site node overrides).
// %include (<include> in <main>) names a file each time.
const std::set<std::string> kRepeatable = {
    "btrfs",  "driverdisk", "fcoe",    "group",  "include", "iscsi",   "logvol",
    "module", "network",    "nvdimm",  "part",   "partition", "raid",
    "repo",   "snapshot",   "sshkey",  "sshpw",  "user",    "volgroup",
    "zfcp"};

std::string Loc(const std::string& source, int line) {
  return source + ":" + std::to_string(line);
}

bool IsShell(const std::string& interpreter) {
  std::string base = BaseName(interpreter);
  return base == "sh" || base == "bash";
}

// Strips leading blank lines and trailing blanks; ends in one newline
// unless empty.
std::string TidyScript(const std::string& s) {
  size_t start = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) break;
    if (s.find_first_not_of(" \t\r", start) < nl) break;
    start = nl + 1;
  }
  size_t end = s.size();
  while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t' ||
                         s[end - 1] == '\n' || s[end - 1] == '\r'))
    --end;
  if (end == start) return "";
  return s.substr(start, end - start) + "\n";
}

// The shell lines that write a <file>. The content goes in a
// here-document when the installer sees only its lines in it; otherwise
// (a line that begins with %, a line break only Python knows) it goes in a
// form whose lines cannot be anything but data: base64 for a literal file,
// and for an expanding one each line behind a '|' that sed takes off
// again, the odd line breaks written as $(printf ...).
bool FileSnippet(const XmlNode& f, const std::string& where, std::string* out,
                 std::string* err) {
  std::string name = f.AttrOr("name", "");
  std::string content = f.Text();
  if (!content.empty() && content[0] == '\n') content.erase(0, 1);
  // Drop the indentation before the closing tag.
  size_t last_nl = content.rfind('\n');
  if (last_nl != std::string::npos &&
      content.find_first_not_of(" \t", last_nl + 1) == std::string::npos)
    content.erase(last_nl + 1);
  if (!content.empty() && content.back() != '\n') content += '\n';
  bool expanded = f.AttrOr("vars", "literal") == "expanded";
  std::string q = ShellWord(name);
  std::string redirect = std::string(f.AttrOr("mode", "create") == "append" ? ">>" : ">") + q;
  std::string writer = "cat " + redirect;
  if (!SafeSectionBody(content)) {
    if (!expanded) {
      writer = "base64 -d " + redirect;
      content = Base64Lines(content);
    } else {
      std::string lines = "|";
      for (size_t i = 0; i < content.size();) {
        size_t br = LineBreakAt(content, i);
        if (br == 0) {
          lines += content[i++];
        } else if (content[i] == '\n') {
          lines += i + 1 < content.size() ? "\n|" : "\n";
          ++i;
        } else {
          lines += "$(printf '" + OctalEscapes(std::string_view(content).substr(i, br)) + "')";
          i += br;
        }
      }
      content = lines;
      writer = "sed 's/^|//' " + redirect;
    }
  }
  std::string eof = "ROCKS_EOF";
  for (int n = 1;; ++n) {
    bool clash = content == eof + "\n" || StartsWith(content, eof + "\n") ||
                 content.find("\n" + eof + "\n") != std::string::npos;
    if (!clash) break;
    eof = "ROCKS_EOF_" + std::to_string(n);
  }
  std::string& s = *out;
  s += "mkdir -p " + ShellWord(DirName(name)) + "\n";
  s += writer + (expanded ? " <<" + eof + "\n" : " <<'" + eof + "'\n");
  s += content + eof + "\n";
  if (const std::string* owner = f.Attr("owner")) s += "chown " + ShellWord(*owner) + " " + q + "\n";
  if (const std::string* perms = f.Attr("perms")) {
    if (perms->empty() || perms->size() > 4 ||
        perms->find_first_not_of("01234567") != std::string::npos) {
      *err = where + ": <file perms=\"" + OneLine(*perms) + "\">: expected an octal mode";
      return false;
    }
    s += "chmod " + *perms + " " + q + "\n";
  }
  return true;
}

}  // namespace

bool ParseSections(const std::string& list, std::set<std::string>* out,
                   std::string* err) {
  out->clear();
  for (const std::string& raw : Split(list, ',')) {
    std::string s = Trim(raw);
    if (s != "main" && s != "packages" && s != "pre" && s != "post" && s != "onerror") {
      *err = list + ": unknown section '" + s +
             "' (expected main, packages, pre, post or onerror)";
      return false;
    }
    out->insert(s);
  }
  return true;
}

bool GenerateKickstart(const std::string& xml, const std::string& source,
                       const KickstartOptions& options, std::string* out,
                       std::string* err) {
  XmlNode root;
  if (!ParseXml(xml, source, &root, err)) return false;
  if (root.name != "profile") {
    *err = Loc(source, root.line) + ": root element is <" + root.name +
           ">, expected <profile> (kpp output)";
    return false;
  }
  std::string arch = options.arch.empty() ? root.AttrOr("arch", "") : options.arch;

  struct Command {
    std::string name, text;
  };
  std::vector<Command> commands;
  std::map<std::string, size_t> command_at;
  std::set<std::string> enabled, disabled;
  std::vector<std::pair<std::string, std::string>> node_files;  // name, file
  std::string pre, post, onerror;

  for (const XmlNode& el : root.children) {
    if (el.is_text) continue;
    if (const std::string* a = el.Attr("arch"); a && !InList(*a, arch)) continue;
    const std::string& tag = el.name;
    std::string node = el.AttrOr("node", "?");
    std::string file = el.AttrOr("file", "?");
    if (tag == "node") {
      node_files.emplace_back(el.AttrOr("name", "?"), file);
    } else if (tag == "main") {
      std::string name = el.AttrOr("name", "");
      if (name.empty()) {
        *err = Loc(source, el.line) + ": <main> without name=";
        return false;
      }
      Command c{name, el.Text()};
      auto it = command_at.find(name);
      if (it != command_at.end() && !kRepeatable.count(name)) {
        commands[it->second] = c;
      } else {
        command_at[name] = commands.size();
        commands.push_back(c);
      }
    } else if (tag == "package") {
      std::string name = Trim(el.Text());
      if (name.empty() || OneLine(name).find_first_of(" %") != std::string::npos) {
        *err = Loc(source, el.line) + ": <package>" + OneLine(name) +
               "</package>: not a package name";
        return false;
      }
      if (el.AttrOr("type", "") == "meta") name = "@" + name;
      (el.Attr("disable") ? disabled : enabled).insert(name);
    } else if (tag == "pre" || tag == "post" || tag == "onerror") {
      std::string interpreter = el.AttrOr("interpreter", "/bin/bash");
      std::string arg = OneLine(el.AttrOr("arg", ""));
      if (interpreter.empty() || OneLine(interpreter).find(' ') != std::string::npos) {
        *err = Loc(source, el.line) + ": <" + tag + " interpreter=\"" + OneLine(interpreter) +
               "\">: expected one program";
        return false;
      }
      std::string& dst = tag == "pre" ? pre : tag == "post" ? post : onerror;
      std::string head = "%" + tag + " --interpreter=" + interpreter;
      if (!arg.empty()) head += " " + arg;
      // %pre and %onerror run in the installer, before or without the
      // installed system's /var.
      std::string log = tag != "post" ? "/tmp/rocks-install.log"
                        : arg.find("--nochroot") != std::string::npos
                            ? "/mnt/sysroot/var/log/rocks-install.log"
                            : "/var/log/rocks-install.log";
      std::string body;
      for (const XmlNode& c : el.children) {
        if (c.is_text) {
          // What node files say in scripts is theirs, but it cannot open
          // or close a section.
          if (!SafeSectionBody(c.text)) {
            *err = Loc(source, el.line) + ": " + tag + " script of " + OneLine(node) + " (" +
                   OneLine(file) +
                   "): a line begins with % or breaks where only the installer "
                   "breaks lines; the installer would read it as kickstart";
            return false;
          }
          body += c.text;
        } else if (c.name == "file") {
          if (!IsShell(interpreter)) {
            *err = Loc(source, c.line) + ": <file> in a " + tag + " script run by " +
                   interpreter + " (needs sh or bash)";
            return false;
          }
          if (!body.empty() && body.back() != '\n') body += '\n';
          if (!FileSnippet(c, Loc(source, c.line), &body, err)) return false;
        } else {
          *err = Loc(source, c.line) + ": unknown element <" + c.name + "> in <" +
                 tag + ">";
          return false;
        }
      }
      // Node and file names are data in the log lines too: one shell word
      // on one line, whatever line breaks they hold.
      std::string what = ShellWord(OneLine(tag + " " + node + " (" + file + ")"));
      std::string begin = "echo \"$(date '+%F %T') rocks: begin\" " + what + " >>" + log + "\n";
      std::string end = "echo \"$(date '+%F %T') rocks: end\" " + what + " >>" + log + "\n";
      body = TidyScript(body);
      if (!dst.empty()) dst += "\n";
      if (IsShell(interpreter)) {
        dst += head + "\n" + begin + body + end + "%end\n";
      } else {
        // Another language cannot run the shell log lines: they go in
        // sections of their own around the script.
        std::string sh = "%" + tag + " --interpreter=/bin/sh";
        if (arg.find("--nochroot") != std::string::npos) sh += " --nochroot";
        dst += sh + "\n" + begin + "%end\n\n" + head + "\n" + body + "%end\n\n" + sh +
               "\n" + end + "%end\n";
      }
    } else {
      *err = Loc(source, el.line) + ": unknown element <" + tag + ">";
      return false;
    }
  }

  std::string& o = *out;
  o.clear();
  auto want = [&](const char* s) { return options.sections.count(s) > 0; };
  auto gap = [&]() {
    if (!o.empty()) o += "\n";
  };
  if (want("main")) {
    std::string who = root.AttrOr("host", "");
    o += OneLine("# Kickstart for " + (who.empty() ? "appliance " : who + ": appliance ") +
                 root.AttrOr("appliance", "?") + ", graph " + root.AttrOr("graph", "?") +
                 ", " + arch + ".") + "\n";
    o += "# Generated by kgen from kpp output: do not edit.\n#\n# Node files, in order:\n";
    size_t width = 0;
    for (const auto& [n, f] : node_files) width = std::max(width, n.size());
    for (const auto& [n, f] : node_files)
      o += OneLine("#   " + n + std::string(width - n.size() + 2, ' ') + f) + "\n";
    o += "\n";
    for (const Command& c : commands) {
      std::string text = Trim(OneLine(c.text));
      // <include> in <main> is the installer's %include (a file a %pre
      // script wrote).
      o += (c.name == "include" ? "%include" : c.name) + (text.empty() ? "" : " " + text) + "\n";
    }
  }
  if (want("packages")) {
    gap();
    o += "%packages\n";
    std::vector<std::string> groups, packages, removed;
    for (const std::string& p : enabled) (p[0] == '@' ? groups : packages).push_back(p);
    for (const std::string& p : disabled)
      if (!enabled.count(p)) removed.push_back("-" + p);
    // Environments (@^name) first, then groups, then packages.
    std::stable_partition(groups.begin(), groups.end(),
                          [](const std::string& g) { return StartsWith(g, "@^"); });
    for (const auto* list : {&groups, &packages, &removed})
      for (const std::string& p : *list) o += p + "\n";
    o += "%end\n";
  }
  if (want("pre") && !pre.empty()) {
    gap();
    o += pre;
  }
  if (want("post") && !post.empty()) {
    gap();
    o += post;
  }
  if (want("onerror") && !onerror.empty()) {
    gap();
    o += onerror;
  }
  return true;
}

}  // namespace rocks
