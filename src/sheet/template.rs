//! The blank workbook a cell fills in: the members sheet with its titles,
//! one example row and a hint on every title, and the cell sheet, empty but
//! for an example beside each detail — nothing of the example reaches a
//! document unless typed in.

use std::path::Path;

use rust_xlsxwriter::{DataValidation, Format, Note, Workbook, XlsxError};

use super::columns::{CELL_ROWS, GENDERS, MEMBER_COLUMNS, MEMBERSHIPS, OUTCOMES, REPORT_ROWS, YES_NO, offered};

/// The remark that marks the example row; the importer skips that row
/// while it is still the example ([`is_example_row`]).
pub const EXAMPLE_MARK: &str = "(Dòng mẫu";

/// The example row's note as the blank workbook writes it.
fn example_note() -> String {
    format!("{EXAMPLE_MARK}, xóa hoặc ghi đè)")
}

/// Whether a row, its text by member field, is the example row as the
/// blank workbook wrote it: every column its example, the note its note.
pub fn is_example_row(text: &dyn Fn(&str) -> String) -> bool {
    MEMBER_COLUMNS.iter().all(|column| {
        let example = if column.field == "remarks" { example_note() } else { column.example.to_owned() };
        text(column.field) == example
    })
}

pub const MEMBERS_SHEET: &str = "Danh sách đảng viên";
pub const CELL_SHEET: &str = "Chi bộ";
pub const REPORT_SHEET: &str = "Báo cáo";

/// Rows of the report sheet each part has room for.
const REPORT_LINES: u32 = 5;

pub fn write_template(path: &Path) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#D9E1F2")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let example = Format::new().set_italic().set_font_color("#7F7F7F").set_num_format("@");
    let text = Format::new().set_num_format("@");

    let sheet = workbook.add_worksheet().set_name(MEMBERS_SHEET)?;
    for (col, column) in MEMBER_COLUMNS.iter().enumerate() {
        let col = col as u16;
        sheet.write_with_format(0, col, column.title, &title)?;
        sheet.set_column_width(col, if column.field == "full_name" { 26 } else { 16 })?;
        // Text cells, so that dates stay dd/mm/yyyy and card numbers keep their zeros.
        sheet.set_column_format(col, &text)?;
        let sample = if column.field == "remarks" { example_note() } else { column.example.to_owned() };
        sheet.write_with_format(1, col, sample, &example)?;
        if !column.hint.is_empty() {
            sheet.insert_note(0, col, &Note::new(column.hint).set_author("kttdv"))?;
        }
        let choices: Option<Vec<&str>> = match column.field {
            "gender" => Some(offered(GENDERS)),
            "membership" => Some(offered(MEMBERSHIPS)),
            "outcome" => Some(offered(OUTCOMES)),
            _ => None,
        };
        if let Some(choices) = choices {
            let validation = DataValidation::new().allow_list_strings(&choices)?.ignore_blank(true);
            sheet.add_data_validation(1, col, 2000, col, &validation)?;
        }
    }
    sheet.set_row_height(0, 45)?;
    sheet.set_freeze_panes(1, 0)?;

    let sheet = workbook.add_worksheet().set_name(CELL_SHEET)?;
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 34)?;
    sheet.set_column_width(2, 34)?;
    sheet.set_column_format(1, &text)?;
    // Column B is the cell's own, empty until filled; C shows an example.
    for (row, spec) in CELL_ROWS.iter().enumerate() {
        sheet.write_with_format(row as u32, 0, spec.title, &title)?;
        sheet.write_with_format(row as u32, 2, format!("Ví dụ: {}", spec.example), &example)?;
    }
    let yes_no = offered(YES_NO);
    let row = CELL_ROWS.iter().position(|r| r.key == "has_committee").expect("a listed row") as u32;
    sheet.add_data_validation(row, 1, row, 1, &DataValidation::new().allow_list_strings(&yes_no)?)?;

    // Sections II and III of form 1 and its recipients: a line a row.
    let sheet = workbook.add_worksheet().set_name(REPORT_SHEET)?;
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 80)?;
    sheet.set_column_width(2, 50)?;
    sheet.set_column_format(1, &Format::new().set_num_format("@").set_text_wrap())?;
    for (i, part) in REPORT_ROWS.iter().enumerate() {
        let row = i as u32 * REPORT_LINES;
        sheet.write_with_format(row, 0, part.title, &title)?;
        let hint = format!("Mỗi dòng một đoạn; «- » hoặc «+ » đầu dòng là một ý. Ví dụ: {}", part.example);
        sheet.write_with_format(row, 2, hint, &example)?;
    }

    workbook.save(path)
}
