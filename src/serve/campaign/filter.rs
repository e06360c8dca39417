//! Which units a campaign's page lists, and in what order: a Board with
//! hundreds of units searches them by name, keeps one state or one kind of
//! lateness, sorts them. What is not understood is left out of the filter,
//! never an error: a page, not an API.

use serde::{Deserialize, Serialize};

use crate::campaign::{State, Timeliness, Unit};
use crate::model::scalar::fold;

/// `?tim=…&trang-thai=…&han=…&sap-xep=…&trang=N`, as the page's form sends it.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct UnitFilter {
    /// Part of a unit's name, with or without diacritics.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tim: String,
    /// A report's state, as its code (`da-nop`).
    #[serde(default, rename = "trang-thai", skip_serializing_if = "String::is_empty")]
    pub state: String,
    /// `dung-han`, `tre`, `qua-han`, `chua-den-han`, `khong-bao-cao`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub han: String,
    /// `ten`, `trang-thai`, `thay-doi`; the tree's order otherwise.
    #[serde(default, rename = "sap-xep", skip_serializing_if = "String::is_empty")]
    pub order: String,
    #[serde(default, skip_serializing)]
    pub trang: Option<usize>,
}

/// The kinds of lateness the filter offers, with their words.
pub const LATENESS: [(&str, &str); 5] = [
    ("dung-han", "đúng hạn"),
    ("tre", "trễ hạn"),
    ("qua-han", "chưa nộp, quá hạn"),
    ("chua-den-han", "chưa đến hạn"),
    ("khong-bao-cao", "không báo cáo"),
];

/// The orders the filter offers, with their words.
pub const ORDERS: [(&str, &str); 3] =
    [("ten", "theo tên"), ("trang-thai", "theo trạng thái"), ("thay-doi", "đổi gần nhất trước")];

impl UnitFilter {
    /// Whether anything narrows or reorders the list.
    pub fn any(&self) -> bool {
        !(self.tim.trim().is_empty() && self.state.is_empty() && self.han.is_empty() && self.order.is_empty())
    }

    /// Whether the units are sorted rather than listed in the tree's order.
    pub fn sorts(&self) -> bool {
        ORDERS.iter().any(|(code, _)| *code == self.order)
    }

    /// The units kept, in the order asked; `timeliness` of each unit.
    pub fn apply<'a>(&self, units: &'a [Unit], timeliness: impl Fn(&Unit) -> Option<Timeliness>) -> Vec<&'a Unit> {
        let wanted = fold(self.tim.trim());
        let state: Option<State> = self.state.parse().ok();
        let mut kept: Vec<&Unit> = units
            .iter()
            .filter(|u| wanted.is_empty() || fold(&u.name).contains(&wanted))
            .filter(|u| state.is_none_or(|s| u.state == s))
            .filter(|u| self.han.is_empty() || timeliness(u).is_some_and(|t| lateness(t) == self.han))
            .collect();
        match self.order.as_str() {
            "ten" => kept.sort_by_cached_key(|u| fold(&u.name)),
            "trang-thai" => kept.sort_by_key(|u| u.state as u8),
            "thay-doi" => kept.sort_by_key(|u| std::cmp::Reverse(u.changed_at)),
            _ => {}
        }
        kept
    }

    /// The query that lists the same units on page `page`.
    pub fn at_page(&self, page: usize) -> String {
        let query = serde_urlencoded::to_string(self).expect("strings encode");
        match query.is_empty() {
            true => format!("?trang={page}"),
            false => format!("?{query}&trang={page}"),
        }
    }
}

/// The filter's word for a unit's timeliness.
fn lateness(timeliness: Timeliness) -> &'static str {
    match timeliness {
        Timeliness::OnTime => "dung-han",
        Timeliness::Late { .. } => "tre",
        Timeliness::Missing => "qua-han",
        Timeliness::Due => "chua-den-han",
        Timeliness::NotReporting => "khong-bao-cao",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Level, test_unit};

    fn units() -> Vec<Unit> {
        let mut finance = test_unit("db-tc", Level::Committee, State::Submitted, Some("ban"));
        finance.name = "Đảng bộ Sở Tài chính".into();
        finance.changed_at = Some(2);
        let mut building = test_unit("db-xd", Level::Committee, State::Draft, Some("ban"));
        building.name = "Đảng bộ Sở Xây dựng".into();
        building.changed_at = Some(3);
        let mut office = test_unit("db-tc.vp", Level::Cell, State::Approved, Some("db-tc"));
        office.name = "Chi bộ Văn phòng".into();
        office.changed_at = Some(1);
        vec![finance, office, building]
    }

    fn codes(units: Vec<&Unit>) -> Vec<&str> {
        units.into_iter().map(|u| u.code.as_str()).collect()
    }

    #[test]
    fn a_unit_is_found_by_its_name_with_or_without_diacritics() {
        let units = units();
        let find = |tim: &str| codes(UnitFilter { tim: tim.into(), ..UnitFilter::default() }.apply(&units, |_| None));
        assert_eq!(find("tài chính"), ["db-tc"]);
        assert_eq!(find("  TAI CHINH "), ["db-tc"]);
        assert_eq!(find("sở"), ["db-tc", "db-xd"], "the tree's order");
        assert!(find("y tế").is_empty());
        assert_eq!(find("").len(), 3);
    }

    #[test]
    fn a_state_or_a_lateness_keeps_only_its_units_and_the_unknown_keeps_all() {
        let units = units();
        let late = |u: &Unit| Some(if u.code == "db-tc" { Timeliness::Late { days: 2 } } else { Timeliness::Due });
        let only = |state: &str, han: &str| {
            codes(UnitFilter { state: state.into(), han: han.into(), ..UnitFilter::default() }.apply(&units, late))
        };
        assert_eq!(only("da-nop", ""), ["db-tc"]);
        assert_eq!(only("", "tre"), ["db-tc"]);
        assert_eq!(only("", "chua-den-han"), ["db-tc.vp", "db-xd"]);
        assert_eq!(only("dang-soan", "tre"), Vec::<&str>::new());
        assert_eq!(only("khong-co", "").len(), 3, "an unknown state narrows nothing");
    }

    #[test]
    fn units_sort_by_name_state_or_last_change() {
        let units = units();
        let sorted =
            |order: &str| codes(UnitFilter { order: order.into(), ..UnitFilter::default() }.apply(&units, |_| None));
        assert_eq!(sorted("ten"), ["db-tc.vp", "db-tc", "db-xd"]);
        assert_eq!(sorted("thay-doi"), ["db-xd", "db-tc", "db-tc.vp"]);
        assert_eq!(sorted("trang-thai"), ["db-xd", "db-tc", "db-tc.vp"], "draft, submitted, approved");
    }

    #[test]
    fn the_next_page_keeps_the_filter_its_words_encoded() {
        let filter =
            UnitFilter { tim: "Sở & Y tế".into(), han: "tre".into(), trang: Some(3), ..UnitFilter::default() };
        assert_eq!(filter.at_page(4), "?tim=S%E1%BB%9F+%26+Y+t%E1%BA%BF&han=tre&trang=4");
        assert_eq!(UnitFilter::default().at_page(2), "?trang=2");
        assert!(filter.any() && !UnitFilter { trang: Some(2), ..UnitFilter::default() }.any());
    }
}
