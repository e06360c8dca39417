//! A unit's input put together from the store: its own part (a cell's
//! roster, a committee's or the Board's details without the units below),
//! the parts below it that it has approved, the roll, the units that do not
//! report, and the campaign's settings — what a document of the unit is
//! made from, and what a saved part is checked with.

use serde_json::{Map, Value, json};

use super::Error;
use super::{Level, State, Unit};
use crate::input::{Code, InputError, JsonPath};
use crate::kinds::Kind;
use crate::model::committee::CommitteeInput;
use crate::model::scalar::fold;
use crate::store::{Store, StoreError};

/// `value` without the keys of the units below it.
pub(super) fn without(value: &Value, keys: &[&str]) -> Value {
    let mut own: Map<String, Value> = value.as_object().cloned().unwrap_or_default();
    for key in keys {
        own.remove(*key);
    }
    Value::Object(own)
}

/// A unit's own part of what is saved: a cell's roster, a committee's or
/// the Board's details without the units below — and never campaign
/// settings of its own: those are the campaign's ([`with_settings`]).
pub fn own_part(level: Level, submission: &Value) -> Value {
    match level {
        Level::Cell | Level::BaseCell => without(submission, &["campaign"]),
        Level::Committee => without(submission, &["cells", "campaign"]),
        Level::Board => without(submission, &["committees", "roll", "campaign"]),
    }
}

/// `input` (a document's, put together from stored parts) under the
/// campaign's `settings`: the units below inherit them.
pub fn with_settings(mut input: Value, settings: &str) -> Result<Value, StoreError> {
    let settings: Value = serde_json::from_str(settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if let Some(fields) = input.as_object_mut() {
        fields.insert("campaign".into(), settings);
    }
    Ok(input)
}

/// A committee's input (kinds `mau-6`, `tong-hop`, `ho-so-co-so`) from its
/// details and its cells' rosters.
pub fn committee_input(details: &Value, cells: Vec<Value>) -> Value {
    let mut input = without(details, &["cells"]);
    input["cells"] = Value::Array(cells);
    input
}

/// The Board's input (kinds `mau-7`, `doi-chieu`, `ho-so-ban`) from its
/// details, its committees' inputs and the roll.
pub fn board_input(details: &Value, committees: Vec<Value>, roll: Option<Value>) -> Value {
    let mut input = without(details, &["committees", "roll"]);
    input["committees"] = Value::Array(committees);
    if let Some(roll) = roll {
        input["roll"] = roll;
    }
    input
}

/// The problem when a cell's roster or a committee's details name another
/// unit than the one they are saved for: another cell's file sent by mistake.
pub fn names_another(level: Level, unit: &str, own: &Value) -> Option<InputError> {
    let (path, named) = match level {
        Level::Cell | Level::BaseCell => (JsonPath::root().key("cell").key("name"), own["cell"]["name"].as_str()?),
        Level::Committee => (JsonPath::root().key("organisation"), own["organisation"].as_str()?),
        Level::Board => return None,
    };
    (named != unit)
        .then(|| InputError::new(Code::OtherUnit, path, format!("dữ liệu này của «{named}», không phải của «{unit}»")))
}

/// A warning when a roster names another organisation above it than the
/// tree says: a cell another committee than its own; a chi bộ cơ sở, which
/// stands under the Bloc, one of the Bloc's committees. `units`: the
/// campaign's tree.
pub fn names_another_superior(unit: &Unit, units: &[Unit], own: &Value) -> Option<InputError> {
    let superior = own["cell"]["superior"].as_str()?;
    let parent = units.iter().find(|u| Some(&u.code) == unit.parent.as_ref());
    let wrong = match unit.level {
        Level::Cell => parent.is_some_and(|p| fold(&p.name) != fold(superior.trim())),
        Level::BaseCell => units.iter().any(|u| u.level == Level::Committee && fold(&u.name) == fold(superior.trim())),
        _ => false,
    };
    let message = match (unit.level, parent) {
        (Level::Cell, Some(parent)) => {
            format!("bảng tính ghi tổ chức cấp trên là «{superior}», không phải «{}»; kiểm tra lại", parent.name)
        }
        _ => format!(
            "«{superior}» là một đảng bộ cơ sở của chiến dịch; chi bộ cơ sở trực thuộc Đảng bộ Khối: kiểm tra lại"
        ),
    };
    wrong.then(|| InputError::new(Code::OtherSuperior, JsonPath::root().key("cell").key("superior"), message))
}

/// The kinds a unit of `level` makes.
pub fn documents_of(level: Level) -> &'static [Kind] {
    match level {
        Level::Cell => &[Kind::Packet, Kind::Mau1, Kind::Mau2, Kind::Mau3, Kind::Mau4, Kind::Mau5],
        // Its lists are forms 2 to 5 already: no consolidated ones.
        Level::BaseCell => &[Kind::Packet, Kind::Mau1, Kind::Mau2, Kind::Mau3, Kind::Mau4, Kind::Mau5, Kind::Mau6],
        Level::Committee => &[Kind::Mau6, Kind::TongHop, Kind::HoSoCoSo],
        Level::Board => &[Kind::Mau7, Kind::TongHop, Kind::DoiChieu, Kind::HoSoBan],
    }
}

