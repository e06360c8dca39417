//! A cell's roster: every member once, with the outcome of the inspection of
//! that member's card. Read from the input and checked against the rules of
//! docs/rules.md in one pass, into types where the rules cannot be broken.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::campaign::Campaign;
use super::frame::{Header, Signature};
use super::prose::Block;
use super::scalar::{CardNumber, Date, Name, StampBoxes, Text};
use crate::input::{Code, InputError, JsonPath, ObjectReader};

/// The cell that makes the lists, and the details its documents carry.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    /// Tổ chức đảng cấp trên (the grassroots organisation), e.g. "Đảng bộ Sở Tài chính".
    pub superior: Text,
    /// Tên chi bộ, e.g. "Chi bộ Văn phòng".
    pub name: Text,
    /// Địa danh, e.g. "Quảng Nam".
    pub place: Text,
    /// Ngày lập danh sách, báo cáo.
    pub date: Date,
    /// Ngày chốt số liệu ("tính đến ngày"), when it differs from the campaign's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_date: Option<Date>,
    /// Leave the day and month of the report blank for the clerk (see `Header`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blank_date: bool,
    /// Số của báo cáo 1-KTTĐV without the word "Số", e.g. "05-BC/CB".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_number: Option<Text>,
    /// Nơi nhận of the report; the template's default when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Text>,
    /// Chi bộ có chi ủy: signs "T/M CHI ỦY", otherwise "T/M CHI BỘ".
    #[serde(default = "yes")]
    pub has_committee: bool,
    pub signer: Signer,
}

fn yes() -> bool {
    true
}

impl Cell {
    /// The header of the cell's documents: the cell under its superior.
    pub fn header(&self) -> Header {
        Header {
            superior: self.superior.clone(),
            issuer: self.name.clone(),
            number: self.report_number.clone(),
            place: self.place.clone(),
            date: self.date,
            blank_date: self.blank_date,
        }
    }

    /// The cell signs on behalf of its committee, or of the whole cell
    /// where it has none.
    pub fn signature(&self) -> Signature {
        let body = if self.has_committee { "CHI ỦY" } else { "CHI BỘ" };
        Signature::OnBehalfOf {
            body: body.parse().expect("not empty"),
            title: self.signer.title.clone(),
            name: self.signer.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    /// Chức vụ, e.g. "BÍ THƯ" or "PHÓ BÍ THƯ".
    #[serde(default = "secretary")]
    pub title: Text,
    pub name: Name,
}

fn secretary() -> Text {
    "BÍ THƯ".parse().expect("not empty")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Nam,
    #[serde(alias = "nữ")]
    Nu,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Membership {
    /// Đảng viên chính thức.
    Full,
    /// Đảng viên dự bị: holds no card.
    Probationary,
}

/// What became of a member's card in this inspection, as entered.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CardOutcome {
    /// Đề nghị đóng dấu kiểm tra kỹ thuật.
    Stamp,
    /// Thẻ hỏng, đề nghị đổi lại.
    Damaged {
        defect: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stamp_boxes: Option<StampBoxes>,
    },
    /// Thẻ mất, đề nghị cấp lại.
    Lost {
        circumstances: Text,
        handling: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stamp_boxes: Option<StampBoxes>,
    },
    /// Chưa được đổi, phát thẻ.
    NoCurrentCard { reason: Text },
    /// Không đóng dấu vì lý do khác (đã ra khỏi Đảng, vắng mặt, đang xem xét…).
    NotStamped { reason: Text },
}

/// One member as entered.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub full_name: Name,
    pub birth_date: Date,
    pub gender: Gender,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<CardNumber>,
    /// Ngày vào Đảng.
    pub admitted_on: Date,
    /// Ngày chính thức (đảng viên chính thức).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_member_on: Option<Date>,
    pub membership: Membership,
    /// Chi bộ giữ đảng số, for a member temporarily attached to this cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary_from: Option<Text>,
    /// Absent for probationary members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<Text>,
    /// Người khác trùng tên: a different person from a member of another
    /// cell with the same name and date of birth (a warning then, not an error).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub namesake: bool,
}

impl MemberInput {
    /// Reads a member field by field, so that every bad field is reported,
    /// not only the first.
    pub fn read(value: &Value, path: &JsonPath, problems: &mut Vec<InputError>) -> Option<Self> {
        let mut r = ObjectReader::new(value, path.clone());
        let full_name = r.field("full_name");
        let birth_date = r.field("birth_date");
        let gender = r.field("gender");
        let card_number = r.optional("card_number");
        let admitted_on = r.field("admitted_on");
        let full_member_on = r.optional("full_member_on");
        let membership = r.field("membership");
        let temporary_from = r.optional("temporary_from");
        let card = r.optional("card");
        let remarks = r.optional("remarks");
        let namesake: Option<Option<bool>> = r.optional("namesake");
        problems.extend(r.finish());
        Some(Self {
            full_name: full_name?,
            birth_date: birth_date?,
            gender: gender?,
            card_number: card_number?,
            admitted_on: admitted_on?,
            full_member_on: full_member_on?,
            membership: membership?,
            temporary_from: temporary_from?,
            card: card?,
            remarks: remarks?,
            namesake: namesake?.unwrap_or(false),
        })
    }
}

/// Sections II and III of the report (1-KTTĐV), in the cell's words.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportText {
    /// II. Tình hình sử dụng, bảo quản thẻ đảng viên.
    #[serde(default)]
    pub usage: Vec<Block>,
    /// III. Kiến nghị, đề xuất.
    #[serde(default)]
    pub proposals: Vec<Block>,
}

