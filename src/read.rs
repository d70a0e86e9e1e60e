//! Reads input files whole, in as few system calls as it can. On Linux each file is opened
//! relative to a handle on its directory, kept while files come from that directory, so the
//! kernel looks up one name instead of walking the whole path. A regular file is read into
//! room the reader keeps, with no call to ask its size; any other file reads as long as its
//! size says and is taken as read, without a second read to see its end.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// What the reader knows of a file before it opens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file: a read of it that comes back shorter than asked is its end, so its
    /// size need not be asked first (one system call fewer a file).
    Plain,
    /// Anything (a FIFO, a device): its size is asked, and it is read on to its end when it
    /// does not have one or reads otherwise.
    Any,
}

/// The room a reader starts with: more than a Beckn message takes, so most files are read
/// in one call.
const FIRST_ROOM: usize = 64 * 1024;

/// The most room a reader keeps from one file to the next: one huge file does not hold its
/// memory for the rest of the run.
const KEPT_ROOM: usize = 1024 * 1024;

/// Reads files one after another into one buffer, keeping the handle of the last directory
/// read from.
#[derive(Default)]
pub struct FileReader {
    #[cfg(target_os = "linux")]
    dir: Option<(std::path::PathBuf, std::os::fd::OwnedFd)>,
    /// The last file's bytes.
    bytes: Vec<u8>,
}

impl FileReader {
    /// The file at `path` whole, or None when it is longer than `limit` bytes (never taking
    /// more memory than one byte past it, or the room the reader already has). The bytes
    /// are the reader's until the next read.
    pub fn read(&mut self, path: &Path, limit: u64, kind: Kind) -> io::Result<Option<&[u8]>> {
        let file = self.open(path)?;
        if self.bytes.capacity() > KEPT_ROOM {
            self.bytes = Vec::new();
        }
        self.bytes.clear();
        match kind {
            Kind::Plain => read_plain(&file, limit, &mut self.bytes)?,
            Kind::Any => read_any(&file, limit, &mut self.bytes)?,
        }
        Ok((self.bytes.len() as u64 <= limit).then_some(&self.bytes[..]))
    }

    #[cfg(target_os = "linux")]
    fn open(&mut self, path: &Path) -> io::Result<File> {
        use rustix::fs::{Mode, OFlags};
        let Some((parent, name)) = split_at_last_slash(path) else {
            return File::open(path);
        };
        let cached = |(dir, _): &(std::path::PathBuf, _)| dir.as_os_str() == parent.as_os_str();
        if !self.dir.as_ref().is_some_and(cached) {
            // A handle that only names the directory: it needs no permission to read it.
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            self.dir = rustix::fs::open(parent, flags, Mode::empty())
                .ok()
                .map(|handle| (parent.to_owned(), handle));
        }
        let Some((_, dir)) = &self.dir else {
            return File::open(path);
        };
        let flags = OFlags::RDONLY | OFlags::CLOEXEC;
        Ok(File::from(rustix::fs::openat(
            dir,
            name,
            flags,
            Mode::empty(),
        )?))
    }

    #[cfg(not(target_os = "linux"))]
    fn open(&mut self, path: &Path) -> io::Result<File> {
        File::open(path)
    }
}

/// Reads a regular file into `bytes` until a read comes back short (its end) or more than
/// `limit` bytes are in.
fn read_plain(file: &File, limit: u64, bytes: &mut Vec<u8>) -> io::Result<()> {
    let most = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    loop {
        let room = bytes.len().max(FIRST_ROOM).min(most - bytes.len());
        bytes.reserve_exact(room);
        let asked = bytes.capacity() - bytes.len();
        let read = read_into_spare(file, bytes)?;
        if read < asked || bytes.len() >= most {
            return Ok(());
        }
    }
}

/// Reads a file of any kind into `bytes`: as many bytes as its size says, and on to its end
/// (at most one byte past `limit`) when that read comes back otherwise.
fn read_any(file: &File, limit: u64, bytes: &mut Vec<u8>) -> io::Result<()> {
    let size = file.metadata().map_or(0, |meta| meta.len()).min(limit);
    bytes.reserve_exact(usize::try_from(size).map_or(0, |size| size.saturating_add(1)));
    let read = read_into_spare(file, bytes)?;
    if read as u64 != size || size == 0 {
        // Shorter or longer than its size said (it is changing, or is not a plain file):
        // read on to its end.
        file.take(limit.saturating_add(1).saturating_sub(read as u64))
            .read_to_end(bytes)?;
    }
    Ok(())
}

/// The directory a path names a file in, and the file's name: split at its last `/` (a
/// byte scan, where `Path::parent` parses every component); None for a bare name or a path
/// that ends in `/`.
#[cfg(target_os = "linux")]
fn split_at_last_slash(path: &Path) -> Option<(&Path, &std::ffi::OsStr)> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let slash = memchr::memrchr(b'/', bytes)?;
    let name = bytes.get(slash + 1..).filter(|name| !name.is_empty())?;
    // The root keeps its slash.
    let parent = &bytes[..slash.max(1)];
    Some((
        Path::new(std::ffi::OsStr::from_bytes(parent)),
        std::ffi::OsStr::from_bytes(name),
    ))
}

/// Reads once into `bytes`' room, without filling it first.
#[cfg(target_os = "linux")]
fn read_into_spare(file: &File, bytes: &mut Vec<u8>) -> io::Result<usize> {
    Ok(rustix::io::read(
        file,
        rustix::buffer::spare_capacity(bytes),
    )?)
}

