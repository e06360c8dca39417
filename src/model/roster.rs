//! A cell's roster: every member once, with the outcome of the inspection of
//! that member's card. Read from the input and checked against the rules of
//! spec §6 in one pass, into types where the rules cannot be broken.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::scalar::{CardNumber, Date, Text};
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
    /// Ngày lập danh sách.
    pub date: Date,
    /// Ngày chốt số liệu ("tính đến ngày").
    pub reference_date: Date,
    /// Chi bộ có chi ủy: signs "T/M CHI ỦY", otherwise "T/M CHI BỘ".
    #[serde(default = "yes")]
    pub has_committee: bool,
    pub signer: Signer,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    /// Chức vụ, e.g. "BÍ THƯ" or "PHÓ BÍ THƯ".
    #[serde(default = "secretary")]
    pub title: Text,
    pub name: Text,
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
    Damaged { defect: Text },
    /// Thẻ mất, đề nghị cấp lại.
    Lost { circumstances: Text, handling: Text },
    /// Chưa được đổi, phát thẻ.
    NoCurrentCard { reason: Text },
    /// Không đóng dấu vì lý do khác (đã ra khỏi Đảng, vắng mặt, đang xem xét…).
    NotStamped { reason: Text },
}

/// One member as entered.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub full_name: Text,
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
}

/// The roster as entered: the JSON a cell sends.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterInput {
    pub cell: Cell,
    pub members: Vec<MemberInput>,
}

/// A checked member.
#[derive(Debug, Clone)]
pub struct Member {
    pub full_name: Text,
    pub birth_date: Date,
    pub gender: Gender,
    pub admitted_on: Date,
    pub standing: Standing,
    pub temporary_from: Option<Text>,
    pub remarks: Option<Text>,
}

#[derive(Debug, Clone)]
pub enum Standing {
    Probationary,
    Full { since: Date, card: Card },
}

/// A full member's card, with the number wherever the outcome needs one.
#[derive(Debug, Clone)]
pub enum Card {
    Stamp {
        number: CardNumber,
    },
    Damaged {
        number: CardNumber,
        defect: Text,
    },
    Lost {
        number: Option<CardNumber>,
        circumstances: Text,
        handling: Text,
    },
    NoCurrentCard {
        reason: Text,
    },
    NotStamped {
        number: Option<CardNumber>,
        reason: Text,
    },
}

/// A checked roster: every member obeys the rules, card numbers are unique.
#[derive(Debug, Clone)]
pub struct Roster {
    pub cell: Cell,
    pub members: Vec<Member>,
}

impl Roster {
    /// Reads and checks a roster, reporting every problem at once.
    pub fn parse(value: &Value, path: &JsonPath) -> Result<Self, Vec<InputError>> {
        let mut reader = ObjectReader::new(value, path.clone());
        let cell: Option<Cell> = reader.field("cell");
        let inputs: Option<Vec<MemberInput>> = reader.list("members");
        let mut problems = reader.finish();
        let (Some(cell), Some(inputs)) = (cell, inputs) else {
            return Err(problems);
        };

        let members_path = path.key("members");
        let members: Vec<Option<Member>> = inputs
            .iter()
            .enumerate()
            .map(|(i, input)| check_member(input, &cell, &members_path.index(i), &mut problems))
            .collect();
        check_unique_cards(&inputs, &members_path, &mut problems);

        match members.into_iter().collect::<Option<Vec<_>>>() {
            Some(members) if problems.is_empty() => Ok(Self { cell, members }),
            _ => Err(problems),
        }
    }

    /// Members whose cards are proposed for stamping (form 2): full members,
    /// on this cell's roll or temporarily attached, whose card is to be stamped.
    pub fn to_stamp(&self) -> impl Iterator<Item = (&Member, &Date, &CardNumber)> {
        self.members.iter().filter_map(|m| match &m.standing {
            Standing::Full {
                since,
                card: Card::Stamp { number },
            } => Some((m, since, number)),
            _ => None,
        })
    }
}

