//! The domain: what the documents are about, parsed from input once.

pub mod frame;
pub mod roster;
pub mod scalar;
