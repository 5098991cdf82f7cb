//! Date/time parse and format with time zones.
//!
//! Formats are PHP `date()` letters (what Bitrix and PHP code already use), compiled
//! once into chrono strftime items, or one of two names: `"iso8601"` (RFC 3339:
//! `2024-03-01T09:30:00Z`; parsing accepts any offset, `Z`, fractional seconds, and
//! no offset at all — then the value is local time in `in_tz`) and `"timestamp"`
//! (Unix seconds, an integer on output; an integer or digit string on input).
//!
//! Local times that do not exist or exist twice (DST changes) follow PHP's
//! `DateTime` rule (PHP 8.2, checked against `new DateTime()` in the PHP tests)
//! unless `dst` is `"error"`: a time in the spring-forward gap is moved forward by
//! the gap's length (Berlin `2024-03-31 02:30` → `03:30` CEST), and an ambiguous
//! autumn time is the later instant, in standard time (Berlin `2024-10-27 02:30` →
//! `02:30` CET = `01:30Z`). Matching PHP means a Bitrix page computing the same
//! wall time with `DateTime` gets the same instant as the mapper.

use chrono::format::{parse, Item, Parsed, StrftimeItems};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, SecondsFormat, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::Value;

/// PHP letters this mapper understands, and what they become. Letters marked
/// format-only cannot be parsed (a spec using them in `in` is rejected).
const LETTERS: &[(char, &str, bool)] = &[
    ('d', "%d", true),
    ('j', "%-d", true),
    ('m', "%m", true),
    ('n', "%-m", true),
    ('Y', "%Y", true),
    ('y', "%y", true),
    ('H', "%H", true),
    ('G', "%-H", true),
    ('h', "%I", true),
    ('g', "%-I", true),
    ('A', "%p", true),
    ('a', "%P", true),
    ('i', "%M", true),
    ('s', "%S", true),
    ('v', "%3f", true),
    ('u', "%6f", true),
    ('D', "%a", true),
    ('l', "%A", true),
    ('M', "%b", true),
    ('F', "%B", true),
    ('U', "%s", true),
    ('P', "%:z", true),
    ('O', "%z", true),
    ('c', "%Y-%m-%dT%H:%M:%S%:z", true),
    ('T', "%Z", false),
];

#[derive(Debug, Clone)]
pub enum Format {
    Iso8601,
    Timestamp,
    Pattern { strftime: String, items: Vec<Item<'static>> },
}

impl Format {
    /// Compiles `"iso8601"`, `"timestamp"` or a PHP `date()` pattern.
    ///
    /// # Errors
    /// Names the unsupported letter.
    pub fn compile(spec: &str, for_parsing: bool) -> Result<Self, String> {
        match spec {
            "iso8601" => return Ok(Self::Iso8601),
            "timestamp" => return Ok(Self::Timestamp),
            "" => return Err("is empty".into()),
            _ => {}
        }
        let mut out = String::new();
        let mut chars = spec.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('%') => out.push_str("%%"),
                    Some(lit) => out.push(lit),
                    None => return Err("ends with a lone backslash".into()),
                }
            } else if c == '%' {
                out.push_str("%%");
            } else if let Some((_, strf, parsable)) = LETTERS.iter().find(|(l, _, _)| *l == c) {
                if for_parsing && !parsable {
                    return Err(format!("uses \"{c}\", which can be formatted but not parsed"));
                }
                out.push_str(strf);
            } else if c.is_ascii_alphabetic() {
                return Err(format!(
                    "uses the letter \"{c}\", which is not supported (supported: {}; escape a literal letter with a backslash)",
                    LETTERS.iter().map(|(l, _, _)| l.to_string()).collect::<Vec<_>>().join(" ")
                ));
            } else {
                out.push(c);
            }
        }
        let items: Vec<Item<'static>> = StrftimeItems::new(&out).parse_to_owned().map_err(|_| "is not a valid pattern".to_string())?;
        Ok(Self::Pattern { strftime: out, items })
    }
}

/// How local times that a DST change skips or repeats are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DstRule {
    /// PHP's rule: gap → shifted forward by the gap, overlap → the later instant
    /// (standard time).
    Shift,
    /// Such times are `nonexistent_time` / `ambiguous_time` errors.
    Error,
}

#[derive(Debug, Clone)]
pub struct DateOp {
    pub input: Format,
    pub in_tz: Tz,
    pub output: Format,
    pub out_tz: Tz,
    pub dst: DstRule,
}

