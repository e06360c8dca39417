//! The round trip as people follow it: a unit's cards, where each is and
//! what it may hand over or receive now (`custody`); the whole Bloc's, per
//! unit, with what is overdue and the closing account (`round_trip`).

use std::collections::HashMap;

use serde::Serialize;

use super::Trip;
use super::handover::{Given, plan};
use super::ledger::{Decision, Held, Move, Place, Record};
use super::listed::{Later, Listed};
use crate::campaign::{Access, Error, Level, Unit, access};
use crate::model::scalar::Date;
use crate::store::{Account, Store};

/// A card as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    pub key: String,
    pub name: String,
    pub birth_date: String,
    pub cell: String,
    /// Its number on the lists, and the new card's when it has one.
    pub number: Option<String>,
    pub number_now: Option<String>,
    pub list: &'static str,
    pub goes_up: &'static str,
    pub place: Place,
    pub place_label: &'static str,
    /// What the Board did, in words.
    pub outcome: Option<String>,
    /// Whether the Board has a card to give back for it: stamped or new.
    pub done: bool,
}

/// A move the unit's cards may make, with what it expects now.
#[derive(Debug, Serialize)]
pub struct MoveView {
    #[serde(rename = "move")]
    pub how: Move,
    pub label: &'static str,
    pub from_label: &'static str,
    pub to_label: &'static str,
    /// Whether the user may record it.
    pub may_record: bool,
    pub expected: Vec<CardView>,
}

/// A record that concerns the unit.
#[derive(Debug, Serialize)]
pub struct RecordView {
    pub number: i64,
    pub kind: String,
    pub label: String,
    pub date: String,
    pub unit: String,
    pub cards: usize,
    pub missing: usize,
}

