//! What a save stored, in words a secretary reads after pressing «Lưu»:
//! the version, its members in all and on each list, and what changed
//! since the version before — or that nothing did.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

/// A cell's roster as saved, against the one before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// One sentence: what was stored.
    pub text: String,
    pub members: usize,
    /// On lists 2 to 5, in that order.
    pub lists: [usize; 4],
    /// By name, as the roster writes them.
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl Summary {
    /// The summary of `roster`, saved as version `number` (`new`: a new
    /// version; otherwise the same as the current one), after `previous`.
    pub fn of(roster: &Value, previous: Option<&Value>, number: i64, new: bool) -> Self {
        let members = members(roster);
        let mut lists = [0; 4];
        for member in &members {
            if let Some(list) = list_of(member) {
                lists[list] += 1;
            }
        }
        let before = previous.map(self::members).unwrap_or_default();
        let compared = compare(&before, &members);
        let name = |m: &&Value| text(m, "full_name");
        let added: Vec<String> = compared.added.iter().map(name).collect();
        let removed: Vec<String> = compared.removed.iter().map(name).collect();
        let changed: Vec<String> = compared.changed.iter().map(|(_, now)| name(now)).collect();
        let counts = counts(members.len(), lists);
        let text = if !new {
            format!("Tệp giống hệt phiên bản {number} đã lưu: không tạo phiên bản mới; {counts}.")
        } else if previous.is_none() {
            format!("Đã lưu phiên bản {number}: {counts}.")
        } else {
            let names = |label: &str, names: &[String]| match names.len() {
                0 => None,
                n if n <= 3 => Some(format!("{label} {n} ({})", names.join(", "))),
                n => Some(format!("{label} {n}")),
            };
            let what: Vec<String> =
                [names("thêm", &added), names("bớt", &removed), names("sửa", &changed)].into_iter().flatten().collect();
            let since = if what.is_empty() {
                "danh sách đảng viên không đổi so với phiên bản trước".to_owned()
            } else {
                format!("so với phiên bản trước: {}", what.join("; "))
            };
            format!("Đã lưu phiên bản {number}: {counts}; {since}.")
        };
        Self { text, members: members.len(), lists, added, removed, changed }
    }
}

/// The members in all and on lists 2 to 5, in words.
fn counts(members: usize, lists: [usize; 4]) -> String {
    format!(
        "{members} đồng chí (danh sách đóng dấu {}, thẻ hỏng {}, mất thẻ {}, chưa có thẻ {})",
        lists[0], lists[1], lists[2], lists[3]
    )
}

impl Summary {
    /// What submitting version `number` of `roster` sends up, asked before
    /// it goes: once sent, a unit edits it no more unless returned; the
    /// Board, at the top, reopens its own.
    pub fn before_submitting(unit: &str, level: super::Level, roster: Option<&Value>, number: i64) -> String {
        let what = match roster {
            Some(roster) => {
                let summary = Self::of(roster, None, number, true);
                format!("phiên bản {number}: {}", counts(summary.members, summary.lists))
            }
            None => format!("phiên bản {number}"),
        };
        let after = match level {
            super::Level::Board => "Sau khi nộp, muốn sửa thì bấm «Mở lại để sửa»",
            _ => "Sau khi nộp không sửa được nữa, trừ khi cấp trên trả lại",
        };
        format!("Nộp báo cáo của «{unit}» lên cấp trên — {what}. {after}. Nộp?")
    }
}

/// Two versions of a roster compared member by member.
struct Compared<'a> {
    added: Vec<&'a Value>,
    removed: Vec<&'a Value>,
    /// Before and now.
    changed: Vec<(&'a Value, &'a Value)>,
}

