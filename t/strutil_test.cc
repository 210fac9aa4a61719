// Tests for lib/strutil: splitting, trimming, integers, edit distance,
// quoting and errno messages.
#include "strutil.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace rocks {
namespace {

using Strings = std::vector<std::string>;

TEST(SplitTest, KeepsEmptyFields) {
  EXPECT_EQ(Split("a,,b,", ','), (Strings{"a", "", "b", ""}));
}

TEST(SplitTest, EmptyInputIsOneEmptyField) {
  EXPECT_EQ(Split("", ','), (Strings{""}));
}

TEST(SplitTest, NoSeparatorIsOneField) {
  EXPECT_EQ(Split("abc", ','), (Strings{"abc"}));
}

TEST(SplitTest, OnlySeparators) {
  EXPECT_EQ(Split(",,", ','), (Strings{"", "", ""}));
}

TEST(SplitBlanksTest, SkipsRunsOfSpacesAndTabs) {
  EXPECT_EQ(SplitBlanks("  a \t\tb  c\t"), (Strings{"a", "b", "c"}));
}

TEST(SplitBlanksTest, BlankInputHasNoFields) {
  EXPECT_EQ(SplitBlanks(""), Strings{});
  EXPECT_EQ(SplitBlanks(" \t "), Strings{});
}

TEST(TrimTest, StripsSpacesTabsAndLineEnds) {
  EXPECT_EQ(Trim(" \t a b \r\n"), "a b");
}

TEST(TrimTest, AllBlankIsEmpty) {
  EXPECT_EQ(Trim(" \t\r\n "), "");
  EXPECT_EQ(Trim(""), "");
}

TEST(TrimTest, NothingToTrim) { EXPECT_EQ(Trim("x"), "x"); }

TEST(JoinTest, JoinsWithSeparator) {
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(Join({"a"}, ", "), "a");
  EXPECT_EQ(Join({}, ", "), "");
}

TEST(ToLowerTest, LowersAsciiOnly) {
  EXPECT_EQ(ToLower("AbC-09_Z\xc3\x89"), "abc-09_z\xc3\x89");
}

TEST(StartsEndsWithTest, Prefixes) {
  EXPECT_TRUE(StartsWith("sqlite:/x", "sqlite:"));
  EXPECT_TRUE(StartsWith("abc", ""));
  EXPECT_FALSE(StartsWith("sq", "sqlite:"));
  EXPECT_FALSE(StartsWith("mysql:", "sqlite:"));
}

TEST(StartsEndsWithTest, Suffixes) {
  EXPECT_TRUE(EndsWith("node.xml", ".xml"));
  EXPECT_TRUE(EndsWith("abc", ""));
  EXPECT_FALSE(EndsWith("ml", ".xml"));
  EXPECT_FALSE(EndsWith("node.xmk", ".xml"));
}

TEST(ParseIntTest, Accepts) {
  int64_t v = -1;
  ASSERT_TRUE(ParseInt("0", &v));
  EXPECT_EQ(v, 0);
  ASSERT_TRUE(ParseInt("42", &v));
  EXPECT_EQ(v, 42);
  ASSERT_TRUE(ParseInt("-42", &v));
  EXPECT_EQ(v, -42);
  ASSERT_TRUE(ParseInt("-0", &v));
  EXPECT_EQ(v, 0);
  ASSERT_TRUE(ParseInt("007", &v));
  EXPECT_EQ(v, 7);
}

TEST(ParseIntTest, Int64Max) {
  int64_t v = 0;
  ASSERT_TRUE(ParseInt("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
}

TEST(ParseIntTest, Int64Min) {
  int64_t v = 0;
  ASSERT_TRUE(ParseInt("-9223372036854775807", &v));
  EXPECT_EQ(v, -std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(ParseInt("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
}

TEST(ParseIntTest, RejectsOverflow) {
  int64_t v = 5;
  EXPECT_FALSE(ParseInt("9223372036854775808", &v));
  EXPECT_FALSE(ParseInt("-9223372036854775809", &v));
  EXPECT_FALSE(ParseInt("99999999999999999999", &v));
  EXPECT_FALSE(ParseInt("123456789012345678901234", &v));
  EXPECT_EQ(v, 5);  // untouched on failure
}

TEST(ParseIntTest, RejectsEmptyAndLoneSign) {
  int64_t v = 5;
  EXPECT_FALSE(ParseInt("", &v));
  EXPECT_FALSE(ParseInt("-", &v));
  EXPECT_FALSE(ParseInt("+1", &v));
  EXPECT_FALSE(ParseInt("--1", &v));
  EXPECT_EQ(v, 5);
}

TEST(ParseIntTest, RejectsBlanksAndTrailingCharacters) {
  int64_t v = 5;
  EXPECT_FALSE(ParseInt(" 1", &v));
  EXPECT_FALSE(ParseInt("1 ", &v));
  EXPECT_FALSE(ParseInt("1a", &v));
  EXPECT_FALSE(ParseInt("0x10", &v));
  EXPECT_FALSE(ParseInt("1.5", &v));
  EXPECT_FALSE(ParseInt("1e3", &v));
  EXPECT_EQ(v, 5);
}

TEST(EditDistanceTest, Basics) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("abc", ""), 3);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("compute", "compute"), 0);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("compte", "compute"), 1);   // deletion
  EXPECT_EQ(EditDistance("computer", "compute"), 1); // insertion
  EXPECT_EQ(EditDistance("compote", "compute"), 1);  // substitution
}

TEST(EditDistanceTest, TranspositionIsOneEdit) {
  EXPECT_EQ(EditDistance("hots", "host"), 1);
  EXPECT_EQ(EditDistance("ab", "ba"), 1);
  EXPECT_EQ(EditDistance("lgoin", "login"), 1);
}

TEST(EditDistanceTest, OptimalStringAlignmentEditsEachSubstringOnce) {
  // A transposed pair is not edited again: "ca" -> "abc" takes three edits
  // under optimal string alignment (unrestricted Damerau would say two).
  EXPECT_EQ(EditDistance("ca", "abc"), 3);
}

TEST(EditDistanceTest, IsSymmetric) {
  EXPECT_EQ(EditDistance("frontend", "fronted"), EditDistance("fronted", "frontend"));
  EXPECT_EQ(EditDistance("frontend", "fronted"), 1);
}

TEST(ClosestMatchTest, FindsTypo) {
  EXPECT_EQ(ClosestMatch("compte", {"frontend", "compute", "login"}), "compute");
  EXPECT_EQ(ClosestMatch("hots", {"host", "attr"}), "host");
}

TEST(ClosestMatchTest, ExactMatchWins) {
  EXPECT_EQ(ClosestMatch("nas", {"na", "nas", "nasa"}), "nas");
}

TEST(ClosestMatchTest, NothingCloseEnough) {
  EXPECT_EQ(ClosestMatch("xyzzy", {"compute", "login", "nas"}), "");
  EXPECT_EQ(ClosestMatch("anything", {}), "");
}

TEST(ClosestMatchTest, LimitIsAThirdOfTheWordAtLeastOne) {
  // Six letters allow two edits, not three.
  EXPECT_EQ(ClosestMatch("abcdef", {"abcdxy"}), "abcdxy");
  EXPECT_EQ(ClosestMatch("abcdef", {"abcxyz"}), "");
  // Short words still allow one edit, not two.
  EXPECT_EQ(ClosestMatch("ab", {"xb"}), "xb");
  EXPECT_EQ(ClosestMatch("ab", {"xy"}), "");
}

TEST(UnknownNameTest, SuggestsTheClosestName) {
  EXPECT_EQ(UnknownName("compte", "appliance", {"frontend", "compute"}),
            "compte: unknown appliance (did you mean 'compute'?)");
}

TEST(UnknownNameTest, NothingCloseGivesTheFallback) {
  EXPECT_EQ(UnknownName("xyzzy", "appliance", {"compute"}), "xyzzy: unknown appliance");
  EXPECT_EQ(UnknownName("rocks xyzzy", "command", "xyzzy", {"list", "add"}, {},
                        " (expected one of: list, add)"),
            "rocks xyzzy: unknown command (expected one of: list, add)");
}

TEST(UnknownNameTest, SpellsTheSuggestionAsTyped) {
  EXPECT_EQ(UnknownName("f.xml:3", "tag <psot>", "psot", {"post", "pre"}, {"<", ">"}),
            "f.xml:3: unknown tag <psot> (did you mean <post>?)");
  EXPECT_EQ(UnknownName("", "host", "compute-0-O", {"compute-0-0"}),
            "unknown host (did you mean 'compute-0-0'?)");
}

TEST(ClosestMatchTest, FirstOfEquallyCloseCandidatesWins) {
  EXPECT_EQ(ClosestMatch("rak", {"rack", "rank"}), "rack");
  EXPECT_EQ(ClosestMatch("rak", {"rank", "rack"}), "rank");
}

TEST(JsonQuoteTest, PlainText) {
  EXPECT_EQ(JsonQuote("compute-0-0"), "\"compute-0-0\"");
  EXPECT_EQ(JsonQuote(""), "\"\"");
}

TEST(JsonQuoteTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\re\tf"), "\"a\\\"b\\\\c\\nd\\re\\tf\"");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f\x00", 3)), "\"\\u0001\\u001f\\u0000\"");
}

