//! A campaign as the store keeps it: the units a Board's submission or its
//! roll names, each unit's own part of a submission (a cell's roster, a
//! committee's or the Board's details without the units below), and the
//! input of a document put together again from those parts.

use std::collections::HashSet;
use std::io::{Cursor, Write};

use serde_json::{Map, Value, json};

use crate::input::{Code, InputError, JsonPath};
use crate::kinds::slug;
use crate::model::campaign::Campaign;
use crate::store::{Dump, Level, State, Store, StoreError, Unit, Version, VersionInfo};

/// The Board's code in every campaign.
pub const BOARD: &str = "ban";

/// A unit a campaign's source names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<String>,
}

/// The units of a campaign and, where the source had them, their first
/// submissions.
#[derive(Debug, Default)]
pub struct Tree {
    /// Parents before children, in the source's order.
    pub units: Vec<NewUnit>,
    /// Each unit's own part, by code.
    pub parts: Vec<(String, Value)>,
}

impl Tree {
    fn new(board_name: &str) -> Self {
        let board = NewUnit { code: BOARD.into(), name: board_name.into(), level: Level::Board, parent: None };
        Self { units: vec![board], parts: Vec::new() }
    }

    /// Adds a unit under `parent` named `name`, unless there is one; its code.
    fn add(&mut self, level: Level, parent: &str, name: &str) -> String {
        if let Some(unit) = self.units.iter().find(|u| u.parent.as_deref() == Some(parent) && u.name == name) {
            return unit.code.clone();
        }
        let stem = match level {
            Level::Cell => format!("{parent}.{}", slug(name)),
            _ => slug(name),
        };
        let taken: HashSet<&str> = self.units.iter().map(|u| u.code.as_str()).collect();
        let code = (1..)
            .map(|n| if n == 1 { stem.clone() } else { format!("{stem}-{n}") })
            .find(|c| !taken.contains(c.as_str()));
        let code = code.expect("a free code");
        self.units.push(NewUnit { code: code.clone(), name: name.into(), level, parent: Some(parent.into()) });
        code
    }

    /// The units and submissions of a Board's whole submission (kind
    /// `ho-so-ban`, read and checked): its committees and their cells.
    pub fn from_board(board: &Value) -> Self {
        let name = board["board"]["name"].as_str().unwrap_or("Ban Tổ chức Đảng ủy Khối");
        let mut tree = Self::new(name);
        tree.parts.push((BOARD.into(), without(board, &["committees", "roll"])));
        for committee in board["committees"].as_array().into_iter().flatten() {
            let organisation = committee["organisation"].as_str().unwrap_or_default();
            let code = tree.add(Level::Committee, BOARD, organisation);
            tree.parts.push((code.clone(), without(committee, &["cells"])));
            for cell in committee["cells"].as_array().into_iter().flatten() {
                let cell_code = tree.add(Level::Cell, &code, cell["cell"]["name"].as_str().unwrap_or_default());
                tree.parts.push((cell_code, cell.clone()));
            }
        }
        tree
    }

    /// The units the Board's roll names (its "Tổ chức cơ sở đảng" and "Chi
    /// bộ" columns), without submissions. A member with no cell makes only
    /// their committee.
    pub fn from_roll(board_name: &str, roll: &Value) -> Self {
        let mut tree = Self::new(board_name);
        for entry in roll.as_array().into_iter().flatten() {
            let Some(organisation) = entry["organisation"].as_str() else { continue };
            let code = tree.add(Level::Committee, BOARD, organisation);
            if let Some(cell) = entry["cell"].as_str() {
                tree.add(Level::Cell, &code, cell);
            }
        }
        tree
    }
}

/// A campaign file (`campaigns/*.json`: name, round, dates, deadlines),
/// checked; its name.
pub fn check_settings(text: &str) -> Result<String, String> {
    let campaign: Campaign = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(campaign.name.to_string())
}

