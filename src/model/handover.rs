//! A handover record (biên bản giao nhận thẻ đảng viên): who hands over to
//! whom, when, and the cards, photos and written accounts by member, with
//! both sides' signatures — the record of one hand-over of the round trip
//! (`docs/round-trip.md`), in the 36-HD frame.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::scalar::{Date, Name, Text};
use crate::input::{Code, InputError, JsonPath, ObjectReader};

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverRecord {
    /// Tổ chức đảng cấp trên của bên lập biên bản.
    pub superior: Text,
    /// Bên lập biên bản: the receiving side's unit.
    pub issuer: Text,
    /// Số biên bản, e.g. "12/BBGN".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Text>,
    /// Địa danh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Text>,
    /// Ngày giao nhận.
    pub date: Date,
    /// What is handed over, in words: "thẻ đảng viên đề nghị đóng dấu…".
    pub subject: Text,
    pub giver: Side,
    pub receiver: Side,
    /// What was handed over, by member.
    pub cards: Vec<HandedCard>,
    /// What the list named and did not come.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<HandedCard>,
}

/// One side of a hand-over: the unit (or the members), and its person.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Side {
    pub unit: Text,
    /// None: the person is written in by hand on the printed record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<Text>,
}

/// A member's card, photos or account in a hand-over.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HandedCard {
    pub full_name: Name,
    pub birth_date: Date,
    /// Chi bộ.
    pub cell: Text,
    /// Số thẻ: the card's, or the new card's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<Text<20>>,
    /// Giao nhận: "thẻ đảng viên", "2 ảnh 2×3, bản tường trình"…
    pub items: Text,
}

impl HandoverRecord {
    /// Reads and checks a record, every problem at once.
    pub fn parse(value: &Value) -> Result<Self, Vec<InputError>> {
        let root = JsonPath::root();
        let mut r = ObjectReader::new(value, root.clone());
        let superior = r.field("superior");
        let issuer = r.field("issuer");
        let number = r.optional("number");
        let place = r.optional("place");
        let date = r.field("date");
        let subject = r.field("subject");
        let giver = r.field("giver");
        let receiver = r.field("receiver");
        let cards: Option<Vec<HandedCard>> = r.list("cards");
        let missing: Option<Option<Vec<HandedCard>>> = r.optional("missing");
        let mut problems = r.finish();
        if cards.as_ref().is_some_and(Vec::is_empty) {
            let message = "biên bản giao nhận cần ít nhất một đảng viên";
            problems.push(InputError::new(Code::NothingHandedOver, root.key("cards"), message));
        }
        let record = (|| {
            Some(Self {
                superior: superior?,
                issuer: issuer?,
                number: number?,
                place: place?,
                date: date?,
                subject: subject?,
                giver: giver?,
                receiver: receiver?,
                cards: cards?,
                missing: missing?.unwrap_or_default(),
            })
        })();
        match record {
            Some(record) if problems.is_empty() => Ok(record),
            _ => Err(problems),
        }
    }
}
