// The cond= expressions of graph and node files: a small boolean language
// over attributes, and the arch=/os=/release= lists beside it.
#ifndef ROCKS_LIB_COND_H_
#define ROCKS_LIB_COND_H_

#include <map>
#include <string>
#include <vector>

namespace rocks {

/// Attribute values by name, as kpp sees them.
using Attributes = std::map<std::string, std::string>;

/// A parsed cond= expression.
///
/// Grammar: `or` of `and` of `not`; comparisons `==` and `!=`; operands are
/// attribute names, 'single' or "double" quoted strings, numbers and
/// parenthesised expressions. An unknown name is empty, hence false. A
/// value is false when empty, 0, or one of no/false/off/n (any case); the
/// bare words yes/true/on/y/no/false/off/n are boolean literals.
/// Parentheses and `not` nest at most 100 levels deep.
class Cond {
 public:
  /// Parses `text`; on failure `err` says what is wrong and where
  /// ("column 5: expected a value").
  bool Parse(const std::string& text, std::string* err);

  /// The expression's truth for these attributes. An empty expression is
  /// true.
  bool Eval(const Attributes& attrs) const;

 private:
  enum class Op { kName, kString, kBool, kNot, kAnd, kOr, kEq, kNe };
  struct Node {
    Op op;
    std::string text;  ///< name or literal
    bool value = false;
    int left = -1, right = -1;
  };
  struct Value {
    bool is_bool;
    bool b;
    std::string s;
  };
  Value EvalNode(int i, const Attributes& attrs) const;

  std::vector<Node> nodes_;
  int root_ = -1;

  friend class CondParser;
};

/// The truth of a value as cond= sees it.
bool Truthy(const std::string& value);

/// Whether `value` is in the comma-separated `list`; an empty list allows
/// everything. Blanks around the items are ignored.
bool InList(const std::string& list, const std::string& value);

}  // namespace rocks

#endif  // ROCKS_LIB_COND_H_
