//! The command line, as scripts use it: verbs, exit codes, error lines, files.

use crate::common;

use common::*;
use serde_json::{Value, json};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn kinds_lists_each_kind_with_its_form_code() {
    let out = kttdv(&["kinds"], "");
    assert!(out.status.success());
    let lines: Vec<(String, String)> = stdout(&out)
        .lines()
        .map(|l| {
            let (kind, description) = l.split_once('\t').expect("kind<TAB>description");
            (kind.to_owned(), description.to_owned())
        })
        .collect();
    let names: Vec<&str> = lines.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "plan",
            "mau-1",
            "mau-2",
            "mau-3",
            "mau-4",
            "mau-5",
            "packet",
            "mau-6",
            "tong-hop",
            "mau-7",
            "doi-chieu",
            "ho-so-co-so",
            "ho-so-ban",
            "bien-ban-giao-nhan"
        ]
    );
    for (kind, description) in &lines {
        if let Some(n) = kind.strip_prefix("mau-") {
            assert!(description.contains(&format!("{n}-KTTĐV")), "{description}");
        }
    }
}

#[test]
fn schema_describes_the_input() {
    let out = kttdv(&["schema", "mau-2"], "");
    assert!(out.status.success());
    let schema: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(schema["required"], json!(["cell", "members"]));
    let text = stdout(&out);
    assert!(text.contains("^\\\\d{2}\\\\.\\\\d{6}$"), "card numbers carry their pattern");
    let plan: Value = serde_json::from_str(&stdout(&kttdv(&["schema", "plan"], ""))).unwrap();
    assert!(plan["properties"]["signature"].is_object());
}

#[test]
fn an_unknown_kind_is_a_usage_error() {
    let out = kttdv(&["render", "mau-9", "-"], "{}");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("mau-2"), "names the kinds there are");
}

#[test]
fn check_accepts_the_examples() {
    for (kind, file) in [("plan", "examples/plan.json"), ("mau-2", "examples/cell.json")] {
        let out = kttdv(&["check", kind, file], "");
        assert!(out.status.success(), "{file}: {}", stdout(&out));
    }
}

