//! Rule R10, "đối chiếu": the members the committees submitted against the
//! roll the Board manages. Every difference is reported; none is dropped.
//!
//! Entries are paired in passes, surest first: by card number; then by the
//! name folded (case, spacing, accents) and the date of birth; then by the
//! date of birth and a name close enough to be a slip. Each pairing says how
//! sure it is; what is left unpaired on either side is a difference too.

use std::collections::HashMap;

use serde::Serialize;

use super::board::Board;
use super::roll::RollEntry;
use super::roster::Member;
use super::scalar::{CardNumber, Date, Name, Text};
use crate::input::JsonPath;

/// A name at least this close (0–100) to the roll's, with the same date of
/// birth, is taken for the same person spelt differently.
const CLOSE_NAME: u8 = 75;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
pub enum Finding {
    /// On the roll, submitted by no cell.
    NotSubmitted,
    /// Submitted, not on the roll.
    NotOnRoll,
    /// Submitted as temporarily attached, not on the roll: the roll that
    /// holds the member is the home cell's, elsewhere. Not a difference.
    AttachedElsewhere,
    /// On the roll, of a unit marked as not reporting (an organisation, or
    /// a cell of one that reports): said as such. Not a difference.
    InUnitNotReporting,
    /// The same card number submitted by two cells.
    CardInTwoCells,
    NameDiffers,
    BirthDateDiffers,
    CardNumberDiffers,
}

impl Finding {
    /// In the order reports list them.
    pub const ALL: [Finding; 8] = [
        Finding::NotSubmitted,
        Finding::NotOnRoll,
        Finding::CardInTwoCells,
        Finding::NameDiffers,
        Finding::BirthDateDiffers,
        Finding::CardNumberDiffers,
        Finding::AttachedElsewhere,
        Finding::InUnitNotReporting,
    ];

    /// Reported apart from the differences: the roll and the submissions
    /// do not disagree, the member is simply not the submitters' to report.
    pub fn is_difference(self) -> bool {
        !matches!(self, Finding::AttachedElsewhere | Finding::InUnitNotReporting)
    }

    pub fn label(self) -> &'static str {
        match self {
            Finding::NotSubmitted => "Có trong danh sách quản lý, đơn vị không báo cáo",
            Finding::NotOnRoll => "Đơn vị báo cáo, không có trong danh sách quản lý",
            Finding::AttachedElsewhere => "Sinh hoạt tạm thời, đảng số do nơi khác quản lý",
            Finding::InUnitNotReporting => "Thuộc đơn vị không báo cáo",
            Finding::CardInTwoCells => "Một số thẻ ở hai chi bộ",
            Finding::NameDiffers => "Họ tên khác danh sách quản lý",
            Finding::BirthDateDiffers => "Ngày sinh khác danh sách quản lý",
            Finding::CardNumberDiffers => "Số thẻ khác danh sách quản lý",
        }
    }
}

/// A member as one side has it, and where.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub full_name: Name,
    pub birth_date: Date,
    pub card_number: Option<CardNumber>,
    pub organisation: Option<Text>,
    pub cell: Option<Text>,
    /// The entry in the input: `committees[0].cells[1].members[2]` or `roll[5]`.
    pub place: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    pub finding: Finding,
    pub label: &'static str,
    /// What the cells submitted: none, one, or both cells for a card number on two.
    pub submitted: Vec<Entry>,
    pub roll: Option<Entry>,
    /// How sure the pairing of the two sides is, 0–100; none when unpaired.
    pub confidence: Option<u8>,
    pub note: String,
}

/// The counts section II of form 7 reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub on_roll: usize,
    pub submitted: usize,
    /// Pairs found, differences in their details included.
    pub paired: usize,
    pub not_submitted: usize,
    pub not_on_roll: usize,
    /// Temporarily attached members the roll does not hold: reported apart,
    /// not counted among the differences.
    pub attached_elsewhere: usize,
    /// Members on the roll of units that do not report: reported apart too.
    pub in_unit_not_reporting: usize,
    pub card_in_two_cells: usize,
    pub name_differs: usize,
    pub birth_date_differs: usize,
    pub card_number_differs: usize,
    /// Every finding but those reported apart ([`Finding::is_difference`]).
    pub differences: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub totals: Totals,
    /// How many of each finding, in [`Finding::ALL`]'s order, with their
    /// labels: what form 7 and the XLSX list.
    pub counts: Vec<FindingCount>,
    pub differences: Vec<Difference>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingCount {
    pub finding: Finding,
    pub label: &'static str,
    pub count: usize,
}

