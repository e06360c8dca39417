//! What forms 6 and 7 say of the units below: on time, late, without an
//! arrival date, or not reporting at all. Each sentence says exactly what
//! follows it; a unit that does not report is a row without figures and is
//! counted apart, never as a reconciliation difference.

use crate::common::*;
use kttdv::{Kind, PdfFlavour};
use serde_json::{Value, json};

/// The example Board's input, with the files it names read in: two
/// committees, one on time (07/05/2021), one two days late (12/05/2021),
/// against the deadline of 10/05/2021.
fn board() -> Value {
    assembled(&root().join("examples/board.json"))
}

/// An input with the files it names read in, as the command line reads it.
fn assembled(path: &std::path::Path) -> Value {
    let Ok(read) = kttdv::Assembled::read(path, &[], &|_| {}) else { panic!("{} reads", path.display()) };
    read.value
}

/// The example committee: the example cell and the cells named in it.
fn committee() -> Value {
    assembled(&root().join("examples/committee.json"))
}

fn text_of(kind: Kind, input: &Value) -> String {
    match RENDERER.make(kind, input, kttdv::Output::pdf(PdfFlavour::PLAIN)) {
        Ok(rendered) => folded(&pdf_text(&rendered.bytes)),
        Err(err) => panic!("{err:?}"),
    }
}

fn layout_of(kind: Kind, input: &Value) -> String {
    match RENDERER.make(kind, input, kttdv::Output::pdf(PdfFlavour::PLAIN)) {
        Ok(rendered) => pdf_layout(&rendered.bytes),
        Err(err) => panic!("{err:?}"),
    }
}

/// Section II.3 of form 7, its heading and the next section's left out.
fn deadlines(board: &Value) -> String {
    let text = text_of(Kind::Mau7, board);
    let start = text.find("3. Thời hạn báo cáo").expect("section II.3") + "3. Thời hạn báo cáo".len();
    let end = text.find("III. TÌNH HÌNH").expect("section III");
    text[start..end].trim().to_owned()
}

const DEADLINE: &str = "Hạn các cấp ủy cơ sở báo cáo về Ban Tổ chức: ngày 10/05/2021.";
const LATE: &str = "+ Đảng bộ Sở Xây dựng: nộp ngày 12/05/2021, chậm 2 ngày.";

fn not_reporting() -> Value {
    json!([{ "name": "Đảng bộ Sở Y tế", "reason": "đang hợp nhất với Đảng bộ Sở Dân số" }])
}

#[test]
fn form_7_says_of_on_time_and_late_units_exactly_what_follows() {
    let mut board = board();
    assert_eq!(deadlines(&board), format!("{DEADLINE} Có 1 đơn vị báo cáo đúng hạn, 1 đơn vị báo cáo chậm: {LATE}"));

    board["committees"][1]["received_on"] = json!("10/05/2021");
    assert_eq!(deadlines(&board), format!("{DEADLINE} Các đơn vị đều báo cáo đúng hạn."));

    board["committees"][0]["received_on"] = json!("11/05/2021");
    board["committees"][1]["received_on"] = json!("12/05/2021");
    assert_eq!(
        deadlines(&board),
        format!(
            "{DEADLINE} Các đơn vị đều báo cáo chậm: + Đảng bộ Sở Tài chính: nộp ngày 11/05/2021, chậm 1 ngày; {LATE}"
        )
    );
}

#[test]
fn form_7_says_units_not_reporting_apart_from_those_on_time() {
    let mut board = board();
    board["committees"][1]["received_on"] = json!("07/05/2021");
    board["not_reporting"] = not_reporting();
    assert_eq!(
        deadlines(&board),
        format!(
            "{DEADLINE} Các đơn vị báo cáo đều đúng hạn. Có 1 đơn vị không báo cáo: \
             + Đảng bộ Sở Y tế (đang hợp nhất với Đảng bộ Sở Dân số)."
        )
    );
}

