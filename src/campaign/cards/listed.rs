//! What a cell's lists send up: each member on lists 2 to 5, and what goes
//! with them (plan §3.1–3.2, `docs/round-trip.md`).

use serde::{Deserialize, Serialize};

use crate::model::roster::{Card, Roster, Standing};

/// The list a member is on, which says what travels with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum List {
    /// 2-KTTĐV: the card, to stamp.
    Stamp,
    /// 3-KTTĐV: the damaged card and two photos, for a new card.
    Damaged,
    /// 4-KTTĐV: the written account of the loss and two photos, for a new card.
    Lost,
    /// 5-KTTĐV: two photos, for a first card.
    NoCard,
}

impl List {
    /// The form the list is.
    pub fn form(self) -> &'static str {
        match self {
            List::Stamp => "2-KTTĐV",
            List::Damaged => "3-KTTĐV",
            List::Lost => "4-KTTĐV",
            List::NoCard => "5-KTTĐV",
        }
    }

    /// What goes up with a member on this list, in words.
    pub fn goes_up(self) -> &'static str {
        match self {
            List::Stamp => "thẻ đảng viên",
            List::Damaged => "thẻ hỏng, 2 ảnh 2×3",
            List::Lost => "bản tường trình mất thẻ, 2 ảnh 2×3",
            List::NoCard => "2 ảnh 2×3",
        }
    }

    /// Whether the Board gives this member a new card (with a new number)
    /// rather than stamping the one they hold.
    pub fn new_card(self) -> bool {
        !matches!(self, List::Stamp)
    }
}

/// A member on a cell's lists: what the round trip follows, by `key` —
/// the cell and the card number, or for a member without one the cell,
/// name and date of birth. The cell is part of it: the same number in two
/// cells (which the reconciliation reports, R10) is two cards to follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub key: String,
    /// The cell's unit code.
    pub cell: String,
    pub name: String,
    pub birth_date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub list: List,
    /// The boxes the cell asks stamped on a new card (R6), if it said.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boxes: Vec<u8>,
}

/// The members on the lists of `roster`, the cell `cell`'s, in its order.
pub fn listed(cell: &str, roster: &Roster) -> Vec<Listed> {
    roster
        .full_members()
        .filter_map(|(member, _, card)| {
            let (list, boxes) = match card {
                Card::Stamp { .. } => (List::Stamp, None),
                Card::Damaged { stamp_boxes, .. } => (List::Damaged, stamp_boxes.as_ref()),
                Card::Lost { stamp_boxes, .. } => (List::Lost, stamp_boxes.as_ref()),
                Card::NoCurrentCard { .. } => (List::NoCard, None),
                // Its card stays with its member: nothing travels.
                Card::NotStamped { .. } => return None,
            };
            let number = member.card_number().map(ToString::to_string);
            let name = member.full_name.as_str().to_owned();
            let birth_date = member.birth_date.to_string();
            let key = match &number {
                Some(number) => format!("{cell}/{number}"),
                None => format!("{cell}/{name}/{birth_date}"),
            };
            let boxes = boxes.map(|b| b.boxes().to_vec()).unwrap_or_default();
            Some(Listed { key, cell: cell.to_owned(), name, birth_date, number, list, boxes })
        })
        .collect()
}

/// A member whose card does not travel but is followed up (plan §2, §5):
/// a probationary member, whose card is issued with box 4 stamped once they
/// become a full member; a full member whose card is not stamped this
/// round, and is of no value after the window.
#[derive(Debug, Clone, Serialize)]
pub struct Later {
    pub cell: String,
    pub name: String,
    pub birth_date: String,
    pub number: Option<String>,
    /// Why, and what is to be done, in words.
    pub why: String,
}

/// The members of the cell `cell`'s roster who are followed up later.
pub fn later(cell: &str, roster: &Roster) -> Vec<Later> {
    roster
        .members
        .iter()
        .filter_map(|member| {
            let why = match &member.standing {
                Standing::Probationary => format!(
                    "đảng viên dự bị (kết nạp {}): khi được công nhận chính thức và có quyết định phát thẻ, \
                     đóng dấu ô số 4 trước khi trao thẻ",
                    member.admitted_on
                ),
                Standing::Full { card: Card::NotStamped { reason, .. }, .. } => {
                    format!("không đóng dấu đợt này ({}): thẻ hết giá trị sử dụng sau hạn kiểm tra", reason.as_str())
                }
                Standing::Full { .. } => return None,
            };
            Some(Later {
                cell: cell.to_owned(),
                name: member.full_name.as_str().to_owned(),
                birth_date: member.birth_date.to_string(),
                number: member.card_number().map(ToString::to_string),
                why,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::JsonPath;

    #[test]
    fn every_full_member_on_lists_2_to_5_is_followed_and_nobody_else() {
        let roster = Roster::parse(&crate::sample::roster(60, 3), &JsonPath::root(), None).ok().unwrap().value;
        let listed = listed("vp", &roster);
        let travelling = roster.full_members().filter(|(_, _, c)| !matches!(c, Card::NotStamped { .. })).count();
        assert_eq!(listed.len(), travelling);
        assert!(listed.len() < roster.members.len(), "probationary members and cards not stamped stay");
        for list in [List::Stamp, List::Damaged, List::Lost, List::NoCard] {
            assert!(listed.iter().any(|l| l.list == list), "the sample has one of each: {list:?}");
        }
        let keys: std::collections::HashSet<&str> = listed.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys.len(), listed.len(), "one key each");
        let stamp = listed.iter().find(|l| l.list == List::Stamp).unwrap();
        assert_eq!(stamp.key, format!("vp/{}", stamp.number.as_ref().unwrap()));
        let without = listed.iter().find(|l| l.list == List::NoCard).unwrap();
        assert_eq!(without.key, format!("vp/{}/{}", without.name, without.birth_date));
    }

    #[test]
    fn probationary_members_and_cards_not_stamped_are_followed_up_later() {
        let roster = Roster::parse(&crate::sample::roster(60, 3), &JsonPath::root(), None).ok().unwrap().value;
        let later = later("vp", &roster);
        let listed = listed("vp", &roster);
        assert_eq!(later.len() + listed.len(), roster.members.len(), "every member travels or is followed up");
        let box4 = later.iter().filter(|l| l.why.contains("ô số 4")).count();
        let probationary = roster.members.iter().filter(|m| matches!(m.standing, Standing::Probationary)).count();
        assert_eq!(box4, probationary);
        assert!(box4 > 0 && box4 < later.len(), "the sample has both: {later:?}");
        assert!(later.iter().any(|l| l.why.starts_with("không đóng dấu đợt này (")), "{later:?}");
    }
}
