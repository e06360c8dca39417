//! The fonts every document is set in: ours, never the system's.

use std::path::Path;

use include_dir::{Dir, include_dir};
use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use super::SetupError;

static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fonts");

/// The bundled fonts plus any an office adds at start (e.g. a licensed Times
/// New Roman that templates then name by family).
pub struct FontSet {
    pub(super) book: LazyHash<FontBook>,
    pub(super) fonts: Vec<Font>,
}

impl FontSet {
    pub fn load(extra_dir: Option<&Path>) -> Result<Self, SetupError> {
        let mut fonts: Vec<Font> = BUNDLED
            .files()
            .filter(|file| is_font_file(file.path()))
            .flat_map(|file| Font::iter(Bytes::new(file.contents())))
            .collect();
        if let Some(dir) = extra_dir {
            fonts.extend(load_dir(dir)?);
        }
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        Ok(Self { book, fonts })
    }

    /// Whether some font can draw `c`. Typst falls back only within our own
    /// book, so "some font" is exactly "the document can show it".
    pub fn covers(&self, c: char) -> bool {
        c.is_control() || self.fonts.iter().any(|f| f.info().coverage.contains(c as u32))
    }
}

fn load_dir(dir: &Path) -> Result<Vec<Font>, SetupError> {
    let read = |e| SetupError::Io(dir.to_path_buf(), e);
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(read)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read)?;
    paths.sort();
    let mut fonts = Vec::new();
    for path in paths.into_iter().filter(|p| is_font_file(p)) {
        let data = std::fs::read(&path).map_err(|e| SetupError::Io(path.clone(), e))?;
        let before = fonts.len();
        fonts.extend(Font::iter(Bytes::new(data)));
        if fonts.len() == before {
            return Err(SetupError::BadFont(path));
        }
    }
    Ok(fonts)
}

fn is_font_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc"))
}
