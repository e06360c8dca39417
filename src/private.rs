//! Folders and files that hold members' personal data on the server's
//! disk (uploads, unpacked archives): readable by this process's user only,
//! and removed when dropped, however the work ends.

use std::fs::File;
use std::io;
use std::path::Path;

/// A new private temporary folder, removed when dropped.
pub fn folder() -> io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("kttdv-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    builder.tempdir()
}

/// Creates `path` and the folders above it, private.
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Creates a new private file; an existing one is an error, never overwritten.
pub fn create_file(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Makes `path` (a folder or a file that exists) its owner's alone,
/// whatever it was: 0700 for a folder, 0600 for a file. Nothing to do
/// where there are no such modes.
pub fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if std::fs::metadata(path)?.is_dir() { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Writes a new private file.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    io::Write::write_all(&mut create_file(path)?, bytes)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn folders_and_files_are_the_owners_alone_and_go_when_dropped() {
        let folder = super::folder().unwrap();
        let path = folder.path().to_path_buf();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o700);
        super::create_dir_all(&path.join("a/b")).unwrap();
        assert_eq!(std::fs::metadata(path.join("a/b")).unwrap().permissions().mode() & 0o777, 0o700);
        super::write(&path.join("a/b/x.json"), b"{}").unwrap();
        assert_eq!(std::fs::metadata(path.join("a/b/x.json")).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(super::write(&path.join("a/b/x.json"), b"[]").is_err(), "never overwritten");
        std::fs::set_permissions(path.join("a"), std::fs::Permissions::from_mode(0o755)).unwrap();
        super::restrict(&path.join("a")).unwrap();
        assert_eq!(std::fs::metadata(path.join("a")).unwrap().permissions().mode() & 0o777, 0o700);
        drop(folder);
        assert!(!path.exists());
    }
}
