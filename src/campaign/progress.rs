//! Completeness and timeliness (`docs/campaign.md`, "Deadlines and
//! completeness"), after DHIS2's reporting rates: per level, the reports
//! expected, received, approved and on time; per unit, on time, late by
//! so many days, or missing. Days are Vietnam's: a report sent on the
//! deadline's day, at any hour, is on time.

use serde::Serialize;

use super::{Deadlines, Level, State, Unit};
use crate::model::scalar::Date;

/// Where a unit's report stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Timeliness {
    OnTime,
    Late {
        days: i64,
    },
    /// Not received, the deadline passed.
    Missing,
    /// Not received, the deadline still ahead.
    Due,
    NotReporting,
}

impl Timeliness {
    pub fn label(self) -> String {
        match self {
            Timeliness::OnTime => "đúng hạn".into(),
            Timeliness::Late { days } => format!("trễ {days} ngày"),
            Timeliness::Missing => "chưa nộp, quá hạn".into(),
            Timeliness::Due => "chưa đến hạn".into(),
            Timeliness::NotReporting => "không báo cáo".into(),
        }
    }
}

/// The unit's timeliness against `deadline`, `today` being Vietnam's day.
pub fn timeliness(unit: &Unit, deadline: Date, today: Date) -> Timeliness {
    if unit.state == State::NotReporting {
        return Timeliness::NotReporting;
    }
    match unit.submitted_at.and_then(Date::in_vietnam).filter(|_| unit.state.received()) {
        Some(day) if day <= deadline => Timeliness::OnTime,
        Some(day) => Timeliness::Late { days: day.days_since(deadline) },
        None if today > deadline => Timeliness::Missing,
        None => Timeliness::Due,
    }
}

/// One level's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LevelProgress {
    pub level: Level,
    pub label: &'static str,
    pub deadline: String,
    /// Units of the level, less those not reporting.
    pub expected: usize,
    pub received: usize,
    /// Approved (cells) or accepted (committees).
    pub approved: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
}

impl LevelProgress {
    /// "94/100 đơn vị, 94,0%": `count` of those expected.
    pub fn share(&self, count: usize) -> String {
        if self.expected == 0 {
            return "0/0".into();
        }
        let tenths = (count * 1000 + self.expected / 2) / self.expected;
        format!("{count}/{} đơn vị, {},{}%", self.expected, tenths / 10, tenths % 10)
    }
}

