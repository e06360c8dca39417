//! The whole pipeline for one document: input text → checked data → PDF.

use crate::engine::{Engine, EngineConfig, PdfFlavour, RenderError, SetupError};
use crate::input::{self, InputError, JsonPath};
use crate::kinds::{Kind, Prepared};

pub struct Renderer {
    engine: Engine,
}

/// A finished document.
pub struct Rendered {
    pub pdf: Vec<u8>,
    /// ASCII, named after the content, e.g. `mau-2-kttdv_chi-bo-van-phong.pdf`.
    pub file_name: String,
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
        Ok(Self {
            engine: Engine::new(config)?,
        })
    }

    /// Checks `text` as input of `kind`, reporting every problem at once.
    pub fn check(&self, kind: Kind, text: &str) -> Result<Prepared, Vec<InputError>> {
        let value = input::read_json(text).map_err(|e| vec![e])?;
        let mut unprintable = Vec::new();
        input::check_glyphs(
            &value,
            &|c| self.engine.can_draw(c),
            &JsonPath::root(),
            &mut unprintable,
        );
        match kind.prepare(&value) {
            Ok(prepared) if unprintable.is_empty() => Ok(prepared),
            Ok(_) => Err(unprintable),
            Err(mut problems) => {
                problems.extend(unprintable);
                Err(problems)
            }
        }
    }

    pub fn render(&self, kind: Kind, text: &str, flavour: PdfFlavour) -> Result<Rendered, Error> {
        let prepared = self.check(kind, text).map_err(Error::Input)?;
        let pdf = self
            .engine
            .render(kind.template(), &prepared.view, flavour)?;
        Ok(Rendered {
            pdf,
            file_name: format!("{}.pdf", prepared.file_stem),
        })
    }
}
