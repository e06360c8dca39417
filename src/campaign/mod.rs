//! A campaign as the store keeps it: the units a Board's submission, a
//! units file or the roll names (`tree`), each unit's own part of a
//! submission (a cell's roster, a committee's or the Board's details without
//! the units below), the input of a document put together again from those
//! parts, and the whole campaign as one file to back up or move (`export`).

mod access;
mod accounts;
mod audit;
pub mod cards;
mod create;
mod deadlines;
mod documents;
mod error;
mod export;
mod inputs;
mod notices;
mod progress;
mod roll;
mod save;
mod states;
mod step;
mod summary;
mod tree;
mod waiting;

pub use self::access::{Access, Action, access, may_disable, reached, reads_log, role_of, sees_campaign, within};
pub use self::accounts::{
    Invitation, Invited, Login, LoginError, MAX_LOGIN, first_account, invite, may_add_second, new_link, open_account,
};
pub use self::audit::{action_label, action_words, audit_csv, vietnam_time};
pub use self::create::{NewCampaign, UnitsFrom};
pub use self::deadlines::{Deadlines, set_below_deadline};
pub use self::documents::{Bundled, Made, SignedKept, SignedUpload, log_read, made_by};
pub use self::error::Error;
pub use self::export::{export, import};
pub use self::inputs::{
    Surroundings, board_input, check_kind, committee_input, documents_of, input_of, names_another,
    names_another_superior, own_part, surroundings, whole_input, with_settings,
};
pub use self::notices::{Notice, deliver, of_step, remind};
pub use self::progress::{LevelProgress, Timeliness, progress, timeliness};
pub use self::roll::{RollChanges, read_roll, roll_changes};
pub use self::save::{Saved, checked_part, editable, keep_typed, save_part};
pub use self::states::{Step, next, open_steps};
pub use self::step::{Context, Plan, StepRequest, plan, take_step};
pub use self::summary::{Summary, changes};
pub use self::tree::{BOARD, NewUnit, Tree, read_units};
pub use self::waiting::{Waiting, waiting};
use crate::kinds::slug;
use crate::model::campaign::{Campaign, Reporting};
pub use crate::model::unit::{Level, Role, State, Unit};
use crate::store::StoreError;

/// What the campaign's use cases that make documents work with: the
/// store, the renderer, and the workers renders run on, a few at a time.
pub struct Campaigns<'a> {
    pub store: &'a crate::store::Store,
    pub renderer: &'a std::sync::Arc<crate::Renderer>,
    pub pool: &'a crate::pool::Pool,
}

/// The levels whose reports the level above approves only with a signed
/// original of their version: the campaign's setting.
pub fn signed_required(settings: &str) -> Result<Vec<Level>, StoreError> {
    let campaign: Campaign = serde_json::from_str(settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // A chi bộ cơ sở reports to the Board as a committee does.
    let levels = |reporting| match reporting {
        Reporting::Cell => vec![Level::Cell],
        Reporting::Committee => vec![Level::Committee, Level::BaseCell],
    };
    Ok(campaign.signed_required.into_iter().flat_map(levels).collect())
}

/// A unit for the unit tests of the campaign's rules: one version saved,
/// in `state`, named after its code.
#[cfg(test)]
pub(crate) fn test_unit(
    code: &str,
    level: Level,
    state: crate::campaign::State,
    parent: Option<&str>,
) -> crate::campaign::Unit {
    crate::campaign::Unit {
        code: code.into(),
        name: code.into(),
        level,
        parent: parent.map(Into::into),
        state,
        versions: 1,
        current: Some(1),
        changed_at: None,
        submitted_at: None,
        note: None,
        below_deadline: None,
        returned_version: None,
    }
}
