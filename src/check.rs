//! Checks one Beckn message: JSON syntax and duplicate keys, every object a generated schema
//! describes (found by `@type`), and the business rules; then maps findings onto the source.

use deg_contracts_runtime::json::{self, Value};
use deg_contracts_runtime::pointer;
use deg_contracts_runtime::view::Node;
use deg_contracts_schema::energy_trade_delivery_v1::EnergyTradeDelivery;
use deg_contracts_schema::energy_trade_delivery_v1::views::EnergyTradeDeliveryView;

use crate::beckn;
use crate::contract::Contract;
use crate::discover::{Skipped, noted_objects, unloaded_for};
use crate::finding::{Finding, Rule, Severity, clipped_line};
use crate::rules;
use crate::schemas::Schemas;
use crate::settings::Settings;
use crate::source::{self, Position};
use crate::transaction::{MessageFacts, facts};

/// Everything found in one message.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MessageReport {
    pub findings: Vec<Finding>,
    /// How many typed objects were checked.
    pub objects: usize,
    /// Objects whose `@type` no schema describes: (pointer, type).
    pub skipped: Vec<(String, String)>,
    /// Findings beyond the per-file limit, counted but not kept: (errors, warnings).
    pub not_kept: (usize, usize),
    /// What the transaction checks read, one per message (a log has many), placed.
    pub facts: Vec<MessageFacts>,
}

/// Counts one finding beyond a report's limit in its `not_kept` (errors, warnings).
pub(crate) fn count_not_kept(not_kept: &mut (usize, usize), severity: Severity) {
    match severity {
        Severity::Error => not_kept.0 += 1,
        Severity::Warning => not_kept.1 += 1,
    }
}

impl MessageReport {
    /// How many findings of `severity` the message has, kept or not.
    pub fn count(&self, severity: Severity) -> usize {
        let kept = self
            .findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count();
        kept + match severity {
            Severity::Error => self.not_kept.0,
            Severity::Warning => self.not_kept.1,
        }
    }
}

/// Checks a message's raw bytes; findings carry line, column and source line.
pub fn check_bytes(bytes: &[u8]) -> MessageReport {
    check_bytes_at_most(bytes, usize::MAX)
}

/// How much a check keeps beyond its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    /// The most findings listed; the rest are counted.
    pub findings: usize,
    /// Whether to keep what the transaction checks read.
    pub facts: bool,
    /// Whether to place those facts now. A caller that can read the message again later
    /// leaves them unplaced and places only the few a transaction finding is about
    /// ([`crate::transaction::Source`]).
    pub place_facts: bool,
    /// How the rules read what upstream leaves open.
    pub settings: Settings,
    /// The schemas objects are judged by.
    pub schemas: Schemas,
    /// Whether the report lists the typed objects no schema judges (for `--verbose`).
    pub skipped: bool,
}

/// Checks a message's raw bytes, keeping its first `limit` findings (each with line, column
/// and source line) and counting the rest, so that memory stays bounded by the limit and not
/// by how broken the message is. A report that dropped some ends with a `findings-limit`
/// warning that says how many.
pub fn check_bytes_at_most(bytes: &[u8], limit: usize) -> MessageReport {
    check_bytes_keeping(
        bytes,
        Keep {
            findings: limit,
            facts: true,
            place_facts: true,
            settings: Settings::default(),
            schemas: Schemas::Compiled,
            skipped: true,
        },
    )
}

/// As [`check_bytes_at_most`], keeping the facts the transaction checks read only when asked.
pub fn check_bytes_keeping(bytes: &[u8], keep: Keep) -> MessageReport {
    let mut report = check_bytes_counting(bytes, keep);
    if report.not_kept != (0, 0) {
        let first_line = std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| text.lines().next())
            .map(|line| clipped_line(line.trim_end_matches('\r')));
        report.note_findings_limit(keep.findings, first_line);
    }
    report
}