/// A submitted member's candidates on the roll, best first.
type Candidates<'a> = dyn Fn(&Submitted) -> Vec<usize> + 'a;

struct Submitted<'a> {
    member: &'a Member,
    entry: Entry,
}

impl Reconciliation {
    pub fn new(board: &Board, roll: &[RollEntry]) -> Self {
        let submitted = submitted(board);
        let roll_entries: Vec<Entry> = roll.iter().enumerate().map(|(i, r)| roll_entry(r, i)).collect();
        let mut differences = cards_in_two_cells(&submitted);

        let mut by_card: HashMap<&CardNumber, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<(String, Date), Vec<usize>> = HashMap::new();
        let mut by_birth: HashMap<Date, Vec<usize>> = HashMap::new();
        for (i, entry) in roll.iter().enumerate() {
            if let Some(number) = &entry.card_number {
                by_card.entry(number).or_default().push(i);
            }
            by_name.entry((entry.full_name.folded(), entry.birth_date)).or_default().push(i);
            by_birth.entry(entry.birth_date).or_default().push(i);
        }
        // Each pass gives a submitted member's candidates on the roll, best first.
        let passes: [&Candidates; 3] = [
            &|s| s.member.card_number().and_then(|n| by_card.get(n)).cloned().unwrap_or_default(),
            &|s| by_name.get(&(s.member.full_name.folded(), s.member.birth_date)).cloned().unwrap_or_default(),
            &|s| {
                let mut close: Vec<(u8, usize)> = by_birth
                    .get(&s.member.birth_date)
                    .into_iter()
                    .flatten()
                    .map(|&r| (closeness(&s.member.full_name, &roll[r].full_name), r))
                    .filter(|&(score, _)| score >= CLOSE_NAME)
                    .collect();
                close.sort_by_key(|&(score, _)| std::cmp::Reverse(score));
                close.into_iter().map(|(_, r)| r).collect()
            },
        ];
        let mut paired_roll = vec![false; roll.len()];
        let mut pending: Vec<usize> = (0..submitted.len()).collect();
        let mut paired = 0;
        for candidates in passes {
            pending.retain(|&s| {
                let Some(r) = candidates(&submitted[s]).into_iter().find(|&r| !paired_roll[r]) else {
                    return true;
                };
                paired_roll[r] = true;
                paired += 1;
                differences.extend(compare(&submitted[s], &roll[r], &roll_entries[r]));
                false
            });
        }
        differences.extend(pending.iter().map(|&s| {
            let entry = vec![submitted[s].entry.clone()];
            match &submitted[s].member.temporary_from {
                Some(home) => unpaired(Finding::AttachedElsewhere, entry, None, format!("đảng số ở {home}")),
                None => unpaired(Finding::NotOnRoll, entry, None, String::new()),
            }
        }));
        let not_reporting = NotReporting::of(board);
        differences.extend((0..roll.len()).filter(|&r| !paired_roll[r]).map(
            |r| match not_reporting.reason(&roll[r]) {
                Some(reason) => unpaired(
                    Finding::InUnitNotReporting,
                    Vec::new(),
                    Some(roll_entries[r].clone()),
                    format!("không báo cáo: {reason}"),
                ),
                None => unpaired(Finding::NotSubmitted, Vec::new(), Some(roll_entries[r].clone()), String::new()),
            },
        ));

        let count = |finding| differences.iter().filter(|d| d.finding == finding).count();
        let totals = Totals {
            on_roll: roll.len(),
            submitted: submitted.len(),
            paired,
            not_submitted: count(Finding::NotSubmitted),
            not_on_roll: count(Finding::NotOnRoll),
            attached_elsewhere: count(Finding::AttachedElsewhere),
            in_unit_not_reporting: count(Finding::InUnitNotReporting),
            card_in_two_cells: count(Finding::CardInTwoCells),
            name_differs: count(Finding::NameDiffers),
            birth_date_differs: count(Finding::BirthDateDiffers),
            card_number_differs: count(Finding::CardNumberDiffers),
            differences: differences.iter().filter(|d| d.finding.is_difference()).count(),
        };
        let counts = Finding::ALL
            .into_iter()
            .map(|finding| FindingCount { finding, label: finding.label(), count: count(finding) })
            .collect();
        Self { totals, counts, differences }
    }
}

