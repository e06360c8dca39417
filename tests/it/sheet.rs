//! Rosters kept in spreadsheets: the blank template, XLSX and CSV import,
//! and problems reported by sheet, row and column.

use crate::common;

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use common::*;
use rust_xlsxwriter::Workbook;
use serde_json::{Value, json};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The columns a members sheet cannot do without.
const REQUIRED_TITLES: [&str; 8] = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ đảng viên",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Loại đảng viên",
    "Kết quả kiểm tra thẻ",
];

/// The cell's details, given on the command line.
const CELL_OPTIONS: [&str; 10] = [
    "--cell",
    "name=Chi bộ A",
    "--cell",
    "superior=Đảng bộ B",
    "--cell",
    "place=Quảng Nam",
    "--cell",
    "date=20/04/2021",
    "--cell",
    "signer_name=Lê Văn Tám",
];

/// The rows of a sheet as text.
fn sheet_rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut workbook = calamine::open_workbook_auto(path).unwrap();
    let range = workbook.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| if let Data::Empty = c { String::new() } else { c.to_string() }).collect())
        .collect()
}

/// A member of the JSON roster as the words a secretary types, by column title.
fn member_words(m: &Value) -> Vec<(&'static str, String)> {
    let s = |key: &str| m.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    let (outcome, detail, handling, boxes) = match &m["card"] {
        Value::Null => ("", String::new(), String::new(), String::new()),
        Value::String(_) => ("Đóng dấu", String::new(), String::new(), String::new()),
        card => {
            let (kind, body) = card.as_object().unwrap().iter().next().unwrap();
            let text = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
            let boxes = body
                .get("stamp_boxes")
                .map(|b| b.as_array().unwrap().iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", "));
            let word = match kind.as_str() {
                "damaged" => "Thẻ hỏng",
                "lost" => "Mất thẻ",
                "no_current_card" => "Chưa có thẻ",
                _ => "Không đóng dấu",
            };
            let detail = ["defect", "circumstances", "reason"]
                .iter()
                .map(|k| text(k))
                .find(|t| !t.is_empty())
                .unwrap_or_default();
            (word, detail, text("handling"), boxes.unwrap_or_default())
        }
    };
    vec![
        ("Họ và tên", s("full_name")),
        ("Ngày sinh", s("birth_date")),
        ("Giới tính", if m["gender"] == "nam" { "Nam" } else { "Nữ" }.to_owned()),
        ("Số thẻ đảng viên", s("card_number")),
        ("Ngày vào Đảng", s("admitted_on")),
        ("Ngày chính thức", s("full_member_on")),
        ("Loại đảng viên", if m["membership"] == "full" { "Chính thức" } else { "Dự bị" }.to_owned()),
        ("Sinh hoạt tạm thời từ", s("temporary_from")),
        ("Kết quả kiểm tra thẻ", outcome.to_owned()),
        ("Lý do, tình trạng", detail),
        ("Hình thức xử lý", handling),
        ("Ô đóng dấu", boxes),
        ("Trùng tên người khác", if m["namesake"] == true { "Có" } else { "" }.to_owned()),
        ("Ghi chú", s("remarks")),
    ]
}

/// Fills a workbook laid out as `template` (its titles, in its order) with
/// the example roster.
pub(crate) fn fill_like_template(template: &Path, out: &Path, roster: &Value) {
    let titles = &sheet_rows(template, "Danh sách đảng viên")[0];
    let cell_titles: Vec<String> = sheet_rows(template, "Chi bộ").into_iter().map(|r| r[0].clone()).collect();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("Danh sách đảng viên").unwrap();
    for (col, title) in titles.iter().enumerate() {
        sheet.write(0, col as u16, title).unwrap();
    }
    for (row, member) in roster["members"].as_array().unwrap().iter().enumerate() {
        for (title, word) in member_words(member) {
            let col = titles.iter().position(|t| t == title).unwrap_or_else(|| panic!("the template has «{title}»"));
            if !word.is_empty() {
                sheet.write(row as u32 + 1, col as u16, word).unwrap();
            }
        }
    }
    let cell = &roster["cell"];
    let sheet = workbook.add_worksheet().set_name("Chi bộ").unwrap();
    for (row, title) in cell_titles.iter().enumerate() {
        let value = match title.as_str() {
            "Đảng bộ cấp trên" => cell["superior"].as_str().unwrap().to_owned(),
            "Tên chi bộ" => cell["name"].as_str().unwrap().to_owned(),
            "Địa danh" => cell["place"].as_str().unwrap().to_owned(),
            "Ngày lập" => cell["date"].as_str().unwrap().to_owned(),
            "Ngày chốt số liệu" => "15/04/2021".to_owned(),
            "Số báo cáo" => cell["report_number"].as_str().unwrap().to_owned(),
            "Chi bộ có chi ủy" => "Có".to_owned(),
            "Chức vụ người ký" => cell["signer"]["title"].as_str().unwrap().to_owned(),
            "Người ký" => cell["signer"]["name"].as_str().unwrap().to_owned(),
            other => panic!("unexpected cell row «{other}»"),
        };
        sheet.write(row as u32, 0, title).unwrap();
        sheet.write(row as u32, 1, value).unwrap();
    }
    workbook.save(out).unwrap();
}

