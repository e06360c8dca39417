//! The units of a campaign, parents first, with codes of their own: from a
//! Board's whole submission, a units file, or the roll's columns.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::Level;
use super::inputs::without;
use crate::input::{Code, InputError, JsonPath};
use crate::kinds::slug;

/// The Board's code in every campaign.
pub const BOARD: &str = "ban";

/// Longest name of a unit: a line of a form.
pub const MAX_UNIT_NAME: usize = 200;

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
    /// their committee. An organisation named «Chi bộ …» is a chi bộ cơ sở:
    /// its members are its own, whatever their "Chi bộ" column says.
    pub fn from_roll(board_name: &str, roll: &Value) -> Self {
        let mut tree = Self::new(board_name);
        for entry in roll.as_array().into_iter().flatten() {
            let Some(organisation) = entry["organisation"].as_str() else { continue };
            if slug(organisation).starts_with("chi-bo-") {
                tree.add(Level::BaseCell, BOARD, organisation);
                continue;
            }
            let code = tree.add(Level::Committee, BOARD, organisation);
            if let Some(cell) = entry["cell"].as_str() {
                tree.add(Level::Cell, &code, cell);
            }
        }
        tree
    }
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
        // Each code's row, to find a parent or a second use at once in a tree of any size.
        let mut rows_of: HashMap<String, usize> = HashMap::new();
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
            // A name is printed in forms 6 and 7 and read on every page: text, of a line's length.
            let named = problems.len();
            crate::input::check_strings(&Value::String(name.into()), &|_| true, &at.key("name"), &mut problems);
            let length = name.chars().count();
            if length > MAX_UNIT_NAME {
                let message = format!("tên dài {length} ký tự, quá giới hạn {MAX_UNIT_NAME} ký tự");
                problems.push(InputError::new(Code::TextTooLong, at.key("name"), message));
            }
            if problems.len() > named {
                continue;
            }
            let Some(level) = level_named(kind) else {
                let message = format!(
                    "cấp «{kind}» không rõ; dùng «Ban Tổ chức», «Tổ chức cơ sở đảng», «Chi bộ cơ sở» hoặc «Chi bộ»"
                );
                problems.push(InputError::new(Code::UnknownValue, at.key("kind"), message));
                continue;
            };
            if !code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.') {
                let message = format!("mã «{code}» chỉ được có chữ thường không dấu, chữ số, «-» và «.»");
                problems.push(InputError::new(Code::InvalidUnitCode, at.key("code"), message));
                continue;
            }
            if let Some(j) = rows_of.get(code) {
                let message = format!("mã «{code}» đã dùng cho đơn vị ở dòng {} ($[{j}])", j + 1);
                problems.push(InputError::new(Code::InvalidUnitCode, at.key("code"), message));
                continue;
            }
            rows_of.insert(code.to_owned(), i);
            let parent = text("parent").map(str::to_owned);
            units.push((i, NewUnit { code: code.into(), name: name.into(), level, parent }));
        }
        let level_of: HashMap<&str, Level> = units.iter().map(|(_, u)| (u.code.as_str(), u.level)).collect();
        let boards: Vec<&(usize, NewUnit)> = units.iter().filter(|(_, u)| u.level == Level::Board).collect();
        if boards.len() != 1 {
            let message = format!("cần đúng một Ban Tổ chức, có {}", boards.len());
            problems.push(InputError::new(Code::WrongParent, JsonPath::root(), message));
        }
        for (i, unit) in &units {
            let above = unit.parent.as_deref().and_then(|p| level_of.get(p).copied());
            let expected = match unit.level {
                Level::Board => None,
                Level::Committee | Level::BaseCell => Some(Level::Board),
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
        let mut children: HashMap<&str, Vec<&NewUnit>> = HashMap::new();
        for (_, unit) in &units {
            if let Some(parent) = &unit.parent {
                children.entry(parent.as_str()).or_default().push(unit);
            }
        }
        let below = |code: &str| children.get(code).cloned().unwrap_or_default();
        let board = boards[0].1.clone();
        let mut ordered = vec![board.clone()];
        for committee in below(&board.code) {
            ordered.push(committee.clone());
            ordered.extend(below(&committee.code).into_iter().cloned());
        }
        Ok(Tree { units: ordered, parts: Vec::new() })
    }
}

