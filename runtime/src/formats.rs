//! Typed string formats, for crates generated with typed formats on (`openapi-rust
//! generate --typed-formats`): `date-time` ([`DateTime`], RFC 3339), `date` ([`Date`]),
//! `uuid` ([`Uuid`]) and `byte` ([`Base64`]).
//!
//! Each is checked when it is decoded, so a malformed value fails where it arrives, and
//! each keeps the text it was read from: re-encoding gives exactly what the server sent
//! (`…T03:48:33.901+02:00` stays so). Equality, hashing and ordering follow the value
//! (an instant, a day, 16 bytes, bytes), not the spelling. No date or UUID crate is
//! forced on the app: [`DateTime::to_system_time`] and the accessors convert to what it
//! uses.
//!
//! ```
//! use auth_runtime::formats::{Date, DateTime, Uuid};
//!
//! let at: DateTime = "2024-02-29T12:30:00.5+01:00".parse().unwrap();
//! assert_eq!(at.unix_timestamp(), 1_709_206_200);
//! assert_eq!(at.to_string(), "2024-02-29T12:30:00.5+01:00");
//! assert_eq!(at, "2024-02-29T11:30:00.500Z".parse().unwrap());
//! assert!("2023-02-29".parse::<Date>().is_err());
//! let id: Uuid = "3FA85F64-5717-4562-B3FC-2C963F66AFA6".parse().unwrap();
//! assert_eq!(id.as_bytes()[0], 0x3f);
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not of its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The format expected (`date-time`, `date`, `uuid`, `byte`).
    pub format: &'static str,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid `{}` value", self.format)
    }
}

impl std::error::Error for FormatError {}

/// Implements `Display`, `FromStr` and serde as the kept text for a format type.
macro_rules! text_format {
    ($type:ident, $format:literal) => {
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.text)
            }
        }

        impl FromStr for $type {
            type Err = FormatError;

            fn from_str(text: &str) -> Result<Self, FormatError> {
                Self::parse(text).ok_or(FormatError { format: $format })
            }
        }

        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.text)
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl $type {
            /// The text it was read from (or rendered as).
            pub fn as_str(&self) -> &str {
                &self.text
            }
        }
    };
}

/// Implements equality, hashing and ordering on a format type's value (`$key`).
macro_rules! ordered_by {
    ($type:ident, $key:ident) => {
        impl PartialEq for $type {
            fn eq(&self, other: &Self) -> bool {
                self.$key() == other.$key()
            }
        }

        impl Eq for $type {}

        impl Hash for $type {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.$key().hash(state);
            }
        }

        impl PartialOrd for $type {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $type {
            fn cmp(&self, other: &Self) -> Ordering {
                self.$key().cmp(&other.$key())
            }
        }
    };
}

/// An instant with an offset, as RFC 3339 writes it (`date-time`).
#[derive(Debug, Clone)]
pub struct DateTime {
    text: Box<str>,
    seconds: i64,
    nanos: u32,
    offset_minutes: i16,
}

text_format!(DateTime, "date-time");
ordered_by!(DateTime, instant);

impl DateTime {
    fn instant(&self) -> (i64, u32) {
        (self.seconds, self.nanos)
    }

    /// The instant `seconds` (and `nanos`) after the Unix epoch, written in UTC.
    pub fn from_unix(seconds: i64, nanos: u32) -> Option<DateTime> {
        let nanos = nanos.min(999_999_999);
        let days = seconds.div_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        if !(0..=9999).contains(&year) {
            return None;
        }
        let second_of_day = seconds.rem_euclid(86_400);
        let fraction = if nanos == 0 {
            String::new()
        } else {
            format!(".{nanos:09}").trim_end_matches('0').to_owned()
        };
        let text = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{fraction}Z",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        );
        Some(DateTime {
            text: text.into(),
            seconds,
            nanos,
            offset_minutes: 0,
        })
    }

    /// Now, in UTC.
    pub fn now() -> DateTime {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        DateTime::from_system_time(UNIX_EPOCH + since)
            .unwrap_or_else(|| DateTime::from_unix(0, 0).expect("the epoch"))
    }

    /// The instant of a `SystemTime` (years 0 to 9999).
    pub fn from_system_time(time: SystemTime) -> Option<DateTime> {
        let (seconds, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => (i64::try_from(after.as_secs()).ok()?, after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                let mut seconds = -i64::try_from(before.as_secs()).ok()?;
                let mut nanos = before.subsec_nanos();
                if nanos > 0 {
                    seconds -= 1;
                    nanos = 1_000_000_000 - nanos;
                }
                (seconds, nanos)
            }
        };
        DateTime::from_unix(seconds, nanos)
    }

    /// Seconds since the Unix epoch.
    pub fn unix_timestamp(&self) -> i64 {
        self.seconds
    }

    /// The fraction of the second, in nanoseconds (digits past the ninth are dropped).
    pub fn nanosecond(&self) -> u32 {
        self.nanos
    }

    /// The offset from UTC it was written with, in minutes (`Z` and `-00:00` are 0).
    pub fn offset_minutes(&self) -> i16 {
        self.offset_minutes
    }

    /// The instant as a `SystemTime`.
    pub fn to_system_time(&self) -> SystemTime {
        let nanos = Duration::from_nanos(u64::from(self.nanos));
        match u64::try_from(self.seconds) {
            Ok(after) => UNIX_EPOCH + Duration::from_secs(after) + nanos,
            Err(_) => UNIX_EPOCH - Duration::from_secs(self.seconds.unsigned_abs()) + nanos,
        }
    }

