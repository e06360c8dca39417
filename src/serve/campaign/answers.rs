//! What the campaign's routes answer, as types: serialised as they are
//! sent, and their JSON Schemas are the API document's (`openapi`).

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::serve::error::Problem;
use crate::store::{State, Unit, VersionInfo};

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

/// A step as it landed.
#[derive(Serialize, JsonSchema)]
pub struct Stepped {
    pub unit: String,
    pub state: State,
    pub state_label: &'static str,
    /// The cells returned with their committee.
    pub returned_cells: Vec<String>,
}
