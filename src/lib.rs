//! kttdv: the forms of the Party's technical inspection of membership cards
//! (1-KTTĐV to 7-KTTĐV) as PDFs ready to sign.
//!
//! The pipeline, in the order data flows through it:
//! [`input`] reads JSON and names every problem → [`model`] holds the checked
//! domain → [`kinds`] turns it into each document's view → [`engine`] lays the
//! view out with the Typst templates of `form-templates/` and writes the PDF.
//! [`render`] runs the whole pipeline for one document; [`sheet`] imports
//! rosters kept in spreadsheets into the same JSON.

mod archive;
pub mod assemble;
pub mod attachment;
pub mod engine;
pub mod input;
pub mod kinds;
pub mod model;
mod private;
pub mod render;
pub mod sample;
pub mod serve;
pub mod sheet;

pub use engine::{EngineConfig, PdfFlavour, Slot};
pub use kinds::Kind;
pub use render::{Bundle, Error, Rendered, Renderer};

/// Layout allocates and frees many small objects; glibc's allocator was a
/// sixth of a render's time. Set here, in the library, so the binary, the
/// tests and the benchmarks all measure the same thing.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
