//! The black-box tests, as a user meets kttdv: the binary, the library's
//! public interface, the HTTP service and its web page. One test binary
//! rather than one per file: each links all of Typst, and a dozen of them
//! cost minutes of linking and gigabytes of disk on every CI run.

mod accounts;
mod base_cell;
mod browser;
mod campaign;
mod cell_forms;
mod cli;
mod common;
mod deadlines;
mod document;
mod edges;
mod faults;
mod form2;
mod hardening;
mod insider;
mod layout;
mod notices;
mod parts;
mod people;
mod plan;
mod reporting;
mod roll;
mod rollup;
pub(crate) mod round_trip;
mod serve;
mod sheet;
mod signing;
mod templates;
mod workflow;
