//! Documents at every edge, black-box through the binary, reading where
//! each word landed (`pdftotext -bbox`): reasons of no length to the most a
//! line holds, one to five tall rows, lists of one to sixty members, every
//! list kind and the consolidated lists. Every word lies inside the page's
//! margins, every signature slot inside the page, a list's first page
//! carries its rows, and no signature stands alone.

use std::path::Path;

use serde_json::{Value, json};

use crate::common::*;

const MM: f64 = 72.0 / 25.4;

/// A text of about `length` characters, words of the kind a lost card's
/// written account has; a short ordinary one for 0.
fn account(length: usize) -> String {
    if length == 0 {
        return "Mất khi đi công tác".into();
    }
    let words = "Đồng chí báo cáo đã để thẻ trong ví, bị mất khi đi công tác tại huyện miền núi; đã trình báo công an xã và tìm lại nhiều lần nhưng không thấy";
    let mut text = String::new();
    while text.chars().count() < length {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(words);
    }
    text.chars().take(length).collect::<String>().trim_end().to_owned()
}

/// A roster whose list `kind` has `size` members, `tall` of them (the first
/// and the last ones) with a text of `length` characters in its widest
/// column of words.
fn roster(kind: &str, size: usize, tall: usize, length: usize) -> Value {
    cell(kind, size, tall, length, 0)
}

/// `roster`'s, as the `n`th cell of a committee: its own name and cards.
fn cell(kind: &str, size: usize, tall: usize, length: usize, n: usize) -> Value {
    let mut roster = kttdv::sample::roster(size, 7);
    roster["cell"]["name"] = json!(format!("Chi bộ Phòng {}", ["A", "B", "C", "D"][n]));
    for (i, member) in roster["members"].as_array_mut().unwrap().iter_mut().enumerate() {
        let long = i == 0 || (tall > 1 && i + tall > size);
        let text = account(if long { length } else { 0 });
        let fields = member.as_object_mut().unwrap();
        fields.insert("membership".into(), json!("full"));
        fields.insert("birth_date".into(), json!(format!("01/01/{}", 1960 + n)));
        fields.insert("admitted_on".into(), json!("01/01/2000"));
        fields.insert("full_member_on".into(), json!("01/01/2001"));
        fields.insert("card_number".into(), json!(format!("49.{:06}", 200_000 + 1000 * n + i)));
        fields.remove("temporary_from");
        match kind {
            "mau-2" => {
                fields.insert("card".into(), json!("stamp"));
                fields.insert("remarks".into(), json!(text));
            }
            "mau-3" => {
                fields.insert("card".into(), json!({ "damaged": { "defect": text, "stamp_boxes": [1, 2, 3, 4] } }));
            }
            "mau-4" => {
                let lost = json!({ "lost": { "circumstances": text, "handling": "Chi bộ kiểm điểm, nhắc nhở", "stamp_boxes": [1, 2, 3, 4] } });
                fields.insert("card".into(), lost);
            }
            "mau-5" => {
                fields.remove("card_number");
                fields.insert("card".into(), json!({ "no_current_card": { "reason": text } }));
            }
            _ => unreachable!(),
        }
    }
    roster
}

/// What is wrong with the PDF at `pdf`, its signature slots given: words
/// outside the margins, slots off the page, a title's page without rows, a
/// signature alone. A title ends with `title`; a closing starts with `closing`.
fn faults(pdf: &[u8], slots: &[Value], title: &str, closing: &str) -> Vec<String> {
    let words = pdf_word_boxes(pdf);
    let mut found = Vec::new();
    for w in &words {
        // Justified lines let a final comma or full stop hang into the margin
        // (Typst's overhang), as typesetting does.
        let hangs = if w.text.ends_with([',', '.', ';', ':']) { 5.0 } else { 0.0 };
        let (left, right, bottom) =
            (30.0 * MM - 2.0, w.page_width - 15.0 * MM + 2.0 + hangs, w.page_height - 20.0 * MM + 2.0);
        if w.x_min < left || w.x_max > right || w.y_max > bottom || w.y_min < 0.0 {
            found.push(format!(
                "«{}» outside the margins on page {} at ({:.0}, {:.0})",
                w.text, w.page, w.x_min, w.y_max
            ));
        }
    }
    let pages = words.iter().map(|w| w.page).max().unwrap_or(0);
    let on = |page: usize| words.iter().filter(move |w| w.page == page);
    for page in 1..=pages {
        // A title's page: the column indices under the title, and a row below them.
        if on(page).any(|w| w.text == title) {
            let Some(index) = on(page).find(|w| w.text == "(1)") else {
                found.push(format!("page {page}: a title without its table"));
                continue;
            };
            if !on(page).any(|w| w.y_min > index.y_max + 1.0 && w.text != closing) {
                found.push(format!("page {page}: a title without rows"));
            }
        }
    }
    for slot in slots {
        let rect: Vec<f64> = slot["rect"].as_array().unwrap().iter().map(|n| n.as_f64().unwrap()).collect();
        let page = slot["page"].as_u64().unwrap() as usize;
        let height = on(page).next().map_or(595.0, |w| w.page_height);
        if rect[1] < 0.0 || rect[3] > height {
            found.push(format!("a signature slot off page {page}: {rect:?}"));
        }
        // Above the closing, more than a page number and indices.
        let top = on(page).filter(|w| w.text == closing).map(|w| w.y_min).fold(f64::MAX, f64::min);
        let above = on(page)
            .filter(|w| w.y_max < top && w.y_min > 20.0 * MM && !(w.text.starts_with('(') && w.text.ends_with(')')));
        if above.count() == 0 {
            found.push(format!("the signature alone on page {page}"));
        }
    }
    found
}

