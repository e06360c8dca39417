//! A grassroots committee's submission: the rosters of its cells, each
//! checked with the cell rules, then the rules across cells (R7): a card
//! number belongs to one member, a member to one roster.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::campaign::Campaign;
use super::frame::{Header, Issuer};
use super::roster::{Checked, Figures, Roster, RosterInput};
use super::scalar::{CardNumber, Date, Name, Text};
use crate::input::{Code, InputError, JsonPath, ObjectReader};

/// A committee's submission as entered.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitteeInput {
    /// The 2021 Quảng Nam campaign when absent; cells without their own
    /// campaign belong to this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<Campaign>,
    /// Tên tổ chức cơ sở đảng, e.g. "Đảng bộ Sở Tài chính": its row in the Board's tables.
    pub organisation: Text,
    /// Ngày Ban Tổ chức nhận hồ sơ, filled in by the Board, for the deadline check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<Date>,
    /// The committee as issuer of form 6: header, signature (T/M ĐẢNG ỦY,
    /// T/M BAN THƯỜNG VỤ, or T/M CHI ỦY for a chi bộ cơ sở), recipients.
    pub committee: Issuer,
    pub cells: Vec<RosterInput>,
    /// Chi bộ không báo cáo: cells that will not report, with the reason
    /// (from the campaign store, where the committee marks them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_reporting: Vec<Absent>,
}

impl CommitteeInput {
    /// A chi bộ cơ sở's report to the Board from its own roster: form 6
    /// with its one row, issued and signed as its lists are; the number is
    /// left for the clerk (the roster's is form 1's).
    pub fn of_base_cell(mut roster: RosterInput) -> Self {
        let header = Header { number: None, ..roster.cell.header() };
        let committee = Issuer {
            header,
            name: None,
            signature: roster.cell.signature(),
            recipients: roster.cell.recipients.clone(),
        };
        Self {
            campaign: roster.campaign.take(),
            organisation: roster.cell.name.clone(),
            received_on: None,
            committee,
            cells: vec![roster],
            not_reporting: Vec::new(),
        }
    }
}

/// A unit that does not report, and why: a row of form 6 or of form 7's
/// annex without figures.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Absent {
    pub name: Text,
    pub reason: Text,
}

/// A checked submission: every cell obeys the cell rules, and no card or
/// person is on two cells.
#[derive(Debug, Clone)]
pub struct Committee {
    pub campaign: Campaign,
    pub organisation: Text,
    pub received_on: Option<Date>,
    pub issuer: Issuer,
    pub cells: Vec<Roster>,
    pub not_reporting: Vec<Absent>,
}

impl Committee {
    /// Reads and checks a submission, reporting every problem of every cell
    /// at once.
    pub fn parse(
        value: &Value,
        path: &JsonPath,
        inherited: Option<&Campaign>,
    ) -> Result<Checked<Self>, Vec<InputError>> {
        let mut reader = ObjectReader::new(value, path.clone());
        let campaign: Option<Option<Campaign>> = reader.optional("campaign");
        let organisation: Option<Text> = reader.field("organisation");
        let received_on: Option<Option<Date>> = reader.optional("received_on");
        let issuer: Option<Issuer> = reader.field("committee");
        let not_reporting: Option<Option<Vec<Absent>>> = reader.optional("not_reporting");
        let own = campaign.flatten().or_else(|| inherited.cloned()).unwrap_or_default();
        let mut warnings = Vec::new();
        // Who each cell names, read apart: the rules across cells run even
        // on a roster with problems of its own, so that all come at once.
        let mut people = Vec::new();
        let cells = reader.items_with("cells", |value, path, problems| {
            people.push(People::read(value));
            Checked::part(Roster::parse(value, path, Some(&own)), &mut warnings, problems)
        });
        let mut problems = reader.finish();
        let (Some(organisation), Some(received_on), Some(issuer), Some(cells), Some(not_reporting)) =
            (organisation, received_on, issuer, cells, not_reporting)
        else {
            return Err(problems);
        };
        check_across_cells(&people, &path.key("cells"), &mut problems, &mut warnings);
        warnings.extend(under_another_superior(&cells, &organisation, &path.key("cells")));
        let Some(cells) = cells.into_iter().collect::<Option<Vec<_>>>().filter(|_| problems.is_empty()) else {
            return Err(problems);
        };
        // Named: on the Board's page its place reads «tổ chức cơ sở đảng thứ 2».
        let what = format!("báo cáo 6-KTTĐV của «{}»", organisation.as_str());
        warnings.extend(late(issuer.header.date, own.committee_deadline, &path.key("committee"), &what));
        let not_reporting = not_reporting.unwrap_or_default();
        Ok(Checked { value: Self { campaign: own, organisation, received_on, issuer, cells, not_reporting }, warnings })
    }

