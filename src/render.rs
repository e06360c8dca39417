//! The whole pipeline for one document: input (parsed JSON) → checked data → PDF.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::attachment;
use crate::engine::{Engine, EngineConfig, Format, PdfFlavour, RenderError, SetupError, Slot};
use crate::input::{self, InputError, JsonPath};
use crate::kinds::{Content, FIGURE_COLUMNS_FILE, FigureColumns, File, Kind, Part, Prepared};

pub struct Renderer {
    engine: Engine,
    /// The XLSX files' figure columns, from the template folder.
    columns: FigureColumns,
    /// Files of one submission rendered at once: 1 in the service, whose
    /// pool spreads requests over the cores; the cores on the command line.
    threads: usize,
    /// Whether the Board's submission holds every cell's packet too.
    cell_packets: bool,
}

/// A finished file.
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// ASCII, named after the content, e.g. `mau-2-kttdv_chi-bo-van-phong.pdf`.
    pub file_name: String,
    /// The same name in Vietnamese, e.g. `Mẫu 2-KTTĐV - Chi bộ Văn phòng.pdf`.
    pub title: String,
    /// Pages of a PDF or of the previewed document; 0 for a ZIP.
    pub pages: usize,
    /// Where the signatures and seals go, for signing tools; none for a ZIP.
    pub slots: Vec<Slot>,
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
        let engine = Engine::new(config)?;
        let path = FIGURE_COLUMNS_FILE;
        let bytes = engine.template_file(path).ok_or_else(|| SetupError::MissingTemplateFile(path.into()))?;
        let columns =
            FigureColumns::parse(&bytes).map_err(|e| SetupError::BadTemplateData(path.into(), e.to_string()))?;
        Ok(Self { engine, columns, threads: 1, cell_packets: false })
    }

    /// Renders the files of one submission `threads` at a time.
    pub fn with_threads(self, threads: usize) -> Self {
        Self { threads: threads.max(1), ..self }
    }

    /// Makes the Board's submission hold every cell's packet too, each in
    /// its committee's folder: the whole Bloc in one run.
    pub fn with_cell_packets(self, cell_packets: bool) -> Self {
        Self { cell_packets, ..self }
    }

    /// Checks `input` (read with [`input::read_json`] or imported from a
    /// spreadsheet) as input of `kind`, reporting every problem at once; on
    /// success, the warnings.
    pub fn check(&self, kind: Kind, input: &Value) -> Result<Vec<InputError>, Vec<InputError>> {
        self.with_glyphs(input, kind.check(input))
    }

    /// Checks `input` as [`Renderer::check`] does; on success, what to render.
    fn prepare(&self, kind: Kind, input: &Value) -> Result<Prepared, Vec<InputError>> {
        self.with_glyphs(input, kind.prepare(input, &self.columns, self.cell_packets))
    }

    /// `outcome`, failed too when a string of `input` cannot be printed as
    /// it is (see [`input::check_strings`]). A problem the reading already
    /// reported at the same place (a name over its limit) is not repeated.
    fn with_glyphs<T>(&self, input: &Value, outcome: Result<T, Vec<InputError>>) -> Result<T, Vec<InputError>> {
        let mut unprintable = Vec::new();
        input::check_strings(input, &|c| self.engine.can_draw(c), &JsonPath::root(), &mut unprintable);
        match outcome {
            Ok(value) if unprintable.is_empty() => Ok(value),
            Ok(_) => Err(unprintable),
            Err(mut problems) => {
                unprintable.retain(|u| !problems.iter().any(|p| p.code == u.code && p.place == u.place));
                problems.extend(unprintable);
                Err(problems)
            }
        }
    }

    /// One PDF; for `packet`, the cell's five forms in one PDF; for the
    /// submissions of a committee or the Board, a ZIP of their files.
    pub fn render(&self, kind: Kind, input: &Value, flavour: PdfFlavour) -> Result<Rendered, Error> {
        if kind.is_bundle() {
            return self.render_zip(kind, input, flavour);
        }
        self.render_as(kind, input, Format::Pdf(flavour))
    }

    /// A PNG of the first page of the kind's main document.
    pub fn preview(&self, kind: Kind, input: &Value) -> Result<Rendered, Error> {
        self.render_as(kind, input, Format::Preview)
    }

    fn render_as(&self, kind: Kind, input: &Value, format: Format) -> Result<Rendered, Error> {
        let prepared = self.prepare(kind, input).map_err(Error::Input)?;
        let output = self.engine.render_as(kind.template(), &prepared.data, format, &self.seal(kind, input, format))?;
        let extension = if format == Format::Preview { "png" } else { "pdf" };
        Ok(Rendered {
            bytes: output.bytes,
            file_name: format!("{}.{extension}", kind.file_stem(&prepared.subject)),
            title: format!("{} - {}.{extension}", kind.label(), prepared.subject),
            pages: output.pages,
            slots: output.slots,
            warnings: prepared.warnings,
        })
    }

    /// The attachment a file in `format` carries: the sealed input, or
    /// nothing when the format carries none (hashing a large input is not free).
    fn seal(&self, kind: Kind, input: &Value, format: Format) -> Vec<u8> {
        if format.carries_data() { attachment::seal(kind.name(), input, self.template_version()) } else { Vec::new() }
    }

    /// The version of the templates in use: a hash of their files.
    pub fn template_version(&self) -> &str {
        self.engine.template_version()
    }

    /// The files of a kind that makes several, in one ZIP: the cell's five
    /// forms for `packet`, a whole submission for the committee and Board kinds.
    pub fn render_zip(&self, kind: Kind, input: &Value, flavour: PdfFlavour) -> Result<Rendered, Error> {
        let bundle = self.render_files(kind, input, flavour, &|_, _| {})?;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        // PDFs are compressed already; no clock, so the same input gives the same bytes.
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in &bundle.files {
            zip.start_file(name.as_str(), options).expect("writing to memory");
            zip.write_all(bytes).expect("writing to memory");
        }
        let bytes = zip.finish().expect("writing to memory").into_inner();
        Ok(Rendered {
            bytes,
            file_name: format!("{}.zip", bundle.name),
            title: format!("{} - {}.zip", kind.label(), bundle.subject),
            pages: 0,
            slots: Vec::new(),
            warnings: bundle.warnings,
        })
    }

    /// Every file of a kind that makes several, in order, rendered
    /// `threads` at a time; `progress(done, of)` is told after each.
    pub fn render_files(
        &self,
        kind: Kind,
        input: &Value,
        flavour: PdfFlavour,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Bundle, Error> {
        let prepared = self.prepare(kind, input).map_err(Error::Input)?;
        let count = prepared.files.len();
        let format = Format::Pdf(flavour);
        // Each PDF carries exactly what it was made from, sealed once a part.
        let mut sealed: HashMap<Part, Vec<u8>> = HashMap::new();
        for file in &prepared.files {
            sealed.entry(file.carries).or_insert_with(|| match file.carries {
                Part::Whole => self.seal(kind, input, format),
                Part::Committee(i) => self.seal(Kind::HoSoCoSo, &input["committees"][i], format),
                Part::Cell(i, k) => self.seal(Kind::Packet, &input["committees"][i]["cells"][k], format),
            });
        }
        let names: Vec<String> = prepared.files.iter().map(|f| f.name.clone()).collect();
        let work: Vec<Mutex<Option<File>>> = prepared.files.into_iter().map(|f| Mutex::new(Some(f))).collect();
        let made: Vec<Mutex<Option<Made>>> = (0..count).map(|_| Mutex::new(None)).collect();
        let (next, done) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|scope| {
            for _ in 0..self.threads.min(count.max(1)) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(file) = work.get(i).and_then(|w| w.lock().expect("not poisoned").take()) else {
                            break;
                        };
                        let bytes = match file.content {
                            Content::Pdf { template, data } => {
                                self.engine.render_as(template, &data, format, &sealed[&file.carries]).map(|o| o.bytes)
                            }
                            Content::Ready(bytes) => Ok(bytes),
                        };
                        *made[i].lock().expect("not poisoned") = Some(bytes);
                        progress(done.fetch_add(1, Ordering::SeqCst) + 1, count);
                    }
                });
            }
        });
        let mut files = Vec::with_capacity(count);
        for (name, made) in names.into_iter().zip(made) {
            let bytes = made.into_inner().expect("not poisoned").expect("every file was made")?;
            files.push((name, bytes));
        }
        Ok(Bundle {
            name: kind.file_stem(&prepared.subject),
            subject: prepared.subject,
            files,
            warnings: prepared.warnings,
        })
    }
}

/// A file of a submission once made: its bytes, or why not.
type Made = Result<Vec<u8>, RenderError>;

/// The files of a submission, each with its relative path.
pub struct Bundle {
    /// The submission's name, for its ZIP or folder.
    pub name: String,
    /// What it is about: the cell, committee or Board.
    pub subject: String,
    pub files: Vec<(String, Vec<u8>)>,
    pub warnings: Vec<InputError>,
}
