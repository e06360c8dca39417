//! The levels above the cell, read back from what they print: form 6 against
//! each cell's form 1, form 7 against its forms 6, the consolidated lists
//! against the cells' lists, the soft files against the PDFs, and the
//! reconciliation against a roll with planted differences.

use crate::common;

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader};
use common::*;
use kttdv::{Kind, Output, PdfFlavour};
use serde_json::{Value, json};

/// The nine figures of a row of form 6, in column order.
type Row = [usize; 9];

/// A small deterministic generator for the shapes of hierarchies.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn cell(seed: u64, members: usize, name: &str, superior: &str) -> Value {
    kttdv::sample::cell(members, seed, name, superior)
}

fn issuer(issuer: &str, date: &str, signature: Value) -> Value {
    json!({
        "header": { "superior": "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "issuer": issuer, "place": "Quảng Nam", "date": date },
        "signature": signature,
    })
}

/// Unit names hold no digits, so that a printed row's numbers are its figures.
const ORGANISATIONS: [&str; 3] = ["Đảng bộ Sở Tài chính", "Đảng bộ Sở Xây dựng", "Đảng bộ Sở Y tế"];
const CELLS: [&str; 4] = ["Chi bộ Văn phòng", "Chi bộ Kế hoạch", "Chi bộ Thanh tra", "Chi bộ Tổ chức"];

fn committee(index: usize, cells: Vec<Value>) -> Value {
    let name = ORGANISATIONS[index];
    json!({
        "organisation": name,
        "received_on": format!("{:02}/05/2021", 6 + index),
        "committee": issuer(&name.replace("Đảng bộ", "Đảng ủy").to_uppercase(), "06/05/2021",
            json!({ "as": "on-behalf-of", "body": "ĐẢNG ỦY", "title": "BÍ THƯ", "name": "Nguyễn Văn Thành" })),
        "cells": cells,
    })
}

fn board(committees: Vec<Value>) -> Value {
    json!({
        "board": issuer("BAN TỔ CHỨC", "18/05/2021",
            json!({ "as": "deputy", "head": "TRƯỞNG BAN", "title": "PHÓ TRƯỞNG BAN", "name": "Lê Thị Hồng Vân" })),
        "committees": committees,
    })
}

/// A Bloc of 2–3 committees of 1–4 cells of 5–80 members, its shape drawn from `seed`.
fn hierarchy(seed: u64) -> Value {
    let mut rng = Lcg(seed);
    let committees = (0..2 + rng.below(2) as usize)
        .map(|c| {
            let cells = (0..1 + rng.below(4))
                .map(|k| {
                    let members = 5 + rng.below(76) as usize;
                    cell(seed * 100 + c as u64 * 10 + k, members, CELLS[k as usize], ORGANISATIONS[c])
                })
                .collect();
            committee(c, cells)
        })
        .collect();
    board(committees)
}

fn pdf(kind: Kind, input: &Value) -> Vec<u8> {
    match RENDERER.make(kind, input, Output::pdf(PdfFlavour::PLAIN)) {
        Ok(rendered) => rendered.bytes,
        Err(kttdv::Error::Input(problems)) => panic!("input rejected: {problems:#?}"),
        Err(err) => panic!("{err}"),
    }
}

/// The number after `label` in the text, whitespace folded.
fn number_after(text: &str, label: &str) -> usize {
    let text = folded(text);
    let at = text.find(label).unwrap_or_else(|| panic!("«{label}» not in:\n{text}")) + label.len();
    let digits: String =
        text[at..].chars().skip_while(|c| !c.is_ascii_digit()).take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

/// Form 1's section I, in the column order of form 6.
fn form1_row(pdf: &[u8]) -> Row {
    let text = pdf_text(pdf);
    [
        number_after(&text, "Tổng số đảng viên của chi bộ:"),
        number_after(&text, "đảng viên chính thức"),
        number_after(&text, "đảng viên dự bị"),
        number_after(&text, "Đảng viên chính thức đã được phát thẻ:"),
        number_after(&text, "Đảng viên chính thức chưa được đổi, phát thẻ:"),
        number_after(&text, "Số thẻ đề nghị đóng dấu kiểm tra kỹ thuật:"),
        number_after(&text, "Số thẻ hỏng đề nghị đổi lại:"),
        number_after(&text, "Số thẻ mất đề nghị cấp lại:"),
        number_after(&text, "đảng viên sinh hoạt đảng tạm thời"),
    ]
}

/// The rows of a figures table as printed: (numbered rows, the total row).
/// A row is the line holding its index and its nine figures; names hold no digits.
fn table_rows(pdf: &[u8]) -> (Vec<Row>, Row) {
    let mut rows = Vec::new();
    let mut total = None;
    for line in pdf_layout(pdf).lines() {
        let numbers: Vec<usize> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        if line.contains("Tổng cộng") && numbers.len() >= 9 {
            total = Some(numbers[..9].try_into().unwrap());
        } else if numbers.len() >= 10 && line.trim_start().starts_with(&format!("{} ", rows.len() + 1)) {
            rows.push(numbers[1..10].try_into().unwrap());
        }
    }
    (rows, total.expect("a Tổng cộng row"))
}

fn sum(rows: &[Row]) -> Row {
    let mut total = [0; 9];
    for row in rows {
        for (t, v) in total.iter_mut().zip(row) {
            *t += v;
        }
    }
    total
}

#[test]
fn every_figure_rolls_up_from_the_cells_to_the_bloc() {
    for seed in [3, 17, 42] {
        let board = hierarchy(seed);
        let mut committee_totals = Vec::new();
        for committee in board["committees"].as_array().unwrap() {
            let cell_rows: Vec<Row> =
                committee["cells"].as_array().unwrap().iter().map(|cell| form1_row(&pdf(Kind::Mau1, cell))).collect();
            let (rows, total) = table_rows(&pdf(Kind::Mau6, committee));
            assert_eq!(rows, cell_rows, "seed {seed}: each row of form 6 is its cell's form 1");
            assert_eq!(total, sum(&rows), "seed {seed}: the total row is the sum of the rows");
            committee_totals.push(total);
        }
        let report = pdf(Kind::Mau7, &board);
        let (rows, total) = table_rows(&report);
        assert_eq!(rows, committee_totals, "seed {seed}: each annex row of form 7 is a committee's form 6 total");
        assert_eq!(total, sum(&committee_totals), "seed {seed}");
        let text = pdf_text(&report);
        assert_eq!(number_after(&text, "Tổng số đảng viên:"), total[0]);
        assert_eq!(number_after(&text, "đảng viên chính thức"), total[1]);
        assert_eq!(number_after(&text, "Số đảng viên đã được phát thẻ:"), total[3]);
        assert_eq!(number_after(&text, "Số thẻ đề nghị đóng dấu kiểm tra kỹ thuật:"), total[5]);
    }
}

/// Card numbers printed in a PDF, with how often each appears.
fn card_numbers(pdf: &[u8]) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    for word in pdf_text(pdf).split_whitespace() {
        let b = word.as_bytes();
        if b.len() == 9 && b[2] == b'.' && b.iter().enumerate().all(|(i, c)| i == 2 || c.is_ascii_digit()) {
            *found.entry(word.to_owned()).or_default() += 1;
        }
    }
    found
}

/// "Danh sách này có N đồng chí." of each list, in order.
fn list_counts(pdf: &[u8]) -> Vec<usize> {
    let text = folded(&pdf_text(pdf));
    text.split("Danh sách này có ").skip(1).map(|rest| rest.split(' ').next().unwrap().parse().unwrap()).collect()
}

#[test]
fn the_consolidated_lists_hold_exactly_the_cells_lists() {
    let board = hierarchy(7);
    let mut expected_cards = BTreeMap::new();
    let mut expected_counts = vec![0; 4];
    let mut bloc_cells = 0;
    for committee in board["committees"].as_array().unwrap() {
        let mut committee_cards = BTreeMap::new();
        let mut committee_counts = vec![0; 4];
        for cell in committee["cells"].as_array().unwrap() {
            bloc_cells += 1;
            let lists = [Kind::Mau2, Kind::Mau3, Kind::Mau4, Kind::Mau5];
            for (i, kind) in lists.into_iter().enumerate() {
                let list = pdf(kind, cell);
                committee_counts[i] += list_counts(&list)[0];
                for (card, n) in card_numbers(&list) {
                    *committee_cards.entry(card).or_insert(0) += n;
                }
            }
        }
        let consolidated = pdf(Kind::TongHop, committee);
        assert_eq!(card_numbers(&consolidated), committee_cards, "a committee's lists are its cells' lists");
        assert_eq!(list_counts(&consolidated), committee_counts);
        for (card, n) in committee_cards {
            *expected_cards.entry(card).or_insert(0) += n;
        }
        for (total, n) in expected_counts.iter_mut().zip(committee_counts) {
            *total += n;
        }
    }
    let bloc = pdf(Kind::TongHop, &board);
    assert_eq!(card_numbers(&bloc), expected_cards, "the Bloc's lists are all the cells' lists");
    assert_eq!(list_counts(&bloc), expected_counts);
    let text = pdf_text(&bloc);
    assert!(
        text.contains("ĐẢNG BỘ SỞ TÀI CHÍNH") && text.contains("Chi bộ Văn phòng"),
        "grouped by organisation, then cell"
    );
    assert!(bloc_cells >= 2);
}

/// The numbers of a sheet's rows that begin with a number or "Tổng cộng".
fn sheet_rows(xlsx: &[u8]) -> (Vec<Row>, Row) {
    let mut workbook = calamine::Xlsx::new(Cursor::new(xlsx.to_vec())).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    let mut rows = Vec::new();
    let mut total = None;
    for row in range.rows() {
        let figures: Vec<usize> = row[2..11]
            .iter()
            .filter_map(|c| match c {
                Data::Float(f) => Some(*f as usize),
                _ => None,
            })
            .collect();
        if figures.len() != 9 {
            continue;
        }
        match &row[1] {
            Data::String(s) if s == "Tổng cộng" => total = Some(figures.try_into().unwrap()),
            _ => rows.push(figures.try_into().unwrap()),
        }
    }
    (rows, total.expect("a total row"))
}

#[test]
fn the_soft_files_hold_the_numbers_the_pdfs_print() {
    let board = hierarchy(11);
    let files = made(&RENDERER, &board, PdfFlavour::PLAIN);
    let file = |suffix: &str| -> &[u8] {
        &files.iter().find(|(name, _)| name.ends_with(suffix)).unwrap_or_else(|| panic!("no {suffix}")).1
    };
    assert_eq!(
        sheet_rows(file("/mau-6-kttdv_dang-bo-so-tai-chinh.xlsx")),
        table_rows(file("/mau-6-kttdv_dang-bo-so-tai-chinh.pdf"))
    );
    let annex = files.iter().find(|(n, _)| n.starts_with("mau-7") && n.ends_with(".xlsx")).unwrap();
    let report = files.iter().find(|(n, _)| n.starts_with("mau-7") && n.ends_with(".pdf")).unwrap();
    assert_eq!(sheet_rows(&annex.1), table_rows(&report.1));
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"dang-bo-so-xay-dung/tong-hop-kttdv_dang-bo-so-xay-dung.pdf"), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("doi-chieu")), "no roll, no reconciliation: {names:?}");
}

