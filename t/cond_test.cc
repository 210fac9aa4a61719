// Tests for lib/cond: the cond= expression language and arch/os lists.
#include "cond.h"

#include <gtest/gtest.h>

#include <string>

namespace rocks {
namespace {

bool Eval(const std::string& text, const Attributes& attrs) {
  Cond c;
  std::string err;
  EXPECT_TRUE(c.Parse(text, &err)) << text << ": " << err;
  return c.Eval(attrs);
}

std::string ParseError(const std::string& text) {
  Cond c;
  std::string err;
  EXPECT_FALSE(c.Parse(text, &err)) << text;
  return err;
}

TEST(CondTest, EmptyIsTrue) {
  EXPECT_TRUE(Eval("", {}));
  EXPECT_TRUE(Eval("   ", {}));
}

TEST(CondTest, NamesAreTruthy) {
  Attributes a = {{"yes_word", "Yes"}, {"no_word", "off"}, {"zero", "0"},
                  {"text", "compute"}, {"empty", ""}, {"num", "2"}};
  EXPECT_TRUE(Eval("yes_word", a));
  EXPECT_FALSE(Eval("no_word", a));
  EXPECT_FALSE(Eval("zero", a));
  EXPECT_TRUE(Eval("text", a));
  EXPECT_FALSE(Eval("empty", a));
  EXPECT_TRUE(Eval("num", a));
  EXPECT_FALSE(Eval("unknown_name", a));
}

TEST(CondTest, Comparisons) {
  Attributes a = {{"Node_Appliance", "compute"}, {"cpus", "08"}, {"flag", "y"},
                  {"dotted.name", "x"}};
  EXPECT_TRUE(Eval("Node_Appliance == 'compute'", a));
  EXPECT_TRUE(Eval("Node_Appliance == \"compute\"", a));
  EXPECT_FALSE(Eval("Node_Appliance != 'compute'", a));
  EXPECT_TRUE(Eval("cpus == 8", a));        // numbers compare as numbers
  EXPECT_TRUE(Eval("flag == true", a));     // booleans compare as booleans
  EXPECT_TRUE(Eval("missing == ''", a));    // unknown names are empty
  EXPECT_TRUE(Eval("missing == false", a));
  EXPECT_TRUE(Eval("dotted.name == 'x'", a));
}

TEST(CondTest, LogicAndPrecedence) {
  Attributes a = {{"a", "1"}, {"b", "0"}};
  EXPECT_TRUE(Eval("a or b and b", a));     // and binds tighter
  EXPECT_FALSE(Eval("(a or b) and b", a));
  EXPECT_TRUE(Eval("not b", a));
  EXPECT_TRUE(Eval("not not a", a));
  EXPECT_FALSE(Eval("not a == 1", a));      // not applies to the comparison
  EXPECT_TRUE(Eval("a and (b or not b)", a));
}

TEST(CondTest, Errors) {
  EXPECT_EQ(ParseError("a =="), "column 5: expected a value, found end of expression");
  EXPECT_EQ(ParseError("(a or b"), "column 8: expected ')', found end of expression");
  EXPECT_EQ(ParseError("a b"), "column 3: unexpected 'b'");
  EXPECT_EQ(ParseError("a = b"), "column 3: unexpected character '='");
  EXPECT_EQ(ParseError("'open"), "column 1: unterminated string");
  EXPECT_EQ(ParseError("and a"), "column 1: expected a value, found 'and'");
  EXPECT_EQ(ParseError("a == 1x"), "column 6: bad number '1x'");
}

// 100k levels used to overflow the stack; the bound is 100 levels.
TEST(CondTest, NestingIsBounded) {
  std::string deep = std::string(100000, '(') + "a" + std::string(100000, ')');
  EXPECT_EQ(ParseError(deep), "column 101: nested deeper than 100 levels");
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  EXPECT_EQ(ParseError(nots + "a"), "column 401: nested deeper than 100 levels");
  Attributes a = {{"a", "1"}};
  EXPECT_TRUE(Eval(std::string(100, '(') + "a" + std::string(100, ')'), a));
  std::string hundred_nots;
  for (int i = 0; i < 100; ++i) hundred_nots += "not ";
  EXPECT_TRUE(Eval(hundred_nots + "a", a));
}

// A long flat chain is not nesting: it parses and evaluates in a loop.
TEST(CondTest, LongChains) {
  Attributes a = {{"a", "1"}, {"b", "0"}};
  std::string ands = "a", ors = "b";
  for (int i = 0; i < 20000; ++i) {
    ands += " and a";
    ors += " or b";
  }
  EXPECT_TRUE(Eval(ands, a));
  EXPECT_FALSE(Eval(ands + " and b", a));
  EXPECT_FALSE(Eval(ors, a));
  EXPECT_TRUE(Eval(ors + " or a", a));
  EXPECT_TRUE(Eval("b and a or a and a or b", a));
}

TEST(CondTest, Truthy) {
  EXPECT_TRUE(Truthy("on"));
  EXPECT_TRUE(Truthy("TRUE"));
  EXPECT_FALSE(Truthy("N"));
  EXPECT_FALSE(Truthy("0.0"));
  EXPECT_TRUE(Truthy("-1"));
}

TEST(CondTest, InList) {
  EXPECT_TRUE(InList("", "x86_64"));
  EXPECT_TRUE(InList("x86_64", "x86_64"));
  EXPECT_TRUE(InList("i386, x86_64", "x86_64"));
  EXPECT_FALSE(InList("aarch64,i386", "x86_64"));
  EXPECT_FALSE(InList("x86", "x86_64"));
}

}  // namespace
}  // namespace rocks
