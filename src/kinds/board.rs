//! What the Bloc's Organisation Board sends up: report 7-KTTĐV with its
//! annex (one row per grassroots organisation), the reconciliation with its
//! roll, the deadlines kept and missed, and the lists of the whole Bloc.

use std::collections::BTreeMap;

use serde::Serialize;

use super::cell::CardLists;
use super::committee::{Group, UnitRow};
use super::frame::Frame;
use crate::model::board::{Board, BoardText};
use crate::model::committee::Absent;
use crate::model::reconciliation::Reconciliation;
use crate::model::roster::{Card, Figures};
use crate::model::scalar::{Date, Text};

#[derive(Debug, Serialize)]
pub struct BoardView<'a> {
    #[serde(flatten)]
    pub frame: Frame<'a>,
    pub report: &'a BoardText,
    /// The annex: one row per grassroots organisation.
    pub rows: Vec<UnitRow<'a>>,
    /// The organisations that reported: those whose members section II counts.
    pub reporting: usize,
    /// The sum of the rows, which section II reports.
    pub total: Figures,
    pub rates: Rates,
    /// Full members without a current card, by the reason given.
    pub without_card_reasons: Vec<ReasonCount<'a>>,
    /// None when the input holds no roll.
    pub reconciliation: Option<Reconciliation>,
    pub deadlines: Deadlines<'a>,
    /// The lists of the whole Bloc, by organisation, then by cell.
    pub lists: CardLists<Vec<Group<'a>>>,
}

/// Section II's shares, written the Vietnamese way ("96,5%"); none where
/// there is nothing to divide by.
#[derive(Debug, Serialize)]
pub struct Rates {
    /// Full members holding a card, of all full members.
    pub with_card: Option<String>,
    /// Full members without a current card, of all full members.
    pub without_card: Option<String>,
    /// Cards proposed for stamping, of the cards held.
    pub to_stamp: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ReasonCount<'a> {
    pub reason: &'a Text,
    pub count: usize,
}

/// Section II.3: the reporting committees sorted by when their reports
/// arrived, and those that do not report, each group counted apart so that
/// every sentence of the form says exactly what follows it.
#[derive(Debug, Serialize)]
pub struct Deadlines<'a> {
    pub deadline: Date,
    /// Reporting committees whose report arrived by the deadline.
    pub on_time: usize,
    /// Those whose report arrived after it, in the input's order.
    pub late: Vec<Late<'a>>,
    /// Those whose arrival date the Board has not entered: one sentence,
    /// never a line each.
    pub unknown: usize,
    /// Committees that do not report, and why.
    pub not_reporting: &'a [Absent],
}

#[derive(Debug, Serialize)]
pub struct Late<'a> {
    pub organisation: &'a Text,
    pub received_on: Date,
    /// Days after the deadline, at least 1.
    pub days_late: i64,
}

impl<'a> BoardView<'a> {
    pub fn new(board: &'a Board) -> Self {
        let rows: Vec<UnitRow> = board
            .committees
            .iter()
            .map(|c| UnitRow::of(&c.organisation, c.figures()))
            .chain(board.not_reporting.iter().map(UnitRow::absent))
            .collect();
        let total = UnitRow::total(&rows);
        let deadline = board.campaign.committee_deadline;
        let received: Vec<(&Text, Date)> =
            board.committees.iter().filter_map(|c| Some((&c.organisation, c.received_on?))).collect();
        let late: Vec<Late> = received
            .iter()
            .map(|&(organisation, received_on)| Late {
                organisation,
                received_on,
                days_late: received_on.days_since(deadline),
            })
            .filter(|l| l.days_late > 0)
            .collect();
        Self {
            frame: Frame::new(&board.issuer, &board.campaign),
            report: &board.report,
            rates: Rates {
                with_card: percent(total.with_card, total.full),
                without_card: percent(total.without_card, total.full),
                to_stamp: percent(total.to_stamp, total.with_card),
            },
            without_card_reasons: without_card_reasons(board),
            reconciliation: board.roll.as_deref().map(|roll| Reconciliation::new(board, roll)),
            deadlines: Deadlines {
                deadline,
                on_time: received.len() - late.len(),
                unknown: board.committees.len() - received.len(),
                late,
                not_reporting: &board.not_reporting,
            },
            lists: CardLists::of_committees(&board.committees),
            reporting: board.committees.len(),
            rows,
            total,
        }
    }
}

fn without_card_reasons(board: &Board) -> Vec<ReasonCount<'_>> {
    let mut counts: BTreeMap<&Text, usize> = BTreeMap::new();
    let rosters = board.committees.iter().flat_map(|c| &c.cells);
    for (_, _, card) in rosters.flat_map(|r| r.full_members()) {
        if let Card::NoCurrentCard { reason } = card {
            *counts.entry(reason).or_default() += 1;
        }
    }
    let mut reasons: Vec<ReasonCount> =
        counts.into_iter().map(|(reason, count)| ReasonCount { reason, count }).collect();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.count));
    reasons
}

/// `part` of `whole` to one decimal always, with a decimal comma, as
/// Vietnamese reports write shares: "96,5%", "97,0%", "100,0%".
fn percent(part: usize, whole: usize) -> Option<String> {
    if whole == 0 {
        return None;
    }
    let tenths = (part as f64 * 1000.0 / whole as f64).round() as u64;
    Some(format!("{},{}%", tenths / 10, tenths % 10))
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn shares_have_one_decimal_always() {
        assert_eq!(percent(97, 100).as_deref(), Some("97,0%"));
        assert_eq!(percent(3, 100).as_deref(), Some("3,0%"));
        assert_eq!(percent(2, 3).as_deref(), Some("66,7%"));
        assert_eq!(percent(7_999, 8_000).as_deref(), Some("100,0%"));
        assert_eq!(percent(1, 0), None);
    }
}
