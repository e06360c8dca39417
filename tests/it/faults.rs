//! The store under its faults, black-box: a disk that fills up and frees
//! again, exports and backups taken while cells save, a save racing a step.

use std::path::PathBuf;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::campaign::{TestStore, init_example, serve};
use crate::common::*;
use crate::people::{User, unit_url};

const CAMPAIGN: &str = "2021-quang-nam";
const CELL: &str = "dang-bo-so-tai-chinh.chi-bo-van-phong";

/// A small filesystem of its own (tmpfs, mounted by root as `.ci/run`
/// runs), unmounted when dropped: a disk that can really fill up.
struct SmallDisk {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    fn new(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let out =
            Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(&path).output();
        let out = out.expect("mount runs");
        assert!(
            out.status.success(),
            "a tmpfs for the full disk (needs root): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self { path, _dir: dir }
    }

    /// Writes a file until the disk refuses more; removing it frees the disk.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 4096];
        while file.write_all(&chunk).and_then(|_| file.sync_data()).is_ok() {}
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

fn roster(round: usize) -> Value {
    let mut roster = json_input(&example("cell.json"));
    roster["cell"]["report_number"] = json!(format!("{round}-BC/CB"));
    roster
}

#[tokio::test]
async fn a_full_disk_refuses_saves_as_such_and_they_succeed_again_once_space_returns() {
    let disk = SmallDisk::new("8m");
    let store = TestStore::Sqlite(tempfile::TempDir::new_in(&disk.path).unwrap());
    init_example(&store);
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    let url = unit_url(&server, CELL, "submission");
    let answer = secretary.put(&url).json(&roster(0)).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK, "{}", answer.text().await.unwrap());

    let filler = disk.fill();
    let mut refused = 0;
    for round in 1..=5 {
        let answer = secretary.put(&url).json(&roster(round)).send().await.unwrap();
        if answer.status() == StatusCode::OK {
            continue; // what SQLite had room for already
        }
        assert_eq!(answer.status(), StatusCode::INSUFFICIENT_STORAGE);
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["code"], "storage-full", "{body}");
        assert!(body["message"].as_str().unwrap().contains("hết chỗ"), "{body}");
        refused += 1;
    }
    assert!(refused > 0, "a full disk refuses saves");

