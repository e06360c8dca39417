//! A copy of the whole SQLite store taken while it serves, and the way
//! back. A copy never overwrites and is never left looking whole when it
//! is not: it is written beside its name and renamed once complete.

use std::path::Path;

use super::{DATABASE_FILE, Location, Result, Store, StoreError, side_file};

/// Writes a consistent copy of `store` to `file` (private, 0600); refused
/// when `file` exists.
pub async fn backup(store: &Store, file: &Path) -> Result<()> {
    let place = file.display().to_string();
    if file.exists() {
        return Err(StoreError::WouldOverwrite(place));
    }
    let partial = side_file(file, ".partial");
    let _ = std::fs::remove_file(&partial);
    crate::private::create_file(&partial).map_err(|e| StoreError::Open(place.clone(), e.to_string()))?;
    let copied = store.backup(&partial).await;
    let made = copied.and_then(|()| {
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .and_then(|()| std::fs::rename(&partial, file))
            .map_err(|e| StoreError::Open(place.clone(), e.to_string()))
    });
    if made.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    made
}

/// Makes `file`, a backup, the store in `dir`, once it proves a whole kttdv
/// store (its schema known or older, every page sound); refused when `dir`
/// holds a store already. The service must not run on `dir` meanwhile.
pub async fn restore(file: &Path, dir: &Path) -> Result<()> {
    let place = file.display().to_string();
    let bad = |why: String| StoreError::BadBackup(place.clone(), why);
    let target = dir.join(DATABASE_FILE);
    if std::fs::metadata(&target).is_ok_and(|m| m.len() > 0) {
        return Err(StoreError::WouldOverwrite(target.display().to_string()));
    }
    crate::private::create_dir_all(dir).map_err(|e| StoreError::Open(dir.display().to_string(), e.to_string()))?;
    // Checked where it will live (one filesystem, so the rename is atomic).
    let staging = dir.join(".restoring");
    let _ = std::fs::remove_dir_all(&staging);
    crate::private::create_dir_all(&staging).map_err(|e| bad(e.to_string()))?;
    let staged = staging.join(DATABASE_FILE);
    let outcome = async {
        let bytes = std::fs::read(file).map_err(|e| bad(e.to_string()))?;
        if bytes.is_empty() {
            return Err(bad("tệp rỗng".into()));
        }
        crate::private::write(&staged, &bytes).map_err(|e| bad(e.to_string()))?;
        let store = Store::open(&Location::Sqlite(staging.clone())).await.map_err(|e| bad(e.to_string()))?;
        let problems = store.integrity().await;
        store.close().await;
        match problems {
            Ok(problems) if problems.is_empty() => {}
            Ok(problems) => return Err(bad(problems.join("; "))),
            Err(e) => return Err(bad(e.to_string())),
        }
        std::fs::rename(&staged, &target).map_err(|e| bad(e.to_string()))
    }
    .await;
    let _ = std::fs::remove_dir_all(&staging);
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(side_file(&target, side));
    }
    outcome
}
