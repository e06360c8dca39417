//! The roll the Board manages ("danh sách đảng viên Ban Tổ chức quản lý"):
//! what the reconciliation (R10) compares the submissions with. Its own
//! module, so that the Board's input and the reconciliation both use it
//! without depending on each other.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::scalar::{CardNumber, Date, Name, Text};

/// One member on the roll the Board manages.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollEntry {
    pub full_name: Name,
    pub birth_date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<CardNumber>,
    /// Tổ chức cơ sở đảng.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Text>,
    /// Chi bộ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<Text>,
}
