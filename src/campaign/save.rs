//! Saving a unit's part: checked as `kttdv check` checks it, together with
//! what surrounds it in the store, then kept as the unit's next version —
//! none when it is the same as the current one — and said in words.

use serde_json::{Value, json};

use super::{Error, Summary, Surroundings, check_kind, names_another, own_part, whole_input};
use super::{Level, State, Unit};
use crate::input::{Code, InputError, JsonPath};
use crate::store::{Store, VersionInfo};
use crate::{Assembled, Renderer};

/// The unit's own part of `input` and its warnings (placed in the
/// upload's files and sheets), when it is the unit's and passes the checks
/// of its level with `around`.
pub fn checked_part(
    renderer: &Renderer,
    unit: (Level, &str),
    input: &Assembled,
    around: Surroundings,
) -> Result<(Value, Vec<InputError>), Error> {
    let (level, name) = unit;
    let own = own_part(level, &input.value);
    if let Some(problem) = names_another(level, name, &own) {
        return Err(Error::Input(input.relocate(vec![problem])));
    }
    let kind = check_kind(level);
    let whole = whole_input(level, kind, &own, around)?;
    let mut found = Vec::new();
    // Settings of its own are the campaign's to give: said, and replaced.
    if input.value.get("campaign").is_some_and(|named| Some(named) != whole.get("campaign")) {
        let message = "dữ liệu ghi thông tin chiến dịch riêng (campaign); kttdv dùng thông tin của chiến dịch";
        found.push(InputError::new(Code::OwnCampaign, JsonPath::root().key("campaign"), message));
    }
    match renderer.check(kind, &whole) {
        Ok(warnings) => {
            found.extend(warnings);
            Ok((own, input.warnings(found)))
        }
        Err(problems) => Err(Error::Input(input.relocate(problems))),
    }
}

/// A roster saved from a workbook carries no report text (sections II and
/// III of form 1, its Nơi nhận), which the guided page types: when the new
/// one has none and `current` (the unit's current own part) has, it is kept
/// rather than dropped, and said.
pub fn keep_typed(level: Level, current: Option<&Value>, mut own: Value) -> (Value, Option<InputError>) {
    let Some(current) = current.filter(|_| level.keeps_roster()) else { return (own, None) };
    let blank = |v: Option<&Value>| v.is_none_or(|v| v.is_null() || v.as_array().is_some_and(Vec::is_empty));
    let mut kept = Vec::new();
    for (section, field, what) in
        [("report", "usage", "mục II"), ("report", "proposals", "mục III"), ("cell", "recipients", "Nơi nhận")]
    {
        let Some(typed) = current.get(section).and_then(|s| s.get(field)).filter(|t| !blank(Some(t))) else {
            continue;
        };
        if !blank(own.get(section).and_then(|s| s.get(field))) {
            continue;
        }
        if let Some(part) = own.as_object_mut().and_then(|o| o.entry(section).or_insert(json!({})).as_object_mut()) {
            part.insert(field.into(), typed.clone());
            kept.push(what);
        }
    }
    let said = (!kept.is_empty()).then(|| {
        let message = format!(
            "tệp mới không có {} của báo cáo: giữ như phiên bản trước (sửa trên trang kiểm tra từng bước nếu cần)",
            kept.join(", ")
        );
        InputError::new(Code::TypedTextKept, JsonPath::root().key("report"), message)
    });
    (own, said)
}

/// A save as it landed: the version, whether it is new, the unit's state
/// now, and what was stored, in words.
pub struct Saved {
    pub version: VersionInfo,
    pub new: bool,
    pub state: State,
    pub summary: Value,
}

/// Whether the unit may still change its part: not once submitted.
pub fn editable(unit: &Unit) -> Result<(), Error> {
    match unit.state.editable() {
        true => Ok(()),
        false => Err(Error::Conflict(format!("báo cáo của «{}» {} nên không sửa được", unit.name, unit.state.label()))),
    }
}

/// Keeps `own` as the next version of `unit` for `login`, while the unit
/// may still edit (a conflict once submitted; the store's write turn
/// decides between two saves at once).
pub async fn save_part(store: &Store, campaign: &str, unit: &Unit, own: &Value, login: &str) -> Result<Saved, Error> {
    editable(unit)?;
    let body = serde_json::to_string(own).expect("JSON serialises");
    // The version before, to say what changed: a roster only.
    let before = match unit.level.keeps_roster() {
        true => store.version(campaign, &unit.code, None).await?,
        false => None,
    };
    let saved = store.save(campaign, &unit.code, &body, Some(login)).await?;
    let info = saved.info;
    tracing::info!(campaign, unit = unit.code, version = info.number, new = saved.new, "đã lưu");
    let previous = before.filter(|_| saved.new).and_then(|v| serde_json::from_str::<Value>(&v.body).ok());
    let summary = match unit.level.keeps_roster() {
        true => json!(Summary::of(own, previous.as_ref(), info.number, saved.new)),
        _ if saved.new => json!({ "text": format!("Đã lưu phiên bản {}.", info.number) }),
        _ => json!({ "text": format!("Giống hệt phiên bản {} đã lưu: không tạo phiên bản mới.", info.number) }),
    };
    let state = if saved.new { State::Draft } else { unit.state };
    Ok(Saved { version: info, new: saved.new, state, summary })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(state: State) -> Unit {
        Unit { name: "Chi bộ Văn phòng".into(), ..crate::campaign::test_unit("a.1", Level::Cell, state, Some("a")) }
    }

    #[test]
    fn a_workbook_saved_over_a_typed_report_keeps_its_text_and_says_so() {
        let typed = json!({ "cell": { "name": "A", "recipients": ["Đảng ủy"] }, "report": { "usage": [{ "p": "x" }], "proposals": [] }, "members": [] });
        let workbook = json!({ "cell": { "name": "A" }, "members": [1] });
        let (own, said) = keep_typed(Level::Cell, Some(&typed), workbook.clone());
        assert_eq!(own["report"]["usage"], typed["report"]["usage"]);
        assert_eq!(own["cell"]["recipients"], json!(["Đảng ủy"]));
        assert_eq!(own["members"], json!([1]), "the new members stay");
        let said = said.expect("said");
        assert_eq!(said.code, Code::TypedTextKept);
        assert!(said.message.contains("mục II, Nơi nhận"), "{}", said.message);
        let written = json!({ "cell": { "name": "A" }, "report": { "usage": [{ "p": "y" }] }, "members": [] });
        assert_eq!(
            keep_typed(Level::Cell, Some(&typed), written.clone()).0["report"]["usage"],
            json!([{ "p": "y" }]),
            "typed anew wins"
        );
        assert!(
            keep_typed(Level::Committee, Some(&typed), workbook.clone()).1.is_none(),
            "a committee's details are whole"
        );
        assert!(keep_typed(Level::Cell, None, workbook).1.is_none());
    }

    #[test]
    fn a_unit_changes_its_part_until_it_sends_it_or_is_marked_absent_and_again_once_returned() {
        for state in [State::NotStarted, State::Draft, State::Returned] {
            assert!(editable(&cell(state)).is_ok(), "{state:?}");
        }
        for state in [State::Submitted, State::Approved, State::Accepted, State::NotReporting] {
            let Err(Error::Conflict(why)) = editable(&cell(state)) else { panic!("{state:?}") };
            assert!(why.starts_with("báo cáo của «Chi bộ Văn phòng» "), "{why}");
        }
    }
}
