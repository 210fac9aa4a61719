#include "graph.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <queue>
#include <system_error>

#include "file.h"
#include "strutil.h"

namespace rocks {

const char kEntityOpen[4] = "\xEE\x80\x80";
const char kEntityClose[4] = "\xEE\x80\x81";

namespace {

const char kHead[] = "HEAD";
const char kTail[] = "TAIL";

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
         c == '.' || c == ':' || (static_cast<unsigned char>(c) & 0x80);
}

bool IsDir(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

std::string Loc(const std::string& path, int line) {
  return path + ":" + std::to_string(line);
}

}  // namespace

std::string MarkEntities(const std::string& text, std::vector<EntityRef>* refs) {
  std::string out;
  out.reserve(text.size());
  int line = 1;
  size_t i = 0, n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '<' && text.compare(i, 4, "<!--") == 0) {
      size_t end = text.find("-->", i + 4);
      end = end == std::string::npos ? n : end + 3;
      for (size_t k = i; k < end; ++k) line += text[k] == '\n';
      out.append(text, i, end - i);
      i = end;
      continue;
    }
    if (c == '<' && text.compare(i, 9, "<![CDATA[") == 0) {
      size_t end = text.find("]]>", i + 9);
      end = end == std::string::npos ? n : end + 3;
      for (size_t k = i; k < end; ++k) line += text[k] == '\n';
      out.append(text, i, end - i);
      i = end;
      continue;
    }
    if (c == '&' && i + 1 < n && text[i + 1] != '#') {
      size_t e = i + 1;
      while (e < n && IsNameChar(text[e])) ++e;
      if (e < n && text[e] == ';' && e > i + 1) {
        std::string name = text.substr(i + 1, e - i - 1);
        if (name != "amp" && name != "lt" && name != "gt" && name != "quot" &&
            name != "apos") {
          refs->push_back({name, line});
          out += kEntityOpen;
          out += name;
          out += kEntityClose;
          i = e + 1;
          continue;
        }
      }
    }
    if (c == '\n') ++line;
    out += c;
    ++i;
  }
  return out;
}

const Cond* ProfileTree::CachedCond(const std::string& text, std::string* err) {
  auto it = conds_.find(text);
  if (it != conds_.end()) return &it->second;
  Cond c;
  if (!c.Parse(text, err)) return nullptr;
  return &conds_.emplace(text, std::move(c)).first->second;
}

bool ProfileTree::CheckConds(const XmlNode& el, const std::string& path,
                             std::string* err) {
  if (el.is_text) return true;
  if (const std::string* c = el.Attr("cond")) {
    std::string why;
    if (!CachedCond(*c, &why)) {
      *err = Loc(path, el.line) + ": cond=\"" + *c + "\": " + why;
      return false;
    }
  }
  for (const XmlNode& child : el.children)
    if (!CheckConds(child, path, err)) return false;
  return true;
}

bool ProfileTree::Allows(const XmlNode& el, const Selection& sel,
                         const std::string& where, bool* allowed,
                         std::string* err) {
  *allowed = false;
  if (const std::string* a = el.Attr("arch"); a && !InList(*a, sel.arch)) return true;
  if (const std::string* o = el.Attr("os"); o && !InList(*o, sel.os)) return true;
  if (const std::string* r = el.Attr("release"); r && !InList(*r, sel.release))
    return true;
  if (const std::string* c = el.Attr("cond")) {
    std::string why;
    const Cond* cond = CachedCond(*c, &why);
    if (!cond) {
      *err = where + ": cond=\"" + *c + "\": " + why;
      return false;
    }
    static const Attributes kNone;
    if (!cond->Eval(sel.attrs ? *sel.attrs : kNone)) return true;
  }
  *allowed = true;
  return true;
}

