//! What the store holds besides the campaign's words (`crate::model::unit`):
//! versions and whole campaigns as kept.

use serde::{Deserialize, Serialize};

use crate::model::unit::Unit;

/// A saved version, without its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, sqlx::FromRow)]
pub struct VersionInfo {
    pub number: i64,
    pub sha256: String,
    /// Milliseconds since 1970 (UTC).
    pub saved_at: i64,
    pub author: Option<String>,
}

/// A document made before, kept by the address of what it was made from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeptDocument {
    pub file_name: String,
    /// What its answer says besides its bytes, JSON.
    pub meta: String,
    pub bytes: Vec<u8>,
}

/// A file kept under its name: a unit's signed original.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeptFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
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
    /// The records of the cards' round trip, oldest first.
    pub card_records: Vec<super::CardRecord>,
}