/// The units marked as not reporting, by their names folded: whole
/// organisations, and cells of the organisations that report.
struct NotReporting<'a> {
    organisations: HashMap<String, &'a Text>,
    cells: HashMap<(String, String), &'a Text>,
}

impl<'a> NotReporting<'a> {
    fn of(board: &'a Board) -> Self {
        let organisations = board.not_reporting.iter().map(|a| (a.name.folded(), &a.reason)).collect();
        let cells = board
            .committees
            .iter()
            .flat_map(|c| c.not_reporting.iter().map(move |a| ((c.organisation.folded(), a.name.folded()), &a.reason)))
            .collect();
        Self { organisations, cells }
    }

    /// Why the unit of a roll entry does not report, if it does not.
    fn reason(&self, entry: &RollEntry) -> Option<&'a Text> {
        let organisation = entry.organisation.as_ref()?.folded();
        if let Some(reason) = self.organisations.get(&organisation) {
            return Some(reason);
        }
        self.cells.get(&(organisation, entry.cell.as_ref()?.folded())).copied()
    }
}

/// Every member of every cell of every committee, where the input has them.
fn submitted(board: &Board) -> Vec<Submitted<'_>> {
    let mut all = Vec::new();
    for (c, committee) in board.committees.iter().enumerate() {
        for (k, roster) in committee.cells.iter().enumerate() {
            for (m, member) in roster.members.iter().enumerate() {
                let place = JsonPath::root().key("committees").index(c).key("cells").index(k).key("members").index(m);
                let entry = Entry {
                    full_name: member.full_name.clone(),
                    birth_date: member.birth_date,
                    card_number: member.card_number().cloned(),
                    organisation: Some(committee.organisation.clone()),
                    cell: Some(roster.cell.name.clone()),
                    place: place.to_string(),
                };
                all.push(Submitted { member, entry });
            }
        }
    }
    all
}

fn roll_entry(entry: &RollEntry, index: usize) -> Entry {
    Entry {
        full_name: entry.full_name.clone(),
        birth_date: entry.birth_date,
        card_number: entry.card_number.clone(),
        organisation: entry.organisation.clone(),
        cell: entry.cell.clone(),
        place: JsonPath::root().key("roll").index(index).to_string(),
    }
}

/// A card number that two cells submitted (a committee's own cells are
/// checked already; this finds it across committees).
fn cards_in_two_cells(submitted: &[Submitted]) -> Vec<Difference> {
    let mut by_number: HashMap<&CardNumber, Vec<&Entry>> = HashMap::new();
    for s in submitted {
        if let Some(number) = s.member.card_number() {
            by_number.entry(number).or_default().push(&s.entry);
        }
    }
    let mut found: Vec<Difference> = by_number
        .into_values()
        .filter(|entries| entries.len() > 1)
        .map(|entries| {
            let note = "mỗi số thẻ chỉ của một đảng viên; cần xác minh".to_owned();
            unpaired(Finding::CardInTwoCells, entries.into_iter().cloned().collect(), None, note)
        })
        .collect();
    found.sort_by(|a, b| a.submitted[0].place.cmp(&b.submitted[0].place));
    found
}

/// The differences between a submitted member and the roll entry paired with it.
fn compare(submitted: &Submitted, roll: &RollEntry, roll_entry: &Entry) -> Vec<Difference> {
    let member = submitted.member;
    let confidence = closeness(&member.full_name, &roll.full_name);
    let difference = |finding, note: String| Difference {
        finding,
        label: Finding::label(finding),
        submitted: vec![submitted.entry.clone()],
        roll: Some(roll_entry.clone()),
        confidence: Some(confidence),
        note,
    };
    let mut found = Vec::new();
    if member.full_name != roll.full_name {
        let note = if member.full_name.folded() == roll.full_name.folded() {
            "chỉ khác dấu hoặc chữ hoa"
        } else {
            "khác chính tả"
        };
        found
            .push(difference(Finding::NameDiffers, format!("{} / {}", member.full_name, roll.full_name) + "; " + note));
    }
    if member.birth_date != roll.birth_date {
        found.push(difference(Finding::BirthDateDiffers, format!("{} / {}", member.birth_date, roll.birth_date)));
    }
    match (member.card_number(), &roll.card_number) {
        (Some(ours), Some(theirs)) if ours != theirs => {
            found.push(difference(Finding::CardNumberDiffers, format!("{ours} / {theirs}")));
        }
        (Some(ours), None) => {
            found.push(difference(Finding::CardNumberDiffers, format!("danh sách quản lý chưa có số thẻ {ours}")));
        }
        _ => {}
    }
    found
}

