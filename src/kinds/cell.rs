//! What a cell sends up: report 1-KTTĐV and lists 2 to 5, all views of one
//! checked roster, so that every figure and every list agrees.

use serde::Serialize;

use super::frame::HeaderView;
use crate::model::campaign::Campaign;
use crate::model::frame::Signature;
use crate::model::prose::Block;
use crate::model::roster::{Card, Figures, Member, Roster};
use crate::model::scalar::{CardNumber, Date, Name, StampBoxes, Text};

/// What every cell template receives; each form prints its part.
#[derive(Debug, Serialize)]
pub struct CellView<'a> {
    pub header: HeaderView,
    pub signature: Signature,
    pub reference_date: Date,
    pub cell: &'a Text,
    pub superior: &'a Text,
    pub campaign: &'a Campaign,
    pub figures: Figures,
    #[serde(flatten)]
    pub lists: CardLists<Vec<Row<'a>>>,
    pub usage: &'a [Block],
    pub proposals: &'a [Block],
    pub recipients: &'a [Text],
}

/// One member on a list, with what that list says about the card.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    pub full_name: &'a Name,
    pub birth_date: Date,
    pub admitted_on: Date,
    pub full_member_on: Date,
    pub card_number: Option<&'a CardNumber>,
    /// The home cell of a temporarily attached member.
    pub temporary_from: Option<&'a Text>,
    pub remarks: Option<&'a Text>,
    #[serde(flatten)]
    pub detail: Detail<'a>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Detail<'a> {
    Damaged { defect: &'a Text, stamp_boxes: Option<&'a StampBoxes> },
    Lost { circumstances: &'a Text, handling: &'a Text, stamp_boxes: Option<&'a StampBoxes> },
    Reason { reason: &'a Text },
    None {},
}

/// Whether a card belongs on a list, and with which number and detail.
type Pick<'a> = fn(&'a Card) -> Option<(Option<&'a CardNumber>, Detail<'a>)>;

/// The lists 2 to 5, each named like the figure that counts its members:
/// rows for a cell, groups of rows above it.
#[derive(Debug, Default, Serialize)]
pub struct CardLists<L> {
    /// Form 2: cards proposed for stamping.
    pub to_stamp: L,
    /// Form 3: damaged cards to replace.
    pub damaged: L,
    /// Form 4: lost cards to re-issue.
    pub lost: L,
    /// Form 5: full members without a current card.
    pub without_card: L,
}

impl<L> CardLists<L> {
    /// The lists' names in the data, in the order of [`CardLists::into_array`].
    pub const NAMES: [&'static str; 4] = ["to_stamp", "damaged", "lost", "without_card"];

    pub fn into_array(self) -> [L; 4] {
        [self.to_stamp, self.damaged, self.lost, self.without_card]
    }

    pub fn each_mut(&mut self) -> [&mut L; 4] {
        [&mut self.to_stamp, &mut self.damaged, &mut self.lost, &mut self.without_card]
    }
}

impl<'a> CardLists<Vec<Row<'a>>> {
    /// A cell's lists: the full members whose card outcome puts them there.
    pub fn new(roster: &'a Roster) -> Self {
        let list = |detail: Pick<'a>| -> Vec<Row<'a>> {
            roster
                .full_members()
                .filter_map(|(member, since, card)| {
                    let (card_number, detail) = detail(card)?;
                    Some(row(member, since, card_number, detail))
                })
                .collect()
        };
        Self {
            to_stamp: list(|card| match card {
                Card::Stamp { number } => Some((Some(number), Detail::None {})),
                _ => None,
            }),
            damaged: list(|card| match card {
                Card::Damaged { number, defect, stamp_boxes } => {
                    Some((Some(number), Detail::Damaged { defect, stamp_boxes: stamp_boxes.as_ref() }))
                }
                _ => None,
            }),
            lost: list(|card| match card {
                Card::Lost { number, circumstances, handling, stamp_boxes } => {
                    Some((number.as_ref(), Detail::Lost { circumstances, handling, stamp_boxes: stamp_boxes.as_ref() }))
                }
                _ => None,
            }),
            without_card: list(|card| match card {
                Card::NoCurrentCard { reason } => Some((None, Detail::Reason { reason })),
                _ => None,
            }),
        }
    }
}

impl<'a> CellView<'a> {
    pub fn new(roster: &'a Roster) -> Self {
        let cell = &roster.cell;
        Self {
            header: HeaderView::new(cell.header()),
            signature: cell.signature(),
            reference_date: roster.reference_date(),
            cell: &cell.name,
            superior: &cell.superior,
            campaign: &roster.campaign,
            figures: roster.figures(),
            lists: CardLists::new(roster),
            usage: &roster.report.usage,
            proposals: &roster.report.proposals,
            recipients: &cell.recipients,
        }
    }
}

fn row<'a>(member: &'a Member, since: Date, card_number: Option<&'a CardNumber>, detail: Detail<'a>) -> Row<'a> {
    Row {
        full_name: &member.full_name,
        birth_date: member.birth_date,
        admitted_on: member.admitted_on,
        full_member_on: since,
        card_number,
        temporary_from: member.temporary_from.as_ref(),
        remarks: member.remarks.as_ref(),
        detail,
    }
}