bool ProfileTree::LinkAllowed(const GraphLink& l, const Selection& sel,
                              bool* allowed, std::string* err) {
  *allowed = false;
  if (!l.arch.empty() && !InList(l.arch, sel.arch)) return true;
  if (!l.os.empty() && !InList(l.os, sel.os)) return true;
  if (!l.release.empty() && !InList(l.release, sel.release)) return true;
  if (!l.cond.empty()) {
    std::string why;
    const Cond* cond = CachedCond(l.cond, &why);
    if (!cond) {
      *err = Loc(l.path, l.line) + ": cond=\"" + l.cond + "\": " + why;
      return false;
    }
    static const Attributes kNone;
    if (!cond->Eval(sel.attrs ? *sel.attrs : kNone)) return true;
  }
  *allowed = true;
  return true;
}

bool ValidGraphName(const std::string& graph) {
  return !graph.empty() && graph.find('/') == std::string::npos && graph[0] != '.';
}

bool ProfileTree::Load(const std::string& dir, const std::string& graph,
                       std::string* err) {
  dir_ = dir;
  graph_ = graph;
  if (!ValidGraphName(graph)) {
    *err = graph + ": invalid graph name";
    return false;
  }
  std::string gdir = dir + "/graphs/" + graph;
  if (!IsDir(gdir)) {
    if (!IsDir(dir + "/" + graph)) {
      if (!IsDir(dir)) {
        *err = dir + ": no such profile directory";
      } else {
        *err = gdir + ": no such graph";
      }
      return false;
    }
    gdir = dir + "/" + graph;
  }
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(gdir, ec)) {
    std::string name = entry.path().filename().string();
    if (EndsWith(name, ".xml") && name[0] != '.') files.push_back(entry.path().string());
  }
  if (ec) {
    *err = gdir + ": " + ec.message();
    return false;
  }
  std::sort(files.begin(), files.end());
  for (const std::string& f : files)
    if (!LoadGraphFile(f, err)) return false;
  for (size_t i = 0; i < edges_.size(); ++i) out_edges_[edges_[i].from].push_back(i);
  return CheckOrderCycles(err);
}

bool ProfileTree::LoadGraphFile(const std::string& path, std::string* err) {
  std::string text;
  if (!ReadFile(path, &text, err)) return false;
  XmlNode root;
  if (!ParseXml(text, path, &root, err)) return false;
  if (root.name != "graph") {
    *err = Loc(path, root.line) + ": root element is <" + root.name +
           ">, expected <graph>";
    return false;
  }
  if (!CheckConds(root, path, err)) return false;
  for (const XmlNode& el : root.children) {
    if (el.is_text) continue;
    if (el.name == "description" || el.name == "changelog" ||
        el.name == "copyright" || el.name == "si_copyright")
      continue;
    if (el.name == "attr") {
      const std::string* name = el.Attr("name");
      const std::string* value = el.Attr("value");
      if (!name || name->empty() || !value) {
        *err = Loc(path, el.line) + ": <attr> needs name= and value=";
        return false;
      }
      defaults_[*name] = *value;
      continue;
    }
    bool is_edge = el.name == "edge";
    if (!is_edge && el.name != "order") {
      *err = Loc(path, el.line) + ": unknown tag <" + el.name +
             "> (expected <edge>, <order> or <attr>)";
      return false;
    }
    const char* a_key = is_edge ? "from" : "head";
    const char* b_key = is_edge ? "to" : "tail";
    std::vector<std::pair<std::string, const XmlNode*>> as, bs;
    if (const std::string* v = el.Attr(a_key)) as.push_back({*v, nullptr});
    if (const std::string* v = el.Attr(b_key)) bs.push_back({*v, nullptr});
    for (const XmlNode& c : el.children) {
      if (c.is_text) {
        if (c.text.find_first_not_of(" \t\r\n") != std::string::npos) {
          *err = Loc(path, el.line) + ": unexpected text in <" + el.name + ">";
          return false;
        }
        continue;
      }
      std::string t = Trim(c.Text());
      if (c.name == a_key) {
        as.push_back({t, &c});
      } else if (c.name == b_key) {
        bs.push_back({t, &c});
      } else {
        *err = Loc(path, c.line) + ": unknown tag <" + c.name + "> in <" +
               el.name + ">";
        return false;
      }
    }
    if (as.empty() || bs.empty()) {
      *err = Loc(path, el.line) + ": <" + el.name + "> needs " + a_key + " and " +
             b_key;
      return false;
    }
    for (const auto& [a, a_el] : as) {
      for (const auto& [b, b_el] : bs) {
        if (a.empty() || b.empty()) {
          *err = Loc(path, el.line) + ": <" + el.name + "> with an empty " +
                 (a.empty() ? a_key : b_key);
          return false;
        }
        GraphLink l;
        l.from = a;
        l.to = b;
        l.path = path;
        l.line = (b_el ? b_el : a_el ? a_el : &el)->line;
        // Conditions on the element and on its <to>/<from> children are
        // all required.
        std::vector<std::string> conds;
        for (const XmlNode* src : {&el, a_el, b_el}) {
          if (!src) continue;
          // A <to>/<from> child's list is more specific than its edge's.
          auto add = [&](const char* key, std::string* dst) {
            if (const std::string* v = src->Attr(key)) *dst = *v;
          };
          add("arch", &l.arch);
          add("os", &l.os);
          add("release", &l.release);
          if (const std::string* c = src->Attr("cond")) conds.push_back(*c);
        }
        if (conds.size() == 1) {
          l.cond = conds[0];
        } else if (conds.size() > 1) {
          for (size_t k = 0; k < conds.size(); ++k)
            l.cond += (k ? " and (" : "(") + conds[k] + ")";
        }
        (is_edge ? edges_ : orders_).push_back(std::move(l));
      }
    }
  }
  return true;
}

