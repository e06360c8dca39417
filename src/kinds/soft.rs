//! Soft files: the tables of forms 6 and 7 and the reconciliation as XLSX,
//! for the Boards that consolidate in Excel. The figures are the views'
//! own, the ones the PDFs print; numbers are written as numbers.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::board::BoardView;
use super::committee::{CommitteeView, UnitRow};
use crate::model::reconciliation::{Entry, Reconciliation};
use crate::model::roster::Figures;

/// Reads one figure.
type Figure = fn(&Figures) -> usize;

/// The figure columns of form 6 and of the annex of form 7, after "Số TT"
/// and the unit's name, with the figure each one prints.
pub const FIGURE_COLUMNS: [(&str, Figure); 9] = [
    ("Tổng số đảng viên", |f| f.total),
    ("Đảng viên chính thức", |f| f.full),
    ("Đảng viên dự bị", |f| f.probationary),
    ("Đảng viên chính thức đã được phát thẻ", |f| f.with_card),
    ("Đảng viên chính thức chưa được đổi, phát thẻ", |f| f.without_card),
    ("Số thẻ đề nghị đóng dấu kiểm tra kỹ thuật", |f| f.to_stamp),
    ("Số thẻ hỏng đề nghị đổi lại", |f| f.damaged),
    ("Số thẻ mất đề nghị cấp lại", |f| f.lost),
    ("Đảng viên sinh hoạt tạm thời được kiểm tra", |f| f.temporarily_attached),
];

/// Form 6 as a sheet: one row per cell and the "Tổng cộng" row.
pub fn summary(view: &CommitteeView) -> Vec<u8> {
    let title = format!("Biểu tổng hợp kiểm tra kỹ thuật thẻ đảng viên (Mẫu 6-KTTĐV) – {}", view.organisation);
    figures_workbook("6-KTTĐV", &title, "Tên chi bộ", &view.rows, view.total)
}

/// The annex of form 7: one row per grassroots organisation.
pub fn annex(view: &BoardView) -> Vec<u8> {
    let title = format!("Phụ lục Báo cáo 7-KTTĐV – {}", view.frame.header.issuer);
    figures_workbook("7-KTTĐV", &title, "Tên tổ chức cơ sở đảng", &view.rows, view.total)
}

fn figures_workbook(sheet: &str, title: &str, unit: &str, rows: &[UnitRow], total: Figures) -> Vec<u8> {
    build(|workbook| {
        let styles = Styles::new();
        let ws = workbook.add_worksheet().set_name(sheet)?;
        ws.write_with_format(0, 0, title, &styles.bold)?;
        let titles: Vec<&str> =
            ["Số TT", unit].into_iter().chain(FIGURE_COLUMNS.iter().map(|c| c.0)).chain(["Ghi chú"]).collect();
        write_titles(ws, 2, &titles, &styles)?;
        let mut r = 4;
        for (i, row) in rows.iter().enumerate() {
            ws.write_number_with_format(r, 0, (i + 1) as f64, &styles.cell)?;
            ws.write_with_format(r, 1, row.name.as_str(), &styles.cell)?;
            write_figures(ws, r, &row.figures, &styles.cell)?;
            r += 1;
        }
        ws.write_with_format(r, 0, "", &styles.total)?;
        ws.write_with_format(r, 1, "Tổng cộng", &styles.total)?;
        write_figures(ws, r, &total, &styles.total)?;
        ws.set_column_width(1, 34)?;
        Ok(())
    })
}

fn write_figures(ws: &mut Worksheet, r: u32, figures: &Figures, format: &Format) -> Result<(), XlsxError> {
    for (c, (_, figure)) in FIGURE_COLUMNS.iter().enumerate() {
        ws.write_number_with_format(r, c as u16 + 2, figure(figures) as f64, format)?;
    }
    let note = match figures.not_stamped {
        0 => String::new(),
        n => format!("{n} thẻ không đóng dấu vì lý do khác"),
    };
    ws.write_with_format(r, FIGURE_COLUMNS.len() as u16 + 2, note, format)?;
    Ok(())
}

