//! The trade as a whole: every message of a run is grouped with the others of its trade (by
//! `context.transaction_id`, and by contract id across transactions, since the cascade to the
//! grid operator may run under its own), ordered by `context.timestamp` (ties keep input
//! order) and checked as one story by [`rules`]. A trade is checked once its last message is
//! older than the window (in message time), or at the end of the input, and then forgotten,
//! so memory is bounded by the trades still open, not by the length of a log.

pub mod facts;
mod rules;
mod source;

use foldhash::{HashMap, HashMapExt};
use std::cell::OnceCell;
use std::sync::Arc;

use crate::finding::{Finding, Rule, Severity, TransactionRule, clipped_line};
use crate::source::Position;
pub use facts::MessageFacts;
use facts::Text;
use source::Reread;
pub use source::Source;

/// One message, where it came from, and when it arrived.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The input it belongs to, as the run numbers them.
    pub input: usize,
    /// That input's name, for findings that point back at it (shared by a log's lines).
    pub name: Arc<str>,
    pub facts: MessageFacts,
    /// Where to read the message again to place a value a finding names.
    source: Source,
    /// Its text, once a finding needed it.
    text: OnceCell<Option<Reread>>,
    arrival: usize,
}

impl Entry {
    /// The message's time, in nanoseconds since the epoch.
    fn time(&self) -> Option<i128> {
        Some(
            self.facts
                .timestamp
                .as_ref()?
                .value
                .instant()
                .unix_timestamp_nanos(),
        )
    }

    /// Where a located value of this message is, and its line's text when the message was
    /// read again for it (a message placed as it was read has no text left).
    fn place<T>(&self, located: &facts::Located<T>) -> (Position, Option<&str>) {
        let placed = located.position();
        if self.source == Source::Placed {
            return (placed, None);
        }
        match self.reread() {
            Some(text) => {
                let position = text.position(located.offset);
                (position, text.line(position.line))
            }
            None => (placed, None),
        }
    }

    /// The pointer of a located value of this message.
    fn pointer<T>(&self, located: &facts::Located<T>) -> String {
        match (&located.placed, self.reread()) {
            (Some(placed), _) => placed.0.clone(),
            (None, Some(text)) => text.pointer(located.offset),
            (None, None) => String::new(),
        }
    }

    /// The message read again, once.
    fn reread(&self) -> Option<&Reread> {
        self.text.get_or_init(|| self.source.reread()).as_ref()
    }

    /// `file:line:col` of a located value in this message.
    fn at<T>(&self, located: &facts::Located<T>) -> String {
        let (position, _) = self.place(located);
        format!("{}:{}:{}", self.name, position.line, position.column)
    }
}

/// A finding of a transaction check, and the input it is reported on.
pub type Placed = (usize, Finding);

/// A new finding of `rule` at `located` in `entry`.
fn finding<T>(
    rule: TransactionRule,
    entry: &Entry,
    located: &facts::Located<T>,
    message: String,
) -> Placed {
    let mut finding = Finding::new(Rule::Transaction(rule), entry.pointer(located), message);
    let (position, line) = entry.place(located);
    finding.position = Some(position);
    finding.line_text = line.map(clipped_line);
    (entry.input, finding)
}

/// The messages of one trade seen so far.
struct Trade {
    entries: Vec<Entry>,
    keys: Vec<Text>,
    /// The time of its latest message.
    last: i128,
}

impl Trade {
    fn new() -> Trade {
        Trade {
            entries: Vec::new(),
            keys: Vec::new(),
            last: i128::MIN,
        }
    }
}

/// Collects messages into trades and checks each trade once it is complete.
pub struct Ledger {
    window: i128,
    trades: HashMap<usize, Trade>,
    /// Which trade each transaction id (`t:`) and contract id (`c:`) belongs to.
    keys: HashMap<Text, usize>,
    /// Message ids of the open trades, with where they were first used.
    message_ids: HashMap<String, FirstUse>,
    /// No open trade's last message is older than this: below it, nothing can close.
    oldest_last: i128,
    next_trade: usize,
    arrivals: usize,
    latest: i128,
    /// How many messages of each input are in open trades. An input with none has had every
    /// trade finding it will get, and its report can go out.
    open: HashMap<usize, usize>,
    found: Found,
}