/// As [`check_bytes_keeping`], with the findings beyond the limit counted but not noted: for a
/// caller that merges many messages into one report and notes the limit once, whatever
/// share of it each message was given.
pub fn check_bytes_counting(bytes: &[u8], keep: Keep) -> MessageReport {
    // simdutf8 validates several times faster than the standard library, which then says
    // where text that is not UTF-8 goes wrong.
    let text = match simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes)) {
        Ok(text) => text,
        Err(error) => {
            let valid = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
            let mut finding = Finding::new(
                Rule::JsonSyntax,
                "",
                format!(
                    "not valid UTF-8: byte {:#04x} at offset {}",
                    bytes[error.valid_up_to()],
                    error.valid_up_to()
                ),
            );
            finding.position = Some(source::position(valid, valid.len()));
            return MessageReport {
                findings: vec![finding],
                ..MessageReport::default()
            };
        }
    };
    with_arena(|arena| check_text(text, keep, arena))
}

/// An arena that grew past this for one huge message is not kept for the next.
const KEPT: usize = 16 << 20;

/// A worker's arena for the message it is checking, reset for each message. Should a check
/// run inside another (it does not today), the inner one gets an arena of its own.
fn with_arena<R>(check: impl FnOnce(&json::Arena) -> R) -> R {
    thread_local! {
        static ARENA: std::cell::RefCell<json::Arena> = std::cell::RefCell::default();
    }
    ARENA.with(|cell| match cell.try_borrow_mut() {
        Ok(mut arena) => {
            arena.reset();
            let result = check(&arena);
            if arena.allocated_bytes() > KEPT {
                *arena = json::Arena::new();
            }
            result
        }
        Err(_) => check(&json::Arena::new()),
    })
}

/// [`check_bytes_counting`] on text that is UTF-8, its tree built in `arena`.
fn check_text(text: &str, keep: Keep, arena: &json::Arena) -> MessageReport {
    let limit = keep.findings;
    let (message, has_duplicate_keys, typed) = match json::parse_noting(text, arena) {
        Ok(parsed) => (parsed.value, parsed.repeats_a_key, parsed.typed),
        Err(_) => {
            let error = json::why_not(text);
            let mut finding = Finding::new(Rule::JsonSyntax, "", json_error_message(&error));
            finding.position = Some(Position {
                line: error.line().max(1),
                column: error.column().max(1),
            });
            finding.line_text = line_of(text, error.line());
            return MessageReport {
                findings: vec![finding],
                ..MessageReport::default()
            };
        }
    };
    let mut report = MessageReport::default();
    let (duplicates, repeats_not_kept) = if has_duplicate_keys {
        source::duplicate_keys_at_most(text, limit)
    } else {
        (Vec::new(), 0)
    };
    report.not_kept.0 += repeats_not_kept;
    for duplicate in duplicates {
        let mut finding = Finding::new(
            Rule::DuplicateKey,
            &duplicate.pointer,
            format!(
                "key `{}` appears more than once in this object; parsers keep only one",
                last_segment(&duplicate.pointer)
            ),
        );
        finding.position = Some(duplicate.position);
        report.findings.push(finding);
    }
    let room = limit.saturating_sub(report.findings.len());
    let checked = check_parsed(&message, &typed, text, room, &keep);
    report.objects = checked.objects;
    report.skipped = checked.skipped;
    report.findings.extend(checked.findings);
    report.not_kept.0 += checked.not_kept.0;
    report.not_kept.1 += checked.not_kept.1;
    report.facts = checked.facts;
    if report.findings.len() > limit {
        for finding in report.findings.drain(limit..) {
            count_not_kept(&mut report.not_kept, finding.severity);
        }
    }
    let unplaced: Vec<&str> = report
        .findings
        .iter()
        .filter(|finding| finding.position.is_none())
        .map(|finding| finding.pointer.as_str())
        .collect();
    let placed: Vec<usize> = report
        .findings
        .iter()
        .filter(|finding| finding.position.is_none())
        .zip(offsets(text, &message, has_duplicate_keys, &unplaced))
        .map(|(finding, offset)| match finding.column_in_value {
            Some(column) => source::offset_in_string(text, offset, column),
            None => offset,
        })
        .collect();
    if keep.place_facts {
        facts::place(text, &message, &mut report.facts);
    }
    let mut placements = source::placements(text, &placed).into_iter();
    // For the few findings placed before (repeated keys), built for the first that shows its
    // line: most messages have none.
    let mut lines: Option<source::LineIndex> = None;
    // Findings on one line (all of them, in a minified file) share its clipped text.
    let mut last_line: Option<(usize, Option<String>)> = None;
    for finding in &mut report.findings {
        let line_start = match finding.position {
            Some(_) => None,
            None => {
                let placement = placements.next().unwrap_or(source::Placement::START);
                finding.position = Some(placement.position);
                Some(placement.line_start)
            }
        };
        if finding.line_text.is_none()
            && let Some(line) = finding.position.map(|position| position.line)
        {
            let shared = match &last_line {
                Some((at, clipped)) if *at == line => clipped.clone(),
                _ => {
                    let clipped = match line_start {
                        Some(start) => Some(clipped_line(source::line_at(text, start))),
                        None => lines
                            .get_or_insert_with(|| source::LineIndex::new(text))
                            .line(text, line)
                            .map(clipped_line),
                    };
                    last_line = Some((line, clipped.clone()));
                    clipped
                }
            };
            finding.line_text = shared;
        }
    }
    report.findings.sort_by_key(|finding| finding.position);
    report
}