    /// The committee's figures: the sum of its cells' (R9).
    pub fn figures(&self) -> Figures {
        self.cells.iter().map(Roster::figures).sum()
    }
}

/// A warning when a document is dated after its deadline.
pub fn late(date: Date, deadline: Date, issuer: &JsonPath, what: &str) -> Option<InputError> {
    (date > deadline).then(|| {
        InputError::new(
            Code::LateReport,
            issuer.key("header").key("date"),
            format!("{what} đề ngày {date}, sau hạn {deadline} của kế hoạch"),
        )
    })
}

/// A warning for each cell that names another organisation above it than
/// the committee: a roster sent to the wrong committee, or a slip. A chi
/// bộ cơ sở is its own organisation: the one above it is the Bloc's.
fn under_another_superior(cells: &[Option<Roster>], organisation: &Text, path: &JsonPath) -> Vec<InputError> {
    let cells = cells.iter().enumerate().filter_map(|(i, c)| Some((i, c.as_ref()?)));
    cells
        .filter(|(_, roster)| roster.cell.superior.folded() != organisation.folded())
        .filter(|(_, roster)| roster.cell.name.folded() != organisation.folded())
        .map(|(i, roster)| {
            InputError::new(
                Code::OtherSuperior,
                path.index(i).key("cell").key("superior"),
                format!(
                    "{} ghi tổ chức cấp trên là «{}», không phải «{organisation}»; kiểm tra lại tệp gửi lên",
                    roster.cell.name, roster.cell.superior
                ),
            )
        })
        .collect()
}

/// Where a member is: (cell, member) indices.
type Seat = (usize, usize);

/// Who a cell's roster names: its name and, for each member whose fields
/// could be read, the person. The roster's own rules report the rest.
struct People {
    cell: Option<Text>,
    members: Vec<Option<Person>>,
}

struct Person {
    name: Name,
    birth_date: Date,
    card_number: Option<CardNumber>,
    namesake: bool,
}

impl People {
    fn read(value: &Value) -> Option<Self> {
        fn field<T: serde::de::DeserializeOwned>(value: &Value, key: &str) -> Option<T> {
            serde_json::from_value(value.get(key)?.clone()).ok()
        }
        let members = value.get("members")?.as_array()?;
        Some(Self {
            cell: value.get("cell").and_then(|cell| field(cell, "name")),
            members: members
                .iter()
                .map(|m| {
                    Some(Person {
                        name: field(m, "full_name")?,
                        birth_date: field(m, "birth_date")?,
                        // A probationary member or one without a card holds no number to compare.
                        card_number: field(m, "card_number").filter(|_| m["membership"] == "full"),
                        namesake: field(m, "namesake").unwrap_or(false),
                    })
                })
                .collect(),
        })
    }
}

