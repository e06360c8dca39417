//! What the store holds, as types: a unit's level and state are one of a
//! few, parsed when read, never free text.

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
    /// Tổ chức cơ sở đảng: đảng bộ cơ sở or chi bộ cơ sở.
    Committee,
    /// Chi bộ under a grassroots committee.
    Cell,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// In Vietnamese, for pages and messages.
    pub fn label(self) -> &'static str {
        match self {
            Level::Board => "Ban Tổ chức",
            Level::Committee => "Tổ chức cơ sở đảng",
            Level::Cell => "Chi bộ",
        }
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
}

/// A saved version, without its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, sqlx::FromRow)]
pub struct VersionInfo {
    pub number: i64,
    pub sha256: String,
    /// Milliseconds since 1970 (UTC).
    pub saved_at: i64,
    pub author: Option<String>,
}

/// A saved version with its body (the submission, JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub info: VersionInfo,
    pub body: String,
}

/// A whole campaign as kept: what `kttdv campaign export` writes and
/// `import` restores, into either kind of store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dump {
    pub code: String,
    pub name: String,
    /// The campaign file, JSON.
    pub settings: String,
    pub created_at: i64,
    /// The tree in order, each unit with its state and current version.
    pub units: Vec<Unit>,
    /// Every version of every unit, by unit, oldest first.
    pub versions: Vec<(String, Vec<Version>)>,
    /// The roll: its JSON and when it was saved.
    pub roll: Option<(String, i64)>,
    /// The campaign's audit log, oldest first.
    pub events: Vec<super::Event>,
}
