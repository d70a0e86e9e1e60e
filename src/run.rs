//! Runs the check over many inputs: files, directories (every `*.json` below, sorted) and
//! standard input. Files are checked in parallel, a batch at a time per worker, and results come
//! back in input order, so output is deterministic and a large directory never sits in memory.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::check::{Keep, MessageReport, check_bytes_keeping};
use crate::finding::{Finding, Rule, Severity};
use crate::read::{FileReader, Kind};
use crate::schemas::Schemas;
use crate::settings::Settings;
use crate::source::Position;

/// One thing to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file of any kind (a FIFO or a device too): its size is asked before it is read.
    File(PathBuf),
    /// A regular file, as its directory's listing or a stat found it: read without asking
    /// its size first, since a read of it that comes back short is its end.
    Plain(PathBuf),
    Stdin,
}

impl Input {
    /// The file it names; None for standard input.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::File(path) | Input::Plain(path) => Some(path),
            Input::Stdin => None,
        }
    }

    /// [`Input::path`], owned.
    pub fn into_path(self) -> Option<PathBuf> {
        match self {
            Input::File(path) | Input::Plain(path) => Some(path),
            Input::Stdin => None,
        }
    }

    /// How reports name it.
    pub fn name(&self) -> String {
        match self {
            // As `display` writes it (one U+FFFD for each byte run that is not UTF-8), without
            // the formatting machinery.
            Input::File(path) | Input::Plain(path) => path.to_string_lossy().into_owned(),
            Input::Stdin => "<stdin>".to_owned(),
        }
    }
}

/// A path that cannot be checked.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct InputError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Expands the command line's paths: `-` is standard input, a directory is every `*.json`
/// below it in sorted order, anything else a file. Every unreadable path is reported.
pub fn expand(paths: &[PathBuf]) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => match listed_files(path) {
                Ok(files) => inputs.extend(files),
                Err(error) => errors.push(error),
            },
            Ok(meta) if meta.is_file() => inputs.push(Input::Plain(path.clone())),
            Ok(_) => inputs.push(Input::File(path.clone())),
            Err(source) => errors.push(InputError {
                path: path.clone(),
                source,
            }),
        }
    }
    (inputs, errors)
}

/// Every `*.json` file (and message log, `*.jsonl` or `*.ndjson`) below `dir`, sorted.
pub fn json_files(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let files = listed_files(dir)?;
    Ok(files.into_iter().filter_map(Input::into_path).collect())
}

/// [`json_files`] as inputs, each a [`Input::Plain`] where its listing says it is a regular file.
fn listed_files(dir: &Path) -> Result<Vec<Input>, InputError> {
    let mut files = Vec::new();
    // Each directory's entries sorted by name, walked in that order, each subdirectory
    // entered where it sorts: that is `Path` order (component by component), with no sort
    // key made for each path. A stack of directories, so deep trees cannot overflow.
    let mut pending = vec![listed(dir)?.into_iter()];
    while let Some(entries) = pending.last_mut() {
        match entries.next() {
            None => {
                pending.pop();
            }
            Some(Listed::Dir(path)) => pending.push(listed(&path)?.into_iter()),
            Some(Listed::File(path)) => files.push(path),
        }
    }
    Ok(files)
}

/// An entry of a directory that [`json_files`] keeps.
enum Listed {
    Dir(PathBuf),
    File(Input),
}

impl Listed {
    fn bytes(&self) -> &[u8] {
        let path = match self {
            Listed::Dir(path) => path.as_path(),
            Listed::File(file) => file.path().unwrap_or(Path::new("")),
        };
        path.as_os_str().as_encoded_bytes()
    }
}

/// A directory's subdirectories and its JSON files and logs, sorted by name.
fn listed(dir: &Path) -> Result<Vec<Listed>, InputError> {
    let error = |source| InputError {
        path: dir.to_owned(),
        source,
    };
    let mut listed = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(error)? {
        let entry = entry.map_err(error)?;
        let path = entry.path();
        // The entry's own type needs no stat of its own (a link is followed as before).
        let (is_dir, is_file) = match entry.file_type().map_err(error)? {
            kind if kind.is_symlink() => path
                .metadata()
                .map_or((false, false), |meta| (meta.is_dir(), meta.is_file())),
            kind => (kind.is_dir(), kind.is_file()),
        };
        if is_dir {
            listed.push(Listed::Dir(path));
        } else if has_extension(&path, "json") || crate::trades::is_log(&path) {
            listed.push(Listed::File(if is_file {
                Input::Plain(path)
            } else {
                Input::File(path)
            }));
        }
    }
    // All begin with `dir` and a separator, so their bytes compare as their names do.
    listed.sort_unstable_by(|a, b| a.bytes().cmp(b.bytes()));
    Ok(listed)
}

