//! kttdv: the forms of the Party's technical inspection of membership cards
//! (1-KTTĐV to 7-KTTĐV) as PDFs ready to sign.
//!
//! The pipeline, in the order data flows through it (docs/architecture.md):
//! `input` reads JSON and names every problem → `model` holds the checked
//! domain → `kinds` turns it into each document's view → `engine` lays the
//! view out with the Typst templates of `form-templates/` and writes the PDF.
//! [`Renderer`] runs the whole pipeline for one document; `sheet` imports
//! rosters kept in spreadsheets into the same JSON, `assemble` one input from
//! the files it names. The public surface is what the command line, the
//! service, the benchmarks and the tests need, re-exported here.

mod archive;
mod assemble;
mod attachment;
pub mod campaign;
mod engine;
mod hash;
mod input;
mod kinds;
pub mod mail;
mod model;
mod pool;
mod private;
mod render;
pub mod sample;
pub mod serve;
mod sheet;
mod signature;
pub mod store;

pub use assemble::Assembled;
pub use attachment::{Attached, extract};
pub use engine::{EngineConfig, PdfFlavour, Slot};
pub use input::{Code, InputError, Place, read_json};
pub use kinds::{Kind, OutFormat, reconcile};
pub use render::{Document, Error, Kept, Lent, Output, Rendered, Renderer, Submission};
pub use sheet::{is_spreadsheet, write_template};
pub use signature::{Change, Signing, added_to};