/// The example roster as the importer should give it back: what a sheet holds.
pub(crate) fn expected_roster() -> Value {
    let mut roster: Value = serde_json::from_str(&example("cell.json")).unwrap();
    roster.as_object_mut().unwrap().remove("report");
    roster["cell"].as_object_mut().unwrap().remove("recipients");
    roster["cell"]["reference_date"] = json!("15/04/2021");
    roster
}

#[test]
fn the_template_round_trips_to_the_json_example() {
    let dir = tempfile::tempdir().unwrap();
    let out = kttdv_in(dir.path(), &["template-xlsx"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let template = dir.path().join("mau-nhap-danh-sach-dang-vien.xlsx");
    let rows = sheet_rows(&template, "Danh sách đảng viên");
    assert_eq!(rows[0][0], "Họ và tên");
    assert!(
        rows[1][0] == "Nguyễn Văn An" && rows[1].last().unwrap().starts_with("(Dòng mẫu"),
        "an example row: {:?}",
        rows[1]
    );

    let filled = dir.path().join("chi-bo.xlsx");
    fill_like_template(&template, &filled, &expected_roster());
    let out = kttdv_in(dir.path(), &["import", filled.to_str().unwrap(), "-o", "roster.json"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let imported: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("roster.json")).unwrap()).unwrap();
    assert_eq!(imported, expected_roster());

    // The template itself holds nothing of the example: its example row is
    // skipped, its cell details are empty, and importing it says what is missing.
    let cell_rows = sheet_rows(&template, "Chi bộ");
    assert!(cell_rows.iter().all(|r| r.get(1).is_none_or(String::is_empty)), "column B is empty: {cell_rows:?}");
    assert!(cell_rows.iter().all(|r| r[2].starts_with("Ví dụ: ")), "column C shows examples: {cell_rows:?}");
    let out = kttdv_in(dir.path(), &["import", template.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert!(said.contains("missing-field\tChi bộ!B1\tthiếu trường bắt buộc «superior»"), "named by its row: {said}");
    assert!(!said.contains("Nguyễn Văn An"), "{said}");
}

#[test]
fn the_report_and_its_recipients_come_from_a_sheet_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    assert!(kttdv_in(dir.path(), &["template-xlsx", "-o", "t.xlsx"], "").status.success());
    let report_titles: Vec<String> = sheet_rows(&dir.path().join("t.xlsx"), "Báo cáo")
        .into_iter()
        .map(|r| r[0].clone())
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(report_titles, ["II. Tình hình sử dụng, bảo quản thẻ đảng viên", "III. Kiến nghị, đề xuất", "Nơi nhận"]);
    fill_like_template(&dir.path().join("t.xlsx"), &dir.path().join("chi-bo.xlsx"), &expected_roster());
    // The report sheet added to the filled workbook, as a secretary types it.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(dir.path().join("chi-bo.xlsx")).unwrap();
    let mut out = Workbook::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let sheet = out.add_worksheet().set_name(&name).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write(r as u32, c as u16, cell.to_string()).unwrap();
            }
        }
    }
    let sheet = out.add_worksheet().set_name("Báo cáo").unwrap();
    for (row, title, line) in [
        (0, "II. Tình hình sử dụng, bảo quản thẻ đảng viên", "Đảng viên giữ gìn thẻ cẩn thận."),
        (1, "", "- Một thẻ bị hỏng do ẩm"),
        (5, "Kiến nghị, đề xuất", "Đề nghị cấp trên sớm đổi thẻ hỏng."),
        (10, "Nơi nhận", "Đảng ủy Sở Tài chính (để b/c),"),
        (11, "", "Lưu chi bộ."),
    ] {
        sheet.write(row, 0, title).unwrap();
        sheet.write(row, 1, line).unwrap();
    }
    out.save(dir.path().join("chi-bo.xlsx")).unwrap();
    let out = kttdv_in(dir.path(), &["render", "mau-1", "chi-bo.xlsx", "-o", "-"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = folded(&pdf_text(&out.stdout));
    for said in [
        "II. TÌNH HÌNH SỬ DỤNG, BẢO QUẢN THẺ ĐẢNG VIÊN Đảng viên giữ gìn thẻ cẩn thận. - Một thẻ bị hỏng do ẩm",
        "III. KIẾN NGHỊ, ĐỀ XUẤT Đề nghị cấp trên sớm đổi thẻ hỏng.",
        "- Đảng ủy Sở Tài chính (để b/c), - Lưu chi bộ.",
    ] {
        assert!(text.contains(said), "«{said}» in:\n{text}");
    }
}

#[test]
fn a_namesake_is_declared_in_its_own_column() {
    let dir = tempfile::tempdir().unwrap();
    assert!(kttdv_in(dir.path(), &["template-xlsx", "-o", "t.xlsx"], "").status.success());
    let mut roster = expected_roster();
    roster["members"][3]["namesake"] = json!(true);
    fill_like_template(&dir.path().join("t.xlsx"), &dir.path().join("chi-bo.xlsx"), &roster);
    let out = kttdv_in(dir.path(), &["import", "chi-bo.xlsx"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), roster);
}

#[test]
fn a_workbook_still_holding_the_examples_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(kttdv_in(dir.path(), &["template-xlsx", "-o", "t.xlsx"], "").status.success());
    let mut roster = expected_roster();
    roster["cell"]["name"] = json!("Chi bộ Phòng Tổng hợp");
    roster["cell"]["signer"]["name"] = json!("Nguyễn Văn A");
    fill_like_template(&dir.path().join("t.xlsx"), &dir.path().join("chi-bo.xlsx"), &roster);
    let out = kttdv_in(dir.path(), &["check", "packet", "chi-bo.xlsx"], "");
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("example-value\tChi bộ!B2\tthông tin chi bộ vẫn là ví dụ"), "{said}");
}

