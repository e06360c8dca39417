//! What a grassroots committee sends up: form 6-KTTĐV, one row per cell,
//! and its cells' lists 2 to 5 consolidated for appraisal. Both are built
//! from the cells' own figures and lists, never counted again.

use serde::Serialize;

use super::cell::{CardLists, Row};
use super::frame::Frame;
use crate::model::committee::{Absent, Committee};
use crate::model::roster::{Figures, Roster};
use crate::model::scalar::Text;

#[derive(Debug, Serialize)]
pub struct CommitteeView<'a> {
    #[serde(flatten)]
    pub frame: Frame<'a>,
    pub organisation: &'a Text,
    /// Form 6: one row per cell.
    pub rows: Vec<UnitRow<'a>>,
    /// The "Tổng cộng" row: the sum of the rows.
    pub total: Figures,
    /// The appraisal lists, grouped by cell.
    pub lists: CardLists<Vec<Group<'a>>>,
}

/// A row of form 6 or of the annex of form 7: a unit and its figures, or
/// a unit that does not report, without figures, and why.
#[derive(Debug, Serialize)]
pub struct UnitRow<'a> {
    pub name: &'a Text,
    /// None for a unit that does not report: its row is left blank, not
    /// written as zeros, and adds nothing to the total.
    pub figures: Option<Figures>,
    /// "Không báo cáo: …", in the remarks column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}

impl<'a> UnitRow<'a> {
    pub fn of(name: &'a Text, figures: Figures) -> Self {
        Self { name, figures: Some(figures), remark: None }
    }

    /// The sum of the rows of the units that report.
    pub fn total(rows: &[Self]) -> Figures {
        rows.iter().filter_map(|row| row.figures).sum()
    }

    /// The row of a unit that does not report.
    pub fn absent(absent: &'a Absent) -> Self {
        Self { name: &absent.name, figures: None, remark: Some(format!("Không báo cáo: {}", absent.reason)) }
    }
}

/// A unit's part of a consolidated list: a cell's rows, or an
/// organisation's cells; `count` is its subtotal.
#[derive(Debug, Serialize)]
pub struct Group<'a> {
    pub title: &'a Text,
    pub count: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<Row<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group<'a>>,
}

impl<'a> CardLists<Vec<Group<'a>>> {
    /// Each list of each cell, under the cell's name.
    pub fn of_cells(cells: &'a [Roster]) -> Self {
        let mut lists = Self::default();
        for roster in cells {
            for (list, rows) in lists.each_mut().into_iter().zip(CardLists::new(roster).into_array()) {
                list.push(Group { title: &roster.cell.name, count: rows.len(), rows, groups: Vec::new() });
            }
        }
        lists
    }

    /// Each list of each committee, under the organisation's name.
    pub fn of_committees(committees: &'a [Committee]) -> Self {
        let mut lists = Self::default();
        for committee in committees {
            for (list, groups) in lists.each_mut().into_iter().zip(Self::of_cells(&committee.cells).into_array()) {
                let count = groups.iter().map(|g| g.count).sum();
                list.push(Group { title: &committee.organisation, count, rows: Vec::new(), groups });
            }
        }
        lists
    }
}

impl<'a> CommitteeView<'a> {
    pub fn new(committee: &'a Committee) -> Self {
        let rows: Vec<UnitRow> = committee
            .cells
            .iter()
            .map(|roster| UnitRow::of(&roster.cell.name, roster.figures()))
            .chain(committee.not_reporting.iter().map(UnitRow::absent))
            .collect();
        Self {
            frame: Frame::new(&committee.issuer, &committee.campaign),
            organisation: &committee.organisation,
            total: UnitRow::total(&rows),
            rows,
            lists: CardLists::of_cells(&committee.cells),
        }
    }
}