/// Every string cell of a workbook's first sheet.
fn sheet_strings(xlsx: &[u8]) -> Vec<String> {
    let mut workbook = calamine::Xlsx::new(Cursor::new(xlsx.to_vec())).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    range.rows().flatten().filter_map(|c| if let Data::String(s) = c { Some(s.clone()) } else { None }).collect()
}

#[test]
fn an_override_of_the_figure_columns_changes_the_pdf_and_the_xlsx_together() {
    let built_in = std::fs::read_to_string(root().join("form-templates/shared/figures-table.json")).unwrap();
    let mut columns: Value = serde_json::from_str(&built_in).unwrap();
    columns["columns"][5]["title"] = json!("Đóng dấu");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    std::fs::write(dir.path().join("shared/figures-table.json"), columns.to_string()).unwrap();
    let config = kttdv::EngineConfig { templates_dir: Some(dir.path().to_path_buf()), fonts_dir: None };
    let renderer = kttdv::Renderer::new(&config).unwrap();

    let board = hierarchy(3);
    let files = made(&renderer, &board, PdfFlavour::PLAIN);
    let (_, xlsx) = files.iter().find(|(n, _)| n.starts_with("mau-7") && n.ends_with(".xlsx")).unwrap();
    let (_, pdf) = files.iter().find(|(n, _)| n.starts_with("mau-7") && n.ends_with(".pdf")).unwrap();
    let strings = sheet_strings(xlsx);
    assert!(strings.iter().any(|s| s == "Đóng dấu"), "{strings:?}");
    assert!(!strings.iter().any(|s| s.contains("kiểm tra kỹ thuật") && s.starts_with("Số thẻ")), "{strings:?}");
    assert!(strings.iter().any(|s| s == "Tổng số đảng viên"), "groups as on the form: {strings:?}");
    let text = folded(&pdf_text(pdf));
    let annex = &text[text.find("PHỤ LỤC").expect("the annex")..];
    assert!(annex.contains("Đóng dấu") && !annex.contains("Số thẻ đề nghị đóng dấu"), "{annex}");
    assert_eq!(sheet_rows(xlsx), table_rows(pdf), "the same figures under the new title");

    // A column naming a figure there is none of stops the start, named.
    columns["columns"][0]["key"] = json!("members");
    std::fs::write(dir.path().join("shared/figures-table.json"), columns.to_string()).unwrap();
    let problem = kttdv::Renderer::new(&config).err().expect("refused").to_string();
    assert!(problem.contains("figures-table.json") && problem.contains("members"), "{problem}");
}