    // Space returns: every save and a sign-in succeed again, without a restart.
    std::fs::remove_file(filler).unwrap();
    for round in 6..=20 {
        let answer = secretary.put(&url).json(&roster(round)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "save {round}: {}", answer.text().await.unwrap());
    }
    let again = User::created(&store, &server, "nguoi-thu-hai", &["--role", "admin"]).await;
    let answer = again.get(server.url("/api/campaigns")).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_database_that_refuses_connections_is_unavailable_not_a_bug_and_readyz_says_so() {
    for store in TestStore::all() {
        let TestStore::Postgres { admin, name } = &store else { continue };
        init_example(&store);
        let server = serve(&store);
        let secretary = User::of_unit(&store, &server, "cell", CELL).await;
        let url = unit_url(&server, CELL, "submission");
        let http = reqwest::Client::new();
        assert_eq!(http.get(server.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);

        crate::campaign::psql(admin, &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"));
        crate::campaign::psql(
            admin,
            &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
        );
        let ready = http.get(server.url("/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(ready.json::<Value>().await.unwrap()["code"], "store-unavailable");
        let answer = secretary.put(&url).json(&roster(1)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["code"], "store-unavailable", "{body}");
        assert!(!body["message"].as_str().unwrap().contains("postgres"), "no internals to the client: {body}");

        crate::campaign::psql(admin, &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"));
        assert_eq!(http.get(server.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
        let answer = secretary.put(&url).json(&roster(2)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{}", answer.text().await.unwrap());
        return;
    }
    panic!("this test needs PostgreSQL: KTTDV_TEST_DATABASE_URL (.ci/run starts one)");
}

/// Saves of a cell raced against every step on it, its own and its
/// committee's: each answer is 200 or 409, never a deadlock's 500, and the
/// unit ends as the last answered change left it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_save_racing_any_step_on_its_unit_is_done_or_refused_never_a_deadlock() {
    const COMMITTEE: &str = "dang-bo-so-tai-chinh";
    for store in TestStore::all() {
        let label = store.label();
        init_example(&store);
        let server = serve(&store);
        let secretary = User::of_unit(&store, &server, "cell", CELL).await;
        let committee = User::of_unit(&store, &server, "committee", COMMITTEE).await;
        let save_url = unit_url(&server, CELL, "submission");
        let mut answers = std::collections::BTreeMap::<u16, usize>::new();
        let mut round = 0;
        for (who, step, note) in [
            (&secretary, "submit", None),
            (&committee, "return", Some("Ghi thiếu ngày vào Đảng")),
            (&secretary, "submit", None),
            (&committee, "approve", None),
            (&committee, "return", Some("Xem lại")),
            (&committee, "not-reporting", Some("Chi bộ đã giải thể")),
        ] {
            for _ in 0..8 {
                round += 1;
                let save = secretary.put(&save_url).json(&roster(round)).send();
                let body = match note {
                    Some(note) => json!({ "note": note }),
                    None => json!({}),
                };
                let step = who.post(unit_url(&server, CELL, step)).json(&body).send();
                let (save, step) = tokio::join!(save, step);
                for answer in [save.unwrap(), step.unwrap()] {
                    let status = answer.status();
                    let text = answer.text().await.unwrap();
                    assert!(status == StatusCode::OK || status == StatusCode::CONFLICT, "{label}: {status} {text}");
                    *answers.entry(status.as_u16()).or_default() += 1;
                }
            }
        }
        assert!(answers.get(&200).is_some_and(|n| *n > 10), "{label}: {answers:?}");
        if let TestStore::Postgres { admin, name } = &store {
            // PostgreSQL counts the deadlocks it broke (a victim's 40P01 would
            // otherwise pass for a 409); its statistics lag a moment.
            tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
            let sql = format!("SELECT deadlocks FROM pg_stat_database WHERE datname = '{name}'");
            let out = Command::new("psql").args([admin.as_str(), "-tAc", &sql]).output().unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0", "{label}: deadlocks");
        }
    }
}

/// What a campaign export says of itself that must agree: each unit's count
/// of versions and its current one in `units.json` against its versions
/// file, numbered 1..N, and the save events of the log against them.
fn disagreements(zip: &[u8]) -> Vec<String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut read = |name: &str| -> Option<Value> {
        let mut text = String::new();
        archive.by_name(name).ok()?.read_to_string(&mut text).unwrap();
        Some(serde_json::from_str(&text).unwrap())
    };
    let units = read("units.json").unwrap();
    let events = read("events.json").unwrap();
    let mut found = Vec::new();
    for unit in units.as_array().unwrap() {
        let code = unit["code"].as_str().unwrap();
        let versions = read(&format!("versions/{code}.json")).unwrap_or(json!([]));
        let numbers: Vec<u64> =
            versions.as_array().unwrap().iter().map(|v| v["version"]["number"].as_u64().unwrap()).collect();
        let count = unit["versions"].as_u64().unwrap();
        if numbers != (1..=count).collect::<Vec<_>>() {
            found.push(format!("{code}: units.json says {count} versions, the file holds {numbers:?}"));
        }
        if unit["current"].as_u64() != numbers.last().copied() {
            found.push(format!("{code}: current {} of {numbers:?}", unit["current"]));
        }
        let saves = events
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["unit"] == code && e["action"] == "save")
            .filter_map(|e| e["version"].as_u64())
            .max();
        if saves.is_some_and(|n| n > count) {
            found.push(format!("{code}: the log saves version {saves:?} of {count}"));
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_export_taken_while_cells_save_is_one_moment_of_the_campaign() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    const CELLS: [&str; 2] = [CELL, "dang-bo-so-tai-chinh.chi-bo-thanh-tra"];
    for store in TestStore::all() {
        let label = store.label();
        init_example(&store);
        let server = serve(&store);
        let stop = Arc::new(AtomicBool::new(false));
        let mut clients = Vec::new();
        for (i, cell) in CELLS.iter().enumerate() {
            let secretary = User::of_unit(&store, &server, "cell", cell).await;
            let url = unit_url(&server, cell, "submission");
            let name = if i == 0 { "Chi bộ Văn phòng" } else { "Chi bộ Thanh tra" };
            for client in 0..3 {
                let (secretary, url, stop) = (secretary.clone(), url.clone(), stop.clone());
                clients.push(tokio::spawn(async move {
                    let mut round = 0;
                    while !stop.load(Ordering::SeqCst) && round < 50 {
                        round += 1;
                        let mut body = roster(1000 * client + round);
                        body["cell"]["name"] = json!(name);
                        let answer = secretary.put(&url).json(&body).send().await.unwrap();
                        assert!(answer.status() == StatusCode::OK || answer.status() == StatusCode::TOO_MANY_REQUESTS);
                    }
                }));
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let mut found = Vec::new();
        for i in 0..6 {
            let path = dir.path().join(format!("{i}.zip"));
            let mut args = vec!["campaign".to_owned(), "export".into(), CAMPAIGN.into(), "-o".into()];
            args.push(path.display().to_string());
            args.extend(store.args());
            let out = kttdv(&args.iter().map(String::as_str).collect::<Vec<_>>(), "");
            assert!(out.status.success(), "{label}: {}", String::from_utf8_lossy(&out.stderr));
            found.extend(disagreements(&std::fs::read(&path).unwrap()).into_iter().map(|d| format!("export {i}: {d}")));
        }
        stop.store(true, Ordering::SeqCst);
        for client in clients {
            client.await.unwrap();
        }
        assert!(found.is_empty(), "{label}: {}", found.join("\n"));
    }
}

/// The entries of `zip`, by name, as text.
fn entries(zip: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().into_owned();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
            (name, text)
        })
        .collect()
}

/// A ZIP of `entries`, in their order.
fn zipped(entries: Vec<(String, String)>) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in entries {
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut out, text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// `zip` with each entry passed through `change` (none: left out), and the
/// sizes `campaign.json` declares made to match, as a careful hand would.
fn rewritten(zip: &[u8], change: impl Fn(&str, String) -> Option<String>) -> Vec<u8> {
    let mut kept: Vec<(String, String)> =
        entries(zip).into_iter().filter_map(|(name, text)| Some((name.clone(), change(&name, text)?))).collect();
    let sizes: serde_json::Map<String, Value> =
        kept.iter().filter(|(n, _)| n != "campaign.json").map(|(n, t)| (n.clone(), json!(t.len()))).collect();
    for (name, text) in &mut kept {
        if name == "campaign.json" {
            let mut campaign: Value = serde_json::from_str(text).unwrap();
            campaign["sizes"] = Value::Object(sizes.clone());
            *text = serde_json::to_string_pretty(&campaign).unwrap();
        }
    }
    zipped(kept)
}

#[test]
fn an_export_whose_versions_disagree_with_its_units_is_refused_whole() {
    let source = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&source);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.zip");
    let out = kttdv(&["campaign", "export", CAMPAIGN, "-o", path.to_str().unwrap(), "--data", &source.args()[1]], "");
    assert!(out.status.success());
    let exported = std::fs::read(&path).unwrap();
    let versions = format!("versions/{CELL}.json");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a unit's versions file removed", rewritten(&exported, |name, text| (name != versions).then_some(text))),
        (
            "a version renumbered",
            rewritten(&exported, |name, text| {
                Some(if name == versions { text.replacen("\"number\": 1", "\"number\": 2", 1) } else { text })
            }),
        ),
        (
            "a unit said to have more versions",
            rewritten(&exported, |name, text| {
                Some(if name == "units.json" { text.replacen("\"versions\": 1", "\"versions\": 2", 1) } else { text })
            }),
        ),
    ];
    for (what, zip) in cases {
        std::fs::write(&path, zip).unwrap();
        let target = tempfile::tempdir().unwrap();
        let data = target.path().to_str().unwrap();
        let out = kttdv(&["campaign", "import", path.to_str().unwrap(), "--data", data], "");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
        assert!(stderr.contains("phiên bản"), "{what}: {stderr}");
        let list = kttdv(&["campaign", "list", "--data", data], "");
        assert_eq!(String::from_utf8_lossy(&list.stdout), "", "{what}: nothing stored");
    }
}

/// Every (unit, version, hash) an export of the campaign in `store` holds.
fn versions_held(store: &[String]) -> std::collections::BTreeSet<(String, u64, String)> {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.zip");
    let mut args = vec!["campaign", "export", CAMPAIGN, "-o", path.to_str().unwrap()];
    args.extend(store.iter().map(String::as_str));
    let out = kttdv(&args, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut held = std::collections::BTreeSet::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let Some(unit) = name.strip_prefix("versions/").and_then(|n| n.strip_suffix(".json")) else { continue };
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        let versions: Value = serde_json::from_str(&text).unwrap();
        for v in versions.as_array().unwrap() {
            let info = &v["version"];
            held.insert((unit.to_owned(), info["number"].as_u64().unwrap(), info["sha256"].as_str().unwrap().into()));
        }
    }
    held
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_while_cells_save_restores_every_save_answered_before_it() {
    use std::sync::{Arc, Mutex};
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    let url = unit_url(&server, CELL, "submission");
    let acknowledged: Arc<Mutex<Vec<(String, u64, String)>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for client in 0..4 {
        let (secretary, url, acknowledged, stop) = (secretary.clone(), url.clone(), acknowledged.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            for round in 0..14 {
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let answer = secretary.put(&url).json(&roster(100 * client + round)).send().await.unwrap();
                assert_eq!(answer.status(), StatusCode::OK);
                let saved: Value = answer.json().await.unwrap();
                let version = &saved["version"];
                let entry =
                    (CELL.to_owned(), version["number"].as_u64().unwrap(), version["sha256"].as_str().unwrap().into());
                acknowledged.lock().unwrap().push(entry);
            }
        }));
    }
    let dir = tempfile::tempdir().unwrap();
    let data = &store.args()[1];
    let mut backups = Vec::new();
    for i in 0..3 {
        while acknowledged.lock().unwrap().len() < 8 * (i + 1) {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let before = acknowledged.lock().unwrap().clone();
        let file = dir.path().join(format!("kttdv-{i}.db"));
        let out = kttdv(&["store", "backup", file.to_str().unwrap(), "--data", data], "");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        backups.push((file, before));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for client in clients {
        client.await.unwrap();
    }
    for (file, before) in &backups {
        #[cfg(unix)]
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(file).unwrap().permissions()) & 0o777,
            0o600
        );
        let restored = tempfile::tempdir().unwrap();
        let target = restored.path().join("data");
        let out = kttdv(&["store", "restore", file.to_str().unwrap(), "--data", target.to_str().unwrap()], "");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let held = versions_held(&["--data".into(), target.display().to_string()]);
        let lost: Vec<_> = before.iter().filter(|saved| !held.contains(saved)).collect();
        assert!(lost.is_empty(), "{}: answered before the backup, not in it: {lost:?}", file.display());
        // The accounts came too: the secretary's login is there to sign in with.
        let out = kttdv(&["admin", "create-user", CELL, "--role", "admin", "--data", target.to_str().unwrap()], "");
        assert!(String::from_utf8_lossy(&out.stderr).contains("đã có"), "the login is in the restored store");
    }

    // Never over a file or a store, never from what is not a whole store.
    let (file, _) = &backups[0];
    let out = kttdv(&["store", "backup", file.to_str().unwrap(), "--data", data], "");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let out = kttdv(&["store", "restore", file.to_str().unwrap(), "--data", data], "");
    assert_eq!(out.status.code(), Some(1), "over a store: {}", String::from_utf8_lossy(&out.stderr));
    for (what, bytes) in [("empty", Vec::new()), ("garbage", b"SQLite format 3\0garbage garbage".repeat(100))] {
        let bad = dir.path().join(format!("{what}.db"));
        std::fs::write(&bad, bytes).unwrap();
        let target = dir.path().join(format!("from-{what}"));
        let out = kttdv(&["store", "restore", bad.to_str().unwrap(), "--data", target.to_str().unwrap()], "");
        assert_eq!(out.status.code(), Some(1), "{what}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!target.join("kttdv.db").exists(), "{what}: no store made");
    }
    for store in TestStore::all() {
        if let TestStore::Postgres { .. } = store {
            let mut args = vec!["store".to_owned(), "backup".into(), dir.path().join("pg.db").display().to_string()];
            args.extend(store.args());
            let out = kttdv(&args.iter().map(String::as_str).collect::<Vec<_>>(), "");
            assert_eq!(out.status.code(), Some(1));
            assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        }
    }
}

#[test]
fn another_applications_database_an_empty_file_and_garbage_are_refused_untouched() {
    let refused = |dir: &std::path::Path| -> String {
        let out = kttdv(&["campaign", "list", "--data", dir.to_str().unwrap()], "");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(4), "{stderr}");
        stderr
    };
    // Another application's SQLite database, in its own journal mode.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kttdv.db");
    let sql = "CREATE TABLE dang_vien (ho_ten TEXT); INSERT INTO dang_vien VALUES ('Nguyễn Văn A');";
    assert!(Command::new("sqlite3").arg(&file).arg(sql).status().unwrap().success());
    let before = std::fs::read(&file).unwrap();
    assert!(refused(dir.path()).contains("không phải kho dữ liệu của kttdv"));
    assert!(std::fs::read(&file).unwrap() == before, "not a byte changed");
    for side in ["kttdv.db-wal", "kttdv.db-shm"] {
        assert!(!dir.path().join(side).exists(), "{side} left beside it");
    }
    let mode = Command::new("sqlite3").arg(&file).arg("PRAGMA journal_mode").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&mode.stdout).trim(), "delete", "its journal mode kept");

    // An empty file (a restore that failed half way) is no store.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kttdv.db"), b"").unwrap();
    assert!(refused(dir.path()).contains("rỗng"));
    assert_eq!(std::fs::metadata(dir.path().join("kttdv.db")).unwrap().len(), 0);

    // SQLite's header, then garbage: refused at once, said as such.
    let dir = tempfile::tempdir().unwrap();
    let garbage = [&b"SQLite format 3\0"[..], &b"r\xe1c r\xe1c ".repeat(2000)].concat();
    std::fs::write(dir.path().join("kttdv.db"), &garbage).unwrap();
    let stderr = refused(dir.path());
    assert!(stderr.contains("không phải kho dữ liệu của kttdv") && !stderr.contains("timed out"), "{stderr}");
    assert!(std::fs::read(dir.path().join("kttdv.db")).unwrap() == garbage, "not a byte changed");
}

/// The probe that refuses other files reads a store in use as kttdv's: the
/// command line beside a serving, saving service, and an export (which
/// opens the store twice in one run) one after another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_in_use_is_never_taken_for_another_applications() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    let url = unit_url(&server, CELL, "submission");
    let data = store.args()[1].clone();
    let dir = tempfile::tempdir().unwrap();
    for round in 0..10 {
        let answer = secretary.put(&url).json(&roster(round)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        let file = dir.path().join(format!("{round}.zip"));
        for args in [
            vec!["campaign", "list", "--data", &data],
            vec!["campaign", "export", CAMPAIGN, "-o", file.to_str().unwrap(), "--data", &data],
        ] {
            let out = kttdv(&args, "");
            assert!(out.status.success(), "round {round}, {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    // Just made, then exported: the export's second opening (to log it)
    // follows the first one's closing in one process.
    for round in 0..8 {
        let fresh = TestStore::Sqlite(tempfile::tempdir().unwrap());
        init_example(&fresh);
        let file = dir.path().join(format!("fresh-{round}.zip"));
        let out =
            kttdv(&["campaign", "export", CAMPAIGN, "-o", file.to_str().unwrap(), "--data", &fresh.args()[1]], "");
        assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[tokio::test]
async fn an_export_whose_log_was_rewritten_or_cut_is_refused_and_a_whole_one_comes_back_the_same() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    for round in 0..3 {
        let answer = secretary.put(unit_url(&server, CELL, "submission")).json(&roster(round)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
    }
    let committee = User::of_unit(&store, &server, "committee", "dang-bo-so-tai-chinh").await;
    for (who, step) in [(&secretary, "submit"), (&committee, "return"), (&secretary, "submit")] {
        // Returned as it may go up again unchanged.
        let body = json!({ "note": "Bổ sung ngày vào Đảng", "as_is": step == "return" });
        let answer = who.post(unit_url(&server, CELL, step)).json(&body).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{step}: {}", answer.text().await.unwrap());
    }
    drop(server);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.zip");
    let out = kttdv(&["campaign", "export", CAMPAIGN, "-o", path.to_str().unwrap(), "--data", &store.args()[1]], "");
    assert!(out.status.success());
    let exported = std::fs::read(&path).unwrap();
    let import = |zip: &[u8]| {
        std::fs::write(&path, zip).unwrap();
        let target = tempfile::tempdir().unwrap();
        let data = target.path().to_str().unwrap().to_owned();
        let out = kttdv(&["campaign", "import", path.to_str().unwrap(), "--data", &data], "");
        (out, target)
    };
    let events_edited = |edit: fn(&mut Vec<Value>)| {
        rewritten(&exported, move |name, text| {
            Some(if name == "events.json" {
                let mut events: Vec<Value> = serde_json::from_str(&text).unwrap();
                edit(&mut events);
                serde_json::to_string_pretty(&events).unwrap()
            } else {
                text
            })
        })
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "an event's login rewritten",
            events_edited(|events| {
                let save = events.iter_mut().find(|e| e["action"] == "save").unwrap();
                save["login"] = json!("nguoi-khac");
            }),
            "chuỗi băm",
        ),
        (
            "an event removed from the middle",
            events_edited(|events| {
                let at = events.iter().position(|e| e["action"] == "save").unwrap();
                events.remove(at);
            }),
            "chuỗi băm",
        ),
        ("the last event removed", events_edited(|events| drop(events.pop())), "log_head"),
        (
            "a state changed to approved",
            rewritten(&exported, |name, text| {
                Some(if name == "units.json" {
                    let mut units: Vec<Value> = serde_json::from_str(&text).unwrap();
                    let cell = units.iter_mut().find(|u| u["code"] == CELL).unwrap();
                    assert_eq!(cell["state"], "da-nop");
                    cell["state"] = json!("da-duyet");
                    serde_json::to_string_pretty(&units).unwrap()
                } else {
                    text
                })
            }),
            "nhật ký dẫn tới",
        ),
        (
            "events.json removed",
            rewritten(&exported, |name, text| (name != "events.json").then_some(text)),
            "events.json",
        ),
        (
            "a version's author changed",
            rewritten(&exported, |name, text| {
                Some(if name == format!("versions/{CELL}.json") {
                    text.replacen(&format!("\"author\": \"{CELL}\""), "\"author\": \"nguoi-khac\"", 1)
                } else {
                    text
                })
            }),
            "người lưu",
        ),
    ];
    for (what, zip, said) in cases {
        let (out, target) = import(&zip);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
        assert!(stderr.contains(said), "{what}: {stderr}");
        let list = kttdv(&["campaign", "list", "--data", target.path().to_str().unwrap()], "");
        assert_eq!(String::from_utf8_lossy(&list.stdout), "", "{what}: nothing stored");
    }
    // Whole, it comes back, and its export is the same bytes.
    let (out, target) = import(&exported);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = dir.path().join("again.zip");
    let data = target.path().to_str().unwrap();
    let out = kttdv(&["campaign", "export", CAMPAIGN, "-o", again.to_str().unwrap(), "--data", data], "");
    assert!(out.status.success());
    assert!(std::fs::read(&again).unwrap() == exported, "the same bytes back, the chain with them");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_larger_than_an_upload_imports_and_a_lie_about_its_size_is_refused() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    // A cell of 4,000 members saved 30 times: its versions file expands past
    // the 32 MiB an uploaded entry may.
    let mut roster = kttdv::sample::cell(4000, 5, "Chi bộ Văn phòng", "Đảng bộ Sở Tài chính");
    for round in 0..30 {
        roster["cell"]["report_number"] = json!(format!("{round}-BC/CB"));
        let answer = secretary.put(unit_url(&server, CELL, "submission")).json(&roster).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{}", answer.text().await.unwrap());
    }
    drop(server);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.zip");
    let out = kttdv(&["campaign", "export", CAMPAIGN, "-o", path.to_str().unwrap(), "--data", &store.args()[1]], "");
    assert!(out.status.success());
    let exported = std::fs::read(&path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&exported)).unwrap();
    let size = archive.by_name(&format!("versions/{CELL}.json")).unwrap().size();
    assert!(size > 32 << 20, "{size} bytes: larger than the 32 MiB of an uploaded entry");

    let target = tempfile::tempdir().unwrap();
    let data = target.path().to_str().unwrap();
    let out = kttdv(&["campaign", "import", path.to_str().unwrap(), "--data", data], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let held = versions_held(&["--data".into(), data.into()]);
    assert_eq!(held.iter().filter(|(unit, _, _)| unit == CELL).count(), 31, "the first version and 30 saves");

    // A declaration no ZIP of this size can expand to: refused before expanding.
    let mut lie = entries(&exported);
    for (name, text) in &mut lie {
        if name == "campaign.json" {
            let mut campaign: Value = serde_json::from_str(text).unwrap();
            campaign["sizes"]["units.json"] = json!(1u64 << 40);
            *text = campaign.to_string();
        }
    }
    let lie = zipped(lie);
    std::fs::write(&path, lie).unwrap();
    let target = tempfile::tempdir().unwrap();
    let out = kttdv(&["campaign", "import", path.to_str().unwrap(), "--data", target.path().to_str().unwrap()], "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("lớn hơn mức tệp nén này có thể giải ra"), "{stderr}");
}
