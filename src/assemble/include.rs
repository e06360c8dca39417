//! The files one name in an input stands for: the file itself, the inputs
//! in a folder, or the inputs in a ZIP unpacked to a private folder.

use std::path::{Path, PathBuf};

use crate::archive::{self, ArchiveError};
use crate::sheet;

/// The files a name stands for, each with the name to report it by, and
/// the folder its own names are read within when it came out of a ZIP.
pub struct Included {
    pub files: Vec<(String, PathBuf)>,
    /// The unpacked ZIP, removed when this is dropped.
    pub unpacked: Option<tempfile::TempDir>,
}

/// Why a name's files could not be listed.
pub enum OpenError {
    Archive(ArchiveError),
    Io(std::io::Error),
    Missing,
    /// An entry of a ZIP that is not an input: refused rather than left out
    /// without a word.
    NotAnInput(String),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            OpenError::Archive(err) => write!(f, "{err}"),
            OpenError::Io(err) => write!(f, "{err}"),
            OpenError::Missing => f.write_str("không có tệp hoặc thư mục này"),
            OpenError::NotAnInput(entry) => {
                write!(f, "mục «{entry}» trong tệp nén không phải JSON, PDF hay bảng tính; hãy bỏ nó khỏi tệp nén")
            }
        }
    }
}

/// Whether a file is read as an input, by its extension.
pub fn is_input(path: &Path) -> bool {
    sheet::is_spreadsheet(path) || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json") || is_pdf(e))
}

pub fn is_pdf(extension: &std::ffi::OsStr) -> bool {
    extension.eq_ignore_ascii_case("pdf")
}

/// Files the systems that make ZIPs add on their own, passed over.
fn is_system_file(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "__MACOSX")
        || path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

impl Included {
    pub fn open(path: &Path, name: &str) -> Result<Self, OpenError> {
        let named = |inner: &Path, file: PathBuf| (format!("{}/{}", name.trim_end_matches('/'), inner.display()), file);
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(OpenError::Io)?
                .filter_map(|entry| Some(entry.ok()?.path()))
                .filter(|p| p.is_file() && is_input(p))
                .collect();
            files.sort();
            let files =
                files.into_iter().map(|file| named(Path::new(&file.file_name().unwrap_or_default().to_owned()), file));
            return Ok(Self { files: files.collect(), unpacked: None });
        }
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
            let file = std::fs::File::open(path).map_err(OpenError::Io)?;
            let folder = crate::private::folder().map_err(OpenError::Io)?;
            let mut inner = Vec::new();
            let mut stray = None;
            archive::for_each(std::io::BufReader::new(file), |entry| {
                if is_system_file(&entry.path) {
                    return Ok(());
                }
                if !is_input(&entry.path) {
                    stray.get_or_insert(entry.path.display().to_string());
                    return Ok(());
                }
                let target = folder.path().join(&entry.path);
                inner.push(entry.path.clone());
                archive::unpack_to(entry, &target)
            })
            .map_err(OpenError::Archive)?;
            if let Some(entry) = stray {
                return Err(OpenError::NotAnInput(entry));
            }
            inner.sort();
            let files = inner.into_iter().map(|inner| {
                let file = folder.path().join(&inner);
                named(&inner, file)
            });
            return Ok(Self { files: files.collect(), unpacked: Some(folder) });
        }
        if !path.is_file() {
            return Err(OpenError::Missing);
        }
        Ok(Self { files: vec![(name.to_owned(), path.to_path_buf())], unpacked: None })
    }

    /// Whether the error is an archive past the expansion limits.
    pub fn is_size_limit(error: &OpenError) -> bool {
        matches!(error, OpenError::Archive(err) if err.is_size_limit())
    }
}
