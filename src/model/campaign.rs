//! The campaign a roster belongs to: which round of stamping, the reference
//! date and the deadlines (rule R5). A setting, never constants in code: the
//! default is the 2021 Quảng Nam plan, read from `campaigns/`.

use std::sync::LazyLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::scalar::{Date, Text};

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub name: Text,
    /// Lần kiểm tra: the card box ("ô số") this round stamps.
    pub round: u8,
    /// Mã tổ chức đảng cấp tỉnh: the first two digits of local card numbers.
    pub province_code: u8,
    /// Ngày chốt số liệu and date of the lists ("tính đến ngày").
    pub reference_date: Date,
    pub stamping_from: Date,
    /// From the next day, an unstamped card is no longer valid.
    pub stamping_until: Date,
    /// Cells report to their committee by this date (set by the committees;
    /// by default the committees' own deadline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell_deadline: Option<Date>,
    /// Grassroots committees report to the Bloc's Organisation Board by this date.
    pub committee_deadline: Date,
    /// The Bloc's Board reports to the Provincial Board by this date.
    pub board_deadline: Date,
    /// The levels whose reports the level above approves only once a
    /// signed original of the version is in the campaign's store: the
    /// committees decide it for the cells (`cell`), the Board for the
    /// committees (`committee`). None by default: a version approved
    /// without one is only flagged. The workflow's, no document prints it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signed_required: Vec<Reporting>,
}

/// A level that reports to the one above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Reporting {
    Cell,
    Committee,
}

static DEFAULT: LazyLock<Campaign> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../campaigns/2021-quang-nam.json")).expect("the bundled campaign is valid")
});

impl Default for Campaign {
    fn default() -> Self {
        DEFAULT.clone()
    }
}