/// The trade findings of one input: the first `limit`, in the order found, and how many
/// more there were (errors, warnings).
#[derive(Debug, Default)]
pub struct InputFindings {
    pub kept: Vec<Finding>,
    pub beyond: (usize, usize),
}

/// The findings of the trades checked so far, per input, so that a log full of broken trades
/// holds no more than the limit in memory.
#[derive(Debug, Default)]
struct Found {
    inputs: HashMap<usize, InputFindings>,
    limit: usize,
}

impl Found {
    fn add(&mut self, (input, finding): Placed) {
        let found = self.inputs.entry(input).or_default();
        if found.kept.len() < self.limit {
            found.kept.push(finding);
            return;
        }
        let beyond = &mut found.beyond;
        match finding.severity {
            Severity::Error => beyond.0 += 1,
            Severity::Warning => beyond.1 += 1,
        }
    }
}

impl Ledger {
    /// A ledger that closes a trade `window_seconds` of message time after its last message.
    pub fn new(window_seconds: u64) -> Ledger {
        Ledger::keeping(window_seconds, usize::MAX)
    }

    /// As [`Ledger::new`], keeping the first `limit` findings of each input and counting
    /// the rest.
    pub fn keeping(window_seconds: u64, limit: usize) -> Ledger {
        Ledger {
            window: i128::from(window_seconds) * 1_000_000_000,
            trades: HashMap::new(),
            keys: HashMap::new(),
            message_ids: HashMap::new(),
            oldest_last: i128::MIN,
            next_trade: 0,
            arrivals: 0,
            latest: i128::MIN,
            open: HashMap::new(),
            found: Found {
                limit,
                ..Found::default()
            },
        }
    }

    /// Adds one message of input `input` (named `name`), which can be read again at `source`
    /// (or whose facts are placed already).
    pub fn add(&mut self, input: usize, name: &Arc<str>, source: Source, facts: MessageFacts) {
        let entry = Entry {
            input,
            name: Arc::clone(name),
            facts,
            source,
            text: OnceCell::new(),
            arrival: self.arrivals,
        };
        self.arrivals += 1;
        let keys = trade_keys(&entry.facts);
        if keys.is_empty() {
            return;
        }
        let time = entry.time().unwrap_or(self.latest);
        if time > self.latest {
            self.latest = time;
            self.close_older_than(self.latest.saturating_sub(self.window));
        }
        self.check_message_id(&entry);
        let trade = self.trade_for(&keys);
        let open = self.trades.entry(trade).or_insert_with(Trade::new);
        open.last = open.last.max(time);
        self.oldest_last = self.oldest_last.min(open.last);
        if open.entries.is_empty() {
            // Most trades of a run of bare contracts hold one message, and a `Vec` would
            // make room for four; later pushes grow it as usual.
            open.entries.reserve_exact(1);
            open.keys.reserve_exact(keys.len());
        }
        let input = entry.input;
        open.entries.push(entry);
        *self.open.entry(input).or_default() += 1;
        for key in keys {
            if !open.keys.contains(&key) {
                open.keys.push(key.clone());
            }
            self.keys.insert(key, trade);
        }
    }

    /// Whether no open trade holds a message of `input`: its trade findings are all found.
    pub fn settled(&self, input: usize) -> bool {
        !self.open.contains_key(&input)
    }

    /// The trade findings of `input` found so far, taken out of the ledger.
    pub fn take(&mut self, input: usize) -> InputFindings {
        self.found.inputs.remove(&input).unwrap_or_default()
    }

    /// Checks every trade still open (at the end of the run): every input is then settled.
    pub fn close_all(&mut self) {
        self.close_older_than(i128::MAX);
    }

    fn check_message_id(&mut self, entry: &Entry) {
        let Some(id) = &entry.facts.message_id else {
            return;
        };
        if let Some(first) = self.message_ids.get(id.value.as_str()) {
            let at = first.position();
            let message = format!(
                "message id `{}` is already used at {}:{}:{}",
                id.value, first.name, at.line, at.column
            );
            self.found
                .add(finding(TransactionRule::MessageId, entry, id, message));
            return;
        }
        let first = FirstUse {
            name: Arc::clone(&entry.name),
            source: entry.source.clone(),
            offset: id.offset,
            position: id.position(),
            located: OnceCell::new(),
        };
        self.message_ids.insert(id.value.to_string(), first);
    }

