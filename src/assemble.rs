//! One input assembled from files, as committees and Boards keep them: a
//! JSON document whose `cells` or `committees` may name other files — a
//! cell's JSON or workbook, a committee's JSON, a folder or ZIP of them —
//! read relative to the file that names them. Problems found later are
//! reported in the file, and the sheet cell, they came from.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::attachment;
use crate::input::{self, Code, InputError, JsonPath, Place};
use crate::sheet::{self, Imported};

/// The assembled input, and where each part of it came from.
pub struct Assembled {
    pub value: Value,
    sources: Vec<Source>,
    /// When set, only files below this folder may be named (the service
    /// reads the files uploaded with a request and nothing else).
    confine: Option<PathBuf>,
}

/// A part of the input read from its own file.
struct Source {
    /// Where the part sits in the assembled input.
    at: JsonPath,
    /// None for the file given on the command line.
    file: Option<String>,
    origin: Origin,
}

enum Origin {
    Json,
    Sheet(Imported),
    Roll(sheet::ImportedRoll),
}

/// The lists whose items may name files.
const INCLUDES: [&str; 2] = ["committees", "cells"];

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
        if sheet::is_spreadsheet(path) {
            let imported = sheet::read(path, cell_options)?;
            let value = imported.roster.clone();
            let source = Source { at: JsonPath::root(), file: None, origin: Origin::Sheet(imported) };
            return Ok(Self { value, sources: vec![source], confine: None });
        }
        Self::read_json(path, None, listed, reading)
    }

    /// Reads a JSON document that may name only files in its own folder:
    /// the service's way, where those are the files uploaded with it.
    pub fn read_confined(path: &Path) -> Result<Self, Vec<InputError>> {
        let folder = path.parent().and_then(|p| p.canonicalize().ok());
        Self::read_json(path, folder, &[], &|_| {})
    }

    /// An input given whole, naming no file.
    pub fn from_value(value: Value) -> Self {
        Self { value, sources: vec![Source { at: JsonPath::root(), file: None, origin: Origin::Json }], confine: None }
    }

    /// The sheet row of each member of a roster read from a workbook.
    pub fn member_rows(&self) -> Option<&[u32]> {
        match &self.sources.first()?.origin {
            Origin::Sheet(imported) => Some(imported.member_rows()),
            _ => None,
        }
    }

    fn read_json(
        path: &Path,
        confine: Option<PathBuf>,
        listed: &[(&str, &[PathBuf])],
        reading: &dyn Fn(&str),
    ) -> Result<Self, Vec<InputError>> {
        let mut value = read_text(path).and_then(|text| input::read_json(&text)).map_err(|e| vec![e])?;
        let mut assembled = Self {
            value: Value::Null,
            sources: vec![Source { at: JsonPath::root(), file: None, origin: Origin::Json }],
            confine,
        };
        let mut problems = Vec::new();
        // Expanded apart, relative to the working folder, then put in place.
        let mut named = serde_json::Map::new();
        for (key, files) in listed {
            let files = files.iter().map(|f| Value::String(f.display().to_string())).collect();
            named.insert((*key).to_owned(), Value::Array(files));
        }
        let mut named = Value::Object(named);
        assembled.expand(&mut named, Path::new(""), &JsonPath::root(), reading, &mut problems);
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if let (Value::Object(map), Value::Object(named)) = (&mut value, &named) {
            map.retain(|key, _| !named.contains_key(key));
        }
        assembled.expand(&mut value, &base, &JsonPath::root(), reading, &mut problems);
        if let (Value::Object(map), Value::Object(named)) = (&mut value, named) {
            map.extend(named);
        }
        let roll = value.get("roll").and_then(Value::as_str).map(str::to_owned);
        assembled.value = value;
        if let Some(name) = roll {
            reading(&name);
            let added = assembled.allowed(&base.join(&name)).map_err(|err| {
                let message = format!("không đọc được «{name}»: {err}");
                vec![InputError::new(Code::UnreadableFile, JsonPath::root().key("roll"), message)]
            });
            if let Err(found) = added.and_then(|path| assembled.add_roll(&path)) {
                problems.extend(found);
            }
        }
        if problems.is_empty() { Ok(assembled) } else { Err(problems) }
    }

    /// Puts the roll the Board manages (JSON, XLSX, ODS, XLS or CSV) into
    /// the input as `roll`, in place of any there.
    pub fn add_roll(&mut self, path: &Path) -> Result<(), Vec<InputError>> {
        let at = JsonPath::root().key("roll");
        let file = Some(path.display().to_string());
        let tag = |mut e: InputError| {
            e.file = file.clone();
            e
        };
        let (roll, origin) = if sheet::is_spreadsheet(path) {
            let imported = sheet::read_roll(path).map_err(|found| found.into_iter().map(tag).collect::<Vec<_>>())?;
            (imported.entries.clone(), Origin::Roll(imported))
        } else {
            let read = read_text(path).and_then(|text| input::read_json(&text));
            (read.map_err(|e| vec![tag(e)])?, Origin::Json)
        };
        match &mut self.value {
            Value::Object(map) => _ = map.insert("roll".into(), roll),
            _ => {
                return Err(vec![InputError::new(Code::WrongType, JsonPath::root(), "cần một đối tượng JSON ({ … })")]);
            }
        }
        self.sources.push(Source { at, file, origin });
        Ok(())
    }

    /// `path`, unless the input is confined to a folder it lies outside of.
    fn allowed(&self, path: &Path) -> Result<PathBuf, String> {
        match &self.confine {
            None => Ok(path.to_path_buf()),
            Some(folder) => match path.canonicalize() {
                Ok(real) if real.starts_with(folder) => Ok(real),
                _ => Err("chỉ đọc được các tệp gửi kèm".into()),
            },
        }
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
        let mut relocated = match &source.origin {
            Origin::Json => inner,
            Origin::Sheet(imported) => imported.relocate(vec![inner]).remove(0),
            Origin::Roll(imported) => imported.relocate(inner),
        };
        relocated.file = source.file.clone();
        relocated
    }

    /// Replaces each item of `cells` and `committees` that names a file by
    /// what the file holds, recursively.
    fn expand(
        &mut self,
        value: &mut Value,
        base: &Path,
        at: &JsonPath,
        reading: &dyn Fn(&str),
        problems: &mut Vec<InputError>,
    ) {
        let Value::Object(map) = value else { return };
        for key in INCLUDES {
            let Some(Value::Array(items)) = map.get_mut(key) else { continue };
            let mut expanded = Vec::with_capacity(items.len());
            for (i, item) in std::mem::take(items).into_iter().enumerate() {
                let Value::String(name) = &item else {
                    let mut item = item;
                    self.expand(&mut item, base, &at.key(key).index(expanded.len()), reading, problems);
                    expanded.push(item);
                    continue;
                };
                let included = match self.allowed(&base.join(name)).and_then(|path| Included::open(&path, name)) {
                    Ok(included) => included,
                    Err(err) => {
                        let message = format!("không đọc được «{name}»: {err}");
                        problems.push(InputError::new(Code::UnreadableFile, at.key(key).index(i), message));
                        continue;
                    }
                };
                for (name, file) in &included.files {
                    let here = at.key(key).index(expanded.len());
                    expanded.push(self.include(name, file, &here, reading, problems));
                }
            }
            map.insert(key.to_owned(), Value::Array(expanded));
        }
    }

    /// One included file: a cell's workbook, or a JSON document that may
    /// include files in turn.
    fn include(
        &mut self,
        name: &str,
        file: &Path,
        at: &JsonPath,
        reading: &dyn Fn(&str),
        problems: &mut Vec<InputError>,
    ) -> Value {
        let name = name.to_owned();
        reading(&name);
        let tag = |mut e: InputError| {
            e.file = Some(name.clone());
            e
        };
        if sheet::is_spreadsheet(file) {
            return match sheet::read(file, &[]) {
                Ok(imported) => {
                    let value = imported.roster.clone();
                    self.sources.push(Source { at: at.clone(), file: Some(name), origin: Origin::Sheet(imported) });
                    value
                }
                Err(found) => {
                    problems.extend(found.into_iter().map(tag));
                    Value::Null
                }
            };
        }
        let read = if file.extension().is_some_and(is_pdf) {
            // A cell's or committee's PDF made by kttdv carries its input.
            std::fs::read(file)
                .map_err(|e| InputError::new(Code::UnreadableFile, JsonPath::root(), e.to_string()))
                .and_then(|bytes| attachment::extract(&bytes))
                .map(|attached| attached.input)
        } else {
            read_text(file).and_then(|text| input::read_json(&text))
        };
        let mut value = match read {
            Ok(value) => value,
            Err(e) => {
                problems.push(tag(e));
                return Value::Null;
            }
        };
        self.sources.push(Source { at: at.clone(), file: Some(name), origin: Origin::Json });
        let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
        self.expand(&mut value, &base, at, reading, problems);
        value
    }
}