/// A Bloc and the roll that matches it exactly.
fn bloc_and_roll() -> (Value, Vec<Value>) {
    let board = hierarchy(5);
    let mut roll = Vec::new();
    for committee in board["committees"].as_array().unwrap() {
        for cell in committee["cells"].as_array().unwrap() {
            for m in cell["members"].as_array().unwrap() {
                let mut entry = json!({ "full_name": m["full_name"], "birth_date": m["birth_date"] });
                if let Some(card) = m.get("card_number") {
                    entry["card_number"] = card.clone();
                }
                entry["organisation"] = committee["organisation"].clone();
                roll.push(entry);
            }
        }
    }
    (board, roll)
}

fn reconcile(board: &Value, roll: &[Value]) -> Value {
    let mut input = board.clone();
    input["roll"] = json!(roll);
    let checked = kttdv::reconcile(&json_input(&input.to_string())).unwrap_or_else(|p| panic!("{p:#?}"));
    serde_json::to_value(checked.value).unwrap()
}

fn findings(result: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = result["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let who = d["submitted"].get(0).or(d.get("roll")).unwrap();
            (d["finding"].as_str().unwrap().to_owned(), who["full_name"].as_str().unwrap().to_owned())
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_clean_roll_gives_no_difference() {
    let (board, roll) = bloc_and_roll();
    let result = reconcile(&board, &roll);
    assert_eq!(findings(&result), vec![]);
    assert_eq!(result["totals"]["paired"], json!(roll.len()));
}

#[test]
fn reconciliation_finds_every_planted_difference_and_no_other() {
    let (mut board, mut roll) = bloc_and_roll();
    let name = |v: &Value| v["full_name"].as_str().unwrap().to_owned();
    // Missing from the roll: the first member.
    let missing = roll.remove(0);
    // On the roll, not submitted.
    roll.push(json!({ "full_name": "Trịnh Văn Kiên", "birth_date": "08/03/1974", "card_number": "49.999001" }));
    // A slip in one name, a wrong date of birth in another, both with cards.
    let carded: Vec<usize> = (3..roll.len()).filter(|&i| roll[i].get("card_number").is_some()).take(2).collect();
    let slip = roll[carded[0]].clone();
    roll[carded[0]]["full_name"] = json!(name(&slip).replacen('ễ', "ê", 1).replacen('ị', "i", 1) + "h");
    let misdated = name(&roll[carded[1]]);
    roll[carded[1]]["birth_date"] = json!("01/01/1950");
    // A card number of the first committee, submitted again by the last.
    let committees = board["committees"].as_array_mut().unwrap();
    let card = committees[0]["cells"][0]["members"][1]["card_number"].clone();
    let taker = &mut committees.last_mut().unwrap()["cells"][0]["members"][0];
    let own_card = taker["card_number"].clone();
    assert!(own_card.is_string(), "the generator gives the first member a card");
    taker["card_number"] = card;
    let taker_name = name(taker);

    let result = reconcile(&board, &roll);
    let mut expected = vec![
        ("birth-date-differs".to_owned(), misdated),
        ("card-in-two-cells".to_owned(), name(&committees_first_member(&board))),
        ("card-number-differs".to_owned(), taker_name.clone()),
        ("name-differs".to_owned(), name(&slip)),
        ("not-on-roll".to_owned(), name(&missing)),
        ("not-submitted".to_owned(), "Trịnh Văn Kiên".to_owned()),
    ];
    expected.sort();
    assert_eq!(findings(&result), expected, "{result:#}");
    let differs =
        result["differences"].as_array().unwrap().iter().find(|d| d["finding"] == "card-number-differs").unwrap();
    assert!(differs["note"].as_str().unwrap().contains(own_card.as_str().unwrap()));
    let slipped = result["differences"].as_array().unwrap().iter().find(|d| d["finding"] == "name-differs").unwrap();
    let confidence = slipped["confidence"].as_u64().unwrap();
    assert!((75..100).contains(&confidence), "a near miss is sure but not certain: {confidence}");
    assert_eq!(result["totals"]["differences"], json!(6));
}

/// The member whose card number the last committee took again.
fn committees_first_member(board: &Value) -> Value {
    board["committees"][0]["cells"][0]["members"][1].clone()
}

#[test]
fn the_examples_make_the_boards_whole_submission() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ho-so");
    let run = kttdv(&["render", "ho-so-ban", "examples/board.json", "-o", out.to_str().unwrap()], "");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("late-report\t[committee-so-xay-dung.json]$.committee.header.date"),
        "the late committee is warned of, in its own file: {stderr}"
    );
    // By its name too: on the Board's page the place is «tổ chức cơ sở đảng thứ 2».
    assert!(stderr.contains("báo cáo 6-KTTĐV của «Đảng bộ Sở Xây dựng» đề ngày 11/05/2021"), "{stderr}");
    let read = |name: &str| std::fs::read(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let stem = "ban-to-chuc-dang-uy-khoi-cac-co-quan-tinh";
    let report = pdf_text(&read(&format!("mau-7-kttdv_{stem}.pdf")));
    assert!(folded(&report).contains("Đảng bộ Sở Xây dựng: nộp ngày 12/05/2021, chậm 2 ngày"));
    assert!(folded(&report).contains("đạt 93,8% so với tổng số đảng viên chính thức"), "{report}");
    let reconciliation: Value = serde_json::from_slice(&read(&format!("doi-chieu-kttdv_{stem}.json"))).unwrap();
    let totals = &reconciliation["totals"];
    assert_eq!(
        [
            &totals["not_submitted"],
            &totals["name_differs"],
            &totals["birth_date_differs"],
            &totals["card_in_two_cells"]
        ],
        [&json!(1), &json!(1), &json!(1), &json!(1)]
    );
    let list = folded(&pdf_text(&read(&format!("doi-chieu-kttdv_{stem}.pdf"))));
    for needle in ["Trịnh Văn Kiên", "Bùi Thị Ngọc Hằng", "01/10/1985", "Phạm Ngọc Ánh", "49.104103"] {
        assert!(list.contains(needle), "«{needle}» in the reconciliation list");
    }
    let form6 = pdf_text(&read("dang-bo-so-tai-chinh/mau-6-kttdv_dang-bo-so-tai-chinh.pdf"));
    assert_in_order(&folded(&form6), &["Chi bộ Văn phòng", "Chi bộ Phòng Ngân sách", "Chi bộ Thanh tra", "Tổng cộng"]);
}

#[test]
fn the_reconcile_command_takes_the_roll_as_a_spreadsheet() {
    let run = kttdv(&["reconcile", "examples/board.json", "examples/roll.csv", "--json", "-o", "-"], "");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let result: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(result["totals"]["on_roll"], json!(49));
    let birth =
        result["differences"].as_array().unwrap().iter().find(|d| d["finding"] == "birth-date-differs").unwrap();
    assert_eq!(birth["roll"]["full_name"], json!("Đỗ Minh Nhật"));
}

#[test]
fn a_card_on_two_cells_of_a_committee_names_both_places_in_their_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("examples/cell.json"), dir.path().join("a.json")).unwrap();
    let mut twin: Value = serde_json::from_str(&example("cell.json")).unwrap();
    twin["cell"]["name"] = json!("Chi bộ Sao chép");
    std::fs::write(dir.path().join("b.json"), twin.to_string()).unwrap();
    twin["members"][0]["birth_date"] = json!("31/02/1962");
    std::fs::write(dir.path().join("c.json"), twin.to_string()).unwrap();
    let check = |cells: Value| {
        let mut committee: Value = serde_json::from_str(&example("committee.json")).unwrap();
        committee["cells"] = cells;
        std::fs::write(dir.path().join("committee.json"), committee.to_string()).unwrap();
        let run = kttdv_in(dir.path(), &["check", "mau-6", "committee.json"], "");
        assert_eq!(run.status.code(), Some(1));
        String::from_utf8_lossy(&run.stdout).into_owned()
    };

    // Every member of b is a's too: each card is named with the other place.
    let stdout = check(json!(["a.json", "b.json"]));
    assert!(
        stdout.contains("duplicate-card-number\t[b.json]$.members[1].card_number")
            && stdout.contains("Chi bộ Văn phòng ($.cells[0].members[1])"),
        "{stdout}"
    );
    let stdout = check(json!(["c.json"]));
    assert!(stdout.contains("invalid-date\t[c.json]$.members[0].birth_date"), "{stdout}");
}

