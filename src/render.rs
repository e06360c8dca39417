//! The whole pipeline for one document: input (parsed JSON) → checked data → PDF.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::attachment;
use crate::engine::{Engine, EngineConfig, Format, PdfFlavour, RenderError, SetupError, Slot};
use crate::input::{self, InputError, JsonPath};
use crate::kinds::{Content, FIGURE_COLUMNS_FILE, FigureColumns, File, Kind, OutFormat, Part, Prepared};

pub struct Renderer {
    engine: Engine,
    /// The XLSX files' figure columns, from the template folder.
    columns: FigureColumns,
    /// Whether the Board's submission holds every cell's packet too.
    cell_packets: bool,
    /// About how many lines a long list lays out at once (docs/parts.md).
    part_lines: usize,
}

/// How many lines a part of a long list holds: member rows, units' titles
/// and subtotals (`kinds/parts.rs`), about 200 members of list 2 and 12 to 17
/// pages. Fewer hold less memory and lay out more pages twice (each part's
/// last): at 150, 200 and 300 members a part, a 32,000-member list peaked
/// at 254, 283 and 319 MB and took 31, 29 and 28 s (BENCHMARKS.md, issue 25).
pub const PART_LINES: usize = 220;

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
    /// Writing a finished file failed (the command line writes as it goes).
    #[error("không ghi được tệp: {0}")]
    Write(std::io::Error),
}

impl Renderer {
    pub fn new(config: &EngineConfig) -> Result<Self, SetupError> {
        let engine = Engine::new(config)?;
        let path = FIGURE_COLUMNS_FILE;
        let bytes = engine.template_file(path).ok_or_else(|| SetupError::MissingTemplateFile(path.into()))?;
        let columns =
            FigureColumns::parse(&bytes).map_err(|e| SetupError::BadTemplateData(path.into(), e.to_string()))?;
        Ok(Self { engine, columns, cell_packets: false, part_lines: PART_LINES })
    }

    /// Lays long lists out about `part_lines` lines (member rows, units'
    /// titles and subtotals) at a time; a list no longer is laid out whole.
    pub fn with_part_lines(self, part_lines: usize) -> Self {
        Self { part_lines, ..self }
    }

    /// Keeps up to `pages` pages of the parts of long lists laid out, so
    /// that a list made again after a change lays out only the parts whose
    /// data the change reaches (docs/parts.md); ~165 KB a page.
    pub fn with_kept_parts(self, pages: usize) -> Self {
        Self { engine: self.engine.with_kept_parts(pages), ..self }
    }

    /// How many parts of long lists were written from kept pages so far.
    pub fn parts_found_kept(&self) -> u64 {
        self.engine.parts_found_kept()
    }

    /// How many parts of long lists were looked for among the kept ones and
    /// laid out, not found.
    pub fn parts_not_found(&self) -> u64 {
        self.engine.parts_not_found()
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
        self.with_glyphs(input, kind.check(input)).map(|warnings| about_members(input, warnings))
    }

    /// The problems of a line of text typed beside the data (a return's
    /// comment, a reason) that a document will print: empty, over
    /// `Text`'s limit, or holding a character that is not text or that the
    /// fonts cannot draw; `path` names it.
    pub fn check_line(&self, text: &str, path: &JsonPath) -> Vec<InputError> {
        if let Err(err) = text.parse::<crate::model::scalar::Text>() {
            return vec![InputError::new(err.code, path.clone(), err.message)];
        }
        let mut problems = Vec::new();
        input::check_strings(&Value::String(text.to_owned()), &|c| self.engine.can_draw(c), path, &mut problems);
        problems
    }

    /// Checks `input` as [`Renderer::check`] does; on success, what to render.
    fn prepare(&self, kind: Kind, input: &Value) -> Result<Prepared, Vec<InputError>> {
        let prepared = self.with_glyphs(input, kind.prepare(input, &self.columns, self.cell_packets))?;
        Ok(Prepared { warnings: about_members(input, prepared.warnings), ..prepared })
    }

    /// `outcome`, failed too when a string of `input` cannot be printed as
    /// it is (see [`input::check_strings`]). A problem the reading already
    /// reported at the same place (a name over its limit) is not repeated.
    fn with_glyphs<T>(&self, input: &Value, outcome: Result<T, Vec<InputError>>) -> Result<T, Vec<InputError>> {
        let mut unprintable = Vec::new();
        input::check_strings(input, &|c| self.engine.can_draw(c), &JsonPath::root(), &mut unprintable);
        match outcome {
            Ok(value) if unprintable.is_empty() => Ok(value),
            Ok(_) => Err(about_members(input, unprintable)),
            Err(mut problems) => {
                unprintable.retain(|u| !problems.iter().any(|p| p.code == u.code && p.place == u.place));
                problems.extend(unprintable);
                Err(about_members(input, problems))
            }
        }
    }

