//! The campaign store at a Bloc's size: a Board, `committees` committees of
//! four cells of 20 members (8,000 members by default), on SQLite and, when
//! `KTTDV_TEST_DATABASE_URL` names a PostgreSQL server whose role may create
//! databases (`source .ci/postgres`), on PostgreSQL, side by side in one run.
//!
//! `cargo bench --bench store [-- committees]`. Measures, for each backend:
//! `kttdv campaign init` of the generated Bloc as a whole process; a
//! sign-in (argon2id, 100 of them); the Board's dashboard of every unit
//! (1,000 requests, one client); saving a 30-member roster with 16 clients
//! at once, each its own cell (1,600 saves; the save checks the roster, no
//! render); every report's way up (each cell submitted and approved, each
//! committee submitted and accepted); and the Board's whole submission
//! from the store from scratch, then again after one cell's roster changed
//! (returned with its committee, saved, and up again), then after one name
//! in it corrected (the counts kept). SQLite runs twice:
//! the server with its default render workers (the cores) and with one.
//! See BENCHMARKS.md.

#[path = "../tests/it/common.rs"]
#[allow(dead_code)] // the tests' helpers; this bench needs only the server
mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{PASSWORD, User};
use serde_json::{Value, json};

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn psql(url: &str, sql: &str) {
    let out = std::process::Command::new("psql").args([url, "-qc", sql]).output().expect("psql runs");
    assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let committees: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let work = tempfile::tempdir().unwrap();
    let board = work.path().join("khoi.json");
    std::fs::write(&board, kttdv::sample::bloc(committees, 20).to_string()).unwrap();
    let settings = common::root().join("campaigns/2021-quang-nam.json");

    let data = |folder: &str| vec!["--data".to_owned(), work.path().join(folder).display().to_string()];
    // The server's render workers (`--workers`) besides the store's options:
    // the cores, and one, for the submission made on every free worker.
    let mut backends =
        vec![("SQLite", data("data"), vec![]), ("SQLite, one render worker", data("one"), vec!["--workers", "1"])];
    let admin = std::env::var("KTTDV_TEST_DATABASE_URL").ok();
    let database = format!("kttdv_bench_{}", std::process::id());
    if let Some(admin) = &admin {
        psql(admin, &format!("CREATE DATABASE {database}"));
        let base = &admin[..admin.rfind('/').unwrap()];
        backends.push(("PostgreSQL", vec!["--database".to_owned(), format!("{base}/{database}")], vec![]));
    }
    println!("{committees} committees × 4 cells × 20 members");
    for (label, store, serve) in &backends {
        let store: Vec<&str> = store.iter().map(String::as_str).collect();
        let mut init = vec!["campaign", "init", settings.to_str().unwrap(), "--from", board.to_str().unwrap()];
        init.extend(&store);
        let started = Instant::now();
        let out = common::kttdv(&init, "");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        println!("{label}: campaign init from files {:.2} s", started.elapsed().as_secs_f64());

        let server = common::Server::start(&[&store[..], &serve[..]].concat());
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let mut create = vec!["admin", "create-user", "ban-to-chuc", "--role", "board", "--campaign", "2021-quang-nam"];
        create.extend(["--unit", "ban"]);
        create.extend(&store);
        let out = common::kttdv(&create, "");
        let link = String::from_utf8(out.stdout).unwrap();
        let board = User::by_link(&server, "ban-to-chuc", &link.trim()[link.find("/web/").unwrap()..]).await;
        let mut times = Vec::new();
        for _ in 0..100 {
            let started = Instant::now();
            let body = json!({ "login": "ban-to-chuc", "password": PASSWORD });
            let answer = client.post(server.url("/api/session")).json(&body).send().await.unwrap();
            assert!(answer.status().is_success());
            times.push(started.elapsed());
        }
        times.sort();
        println!("{label}: sign-in  p50 {:.1} ms  p99 {:.1} ms", percentile(&times, 0.5), percentile(&times, 0.99));

        let units: Value =
            board.get(server.url("/api/campaigns/2021-quang-nam/units")).send().await.unwrap().json().await.unwrap();
        let units = units.as_array().unwrap().clone();
        let dashboard = server.url("/api/campaigns/2021-quang-nam/dashboard");
        let mut times = Vec::new();
        for _ in 0..1000 {
            let started = Instant::now();
            let answer = board.get(&dashboard).send().await.unwrap();
            assert!(answer.status().is_success());
            answer.bytes().await.unwrap();
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "{label}: the Board's dashboard of {} units  p50 {:.2} ms  p99 {:.2} ms",
            units.len(),
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );

        // Everyone invited by the Board: the committees at once, each committee's cells at once.
        let mut people = std::collections::HashMap::from([("ban".to_owned(), board.clone())]);
        for unit in units.iter().filter(|u| u["level"] != "cell") {
            let code = unit["code"].as_str().unwrap();
            let url = server.url(&format!("/api/campaigns/2021-quang-nam/units/{code}/accounts"));
            let made: Value =
                board.post(url).json(&json!({ "below": true })).send().await.unwrap().json().await.unwrap();
            for account in made.as_array().unwrap() {
                let login = account["login"].as_str().unwrap();
                let user = User::by_link(&server, login, account["link"].as_str().unwrap()).await;
                people.insert(account["unit"].as_str().unwrap().to_owned(), user);
            }
        }
        let cells: Vec<(String, String)> = units
            .iter()
            .filter(|u| u["level"] == "cell")
            .map(|u| (u["code"].as_str().unwrap().to_owned(), u["name"].as_str().unwrap().to_owned()))
            .collect();
        let times = Arc::new(Mutex::new(Vec::new()));
        let errors = Arc::new(Mutex::new(0));
        let started = Instant::now();
        let mut clients = Vec::new();
        for c in 0..16 {
            let (times, errors, base) = (times.clone(), errors.clone(), server.base.clone());
            // Each round of each client another cell, whose secretary saves (seeds from 8: above
            // the Bloc's card numbers): a unit may save 60 versions an hour.
            let rounds: Vec<_> = (0..100)
                .map(|round| {
                    let k = (c + 16 * round) % cells.len();
                    let (cell, name) = cells[k].clone();
                    (k, cell.clone(), name, people[&cell].clone())
                })
                .collect();
            clients.push(tokio::spawn(async move {
                for (round, (k, cell, name, user)) in rounds.into_iter().enumerate() {
                    let body = kttdv::sample::cell(30, 8 + k as u64 + round as u64 % 2, &name, "Đảng bộ");
                    let url = format!("{base}/api/campaigns/2021-quang-nam/units/{cell}/submission");
                    let sent = Instant::now();
                    let answer = user.put(&url).json(&body).send().await.unwrap();
                    if !answer.status().is_success() {
                        *errors.lock().unwrap() += 1;
                        eprintln!("{}", answer.text().await.unwrap());
                        continue;
                    }
                    answer.bytes().await.unwrap();
                    times.lock().unwrap().push(sent.elapsed());
                }
            }));
        }
        for client in clients {
            client.await.unwrap();
        }
        let mut times = times.lock().unwrap().clone();
        times.sort();
        println!(
            "{label}: 1,600 saves of a 30-member roster, 16 clients  {:.0} saves/s  p50 {:.2} ms  p99 {:.2} ms  errors {}",
            1600.0 / started.elapsed().as_secs_f64(),
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            errors.lock().unwrap()
        );

        // Every report up: cells submitted and approved, committees submitted and accepted.
        let step = |unit: &str, step: &str, by: &User| {
            let url = server.url(&format!("/api/campaigns/2021-quang-nam/units/{unit}/{step}"));
            by.post(url).json(&json!({})).send()
        };
        let started = Instant::now();
        let mut steps = 0;
        for level in ["cell", "committee"] {
            for unit in units.iter().filter(|u| u["level"] == level) {
                let (code, parent) = (unit["code"].as_str().unwrap(), unit["parent"].as_str().unwrap());
                for (name, by) in [("submit", &people[code]), ("approve", &people[parent])] {
                    let answer = step(code, name, by).await.unwrap();
                    assert!(answer.status().is_success(), "{code} {name}: {}", answer.text().await.unwrap());
                    steps += 1;
                }
            }
        }
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "{label}: every report up, {steps} steps one after another  {elapsed:.1} s  {:.1} ms a step",
            elapsed * 1000.0 / steps as f64
        );

        let whole = server.url("/api/campaigns/2021-quang-nam/units/ban/documents/ho-so-ban");
        let changes = ["after one cell changed", "after one name corrected"];
        for when in ["from scratch", "again, nothing changed", changes[0], changes[1]] {
            if changes.contains(&when) {
                let (cell, name) = &cells[0];
                let committee = units.iter().find(|u| u["code"] == cell.as_str()).unwrap()["parent"].as_str().unwrap();
                let back = json!({ "note": "xem lại", "cells": [cell] });
                let url = server.url(&format!("/api/campaigns/2021-quang-nam/units/{committee}/return"));
                assert!(board.post(url).json(&back).send().await.unwrap().status().is_success());
                let url = server.url(&format!("/api/campaigns/2021-quang-nam/units/{cell}/submission"));
                // 25 members where there were 20; then the same with one name corrected.
                let mut body = kttdv::sample::cell(25, 8, name, "Đảng bộ");
                if when == changes[1] {
                    body["members"][3]["full_name"] = json!("Nguyễn Văn Sửa");
                }
                let answer = people[cell].put(&url).json(&body).send().await.unwrap();
                assert!(answer.status().is_success());
                for (unit, above) in [(cell.as_str(), committee), (committee, "ban")] {
                    assert!(step(unit, "submit", &people[unit]).await.unwrap().status().is_success());
                    assert!(step(unit, "approve", &people[above]).await.unwrap().status().is_success());
                }
            }
            let started = Instant::now();
            let answer = board.get(&whole).send().await.unwrap();
            assert!(answer.status().is_success(), "{}", answer.text().await.unwrap());
            let cache = answer.headers()["x-kttdv-cache"].to_str().unwrap().to_owned();
            let kept = answer
                .headers()
                .get("x-kttdv-files-kept")
                .map_or(String::new(), |kept| format!(", {} files kept", kept.to_str().unwrap()));
            let bytes = answer.bytes().await.unwrap().len();
            println!(
                "{label}: the Board's whole submission {when}  {:.2} s  ({cache}{kept}, {:.1} MB)",
                started.elapsed().as_secs_f64(),
                bytes as f64 / 1e6
            );
        }
    }
    if let Some(admin) = &admin {
        psql(admin, &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
    }
}