#[test]
fn a_folder_of_cell_workbooks_is_a_committees_cells() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("chi-bo")).unwrap();
    std::fs::copy(root().join("examples/chi-bo-van-phong.xlsx"), dir.path().join("chi-bo/van-phong.xlsx")).unwrap();
    let mut committee: Value = serde_json::from_str(&example("committee.json")).unwrap();
    committee["cells"] = json!(["chi-bo"]);
    std::fs::write(dir.path().join("committee.json"), committee.to_string()).unwrap();

    let run = kttdv_in(dir.path(), &["render", "mau-6", "committee.json", "-o", "6.pdf"], "");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (rows, _) = table_rows(&std::fs::read(dir.path().join("6.pdf")).unwrap());
    let cell = pdf(Kind::Mau1, &json_input(&example("cell.json")));
    assert_eq!(rows, vec![form1_row(&cell)], "the workbook's cell is the JSON example's");
}

#[test]
fn a_bad_date_in_the_roll_is_named_by_its_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let roll = dir.path().join("danh-sach.csv");
    std::fs::write(
        &roll,
        "Họ tên;Số thẻ;Ngày, tháng, năm sinh\nTrần Văn Hùng;49.102340;01/01/1962\nLê Văn A;;31/02/1970\n",
    )
    .unwrap();
    let out = dir.path().join("doi-chieu.pdf");
    let run = kttdv(&["reconcile", "examples/board.json", roll.to_str().unwrap(), "-o", out.to_str().unwrap()], "");
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("invalid-date\t[") && stderr.contains("]danh-sach.csv!C3\t"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
}

