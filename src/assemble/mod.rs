//! One input assembled from files, as committees and Boards keep them: a
//! JSON document whose `cells` or `committees` may name other files — a
//! cell's JSON or workbook, a committee's JSON, a PDF made by kttdv, a
//! folder or ZIP of them — read relative to the file that names them.
//! Problems found later are reported in the file, and the sheet cell, they
//! came from.
//!
//! What a name may reach is its part's [`Scope`]: anything on the command
//! line, only the request's own uploads in the service, nothing at all in a
//! JSON body or in the data read out of a PDF. No file includes itself.

mod include;
mod scope;

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use self::include::{Included, is_pdf};
use self::scope::{Chain, Scope};
use crate::attachment;
use crate::input::{self, Code, InputError, JsonPath, Place};
use crate::sheet::{self, Imported};

/// The assembled input, and where each part of it came from.
pub struct Assembled {
    pub value: Value,
    sources: Vec<Source>,
    /// Found while reading the files: a PDF whose data no signature covers.
    warnings: Vec<InputError>,
}

/// A part of the input read from its own file.
struct Source {
    /// Where the part sits in the assembled input.
    at: JsonPath,
    /// None for the file given on the command line.
    file: Option<String>,
    form: Form,
}

/// What a part was read from: its own JSON, or a workbook that remembers
/// the sheet cell of each value.
enum Form {
    Json,
    Sheet(Imported),
    Roll(sheet::ImportedList),
}

/// The lists whose items may name files.
const INCLUDES: [&str; 2] = ["committees", "cells"];

/// Where a part of the input is being read: the folder its names are read
/// from, what they may reach, and the files that led to it.
#[derive(Clone)]
struct Frame {
    base: PathBuf,
    scope: Scope,
    chain: Chain,
    /// The included file being read, and where it sits in the whole input;
    /// None for the document given.
    inside: Option<(String, JsonPath)>,
}

impl Frame {
    /// A problem with the item at `at`, named in the file that holds it.
    fn problem(&self, code: Code, at: JsonPath, message: String) -> InputError {
        match &self.inside {
            None => InputError::new(code, at, message),
            Some((file, root)) => {
                let mut problem = InputError::new(code, at.strip_prefix(root).unwrap_or(at), message);
                problem.file = Some(file.clone());
                problem
            }
        }
    }
}

/// The work of one assembly: what it found, and whom it tells of each file.
struct Reading<'a> {
    sources: Vec<Source>,
    problems: Vec<InputError>,
    warnings: Vec<InputError>,
    reading: &'a dyn Fn(&str),
}

impl Assembled {
    /// Reads `path` (`-` for standard input): JSON, or a cell's workbook
    /// with its details in `cell_options`. `reading` is told each file read.
    pub fn read(path: &Path, cell_options: &[String], reading: &dyn Fn(&str)) -> Result<Self, Vec<InputError>> {
        Self::read_listing(path, cell_options, &[], reading)
    }

    /// Like [`read`](Self::read), with the files in `listed` in place of
    /// the JSON document's list of the same key (`cells`, `committees`),
    /// named relative to the working folder: a committee names the PDFs it
    /// received on the command line instead of in its file.
    pub fn read_listing(
        path: &Path,
        cell_options: &[String],
        listed: &[(&str, &[PathBuf])],
        reading: &dyn Fn(&str),
    ) -> Result<Self, Vec<InputError>> {
        let name = path.display().to_string();
        if sheet::is_spreadsheet(path) {
            return Self::read_sheet(path, cell_options);
        }
        if path.extension().is_some_and(is_pdf) {
            return Self::read_pdf(path, &name);
        }
        Self::read_json(path, &name, Scope::Anywhere, listed, reading)
    }

    /// Reads a request's upload: `file` among the files uploaded into
    /// `folder`, whose names may lead only to those files. Problems name
    /// files as they were uploaded, never by where the server keeps them.
    pub fn read_upload(folder: &Path, file: &Path, cell_options: &[String]) -> Result<Self, Vec<InputError>> {
        let root = folder.canonicalize().map_err(|e| {
            vec![InputError::new(Code::UnreadableFile, JsonPath::root(), format!("không mở được tệp gửi lên: {e}"))]
        })?;
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if sheet::is_spreadsheet(file) {
            return Self::read_sheet(file, cell_options);
        }
        if file.extension().is_some_and(is_pdf) {
            return Self::read_pdf(file, &name);
        }
        Self::read_json(file, &name, Scope::Within(root), &[], &|_| {})
    }

