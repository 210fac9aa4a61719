#include "cond.h"

#include <cctype>
#include <cstdlib>

namespace rocks {
namespace {

int BoolWord(const std::string& s) {
  std::string l;
  for (char c : s) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "yes" || l == "true" || l == "on" || l == "y") return 1;
  if (l == "no" || l == "false" || l == "off" || l == "n") return 0;
  return -1;
}

bool IsNumber(const std::string& s, double* out) {
  if (s.empty()) return false;
  const char* p = s.c_str();
  char* end = nullptr;
  double v = std::strtod(p, &end);
  if (end == p || *end != '\0' || std::isspace(static_cast<unsigned char>(s[0])))
    return false;
  *out = v;
  return true;
}

bool NameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool NameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
         c == '-' || c == ':';
}

}  // namespace

bool Truthy(const std::string& value) {
  int b = BoolWord(value);
  if (b >= 0) return b == 1;
  double d;
  if (IsNumber(value, &d)) return d != 0;
  return !value.empty();
}

bool InList(const std::string& list, const std::string& value) {
  size_t start = 0;
  bool any = false;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    size_t a = start, b = comma;
    while (a < b && std::isspace(static_cast<unsigned char>(list[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(list[b - 1]))) --b;
    if (b > a) {
      any = true;
      if (list.compare(a, b - a, value) == 0) return true;
    }
    start = comma + 1;
  }
  return !any;
}

// Recursive descent over the expression text, building Cond's node array.
class CondParser {
 public:
  CondParser(const std::string& text, Cond* cond) : s_(text), cond_(cond) {}

  bool Run(std::string* err) {
    cond_->nodes_.clear();
    cond_->root_ = -1;
    Next();
    if (tok_ == kEnd) return true;  // empty: always true
    int root;
    if (!Or(&root, err)) return false;
    if (tok_ != kEnd) return Fail("unexpected " + Describe(), err);
    cond_->root_ = root;
    return true;
  }

 private:
  enum Tok { kEnd, kWord, kString, kNumber, kLParen, kRParen, kEq, kNe, kBad };

  void Next() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    tok_start_ = pos_;
    text_.clear();
    if (pos_ >= s_.size()) {
      tok_ = kEnd;
      return;
    }
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      tok_ = kLParen;
    } else if (c == ')') {
      ++pos_;
      tok_ = kRParen;
    } else if (c == '=' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '=') {
      pos_ += 2;
      tok_ = kEq;
    } else if (c == '!' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '=') {
      pos_ += 2;
      tok_ = kNe;
    } else if (c == '\'' || c == '"') {
      size_t close = s_.find(c, pos_ + 1);
      if (close == std::string::npos) {
        tok_ = kBad;
        text_ = "unterminated string";
        return;
      }
      text_ = s_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
      tok_ = kString;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               ((c == '-' || c == '+' || c == '.') && pos_ + 1 < s_.size() &&
                std::isdigit(static_cast<unsigned char>(s_[pos_ + 1])))) {
      size_t e = pos_ + 1;
      while (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) ||
                               s_[e] == '.'))
        ++e;
      text_ = s_.substr(pos_, e - pos_);
      pos_ = e;
      double d;
      tok_ = IsNumber(text_, &d) ? kNumber : kBad;
      if (tok_ == kBad) text_ = "bad number '" + text_ + "'";
    } else if (NameStart(c)) {
      size_t e = pos_ + 1;
      while (e < s_.size() && NameChar(s_[e])) ++e;
      text_ = s_.substr(pos_, e - pos_);
      pos_ = e;
      tok_ = kWord;
    } else {
      tok_ = kBad;
      text_ = std::string("unexpected character '") + c + "'";
      ++pos_;
    }
  }

  std::string Describe() const {
    switch (tok_) {
      case kEnd: return "end of expression";
      case kWord: return "'" + text_ + "'";
      case kString: return "string '" + text_ + "'";
      case kNumber: return "number " + text_;
      case kLParen: return "'('";
      case kRParen: return "')'";
      case kEq: return "'=='";
      case kNe: return "'!='";
      case kBad: return text_;
    }
    return "?";
  }

  bool Fail(const std::string& what, std::string* err) {
    if (tok_ == kBad) {
      *err = "column " + std::to_string(tok_start_ + 1) + ": " + text_;
    } else {
      *err = "column " + std::to_string(tok_start_ + 1) + ": " + what;
    }
    return false;
  }

  bool IsWord(const char* w) const { return tok_ == kWord && text_ == w; }

  int Add(Cond::Op op, std::string text, int l = -1, int r = -1, bool v = false) {
    cond_->nodes_.push_back({op, std::move(text), v, l, r});
    return static_cast<int>(cond_->nodes_.size()) - 1;
  }

  bool Or(int* out, std::string* err) {
    int l;
    if (!And(&l, err)) return false;
    while (IsWord("or")) {
      Next();
      int r;
      if (!And(&r, err)) return false;
      l = Add(Cond::Op::kOr, "", l, r);
    }
    *out = l;
    return true;
  }

  bool And(int* out, std::string* err) {
    int l;
    if (!Not(&l, err)) return false;
    while (IsWord("and")) {
      Next();
      int r;
      if (!Not(&r, err)) return false;
      l = Add(Cond::Op::kAnd, "", l, r);
    }
    *out = l;
    return true;
  }

  // Each `not` and each parenthesis nests the parser (and the evaluator)
  // one level deeper; past kMaxDepth the expression is refused rather than
  // risking the stack.
  bool Deeper(std::string* err) {
    if (++depth_ <= kMaxDepth) return true;
    *err = "column " + std::to_string(tok_start_ + 1) + ": nested deeper than " +
           std::to_string(kMaxDepth) + " levels";
    return false;
  }

  bool Not(int* out, std::string* err) {
    if (IsWord("not")) {
      if (!Deeper(err)) return false;
      Next();
      int inner;
      if (!Not(&inner, err)) return false;
      --depth_;
      *out = Add(Cond::Op::kNot, "", inner);
      return true;
    }
    return Compare(out, err);
  }

  bool Compare(int* out, std::string* err) {
    int l;
    if (!Primary(&l, err)) return false;
    if (tok_ == kEq || tok_ == kNe) {
      Cond::Op op = tok_ == kEq ? Cond::Op::kEq : Cond::Op::kNe;
      Next();
      int r;
      if (!Primary(&r, err)) return false;
      l = Add(op, "", l, r);
    }
    *out = l;
    return true;
  }

  bool Primary(int* out, std::string* err) {
    switch (tok_) {
      case kLParen: {
        if (!Deeper(err)) return false;
        Next();
        int inner;
        if (!Or(&inner, err)) return false;
        if (tok_ != kRParen) return Fail("expected ')', found " + Describe(), err);
        --depth_;
        Next();
        *out = inner;
        return true;
      }
      case kString:
      case kNumber:
        *out = Add(Cond::Op::kString, text_);
        Next();
        return true;
      case kWord: {
        if (text_ == "and" || text_ == "or" || text_ == "not")
          return Fail("expected a value, found " + Describe(), err);
        int b = BoolWord(text_);
        *out = b >= 0 ? Add(Cond::Op::kBool, text_, -1, -1, b == 1)
                      : Add(Cond::Op::kName, text_);
        Next();
        return true;
      }
      default:
        return Fail("expected a value, found " + Describe(), err);
    }
  }

  static constexpr int kMaxDepth = 100;

  const std::string& s_;
  Cond* cond_;
  int depth_ = 0;
  size_t pos_ = 0;
  size_t tok_start_ = 0;
  Tok tok_ = kEnd;
  std::string text_;
};

