//! The campaign store, black-box: `kttdv campaign init` and `kttdv serve`
//! on a real SQLite file and, where `KTTDV_TEST_DATABASE_URL` names a
//! PostgreSQL server (`.ci/run` starts one), on a database of its own.

use crate::common;
use crate::people::{BOARD, User, approve_everything, ok_json as json_of, step, unit_url, whole_bloc};

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const CAMPAIGN: &str = "2021-quang-nam";
const CELL: &str = "dang-bo-so-tai-chinh.chi-bo-van-phong";
const COMMITTEE: &str = "dang-bo-so-tai-chinh";

/// A store for one test, removed after it.
pub(crate) enum TestStore {
    Sqlite(tempfile::TempDir),
    Postgres { admin: String, name: String },
}

static DATABASES: AtomicUsize = AtomicUsize::new(0);

impl TestStore {
    /// SQLite always; PostgreSQL too when the tests have a server.
    pub(crate) fn all() -> Vec<TestStore> {
        let mut stores = vec![TestStore::Sqlite(tempfile::tempdir().unwrap())];
        if let Ok(admin) = std::env::var("KTTDV_TEST_DATABASE_URL") {
            let name = format!("kttdv_test_{}_{}", std::process::id(), DATABASES.fetch_add(1, Ordering::SeqCst));
            psql(&admin, &format!("CREATE DATABASE {name}"));
            stores.push(TestStore::Postgres { admin, name });
        }
        stores
    }

    /// The options that point kttdv at it.
    pub(crate) fn args(&self) -> Vec<String> {
        match self {
            TestStore::Sqlite(dir) => vec!["--data".into(), dir.path().display().to_string()],
            TestStore::Postgres { admin, name } => {
                let base = &admin[..admin.rfind('/').unwrap()];
                vec!["--database".into(), format!("{base}/{name}")]
            }
        }
    }

    pub(crate) fn label(&self) -> &'static str {
        match self {
            TestStore::Sqlite(_) => "SQLite",
            TestStore::Postgres { .. } => "PostgreSQL",
        }
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        // An autovacuum worker on the database (a superuser's backend, which
        // FORCE may not end) makes the drop fail for a moment: tried again.
        if let TestStore::Postgres { admin, name } = self {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            for _ in 0..50 {
                let out = Command::new("psql").args([admin.as_str(), "-qc", &sql]).output().expect("psql runs");
                if out.status.success() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            panic!("{sql}: still refused after 10 s");
        }
    }
}

