#include "json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rocks {
namespace {

using Fields = std::map<std::string, std::string>;

TEST(ParseJsonFieldsTest, ReadsAJournalEntry) {
  Fields f;
  std::string why;
  ASSERT_TRUE(ParseJsonFields(
      "{\"__CURSOR\":\"s=1;i=2\",\"_UID\":\"0\",\"_COMM\":\"dhcpd\","
      "\"MESSAGE\":\"DHCPDISCOVER from 52:54:00:aa:bb:01 via eth0\",\"PRIORITY\":6,"
      "\"BIG\":null,\"MULTI\":[\"a\",\"b\"],\"OBJ\":{\"x\":[1,{\"y\":true}]},\"NO\":false}",
      &f, &why))
      << why;
  EXPECT_EQ(f, (Fields{{"__CURSOR", "s=1;i=2"},
                       {"_UID", "0"},
                       {"_COMM", "dhcpd"},
                       {"MESSAGE", "DHCPDISCOVER from 52:54:00:aa:bb:01 via eth0"}}));
}

TEST(ParseJsonFieldsTest, DecodesEscapesAndByteArrays) {
  Fields f;
  std::string why;
  ASSERT_TRUE(ParseJsonFields(
      " { \"A\" : \"q\\\" b\\\\ s\\/ \\n\\t\\u00e9\\ud83d\\ude00\" , \"B\": [104, 105, 255] } ",
      &f, &why))
      << why;
  EXPECT_EQ(f["A"], "q\" b\\ s/ \n\t\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(f["B"], "hi\xff");
  ASSERT_TRUE(ParseJsonFields("{}", &f, &why));
  EXPECT_TRUE(f.empty());
}

TEST(ParseJsonFieldsTest, RejectsWhatIsNotOneObject) {
  struct Case {
    const char* json;
    const char* why;
  } cases[] = {
      {"", "not a JSON object"},
      {"[1]", "not a JSON object"},
      {"{\"A\":\"x\"", "expected ',' or '}' in a JSON object"},
      {"{\"A\":\"x\"} {}", "text after the JSON object"},
      {"{A:\"x\"}", "expected a JSON string as key"},
      {"{\"A\" \"x\"}", "expected ':' after a JSON key"},
      {"{\"A\":\"x\\q\"}", "unreadable JSON value of 'A'"},
      {"{\"A\":\"\\ud800\"}", "unreadable JSON value of 'A'"},
      {"{\"A\":\"tab\there\"}", "unreadable JSON value of 'A'"},
      {"{\"A\":\"x\",\"A\":\"y\"}", "JSON key 'A' given twice"},
  };
  for (const Case& c : cases) {
    Fields f{{"stale", "x"}};
    std::string why;
    EXPECT_FALSE(ParseJsonFields(c.json, &f, &why)) << c.json;
    EXPECT_EQ(why, c.why) << c.json;
    EXPECT_TRUE(f.empty()) << c.json;
  }
}

TEST(ParseJsonFieldsTest, RefusesAStringThatIsNotUtf8) {
  Fields f;
  std::string why;
  EXPECT_FALSE(ParseJsonFields("{\"A\":\"caf\xe9\"}", &f, &why));
  EXPECT_EQ(why, "unreadable JSON value of 'A'");
  EXPECT_FALSE(ParseJsonFields("{\"\xe9\":\"x\"}", &f, &why));
  EXPECT_EQ(why, "expected a JSON string as key");
  EXPECT_TRUE(f.empty());
}

TEST(WriteJsonTest, SmallContainersOnOneLineTheRestOneMemberALine) {
  Json doc = {{"a", 1}, {"list", Json::array({"x", "y"})}, {"empty", Json::array()},
              {"nested", {{"deep", Json::array({Json{{"k", std::string(100, 'v')}}})}}}};
  std::string out = "// head\n", err;
  ASSERT_TRUE(WriteJson(doc, &out, &err)) << err;
  EXPECT_EQ(out, "// head\n{\n  \"a\": 1,\n  \"list\": [ \"x\", \"y\" ],\n  \"empty\": [ ],\n"
                 "  \"nested\": {\n    \"deep\": [\n      { \"k\": \"" + std::string(100, 'v') +
                 "\" }\n    ]\n  }\n}\n");
}

TEST(WriteJsonTest, EscapesControlCharactersQuotesAndBackslashes) {
  std::string out, err;
  ASSERT_TRUE(WriteJson(Json{{"v", "a\tb\nc\x01\"d\\e\xc3\xa9"}}, &out, &err)) << err;
  EXPECT_EQ(out, "{ \"v\": \"a\\tb\\nc\\u0001\\\"d\\\\e\xc3\xa9\" }\n");
  EXPECT_EQ(nlohmann::json::parse(out)["v"], "a\tb\nc\x01\"d\\e\xc3\xa9");
}

TEST(WriteJsonTest, RefusesAStringThatIsNotUtf8AndNamesIt) {
  Json doc = {{"top", {{"list", Json::array({"ok", Json{{"name", "bad\xe9."}}})}}}};
  std::string out = "kept", err;
  EXPECT_FALSE(WriteJson(doc, &out, &err));
  EXPECT_EQ(err, "top.list[1].name \"bad\\ufffd.\": invalid UTF-8 byte at index 4: 0x2E");
  EXPECT_EQ(out, "kept");
}

TEST(WriteJsonTest, ListsAreWrittenAsTheyAreMade) {
  int n = 0;
  std::vector<JsonList> lists = {[&n](Json* e) {
                                   if (n == 2) return false;
                                   (*e)["i"] = n++;
                                   return true;
                                 },
                                 [](Json*) { return false; },
                                 [](Json* e) {
                                   (*e)["s"] = "\xff";
                                   return true;
                                 }};
  std::string out, err;
  ASSERT_TRUE(WriteJson(Json{{"l", JsonListAt(0)}, {"m", JsonListAt(1)}}, &out, &err, lists))
      << err;
  EXPECT_EQ(out, "{\n  \"l\": [\n    { \"i\": 0 },\n    { \"i\": 1 }\n  ],\n  \"m\": [ ]\n}\n");
  out.clear();
  EXPECT_FALSE(WriteJson(Json{{"l", JsonListAt(2)}}, &out, &err, lists));
  EXPECT_EQ(err, "l[0].s \"\\ufffd\": invalid UTF-8 byte at index 0: 0xFF");
  EXPECT_FALSE(WriteJson(Json{{"l", JsonListAt(3)}}, &out, &err, lists));
  EXPECT_EQ(err, "l no list 3");
}

}  // namespace
}  // namespace rocks
