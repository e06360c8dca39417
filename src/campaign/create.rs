//! A new campaign: its settings (the campaign file) and its units — from a
//! units file and the roll, the roll alone, or a Board's submission — read
//! and checked with every problem at once, then stored in one transaction.
//! The command line and the HTTP API both create campaigns through here.

use std::path::Path;

use serde_json::Value;

use super::{Error, Tree, read_units};
use super::{State, Unit};
use crate::kinds::slug;
use crate::model::campaign::Campaign;
use crate::store::{Dump, Store, StoreError, Version, VersionInfo};

/// The name of the Board a campaign made from the roll alone starts with.
const BOARD_NAME: &str = "Ban Tổ chức Đảng ủy Khối";

/// Where a new campaign's units come from.
pub enum UnitsFrom<'a> {
    /// A units file, and the roll the Board manages if it has one.
    Units { units: &'a Path, roll: Option<&'a Path> },
    /// The roll alone: its organisations and cells are the units.
    Roll(&'a Path),
    /// A Board's submission, checked: its committees and cells, their parts.
    Board(&'a Value),
}

/// A campaign read from its files and checked, not stored yet.
pub struct NewCampaign {
    pub code: String,
    /// Its name, from the campaign file.
    pub name: String,
    /// The campaign file's text.
    pub settings: String,
    pub tree: Tree,
    pub roll: Option<Value>,
}

impl NewCampaign {
    /// Reads the campaign file `settings` (its text; `named`, its file name,
    /// whose stem is the code unless `code` is given) and the units.
    pub fn read(code: Option<String>, named: &Path, settings: String, from: UnitsFrom) -> Result<Self, Error> {
        let name = check_settings(&settings).map_err(Error::Settings)?;
        let code =
            code.unwrap_or_else(|| named.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
        let (tree, roll) = match from {
            UnitsFrom::Units { units, roll } => {
                let tree = read_units(units).map_err(Error::Input)?;
                (tree, roll.map(read_roll).transpose().map_err(Error::Input)?)
            }
            UnitsFrom::Roll(roll) => {
                let roll = read_roll(roll).map_err(Error::Input)?;
                (Tree::from_roll(BOARD_NAME, &roll), Some(roll))
            }
            UnitsFrom::Board(board) => (Tree::from_board(board), board.get("roll").cloned()),
        };
        Ok(Self { code, name, settings, tree, roll })
    }

    /// Stores it: the units of its tree, the first version of each part
    /// the tree holds, the roll, in one transaction; `by` an administrator
    /// (none: from the command line).
    pub async fn create(&self, store: &Store, by: Option<&str>) -> Result<(), StoreError> {
        let Self { code, name, settings, tree, roll } = self;
        // A code goes into addresses and file names: ASCII words and hyphens.
        if code.is_empty() || slug(code) != *code {
            return Err(StoreError::BadCode(code.clone()));
        }
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
                        sha256: crate::hash::sha256(body.as_bytes()),
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
                    submitted_at: None,
                    note: None,
                    below_deadline: None,
                    returned_version: None,
                }
            })
            .collect();
        let roll = roll.as_ref().map(|r| (r.to_string(), now));
        store
            .restore(Dump {
                code: code.into(),
                events: vec![crate::store::Event {
                    seq: 0,
                    at: now,
                    action: crate::store::EventAction::CampaignCreated.as_str().into(),
                    login: by.map(Into::into),
                    address: None,
                    campaign: Some(code.into()),
                    unit: None,
                    version: None,
                    sha256: None,
                    note: Some(name.clone()),
                    // Linked as it is appended.
                    hash: None,
                }],
                name: name.clone(),
                settings: settings.into(),
                created_at: now,
                units,
                versions,
                roll,
                card_records: Vec::new(),
            })
            .await
    }
}

/// A campaign file (`campaigns/*.json`: name, round, dates, deadlines),
/// checked; its name.
fn check_settings(text: &str) -> Result<String, String> {
    let campaign: Campaign = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(campaign.name.to_string())
}

/// The roll the Board manages (JSON, XLSX, ODS, XLS or CSV), read and
/// checked as `--roll` reads it, every problem placed in its file.
/// The roll file at `path`, read and checked, its problems naming it.
fn read_roll(path: &Path) -> Result<Value, Vec<crate::InputError>> {
    super::read_roll(path, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUNDLED: &str = include_str!("../../campaigns/2021-quang-nam.json");

    #[test]
    fn a_campaign_file_gives_its_name_or_says_what_is_wrong() {
        assert!(check_settings(BUNDLED).unwrap().starts_with("Kiểm tra kỹ thuật thẻ đảng viên lần thứ tư"));
        let mut extra: Value = serde_json::from_str(BUNDLED).unwrap();
        extra["deadline"] = Value::from("x");
        assert!(check_settings(&extra.to_string()).unwrap_err().contains("unknown field `deadline`"));
    }

    #[test]
    fn a_new_campaigns_code_is_its_files_name_unless_given() {
        let board = serde_json::json!({ "board": { "name": "Ban Tổ chức" }, "committees": [] });
        let named = Path::new("/tmp/2026-da-nang.json");
        let new = NewCampaign::read(None, named, BUNDLED.into(), UnitsFrom::Board(&board)).unwrap();
        assert_eq!((new.code.as_str(), new.tree.units.len()), ("2026-da-nang", 1));
        let given = NewCampaign::read(Some("khac".into()), named, BUNDLED.into(), UnitsFrom::Board(&board)).unwrap();
        assert_eq!(given.code, "khac");
        let bad = NewCampaign::read(None, named, "{}".into(), UnitsFrom::Board(&board));
        assert!(matches!(bad, Err(Error::Settings(_))));
    }

    #[test]
    fn a_campaign_requires_no_signed_original_unless_its_file_says_which_levels() {
        assert_eq!(super::super::signed_required(BUNDLED).unwrap(), []);
        let mut required: Value = serde_json::from_str(BUNDLED).unwrap();
        required["signed_required"] = serde_json::json!(["committee", "cell"]);
        let levels = super::super::signed_required(&required.to_string()).unwrap();
        use crate::campaign::Level;
        assert_eq!(levels, [Level::Committee, Level::BaseCell, Level::Cell], "a chi bộ cơ sở reports as a committee");
        required["signed_required"] = serde_json::json!(["board"]);
        assert!(check_settings(&required.to_string()).is_err(), "the Board reports outside kttdv");
    }
}
