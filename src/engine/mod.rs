//! The embedded Typst engine: fonts and templates loaded once, shared by
//! every thread, and a render that turns a template plus data into a PDF.

mod fit;
mod fonts;
mod parts;
mod signature_fields;
mod slots;
mod templates;
mod world;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Content, Label, Selector, Smart, dict};
use typst::introspection::Introspector;
use typst::syntax::FileId;
use typst::utils::LazyHash;
use typst::utils::PicoStr;
use typst::{Library, LibraryExt, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use self::fonts::FontSet;
pub use self::parts::InParts;
pub use self::slots::Slot;
use self::templates::TemplateSet;
use self::world::RenderWorld;

/// Where a template finds its data. Fixed, so the global file-id table
/// never grows with the number of renders.
const DATA_PATH: &str = "/data.json";

/// Where a template finds the bytes to attach to the PDF (empty for none).
const ATTACHMENT_PATH: &str = "/attachment.json";

/// What a compile leaves in Typst's memoised caches.
#[derive(Clone, Copy)]
enum Keep {
    /// What later documents may use again: a result goes once it has gone
    /// unused for 4 to 8 compiles (`EVICT_EVERY`). Few, so memory stays flat over
    /// thousands of renders with fresh data, while the frame module and
    /// fonts stay warm between renders.
    Warm,
    /// Nothing: a part of a long document. A part's layout is never asked
    /// for again, and keeping it would hold two parts at once; evaluating
    /// the templates again for each part costs less than that (BENCHMARKS.md,
    /// issue 25).
    Nothing,
}

/// Evicting walks every memoised result of every cache: done after each
/// compile it took ~5 % of a whole Bloc's time (BENCHMARKS.md, issue 25).
/// It is done after every `EVICT_EVERY`-th compile instead, and takes what
/// went unused since the eviction before.
const EVICT_EVERY: usize = 4;

/// Compiles since the process started, to evict after every `EVICT_EVERY`-th.
static COMPILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Where the engine takes its templates and extra fonts from.
#[derive(Debug, Default, Clone)]
pub struct EngineConfig {
    /// Files here replace the built-in template of the same path.
    pub templates_dir: Option<PathBuf>,
    /// Fonts here are added to the bundled ones.
    pub fonts_dir: Option<PathBuf>,
}

/// How a PDF is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfFlavour {
    pub conformance: Conformance,
    /// An empty signature field over each signature slot.
    pub signature_fields: bool,
}

impl PdfFlavour {
    /// The default, so that the level above reads the data instead of
    /// retyping it, and a signing tool knows where to sign.
    pub const WITH_DATA: Self = Self { conformance: Conformance::WithData, signature_fields: true };
    pub const ARCHIVAL: Self = Self { conformance: Conformance::Archival, signature_fields: true };
    pub const PLAIN: Self = Self { conformance: Conformance::Plain, signature_fields: true };

    pub const fn without_signature_fields(self) -> Self {
        Self { signature_fields: false, ..self }
    }
}

impl Default for PdfFlavour {
    fn default() -> Self {
        Self::WITH_DATA
    }
}

/// The standard a PDF follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conformance {
    /// PDF/A-3b carrying the input it was made from.
    WithData,
    /// PDF/A-2b, nothing attached.
    Archival,
    Plain,
}

/// What a render writes: a PDF, or a PNG of the first page to preview it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf(PdfFlavour),
    Preview,
}

impl Format {
    /// Whether the file carries the input it was made from (PDF/A-3b).
    pub fn carries_data(self) -> bool {
        matches!(self, Format::Pdf(PdfFlavour { conformance: Conformance::WithData, .. }))
    }
}

/// A rendered file, how many pages its document has, and where its
/// signatures go.
pub struct Output {
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub slots: Vec<Slot>,
}

/// Pixels per point of a preview: 1.5 makes an A4 page about 890 pixels tall.
const PREVIEW_SCALE: f64 = 1.5;

pub struct Engine {
    library: LazyHash<Library>,
    /// The same, telling the templates to measure (see `fit.rs`).
    careful_library: LazyHash<Library>,
    fonts: FontSet,
    templates: TemplateSet,
    data_id: FileId,
    attachment_id: FileId,
    /// Parts of long lists laid out before (none unless asked).
    parts: parts::PartCache,
}

