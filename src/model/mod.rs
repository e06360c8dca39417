//! The domain: what the documents are about, parsed from input once.

pub mod campaign;
pub mod frame;
pub mod prose;
pub mod roster;
pub mod scalar;