bool ProfileTree::CheckOrderCycles(std::string* err) {
  std::map<std::string, std::vector<size_t>> next;
  for (size_t i = 0; i < orders_.size(); ++i) next[orders_[i].from].push_back(i);
  std::map<std::string, int> color;  // 0 new, 1 on stack, 2 done
  // Depth first with an explicit stack: a chain of thousands of orders
  // must not exhaust the C++ stack.
  struct Frame {
    std::string node;
    size_t next = 0;
  };
  std::vector<Frame> stack;
  auto visit = [&](const std::string& root) {
    color[root] = 1;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      Frame& f = stack.back();
      auto it = next.find(f.node);
      if (it == next.end() || f.next >= it->second.size()) {
        color[f.node] = 2;
        stack.pop_back();
        continue;
      }
      size_t i = it->second[f.next++];
      const std::string& m = orders_[i].to;
      int c = color[m];
      if (c == 1) {
        auto start = std::find_if(stack.begin(), stack.end(),
                                  [&](const Frame& g) { return g.node == m; });
        std::string cycle;
        for (auto s = start; s != stack.end(); ++s) cycle += s->node + " -> ";
        cycle += m;
        *err = Loc(orders_[i].path, orders_[i].line) + ": <order> cycle: " + cycle;
        return false;
      }
      if (c == 0) {
        color[m] = 1;
        stack.push_back({m, 0});
      }
    }
    return true;
  };
  // The implicit HEAD -> TAIL link makes "TAIL before HEAD" a cycle too.
  next[kHead].insert(next[kHead].begin(), orders_.size());
  orders_.push_back({kHead, kTail, "", "", "", "", "(implicit)", 0});
  bool ok = true;
  for (const auto& [n, links] : next) {
    if (color[n] == 0 && !visit(n)) {
      ok = false;
      break;
    }
  }
  orders_.pop_back();
  return ok;
}