/// Creates the campaign `code` in the store from its checked settings:
/// the units of `tree`, the first version of each part it holds, the roll;
/// in one transaction.
pub async fn create(
    store: &Store,
    code: &str,
    settings: &str,
    tree: &Tree,
    roll: Option<&Value>,
) -> Result<(), StoreError> {
    // A code goes into addresses and file names: ASCII words and hyphens.
    if code.is_empty() || slug(code) != code {
        return Err(StoreError::BadCode(code.into()));
    }
    let name = check_settings(settings).map_err(StoreError::Corrupt)?;
    let now = crate::store::now_ms();
    let part = |unit: &str| tree.parts.iter().find(|(u, _)| u == unit).map(|(_, part)| part.to_string());
    let mut versions = Vec::new();
    let units = tree
        .units
        .iter()
        .map(|u| {
            let first = part(&u.code).map(|body| {
                let info = VersionInfo {
                    number: 1,
                    sha256: crate::store::sha256(body.as_bytes()),
                    saved_at: now,
                    author: None,
                };
                versions.push((u.code.clone(), vec![Version { info, body }]));
            });
            Unit {
                code: u.code.clone(),
                name: u.name.clone(),
                level: u.level,
                parent: u.parent.clone(),
                state: if first.is_some() { State::Draft } else { State::NotStarted },
                versions: first.map_or(0, |()| 1),
                current: first.map(|()| 1),
                changed_at: first.map(|()| now),
            }
        })
        .collect();
    let roll = roll.map(|r| (r.to_string(), now));
    store
        .restore(&Dump { code: code.into(), name, settings: settings.into(), created_at: now, units, versions, roll })
        .await
}

/// What an exported campaign's `campaign.json` says it is.
const EXPORT_FORMAT: &str = "kttdv-campaign/1";

/// The whole campaign as one ZIP of JSON files, to back it up or move it
/// to another store: `campaign.json` (settings), `units.json` (the tree,
/// states, current versions), `roll.json`, and `versions/<unit>.json`
/// (every version, oldest first). The same campaign gives the same bytes.
pub async fn export(store: &Store, code: &str) -> Result<Vec<u8>, StoreError> {
    let dump = store.dump(code).await?;
    let parse = |text: &str| serde_json::from_str::<Value>(text).map_err(|e| StoreError::Corrupt(e.to_string()));
    let mut files: Vec<(String, Value)> = vec![
        (
            "campaign.json".into(),
            json!({ "format": EXPORT_FORMAT, "code": dump.code, "name": dump.name, "created_at": dump.created_at, "settings": parse(&dump.settings)? }),
        ),
        ("units.json".into(), json!(dump.units)),
    ];
    if let Some((roll, saved_at)) = &dump.roll {
        files.push(("roll.json".into(), json!({ "saved_at": saved_at, "roll": parse(roll)? })));
    }
    for (unit, versions) in &dump.versions {
        let list: Result<Vec<Value>, StoreError> =
            versions.iter().map(|v| Ok(json!({ "version": v.info, "body": parse(&v.body)? }))).collect();
        files.push((format!("versions/{unit}.json"), Value::Array(list?)));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // No clock in the entries: the same campaign gives the same bytes.
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, value) in files {
        zip.start_file(name, options).expect("writing to memory");
        let text = serde_json::to_string_pretty(&value).expect("JSON serialises") + "\n";
        zip.write_all(text.as_bytes()).expect("writing to memory");
    }
    Ok(zip.finish().expect("writing to memory").into_inner())
}

/// Restores an exported campaign into `store` (SQLite or PostgreSQL),
/// exactly: the same versions, hashes and times. Refused, with nothing
/// written, when the store has that campaign or the file is not whole.
pub async fn import(store: &Store, zip: &[u8]) -> Result<String, StoreError> {
    let dump = read_export(zip).map_err(StoreError::BadExport)?;
    if dump.code.is_empty() || slug(&dump.code) != dump.code {
        return Err(StoreError::BadCode(dump.code));
    }
    store.restore(&dump).await?;
    Ok(dump.code)
}

