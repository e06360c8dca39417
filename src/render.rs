//! The whole pipeline for one document: input (parsed JSON) → checked data → PDF.

use std::io::Write;

use serde_json::Value;

use crate::engine::{Engine, EngineConfig, PdfFlavour, RenderError, SetupError};
use crate::input::{self, InputError, JsonPath};
use crate::kinds::{Kind, Prepared};

pub struct Renderer {
    engine: Engine,
}

/// A finished file.
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// ASCII, named after the content, e.g. `mau-2-kttdv_chi-bo-van-phong.pdf`.
    pub file_name: String,
    /// Problems worth a look that did not stop the document.
    pub warnings: Vec<InputError>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("dữ liệu nhập có {} lỗi", .0.len())]
    Input(Vec<InputError>),
    #[error(transparent)]
    Render(#[from] RenderError),
}

impl Renderer {
    pub fn new(config: &EngineConfig) -> Result<Self, SetupError> {
        Ok(Self { engine: Engine::new(config)? })
    }

    /// Checks `input` (read with [`input::read_json`] or imported from a
    /// spreadsheet) as input of `kind`, reporting every problem at once.
    pub fn check(&self, kind: Kind, input: &Value) -> Result<Prepared, Vec<InputError>> {
        let mut unprintable = Vec::new();
        input::check_glyphs(input, &|c| self.engine.can_draw(c), &JsonPath::root(), &mut unprintable);
        match kind.prepare(input) {
            Ok(prepared) if unprintable.is_empty() => Ok(prepared),
            Ok(_) => Err(unprintable),
            Err(mut problems) => {
                problems.extend(unprintable);
                Err(problems)
            }
        }
    }

    /// One PDF; for `packet`, the cell's five forms in one PDF.
    pub fn render(&self, kind: Kind, input: &Value, flavour: PdfFlavour) -> Result<Rendered, Error> {
        let prepared = self.check(kind, input).map_err(Error::Input)?;
        let bytes = self.engine.render(kind.template(), &prepared.data, flavour)?;
        Ok(Rendered {
            bytes,
            file_name: format!("{}.pdf", kind.file_stem(&prepared.subject)),
            warnings: prepared.warnings,
        })
    }

    /// A cell's five forms as a ZIP of five PDFs, each named after its form
    /// and the cell.
    pub fn render_zip(&self, input: &Value, flavour: PdfFlavour) -> Result<Rendered, Error> {
        let prepared = self.check(Kind::Packet, input).map_err(Error::Input)?;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        // PDFs are compressed already; no clock, so the same input gives the same bytes.
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for form in Kind::cell_forms() {
            let pdf = self.engine.render(form.template(), &prepared.data, flavour)?;
            let name = format!("{}.pdf", form.file_stem(&prepared.subject));
            zip.start_file(name, options).expect("writing to memory");
            zip.write_all(&pdf).expect("writing to memory");
        }
        let bytes = zip.finish().expect("writing to memory").into_inner();
        let file_name = format!("{}.zip", Kind::Packet.file_stem(&prepared.subject));
        Ok(Rendered { bytes, file_name, warnings: prepared.warnings })
    }
}
