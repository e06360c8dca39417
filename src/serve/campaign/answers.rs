//! What the campaign's routes answer, as types: serialised as they are
//! sent, and their JSON Schemas are the API document's (`openapi`).

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::campaign::{Level, Role, State, Unit};
use crate::campaign::{LevelProgress, Timeliness};
use crate::serve::error::Problem;
use crate::store::VersionInfo;

/// A campaign the user sees.
#[derive(Serialize, JsonSchema)]
pub struct CampaignEntry {
    pub code: String,
    pub name: String,
}

/// A unit as the API shows it: with its level and state in Vietnamese.
#[derive(Serialize, JsonSchema)]
pub struct UnitView {
    #[serde(flatten)]
    pub unit: Unit,
    pub level_label: &'static str,
    pub state_label: &'static str,
}

impl From<Unit> for UnitView {
    fn from(unit: Unit) -> Self {
        Self { level_label: unit.level.label(), state_label: unit.state.label(), unit }
    }
}

/// Completeness and timeliness of the units a user reaches.
#[derive(Serialize, JsonSchema)]
pub struct Dashboard {
    pub campaign: String,
    /// Vietnam's day the figures are of.
    pub today: String,
    pub levels: Vec<LevelView>,
    pub units: Vec<UnitProgress>,
}

/// A level's counts, and its shares as the page shows them ("2/4 đơn vị, 50,0%").
#[derive(Serialize, JsonSchema)]
pub struct LevelView {
    #[serde(flatten)]
    pub counts: LevelProgress,
    pub received_share: String,
    pub approved_share: String,
    pub on_time_share: String,
}

impl From<&LevelProgress> for LevelView {
    fn from(l: &LevelProgress) -> Self {
        LevelView {
            received_share: l.share(l.received),
            approved_share: l.share(l.approved),
            on_time_share: l.share(l.on_time),
            counts: l.clone(),
        }
    }
}

/// A unit's report against its deadline.
#[derive(Serialize, JsonSchema)]
pub struct UnitProgress {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<String>,
    pub state: State,
    pub state_label: &'static str,
    pub note: Option<String>,
    pub timeliness: Timeliness,
    pub timeliness_label: String,
}

impl UnitProgress {
    pub fn of(unit: &Unit, timeliness: Timeliness) -> Self {
        UnitProgress {
            code: unit.code.clone(),
            name: unit.name.clone(),
            level: unit.level,
            parent: unit.parent.clone(),
            state: unit.state,
            state_label: unit.state.label(),
            note: unit.note.clone(),
            timeliness,
            timeliness_label: timeliness.label(),
        }
    }
}

/// A save as it landed.
#[derive(Serialize, JsonSchema)]
pub struct Saved<'a> {
    /// The version kept: the new one, or the current one it equals.
    pub version: VersionInfo,
    /// Whether a new version was made (an identical file makes none).
    pub new: bool,
    pub state: State,
    /// Problems worth a look that did not stop the save, at their places.
    #[schemars(with = "Vec<Value>")]
    pub warnings: Vec<Problem<'a>>,
    /// What was stored, in words (`text`); for a cell, its members per list
    /// and what changed since the version before.
    #[schemars(with = "Value")]
    pub summary: Value,
}

/// A signed original as kept.
#[derive(Serialize, JsonSchema)]
pub struct SignedKept {
    /// The version it is the document of: the current one.
    pub version: i64,
    pub kind: &'static str,
    pub signed: bool,
    /// Who signed last: the certificate's subject.
    pub signer: String,
    pub sha256: String,
    pub file_name: String,
}

/// An account made by an invitation, with its one-time sign-in link
/// (shown once); or a unit below skipped, with the login it has.
#[derive(Serialize, JsonSchema)]
pub struct InvitedView {
    pub unit: String,
    pub name: String,
    #[serde(flatten)]
    pub outcome: InviteOutcome,
}

#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum InviteOutcome {
    Made { login: String, role: Role, role_label: &'static str, link: String },
    Skipped { skipped: String },
}

/// A step as it landed.
#[derive(Serialize, JsonSchema)]
pub struct Stepped {
    pub unit: String,
    pub state: State,
    pub state_label: &'static str,
    /// The cells returned with their committee.
    pub returned_cells: Vec<String>,
    /// What was done, in words, as the page says it after the step.
    pub summary: Said,
}

/// A sentence the page shows once the action is done.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Said {
    pub text: String,
}
