//! The blank workbook a cell fills in: the members sheet with its titles,
//! one example row and a hint on every title, and the cell sheet.

use std::path::Path;

use rust_xlsxwriter::{DataValidation, Format, Note, Workbook, XlsxError};

use super::columns::{CELL_ROWS, GENDERS, MEMBER_COLUMNS, MEMBERSHIPS, OUTCOMES, YES_NO};

/// The remark that marks the example row; the importer skips that row.
pub const EXAMPLE_MARK: &str = "(Dòng mẫu";

pub const MEMBERS_SHEET: &str = "Danh sách đảng viên";
pub const CELL_SHEET: &str = "Chi bộ";

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
        let sample = if column.field == "remarks" {
            format!("{EXAMPLE_MARK}, xóa hoặc ghi đè)")
        } else {
            column.example.to_owned()
        };
        sheet.write_with_format(1, col, sample, &example)?;
        if !column.hint.is_empty() {
            sheet.insert_note(0, col, &Note::new(column.hint).set_author("kttdv"))?;
        }
        let choices: Option<Vec<&str>> = match column.field {
            "gender" => Some(GENDERS.iter().map(|c| c.0).collect()),
            "membership" => Some(MEMBERSHIPS.iter().map(|c| c.0).collect()),
            "outcome" => Some(OUTCOMES.iter().map(|c| c.0).collect()),
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
    sheet.set_column_format(1, &text)?;
    for (row, spec) in CELL_ROWS.iter().enumerate() {
        sheet.write_with_format(row as u32, 0, spec.title, &title)?;
        sheet.write_with_format(row as u32, 1, spec.example, &text)?;
    }
    let yes_no: Vec<&str> = YES_NO.iter().map(|c| c.0).collect();
    let row = CELL_ROWS.iter().position(|r| r.key == "has_committee").expect("a listed row") as u32;
    sheet.add_data_validation(row, 1, row, 1, &DataValidation::new().allow_list_strings(&yes_no)?)?;

    workbook.save(path)
}
