//! The roll the Board manages, replaced during the campaign: read from a
//! file and checked entry by entry (every problem at once, at its sheet
//! cell), what it changes said in words before it is kept — members added,
//! removed, moved to another organisation or cell, a name or a birth date
//! corrected — and the organisations and cells it names that the tree has
//! not.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::{Error, Unit};
use crate::input::{InputError, JsonPath};
use crate::model::roll::RollEntry;

/// Lines of a preview shown in full; the rest counted.
const SHOWN: usize = 200;

/// A roll file (JSON, XLSX, ODS, XLS or CSV) read and checked, each problem
/// named by `name` (the file as its sender named it) and its sheet cell.
pub fn read_roll(path: &Path, name: &str) -> Result<Value, Vec<InputError>> {
    let mut input = crate::Assembled::from_value(Value::Object(serde_json::Map::new()))?;
    input.add_roll_named(path, name)?;
    let at = JsonPath::root().key("roll");
    let problems: Vec<InputError> = match input.value["roll"].as_array() {
        // A cell's workbook has names and birth dates too: a roll says
        // where each member belongs.
        Some(entries) if !entries.is_empty() && entries.iter().all(|e| e.get("organisation").is_none()) => {
            let message =
                "tệp này không phải danh sách đảng viên Ban Tổ chức quản lý: không dòng nào ghi «Tổ chức cơ sở đảng»";
            vec![InputError::new(crate::input::Code::MissingColumn, at.clone(), message)]
        }
        Some(entries) => entries
            .iter()
            .enumerate()
            .filter_map(|(i, entry)| crate::input::from_value::<RollEntry>(entry, &at.index(i)).err())
            .collect(),
        None => vec![InputError::new(crate::input::Code::WrongType, at, "cần một danh sách đảng viên")],
    };
    if !problems.is_empty() {
        return Err(input.relocate(problems));
    }
    Ok(input.value["roll"].take())
}

/// What a new roll changes, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollChanges {
    pub before: usize,
    pub after: usize,
    pub added: usize,
    pub removed: usize,
    pub moved: usize,
    pub corrected: usize,
    /// Organisations and cells the roll names that the tree has not: their
    /// members will be found submitted by no unit.
    pub unknown_units: Vec<String>,
    /// What changed, a line each, the first [`SHOWN`].
    pub lines: Vec<String>,
    /// Lines left out of `lines`.
    pub more: usize,
}

impl RollChanges {
    /// The change in one sentence.
    pub fn summary(&self) -> String {
        let Self { after, added, removed, moved, corrected, .. } = self;
        format!("{after} đảng viên (thêm {added}, bớt {removed}, chuyển {moved}, sửa {corrected})")
    }
}

/// Who an entry is: their card number, or their name and birth date.
fn key(entry: &RollEntry) -> String {
    match &entry.card_number {
        Some(number) => number.to_string(),
        None => format!("{}|{}", entry.full_name.folded(), entry.birth_date),
    }
}

fn place(entry: &RollEntry) -> String {
    let named = |t: &Option<crate::model::scalar::Text>| t.as_ref().map_or("—".to_owned(), ToString::to_string);
    format!("{} / {}", named(&entry.organisation), named(&entry.cell))
}

fn who(entry: &RollEntry) -> String {
    format!("{} ({})", entry.full_name, entry.birth_date)
}

