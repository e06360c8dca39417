//! A hand-over planned against the lists and recorded: what was expected,
//! what arrived, what is missing and what does not belong — said at once,
//! before anything is written, and again in the answer.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::Trip;
use super::ledger::{Handover, Ledger, Move, Moved, Outcome, Person, Place, Record};
use super::listed::Listed;
use crate::campaign::{Error, State, Unit};
use crate::input::{Code, InputError, JsonPath, ObjectReader};
use crate::model::scalar::{Date, Text};
use crate::store::{EventAction, NewRecord, Store};

/// What the receiving person says arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    /// Everything the list says: the whole list ticked.
    All,
    /// Card numbers (or keys), one by one, as typed or scanned.
    Typed(Vec<String>),
}

/// A hand-over as asked: when, between whom, what arrived.
#[derive(Debug, Clone)]
pub struct HandoverRequest {
    pub date: Option<Date>,
    pub giver: Option<Person>,
    pub receiver: Option<Person>,
    pub given: Given,
}

impl HandoverRequest {
    /// Reads the request's JSON, every problem at once: `date`
    /// (dd/mm/yyyy, today when absent), `giver` and `receiver` (`name`,
    /// `office`), and either `all: true` or `cards: ["49.000123", …]`.
    pub fn parse(value: &Value) -> Result<Self, Vec<InputError>> {
        let root = JsonPath::root();
        let mut r = ObjectReader::new(value, root.clone());
        let date: Option<Option<Date>> = r.optional("date");
        let giver = r.optional::<Value>("giver");
        let receiver = r.optional::<Value>("receiver");
        let all: Option<Option<bool>> = r.optional("all");
        let cards: Option<Option<Vec<String>>> = r.optional("cards");
        let mut problems = r.finish();
        let mut person = |value: Option<Option<Value>>, key: &'static str| -> Option<Option<Person>> {
            let Some(value) = value? else { return Some(None) };
            let mut r = ObjectReader::new(&value, root.key(key));
            let name: Option<Option<Text<100>>> = r.optional("name");
            let office: Option<Option<Text<200>>> = r.optional("office");
            problems.extend(r.finish());
            let (name, office) = (name?, office?);
            Some(name.map(|n| Person {
                name: n.as_str().to_owned(),
                office: office.map(|o| o.as_str().to_owned()).unwrap_or_default(),
            }))
        };
        let (giver, receiver) = (person(giver, "giver"), person(receiver, "receiver"));
        let given = match (all, cards) {
            (Some(Some(true)), Some(None)) => Some(Given::All),
            (Some(Some(true)), Some(Some(_))) => {
                let message = "chọn một trong hai: «all» (đủ cả danh sách) hoặc «cards» (các số thẻ đã nhận)";
                problems.push(InputError::new(Code::UnknownValue, root.key("cards"), message));
                None
            }
            (Some(_), Some(Some(cards))) => {
                let typed: Vec<String> = cards
                    .iter()
                    .flat_map(|c| c.split([',', ';', '\n']))
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect();
                Some(Given::Typed(typed))
            }
            (Some(_), Some(None)) => {
                let message = "chưa ghi thẻ nào đã nhận: gõ số thẻ đã nhận, hoặc đánh dấu trong danh sách";
                problems.push(InputError::new(Code::NothingHandedOver, root.key("cards"), message));
                None
            }
            _ => None,
        };
        match (date, giver, receiver, given) {
            (Some(date), Some(giver), Some(receiver), Some(given)) if problems.is_empty() => {
                Ok(Self { date, giver, receiver, given })
            }
            _ => Err(problems),
        }
    }
}

/// A card typed that this hand-over does not expect, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extra {
    pub typed: String,
    pub why: String,
    /// Given by a member's key, not a number: a box ticked on a page
    /// opened before the card moved.
    #[serde(skip)]
    pub ticked: bool,
}

/// A hand-over planned: where from and to, what moves, what the list
/// expected and did not get, what was given that it did not expect.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    pub how: Move,
    pub from: Place,
    pub to: Place,
    pub moved: Vec<Moved>,
    pub missing: Vec<Moved>,
    pub extra: Vec<Extra>,
    /// Typed twice: counted once.
    pub repeated: Vec<String>,
}

