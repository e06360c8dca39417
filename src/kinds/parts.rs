//! The consolidated lists cut into parts (docs/parts.md): each part's data
//! is the view the template reads, its lists reduced to the one list laid
//! out and, of it, the members of the part — under their units' names,
//! each unit that began in an earlier part marked `continued`, each that
//! goes on in a later one `open` — and the part's place:
//! `part: (list, first, last, pages, number)`.

use std::ops::Range;

use serde_json::{Map, Value, json};

use super::cell::CardLists;
use crate::engine::InParts;

/// The consolidated lists' view, ready to be cut.
pub struct ListParts {
    /// The view without its lists.
    view: Map<String, Value>,
    /// Each list's groups, in the order the document prints them.
    lists: Vec<(&'static str, Vec<Value>)>,
    /// Each list's member rows.
    rows: Vec<usize>,
}

impl ListParts {
    /// The view of the consolidated lists (`CommitteeView` or `BoardView`),
    /// as the template reads it.
    pub fn new(data: &[u8]) -> Self {
        let mut view: Map<String, Value> = serde_json::from_slice(data).expect("the view is a JSON object");
        let mut all = view.remove("lists").unwrap_or_default();
        let lists: Vec<(&'static str, Vec<Value>)> = CardLists::<()>::NAMES
            .into_iter()
            .map(|name| (name, serde_json::from_value(all[name].take()).unwrap_or_default()))
            .collect();
        let rows = lists.iter().map(|(_, groups)| groups.iter().map(members).sum()).collect();
        Self { view, lists, rows }
    }
}

impl InParts for ListParts {
    fn lists(&self) -> usize {
        self.lists.len()
    }

    fn rows(&self, list: usize) -> usize {
        self.rows[list]
    }