fn unpaired(finding: Finding, submitted: Vec<Entry>, roll: Option<Entry>, note: String) -> Difference {
    Difference { finding, label: finding.label(), submitted, roll, confidence: None, note }
}

/// How alike two names are, 0–100, ignoring case: 100 only when equal.
fn closeness(a: &Name, b: &Name) -> u8 {
    let score = strsim::normalized_levenshtein(&a.as_str().to_lowercase(), &b.as_str().to_lowercase());
    (score * 100.0).floor() as u8
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn member(name: &str, born: &str, card: &str) -> Value {
        json!({
            "full_name": name, "birth_date": born, "gender": "nam", "card_number": card,
            "admitted_on": "01/01/1995", "full_member_on": "01/01/1996", "membership": "full", "card": "stamp",
        })
    }

    fn findings(members: Vec<Value>, roll: Value) -> Vec<(Finding, Option<u8>)> {
        let mut cell = crate::sample::roster(1, 1);
        cell["members"] = json!(members);
        let header =
            json!({ "superior": "ĐẢNG ỦY KHỐI", "issuer": "BAN TỔ CHỨC", "place": "Quảng Nam", "date": "18/05/2021" });
        let signature = json!({ "as": "head", "title": "TRƯỞNG BAN", "name": "Lê Thị Vân" });
        let board = json!({
            "board": { "header": header, "signature": signature },
            "committees": [{
                "organisation": "Đảng bộ Sở Tài chính",
                "committee": { "header": header, "signature": signature },
                "cells": [cell],
            }],
            "roll": roll,
        });
        let board = Board::parse(&board).map_err(|p| format!("{p:#?}")).unwrap().value;
        let reconciliation = Reconciliation::new(&board, board.roll.as_deref().unwrap());
        reconciliation.differences.iter().map(|d| (d.finding, d.confidence)).collect()
    }

    #[test]
    fn pairs_are_found_surest_first_and_every_difference_is_said() {
        let found = findings(
            vec![
                member("Lê Văn An", "01/01/1970", "49.000001"),
                member("Trần Thị Bình", "02/02/1971", "49.000002"),
                member("Phạm Quốc Cường", "03/03/1972", "49.000003"),
                member("Võ Minh Dũng", "04/04/1973", "49.000004"),
            ],
            json!([
                // By card number, the name spelt otherwise.
                { "full_name": "Lê Văn Ân", "birth_date": "01/01/1970", "card_number": "49.000001" },
                // By name and birth date; the roll lacks the card.
                { "full_name": "TRẦN THỊ BÌNH", "birth_date": "02/02/1971" },
                // By birth date and a name close enough to be a slip.
                { "full_name": "Phạm Quốc Cương", "birth_date": "03/03/1972" },
                // Nobody submitted.
                { "full_name": "Hồ Văn Em", "birth_date": "05/05/1974" },
            ]),
        );
        let kinds: Vec<Finding> = found.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            kinds,
            [
                Finding::NameDiffers,
                Finding::NameDiffers,
                Finding::CardNumberDiffers,
                Finding::NameDiffers,
                Finding::CardNumberDiffers,
                Finding::NotOnRoll,
                Finding::NotSubmitted,
            ],
            "{found:?}"
        );
        assert!(found[0].1.is_some_and(|c| c >= 75), "a pairing says how sure it is: {found:?}");
    }

    #[test]
    fn a_clean_roll_gives_no_difference() {
        let found = findings(
            vec![member("Lê Văn An", "01/01/1970", "49.000001")],
            json!([{ "full_name": "Lê Văn An", "birth_date": "01/01/1970", "card_number": "49.000001" }]),
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
