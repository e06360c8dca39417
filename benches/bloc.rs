//! A whole Bloc's submission — `committees` grassroots committees of four
//! cells of `members` members — made on one thread and on every core, side
//! by side in one run, then with every cell's packet too (the whole Bloc),
//! with the bytes written. `cargo bench --bench bloc
//! [committees] [members]`; defaults 100 and 20 (8,000 members). See
//! BENCHMARKS.md.

use std::time::Instant;

use kttdv::{EngineConfig, Kind, PdfFlavour, Renderer};
use serde_json::{Value, json};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LETTERS: [&str; 20] =
    ["A", "B", "C", "D", "E", "G", "H", "K", "L", "M", "N", "P", "Q", "R", "S", "T", "U", "V", "X", "Y"];

/// A name of letters only, different for every index.
fn named(prefix: &str, i: usize) -> String {
    format!("{prefix} {} {}", LETTERS[i / LETTERS.len() % LETTERS.len()], LETTERS[i % LETTERS.len()])
}

fn bloc(committees: usize, members: usize) -> Value {
    let header = |issuer: &str| json!({ "superior": "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "issuer": issuer, "place": "Quảng Nam", "date": "06/05/2021" });
    let committees: Vec<Value> = (0..committees)
        .map(|c| {
            let organisation = named("Đảng bộ Sở", c);
            let cells: Vec<Value> = (0..4)
                .map(|k| {
                    let seed = (c * 4 + k) as u64;
                    let mut cell = kttdv::sample::cell(members, seed, &named("Chi bộ Phòng", k), &organisation);
                    // Every card number its own across the Bloc.
                    for (i, member) in cell["members"].as_array_mut().unwrap().iter_mut().enumerate() {
                        if member.get("card_number").is_some() {
                            member["card_number"] = json!(format!("49.{:06}", seed * 100 + i as u64));
                        }
                        member["full_name"] = json!(format!("{} {}", member["full_name"].as_str().unwrap(), named("", c)));
                    }
                    cell
                })
                .collect();
            json!({
                "organisation": organisation,
                "committee": {
                    "header": header(&organisation.replace("Đảng bộ", "ĐẢNG ỦY").to_uppercase()),
                    "signature": { "as": "on-behalf-of", "body": "ĐẢNG ỦY", "title": "BÍ THƯ", "name": "Nguyễn Văn Thành" },
                },
                "cells": cells,
            })
        })
        .collect();
    json!({
        "board": {
            "header": header("BAN TỔ CHỨC"),
            "signature": { "as": "deputy", "head": "TRƯỞNG BAN", "title": "PHÓ TRƯỞNG BAN", "name": "Lê Thị Hồng Vân" },
        },
        "committees": committees,
    })
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (committees, members) = (args.first().copied().unwrap_or(100), args.get(1).copied().unwrap_or(20));
    let input = bloc(committees, members);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for (threads, cells) in [(1, false), (cores, false), (cores, true)] {
        let renderer = Renderer::new(&EngineConfig::default()).unwrap().with_threads(threads).with_cell_packets(cells);
        let started = Instant::now();
        let bundle = renderer.render_files(Kind::HoSoBan, &input, PdfFlavour::WITH_DATA, &|_, _| {}).unwrap();
        let bytes: usize = bundle.files.iter().map(|(_, b)| b.len()).sum();
        println!(
            "{committees} committees × 4 cells × {members} members, {threads} thread(s){}: {:.1} s, {} files, {:.1} MB",
            if cells { ", with the cells' packets" } else { "" },
            started.elapsed().as_secs_f64(),
            bundle.files.len(),
            bytes as f64 / 1e6
        );
    }
}