#[test]
fn a_filled_workbook_renders_the_packet() {
    let dir = tempfile::tempdir().unwrap();
    assert!(kttdv_in(dir.path(), &["template-xlsx", "-o", "t.xlsx"], "").status.success());
    fill_like_template(&dir.path().join("t.xlsx"), &dir.path().join("chi-bo.xlsx"), &expected_roster());
    let out = kttdv_in(dir.path(), &["render", "packet", "chi-bo.xlsx"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = std::fs::read(dir.path().join("ho-so-kttdv_chi-bo-van-phong.pdf")).unwrap();
    let text = folded(&pdf_text(&pdf));
    assert!(text.contains("Danh sách này có 19 đồng chí.") && text.contains("Mẫu 5-KTTĐV"));
}

#[test]
fn csv_with_other_titles_and_cell_options_imports_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let roster = expected_roster();
    let titles = "Họ tên;Ngày, tháng, năm sinh;GIỚI TÍNH;Số thẻ;Ngày kết nạp;Ngày chính thức;Loại;Sinh hoạt tạm thời;Kết quả;Lý do;Xử lý;Ô số;Trùng tên;Ghi chú";
    let mut csv = format!("{titles}\n");
    for member in roster["members"].as_array().unwrap() {
        let words: Vec<String> = member_words(member).into_iter().map(|(_, w)| w).collect();
        csv += &(words.join(";") + "\n");
    }
    std::fs::write(dir.path().join("chi-bo.csv"), csv).unwrap();
    let cell = &roster["cell"];
    let options: Vec<String> = [
        ("superior", cell["superior"].as_str().unwrap()),
        ("name", cell["name"].as_str().unwrap()),
        ("place", "Quảng Nam"),
        ("date", "20/04/2021"),
        ("reference_date", "15/04/2021"),
        ("report_number", "03-BC/CB"),
        ("has_committee", "có"),
        ("signer_title", "BÍ THƯ"),
        ("signer_name", "Trần Văn Hùng"),
    ]
    .iter()
    .flat_map(|(k, v)| ["--cell".to_owned(), format!("{k}={v}")])
    .collect();
    let mut args = vec!["import", "chi-bo.csv"];
    args.extend(options.iter().map(String::as_str));
    let out = kttdv_in(dir.path(), &args, "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), roster);
}

#[test]
fn a_wrong_date_a_missing_column_and_a_merged_title_are_placed_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sai.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("DS").unwrap();
    // No "Ngày vào Đảng" column; "Số thẻ đảng viên" merged over two cells.
    let titles =
        ["Họ và tên", "Ngày sinh", "Giới tính", "Số thẻ đảng viên", "", "Loại đảng viên", "Kết quả kiểm tra thẻ"];
    for (col, title) in titles.iter().enumerate() {
        sheet.write(0, col as u16, *title).unwrap();
    }
    sheet.merge_range(0, 3, 0, 4, "Số thẻ đảng viên", &rust_xlsxwriter::Format::new()).unwrap();
    sheet.write_row(1, 0, ["Lê Văn Tám", "31/02/1980", "Nam", "49.000123", "", "Chính thức", "Đóng dấu"]).unwrap();
    workbook.save(&path).unwrap();
    let out = kttdv(&["check", "mau-2", path.to_str().unwrap(), "--json", "--cell", "name=Chi bộ A"], "");
    assert_eq!(out.status.code(), Some(1));
    let errors: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, u64, String)> = errors
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap().into(),
                e["sheet"].as_str().unwrap().into(),
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = |c: &str, r: u64, col: &str| (c.to_owned(), "DS".to_owned(), r, col.to_owned());
    assert_eq!(found, [want("merged-header", 1, "D"), want("missing-column", 1, "H")]);
    assert!(errors[1]["message"].as_str().unwrap().contains("Ngày vào Đảng"));

    // With the titles mended, the wrong date is reported at its cell, with its value,
    // and so is a word the outcome column does not know.
    let write = |outcome: &str| {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet().set_name("DS").unwrap();
        sheet.write_row(0, 0, REQUIRED_TITLES).unwrap();
        sheet
            .write_row(
                1,
                0,
                ["Lê Văn Tám", "01/01/1970", "Nam", "49.000123", "03/04/1995", "03/04/1996", "Chính thức", "Đóng dấu"],
            )
            .unwrap();
        sheet
            .write_row(
                2,
                0,
                ["Trần Văn Bốn", "31/02/1980", "Nam", "49.000124", "03/04/2005", "03/04/2006", "Chính thức", outcome],
            )
            .unwrap();
        workbook.save(&path).unwrap();
    };
    let check = || {
        let mut args = vec!["check", "mau-2", path.to_str().unwrap()];
        args.extend(CELL_OPTIONS);
        let out = kttdv(&args, "");
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout.clone()).unwrap() + &stderr(&out)
    };
    write("Đóng dấu");
    let lines = check();
    assert!(lines.contains("invalid-date\tDS!B3\tngày 31/02/1980 không có trên lịch"), "{lines}");
    write("Thẻ rách");
    let lines = check();
    assert!(lines.contains("unknown-value\tDS!H3\t«Thẻ rách» không hợp lệ; cần một trong: Đóng dấu"), "{lines}");
}