TEST(JsonQuoteTest, PassesUtf8AndDelThrough) {
  EXPECT_EQ(JsonQuote("caf\xc3\xa9\x7f/"), "\"caf\xc3\xa9\x7f/\"");
}

TEST(ShellQuoteTest, QuotesPlainText) {
  EXPECT_EQ(ShellQuote("a b$c"), "'a b$c'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(ShellQuoteTest, EscapesSingleQuotes) {
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("'"), "''\\'''");
}

TEST(EscapeControlTest, KeepsALineOnOneLine) {
  EXPECT_EQ(EscapeControl("plain text"), "plain text");
  EXPECT_EQ(EscapeControl("a\r\nb\tc\\d\x01\x7f\xc3\xa9"),
            "a\\r\\nb\\tc\\\\d\\x01\\x7f\xc3\xa9");
}

TEST(ErrnoTextTest, NamesWhatFailedAndWhy) {
  errno = ENOENT;
  EXPECT_EQ(ErrnoText("x"), "x: No such file or directory");
  EXPECT_EQ(ErrnoText("/etc/rocks.conf", EACCES), "/etc/rocks.conf: Permission denied");
  // The explicit number wins over whatever errno holds by then.
  errno = EACCES;
  EXPECT_EQ(ErrnoText("x", ENOENT), "x: No such file or directory");
}