/// Plans `how` for the cards of `unit`, its cells `cells` (itself, for a
/// cell): what the lists expect at the place the cards leave, against what
/// was given. A pure function of the lists and the ledger.
pub fn plan(
    how: Move,
    unit: &Unit,
    cells: &[&Unit],
    lists: &HashMap<String, Vec<Listed>>,
    ledger: &Ledger,
    given: &Given,
) -> Result<Planned, Error> {
    let Some((from, to)) = how.places(unit.level) else {
        return Err(Error::Refused("đơn vị này không giao, nhận thẻ theo cách này"));
    };
    let expected = expected(how, from, cells, lists, ledger);
    let (moved, missing, extra, repeated) = match given {
        Given::All => (expected, Vec::new(), Vec::new(), Vec::new()),
        Given::Typed(typed) => {
            // A card is found by its number now (a new card's on the way
            // down), its first number, or its key; a number two cards of
            // the hand-over share is each of them in turn.
            let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
            for (i, card) in expected.iter().enumerate() {
                let now = ledger.held.get(&card.member.key).and_then(|h| h.number_now());
                let names = [Some(card.member.key.as_str()), card.member.number.as_deref(), now];
                let mut names: Vec<&str> = names.into_iter().flatten().collect();
                names.dedup();
                for name in names {
                    index.entry(name).or_default().push(i);
                }
            }
            let mut taken = vec![false; expected.len()];
            let (mut extra, mut repeated) = (Vec::new(), Vec::new());
            for card in typed {
                match index.get(card.as_str()) {
                    Some(found) => match found.iter().find(|&&i| !taken[i]) {
                        Some(&i) => taken[i] = true,
                        None => repeated.push(card.clone()),
                    },
                    None => extra.push(elsewhere(card, lists, ledger)),
                }
            }
            let (moved, missing): (Vec<_>, Vec<_>) = expected.into_iter().zip(taken).partition(|(_, t)| *t);
            (
                moved.into_iter().map(|(c, _)| c).collect(),
                missing.into_iter().map(|(c, _)| c).collect(),
                extra,
                repeated,
            )
        }
    };
    Ok(Planned { how, from, to, moved, missing, extra, repeated })
}

/// What a move of the cards of `cells` expects at `from`: on the way up,
/// the members their lists name whose cards are there; on the way down,
/// the cards there that come back — stamped or new, or no longer on any
/// list (`docs/round-trip.md`).
fn expected(
    how: Move,
    from: Place,
    cells: &[&Unit],
    lists: &HashMap<String, Vec<Listed>>,
    ledger: &Ledger,
) -> Vec<Moved> {
    match how {
        Move::Collect | Move::Up => cells
            .iter()
            .flat_map(|cell| lists.get(&cell.code).into_iter().flatten())
            .filter(|listed| ledger.place(&listed.key) == from)
            .map(|listed| Moved { member: listed.clone(), items: listed.list.goes_up().into() })
            .collect(),
        Move::Down | Move::GiveBack => {
            let listed: HashSet<&str> = lists.values().flatten().map(|l| l.key.as_str()).collect();
            let order: HashMap<&str, usize> = cells.iter().enumerate().map(|(i, c)| (c.code.as_str(), i)).collect();
            let mut back: Vec<Moved> = ledger
                .held
                .values()
                .filter(|held| held.place == from && order.contains_key(held.member.cell.as_str()))
                .filter_map(|held| {
                    let items = match &held.outcome {
                        Some(Outcome::Stamped { boxes }) => {
                            format!("thẻ đã đóng dấu ô {}", super::ledger::boxes_words(boxes))
                        }
                        Some(Outcome::NewCard { number, .. }) => format!("thẻ mới số {number}"),
                        Some(Outcome::Pending { .. }) => return None,
                        None if !listed.contains(held.member.key.as_str()) => {
                            "thẻ trả lại (không còn trong danh sách)".into()
                        }
                        None => return None,
                    };
                    Some(Moved { member: held.member.clone(), items })
                })
                .collect();
            back.sort_by(|a, b| {
                (order[a.member.cell.as_str()], &a.member.key).cmp(&(order[b.member.cell.as_str()], &b.member.key))
            });
            back
        }
    }
}

/// Why `typed` is not in this hand-over: where the card it names is.
fn elsewhere(typed: &str, lists: &HashMap<String, Vec<Listed>>, ledger: &Ledger) -> Extra {
    let extra = |why: String, key: Option<&str>| Extra { typed: typed.to_owned(), why, ticked: key == Some(typed) };
    let held = ledger
        .held
        .values()
        .find(|h| h.member.key == typed || h.number_now() == Some(typed) || h.member.number.as_deref() == Some(typed));
    if let Some(held) = held {
        let why = format!(
            "thẻ của {} ({}) {}, không thuộc lần giao nhận này",
            held.member.name,
            held.member.birth_date,
            held.place.label()
        );
        return extra(why, Some(&held.member.key));
    }
    match lists.values().flatten().find(|l| l.key == typed || l.number.as_deref() == Some(typed)) {
        Some(listed) => {
            let why = format!(
                "thẻ của {} ({}) {}, không thuộc lần giao nhận này",
                listed.name,
                listed.birth_date,
                Place::Member.label()
            );
            extra(why, Some(&listed.key))
        }
        None => extra("không có trong danh sách nào của chiến dịch".into(), None),
    }
}

/// What a recorded hand-over answers.
#[derive(Debug, Serialize)]
pub struct Recorded {
    /// The record's number; none for a preview.
    pub number: Option<i64>,
    #[serde(flatten)]
    pub planned: Planned,
}