    fn parse(text: &str) -> Option<DateTime> {
        let bytes = text.as_bytes();
        if bytes.len() < 20 || !matches!(bytes[10], b'T' | b't' | b' ') {
            return None;
        }
        let (year, month, day) = parse_date(&text[..10])?;
        let time = &text[11..];
        let (hour, minute, second) = (two(time, 0)?, two(time, 3)?, two(time, 6)?);
        if time.as_bytes()[2] != b':'
            || time.as_bytes()[5] != b':'
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut rest = &time[8..];
        let mut nanos = 0u32;
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            for (i, digit) in fraction.bytes().take(digits.min(9)).enumerate() {
                nanos += u32::from(digit - b'0') * 10u32.pow(8 - i as u32);
            }
            rest = &fraction[digits..];
        }
        let offset_minutes: i16 = match rest.as_bytes() {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), ..] if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
                let (hours, minutes) = (two(rest, 1)?, two(rest, 4)?);
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let offset = i16::from(hours) * 60 + i16::from(minutes);
                if *sign == b'-' { -offset } else { offset }
            }
            _ => return None,
        };
        // A leap second reads as the last second of its minute.
        let second = i64::from(second.min(59));
        let local = days_from_civil(year, month, day) * 86_400
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + second;
        Some(DateTime {
            text: text.into(),
            seconds: local - i64::from(offset_minutes) * 60,
            nanos,
            offset_minutes,
        })
    }
}

/// A calendar day, as RFC 3339's `full-date` writes it (`date`).
#[derive(Debug, Clone)]
pub struct Date {
    text: Box<str>,
    year: i32,
    month: u8,
    day: u8,
}

text_format!(Date, "date");
ordered_by!(Date, ymd);

impl Date {
    fn ymd(&self) -> (i32, u8, u8) {
        (self.year, self.month, self.day)
    }

    /// The day `year-month-day`, when it exists.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Date> {
        Date::parse(&format!("{year:04}-{month:02}-{day:02}"))
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    fn parse(text: &str) -> Option<Date> {
        let (year, month, day) = parse_date(text)?;
        Some(Date {
            text: text.into(),
            year,
            month,
            day,
        })
    }
}

/// A UUID (`uuid`): 16 bytes, read from the hyphenated hex form in any case.
#[derive(Debug, Clone)]
pub struct Uuid {
    text: Box<str>,
    bytes: [u8; 16],
}

text_format!(Uuid, "uuid");
ordered_by!(Uuid, bytes_value);

impl Uuid {
    fn bytes_value(&self) -> [u8; 16] {
        self.bytes
    }

    /// The UUID of these bytes, written lower-case and hyphenated.
    pub fn from_bytes(bytes: [u8; 16]) -> Uuid {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let text = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        Uuid {
            text: text.into(),
            bytes,
        }
    }

    /// Its 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.bytes
    }

    fn parse(text: &str) -> Option<Uuid> {
        let raw = text.as_bytes();
        if raw.len() != 36 || [8, 13, 18, 23].iter().any(|&i| raw[i] != b'-') {
            return None;
        }
        let digits: Vec<u8> = raw.iter().copied().filter(|b| *b != b'-').collect();
        let mut bytes = [0u8; 16];
        for (i, pair) in digits.chunks(2).enumerate() {
            let high = char::from(pair[0]).to_digit(16)?;
            let low = char::from(pair[1]).to_digit(16)?;
            bytes[i] = u8::try_from(high * 16 + low).ok()?;
        }
        Some(Uuid {
            text: text.into(),
            bytes,
        })
    }
}

/// Bytes sent as base64 text (`byte`): read with or without padding, standard or
/// URL-safe; new values are written standard, padded.
#[derive(Debug, Clone)]
pub struct Base64 {
    text: Box<str>,
    bytes: Vec<u8>,
}

text_format!(Base64, "byte");
ordered_by!(Base64, bytes_value);

impl Base64 {
    fn bytes_value(&self) -> &[u8] {
        &self.bytes
    }

    /// These bytes, to be sent as standard base64.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Base64 {
        let bytes = bytes.into();
        Base64 {
            text: STANDARD.encode(&bytes).into(),
            bytes,
        }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    fn parse(text: &str) -> Option<Base64> {
        let bytes = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(text).ok())?;
        Some(Base64 {
            text: text.into(),
            bytes,
        })
    }
}

/// Two ASCII digits at `at`.
fn two(text: &str, at: usize) -> Option<u8> {
    let pair = text.as_bytes().get(at..at + 2)?;
    pair.iter()
        .all(u8::is_ascii_digit)
        .then(|| (pair[0] - b'0') * 10 + pair[1] - b'0')
}

/// `YYYY-MM-DD`, a day that exists.
fn parse_date(text: &str) -> Option<(i32, u8, u8)> {
    let raw = text.as_bytes();
    if raw.len() != 10
        || raw[4] != b'-'
        || raw[7] != b'-'
        || !raw[..4].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let year: i32 = text[..4].parse().ok()?;
    let (month, day) = (two(text, 5)?, two(text, 8)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month)
        .contains(&day)
        .then_some((year, month, day))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day number (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted + 2) / 5 + 1;
    let month = if shifted < 10 {
        shifted + 3
    } else {
        shifted - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u8, day as u8)
}

#[cfg(test)]
mod tests;