#[test]
fn units_without_an_arrival_date_are_one_sentence_and_a_warning() {
    let mut board = board();
    for committee in board["committees"].as_array_mut().unwrap() {
        committee.as_object_mut().unwrap().remove("received_on");
    }
    assert_eq!(deadlines(&board), format!("{DEADLINE} Chưa ghi ngày nhận báo cáo của 2 đơn vị."));

    board["committees"][1]["received_on"] = json!("12/05/2021");
    board["not_reporting"] = not_reporting();
    assert_eq!(
        deadlines(&board),
        format!(
            "{DEADLINE} Có 1 đơn vị báo cáo chậm: {LATE} Chưa ghi ngày nhận báo cáo của 1 đơn vị. \
             Có 1 đơn vị không báo cáo: + Đảng bộ Sở Y tế (đang hợp nhất với Đảng bộ Sở Dân số)."
        )
    );

    board["committees"][0]["received_on"] = json!("07/05/2021");
    board["committees"][1].as_object_mut().unwrap().remove("received_on");
    board.as_object_mut().unwrap().remove("not_reporting");
    assert_eq!(
        deadlines(&board),
        format!("{DEADLINE} Có 1 đơn vị báo cáo đúng hạn. Chưa ghi ngày nhận báo cáo của 1 đơn vị.")
    );

    // The command line warns once, naming how many and where to write the dates.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("board.json");
    std::fs::write(&input, serde_json::to_string(&board).unwrap()).unwrap();
    let output = dir.path().join("out.pdf");
    let run = kttdv(&["render", "mau-7", input.to_str().unwrap(), "-o", output.to_str().unwrap()], "");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert_eq!(stderr.matches("missing-received-on").count(), 1, "{stderr}");
    assert!(stderr.contains("committees[1].received_on"), "{stderr}");
}

#[test]
fn the_sample_blocs_report_says_in_one_sentence_that_no_date_was_entered() {
    let run = kttdv(&["sample", "khoi", "--committees", "12", "--members", "5", "-o", "-"], "");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let said = deadlines(&json_input(&String::from_utf8(run.stdout).unwrap()));
    assert!(said.ends_with("Chưa ghi ngày nhận báo cáo của 12 đơn vị."), "{said}");
    assert!(!said.contains("chưa ghi ngày nhận;"), "{said}");
}

/// The line of `layout` that names `unit`, and the numbers on it.
fn numbers_on_the_line_of(layout: &str, unit: &str) -> Vec<String> {
    let line = layout.lines().find(|l| l.contains(unit)).unwrap_or_else(|| panic!("«{unit}» in:\n{layout}"));
    line.split_whitespace().filter(|w| w.parse::<usize>().is_ok()).map(str::to_owned).collect()
}

#[test]
fn a_unit_not_reporting_is_a_row_without_figures_in_form_6_and_in_the_annex() {
    let mut committee = committee();
    committee["not_reporting"] = json!([{ "name": "Chi bộ Phòng Z", "reason": "giải thể" }]);
    let summary = layout_of(Kind::Mau6, &committee);
    assert_eq!(numbers_on_the_line_of(&summary, "Chi bộ Phòng Z").len(), 1, "only its number:\n{summary}");
    let text = text_of(Kind::Mau6, &committee);
    assert!(text.contains("Không báo cáo: giải thể"), "{text}");

    let mut board = board();
    board["not_reporting"] = not_reporting();
    let report = layout_of(Kind::Mau7, &board);
    let annex = &report[report.find("PHỤ LỤC").expect("the annex")..];
    assert_eq!(numbers_on_the_line_of(annex, "Đảng bộ Sở Y tế"), ["3"], "only its number:\n{annex}");
    let sum: Vec<String> = ["Đảng bộ Sở Tài chính", "Đảng bộ Sở Xây dựng"]
        .iter()
        .map(|unit| numbers_on_the_line_of(annex, unit)[1].clone())
        .collect();
    let total: usize = sum.iter().map(|n| n.parse::<usize>().unwrap()).sum();
    assert_eq!(
        numbers_on_the_line_of(annex, "Tổng cộng")[0],
        total.to_string(),
        "the sum of those reporting:\n{annex}"
    );
}