TEST(ParseNumberTest, TakesAWholeNumberInItsRange) {
  int64_t n = 0;
  std::string err;
  EXPECT_TRUE(ParseNumber("--fanout=1", "1", 1, 1024, &n, &err));
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(ParseNumber("--fanout=1024", "1024", 1, 1024, &n, &err));
  EXPECT_EQ(n, 1024);
  EXPECT_TRUE(ParseNumber("rack=7", "7", 0, INT64_MAX, &n, &err));
  EXPECT_EQ(n, 7);
  EXPECT_EQ(err, "");
}

TEST(ParseNumberTest, OneMessageForEveryWayToFail) {
  int64_t n = 42;
  std::string err;
  EXPECT_FALSE(ParseNumber("--fanout=0", "0", 1, 1024, &n, &err));
  EXPECT_EQ(err, "--fanout=0: invalid number (expected 1 to 1024)");
  EXPECT_FALSE(ParseNumber("--fanout=1025", "1025", 1, 1024, &n, &err));
  EXPECT_EQ(err, "--fanout=1025: invalid number (expected 1 to 1024)");
  EXPECT_FALSE(ParseNumber("slice=2x", "2x", 1, 4096, &n, &err));
  EXPECT_EQ(err, "slice=2x: invalid number (expected 1 to 4096)");
  EXPECT_FALSE(ParseNumber("rank=", "", 0, INT64_MAX, &n, &err));
  EXPECT_EQ(err, "rank=: invalid number (expected 0 or more)");
  EXPECT_FALSE(ParseNumber("cpus=-1", "-1", 1, INT64_MAX, &n, &err));
  EXPECT_EQ(err, "cpus=-1: invalid number (expected 1 or more)");
  EXPECT_EQ(n, 42);  // untouched on failure
}