impl Engine {
    pub fn new(config: &EngineConfig) -> Result<Self, SetupError> {
        Ok(Self {
            library: LazyHash::new(Library::default()),
            careful_library: LazyHash::new(
                Library::builder().with_inputs(dict! { "kttdv-layout" => "careful" }).build(),
            ),
            fonts: FontSet::load(config.fonts_dir.as_deref())?,
            templates: TemplateSet::load(config.templates_dir.as_deref())?,
            data_id: templates::file_id(DATA_PATH).expect("a valid fixed path"),
            attachment_id: templates::file_id(ATTACHMENT_PATH).expect("a valid fixed path"),
            parts: parts::PartCache::new(0),
        })
    }

    /// Keeps up to `pages` pages of the parts of long lists laid out, so
    /// that a list made again lays out only the parts whose data changed
    /// (see [`parts::PartCache`]): for the service, which makes the same
    /// submissions again; the command line makes each once.
    pub fn with_kept_parts(self, pages: usize) -> Self {
        Self { parts: parts::PartCache::new(pages), ..self }
    }

    /// How many parts of long lists were written from kept pages so far.
    pub fn parts_found_kept(&self) -> u64 {
        self.parts.found()
    }

    /// How many parts of long lists were looked for and not found kept.
    pub fn parts_not_found(&self) -> u64 {
        self.parts.not_found()
    }

    /// Whether the fonts can draw `c`.
    pub fn can_draw(&self, c: char) -> bool {
        self.fonts.covers(c)
    }

    /// A file of the template folder (overrides included): layout data the
    /// XLSX files follow as the templates do, such as `figures-table.json`.
    pub fn template_file(&self, path: &str) -> Option<Bytes> {
        self.templates.bytes(templates::file_id(path)?)
    }

    /// The version of the templates in use (see [`TemplateSet::version`]).
    pub fn template_version(&self) -> &str {
        self.templates.version()
    }

    /// Lays out `template` with `data` (JSON) readable at `/data.json` and
    /// writes it in `format`, with the page count and the signature slots;
    /// `attachment` goes inside a PDF/A-3b.
    pub fn render_as(
        &self,
        template: &str,
        data: &[u8],
        format: Format,
        attachment: &Arc<[u8]>,
    ) -> Result<Output, RenderError> {
        let attachment = if format.carries_data() { attachment.clone() } else { Arc::default() };
        let mut world = self.world(template, data, attachment)?;
        let document = self.compile(&mut world, Keep::Warm)?;
        let pages = document.pages().len();
        let slots = slots::find(&document);
        let bytes = match format {
            Format::Pdf(flavour) => {
                let pdf = typst_pdf::pdf(&document, &pdf_options(flavour.conformance))
                    .map_err(|diags| self.template_error(&world, &diags))?;
                with_fields(pdf, flavour, &slots)?
            }
            Format::Preview => preview(&document)?,
        };
        Ok(Output { bytes, pages, slots })
    }

    /// Lays out `document`'s lists a part of about `part_lines` lines at a
    /// time (more when a part would not fill a page) and writes them in
    /// `format` as [`Engine::render_as`] writes one layout: memory holds one
    /// part, whatever the document's length. The preview is the first page.
    pub fn render_in_parts(
        &self,
        template: &str,
        document: &dyn InParts,
        part_lines: usize,
        format: Format,
        attachment: &Arc<[u8]>,
    ) -> Result<Output, RenderError> {
        let options = pdf_options(match format {
            Format::Pdf(flavour) => flavour.conformance,
            Format::Preview => Conformance::Plain,
        });
        let mut writer = typst_pdf::PartsWriter::new(&options).map_err(|d| self.diagnostics(None, &d))?;
        let mut slots = slots::Slots::default();
        let (mut pages, mut preview_png) = (0, None);
        for list in 0..document.lists() {
            let total = document.rows(list);
            let (mut from, mut list_pages, mut size) = (0, 0, part_lines.max(1));
            loop {
                let rows = from..document.end(list, from, size);
                let data = document.part(list, rows.clone(), list_pages);
                // The document's first part gives its metadata and attached data: always laid out.
                let key = if pages > 0 { self.parts.key(template, &data) } else { None };
                let cut = match key.as_ref().and_then(|key| self.parts.get(key)) {
                    Some(kept) => {
                        if let Format::Pdf(_) = format {
                            writer.pages(&kept.pages, kept.cut.pages).map_err(|d| self.diagnostics(None, &d))?;
                        }
                        slots.add(&kept.slots, pages);
                        kept.cut
                    }
                    None => {
                        // The first part carries the input; the writer attaches what the first part has.
                        let attached =
                            if pages == 0 && format.carries_data() { attachment.clone() } else { Arc::default() };
                        let mut world = self.world(template, &data, attached)?;
                        let part = self.compile(&mut world, Keep::Nothing)?;
                        let Some(cut) = parts::cut(&part, &rows, total) else {
                            size *= 2;
                            continue;
                        };
                        match format {
                            Format::Pdf(_) => {
                                writer.pages(&part, cut.pages).map_err(|d| self.template_error(&world, &d))?
                            }
                            Format::Preview if preview_png.is_none() => preview_png = Some(preview(&part)?),
                            Format::Preview => {}
                        }
                        let found = slots::found(&part);
                        slots.add(&found, pages);
                        if let Some(key) = key {
                            self.parts.put(key, &part, cut, found);
                        }
                        cut
                    }
                };
                pages += cut.pages;
                list_pages += cut.pages;
                match cut.next {
                    Some(next) => from = next,
                    None => break,
                }
            }
        }
        let bytes = match format {
            Format::Pdf(flavour) => {
                let pdf = writer.finish().map_err(|d| self.diagnostics(None, &d))?;
                with_fields(pdf, flavour, &slots.slots)?
            }
            Format::Preview => preview_png.ok_or(RenderError::NoPage)?,
        };
        Ok(Output { bytes, pages, slots: slots.slots })
    }

