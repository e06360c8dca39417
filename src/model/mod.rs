//! The domain: what the documents are about, parsed from input once.

pub mod board;
pub mod campaign;
pub mod committee;
pub mod frame;
pub mod handover;
pub mod prose;
pub mod reconciliation;
pub mod roll;
pub mod roster;
pub mod scalar;
pub mod unit;
