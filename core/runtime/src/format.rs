//! The string formats validators check, as an enum: codegen refuses a format that is not here,
//! so no `format` keyword passes silently at run time.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

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
    /// An RFC 3986 URI reference: a URI, or a relative reference.
    UriReference,
    /// An RFC 3987 IRI, with a scheme.
    Iri,
    /// An RFC 3987 IRI reference.
    IriReference,
    /// An RFC 1123 host name.
    Hostname,
    /// An internationalised host name (RFC 5890): labels of letters, marks and digits of any
    /// script, checked as such, not against IDNA's contextual rules.
    IdnHostname,
    /// An internationalised mailbox address (RFC 6531).
    IdnEmail,
    /// An IPv4 address in dotted-quad form.
    Ipv4,
    /// An RFC 4291 IPv6 address.
    Ipv6,
    /// An ISO 8601 duration, as RFC 3339's appendix A writes it (`P1DT2H`, `PT15M`, `P2W`).
    Duration,
    /// An RFC 6901 JSON pointer.
    JsonPointer,
    /// A relative JSON pointer (draft-handrews-relative-json-pointer).
    RelativeJsonPointer,
    /// An RFC 6570 URI template.
    UriTemplate,
    /// A regular expression, as `pattern` runs them (Rust `regex` syntax).
    Regex,
}

impl Format {
    /// Every format, in the order the names are documented.
    pub const ALL: [Format; 19] = [
        Format::DateTime,
        Format::Date,
        Format::Time,
        Format::Uri,
        Format::Email,
        Format::Uuid,
        Format::UriReference,
        Format::Iri,
        Format::IriReference,
        Format::Hostname,
        Format::IdnHostname,
        Format::IdnEmail,
        Format::Ipv4,
        Format::Ipv6,
        Format::Duration,
        Format::JsonPointer,
        Format::RelativeJsonPointer,
        Format::UriTemplate,
        Format::Regex,
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
            Format::UriReference => "uri-reference",
            Format::Iri => "iri",
            Format::IriReference => "iri-reference",
            Format::Hostname => "hostname",
            Format::IdnHostname => "idn-hostname",
            Format::IdnEmail => "idn-email",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Duration => "duration",
            Format::JsonPointer => "json-pointer",
            Format::RelativeJsonPointer => "relative-json-pointer",
            Format::UriTemplate => "uri-template",
            Format::Regex => "regex",
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
            Format::Uri | Format::UriReference | Format::Iri | Format::IriReference => {
                uri_like(self, value)
            }
            Format::Email => email(value),
            Format::Uuid => uuid(value),
            Format::Hostname => hostname(value, Script::Ascii),
            Format::IdnHostname => hostname(value, Script::Any),
            Format::IdnEmail => email_in(value, Script::Any),
            Format::Ipv4 => value
                .parse::<std::net::Ipv4Addr>()
                .map(drop)
                .map_err(Reason::from),
            Format::Ipv6 => value
                .parse::<std::net::Ipv6Addr>()
                .map(drop)
                .map_err(Reason::from),
            Format::Duration => rfc3339_duration(value),
            Format::JsonPointer => json_pointer(value),
            Format::RelativeJsonPointer => relative_json_pointer(value),
            Format::UriTemplate => uri_template(value),
            Format::Regex => crate::compile_pattern(value).map(drop).map_err(Reason),
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
#[derive(Debug)]
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
    instant(value).map(drop)
}

/// The instant a `date-time` names, read once for the check and the value.
pub(crate) fn instant(value: &str) -> Result<time::OffsetDateTime, Reason> {
    read_date_time(value).map(|(_, instant)| instant)
}

/// A `date-time`'s text, shared, and the instant it names. A message names the same few
/// instants again and again (a window's ends are checked against the schema, read by the
/// rules and kept for the trade), so each thread keeps the last few it read, by their text.
pub(crate) fn read_date_time(value: &str) -> Result<(Arc<str>, time::OffsetDateTime), Reason> {
    DATE_TIMES.with_borrow_mut(|recent| {
        if let Some(known) = recent.find(value, |_| true) {
            return Ok(known);
        }
        let instant = parse_instant(value)?;
        let text: Arc<str> = Arc::from(value);
        recent.keep(Arc::clone(&text), instant);
        Ok((text, instant))
    })
}

fn parse_instant(value: &str) -> Result<time::OffsetDateTime, Reason> {
    if !matches!(value.as_bytes().get(10), Some(b'T' | b't')) {
        return Err("date and time must be separated by `T`".into());
    }
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map_err(Reason::from)
}

/// Whether `value` is a URI or IRI (reference) as `format` asks; each thread keeps the last
/// few that were, since a message names the same contexts and schema URLs again and again.
fn uri_like(format: Format, value: &str) -> Result<(), Reason> {
    URIS.with_borrow_mut(|recent| {
        if recent.find(value, |kept| *kept == format).is_some() {
            return Ok(());
        }
        match format {
            Format::Uri => fluent_uri::Uri::parse(value).map(drop),
            Format::UriReference => fluent_uri::UriRef::parse(value).map(drop),
            Format::Iri => fluent_uri::Iri::parse(value).map(drop),
            // `IriReference`, the one other format `check` sends here.
            _ => fluent_uri::IriRef::parse(value).map(drop),
        }
        .map_err(Reason::from)?;
        recent.keep(Arc::from(value), format);
        Ok(())
    })
}

thread_local! {
    static DATE_TIMES: RefCell<Recent<time::OffsetDateTime>> =
        const { RefCell::new(Recent::new()) };
    static URIS: RefCell<Recent<Format>> = const { RefCell::new(Recent::new()) };
}

/// Texts a thread read last and what it read them as, each in a slot picked by its text, so
/// that finding one costs one comparison; a text whose slot holds another replaces it.
struct Recent<T> {
    kept: [Option<(Arc<str>, T)>; RECENT_SIZE],
}

/// Room for the distinct values of a few messages (a contract names four or five instants);
/// a power of two, so that a slot is the top bits of a multiplied hash.
const RECENT_SIZE: usize = 16;
const _: () = assert!(RECENT_SIZE.is_power_of_two());

impl<T: Copy> Recent<T> {
    const fn new() -> Recent<T> {
        Recent {
            kept: [const { None }; RECENT_SIZE],
        }
    }

