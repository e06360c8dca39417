//! The `plan` kind reproduces the plan that started the project.

use crate::common;

use common::*;
use kttdv::Kind;

/// The seed plan's paragraphs, as the reference text gives them, up to the
/// recipients; list markers kept, italics markers dropped.
fn reference_paragraphs() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/data/07-KH-DUK.txt")).unwrap();
    text.lines()
        .map(str::trim)
        .take_while(|line| *line != "Nơi nhận:")
        .filter(|line| !line.is_empty() && !line.starts_with("Số 07"))
        .map(|line| folded(&line.replace('*', "").replace("- + ", "+ ")))
        .collect()
}

#[test]
fn every_paragraph_of_the_seed_plan_is_printed_in_order() {
    let pdf = render(Kind::Plan, &example("plan.json"));
    let text = folded(&pdf_text(&pdf));
    let paragraphs = reference_paragraphs();
    assert!(paragraphs.len() > 30, "the reference has its body: {paragraphs:?}");
    let needles: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    assert_in_order(&text, &needles);
}

#[test]
fn the_plan_carries_its_header_recipients_and_signature() {
    let pdf = render(Kind::Plan, &example("plan.json"));
    let text = folded(&pdf_text(&pdf));
    assert_in_order(&text, &["ĐẢNG BỘ TỈNH QUẢNG NAM", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "Số 07-KH/ĐUK"]);
    assert!(text.contains("ĐẢNG CỘNG SẢN VIỆT NAM"));
    assert!(text.contains("Quảng Nam, ngày 05 tháng 4 năm 2021"), "{text}");
    for line in ["Nơi nhận:", "- Các TCCS đảng trực thuộc, (t/h)", "- BTC Đảng ủy,", "- Lưu VP."] {
        assert!(text.contains(line), "missing «{line}»");
    }
    assert_in_order(&text, &["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Thị Hà"]);
}

#[test]
fn pages_are_numbered_from_page_two() {
    let pdf = render(Kind::Plan, &example("plan.json"));
    let pages = pdf_pages(&pdf);
    assert!(pages.len() >= 2, "the seed plan runs over more than one page");
    let first_lines = |page: &str| page.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default().to_owned();
    assert_ne!(first_lines(&pages[0]), "1", "page 1 carries no number");
    for (i, page) in pages.iter().enumerate().skip(1) {
        assert_eq!(first_lines(page), (i + 1).to_string(), "page {} starts with its number", i + 1);
    }
}