/// Whether `path`'s extension is `ext`, as [`Path::extension`] tells, from its bytes: a run
/// over thousands of files asks it of each, and the standard one splits the path into
/// components to find the name.
pub fn has_extension(path: &Path, ext: &str) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    let name = memchr::memrchr(b'/', bytes).map_or(bytes, |slash| &bytes[slash + 1..]);
    if matches!(name, b"" | b"." | b"..") {
        // A path that ends in a separator or a dot component: rare, and the standard
        // library's rules for it are its own.
        return path.extension().is_some_and(|found| found == ext);
    }
    // The dot must not be the name's first byte: `.json` is a name with no extension.
    name.len() > ext.len() + 1
        && name.ends_with(ext.as_bytes())
        && name[name.len() - ext.len() - 1] == b'.'
}

/// The result of one input.
#[derive(Debug)]
pub struct FileResult {
    pub name: String,
    /// The report, or why the input could not be read.
    pub outcome: Result<MessageReport, std::io::Error>,
}

impl FileResult {
    pub fn count(&self, severity: Severity) -> usize {
        match &self.outcome {
            Ok(report) => report.count(severity),
            Err(_) => 0,
        }
    }
}

/// Totals over a run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub objects: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Inputs that could not be read.
    pub unreadable: usize,
}

impl Summary {
    pub fn add(&mut self, result: &FileResult) {
        self.files += 1;
        match &result.outcome {
            Ok(report) => self.objects += report.objects,
            Err(_) => self.unreadable += 1,
        }
        self.errors += result.count(Severity::Error);
        self.warnings += result.count(Severity::Warning);
    }
}

/// What the gate will read.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest input, in bytes, the gate reads; larger ones get a `file-too-large` finding.
    pub max_file_size: u64,
    /// The most findings listed for one file; the rest are counted in a `findings-limit`
    /// warning, so a file broken everywhere costs the memory of this many.
    pub max_findings: usize,
    /// Whether each report keeps what the transaction checks read.
    pub facts: bool,
    /// How the rules read what upstream leaves open (`deg-contracts.toml`).
    pub settings: Settings,
    /// The schemas objects are judged by.
    pub schemas: Schemas,
    /// Whether each report lists the typed objects no schema judges (for `--verbose`).
    pub skipped: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_size: 64 * 1024 * 1024,
            max_findings: 1000,
            facts: true,
            settings: Settings::default(),
            schemas: Schemas::Compiled,
            skipped: true,
        }
    }
}

fn check_input(input: &Input, limits: Limits, reader: &mut FileReader) -> FileResult {
    let limit = limits.max_file_size;
    let keep = Keep {
        findings: limits.max_findings,
        facts: limits.facts,
        settings: limits.settings,
        schemas: limits.schemas,
        skipped: limits.skipped,
        // A file can be read again should a transaction finding need its positions.
        place_facts: *input == Input::Stdin,
    };
    let check = |bytes: Option<&[u8]>| match bytes {
        Some(bytes) => isolated(|| check_bytes_keeping(bytes, keep)),
        None => too_large(limit),
    };
    let outcome = match input {
        Input::File(path) => reader.read(path, limit, Kind::Any).map(check),
        Input::Plain(path) => reader.read(path, limit, Kind::Plain).map(check),
        Input::Stdin => {
            read_at_most(std::io::stdin().lock(), limit).map(|bytes| check(bytes.as_deref()))
        }
    };
    FileResult {
        name: input.name(),
        outcome,
    }
}