bool ProfileTree::LoadPart(const std::string& rel, NodePart* part, std::string* err) {
  part->relpath = rel;
  part->path = dir_ + "/" + rel;
  std::string text;
  if (!ReadFile(part->path, &text, err)) return false;
  // The entity markers are private-use characters; a file that holds them
  // itself would confuse the expansion.
  for (const char* mark : {kEntityOpen, kEntityClose}) {
    size_t at = text.find(mark);
    if (at == std::string::npos) continue;
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
    *err = Loc(part->path, line) + ": character U+" +
           (mark == kEntityOpen ? "E000" : "E001") + " is reserved";
    return false;
  }
  std::string marked = MarkEntities(text, &part->refs);
  if (!ParseXml(marked, part->path, &part->root, err)) {
    // Put the entity back in messages that quote the text.
    for (size_t p; (p = err->find(kEntityOpen)) != std::string::npos;)
      err->replace(p, sizeof(kEntityOpen) - 1, "&");
    for (size_t p; (p = err->find(kEntityClose)) != std::string::npos;)
      err->replace(p, sizeof(kEntityClose) - 1, ";");
    return false;
  }
  if (part->root.name != "kickstart") {
    *err = Loc(part->path, part->root.line) + ": root element is <" +
           part->root.name + ">, expected <kickstart>";
    return false;
  }
  return CheckConds(part->root, part->path, err);
}

bool ProfileTree::GetNode(const std::string& name, const NodeFile** out,
                          std::string* err) {
  *out = nullptr;
  if (auto it = nodes_.find(name); it != nodes_.end()) {
    *out = it->second.get();
    return true;
  }
  if (missing_.count(name)) return true;
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.') {
    missing_.insert(name);
    return true;
  }
  auto exists = [&](const std::string& rel) { return PathExists(dir_ + "/" + rel); };
  std::string main_rel;
  for (const char* sub : {"site-nodes/replace-", "nodes/replace-"}) {
    if (exists(std::string(sub) + name + ".xml")) {
      main_rel = std::string(sub) + name + ".xml";
      break;
    }
  }
  if (main_rel.empty()) {
    for (const char* sub : {"nodes/", "site-nodes/"}) {
      if (exists(std::string(sub) + name + ".xml")) {
        main_rel = std::string(sub) + name + ".xml";
        break;
      }
    }
  }
  if (main_rel.empty()) {
    missing_.insert(name);
    return true;
  }
  auto node = std::make_unique<NodeFile>();
  node->name = name;
  node->parts.emplace_back();
  if (!LoadPart(main_rel, &node->parts.back(), err)) return false;
  node->roll = node->parts[0].root.AttrOr("roll", "base");
  for (const char* sub : {"nodes/extend-", "site-nodes/extend-"}) {
    std::string rel = std::string(sub) + name + ".xml";
    if (!exists(rel)) continue;
    node->parts.emplace_back();
    if (!LoadPart(rel, &node->parts.back(), err)) return false;
  }
  *out = node.get();
  nodes_[name] = std::move(node);
  return true;
}

bool ProfileTree::Reach(const std::string& root, const Selection& sel,
                        bool allow_missing, std::vector<std::string>* visited,
                        std::string* err) {
  std::set<std::string> seen;
  // An explicit stack keeps deep graphs from exhausting the C++ stack.
  struct Frame {
    std::string node;
    size_t next = 0;
  };
  auto enter = [&](const std::string& name, const GraphLink* via, bool* go) {
    *go = false;
    if (!seen.insert(name).second) return true;
    const NodeFile* nf;
    if (!GetNode(name, &nf, err)) return false;
    if (!nf) {
      if (!allow_missing) {
        std::string msg = "no node file " + name + ".xml in " + dir_ +
                          "/nodes or " + dir_ + "/site-nodes";
        *err = via ? Loc(via->path, via->line) + ": edge to " + name + ": " + msg
                   : name + ": " + msg;
        return false;
      }
      *go = true;  // a missing node is skipped, its edges still followed
      return true;
    }
    bool ok;
    if (!Allows(nf->parts[0].root, sel, Loc(nf->parts[0].path, nf->parts[0].root.line),
                &ok, err))
      return false;
    if (!ok) return true;
    visited->push_back(name);
    *go = true;
    return true;
  };
  bool go;
  if (!enter(root, nullptr, &go)) return false;
  if (!go) return true;
  std::vector<Frame> stack{{root, 0}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    auto it = out_edges_.find(f.node);
    if (it == out_edges_.end() || f.next >= it->second.size()) {
      stack.pop_back();
      continue;
    }
    const GraphLink& e = edges_[it->second[f.next++]];
    bool allowed;
    if (!LinkAllowed(e, sel, &allowed, err)) return false;
    if (!allowed) continue;
    if (!enter(e.to, &e, &go)) return false;
    if (go) stack.push_back({e.to, 0});
  }
  return true;
}

