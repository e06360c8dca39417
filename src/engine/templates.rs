//! The template folder: built into the binary, overridable file by file.

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
