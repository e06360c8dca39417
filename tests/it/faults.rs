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
    let args = ["--role", "cell", "--campaign", CAMPAIGN, "--unit", CELL];
    let secretary = User::created(&store, &server, CELL, &args).await;
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
        let args = ["--role", "cell", "--campaign", CAMPAIGN, "--unit", CELL];
        let secretary = User::created(&store, &server, CELL, &args).await;
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
        let args = ["--role", "cell", "--campaign", CAMPAIGN, "--unit", CELL];
        let secretary = User::created(&store, &server, CELL, &args).await;
        let args = ["--role", "committee", "--campaign", CAMPAIGN, "--unit", COMMITTEE];
        let committee = User::created(&store, &server, COMMITTEE, &args).await;
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
