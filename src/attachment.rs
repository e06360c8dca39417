//! The data a PDF carries inside (PDF/A-3b): the input it was made from,
//! with the kind, the template version and a SHA-256 of the input, so that
//! the level above reads the data instead of retyping it, and can tell when
//! it was changed.

use hayro_syntax::Filter;
use hayro_syntax::object::{Array, Dict, Object, Stream};
use hayro_syntax::{LoadPdfError, Pdf};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::input::{Code, InputError, JsonPath};

/// The attached file's name inside the PDF.
pub const FILE_NAME: &str = "kttdv-du-lieu.json";

/// Largest attached data read back: a whole Bloc's input is ~5 MiB.
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
pub struct Attached {
    pub kind: String,
    pub template_version: String,
    /// Of the input serialised compactly, keys sorted.
    pub sha256: String,
    pub input: Value,
    /// What the PDF's signatures say; not part of what is attached.
    #[serde(skip)]
    pub signing: crate::signature::Signing,
}

fn digest(input: &Value) -> String {
    let bytes = serde_json::to_vec(input).expect("JSON serialises");
    crate::hash::sha256(&bytes)
}

/// What [`seal`] writes: [`Attached`]'s fields, the input borrowed rather
/// than cloned (a province's input is 57 MB as a tree of values).
#[derive(Serialize)]
struct Sealing<'a> {
    kind: &'a str,
    template_version: &'a str,
    sha256: String,
    input: &'a Value,
}

/// The attachment for a document of `kind` made from `input`: compact JSON,
/// for it is held while the document is laid out (a province's input is
/// 15 MB compact, 27 MB indented) and read by programs; `kttdv extract`
/// indents it for people.
pub fn seal(kind: &str, input: &Value, template_version: &str) -> Vec<u8> {
    let sealing = Sealing { kind, template_version, sha256: digest(input), input };
    serde_json::to_vec(&sealing).expect("JSON serialises")
}

/// The input a kttdv PDF carries, checked against its hash. Signed PDFs
/// read the same: signing appends to a PDF, it does not change what is in it.
pub fn extract(pdf: &[u8]) -> Result<Attached, InputError> {
    let fail = |code, message: String| InputError::new(code, JsonPath::root(), message);
    let document = Pdf::new(pdf.to_vec()).map_err(|e| {
        let why = match e {
            LoadPdfError::Decryption(_) => "PDF đã được mã hóa",
            LoadPdfError::Invalid => "tệp hỏng hoặc không phải PDF",
        };
        fail(Code::UnreadableFile, format!("không đọc được tệp PDF: {why}"))
    })?;
    let file = attached_file(&document).ok_or_else(|| {
        fail(Code::NoAttachment, format!("PDF không mang dữ liệu ({FILE_NAME}); hãy xuất lại bằng kttdv với PDF/A-3b"))
    })?;
    let bytes = bounded_contents(&file).map_err(|(code, message)| fail(code, message))?;
    let mut attached: Attached = serde_json::from_slice(&bytes)
        .map_err(|e| fail(Code::TamperedAttachment, format!("dữ liệu trong PDF không đọc được: {e}")))?;
    if digest(&attached.input) != attached.sha256 {
        return Err(fail(
            Code::TamperedAttachment,
            "dữ liệu trong PDF đã bị sửa sau khi xuất (mã SHA-256 không khớp); không dùng được".into(),
        ));
    }
    attached.signing = crate::signature::signing(&document, pdf);
    Ok(attached)
}

/// The file's contents, expanded no further than [`MAX_BYTES`]: counted
/// while inflating, so a small PDF cannot expand into gigabytes.
fn bounded_contents(file: &Stream) -> Result<Vec<u8>, (Code, String)> {
    use std::io::Read;
    let raw = file.raw_data();
    let too_large = || (Code::TooLarge, format!("dữ liệu trong PDF lớn hơn {} MiB (giới hạn)", MAX_BYTES >> 20));
    let mut bytes = Vec::new();
    match file.filters().as_slice() {
        [] => bytes.extend_from_slice(&raw),
        [Filter::FlateDecode] => {
            let mut inflated = flate2::read::ZlibDecoder::new(raw.as_ref()).take(MAX_BYTES + 1);
            inflated
                .read_to_end(&mut bytes)
                .map_err(|e| (Code::UnreadableFile, format!("dữ liệu trong PDF không giải nén được: {e}")))?;
        }
        _ => return Err((Code::UnreadableFile, "dữ liệu trong PDF được nén theo cách kttdv không dùng".into())),
    }
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Our file among the PDF's associated or embedded files.
fn attached_file<'a>(document: &'a Pdf) -> Option<Stream<'a>> {
    let catalog: Dict = document.xref().get(document.xref().root_id())?;
    let mut specs: Vec<Dict> = Vec::new();
    if let Some(files) = catalog.get::<Array>(b"AF") {
        specs.extend(files.iter::<Dict>());
    }
    let embedded = catalog.get::<Dict>(b"Names").and_then(|names| names.get::<Dict>(b"EmbeddedFiles"));
    if let Some(pairs) = embedded.and_then(|tree| tree.get::<Array>(b"Names")) {
        specs.extend(pairs.iter::<Object>().skip(1).step_by(2).filter_map(Object::into_dict));
    }
    specs.into_iter().find_map(|spec| {
        let name = spec.get::<hayro_syntax::object::String>(b"UF").or_else(|| spec.get(b"F"))?;
        if name.as_bytes() != FILE_NAME.as_bytes() {
            return None;
        }
        spec.get::<Dict>(b"EF")?.get::<Stream>(b"F")
    })
}