/// Plans `how` for the unit `lineage[0]` (its parents after it) and, unless
/// `preview`, records it `by` the user, whose name `by_name` is the
/// receiver's when the request names none (empty: left to write by hand). Refused, with every problem,
/// when a card given is not expected or nothing is.
pub async fn record_handover(
    store: &Store,
    campaign: &str,
    how: Move,
    lineage: &[Unit],
    request: &HandoverRequest,
    (by, by_name): (&str, &str),
    preview: bool,
) -> Result<Recorded, Error> {
    let unit = &lineage[0];
    ready(how, unit)?;
    let trip = Trip::load(store, campaign, &unit.code).await?;
    let cells = trip.cells_within(&unit.code);
    let planned = plan(how, unit, &cells, &trip.lists, &trip.ledger, &request.given)?;
    let mut problems: Vec<InputError> = planned
        .extra
        .iter()
        .map(|extra| {
            // A key is not for people: the member is named in `why`.
            let message = match extra.ticked {
                true => format!("{} — trang đã cũ: tải lại trang rồi ghi lại", extra.why),
                false => format!("«{}»: {}", extra.typed, extra.why),
            };
            InputError::new(Code::CardNotExpected, JsonPath::root().key("cards"), message)
        })
        .collect();
    if planned.moved.is_empty() && problems.is_empty() {
        let message = match planned.missing.is_empty() {
            true => format!("không còn thẻ nào {} để {}", planned.from.label(), how.label()),
            false => "chưa ghi thẻ nào trong danh sách đã nhận".into(),
        };
        problems.push(InputError::new(Code::NothingHandedOver, JsonPath::root().key("cards"), message));
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    if preview {
        return Ok(Recorded { number: None, planned });
    }
    let parent = lineage.get(1).map(|p| p.name.clone());
    let members =
        || Person { name: "Đảng viên của chi bộ (theo danh sách kèm theo)".into(), office: String::new() };
    let me = || Person { name: by_name.to_owned(), office: String::new() };
    let (from_unit, to_unit, giver, receiver) = match how {
        Move::Collect => (
            None,
            Some(unit.name.clone()),
            request.giver.clone().unwrap_or_else(members),
            request.receiver.clone().unwrap_or_else(me),
        ),
        Move::GiveBack => (
            Some(unit.name.clone()),
            None,
            request.giver.clone().unwrap_or_else(me),
            request.receiver.clone().unwrap_or_else(members),
        ),
        Move::Up => (
            Some(unit.name.clone()),
            parent,
            named(&request.giver, "giver")?,
            request.receiver.clone().unwrap_or_else(me),
        ),
        Move::Down => (
            parent,
            Some(unit.name.clone()),
            named(&request.giver, "giver")?,
            request.receiver.clone().unwrap_or_else(me),
        ),
    };
    let today = Date::in_vietnam(crate::store::now_ms()).ok_or(Error::Refused("đồng hồ của máy chủ sai"))?;
    let date = request.date.unwrap_or(today);
    if date > today {
        let message = format!("ngày giao nhận {date} chưa tới");
        return Err(Error::Input(vec![InputError::new(Code::InvalidDate, JsonPath::root().key("date"), message)]));
    }
    let handover = Handover {
        how,
        from: planned.from,
        to: planned.to,
        date: date.to_string(),
        giver,
        receiver,
        from_unit,
        to_unit,
        cards: planned.moved.clone(),
        missing: planned.missing.clone(),
    };
    let note = format!("{}: {} thẻ; thiếu {}", how.label(), planned.moved.len(), planned.missing.len());
    let record = Record::Handover(handover);
    let body = record.body();
    let new = NewRecord {
        kind: record.kind(),
        unit: &unit.code,
        body: &body,
        by,
        action: EventAction::Handover,
        note: &note,
        roll: None,
    };
    let number = store.append_card_record(campaign, trip.ledger.seen, &new).await?;
    Ok(Recorded { number: Some(number), planned })
}

/// Whether the unit's cards may make the move now: they go up with lists
/// that have gone up.
fn ready(how: Move, unit: &Unit) -> Result<(), Error> {
    match how {
        Move::Collect if unit.current.is_none() => {
            Err(Error::Conflict(format!("«{}» chưa lưu danh sách nào: thu thẻ theo danh sách đã lập", unit.name)))
        }
        Move::Up if !matches!(unit.state, State::Submitted | State::Approved | State::Accepted) => {
            Err(Error::Conflict(format!(
                "«{}» chưa nộp danh sách (đang «{}»): thẻ được giao lên cùng danh sách đã nộp",
                unit.name,
                unit.state.label()
            )))
        }
        _ => Ok(()),
    }
}

/// The person the request names under `key`, required there.
fn named(person: &Option<Person>, key: &'static str) -> Result<Person, Error> {
    person.clone().ok_or_else(|| {
        let message = "ghi họ tên người giao";
        Error::Input(vec![InputError::new(Code::MissingField, JsonPath::root().key(key).key("name"), message)])
    })
}