TEST(ParseTimeTest, TakesUnitsUpToItsLimit) {
  double t = 0;
  std::string err;
  EXPECT_TRUE(ParseTime("--timeout=90", "90", 3600, &t, &err));
  EXPECT_EQ(t, 90);
  EXPECT_TRUE(ParseTime("--timeout=2m", "2m", 3600, &t, &err));
  EXPECT_EQ(t, 120);
  EXPECT_TRUE(ParseTime("--timeout=1h", "1h", 3600, &t, &err));
  EXPECT_EQ(t, 3600);
  const char kWant[] = ": invalid time (expected seconds, or a number with s, m or h)";
  EXPECT_FALSE(ParseTime("--timeout=2h", "2h", 3600, &t, &err));
  EXPECT_EQ(err, std::string("--timeout=2h") + kWant);
  EXPECT_FALSE(ParseTime("--timeout=0", "0", 3600, &t, &err));
  EXPECT_EQ(err, std::string("--timeout=0") + kWant);
  EXPECT_FALSE(ParseTime("--timeout=soon", "soon", 3600, &t, &err));
  EXPECT_EQ(err, std::string("--timeout=soon") + kWant);
  EXPECT_EQ(t, 3600);  // untouched on failure
}

}  // namespace
TEST(Utf8AtTest, DecodesOneCharacterOrNone) {
  uint32_t cp = 0;
  EXPECT_EQ(Utf8At("a", 0, &cp), 1u);
  EXPECT_EQ(cp, 0x61u);
  EXPECT_EQ(Utf8At("\xe3\x83\x8e", 0, &cp), 3u);
  EXPECT_EQ(cp, 0x30CEu);
  EXPECT_EQ(Utf8At("\xf0\x9f\x98\x80", 0, &cp), 4u);
  EXPECT_EQ(cp, 0x1F600u);
  EXPECT_EQ(Utf8At("\xc0\xaf", 0, &cp), 0u);          // overlong
  EXPECT_EQ(Utf8At("\xed\xa0\x80", 0, &cp), 0u);      // surrogate
  EXPECT_EQ(Utf8At("\xf4\x90\x80\x80", 0, &cp), 0u);  // beyond U+10FFFF
  EXPECT_EQ(Utf8At("\xe3\x83", 0, &cp), 0u);          // cut short
  EXPECT_EQ(Utf8At("\x80", 0, &cp), 0u);              // stray continuation
}

// As Python's bytes.decode("utf-8", errors="replace").
TEST(ValidUtf8Test, OneReplacementForEachMaximalSubpart) {
  EXPECT_EQ(ValidUtf8("café ノード"), "café ノード");
  EXPECT_EQ(ValidUtf8(""), "");
  EXPECT_EQ(ValidUtf8("\xff"), "\uFFFD");
  EXPECT_EQ(ValidUtf8("a\xe3\x83z"), "a\uFFFDz");
  EXPECT_EQ(ValidUtf8("\xe3\x83"), "\uFFFD");
  EXPECT_EQ(ValidUtf8("\xc0\xaf"), "\uFFFD\uFFFD");
  EXPECT_EQ(ValidUtf8("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(ValidUtf8("\xf0\x9f\x98"), "\uFFFD");
  EXPECT_EQ(ValidUtf8("\xf4\x90\x80\x80"), "\uFFFD\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(ValidUtf8("\x80\x80"), "\uFFFD\uFFFD");
  EXPECT_EQ(ValidUtf8("\x01\x7f"), "\x01\x7f");
}

}  // namespace rocks