/// The reconciliation, one difference per row, the totals on a second sheet.
pub fn reconciliation(result: &Reconciliation) -> Vec<u8> {
    build(|workbook| {
        let styles = Styles::new();
        let ws = workbook.add_worksheet().set_name("Chênh lệch")?;
        let titles = [
            "Số TT",
            "Loại chênh lệch",
            "Họ và tên (đơn vị báo cáo)",
            "Ngày sinh",
            "Số thẻ",
            "Tổ chức cơ sở, chi bộ",
            "Họ và tên (danh sách quản lý)",
            "Ngày sinh",
            "Số thẻ",
            "Độ tin cậy (%)",
            "Ghi chú",
        ];
        write_titles(ws, 0, &titles, &styles)?;
        let mut r = 2;
        for (i, difference) in result.differences.iter().enumerate() {
            // A card number on two cells takes one row per cell.
            let submitted: Vec<Option<&Entry>> = match difference.submitted.as_slice() {
                [] => vec![None],
                entries => entries.iter().map(Some).collect(),
            };
            for entry in submitted {
                ws.write_number_with_format(r, 0, (i + 1) as f64, &styles.cell)?;
                ws.write_with_format(r, 1, difference.label, &styles.cell)?;
                write_entry(ws, r, 2, entry, true, &styles.cell)?;
                write_entry(ws, r, 6, difference.roll.as_ref(), false, &styles.cell)?;
                match difference.confidence {
                    Some(confidence) => ws.write_number_with_format(r, 9, f64::from(confidence), &styles.cell)?,
                    None => ws.write_with_format(r, 9, "", &styles.cell)?,
                };
                ws.write_with_format(r, 10, &difference.note, &styles.cell)?;
                r += 1;
            }
        }
        ws.set_column_width(1, 30)?;
        ws.set_column_width(2, 26)?;
        ws.set_column_width(5, 34)?;
        ws.set_column_width(6, 26)?;

        let ws = workbook.add_worksheet().set_name("Tổng hợp")?;
        let t = &result.totals;
        let lines = [
            ("Số đảng viên trong danh sách quản lý", t.on_roll),
            ("Số đảng viên các đơn vị báo cáo", t.submitted),
            ("Số cặp khớp được", t.paired),
            ("Có trong danh sách quản lý, đơn vị không báo cáo", t.not_submitted),
            ("Đơn vị báo cáo, không có trong danh sách quản lý", t.not_on_roll),
            ("Một số thẻ ở hai chi bộ", t.card_in_two_cells),
            ("Họ tên khác", t.name_differs),
            ("Ngày sinh khác", t.birth_date_differs),
            ("Số thẻ khác", t.card_number_differs),
            ("Tổng số chênh lệch", t.differences),
        ];
        for (r, (label, count)) in lines.into_iter().enumerate() {
            ws.write_with_format(r as u32, 0, label, &styles.cell)?;
            ws.write_number_with_format(r as u32, 1, count as f64, &styles.cell)?;
        }
        ws.set_column_width(0, 50)?;
        Ok(())
    })
}

/// Name, date of birth, card number and unit of one side of a difference.
fn write_entry(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    entry: Option<&Entry>,
    with_unit: bool,
    format: &Format,
) -> Result<(), XlsxError> {
    let text = |value: Option<String>| value.unwrap_or_default();
    let mut values = vec![
        text(entry.map(|e| e.full_name.to_string())),
        text(entry.map(|e| e.birth_date.to_string())),
        text(entry.and_then(|e| e.card_number.as_ref()).map(ToString::to_string)),
    ];
    if with_unit {
        let unit = entry.map(|e| {
            [&e.organisation, &e.cell].into_iter().flatten().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
        });
        values.push(text(unit));
    }
    for (i, value) in values.into_iter().enumerate() {
        ws.write_with_format(r, c + i as u16, value, format)?;
    }
    Ok(())
}

/// The column titles, then their indices "(1) (2) …" as on the forms.
fn write_titles(ws: &mut Worksheet, r: u32, titles: &[&str], styles: &Styles) -> Result<(), XlsxError> {
    for (c, title) in titles.iter().enumerate() {
        ws.write_with_format(r, c as u16, *title, &styles.title)?;
        ws.write_with_format(r + 1, c as u16, format!("({})", c + 1), &styles.index)?;
        if c > 1 {
            ws.set_column_width(c as u16, 14)?;
        }
    }
    ws.set_row_height(r, 60)?;
    ws.set_freeze_panes(r + 2, 0)?;
    Ok(())
}

struct Styles {
    bold: Format,
    title: Format,
    index: Format,
    cell: Format,
    total: Format,
}

impl Styles {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::VerticalCenter);
        Self {
            bold: Format::new().set_bold(),
            title: cell.clone().set_bold().set_align(FormatAlign::Center),
            index: cell.clone().set_italic().set_align(FormatAlign::Center),
            total: cell.clone().set_bold(),
            cell,
        }
    }
}

/// A workbook in memory, dated at a fixed time so that the same figures
/// give the same bytes.
fn build(fill: impl FnOnce(&mut Workbook) -> Result<(), XlsxError>) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).expect("a valid date");
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&fixed).set_author("kttdv"));
    fill(&mut workbook).and_then(|()| workbook.save_to_buffer()).expect("writing a workbook to memory")
}