    /// The slot of a text: a mix of its first eight and last sixteen bytes (a date-time's
    /// year and month, and its day, time and offset), or of its length when shorter.
    fn slot(value: &str) -> usize {
        let bytes = value.as_bytes();
        let word = |at: usize| {
            bytes
                .get(at..at + 8)
                .and_then(|word| word.try_into().ok())
                .map_or(0, u64::from_le_bytes)
        };
        let mixed = match bytes.len() {
            ..16 => bytes.len() as u64,
            len => word(0) ^ word(len - 16).rotate_left(21) ^ word(len - 8).rotate_left(42),
        };
        let bits = RECENT_SIZE.trailing_zeros();
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// The kept text equal to `value` and what it was read as, if that is `wanted`.
    fn find(&self, value: &str, wanted: impl Fn(&T) -> bool) -> Option<(Arc<str>, T)> {
        match &self.kept[Self::slot(value)] {
            Some((text, read)) if **text == *value && wanted(read) => {
                Some((Arc::clone(text), *read))
            }
            _ => None,
        }
    }

    fn keep(&mut self, text: Arc<str>, read: T) {
        let slot = Self::slot(&text);
        self.kept[slot] = Some((text, read));
    }
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

/// Which letters a host name's labels may use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    /// ASCII letters and digits (RFC 1123).
    Ascii,
    /// Letters, marks and digits of any script (RFC 5890's U-labels, loosely).
    Any,
}

impl Script {
    fn allows(self, c: char) -> bool {
        match self {
            Script::Ascii => c.is_ascii_alphanumeric(),
            Script::Any => {
                c.is_alphanumeric() || (!c.is_ascii() && !c.is_control() && !c.is_whitespace())
            }
        }
    }
}

/// An RFC 5321 mailbox: the address syntax (`email_address`), then a domain that is either
/// letters, digits and hyphens between dots or a bracketed IPv4 or `IPv6:` address literal.
fn email(value: &str) -> Result<(), Reason> {
    email_in(value, Script::Ascii)
}

/// As [`email`], with domain labels in `script`.
fn email_in(value: &str, script: Script) -> Result<(), Reason> {
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
            && label.chars().all(|c| script.allows(c) || c == '-')
    };
    if domain.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(format!("`{domain}` is not a domain name").into())
    }
}

/// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, each at
/// most 63 octets, 253 in all; the letters of `script`. (U+3002 and its kin separate labels
/// in an internationalised name, as RFC 3490 allows.)
fn hostname(value: &str, script: Script) -> Result<(), Reason> {
    let name = match script {
        Script::Ascii => value.to_owned(),
        Script::Any => value.replace(['\u{3002}', '\u{ff0e}', '\u{ff61}'], "."),
    };
    if name.is_empty() || name.len() > 253 {
        return Err("a host name has 1 to 253 characters".into());
    }
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| script.allows(c) || c == '-')
    };
    match name.split('.').find(|label| !label_ok(label)) {
        None => Ok(()),
        Some(label) => Err(format!("`{label}` is not a host name label").into()),
    }
}

