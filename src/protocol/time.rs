//! [`Timestamp`]: an instant, RFC 3339 on the wire, parsed once where it enters.
//!
//! The gateway writes UTC with milliseconds (`2026-02-28T00:00:10.000Z`). It reads any
//! RFC 3339 offset and fraction (`+00:00`, microseconds: what Python's `isoformat()` gives)
//! and, leniently, a date-time without an offset, taken as UTC.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

/// In `/openapi.json`: an RFC 3339 `date-time` string.
impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .into()
    }
}

impl utoipa::ToSchema for Timestamp {}

impl Timestamp {
    /// The wall clock. The server reads time from its `Clock` instead.
    pub fn now() -> Self {
        Timestamp(Utc::now())
    }

    pub fn from_datetime(at: DateTime<Utc>) -> Self {
        Timestamp(at)
    }

    /// `None` out of chrono's range (±262,000 years).
    pub fn from_unix_ms(ms: i64) -> Option<Self> {
        DateTime::from_timestamp_millis(ms).map(Timestamp)
    }

    pub fn datetime(self) -> DateTime<Utc> {
        self.0
    }

    pub fn unix_ms(self) -> i64 {
        self.0.timestamp_millis()
    }

    pub fn unix_seconds(self) -> i64 {
        self.0.timestamp()
    }