    /// An input given whole, as a request's JSON body: it names no file.
    pub fn from_value(mut value: Value) -> Result<Self, Vec<InputError>> {
        let mut work = Reading { sources: Vec::new(), problems: Vec::new(), warnings: Vec::new(), reading: &|_| {} };
        let frame = Frame { base: PathBuf::new(), scope: Scope::Nowhere, chain: Chain::default(), inside: None };
        work.expand(&mut value, &frame, &JsonPath::root());
        work.refuse_roll_file(&value, &frame);
        work.finish(value)
    }

    /// The sheet row of each member of a roster read from a workbook.
    pub fn member_rows(&self) -> Option<&[u32]> {
        match &self.sources.first()?.form {
            Form::Sheet(imported) => Some(imported.member_rows()),
            _ => None,
        }
    }

    /// The input a PDF made by kttdv carries: a cell opening its own packet
    /// again. A name in that data is never followed.
    fn read_pdf(path: &Path, name: &str) -> Result<Self, Vec<InputError>> {
        let tag = |mut e: InputError| {
            e.file = Some(name.to_owned());
            vec![e]
        };
        let bytes = std::fs::read(path).map_err(|e| {
            tag(InputError::new(Code::UnreadableFile, JsonPath::root(), format!("không đọc được: {e}")))
        })?;
        let mut value = attachment::extract(&bytes).map_err(tag)?.input;
        let mut work = Reading { sources: Vec::new(), problems: Vec::new(), warnings: Vec::new(), reading: &|_| {} };
        let frame = Frame { base: PathBuf::new(), scope: Scope::Nowhere, chain: Chain::default(), inside: None };
        work.expand(&mut value, &frame, &JsonPath::root());
        work.finish(value)
    }

    fn read_sheet(path: &Path, cell_options: &[String]) -> Result<Self, Vec<InputError>> {
        let imported = sheet::read(path, cell_options)?;
        let value = imported.roster.clone();
        let warnings = imported.warnings.clone();
        let source = Source { at: JsonPath::root(), file: None, form: Form::Sheet(imported) };
        Ok(Self { value, sources: vec![source], warnings })
    }

    fn read_json(
        path: &Path,
        name: &str,
        scope: Scope,
        listed: &[(&str, &[PathBuf])],
        reading: &dyn Fn(&str),
    ) -> Result<Self, Vec<InputError>> {
        let mut value = read_data(path, name).map_err(|e| vec![e])?;
        let mut work = Reading { sources: Vec::new(), problems: Vec::new(), warnings: Vec::new(), reading };
        let chain = Chain::default()
            .enter(path, name)
            .map_err(|r| vec![InputError::new(r.code(), JsonPath::root(), r.message(name))])?;
        // Expanded apart, relative to the working folder, then put in place.
        let mut named = serde_json::Map::new();
        for (key, files) in listed {
            let files = files.iter().map(|f| Value::String(f.display().to_string())).collect();
            named.insert((*key).to_owned(), Value::Array(files));
        }
        let mut named = Value::Object(named);
        let here = Frame { base: PathBuf::new(), scope: scope.clone(), chain: chain.clone(), inside: None };
        work.expand(&mut named, &here, &JsonPath::root());
        if let (Value::Object(map), Value::Object(named)) = (&mut value, &named) {
            map.retain(|key, _| !named.contains_key(key));
        }
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let frame = Frame { base, scope, chain, inside: None };
        work.expand(&mut value, &frame, &JsonPath::root());
        if let (Value::Object(map), Value::Object(named)) = (&mut value, named) {
            map.extend(named);
        }
        if let Some(roll) = value.get("roll").and_then(Value::as_str).map(str::to_owned) {
            (work.reading)(&roll);
            match frame.scope.resolve(&frame.base, &roll) {
                Ok(file) => {
                    let sources = std::mem::take(&mut work.sources);
                    let mut assembled = Self { value, sources, warnings: Vec::new() };
                    if let Err(found) = assembled.add_roll_named(&file, &roll) {
                        work.problems.extend(found);
                    }
                    work.sources = assembled.sources;
                    value = assembled.value;
                }
                Err(refused) => {
                    work.problems.push(frame.problem(
                        refused.code(),
                        JsonPath::root().key("roll"),
                        refused.message(&roll),
                    ));
                }
            }
        }
        work.finish(value)
    }

