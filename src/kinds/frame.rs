//! What every document above the cell prints around its body: who issues
//! it, who signs, to whom it goes, and the date its figures are counted at.

use serde::Serialize;

use crate::model::campaign::Campaign;
use crate::model::frame::{Header, Issuer, Signature};
use crate::model::scalar::{Date, Text};

#[derive(Debug, Serialize)]
pub struct Frame<'a> {
    pub header: &'a Header,
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
            header: &issuer.header,
            name: issuer.name.as_ref(),
            signature: &issuer.signature,
            recipients: &issuer.recipients,
            reference_date: campaign.reference_date,
            campaign,
        }
    }
}