bool ProfileTree::Walk(const std::string& root, const Selection& sel,
                       bool allow_missing, std::vector<const NodeFile*>* out,
                       std::string* err) {
  std::vector<std::string> visited;
  if (!Reach(root, sel, allow_missing, &visited, err)) return false;
  std::map<std::string, int> index;
  for (size_t i = 0; i < visited.size(); ++i) index[visited[i]] = static_cast<int>(i);
  index[kHead] = -1;
  index[kTail] = INT_MAX;

  std::map<std::string, std::vector<std::string>> next;
  std::set<std::string> constrained;
  for (const GraphLink& o : orders_) {
    if (!index.count(o.from) || !index.count(o.to)) continue;
    bool allowed;
    if (!LinkAllowed(o, sel, &allowed, err)) return false;
    if (!allowed) continue;
    next[o.from].push_back(o.to);
    constrained.insert(o.from);
    constrained.insert(o.to);
  }
  // Everything reachable from TAIL through orders goes after the rest.
  std::set<std::string> after_tail;
  std::set<std::string> after_head;
  auto reach = [&](const char* from, std::set<std::string>* out) {
    std::vector<std::string> todo{from};
    while (!todo.empty()) {
      std::string n = todo.back();
      todo.pop_back();
      for (const std::string& m : next[n])
        if (out->insert(m).second) todo.push_back(m);
    }
  };
  reach(kTail, &after_tail);
  reach(kHead, &after_head);
  auto sort_group = [&](const std::set<std::string>& group,
                        std::vector<std::string>* sorted) {
    // Among the nodes ready to go, those ordered after HEAD go first, then
    // walk order decides.
    auto later = [&](const std::string& a, const std::string& b) {
      bool ha = a == kHead || after_head.count(a), hb = b == kHead || after_head.count(b);
      if (ha != hb) return hb;
      return index[a] > index[b];
    };
    std::priority_queue<std::string, std::vector<std::string>, decltype(later)> ready(later);
    // In-degree counts only links from inside the group.
    std::map<std::string, int> deg;
    for (const std::string& n : group) deg[n] = 0;
    for (const std::string& n : group)
      for (const std::string& m : next[n])
        if (deg.count(m)) deg[m]++;
    for (const auto& [n, d] : deg)
      if (d == 0) ready.push(n);
    while (!ready.empty()) {
      std::string n = ready.top();
      ready.pop();
      if (n != kHead && n != kTail) sorted->push_back(n);
      for (const std::string& m : next[n])
        if (deg.count(m) && --deg[m] == 0) ready.push(m);
    }
  };
  std::set<std::string> front, back;
  for (const std::string& n : constrained) {
    if (n == kTail) continue;
    if (after_tail.count(n)) {
      back.insert(n);
    } else {
      front.insert(n);
    }
  }
  back.insert(kTail);
  std::vector<std::string> order;
  sort_group(front, &order);
  for (const std::string& n : visited)
    if (!constrained.count(n)) order.push_back(n);
  sort_group(back, &order);
  for (const std::string& n : order) {
    const NodeFile* nf;
    if (!GetNode(n, &nf, err)) return false;
    if (nf) out->push_back(nf);
  }
  return true;
}