    /// `ms` milliseconds later (earlier when negative); saturates at chrono's range.
    pub fn plus_ms(self, ms: i64) -> Self {
        self.0
            .checked_add_signed(chrono::Duration::milliseconds(ms))
            .map_or(self, Timestamp)
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`: the length of every timestamp the gateway writes.
const WIRE_LEN: usize = 24;

impl Timestamp {
    /// The wire form written by hand into `buf` (every intent and event carries several
    /// timestamps, and chrono's general formatter cost ~3 % of the server's instructions per
    /// lifecycle). `None` where chrono must write it: years outside 0–9999, leap seconds.
    fn wire_form(self, buf: &mut [u8; WIRE_LEN]) -> Option<&str> {
        use chrono::{Datelike, Timelike};
        let at = self.0.naive_utc();
        let (year, nanos) = (at.year(), at.nanosecond());
        if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
            return None;
        }
        let mut put = |at: usize, value: u32, digits: usize| {
            let mut v = value;
            for i in (at..at + digits).rev() {
                // A decimal digit: always below 10.
                buf[i] = b'0' + u8::try_from(v % 10).unwrap_or(0);
                v /= 10;
            }
        };
        put(0, year.unsigned_abs(), 4);
        put(5, at.month(), 2);
        put(8, at.day(), 2);
        put(11, at.hour(), 2);
        put(14, at.minute(), 2);
        put(17, at.second(), 2);
        put(20, nanos / 1_000_000, 3);
        for (i, sep) in [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'.'),
            (23, b'Z'),
        ] {
            buf[i] = sep;
        }
        std::str::from_utf8(buf).ok()
    }

    /// Reads exactly the wire form (`YYYY-MM-DDTHH:MM:SS.mmmZ`) without chrono's general
    /// parser; anything else (other offsets, fractions, leap seconds) is `None`.
    fn from_wire_form(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != WIRE_LEN
            || [
                (4, b'-'),
                (7, b'-'),
                (10, b'T'),
                (13, b':'),
                (16, b':'),
                (19, b'.'),
                (23, b'Z'),
            ]
            .iter()
            .any(|&(i, sep)| b[i] != sep)
        {
            return None;
        }
        let num = |from: usize, to: usize| -> Option<u32> {
            b[from..to].iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        let year = i32::try_from(num(0, 4)?).ok()?;
        let date = chrono::NaiveDate::from_ymd_opt(year, num(5, 7)?, num(8, 10)?)?;
        let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
        if second > 59 {
            return None;
        }
        let time = chrono::NaiveTime::from_hms_milli_opt(hour, minute, second, num(20, 23)?)?;
        Some(Timestamp(date.and_time(time).and_utc()))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; WIRE_LEN];
        match self.wire_form(&mut buf) {
            Some(text) => f.write_str(text),
            None => f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true)),
        }
    }
}

impl FromStr for Timestamp {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if let Some(at) = Timestamp::from_wire_form(s) {
            return Ok(at);
        }
        if let Ok(at) = DateTime::parse_from_rfc3339(s) {
            return Ok(Timestamp(at.with_timezone(&Utc)));
        }
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .map(|naive| Timestamp(naive.and_utc()))
            .ok_or_else(|| format!("'{raw}' is not an RFC 3339 timestamp"))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; WIRE_LEN];
        match self.wire_form(&mut buf) {
            Some(text) => s.serialize_str(text),
            None => s.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = std::borrow::Cow::<str>::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_with_milliseconds_read_in_every_dialect() {
        let at: Timestamp = "2026-02-28T00:00:10Z".parse().unwrap();
        assert_eq!(at.to_string(), "2026-02-28T00:00:10.000Z");
        let python: Timestamp = "2026-02-28T01:00:10.123456+01:00".parse().unwrap();
        assert_eq!(python.to_string(), "2026-02-28T00:00:10.123Z");
        let naive: Timestamp = "2026-02-28T00:00:10".parse().unwrap();
        assert_eq!(naive, at);
        assert!("tomorrow".parse::<Timestamp>().is_err());
        assert_eq!(at.plus_ms(1500).unix_ms(), at.unix_ms() + 1500);
        let json = serde_json::to_string(&at).unwrap();
        assert_eq!(json, "\"2026-02-28T00:00:10.000Z\"");
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), at);
    }

    /// The hand-written wire form and its reader agree with chrono's RFC 3339 writer and
    /// parser everywhere, and chrono still handles what they leave to it.
    #[test]
    fn the_fast_wire_form_is_chronos() {
        let chrono_text = |t: Timestamp| t.0.to_rfc3339_opts(SecondsFormat::Millis, true);
        let chrono_parse =
            |s: &str| Timestamp(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
        let mut ms: i64 = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
        let end: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
        let step = 7_919_993_417_u64; // ~92 days and a prime number of milliseconds
        while ms <= end {
            let t = Timestamp::from_unix_ms(ms).unwrap();
            let text = t.to_string();
            assert_eq!(text, chrono_text(t), "{ms}");
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{text}\""));
            assert_eq!(Timestamp::from_wire_form(&text), Some(t), "{text}");
            assert_eq!(chrono_parse(&text), t);
            ms += i64::try_from(step).unwrap();
        }
        let end_of_range = Timestamp::from_unix_ms(end).unwrap();
        assert_eq!(end_of_range.to_string(), "9999-12-31T23:59:59.999Z");
        // Sub-millisecond precision is kept in the value and cut (not rounded) when written.
        let fine: Timestamp = "2026-02-28T00:00:10.999999Z".parse().unwrap();
        assert_eq!(fine.to_string(), "2026-02-28T00:00:10.999Z");
        assert_eq!(fine, chrono_parse("2026-02-28T00:00:10.999999Z"));
        // Left to chrono: years past 9999 or before 0, leap seconds, offsets.
        let far = Timestamp::from_unix_ms(end + 1).unwrap();
        assert_eq!(far.to_string(), chrono_text(far));
        let before = Timestamp::from_unix_ms(-62_167_219_200_001).unwrap();
        assert_eq!(before.to_string(), chrono_text(before));
        let leap: Timestamp = "2016-12-31T23:59:60.500Z".parse().unwrap();
        assert_eq!(leap, chrono_parse("2016-12-31T23:59:60.500Z"));
        assert_eq!(leap.to_string(), chrono_text(leap));
        assert_eq!(
            serde_json::to_string(&leap).unwrap(),
            format!("\"{}\"", chrono_text(leap))
        );
        for odd in [
            "2026-02-30T00:00:10.000Z",
            "2026-13-01T00:00:10.000Z",
            "2026-02-28T24:00:00.000Z",
            "2026-02-28T00:60:00.000Z",
            "2026-02-28T00:00:1a.000Z",
            "2026-02-28 00:00:10.000Z",
            "+026-02-28T00:00:10.000Z",
        ] {
            assert_eq!(Timestamp::from_wire_form(odd), None, "{odd}");
            assert_eq!(
                odd.parse::<Timestamp>().ok(),
                DateTime::parse_from_rfc3339(odd)
                    .ok()
                    .map(|at| Timestamp(at.with_timezone(&Utc)))
                    .or_else(
                        || NaiveDateTime::parse_from_str(odd, "%Y-%m-%d %H:%M:%S%.f")
                            .ok()
                            .map(|n| Timestamp(n.and_utc()))
                    ),
                "{odd}"
            );
        }
    }
}