    /// The trade the keys belong to, merging trades a message shows to be one.
    fn trade_for(&mut self, keys: &[Text]) -> usize {
        let mut found: Vec<usize> = keys
            .iter()
            .filter_map(|key| self.keys.get(key))
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        let Some((&first, rest)) = found.split_first() else {
            self.next_trade += 1;
            return self.next_trade;
        };
        for other in rest {
            if let Some(merged) = self.trades.remove(other) {
                for key in &merged.keys {
                    self.keys.insert(key.clone(), first);
                }
                let target = self.trades.entry(first).or_insert_with(Trade::new);
                target.last = target.last.max(merged.last);
                target.entries.extend(merged.entries);
                target.keys.extend(merged.keys);
            }
        }
        first
    }

    fn close_older_than(&mut self, cutoff: i128) {
        if cutoff <= self.oldest_last && cutoff != i128::MAX {
            return;
        }
        let closing: Vec<usize> = self
            .trades
            .iter()
            .filter(|(_, trade)| trade.last < cutoff)
            .map(|(id, _)| *id)
            .collect();
        let mut closing = closing;
        closing.sort_unstable();
        for id in closing {
            let Some(mut trade) = self.trades.remove(&id) else {
                continue;
            };
            for key in &trade.keys {
                self.keys.remove(key);
            }
            for entry in &trade.entries {
                if let Some(id) = &entry.facts.message_id {
                    self.message_ids.remove(id.value.as_str());
                }
                if let Some(open) = self.open.get_mut(&entry.input) {
                    *open -= 1;
                    if *open == 0 {
                        self.open.remove(&entry.input);
                    }
                }
            }
            trade
                .entries
                .sort_by_key(|entry| (entry.time().unwrap_or(i128::MAX), entry.arrival));
            let mut found = Vec::new();
            rules::check(&trade.entries, &mut found);
            found.into_iter().for_each(|placed| self.found.add(placed));
        }
        self.oldest_last = self
            .trades
            .values()
            .map(|trade| trade.last)
            .min()
            .unwrap_or(i128::MAX);
    }
}

/// Where a message id was first used.
struct FirstUse {
    name: Arc<str>,
    source: Source,
    /// The byte of its message it starts at.
    offset: usize,
    /// Its position, if placed when it was read.
    position: Position,
    /// Its position read again from the source, once: a log may reuse one id many times.
    located: OnceCell<Position>,
}

impl FirstUse {
    fn position(&self) -> Position {
        *self.located.get_or_init(|| {
            self.source
                .reread()
                .map_or(self.position, |text| text.position(self.offset))
        })
    }
}

/// The ids that tie a message to a trade.
/// Each is kept inline when short (a prefix and an id of up to 22 bytes), as most are.
fn trade_keys(facts: &MessageFacts) -> Vec<Text> {
    let key = |prefix: &str, id: &str| {
        let mut key = Text::with_capacity(prefix.len() + id.len());
        key.push_str(prefix);
        key.push_str(id);
        key
    };
    let mut keys = Vec::new();
    if let Some(id) = &facts.transaction_id {
        keys.push(key("t:", &id.value));
    }
    for contract in &facts.contracts {
        if let Some(id) = &contract.id {
            keys.push(key("c:", &id.value));
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(source: Source) -> Entry {
        Entry {
            input: 0,
            name: Arc::from("m.json"),
            facts: MessageFacts::default(),
            source,
            text: OnceCell::new(),
            arrival: 0,
        }
    }

    #[test]
    fn a_value_is_placed_as_it_was_checked_when_its_message_cannot_be_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let gone = entry(Source::File(Arc::from(
            dir.path().join("gone.json").as_path(),
        )));
        let unplaced = facts::Located::new("m-1".to_owned(), 27);
        assert_eq!(gone.pointer(&unplaced), "");
        assert_eq!(
            gone.place(&unplaced),
            (Position { line: 1, column: 1 }, None)
        );
        let mut placed = unplaced.clone();
        let at = Position { line: 3, column: 9 };
        placed.placed = Some(Box::new(("/context/message_id".to_owned(), at)));
        assert_eq!(gone.pointer(&placed), "/context/message_id");
        assert_eq!(gone.place(&placed), (at, None));
        let stdin = entry(Source::Placed);
        assert_eq!(stdin.place(&placed), (at, None));
        assert_eq!(stdin.pointer(&unplaced), "");
    }
}