fn is_pdf(extension: &std::ffi::OsStr) -> bool {
    extension.eq_ignore_ascii_case("pdf")
}

/// The files a name stands for, each with the name to report it by:
/// itself, the inputs in a folder (sorted), or the inputs in a ZIP,
/// unpacked to a temporary folder that lasts as long as this.
struct Included {
    files: Vec<(String, PathBuf)>,
    _unpacked: Option<tempfile::TempDir>,
}

impl Included {
    fn open(path: &Path, name: &str) -> Result<Self, String> {
        let is_input = |p: &Path| {
            sheet::is_spreadsheet(p) || p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json") || is_pdf(e))
        };
        let named = |file: PathBuf| {
            let inner = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (format!("{}/{inner}", name.trim_end_matches('/')), file)
        };
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| e.to_string())?
                .filter_map(|entry| Some(entry.ok()?.path()))
                .filter(|p| p.is_file() && is_input(p))
                .collect();
            files.sort();
            return Ok(Self { files: files.into_iter().map(named).collect(), _unpacked: None });
        }
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
            let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
            let mut archive = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
            let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
            let mut files = Vec::new();
            for i in 0..archive.len() {
                let mut entry = archive.by_index(i).map_err(|e| e.to_string())?;
                let Some(inner) = entry.enclosed_name().and_then(|n| n.file_name().map(PathBuf::from)) else {
                    continue;
                };
                if entry.is_dir() || !is_input(&inner) {
                    continue;
                }
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
                let target = folder.path().join(&inner);
                std::fs::write(&target, bytes).map_err(|e| e.to_string())?;
                files.push(target);
            }
            files.sort();
            return Ok(Self { files: files.into_iter().map(named).collect(), _unpacked: Some(folder) });
        }
        if path.is_file() {
            Ok(Self { files: vec![(name.to_owned(), path.to_path_buf())], _unpacked: None })
        } else {
            Err("không có tệp hoặc thư mục này".into())
        }
    }
}

fn read_text(path: &Path) -> Result<String, InputError> {
    let mut text = String::new();
    let result = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    result.map_err(|err| {
        InputError::new(Code::UnreadableFile, JsonPath::root(), format!("không đọc được {}: {err}", path.display()))
    })?;
    Ok(text)
}