pub(crate) fn psql(url: &str, sql: &str) {
    let out = Command::new("psql").args([url, "-qc", sql]).output().expect("psql runs");
    assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `kttdv campaign init` of the example Bloc (the Board of
/// `examples/board.json`, its committees and cells, the roll) into `store`.
pub(crate) fn init_example(store: &TestStore) {
    let mut args = vec!["campaign", "init", "campaigns/2021-quang-nam.json", "--from", "examples/board.json"];
    args.extend(["--roll", "examples/roll.csv"]);
    let store_args = store.args();
    args.extend(store_args.iter().map(String::as_str));
    let out = kttdv(&args, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {stderr}", store.label());
    assert!(stderr.contains("Đã tạo chiến dịch «2021-quang-nam»"), "{stderr}");
}

pub(crate) fn serve(store: &TestStore) -> Server {
    let args = store.args();
    Server::start(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[tokio::test]
async fn a_cells_workbook_saved_gives_its_packet_and_once_approved_its_committees_form_6_from_the_store() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let bloc = whole_bloc(&store, &server).await;
        let (client, board, committee) = (&bloc[CELL], &bloc[BOARD], &bloc[COMMITTEE]);
        let label = store.label();

        let campaigns = json_of(board.get(server.url("/api/campaigns")).send().await.unwrap()).await;
        assert_eq!(campaigns[0]["code"], CAMPAIGN, "{label}");
        let units =
            json_of(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/units"))).send().await.unwrap()).await;
        let units = units.as_array().unwrap();
        let cell = units.iter().find(|u| u["code"] == CELL).unwrap_or_else(|| panic!("{label}: {units:?}"));
        assert_eq!(cell["parent"], COMMITTEE);
        assert_eq!((cell["state"].as_str(), cell["state_label"].as_str()), (Some("dang-soan"), Some("đang soạn")));
        assert_eq!(cell["versions"], 1, "the example's roster is the first version");

        // The secretary saves her workbook, one birth date corrected: version 2, the example's is kept.
        let workbook = changed_workbook("Ngày sinh", 3, "24/11/1976");
        let form = Form::new().part("input", Part::bytes(workbook).file_name("chi-bo-van-phong.xlsx"));
        let saved =
            json_of(client.put(unit_url(&server, CELL, "submission")).multipart(form).send().await.unwrap()).await;
        assert_eq!(saved["version"]["number"], 2, "{label}: {saved}");
        let versions = json_of(client.get(unit_url(&server, CELL, "versions")).send().await.unwrap()).await;
        assert_eq!(versions.as_array().unwrap().len(), 2);
        let first = json_of(client.get(unit_url(&server, CELL, "submission?version=1")).send().await.unwrap()).await;
        let current = json_of(client.get(unit_url(&server, CELL, "submission")).send().await.unwrap()).await;
        let original = json_input(&example("cell.json"));
        assert_eq!(first["members"], original["members"], "{label}: version 1 as it was");
        assert_eq!(current["cell"]["name"], "Chi bộ Văn phòng");

        // The packet prints the workbook's members; asked again, it is the kept one.
        let packet = client.get(unit_url(&server, CELL, "documents/packet")).send().await.unwrap();
        assert_eq!(packet.status(), StatusCode::OK, "{label}");
        assert_eq!(packet.headers()["x-kttdv-cache"], "miss");
        let bytes = packet.bytes().await.unwrap();
        let text = folded(&pdf_text(&bytes));
        let member = current["members"][0]["full_name"].as_str().unwrap();
        assert!(text.contains(member), "{label}: {member} in the packet");
        let again = client.get(unit_url(&server, CELL, "documents/packet")).send().await.unwrap();
        assert_eq!(again.headers()["x-kttdv-cache"], "hit", "{label}: asking twice renders once");
        assert_eq!(again.bytes().await.unwrap(), bytes);
        // The PDF carries the stored version, under the campaign's settings.
        let settings: Value =
            serde_json::from_str(&std::fs::read_to_string(root().join("campaigns/2021-quang-nam.json")).unwrap())
                .unwrap();
        let made_from = |mut part: Value| {
            part["campaign"] = settings.clone();
            part
        };
        let attached = kttdv::extract(&bytes).unwrap();
        assert_eq!(attached.input, made_from(current.clone()), "{label}: the PDF carries the stored version");
        // Version 1 can be made again, as it was.
        let old = client.get(unit_url(&server, CELL, "documents/mau-2?version=1")).send().await.unwrap();
        assert_eq!(old.status(), StatusCode::OK, "{label}");
        assert_eq!(kttdv::extract(&old.bytes().await.unwrap()).unwrap().input, made_from(first.clone()), "{label}");

        // Once submitted and approved, the committee's form 6 counts the
        // saved roster; only approved cells are in it.
        let (status, body) = step(&server, client, CELL, "submit", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let (status, body) = step(&server, committee, CELL, "approve", json!({})).await;
        assert_eq!((status, body["state_label"].as_str()), (StatusCode::OK, Some("đã duyệt")), "{label}: {body}");
        let form6 = committee.get(unit_url(&server, COMMITTEE, "documents/mau-6")).send().await.unwrap();
        assert_eq!(form6.status(), StatusCode::OK, "{label}");
        let form6 = form6.bytes().await.unwrap();
        let carried = kttdv::extract(&form6).unwrap().input;
        let cells = carried["cells"].as_array().unwrap();
        assert_eq!(cells, std::slice::from_ref(&current), "{label}: form 6 is made from the approved version alone");
        assert!(folded(&pdf_text(&form6)).contains("Chi bộ Văn phòng"));
    }
}

#[tokio::test]
async fn an_invalid_submission_is_refused_with_every_problem_and_nothing_stored() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let client =
            User::created(&store, &server, "van-phong", &["--role", "cell", "--campaign", CAMPAIGN, "--unit", CELL])
                .await;
        let label = store.label();
        let mut roster = json_input(&example("cell.json"));
        roster["members"][0]["birth_date"] = json!("31/02/1970");
        roster["members"][1]["full_name"] = json!("");
        let answer = client.put(unit_url(&server, CELL, "submission")).json(&roster).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let body: Value = answer.json().await.unwrap();
        let places: Vec<&str> =
            body["problems"].as_array().unwrap().iter().filter_map(|p| p["path"].as_str()).collect();
        assert!(places.contains(&"$.members[0].birth_date"), "{label}: {body}");
        assert!(places.iter().any(|p| p.starts_with("$.members[1]")), "{label}: all at once: {body}");
        let versions = json_of(client.get(unit_url(&server, CELL, "versions")).send().await.unwrap()).await;
        assert_eq!(versions.as_array().unwrap().len(), 1, "{label}: nothing stored");

        let unknown =
            client.put(unit_url(&server, "chi-bo-khong-co", "submission")).json(&roster).send().await.unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND, "{label}");
        assert_eq!(unknown.json::<Value>().await.unwrap()["code"], "no-unit");
        let text = client
            .put(unit_url(&server, CELL, "submission"))
            .header("content-type", "text/plain")
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(text.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{label}");
        let old = client.get(unit_url(&server, CELL, "submission?version=9")).send().await.unwrap();
        assert_eq!(old.status(), StatusCode::NOT_FOUND, "{label}");
        let wrong_kind = client.get(unit_url(&server, CELL, "documents/mau-7")).send().await.unwrap();
        assert_eq!(wrong_kind.status(), StatusCode::BAD_REQUEST, "{label}");
    }
}

/// The store's file, read whole.
fn database_file(dir: &Path) -> std::path::PathBuf {
    dir.join("kttdv.db")
}

#[test]
fn a_file_that_is_no_store_or_a_newer_kttdvs_stops_the_start_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = database_file(dir.path());
    std::fs::write(&file, "danh sách đảng viên, không phải cơ sở dữ liệu").unwrap();
    let data = dir.path().to_str().unwrap();
    for args in [vec!["serve", "--addr", "127.0.0.1:0", "--data", data], vec!["campaign", "list", "--data", data]] {
        let out = kttdv(&args, "");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {stderr}");
        assert!(stderr.contains("không phải kho dữ liệu của kttdv"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "danh sách đảng viên, không phải cơ sở dữ liệu");

    // A store a newer kttdv migrated further.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(kttdv(&["campaign", "list", "--data", data], "").status.success());
    let newer = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES (99990101000000, 'tương lai', 1, x'00', 0)";
    let out = Command::new("sqlite3").arg(database_file(dir.path())).arg(newer).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = std::fs::read(database_file(dir.path())).unwrap();
    let out = kttdv(&["campaign", "list", "--data", data], "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("phiên bản kttdv mới hơn"), "{stderr}");
    assert_eq!(std::fs::read(database_file(dir.path())).unwrap(), before, "nothing written");
}

#[test]
fn an_unreachable_database_stops_the_start_with_its_address_and_no_password() {
    let out = kttdv(&["campaign", "list", "--database", "postgres://kttdv:bi-mat@127.0.0.1:1/kttdv"], "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("postgres://127.0.0.1:1/kttdv") && !stderr.contains("bi-mat"), "{stderr}");
}

#[test]
fn a_campaign_is_created_once() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let mut args = vec!["campaign", "init", "campaigns/2021-quang-nam.json", "--roll", "examples/roll.csv"];
    let store_args = store.args();
    args.extend(store_args.iter().map(String::as_str));
    let out = kttdv(&args, "");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("đã có trong kho"));
    // From the roll alone, under another code: the tree its columns name.
    args.extend(["--code", "tu-danh-sach"]);
    assert!(kttdv(&args, "").status.success());
    let list = kttdv(&["campaign", "list", "--data", &store.args()[1]], "");
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.contains("2021-quang-nam\t") && listed.contains("tu-danh-sach\t"), "{listed}");
}

#[test]
fn an_exported_campaign_imports_into_either_store_and_exports_the_same_files() {
    let stores = TestStore::all();
    let first = &stores[0];
    init_example(first);
    let dir = tempfile::tempdir().unwrap();
    let export = |store: &TestStore, name: &str| -> Vec<u8> {
        let path = dir.path().join(name);
        let mut args = vec!["campaign", "export", CAMPAIGN, "-o", path.to_str().unwrap()];
        let store_args = store.args();
        args.extend(store_args.iter().map(String::as_str));
        let out = kttdv(&args, "");
        assert!(out.status.success(), "{}: {}", store.label(), String::from_utf8_lossy(&out.stderr));
        // Every member's personal data: for its owner's eyes only.
        #[cfg(unix)]
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions()) & 0o777,
            0o600
        );
        std::fs::read(path).unwrap()
    };
    let exported = export(first, "1.zip");
    // Into an empty store of each kind: SQLite, and PostgreSQL where there is one.
    for (i, target) in
        [TestStore::Sqlite(tempfile::tempdir().unwrap())].into_iter().chain(stores.into_iter().skip(1)).enumerate()
    {
        let mut args = vec!["campaign".to_owned(), "import".into(), dir.path().join("1.zip").display().to_string()];
        args.extend(target.args());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = kttdv(&args, "");
        assert!(out.status.success(), "{}: {}", target.label(), String::from_utf8_lossy(&out.stderr));
        assert_eq!(export(&target, &format!("{i}-again.zip")), exported, "{}: the same bytes back", target.label());
        // A second import of the same campaign is refused.
        let again = kttdv(&args, "");
        assert_eq!(again.status.code(), Some(1), "{}", target.label());
    }
    // Every version is in it, with its body as saved.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(exported)).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&format!("versions/{CELL}.json")).unwrap(), &mut text).unwrap();
    let versions: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(versions[0]["body"]["cell"]["name"], "Chi bộ Văn phòng");
    // And the audit log, in order, without the store's own numbering.
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("events.json").unwrap(), &mut text).unwrap();
    let events: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(events[0]["action"], "campaign-created", "{events}");
    assert!(events[0].get("seq").is_none());
}

