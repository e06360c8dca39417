//! The Bloc's Organisation Board: the submissions of its grassroots
//! committees, the roll it manages, and the narrative of its report 7-KTTĐV.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::campaign::Campaign;
use super::committee::{Absent, Committee, CommitteeInput, late};
use super::frame::Issuer;
use super::prose::Block;
use super::roll::RollEntry;
use super::roster::{Checked, Figures};
use crate::input::{Code, InputError, JsonPath, ObjectReader};

/// The Board's input as entered.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoardInput {
    /// The 2021 Quảng Nam campaign when absent; committees without their
    /// own campaign belong to this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<Campaign>,
    /// The Board (or the standing committee) as issuer of form 7: header,
    /// signature (TRƯỞNG BAN, K/T TRƯỞNG BAN / PHÓ TRƯỞNG BAN, or T/M BAN
    /// THƯỜNG VỤ), recipients.
    pub board: Issuer,
    #[serde(default)]
    pub report: BoardText,
    pub committees: Vec<CommitteeInput>,
    /// Tổ chức cơ sở đảng không báo cáo: committees that will not report,
    /// with the reason (from the campaign store, where the Board marks them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_reporting: Vec<Absent>,
    /// Danh sách đảng viên Ban Tổ chức quản lý, for the reconciliation (R10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roll: Option<Vec<RollEntry>>,
}

/// The sections of report 7-KTTĐV written in the Board's words; the
/// figures of section II are computed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoardText {
    /// I. Lãnh đạo, chỉ đạo, triển khai.
    #[serde(default)]
    pub direction: Vec<Block>,
    /// II. How the differences found by the reconciliation were settled.
    #[serde(default)]
    pub settlement: Vec<Block>,
    /// III. Tình hình sử dụng, bảo quản thẻ đảng viên.
    #[serde(default)]
    pub usage: Vec<Block>,
    /// IV. Đánh giá chung: ưu điểm, hạn chế, nguyên nhân.
    #[serde(default)]
    pub assessment: Vec<Block>,
    /// V. Kiến nghị, đề xuất.
    #[serde(default)]
    pub proposals: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Board {
    pub campaign: Campaign,
    pub issuer: Issuer,
    pub report: BoardText,
    pub committees: Vec<Committee>,
    pub not_reporting: Vec<Absent>,
    pub roll: Option<Vec<RollEntry>>,
}

/// One warning for all the committees without an arrival date, placed at
/// the first: form 7 can only say how many there are.
fn without_arrival_date(committees: &[Committee], path: &JsonPath) -> Option<InputError> {
    let missing: Vec<usize> =
        committees.iter().enumerate().filter(|(_, c)| c.received_on.is_none()).map(|(i, _)| i).collect();
    let first = *missing.first()?;
    Some(InputError::new(
        Code::MissingReceivedOn,
        path.index(first).key("received_on"),
        format!(
            "{} trên {} đảng bộ cơ sở chưa ghi ngày Ban Tổ chức nhận báo cáo; báo cáo 7-KTTĐV chỉ ghi số đơn vị này, \
             không ghi đúng hạn hay chậm: ghi received_on (ngày nhận) để báo đủ",
            missing.len(),
            committees.len()
        ),
    ))
}

impl Board {
    /// Reads and checks the Board's input and every committee in it,
    /// reporting every problem at once.
    pub fn parse(value: &Value) -> Result<Checked<Self>, Vec<InputError>> {
        let root = JsonPath::root();
        let mut reader = ObjectReader::new(value, root.clone());
        let campaign: Option<Option<Campaign>> = reader.optional("campaign");
        let issuer: Option<Issuer> = reader.field("board");
        let report: Option<Option<BoardText>> = reader.optional("report");
        let roll: Option<Option<Vec<RollEntry>>> = reader.optional("roll");
        let not_reporting: Option<Option<Vec<Absent>>> = reader.optional("not_reporting");
        let own = campaign.flatten().unwrap_or_default();
        let mut warnings = Vec::new();
        let committees = reader.items_with("committees", |value, path, problems| {
            Checked::part(Committee::parse(value, path, Some(&own)), &mut warnings, problems)
        });
        let problems = reader.finish();
        let (Some(issuer), Some(report), Some(roll), Some(Some(committees)), Some(not_reporting)) =
            (issuer, report, roll, committees.map(|c| c.into_iter().collect::<Option<Vec<_>>>()), not_reporting)
        else {
            return Err(problems);
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        warnings.extend(late(issuer.header.date, own.board_deadline, &root.key("board"), "báo cáo 7-KTTĐV"));
        warnings.extend(without_arrival_date(&committees, &root.key("committees")));
        let not_reporting = not_reporting.unwrap_or_default();
        let report = report.unwrap_or_default();
        let board = Self { campaign: own, issuer, report, committees, not_reporting, roll };
        Ok(Checked { value: board, warnings })
    }

    /// The Bloc's figures: the sum of its committees' (R9).
    pub fn figures(&self) -> Figures {
        self.committees.iter().map(Committee::figures).sum()
    }
}
