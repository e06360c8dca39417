//! A hand-over's record as a document: the input of kind
//! `bien-ban-giao-nhan` made from a stored hand-over, naming the units
//! and people it recorded, nothing else.

use serde_json::{Value, json};

use super::ledger::{Handover, Move, Record};
use crate::campaign::{Error, Level, Unit, within};
use crate::store::{Store, StoreError};

/// The input of the handover record `number`, when it is about `unit` or a
/// unit below it (else, as outside one's reach, there is none).
pub async fn record_input(store: &Store, campaign: &str, unit: &Unit, number: i64) -> Result<Value, Error> {
    let units = store.units(campaign).await?;
    let record = store.card_records(campaign).await?.into_iter().find(|r| r.number == number);
    let inside = |code: &str| within(&unit.code, &units).iter().any(|u| u.code == code);
    let Some(record) = record.filter(|r| inside(&r.unit)) else { return Err(Error::NoRecord(number)) };
    let Record::Handover(handover) = Record::read(&record)? else { return Err(Error::NoRecord(number)) };
    let find = |code: &str| units.iter().find(|u| u.code == code);
    let moved = find(&record.unit).ok_or_else(|| StoreError::NoUnit(record.unit.clone()))?;
    // The receiving side makes the record; a cell giving cards back, itself.
    let maker = match handover.how {
        Move::Up => moved.parent.as_deref().and_then(find).unwrap_or(moved),
        _ => moved,
    };
    let (superior, place) = frame_of(store, campaign, &units, maker).await?;
    let name = |code: &str| find(code).map_or(code.to_owned(), |u| u.name.clone());
    Ok(json!({
        "superior": superior,
        "issuer": maker.name,
        "number": format!("{number}/BBGN"),
        "place": place,
        "date": handover.date,
        "subject": subject(&handover),
        "giver": side(handover.from_unit.as_deref(), &handover.giver),
        "receiver": side(handover.to_unit.as_deref(), &handover.receiver),
        "cards": handover.cards.iter().map(|m| card(m, &name)).collect::<Vec<_>>(),
        "missing": handover.missing.iter().map(|m| card(m, &name)).collect::<Vec<_>>(),
    }))
}

fn subject(handover: &Handover) -> &'static str {
    match handover.how {
        Move::Collect => "Thu thẻ đảng viên, ảnh và bản tường trình của đảng viên để kiểm tra kỹ thuật thẻ đảng viên",
        Move::Up => "Giao nhận thẻ đảng viên, ảnh và bản tường trình kèm danh sách kiểm tra kỹ thuật thẻ đảng viên",
        Move::Down => "Giao nhận thẻ đảng viên đã đóng dấu kiểm tra kỹ thuật, thẻ đổi, thẻ cấp lại",
        Move::GiveBack => "Trả thẻ đảng viên cho đảng viên sau kiểm tra kỹ thuật thẻ đảng viên",
    }
}

fn side(unit: Option<&str>, person: &super::ledger::Person) -> Value {
    let unit = unit.unwrap_or("Các đảng viên có tên trong danh sách");
    let name = (!person.name.is_empty()).then_some(person.name.as_str());
    let office = (!person.office.is_empty()).then_some(person.office.as_str());
    json!({ "unit": unit, "name": name, "office": office })
}

fn card(moved: &super::ledger::Moved, name: &impl Fn(&str) -> String) -> Value {
    let m = &moved.member;
    json!({ "full_name": m.name, "birth_date": m.birth_date, "cell": name(&m.cell), "card_number": m.number, "items": moved.items })
}

/// The organisation above `maker` and the place, as its documents write
/// them: the Board's saved header says where the Bloc is and its party
/// committee.
async fn frame_of(
    store: &Store,
    campaign: &str,
    units: &[Unit],
    maker: &Unit,
) -> Result<(String, Option<String>), Error> {
    let board = units.iter().find(|u| u.level == Level::Board);
    let header = match board {
        Some(board) => store.version(campaign, &board.code, None).await?.and_then(|v| {
            let body: Value = serde_json::from_str(&v.body).ok()?;
            Some(body["board"]["header"].clone())
        }),
        None => None,
    };
    let place = header.as_ref().and_then(|h| h["place"].as_str()).map(str::to_owned);
    // A cell stands under its committee; a committee, a chi bộ cơ sở and
    // the Board itself under the Bloc's party committee, which the
    // Board's header names.
    let bloc = || header.as_ref().and_then(|h| h["superior"].as_str()).map(str::to_owned);
    let superior = match maker.level {
        Level::Cell => maker.parent.as_deref().and_then(|p| units.iter().find(|u| u.code == p)).map(|u| u.name.clone()),
        _ => bloc(),
    };
    let superior = superior.or_else(bloc).unwrap_or_else(|| board.map_or(maker.name.clone(), |b| b.name.clone()));
    Ok((superior, place))
}