    /// The document `kind` makes of `input`, as `output` says: one PDF (for
    /// `packet`, the cell's five forms in one PDF; for the submissions of a
    /// committee or the Board, a ZIP of their files), a ZIP of the files, a
    /// PNG of the first page, or the reconciliation as JSON: [`Renderer::document`],
    /// then [`Renderer::lay_out`]. [`Renderer::submission`] and
    /// [`Renderer::render_files`] stream a submission's files one by one.
    pub fn make(&self, kind: Kind, input: &Value, output: Output) -> Result<Rendered, Error> {
        self.lay_out(self.document(kind, input, output)?)
    }

    /// Checks `input` as `kind` and makes all a document needs but its
    /// layout, as [`Renderer::make`] would: the view, what its PDFs carry.
    /// The document holds nothing of `input`, which its caller may let go
    /// before the layout, the long part (a province's input is 57 MB as a
    /// tree of values: BENCHMARKS.md).
    pub fn document<'a>(&self, kind: Kind, input: &Value, output: Output<'a>) -> Result<Document<'a>, Error> {
        let ready = match output.format {
            OutFormat::Pdf if !kind.is_bundle() => self.one(kind, input, Format::Pdf(output.flavour))?,
            OutFormat::Pdf | OutFormat::Zip => Ready::Zip(self.submission(kind, input, output.flavour)?),
            OutFormat::Png => self.one(kind, input, Format::Preview)?,
            OutFormat::Json => {
                let checked = crate::kinds::reconcile(input).map_err(Error::Input)?;
                Ready::Made(Rendered {
                    bytes: serde_json::to_vec_pretty(&checked.value).expect("views serialise"),
                    file_name: "doi-chieu-kttdv.json".into(),
                    title: "Kết quả đối chiếu.json".into(),
                    pages: 0,
                    slots: Vec::new(),
                    warnings: checked.warnings,
                })
            }
        };
        Ok(Document { output, ready })
    }

    /// Lays `document` out and writes it.
    pub fn lay_out(&self, document: Document) -> Result<Rendered, Error> {
        let Document { output, ready } = document;
        match ready {
            Ready::One { kind, prepared, format, seal } => {
                let made = self.layout(kind.template(), prepared.data, format, &seal)?;
                let extension = if format == Format::Preview { "png" } else { "pdf" };
                Ok(Rendered {
                    bytes: made.bytes,
                    file_name: format!("{}.{extension}", kind.file_stem(&prepared.subject)),
                    title: format!("{} - {}.{extension}", kind.label(), prepared.subject),
                    pages: made.pages,
                    slots: made.slots,
                    warnings: prepared.warnings,
                })
            }
            Ready::Zip(submission) => self.zip(submission, output),
            Ready::Made(rendered) => Ok(rendered),
        }
    }

    /// The data the kind's template reads at `/data.json`, as JSON, and the
    /// template's entry: to run stock Typst on the same view, or to work on
    /// a template. The kinds that make several files have no one template.
    pub fn template_data(&self, kind: Kind, input: &Value) -> Result<(&'static str, Vec<u8>), Error> {
        let prepared = self.prepare(kind, input).map_err(Error::Input)?;
        Ok((kind.template(), prepared.data.to_vec()))
    }

    fn one(&self, kind: Kind, input: &Value, format: Format) -> Result<Ready, Error> {
        let prepared = self.prepare(kind, input).map_err(Error::Input)?;
        Ok(Ready::One { kind, seal: self.seal(kind, input, format), prepared, format })
    }

    /// The attachment a file in `format` carries: the sealed input, or
    /// nothing when the format carries none (hashing a large input is not free).
    fn seal(&self, kind: Kind, input: &Value, format: Format) -> Seal {
        if format.carries_data() {
            attachment::seal(kind.name(), input, self.template_version()).into()
        } else {
            Seal::default()
        }
    }

    /// The version of the templates in use: a hash of their files.
    pub fn template_version(&self) -> &str {
        self.engine.template_version()
    }

    /// The files of a kind that makes several, in one ZIP: the cell's five
    /// forms for `packet`, a whole submission for the committee and Board
    /// kinds; the PDFs made before taken from `output.kept`, those made put there.
    fn zip(&self, submission: Submission, output: Output) -> Result<Rendered, Error> {
        let (file_name, title) =
            (format!("{}.zip", submission.name), format!("{} - {}.zip", submission.kind.label(), submission.subject));
        let warnings = submission.warnings.clone();
        let bytes = self.write_zip(submission, output, std::io::Cursor::new(Vec::new()), &|_, _| {})?.into_inner();
        Ok(Rendered { bytes, file_name, title, pages: 0, slots: Vec::new(), warnings })
    }

    /// Checks `input` as a kind that makes several files; on success, the
    /// files to make, in `flavour`, each with what it carries sealed.
    pub fn submission(&self, kind: Kind, input: &Value, flavour: PdfFlavour) -> Result<Submission, Error> {
        let prepared = self.prepare(kind, input).map_err(Error::Input)?;
        let format = Format::Pdf(flavour);
        // Each PDF carries exactly what it was made from, sealed once a part.
        let mut sealed: HashMap<Part, Seal> = HashMap::new();
        for file in &prepared.files {
            sealed.entry(file.carries).or_insert_with(|| match file.carries {
                Part::Whole => self.seal(kind, input, format),
                Part::Committee(i) => self.seal(Kind::HoSoCoSo, &input["committees"][i], format),
                Part::Cell(i, k) => self.seal(Kind::Packet, &input["committees"][i]["cells"][k], format),
            });
        }
        Ok(Submission {
            kind,
            format,
            name: kind.file_stem(&prepared.subject),
            subject: prepared.subject,
            warnings: prepared.warnings,
            files: prepared.files,
            sealed,
        })
    }

    /// Writes the files of `submission` into one ZIP as they are made.
    pub fn write_zip<W: Write + std::io::Seek>(
        &self,
        submission: Submission,
        output: Output,
        out: W,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<W, Error> {
        let mut zip = zip::ZipWriter::new(out);
        // PDFs are compressed already; no clock, so the same input gives the same bytes.
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        self.render_files(submission, output, progress, &mut |name, bytes| {
            zip.start_file(name, options)?;
            zip.write_all(&bytes)
        })?;
        zip.finish().map_err(|e| Error::Write(e.into()))
    }

    /// Makes every file of `submission`, `output.threads` at a time (its
    /// flavour the one the submission was checked for), and hands each to `sink` in the
    /// submission's order as soon as it and those before it are made:
    /// memory holds the documents in flight, not the submission.
    /// `progress(done, of)` is told after each file is made. The first
    /// failure, of a render or of the sink, stops the rest. A PDF found in
    /// `output.kept` under its address is not made again; one made is put
    /// there.
    pub fn render_files(
        &self,
        submission: Submission,
        output: Output,
        progress: &(dyn Fn(usize, usize) + Sync),
        sink: &mut dyn FnMut(&str, Vec<u8>) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        let Submission { format, files, sealed, .. } = submission;
        let Output { kept, threads, lent, .. } = output;
        let count = files.len();
        let work: Vec<Mutex<Option<File>>> = files.into_iter().map(|f| Mutex::new(Some(f))).collect();
        let (next, done) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let (made, arrived) = std::sync::mpsc::channel::<(usize, String, Made)>();
        std::thread::scope(|scope| {
            for thread in 0..threads.min(count.max(1)) {
                let made = made.clone();
                let (work, next, done, sealed) = (&work, &next, &done, &sealed);
                scope.spawn(move || {
                    loop {
                        // A lent worker goes back between files when another job waits.
                        if thread > 0 && lent.is_some_and(|l| l.give_back()) {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(file) = work.get(i).and_then(|w| w.lock().expect("not poisoned").take()) else {
                            break;
                        };
                        let bytes = match file.content {
                            Content::Pdf { template, data } => {
                                let attachment = &sealed[&file.carries];
                                let address = kept.map(|_| self.address(template, &data, format, attachment));
                                match kept.zip(address.as_deref()).and_then(|(kept, a)| kept.get(a)) {
                                    Some(bytes) => Ok(bytes),
                                    None => self.layout(template, data, format, attachment).map(|o| {
                                        if let (Some(kept), Some(address)) = (kept, &address) {
                                            kept.put(address, &o.bytes);
                                        }
                                        o.bytes
                                    }),
                                }
                            }
                            Content::Ready(bytes) => Ok(bytes),
                        };
                        progress(done.fetch_add(1, Ordering::SeqCst) + 1, count);
                        // The receiver is gone once something failed: stop.
                        if made.send((i, file.name, bytes)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(made);
            // Files made out of order wait here for those before them.
            let mut waiting: BTreeMap<usize, (String, Made)> = BTreeMap::new();
            let mut first = 0;
            for (i, name, bytes) in arrived {
                waiting.insert(i, (name, bytes));
                while let Some((name, bytes)) = waiting.remove(&first) {
                    first += 1;
                    if let Err(err) = bytes.map_err(Error::Render).and_then(|b| sink(&name, b).map_err(Error::Write)) {
                        // No worker starts another file; the one in hand ends unheard.
                        next.store(count, Ordering::SeqCst);
                        return Err(err);
                    }
                }
            }
            Ok(())
        })
    }

    /// `template` laid out with `data` and written in `format`: a long
    /// list in parts, any other document whole.
    fn layout(
        &self,
        template: &str,
        data: Arc<[u8]>,
        format: Format,
        attachment: &Seal,
    ) -> Result<crate::engine::Output, crate::engine::RenderError> {
        match crate::kinds::in_parts(template, &data, self.part_lines) {
            Some(parts) => {
                // The parts hold what they print of the view: not held twice while laid out.
                drop(data);
                self.engine.render_in_parts(template, &parts, self.part_lines, format, attachment)
            }
            None => self.engine.render_as(template, &data, format, attachment),
        }
    }

    /// What a PDF is made from, as one hash: the same address, the same bytes.
    fn address(&self, template: &str, data: &[u8], format: Format, attachment: &Seal) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        let how = format!("{format:?} {}", self.part_lines);
        for part in [self.template_version().as_bytes(), template.as_bytes(), how.as_bytes()] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
        hash.update(Sha256::digest(data));
        hash.update(Sha256::digest(&attachment[..]));
        crate::hash::hex(&hash.finalize())
    }
}

/// What to make of an input: the format, the PDFs' flavour, where the
/// files of a submission made before are kept, and how many of its files
/// are made at once.
#[derive(Clone, Copy)]
pub struct Output<'a> {
    pub format: OutFormat,
    pub flavour: PdfFlavour,
    pub kept: Option<&'a dyn Kept>,
    /// 1 unless told: the service's pool hands out its free workers.
    pub threads: usize,
    /// Where `threads` came from, when they are lent.
    pub lent: Option<&'a dyn Lent>,
}

impl Output<'static> {
    /// One PDF (a ZIP for the kinds that make several files).
    pub fn pdf(flavour: PdfFlavour) -> Self {
        Output { format: OutFormat::Pdf, flavour, kept: None, threads: 1, lent: None }
    }

    /// A ZIP of the files.
    pub fn zip(flavour: PdfFlavour) -> Self {
        Output { format: OutFormat::Zip, flavour, kept: None, threads: 1, lent: None }
    }

    /// `format`, its PDFs with their data attached.
    pub fn of(format: OutFormat, flavour: PdfFlavour) -> Self {
        Output { format, flavour, kept: None, threads: 1, lent: None }
    }
}

impl<'a> Output<'a> {
    /// The same, the files made before taken from `kept`.
    pub fn kept_in(self, kept: &'a dyn Kept) -> Output<'a> {
        Output { kept: Some(kept), ..self }
    }

    /// The same, a submission's files made `threads` at a time.
    pub fn on_threads(self, threads: usize) -> Output<'a> {
        Output { threads: threads.max(1), ..self }
    }

    /// The same, on the workers `lent`, each but the first given back as
    /// soon as it is asked for.
    pub fn on_lent(self, lent: &'a dyn Lent) -> Output<'a> {
        Output { lent: Some(lent), ..self.on_threads(lent.threads()) }
    }
}

/// Workers lent to a submission by a pool that serves others too.
pub trait Lent: Sync {
    /// How many threads may make files now.
    fn threads(&self) -> usize;
    /// Whether one thread should stop and give its worker back, because
    /// another job waits for one.
    fn give_back(&self) -> bool;
}

/// Files made before, by address: what a store keeps so that a submission
/// made again after one cell changed makes only the files that depend on it.
pub trait Kept: Sync {
    fn get(&self, address: &str) -> Option<Vec<u8>>;
    fn put(&self, address: &str, bytes: &[u8]);
}

/// What a PDF carries inside, sealed (`attachment::seal`): shared, never
/// copied, by the caller and the PDF writer, which holds it until the end.
type Seal = Arc<[u8]>;

/// A document checked, not laid out yet: see [`Renderer::document`].
pub struct Document<'a> {
    output: Output<'a>,
    ready: Ready,
}

enum Ready {
    /// One PDF, or the preview of its first page.
    One { kind: Kind, prepared: Prepared, format: Format, seal: Seal },
    /// The files of a packet or a submission, in one ZIP.
    Zip(Submission),
    /// Nothing to lay out: the reconciliation as JSON.
    Made(Rendered),
}

/// The files of a kind that makes several, checked, not made yet.
pub struct Submission {
    kind: Kind,
    format: Format,
    /// The submission's name, for its ZIP or folder.
    pub name: String,
    /// What it is about: the cell, committee or Board.
    pub subject: String,
    pub warnings: Vec<InputError>,
    files: Vec<File>,
    /// What the PDFs of each part of the input carry.
    sealed: HashMap<Part, Seal>,
}

impl Submission {
    /// The relative paths of its files, in order.
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|f| f.name.as_str())
    }
}

/// A file of a submission once made: its bytes, or why not.
type Made = Result<Vec<u8>, RenderError>;

/// Each problem with the name of the member it is about, if any.
fn about_members(input: &Value, problems: Vec<InputError>) -> Vec<InputError> {
    problems.into_iter().map(|problem| problem.about_member(input)).collect()
}
