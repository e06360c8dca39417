//! Form 2-KTTĐV: the cell's list of cards proposed for the inspection stamp.

use serde::Serialize;

use crate::model::frame::{Header, Signature};
use crate::model::roster::{Cell, Roster};
use crate::model::scalar::{CardNumber, Date, Text};

/// What the form 2 template receives.
#[derive(Debug, Serialize)]
pub struct StampList<'a> {
    pub header: Header,
    pub signature: Signature,
    pub reference_date: Date,
    pub cell: &'a Text,
    pub rows: Vec<Row<'a>>,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct Row<'a> {
    pub full_name: &'a Text,
    pub birth_date: Date,
    pub admitted_on: Date,
    pub full_member_on: &'a Date,
    pub card_number: &'a CardNumber,
    /// The home cell of a temporarily attached member.
    pub temporary_from: Option<&'a Text>,
    pub remarks: Option<&'a Text>,
}

impl<'a> StampList<'a> {
    pub fn new(roster: &'a Roster) -> Self {
        let rows: Vec<Row> = roster
            .to_stamp()
            .map(|(member, since, number)| Row {
                full_name: &member.full_name,
                birth_date: member.birth_date,
                admitted_on: member.admitted_on,
                full_member_on: since,
                card_number: number,
                temporary_from: member.temporary_from.as_ref(),
                remarks: member.remarks.as_ref(),
            })
            .collect();
        Self {
            header: cell_header(&roster.cell),
            signature: cell_signature(&roster.cell),
            reference_date: roster.cell.reference_date,
            cell: &roster.cell.name,
            count: rows.len(),
            rows,
        }
    }
}

/// A cell's documents are issued by the cell under its grassroots organisation.
fn cell_header(cell: &Cell) -> Header {
    Header {
        superior: cell.superior.clone(),
        issuer: cell.name.clone(),
        number: None,
        place: cell.place.clone(),
        date: cell.date,
    }
}

/// The cell signs on behalf of its committee, or of the whole cell where it
/// has none.
fn cell_signature(cell: &Cell) -> Signature {
    let body = if cell.has_committee {
        "CHI ỦY"
    } else {
        "CHI BỘ"
    };
    Signature::OnBehalfOf {
        body: body.parse().expect("not empty"),
        title: cell.signer.title.clone(),
        name: cell.signer.name.clone(),
    }
}
