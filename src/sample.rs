//! Realistic generated rosters and whole Blocs, different for every seed:
//! for benchmarks, load tests, property tests and `kttdv sample`, which
//! gives a Board something to try the tool on without real members.

use serde_json::{Value, json};

const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"];
const MIDDLE: &[&str] = &["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thanh", "Hữu", "Quốc", "Thu", "Xuân"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương", "Quân", "Sơn",
    "Tâm", "Thảo", "Trung", "Tuấn", "Vy", "Yến", "Ánh", "Đạt", "Ngân",
];
const CELLS: &[&str] = &["Chi bộ Văn phòng", "Chi bộ Phòng Kế hoạch", "Chi bộ Thanh tra", "Chi bộ Phòng Tổ chức"];

/// A small deterministic generator, so a seed always gives the same roster.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len())]
    }
}

/// A roster of the cell `name` under `superior`, its card numbers its own
/// (no other seed's below 1,000 repeats them): cells of one committee.
pub fn cell(members: usize, seed: u64, name: &str, superior: &str) -> Value {
    let mut roster = roster(members, seed);
    roster["cell"]["name"] = json!(name);
    roster["cell"]["superior"] = json!(superior);
    for (i, member) in roster["members"].as_array_mut().into_iter().flatten().enumerate() {
        if member.get("card_number").is_some() {
            member["card_number"] = json!(format!("49.{:06}", seed % 1000 * 1000 + i as u64));
        }
    }
    roster
}

/// A cell roster (kind `mau-2`) of `members` members: mostly full members
/// whose cards are to be stamped, a few temporarily attached, a few
/// probationary, and one of every other card outcome when there is room.
pub fn roster(members: usize, seed: u64) -> Value {
    let mut rng = Lcg(seed ^ 0x9E37_79B9_7F4A_7C15);
    let people: Vec<Value> = (0..members).map(|i| member(i, members, &mut rng)).collect();
    json!({
        "cell": {
            "superior": "Đảng bộ Sở Tài chính",
            "name": CELLS[(seed as usize) % CELLS.len()],
            "place": "Quảng Nam",
            "date": "20/04/2021",
            "reference_date": "15/04/2021",
            "has_committee": true,
            "signer": { "title": "BÍ THƯ", "name": "Trần Văn Hùng" }
        },
        "members": people,
    })
}

/// `count` inputs of `kind`, each its own, for the benchmarks that make one
/// kind of document over and over: a committee's (forms 6, the consolidated
/// lists) from a Bloc of `count` committees of four cells of 20 members,
/// any other kind a generated cell of 20 members.
pub fn inputs(kind: crate::Kind, count: usize) -> Vec<Value> {
    use crate::Kind;
    if matches!(kind, Kind::Mau6 | Kind::TongHop | Kind::HoSoCoSo) {
        let bloc = bloc(count, 20);
        bloc["committees"].as_array().cloned().unwrap_or_default()
    } else {
        (0..count).map(|i| cell(20, 100 + i as u64, "Chi bộ Văn phòng", "Đảng bộ Sở Tài chính")).collect()
    }
}

const LETTERS: [&str; 20] =
    ["A", "B", "C", "D", "E", "G", "H", "K", "L", "M", "N", "P", "Q", "R", "S", "T", "U", "V", "X", "Y"];

/// A name of letters only, different for every index below 400.
fn named(prefix: &str, i: usize) -> String {
    format!("{prefix} {} {}", LETTERS[i / LETTERS.len() % LETTERS.len()], LETTERS[i % LETTERS.len()])
}

/// The Board's submission (kind `ho-so-ban`) of a Bloc of `committees`
/// grassroots committees of four cells of `members` members each, every
/// card number and name its own across the Bloc.
pub fn bloc(committees: usize, members: usize) -> Value {
    let header = |issuer: &str| json!({ "superior": "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "issuer": issuer, "place": "Quảng Nam", "date": "06/05/2021" });
    let committees: Vec<Value> = (0..committees)
        .map(|c| {
            let organisation = named("Đảng bộ Sở", c);
            let cells: Vec<Value> = (0..4)
                .map(|k| {
                    let seed = (c * 4 + k) as u64;
                    let mut cell = cell(members, seed, &named("Chi bộ Phòng", k), &organisation);
                    for (i, member) in cell["members"].as_array_mut().into_iter().flatten().enumerate() {
                        if member.get("card_number").is_some() {
                            member["card_number"] = json!(format!("49.{:06}", seed * members as u64 + i as u64));
                        }
                        let name = format!("{} {}", member["full_name"].as_str().unwrap_or_default(), named("", c));
                        member["full_name"] = json!(name);
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

fn member(i: usize, total: usize, rng: &mut Lcg) -> Value {
    let name = format!("{} {} {}", rng.pick(FAMILY), rng.pick(MIDDLE), rng.pick(GIVEN));
    let birth_year = 1955 + rng.next(30) as i32;
    let admitted_year = birth_year + 19 + rng.next(8) as i32;
    let date = |rng: &mut Lcg, year: i32| format!("{:02}/{:02}/{year}", 1 + rng.next(28), 1 + rng.next(12));
    let birth = date(rng, birth_year);
    let admitted = date(rng, admitted_year);
    let full = date(rng, admitted_year + 1);
    let card = format!("49.{:06}", i * 7 + 100_000);
    // The last few members show every other case, when the roster is big enough.
    let case = if total >= 8 { total - i } else { usize::MAX };
    let mut member = json!({
        "full_name": name,
        "birth_date": birth,
        "gender": if rng.next(2) == 0 { "nam" } else { "nu" },
        "admitted_on": admitted,
        "membership": "full",
        "full_member_on": full,
        "card_number": card,
        "card": "stamp",
    });
    let fields = member.as_object_mut().expect("an object");
    match case {
        1 => {
            fields.insert("membership".into(), json!("probationary"));
            fields.insert("admitted_on".into(), json!("10/10/2020"));
            for key in ["full_member_on", "card_number", "card"] {
                fields.remove(key);
            }
        }
        2 => {
            fields.insert("card".into(), json!({ "damaged": { "defect": "Thẻ bị ố, mờ ảnh" } }));
        }
        3 => {
            fields.insert(
                "card".into(),
                json!({ "lost": { "circumstances": "Mất khi đi công tác", "handling": "Kiểm điểm, nhắc nhở" } }),
            );
        }
        4 => {
            fields.remove("card_number");
            fields.insert("card".into(), json!({ "no_current_card": { "reason": "Chưa được phát thẻ" } }));
        }
        5 => {
            fields.insert("card".into(), json!({ "not_stamped": { "reason": "Đã ra khỏi Đảng" } }));
        }
        _ if i % 9 == 4 => {
            fields.insert("temporary_from".into(), json!("Chi bộ Trường Chính trị tỉnh"));
        }
        _ => {}
    }
    member
}
