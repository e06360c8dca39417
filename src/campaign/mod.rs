//! A campaign as the store keeps it: the units a Board's submission, a
//! units file or the roll names (`tree`), each unit's own part of a
//! submission (a cell's roster, a committee's or the Board's details without
//! the units below), the input of a document put together again from those
//! parts, and the whole campaign as one file to back up or move (`export`).

mod access;
mod accounts;
mod audit;
mod error;
mod export;
mod inputs;
mod progress;
mod save;
mod step;
mod summary;
mod tree;
mod workflow;

use serde_json::{Map, Value};

pub use self::access::{Access, Action, access, reached, role_of, sees_campaign};
pub use self::accounts::{Invited, Login, LoginError, MAX_LOGIN, invite_below, may_add_second, open_account};
pub use self::audit::{ACTIONS, action_label, audit_csv, vietnam_time};
pub use self::error::Error;
pub use self::export::{export, import};
pub use self::inputs::{
    Surroundings, board_input, check_kind, committee_input, documents_of, input_of, names_another, own_part,
    surroundings, whole_input, with_settings,
};
pub use self::progress::{LevelProgress, Timeliness, progress};
pub use self::save::{Saved, checked_part, editable, save_part};
pub use self::step::{Context, Plan, StepRequest, plan, take_step};
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