#[test]
fn the_example_workbook_holds_the_example_roster() {
    let out = kttdv(&["import", "examples/chi-bo-van-phong.xlsx"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), expected_roster());
}

#[test]
fn excel_dates_and_numeric_card_numbers_are_read_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ngay.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("DS").unwrap();
    sheet.write_row(0, 0, REQUIRED_TITLES).unwrap();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let date = |y, m, d| rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, d).unwrap();
    sheet.write_string(1, 0, "Lê Văn Tám").unwrap();
    sheet.write_datetime_with_format(1, 1, date(1970, 3, 5), &date_format).unwrap();
    sheet.write_string(1, 2, "Nam").unwrap();
    // Typed without quotes, Excel keeps 49.10234: the importer restores the six digits.
    sheet.write_number(1, 3, 49.102340).unwrap();
    sheet.write_datetime_with_format(1, 4, date(1995, 4, 3), &date_format).unwrap();
    sheet.write_datetime_with_format(1, 5, date(1996, 4, 3), &date_format).unwrap();
    sheet.write_string(1, 6, "Chính thức").unwrap();
    sheet.write_string(1, 7, "Đóng dấu").unwrap();
    workbook.save(&path).unwrap();
    let mut args = vec!["import", path.to_str().unwrap()];
    args.extend(CELL_OPTIONS);
    let out = kttdv(&args, "");
    assert!(out.status.success(), "{}", stderr(&out));
    let roster: Value = serde_json::from_slice(&out.stdout).unwrap();
    let member = &roster["members"][0];
    assert_eq!(member["birth_date"], "05/03/1970");
    assert_eq!(member["admitted_on"], "03/04/1995");
    assert_eq!(member["full_member_on"], "03/04/1996");
    assert_eq!(member["card_number"], "49.102340");
}

