//! The round trip's workbooks (the changes for the Party-member database,
//! the closing account): sheets of text rows under bold titles, each row
//! numbered.

/// A sheet: its name, its column titles, its rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub titles: &'a [&'a str],
    pub rows: Vec<Vec<String>>,
}

/// The sheets as one XLSX file.
pub fn workbook(sheets: &[Sheet]) -> Vec<u8> {
    // Fixed names and titles, text cells, in memory: nothing that can fail.
    write(sheets).expect("a workbook of text cells")
}

fn write(sheets: &[Sheet]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for sheet in sheets {
        let page = workbook.add_worksheet().set_name(sheet.name)?;
        page.write_string_with_format(0, 0, "STT", &bold)?;
        for (column, title) in sheet.titles.iter().enumerate() {
            page.write_string_with_format(0, column as u16 + 1, *title, &bold)?;
            // Wide enough for a name or a unit, not for a whole sentence.
            page.set_column_width(column as u16 + 1, title.chars().count().clamp(12, 36) as f64 + 4.0)?;
        }
        for (row, cells) in sheet.rows.iter().enumerate() {
            page.write_number(row as u32 + 1, 0, row as f64 + 1.0)?;
            for (column, text) in cells.iter().enumerate() {
                page.write_string(row as u32 + 1, column as u16 + 1, text)?;
            }
        }
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_numbered_under_its_titles() {
        let rows = vec![vec!["Trần Văn Hùng".to_owned(), "49.102340".to_owned()]];
        let bytes = workbook(&[Sheet { name: "Thẻ", titles: &["Họ và tên", "Số thẻ"], rows }]);
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = calamine::Reader::worksheet_range(&mut book, "Thẻ").unwrap();
        let cells: Vec<String> = range.rows().flatten().map(|c| c.to_string()).collect();
        assert_eq!(cells, ["STT", "Họ và tên", "Số thẻ", "1", "Trần Văn Hùng", "49.102340"]);
    }
}