fn check_member(
    input: &MemberInput,
    cell: &Cell,
    path: &JsonPath,
    problems: &mut Vec<InputError>,
) -> Option<Member> {
    let who = &input.full_name;
    let mut fail = |code, field: &str, message: String| {
        problems.push(InputError::new(
            code,
            path.key(field),
            format!("{who}: {message}"),
        ));
    };

    let reference = cell.reference_date;
    for (field, date) in [
        ("birth_date", Some(input.birth_date)),
        ("admitted_on", Some(input.admitted_on)),
        ("full_member_on", input.full_member_on),
    ] {
        if let Some(date) = date.filter(|d| *d > reference) {
            fail(
                Code::DateAfterReference,
                field,
                format!("ngày {date} sau ngày chốt số liệu {reference}"),
            );
        }
    }
    if input
        .birth_date
        .years_until(input.admitted_on)
        .is_none_or(|age| age < 18)
    {
        fail(
            Code::AdmittedUnder18,
            "admitted_on",
            format!(
                "ngày vào Đảng {} khi chưa đủ 18 tuổi (sinh ngày {})",
                input.admitted_on, input.birth_date
            ),
        );
    }

    let standing = match (input.membership, input.full_member_on, &input.card) {
        (Membership::Probationary, full_on, card) => {
            if full_on.is_some() {
                fail(
                    Code::UnexpectedFullMemberDate,
                    "full_member_on",
                    "đảng viên dự bị chưa có ngày chính thức".into(),
                );
            }
            if card.is_some() {
                fail(
                    Code::ProbationaryWithCard,
                    "card",
                    "đảng viên dự bị chưa có thẻ, không đưa vào danh sách về thẻ".into(),
                );
            }
            Some(Standing::Probationary)
        }
        (Membership::Full, None, _) => {
            fail(
                Code::MissingFullMemberDate,
                "full_member_on",
                "đảng viên chính thức phải có ngày chính thức".into(),
            );
            None
        }
        (Membership::Full, Some(_), None) => {
            fail(
                Code::MissingCardOutcome,
                "card",
                "chưa ghi kết quả kiểm tra thẻ".into(),
            );
            None
        }
        (Membership::Full, Some(since), Some(outcome)) => {
            if since <= input.admitted_on {
                fail(
                    Code::FullBeforeAdmission,
                    "full_member_on",
                    format!(
                        "ngày chính thức {since} không sau ngày vào Đảng {}",
                        input.admitted_on
                    ),
                );
            }
            let number = input.card_number.clone();
            let mut required = || {
                if number.is_none() {
                    fail(
                        Code::MissingCardNumber,
                        "card_number",
                        "thiếu số thẻ đảng viên".into(),
                    );
                }
                number.clone()
            };
            let card = match outcome.clone() {
                CardOutcome::Stamp => required().map(|number| Card::Stamp { number }),
                CardOutcome::Damaged { defect } => {
                    required().map(|number| Card::Damaged { number, defect })
                }
                CardOutcome::Lost {
                    circumstances,
                    handling,
                } => Some(Card::Lost {
                    number,
                    circumstances,
                    handling,
                }),
                CardOutcome::NoCurrentCard { reason } => Some(Card::NoCurrentCard { reason }),
                CardOutcome::NotStamped { reason } => Some(Card::NotStamped { number, reason }),
            };
            card.map(|card| Standing::Full { since, card })
        }
    }?;

    Some(Member {
        full_name: input.full_name.clone(),
        birth_date: input.birth_date,
        gender: input.gender,
        admitted_on: input.admitted_on,
        standing,
        temporary_from: input.temporary_from.clone(),
        remarks: input.remarks.clone(),
    })
}

/// R7: a card number appears once; a repeat names both members.
fn check_unique_cards(inputs: &[MemberInput], path: &JsonPath, problems: &mut Vec<InputError>) {
    let mut seen: HashMap<&CardNumber, usize> = HashMap::new();
    for (i, input) in inputs.iter().enumerate() {
        let Some(number) = &input.card_number else {
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
                    inputs[first].full_name,
                    path.index(first),
                ),
            ));
        } else {
            seen.insert(number, i);
        }
    }
}
