//! What every document above the cell prints around its body: who issues
//! it, who signs, to whom it goes, and the date its figures are counted at.

use serde::Serialize;

use crate::model::campaign::Campaign;
use crate::model::frame::{Header, Issuer, Signature};
use crate::model::scalar::{Date, Text};

#[derive(Debug, Serialize)]
pub struct Frame<'a> {
    pub header: HeaderView,
    /// The issuer's name as a sentence writes it, when given.
    pub name: Option<&'a Text>,
    pub signature: &'a Signature,
    pub recipients: &'a [Text],
    pub reference_date: Date,
    pub campaign: &'a Campaign,
}

impl<'a> Frame<'a> {
    pub fn new(issuer: &'a Issuer, campaign: &'a Campaign) -> Self {
        Self {
            header: HeaderView::new(issuer.header.clone()),
            name: issuer.name.as_ref(),
            signature: &issuer.signature,
            recipients: &issuer.recipients,
            reference_date: campaign.reference_date,
            campaign,
        }
    }
}

/// A document's header as its template receives it: the header, and its
/// date in parts (`issued`) so that the template need not take the text
/// "dd/mm/yyyy" apart again.
#[derive(Debug, Serialize)]
pub struct HeaderView {
    #[serde(flatten)]
    pub header: Header,
    pub issued: Issued,
}

#[derive(Debug, Serialize)]
pub struct Issued {
    pub day: u32,
    pub month: u32,
    pub year: i32,
}

impl HeaderView {
    pub fn new(header: Header) -> Self {
        Self { issued: Self::issued(header.date), header }
    }

    /// A date in parts, as templates receive it.
    pub fn issued(date: crate::model::scalar::Date) -> Issued {
        let (day, month, year) = date.parts();
        Issued { day, month, year }
    }
}
