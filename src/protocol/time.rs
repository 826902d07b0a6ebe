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

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl FromStr for Timestamp {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
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
        s.collect_str(self)
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
}
