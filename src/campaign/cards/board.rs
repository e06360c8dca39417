//! The Board's part of the round trip: the Standing Committee's decision
//! on the lists, recorded with the Board's submission; then the cards
//! stamped, replaced, re-issued or issued, the roll's new version with the
//! new numbers, and the workbook of changes for the Party-member database.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use super::Trip;
use super::ledger::{Decision, Numbered, Outcome, Place, Record, Stamped, Stamping};
use super::listed::List;
use crate::campaign::{Error, Level, State, Unit};
use crate::input::{Code, InputError, JsonPath, ObjectReader};
use crate::model::scalar::{CardNumber, Date, Name, Text, fold};
use crate::store::{EventAction, NewRecord, Store};

/// The decision as the Board enters it.
#[derive(Debug, Clone)]
pub struct DecisionRequest {
    submission: (Text<50>, Date),
    decision: (Text<50>, Date),
    /// Who signs it for the Standing Committee: title («BÍ THƯ» when not
    /// said) and name; the organisation above the Bloc's committee, when
    /// not the province of the Board's place.
    signer: (Text<50>, Name),
    superior: Option<Text>,
}

impl DecisionRequest {
    /// `{"submission": {"number", "date"}, "decision": {"number", "date",
    /// "title", "signer", "superior"}}`, every problem at once.
    pub fn parse(value: &Value) -> Result<Self, Vec<InputError>> {
        let root = JsonPath::root();
        let mut r = ObjectReader::new(value, root.clone());
        let submission: Option<Value> = r.field("submission");
        let decision: Option<Value> = r.field("decision");
        let mut problems = r.finish();
        let submission = submission.and_then(|value| {
            let mut r = ObjectReader::new(&value, root.key("submission"));
            let number: Option<Text<50>> = r.field("number");
            let date: Option<Date> = r.field("date");
            problems.extend(r.finish());
            Some((number?, date?))
        });
        let decision = decision.and_then(|value| {
            let mut r = ObjectReader::new(&value, root.key("decision"));
            let number: Option<Text<50>> = r.field("number");
            let date: Option<Date> = r.field("date");
            let title: Option<Option<Text<50>>> = r.optional("title");
            let signer: Option<Name> = r.field("signer");
            let superior: Option<Option<Text>> = r.optional("superior");
            problems.extend(r.finish());
            Some(((number?, date?), (title?, signer?), superior?))
        });
        if let (Some((_, submitted)), Some(((_, decided), _, _))) = (&submission, &decision)
            && decided < submitted
        {
            let message = format!("quyết định ngày {decided} trước tờ trình ngày {submitted}");
            problems.push(InputError::new(Code::InvalidDate, root.key("decision").key("date"), message));
        }
        match (submission, decision) {
            (Some(submission), Some((decision, (title, signer), superior))) if problems.is_empty() => {
                let title = title.unwrap_or_else(|| "BÍ THƯ".parse().expect("a title"));
                Ok(Self { submission, decision, signer: (title, signer), superior })
            }
            _ => Err(problems),
        }
    }
}

