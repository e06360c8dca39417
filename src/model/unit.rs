//! The campaign's words: where a unit stands in the tree (`Level`), where
//! its report stands (`State`), the unit as the tree holds it (`Unit`), what
//! a user may do for it (`Role`). One of a few each, parsed when read, never
//! free text; the store keeps them and the campaign's rules speak them.

use serde::{Deserialize, Serialize};

/// Where a unit stands in the tree.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Level {
    /// Ban Tổ chức Đảng ủy Khối.
    Board,
    /// Đảng bộ cơ sở: a grassroots committee with cells below it.
    Committee,
    /// Chi bộ under a grassroots committee.
    Cell,
    /// Chi bộ cơ sở: a grassroots organisation that is itself a cell. It
    /// keeps one roster like a cell and reports to the Board like a
    /// committee, its form 6 made from that roster (`docs/campaign.md`).
    #[serde(rename = "chi-bo-co-so")]
    #[strum(serialize = "chi-bo-co-so")]
    BaseCell,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// In Vietnamese, for pages and messages.
    pub fn label(self) -> &'static str {
        match self {
            Level::Board => "Ban Tổ chức",
            Level::Committee => "Đảng bộ cơ sở",
            Level::Cell => "Chi bộ",
            Level::BaseCell => "Chi bộ cơ sở",
        }
    }

    /// Whether its own part is a roster of members (a cell, a chi bộ cơ
    /// sở), rather than details over the units below it.
    pub fn keeps_roster(self) -> bool {
        matches!(self, Level::Cell | Level::BaseCell)
    }

    /// Whether it reports to the Board (a grassroots organisation, which
    /// the Board accepts), rather than to a committee or outside kttdv.
    pub fn reports_to_board(self) -> bool {
        matches!(self, Level::Committee | Level::BaseCell)
    }
}

/// Where a unit's report stands (`docs/campaign.md`, "The workflow").
/// Which step leads where is `crate::campaign::states`'s to say.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
pub enum State {
    #[serde(rename = "chua-nop")]
    #[strum(serialize = "chua-nop")]
    NotStarted,
    #[serde(rename = "dang-soan")]
    #[strum(serialize = "dang-soan")]
    Draft,
    /// Sent to the level above: locked.
    #[serde(rename = "da-nop")]
    #[strum(serialize = "da-nop")]
    Submitted,
    /// A cell's report approved by its committee: locked.
    #[serde(rename = "da-duyet")]
    #[strum(serialize = "da-duyet")]
    Approved,
    /// A committee's report accepted by the Board: locked.
    #[serde(rename = "da-tiep-nhan")]
    #[strum(serialize = "da-tiep-nhan")]
    Accepted,
    /// Sent back by the level above, with a comment: editable again.
    #[serde(rename = "tra-lai")]
    #[strum(serialize = "tra-lai")]
    Returned,
    /// Marked by the level above as not reporting, with a reason.
    #[serde(rename = "khong-bao-cao")]
    #[strum(serialize = "khong-bao-cao")]
    NotReporting,
}

impl State {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// In Vietnamese, as pages show it.
    pub fn label(self) -> &'static str {
        match self {
            State::NotStarted => "chưa nộp",
            State::Draft => "đang soạn",
            State::Submitted => "đã nộp",
            State::Approved => "đã duyệt",
            State::Accepted => "đã tiếp nhận",
            State::Returned => "trả lại",
            State::NotReporting => "không báo cáo",
        }
    }

    /// The states a unit may save a new version in.
    pub const EDITABLE: [State; 3] = [State::NotStarted, State::Draft, State::Returned];

    /// The states of a unit below that let the level above send its own
    /// report: approved, accepted, or not reporting.
    pub const SETTLED: [State; 3] = [State::Approved, State::Accepted, State::NotReporting];

    /// Whether a cell in this state may go back with its committee when the
    /// Board returns the committee's report: approved, or sent and undecided.
    pub fn returns_with_committee(self) -> bool {
        matches!(self, State::Approved | State::Submitted)
    }

    /// Why a level may not send its own report yet: `names`, the units
    /// right below it not settled.
    pub fn unsettled_below(names: &[String]) -> String {
        format!("còn đơn vị trực thuộc chưa được duyệt hoặc đánh dấu không báo cáo: {}", names.join(", "))
    }

    /// Whether the unit may save a new version.
    pub fn editable(self) -> bool {
        Self::EDITABLE.contains(&self)
    }

    /// Whether the level above has approved (a cell) or accepted (a committee) it.
    pub fn approved(self) -> bool {
        matches!(self, State::Approved | State::Accepted)
    }

    /// Whether the level above has the report now: submitted, approved or
    /// accepted (its signed original may come).
    pub fn received(self) -> bool {
        self == State::Submitted || self.approved()
    }
}

/// A unit as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<String>,
    pub state: State,
    /// How many versions were saved.
    pub versions: i64,
    /// The current version's number.
    pub current: Option<i64>,
    /// When it last changed, milliseconds since 1970 (UTC).
    pub changed_at: Option<i64>,
    /// When it was first submitted, for timeliness.
    pub submitted_at: Option<i64>,
    /// The last return's comment, or why it does not report.
    pub note: Option<String>,
    /// The deadline (dd/mm/yyyy) it set for the reports of the units
    /// right below it, instead of the campaign's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below_deadline: Option<String>,
    /// The version it was returned at for a change: it goes up again only
    /// once it has another (none: returned «không cần sửa», or not returned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_version: Option<i64>,
}

impl Unit {
    /// Why it may not go up yet when returned for a change it has not
    /// saved: the store's check and the page say the same.
    pub fn unchanged_since_return(&self) -> Option<String> {
        (self.returned_version.is_some() && self.returned_version == self.current).then(|| {
            format!(
                "báo cáo của «{}» bị trả lại chưa có phiên bản mới: hãy sửa theo ý kiến trả lại, lưu, rồi mới nộp lại \
                 (cấp trên có thể trả lại kèm «không cần sửa»)",
                self.name
            )
        })
    }
}

/// What a user may do, for the unit they act for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, strum::EnumString, strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Role {
    /// Bí thư chi bộ: one cell, or a chi bộ cơ sở.
    Cell,
    /// Cán bộ cấp ủy cơ sở: one grassroots committee and its cells.
    Committee,
    /// Cán bộ Ban Tổ chức: the whole Bloc.
    Board,
    /// Quản trị: campaigns and the first Board accounts; no submission.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Cell => "bí thư chi bộ",
            Role::Committee => "cán bộ cấp ủy cơ sở",
            Role::Board => "cán bộ Ban Tổ chức",
            Role::Admin => "quản trị",
        }
    }
}