fn read_export(zip: &[u8]) -> Result<Dump, String> {
    let mut entries: Vec<(String, Value)> = Vec::new();
    crate::archive::for_each(Cursor::new(zip), |entry| {
        let mut text = String::new();
        let name = entry.path.to_string_lossy().replace('\\', "/");
        entry
            .reader
            .read_to_string(&mut text)
            .map_err(|e| crate::archive::ArchiveError::Unreadable(format!("{name}: {e}")))?;
        let value = serde_json::from_str(&text)
            .map_err(|e| crate::archive::ArchiveError::Unreadable(format!("{name}: {e}")))?;
        entries.push((name, value));
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    let take = |name: &str| entries.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let campaign = take("campaign.json").ok_or("thiếu campaign.json")?;
    if campaign["format"] != EXPORT_FORMAT {
        return Err(format!("campaign.json không phải dạng {EXPORT_FORMAT}"));
    }
    let field = |value: &Value, key: &str| value.get(key).cloned().ok_or(format!("thiếu «{key}»"));
    let units: Vec<Unit> = from(take("units.json").ok_or("thiếu units.json")?, "units.json")?;
    let known = |name: &str| units.iter().any(|u| format!("versions/{}.json", u.code) == name);
    if let Some((stray, _)) = entries.iter().find(|(n, _)| n.starts_with("versions/") && !known(n)) {
        return Err(format!("{stray} không thuộc đơn vị nào của units.json"));
    }
    let mut versions = Vec::new();
    for unit in &units {
        let Some(list) = take(&format!("versions/{}.json", unit.code)) else { continue };
        let list: Vec<Value> = from(list, &unit.code)?;
        let list: Result<Vec<Version>, String> = list
            .into_iter()
            .map(|v| {
                Ok(Version { info: from(field(&v, "version")?, &unit.code)?, body: field(&v, "body")?.to_string() })
            })
            .collect();
        versions.push((unit.code.clone(), list?));
    }
    let roll = match take("roll.json") {
        Some(roll) => Some((field(&roll, "roll")?.to_string(), from(field(&roll, "saved_at")?, "roll.json")?)),
        None => None,
    };
    Ok(Dump {
        code: from(field(&campaign, "code")?, "campaign.json")?,
        name: from(field(&campaign, "name")?, "campaign.json")?,
        settings: field(&campaign, "settings")?.to_string(),
        created_at: from(field(&campaign, "created_at")?, "campaign.json")?,
        units,
        versions,
        roll,
    })
}

fn from<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("{what}: {e}"))
}

/// The units of a units file (JSON, XLSX, ODS, XLS or CSV: one unit a
/// row, its code, name, kind and parent's code), every problem at once,
/// placed in the file's sheet and row.
pub fn read_units(path: &std::path::Path) -> Result<Tree, Vec<InputError>> {
    let file = path.display().to_string();
    let placed = |problems: Vec<InputError>| -> Vec<InputError> {
        problems.into_iter().map(|p| InputError { file: Some(file.clone()), ..p }).collect()
    };
    if crate::sheet::is_spreadsheet(path) {
        let list = crate::sheet::read_units(path).map_err(placed)?;
        let tree = Tree::from_units(&list.entries);
        tree.map_err(|problems| placed(problems.into_iter().map(|p| list.relocate(p)).collect()))
    } else {
        let text = std::fs::read_to_string(path).map_err(|e| {
            placed(vec![InputError::new(Code::UnreadableFile, JsonPath::root(), format!("không đọc được tệp: {e}"))])
        })?;
        let value = crate::input::read_json(&text).map_err(|e| placed(vec![e]))?;
        Tree::from_units(&value).map_err(placed)
    }
}