    fn part(&self, list: usize, rows: Range<usize>, pages: usize) -> Vec<u8> {
        let (name, groups) = &self.lists[list];
        let mut at = 0;
        let part_groups: Vec<Value> = groups.iter().filter_map(|g| cut(g, &rows, &mut at)).collect();
        let mut view = self.view.clone();
        view.insert("lists".into(), json!({ *name: part_groups }));
        view.insert(
            "part".into(),
            json!({
                "list": name,
                "first": rows.start == 0,
                "last": rows.end >= self.rows[list],
                "pages": pages,
                "number": rows.start + 1,
            }),
        );
        serde_json::to_vec(&view).expect("JSON values serialise")
    }
}

/// The member rows of a group, its units' included.
fn members(group: &Value) -> usize {
    let rows = group["rows"].as_array().map_or(0, Vec::len);
    rows + group["groups"].as_array().map_or(0, |groups| groups.iter().map(members).sum())
}

/// `group` with only its members within `rows`, counting from `at` (the
/// members before it), marked `continued` when it began before them and
/// `open` when it goes on after them (its subtotal is not the part's to
/// print: a subtotal keeps with the row above it and would push it to the
/// next page); none when it has no member there. `at` moves past the group.
fn cut(group: &Value, rows: &Range<usize>, at: &mut usize) -> Option<Value> {
    let (start, end) = (*at, *at + members(group));
    *at = end;
    if end <= rows.start || start >= rows.end {
        return None;
    }
    let mut part = group.clone();
    if let Some(own) = group["rows"].as_array() {
        let (from, to) = (rows.start.saturating_sub(start), (rows.end - start).min(own.len()));
        part["rows"] = Value::Array(own[from..to].to_vec());
    }
    if let Some(inner) = group["groups"].as_array() {
        let mut inner_at = start;
        part["groups"] = Value::Array(inner.iter().filter_map(|g| cut(g, rows, &mut inner_at)).collect());
    }
    if start < rows.start {
        part["continued"] = Value::Bool(true);
    }
    if end > rows.end {
        part["open"] = Value::Bool(true);
    }
    Some(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two organisations: the first with cells of 3 and 2 members, the second with one of 4.
    fn view() -> Vec<u8> {
        let rows = |n: usize, of: &str| (0..n).map(|i| json!({ "full_name": format!("{of} {i}") })).collect::<Vec<_>>();
        let cell = |title: &str, n: usize| json!({ "title": title, "count": n, "rows": rows(n, title) });
        let groups = json!([
            { "title": "A", "count": 5, "groups": [cell("A1", 3), cell("A2", 2)] },
            { "title": "B", "count": 4, "groups": [cell("B1", 4)] },
        ]);
        serde_json::to_vec(&json!({
            "total": { "to_stamp": 9 },
            "lists": { "to_stamp": groups, "damaged": [], "lost": [], "without_card": [] },
        }))
        .unwrap()
    }

    fn part(parts: &ListParts, rows: Range<usize>) -> Value {
        serde_json::from_slice(&parts.part(0, rows, 7)).unwrap()
    }

    #[test]
    fn only_a_consolidated_list_longer_than_a_part_is_laid_out_in_parts() {
        let template = crate::kinds::Kind::TongHop.template();
        assert!(crate::kinds::in_parts(template, &view(), 8).is_some());
        assert!(crate::kinds::in_parts(template, &view(), 9).is_none());
        assert!(crate::kinds::in_parts(crate::kinds::Kind::Mau2.template(), &view(), 1).is_none());
    }

    #[test]
    fn lists_are_counted_in_the_documents_order() {
        let parts = ListParts::new(&view());
        assert_eq!((parts.lists(), parts.rows(0), parts.rows(1)), (4, 9, 0));
        assert_eq!(parts.lists.iter().map(|(name, _)| *name).collect::<Vec<_>>(), CardLists::<()>::NAMES);
    }

    #[test]
    fn a_part_holds_its_members_under_their_units_those_begun_before_marked_continued() {
        let parts = ListParts::new(&view());
        let middle = part(&parts, 4..7);
        let names =
            |g: &Value| g["rows"].as_array().unwrap().iter().map(|r| r["full_name"].clone()).collect::<Vec<_>>();
        let groups = middle["lists"]["to_stamp"].as_array().unwrap();
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[0]["title"].as_str(), groups[0]["continued"].as_bool()), (Some("A"), Some(true)));
        let a = groups[0]["groups"].as_array().unwrap();
        assert_eq!(a.len(), 1, "A1 ended before the part");
        assert_eq!((a[0]["title"].as_str(), a[0]["continued"].as_bool()), (Some("A2"), Some(true)));
        assert_eq!(names(&a[0]), [json!("A2 1")]);
        assert_eq!(groups[0]["open"], Value::Null, "A ends in the part");
        assert_eq!(a[0]["open"], Value::Null);
        assert_eq!(groups[1]["continued"], Value::Null, "B begins in the part");
        assert_eq!(groups[1]["open"], Value::Bool(true), "B goes on after the part");
        assert_eq!(groups[1]["groups"][0]["open"], Value::Bool(true));
        assert_eq!(names(&groups[1]["groups"][0]), [json!("B1 0"), json!("B1 1")]);
        // Subtotals stay the units' whole counts.
        assert_eq!((groups[0]["count"].as_u64(), a[0]["count"].as_u64()), (Some(5), Some(2)));
        assert_eq!(
            middle["part"],
            json!({ "list": "to_stamp", "first": false, "last": false, "pages": 7, "number": 5 })
        );
        assert_eq!(middle["total"], json!({ "to_stamp": 9 }), "the rest of the view stays");
    }

    #[test]
    fn the_first_part_opens_the_list_and_the_last_closes_it() {
        let parts = ListParts::new(&view());
        let (first, last) = (part(&parts, 0..4), part(&parts, 4..9));
        assert_eq!((first["part"]["first"].as_bool(), first["part"]["last"].as_bool()), (Some(true), Some(false)));
        assert_eq!((last["part"]["first"].as_bool(), last["part"]["last"].as_bool()), (Some(false), Some(true)));
        let whole = part(&parts, 0..9);
        assert_eq!(whole["lists"]["to_stamp"], serde_json::from_slice::<Value>(&view()).unwrap()["lists"]["to_stamp"]);
    }
}