/// The members of `now` against those of `before`. The same member: the
/// same card, or without one, the same name and birth date. Keyed once, so
/// that a cell of thousands is compared in one pass, not each member
/// against every other.
fn compare<'a>(before: &'a [Value], now: &'a [Value]) -> Compared<'a> {
    let key = |m: &Value| match text(m, "card_number") {
        card if !card.is_empty() => (card, String::new()),
        _ => (text(m, "full_name"), text(m, "birth_date")),
    };
    let was: HashMap<(String, String), &Value> = before.iter().map(|b| (key(b), b)).collect();
    let kept: HashSet<(String, String)> = now.iter().map(key).collect();
    let mut compared = Compared { added: Vec::new(), removed: Vec::new(), changed: Vec::new() };
    for member in now {
        match was.get(&key(member)) {
            None => compared.added.push(member),
            Some(old) if *old != member => compared.changed.push((old, member)),
            Some(_) => {}
        }
    }
    compared.removed = before.iter().filter(|b| !kept.contains(&key(b))).collect();
    compared
}

/// What changed in a cell's roster from `before` to `now`, a line each in
/// words: members added, removed, and each changed field by its column's
/// title («Nguyễn Văn A: Ngày sinh 01/01/1970 → 02/01/1970»). The cell's
/// own details, when they changed, in one line.
pub fn changes(before: &Value, now: &Value) -> Vec<String> {
    let (old, new) = (members(before), members(now));
    let compared = compare(&old, &new);
    let mut lines = Vec::new();
    for member in &compared.added {
        lines.push(format!("Thêm: {}", text(member, "full_name")));
    }
    for member in &compared.removed {
        lines.push(format!("Bớt: {}", text(member, "full_name")));
    }
    for (was, is) in &compared.changed {
        let fields: Vec<String> = crate::sheet::member_fields(was, is)
            .into_iter()
            .map(|(title, was, is)| format!("{title} {} → {}", shown(&was), shown(&is)))
            .collect();
        lines.push(format!("{}: {}", text(is, "full_name"), fields.join("; ")));
    }
    if before.get("cell") != now.get("cell") || before.get("report") != now.get("report") {
        lines.push("Thông tin chi bộ hoặc nội dung báo cáo đã sửa".to_owned());
    }
    lines
}

/// A value as a line says it: «(trống)» for none.
fn shown(value: &str) -> &str {
    if value.is_empty() { "(trống)" } else { value }
}

fn members(roster: &Value) -> Vec<Value> {
    roster.get("members").and_then(Value::as_array).cloned().unwrap_or_default()
}