impl Tree {
    /// The tree a units file's entries describe, parents before children;
    /// every problem at once.
    pub fn from_units(entries: &Value) -> Result<Self, Vec<InputError>> {
        let mut problems = Vec::new();
        let Some(rows) = entries.as_array() else {
            return Err(vec![InputError::new(Code::WrongType, JsonPath::root(), "cần một danh sách đơn vị")]);
        };
        let mut units: Vec<(usize, NewUnit)> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let at = JsonPath::root().index(i);
            let text = |key: &str| row.get(key).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty());
            let mut missing = |key: &str, what: &str| {
                problems.push(InputError::new(Code::MissingField, at.key(key), format!("thiếu {what}")));
            };
            let (Some(code), Some(name), Some(kind)) = (text("code"), text("name"), text("kind")) else {
                for (key, what) in [("code", "mã đơn vị"), ("name", "tên đơn vị"), ("kind", "cấp của đơn vị")]
                {
                    if text(key).is_none() {
                        missing(key, what);
                    }
                }
                continue;
            };
            let Some(level) = level_named(kind) else {
                let message = format!("cấp «{kind}» không rõ; dùng «Ban Tổ chức», «Tổ chức cơ sở đảng» hoặc «Chi bộ»");
                problems.push(InputError::new(Code::UnknownValue, at.key("kind"), message));
                continue;
            };
            if !code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.') {
                let message = format!("mã «{code}» chỉ được có chữ thường không dấu, chữ số, «-» và «.»");
                problems.push(InputError::new(Code::InvalidUnitCode, at.key("code"), message));
                continue;
            }
            if let Some((j, _)) = units.iter().find(|(_, u)| u.code == code) {
                let message = format!("mã «{code}» đã dùng cho đơn vị ở dòng {} ($[{j}])", j + 1);
                problems.push(InputError::new(Code::InvalidUnitCode, at.key("code"), message));
                continue;
            }
            let parent = text("parent").map(str::to_owned);
            units.push((i, NewUnit { code: code.into(), name: name.into(), level, parent }));
        }
        let boards: Vec<&(usize, NewUnit)> = units.iter().filter(|(_, u)| u.level == Level::Board).collect();
        if boards.len() != 1 {
            let message = format!("cần đúng một Ban Tổ chức, có {}", boards.len());
            problems.push(InputError::new(Code::WrongParent, JsonPath::root(), message));
        }
        for (i, unit) in &units {
            let above =
                unit.parent.as_deref().and_then(|p| units.iter().find(|(_, u)| u.code == p)).map(|(_, u)| u.level);
            let expected = match unit.level {
                Level::Board => None,
                Level::Committee => Some(Level::Board),
                Level::Cell => Some(Level::Committee),
            };
            let fits = match (unit.level, &unit.parent) {
                (Level::Board, None) => true,
                (Level::Board, Some(_)) => false,
                (_, _) => above.is_some() && above == expected,
            };
            if !fits {
                let message = match (unit.level, expected) {
                    (Level::Board, _) => "Ban Tổ chức không có đơn vị cấp trên".to_owned(),
                    (level, Some(expected)) => format!(
                        "{} «{}» cần mã đơn vị cấp trên là một {} có trong danh sách",
                        level.label(),
                        unit.name,
                        expected.label().to_lowercase()
                    ),
                    _ => unreachable!("only the Board has no level above"),
                };
                problems.push(InputError::new(Code::WrongParent, JsonPath::root().index(*i).key("parent"), message));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        // Parents before children: the Board, then each committee with its cells.
        let children = |code: &str| -> Vec<NewUnit> {
            units.iter().filter(|(_, u)| u.parent.as_deref() == Some(code)).map(|(_, u)| u.clone()).collect()
        };
        let board = boards[0].1.clone();
        let mut ordered = vec![board.clone()];
        for committee in children(&board.code) {
            ordered.extend(std::iter::once(committee.clone()).chain(children(&committee.code)));
        }
        Ok(Tree { units: ordered, parts: Vec::new() })
    }
}

/// A unit's level as a units file names it, in Vietnamese or English.
fn level_named(kind: &str) -> Option<Level> {
    match slug(kind).as_str() {
        "board" | "ban" | "ban-to-chuc" => Some(Level::Board),
        "committee" | "co-so" | "to-chuc-co-so" | "to-chuc-co-so-dang" | "dang-bo-co-so" | "chi-bo-co-so" => {
            Some(Level::Committee)
        }
        "cell" | "chi-bo" => Some(Level::Cell),
        _ => None,
    }
}

/// `value` without the keys of the units below it.
fn without(value: &Value, keys: &[&str]) -> Value {
    let mut own: Map<String, Value> = value.as_object().cloned().unwrap_or_default();
    for key in keys {
        own.remove(*key);
    }
    Value::Object(own)
}

/// A unit's own part of what is saved: a cell's roster as it is, a
/// committee's or the Board's details without the units below.
pub fn own_part(level: Level, submission: &Value) -> Value {
    match level {
        Level::Cell => submission.clone(),
        Level::Committee => without(submission, &["cells"]),
        Level::Board => without(submission, &["committees", "roll"]),
    }
}

/// A committee's input (kinds `mau-6`, `tong-hop`, `ho-so-co-so`) from its
/// details and its cells' rosters.
pub fn committee_input(details: &Value, cells: Vec<Value>) -> Value {
    let mut input = without(details, &["cells"]);
    input["cells"] = Value::Array(cells);
    input
}

