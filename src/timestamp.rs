//! [`Timestamp`]: a time as the service accepts it from outside — every time a request, an
//! evaluation document or a replay input carries. Checked once, when it is read, so that no
//! store is ever handed a time it cannot hold or give back readable.
//!
//! The rules (README, "API notes"):
//! - RFC 3339, with any offset; held in UTC.
//! - Years 0001–9999 in UTC: RFC 3339 writes four-digit years only (chrono would write
//!   `+10000-01-01T00:00:00Z`, which no RFC 3339 reader takes back), and Postgres holds nothing
//!   before 4713 BC.
//! - No leap second (`23:59:60`): neither store can hold one, and Unix time, which every metrics
//!   system counts in, has none.
//! - Microseconds: digits past the sixth are cut (truncated, never rounded), as both stores
//!   hold microseconds. Two times that differ only past the microsecond are the same time.
//!
//! In the API document a timestamp stays what `DateTime<Utc>` was, an inline `string` of
//! format `date-time`: fields of this type say so with
//! `#[schema(value_type = String, format = DateTime)]` (a component of its own would change
//! every generated client's types).

use std::fmt;

use chrono::{DateTime, Datelike, SubsecRound, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A checked time: RFC 3339, years 0001–9999 (UTC), no leap second, whole microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

/// The first and last years a [`Timestamp`] may fall in (UTC).
pub const MIN_YEAR: i32 = 1;
pub const MAX_YEAR: i32 = 9999;

impl Timestamp {
    /// Checks `t` against the rules, cutting it to whole microseconds.
    pub fn new(t: DateTime<Utc>) -> Result<Self, String> {
        if t.nanosecond() >= 1_000_000_000 {
            return Err(format!(
                "{} is a leap second (second 60), which is not accepted: \
                 send 23:59:59.999999 or the next second",
                display(&t)
            ));
        }
        if !(MIN_YEAR..=MAX_YEAR).contains(&t.year()) {
            return Err(format!(
                "{} is outside the accepted range, years {MIN_YEAR:04}–{MAX_YEAR} (UTC)",
                display(&t)
            ));
        }
        Ok(Timestamp(t.trunc_subsecs(6)))
    }

    /// Parses an RFC 3339 time (with `T` or a space between date and time, any offset) and
    /// checks it.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t: DateTime<Utc> = s.parse().map_err(|e| {
            format!(
                "'{}' is not an RFC 3339 time ({e}), e.g. 2026-11-24T10:00:00Z",
                s.chars().take(64).collect::<String>()
            )
        })?;
        Self::new(t)
    }

    /// The time, in UTC.
    pub fn get(self) -> DateTime<Utc> {
        self.0
    }
}

/// An unchecked time for a message: RFC 3339 where chrono can write it, with the UTC offset.
fn display(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

impl From<Timestamp> for DateTime<Utc> {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&display(&self.0))
    }
}

impl std::str::FromStr for Timestamp {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Timestamp::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an RFC 3339 time, e.g. 2026-11-24T10:00:00Z")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Timestamp, E> {
                Timestamp::parse(s).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// `deserialize_with` for an optional time kept as `DateTime<Utc>` in a type the stores share
/// (e.g. a deployment's `started_at`): the same rules as [`Timestamp`].
pub fn deserialize_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<Timestamp>::deserialize(deserializer)?.map(Timestamp::get))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        Timestamp::parse(s)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .to_string()
    }

    fn err(s: &str) -> String {
        Timestamp::parse(s).expect_err(s)
    }

    #[test]
    fn rfc3339_times_in_range_are_held_in_utc() {
        assert_eq!(ok("2026-11-24T10:00:00Z"), "2026-11-24T10:00:00Z");
        assert_eq!(ok("2026-11-24T11:00:00+01:00"), "2026-11-24T10:00:00Z");
        assert_eq!(ok("2026-11-24 10:00:00Z"), "2026-11-24T10:00:00Z");
        assert_eq!(ok("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00Z");
        assert_eq!(
            ok("9999-12-31T23:59:59.999999Z"),
            "9999-12-31T23:59:59.999999Z"
        );
    }

    #[test]
    fn digits_past_the_microsecond_are_cut() {
        assert_eq!(
            ok("2026-11-24T10:00:00.1234569Z"),
            "2026-11-24T10:00:00.123456Z"
        );
        assert_eq!(
            Timestamp::parse("2026-11-24T10:00:00.0000001Z"),
            Timestamp::parse("2026-11-24T10:00:00.0000002Z")
        );
        assert_eq!(
            ok("9999-12-31T23:59:59.999999999Z"),
            "9999-12-31T23:59:59.999999Z",
            "cut, not rounded into year 10000"
        );
        // Before 1970 too: cut towards the earlier microsecond, as SQLite's integer µs are.
        assert_eq!(
            ok("1969-12-31T23:59:59.9999999Z"),
            "1969-12-31T23:59:59.999999Z"
        );
    }

    #[test]
    fn years_outside_0001_to_9999_are_refused() {
        for s in [
            "+10000-01-01T00:00:00Z",
            "0000-12-31T23:59:59Z",
            "-4714-01-01T00:00:00Z",
            "9999-12-31T23:30:00-01:00",
            "0001-01-01T00:30:00+01:00",
        ] {
            assert!(err(s).contains("years 0001–9999 (UTC)"), "{s}: {}", err(s));
        }
    }

    #[test]
    fn leap_seconds_are_refused() {
        for s in ["2016-12-31T23:59:60Z", "2016-12-31T23:59:60.5Z"] {
            assert!(err(s).contains("leap second"), "{s}: {}", err(s));
        }
    }

    #[test]
    fn other_text_is_refused_with_an_example() {
        for s in ["noon", "2026-11-24T10:00:00", "10000-01-01T00:00:00Z", ""] {
            assert!(
                err(s).contains("is not an RFC 3339 time"),
                "{s}: {}",
                err(s)
            );
        }
    }

    #[test]
    fn deserializes_only_from_strings() {
        let t: Timestamp = serde_json::from_str(r#""2026-11-24T10:00:00Z""#).unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2026-11-24T10:00:00Z""#
        );
        let e = serde_json::from_str::<Timestamp>("1764000000").unwrap_err();
        assert!(e.to_string().contains("an RFC 3339 time"), "{e}");
        let e = serde_json::from_str::<Timestamp>(r#""2016-12-31T23:59:60Z""#).unwrap_err();
        assert!(e.to_string().contains("leap second"), "{e}");
    }
}