#[test]
fn form_7_counts_the_organisations_that_reported() {
    let mut board = board();
    board["not_reporting"] = not_reporting();
    let text = text_of(Kind::Mau7, &board);
    assert!(text.contains("thuộc 2 tổ chức cơ sở đảng (chi tiết tại phụ lục kèm theo)"), "{text}");
}

#[test]
fn members_of_units_not_reporting_are_not_reconciliation_differences() {
    let mut board = board();
    let differences = kttdv::reconcile(&board).unwrap().value.totals.differences;
    board["not_reporting"] = not_reporting();
    board["committees"][0]["not_reporting"] = json!([{ "name": "Chi bộ Phòng Z", "reason": "giải thể" }]);
    let roll = board["roll"].as_array_mut().unwrap();
    for (name, organisation, cell) in [
        ("Lê Văn Tám", "Đảng bộ Sở Y tế", "Chi bộ Văn phòng"),
        ("Đỗ Thị Chín", "Đảng bộ Sở Y tế", "Chi bộ Khám bệnh"),
        ("Phan Văn Mười", "Đảng bộ Sở Tài chính", "Chi bộ Phòng Z"),
    ] {
        roll.push(json!({ "full_name": name, "birth_date": "01/01/1980", "organisation": organisation, "cell": cell }));
    }
    let checked = kttdv::reconcile(&board).unwrap().value;
    assert_eq!(checked.totals.differences, differences, "{:#?}", checked.totals);
    assert_eq!(checked.totals.in_unit_not_reporting, 3, "{:#?}", checked.totals);

    let text = text_of(Kind::Mau7, &board);
    assert!(text.contains(&format!("có {differences} chênh lệch")), "{text}");
    assert!(
        text.contains("3 đồng chí thuộc đơn vị không báo cáo nên không có trong báo cáo; không tính là chênh lệch"),
        "{text}"
    );
    let list = text_of(Kind::DoiChieu, &board);
    assert!(list.contains("3 đồng chí thuộc đơn vị không báo cáo (không tính là chênh lệch)"), "{list}");
}

#[test]
fn the_annex_names_the_board_even_without_its_name_in_words() {
    let mut board = board();
    board["board"].as_object_mut().unwrap().remove("name");
    let text = text_of(Kind::Mau7, &board);
    assert!(text.contains("ngày 18/05/2021 của BAN TỔ CHỨC ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH)"), "{text}");
}

#[test]
fn column_11_counts_only_the_temporarily_attached_who_hold_a_card_to_inspect() {
    let mut committee = committee();
    let members = |cell: &Value| cell["members"].as_array().unwrap().clone();
    let attached_full = |cell: &Value| {
        members(cell).iter().filter(|m| m.get("temporary_from").is_some() && m["membership"] == "full").count()
    };
    let full: usize = committee["cells"].as_array().unwrap().iter().map(attached_full).sum();
    let in_first = attached_full(&committee["cells"][0]);
    assert!(in_first > 0, "the example has temporarily attached full members");
    committee["cells"][0]["members"].as_array_mut().unwrap().push(json!({
        "full_name": "Lò Thị Xuân", "birth_date": "02/02/1998", "gender": "nu", "admitted_on": "03/03/2020",
        "membership": "probationary", "temporary_from": "Chi bộ Trường Cao đẳng Y tế",
    }));
    let summary = layout_of(Kind::Mau6, &committee);
    let total = numbers_on_the_line_of(&summary, "Tổng cộng");
    assert_eq!(total.last().map(String::as_str), Some(full.to_string().as_str()), "column (11):\n{summary}");
    // Report 1 still counts every temporarily attached member among its members.
    let report = text_of(Kind::Mau1, &committee["cells"][0]);
    assert!(report.contains(&format!("đảng viên sinh hoạt đảng tạm thời {} đồng chí", in_first + 1)), "{report}");
}
