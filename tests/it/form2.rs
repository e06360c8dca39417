//! Form 2-KTTĐV: exactly the cards proposed for stamping, laid out as spec §4 says.

use crate::common;

use common::*;
use kttdv::Kind;
use serde_json::{Value, json};

/// (name, card number) of the members whose cards the input proposes for
/// stamping, in input order: worked out here independently of the crate.
fn proposed(roster: &Value) -> Vec<(String, String)> {
    roster["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["membership"] == "full" && m["card"] == "stamp")
        .map(|m| (m["full_name"].as_str().unwrap().to_owned(), m["card_number"].as_str().unwrap().to_owned()))
        .collect()
}

/// The index of the laid-out line holding table row `number`: its number,
/// the name and the card number on one line.
fn row_line(lines: &[&str], number: usize, name: &str, card: &str) -> Option<usize> {
    lines.iter().position(|line| {
        let line = folded(line);
        line.starts_with(&format!("{number} {name} ")) && line.contains(card)
    })
}

/// The laid-out lines around line `at`, folded: a tall row's wrapped cells.
fn around(lines: &[&str], at: usize) -> String {
    folded(&lines[at.saturating_sub(2)..(at + 3).min(lines.len())].join(" "))
}

#[test]
fn the_example_lists_exactly_the_cards_to_stamp_in_order() {
    let input = example("cell.json");
    let roster: Value = serde_json::from_str(&input).unwrap();
    let pdf = render(Kind::Mau2, &input);
    let layout = pdf_layout(&pdf);
    let lines: Vec<&str> = layout.lines().collect();

    let expected = proposed(&roster);
    assert_eq!(expected.len(), 19);
    let mut previous = 0;
    for (i, (name, card)) in expected.iter().enumerate() {
        let at =
            row_line(&lines, i + 1, name, card).unwrap_or_else(|| panic!("row {} {name} {card}:\n{layout}", i + 1));
        assert!(at > previous, "rows in input order");
        previous = at;
    }
    let text = folded(&pdf_text(&pdf));
    assert!(text.contains("Danh sách này có 19 đồng chí."), "{text}");
    for member in roster["members"].as_array().unwrap() {
        let name = member["full_name"].as_str().unwrap();
        if !expected.iter().any(|(n, _)| n == name) {
            assert!(!text.contains(name), "{name} ({}) must not be on list 2", member["card"]);
        }
    }
}

#[test]
fn the_form_has_its_header_title_columns_and_signature() {
    let pdf = render(Kind::Mau2, &example("cell.json"));
    let text = folded(&pdf_text(&pdf));
    assert!(text.contains("Mẫu 2-KTTĐV"));
    assert_in_order(&text, &["ĐẢNG BỘ SỞ TÀI CHÍNH", "CHI BỘ VĂN PHÒNG"]);
    assert!(text.contains("ĐẢNG CỘNG SẢN VIỆT NAM"));
    assert!(text.contains("Quảng Nam, ngày 20 tháng 4 năm 2021"));
    assert_in_order(
        &text,
        &[
            "DANH SÁCH",
            "Đề nghị đóng dấu kiểm tra kỹ thuật thẻ đảng viên",
            "(tính đến ngày 15/04/2021)",
            "Số TT",
            "Họ và tên",
            "Ngày, tháng, năm sinh",
            "Ngày vào Đảng",
            "Ngày chính thức",
            "Số thẻ đảng viên",
            "Ghi chú",
        ],
    );
    assert!(folded(&pdf_layout(&pdf)).contains("(1) (2) (3) (4) (5) (6) (7)"), "the column-index row");
    assert_in_order(&text, &["Danh sách này có", "T/M CHI ỦY", "BÍ THƯ", "Trần Văn Hùng"]);
    assert!(!text.contains("Nơi nhận"), "lists carry no recipients");
}

#[test]
fn a_temporarily_attached_member_is_marked_with_the_home_cell() {
    let layout = pdf_layout(&render(Kind::Mau2, &example("cell.json")));
    let lines: Vec<&str> = layout.lines().collect();
    let at = row_line(&lines, 5, "Huỳnh Tấn Phát", "49.102488").expect("row 5");
    assert_in_order(&around(&lines, at), &["Sinh hoạt tạm thời, đảng số ở Chi bộ", "Trường Chính trị tỉnh"]);
    let at = row_line(&lines, 14, "Hoàng Văn Long", "49.102895").expect("row 14");
    assert_in_order(
        &around(&lines, at),
        &["Sinh hoạt tạm thời, đảng số ở Chi bộ", "Sở Nội vụ. Đi học tập trung", "12/2021."],
    );
}

#[test]
fn a_long_list_repeats_its_heading_on_every_page_and_never_splits_a_row() {
    let roster = kttdv::sample::roster(120, 7);
    let pdf = render(Kind::Mau2, &roster.to_string());
    let pages = pdf_layout_pages(&pdf);
    assert!(pages.len() >= 4, "120 members fill several pages");
    let expected = proposed(&roster);
    let attached: Vec<&str> = roster["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m.get("temporary_from").is_some())
        .map(|m| m["full_name"].as_str().unwrap())
        .collect();
    assert!(attached.len() >= 5, "tall rows to test");

    let mut next = 0;
    for page in &pages {
        let lines: Vec<&str> = page.lines().collect();
        if next < expected.len() {
            assert_in_order(&folded(page), &["Họ và tên", "Ghi chú", "(1) (2) (3) (4) (5) (6) (7)"]);
        }
        while next < expected.len() {
            let (name, card) = &expected[next];
            let Some(at) = row_line(&lines, next + 1, name, card) else {
                break;
            };
            if attached.contains(&name.as_str()) {
                // The tall row's wrapped remark is on the same page as the row.
                assert_in_order(&around(&lines, at), &["Sinh hoạt tạm thời", "Trường Chính trị tỉnh"]);
            }
            next += 1;
        }
    }
    assert_eq!(next, expected.len(), "every row printed whole, in order: stopped at row {}", next + 1);
    assert!(folded(pages.last().unwrap()).contains(&format!("Danh sách này có {} đồng chí.", expected.len())));
}

#[test]
fn a_cell_without_a_committee_signs_on_behalf_of_the_cell() {
    let mut roster: Value = serde_json::from_str(&example("cell.json")).unwrap();
    roster["cell"]["has_committee"] = json!(false);
    roster["cell"]["signer"] = json!({ "title": "PHÓ BÍ THƯ", "name": "Lê Đức Minh" });
    let text = folded(&pdf_text(&render(Kind::Mau2, &roster.to_string())));
    assert_in_order(&text, &["T/M CHI BỘ", "PHÓ BÍ THƯ", "Lê Đức Minh"]);
    assert!(!text.contains("T/M CHI ỦY"));
}

#[test]
fn a_list_with_nobody_on_it_still_prints_and_says_so() {
    let mut roster = kttdv::sample::roster(3, 1);
    for member in roster["members"].as_array_mut().unwrap() {
        member["card"] = json!({ "not_stamped": { "reason": "Vắng mặt dài hạn" } });
    }
    let text = folded(&pdf_text(&render(Kind::Mau2, &roster.to_string())));
    assert!(text.contains("Không có đồng chí nào."), "{text}");
    assert!(text.contains("Danh sách này không có đồng chí nào."), "{text}");
}