/// The kind a unit's saved submission is checked as.
pub fn check_kind(level: Level) -> Kind {
    match level {
        Level::Cell | Level::BaseCell => Kind::Packet,
        Level::Committee => Kind::HoSoCoSo,
        Level::Board => Kind::HoSoBan,
    }
}

/// A unit's own part put together with what surrounds it in the store, as
/// the document `kind` is made from it: a chi bộ cơ sở's form 6 from its
/// roster.
pub fn whole_input(level: Level, kind: Kind, own: &Value, around: Surroundings) -> Result<Value, Error> {
    let mut own = own.clone();
    if !level.keeps_roster() {
        set_not_reporting(&mut own, around.not_reporting);
    }
    let whole = match level {
        Level::Cell => own,
        Level::BaseCell if kind == Kind::Mau6 => as_committee(&own)?,
        Level::BaseCell => own,
        Level::Committee => committee_input(&own, around.below),
        Level::Board => {
            let roll = around
                .roll
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| Error::Store(StoreError::Corrupt(e.to_string())))?;
            board_input(&own, around.below, roll)
        }
    };
    Ok(with_settings(whole, &around.settings)?)
}

/// The input of the unit's document `kind` from its current version (or
/// its version `number`) and, for a committee or the Board, the current
/// versions below it.
pub async fn input_of(
    store: &Store,
    campaign: &str,
    unit: &Unit,
    kind: Kind,
    number: Option<i64>,
) -> Result<Value, Error> {
    let own = store.version(campaign, &unit.code, number).await?;
    let own = own_part(unit.level, &parse(&own.ok_or_else(|| Error::NoSubmission(unit.name.clone()))?.body)?);
    whole_input(unit.level, kind, &own, surroundings(store, campaign, unit).await?)
}

/// A chi bộ cơ sở's roster as the report of a grassroots organisation:
/// the one shape form 6 and the Board's documents read, so that it is
/// counted once, as one organisation of one cell.
fn as_committee(roster: &Value) -> Result<Value, Error> {
    let corrupt = |e: serde_json::Error| Error::Store(StoreError::Corrupt(e.to_string()));
    let roster = serde_json::from_value(roster.clone()).map_err(corrupt)?;
    serde_json::to_value(CommitteeInput::of_base_cell(roster)).map_err(corrupt)
}

/// What a unit's own part is put together with: the stored inputs of the
/// units right below it that the unit has approved, in the tree's order (a
/// committee's approved cells; the Board's accepted committees, each with
/// its cells and the day the Board received it); the roll, which only the
/// Board's input holds; the units right below that do not report; the
/// campaign's settings, which every part below inherits.
pub struct Surroundings {
    below: Vec<Value>,
    roll: Option<String>,
    not_reporting: Vec<Value>,
    settings: String,
}