/// A unit's cards and what they may do now.
#[derive(Debug, Serialize)]
pub struct Custody {
    pub unit: String,
    pub cards: Vec<CardView>,
    pub places: Vec<(Place, &'static str, usize)>,
    pub moves: Vec<MoveView>,
    pub records: Vec<RecordView>,
    pub decision: Option<Decision>,
}

/// The cards of the unit `lineage[0]` (its cells' members on the lists,
/// and any card of theirs in the round trip), as `account` sees them.
pub async fn custody(store: &Store, campaign: &str, lineage: &[Unit], account: &Account) -> Result<Custody, Error> {
    let unit = &lineage[0];
    let trip = Trip::load(store, campaign, &unit.code).await?;
    let cells = trip.cells_within(&unit.code);
    let names: HashMap<&str, &str> = trip.units.iter().map(|u| (u.code.as_str(), u.name.as_str())).collect();
    let view = |member: &Listed| card_view(member, trip.ledger.held.get(&member.key), &names);
    let mut cards: Vec<CardView> =
        cells.iter().flat_map(|c| trip.lists.get(&c.code).into_iter().flatten()).map(view).collect();
    // Cards in the round trip that no list names any more: still followed.
    let listed: std::collections::HashSet<&str> = trip.lists.values().flatten().map(|l| l.key.as_str()).collect();
    let codes: std::collections::HashSet<&str> = cells.iter().map(|c| c.code.as_str()).collect();
    let mut stray: Vec<&Held> = trip
        .ledger
        .held
        .values()
        .filter(|h| codes.contains(h.member.cell.as_str()) && !listed.contains(h.member.key.as_str()))
        .collect();
    stray.sort_by(|a, b| a.member.key.cmp(&b.member.key));
    cards.extend(stray.into_iter().map(|h| card_view(&h.member, Some(h), &names)));
    let places = <Place as strum::VariantArray>::VARIANTS
        .iter()
        .map(|p| (*p, p.label(), cards.iter().filter(|c| c.place == *p).count()))
        .filter(|(_, _, n)| *n > 0)
        .collect();
    let mut moves = Vec::new();
    for how in [Move::Collect, Move::Up, Move::Down, Move::GiveBack] {
        let Some((from, to)) = how.places(unit.level) else { continue };
        let planned = plan(how, unit, &cells, &trip.lists, &trip.ledger, &Given::All)?;
        let may_record = access(account, campaign, lineage, how.action()) == Access::Granted;
        let expected =
            planned.moved.iter().map(|m| card_view(&m.member, trip.ledger.held.get(&m.member.key), &names)).collect();
        moves.push(MoveView {
            how,
            label: how.label(),
            from_label: from.label(),
            to_label: to.label(),
            may_record,
            expected,
        });
    }
    let records = records_of(store, campaign, &trip, unit).await?;
    Ok(Custody { unit: unit.code.clone(), cards, places, moves, records, decision: trip.ledger.decision.clone() })
}

fn card_view(member: &Listed, held: Option<&Held>, names: &HashMap<&str, &str>) -> CardView {
    let place = held.map_or(Place::Member, |h| h.place);
    CardView {
        key: member.key.clone(),
        name: member.name.clone(),
        birth_date: member.birth_date.clone(),
        cell: names.get(member.cell.as_str()).copied().unwrap_or(&member.cell).to_owned(),
        number: member.number.clone(),
        number_now: held.and_then(Held::number_now).or(member.number.as_deref()).map(str::to_owned),
        list: member.list.form(),
        goes_up: member.list.goes_up(),
        place,
        place_label: place.label(),
        outcome: held.and_then(|h| h.outcome.as_ref()).map(|o| o.label(member.list)),
        done: held.and_then(|h| h.outcome.as_ref()).is_some_and(|o| o.returns_a_card()),
    }
}

/// The records about the unit and the units below it, oldest first; the
/// Board's own (decision, stamping) on the Board.
async fn records_of(store: &Store, campaign: &str, trip: &Trip, unit: &Unit) -> Result<Vec<RecordView>, Error> {
    let inside: std::collections::HashSet<&str> =
        crate::campaign::within(&unit.code, &trip.units).iter().map(|u| u.code.as_str()).collect();
    let mut views = Vec::new();
    for record in store.card_records(campaign).await? {
        if !inside.contains(record.unit.as_str()) {
            continue;
        }
        let unit_name = trip.units.iter().find(|u| u.code == record.unit).map(|u| u.name.clone()).unwrap_or_default();
        let view = match Record::read(&record)? {
            Record::Handover(h) => RecordView {
                number: record.number,
                kind: record.kind.clone(),
                label: format!("Biên bản giao nhận: {}", h.how.label()),
                date: h.date,
                unit: unit_name,
                cards: h.cards.len(),
                missing: h.missing.len(),
            },
            Record::Decision(d) => RecordView {
                number: record.number,
                kind: record.kind.clone(),
                label: format!("Quyết định số {} (Tờ trình số {})", d.decision.number, d.submission.number),
                date: d.decision.date,
                unit: unit_name,
                cards: 0,
                missing: 0,
            },
            Record::Stamping(s) => RecordView {
                number: record.number,
                kind: record.kind.clone(),
                label: "Đóng dấu, đổi, cấp thẻ".into(),
                date: s.date,
                unit: unit_name,
                cards: s.cards.len(),
                missing: 0,
            },
        };
        views.push(view);
    }
    Ok(views)
}

/// One unit's row of the round trip's dashboard.
#[derive(Debug, Default, Serialize)]
pub struct TripRow {
    pub code: String,
    pub name: String,
    pub level: &'static str,
    /// Members on its lists.
    pub listed: usize,
    /// Cards out of their members' hands now.
    pub out: usize,
    /// Handed back to their members.
    pub back: usize,
    /// Kept at the Board, followed up (a card issued later, not stamped).
    pub pending: usize,
    /// Out of their members' hands after the stamping window closed.
    pub overdue: usize,
    /// Listed, their lists gone up, and never collected.
    pub not_collected: usize,
    /// Followed up later: probationary members (box 4), cards not stamped.
    pub later: usize,
}

/// The whole round trip as `account` reaches it: per unit, and the closing
/// account — every card that entered the chain back with its member, or
/// kept at the Board by a decision.
#[derive(Debug, Serialize)]
pub struct RoundTrip {
    pub today: String,
    pub window_until: String,
    pub window_closed: bool,
    pub decision: Option<Decision>,
    pub total: TripRow,
    pub rows: Vec<TripRow>,
    /// Every card still out of its member's hands, with where it is.
    pub unaccounted: Vec<CardView>,
    /// Members kept at the Board for follow-up, and why.
    pub pending: Vec<CardView>,
    /// Members whose card did not travel, followed up later, and why.
    pub later: Vec<Later>,
    /// Whether every card that entered the chain is accounted for.
    pub complete: bool,
    /// How many cards entered the chain.
    pub entered: usize,
}

/// The round trip's dashboard and closing account over `reached`, the units
/// the user reaches.
pub async fn round_trip(store: &Store, campaign: &str, reached: &[&Unit]) -> Result<RoundTrip, Error> {
    Ok(account(store, campaign, reached).await?.0)
}

/// The closing account as a workbook: the dashboard's rows, every card
/// that entered the chain with where it ended, and the conclusion.
pub async fn closing_workbook(store: &Store, campaign: &str, reached: &[&Unit]) -> Result<Vec<u8>, Error> {
    use super::workbook::{Sheet, workbook};
    let (trip, cards) = account(store, campaign, reached).await?;
    let count = |row: &TripRow| {
        let n = |n: usize| n.to_string();
        vec![
            row.name.clone(),
            row.level.to_owned(),
            n(row.listed),
            n(row.not_collected),
            n(row.out),
            n(row.overdue),
            n(row.pending),
            n(row.back),
            n(row.later),
        ]
    };
    let mut units: Vec<Vec<String>> = trip.rows.iter().map(count).collect();
    units.push(count(&trip.total));
    let card = |c: &CardView| {
        vec![
            c.name.clone(),
            c.birth_date.clone(),
            c.cell.clone(),
            c.number.clone().unwrap_or_default(),
            c.number_now.clone().unwrap_or_default(),
            c.list.to_owned(),
            c.place_label.to_owned(),
            c.outcome.clone().unwrap_or_default(),
        ]
    };
    // Kept at the Board by its decision, then the cards that never travelled.
    let kept = |c: &CardView| {
        let (number, why) = (c.number_now.clone(), c.outcome.clone());
        vec![c.name.clone(), c.birth_date.clone(), c.cell.clone(), number.unwrap_or_default(), why.unwrap_or_default()]
    };
    let never = |l: &Later| {
        vec![l.name.clone(), l.birth_date.clone(), l.cell.clone(), l.number.clone().unwrap_or_default(), l.why.clone()]
    };
    let follow_up = trip.pending.iter().map(kept).chain(trip.later.iter().map(never)).collect();
    let conclusion = if trip.complete {
        format!("Cả {} thẻ đã vào chuyến đều có nơi: về tay đảng viên hoặc giữ lại theo dõi.", trip.entered)
    } else {
        format!("{} trong {} thẻ đã vào chuyến chưa về tay đảng viên.", trip.unaccounted.len(), trip.entered)
    };
    let closing = vec![
        vec!["Ngày lập".to_owned(), trip.today.clone()],
        vec!["Hạn đóng dấu".to_owned(), trip.window_until.clone()],
        vec!["Thẻ đã vào chuyến".to_owned(), trip.entered.to_string()],
        vec!["Chưa về tay đảng viên".to_owned(), trip.unaccounted.len().to_string()],
        vec!["Giữ lại theo dõi".to_owned(), trip.pending.len().to_string()],
        vec!["Thẻ không đi, theo dõi sau".to_owned(), trip.later.len().to_string()],
        vec!["Kết luận".to_owned(), conclusion],
    ];
    Ok(workbook(&[
        Sheet {
            name: "Tổng hợp",
            titles: &[
                "Đơn vị",
                "Cấp",
                "Trên danh sách",
                "Chưa thu",
                "Đang ngoài tay",
                "Quá hạn",
                "Theo dõi",
                "Đã trả",
                "Theo dõi sau",
            ],
            rows: units,
        },
        Sheet {
            name: "Từng thẻ",
            titles: &[
                "Họ và tên",
                "Ngày sinh",
                "Chi bộ",
                "Số thẻ",
                "Số thẻ hiện nay",
                "Danh sách",
                "Thẻ ở đâu",
                "Kết quả",
            ],
            rows: cards.iter().map(card).collect(),
        },
        Sheet {
            name: "Theo dõi sau",
            titles: &["Họ và tên", "Ngày sinh", "Chi bộ", "Số thẻ", "Lý do, việc phải làm"],
            rows: follow_up,
        },
        Sheet { name: "Kết luận", titles: &["Mục", "Nội dung"], rows: closing },
    ]))
}

/// The dashboard over `reached`, and every card of the cells it covers
/// that entered the chain.
async fn account(store: &Store, campaign: &str, reached: &[&Unit]) -> Result<(RoundTrip, Vec<CardView>), Error> {
    let scope = reached.first().map_or("", |u| u.code.as_str());
    let trip = Trip::load(store, campaign, scope).await?;
    let today = Date::in_vietnam(crate::store::now_ms()).ok_or(Error::Refused("đồng hồ của máy chủ sai"))?;
    let window_closed = today > trip.settings.stamping_until;
    let names: HashMap<&str, &str> = trip.units.iter().map(|u| (u.code.as_str(), u.name.as_str())).collect();
    let mut rows = Vec::new();
    let mut total = TripRow { name: "Cộng".into(), ..TripRow::default() };
    let (mut unaccounted, mut pending, mut every, mut later) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut entered = 0;
    for unit in reached {
        let cells = trip.cells_within(&unit.code);
        let mut row = TripRow {
            code: unit.code.clone(),
            name: unit.name.clone(),
            level: unit.level.label(),
            ..TripRow::default()
        };
        let mut count = |member: &Listed, held: Option<&Held>, own: bool| {
            let place = held.map_or(Place::Member, |h| h.place);
            let kept = held.and_then(|h| h.outcome.as_ref()).is_some_and(|o| !o.returns_a_card());
            row.out += usize::from(place.out() && !kept);
            row.back += usize::from(place == Place::MemberBack);
            row.pending += usize::from(kept);
            row.overdue += usize::from(place.out() && !kept && window_closed);
            if own {
                entered += usize::from(held.is_some());
                if held.is_some() {
                    let view = card_view(member, held, &names);
                    if kept {
                        pending.push(view.clone());
                    } else if place.out() {
                        unaccounted.push(view.clone());
                    }
                    every.push(view);
                }
            }
        };
        // Each card counted once in the totals, under its own cell.
        let own = matches!(unit.level, Level::Cell | Level::BaseCell);
        for cell in &cells {
            let gone_up = matches!(
                cell.state,
                crate::campaign::State::Submitted | crate::campaign::State::Approved | crate::campaign::State::Accepted
            );
            for member in trip.lists.get(&cell.code).into_iter().flatten() {
                row.listed += 1;
                let held = trip.ledger.held.get(&member.key);
                row.not_collected += usize::from(held.is_none() && gone_up);
                count(member, held, own);
            }
            let followed = trip.later.get(&cell.code).map_or(&[][..], Vec::as_slice);
            row.later += followed.len();
            if own {
                let cell_name = names.get(cell.code.as_str()).copied().unwrap_or(&cell.code);
                later.extend(followed.iter().map(|l| Later { cell: cell_name.to_owned(), ..l.clone() }));
            }
        }
        if own {
            total.listed += row.listed;
            total.out += row.out;
            total.back += row.back;
            total.pending += row.pending;
            total.overdue += row.overdue;
            total.not_collected += row.not_collected;
            total.later += row.later;
        }
        rows.push(row);
    }
    let complete = entered > 0 && unaccounted.is_empty();
    let trip = RoundTrip {
        today: today.to_string(),
        window_until: trip.settings.stamping_until.to_string(),
        window_closed,
        decision: trip.ledger.decision.clone(),
        total,
        rows,
        unaccounted,
        pending,
        later,
        complete,
        entered,
    };
    Ok((trip, every))
}