/// Where each pointer's value (or its nearest existing parent) starts: read off the parsed
/// message, or, when some key repeats, by the walk over the text that places the repeats.
fn offsets(text: &str, message: &Value<'_>, repeats: bool, pointers: &[&str]) -> Vec<usize> {
    if repeats {
        return source::offsets_all(text, pointers);
    }
    pointers
        .iter()
        .map(|pointer| message.nearest(pointer).span().start)
        .collect()
}

impl MessageReport {
    /// Ends the report with a `findings-limit` warning when findings beyond `limit` were
    /// counted and not kept; `first_line` is the text the note is shown on.
    pub fn note_findings_limit(&mut self, limit: usize, first_line: Option<String>) {
        let (errors, warnings) = self.not_kept;
        if errors + warnings == 0 {
            return;
        }
        let mut finding = Finding::new(
            Rule::FindingsLimit,
            "",
            format!(
                "{} more findings in this file are not listed ({errors} errors, {warnings} warnings): \
                 the gate lists the first {limit} of a file (raise --max-findings)",
                errors + warnings
            ),
        );
        finding.position = Some(Position { line: 1, column: 1 });
        finding.line_text = first_line;
        self.findings.push(finding);
    }
}

/// Checks a parsed message; findings carry pointers only. Numbers with more digits than an
/// `f64` keeps have already lost them in the parse: [`check_bytes`] reads those exactly.
pub fn check_message(message: &serde_json::Value) -> MessageReport {
    let text = message.to_string();
    let arena = json::Arena::new();
    let Ok(parsed) = json::parse_noting(&text, &arena) else {
        return check_bytes(text.as_bytes());
    };
    let keep = Keep {
        findings: usize::MAX,
        facts: false,
        place_facts: false,
        settings: Settings::default(),
        schemas: Schemas::Compiled,
        skipped: true,
    };
    check_parsed(&parsed.value, &parsed.typed, &text, usize::MAX, &keep)
}