/// The counts of each level among `units` (each after its parent) with a
/// deadline, and each unit's timeliness, in the order given.
pub fn progress<'a>(
    units: &[&'a Unit],
    deadlines: &Deadlines,
    today: Date,
) -> (Vec<LevelProgress>, Vec<(&'a Unit, Timeliness)>) {
    // A unit under one that does not report does not report either
    // (parents come before their children).
    let mut silent: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for unit in units {
        if unit.state == State::NotReporting || unit.parent.as_deref().is_some_and(|p| silent.contains(p)) {
            silent.insert(&unit.code);
        }
    }
    let rows: Vec<(&Unit, Timeliness)> = units
        .iter()
        .filter_map(|u| {
            let deadline = deadlines.of(u)?;
            let timeliness = if silent.contains(u.code.as_str()) {
                Timeliness::NotReporting
            } else {
                timeliness(u, deadline, today)
            };
            Some((*u, timeliness))
        })
        .collect();
    let levels = deadlines
        .levels()
        .iter()
        .map(|(level, deadline)| {
            let of: Vec<&(&Unit, Timeliness)> = rows.iter().filter(|(u, _)| u.level == *level).collect();
            let count = |f: &dyn Fn(&(&Unit, Timeliness)) -> bool| of.iter().filter(|r| f(r)).count();
            LevelProgress {
                level: *level,
                label: level.label(),
                deadline: deadline.to_string(),
                expected: count(&|(_, t)| *t != Timeliness::NotReporting),
                received: count(&|(u, _)| u.state.received()),
                approved: count(&|(u, _)| u.state.approved()),
                on_time: count(&|(_, t)| *t == Timeliness::OnTime),
                late: count(&|(_, t)| matches!(t, Timeliness::Late { .. })),
                missing: count(&|(_, t)| *t == Timeliness::Missing),
            }
        })
        .collect();
    (levels, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(state: State, submitted: Option<&str>) -> Unit {
        // Noon in Vietnam on the day given.
        let at = submitted.map(|d| {
            let day: Date = d.parse().unwrap();
            let (d, m, y) = day.parts();
            chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(5, 0, 0).unwrap().and_utc().timestamp_millis()
        });
        Unit { changed_at: at, submitted_at: at, ..crate::campaign::test_unit("c", Level::Cell, state, Some("k")) }
    }

    #[test]
    fn on_the_deadlines_day_is_on_time_the_next_is_a_day_late_and_unsent_is_missing_after_it() {
        let deadline: Date = "10/05/2021".parse().unwrap();
        let today: Date = "20/05/2021".parse().unwrap();
        let mut units = [
            cell(State::Approved, Some("10/05/2021")),
            cell(State::Submitted, Some("13/05/2021")),
            cell(State::Draft, None),
            cell(State::NotReporting, None),
            // Sent once, returned: not received now.
            cell(State::Returned, Some("09/05/2021")),
        ];
        for (i, unit) in units.iter_mut().enumerate() {
            unit.code = format!("c{i}");
        }
        let refs: Vec<&Unit> = units.iter().collect();
        let (levels, rows) = progress(&refs, &Deadlines::new(vec![(Level::Cell, deadline)], &units), today);
        let kinds: Vec<Timeliness> = rows.iter().map(|(_, t)| *t).collect();
        assert_eq!(
            kinds,
            [
                Timeliness::OnTime,
                Timeliness::Late { days: 3 },
                Timeliness::Missing,
                Timeliness::NotReporting,
                Timeliness::Missing
            ]
        );
        let cells = &levels[0];
        assert_eq!(
            (cells.expected, cells.received, cells.approved, cells.on_time, cells.late, cells.missing),
            (4, 2, 1, 1, 1, 2)
        );
        assert_eq!(cells.share(cells.received), "2/4 đơn vị, 50,0%");
        let early: Date = "01/05/2021".parse().unwrap();
        assert_eq!(timeliness(&units[2], deadline, early), Timeliness::Due);
    }

    #[test]
    fn the_cells_of_a_committee_that_does_not_report_are_not_expected() {
        let deadline: Date = "10/05/2021".parse().unwrap();
        let mut committee = cell(State::NotReporting, None);
        (committee.code, committee.level, committee.parent) = ("k".into(), Level::Committee, None);
        let below = cell(State::Draft, None);
        let (levels, rows) = progress(
            &[&committee, &below],
            &Deadlines::new(vec![(Level::Committee, deadline), (Level::Cell, deadline)], &[]),
            deadline,
        );
        assert_eq!(rows[1].1, Timeliness::NotReporting);
        assert_eq!((levels[0].expected, levels[1].expected), (0, 0));
    }

    #[test]
    fn a_unit_not_reporting_is_neither_late_nor_missing_and_a_return_is_not_received() {
        let deadline: Date = "10/05/2021".parse().unwrap();
        let today: Date = "20/05/2021".parse().unwrap();
        assert_eq!(timeliness(&cell(State::NotReporting, None), deadline, today), Timeliness::NotReporting);
        // Sent on time once, returned since: not with the level above any more.
        assert_eq!(timeliness(&cell(State::Returned, Some("09/05/2021")), deadline, today), Timeliness::Missing);
        let early: Date = "01/05/2021".parse().unwrap();
        assert_eq!(timeliness(&cell(State::Draft, None), deadline, early), Timeliness::Due);
    }

    #[test]
    fn each_timeliness_is_said_in_vietnamese() {
        assert_eq!(Timeliness::Late { days: 3 }.label(), "trễ 3 ngày");
        assert_eq!(Timeliness::Missing.label(), "chưa nộp, quá hạn");
        assert_eq!(Timeliness::Due.label(), "chưa đến hạn");
    }
}