/// The reconciliation needs the Board's roll: `check` refuses it without
/// one, naming the field, exactly as `render` does; form 7 needs none.
#[test]
fn check_refuses_a_reconciliation_without_its_roll_as_render_does() {
    let board = hierarchy(5);
    let as_json = |problems: Vec<kttdv::InputError>| serde_json::to_value(problems).unwrap();
    let checked = as_json(RENDERER.check(Kind::DoiChieu, &board).unwrap_err());
    assert_eq!(checked[0]["code"], "missing-roll", "{checked}");
    assert_eq!(checked[0]["path"], "$.roll", "{checked}");
    match RENDERER.make(Kind::DoiChieu, &board, Output::pdf(PdfFlavour::PLAIN)) {
        Err(kttdv::Error::Input(problems)) => assert_eq!(as_json(problems), checked),
        other => panic!("render should refuse it as check does: {:?}", other.map(|r| r.file_name)),
    }
    assert!(RENDERER.check(Kind::Mau7, &board).is_ok());
}

#[test]
fn a_namesake_in_another_cell_is_an_error_until_a_roster_says_they_are_two_people() {
    let mut first = cell(1, 5, CELLS[0], ORGANISATIONS[0]);
    let mut second = cell(2, 5, CELLS[1], ORGANISATIONS[0]);
    // The same name and date of birth, another card: two people, or one twice.
    second["members"][1] = first["members"][1].clone();
    if second["members"][1].get("card_number").is_some() {
        second["members"][1]["card_number"] = json!("49.999001");
    }
    let both = committee(0, vec![first.clone(), second.clone()]);
    let problems = RENDERER.check(Kind::Mau6, &both).unwrap_err();
    let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["member-in-two-cells"], "{problems:#?}");
    assert!(problems[0].message.contains("«Trùng tên người khác»"), "the way out is said: {}", problems[0].message);

    first["members"][1]["namesake"] = json!(true);
    let warnings = RENDERER.check(Kind::Mau6, &committee(0, vec![first, second])).unwrap();
    let namesakes: Vec<String> =
        warnings.iter().filter(|w| w.code.as_str() == "namesake").map(|w| w.place.to_string()).collect();
    assert_eq!(namesakes, ["$.cells[1].members[1]"], "{warnings:#?}");
}

