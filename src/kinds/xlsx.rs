//! The XLSX files: the tables of forms 6 and 7 and the reconciliation as
//! workbooks, for the Boards that consolidate in Excel. The figures are the views'
//! own, the ones the PDFs print; numbers are written as numbers.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use serde::Deserialize;

use super::board::BoardView;
use super::committee::{CommitteeView, UnitRow};
use crate::model::reconciliation::{Entry, Reconciliation};
use crate::model::roster::Figures;

/// Where the templates keep the figure columns, for the PDF and these alike.
pub const FIGURE_COLUMNS_FILE: &str = "/shared/figures-table.json";

/// The figure columns of form 6 and of the annex of form 7, after "Số TT"
/// and the unit's name: their titles are layout, set in the template folder
/// (`figures-table.json`) and read by `figures-table.typ` too, so that a
/// committee's override changes the PDF and the XLSX together.
#[derive(Debug, Deserialize)]
pub struct FigureColumns {
    columns: Vec<FigureColumn>,
    /// The remark after the count of cards not stamped for another reason.
    not_stamped: String,
}

#[derive(Debug, Deserialize)]
struct FigureColumn {
    key: FigureKey,
    group: Option<String>,
    title: String,
}

/// The figure a column prints.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FigureKey {
    Total,
    Full,
    Probationary,
    WithCard,
    WithoutCard,
    ToStamp,
    Damaged,
    Lost,
    TemporarilyAttached,
    AttachedInspected,
}

impl FigureKey {
    fn of(self, f: &Figures) -> usize {
        match self {
            FigureKey::Total => f.total,
            FigureKey::Full => f.full,
            FigureKey::Probationary => f.probationary,
            FigureKey::WithCard => f.with_card,
            FigureKey::WithoutCard => f.without_card,
            FigureKey::ToStamp => f.to_stamp,
            FigureKey::Damaged => f.damaged,
            FigureKey::Lost => f.lost,
            FigureKey::TemporarilyAttached => f.temporarily_attached,
            FigureKey::AttachedInspected => f.attached_inspected,
        }
    }
}

impl FigureColumns {
    pub fn parse(json: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(json)
    }

    /// Form 6 as a sheet: one row per cell and the "Tổng cộng" row.
    pub fn summary(&self, view: &CommitteeView) -> Vec<u8> {
        let title = format!("Biểu tổng hợp kiểm tra kỹ thuật thẻ đảng viên (Mẫu 6-KTTĐV) – {}", view.organisation);
        self.workbook("6-KTTĐV", &title, "Tên chi bộ", &view.rows, view.total)
    }

    /// The annex of form 7: one row per grassroots organisation.
    pub fn annex(&self, view: &BoardView) -> Vec<u8> {
        let title = format!("Phụ lục Báo cáo 7-KTTĐV – {}", view.frame.header.header.issuer);
        self.workbook("7-KTTĐV", &title, "Tên tổ chức cơ sở đảng", &view.rows, view.total)
    }

    fn workbook(&self, sheet: &str, title: &str, unit: &str, rows: &[UnitRow], total: Figures) -> Vec<u8> {
        build(|workbook| {
            let styles = Styles::new();
            let ws = workbook.add_worksheet().set_name(sheet)?;
            ws.write_with_format(0, 0, title, &styles.bold)?;
            let headings: Vec<Heading> = [Heading::plain("Số TT"), Heading::plain(unit)]
                .into_iter()
                .chain(self.columns.iter().map(|c| Heading { group: c.group.as_deref(), title: &c.title }))
                .chain([Heading::plain("Ghi chú")])
                .collect();
            let mut r = write_titles(ws, 2, &headings, &styles)?;
            for (i, row) in rows.iter().enumerate() {
                ws.write_number_with_format(r, 0, (i + 1) as f64, &styles.cell)?;
                ws.write_with_format(r, 1, row.name.as_str(), &styles.cell)?;
                match &row.figures {
                    Some(figures) => self.write_figures(ws, r, figures, &styles.cell)?,
                    None => {
                        for c in 0..=self.columns.len() as u16 {
                            ws.write_blank(r, c + 2, &styles.cell)?;
                        }
                    }
                }
                if let Some(remark) = &row.remark {
                    ws.write_with_format(r, self.columns.len() as u16 + 2, remark, &styles.cell)?;
                }
                r += 1;
            }
            ws.write_with_format(r, 0, "", &styles.total)?;
            ws.write_with_format(r, 1, "Tổng cộng", &styles.total)?;
            self.write_figures(ws, r, &total, &styles.total)?;
            ws.set_column_width(1, 34)?;
            Ok(())
        })
    }

    fn write_figures(&self, ws: &mut Worksheet, r: u32, figures: &Figures, format: &Format) -> Result<(), XlsxError> {
        for (c, column) in self.columns.iter().enumerate() {
            ws.write_number_with_format(r, c as u16 + 2, column.key.of(figures) as f64, format)?;
        }
        let note = match figures.not_stamped {
            0 => String::new(),
            n => format!("{n} {}", self.not_stamped),
        };
        ws.write_with_format(r, self.columns.len() as u16 + 2, note, format)?;
        Ok(())
    }
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
        let headings: Vec<Heading> = titles.into_iter().map(Heading::plain).collect();
        let mut r = write_titles(ws, 0, &headings, &styles)?;
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
        ]
        .into_iter()
        .chain(result.counts.iter().map(|c| (c.label, c.count)))
        .chain([("Tổng số chênh lệch (không kể sinh hoạt tạm thời)", t.differences)]);
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

/// A column's title, under its group's when it has one.
struct Heading<'a> {
    group: Option<&'a str>,
    title: &'a str,
}

impl<'a> Heading<'a> {
    fn plain(title: &'a str) -> Self {
        Self { group: None, title }
    }
}

/// The column titles from row `r` as on the forms — a group's title merged
/// over its columns, a column without one over both rows when any has one —
/// then their indices "(1) (2) …". Returns the first row after them.
fn write_titles(ws: &mut Worksheet, r: u32, headings: &[Heading], styles: &Styles) -> Result<u32, XlsxError> {
    let grouped = headings.iter().any(|h| h.group.is_some());
    let index_row = if grouped { r + 2 } else { r + 1 };
    let mut c = 0;
    while c < headings.len() {
        let Heading { group, title } = headings[c];
        let span = headings[c..].iter().take_while(|h| group.is_some() && h.group == group).count().max(1);
        let (first, last) = (c as u16, (c + span - 1) as u16);
        match group {
            None if grouped => ws.merge_range(r, first, r + 1, first, title, &styles.title)?,
            None => ws.write_with_format(r, first, title, &styles.title)?,
            Some(group) if span > 1 => ws.merge_range(r, first, r, last, group, &styles.title)?,
            Some(group) => ws.write_with_format(r, first, group, &styles.title)?,
        };
        if group.is_some() {
            for (k, heading) in headings[c..c + span].iter().enumerate() {
                ws.write_with_format(r + 1, first + k as u16, heading.title, &styles.title)?;
            }
        }
        c += span;
    }
    for c in 0..headings.len() as u16 {
        ws.write_with_format(index_row, c, format!("({})", c + 1), &styles.index)?;
        if c > 1 {
            ws.set_column_width(c, 14)?;
        }
    }
    ws.set_row_height(index_row - 1, 60)?;
    ws.set_freeze_panes(index_row + 1, 0)?;
    Ok(index_row + 1)
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
