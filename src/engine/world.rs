//! One render's view of the world: the shared templates and fonts, plus this
//! render's data at a fixed path.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use super::Engine;

pub struct RenderWorld<'a> {
    pub engine: &'a Engine,
    pub main: FileId,
    pub data: Bytes,
    /// What the PDF carries inside; empty for none.
    pub attachment: Bytes,
    /// Lists laid out with everything measured (see `fit.rs`).
    pub careful: bool,
}

impl World for RenderWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        if self.careful { &self.engine.careful_library } else { &self.engine.library }
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.fonts.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.check_reachable(id)?;
        self.engine.templates.source(id).ok_or(FileError::NotSource)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.engine.data_id {
            return Ok(self.data.clone());
        }
        if id == self.engine.attachment_id {
            return Ok(self.attachment.clone());
        }
        self.check_reachable(id)?;
        self.engine.templates.bytes(id).ok_or(FileError::NotSource)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.fonts.get(index).cloned()
    }

    /// No clock: a document's date is data, so identical input gives
    /// identical bytes.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

impl RenderWorld<'_> {
    fn check_reachable(&self, id: FileId) -> FileResult<()> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Other(Some(
                format!("không dùng được gói {spec}: kttdv không tải gói nào, mẫu chỉ đọc được tệp trong thư mục mẫu")
                    .into(),
            )));
        }
        if !self.engine.templates.contains(id) {
            return Err(FileError::NotFound(id.vpath().get_with_slash().into()));
        }
        Ok(())
    }
}