#[test]
fn an_export_that_is_not_whole_is_refused_and_nothing_is_stored() {
    let source = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&source);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.zip");
    let out = kttdv(&["campaign", "export", CAMPAIGN, "-o", path.to_str().unwrap(), "--data", &source.args()[1]], "");
    assert!(out.status.success());
    // A version's body changed after export: its hash no longer matches.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut changed = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
        if name == format!("versions/{CELL}.json") {
            // As many bytes: only the hash can tell.
            text = text.replacen("Chi bộ Văn phòng", "Chi bộ Văn phàng", 1);
        }
        changed.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut changed, text.as_bytes()).unwrap();
    }
    std::fs::write(&path, changed.finish().unwrap().into_inner()).unwrap();
    let target = tempfile::tempdir().unwrap();
    let data = target.path().to_str().unwrap();
    let out = kttdv(&["campaign", "import", path.to_str().unwrap(), "--data", data], "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("SHA-256 không khớp"), "{stderr}");
    let list = kttdv(&["campaign", "list", "--data", data], "");
    assert_eq!(String::from_utf8_lossy(&list.stdout), "", "nothing stored");
}

/// A copy of the example cell's roster that says which client saved it.
fn roster_of(client: usize, round: usize) -> Value {
    let mut roster = json_input(&example("cell.json"));
    roster["cell"]["report_number"] = json!(format!("{client}-{round}"));
    roster
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_save_answered_survives_the_server_killed_with_sigkill() {
    use std::sync::{Arc, Mutex};
    for store in TestStore::all() {
        init_example(&store);
        let mut server = serve(&store);
        let label = store.label();
        let acknowledged: Arc<Mutex<Vec<(String, u64, String)>>> = Arc::default();
        let units = [
            ("dang-bo-so-tai-chinh.chi-bo-van-phong", "Chi bộ Văn phòng"),
            ("dang-bo-so-tai-chinh.chi-bo-thanh-tra", "Chi bộ Thanh tra"),
        ];
        let mut secretaries = Vec::new();
        for (unit, _) in units {
            let args = ["--role", "cell", "--campaign", CAMPAIGN, "--unit", unit];
            secretaries.push(User::created(&store, &server, unit, &args).await);
        }
        let mut clients = Vec::new();
        for client in 0..32 {
            let (acknowledged, base) = (acknowledged.clone(), server.base.clone());
            let (unit, name) = units[client % units.len()];
            let unit = unit.to_owned();
            let secretary = secretaries[client % units.len()].clone();
            clients.push(tokio::spawn(async move {
                let url = format!("{base}/api/campaigns/{CAMPAIGN}/units/{unit}/submission");
                for round in 0.. {
                    let mut roster = roster_of(client, round);
                    roster["cell"]["name"] = json!(name);
                    let Ok(answer) = secretary.put(&url).json(&roster).send().await else { break };
                    if answer.status() != StatusCode::OK {
                        // Only the server's going away ends a client's saves.
                        assert!(answer.status().is_server_error(), "{}", answer.text().await.unwrap());
                        break;
                    }
                    let Ok(saved) = answer.json::<Value>().await else { break };
                    let version = &saved["version"];
                    let entry = (
                        unit.clone(),
                        version["number"].as_u64().unwrap(),
                        version["sha256"].as_str().unwrap().to_owned(),
                    );
                    acknowledged.lock().unwrap().push(entry);
                }
            }));
        }
        // Killed in the middle of the saves.
        while acknowledged.lock().unwrap().len() < 60 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        for client in clients {
            client.await.unwrap();
        }
        let acknowledged = acknowledged.lock().unwrap().clone();
        let server = serve(&store);
        // Sessions are in the store: they survive the kill too.
        let http = &secretaries[0];
        for (unit, number, sha256) in acknowledged.iter().filter(|(unit, _, _)| unit == units[0].0) {
            let answer =
                http.get(unit_url(&server, unit, &format!("submission?version={number}"))).send().await.unwrap();
            assert_eq!(answer.status(), StatusCode::OK, "{label}: {unit} version {number} was answered, then lost");
            assert_eq!(answer.headers()["etag"].to_str().unwrap(), format!("\"{sha256}\""), "{label}");
        }
        assert!(acknowledged.len() >= 60, "{label}");
    }
}

#[tokio::test]
async fn two_replicas_on_one_postgresql_share_saves_and_documents() {
    // SQLite has no replicas; `.ci/run` always starts a PostgreSQL server.
    let Some(store) = TestStore::all().into_iter().find(|s| matches!(s, TestStore::Postgres { .. })) else { return };
    init_example(&store);
    let (one, two) = (serve(&store), serve(&store));
    // Signed in through one, known to both.
    let client =
        User::created(&store, &one, "van-phong", &["--role", "cell", "--campaign", CAMPAIGN, "--unit", CELL]).await;
    let roster = roster_of(1, 1);
    let saved = client.put(unit_url(&one, CELL, "submission")).json(&roster).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let read = json_of(client.get(unit_url(&two, CELL, "submission")).send().await.unwrap()).await;
    assert_eq!(read, roster, "saved through one, read through the other");
    let made = client.get(unit_url(&one, CELL, "documents/mau-2")).send().await.unwrap();
    assert_eq!(made.headers()["x-kttdv-cache"], "miss");
    let made = made.bytes().await.unwrap();
    let kept = client.get(unit_url(&two, CELL, "documents/mau-2")).send().await.unwrap();
    assert_eq!(kept.headers()["x-kttdv-cache"], "hit", "made by one, served by the other");
    assert_eq!(kept.bytes().await.unwrap(), made);
}

#[tokio::test]
async fn after_one_cell_changes_the_boards_submission_makes_again_only_what_depends_on_it() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let bloc = whole_bloc(&store, &server).await;
    approve_everything(&server, &bloc).await;
    let board = &bloc[BOARD];
    let whole = unit_url(&server, "ban", "documents/ho-so-ban");
    let first = board.get(&whole).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["x-kttdv-files-kept"], "0", "nothing made before");
    let pdfs = |zip: &[u8]| -> Vec<(String, Vec<u8>)> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).unwrap();
        let names: Vec<String> =
            archive.file_names().map(|n| n.unwrap().into_owned()).filter(|n| n.ends_with(".pdf")).collect();
        names
            .into_iter()
            .map(|n| {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut archive.by_name(&n).unwrap(), &mut bytes).unwrap();
                (n, bytes)
            })
            .collect()
    };
    let before = pdfs(&first.bytes().await.unwrap());
    // The Board returns the Sở Tài chính with one of its cells, which changes.
    let back = json!({ "note": "Chi bộ Văn phòng kê thiếu", "cells": [CELL] });
    assert_eq!(step(&server, board, COMMITTEE, "return", back).await.0, StatusCode::OK);
    let saved = bloc[CELL].put(unit_url(&server, CELL, "submission")).json(&roster_of(7, 7)).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    for (unit, by) in [(CELL, COMMITTEE), (COMMITTEE, BOARD)] {
        assert_eq!(step(&server, &bloc[unit], unit, "submit", json!({})).await.0, StatusCode::OK, "{unit}");
        assert_eq!(step(&server, &bloc[by], unit, "approve", json!({})).await.0, StatusCode::OK, "{unit}");
    }
    let again = board.get(&whole).send().await.unwrap();
    assert_eq!(again.headers()["x-kttdv-cache"], "miss");
    let kept: usize = again.headers()["x-kttdv-files-kept"].to_str().unwrap().parse().unwrap();
    let after = pdfs(&again.bytes().await.unwrap());
    // What the other committee made is kept; the Board's and the Tài chính's are new.
    let unchanged: Vec<&String> =
        before.iter().zip(&after).filter(|((_, a), (_, b))| a == b).map(|((name, _), _)| name).collect();
    assert!(unchanged.iter().all(|n| n.starts_with("dang-bo-so-xay-dung/")), "{unchanged:?}");
    assert_eq!(kept, unchanged.len(), "kept exactly the files that did not change: {unchanged:?}");
    assert!(kept >= 2, "the other committee's form 6 and lists: {unchanged:?}");
}

