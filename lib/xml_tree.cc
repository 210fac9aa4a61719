#include "xml_tree.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

namespace rocks {
namespace {

// libxml2 reports errors through a callback; the first one is kept.
struct ErrorSink {
  std::string source;
  std::string first;
};

void OnStructuredError(void* data, xmlErrorPtr e) {
  auto* sink = static_cast<ErrorSink*>(data);
  if (!sink->first.empty() || e == nullptr || e->level < XML_ERR_ERROR) return;
  std::string msg = e->message ? e->message : "XML error";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  // Some libxml2 messages quote the input on lines of their own: join them.
  std::string joined;
  for (size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] != '\n' && msg[i] != '\r') {
      joined += msg[i];
      continue;
    }
    while (!joined.empty() && joined.back() == ' ') joined.pop_back();
    joined += ' ';
    while (i + 1 < msg.size() && (msg[i + 1] == '\n' || msg[i + 1] == '\r' || msg[i + 1] == ' '))
      ++i;
  }
  msg = joined;
  sink->first = sink->source + ":" + std::to_string(e->line) + ": " + msg;
}

// An entity reference libxml2 kept in the tree is one the entity markers
// missed (the text around it fooled MarkEntities); it would be dropped from
// the node, or expanded in an attribute, without a word.
std::string EntityRefError(const std::string& source, long line, xmlNode* ref) {
  return source + ":" + std::to_string(line) + ": entity &" +
         reinterpret_cast<const char*>(ref->name) +
         "; is declared in the document, which is not supported";
}

bool Convert(xmlNode* in, const std::string& source, XmlNode* out, std::string* err) {
  out->name = reinterpret_cast<const char*>(in->name);
  out->line = xmlGetLineNo(in);
  for (xmlAttr* a = in->properties; a; a = a->next) {
    for (xmlNode* v = a->children; v; v = v->next) {
      if (v->type == XML_ENTITY_REF_NODE) {
        *err = EntityRefError(source, xmlGetLineNo(in), v);
        return false;
      }
    }
    xmlChar* v = xmlNodeListGetString(in->doc, a->children, 1);
    out->attrs.emplace_back(reinterpret_cast<const char*>(a->name),
                            v ? reinterpret_cast<const char*>(v) : "");
    xmlFree(v);
  }
  for (xmlNode* c = in->children; c; c = c->next) {
    if (c->type == XML_ENTITY_REF_NODE) {
      *err = EntityRefError(source, xmlGetLineNo(c), c);
      return false;
    }
    if (c->type == XML_ELEMENT_NODE) {
      out->children.emplace_back();
      if (!Convert(c, source, &out->children.back(), err)) return false;
    } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      const char* t = reinterpret_cast<const char*>(c->content);
      if (!out->children.empty() && out->children.back().is_text) {
        out->children.back().text += t ? t : "";
      } else {
        XmlNode n;
        n.is_text = true;
        n.text = t ? t : "";
        n.line = xmlGetLineNo(c);
        out->children.push_back(std::move(n));
      }
    }
  }
  return true;
}

}  // namespace

const std::string* XmlNode::Attr(const std::string& key) const {
  for (const auto& [k, v] : attrs)
    if (k == key) return &v;
  return nullptr;
}

std::string XmlNode::AttrOr(const std::string& key, const std::string& fallback) const {
  const std::string* v = Attr(key);
  return v ? *v : fallback;
}

std::string XmlNode::Text() const {
  std::string s;
  for (const XmlNode& c : children)
    if (c.is_text) s += c.text;
  return s;
}

bool ParseXml(const std::string& text, const std::string& source, XmlNode* root,
              std::string* err) {
  ErrorSink sink{source, {}};
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt) {
    *err = source + ": out of memory";
    return false;
  }
  xmlSetStructuredErrorFunc(&sink, OnStructuredError);
  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, text.data(), static_cast<int>(text.size()),
                                    source.c_str(), nullptr,
                                    XML_PARSE_NONET | XML_PARSE_BIG_LINES);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  bool ok = doc != nullptr && ctxt->wellFormed && sink.first.empty();
  if (!ok) {
    *err = !sink.first.empty() ? sink.first : source + ": malformed XML";
  } else {
    xmlNode* top = xmlDocGetRootElement(doc);
    if (!top) {
      *err = source + ":1: no document element";
      ok = false;
    } else {
      *root = XmlNode();
      ok = Convert(top, source, root, err);
    }
  }
  if (doc) xmlFreeDoc(doc);
  xmlFreeParserCtxt(ctxt);
  return ok;
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string XmlEscapeAttr(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "&#10;"; break;
      case '\t': out += "&#9;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace rocks
