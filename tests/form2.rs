//! Form 2-KTTĐV: exactly the cards proposed for stamping, laid out as spec §4 says.

mod common;

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
        .map(|m| {
            (
                m["full_name"].as_str().unwrap().to_owned(),
                m["card_number"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_example_lists_exactly_the_cards_to_stamp_in_order() {
    let input = example("mau-2.json");
    let roster: Value = serde_json::from_str(&input).unwrap();
    let text = folded(&pdf_text(&render(Kind::StampList, &input)));

    let expected = proposed(&roster);
    assert_eq!(expected.len(), 19);
    let needles: Vec<String> = expected
        .iter()
        .flat_map(|(n, c)| [n.clone(), c.clone()])
        .collect();
    assert_in_order(
        &text,
        &needles.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(text.contains("Danh sách này có 19 đồng chí."), "{text}");

    for member in roster["members"].as_array().unwrap() {
        let name = member["full_name"].as_str().unwrap();
        if !expected.iter().any(|(n, _)| n == name) {
            assert!(
                !text.contains(name),
                "{name} ({}) must not be on list 2",
                member["card"]
            );
        }
    }
}

#[test]
fn the_form_has_its_header_title_columns_and_signature() {
    let text = folded(&pdf_text(&render(Kind::StampList, &example("mau-2.json"))));
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
            "(1) (2) (3) (4) (5) (6) (7)",
        ],
    );
    assert_in_order(
        &text,
        &["Danh sách này có", "T/M CHI ỦY", "BÍ THƯ", "Trần Văn Hùng"],
    );
    assert!(!text.contains("Nơi nhận"), "lists carry no recipients");
}

#[test]
fn a_temporarily_attached_member_is_marked_with_the_home_cell() {
    let text = folded(&pdf_text(&render(Kind::StampList, &example("mau-2.json"))));
    assert_in_order(
        &text,
        &[
            "Huỳnh Tấn Phát",
            "Sinh hoạt tạm thời, đảng số ở Chi bộ Trường Chính trị tỉnh",
        ],
    );
    assert_in_order(
        &text,
        &[
            "Hoàng Văn Long",
            "Sinh hoạt tạm thời, đảng số ở Chi bộ Sở Nội vụ; Đi học tập trung đến 12/2021",
        ],
    );
}

#[test]
fn a_long_list_repeats_its_heading_on_every_page_and_never_splits_a_row() {
    let roster = kttdv::sample::roster(120, 7);
    let pdf = render(Kind::StampList, &roster.to_string());
    let pages = pdf_pages(&pdf);
    assert!(pages.len() >= 4, "120 members fill several pages");
    let expected = proposed(&roster);
    let mut next = 0;
    for (i, page) in pages.iter().enumerate() {
        let page = folded(page);
        if next < expected.len() {
            assert_in_order(
                &page,
                &[
                    "Số TT",
                    "Họ và tên",
                    "Ghi chú",
                    "(1) (2) (3) (4) (5) (6) (7)",
                ],
            );
        }
        // Each row's number, name and card number sit together on one page.
        while next < expected.len() {
            let (name, card) = &expected[next];
            let row = format!("{} {name}", next + 1);
            match page.find(&row) {
                Some(at) => assert!(
                    page[at..].contains(card.as_str()),
                    "row {} split on page {}",
                    next + 1,
                    i + 1
                ),
                None => break,
            }
            next += 1;
        }
    }
    assert_eq!(next, expected.len(), "every row printed, in order");
    assert!(
        folded(pages.last().unwrap())
            .contains(&format!("Danh sách này có {} đồng chí.", expected.len()))
    );
}

#[test]
fn a_cell_without_a_committee_signs_on_behalf_of_the_cell() {
    let mut roster: Value = serde_json::from_str(&example("mau-2.json")).unwrap();
    roster["cell"]["has_committee"] = json!(false);
    roster["cell"]["signer"] = json!({ "title": "PHÓ BÍ THƯ", "name": "Lê Đức Minh" });
    let text = folded(&pdf_text(&render(Kind::StampList, &roster.to_string())));
    assert_in_order(&text, &["T/M CHI BỘ", "PHÓ BÍ THƯ", "Lê Đức Minh"]);
    assert!(!text.contains("T/M CHI ỦY"));
}

#[test]
fn a_list_with_nobody_on_it_still_prints_and_says_so() {
    let mut roster = kttdv::sample::roster(3, 1);
    for member in roster["members"].as_array_mut().unwrap() {
        member["card"] = json!({ "not_stamped": { "reason": "Vắng mặt dài hạn" } });
    }
    let text = folded(&pdf_text(&render(Kind::StampList, &roster.to_string())));
    assert!(text.contains("Không có đồng chí nào."), "{text}");
    assert!(text.contains("Danh sách này có 0 đồng chí."));
}