fn text(member: &Value, field: &str) -> String {
    member.get(field).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// The list (0 for form 2 … 3 for form 5) a member's card outcome puts
/// them on; none for the probationary and cards not stamped otherwise.
fn list_of(member: &Value) -> Option<usize> {
    match member.get("card")? {
        Value::String(outcome) if outcome == "stamp" => Some(0),
        Value::Object(outcome) if outcome.contains_key("damaged") => Some(1),
        Value::Object(outcome) if outcome.contains_key("lost") => Some(2),
        Value::Object(outcome) if outcome.contains_key("no_current_card") => Some(3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::campaign::Level;

    fn roster(members: Value) -> Value {
        json!({ "cell": {}, "members": members })
    }

    #[test]
    fn a_save_says_its_version_its_lists_and_what_changed() {
        let a = json!({ "full_name": "Trần Văn Hùng", "birth_date": "01/01/1962", "card": "stamp" });
        let b = json!({ "full_name": "Lê Thị Lan", "birth_date": "02/02/1970", "card": { "lost": {} } });
        let c = json!({ "full_name": "Võ Minh", "birth_date": "03/03/1980", "membership": "probationary" });
        let first = Summary::of(&roster(json!([a, b])), None, 1, true);
        assert_eq!(
            first.text,
            "Đã lưu phiên bản 1: 2 đồng chí (danh sách đóng dấu 1, thẻ hỏng 0, mất thẻ 1, chưa có thẻ 0)."
        );
        let mut a2 = a.clone();
        a2["card"] = json!({ "damaged": {} });
        let second = Summary::of(&roster(json!([a2, c])), Some(&roster(json!([a, b]))), 2, true);
        assert_eq!(
            (second.added.clone(), second.removed.clone(), second.changed.clone()),
            (vec!["Võ Minh".to_owned()], vec!["Lê Thị Lan".to_owned()], vec!["Trần Văn Hùng".to_owned()])
        );
        assert!(
            second
                .text
                .ends_with("so với phiên bản trước: thêm 1 (Võ Minh); bớt 1 (Lê Thị Lan); sửa 1 (Trần Văn Hùng)."),
            "{}",
            second.text
        );
        let same = Summary::of(&roster(json!([a2, c])), Some(&roster(json!([a2, c]))), 2, false);
        assert!(same.text.starts_with("Tệp giống hệt phiên bản 2 đã lưu: không tạo phiên bản mới"), "{}", same.text);
    }

    #[test]
    fn what_changed_between_two_versions_is_said_member_by_member_field_by_field() {
        let a = json!({ "full_name": "Nguyễn Văn A", "birth_date": "01/01/1970", "gender": "nam", "card_number": "49.000001", "card": "stamp" });
        let b = json!({ "full_name": "Lê Thị B", "birth_date": "02/02/1980", "card": "stamp" });
        let mut a2 = a.clone();
        a2["birth_date"] = json!("02/01/1970");
        a2["gender"] = json!("nu");
        a2["card"] = json!({ "lost": { "detail": "Mất khi đi công tác" } });
        let c = json!({ "full_name": "Võ C", "birth_date": "03/03/1990" });
        let lines = changes(&roster(json!([a, b])), &roster(json!([a2, c])));
        assert_eq!(lines[..2], ["Thêm: Võ C", "Bớt: Lê Thị B"]);
        assert!(
            lines[2].starts_with("Nguyễn Văn A: Ngày sinh 01/01/1970 → 02/01/1970; Giới tính Nam → Nữ; "),
            "{lines:?}"
        );
        assert!(lines[2].contains("Kết quả kiểm tra thẻ Đóng dấu → Mất thẻ (Mất khi đi công tác)"), "{lines:?}");
        assert_eq!(lines.len(), 3);
        assert!(changes(&roster(json!([a])), &roster(json!([a]))).is_empty(), "nothing changed, nothing said");
        let renamed = changes(
            &json!({ "cell": { "name": "X" }, "members": [] }),
            &json!({ "cell": { "name": "Y" }, "members": [] }),
        );
        assert_eq!(renamed, ["Thông tin chi bộ hoặc nội dung báo cáo đã sửa"]);
    }

    #[test]
    fn submitting_asks_first_naming_the_unit_the_version_and_what_goes_up() {
        let a = json!({ "full_name": "Trần Văn Hùng", "card": "stamp" });
        let asked = Summary::before_submitting("Chi bộ Văn phòng", Level::Cell, Some(&roster(json!([a]))), 3);
        assert!(
            asked.starts_with("Nộp báo cáo của «Chi bộ Văn phòng» lên cấp trên — phiên bản 3: 1 đồng chí"),
            "{asked}"
        );
        assert!(asked.ends_with("trừ khi cấp trên trả lại. Nộp?"), "{asked}");
        let details = Summary::before_submitting("Đảng bộ A", Level::Committee, None, 2);
        assert!(details.contains("— phiên bản 2. Sau khi nộp"), "a committee's: {details}");
        let board = Summary::before_submitting("Ban Tổ chức", Level::Board, None, 4);
        assert!(board.ends_with("muốn sửa thì bấm «Mở lại để sửa». Nộp?"), "nobody above returns it: {board}");
    }

    #[test]
    fn each_card_outcome_puts_a_member_on_its_list_and_the_probationary_on_none() {
        assert_eq!(list_of(&json!({ "card": "stamp" })), Some(0));
        assert_eq!(list_of(&json!({ "card": { "damaged": {} } })), Some(1));
        assert_eq!(list_of(&json!({ "card": { "lost": {} } })), Some(2));
        assert_eq!(list_of(&json!({ "card": { "no_current_card": {} } })), Some(3));
        assert_eq!(list_of(&json!({ "membership": "probationary" })), None);
    }
}