/// R7 across cells: a card number, or a person (same name and date of
/// birth), on two cells is an error naming both places. Two people may
/// share a name and a date of birth: once a roster says so of either
/// (`namesake`), it is a warning. The same cell twice (its workbook and its
/// PDF) is one problem, not one for each of its members.
fn check_across_cells(
    cells: &[Option<People>],
    path: &JsonPath,
    problems: &mut Vec<InputError>,
    warnings: &mut Vec<InputError>,
) {
    let member_path = |(cell, member): Seat| path.index(cell).key("members").index(member);
    let cell_of = |(cell, _): Seat| cells[cell].as_ref().and_then(|c| c.cell.as_ref()).map_or("", Text::as_str);
    let mut cards: HashMap<&CardNumber, Seat> = HashMap::new();
    let mut people: HashMap<(String, Date), Seat> = HashMap::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    for (i, cell) in cells.iter().enumerate() {
        let Some(cell) = cell else { continue };
        if let Some(name) = &cell.cell {
            if let Some(&first) = names.get(&name.folded()) {
                problems.push(InputError::new(
                    Code::CellTwice,
                    path.index(i),
                    format!(
                        "{name} có hai lần trong hồ sơ gửi lên (cùng với {}); mỗi chi bộ chỉ gửi một tệp",
                        path.index(first)
                    ),
                ));
                continue;
            }
            names.insert(name.folded(), i);
        }
        let this_cell = cell.cell.as_ref().map_or("", Text::as_str);
        for (j, member) in cell.members.iter().enumerate() {
            let Some(member) = member else { continue };
            let (name, born) = (&member.name, member.birth_date);
            if let Some(number) = &member.card_number {
                // A repeat within one roster is that roster's own rule's.
                if let Some(&first) = cards.get(number).filter(|first| first.0 != i) {
                    problems.push(InputError::new(
                        Code::DuplicateCardNumber,
                        member_path((i, j)).key("card_number"),
                        format!(
                            "{name}: số thẻ {number} trùng với một đảng viên của {} ({})",
                            cell_of(first),
                            member_path(first)
                        ),
                    ));
                    continue;
                }
                cards.entry(number).or_insert((i, j));
            }
            match people.entry((name.folded(), born)) {
                Entry::Occupied(first) if first.get().0 != i => {
                    let (k, m) = *first.get();
                    let other = cells[k].as_ref().and_then(|c| c.members[m].as_ref());
                    let declared = member.namesake || other.is_some_and(|p| p.namesake);
                    let (who, where_) = (cell_of(*first.get()), member_path(*first.get()));
                    if declared {
                        warnings.push(InputError::new(
                            Code::Namesake,
                            member_path((i, j)),
                            format!(
                                "{name} (sinh ngày {born}) trùng họ tên và ngày sinh với một đảng viên của {who} \
                                 ({where_}); chi bộ đã ghi là hai người khác nhau"
                            ),
                        ));
                    } else {
                        problems.push(InputError::new(
                            Code::MemberInTwoCells,
                            member_path((i, j)),
                            format!(
                                "{name} (sinh ngày {born}) có tên ở cả {who} ({where_}) và {this_cell}; mỗi đảng viên \
                                 chỉ ghi ở một chi bộ, nơi đang sinh hoạt (sinh hoạt tạm thời thì ghi chi bộ giữ đảng \
                                 số ở cột ghi chú); nếu là hai người khác nhau trùng tên, ghi «Có» ở cột «Trùng tên \
                                 người khác» (namesake)"
                            ),
                        ));
                    }
                }
                Entry::Occupied(_) => {}
                Entry::Vacant(seat) => {
                    seat.insert((i, j));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::frame::Signature;

    #[test]
    fn a_chi_bo_co_so_reports_its_own_roster_as_its_one_row_signed_as_its_lists_without_a_warning() {
        let mut roster = crate::sample::cell(5, 7, "Chi bộ Sở Ngoại vụ", "Đảng bộ Khối các cơ quan tỉnh");
        roster["cell"]["has_committee"] = serde_json::json!(false);
        let input = CommitteeInput::of_base_cell(serde_json::from_value(roster).unwrap());
        assert_eq!(input.organisation.to_string(), "Chi bộ Sở Ngoại vụ");
        assert!(input.committee.header.number.is_none(), "form 1's number is not form 6's");
        let Signature::OnBehalfOf { body, name, .. } = &input.committee.signature else { panic!() };
        assert_eq!((body.to_string(), name.to_string()), ("CHI BỘ".into(), "Trần Văn Hùng".into()));
        let value = serde_json::to_value(&input).unwrap();
        let checked = Committee::parse(&value, &JsonPath::root(), None).unwrap();
        assert_eq!(checked.value.cells.len(), 1);
        assert_eq!(checked.value.figures().total, 5);
        let other = checked.warnings.iter().find(|w| w.code == Code::OtherSuperior);
        assert!(other.is_none(), "the Bloc above it is no slip: {:?}", checked.warnings);
    }
}