/// RFC 3339 appendix A's `duration`, strictly: weeks alone, or date units in order without
/// gaps (years, months, days) and a `T` with time units in order without gaps, whole numbers.
fn rfc3339_duration(value: &str) -> Result<(), Reason> {
    let invalid = || Reason::from("expected an RFC 3339 duration such as P1DT2H, PT15M or P2W");
    let rest = value.strip_prefix('P').ok_or_else(invalid)?;
    if let Some(weeks) = rest.strip_suffix('W') {
        return if !weeks.is_empty() && weeks.bytes().all(|b| b.is_ascii_digit()) {
            Ok(())
        } else {
            Err(invalid())
        };
    }
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    // Units as (number, designator), then checked to run in order with no gap.
    let units = |part: &str| -> Option<Vec<char>> {
        let mut designators = Vec::new();
        let mut digits = 0;
        for c in part.chars() {
            if c.is_ascii_digit() {
                digits += 1;
            } else if digits > 0 {
                designators.push(c);
                digits = 0;
            } else {
                return None;
            }
        }
        (digits == 0).then_some(designators)
    };
    let contiguous = |found: &[char], order: &[char]| {
        let Some(start) = found
            .first()
            .and_then(|first| order.iter().position(|c| c == first))
        else {
            return false;
        };
        order[start..].starts_with(found)
    };
    let date_units = units(date).ok_or_else(invalid)?;
    let date_ok = date_units.is_empty() || contiguous(&date_units, &['Y', 'M', 'D']);
    let time_ok = match time {
        None => !date_units.is_empty(),
        Some(time) => {
            let time_units = units(time).ok_or_else(invalid)?;
            !time_units.is_empty() && contiguous(&time_units, &['H', 'M', 'S'])
        }
    };
    if date_ok && time_ok {
        Ok(())
    } else {
        Err(invalid())
    }
}

/// RFC 6901: empty, or `/`-prefixed tokens in which `~` is always `~0` or `~1`.
fn json_pointer(value: &str) -> Result<(), Reason> {
    if !value.is_empty() && !value.starts_with('/') {
        return Err("a JSON pointer is empty or starts with `/`".into());
    }
    let bytes = value.as_bytes();
    let bad_escape = bytes
        .iter()
        .enumerate()
        .any(|(at, byte)| *byte == b'~' && !matches!(bytes.get(at + 1), Some(b'0' | b'1')));
    if bad_escape {
        Err("`~` must be written `~0` or `~1`".into())
    } else {
        Ok(())
    }
}

/// A non-negative integer without leading zeros, then `#` or a JSON pointer.
fn relative_json_pointer(value: &str) -> Result<(), Reason> {
    let digits = value.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = value.split_at(digits);
    if number.is_empty() || (number.len() > 1 && number.starts_with('0')) {
        return Err("a relative JSON pointer starts with a non-negative integer".into());
    }
    match rest {
        "#" => Ok(()),
        rest => json_pointer(rest),
    }
}