/// The roster as entered: the JSON a cell sends.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterInput {
    /// The 2021 Quảng Nam campaign when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<Campaign>,
    pub cell: Cell,
    #[serde(default)]
    pub report: ReportText,
    pub members: Vec<MemberInput>,
}

/// A checked member.
#[derive(Debug, Clone)]
pub struct Member {
    pub full_name: Name,
    pub birth_date: Date,
    pub gender: Gender,
    pub admitted_on: Date,
    pub standing: Standing,
    pub temporary_from: Option<Text>,
    pub remarks: Option<Text>,
    /// Declared a different person from a namesake in another cell.
    pub namesake: bool,
}

#[derive(Debug, Clone)]
pub enum Standing {
    Probationary,
    Full { since: Date, card: Card },
}

impl Member {
    /// The card number, where the member has a card and it is known.
    pub fn card_number(&self) -> Option<&CardNumber> {
        match &self.standing {
            Standing::Probationary => None,
            Standing::Full { card, .. } => match card {
                Card::Stamp { number } | Card::Damaged { number, .. } => Some(number),
                Card::Lost { number, .. } | Card::NotStamped { number, .. } => number.as_ref(),
                Card::NoCurrentCard { .. } => None,
            },
        }
    }
}

/// A full member's card, with the number wherever the outcome needs one.
#[derive(Debug, Clone)]
// "No current card" is the form's own wording ("chưa được đổi, phát thẻ").
#[allow(clippy::enum_variant_names)]
pub enum Card {
    Stamp { number: CardNumber },
    Damaged { number: CardNumber, defect: Text, stamp_boxes: Option<StampBoxes> },
    Lost { number: Option<CardNumber>, circumstances: Text, handling: Text, stamp_boxes: Option<StampBoxes> },
    NoCurrentCard { reason: Text },
    NotStamped { number: Option<CardNumber>, reason: Text },
}

/// A checked roster: every member obeys the rules, card numbers are unique.
#[derive(Debug, Clone)]
pub struct Roster {
    pub campaign: Campaign,
    pub cell: Cell,
    pub report: ReportText,
    pub members: Vec<Member>,
}

/// A checked value and the warnings that did not stop it.
pub struct Checked<T> {
    pub value: T,
    pub warnings: Vec<InputError>,
}