/// Checks a parsed message, keeping at most `limit` schema findings and counting the rest,
/// and what else `keep` asks for (the facts the transaction checks read, the skipped objects).
/// `typed` is where its typed objects start, as its parse noted them.
fn check_parsed(
    message: &Value<'_>,
    typed: &[u32],
    text: &str,
    limit: usize,
    keep: &Keep,
) -> MessageReport {
    let (facts, settings, schemas) = (keep.facts, &keep.settings, keep.schemas);
    let mut report = MessageReport::default();
    let mut other_versions = Vec::new();
    let mut skipped = Vec::new();
    let objects = noted_objects(message, typed, schemas, &mut skipped, &mut other_versions);
    report.objects = objects.len();
    // A retired design is reported, and so no longer merely skipped.
    let findings = &mut report.findings;
    skipped.retain(|Skipped { value, type_name }| {
        let Some(current) = schemas.replaced_by(type_name) else {
            return true;
        };
        findings.push(Finding::new(
            Rule::LegacyForm,
            message.pointer_to(value),
            format!(
                "`{type_name}` is a retired design, replaced by `{current}`: this object is \
                 not checked; `deg-contracts migrate` moves it (and its trade) to the \
                 `{current}` form"
            ),
        ));
        false
    });
    // An object whose schema was left out of the run is reported, never passed in silence,
    // and what it would have said is unread, not absent.
    let mut unloaded_delivery = false;
    if !schemas.unloaded().is_empty() {
        skipped.retain(|Skipped { value, type_name }| {
            let Some(broken) = unloaded_for(schemas, value) else {
                return true;
            };
            unloaded_delivery |= type_name == EnergyTradeDelivery::TYPE_NAME;
            findings.push(Finding::new(
                Rule::Schema(UNLOADED),
                message.pointer_to(value),
                format!(
                    "`{type_name}` is not checked: its schema ({}) could not be loaded: {}",
                    broken.entry, broken.reason
                ),
            ));
            false
        });
    }
    if keep.skipped {
        report.skipped = skipped
            .into_iter()
            .map(|object| (message.pointer_to(object.value), object.type_name))
            .collect();
    }
    for object in &objects {
        let room = limit.saturating_sub(report.findings.len());
        let errors = object.schema.validate_at_most(object.value, room);
        report.not_kept.0 += errors.beyond;
        for error in errors.kept {
            report.findings.push(Finding {
                schema_location: Some(error.schema_location),
                ..Finding::new(
                    Rule::Schema(error.kind.code()),
                    format!("{}{}", object.pointer, error.instance_path),
                    error.kind.to_string(),
                )
            });
        }
    }
    let action = message.pointer(beckn::ACTION).and_then(Value::as_str);
    let contracts: Vec<Contract<'_>> = objects
        .iter()
        .filter_map(|object| {
            Some(Contract::new(
                object.value,
                &object.pointer,
                object.type_name,
                object.schema.schema.roles?,
            ))
        })
        .collect();
    for contract in &contracts {
        rules::check_contract(contract, action, &mut report.findings);
        rules::check_order(contract, message, &mut report.findings);
    }
    let deliveries = objects
        .iter()
        .filter(|object| object.type_name == EnergyTradeDelivery::TYPE_NAME);
    let deliveries: Vec<EnergyTradeDeliveryView<'_>> = deliveries
        .map(|delivery| Node::new(delivery.value, delivery.pointer.as_str()).into())
        .collect();
    for view in &deliveries {
        rules::check_delivery(view, contracts.first(), settings, &mut report.findings);
    }
    for contract in &contracts {
        let unread_delivery =
            unloaded_delivery || other_versions.contains(&EnergyTradeDelivery::TYPE_NAME);
        rules::check_fulfilment(contract, &deliveries, unread_delivery, &mut report.findings);
    }
    if facts {
        report.facts = vec![facts::extract(message, text, &contracts, &deliveries)];
    }
    report
}

/// The schema family's kind for an object whose schema could not be loaded.
const UNLOADED: &str = "unloaded";

/// serde_json's message for input nested deeper than it will go (128 levels).
const RECURSION_LIMIT: &str = "recursion limit exceeded";

/// serde_json's message without the position it appends, which the finding carries itself;
/// the suffix is rebuilt from the error's own line and column, not searched for.
fn json_error_message(error: &serde_json::Error) -> String {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let text = full.strip_suffix(&suffix).unwrap_or(&full);
    if text == RECURSION_LIMIT {
        "nested more than 128 levels deep".to_owned()
    } else {
        format!("not valid JSON: {text}")
    }
}

fn last_segment(pointer: &str) -> String {
    pointer::tokens(pointer)
        .last()
        .map(|token| token.into_owned())
        .unwrap_or_default()
}

