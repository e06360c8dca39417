//! ZIP archives read within limits: a ZIP of inputs, and the XLSX and ODS
//! workbooks, which are ZIPs inside. Each entry's expanded size and the
//! archive's total are counted while expanding, never taken from the
//! archive's own directory, so a small file cannot expand into gigabytes.

use std::io::{Read, Seek, Write};
use std::path::{Component, Path, PathBuf};

/// Largest expanded entry: a sheet of 20,000 members is ~15 MiB of XML.
pub const MAX_ENTRY_BYTES: u64 = 32 * 1024 * 1024;
/// Largest expanded archive, all entries together.
pub const MAX_TOTAL_BYTES: u64 = 128 * 1024 * 1024;
/// Most entries in one archive.
pub const MAX_ENTRIES: usize = 10_000;

const MIB: u64 = 1024 * 1024;

/// How far an archive may expand: each entry, all of them, how many.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub entry: u64,
    pub total: u64,
    pub entries: usize,
}

impl Limits {
    /// What a user uploads or names: a ZIP of inputs, a workbook.
    pub const UPLOAD: Limits = Limits { entry: MAX_ENTRY_BYTES, total: MAX_TOTAL_BYTES, entries: MAX_ENTRIES };
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("tệp nén không đọc được: {0}")]
    Unreadable(String),
    #[error("mục «{entry}» giải nén ra hơn {} MiB (giới hạn)", limit.div_ceil(MIB))]
    EntryTooLarge { entry: String, limit: u64 },
    #[error("tệp nén giải nén ra hơn {} MiB tổng cộng (giới hạn)", limit.div_ceil(MIB))]
    TotalTooLarge { limit: u64 },
    #[error("tệp nén có hơn {limit} mục (giới hạn)")]
    TooManyEntries { limit: usize },
    #[error("mục «{0}» có đường dẫn ra ngoài tệp nén")]
    UnsafeName(String),
    #[error("mục «{0}» có hai lần trong tệp nén")]
    Duplicate(String),
    #[error("không ghi được mục «{entry}»: {error}")]
    Write { entry: String, error: std::io::Error },
}

impl ArchiveError {
    /// Whether the archive was refused for its expanded size, not its form.
    pub fn is_size_limit(&self) -> bool {
        matches!(self, Self::EntryTooLarge { .. } | Self::TotalTooLarge { .. } | Self::TooManyEntries { .. })
    }
}

/// An entry of an archive, as `each` is handed it.
pub struct Entry<'a> {
    /// The entry's path inside the archive, folders kept (`a/x.json`).
    pub path: PathBuf,
    pub reader: &'a mut dyn Read,
}

/// Hands every file entry of the archive to `each`, which reads it (or not)
/// through a reader that fails past the upload limits. Folders are passed
/// over; an entry whose name leaves the archive (`../x`, `/etc/x`) or that
/// comes twice is an error, never skipped without a word.
pub fn for_each<R: Read + Seek>(
    archive: R,
    each: impl FnMut(Entry) -> Result<(), ArchiveError>,
) -> Result<(), ArchiveError> {
    for_each_within(archive, Limits::UPLOAD, each)
}

/// [`for_each`] within `limits`.
pub fn for_each_within<R: Read + Seek>(
    archive: R,
    limits: Limits,
    mut each: impl FnMut(Entry) -> Result<(), ArchiveError>,
) -> Result<(), ArchiveError> {
    let mut archive = zip::ZipArchive::new(archive).map_err(|e| ArchiveError::Unreadable(e.to_string()))?;
    if archive.len() > limits.entries {
        return Err(ArchiveError::TooManyEntries { limit: limits.entries });
    }
    let mut total = 0;
    let mut seen = std::collections::HashSet::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| ArchiveError::Unreadable(e.to_string()))?;
        let name = entry.name().map_err(|e| ArchiveError::Unreadable(e.to_string()))?.into_owned();
        if entry.is_dir() {
            continue;
        }
        let path = safe_path(&name).ok_or_else(|| ArchiveError::UnsafeName(name.clone()))?;
        if !seen.insert(path.clone()) {
            return Err(ArchiveError::Duplicate(name));
        }
        let mut bounded = Bounded { inner: &mut entry, limits, entry: 0, total: &mut total, failed: None };
        let result = each(Entry { path, reader: &mut bounded });
        // A limit hit inside `each` shows there as an I/O error: say which.
        if let Some(error) = bounded.failed.take() {
            return Err(match error {
                Limit::Entry => ArchiveError::EntryTooLarge { entry: name, limit: limits.entry },
                Limit::Total => ArchiveError::TotalTooLarge { limit: limits.total },
            });
        }
        result?;
    }
    Ok(())
}