bool Cond::Parse(const std::string& text, std::string* err) {
  CondParser parser(text, this);
  return parser.Run(err);
}

Cond::Value Cond::EvalNode(int i, const Attributes& attrs) const {
  const Node& n = nodes_[i];
  switch (n.op) {
    case Op::kName: {
      auto it = attrs.find(n.text);
      return {false, false, it == attrs.end() ? std::string() : it->second};
    }
    case Op::kString:
      return {false, false, n.text};
    case Op::kBool:
      return {true, n.value, {}};
    case Op::kNot: {
      Value v = EvalNode(n.left, attrs);
      return {true, !(v.is_bool ? v.b : Truthy(v.s)), {}};
    }
    case Op::kAnd:
    case Op::kOr: {
      // "a and b and c ..." is a chain down the left side as long as the
      // text; walk it in a loop, not by recursion, left operand first.
      std::vector<int> operands;
      int j = i;
      for (; nodes_[j].op == n.op; j = nodes_[j].left) operands.push_back(nodes_[j].right);
      operands.push_back(j);
      bool stop_on = n.op == Op::kOr;  // or stops at the first true, and at the first false
      for (auto it = operands.rbegin(); it != operands.rend(); ++it) {
        Value v = EvalNode(*it, attrs);
        if ((v.is_bool ? v.b : Truthy(v.s)) == stop_on) return {true, stop_on, {}};
      }
      return {true, !stop_on, {}};
    }
    case Op::kEq:
    case Op::kNe: {
      Value l = EvalNode(n.left, attrs), r = EvalNode(n.right, attrs);
      bool equal;
      double a, b;
      if (l.is_bool || r.is_bool) {
        equal = (l.is_bool ? l.b : Truthy(l.s)) == (r.is_bool ? r.b : Truthy(r.s));
      } else if (IsNumber(l.s, &a) && IsNumber(r.s, &b)) {
        equal = a == b;
      } else {
        equal = l.s == r.s;
      }
      return {true, n.op == Op::kEq ? equal : !equal, {}};
    }
  }
  return {true, false, {}};
}

bool Cond::Eval(const Attributes& attrs) const {
  if (root_ < 0) return true;
  Value v = EvalNode(root_, attrs);
  return v.is_bool ? v.b : Truthy(v.s);
}

}  // namespace rocks
