// ISO 8601 dates and date-times as `history --since/--until` read them.

#include <gtest/gtest.h>

#include "util/iso8601.hpp"

namespace mongoway::util {
namespace {

using namespace std::chrono;

// Milliseconds since the epoch of what `text` means, or -1 when it is refused.
int64_t epoch_ms(std::string_view text) {
  std::string err;
  const auto parsed = parse_iso8601(text, &err);
  if (!parsed) {
    EXPECT_FALSE(err.empty());
    return -1;
  }
  return duration_cast<milliseconds>(parsed->first.time_since_epoch()).count();
}

// Milliseconds since the epoch of the last moment `text` names.
int64_t last_ms(std::string_view text) {
  std::string err;
  const auto parsed = parse_iso8601(text, &err);
  EXPECT_TRUE(parsed) << text << ": " << err;
  return parsed ? duration_cast<milliseconds>(parsed->last.time_since_epoch()).count() : -1;
}

constexpr int64_t kJan31 = 1'769'817'600'000;  // 2026-01-31T00:00:00Z
constexpr int64_t kDay = 86'400'000;

TEST(UtilIso8601, ADateAloneIsItsWholeDayInUtc) {
  EXPECT_EQ(epoch_ms("2026-01-31"), kJan31);
  EXPECT_EQ(last_ms("2026-01-31"), kJan31 + kDay - 1);
}

TEST(UtilIso8601, ATimeNamesTheWholeOfItsLastUnit) {
  EXPECT_EQ(last_ms("2026-01-31T00:00"), kJan31 + 60'000 - 1);
  EXPECT_EQ(last_ms("2026-01-31T00:00:00"), kJan31 + 1000 - 1);
  EXPECT_EQ(last_ms("2026-01-31T00:00:00.5"), kJan31 + 500);
}

TEST(UtilIso8601, InstantsBeyondTheSystemClockAreHeldAtItsEnds) {
  std::string err;
  const auto late = parse_iso8601("2999-12-31T23:00:00+02:00", &err);
  ASSERT_TRUE(late) << err;
  EXPECT_EQ(late->first, system_clock::time_point::max());
  const auto early = parse_iso8601("1000-01-01", &err);
  ASSERT_TRUE(early) << err;
  EXPECT_EQ(early->first, system_clock::time_point::min());
  EXPECT_EQ(epoch_ms("2261-12-31"), 9'214'560'000'000);
}

TEST(UtilIso8601, ADateTimeWithoutAZoneIsUtc) {
  EXPECT_EQ(epoch_ms("2026-01-31T18:30"), kJan31 + int64_t{18 * 60 + 30} * 60'000);
  EXPECT_EQ(epoch_ms("2026-01-31T18:30:15"), kJan31 + int64_t{(18 * 60 + 30) * 60 + 15} * 1000);
  EXPECT_EQ(epoch_ms("2026-01-31 18:30:15"), epoch_ms("2026-01-31T18:30:15"));
  EXPECT_EQ(epoch_ms("2026-01-31T18:30:15Z"), epoch_ms("2026-01-31T18:30:15"));
  EXPECT_EQ(epoch_ms("2026-01-31T00:00:00.25"), kJan31 + 250);
  EXPECT_EQ(epoch_ms("2026-01-31T00:00:00.123999"), kJan31 + 123);
}

TEST(UtilIso8601, AnOffsetIsSubtractedToReachUtc) {
  EXPECT_EQ(epoch_ms("2026-01-31T02:00:00+02:00"), kJan31);
  EXPECT_EQ(epoch_ms("2026-01-31T02:00:00+0200"), kJan31);
  EXPECT_EQ(epoch_ms("2026-01-31T02:00:00+02"), kJan31);
  EXPECT_EQ(epoch_ms("2026-01-30T19:30:00-04:30"), kJan31);
}

TEST(UtilIso8601, ImpossibleOrMalformedValuesAreRefused) {
  for (const char* bad : {"", "yesterday", "2026-1-31", "2026-02-30", "2026-13-01", "2026-01-31T24:00",
                          "2026-01-31T12:60", "2026-01-31T12:00:61", "2026-01-31T12", "2026-01-31T12:00:00.",
                          "2026-01-31T12:00+25:00", "2026-01-31T12:00 UTC", "2026-01-31X", "2026-01-31T12:00:00+02:"}) {
    EXPECT_EQ(epoch_ms(bad), -1) << bad;
  }
  EXPECT_EQ(epoch_ms("2024-02-29"), 1'709'164'800'000);  // a leap day
}

}  // namespace
}  // namespace mongoway::util