impl<T> Checked<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Checked<U> {
        Checked { value: f(self.value), warnings: self.warnings }
    }

    /// A part of a larger input (a cell of a committee, a committee of the
    /// Board): its warnings join the whole's, its problems are reported.
    pub fn part(
        result: Result<Self, Vec<InputError>>,
        warnings: &mut Vec<InputError>,
        problems: &mut Vec<InputError>,
    ) -> Option<T> {
        match result {
            Ok(checked) => {
                warnings.extend(checked.warnings);
                Some(checked.value)
            }
            Err(found) => {
                problems.extend(found);
                None
            }
        }
    }
}

impl Roster {
    /// Reads and checks a roster, reporting every problem at once. A roster
    /// without its own campaign belongs to `inherited` (its committee's),
    /// else to the default one.
    pub fn parse(
        value: &Value,
        path: &JsonPath,
        inherited: Option<&Campaign>,
    ) -> Result<Checked<Self>, Vec<InputError>> {
        let mut reader = ObjectReader::new(value, path.clone());
        let campaign: Option<Option<Campaign>> = reader.optional("campaign");
        let cell: Option<Cell> = reader.field("cell");
        let report: Option<Option<ReportText>> = reader.optional("report");
        let inputs = reader.items_with("members", MemberInput::read);
        let mut problems = reader.finish();
        let (Some(campaign), Some(cell), Some(report), Some(inputs)) = (campaign, cell, report, inputs) else {
            return Err(problems);
        };
        let campaign = campaign.or_else(|| inherited.cloned()).unwrap_or_default();
        let reference = cell.reference_date.unwrap_or(campaign.reference_date);

        let members_path = path.key("members");
        // Members that could not be read are reported already; the rules
        // still look at all the others.
        let members: Vec<Option<Member>> = inputs
            .iter()
            .enumerate()
            .map(|(i, input)| check_member(input.as_ref()?, reference, &members_path.index(i), &mut problems))
            .collect();
        check_unique_cards(&inputs, &members_path, &mut problems);
        let mut warnings = foreign_cards(&inputs, campaign.province_code, &members_path);
        warnings.extend(ignored_card_numbers(&inputs, &members_path));

        match members.into_iter().collect::<Option<Vec<_>>>() {
            Some(members) if problems.is_empty() => {
                Ok(Checked { value: Self { campaign, cell, report: report.unwrap_or_default(), members }, warnings })
            }
            _ => Err(problems),
        }
    }

    /// The date the figures and lists are counted at.
    pub fn reference_date(&self) -> Date {
        self.cell.reference_date.unwrap_or(self.campaign.reference_date)
    }

    /// Full members with the date they became full members and their card.
    pub fn full_members(&self) -> impl Iterator<Item = (&Member, Date, &Card)> {
        self.members.iter().filter_map(|m| match &m.standing {
            Standing::Full { since, card } => Some((m, *since, card)),
            Standing::Probationary => None,
        })
    }

    /// The figures of report 1-KTTĐV, section I. Every member the cell
    /// inspects counts, temporarily attached ones too (R1), so that each
    /// total is the sum of its parts (R9) and each list's length is a figure.
    pub fn figures(&self) -> Figures {
        let mut f = Figures::default();
        for member in &self.members {
            f.total += 1;
            f.temporarily_attached += usize::from(member.temporary_from.is_some());
            let Standing::Full { card, .. } = &member.standing else {
                f.probationary += 1;
                continue;
            };
            f.full += 1;
            f.attached_inspected += usize::from(member.temporary_from.is_some());
            match card {
                Card::NoCurrentCard { .. } => f.without_card += 1,
                _ => f.with_card += 1,
            }
            match card {
                Card::Stamp { .. } => f.to_stamp += 1,
                Card::Damaged { .. } => f.damaged += 1,
                Card::Lost { .. } => f.lost += 1,
                Card::NotStamped { .. } => f.not_stamped += 1,
                Card::NoCurrentCard { .. } => {}
            }
        }
        f
    }
}

