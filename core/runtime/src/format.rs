//! The string formats validators check, as an enum: codegen refuses a format that is not here,
//! so no `format` keyword passes silently at run time.

use std::fmt;

/// A `format` the validators check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// RFC 3339 `date-time`, with `T` between date and time and an offset.
    DateTime,
    /// RFC 3339 `full-date`.
    Date,
    /// RFC 3339 `full-time`, with an offset.
    Time,
    /// An RFC 3986 URI, with a scheme.
    Uri,
    /// An RFC 5321 mailbox address.
    Email,
    /// An RFC 4122 UUID in its hyphenated form.
    Uuid,
}

impl Format {
    /// Every format, in the order the names are documented.
    pub const ALL: [Format; 6] = [
        Format::DateTime,
        Format::Date,
        Format::Time,
        Format::Uri,
        Format::Email,
        Format::Uuid,
    ];

    /// The name JSON Schema gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Time => "time",
            Format::Uri => "uri",
            Format::Email => "email",
            Format::Uuid => "uuid",
        }
    }

    /// The format JSON Schema names `name`, if we check it.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str() == name)
    }

    /// Why `value` is not of this format, if it is not.
    pub fn check(self, value: &str) -> Result<(), FormatError> {
        let verdict = match self {
            Format::DateTime => date_time(value),
            Format::Date => date(value),
            Format::Time => full_time(value),
            Format::Uri => fluent_uri::Uri::parse(value)
                .map(drop)
                .map_err(Reason::from),
            Format::Email => email(value),
            Format::Uuid => uuid(value),
        };
        verdict.map_err(|Reason(reason)| FormatError {
            format: self,
            reason,
        })
    }
}

/// A string that does not have the format its schema declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The format it should have.
    pub format: Format,
    /// Why it does not.
    pub reason: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid {}: {}", self.format, self.reason)
    }
}

impl std::error::Error for FormatError {}

/// Why a check failed, before it is known which format asked.
pub(crate) struct Reason(pub(crate) String);

impl<T: fmt::Display> From<T> for Reason {
    fn from(reason: T) -> Reason {
        Reason(reason.to_string())
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// RFC 3339's `date-time` production: the `time` parser also takes the space its prose allows
/// in place of `T`, which the grammar (and JSON Schema) does not.
pub(crate) fn date_time(value: &str) -> Result<(), Reason> {
    if !matches!(value.as_bytes().get(10), Some(b'T' | b't')) {
        return Err("date and time must be separated by `T`".into());
    }
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(drop)
        .map_err(Reason::from)
}

/// `full-date`: checked as the date part of a date-time, so leap years and month lengths hold.
fn date(value: &str) -> Result<(), Reason> {
    if value.len() != 10 {
        return Err("expected YYYY-MM-DD".into());
    }
    date_time(&format!("{value}T00:00:00Z"))
}

/// `full-time`: checked as the time part of a date-time, offset included. A leap second
/// (`:60`) is valid where it is 23:59:60 in UTC, so it is tried on the last day of a year that
/// had one and, for offsets that move it to the day before, on the day after.
fn full_time(value: &str) -> Result<(), Reason> {
    if value.contains(['T', 't']) {
        return Err("expected HH:MM:SS with an offset".into());
    }
    date_time(&format!("2016-12-31T{value}"))
        .or_else(|first| date_time(&format!("2017-01-01T{value}")).map_err(|_| first))
}

/// An RFC 5321 mailbox: the address syntax (`email_address`), then a domain that is either
/// letters, digits and hyphens between dots or a bracketed IPv4 or `IPv6:` address literal.
fn email(value: &str) -> Result<(), Reason> {
    let address = value
        .parse::<email_address::EmailAddress>()
        .map_err(Reason::from)?;
    let domain = address.domain();
    if let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        let ip = match literal.strip_prefix("IPv6:") {
            Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
            None => literal.parse::<std::net::Ipv4Addr>().is_ok(),
        };
        return if ip {
            Ok(())
        } else {
            Err(format!("`[{literal}]` is not an IPv4 or IPv6 address literal").into())
        };
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if domain.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(format!("`{domain}` is not a domain name").into())
    }
}

fn uuid(value: &str) -> Result<(), Reason> {
    let groups: Vec<&str> = value.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|group| group.len()).collect();
    let hex = groups
        .iter()
        .all(|group| group.bytes().all(|byte| byte.is_ascii_hexdigit()));
    if lengths == [8, 4, 4, 4, 12] && hex {
        Ok(())
    } else {
        Err("expected 8-4-4-4-12 hexadecimal digits".into())
    }
}

#[cfg(test)]
mod tests {
    use super::Format;

    #[test]
    fn every_format_round_trips_its_name() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.as_str()), Some(format));
        }
        assert_eq!(Format::from_name("ipv4"), None);
    }

    #[test]
    fn dates_times_and_uuids_follow_their_rfcs() {
        let ok = |format: Format, value: &str| format.check(value).is_ok();
        assert!(ok(Format::Date, "2024-02-29"));
        assert!(!ok(Format::Date, "2023-02-29"));
        assert!(!ok(Format::Date, "2024-02-29T00:00:00Z"));
        assert!(ok(Format::Time, "10:00:00+05:30"));
        assert!(ok(Format::Time, "23:59:59.5Z"));
        assert!(!ok(Format::Time, "10:00:00"));
        assert!(!ok(Format::Time, "25:00:00Z"));
        assert!(ok(Format::Time, "23:59:60Z"), "a leap second");
        assert!(
            ok(Format::Time, "15:59:60-08:00"),
            "a leap second, 23:59:60 in UTC"
        );
        assert!(
            ok(Format::Time, "00:59:60+01:00"),
            "a leap second the UTC day before"
        );
        assert!(!ok(Format::Time, "22:59:60Z"), "not 23:59 in UTC");
        assert!(ok(Format::Email, "joe.bloggs@example.com"));
        assert!(ok(Format::Email, "joe.bloggs@[127.0.0.1]"));
        assert!(ok(Format::Email, "joe.bloggs@[IPv6:::1]"));
        assert!(!ok(Format::Email, "joe.bloggs@[127.0.0.300]"));
        assert!(!ok(Format::Email, "joe.bloggs@invalid=domain.com"));
        assert!(!ok(Format::Email, "joe.bloggs@-example.com"));
        assert!(ok(Format::Uuid, "123e4567-e89b-12d3-a456-426614174000"));
        assert!(!ok(Format::Uuid, "123e4567e89b12d3a456426614174000"));
        assert!(!ok(Format::Uuid, "123e4567-e89b-12d3-a456-42661417400g"));
    }
}