#[test]
fn a_cell_sent_twice_is_one_problem_and_a_cell_of_another_superior_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let roster: Value = serde_json::from_str(&example("cell.json")).unwrap();
    let packet =
        RENDERER.make(Kind::Packet, &json_input(&example("cell.json")), Output::pdf(PdfFlavour::WITH_DATA)).unwrap();
    std::fs::write(dir.path().join("van-phong.json"), roster.to_string()).unwrap();
    std::fs::write(dir.path().join("van-phong.pdf"), &packet.bytes).unwrap();
    let mut committee: Value = serde_json::from_str(&example("committee.json")).unwrap();
    committee["cells"] = json!(["van-phong.json", "van-phong.pdf"]);
    std::fs::write(dir.path().join("committee.json"), committee.to_string()).unwrap();
    let out = kttdv_in(dir.path(), &["check", "mau-6", "committee.json"], "");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "one problem, not one per member: {stdout}");
    assert!(stdout.starts_with("cell-twice\t[van-phong.pdf]$\tChi bộ Văn phòng có hai lần"), "{stdout}");

    let mut other = roster.clone();
    other["cell"]["superior"] = json!("Đảng bộ Sở Y tế");
    std::fs::write(dir.path().join("van-phong.json"), other.to_string()).unwrap();
    committee["cells"] = json!(["van-phong.json"]);
    std::fs::write(dir.path().join("committee.json"), committee.to_string()).unwrap();
    let out = kttdv_in(dir.path(), &["check", "mau-6", "committee.json"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("other-superior\t[van-phong.json]$.cell.superior\tChi bộ Văn phòng ghi tổ chức cấp trên là «Đảng bộ Sở Y tế», không phải «Đảng bộ Sở Tài chính»"),
        "{stderr}"
    );
}