/// The counts of report 1-KTTĐV, section I, and of each row of form 6.
/// Levels above the cell add them up, never count again (R9).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Tổng số đảng viên = full + probationary.
    pub total: usize,
    pub full: usize,
    pub probationary: usize,
    /// Of the total, temporarily attached to this cell.
    pub temporarily_attached: usize,
    /// Of those, the full members, whose cards the cell inspects: column
    /// (11) of form 6. Probationary members hold no card.
    #[serde(default)]
    pub attached_inspected: usize,
    /// Full members holding a card = to stamp + damaged + lost + not stamped.
    pub with_card: usize,
    /// Full members without a current card (form 5).
    pub without_card: usize,
    /// Form 2.
    pub to_stamp: usize,
    /// Form 3.
    pub damaged: usize,
    /// Form 4.
    pub lost: usize,
    /// Holding a card that is not stamped for a stated reason.
    pub not_stamped: usize,
}

/// A member checked against the rules of one member (R3, R4, R8 in
/// docs/rules.md), every broken one reported; the member when none is.
fn check_member(
    input: &MemberInput,
    reference: Date,
    path: &JsonPath,
    problems: &mut Vec<InputError>,
) -> Option<Member> {
    let who = &input.full_name;
    let mut fail = |code, field: &str, message: String| {
        problems.push(InputError::new(code, path.key(field), format!("{who}: {message}")));
    };
    check_dates(input, reference, &mut fail);
    let standing = standing(input, &mut fail)?;
    Some(Member {
        full_name: input.full_name.clone(),
        birth_date: input.birth_date,
        gender: input.gender,
        admitted_on: input.admitted_on,
        standing,
        temporary_from: input.temporary_from.clone(),
        remarks: input.remarks.clone(),
        namesake: input.namesake,
    })
}

/// How a failed rule is reported: its code, the member's field, the message.
type Fail<'a> = dyn FnMut(Code, &str, String) + 'a;

/// R8 and R4: no date after the reference date; admitted at 18 or older.
fn check_dates(input: &MemberInput, reference: Date, fail: &mut Fail) {
    let reference_hint = |field: &str| match field {
        "full_member_on" => " (R4: chính thức sau ngày chốt thì ghi là đảng viên dự bị)",
        _ => "",
    };
    for (field, date) in [
        ("birth_date", Some(input.birth_date)),
        ("admitted_on", Some(input.admitted_on)),
        ("full_member_on", input.full_member_on),
    ] {
        if let Some(date) = date.filter(|d| *d > reference) {
            let message = format!("ngày {date} sau ngày chốt số liệu {reference}{}", reference_hint(field));
            fail(Code::DateAfterReference, field, message);
        }
    }
    if input.birth_date.years_until(input.admitted_on).is_none_or(|age| age < 18) {
        fail(
            Code::AdmittedUnder18,
            "admitted_on",
            format!("ngày vào Đảng {} khi chưa đủ 18 tuổi (sinh ngày {})", input.admitted_on, input.birth_date),
        );
    }
}

/// R3 and R8: a probationary member has no date of full membership and no
/// card; a full member has both, full membership after admission.
fn standing(input: &MemberInput, fail: &mut Fail) -> Option<Standing> {
    match (input.membership, input.full_member_on, &input.card) {
        (Membership::Probationary, full_on, card) => {
            if full_on.is_some() {
                fail(
                    Code::UnexpectedFullMemberDate,
                    "full_member_on",
                    "đảng viên dự bị chưa có ngày chính thức".into(),
                );
            }
            if card.is_some() {
                let message = "đảng viên dự bị chưa có thẻ, không đưa vào danh sách về thẻ".into();
                fail(Code::ProbationaryWithCard, "card", message);
            }
            Some(Standing::Probationary)
        }
        (Membership::Full, None, _) => {
            fail(Code::MissingFullMemberDate, "full_member_on", "đảng viên chính thức phải có ngày chính thức".into());
            None
        }
        (Membership::Full, Some(_), None) => {
            fail(Code::MissingCardOutcome, "card", "chưa ghi kết quả kiểm tra thẻ".into());
            None
        }
        (Membership::Full, Some(since), Some(outcome)) => {
            if since <= input.admitted_on {
                let message = format!("ngày chính thức {since} không sau ngày vào Đảng {}", input.admitted_on);
                fail(Code::FullBeforeAdmission, "full_member_on", message);
            }
            card(outcome, input.card_number.clone(), fail).map(|card| Standing::Full { since, card })
        }
    }
}

