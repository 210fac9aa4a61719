// A small in-memory XML tree read with libxml2: elements with their
// attributes and line numbers, and text. kpp parses each profile file once
// into it and expands it per host without going back to libxml2.
#ifndef ROCKS_LIB_XML_TREE_H_
#define ROCKS_LIB_XML_TREE_H_

#include <string>
#include <utility>
#include <vector>

namespace rocks {

struct XmlNode {
  bool is_text = false;
  std::string name;  ///< element name; empty for text
  std::vector<std::pair<std::string, std::string>> attrs;
  std::string text;  ///< text content for a text node (CDATA included)
  int line = 0;
  std::vector<XmlNode> children;

  /// The attribute's value, or null when absent.
  const std::string* Attr(const std::string& key) const;
  /// The attribute's value, or `fallback` when absent.
  std::string AttrOr(const std::string& key, const std::string& fallback) const;
  /// The concatenated text of the direct text children.
  std::string Text() const;
};

/// Parses `text` into `root` (the document element). `source` names the
/// text in errors: "SOURCE:LINE: reason". Comments and processing
/// instructions are dropped; no network access, no external entities.
bool ParseXml(const std::string& text, const std::string& source, XmlNode* root,
              std::string* err);

/// `s` escaped for XML character data.
std::string XmlEscape(const std::string& s);
/// `s` escaped for a double-quoted XML attribute value.
std::string XmlEscapeAttr(const std::string& s);

}  // namespace rocks

#endif  // ROCKS_LIB_XML_TREE_H_