/// Expands every entry to nowhere: refuses an archive past the limits
/// before a reader that trusts it (calamine) expands it in memory.
pub fn measure(path: &Path) -> Result<(), ArchiveError> {
    let file = std::fs::File::open(path).map_err(|e| ArchiveError::Unreadable(e.to_string()))?;
    for_each(std::io::BufReader::new(file), |entry| {
        let name = entry.path.display().to_string();
        std::io::copy(entry.reader, &mut std::io::sink())
            .map(drop)
            .map_err(|e| ArchiveError::Unreadable(format!("{name}: {e}")))
    })
}

/// Writes the entry to `target` (a file in a private folder).
pub fn unpack_to(entry: Entry, target: &Path) -> Result<(), ArchiveError> {
    let fail = |error| ArchiveError::Write { entry: entry_name(target), error };
    if let Some(parent) = target.parent() {
        crate::private::create_dir_all(parent).map_err(fail)?;
    }
    let mut file = crate::private::create_file(target).map_err(fail)?;
    std::io::copy(entry.reader, &mut file).map_err(fail)?;
    file.flush().map_err(fail)
}

fn entry_name(target: &Path) -> String {
    target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The entry's name as a relative path of plain parts, or None when it
/// would leave the folder it is unpacked into.
fn safe_path(name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && !name.contains('\\') && path.components().next().is_some()).then(|| path.to_path_buf())
}

enum Limit {
    Entry,
    Total,
}

/// An entry's reader that counts what it expands.
struct Bounded<'a, R> {
    inner: &'a mut R,
    limits: Limits,
    entry: u64,
    total: &'a mut u64,
    failed: Option<Limit>,
}

impl<R: Read> Read for Bounded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.entry += read as u64;
        *self.total += read as u64;
        let hit = if self.entry > self.limits.entry {
            Some(Limit::Entry)
        } else if *self.total > self.limits.total {
            Some(Limit::Total)
        } else {
            None
        };
        if let Some(limit) = hit {
            self.failed = Some(limit);
            return Err(std::io::Error::other("giới hạn giải nén"));
        }
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> std::io::Cursor<Vec<u8>> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (name, bytes) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        std::io::Cursor::new(writer.finish().unwrap().into_inner())
    }

    fn names(archive: std::io::Cursor<Vec<u8>>) -> Result<Vec<String>, ArchiveError> {
        let mut names = Vec::new();
        for_each(archive, |entry| {
            names.push(entry.path.display().to_string());
            Ok(())
        })?;
        Ok(names)
    }

    #[test]
    fn entries_keep_their_folders() {
        let names = names(zip_of(&[("a/x.json", b"{}"), ("b/x.json", b"{}")])).unwrap();
        assert_eq!(names, ["a/x.json", "b/x.json"]);
    }

    #[test]
    fn a_name_that_leaves_the_archive_is_refused() {
        for name in ["../x.json", "/etc/x.json", "a/../../x.json", "a\\..\\x.json"] {
            let err = names(zip_of(&[(name, b"{}")])).unwrap_err();
            assert!(matches!(err, ArchiveError::UnsafeName(_)), "{name}: {err}");
        }
    }

    #[test]
    fn an_entry_twice_is_refused() {
        // Two spellings of one path (the crate itself keeps one of two equal names).
        let err = names(zip_of(&[("a/x.json", b"{}"), ("a//x.json", b"[]")])).unwrap_err();
        assert!(matches!(err, ArchiveError::Duplicate(ref n) if n == "a//x.json"), "{err}");
    }

    #[test]
    fn expansion_stops_at_the_entry_limit() {
        let big = vec![b' '; MAX_ENTRY_BYTES as usize + 1];
        let mut read = 0;
        let err = for_each(zip_of(&[("bom.json", &big)]), |entry| {
            let mut buf = [0; 65536];
            loop {
                match entry.reader.read(&mut buf) {
                    Ok(0) => return Ok(()),
                    Ok(n) => read += n,
                    Err(e) => return Err(ArchiveError::Unreadable(e.to_string())),
                }
            }
        })
        .unwrap_err();
        assert!(matches!(err, ArchiveError::EntryTooLarge { ref entry, .. } if entry == "bom.json"), "{err}");
        assert!(err.is_size_limit());
        assert!(read as u64 <= MAX_ENTRY_BYTES, "nothing past the limit is handed on");
    }
}