/// The whole input, or None when it is longer than `limit` (never reading more than one byte
/// past it).
fn read_at_most(reader: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

fn too_large(limit: u64) -> MessageReport {
    file_finding(
        Rule::FileTooLarge,
        format!(
            "the file is larger than {limit} bytes, the most the gate reads; not checked (raise --max-file-size)"
        ),
    )
}

/// A report of one finding about the file as a whole, placed at its start.
fn file_finding(rule: Rule, message: String) -> MessageReport {
    let mut finding = Finding::new(rule, "", message);
    finding.position = Some(Position { line: 1, column: 1 });
    MessageReport {
        findings: vec![finding],
        ..MessageReport::default()
    }
}

/// Runs one file's check so that a panic in it (a bug, by definition) becomes an
/// `internal-error` finding on that file instead of ending the run and every other report.
pub fn isolated(check: impl FnOnce() -> MessageReport) -> MessageReport {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)) {
        Ok(report) => report,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "an unknown panic".to_owned());
            internal_error(&reason)
        }
    }
}

/// The report of a check that failed (a bug): one `internal-error` finding asking for the file.
pub fn internal_error(reason: &str) -> MessageReport {
    file_finding(
        Rule::InternalError,
        format!("deg-contracts failed on this file ({reason}); please report it with the file"),
    )
}

