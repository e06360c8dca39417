//! A Board's views of a very large tree: a Board, 1,000 committees of 99
//! cells each (100,000 units, no submissions), in an SQLite store.
//! `cargo bench --bench tree [-- committees]`: `kttdv campaign init
//! --units` of the tree as a whole process, then as the Board, five times
//! each: the tree (`/units`), the dashboard, and the campaign's page.
//! Issue 28 found `/units` at 21 s and the page at 41 s for such a tree
//! (lookups by scanning the list once per unit); the target is ≤ 1 s.
//! See BENCHMARKS.md.

#[path = "../tests/it/common.rs"]
#[allow(dead_code)] // the tests' helpers; this bench needs only the server
mod common;

use std::time::Instant;

use common::User;
use serde_json::json;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let committees: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let work = tempfile::tempdir().unwrap();
    let mut units = vec![json!({ "code": "ban", "name": "Ban Tổ chức", "kind": "board" })];
    for c in 0..committees {
        let code = format!("dang-bo-{c}");
        units.push(json!({ "code": code, "name": format!("Đảng bộ số {c}"), "kind": "committee", "parent": "ban" }));
        for k in 0..99 {
            units.push(json!({ "code": format!("{code}.chi-bo-{k}"), "name": format!("Chi bộ số {k}"), "kind": "cell", "parent": code }));
        }
    }
    let file = work.path().join("don-vi.json");
    std::fs::write(&file, serde_json::to_string(&units).unwrap()).unwrap();
    let settings = common::root().join("campaigns/2021-quang-nam.json");
    let data = work.path().join("data").display().to_string();
    let store = ["--data", data.as_str()];
    println!("{} units", units.len());

    let started = Instant::now();
    let mut init = vec!["campaign", "init", settings.to_str().unwrap(), "--units", file.to_str().unwrap()];
    init.extend(store);
    let out = common::kttdv(&init, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    println!("campaign init --units {:.2} s", started.elapsed().as_secs_f64());

    let server = common::Server::start(&store);
    let mut create = vec!["admin", "create-user", "ban-to-chuc", "--role", "board", "--campaign", "2021-quang-nam"];
    create.extend(["--unit", "ban"]);
    create.extend(store);
    let out = common::kttdv(&create, "");
    let link = String::from_utf8(out.stdout).unwrap();
    let board = User::by_link(&server, "ban-to-chuc", &link.trim()[link.find("/web/").unwrap()..]).await;
    for (what, path) in [
        ("the tree (/units)", "/api/campaigns/2021-quang-nam/units"),
        ("the dashboard", "/api/campaigns/2021-quang-nam/dashboard"),
        ("the campaign's page", "/web/campaigns/2021-quang-nam"),
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let answer = board.get(server.url(path)).send().await.unwrap();
            assert!(answer.status().is_success(), "{path}: {}", answer.status());
            size = answer.bytes().await.unwrap().len();
            times.push(started.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        println!("{what}: median {:.2} s, slowest {:.2} s, {:.1} MB", times[2], times[4], size as f64 / 1e6);
    }
}