    /// Puts the roll the Board manages (JSON, XLSX, ODS, XLS or CSV) into
    /// the input as `roll`, in place of any there.
    pub fn add_roll(&mut self, path: &Path) -> Result<(), Vec<InputError>> {
        self.add_roll_named(path, &path.display().to_string())
    }

    /// As [`add_roll`](Self::add_roll), its problems naming the file `name`
    /// (an upload's name as its sender had it, not where it is kept).
    pub fn add_roll_named(&mut self, path: &Path, name: &str) -> Result<(), Vec<InputError>> {
        let at = JsonPath::root().key("roll");
        let file = Some(name.to_owned());
        let tag = |mut e: InputError| {
            e.file = file.clone();
            e
        };
        let (roll, form) = if sheet::is_spreadsheet(path) {
            let imported = sheet::read_roll(path).map_err(|found| found.into_iter().map(tag).collect::<Vec<_>>())?;
            (imported.entries.clone(), Form::Roll(imported))
        } else {
            let read = read_text(path, name).and_then(|text| input::read_json(&text));
            (read.map_err(|e| vec![tag(e)])?, Form::Json)
        };
        match &mut self.value {
            Value::Object(map) => _ = map.insert("roll".into(), roll),
            _ => {
                return Err(vec![InputError::new(Code::WrongType, JsonPath::root(), "cần một đối tượng JSON ({ … })")]);
            }
        }
        self.sources.push(Source { at, file, form });
        Ok(())
    }

    /// The warnings of a check or render placed in the files they came
    /// from, after those found reading the files.
    pub fn warnings(&self, found: Vec<InputError>) -> Vec<InputError> {
        let mut all = self.warnings.clone();
        all.extend(self.relocate(found));
        all
    }

    /// Names each problem by the file, and the sheet cell, its value came from.
    pub fn relocate(&self, problems: Vec<InputError>) -> Vec<InputError> {
        problems.into_iter().map(|problem| self.relocate_one(problem)).collect()
    }

    fn relocate_one(&self, problem: InputError) -> InputError {
        let Place::Json { path } = &problem.place else { return problem };
        // The innermost source holding the path.
        let Some((source, rest)) =
            self.sources.iter().rev().find_map(|s| path.strip_prefix(&s.at).map(|rest| (s, rest)))
        else {
            return problem;
        };
        let inner = InputError { place: Place::Json { path: rest }, ..problem };
        let mut relocated = match &source.form {
            Form::Json => inner,
            Form::Sheet(imported) => imported.relocate(vec![inner]).remove(0),
            Form::Roll(imported) => imported.relocate(inner),
        };
        relocated.file = source.file.clone();
        relocated
    }
}

