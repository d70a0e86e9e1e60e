//! Reads input files whole, in as few system calls as it can. On Linux each file is opened
//! relative to a handle on its directory, kept while files come from that directory, so the
//! kernel looks up one name instead of walking the whole path. A file that reads as long as
//! its size says is taken as read, without a second read to see its end.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Reads files one after another, keeping the handle of the last directory read from.
#[derive(Default)]
pub struct FileReader {
    #[cfg(target_os = "linux")]
    dir: Option<(std::path::PathBuf, std::os::fd::OwnedFd)>,
}

impl FileReader {
    /// The file at `path` whole, or None when it is longer than `limit` bytes (never reading
    /// more than one byte past it).
    pub fn read(&mut self, path: &Path, limit: u64) -> io::Result<Option<Vec<u8>>> {
        let file = self.open(path)?;
        let size = file.metadata().map_or(0, |meta| meta.len()).min(limit);
        let mut bytes =
            Vec::with_capacity(usize::try_from(size).map_or(0, |size| size.saturating_add(1)));
        let read = read_into_spare(&file, &mut bytes)?;
        if read as u64 != size || size == 0 {
            // Shorter or longer than its size said (it is changing, or is not a plain file):
            // read on to its end.
            (&file)
                .take(limit.saturating_add(1).saturating_sub(read as u64))
                .read_to_end(&mut bytes)?;
        }
        Ok((bytes.len() as u64 <= limit).then_some(bytes))
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
    bytes.resize(bytes.capacity(), 0);
    let read = file.read(bytes)?;
    bytes.truncate(read);
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::FileReader;

    #[test]
    fn reads_files_whole_from_one_directory_and_another() {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let long = "x".repeat(100_000);
        for (at, text) in [
            (dir.path().join("a.json"), "{}"),
            (dir.path().join("empty.json"), ""),
            (other.path().join("long.json"), long.as_str()),
        ] {
            std::fs::write(&at, text).unwrap();
        }
        let mut reader = FileReader::default();
        let read = |reader: &mut FileReader, at: &std::path::Path, limit| {
            reader.read(at, limit).unwrap().map(String::from_utf8)
        };
        let a = dir.path().join("a.json");
        assert_eq!(read(&mut reader, &a, 10), Some(Ok("{}".to_owned())));
        let empty = dir.path().join("empty.json");
        assert_eq!(read(&mut reader, &empty, 10), Some(Ok(String::new())));
        let far = other.path().join("long.json");
        assert_eq!(read(&mut reader, &far, 100_000), Some(Ok(long.clone())));
        assert_eq!(read(&mut reader, &far, 99_999), None);
        // Back in the first directory.
        assert_eq!(read(&mut reader, &a, 2), Some(Ok("{}".to_owned())));
        assert_eq!(read(&mut reader, &a, 1), None);
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
            let error = reader.read(&missing, 10).unwrap_err();
            let expected = std::fs::File::open(&missing).unwrap_err();
            assert_eq!(error.kind(), expected.kind());
            assert_eq!(error.to_string(), expected.to_string());
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
        let bytes = reader.read(&fifo, 100).unwrap().unwrap();
        writer.join().unwrap();
        assert_eq!(bytes, b"[1, 2, 3]");
    }
}