/// A unit's level as a units file names it, in Vietnamese or English.
fn level_named(kind: &str) -> Option<Level> {
    match slug(kind).as_str() {
        "board" | "ban" | "ban-to-chuc" => Some(Level::Board),
        "committee" | "co-so" | "to-chuc-co-so" | "to-chuc-co-so-dang" | "dang-bo-co-so" => Some(Level::Committee),
        "base-cell" | "chi-bo-co-so" => Some(Level::BaseCell),
        "cell" | "chi-bo" => Some(Level::Cell),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::campaign::committee_input;

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
            { "code": "chi-bo-4", "name": "Chi bộ \u{202e}4", "kind": "cell", "parent": "ban" },
            { "code": "chi-bo-5", "name": "Chi bộ\u{7}", "kind": "cell", "parent": "ban" },
            { "code": "chi-bo-6", "name": "Chi bộ ".repeat(40), "kind": "cell", "parent": "ban" },
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
            ("forbidden-character", "$[6].name"),
            ("forbidden-character", "$[7].name"),
            ("text-too-long", "$[8].name"),
        ] {
            assert!(found.contains(&(expected.0.into(), expected.1.into())), "{expected:?} in {found:?}");
        }
    }

    #[test]
    fn a_chi_bo_co_so_stands_under_the_board_with_no_cell_below_it() {
        let units = json!([
            { "code": "ban", "name": "Ban Tổ chức", "kind": "Ban Tổ chức" },
            { "code": "chi-bo-so-ngoai-vu", "name": "Chi bộ Sở Ngoại vụ", "kind": "Chi bộ cơ sở", "parent": "ban" },
        ]);
        let tree = Tree::from_units(&units).unwrap();
        assert_eq!(tree.units[1].level, Level::BaseCell);
        let mut wrong = units.clone();
        wrong
            .as_array_mut()
            .unwrap()
            .push(json!({ "code": "x.1", "name": "Chi bộ 1", "kind": "Chi bộ", "parent": "chi-bo-so-ngoai-vu" }));
        let problems = Tree::from_units(&wrong).unwrap_err();
        assert_eq!((problems[0].code, problems[0].place.to_string()), (Code::WrongParent, "$[2].parent".into()));

        let roll = json!([
            { "organisation": "Chi bộ Sở Ngoại vụ", "cell": "Chi bộ Sở Ngoại vụ" },
            { "organisation": "Chi bộ Sở Ngoại vụ" },
            { "organisation": "Đảng bộ Sở Y tế", "cell": "Chi bộ 1" },
        ]);
        let tree = Tree::from_roll("Ban Tổ chức", &roll);
        let levels: Vec<(&str, Level)> = tree.units.iter().map(|u| (u.code.as_str(), u.level)).collect();
        assert_eq!(
            levels,
            [
                ("ban", Level::Board),
                ("chi-bo-so-ngoai-vu", Level::BaseCell),
                ("dang-bo-so-y-te", Level::Committee),
                ("dang-bo-so-y-te.chi-bo-1", Level::Cell),
            ]
        );
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

    #[test]
    fn a_boards_name_names_its_unit_and_a_board_without_one_has_the_blocs() {
        let named = Tree::from_board(&json!({ "board": { "name": "Ban Tổ chức Đảng ủy Khối X" }, "committees": [] }));
        assert_eq!((named.units[0].code.as_str(), named.units[0].name.as_str()), (BOARD, "Ban Tổ chức Đảng ủy Khối X"));
        let unnamed = Tree::from_board(&json!({}));
        assert_eq!(unnamed.units[0].name, "Ban Tổ chức Đảng ủy Khối");
        assert_eq!(unnamed.units.len(), 1);
    }
}
