//! The template folder: built into the binary, overridable file by file.
//! `shared/` holds the pieces every document uses (the frame, tables,
//! prose), `forms/` one layout per kind, each a `form(data)` function. The
//! entry a kind renders (`/mau-2.typ`) is made here, calling its form on
//! `/data.json`, unless an override folder gives one of its own.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use typst::foundations::Bytes;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};

use super::SetupError;

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/form-templates");

/// Every file a template may read, keyed by its path inside the folder.
/// Read once at start, so a render never touches the disk and a template
/// cannot reach anything outside this set.
pub struct TemplateSet {
    files: HashMap<FileId, Entry>,
    version: String,
}

struct Entry {
    bytes: Bytes,
    /// Parsed once for `.typ` files, so renders share the syntax tree.
    source: Option<Source>,
}

impl TemplateSet {
    pub fn load(override_dir: Option<&Path>) -> Result<Self, SetupError> {
        let mut raw: HashMap<String, Vec<u8>> = HashMap::new();
        collect_built_in(&BUILT_IN, &mut raw);
        if let Some(dir) = override_dir {
            if !dir.is_dir() {
                return Err(SetupError::NotADirectory(dir.to_path_buf()));
            }
            collect_dir(dir, dir, &mut raw)?;
        }
        add_entries(&mut raw);
        let mut sorted: Vec<(&String, &Vec<u8>)> = raw.iter().collect();
        sorted.sort();
        let version = format!("{:016x}", typst::utils::hash128(&sorted) as u64);
        let mut files = HashMap::new();
        for (path, data) in raw {
            let id = file_id(&path).ok_or_else(|| SetupError::BadTemplatePath(path.clone()))?;
            let source = if path.ends_with(".typ") {
                let text = String::from_utf8(data.clone()).map_err(|_| SetupError::TemplateNotUtf8(path.clone()))?;
                Some(Source::new(id, text))
            } else {
                None
            };
            files.insert(id, Entry { bytes: Bytes::new(data), source });
        }
        Ok(Self { files, version })
    }

    /// A hash of every template file's path and content: which templates
    /// made a document, overrides included.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn source(&self, id: FileId) -> Option<Source> {
        self.files.get(&id)?.source.clone()
    }

    pub fn bytes(&self, id: FileId) -> Option<Bytes> {
        Some(self.files.get(&id)?.bytes.clone())
    }

    pub fn contains(&self, id: FileId) -> bool {
        self.files.contains_key(&id)
    }
}

/// The id of a path inside the template folder (`/frame.typ`).
pub fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// The entry `/{form}.typ` of every `/forms/{form}.typ` that defines a
/// form, where no file of that name is there already.
fn add_entries(raw: &mut HashMap<String, Vec<u8>>) {
    let forms: Vec<String> = raw
        .iter()
        .filter(|(path, text)| path.starts_with("/forms/") && text.windows(10).any(|w| w == b"#let form("))
        .filter_map(|(path, _)| Some(path.strip_prefix("/forms/")?.strip_suffix(".typ")?.to_owned()))
        .collect();
    for form in forms {
        let entry = format!(
            "// Made by kttdv: the form on the render's data. Its layout is in forms/{form}.typ.\n\
             #import \"forms/{form}.typ\": form\n#form(json(\"/data.json\"))\n"
        );
        raw.entry(format!("/{form}.typ")).or_insert_with(|| entry.into_bytes());
    }
}

fn collect_built_in(dir: &Dir<'static>, out: &mut HashMap<String, Vec<u8>>) {
    for file in dir.files() {
        out.insert(slash_path(file.path()), file.contents().to_vec());
    }
    for sub in dir.dirs() {
        collect_built_in(sub, out);
    }
}

fn collect_dir(root: &Path, dir: &Path, out: &mut HashMap<String, Vec<u8>>) -> Result<(), SetupError> {
    let io = |path: &Path| {
        let path: PathBuf = path.to_path_buf();
        move |e| SetupError::Io(path, e)
    };
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_dir() {
            collect_dir(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).expect("walked below root");
            out.insert(slash_path(relative), std::fs::read(&path).map_err(io(&path))?);
        }
    }
    Ok(())
}

fn slash_path(relative: &Path) -> String {
    let parts: Vec<_> = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    format!("/{}", parts.join("/"))
}