/// A full member's card from its outcome, with the number where the
/// outcome needs one: a card to stamp or a damaged one.
fn card(outcome: &CardOutcome, number: Option<CardNumber>, fail: &mut Fail) -> Option<Card> {
    let mut required = || {
        if number.is_none() {
            fail(Code::MissingCardNumber, "card_number", "thiếu số thẻ đảng viên".into());
        }
        number.clone()
    };
    match outcome.clone() {
        CardOutcome::Stamp => required().map(|number| Card::Stamp { number }),
        CardOutcome::Damaged { defect, stamp_boxes } => {
            required().map(|number| Card::Damaged { number, defect, stamp_boxes })
        }
        CardOutcome::Lost { circumstances, handling, stamp_boxes } => {
            Some(Card::Lost { number, circumstances, handling, stamp_boxes })
        }
        CardOutcome::NoCurrentCard { reason } => Some(Card::NoCurrentCard { reason }),
        CardOutcome::NotStamped { reason } => Some(Card::NotStamped { number, reason }),
    }
}

/// R7: a card number appears once; a repeat names both members.
fn check_unique_cards(inputs: &[Option<MemberInput>], path: &JsonPath, problems: &mut Vec<InputError>) {
    let mut seen: HashMap<&CardNumber, usize> = HashMap::new();
    for (i, input) in inputs.iter().enumerate() {
        let Some((input, number)) = input.as_ref().and_then(|m| Some((m, m.card_number.as_ref()?))) else {
            continue;
        };
        if let Some(&first) = seen.get(number) {
            problems.push(InputError::new(
                Code::DuplicateCardNumber,
                path.index(i).key("card_number"),
                format!(
                    "số thẻ {number} của {} trùng với đảng viên thứ {} ({}, {})",
                    input.full_name,
                    first + 1,
                    inputs[first].as_ref().map_or("", |m| m.full_name.as_str()),
                    path.index(first),
                ),
            ));
        } else {
            seen.insert(number, i);
        }
    }
}

/// A card numbered under another provincial organisation is possible (a
/// member transferred in) but worth a second look: a warning, not an error.
fn foreign_cards(inputs: &[Option<MemberInput>], province: u8, path: &JsonPath) -> Vec<InputError> {
    inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| {
            let input = input.as_ref()?;
            let number = input.card_number.as_ref().filter(|n| n.province() != province)?;
            Some(InputError::new(
                Code::ForeignCardNumber,
                path.index(i).key("card_number"),
                format!(
                    "{}: số thẻ {number} mang mã {:02}, khác mã {province:02} của đảng bộ tỉnh; hãy kiểm tra lại",
                    input.full_name,
                    number.province()
                ),
            ))
        })
        .collect()
}

/// A warning for each member without a current card whose card number was
/// given: no list prints it, and it must not go unsaid.
fn ignored_card_numbers(inputs: &[Option<MemberInput>], path: &JsonPath) -> Vec<InputError> {
    inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| {
            let input = input.as_ref()?;
            let number = input.card_number.as_ref()?;
            if !matches!(input.card, Some(CardOutcome::NoCurrentCard { .. })) {
                return None;
            }
            Some(InputError::new(
                Code::CardNumberIgnored,
                path.index(i).key("card_number"),
                format!(
                    "{}: chưa được đổi, phát thẻ nên số thẻ {number} không in ở danh sách nào; \
                     nếu đảng viên có thẻ, hãy ghi kết quả kiểm tra khác",
                    input.full_name
                ),
            ))
        })
        .collect()
}

impl std::ops::Add for Figures {
    type Output = Figures;

    fn add(self, other: Figures) -> Figures {
        Figures {
            total: self.total + other.total,
            full: self.full + other.full,
            probationary: self.probationary + other.probationary,
            temporarily_attached: self.temporarily_attached + other.temporarily_attached,
            attached_inspected: self.attached_inspected + other.attached_inspected,
            with_card: self.with_card + other.with_card,
            without_card: self.without_card + other.without_card,
            to_stamp: self.to_stamp + other.to_stamp,
            damaged: self.damaged + other.damaged,
            lost: self.lost + other.lost,
            not_stamped: self.not_stamped + other.not_stamped,
        }
    }
}

