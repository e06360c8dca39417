//! What the command line tells its user and its caller: problems and
//! warnings, the files it wrote, and the exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kttdv::Assembled;
use kttdv::Error;
use kttdv::InputError;

/// Exit codes scripts can rely on; success is 0.
#[derive(Debug, Clone, Copy)]
pub enum Exit {
    InvalidInput = 1,
    Usage = 2,
    Internal = 3,
    /// The campaign store cannot be opened: not a kttdv store, unreachable,
    /// or made by a newer kttdv. Nothing in it was changed.
    Store = 4,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A usage error the parser could not catch: said on standard error.
pub fn usage(message: &str) -> Exit {
    eprintln!("kttdv: {message}");
    Exit::Usage
}

/// A failure that is neither the user's input nor their usage.
pub fn internal(error: impl std::fmt::Display) -> Exit {
    eprintln!("kttdv: {error}");
    Exit::Internal
}

/// How a command reports problems with its input: `check` as its output,
/// the others on standard error (their output may be the document).
#[derive(Clone, Copy)]
pub struct Reporter {
    pub stdout: bool,
    pub json: bool,
}

impl Reporter {
    /// Reports every problem; the exit code for invalid input.
    pub fn problems(self, problems: &[InputError]) -> Exit {
        let text = if self.json {
            serde_json::to_string_pretty(problems).expect("errors serialise") + "\n"
        } else {
            problems.iter().map(|p| format!("{p}\n")).collect()
        };
        let _ = if self.stdout {
            std::io::stdout().write_all(text.as_bytes())
        } else {
            std::io::stderr().write_all(text.as_bytes())
        };
        Exit::InvalidInput
    }

    /// A failed render: the input's problems named in the files they came
    /// from, or the template's failure.
    pub fn failed(self, input: &Assembled, error: Error) -> Exit {
        match error {
            Error::Input(problems) => self.problems(&input.relocate(problems)),
            Error::Render(_) | Error::Write(_) => {
                eprintln!("kttdv: {error}");
                Exit::Internal
            }
        }
    }

    /// Warnings do not stop the command; they go to standard error as lines.
    pub fn warnings(self, warnings: &[InputError]) {
        for warning in warnings {
            eprintln!("{warning}");
        }
    }
}

/// Writes a document and says where, unless it went to standard output.
pub fn write_document(path: &Path, bytes: &[u8]) -> Result<(), Exit> {
    write_output(path, bytes)?;
    if path != Path::new("-") {
        eprintln!("Đã ghi {}", path.display());
    }
    Ok(())
}

/// Writes through a temporary file and a rename, so a failure never leaves
/// a half-written PDF behind.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), Exit> {
    // A document to share, not a secret: readable like any file the user makes.
    write_with_mode(path, bytes, 0o644)
}

/// Writes a file holding a whole campaign's personal data (an export):
/// readable by its owner only, said where.
pub fn write_private_document(path: &Path, bytes: &[u8]) -> Result<(), Exit> {
    write_with_mode(path, bytes, 0o600)?;
    eprintln!("Đã ghi {} (chỉ người dùng này đọc được: có dữ liệu cá nhân của đảng viên)", path.display());
    Ok(())
}

fn write_with_mode(path: &Path, bytes: &[u8], #[cfg_attr(not(unix), allow(unused))] mode: u32) -> Result<(), Exit> {
    let fail = |err: std::io::Error| internal(format!("không ghi được {}: {err}", path.display()));
    if path == Path::new("-") {
        return std::io::stdout().write_all(bytes).map_err(fail);
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(mode));
    let mut temp = builder.tempfile_in(dir).map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Writes a submission's files into `folder` as a whole: first into a
/// hidden folder beside it, renamed into place once every file is written,
/// so a render stopped halfway leaves nothing that looks complete. A folder
/// already there is replaced only when it holds nothing but such files.
pub struct Folder {
    folder: PathBuf,
    staging: tempfile::TempDir,
}

impl Folder {
    /// Starts the folder of a submission whose files are `names`; refused
    /// when the folder holds files of the user's own.
    pub fn start<'a>(folder: &Path, names: impl Iterator<Item = &'a str>) -> Result<Self, Exit> {
        let fail = |err: std::io::Error| internal(format!("không ghi được {}: {err}", folder.display()));
        let parent = folder.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(fail)?;
        let names: Vec<&str> = names.collect();
        if folder.exists() && !holds_only(folder, &names) {
            return Err(internal(format!(
                "thư mục {} đã có và chứa tệp khác; hãy xóa nó hoặc chọn tên khác (-o)",
                folder.display()
            )));
        }
        let staging = tempfile::Builder::new().prefix(".kttdv-dang-ghi-").tempdir_in(parent).map_err(fail)?;
        Ok(Self { folder: folder.to_owned(), staging })
    }

    /// Where the folder goes.
    pub fn path(&self) -> &Path {
        &self.folder
    }

    /// Writes one file, at its relative path, into the folder being made.
    pub fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.staging.path().join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)
    }

    /// Puts the whole folder in place; the old one is moved aside and
    /// removed once the new one is there.
    pub fn finish(self) -> Result<(), Exit> {
        let folder = &self.folder;
        let fail = |err: std::io::Error| internal(format!("không ghi được {}: {err}", folder.display()));
        let parent = folder.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let aside = tempfile::Builder::new().prefix(".kttdv-cu-").tempdir_in(parent).map_err(fail)?;
        if folder.exists() {
            std::fs::rename(folder, aside.path().join("cu")).map_err(fail)?;
        }
        std::fs::rename(self.staging.keep(), folder).map_err(fail)
    }
}

/// Whether every file below `folder` is one of `files` (by its path inside).
fn holds_only(folder: &Path, names: &[&str]) -> bool {
    fn walk(dir: &Path, top: &Path, ok: &dyn Fn(&Path) -> bool) -> bool {
        let Ok(entries) = std::fs::read_dir(dir) else { return false };
        entries.filter_map(Result::ok).all(|entry| {
            let path = entry.path();
            if path.is_dir() { walk(&path, top, ok) } else { path.strip_prefix(top).is_ok_and(ok) }
        })
    }
    walk(folder, folder, &|inside| names.iter().any(|name| Path::new(name) == inside))
}