/// The Board's input (kinds `mau-7`, `doi-chieu`, `ho-so-ban`) from its
/// details, its committees' inputs and the roll.
pub fn board_input(details: &Value, committees: Vec<Value>, roll: Option<Value>) -> Value {
    let mut input = without(details, &["committees", "roll"]);
    input["committees"] = Value::Array(committees);
    if let Some(roll) = roll {
        input["roll"] = roll;
    }
    input
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn cell(name: &str) -> Value {
        json!({ "cell": { "name": name }, "members": [] })
    }

    #[test]
    fn a_boards_submission_gives_the_tree_and_each_units_own_part() {
        let board = json!({
            "board": { "name": "Ban Tổ chức" },
            "committees": [
                { "organisation": "Đảng bộ Sở Tài chính", "cells": [cell("Chi bộ Văn phòng"), cell("Chi bộ Thanh tra")] },
                { "organisation": "Đảng bộ Sở Xây dựng", "cells": [cell("Chi bộ Văn phòng")] },
            ],
            "roll": [],
        });
        let tree = Tree::from_board(&board);
        let codes: Vec<&str> = tree.units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "ban",
                "dang-bo-so-tai-chinh",
                "dang-bo-so-tai-chinh.chi-bo-van-phong",
                "dang-bo-so-tai-chinh.chi-bo-thanh-tra",
                "dang-bo-so-xay-dung",
                "dang-bo-so-xay-dung.chi-bo-van-phong",
            ]
        );
        assert_eq!(tree.units[2].parent.as_deref(), Some("dang-bo-so-tai-chinh"));
        assert_eq!(tree.parts[0].1, json!({ "board": { "name": "Ban Tổ chức" } }), "the Board's own part only");
        assert_eq!(tree.parts[1].1, json!({ "organisation": "Đảng bộ Sở Tài chính" }));
        // Put together again, the parts give the submission back.
        let committee = committee_input(&tree.parts[1].1, vec![tree.parts[2].1.clone(), tree.parts[3].1.clone()]);
        assert_eq!(committee, board["committees"][0]);
    }

    #[test]
    fn a_units_file_gives_the_tree_parents_first_or_every_problem_at_once() {
        let units = json!([
            { "code": "dang-bo-so-y-te.chi-bo-1", "name": "Chi bộ 1", "kind": "Chi bộ", "parent": "dang-bo-so-y-te" },
            { "code": "dang-bo-so-y-te", "name": "Đảng bộ Sở Y tế", "kind": "Tổ chức cơ sở đảng", "parent": "ban" },
            { "code": "ban", "name": "Ban Tổ chức", "kind": "Ban Tổ chức" },
        ]);
        let tree = Tree::from_units(&units).unwrap();
        let codes: Vec<&str> = tree.units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["ban", "dang-bo-so-y-te", "dang-bo-so-y-te.chi-bo-1"]);

        let bad = json!([
            { "code": "ban", "name": "Ban Tổ chức", "kind": "board" },
            { "code": "Đảng bộ", "name": "Đảng bộ Sở Y tế", "kind": "committee", "parent": "ban" },
            { "code": "ban", "name": "Ban khác", "kind": "board" },
            { "code": "chi-bo-1", "name": "Chi bộ 1", "kind": "cell", "parent": "ban" },
            { "code": "chi-bo-2", "name": "Chi bộ 2", "kind": "tổ đảng", "parent": "x" },
            { "name": "Chi bộ 3", "kind": "cell" },
        ]);
        let problems = Tree::from_units(&bad).unwrap_err();
        let found: Vec<(String, String)> =
            problems.iter().map(|p| (p.code.as_str().to_owned(), p.place.to_string())).collect();
        for expected in [
            ("invalid-unit-code", "$[1].code"),
            ("invalid-unit-code", "$[2].code"),
            ("wrong-parent", "$[3].parent"),
            ("unknown-value", "$[4].kind"),
            ("missing-field", "$[5].code"),
        ] {
            assert!(found.contains(&(expected.0.into(), expected.1.into())), "{expected:?} in {found:?}");
        }
    }

    #[test]
    fn a_roll_gives_each_committee_and_cell_once_and_two_names_of_one_slug_two_codes() {
        let roll = json!([
            { "organisation": "Đảng bộ Sở Y tế", "cell": "Chi bộ 1" },
            { "organisation": "Đảng bộ Sở Y tế", "cell": "Chi bộ 1" },
            { "organisation": "Đảng bộ Sở Y tế", "cell": "Chi bộ 2" },
            { "organisation": "Đảng bộ sở y tế" },
            { "full_name": "Không có tổ chức" },
        ]);
        let tree = Tree::from_roll("Ban Tổ chức", &roll);
        let codes: Vec<&str> = tree.units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(
            codes,
            ["ban", "dang-bo-so-y-te", "dang-bo-so-y-te.chi-bo-1", "dang-bo-so-y-te.chi-bo-2", "dang-bo-so-y-te-2"]
        );
        assert!(tree.parts.is_empty());
    }
}