impl std::iter::Sum for Figures {
    fn sum<I: Iterator<Item = Figures>>(iter: I) -> Figures {
        iter.fold(Figures::default(), std::ops::Add::add)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The codes and places of a roster's problems.
    fn problems(roster: &Value) -> Vec<(&'static str, String)> {
        let found = Roster::parse(roster, &JsonPath::root(), None).err().unwrap_or_default();
        found.iter().map(|p| (p.code.as_str(), p.place.to_string())).collect()
    }

    fn full_member(name: &str, card: Value) -> Value {
        json!({
            "full_name": name, "birth_date": "01/01/1970", "gender": "nam", "card_number": "49.000001",
            "admitted_on": "01/01/1995", "full_member_on": "01/01/1996", "membership": "full", "card": card,
        })
    }

    fn roster(members: Vec<Value>) -> Value {
        let mut roster = crate::sample::roster(1, 1);
        roster["members"] = json!(members);
        roster
    }

    #[test]
    fn a_good_member_passes_and_counts() {
        let checked = Roster::parse(&roster(vec![full_member("Lê Văn An", json!("stamp"))]), &JsonPath::root(), None);
        let figures = checked.unwrap().value.figures();
        assert_eq!((figures.total, figures.full, figures.with_card, figures.to_stamp), (1, 1, 1, 1));
    }

    #[test]
    fn a_probationary_member_holds_no_card() {
        let mut member = full_member("Lê Văn An", json!("stamp"));
        member["membership"] = json!("probationary");
        member.as_object_mut().unwrap().remove("full_member_on");
        assert_eq!(problems(&roster(vec![member])), [("probationary-with-card", "$.members[0].card".to_owned())]);
    }

    #[test]
    fn dates_follow_the_order_of_a_members_life() {
        let mut young = full_member("Lê Văn An", json!("stamp"));
        young["admitted_on"] = json!("01/06/1987");
        let mut early = full_member("Lê Văn Bình", json!("stamp"));
        early["card_number"] = json!("49.000002");
        early["full_member_on"] = json!("01/01/1990");
        let found = problems(&roster(vec![young, early]));
        assert!(found.contains(&("admitted-under-18", "$.members[0].admitted_on".to_owned())), "{found:?}");
        assert!(found.contains(&("full-before-admission", "$.members[1].full_member_on".to_owned())), "{found:?}");
    }

    #[test]
    fn a_card_number_twice_names_both_members() {
        let two = roster(vec![full_member("Lê Văn An", json!("stamp")), full_member("Lê Văn Bình", json!("stamp"))]);
        let found = Roster::parse(&two, &JsonPath::root(), None).err().unwrap_or_default();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::DuplicateCardNumber);
        assert!(found[0].message.contains("Lê Văn An") && found[0].message.contains("Lê Văn Bình"));
    }

    #[test]
    fn a_card_number_no_list_prints_is_said() {
        let member = full_member("Lê Văn An", json!({ "no_current_card": { "reason": "Chưa nhận thẻ" } }));
        let checked = Roster::parse(&roster(vec![member]), &JsonPath::root(), None).map_err(|p| format!("{p:?}"));
        let warnings = checked.unwrap().warnings;
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            (warnings[0].code, warnings[0].place.to_string()),
            (Code::CardNumberIgnored, "$.members[0].card_number".into())
        );
    }

    #[test]
    fn every_bad_field_of_a_member_is_reported() {
        let mut member = full_member("", json!("stamp"));
        member["birth_date"] = json!("31/02/1970");
        member["card_number"] = json!("49-1");
        let found = problems(&roster(vec![member]));
        let codes: Vec<&str> = found.iter().map(|(code, _)| *code).collect();
        assert_eq!(codes, ["empty-text", "invalid-date", "invalid-card-number"], "{found:?}");
    }
}