bool ProfileTree::Dot(const std::string& root, const Selection& sel,
                      std::string* out, std::string* err) {
  static const char* const kColors[] = {"#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f",
                                        "#cab2d6", "#ffff99", "#1f78b4", "#33a02c",
                                        "#e31a1c", "#ff7f00"};
  std::set<std::string> shown;
  std::vector<std::string> names;
  std::vector<const GraphLink*> edges, orders;
  if (!root.empty()) {
    std::vector<std::string> visited;
    if (!Reach(root, sel, true, &visited, err)) return false;
    shown.insert(visited.begin(), visited.end());
    names = visited;
    for (const GraphLink& e : edges_) {
      if (!shown.count(e.from) || !shown.count(e.to)) continue;
      bool allowed;
      if (!LinkAllowed(e, sel, &allowed, err)) return false;
      if (allowed) edges.push_back(&e);
    }
    for (const GraphLink& o : orders_) {
      bool a = shown.count(o.from) || o.from == kHead || o.from == kTail;
      bool b = shown.count(o.to) || o.to == kHead || o.to == kTail;
      if (!a || !b) continue;
      bool allowed;
      if (!LinkAllowed(o, sel, &allowed, err)) return false;
      if (allowed) orders.push_back(&o);
    }
  } else {
    auto add = [&](const std::string& n) {
      if (shown.insert(n).second) names.push_back(n);
    };
    for (const GraphLink& e : edges_) {
      add(e.from);
      add(e.to);
      edges.push_back(&e);
    }
    for (const GraphLink& o : orders_) orders.push_back(&o);
  }
  for (const GraphLink* o : orders) {
    for (const std::string& n : {o->from, o->to})
      if (shown.insert(n).second) names.push_back(n);
  }
  std::map<std::string, std::string> roll_of;
  std::set<std::string> rolls;
  for (const std::string& n : names) {
    if (n == kHead || n == kTail) continue;
    const NodeFile* nf;
    if (!GetNode(n, &nf, err)) return false;
    if (nf) {
      roll_of[n] = nf->roll;
      rolls.insert(nf->roll);
    }
  }
  std::map<std::string, std::string> color;
  size_t k = 0;
  for (const std::string& r : rolls) color[r] = kColors[k++ % 10];

  auto q = [](const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') o += '\\';
      o += c;
    }
    return o + "\"";
  };
  std::string& d = *out;
  d = "digraph " + q(graph_) + " {\n";
  d += "\tgraph [rankdir=LR];\n";
  d += "\tnode [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n";
  for (const std::string& n : names) {
    if (n == kHead || n == kTail) {
      d += "\t" + q(n) + " [shape=plaintext, style=\"\"];\n";
    } else if (roll_of.count(n)) {
      d += "\t" + q(n) + " [fillcolor=" + q(color[roll_of[n]]) + "];\n";
    } else {
      d += "\t" + q(n) + " [style=\"rounded,dashed\", label=" + q(n + " (missing)") +
           "];\n";
    }
  }
  for (const GraphLink* e : edges) {
    d += "\t" + q(e->from) + " -> " + q(e->to);
    if (!e->cond.empty() || !e->arch.empty() || !e->os.empty()) {
      std::string label = e->cond;
      if (!e->arch.empty()) label += (label.empty() ? "" : " ") + std::string("arch=") + e->arch;
      if (!e->os.empty()) label += (label.empty() ? "" : " ") + std::string("os=") + e->os;
      d += " [label=" + q(label) + "]";
    }
    d += ";\n";
  }
  for (const GraphLink* o : orders)
    d += "\t" + q(o->from) + " -> " + q(o->to) +
         " [style=dashed, color=\"#888888\", constraint=false];\n";
  if (!rolls.empty()) {
    d += "\tsubgraph cluster_key {\n\t\tlabel=\"rolls\";\n";
    for (const std::string& r : rolls)
      d += "\t\t" + q("roll " + r) + " [label=" + q(r) + ", fillcolor=" + q(color[r]) +
           "];\n";
    d += "\t}\n";
  }
  d += "}\n";
  return true;
}

}  // namespace rocks
