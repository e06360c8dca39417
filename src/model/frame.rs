//! The parts of the Party's document format (Hướng dẫn 36-HD/VPTW) that are
//! data: who issues a document, its number, place and date, who signs it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::scalar::{Date, Name, Text};

/// The header block: the issuing organisation under its superior, the
/// document number, and the place and date.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Tổ chức đảng cấp trên, e.g. "ĐẢNG BỘ TỈNH QUẢNG NAM".
    pub superior: Text,
    /// Tổ chức ban hành, e.g. "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH".
    pub issuer: Text,
    /// Số và ký hiệu without the word "Số", e.g. "07-KH/ĐUK".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Text>,
    /// Địa danh, e.g. "Quảng Nam".
    pub place: Text,
    /// Ngày ban hành.
    pub date: Date,
    /// Leave the day and month blank ("ngày    tháng    năm 2021") for the
    /// clerk who dates the document when issuing it; `date` still counts for
    /// the deadlines.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blank_date: bool,
}

/// Who signs, in one of the three forms 36-HD allows.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "as", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Signature {
    /// A collective body: "T/M BAN THƯỜNG VỤ" over the signer's title.
    OnBehalfOf { body: Text, title: Text, name: Name },
    /// A deputy for the head: "K/T TRƯỞNG BAN" over "PHÓ TRƯỞNG BAN".
    Deputy { head: Text, title: Text, name: Name },
    /// The head of an advisory body, signing with the bare title.
    Head { title: Text, name: Name },
}

/// Who issues a report above the cell, and to whom it goes.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    pub header: Header,
    /// The issuer's full name as a sentence writes it, e.g. "Ban Tổ chức
    /// Đảng ủy Khối các cơ quan tỉnh": what an annex says it is attached by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    pub signature: Signature,
    /// Nơi nhận; the template's default when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Text>,
}
