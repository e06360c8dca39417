//! Rosters kept in spreadsheets: a members sheet (XLSX, ODS, XLS or CSV)
//! and the cell's details from a second sheet or from `--cell KEY=VALUE`.
//!
//! Import turns the sheets into the roster JSON every other input is, and
//! remembers where each value came from, so that a problem found later by
//! the rules is still reported as sheet, row and column.

mod columns;
mod list;
mod template;

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Reader};
use serde_json::{Map, Value, json};

use self::columns::{
    CELL_ROWS, Column, GENDERS, MEMBER_COLUMNS, MEMBERSHIPS, OUTCOMES, REPORT_ROWS, YES_NO, choose, letter, words,
};
use crate::input::{self, Code, InputError, Place, Step};
use crate::model::prose::Block;

pub use self::columns::member_fields;
pub use self::list::{ImportedList, read_roll, read_units};
pub use self::template::write_template;

/// Whether a file is read as a spreadsheet, by its extension.
pub fn is_spreadsheet(path: &Path) -> bool {
    matches!(extension(path).as_str(), "xlsx" | "xlsm" | "xls" | "ods" | "csv")
}

/// A roster read from a spreadsheet, and where each of its values came from.
pub struct Imported {
    pub roster: Value,
    /// What reading did that the user should know: the example row
    /// skipped, its note dropped from a member typed over it.
    pub warnings: Vec<InputError>,
    origin: Origin,
}

/// Where the values of an imported roster were read.
struct Origin {
    members_sheet: String,
    /// The sheet row (from 1) of each member, in roster order.
    member_rows: Vec<u32>,
    /// Column letters by member field.
    columns: HashMap<&'static str, String>,
    cell_sheet: Option<String>,
    /// Sheet rows of the cell's details read from the cell sheet.
    cell_rows: HashMap<&'static str, u32>,
}

/// One sheet as text, with its rows numbered as the spreadsheet numbers them.
struct Grid {
    name: String,
    rows: Vec<(u32, Vec<Cell>)>,
    /// Merged regions of the sheet: (first row, first column, last row, last column), from 0.
    merged: Vec<(u32, u32, u32, u32)>,
}

#[derive(Clone, Default)]
struct Cell {
    text: String,
    /// Set when the spreadsheet stored a number, e.g. a card number typed without quotes.
    number: Option<f64>,
}