/// Renders `kind` of `input` through the binary in `dir`: the PDF and its slots.
fn render(dir: &Path, kind: &str, input: &Value) -> (Vec<u8>, Vec<Value>) {
    std::fs::write(dir.join("input.json"), input.to_string()).unwrap();
    let out = kttdv_in(dir, &["render", kind, "input.json", "-o", "out.pdf", "--slots", "--plain-pdf"], "");
    assert!(out.status.success(), "{kind}: {}", String::from_utf8_lossy(&out.stderr));
    let slots: Value = serde_json::from_slice(&out.stdout).unwrap();
    (std::fs::read(dir.join("out.pdf")).unwrap(), slots.as_array().unwrap().clone())
}

#[test]
fn every_list_stays_on_its_pages_at_every_height_of_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for kind in ["mau-2", "mau-3", "mau-4", "mau-5"] {
        for (size, talls) in [(1, &[1][..]), (2, &[1, 2]), (7, &[1, 2, 5]), (23, &[1, 2, 5]), (60, &[1, 2, 5])] {
            for &tall in talls {
                for length in [0, 150, 280, 450, 500] {
                    let (pdf, slots) = render(dir.path(), kind, &roster(kind, size, tall, length));
                    for fault in faults(&pdf, &slots, "SÁCH", "Danh") {
                        failures.push(format!("{kind}, {size} members, {tall} tall of {length} characters: {fault}"));
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 240);
    assert!(failures.is_empty(), "{} faults:\n{}", failures.len(), failures.join("\n"));
}

/// The example committee with `cells` of `roster`'s, each its own.
fn committee(kind: &str, cells: usize, size: usize, tall: usize, length: usize) -> Value {
    let mut committee: Value = serde_json::from_str(&example("committee.json")).unwrap();
    committee["cells"] = (0..cells).map(|n| cell(kind, size, tall, length, n)).collect();
    committee
}

#[test]
fn every_consolidated_list_stays_on_its_pages_at_every_height_of_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut board: Value = serde_json::from_str(&example("board.json")).unwrap();
    board.as_object_mut().unwrap().remove("roll");
    let mut failures = Vec::new();
    for kind in ["mau-3", "mau-4", "mau-5"] {
        for size in [1, 7, 23] {
            for tall in [1, 2] {
                for length in [150, 450] {
                    let committee = committee(kind, 2, size, tall, length);
                    let mut other = committee.clone();
                    other["organisation"] = json!("Đảng bộ Sở Xây dựng");
                    for (n, cell) in other["cells"].as_array_mut().unwrap().iter_mut().enumerate() {
                        cell["cell"]["superior"] = json!("Đảng bộ Sở Xây dựng");
                        for member in cell["members"].as_array_mut().unwrap() {
                            member["birth_date"] = json!(format!("02/02/{}", 1975 + n));
                            if let Some(number) = member["card_number"].as_str() {
                                member["card_number"] = json!(number.replace("49.2", "49.3"));
                            }
                        }
                    }
                    board["committees"] = json!([committee, other]);
                    for (level, input) in [("đảng bộ", &committee), ("Ban", &board)] {
                        let (pdf, slots) = render(dir.path(), "tong-hop", input);
                        for fault in faults(&pdf, &slots, "SÁCH", "Danh") {
                            failures.push(format!(
                                "{level}, {kind}, {size} members a cell, {tall} tall of {length}: {fault}"
                            ));
                        }
                    }
                }
            }
        }
    }
    // Form 6: a cell that does not report with a long reason, among many.
    for cells in [1, 4, 12] {
        for length in [150, 450] {
            let mut committee: Value = serde_json::from_str(&example("committee.json")).unwrap();
            committee["cells"] = json!(["cell.json"]);
            committee["not_reporting"] = (0..cells)
                .map(|i| json!({ "name": format!("Chi bộ số {}", i + 1), "reason": account(length) }))
                .collect();
            std::fs::copy(root().join("examples/cell.json"), dir.path().join("cell.json")).unwrap();
            let (pdf, slots) = render(dir.path(), "mau-6", &committee);
            for fault in faults(&pdf, &slots, "HỢP", "Nơi") {
                failures.push(format!("mẫu 6, {cells} not reporting of {length}: {fault}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} faults:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn no_example_has_a_title_alone_on_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.pdf");
    let mut failures = Vec::new();
    for (example, kind, title, closing) in [
        ("cell.json", "mau-2", "SÁCH", "Danh"),
        ("cell.json", "mau-3", "SÁCH", "Danh"),
        ("cell.json", "mau-4", "SÁCH", "Danh"),
        ("cell.json", "mau-5", "SÁCH", "Danh"),
        ("committee.json", "mau-6", "HỢP", "Nơi"),
        ("committee.json", "tong-hop", "SÁCH", "Danh"),
        ("board.json", "tong-hop", "SÁCH", "Danh"),
        ("board.json", "doi-chieu", "SÁCH", "Danh"),
        ("board.json", "mau-7", "LỤC", "Nơi"),
    ] {
        let input = format!("examples/{example}");
        let args = ["render", kind, &input, "-o", out.to_str().unwrap(), "--slots", "--plain-pdf"];
        let run = kttdv_in(&root(), &args, "");
        assert!(run.status.success(), "{kind} {example}: {}", String::from_utf8_lossy(&run.stderr));
        let slots: Value = serde_json::from_slice(&run.stdout).unwrap();
        for fault in faults(&std::fs::read(&out).unwrap(), slots.as_array().unwrap(), title, closing) {
            failures.push(format!("{kind} of {example}: {fault}"));
        }
    }
    assert!(failures.is_empty(), "{} faults:\n{}", failures.len(), failures.join("\n"));
}