    /// `attachment` is shared, not copied: the PDF writer holds it until the end.
    fn world(&self, template: &str, data: &[u8], attachment: Arc<[u8]>) -> Result<RenderWorld<'_>, RenderError> {
        let main = templates::file_id(template)
            .filter(|id| self.templates.contains(*id))
            .ok_or_else(|| RenderError::MissingTemplate(template.to_owned()))?;
        Ok(RenderWorld {
            engine: self,
            main,
            data: Bytes::new(data.to_vec()),
            attachment: Bytes::new(attachment),
            careful: false,
        })
    }

    /// Gives back what a large render left behind: every memoised layout
    /// (they hold on to the whole document) and the allocator's free pages
    /// on this thread. The next render starts cold, so this is for after
    /// the large ones.
    pub fn release_memory() {
        typst::comemo::evict(0);
        // SAFETY: mi_collect only returns free memory to the system; the
        // global allocator is mimalloc (see lib.rs).
        unsafe { libmimalloc_sys::mi_collect(true) };
    }

    /// Lays the document out, its lists quickly; when they do not fit
    /// their pages, carefully (`fit.rs`): `world` is then the careful one.
    fn compile(&self, world: &mut RenderWorld, keep: Keep) -> Result<PagedDocument, RenderError> {
        let document = self.compile_once(world, keep)?;
        if fit::fits(&document) {
            return Ok(document);
        }
        tracing::debug!("a list did not fit its pages laid out quickly: laid out again, measured");
        world.careful = true;
        self.compile_once(world, keep)
    }

    /// Lays the document out, then evicts memoised results as `keep` says.
    /// A warning fails the render too: Typst only warns about, say, a font
    /// family it does not have, and a document set in a fallback font is
    /// not one we hand out.
    fn compile_once(&self, world: &RenderWorld, keep: Keep) -> Result<PagedDocument, RenderError> {
        let Warned { output, warnings } = typst::compile::<PagedDocument>(world);
        // Evict after failed compiles too, so memory stays bounded.
        let compiles = COMPILES.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        match keep {
            Keep::Nothing => typst::comemo::evict(0),
            // Age 1: what went unused since the eviction before.
            Keep::Warm if compiles.is_multiple_of(EVICT_EVERY) => typst::comemo::evict(1),
            Keep::Warm => {}
        }
        match output {
            Ok(document) if warnings.is_empty() => Ok(document),
            Ok(_) => Err(self.template_error(world, &warnings)),
            Err(errors) => Err(self.template_error(world, &errors)),
        }
    }

    fn template_error(&self, world: &RenderWorld, diags: &[SourceDiagnostic]) -> RenderError {
        self.diagnostics(Some(world), diags)
    }

    /// `diags` for the template's author, placed in its files when `world`
    /// says where their spans are.
    fn diagnostics(&self, world: Option<&RenderWorld>, diags: &[SourceDiagnostic]) -> RenderError {
        let diagnostics = diags
            .iter()
            .map(|diag| {
                let id = diag.span.id();
                let position = id.and_then(|id| {
                    let source = self.templates.source(id)?;
                    let range = world?.range(diag.span)?;
                    let (line, column) = source.lines().byte_to_line_column(range.start)?;
                    Some((line + 1, column + 1))
                });
                TemplateDiagnostic {
                    file: id.map(|id| id.vpath().get_with_slash().to_owned()),
                    line: position.map(|p| p.0),
                    column: position.map(|p| p.1),
                    message: diag.message.to_string(),
                    hints: diag.hints.iter().map(|h| h.v.to_string()).collect(),
                }
            })
            .collect();
        RenderError::Template(diagnostics)
    }
}

