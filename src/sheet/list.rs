//! Lists kept in a spreadsheet, one entry per row, columns found by their
//! titles like the members sheet's: the roll the Board manages, and a
//! campaign's units file.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::columns::{Column, MEMBER_COLUMNS, letter};
use super::{Grid, card_number_text, find_columns, header, missing_columns, read_grids};
use crate::input::{self, Code, InputError, Place, Step};

/// A list read from a spreadsheet, and the row and column of each value.
pub struct ImportedList {
    /// The list as JSON: one object a row, keyed by the columns' fields.
    pub entries: Value,
    sheet: String,
    rows: Vec<u32>,
    columns: HashMap<&'static str, String>,
    /// The field a problem with a whole entry is shown at.
    first: &'static str,
}

const ORGANISATION: Column = Column {
    field: "organisation",
    title: "Tổ chức cơ sở đảng",
    synonyms: &["Tổ chức cơ sở", "Đảng bộ cơ sở", "Đảng bộ", "Đơn vị"],
    required: false,
    hint: "",
    example: "Đảng bộ Sở Tài chính",
};

const CELL: Column = Column {
    field: "cell",
    title: "Chi bộ",
    synonyms: &["Tên chi bộ", "Sinh hoạt tại chi bộ"],
    required: false,
    hint: "",
    example: "Chi bộ Văn phòng",
};

/// The columns of the roll: the person's, then where the Board has them.
fn roll_columns() -> Vec<&'static Column> {
    let person = ["full_name", "birth_date", "card_number"];
    MEMBER_COLUMNS.iter().filter(|c| person.contains(&c.field)).chain([&ORGANISATION, &CELL]).collect()
}

/// Reads the roll from the sheet whose title row names most of its columns.
pub fn read_roll(path: &Path) -> Result<ImportedList, Vec<InputError>> {
    read_list(path, &roll_columns(), &["full_name", "birth_date"])
}

const UNIT_CODE: Column = Column {
    field: "code",
    title: "Mã đơn vị",
    synonyms: &["Mã", "Code"],
    required: true,
    hint: "",
    example: "dang-bo-so-tai-chinh",
};

const UNIT_NAME: Column = Column {
    field: "name",
    title: "Tên đơn vị",
    synonyms: &["Tên", "Name"],
    required: true,
    hint: "",
    example: "Đảng bộ Sở Tài chính",
};

const UNIT_KIND: Column = Column {
    field: "kind",
    title: "Cấp",
    synonyms: &["Loại", "Loại đơn vị", "Kind"],
    required: true,
    hint: "",
    example: "Tổ chức cơ sở đảng",
};

const UNIT_PARENT: Column = Column {
    field: "parent",
    title: "Mã đơn vị cấp trên",
    synonyms: &["Cấp trên", "Đơn vị cấp trên", "Parent"],
    required: false,
    hint: "",
    example: "ban",
};

/// Reads a campaign's units file: code, name, kind and parent of each unit.
pub fn read_units(path: &Path) -> Result<ImportedList, Vec<InputError>> {
    read_list(path, &[&UNIT_CODE, &UNIT_NAME, &UNIT_KIND, &UNIT_PARENT], &["code", "name", "kind"])
}

/// Reads a list from the sheet whose title row names most of `columns`;
/// the `needed` ones must be there.
fn read_list(path: &Path, columns: &[&'static Column], needed: &[&str]) -> Result<ImportedList, Vec<InputError>> {
    let grids = read_grids(path)?;
    let score = |g: &&Grid| {
        header(g).map_or(0, |(_, cells)| cells.iter().filter(|c| columns.iter().any(|m| m.matches(&c.text))).count())
    };
    let Some(grid) = grids.iter().max_by_key(score) else {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return Err(vec![InputError::in_sheet(Code::UnreadableFile, &file, 1, "A", "bảng tính không có trang nào")]);
    };
    let Some((header_row, titles)) = header(grid) else {
        return Err(vec![InputError::in_sheet(
            Code::MissingColumn,
            &grid.name,
            1,
            "A",
            "trang danh sách không có dữ liệu",
        )]);
    };
    let first = columns.first().map_or("", |c| c.field);
    let at = find_columns(titles, columns.iter().copied());
    let needed = columns.iter().copied().filter(|c| needed.contains(&c.field));
    let missing = missing_columns(grid, (*header_row, titles), needed, &at);
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut entries = Vec::new();
    let mut rows = Vec::new();
    for (row, cells) in grid.rows.iter().filter(|(r, _)| r > header_row) {
        if cells.iter().all(|c| c.text.is_empty()) {
            continue;
        }
        let mut entry = Map::new();
        for (field, i) in &at {
            let Some(cell) = cells.get(*i).filter(|c| !c.text.is_empty()) else { continue };
            let text = if *field == "card_number" { card_number_text(cell) } else { cell.text.clone() };
            entry.insert((*field).into(), json!(text));
        }
        entries.push(Value::Object(entry));
        rows.push(*row);
    }
    let mut entries = Value::Array(entries);
    input::normalize(&mut entries);
    let columns = at.iter().map(|(f, i)| (*f, letter(*i))).collect();
    Ok(ImportedList { entries, sheet: grid.name.clone(), rows, columns, first })
}

impl ImportedList {
    /// Moves a problem reported by JSON path (relative to the list) to the
    /// sheet cell its value came from.
    pub fn relocate(&self, mut problem: InputError) -> InputError {
        let Place::Json { path } = &problem.place else { return problem };
        let (index, field) = match path.steps() {
            [Step::Index(i), Step::Key(field), ..] => (*i, field.as_str()),
            [Step::Index(i), ..] => (*i, self.first),
            _ => return problem,
        };
        if let Some(&row) = self.rows.get(index) {
            let column = self.columns.get(field).cloned().unwrap_or_else(|| "A".to_owned());
            problem.place = Place::Sheet { sheet: self.sheet.clone(), row, column: column.into() };
        }
        problem
    }
}
