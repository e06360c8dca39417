//! A campaign as the store keeps it: the units a Board's submission, a
//! units file or the roll names (`tree`), each unit's own part of a
//! submission (a cell's roster, a committee's or the Board's details without
//! the units below), the input of a document put together again from those
//! parts, and the whole campaign as one file to back up or move (`export`).

mod access;
mod accounts;
mod export;
mod progress;
mod summary;
mod tree;
mod workflow;

use serde_json::{Map, Value};

pub use self::access::{Access, Action, access, reached, role_of, sees_campaign};
pub use self::accounts::{Invited, Login, LoginError, MAX_LOGIN, invite_below, may_add_second, open_account};
pub use self::export::{export, import};
pub use self::progress::{LevelProgress, Timeliness, progress};
pub use self::summary::Summary;
pub use self::tree::{BOARD, NewUnit, Tree, read_units};
pub use self::workflow::{Step, next};
use crate::kinds::slug;
use crate::model::campaign::{Campaign, Reporting};
use crate::store::{Dump, Level, State, Store, StoreError, Unit, Version, VersionInfo};

/// A campaign file (`campaigns/*.json`: name, round, dates, deadlines),
/// checked; its name.
pub fn check_settings(text: &str) -> Result<String, String> {
    let campaign: Campaign = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(campaign.name.to_string())
}

/// Each level's deadline, from the campaign's settings: the cells', the
/// committees', the Board's.
pub fn deadlines(settings: &str) -> Result<Vec<(Level, crate::model::scalar::Date)>, StoreError> {
    let campaign: Campaign = serde_json::from_str(settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(vec![
        (Level::Board, campaign.board_deadline),
        (Level::Committee, campaign.committee_deadline),
        (Level::Cell, campaign.cell_deadline.unwrap_or(campaign.committee_deadline)),
    ])
}

/// The levels whose reports the level above approves only with a signed
/// original of their version: the campaign's setting.
pub fn signed_required(settings: &str) -> Result<Vec<Level>, StoreError> {
    let campaign: Campaign = serde_json::from_str(settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let level = |reporting| match reporting {
        Reporting::Cell => Level::Cell,
        Reporting::Committee => Level::Committee,
    };
    Ok(campaign.signed_required.into_iter().map(level).collect())
}

/// The roll the Board manages (JSON, XLSX, ODS, XLS or CSV), read and
/// checked as `--roll` reads it, every problem placed in its file.
pub fn read_roll(path: &std::path::Path) -> Result<Value, Vec<crate::InputError>> {
    let mut input = crate::Assembled::from_value(Value::Object(Map::new()))?;
    input.add_roll(path)?;
    Ok(input.value["roll"].take())
}

/// Creates the campaign `code` in the store from its checked settings:
/// the units of `tree`, the first version of each part it holds, the roll;
/// in one transaction, `by` an administrator (none: from the command line).
pub async fn create(
    store: &Store,
    code: &str,
    settings: &str,
    tree: &Tree,
    roll: Option<&Value>,
    by: Option<&str>,
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
            }
        })
        .collect();
    let roll = roll.map(|r| (r.to_string(), now));
    store
        .restore(Dump {
            code: code.into(),
            events: vec![crate::store::Event {
                seq: 0,
                at: now,
                action: "campaign-created".into(),
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
            name,
            settings: settings.into(),
            created_at: now,
            units,
            versions,
            roll,
        })
        .await
}

/// `value` without the keys of the units below it.
fn without(value: &Value, keys: &[&str]) -> Value {
    let mut own: Map<String, Value> = value.as_object().cloned().unwrap_or_default();
    for key in keys {
        own.remove(*key);
    }
    Value::Object(own)
}

/// A unit's own part of what is saved: a cell's roster, a committee's or
/// the Board's details without the units below — and never campaign
/// settings of its own: those are the campaign's ([`with_settings`]).
pub fn own_part(level: Level, submission: &Value) -> Value {
    match level {
        Level::Cell => without(submission, &["campaign"]),
        Level::Committee => without(submission, &["cells", "campaign"]),
        Level::Board => without(submission, &["committees", "roll", "campaign"]),
    }
}

/// `input` (a document's, put together from stored parts) under the
/// campaign's `settings`: the units below inherit them.
pub fn with_settings(mut input: Value, settings: &str) -> Result<Value, StoreError> {
    let settings: Value = serde_json::from_str(settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if let Some(fields) = input.as_object_mut() {
        fields.insert("campaign".into(), settings);
    }
    Ok(input)
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
