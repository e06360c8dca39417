//! Where each card is: the round trip's records replayed in order. A card
//! starts with its member; each hand-over moves it one step, up or down;
//! the Board's stamping gives it its outcome. Nothing here is stored: the
//! records are (`store::CardRecord`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::listed::{List, Listed};
use crate::campaign::{Action, Level};
use crate::store::{CardRecord, StoreError};

/// Where a card, or what stands for it, is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    /// With its member, not yet collected.
    Member,
    /// Collected by the cell, not yet sent up.
    CellUp,
    /// At the grassroots committee, not yet sent to the Board.
    CommitteeUp,
    /// At the Board: decided on, stamped or replaced there.
    Board,
    /// Back at the grassroots committee.
    CommitteeBack,
    /// Back at the cell.
    CellBack,
    /// Handed back to its member: the round trip's end.
    MemberBack,
}

impl Place {
    pub fn label(self) -> &'static str {
        match self {
            Place::Member => "đảng viên giữ (chưa thu)",
            Place::CellUp => "ở chi bộ, chờ gửi lên",
            Place::CommitteeUp => "ở cấp ủy cơ sở, chờ gửi Ban Tổ chức",
            Place::Board => "ở Ban Tổ chức",
            Place::CommitteeBack => "ở cấp ủy cơ sở, chờ trả chi bộ",
            Place::CellBack => "ở chi bộ, chờ trả đảng viên",
            Place::MemberBack => "đã trả đảng viên",
        }
    }

    /// Whether the card is out of its member's hands.
    pub fn out(self) -> bool {
        !matches!(self, Place::Member | Place::MemberBack)
    }
}

/// A hand-over: which way the cards go, between which two holders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumString, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Move {
    /// A cell collects its members' cards.
    Collect,
    /// A unit's cards go to the level above, which records it.
    Up,
    /// A unit receives its cards back from the level above.
    Down,
    /// A cell hands its members their cards back.
    GiveBack,
}

impl Move {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Where the cards of a unit of `level` come from and go to, for a
    /// move that unit's cards make; none where they make no such move.
    pub fn places(self, level: Level) -> Option<(Place, Place)> {
        use Place::*;
        Some(match (self, level) {
            (Move::Collect, Level::Cell | Level::BaseCell) => (Member, CellUp),
            (Move::Up, Level::Cell) => (CellUp, CommitteeUp),
            // A chi bộ cơ sở reports, and sends its cards, to the Board.
            (Move::Up, Level::BaseCell) => (CellUp, Board),
            (Move::Up, Level::Committee) => (CommitteeUp, Board),
            (Move::Down, Level::Committee) => (Board, CommitteeBack),
            (Move::Down, Level::Cell) => (CommitteeBack, CellBack),
            (Move::Down, Level::BaseCell) => (Board, CellBack),
            (Move::GiveBack, Level::Cell | Level::BaseCell) => (CellBack, MemberBack),
            _ => return None,
        })
    }

    /// What the person recording it does to the unit: the level above
    /// receives a unit's cards going up; the unit itself records the rest.
    pub fn action(self) -> Action {
        match self {
            Move::Up => Action::Decide,
            _ => Action::Edit,
        }
    }

    /// In words: "nhận thẻ do chi bộ giao lên".
    pub fn label(self) -> &'static str {
        match self {
            Move::Collect => "thu thẻ, ảnh, bản tường trình của đảng viên",
            Move::Up => "nhận thẻ, ảnh, bản tường trình do cấp dưới giao lên",
            Move::Down => "nhận thẻ do cấp trên trả về",
            Move::GiveBack => "trả thẻ cho đảng viên",
        }
    }
}

/// A person who hands over or receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub office: String,
}

/// A hand-over as recorded: who, when, which cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    #[serde(rename = "move")]
    pub how: Move,
    /// Where the cards were and where they are now.
    pub from: Place,
    pub to: Place,
    /// dd/mm/yyyy.
    pub date: String,
    pub giver: Person,
    pub receiver: Person,
    /// The giving and receiving units' names; none for the members.
    pub from_unit: Option<String>,
    pub to_unit: Option<String>,
    pub cards: Vec<Moved>,
    /// What the list said would come and did not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Moved>,
}

/// A card in a hand-over, with what the record prints of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    #[serde(flatten)]
    pub member: Listed,
    /// What goes with it, in words.
    pub items: String,
}

/// The Standing Committee's decision, as the Board records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The Board's submission (Tờ trình): its number and date.
    pub submission: Numbered,
    /// The Standing Committee's decision (Quyết định).
    pub decision: Numbered,
    /// The grassroots organisations whose lists it approves: those accepted then.
    pub organisations: Vec<String>,
    /// Who signs it for the Standing Committee, and as what.
    pub title: String,
    pub signer: String,
    /// The organisation above the Bloc's party committee, when the Board said it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superior: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Numbered {
    pub number: String,
    /// dd/mm/yyyy.
    pub date: String,
}