pub async fn surroundings(store: &Store, campaign: &str, unit: &Unit) -> Result<Surroundings, Error> {
    let settings = store.campaign(campaign).await?;
    if unit.level.keeps_roster() {
        return Ok(Surroundings { below: Vec::new(), roll: None, not_reporting: Vec::new(), settings });
    }
    let units = store.units(campaign).await?;
    let bodies = store.bodies_below(campaign, &unit.code).await?;
    // Parts saved before settings were the campaign's alone may name their own: not read.
    let levels: std::collections::HashMap<&str, Level> = units.iter().map(|u| (u.code.as_str(), u.level)).collect();
    let level_of = |code: &str| levels.get(code).copied().unwrap_or(Level::Cell);
    let body = |code: &str| bodies.get(code).map(|b| parse(b).map(|v| own_part(level_of(code), &v))).transpose();
    fn approved<'a>(units: &'a [Unit], parent: &'a str) -> impl Iterator<Item = &'a Unit> {
        units.iter().filter(move |u| u.parent.as_deref() == Some(parent) && u.state.approved())
    }
    let mut inputs = Vec::new();
    for child in approved(&units, &unit.code) {
        let Some(mut own) = body(&child.code)? else { continue };
        if child.level == Level::BaseCell {
            own = as_committee(&own)?;
        }
        if child.level.reports_to_board() {
            // Form 7 says when each report came, from the store, not typed.
            let received = child.submitted_at.and_then(crate::model::scalar::Date::in_vietnam);
            if let (Some(day), Some(fields)) = (received, own.as_object_mut()) {
                fields.insert("received_on".into(), json!(day.to_string()));
            }
        }
        inputs.push(match child.level {
            Level::Committee => {
                set_not_reporting(&mut own, not_reporting(&units, &child.code));
                let cells: Result<Vec<Option<Value>>, Error> =
                    approved(&units, &child.code).map(|c| body(&c.code)).collect();
                committee_input(&own, cells?.into_iter().flatten().collect())
            }
            _ => own,
        });
    }
    let roll = match unit.level {
        Level::Board => store.roll(campaign).await?,
        _ => None,
    };
    Ok(Surroundings { below: inputs, roll, not_reporting: not_reporting(&units, &unit.code), settings })
}

/// The units right below `parent` that do not report, and why, as a
/// committee's or the Board's input says them.
fn not_reporting(units: &[Unit], parent: &str) -> Vec<Value> {
    units
        .iter()
        .filter(|u| u.parent.as_deref() == Some(parent) && u.state == State::NotReporting)
        .map(|u| json!({ "name": u.name, "reason": u.note.as_deref().unwrap_or("") }))
        .collect()
}

/// Says in a committee's or the Board's own part the units below it that
/// do not report, as the store has them (whatever was typed).
fn set_not_reporting(own: &mut Value, absent: Vec<Value>) {
    if let Some(fields) = own.as_object_mut() {
        fields.remove("not_reporting");
        if !absent.is_empty() {
            fields.insert("not_reporting".into(), Value::Array(absent));
        }
    }
}