#[test]
fn a_cells_own_problems_and_the_problems_across_cells_come_at_once() {
    let first = cell(1, 5, CELLS[0], ORGANISATIONS[0]);
    let mut second = cell(2, 5, CELLS[1], ORGANISATIONS[0]);
    second["members"][1] = first["members"][1].clone();
    if second["members"][1].get("card_number").is_some() {
        second["members"][1]["card_number"] = json!("49.999001");
    }
    // And a date that is not on the calendar in the same cell.
    second["members"][2]["birth_date"] = json!("31/02/1970");
    let problems = RENDERER.check(Kind::Mau6, &committee(0, vec![first, second])).unwrap_err();
    let found: Vec<(String, String)> =
        problems.iter().map(|p| (p.code.as_str().to_owned(), p.place.to_string())).collect();
    assert!(found.contains(&("invalid-date".into(), "$.cells[1].members[2].birth_date".into())), "{found:?}");
    assert!(found.contains(&("member-in-two-cells".into(), "$.cells[1].members[1]".into())), "{found:?}");
}

#[test]
fn no_committees_pdf_carries_another_committees_members() {
    let path = root().join("examples/board.json");
    let Ok(board) = kttdv::Assembled::read(&path, &[], &|_| {}) else { panic!("the example reads") };
    let board = board.value;
    let files = made(&RENDERER, &board, PdfFlavour::WITH_DATA);
    let names = |committee: &Value| -> Vec<String> {
        let cells = committee["cells"].as_array().unwrap().iter();
        cells.flat_map(|c| c["members"].as_array().unwrap().iter().map(|m| m["full_name"].to_string())).collect()
    };
    let committees = board["committees"].as_array().unwrap();
    let mut checked = 0;
    for (name, bytes) in files.iter().filter(|(n, _)| n.contains('/') && n.ends_with(".pdf")) {
        let attached = kttdv::extract(bytes).unwrap();
        let own = committees.iter().find(|c| c["organisation"] == attached.input["organisation"]).expect("a committee");
        assert_eq!(attached.input, *own, "{name} carries its own committee's input, as it is");
        assert_eq!(attached.kind, "ho-so-co-so");
        let carried = attached.input.to_string();
        let ours = names(own);
        for other in committees.iter().filter(|c| *c != own) {
            // A name both committees submit (the example plants one) is ours too.
            for member in names(other).into_iter().filter(|m| !ours.contains(m)) {
                assert!(!carried.contains(&member), "{name} carries {member} of another committee");
            }
        }
        checked += 1;
    }
    assert!(checked >= 4, "each committee's form 6 and lists: {checked}");
    // The Board's own documents carry the Board's input.
    let (_, report) = files.iter().find(|(n, _)| n.starts_with("mau-7") && n.ends_with(".pdf")).unwrap();
    assert_eq!(kttdv::extract(report).unwrap().input, board);
}

#[test]
fn a_submission_made_on_several_threads_is_the_same_bytes() {
    let board = hierarchy(5);
    let one = made(&RENDERER, &board, PdfFlavour::WITH_DATA);
    let config = kttdv::EngineConfig::default();
    let four = kttdv::Renderer::new(&config).unwrap();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut many = Vec::new();
    let submission = four.submission(Kind::HoSoBan, &board, PdfFlavour::WITH_DATA).unwrap();
    let progress = |_, of| {
        done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(of, one.len());
    };
    four.render_files(submission, Output::pdf(PdfFlavour::WITH_DATA).on_threads(4), &progress, &mut |name, bytes| {
        many.push((name.to_owned(), bytes));
        Ok(())
    })
    .unwrap();
    assert_eq!(done.into_inner(), one.len(), "progress told after each file");
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&many), names(&one), "in the same order");
    for ((name, a), (_, b)) in one.iter().zip(&many) {
        assert!(a == b, "{name} differs");
    }
}

#[test]
fn workers_lent_and_given_back_at_once_leave_the_submission_whole_on_one() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    /// A pool whose other jobs always wait: every lent worker goes back.
    struct Wanted(AtomicUsize);
    impl kttdv::Lent for Wanted {
        fn threads(&self) -> usize {
            3
        }
        fn give_back(&self) -> bool {
            self.0.fetch_add(1, Ordering::SeqCst);
            true
        }
    }
    let board = hierarchy(5);
    let one = made(&RENDERER, &board, PdfFlavour::WITH_DATA);
    let wanted = Wanted(AtomicUsize::new(0));
    let mut lent = Vec::new();
    let submission = RENDERER.submission(Kind::HoSoBan, &board, PdfFlavour::WITH_DATA).unwrap();
    let output = Output::pdf(PdfFlavour::WITH_DATA).on_lent(&wanted);
    RENDERER
        .render_files(submission, output, &|_, _| {}, &mut |name, bytes| {
            lent.push((name.to_owned(), bytes));
            Ok(())
        })
        .unwrap();
    assert_eq!(wanted.0.into_inner(), 2, "each lent thread asked once, then went back");
    assert_eq!(lent.len(), one.len(), "every file made by the one thread left");
    for ((name, a), (other, b)) in one.iter().zip(&lent) {
        assert!(name == other && a == b, "{name} differs");
    }
}