/// Reads a roster from `path`; `cell_options` (`KEY=VALUE`) give or override
/// the cell's details.
pub fn read(path: &Path, cell_options: &[String]) -> Result<Imported, Vec<InputError>> {
    let grids = read_grids(path)?;
    let mut problems = Vec::new();

    let (members_grid, cell_grid) = pick_sheets(&grids);
    let mut warnings = Vec::new();
    let (members, member_rows, columns) = read_members(members_grid, &mut problems, &mut warnings);
    let (mut cell, cell_rows) = match cell_grid {
        Some(grid) => read_cell(grid, &mut problems),
        None => (Map::new(), HashMap::new()),
    };
    for option in cell_options {
        match option.split_once('=') {
            Some((key, value)) if CELL_ROWS.iter().any(|r| r.key == key) => {
                set_cell_value(&mut cell, key, value.trim(), &mut |message| {
                    problems.push(InputError::new(
                        Code::UnknownValue,
                        input::JsonPath::root().key("cell").key(key),
                        message,
                    ))
                });
            }
            _ => problems.push(InputError::new(
                Code::UnknownField,
                input::JsonPath::root().key("cell"),
                format!(
                    "--cell «{option}» không hợp lệ: cần KHÓA=GIÁ TRỊ với khóa là một trong {}",
                    CELL_ROWS.iter().map(|r| r.key).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut roster = json!({ "cell": cell, "members": members });
    if let Some(grid) = report_grid(&grids) {
        let parts = read_report(grid);
        let blocks = |key: &str| {
            let lines = parts.get(key).map(Vec::as_slice).unwrap_or_default();
            serde_json::to_value(lines.iter().filter_map(|l| Block::from_line(l)).collect::<Vec<_>>())
                .expect("blocks serialise")
        };
        if parts.contains_key("usage") || parts.contains_key("proposals") {
            roster["report"] = json!({ "usage": blocks("usage"), "proposals": blocks("proposals") });
        }
        if let Some(recipients) = parts.get("recipients") {
            roster["cell"]["recipients"] = json!(recipients);
        }
    }
    input::normalize(&mut roster);
    let origin = Origin {
        members_sheet: members_grid.name.clone(),
        member_rows,
        columns,
        cell_sheet: cell_grid.map(|g| g.name.clone()),
        cell_rows,
    };
    Ok(Imported { roster, warnings, origin })
}

impl Imported {
    /// The sheet row (from 1) of each member, in roster order.
    pub fn member_rows(&self) -> &[u32] {
        &self.origin.member_rows
    }

    /// Moves problems reported by JSON path to the spreadsheet cell the value came from.
    pub fn relocate(&self, problems: Vec<InputError>) -> Vec<InputError> {
        problems.into_iter().map(|p| self.origin.relocate(p)).collect()
    }
}

impl Origin {
    fn relocate(&self, mut problem: InputError) -> InputError {
        let Place::Json { path } = &problem.place else { return problem };
        let place = match path.steps() {
            [Step::Key(members), Step::Index(i), Step::Key(field), rest @ ..] if members == "members" => {
                let field = if field == "card" { card_column(rest) } else { field.as_str() };
                let row = self.member_rows.get(*i).copied();
                let column = MEMBER_COLUMNS.iter().find(|c| c.field == field);
                match (row, self.columns.get(field), column) {
                    (Some(row), Some(letter), _) => Some((self.members_sheet.clone(), row, letter.clone())),
                    (Some(row), None, Some(column)) => {
                        problem.message = format!("{} (bảng chưa có cột «{}»)", problem.message, column.title);
                        Some((self.members_sheet.clone(), row, "A".to_owned()))
                    }
                    _ => None,
                }
            }
            [Step::Key(cell), Step::Key(key), rest @ ..] if cell == "cell" => {
                let key = match (key.as_str(), rest) {
                    ("signer", [Step::Key(part), ..]) => {
                        format!("signer_{}", if part == "title" { "title" } else { "name" })
                    }
                    (key, _) => key.to_owned(),
                };
                let row = self.cell_rows.iter().find(|(k, _)| **k == key).map(|(_, r)| *r);
                row.zip(self.cell_sheet.clone()).map(|(row, sheet)| (sheet, row, "B".to_owned()))
            }
            _ => None,
        };
        if let Some((sheet, row, column)) = place {
            problem.place = Place::Sheet { sheet, row, column: column.into() };
        }
        problem
    }
}

/// The title of the column or row a roster's field is kept in: `full_name`
/// → "Họ và tên"; a field of the card outcome by the step after `card`.
pub fn field_title(key: &str, rest: &[Step]) -> Option<&'static str> {
    let field = if key == "card" { card_column(rest) } else { key };
    let member = MEMBER_COLUMNS.iter().find(|c| c.field == field).map(|c| c.title);
    let cell = CELL_ROWS.iter().find(|r| r.key == field).map(|r| r.title);
    let report = REPORT_ROWS.iter().find(|r| r.key == field).map(|r| r.title);
    member.or(cell).or(report)
}

/// The column a problem inside a member's card outcome belongs to.
fn card_column(rest: &[Step]) -> &'static str {
    let keys: Vec<&str> =
        rest.iter().filter_map(|s| if let Step::Key(k) = s { Some(k.as_str()) } else { None }).collect();
    match keys.last() {
        Some(&"stamp_boxes") => "stamp_boxes",
        Some(&"handling") => "handling",
        Some(&("defect" | "circumstances" | "reason")) => "detail",
        _ => "outcome",
    }
}

/// Most rows read from one sheet: a cell's members or a Bloc's roll fit
/// many times over; reading stops there rather than at the end of a
/// crafted sheet.
pub const MAX_ROWS: u32 = 50_000;
/// Most columns read from one sheet.
pub const MAX_COLUMNS: u32 = 200;

/// Why a sheet could not be read: its problem's code and message.
struct Unreadable(Code, String);

impl From<String> for Unreadable {
    fn from(message: String) -> Self {
        Unreadable(Code::UnreadableFile, message)
    }
}

/// Every sheet of a workbook, or the one sheet of a CSV file (named after the file).
fn read_grids(path: &Path) -> Result<Vec<Grid>, Vec<InputError>> {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let read = match extension(path).as_str() {
        "csv" => read_csv(path, &file).map(|grid| vec![grid]),
        _ => read_workbook(path),
    };
    read.map_err(|Unreadable(code, message)| vec![InputError::in_sheet(code, &file, 1, "A", message)])
}

fn extension(path: &Path) -> String {
    path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

fn read_workbook(path: &Path) -> Result<Vec<Grid>, Unreadable> {
    if matches!(extension(path).as_str(), "xlsx" | "xlsm" | "ods") {
        // calamine expands a ZIP's parts in memory, trusting them.
        crate::archive::measure(path).map_err(|e| {
            Unreadable(if e.is_size_limit() { Code::TooLarge } else { Code::UnreadableFile }, e.to_string())
        })?;
    }
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| format!("không đọc được bảng tính: {e}"))?;
    let mut grids = Vec::new();
    for name in workbook.sheet_names() {
        let unreadable = |e: &dyn std::fmt::Display| format!("không đọc được trang «{name}»: {e}");
        let (rows, merged) = match &mut workbook {
            calamine::Sheets::Xlsx(xlsx) => {
                let rows = xlsx_rows(xlsx, &name)?;
                let merged = xlsx.merge_cells_by_sheet_name(&name).unwrap_or_default();
                (rows, merged.iter().map(|d| (d.start.0, d.start.1, d.end.0, d.end.1)).collect())
            }
            workbook => {
                let range = workbook.worksheet_range(&name).map_err(|e| unreadable(&e))?;
                let (top, left) = range.start().unwrap_or((0, 0));
                let (bottom, right) = range.end().unwrap_or((0, 0));
                within_limits(&name, bottom, right)?;
                let rows = range
                    .rows()
                    .enumerate()
                    .map(|(i, row)| {
                        let mut cells = vec![Cell::default(); left as usize];
                        cells.extend(row.iter().map(cell_of));
                        (top + i as u32 + 1, cells)
                    })
                    .collect();
                (rows, Vec::new())
            }
        };
        grids.push(Grid { name, rows, merged });
    }
    Ok(grids)
}

/// An XLSX sheet's rows read cell by cell, stopping at the limits: a sheet
/// read whole first (calamine's range) takes the room of every cell between
/// its first and its last, however few are filled.
fn xlsx_rows<R: std::io::Read + std::io::Seek>(
    xlsx: &mut calamine::Xlsx<R>,
    name: &str,
) -> Result<Vec<(u32, Vec<Cell>)>, Unreadable> {
    let unreadable = |e: calamine::XlsxError| format!("không đọc được trang «{name}»: {e}");
    let mut reader = xlsx.worksheet_cells_reader(name).map_err(unreadable)?;
    let mut rows: std::collections::BTreeMap<u32, Vec<Cell>> = std::collections::BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (row, column) = cell.get_position();
        within_limits(name, row, column)?;
        let data: Data = cell.get_value().clone().into();
        if matches!(data, Data::Empty) {
            continue;
        }
        let cells = rows.entry(row + 1).or_default();
        if cells.len() <= column as usize {
            cells.resize(column as usize + 1, Cell::default());
        }
        cells[column as usize] = cell_of(&data);
    }
    Ok(rows.into_iter().collect())
}

/// A cell at `row`, `column` (from 0) is within the sheet limits.
fn within_limits(name: &str, row: u32, column: u32) -> Result<(), Unreadable> {
    if row >= MAX_ROWS || column >= MAX_COLUMNS {
        return Err(Unreadable(
            Code::TooLarge,
            format!("trang «{name}» có dữ liệu quá {MAX_ROWS} dòng hoặc {MAX_COLUMNS} cột (giới hạn)"),
        ));
    }
    Ok(())
}

fn cell_of(data: &Data) -> Cell {
    let text = |text: String| Cell { text, number: None };
    match data {
        Data::Empty => Cell::default(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => text(s.trim().to_owned()),
        Data::Float(f) => {
            let shown = if f.fract() == 0.0 { format!("{}", *f as i64) } else { f.to_string() };
            Cell { text: shown, number: Some(*f) }
        }
        Data::Int(i) => Cell { text: i.to_string(), number: Some(*i as f64) },
        Data::Bool(b) => text(if *b { "Có" } else { "Không" }.to_owned()),
        Data::DateTime(date) => text(date.as_datetime().map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()),
        Data::Error(e) => text(format!("#{e:?}")),
    }
}

fn read_csv(path: &Path, name: &str) -> Result<Grid, Unreadable> {
    let bytes = std::fs::read(path).map_err(|e| format!("không đọc được tệp: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "tệp CSV phải mã hóa UTF-8".to_owned())?;
    let text = text.trim_start_matches('\u{feff}');
    // Excel saves CSV with ';' where ',' is the decimal mark.
    let first = text.lines().next().unwrap_or_default();
    // Titles such as "Ngày, tháng, năm sinh" hold commas: a tie goes to ';'.
    let semicolons = first.matches(';').count();
    let delimiter = if semicolons > 0 && semicolons >= first.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("dòng {} không đọc được: {e}", i + 1))?;
        within_limits(name, i as u32, record.len().saturating_sub(1) as u32)?;
        rows.push((i as u32 + 1, record.iter().map(|t| Cell { text: t.trim().to_owned(), number: None }).collect()));
    }
    Ok(Grid { name: name.to_owned(), rows, merged: Vec::new() })
}

/// The members sheet is the one whose first row names the most member
/// columns; the cell sheet, another whose column A names cell details.
fn pick_sheets(grids: &[Grid]) -> (&Grid, Option<&Grid>) {
    let member_score = |g: &Grid| {
        header(g)
            .map_or(0, |(_, cells)| cells.iter().filter(|c| MEMBER_COLUMNS.iter().any(|m| m.matches(&c.text))).count())
    };
    let cell_score = |g: &Grid| {
        g.rows
            .iter()
            .filter(|(_, cells)| cells.first().is_some_and(|c| CELL_ROWS.iter().any(|r| r.matches(&c.text))))
            .count()
    };
    let members = grids.iter().max_by_key(|g| member_score(g)).expect("a workbook has a sheet");
    let cell = grids
        .iter()
        .filter(|g| !std::ptr::eq(*g, members))
        .max_by_key(|g| cell_score(g))
        .filter(|g| cell_score(g) >= 2);
    (members, cell)
}

/// The sheet of the cell's report: one whose column A names a part of it.
fn report_grid(grids: &[Grid]) -> Option<&Grid> {
    grids.iter().find(|g| {
        g.rows.iter().any(|(_, cells)| cells.first().is_some_and(|c| REPORT_ROWS.iter().any(|r| r.matches(&c.text))))
    })
}

/// The lines of each part of the report: column B of its title's row and
/// of the rows below, until the next title.
fn read_report(grid: &Grid) -> HashMap<&'static str, Vec<String>> {
    let mut parts: HashMap<&'static str, Vec<String>> = HashMap::new();
    let mut part = None;
    for (_, cells) in &grid.rows {
        if let Some(found) = cells.first().and_then(|c| REPORT_ROWS.iter().find(|r| r.matches(&c.text))) {
            part = Some(found.key);
        }
        let line = cells.get(1).map_or("", |c| c.text.as_str());
        if let (Some(key), false) = (part, line.is_empty()) {
            // A cell may hold several lines (Alt+Enter).
            parts
                .entry(key)
                .or_default()
                .extend(line.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned));
        }
    }
    parts
}

/// The first row with any text: the titles.
fn header(grid: &Grid) -> Option<&(u32, Vec<Cell>)> {
    grid.rows.iter().find(|(_, cells)| cells.iter().any(|c| !c.text.is_empty()))
}

type Members = (Vec<Value>, Vec<u32>, HashMap<&'static str, String>);

/// The members of the sheet, one a row. The blank workbook's example row
/// is skipped only while it is still the example, every value as written
/// there; a member typed over it is a member, its leftover note dropped.
/// Either is said as a warning at its row.
fn read_members(grid: &Grid, problems: &mut Vec<InputError>, warnings: &mut Vec<InputError>) -> Members {
    let Some((header_row, at)) = member_columns(grid, problems) else { return Default::default() };
    let columns: HashMap<&'static str, String> = at.iter().map(|(f, i)| (*f, letter(*i))).collect();
    let mut members = Vec::new();
    let mut rows = Vec::new();
    for (row, cells) in grid.rows.iter().filter(|(r, _)| *r > header_row) {
        if cells.iter().all(|c| c.text.is_empty()) {
            continue;
        }
        let text = |field: &str| at.get(field).and_then(|i| cells.get(*i)).map_or(String::new(), |c| c.text.clone());
        let marked = text("remarks").starts_with(template::EXAMPLE_MARK);
        let remarks = columns.get("remarks").cloned().unwrap_or_default();
        if marked && template::is_example_row(&text) {
            let message = "dòng mẫu của bảng tính trống, chưa sửa: không tính là đảng viên";
            warnings.push(InputError::in_sheet(Code::ExampleRowSkipped, &grid.name, *row, &remarks, message));
            continue;
        }
        let value = |field: &str| -> Option<&Cell> {
            let cell = at.get(field).and_then(|i| cells.get(*i)).filter(|c| !c.text.is_empty());
            cell.filter(|_| !(marked && field == "remarks"))
        };
        if marked {
            let message = format!(
                "{}: ô Ghi chú còn chữ «{}» của dòng mẫu; đã bỏ chữ này, đồng chí vẫn được tính là đảng viên",
                text("full_name"),
                text("remarks")
            );
            warnings.push(InputError::in_sheet(Code::ExampleNoteLeft, &grid.name, *row, &remarks, message));
        }
        let mut fail = |field: &str, message: String| {
            problems.push(InputError::in_sheet(Code::UnknownValue, &grid.name, *row, &columns[field], message));
        };
        members.push(Value::Object(member(&value, &mut fail)));
        rows.push(*row);
    }
    (members, rows, columns)
}

/// The heading row, and the index of each column it names; a sheet with no
/// data, a merged heading and a missing required column are reported.
fn member_columns(grid: &Grid, problems: &mut Vec<InputError>) -> Option<(u32, HashMap<&'static str, usize>)> {
    let Some((header_row, titles)) = header(grid) else {
        problems.push(InputError::in_sheet(
            Code::MissingColumn,
            &grid.name,
            1,
            "A",
            "trang danh sách đảng viên không có dữ liệu",
        ));
        return None;
    };
    for &(top, left, bottom, right) in &grid.merged {
        if (top..=bottom).contains(&(header_row - 1)) && left != right {
            problems.push(InputError::in_sheet(
                Code::MergedHeader,
                &grid.name,
                *header_row,
                &letter(left as usize),
                format!(
                    "ô tiêu đề gộp {}{}:{}{}: mỗi cột cần một ô tiêu đề riêng; hãy bỏ gộp ô",
                    letter(left as usize),
                    top + 1,
                    letter(right as usize),
                    bottom + 1
                ),
            ));
        }
    }
    let at = find_columns(titles, MEMBER_COLUMNS.iter());
    let required = MEMBER_COLUMNS.iter().filter(|c| c.required);
    problems.extend(missing_columns(grid, (*header_row, titles), required, &at));
    Some((*header_row, at))
}

/// Where each of `columns` is in the heading row `titles`: the first cell
/// whose title names it.
fn find_columns<'a>(
    titles: &[Cell],
    columns: impl Iterator<Item = &'a Column> + Clone,
) -> HashMap<&'static str, usize> {
    let mut at = HashMap::new();
    for (i, cell) in titles.iter().enumerate() {
        if let Some(column) = columns.clone().find(|c| c.matches(&cell.text)) {
            at.entry(column.field).or_insert(i);
        }
    }
    at
}