/// RFC 6570: literals, and expressions in braces with an optional operator and a list of
/// variables, each with an optional `:length` prefix or `*` explode.
fn uri_template(value: &str) -> Result<(), Reason> {
    // Literals: no space, controls or characters RFC 6570 excludes from them.
    if let Some(bad) = value
        .chars()
        .find(|c| c.is_control() || matches!(c, ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '|'))
    {
        return Err(format!("{bad:?} is not allowed in a URI template").into());
    }
    let mut rest = value;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err("`}` without a `{`".into());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("`{` without a `}`")?;
        let expression = &after[..close];
        let variables = expression
            .strip_prefix(['+', '#', '.', '/', ';', '?', '&', '=', ',', '!', '@', '|'])
            .unwrap_or(expression);
        let variable_ok = |variable: &str| {
            let (name, modifier) = match variable.split_once(':') {
                Some((name, length)) => (
                    name,
                    !length.is_empty()
                        && length.len() <= 4
                        && length.bytes().all(|b| b.is_ascii_digit())
                        && !length.starts_with('0'),
                ),
                None => (variable.strip_suffix('*').unwrap_or(variable), true),
            };
            modifier
                && !name.is_empty()
                && !name.starts_with('.')
                && !name.ends_with('.')
                && !name.contains("..")
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'%')
        };
        if variables.is_empty() || !variables.split(',').all(variable_ok) {
            return Err(format!("`{{{expression}}}` is not a template expression").into());
        }
        rest = &after[close + 1..];
    }
    Ok(())
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
    use super::{Format, RECENT_SIZE, parse_instant, read_date_time};
    use std::sync::Arc;

    #[test]
    fn a_uri_kept_as_valid_in_one_format_is_not_taken_for_another() {
        let ok = |format: Format, value: &str| format.check(value).is_ok();
        for _ in 0..2 {
            // Valid as the looser format first, then asked as the stricter one, and back.
            assert!(ok(Format::Iri, "https://例え.example/π"));
            assert!(!ok(Format::Uri, "https://例え.example/π"));
            assert!(ok(Format::IriReference, "例え/π"));
            assert!(ok(Format::UriReference, "../relative/path"));
            assert!(!ok(Format::Uri, "../relative/path"));
            assert!(!ok(Format::Iri, "../relative/path"));
            assert!(ok(
                Format::Uri,
                "https://schemas.example/p2p/v1/context.jsonld"
            ));
            assert!(!ok(Format::Uri, "https://schemas.example/p2p v1"));
        }
    }

    #[test]
    fn a_date_time_read_again_is_the_same_as_read_afresh_and_its_text_is_shared() {
        // More distinct texts than are kept, then each again: every read, whether it finds
        // the text kept or not, names the instant a fresh parse does.
        let texts: Vec<String> = (0..RECENT_SIZE * 2 + 3)
            .map(|minute| format!("2025-06-14T08:{minute:02}:00+05:30"))
            .collect();
        for _ in 0..2 {
            for text in &texts {
                let (kept, instant) = read_date_time(text).unwrap();
                assert_eq!(&*kept, text.as_str());
                assert_eq!(instant, parse_instant(text).unwrap());
            }
        }
        let last = texts.last().unwrap();
        let (first, _) = read_date_time(last).unwrap();
        let (again, _) = read_date_time(last).unwrap();
        assert!(Arc::ptr_eq(&first, &again), "read once, shared after");
        // A text that does not parse is not kept, and fails each time; one that differs
        // from a kept text only in its offset is not taken for it.
        assert!(read_date_time("2025-06-14 08:00:00+05:30").is_err());
        assert!(read_date_time("2025-06-14 08:00:00+05:30").is_err());
        let (_, utc) = read_date_time("2025-06-14T08:00:00Z").unwrap();
        let (_, ist) = read_date_time("2025-06-14T08:00:00+05:30").unwrap();
        assert_eq!(utc - ist, time::Duration::minutes(330));
    }

    #[test]
    fn every_format_round_trips_its_name() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.as_str()), Some(format));
        }
        assert_eq!(Format::from_name("ipv4"), Some(Format::Ipv4));
        assert_eq!(Format::from_name("idn-hostname"), Some(Format::IdnHostname));
        assert_eq!(Format::from_name("ipv5"), None);
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
        assert!(ok(Format::Hostname, "bpp.rooftop-coop.example"));
        assert!(!ok(Format::Hostname, "-bad.example"));
        assert!(!ok(Format::Hostname, "under_score.example"));
        assert!(ok(Format::Ipv4, "192.168.0.1"));
        assert!(!ok(Format::Ipv4, "192.168.0.256"));
        assert!(ok(Format::Ipv6, "::1"));
        assert!(!ok(Format::Ipv6, "12345::"));
        assert!(ok(Format::Duration, "PT15M"));
        assert!(ok(Format::Duration, "P1Y2M3DT4H5M6S"));
        assert!(ok(Format::Duration, "P2W"));
        assert!(!ok(Format::Duration, "15 minutes"));
        assert!(
            !ok(Format::Duration, "P1Y2D"),
            "a gap: years and days without months"
        );
        assert!(!ok(Format::Duration, "P1WT1H"), "weeks stand alone");
        assert!(!ok(Format::Duration, "PT0.5S"), "whole numbers only");
        assert!(!ok(Format::Duration, "PT"));
        assert!(!ok(Format::Hostname, "example."));
        assert!(ok(Format::IdnHostname, "실례.테스트"));
        assert!(!ok(Format::Hostname, "실례.테스트"));
        assert!(ok(Format::IdnEmail, "실례@실례.테스트"));
        assert!(!ok(Format::Email, "joe@실례.테스트"));
        assert!(ok(Format::JsonPointer, "/roles/0/roleInputs/a~1b"));
        assert!(!ok(Format::JsonPointer, "/a~2b"));
        assert!(!ok(Format::JsonPointer, "roles"));
        assert!(ok(Format::RelativeJsonPointer, "1/roles"));
        assert!(ok(Format::RelativeJsonPointer, "0#"));
        assert!(!ok(Format::RelativeJsonPointer, "01/roles"));
        assert!(ok(
            Format::UriTemplate,
            "https://x.example/{contract}/roles{?role,limit:3}"
        ));
        assert!(!ok(Format::UriTemplate, "https://x.example/{contract"));
        assert!(!ok(Format::UriTemplate, "{a..b}"));
        assert!(!ok(Format::UriTemplate, "a b"));
        assert!(ok(
            Format::UriReference,
            "../EnergyContract/v1/attributes.yaml#/x"
        ));
        assert!(ok(Format::Iri, "https://例え.example/パス"));
        assert!(ok(Format::Regex, "^[A-Z]{3}$"));
        assert!(!ok(Format::Regex, "^(abc"));
    }
}