fn line_of(text: &str, line: usize) -> Option<String> {
    text.lines()
        .nth(line.checked_sub(1)?)
        .map(|line| clipped_line(line.trim_end_matches('\r')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_not_utf8_is_told_apart_and_placed_as_the_standard_library_does() {
        let cases: [&[u8]; 9] = [
            b"{\"a\": \"caf\xc3\xa9\"}",
            b"{\"a\": \"\xf0\x9f\x98\x80\"}",
            b"{\"a\": \"\xc3\"}",
            b"{\"a\": \"\xed\xa0\x80\"}",
            b"{\"a\": \"\xc0\xaf\"}",
            b"{\"a\": \"\xf4\x90\x80\x80\"}",
            b"{\"a\": \"\xff\"}",
            b"{\"a\": 1}\xe2\x82",
            b"{\"a\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789\x80\"}",
        ];
        for bytes in cases {
            let report = check_bytes(bytes);
            let said = report
                .findings
                .iter()
                .find(|f| f.message.starts_with("not valid UTF-8"));
            match std::str::from_utf8(bytes) {
                Ok(_) => assert!(said.is_none(), "{bytes:?}"),
                Err(error) => {
                    let said = said.unwrap_or_else(|| panic!("{bytes:?}"));
                    let offset = format!("at offset {}", error.valid_up_to());
                    assert!(said.message.ends_with(&offset), "{}", said.message);
                }
            }
        }
    }

    #[test]
    fn a_check_inside_another_gets_its_own_arena_and_a_huge_one_is_not_kept() {
        let (outer, inner) = with_arena(|outer| {
            let inner = with_arena(|inner| std::ptr::from_ref(inner) as usize);
            (std::ptr::from_ref(outer) as usize, inner)
        });
        assert_ne!(outer, inner);
        with_arena(|arena| arena.alloc_slice_fill_copy(KEPT + 1, 0u8).len());
        with_arena(|arena| {
            assert!(
                arena.allocated_bytes() <= KEPT,
                "{}",
                arena.allocated_bytes()
            )
        });
    }

    #[test]
    fn skipped_objects_are_listed_only_when_asked_and_a_retired_one_is_named_either_way() {
        let text = br#"{"message": {"order": {"@type": "beckn:Order", "items": [
            {"@type": "EnergyTradeContract"}]}}}"#;
        let keep = |skipped| Keep {
            findings: usize::MAX,
            facts: false,
            place_facts: false,
            settings: Settings::default(),
            schemas: Schemas::Compiled,
            skipped,
        };
        let listed = check_bytes_keeping(text, keep(true));
        let unlisted = check_bytes_keeping(text, keep(false));
        assert_eq!(
            listed.skipped,
            [("/message/order".to_owned(), "beckn:Order".to_owned())]
        );
        assert!(unlisted.skipped.is_empty());
        for report in [&listed, &unlisted] {
            let [finding] = report.findings.as_slice() else {
                panic!("{:?}", report.findings);
            };
            assert_eq!(
                (finding.rule, finding.pointer.as_str()),
                (Rule::LegacyForm, "/message/order/items/0")
            );
        }
    }

    #[test]
    fn a_value_is_checked_as_its_text_and_one_too_deep_to_read_says_so() {
        let message: serde_json::Value = serde_json::from_str(
            r#"{"message": {"order": {"beckn:orderAttributes": {"@type": "EnergyContractP2PTrade", "contractId": 7}}}}"#,
        )
        .unwrap();
        let report = check_message(&message);
        assert_eq!(report.objects, 1);
        assert!(
            report
                .findings
                .iter()
                .all(|finding| finding.position.is_none())
        );
        assert!(report.findings.iter().any(|finding| finding.pointer
            == "/message/order/beckn:orderAttributes/contractId"));
        let mut deep = serde_json::json!(1);
        for _ in 0..200 {
            deep = serde_json::json!([deep]);
        }
        let report = check_message(&deep);
        let [finding] = report.findings.as_slice() else {
            panic!("{:?}", report.findings);
        };
        assert_eq!(finding.rule, Rule::JsonSyntax);
        assert_eq!(finding.message, "nested more than 128 levels deep");
    }
}