impl Reading<'_> {
    fn finish(self, value: Value) -> Result<Assembled, Vec<InputError>> {
        let mut sources = vec![Source { at: JsonPath::root(), file: None, form: Form::Json }];
        sources.extend(self.sources);
        if self.problems.is_empty() {
            Ok(Assembled { value, sources, warnings: self.warnings })
        } else {
            Err(self.problems)
        }
    }

    /// A JSON body's `roll` cannot name a file either.
    fn refuse_roll_file(&mut self, value: &Value, frame: &Frame) {
        if let Some(roll) = value.get("roll").and_then(Value::as_str)
            && let Err(refused) = frame.scope.resolve(&frame.base, roll)
        {
            self.problems.push(frame.problem(refused.code(), JsonPath::root().key("roll"), refused.message(roll)));
        }
    }

    /// Replaces each item of `cells` and `committees` that names a file by
    /// what the file holds, recursively.
    fn expand(&mut self, value: &mut Value, frame: &Frame, at: &JsonPath) {
        let Value::Object(map) = value else { return };
        for key in INCLUDES {
            let Some(Value::Array(items)) = map.get_mut(key) else { continue };
            let mut expanded = Vec::with_capacity(items.len());
            for (i, item) in std::mem::take(items).into_iter().enumerate() {
                let Value::String(name) = &item else {
                    let mut item = item;
                    self.expand(&mut item, frame, &at.key(key).index(expanded.len()));
                    expanded.push(item);
                    continue;
                };
                let item = at.key(key).index(i);
                let path = match frame.scope.resolve(&frame.base, name) {
                    Ok(path) => path,
                    Err(refused) => {
                        self.problems.push(frame.problem(refused.code(), item, refused.message(name)));
                        continue;
                    }
                };
                let included = match Included::open(&path, name) {
                    Ok(included) => included,
                    Err(err) => {
                        let code = if Included::is_size_limit(&err) { Code::TooLarge } else { Code::UnreadableFile };
                        self.problems.push(frame.problem(code, item, format!("không đọc được «{name}»: {err}")));
                        continue;
                    }
                };
                // The entries of a ZIP name only each other.
                let scope = match &included.unpacked {
                    Some(folder) => match folder.path().canonicalize() {
                        Ok(root) => Scope::Within(root),
                        Err(_) => Scope::Nowhere,
                    },
                    None => frame.scope.clone(),
                };
                for (name, file) in &included.files {
                    let here = at.key(key).index(expanded.len());
                    let inner = match frame.chain.enter(file, name) {
                        Ok(chain) => Frame {
                            base: file.parent().map(Path::to_path_buf).unwrap_or_default(),
                            scope: scope.clone(),
                            chain,
                            inside: Some((name.clone(), here.clone())),
                        },
                        Err(refused) => {
                            self.problems.push(frame.problem(refused.code(), item.clone(), refused.message(name)));
                            expanded.push(Value::Null);
                            continue;
                        }
                    };
                    expanded.push(self.include(name, file, &inner, &here));
                }
            }
            map.insert(key.to_owned(), Value::Array(expanded));
        }
    }

    /// One included file: a cell's workbook, a PDF's data, or a JSON
    /// document that may include files in turn.
    fn include(&mut self, name: &str, file: &Path, frame: &Frame, at: &JsonPath) -> Value {
        let name = name.to_owned();
        (self.reading)(&name);
        let tag = |mut e: InputError| {
            e.file = Some(name.clone());
            e
        };
        if sheet::is_spreadsheet(file) {
            return match sheet::read(file, &[]) {
                Ok(imported) => {
                    let value = imported.roster.clone();
                    self.warnings.extend(imported.warnings.iter().cloned().map(tag));
                    self.sources.push(Source { at: at.clone(), file: Some(name), form: Form::Sheet(imported) });
                    value
                }
                Err(found) => {
                    self.problems.extend(found.into_iter().map(tag));
                    Value::Null
                }
            };
        }
        let from_pdf = file.extension().is_some_and(is_pdf);
        let read = if from_pdf {
            // A cell's or committee's PDF made by kttdv carries its input.
            std::fs::read(file)
                .map_err(|e| InputError::new(Code::UnreadableFile, JsonPath::root(), e.to_string()))
                .and_then(|bytes| attachment::extract(&bytes))
                .map(|attached| {
                    self.warnings.extend(attached.signing.warning().map(tag));
                    attached.input
                })
        } else {
            read_data(file, &name)
        };
        let mut value = match read {
            Ok(value) => value,
            Err(e) => {
                self.problems.push(tag(e));
                return Value::Null;
            }
        };
        self.sources.push(Source { at: at.clone(), file: Some(name), form: Form::Json });
        // A PDF's data was made whole; a name in it is never followed.
        let frame = if from_pdf { Frame { scope: Scope::Nowhere, ..frame.clone() } } else { frame.clone() };
        self.expand(&mut value, &frame, at);
        value
    }
}

/// A JSON file's data, named in a problem by `name`. A file that is not
/// JSON and not named so (a letter, a picture, a Word file sent by mistake)
/// is said to be none of what kttdv reads, rather than bad JSON.
fn read_data(path: &Path, name: &str) -> Result<Value, InputError> {
    let read = read_text(path, name).and_then(|text| input::read_json(&text));
    let named_json = path == Path::new("-") || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    match read {
        Err(_) if !named_json => Err(InputError::new(
            Code::UnreadableFile,
            JsonPath::root(),
            format!(
                "«{name}» không phải tệp kttdv đọc được: hãy gửi bảng tính danh sách đảng viên (.xlsx, .xls, .ods, \
                 .csv), PDF do kttdv xuất hoặc tệp dữ liệu .json"
            ),
        )),
        read => read,
    }
}

/// A file's text, named in a problem by `name` (as the user gave it).
fn read_text(path: &Path, name: &str) -> Result<String, InputError> {
    let mut text = String::new();
    let result = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    result.map_err(|err| {
        let why = match err.kind() {
            std::io::ErrorKind::NotFound => "không có tệp này".to_owned(),
            std::io::ErrorKind::InvalidData => "không phải văn bản UTF-8".to_owned(),
            _ => err.to_string(),
        };
        InputError::new(Code::UnreadableFile, JsonPath::root(), format!("không đọc được «{name}»: {why}"))
    })?;
    Ok(text)
}