/// Records the decision on the lists of the grassroots organisations the
/// Board has accepted, `by` its officer; the organisations it covers.
pub async fn record_decision(
    store: &Store,
    campaign: &str,
    board: &Unit,
    request: &DecisionRequest,
    by: &str,
) -> Result<Vec<String>, Error> {
    only_the_board(board)?;
    let trip = Trip::load(store, campaign, &board.code).await?;
    let accepted: Vec<&Unit> =
        trip.units.iter().filter(|u| u.parent.as_deref() == Some(&board.code) && u.state == State::Accepted).collect();
    if accepted.is_empty() {
        return Err(Error::Conflict(
            "chưa tiếp nhận báo cáo của tổ chức cơ sở đảng nào: quyết định duyệt các danh sách đã tiếp nhận".into(),
        ));
    }
    let decided = request.decision.1;
    let today = Date::in_vietnam(crate::store::now_ms()).ok_or(Error::Refused("đồng hồ của máy chủ sai"))?;
    if decided > today {
        let message = format!("ngày quyết định {decided} chưa tới");
        return Err(Error::Input(vec![InputError::new(
            Code::InvalidDate,
            JsonPath::root().key("decision").key("date"),
            message,
        )]));
    }
    let numbered =
        |(number, date): &(Text<50>, Date)| Numbered { number: number.as_str().into(), date: date.to_string() };
    let decision = Decision {
        submission: numbered(&request.submission),
        decision: numbered(&request.decision),
        organisations: accepted.iter().map(|u| u.code.clone()).collect(),
        title: request.signer.0.as_str().into(),
        signer: request.signer.1.as_str().into(),
        superior: request.superior.as_ref().map(|s| s.as_str().into()),
    };
    let note = format!(
        "Quyết định số {} ngày {}: {} tổ chức cơ sở đảng",
        decision.decision.number,
        decision.decision.date,
        accepted.len()
    );
    let record = Record::Decision(decision);
    let body = record.body();
    let new = NewRecord {
        kind: record.kind(),
        unit: &board.code,
        body: &body,
        by,
        action: EventAction::Decision,
        note: &note,
        roll: None,
    };
    store.append_card_record(campaign, trip.ledger.seen, &new).await?;
    Ok(accepted.iter().map(|u| u.name.clone()).collect())
}

/// One card's outcome as the Board enters it.
#[derive(Debug, Clone)]
struct CardEntry {
    card: String,
    new_number: Option<CardNumber>,
    boxes: Option<Vec<u8>>,
    pending: Option<Text>,
}

/// A day's stamping as the Board enters it.
#[derive(Debug, Clone)]
pub struct StampingRequest {
    date: Option<Date>,
    /// Every card of list 2 at the Board, stamped in the round's box.
    stamp_all: bool,
    cards: Vec<CardEntry>,
}

impl StampingRequest {
    /// `{"date", "stamp_all": true, "cards": [{"card", "new_number",
    /// "boxes", "pending"}]}`, every problem at once.
    pub fn parse(value: &Value) -> Result<Self, Vec<InputError>> {
        let root = JsonPath::root();
        let mut r = ObjectReader::new(value, root.clone());
        let date: Option<Option<Date>> = r.optional("date");
        let stamp_all: Option<Option<bool>> = r.optional("stamp_all");
        let items: Option<Option<Vec<Value>>> = r.optional("cards");
        let mut problems = r.finish();
        let at = root.key("cards");
        let cards: Option<Vec<CardEntry>> = items.map(|items| {
            let items = items.unwrap_or_default();
            let read = |(i, item): (usize, &Value)| {
                let mut r = ObjectReader::new(item, at.index(i));
                let card: Option<Text<100>> = r.field("card");
                let new_number: Option<Option<CardNumber>> = r.optional("new_number");
                let boxes: Option<Option<crate::model::scalar::StampBoxes>> = r.optional("boxes");
                let pending: Option<Option<Text>> = r.optional("pending");
                problems.extend(r.finish());
                Some(CardEntry {
                    card: card?.as_str().to_owned(),
                    new_number: new_number?,
                    boxes: boxes?.map(|b| b.boxes().to_vec()),
                    pending: pending?,
                })
            };
            items.iter().enumerate().map(read).collect::<Vec<_>>().into_iter().flatten().collect()
        });
        if let (Some(None | Some(false)), Some(cards)) = (stamp_all, &cards)
            && cards.is_empty()
            && problems.is_empty()
        {
            let message = "không có thẻ nào để đóng dấu: chọn «đóng dấu tất cả thẻ 2-KTTĐV» hoặc ghi từng thẻ";
            problems.push(InputError::new(Code::NothingHandedOver, at.clone(), message));
        }
        match (date, stamp_all, cards) {
            (Some(date), Some(all), Some(cards)) if problems.is_empty() => {
                Ok(Self { date, stamp_all: all.unwrap_or(false), cards })
            }
            _ => Err(problems),
        }
    }
}

