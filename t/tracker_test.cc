#include "tracker.h"

#include <gtest/gtest.h>

namespace rocks {
namespace {

TEST(BDecode, DecodesAnOpentrackerAnnounceAnswer) {
  std::string text = std::string("d8:completei1e10:incompletei2e8:intervali1779e5:peers12:") +
                     std::string("\x7f\x00\x00\x02\x1f\x42\x7f\x00\x00\x01\x1f\x41", 12) + "e";
  BValue v;
  std::string err;
  ASSERT_TRUE(BDecode(text, &v, &err)) << err;
  ASSERT_EQ(v.kind, BValue::Kind::kDict);
  ASSERT_NE(v.Find("complete"), nullptr);
  EXPECT_EQ(v.Find("complete")->integer, 1);
  EXPECT_EQ(v.Find("incomplete")->integer, 2);
  EXPECT_EQ(v.Find("peers")->string.size(), 12u);
  EXPECT_EQ(v.Find("missing"), nullptr);
}

TEST(BDecode, DecodesListsAndNegativeNumbers) {
  BValue v;
  std::string err;
  ASSERT_TRUE(BDecode("l4:spami-3ee", &v, &err)) << err;
  ASSERT_EQ(v.list.size(), 2u);
  EXPECT_EQ(v.list[0].string, "spam");
  EXPECT_EQ(v.list[1].integer, -3);
}

TEST(BDecode, SaysWhatIsWrongAndWhere) {
  BValue v;
  std::string err;
  EXPECT_FALSE(BDecode("d3:key", &v, &err));
  EXPECT_EQ(err, "bencode: byte 6: unexpected end");
  EXPECT_FALSE(BDecode("i12", &v, &err));
  EXPECT_EQ(err, "bencode: byte 3: expected 'e'");
  EXPECT_FALSE(BDecode("5:ab", &v, &err));
  EXPECT_EQ(err, "bencode: byte 2: string runs past the end");
  EXPECT_FALSE(BDecode("i1ei2e", &v, &err));
  EXPECT_EQ(err, "bencode: byte 3: data after the value");
  EXPECT_FALSE(BDecode("x", &v, &err));
  EXPECT_EQ(err, "bencode: byte 0: expected a string length");
  EXPECT_FALSE(BDecode("ie", &v, &err));
  EXPECT_EQ(err, "bencode: byte 1: expected a digit");
}

TEST(PackageInfoHash, IsTheFirstTwentyBytesOfTheChecksum) {
  std::string hash, err;
  ASSERT_TRUE(PackageInfoHash(
      "0102030405060708090a0b0c0d0e0f1011121314ffeeddccbbaa99887766554433221100",
      &hash, &err))
      << err;
  EXPECT_EQ(hash.size(), 20u);
  EXPECT_EQ(HexBytes(hash), "0102030405060708090a0b0c0d0e0f1011121314");
  ASSERT_TRUE(PackageInfoHash("ABCDEF0102030405060708090a0b0c0d0e0f1011", &hash, &err));
  EXPECT_EQ(HexBytes(hash), "abcdef0102030405060708090a0b0c0d0e0f1011");
}

TEST(PackageInfoHash, RefusesShortAndNonHexChecksums) {
  std::string hash, err;
  EXPECT_FALSE(PackageInfoHash("d41d8cd98f00b204e9800998ecf8427e", &hash, &err));
  EXPECT_EQ(err, "checksum 'd41d8cd98f00b204e9800998ecf8427e' is shorter than 40 hex digits");
  EXPECT_FALSE(PackageInfoHash("zz02030405060708090a0b0c0d0e0f1011121314", &hash, &err));
  EXPECT_EQ(err, "checksum 'zz02030405060708090a0b0c0d0e0f1011121314' is not hex");
}

TEST(Announce, ReportsATrackerThatCannotBeReached) {
  AnnounceRequest req;
  req.tracker = "http://127.0.0.1:1/announce";
  req.info_hash = std::string(20, 'a');
  req.peer_id = std::string(20, 'b');
  req.port = 8070;
  AnnounceReply reply;
  std::string err;
  EXPECT_FALSE(Announce(req, &reply, &err));
  EXPECT_EQ(err, "Couldn't connect to server");
}

}  // namespace
}  // namespace rocks