/// How kttdv writes a PDF of `conformance`.
fn pdf_options(conformance: Conformance) -> PdfOptions {
    let standards = match conformance {
        Conformance::WithData => PdfStandards::new(&[PdfStandard::A_3b]).expect("PDF/A-3b alone is consistent"),
        Conformance::Archival => PdfStandards::new(&[PdfStandard::A_2b]).expect("PDF/A-2b alone is consistent"),
        Conformance::Plain => PdfStandards::default(),
    };
    PdfOptions {
        creator: Smart::Custom(Some(format!("kttdv {}", env!("CARGO_PKG_VERSION")))),
        standards,
        // The structure tree is nine tenths of a long list's bytes (3 MB
        // against 0.3 MB for 2,000 members); PDF/A-2b does not ask for it.
        tagged: false,
        ..PdfOptions::default()
    }
}

/// `pdf` with an empty signature field over each of `slots` when `flavour` asks.
fn with_fields(pdf: Vec<u8>, flavour: PdfFlavour, slots: &[Slot]) -> Result<Vec<u8>, RenderError> {
    if !flavour.signature_fields {
        return Ok(pdf);
    }
    signature_fields::add(pdf, slots).map_err(|e| RenderError::SignatureFields(e.to_string()))
}

/// A PNG of the first page of `document`.
fn preview(document: &PagedDocument) -> Result<Vec<u8>, RenderError> {
    let page = document.pages().first().ok_or(RenderError::NoPage)?;
    let options =
        typst_render::RenderOptions { pixel_per_pt: typst::utils::Scalar::new(PREVIEW_SCALE), ..Default::default() };
    typst_render::render(page, &options).encode_png().map_err(|e| RenderError::Png(e.to_string()))
}

/// A problem in a template, for the template's author.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateDiagnostic {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hints: Vec<String>,
}

impl fmt::Display for TemplateDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(line), Some(column)) => write!(f, "{file}:{line}:{column}: ")?,
            (Some(file), _, _) => write!(f, "{file}: ")?,
            _ => {}
        }
        f.write_str(&self.message)?;
        for hint in &self.hints {
            write!(f, " (gợi ý: {hint})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("không có mẫu {0} trong thư mục mẫu")]
    MissingTemplate(String),
    #[error("lỗi trong mẫu:\n{}", .0.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n"))]
    Template(Vec<TemplateDiagnostic>),
    #[error("văn bản không có trang nào để xem trước")]
    NoPage,
    #[error("không tạo được ảnh xem trước: {0}")]
    Png(String),
    #[error("không thêm được ô chữ ký vào PDF: {0}")]
    SignatureFields(String),
}

/// Problems loading fonts or templates at start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("không đọc được {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0} không phải là thư mục")]
    NotADirectory(PathBuf),
    #[error("{0} không phải là tệp phông chữ đọc được")]
    BadFont(PathBuf),
    #[error("đường dẫn mẫu không hợp lệ: {0}")]
    BadTemplatePath(String),
    #[error("mẫu {0} không phải văn bản UTF-8")]
    TemplateNotUtf8(String),
    #[error("thiếu tệp {0} trong thư mục mẫu")]
    MissingTemplateFile(String),
    #[error("tệp mẫu {0} không đúng: {1}")]
    BadTemplateData(String, String),
}

/// The elements the templates labelled `name` (their markers: signature
/// rooms, member rows, what the quick layout reports), in document order.
fn labelled(document: &PagedDocument, name: &str) -> typst::ecow::EcoVec<Content> {
    let label = Label::new(PicoStr::intern(name)).expect("a valid label");
    document.introspector().query(&Selector::Label(label))
}