/// What the Board did to cards on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamping {
    /// dd/mm/yyyy.
    pub date: String,
    pub cards: Vec<Stamped>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamped {
    #[serde(flatten)]
    pub member: Listed,
    pub outcome: Outcome,
}

/// What became of a card at the Board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Outcome {
    /// Its card stamped in these boxes.
    Stamped { boxes: Vec<u8> },
    /// A new card, with its number, stamped in these boxes: a damaged card
    /// replaced, a lost one re-issued, a first card issued.
    NewCard { number: String, boxes: Vec<u8> },
    /// Its card is issued later (box 4 stamped then), or not stamped now:
    /// why. Kept at the Board, followed up.
    Pending { reason: String },
}

impl Outcome {
    /// Whether a card goes back down: a stamped or new one.
    pub fn returns_a_card(&self) -> bool {
        !matches!(self, Outcome::Pending { .. })
    }

    pub fn label(&self, list: List) -> String {
        match self {
            Outcome::Stamped { boxes } => format!("đã đóng dấu ô {}", boxes_words(boxes)),
            Outcome::NewCard { number, .. } => {
                let made = match list {
                    List::Damaged => "đã đổi thẻ mới",
                    List::Lost => "đã cấp lại thẻ",
                    _ => "đã cấp thẻ",
                };
                format!("{made} số {number}")
            }
            Outcome::Pending { reason } => format!("chưa trả: {reason}"),
        }
    }
}

/// `[3, 4]` → "3, 4".
pub fn boxes_words(boxes: &[u8]) -> String {
    boxes.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
}

/// A card as the records leave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub member: Listed,
    pub place: Place,
    pub outcome: Option<Outcome>,
    /// The record that last moved or stamped it.
    pub record: i64,
}

impl Held {
    /// The number on the card it holds now: a new card's, else its own.
    pub fn number_now(&self) -> Option<&str> {
        match &self.outcome {
            Some(Outcome::NewCard { number, .. }) => Some(number),
            _ => self.member.number.as_deref(),
        }
    }
}

/// The records replayed: every card that entered the round trip, by key.
#[derive(Debug, Default)]
pub struct Ledger {
    /// The last record's number: what a new one must follow.
    pub seen: i64,
    pub held: HashMap<String, Held>,
    pub decision: Option<Decision>,
}

/// A record's body read back, by its kind.
pub enum Record {
    Handover(Handover),
    Decision(Decision),
    Stamping(Stamping),
}

impl Record {
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Handover(h) => h.how.as_str(),
            Record::Decision(_) => "decision",
            Record::Stamping(_) => "stamping",
        }
    }

    pub fn body(&self) -> String {
        match self {
            Record::Handover(h) => serde_json::to_string(h),
            Record::Decision(d) => serde_json::to_string(d),
            Record::Stamping(s) => serde_json::to_string(s),
        }
        .expect("records serialise")
    }

    pub fn read(record: &CardRecord) -> Result<Self, StoreError> {
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("biên bản thẻ số {}: {e}", record.number));
        Ok(match record.kind.as_str() {
            "decision" => Record::Decision(serde_json::from_str(&record.body).map_err(corrupt)?),
            "stamping" => Record::Stamping(serde_json::from_str(&record.body).map_err(corrupt)?),
            _ => Record::Handover(serde_json::from_str(&record.body).map_err(corrupt)?),
        })
    }
}

impl Ledger {
    /// The records, oldest first, replayed.
    pub fn replay(records: &[CardRecord]) -> Result<Self, StoreError> {
        let mut ledger = Ledger::default();
        for record in records {
            ledger.apply(record.number, Record::read(record)?);
        }
        Ok(ledger)
    }

    fn apply(&mut self, number: i64, record: Record) {
        self.seen = number;
        match record {
            Record::Handover(handover) => {
                for moved in handover.cards {
                    let entry = self.held.entry(moved.member.key.clone()).or_insert_with(|| Held {
                        member: moved.member.clone(),
                        place: Place::Member,
                        outcome: None,
                        record: number,
                    });
                    entry.place = handover.to;
                    entry.record = number;
                }
            }
            Record::Decision(decision) => self.decision = Some(decision),
            Record::Stamping(stamping) => {
                for stamped in stamping.cards {
                    if let Some(held) = self.held.get_mut(&stamped.member.key) {
                        held.outcome = Some(stamped.outcome);
                        held.record = number;
                    }
                }
            }
        }
    }

    /// Where the card `key` is: with its member until a record moves it.
    pub fn place(&self, key: &str) -> Place {
        self.held.get(key).map_or(Place::Member, |h| h.place)
    }
}