/// A problem for each of the `needed` columns the heading row lacks.
fn missing_columns<'a>(
    grid: &Grid,
    (header_row, titles): (u32, &[Cell]),
    needed: impl Iterator<Item = &'a Column>,
    at: &HashMap<&'static str, usize>,
) -> Vec<InputError> {
    needed
        .filter(|c| !at.contains_key(c.field))
        .map(|column| {
            let message = format!("thiếu cột «{}» ở dòng tiêu đề", column.title);
            InputError::in_sheet(Code::MissingColumn, &grid.name, header_row, &letter(titles.len()), message)
        })
        .collect()
}

/// A card number as typed; one typed without quotes is a number whose
/// trailing zeros Excel dropped (49.10234 for 49.102340): written back.
fn card_number_text(cell: &Cell) -> String {
    cell.number.map_or_else(|| cell.text.clone(), |n| format!("{n:.6}"))
}

/// One member as the roster's JSON holds it, from the cells of its row
/// (`value` by field); a choice not on the list is reported through `fail`.
fn member<'a>(value: &dyn Fn(&str) -> Option<&'a Cell>, fail: &mut dyn FnMut(&str, String)) -> Map<String, Value> {
    let mut member = Map::new();
    for field in ["full_name", "birth_date", "admitted_on", "full_member_on", "temporary_from", "remarks"] {
        if let Some(cell) = value(field) {
            member.insert(field.into(), json!(cell.text));
        }
    }
    if let Some(cell) = value("card_number") {
        member.insert("card_number".into(), json!(card_number_text(cell)));
    }
    for (field, choices) in [("gender", GENDERS), ("membership", MEMBERSHIPS)] {
        if let Some(cell) = value(field) {
            match choose(choices, &cell.text) {
                Some(v) => _ = member.insert(field.into(), json!(v)),
                None => fail(field, format!("«{}» không hợp lệ; cần một trong: {}", cell.text, words(choices))),
            }
        }
    }
    if let Some(cell) = value("namesake") {
        match choose(YES_NO, &cell.text) {
            Some(yes) => _ = member.insert("namesake".into(), json!(yes)),
            None => fail("namesake", format!("«{}» không hợp lệ; cần một trong: {}", cell.text, words(YES_NO))),
        }
    }
    if let Some(cell) = value("outcome") {
        match choose(OUTCOMES, &cell.text) {
            Some(outcome) => _ = member.insert("card".into(), card(outcome, value)),
            None => fail("outcome", format!("«{}» không hợp lệ; cần một trong: {}", cell.text, words(OUTCOMES))),
        }
    }
    member
}

