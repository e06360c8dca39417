//! The consolidated lists cut into parts (docs/parts.md): each part's data
//! is the view the template reads, its lists reduced to the one list laid
//! out and, of it, the members of the part — under their units' names,
//! each unit that began in an earlier part marked `continued`, each that
//! goes on in a later one `open` — and the part's place:
//! `part: (list, first, last, pages, number)`.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::cell::CardLists;
use crate::engine::InParts;

/// The consolidated lists' view, ready to be cut.
pub struct ListParts {
    /// The view without its lists.
    view: Map<String, Value>,
    /// Each list's groups, in the order the document prints them.
    lists: Vec<(&'static str, Vec<Group>)>,
    /// Each list's lines before each member row and after the last:
    /// `lines[list][i]`, those of its first `i` members, with the titles of
    /// the units they open and the subtotals of those they close. A unit's
    /// title or subtotal takes a page's room as a member's row does, and
    /// the lists of damaged and lost cards have about one member a cell:
    /// 200 of their members make as many pages as 600 of list 2's
    /// (BENCHMARKS.md), so parts are cut by lines.
    lines: Vec<Vec<usize>>,
}

/// A unit's part of a list as the view writes it (`committee::Group`): its
/// member rows kept as the JSON they are — a province's list is held as
/// its text, not as a tree of values — or its own units.
#[derive(Clone, Deserialize, Serialize)]
struct Group {
    title: String,
    count: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rows: Vec<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    groups: Vec<Group>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    continued: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    open: bool,
}

/// What the template reads of a part: the view, one list, the part's place.
#[derive(Serialize)]
struct PartView<'a> {
    #[serde(flatten)]
    view: &'a Map<String, Value>,
    lists: BTreeMap<&'static str, Vec<Group>>,
    part: Place,
}

#[derive(Serialize)]
struct Place {
    list: &'static str,
    first: bool,
    last: bool,
    pages: usize,
    number: usize,
}

impl ListParts {
    /// The view of the consolidated lists (`CommitteeView` or `BoardView`),
    /// as the template reads it.
    pub fn new(data: &[u8]) -> Self {
        #[derive(Deserialize)]
        struct View {
            lists: Map<String, Value>,
            #[serde(flatten)]
            rest: Map<String, Value>,
        }
        let View { mut lists, rest } = serde_json::from_slice(data).expect("the view has its lists");
        let lists: Vec<(&'static str, Vec<Group>)> = CardLists::<()>::NAMES
            .into_iter()
            .map(|name| {
                let groups = lists.remove(name).map(serde_json::from_value).transpose();
                (name, groups.expect("the view's groups").unwrap_or_default())
            })
            .collect();
        let lines = lists
            .iter()
            .map(|(_, groups)| {
                let mut lines = vec![0];
                count_lines(groups, &mut 0, &mut lines);
                lines
            })
            .collect();
        Self { view: rest, lists, lines }
    }

    /// All the lines of list `list`.
    pub fn lines(&self, list: usize) -> usize {
        self.lines[list].last().copied().unwrap_or(0)
    }
}

/// Adds to `lines` the lines up to each member row of `groups`, as the
/// template prints them: a unit's title above its first row (`pending`
/// titles wait for it), its own rows, its units', its subtotal.
fn count_lines(groups: &[Group], pending: &mut usize, lines: &mut Vec<usize>) {
    for group in groups.iter().filter(|g| g.count > 0) {
        *pending += 1;
        for _ in &group.rows {
            let before = lines.last().copied().unwrap_or(0);
            lines.push(before + *pending + 1);
            *pending = 0;
        }
        count_lines(&group.groups, pending, lines);
        if let Some(last) = lines.last_mut() {
            *last += 1;
        }
    }
}

impl InParts for ListParts {
    fn lists(&self) -> usize {
        self.lists.len()
    }

    fn rows(&self, list: usize) -> usize {
        self.lines[list].len() - 1
    }

    fn end(&self, list: usize, from: usize, lines: usize) -> usize {
        let before = &self.lines[list];
        let most = before[from] + lines;
        // The last row whose lines stay within `most`, at least one, none
        // past the list (an empty list is one part of no row).
        let end = before.partition_point(|&l| l <= most) - 1;
        end.max(from + 1).min(self.rows(list))
    }

    fn part(&self, list: usize, rows: Range<usize>, pages: usize) -> Vec<u8> {
        let (name, groups) = &self.lists[list];
        let mut at = 0;
        let part_groups: Vec<Group> = groups.iter().filter_map(|g| g.cut(&rows, &mut at)).collect();
        let view = PartView {
            view: &self.view,
            lists: BTreeMap::from([(*name, part_groups)]),
            part: Place {
                list: name,
                first: rows.start == 0,
                last: rows.end >= self.rows(list),
                pages,
                number: rows.start + 1,
            },
        };
        serde_json::to_vec(&view).expect("the view serialises")
    }
}

impl Group {
    /// The member rows of the group, its units' included.
    fn members(&self) -> usize {
        self.rows.len() + self.groups.iter().map(Group::members).sum::<usize>()
    }

    /// The group with only its members within `rows`, counting from `at`
    /// (the members before it), marked `continued` when it began before
    /// them and `open` when it goes on after them (its subtotal is not the
    /// part's to print: a subtotal keeps with the row above it and would
    /// push it to the next page); none when it has no member there. `at`
    /// moves past the group. Its own rows come before its units', as the
    /// template prints them.
    fn cut(&self, rows: &Range<usize>, at: &mut usize) -> Option<Group> {
        let (start, end) = (*at, *at + self.members());
        *at = end;
        if end <= rows.start || start >= rows.end {
            return None;
        }
        let own = self.rows.len();
        let (from, to) = (rows.start.saturating_sub(start).min(own), (rows.end - start).min(own));
        let mut inner = start + own;
        Some(Group {
            title: self.title.clone(),
            count: self.count,
            rows: self.rows[from..to].to_vec(),
            groups: self.groups.iter().filter_map(|g| g.cut(rows, &mut inner)).collect(),
            continued: start < rows.start,
            open: end > rows.end,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

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
        // 9 members, 5 units' titles and their 5 subtotals.
        assert!(crate::kinds::in_parts(template, &view(), 18).is_some());
        assert!(crate::kinds::in_parts(template, &view(), 19).is_none());
        assert!(crate::kinds::in_parts(crate::kinds::Kind::Mau2.template(), &view(), 1).is_none());
    }

    #[test]
    fn a_part_ends_where_its_lines_run_out_units_titles_and_subtotals_counted() {
        let parts = ListParts::new(&view());
        // A, A1 and its first member; then A1's others, closed by its subtotal.
        assert_eq!(parts.lines[0], [0, 3, 4, 6, 8, 11, 14, 15, 16, 19]);
        assert_eq!(parts.lines(0), 19);
        assert_eq!(parts.end(0, 0, 4), 2, "three lines for the first member, one for the second");
        assert_eq!(parts.end(0, 0, 1), 1, "at least one member, whatever its lines");
        assert_eq!(parts.end(0, 2, 6), 4, "A1's last member and subtotal, A2's title and first member");
        assert_eq!(parts.end(0, 5, 100), 9, "never past the list");
        assert_eq!(parts.end(1, 0, 4), 0, "an empty list (no damaged card) is one part of no row");
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