/// What `after` (a checked roll) changes from `before` (the one kept, if
/// any), with the units of the campaign's tree.
pub fn roll_changes(before: Option<&Value>, after: &Value, units: &[Unit]) -> Result<RollChanges, Error> {
    let entries = |roll: &Value| -> Result<Vec<RollEntry>, Error> {
        serde_json::from_value(roll.clone()).map_err(|e| Error::Store(crate::store::StoreError::Corrupt(e.to_string())))
    };
    let old = before.map(entries).transpose()?.unwrap_or_default();
    let new = entries(after)?;
    let old_by: HashMap<String, &RollEntry> = old.iter().map(|e| (key(e), e)).collect();
    let new_keys: HashSet<String> = new.iter().map(key).collect();
    let mut lines = Vec::new();
    let (mut added, mut moved, mut corrected) = (0, 0, 0);
    for entry in &new {
        match old_by.get(&key(entry)) {
            None => {
                added += 1;
                lines.push(format!("Thêm: {}, {}", who(entry), place(entry)));
            }
            Some(was) => {
                if place(was) != place(entry) {
                    moved += 1;
                    lines.push(format!("Chuyển: {}: {} → {}", who(entry), place(was), place(entry)));
                }
                if (&was.full_name, was.birth_date) != (&entry.full_name, entry.birth_date) {
                    corrected += 1;
                    lines.push(format!("Sửa: {} → {}", who(was), who(entry)));
                }
            }
        }
    }
    let removed: Vec<&RollEntry> = old.iter().filter(|e| !new_keys.contains(&key(e))).collect();
    lines.extend(removed.iter().map(|e| format!("Bớt: {}, {}", who(e), place(e))));
    let names: HashSet<String> = units.iter().map(|u| crate::model::scalar::fold(&u.name)).collect();
    let mut unknown_units: Vec<String> = Vec::new();
    for entry in &new {
        for named in [&entry.organisation, &entry.cell].into_iter().flatten() {
            if !names.contains(&named.folded()) && !unknown_units.contains(&named.to_string()) {
                unknown_units.push(named.to_string());
            }
        }
    }
    let more = lines.len().saturating_sub(SHOWN);
    lines.truncate(SHOWN);
    Ok(RollChanges {
        before: old.len(),
        after: new.len(),
        added,
        removed: removed.len(),
        moved,
        corrected,
        unknown_units,
        lines,
        more,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::campaign::{Level, State, test_unit};

    #[test]
    fn a_new_roll_says_who_came_who_left_who_moved_and_whose_details_were_corrected() {
        let before = json!([
            { "full_name": "Trần Văn Hùng", "birth_date": "01/01/1962", "card_number": "49.102340", "organisation": "Đảng bộ A", "cell": "Chi bộ 1" },
            { "full_name": "Lê Thị Lan", "birth_date": "12/06/1969", "organisation": "Đảng bộ A", "cell": "Chi bộ 1" },
            { "full_name": "Võ Minh", "birth_date": "02/02/1970", "card_number": "49.102341", "organisation": "Đảng bộ A", "cell": "Chi bộ 1" },
        ]);
        let after = json!([
            { "full_name": "Trần Văn Hùng", "birth_date": "01/01/1962", "card_number": "49.102340", "organisation": "Đảng bộ A", "cell": "Chi bộ 2" },
            { "full_name": "Võ Văn Minh", "birth_date": "02/02/1970", "card_number": "49.102341", "organisation": "Đảng bộ A", "cell": "Chi bộ 1" },
            { "full_name": "Phan Thị Mai", "birth_date": "03/03/1980", "organisation": "Đảng bộ B", "cell": "Chi bộ 9" },
        ]);
        let units = [
            Unit { name: "Đảng bộ A".into(), ..test_unit("a", Level::Committee, State::Draft, Some("ban")) },
            Unit { name: "Chi bộ 1".into(), ..test_unit("a.1", Level::Cell, State::Draft, Some("a")) },
            Unit { name: "Chi bộ 2".into(), ..test_unit("a.2", Level::Cell, State::Draft, Some("a")) },
        ];
        let changes = roll_changes(Some(&before), &after, &units).unwrap();
        assert_eq!((changes.added, changes.removed, changes.moved, changes.corrected), (1, 1, 1, 1));
        assert_eq!(
            changes.lines,
            [
                "Chuyển: Trần Văn Hùng (01/01/1962): Đảng bộ A / Chi bộ 1 → Đảng bộ A / Chi bộ 2",
                "Sửa: Võ Minh (02/02/1970) → Võ Văn Minh (02/02/1970)",
                "Thêm: Phan Thị Mai (03/03/1980), Đảng bộ B / Chi bộ 9",
                "Bớt: Lê Thị Lan (12/06/1969), Đảng bộ A / Chi bộ 1",
            ]
        );
        assert_eq!(changes.unknown_units, ["Đảng bộ B", "Chi bộ 9"]);
        assert_eq!(changes.summary(), "3 đảng viên (thêm 1, bớt 1, chuyển 1, sửa 1)");
        let first = roll_changes(None, &after, &units).unwrap();
        assert_eq!((first.before, first.added), (0, 3), "no roll before: everyone is new");
    }
}