#[cfg(not(target_os = "linux"))]
fn read_into_spare(mut file: &File, bytes: &mut Vec<u8>) -> io::Result<usize> {
    let start = bytes.len();
    bytes.resize(bytes.capacity(), 0);
    let read = file.read(&mut bytes[start..])?;
    bytes.truncate(start + read);
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::{FIRST_ROOM, FileReader, KEPT_ROOM, Kind};
    use std::path::Path;

    /// What `reader` reads at `at` as `kind`, as text.
    fn read(reader: &mut FileReader, at: &Path, limit: u64, kind: Kind) -> Option<String> {
        let bytes = reader.read(at, limit, kind).unwrap();
        bytes.map(|bytes| String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[test]
    fn reads_files_whole_from_one_directory_and_another_as_either_kind() {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        // Longer than the first room, and than the room kept: read in several calls.
        let long = "x".repeat(3 * KEPT_ROOM + 17);
        for (at, text) in [
            (dir.path().join("a.json"), "{}"),
            (dir.path().join("empty.json"), ""),
            (other.path().join("long.json"), long.as_str()),
        ] {
            std::fs::write(&at, text).unwrap();
        }
        let a = dir.path().join("a.json");
        let empty = dir.path().join("empty.json");
        let far = other.path().join("long.json");
        let size = long.len() as u64;
        for kind in [Kind::Plain, Kind::Any] {
            let mut reader = FileReader::default();
            assert_eq!(read(&mut reader, &a, 10, kind).as_deref(), Some("{}"));
            assert_eq!(read(&mut reader, &empty, 10, kind).as_deref(), Some(""));
            assert_eq!(read(&mut reader, &far, size, kind), Some(long.clone()));
            assert_eq!(read(&mut reader, &far, size - 1, kind), None);
            // Back in the first directory, with none of the long file's bytes left over.
            assert_eq!(read(&mut reader, &a, 2, kind).as_deref(), Some("{}"));
            assert_eq!(read(&mut reader, &a, 1, kind), None);
            assert_eq!(read(&mut reader, &empty, 0, kind).as_deref(), Some(""));
        }
    }

    #[test]
    fn a_file_exactly_as_long_as_the_first_room_is_read_whole() {
        // The first read fills the room: only the next one, empty, tells its end.
        let dir = tempfile::tempdir().unwrap();
        let text = "y".repeat(FIRST_ROOM);
        let at = dir.path().join("room.json");
        std::fs::write(&at, &text).unwrap();
        let mut reader = FileReader::default();
        let limit = FIRST_ROOM as u64;
        assert_eq!(read(&mut reader, &at, limit, Kind::Plain), Some(text));
        assert_eq!(read(&mut reader, &at, limit - 1, Kind::Plain), None);
    }

    #[test]
    fn a_reader_drops_room_beyond_what_it_keeps() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("big.json");
        std::fs::write(&at, vec![b' '; 2 * KEPT_ROOM]).unwrap();
        let small = dir.path().join("small.json");
        std::fs::write(&small, "[]").unwrap();
        let mut reader = FileReader::default();
        reader.read(&at, u64::MAX, Kind::Plain).unwrap().unwrap();
        assert!(reader.bytes.capacity() > KEPT_ROOM);
        assert_eq!(
            read(&mut reader, &small, 10, Kind::Plain).as_deref(),
            Some("[]")
        );
        assert!(reader.bytes.capacity() <= KEPT_ROOM);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_path_splits_into_its_directory_and_its_name() {
        use super::split_at_last_slash;
        use std::path::Path;
        let split = |path: &str| {
            split_at_last_slash(Path::new(path)).map(|(dir, name)| {
                (
                    dir.to_str().unwrap().to_owned(),
                    name.to_str().unwrap().to_owned(),
                )
            })
        };
        let pair = |dir: &str, name: &str| Some((dir.to_owned(), name.to_owned()));
        assert_eq!(split("d/e/a.json"), pair("d/e", "a.json"));
        assert_eq!(split("/a.json"), pair("/", "a.json"));
        assert_eq!(split("./a.json"), pair(".", "a.json"));
        assert_eq!(split("a.json"), None);
        assert_eq!(split("d/"), None);
    }

    #[test]
    fn a_missing_file_or_directory_is_the_error_opening_it_gives() {
        let dir = tempfile::tempdir().unwrap();
        let mut reader = FileReader::default();
        for missing in [dir.path().join("gone.json"), dir.path().join("gone/a.json")] {
            let expected = std::fs::File::open(&missing).unwrap_err();
            for kind in [Kind::Plain, Kind::Any] {
                let error = reader.read(&missing, 10, kind).unwrap_err();
                assert_eq!(error.kind(), expected.kind());
                assert_eq!(error.to_string(), expected.to_string());
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_is_not_plain_is_read_to_its_end() {
        // A FIFO reports no size: the reader must read on to its end, not stop at zero.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|status| status.success()) {
            panic!("mkfifo is needed for this test");
        }
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::write(fifo, "[1, 2, 3]").unwrap())
        };
        let mut reader = FileReader::default();
        let bytes = reader.read(&fifo, 100, Kind::Any).unwrap().unwrap();
        writer.join().unwrap();
        assert_eq!(bytes, b"[1, 2, 3]");
    }
}
