//! Each unit's deadline: its level's, from the campaign's settings, or the
//! one the committee above a cell set for its cells (`docs/campaign.md`,
//! "Deadlines").

use super::{Error, Level, Unit};
use crate::input::{Code, InputError, JsonPath};
use crate::model::campaign::Campaign;
use crate::model::scalar::Date;
use crate::store::{Store, StoreError};

/// Each unit's deadline: its level's, from the campaign's settings, or the
/// one the committee above a cell set for its cells.
#[derive(Debug, Clone)]
pub struct Deadlines {
    levels: Vec<(Level, Date)>,
    /// The deadlines units set for the units right below them, by code.
    set_below: std::collections::HashMap<String, Date>,
}

impl Deadlines {
    /// Each level's deadline (`levels`), and those `units` set for the units below them.
    pub fn new(levels: Vec<(Level, Date)>, units: &[Unit]) -> Self {
        let set = |u: &Unit| Some((u.code.clone(), u.below_deadline.as_deref()?.parse().ok()?));
        Self { levels, set_below: units.iter().filter_map(set).collect() }
    }

    /// From the campaign's settings: the cells', the committees' (a chi bộ
    /// cơ sở's too), the Board's; and those `units` set.
    pub fn of_campaign(settings: &str, units: &[Unit]) -> Result<Self, StoreError> {
        let campaign: Campaign = serde_json::from_str(settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let levels = vec![
            (Level::Board, campaign.board_deadline),
            (Level::Committee, campaign.committee_deadline),
            (Level::BaseCell, campaign.committee_deadline),
            (Level::Cell, campaign.cell_deadline.unwrap_or(campaign.committee_deadline)),
        ];
        Ok(Self::new(levels, units))
    }

    /// Each level's, as the campaign sets it.
    pub fn levels(&self) -> &[(Level, Date)] {
        &self.levels
    }

    /// The deadline of `level`, as the campaign sets it.
    pub fn level(&self, level: Level) -> Option<Date> {
        self.levels.iter().find(|(l, _)| *l == level).map(|(_, d)| *d)
    }

    /// The deadline of `unit`'s report: the one the unit above it set, or its level's.
    pub fn of(&self, unit: &Unit) -> Option<Date> {
        unit.parent.as_ref().and_then(|p| self.set_below.get(p)).copied().or_else(|| self.level(unit.level))
    }
}

/// Sets, for `login` acting for `unit` (a committee), the deadline `day`
/// (`dd/mm/yyyy`; none: the campaign's) of its cells' reports: on or
/// before its own, which the campaign sets.
pub async fn set_below_deadline(
    store: &Store,
    campaign: &str,
    unit: &Unit,
    day: Option<&str>,
    login: &str,
) -> Result<(), Error> {
    let place = JsonPath::root().key("deadline");
    let parsed = day.map(str::trim).filter(|d| !d.is_empty()).map(str::parse::<Date>).transpose();
    let parsed = parsed.map_err(|e| Error::Input(vec![InputError::new(e.code, place.clone(), e.message)]))?;
    if unit.level != Level::Committee {
        return Err(Error::Conflict(format!("{} không có chi bộ trực thuộc để đặt hạn nộp", unit.level.label())));
    }
    let day = match parsed {
        None => None,
        Some(date) => {
            let own = Deadlines::of_campaign(&store.campaign(campaign).await?, &[])?.level(Level::Committee);
            if let Some(own) = own.filter(|own| date > *own) {
                let message = format!("hạn nộp của chi bộ ({date}) sau hạn nộp của tổ chức cơ sở ({own})");
                return Err(Error::Input(vec![InputError::new(Code::LateReport, place, message)]));
            }
            Some(date.to_string())
        }
    };
    store.set_below_deadline(campaign, &unit.code, day.as_deref(), login).await?;
    tracing::info!(campaign, unit = unit.code, deadline = day.as_deref().unwrap_or("-"), by = login, "đã đặt hạn nộp");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{State, test_unit};

    #[test]
    fn a_cell_has_the_deadline_its_committee_set_else_its_levels() {
        let day = |text: &str| -> Date { text.parse().unwrap() };
        let mut committee = test_unit("db", Level::Committee, State::Draft, Some("ban"));
        committee.below_deadline = Some("05/05/2021".into());
        let units = [
            committee,
            test_unit("db.1", Level::Cell, State::Draft, Some("db")),
            test_unit("khac", Level::Committee, State::Draft, Some("ban")),
            test_unit("khac.1", Level::Cell, State::Draft, Some("khac")),
        ];
        let levels = vec![(Level::Committee, day("10/05/2021")), (Level::Cell, day("08/05/2021"))];
        let deadlines = Deadlines::new(levels, &units);
        assert_eq!(deadlines.of(&units[1]), Some(day("05/05/2021")), "its committee's");
        assert_eq!(deadlines.of(&units[3]), Some(day("08/05/2021")), "the campaign's");
        assert_eq!(deadlines.of(&units[0]), Some(day("10/05/2021")), "a committee keeps its own");
        assert_eq!(deadlines.level(Level::Board), None);
    }
}