/// What happens to the card, with the details its outcome takes from the row.
fn card<'a>(outcome: &str, value: &dyn Fn(&str) -> Option<&'a Cell>) -> Value {
    let text = |field: &str| value(field).map(|c| json!(c.text));
    let boxes = value("stamp_boxes").map(|c| {
        let list: Vec<u64> = c.text.split(|ch: char| !ch.is_ascii_digit()).filter_map(|d| d.parse().ok()).collect();
        json!(list)
    });
    let mut detail = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            detail.insert(key.into(), value);
        }
    };
    match outcome {
        "stamp" => json!("stamp"),
        "damaged" => {
            put("defect", text("detail"));
            put("stamp_boxes", boxes);
            json!({ "damaged": detail })
        }
        "lost" => {
            put("circumstances", text("detail"));
            put("handling", text("handling"));
            put("stamp_boxes", boxes);
            json!({ "lost": detail })
        }
        other => {
            put("reason", text("detail"));
            json!({ other: detail })
        }
    }
}

fn read_cell(grid: &Grid, problems: &mut Vec<InputError>) -> (Map<String, Value>, HashMap<&'static str, u32>) {
    let mut cell = Map::new();
    let mut rows = HashMap::new();
    for (row, cells) in &grid.rows {
        let empty = Cell::default();
        let Some(title) = cells.first() else { continue };
        let value = cells.get(1).unwrap_or(&empty);
        let Some(spec) = CELL_ROWS.iter().find(|r| r.matches(&title.text)) else { continue };
        // Known even when empty, so that a missing detail is named by its row.
        rows.insert(spec.key, *row);
        if value.text.is_empty() {
            continue;
        }
        set_cell_value(&mut cell, spec.key, &value.text, &mut |message| {
            problems.push(InputError::in_sheet(Code::UnknownValue, &grid.name, *row, "B", message))
        });
    }
    // The blank workbook's examples copied in whole: not this cell's details.
    let example = |key: &str| CELL_ROWS.iter().find(|r| r.key == key).map(|r| r.example);
    let name = cell.get("name").and_then(Value::as_str);
    let signer = cell.get("signer").and_then(|s| s.get("name")).and_then(Value::as_str);
    if let Some(row) = rows.get("name").filter(|_| name == example("name") && signer == example("signer_name")) {
        let message = "thông tin chi bộ vẫn là ví dụ của bảng tính mẫu; hãy ghi tên chi bộ, người ký… của chi bộ mình";
        problems.push(InputError::in_sheet(Code::ExampleValue, &grid.name, *row, "B", message));
    }
    (cell, rows)
}

fn set_cell_value(cell: &mut Map<String, Value>, key: &str, value: &str, fail: &mut dyn FnMut(String)) {
    match key {
        "signer_title" | "signer_name" => {
            let signer = cell.entry("signer").or_insert_with(|| json!({}));
            signer[if key == "signer_title" { "title" } else { "name" }] = json!(value);
        }
        "has_committee" => match choose(YES_NO, value) {
            Some(yes) => _ = cell.insert(key.into(), json!(yes)),
            None => fail(format!("«{value}» không hợp lệ; cần một trong: {}", words(YES_NO))),
        },
        _ => _ = cell.insert(key.into(), json!(value)),
    }
}