/// A stored body read back.
fn parse(body: &str) -> Result<Value, Error> {
    serde_json::from_str(body).map_err(|e| Error::Store(StoreError::Corrupt(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_units_own_part_leaves_out_the_units_below_and_the_campaigns_settings() {
        let board = json!({ "board": { "name": "B" }, "committees": [{}], "roll": [], "campaign": {} });
        assert_eq!(own_part(Level::Board, &board), json!({ "board": { "name": "B" } }));
        let committee = json!({ "organisation": "Đảng bộ A", "cells": [{}], "campaign": {} });
        assert_eq!(own_part(Level::Committee, &committee), json!({ "organisation": "Đảng bộ A" }));
        let cell = json!({ "cell": { "name": "Chi bộ 1" }, "members": [], "campaign": {} });
        assert_eq!(own_part(Level::Cell, &cell), json!({ "cell": { "name": "Chi bộ 1" }, "members": [] }));
    }

    #[test]
    fn a_part_below_is_put_back_under_its_level_with_the_campaigns_settings() {
        let committee = committee_input(&json!({ "organisation": "A", "cells": ["old"] }), vec![json!({ "n": 1 })]);
        assert_eq!(committee, json!({ "organisation": "A", "cells": [{ "n": 1 }] }));
        let board = board_input(&json!({ "board": {} }), vec![committee.clone()], Some(json!([{ "x": 1 }])));
        assert_eq!(board["committees"][0], committee);
        assert_eq!(board["roll"], json!([{ "x": 1 }]));
        assert!(board_input(&json!({}), Vec::new(), None).get("roll").is_none(), "no roll, none said");
        let settled = with_settings(json!({ "cell": {} }), r#"{ "round": 4 }"#).unwrap();
        assert_eq!(settled["campaign"], json!({ "round": 4 }));
        assert!(matches!(with_settings(json!({}), "{"), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn a_roster_or_details_of_another_unit_are_refused_where_they_name_it() {
        let roster = json!({ "cell": { "name": "Chi bộ Thanh tra" } });
        let problem = names_another(Level::Cell, "Chi bộ Văn phòng", &roster).expect("another cell");
        assert_eq!((problem.code, problem.place.to_string()), (Code::OtherUnit, "$.cell.name".to_owned()));
        assert!(problem.message.contains("«Chi bộ Thanh tra»") && problem.message.contains("«Chi bộ Văn phòng»"));
        assert!(names_another(Level::Cell, "Chi bộ Thanh tra", &roster).is_none());
        let details = json!({ "organisation": "Đảng bộ B" });
        assert_eq!(names_another(Level::Committee, "Đảng bộ A", &details).unwrap().place.to_string(), "$.organisation");
        assert!(names_another(Level::Board, "Ban", &details).is_none(), "the Board's details name no unit");
    }

    #[test]
    fn a_unit_is_checked_as_a_document_it_makes() {
        for level in [Level::Cell, Level::Committee, Level::Board] {
            assert!(documents_of(level).contains(&check_kind(level)), "{level:?}");
        }
        assert_eq!(documents_of(Level::Cell).len(), 6, "the packet and forms 1 to 5");
    }

    #[test]
    fn the_units_not_reporting_are_said_as_the_store_has_them_whatever_was_typed() {
        let mut own = json!({ "organisation": "A", "not_reporting": [{ "name": "typed" }] });
        set_not_reporting(&mut own, vec![json!({ "name": "Chi bộ 2", "reason": "giải thể" })]);
        assert_eq!(own["not_reporting"], json!([{ "name": "Chi bộ 2", "reason": "giải thể" }]));
        set_not_reporting(&mut own, Vec::new());
        assert!(own.get("not_reporting").is_none());
    }

    #[test]
    fn a_chi_bo_co_so_makes_its_lists_from_its_roster_and_its_form_6_from_the_same_roster() {
        let roster = own_part(Level::BaseCell, &crate::sample::cell(3, 2, "Chi bộ Sở Ngoại vụ", "Đảng bộ Khối"));
        let around = || Surroundings {
            below: Vec::new(),
            roll: None,
            not_reporting: Vec::new(),
            settings: r#"{ "round": 4 }"#.into(),
        };
        let lists = whole_input(Level::BaseCell, Kind::Mau2, &roster, around()).unwrap();
        assert_eq!(lists["cell"], roster["cell"]);
        let form6 = whole_input(Level::BaseCell, Kind::Mau6, &roster, around()).unwrap();
        assert_eq!(form6["organisation"], json!("Chi bộ Sở Ngoại vụ"));
        assert_eq!(form6["cells"][0]["members"], roster["members"], "its one row is its roster");
        assert_eq!(form6["campaign"], json!({ "round": 4 }));
        assert!(documents_of(Level::BaseCell).contains(&Kind::Mau6) && check_kind(Level::BaseCell) == Kind::Packet);
        let named = names_another(Level::BaseCell, "Chi bộ khác", &roster).expect("another unit's roster");
        assert_eq!(named.place.to_string(), "$.cell.name");
    }

    #[test]
    fn a_roster_naming_another_superior_than_the_tree_is_said() {
        let unit = |code: &str, name: &str, level, parent: Option<&str>| Unit {
            name: name.into(),
            ..crate::campaign::test_unit(code, level, State::Draft, parent)
        };
        let units = [
            unit("ban", "Ban Tổ chức", Level::Board, None),
            unit("a", "Đảng bộ Sở Tài chính", Level::Committee, Some("ban")),
            unit("a.1", "Chi bộ Văn phòng", Level::Cell, Some("a")),
            unit("s", "Chi bộ Sở Ngoại vụ", Level::BaseCell, Some("ban")),
        ];
        let roster = |superior: &str| json!({ "cell": { "superior": superior } });
        assert!(names_another_superior(&units[2], &units, &roster("Đảng bộ sở tài chính ")).is_none());
        let other = names_another_superior(&units[2], &units, &roster("Đảng bộ Sở Y tế")).expect("another");
        assert_eq!((other.code, other.place.to_string()), (Code::OtherSuperior, "$.cell.superior".to_owned()));
        assert!(names_another_superior(&units[3], &units, &roster("Đảng bộ Khối các cơ quan tỉnh")).is_none());
        let slip = names_another_superior(&units[3], &units, &roster("Đảng bộ Sở Tài chính")).expect("a committee's");
        assert!(slip.message.contains("chi bộ cơ sở trực thuộc Đảng bộ Khối"), "{}", slip.message);
    }

    #[test]
    fn a_part_that_is_not_an_object_keeps_nothing() {
        assert_eq!(own_part(Level::Cell, &json!([1, 2])), json!({}));
        assert_eq!(committee_input(&json!(null), Vec::new()), json!({ "cells": [] }));
    }
}
