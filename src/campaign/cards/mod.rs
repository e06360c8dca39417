//! The cards' round trip (`docs/round-trip.md`): the cards, photos and
//! written accounts that go up with the lists to the Board and come back
//! stamped or new. Which members travel comes from each cell's lists
//! (`listed`); where each card is, from the records replayed (`ledger`); a
//! hand-over is planned against both and recorded (`handover`); the Board
//! records the decision and stamps (`board`); `custody` says it all per
//! unit and for the whole Bloc.

mod board;
mod custody;
mod handover;
mod ledger;
mod listed;
mod papers;
mod record;
mod workbook;

use std::collections::HashMap;

pub use self::board::{DecisionRequest, StampingRequest, changes_workbook, record_decision, record_stamping};
pub use self::custody::{CardView, Custody, RoundTrip, closing_workbook, custody, round_trip};
pub use self::handover::{Given, HandoverRequest, Recorded, record_handover};
pub use self::ledger::{Move, Place};
pub use self::listed::{List, Listed};
pub use self::papers::decision_papers;
pub use self::record::record_input;

use self::ledger::Ledger;
use super::{Error, Unit, with_settings, within};
use crate::input::JsonPath;
use crate::model::campaign::Campaign;
use crate::model::roster::Roster;
use crate::store::{Store, StoreError};

/// What every use case of the round trip reads: the tree, the lists of
/// each cell at or below a unit as its current version says them, and the
/// records replayed.
struct Trip {
    units: Vec<Unit>,
    settings: Campaign,
    /// By cell code, in the tree's order of the cells.
    lists: HashMap<String, Vec<Listed>>,
    /// By cell code: the members followed up later.
    later: HashMap<String, Vec<listed::Later>>,
    ledger: Ledger,
}

impl Trip {
    /// The trip as seen from `scope`: only its cells' lists are read (a
    /// hand-over of one cell reads one roster, not the Bloc's).
    async fn load(store: &Store, campaign: &str, scope: &str) -> Result<Self, Error> {
        let text = store.campaign(campaign).await?;
        let settings: Campaign = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let units = store.units(campaign).await?;
        let root = units.first().ok_or_else(|| StoreError::Corrupt("chiến dịch không có đơn vị".into()))?;
        let bodies = store.bodies_below(campaign, &root.code).await?;
        let (mut lists, mut later) = (HashMap::new(), HashMap::new());
        for cell in within(scope, &units).into_iter().filter(|u| u.level.keeps_roster()) {
            let Some(body) = bodies.get(&cell.code) else { continue };
            let value = serde_json::from_str(body).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // Every version was checked as it was saved; one that no longer
            // reads (a rule tightened since) lists no one, and says so in the log.
            match Roster::parse(&with_settings(value, &text)?, &JsonPath::root(), None) {
                Ok(roster) => {
                    lists.insert(cell.code.clone(), listed::listed(&cell.code, &roster.value));
                    later.insert(cell.code.clone(), listed::later(&cell.code, &roster.value));
                }
                Err(problems) => {
                    tracing::warn!(
                        campaign,
                        unit = cell.code,
                        problems = problems.len(),
                        "a stored roster no longer reads"
                    )
                }
            }
        }
        let ledger = Ledger::replay(&store.card_records(campaign).await?)?;
        Ok(Self { units, settings, lists, later, ledger })
    }

    /// The units that keep a roster at or below `code`, in the tree's order.
    fn cells_within(&self, code: &str) -> Vec<&Unit> {
        within(code, &self.units).into_iter().filter(|u| u.level.keeps_roster()).collect()
    }
}
