// The configuration graph of a profile tree: graph files (edges and
// orders), node files found in nodes/ and site-nodes/ with their extend-
// and replace- variants, the walk from an appliance's root node, the
// output order, and the graphviz drawing.
//
// A profile tree is DIR/graphs/GRAPH/*.xml plus DIR/nodes/*.xml,
// DIR/site-nodes/*.xml and DIR/include/; when DIR/graphs/GRAPH does not
// exist, DIR/GRAPH is used (the source tree keeps graphs/default beside
// graphs/nodes).
#ifndef ROCKS_LIB_GRAPH_H_
#define ROCKS_LIB_GRAPH_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cond.h"
#include "xml_tree.h"

namespace rocks {

/// What an element's arch=, os=, release= and cond= are tested against.
struct Selection {
  std::string arch = "x86_64";
  std::string os = "linux";
  std::string release = "9";
  const Attributes* attrs = nullptr;
};

/// An entity reference &Name; in a node file, by line.
struct EntityRef {
  std::string name;
  int line = 0;
};

/// One file that makes up a node: its main file or an extend- file.
struct NodePart {
  std::string path;     ///< full path, for messages
  std::string relpath;  ///< relative to the profile tree, for output
  XmlNode root;         ///< the <kickstart> element
  std::vector<EntityRef> refs;
};

/// A node: its main (or replace-) file, then every extend- file.
struct NodeFile {
  std::string name;
  std::string roll;  ///< roll= of the main file; "base" when unset
  std::vector<NodePart> parts;
};

/// An <edge> (from -> to) or an <order> (head before tail).
struct GraphLink {
  std::string from, to;
  std::string arch, os, release, cond;
  std::string path;  ///< graph file, for messages
  int line = 0;
};

/// Entity references in node files are replaced, before parsing, by these
/// markers around the name (private-use characters U+E000, U+E001), so the
/// file is parsed once and expanded per host.
extern const char kEntityOpen[4];
extern const char kEntityClose[4];

/// A graph's name: one directory name, not hidden (no '/', no leading '.').
bool ValidGraphName(const std::string& graph);

class ProfileTree {
 public:
  /// Reads every graph file of `graph` under `dir`. Errors name the file
  /// and line (malformed XML, a bad cond=, an unknown tag, an order cycle).
  bool Load(const std::string& dir, const std::string& graph, std::string* err);

  const std::string& dir() const { return dir_; }
  const std::string& graph() const { return graph_; }
  /// Attribute defaults from the graph files' <attr name= value=>
  /// elements, for values that neither the database nor the caller set.
  const Attributes& defaults() const { return defaults_; }
  /// Every <edge> of the graph files, in file order.
  const std::vector<GraphLink>& edges() const { return edges_; }

  /// The node file `name`, read on first use. `*out` is null (and the
  /// result true) when no file exists for it.
  bool GetNode(const std::string& name, const NodeFile** out, std::string* err);

  /// Whether an element's arch=, os=, release= and cond= allow it. `where`
  /// ("FILE:LINE") prefixes a cond error.
  bool Allows(const XmlNode& el, const Selection& sel, const std::string& where,
              bool* allowed, std::string* err);

  /// Walks the graph depth-first from `root`, following the edges whose
  /// conditions hold, and returns the nodes in output order: those
  /// constrained by <order> topologically (before TAIL), then the others in
  /// walk order, then those ordered after TAIL. A node missing its file is
  /// an error unless `allow_missing`, which skips it.
  bool Walk(const std::string& root, const Selection& sel, bool allow_missing,
            std::vector<const NodeFile*>* out, std::string* err);

  /// A graphviz drawing: edges solid, orders dashed, nodes coloured by
  /// roll, with a key. With a root, only what the walk from it reaches.
  bool Dot(const std::string& root, const Selection& sel, std::string* out,
           std::string* err);

 private:
  bool LoadGraphFile(const std::string& path, std::string* err);
  bool LoadPart(const std::string& rel, NodePart* part, std::string* err);
  bool CheckConds(const XmlNode& el, const std::string& path, std::string* err);
  bool CheckOrderCycles(std::string* err);
  bool LinkAllowed(const GraphLink& l, const Selection& sel, bool* allowed,
                   std::string* err);
  bool Reach(const std::string& root, const Selection& sel, bool allow_missing,
             std::vector<std::string>* visited, std::string* err);
  const Cond* CachedCond(const std::string& text, std::string* err);

  std::string dir_;
  std::string graph_;
  std::vector<GraphLink> edges_;
  std::vector<GraphLink> orders_;
  std::map<std::string, std::vector<size_t>> out_edges_;
  std::map<std::string, std::unique_ptr<NodeFile>> nodes_;
  std::set<std::string> missing_;
  std::map<std::string, Cond> conds_;
  Attributes defaults_;
};

/// Replaces each entity reference &Name; of `text` (except the five XML
/// ones and character references, and not inside comments or CDATA) by a
/// marker, and records it with its line.
std::string MarkEntities(const std::string& text, std::vector<EntityRef>* refs);

}  // namespace rocks

#endif  // ROCKS_LIB_GRAPH_H_