/// Why a value is not a date, as a reason code and a sentence.
pub type DateFailure = (&'static str, String);

impl DateOp {
    /// Parses `value` with the input format and formats it with the output one.
    ///
    /// # Errors
    /// `invalid_date` (does not match), `nonexistent_time` / `ambiguous_time` (DST,
    /// with `dst: error`), `invalid_type` (not a string/integer).
    pub fn apply(&self, value: &Value) -> Result<Value, DateFailure> {
        let instant = self.parse_value(value)?;
        Ok(self.format(instant))
    }

    fn parse_value(&self, value: &Value) -> Result<DateTime<Utc>, DateFailure> {
        match (&self.input, value) {
            (Format::Timestamp, Value::Number(n)) => {
                let secs = n.as_i64().ok_or_else(|| ("invalid_date", "is not a whole number of seconds".to_string()))?;
                from_timestamp(secs)
            }
            (Format::Timestamp, Value::String(s)) => {
                let secs = s.trim().parse::<i64>().map_err(|_| ("invalid_date", "is not a Unix timestamp".to_string()))?;
                from_timestamp(secs)
            }
            (_, Value::String(s)) => self.parse_str(s.trim()),
            _ => Err(("invalid_type", "is not a string".to_string())),
        }
    }

    fn parse_str(&self, s: &str) -> Result<DateTime<Utc>, DateFailure> {
        let bad = || ("invalid_date", format!("does not match the format {}", self.input_name()));
        match &self.input {
            Format::Iso8601 => {
                if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
                    return Ok(dt.with_timezone(&Utc));
                }
                for pattern in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
                    if let Ok(naive) = NaiveDateTime::parse_from_str(s, pattern) {
                        return localize(naive, self.in_tz, self.dst);
                    }
                }
                let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?;
                localize(date.and_time(NaiveTime::MIN), self.in_tz, self.dst)
            }
            Format::Timestamp => {
                let secs = s.parse::<i64>().map_err(|_| bad())?;
                from_timestamp(secs)
            }
            Format::Pattern { items, .. } => {
                let mut parsed = Parsed::new();
                parse(&mut parsed, s, items.iter()).map_err(|_| bad())?;
                if let Some(ts) = parsed.timestamp() {
                    return from_timestamp(ts);
                }
                let date = parsed.to_naive_date().map_err(|_| bad())?;
                let time = if parsed.hour_div_12().is_none() && parsed.hour_mod_12().is_none() {
                    NaiveTime::MIN
                } else {
                    parsed.to_naive_time().map_err(|_| bad())?
                };
                let naive = date.and_time(time);
                match parsed.offset() {
                    Some(secs) => {
                        let off = chrono::FixedOffset::east_opt(secs).ok_or_else(bad)?;
                        off.from_local_datetime(&naive).single().map(|dt| dt.with_timezone(&Utc)).ok_or_else(bad)
                    }
                    None => localize(naive, self.in_tz, self.dst),
                }
            }
        }
    }

    fn input_name(&self) -> String {
        match &self.input {
            Format::Iso8601 => "iso8601".into(),
            Format::Timestamp => "timestamp".into(),
            Format::Pattern { strftime, .. } => format!("(strftime) \"{strftime}\""),
        }
    }

    fn format(&self, instant: DateTime<Utc>) -> Value {
        let local = instant.with_timezone(&self.out_tz);
        match &self.output {
            Format::Iso8601 => Value::String(local.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Format::Timestamp => Value::Number(instant.timestamp().into()),
            Format::Pattern { items, .. } => Value::String(local.format_with_items(items.iter()).to_string()),
        }
    }
}

fn from_timestamp(secs: i64) -> Result<DateTime<Utc>, DateFailure> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| ("invalid_date", "is out of the supported date range".to_string()))
}

/// Local wall time in `tz` → instant, with the DST rule.
pub fn localize(naive: NaiveDateTime, tz: Tz, dst: DstRule) -> Result<DateTime<Utc>, DateFailure> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => Ok(dt.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => match dst {
            DstRule::Error => Err(("ambiguous_time", format!("happens twice in {tz} (a DST change)"))),
            DstRule::Shift => Ok(a.max(b).with_timezone(&Utc)),
        },
        LocalResult::None => match dst {
            DstRule::Error => Err(("nonexistent_time", format!("does not exist in {tz} (skipped by a DST change)"))),
            DstRule::Shift => {
                // Read the wall time with the offset in force before the gap: the instant
                // lands after the change, the gap's length later on the clock (PHP's rule).
                let out_of_range = || ("invalid_date", "is out of the supported date range".to_string());
                let before = naive.checked_sub_signed(TimeDelta::days(1)).ok_or_else(out_of_range)?;
                let offset = tz.offset_from_utc_datetime(&before).fix().local_minus_utc();
                let utc = naive.checked_sub_signed(TimeDelta::seconds(i64::from(offset))).ok_or_else(out_of_range)?;
                Ok(utc.and_utc())
            }
        },
    }
}