#[test]
fn a_units_file_makes_the_tree_and_its_problems_are_named_by_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("don-vi.csv");
    std::fs::write(
        &units,
        "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\n\
         ban,Ban Tổ chức Đảng ủy Khối,Ban Tổ chức,\n\
         dang-bo-so-y-te,Đảng bộ Sở Y tế,Tổ chức cơ sở đảng,ban\n\
         dang-bo-so-y-te.chi-bo-1,Chi bộ Khám bệnh,Chi bộ,dang-bo-so-y-te\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    let init = |units: &Path| {
        let args = ["campaign", "init", "campaigns/2021-quang-nam.json", "--units", units.to_str().unwrap()];
        kttdv(&[&args[..], &["--data", data.to_str().unwrap()]].concat(), "")
    };
    let out = init(&units);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 tổ chức cơ sở đảng, 1 chi bộ, 0 bản dữ liệu"));

    let bad = dir.path().join("sai.csv");
    std::fs::write(
        &bad,
        "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\n\
         ban,Ban Tổ chức Đảng ủy Khối,Ban Tổ chức,\n\
         chi-bo-1,Chi bộ Khám bệnh,Chi bộ,ban\n\
         Sở Y tế,Đảng bộ Sở Y tế,Tổ chức cơ sở đảng,ban\n",
    )
    .unwrap();
    let out = init(&bad);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // Every problem at once, at its sheet cell: the cell under the Board, the code with spaces.
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with("wrong-parent\t") && l.contains("sai.csv!D3")), "{stderr}");
    assert!(lines.iter().any(|l| l.starts_with("invalid-unit-code\t") && l.contains("sai.csv!A4")), "{stderr}");
}