#[test]
fn a_file_that_cannot_be_written_stops_the_submission_at_once() {
    let board = hierarchy(6);
    let renderer = kttdv::Renderer::new(&kttdv::EngineConfig::default()).unwrap();
    let submission = renderer.submission(Kind::HoSoBan, &board, PdfFlavour::PLAIN).unwrap();
    let total = submission.file_names().count();
    let made = std::sync::atomic::AtomicUsize::new(0);
    let mut offered = Vec::new();
    let outcome = renderer.render_files(
        submission,
        Output::pdf(PdfFlavour::PLAIN).on_threads(2),
        &|_, _| {
            made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        },
        &mut |name, _| {
            offered.push(name.to_owned());
            Err(std::io::Error::other("đĩa đầy"))
        },
    );
    let Err(kttdv::Error::Write(err)) = outcome else { panic!("the sink's failure is the answer") };
    assert_eq!(err.to_string(), "đĩa đầy");
    assert_eq!(offered.len(), 1, "nothing offered after the failure: {offered:?}");
    // No thread starts another file: only those in hand end after it.
    let made = made.into_inner();
    assert!(made < total, "{made} of {total} files made");
}

/// Every file of the Board's submission, in order, as the sink receives them.
fn made(renderer: &kttdv::Renderer, board: &Value, flavour: PdfFlavour) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let submission = renderer.submission(Kind::HoSoBan, board, flavour).unwrap();
    renderer
        .render_files(submission, Output::pdf(flavour), &|_, _| {}, &mut |name, bytes| {
            files.push((name.to_owned(), bytes));
            Ok(())
        })
        .unwrap();
    files
}

#[test]
fn the_whole_bloc_in_one_run_holds_each_cells_packet_carrying_its_roster() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("khoi");
    let out =
        kttdv(&["render", "ho-so-ban", "examples/board.json", "--with-cells", "-o", target.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = root().join("examples/board.json");
    let Ok(board) = kttdv::Assembled::read(&path, &[], &|_| {}) else { panic!("the example reads") };
    // Every PDF of the committees' folders, by what it carries.
    let mut carried: Vec<(std::path::PathBuf, Value)> = Vec::new();
    for folder in std::fs::read_dir(&target).unwrap().filter_map(|e| Some(e.ok()?.path())).filter(|p| p.is_dir()) {
        for pdf in std::fs::read_dir(&folder).unwrap().filter_map(|e| Some(e.ok()?.path())) {
            if pdf.extension().is_some_and(|e| e == "pdf") {
                carried.push((pdf.clone(), kttdv::extract(&std::fs::read(&pdf).unwrap()).unwrap().input));
            }
        }
    }
    let mut packets = 0;
    for committee in board.value["committees"].as_array().unwrap() {
        for cell in committee["cells"].as_array().unwrap() {
            let found: Vec<&std::path::PathBuf> = carried.iter().filter(|(_, i)| i == cell).map(|(p, _)| p).collect();
            assert_eq!(found.len(), 1, "one packet carrying {}", cell["cell"]["name"]);
            // In its committee's folder, beside the committee's own form 6.
            let beside = carried.iter().filter(|(p, _)| p.parent() == found[0].parent());
            assert!(beside.into_iter().any(|(_, i)| i == committee), "{} beside its committee", found[0].display());
            packets += 1;
        }
    }
    assert!(packets >= 5, "{packets}");
    let refused = kttdv(&["render", "mau-6", "examples/committee.json", "--with-cells"], "");
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn a_name_typed_as_a_formula_comes_out_of_the_workbooks_as_text() {
    use calamine::Reader;
    let mut board = hierarchy(5);
    let formula = "=HYPERLINK(\"http://x\",\"Bấm\")";
    board["committees"][0]["cells"][0]["cell"]["name"] = json!(formula);
    let files = made(&RENDERER, &board, PdfFlavour::PLAIN);
    let mut seen = 0;
    for (name, xlsx) in files.iter().filter(|(n, _)| n.ends_with(".xlsx")) {
        let mut workbook = calamine::Xlsx::new(Cursor::new(xlsx.clone())).unwrap();
        for sheet in workbook.sheet_names() {
            let formulas = workbook.worksheet_formula(&sheet).unwrap();
            assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name} {sheet}: a formula");
        }
        seen += sheet_strings(xlsx).iter().filter(|s| *s == formula).count();
    }
    assert!(seen >= 1, "the name, as text, in a workbook");
}
