//! A campaign as the store keeps it: the units a Board's submission or its
//! roll names, each unit's own part of a submission (a cell's roster, a
//! committee's or the Board's details without the units below), and the
//! input of a document put together again from those parts.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::kinds::slug;
use crate::model::campaign::Campaign;
use crate::store::{Level, NewUnit, Store, StoreError};

/// The Board's code in every campaign.
pub const BOARD: &str = "ban";

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
/// the units of `tree`, the first version of each part it holds, the roll.
pub async fn create(
    store: &Store,
    code: &str,
    settings: &str,
    tree: &Tree,
    roll: Option<&Value>,
) -> Result<(), StoreError> {
    let name = check_settings(settings).map_err(StoreError::Corrupt)?;
    let roll = roll.map(Value::to_string);
    store.create_campaign(code, &name, settings, &tree.units, roll.as_deref()).await?;
    for (unit, part) in &tree.parts {
        store.save(code, unit, &part.to_string(), None).await?;
    }
    Ok(())
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