/// Runs `check --json` on `input`, returning (code, path) of every error.
fn errors(kind: &str, input: &str) -> Vec<(String, String)> {
    let out = kttdv(&["check", kind, "-", "--json"], input);
    assert_eq!(out.status.code(), Some(1), "invalid input exits 1: {}", stdout(&out));
    let errors: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    for e in &errors {
        assert!(!e["message"].as_str().unwrap().is_empty());
    }
    errors.iter().map(|e| (e["code"].as_str().unwrap().to_owned(), e["path"].as_str().unwrap().to_owned())).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn malformed_json_is_reported_with_its_position() {
    let out = kttdv(&["check", "mau-2", "-"], "{\"cell\": ");
    assert_eq!(out.status.code(), Some(1));
    let line = stdout(&out);
    assert!(line.starts_with("json-syntax\t$\tJSON không hợp lệ ở dòng 1"), "{line}");
}

#[test]
fn every_bad_value_is_reported_at_once_with_its_path() {
    let mut roster = kttdv::sample::roster(6, 5);
    roster["members"][0]["birth_date"] = json!("31/02/1980");
    roster["members"][1]["card_number"] = json!("49-12345");
    roster["members"][2]["gender"] = json!(3);
    roster["members"][3]["membership"] = json!("probationary");
    roster["members"][3].as_object_mut().unwrap().remove("full_member_on");
    roster["members"][4]["card_number"] = json!("4.9123456");
    roster["members"][5].as_object_mut().unwrap().remove("full_name");
    // Two bad fields in one member: both are reported.
    roster["members"][5]["admitted_on"] = json!("1/13/2000");
    roster["cell"]["reference_date"] = json!("15-04-2021");
    assert_eq!(
        errors("mau-2", &roster.to_string()),
        pairs(&[
            ("invalid-date", "$.cell.reference_date"),
            ("invalid-date", "$.members[0].birth_date"),
            ("invalid-card-number", "$.members[1].card_number"),
            ("wrong-type", "$.members[2].gender"),
            ("invalid-card-number", "$.members[4].card_number"),
            ("missing-field", "$.members[5].full_name"),
            ("invalid-date", "$.members[5].admitted_on"),
        ])
    );
}

#[test]
fn the_rules_are_checked_across_all_members() {
    let mut roster = kttdv::sample::roster(7, 6);
    // R3: a probationary member proposed for stamping.
    roster["members"][0]["membership"] = json!("probationary");
    roster["members"][0].as_object_mut().unwrap().remove("full_member_on");
    // R7: the same card twice.
    roster["members"][2]["card_number"] = roster["members"][1]["card_number"].clone();
    // R8: admitted at 16, full membership before admission, a date after the reference date.
    roster["members"][3]["birth_date"] = json!("01/01/2000");
    roster["members"][3]["admitted_on"] = json!("01/06/2016");
    roster["members"][3]["full_member_on"] = json!("01/06/2017");
    roster["members"][4]["full_member_on"] = json!("01/01/1970");
    roster["members"][5]["admitted_on"] = json!("01/05/2021");
    roster["members"][5]["full_member_on"] = json!("02/05/2021");
    // A card to stamp needs its number; a full member needs an outcome.
    roster["members"][6].as_object_mut().unwrap().remove("card_number");
    let mut extra = roster["members"][6].clone();
    extra.as_object_mut().unwrap().remove("card");
    roster["members"].as_array_mut().unwrap().push(extra);

    assert_eq!(
        errors("mau-2", &roster.to_string()),
        pairs(&[
            ("probationary-with-card", "$.members[0].card"),
            ("admitted-under-18", "$.members[3].admitted_on"),
            ("full-before-admission", "$.members[4].full_member_on"),
            ("date-after-reference", "$.members[5].admitted_on"),
            ("date-after-reference", "$.members[5].full_member_on"),
            ("missing-card-number", "$.members[6].card_number"),
            ("missing-card-outcome", "$.members[7].card"),
            ("duplicate-card-number", "$.members[2].card_number"),
        ])
    );
}

#[test]
fn duplicate_card_numbers_name_both_members() {
    let mut roster = kttdv::sample::roster(4, 8);
    roster["members"][3]["card_number"] = roster["members"][1]["card_number"].clone();
    let out = kttdv(&["check", "mau-2", "-"], &roster.to_string());
    let line = stdout(&out);
    let first = roster["members"][1]["full_name"].as_str().unwrap();
    let second = roster["members"][3]["full_name"].as_str().unwrap();
    assert!(line.starts_with("duplicate-card-number\t$.members[3].card_number\t"), "{line}");
    assert!(line.contains(first) && line.contains(second) && line.contains("$.members[1]"), "{line}");
}

#[test]
fn plan_errors_are_all_reported() {
    let mut plan: Value = serde_json::from_str(&example("plan.json")).unwrap();
    plan["header"]["date"] = json!("32/01/2021");
    plan.as_object_mut().unwrap().remove("subject");
    plan["signature"] = json!({ "as": "boss", "title": "X", "name": "Y" });
    plan["colour"] = json!("red");
    assert_eq!(
        errors("plan", &plan.to_string()),
        pairs(&[
            ("invalid-date", "$.header.date"),
            ("missing-field", "$.subject"),
            ("unknown-value", "$.signature.as"),
            ("unknown-field", "$.colour"),
        ])
    );
}

#[test]
fn errors_are_tab_separated_lines_in_vietnamese() {
    let out = kttdv(&["check", "mau-2", "-"], r#"{"cell": 1, "members": []}"#);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let fields: Vec<&str> = text.trim_end().split('\t').collect();
    assert_eq!(fields[..2], ["wrong-type", "$.cell"]);
    assert!(fields[2].starts_with("sai kiểu dữ liệu"), "{text}");
}

#[test]
fn render_writes_a_file_named_after_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let example = root().join("examples/cell.json");
    let out = kttdv_in(dir.path(), &["render", "mau-2", example.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = std::fs::read(dir.path().join("mau-2-kttdv_chi-bo-van-phong.pdf")).expect("named after form and cell");
    assert!(folded(&pdf_text(&pdf)).contains("Danh sách này có 19 đồng chí."));

    let out = kttdv_in(dir.path(), &["render", "plan", root().join("examples/plan.json").to_str().unwrap()], "");
    assert!(out.status.success());
    assert!(dir.path().join("ke-hoach_07-kh-duk.pdf").exists());
}

#[test]
fn render_reads_stdin_and_writes_stdout() {
    let out = kttdv(&["render", "mau-2", "-", "-o", "-", "--plain-pdf"], &example("cell.json"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"%PDF-"));
    assert!(folded(&pdf_text(&out.stdout)).contains("Trần Văn Hùng"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("pdfaid"), "plain PDF on request");
}

#[test]
fn invalid_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = kttdv_in(dir.path(), &["render", "mau-2", "-", "-o", "out.pdf"], r#"{"cell": {}, "members": [1]}"#);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing-field\t$.cell.superior"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file, not even a temporary one");
}

#[test]
fn membership_dates_stamp_boxes_and_empty_text_have_their_codes() {
    let mut roster = kttdv::sample::roster(5, 9);
    // A full member without the date of full membership.
    roster["members"][0].as_object_mut().unwrap().remove("full_member_on");
    // A probationary member with one.
    roster["members"][1]["membership"] = json!("probationary");
    roster["members"][1].as_object_mut().unwrap().remove("card");
    // Stamp boxes out of order, and outside 1–4.
    roster["members"][2]["card"] = json!({ "damaged": { "defect": "Rách", "stamp_boxes": [4, 3] } });
    roster["members"][3]["card"] =
        json!({ "lost": { "circumstances": "Mất", "handling": "Nhắc nhở", "stamp_boxes": [5] } });
    // A name of spaces only.
    roster["members"][4]["full_name"] = json!("   ");
    assert_eq!(
        errors("mau-2", &roster.to_string()),
        pairs(&[
            ("invalid-stamp-boxes", "$.members[2].card.damaged.stamp_boxes"),
            ("invalid-stamp-boxes", "$.members[3].card.lost.stamp_boxes"),
            ("empty-text", "$.members[4].full_name"),
            ("missing-full-member-date", "$.members[0].full_member_on"),
            ("unexpected-full-member-date", "$.members[1].full_member_on"),
        ])
    );
}

#[test]
fn a_card_from_another_province_is_a_warning_not_an_error() {
    let mut roster: Value = serde_json::from_str(&example("cell.json")).unwrap();
    roster["members"][0]["card_number"] = json!("01.234567");
    let out = kttdv(&["check", "mau-2", "-"], &roster.to_string());
    assert!(out.status.success(), "warnings do not block");
    let warning = stderr(&out);
    assert!(warning.starts_with("foreign-card-number\t$.members[0].card_number\t"), "{warning}");
    assert!(warning.contains("01") && warning.contains("49"), "{warning}");
}

#[test]
fn a_campaign_in_the_roster_replaces_the_default() {
    let mut roster: Value = serde_json::from_str(&example("cell.json")).unwrap();
    // The cell's own reference date would win; without it, the campaign's counts.
    roster["cell"].as_object_mut().unwrap().remove("reference_date");
    roster["campaign"] = json!({
        "name": "Lần thứ năm", "round": 5, "province_code": 49, "reference_date": "15/04/2026",
        "stamping_from": "15/04/2026", "stamping_until": "15/05/2026",
        "committee_deadline": "10/05/2026", "board_deadline": "19/05/2026"
    });
    let out = kttdv(&["render", "mau-2", "-", "-o", "-"], &roster.to_string());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(folded(&pdf_text(&out.stdout)).contains("(tính đến ngày 15/04/2026)"));
}

#[test]
fn a_file_of_another_kind_sent_by_mistake_is_named_with_what_kttdv_reads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("thu-moi.txt"), "Kính gửi các đồng chí bí thư chi bộ").unwrap();
    std::fs::write(dir.path().join("anh.png"), [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]).unwrap();
    std::fs::write(dir.path().join("hong.json"), "{ \"cell\": ").unwrap();
    let problem = |file: &str| {
        let out = kttdv_in(dir.path(), &["check", "mau-2", file, "--json"], "");
        assert_eq!(out.status.code(), Some(1), "{file}");
        let problems: Value = serde_json::from_str(&stdout(&out)).unwrap();
        (problems[0]["code"].as_str().unwrap().to_owned(), problems[0]["message"].as_str().unwrap().to_owned())
    };
    for file in ["thu-moi.txt", "anh.png"] {
        let (code, message) = problem(file);
        assert_eq!(code, "unreadable-file", "{file}");
        assert!(
            message.starts_with(&format!("«{file}» không phải tệp kttdv đọc được: hãy gửi bảng tính")),
            "{message}"
        );
    }
    // A file named JSON is read as JSON, and its fault said as such.
    let (code, message) = problem("hong.json");
    assert_eq!(code, "json-syntax");
    assert!(message.starts_with("JSON không hợp lệ ở dòng 1"), "{message}");
}