/// The blank workbook filled as a secretary fills it: `members` from the
/// example row on; `example_kept`: the example row left as it is, the
/// members below it.
fn filled_over_the_example(dir: &Path, roster: &Value, example_kept: bool) -> PathBuf {
    assert!(kttdv_in(dir, &["template-xlsx", "-o", "t.xlsx"], "").status.success());
    let template = dir.join("t.xlsx");
    let filled = dir.join("chi-bo.xlsx");
    fill_like_template(&template, &filled, roster);
    let example = sheet_rows(&template, "Danh sách đảng viên")[1].clone();
    // Rewritten with the example row put back (kept), or only its note left
    // on the first member's row (typed over).
    let rows = sheet_rows(&filled, "Danh sách đảng viên");
    let cell = sheet_rows(&filled, "Chi bộ");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("Danh sách đảng viên").unwrap();
    let mut out: Vec<Vec<String>> = vec![rows[0].clone()];
    if example_kept {
        out.push(example.clone());
        out.extend(rows[1..].iter().cloned());
    } else {
        let mut first = rows[1].clone();
        first.resize(rows[0].len(), String::new());
        *first.last_mut().unwrap() = example.last().unwrap().clone();
        out.push(first);
        out.extend(rows[2..].iter().cloned());
    }
    for (r, cells) in out.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                sheet.write(r as u32, c as u16, text).unwrap();
            }
        }
    }
    let sheet = workbook.add_worksheet().set_name("Chi bộ").unwrap();
    for (r, cells) in cell.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            sheet.write(r as u32, c as u16, text).unwrap();
        }
    }
    workbook.save(&filled).unwrap();
    filled
}

#[test]
fn a_member_typed_over_the_example_row_is_counted_and_the_leftover_note_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let roster = expected_roster();
    let filled = filled_over_the_example(dir.path(), &roster, false);
    let out = kttdv_in(dir.path(), &["import", filled.to_str().unwrap(), "-o", "roster.json"], "");
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    let imported: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("roster.json")).unwrap()).unwrap();
    let members = imported["members"].as_array().unwrap();
    assert_eq!(members.len(), roster["members"].as_array().unwrap().len(), "nobody dropped");
    assert_eq!(members[0]["full_name"], roster["members"][0]["full_name"]);
    assert!(members[0].get("remarks").is_none(), "the example's note is not a remark: {}", members[0]);
    let first = roster["members"][0]["full_name"].as_str().unwrap();
    assert!(said.contains("example-note-left\tDanh sách đảng viên!"), "{said}");
    assert!(said.contains(&format!("{first}: ô Ghi chú còn chữ «(Dòng mẫu")), "{said}");
}

#[test]
fn the_example_row_left_as_it_is_is_skipped_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let roster = expected_roster();
    let filled = filled_over_the_example(dir.path(), &roster, true);
    let out = kttdv_in(dir.path(), &["import", filled.to_str().unwrap(), "-o", "roster.json"], "");
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    let imported: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("roster.json")).unwrap()).unwrap();
    assert_eq!(imported["members"], roster["members"], "the example is no member");
    assert!(said.contains("example-row-skipped\tDanh sách đảng viên!"), "{said}");
    assert!(said.contains("2\tdòng mẫu của bảng tính trống, chưa sửa"), "at row 2: {said}");
}