/// Checks every input on `jobs` threads and hands each result to `deliver` in input order.
/// Workers take files a batch at a time, so that a thread hand-off is paid per batch and not
/// per file. The calling thread is one of the workers: between batches of its own it hands
/// on the results that are ready, so `jobs` threads share `jobs` cores with no third party.
pub fn check_all(
    inputs: &[Input],
    jobs: usize,
    limits: Limits,
    mut deliver: impl FnMut(FileResult),
) {
    let jobs = jobs.clamp(1, inputs.len().max(1));
    if jobs == 1 {
        let mut reader = FileReader::default();
        for input in inputs {
            deliver(check_input(input, limits, &mut reader));
        }
        return;
    }
    let batches = Batches {
        inputs,
        size: batch_size(inputs.len(), jobs),
        next: AtomicUsize::new(0),
    };
    // Room for a slow batch to hold up the in-order delivery without blocking the others.
    let (sender, receiver) = mpsc::sync_channel::<(usize, Vec<FileResult>)>(jobs * 8);
    std::thread::scope(|scope| {
        for _ in 1..jobs {
            let sender = sender.clone();
            let batches = &batches;
            scope.spawn(move || {
                let mut reader = FileReader::default();
                while let Some((number, taken)) = batches.claim() {
                    let results = check_batch(taken, limits, &mut reader);
                    if sender.send((number, results)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut in_order = InOrder::default();
        let mut reader = FileReader::default();
        while let Some((number, taken)) = batches.claim() {
            in_order.add(number, check_batch(taken, limits, &mut reader));
            while let Ok((number, results)) = receiver.try_recv() {
                in_order.add(number, results);
            }
            in_order.deliver(&mut deliver);
        }
        for (number, results) in receiver {
            in_order.add(number, results);
            in_order.deliver(&mut deliver);
        }
        in_order.deliver(&mut deliver);
    });
}

/// The inputs, handed out a batch at a time to whichever thread asks next.
struct Batches<'i> {
    inputs: &'i [Input],
    size: usize,
    next: AtomicUsize,
}

impl<'i> Batches<'i> {
    /// The next batch and its number, or None once every input is taken.
    fn claim(&self) -> Option<(usize, &'i [Input])> {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        let start = number.saturating_mul(self.size);
        let taken = self
            .inputs
            .get(start..start.saturating_add(self.size).min(self.inputs.len()))?;
        (!taken.is_empty()).then_some((number, taken))
    }
}

fn check_batch(taken: &[Input], limits: Limits, reader: &mut FileReader) -> Vec<FileResult> {
    taken
        .iter()
        .map(|input| check_input(input, limits, reader))
        .collect()
}

/// Batches' results as they come, handed on in batch order.
#[derive(Default)]
struct InOrder {
    waiting: BTreeMap<usize, Vec<FileResult>>,
    expected: usize,
}

impl InOrder {
    fn add(&mut self, number: usize, results: Vec<FileResult>) {
        self.waiting.insert(number, results);
    }

    /// Hands on every result whose batch and all batches before it are in.
    fn deliver(&mut self, deliver: &mut impl FnMut(FileResult)) {
        while let Some(results) = self.waiting.remove(&self.expected) {
            results.into_iter().for_each(&mut *deliver);
            self.expected += 1;
        }
    }
}

/// Files per batch: enough to make a hand-off rare, few enough that every worker gets
/// several batches (the last ones finish together) and a slow file delays little output.
fn batch_size(files: usize, jobs: usize) -> usize {
    (files / (jobs * 8)).clamp(1, 32)
}

#[cfg(test)]
mod tests {
    use super::{has_extension, isolated};
    use std::path::{Path, PathBuf};

    #[cfg(unix)]
    #[test]
    fn an_input_is_named_as_its_path_displays_even_when_it_is_not_utf8() {
        use std::os::unix::ffi::OsStrExt;
        for bytes in [
            &b"d/m.json"[..],
            b"d/caf\xc3\xa9.json",
            b"d/\xff\xfe.json",
            b"\xe2\x82.json",
        ] {
            let path = PathBuf::from(std::ffi::OsStr::from_bytes(bytes));
            assert_eq!(
                super::Input::File(path.clone()).name(),
                path.display().to_string()
            );
        }
    }

    #[test]
    fn an_extension_is_told_from_the_bytes_as_the_standard_library_tells_it() {
        let names = [
            "m.json",
            "d/m.json",
            "/a/b/m.json",
            ".json",
            "d/.json",
            "..json",
            "d/..json",
            "a.b.json",
            ".x.json",
            "m.JSON",
            "m.jsonl",
            "m.json.bak",
            "json",
            "d/json",
            "m.",
            "m..json",
            "d/m.json/",
            "d/m.json/.",
            "d/m.json/..",
            "",
            ".",
            "..",
            "/",
            "d.json/x",
            "m.ndjson",
            "l.jsonl",
        ];
        for name in names {
            for ext in ["json", "jsonl", "ndjson"] {
                let expected = Path::new(name)
                    .extension()
                    .is_some_and(|found| found == ext);
                assert_eq!(
                    has_extension(Path::new(name), ext),
                    expected,
                    "{name:?} {ext}"
                );
            }
        }
    }

    #[test]
    fn files_are_listed_in_path_order() {
        let names = [
            "a-b/x.json",
            "a/b.json",
            "a.json",
            "a/a/z.json",
            "ab.json",
            "a b.json",
            "A.json",
            "a/.json",
            "é.json",
            "a0/b.json",
            "a/b/c.json",
            "a/b/log.jsonl",
            "a/b.txt",
            "z/m.ndjson",
        ];
        let dir = tempfile::tempdir().unwrap();
        for name in names {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "{}").unwrap();
        }
        let mut expected: Vec<PathBuf> = names
            .iter()
            .map(|name| dir.path().join(name))
            .filter(|path| has_extension(path, "json") || crate::trades::is_log(path))
            .collect();
        expected.sort();
        assert_eq!(super::json_files(dir.path()).unwrap(), expected);
        assert!(super::json_files(&dir.path().join("missing")).is_err());
    }
    use crate::check::MessageReport;
    use crate::finding::Severity;

    #[cfg(unix)]
    #[test]
    fn regular_files_are_plain_inputs_and_others_are_not() {
        use super::{Input, expand};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        std::fs::write(&file, "{}").unwrap();
        let link = dir.path().join("b.json");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let fifo = dir.path().join("c.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(
            made.is_ok_and(|status| status.success()),
            "mkfifo is needed"
        );
        let listed = vec![
            Input::Plain(file.clone()),
            Input::Plain(link.clone()),
            Input::File(fifo.clone()),
        ];
        assert_eq!(expand(&[dir.path().to_owned()]).0, listed);
        // Named on the command line, each is what a stat of it says.
        assert_eq!(
            expand(&[file.clone(), link.clone(), fifo.clone()]).0,
            listed
        );
    }

    #[test]
    fn a_panicking_check_becomes_an_internal_error_finding() {
        let report = isolated(|| -> MessageReport { panic!("index out of bounds") });
        let [finding] = report.findings.as_slice() else {
            panic!("{:?}", report.findings);
        };
        assert_eq!(finding.rule.id(), "internal-error");
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(
            finding.message,
            "deg-contracts failed on this file (index out of bounds); please report it with the file"
        );
        let fine = isolated(MessageReport::default);
        assert!(fine.findings.is_empty());
    }
}
