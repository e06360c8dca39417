//! A PDF's signatures: whether each holds — its byte range is the file but
//! its own value, its CMS value signs those bytes with its certificate's
//! key (`cms`) — and what a signing tool added to a document kttdv made
//! (`revisions`). The certificate's chain to a trusted root is the
//! government's tools' to check, not kttdv's (README, "Signed originals").

mod cms;
mod revisions;

use hayro_syntax::Pdf;
use hayro_syntax::object::{Array, Dict, Number};

pub use self::revisions::{Change, added_to};
use crate::input::{Code, InputError, JsonPath};

/// What a PDF's signatures say of it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub enum Signing {
    #[default]
    Unsigned,
    /// The last signature covers the whole file but its own value, and
    /// every signature holds; who signed last (their certificate's subject).
    Signed { signer: String },
    /// Every signature holds, but bytes were added after the last one:
    /// they may change what it signed.
    ChangedAfterSigning,
    /// A signature that does not hold, and why.
    Invalid(String),
}

impl Signing {
    /// The warning a roll-up reads from a PDF with this signing, if any.
    pub fn warning(&self) -> Option<InputError> {
        let (code, message) = match self {
            Signing::Signed { .. } => return None,
            Signing::Unsigned => (
                Code::UnsignedData,
                "PDF chưa được ký số: dữ liệu bên trong chỉ được kiểm tra mã SHA-256, không chứng minh ai đã lập"
                    .into(),
            ),
            Signing::ChangedAfterSigning => (
                Code::ChangedAfterSigning,
                "PDF đã được ký số rồi bị thêm nội dung sau chữ ký: dữ liệu bên trong có thể đã bị thay".into(),
            ),
            Signing::Invalid(why) => (Code::BadSignature, format!("chữ ký số trong PDF không hợp lệ: {why}")),
        };
        Some(InputError::new(code, JsonPath::root(), message))
    }
}

/// What the signatures of `document` (whose bytes are `pdf`) say of it.
pub fn signing(document: &Pdf, pdf: &[u8]) -> Signing {
    let mut last: Option<(usize, String)> = None;
    for (range, value) in signatures(document) {
        match check(pdf, &range, &value) {
            Ok((end, signer)) => {
                if last.as_ref().is_none_or(|(furthest, _)| end > *furthest) {
                    last = Some((end, signer));
                }
            }
            Err(why) => return Signing::Invalid(why.to_owned()),
        }
    }
    match last {
        None => Signing::Unsigned,
        Some((end, signer)) if end == pdf.len() => Signing::Signed { signer },
        Some(_) => Signing::ChangedAfterSigning,
    }
}

/// The byte range and value of every signature the document's form holds
/// (its fields and their kids, a few levels deep).
fn signatures(document: &Pdf) -> Vec<(Vec<i64>, Vec<u8>)> {
    let catalog: Option<Dict> = document.xref().get(document.xref().root_id());
    let fields = catalog.and_then(|c| c.get::<Dict>(b"AcroForm")).and_then(|form| form.get::<Array>(b"Fields"));
    let mut found = Vec::new();
    let mut pending: Vec<(Dict, usize)> = fields.iter().flat_map(|f| f.iter::<Dict>()).map(|d| (d, 0)).collect();
    while let Some((field, depth)) = pending.pop() {
        if let Some(value) = field.get::<Dict>(b"V") {
            let range = value.get::<Array>(b"ByteRange");
            let contents = value.get::<hayro_syntax::object::String>(b"Contents");
            if let (Some(range), Some(contents)) = (range, contents) {
                found.push((range.iter::<Number>().map(|n| n.as_i64()).collect(), contents.as_bytes().to_vec()));
            }
        }
        if depth < 4 {
            pending.extend(field.get::<Array>(b"Kids").iter().flat_map(|k| k.iter::<Dict>()).map(|d| (d, depth + 1)));
        }
    }
    found
}

/// Checks one signature: its byte range starts the file and leaves out
/// exactly its own value, written as a hex string, and ends where a
/// revision of the file ends; its value signs those bytes. Where its range
/// ends, and who signed.
fn check(pdf: &[u8], range: &[i64], value: &[u8]) -> Result<(usize, String), &'static str> {
    let misplaced = "vùng được ký không khớp vị trí giá trị chữ ký trong tệp";
    let [start, gap, after, rest] = range else { return Err(misplaced) };
    let (Ok(gap), Ok(after), Ok(rest)) = (usize::try_from(*gap), usize::try_from(*after), usize::try_from(*rest))
    else {
        return Err(misplaced);
    };
    let end = after.checked_add(rest).ok_or(misplaced)?;
    if *start != 0 || gap + 2 > after || end > pdf.len() {
        return Err(misplaced);
    }
    let hex = &pdf[gap..after];
    let written = hex.len() >= 2 && hex[0] == b'<' && hex[hex.len() - 1] == b'>';
    let inner = &hex[1..hex.len() - 1];
    if !written || !inner.len().is_multiple_of(2) || !inner.iter().all(u8::is_ascii_hexdigit) || decoded(inner) != value
    {
        return Err(misplaced);
    }
    if !pdf[..end].trim_ascii_end().ends_with(b"%%EOF") {
        return Err("vùng được ký không kết thúc ở cuối một lần lưu của tệp");
    }
    let signer = cms::verify(value, &[&pdf[..gap], &pdf[after..end]]).map_err(|cms::Invalid(why)| why)?;
    Ok((end, signer))
}

fn decoded(hex: &[u8]) -> Vec<u8> {
    let digit = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
    hex.chunks(2).map(|pair| digit(pair[0]) << 4 | digit(pair[1])).collect()
}