/// What a stamping did.
#[derive(Debug, Serialize)]
pub struct StampingDone {
    pub number: i64,
    pub stamped: usize,
    pub new_cards: usize,
    pub pending: usize,
    /// Members given a new number on the roll's new version.
    pub roll_updated: usize,
    /// Members with a new card the roll does not hold: to add by hand.
    pub not_on_roll: Vec<String>,
}

/// Records a day's stamping `by` the Board's officer: each card's outcome,
/// checked against the decision, where the card is and every number
/// already given; with the roll's new version, in one transaction.
pub async fn record_stamping(
    store: &Store,
    campaign: &str,
    board: &Unit,
    request: &StampingRequest,
    by: &str,
) -> Result<StampingDone, Error> {
    only_the_board(board)?;
    let trip = Trip::load(store, campaign, &board.code).await?;
    let Some(decision) = &trip.ledger.decision else {
        return Err(Error::Conflict(
            "chưa ghi quyết định của Ban Thường vụ: chỉ đóng dấu, đổi, cấp lại thẻ sau khi có quyết định".into(),
        ));
    };
    let decided: Date =
        decision.decision.date.parse().map_err(|_| Error::Refused("ngày quyết định đã ghi không đọc được"))?;
    let today = Date::in_vietnam(crate::store::now_ms()).ok_or(Error::Refused("đồng hồ của máy chủ sai"))?;
    let date = request.date.unwrap_or(today);
    let mut problems = Vec::new();
    let root = JsonPath::root();
    if date < decided || date > today {
        let message = format!("ngày đóng dấu {date} phải từ ngày quyết định ({decided}) đến hôm nay");
        problems.push(InputError::new(Code::InvalidDate, root.key("date"), message));
    }
    // The organisation a cell's cards belong to: its committee, or itself.
    let organisation = |cell: &str| {
        let unit = trip.units.iter().find(|u| u.code == cell)?;
        if unit.level == Level::BaseCell { Some(unit.code.clone()) } else { unit.parent.clone() }
    };
    let covered = |cell: &str| organisation(cell).is_some_and(|o| decision.organisations.contains(&o));
    let roll: Option<Vec<Value>> = match store.roll(campaign).await? {
        Some(text) => serde_json::from_str(&text).ok(),
        None => None,
    };
    // Every number a card has, or had: none may be given again.
    let mut taken: HashSet<String> = trip.lists.values().flatten().filter_map(|l| l.number.clone()).collect();
    taken.extend(trip.ledger.held.values().filter_map(|h| h.number_now().map(str::to_owned)));
    taken.extend(roll.iter().flatten().filter_map(|e| e["card_number"].as_str().map(str::to_owned)));
    let round = trip.settings.round;

    let mut stamped: Vec<Stamped> = Vec::new();
    let mut named: HashSet<&str> = HashSet::new();
    for (i, entry) in request.cards.iter().enumerate() {
        let at = root.key("cards").index(i);
        let held = trip
            .ledger
            .held
            .values()
            .find(|h| h.member.key == entry.card || h.member.number.as_deref() == Some(&entry.card));
        let Some(held) = held.filter(|h| h.place == Place::Board) else {
            let message = format!("thẻ «{}» không ở Ban Tổ chức (chưa được giao lên, hoặc đã trả về)", entry.card);
            problems.push(InputError::new(Code::CardNotExpected, at.key("card"), message));
            continue;
        };
        if !named.insert(held.member.key.as_str()) {
            problems.push(InputError::new(
                Code::CardNotExpected,
                at.key("card"),
                format!("thẻ «{}» ghi hai lần", entry.card),
            ));
            continue;
        }
        if !covered(&held.member.cell) {
            let message =
                format!("{}: danh sách của tổ chức cơ sở đảng này chưa có trong quyết định", held.member.name);
            problems.push(InputError::new(Code::CardNotExpected, at.key("card"), message));
            continue;
        }
        if held.outcome.as_ref().is_some_and(Outcome::returns_a_card) {
            let message = format!(
                "thẻ của {} đã {}",
                held.member.name,
                held.outcome.as_ref().map(|o| o.label(held.member.list)).unwrap_or_default()
            );
            problems.push(InputError::new(Code::CardNotExpected, at.key("card"), message));
            continue;
        }
        let boxes = entry.boxes.clone().unwrap_or_else(|| match held.member.boxes.is_empty() {
            true => vec![round],
            false => held.member.boxes.clone(),
        });
        let outcome = match (&entry.pending, &entry.new_number, held.member.list) {
            (Some(reason), None, _) => Outcome::Pending { reason: reason.as_str().into() },
            (Some(_), Some(_), _) => {
                let message = "thẻ đã có số mới thì không để «chưa trả»: bỏ một trong hai";
                problems.push(InputError::new(Code::UnknownValue, at.key("pending"), message));
                continue;
            }
            (None, None, List::Stamp) => Outcome::Stamped { boxes },
            (None, Some(_), List::Stamp) => {
                let message =
                    format!("{} được đóng dấu thẻ đang giữ (danh sách 2-KTTĐV), không cấp số mới", held.member.name);
                problems.push(InputError::new(Code::UnknownValue, at.key("new_number"), message));
                continue;
            }
            (None, None, list) => {
                let message =
                    format!("{} ({}): ghi số thẻ mới, hoặc lý do chưa trả («pending»)", held.member.name, list.form());
                problems.push(InputError::new(Code::MissingField, at.key("new_number"), message));
                continue;
            }
            (None, Some(number), _) => {
                let number = number.to_string();
                if !taken.insert(number.clone()) {
                    let message =
                        format!("số thẻ {number} đã có người mang (trong danh sách, danh sách quản lý, hoặc vừa cấp)");
                    problems.push(InputError::new(Code::CardNumberTaken, at.key("new_number"), message));
                    continue;
                }
                Outcome::NewCard { number, boxes }
            }
        };
        stamped.push(Stamped { member: held.member.clone(), outcome });
    }
    if request.stamp_all {
        let mut rest: Vec<Stamped> = trip
            .ledger
            .held
            .values()
            .filter(|h| h.place == Place::Board && h.member.list == List::Stamp && h.outcome.is_none())
            .filter(|h| !named.contains(h.member.key.as_str()) && covered(&h.member.cell))
            .map(|h| Stamped { member: h.member.clone(), outcome: Outcome::Stamped { boxes: vec![round] } })
            .collect();
        rest.sort_by(|a, b| a.member.key.cmp(&b.member.key));
        stamped.extend(rest);
    }
    if problems.is_empty() && stamped.is_empty() {
        // «Stamp all» asked with nothing to stamp: the cards have not come up (or are all done).
        let message = match request.stamp_all {
            true => {
                "không còn thẻ nào ở Ban Tổ chức chờ đóng dấu: các tổ chức cơ sở đảng chưa giao thẻ lên, hoặc thẻ đã được ghi kết quả hết"
            }
            false => "không có thẻ nào để đóng dấu: chọn «đóng dấu tất cả thẻ 2-KTTĐV» hoặc ghi từng thẻ",
        };
        problems.push(InputError::new(Code::NothingHandedOver, root.key("cards"), message));
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let (roll_text, roll_updated, not_on_roll) = match roll {
        Some(mut entries) => {
            let (updated, missing) = renumber(&mut entries, &stamped);
            (Some(serde_json::to_string(&entries).expect("JSON serialises")), updated, missing)
        }
        None => (None, 0, Vec::new()),
    };
    let count = |f: fn(&Outcome) -> bool| stamped.iter().filter(|s| f(&s.outcome)).count();
    let stamped_n = count(|o| matches!(o, Outcome::Stamped { .. }));
    let new_cards = count(|o| matches!(o, Outcome::NewCard { .. }));
    let pending = count(|o| matches!(o, Outcome::Pending { .. }));
    let note = format!("đóng dấu {stamped_n} thẻ, cấp {new_cards} thẻ mới, {pending} chưa trả");
    let record = Record::Stamping(Stamping { date: date.to_string(), cards: stamped });
    let body = record.body();
    let new = NewRecord {
        kind: record.kind(),
        unit: &board.code,
        body: &body,
        by,
        action: EventAction::Stamping,
        note: &note,
        roll: roll_text.as_deref(),
    };
    let number = store.append_card_record(campaign, trip.ledger.seen, &new).await?;
    Ok(StampingDone { number, stamped: stamped_n, new_cards, pending, roll_updated, not_on_roll })
}

/// Gives the members of `stamped` with a new card their new number on the
/// roll `entries`: found by their old number, else by name and date of
/// birth. How many were found, and who was not.
fn renumber(entries: &mut [Value], stamped: &[Stamped]) -> (usize, Vec<String>) {
    let (mut updated, mut missing) = (0, Vec::new());
    for card in stamped {
        let Outcome::NewCard { number, .. } = &card.outcome else { continue };
        let member = &card.member;
        let by_number =
            member.number.as_ref().and_then(|old| entries.iter().position(|e| e["card_number"].as_str() == Some(old)));
        let by_name = || {
            entries.iter().position(|e| {
                e["full_name"].as_str().map(fold) == Some(fold(&member.name))
                    && e["birth_date"].as_str().and_then(|d| d.parse::<Date>().ok()).map(|d| d.to_string())
                        == Some(member.birth_date.clone())
            })
        };
        match by_number.or_else(by_name) {
            Some(i) => {
                entries[i]["card_number"] = Value::String(number.clone());
                updated += 1;
            }
            None => missing.push(format!("{} ({})", member.name, member.birth_date)),
        }
    }
    (updated, missing)
}

/// The workbook of changes for the Party-member database: every new card
/// of the cells at or below `unit`, with the old number, name, date of
/// birth and unit.
pub async fn changes_workbook(store: &Store, campaign: &str, unit: &str) -> Result<Vec<u8>, Error> {
    let trip = Trip::load(store, campaign, unit).await?;
    let cells: HashSet<&str> = trip.cells_within(unit).iter().map(|u| u.code.as_str()).collect();
    let name = |code: &str| trip.units.iter().find(|u| u.code == code).map(|u| u.name.clone()).unwrap_or_default();
    let parent = |code: &str| {
        let unit = trip.units.iter().find(|u| u.code == code)?;
        match unit.level {
            Level::BaseCell => Some(unit.name.clone()),
            _ => unit.parent.as_deref().map(name),
        }
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut held: Vec<_> = trip.ledger.held.values().collect();
    held.sort_by_key(|h| h.record);
    for h in held {
        let Some(Outcome::NewCard { number, boxes }) = &h.outcome else { continue };
        if !cells.contains(h.member.cell.as_str()) {
            continue;
        }
        let what = match h.member.list {
            List::Damaged => "Đổi thẻ hỏng",
            List::Lost => "Cấp lại thẻ mất",
            _ => "Cấp thẻ",
        };
        rows.push(vec![
            h.member.name.clone(),
            h.member.birth_date.clone(),
            name(&h.member.cell),
            parent(&h.member.cell).unwrap_or_default(),
            h.member.number.clone().unwrap_or_default(),
            number.clone(),
            what.into(),
            super::ledger::boxes_words(boxes),
        ]);
    }
    let titles =
        ["Họ và tên", "Ngày sinh", "Chi bộ", "Tổ chức cơ sở đảng", "Số thẻ cũ", "Số thẻ mới", "Việc", "Ô đóng dấu"];
    Ok(super::workbook::workbook(&[super::workbook::Sheet { name: "Thay đổi số thẻ", titles: &titles, rows }]))
}

fn only_the_board(unit: &Unit) -> Result<(), Error> {
    match unit.level {
        Level::Board => Ok(()),
        _ => Err(Error::Refused("chỉ Ban Tổ chức ghi quyết định và đóng dấu thẻ")),
    }
}
