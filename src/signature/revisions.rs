//! What a signing tool added to a document kttdv made. A signature is an
//! incremental update: the document's bytes stay as they were and the
//! update follows them. So a signed original is the document kttdv makes
//! again from the version — its exact bytes — followed by updates that only
//! sign: a signature's value, the signature field it fills, its appearance,
//! the form's flags, the document's metadata. An update that changes a
//! page, its content, the data attached or anything else the document
//! shows is refused, even when a signature covers it.

use std::collections::{BTreeMap, BTreeSet};

use hayro_syntax::Pdf;
use hayro_syntax::object::{Array, Dict, MaybeRef, Object, ObjectIdentifier};

/// Why an upload is not the document signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Change {
    #[error("PDF không bắt đầu bằng đúng văn bản kttdv lập từ phiên bản hiện hành (trang hoặc dữ liệu khác)")]
    OtherDocument,
    #[error("PDF hỏng hoặc phần thêm vào sau văn bản không đọc được")]
    Unreadable,
    #[error("phần thêm vào sau văn bản kttdv lập đã sửa {0}: chỉ được thêm chữ ký")]
    Changed(String),
}

/// Keys a signing tool may change in the catalog: the form, the metadata,
/// long-term validation data, the document's permissions and version.
const CATALOG_KEYS: &[&[u8]] = &[b"AcroForm", b"Metadata", b"DSS", b"Perms", b"Extensions", b"Version"];
/// In a signature field: its value, its appearance, its lock.
const FIELD_KEYS: &[&[u8]] = &[b"V", b"AP", b"AS", b"Lock", b"SV"];
/// In the form: its fields (only added to), flags and defaults.
const FORM_KEYS: &[&[u8]] = &[b"Fields", b"SigFlags", b"DR", b"DA"];
/// In a page: its annotations (only invisible signature widgets added).
const PAGE_KEYS: &[&[u8]] = &[b"Annots"];

/// Checks that `updated` is `original` (a PDF kttdv made) followed only by
/// updates that sign it.
pub fn added_to(original: &[u8], updated: &[u8]) -> Result<(), Change> {
    if !updated.starts_with(original) {
        return Err(Change::OtherDocument);
    }
    let ends_well = last_update_starts(updated).is_some_and(|at| at >= original.len() || updated == original);
    if !ends_well {
        return Err(Change::Unreadable);
    }
    let before = Pdf::new(original.to_vec()).map_err(|_| Change::Unreadable)?;
    let after = Pdf::new(updated.to_vec()).map_err(|_| Change::Unreadable)?;
    let (root, info, size) = trailer_of(original).ok_or(Change::Unreadable)?;
    if after.xref().root_id() != root {
        return Err(Change::Changed("danh mục của tài liệu".into()));
    }
    let roles = Roles::of(&before, root, info, size);
    for number in 1..size {
        let id = ObjectIdentifier::new(number, 0);
        let old: Option<Object> = before.xref().get(id);
        let new: Option<Object> = after.xref().get(id);
        let (old, new) = match (old, new) {
            (Some(old), Some(new)) => (old, new),
            (Some(_), None) => return Err(Change::Changed(format!("đối tượng {number} (bị xóa)"))),
            (None, _) => continue,
        };
        if canon(&old, 0) == canon(&new, 0) {
            continue;
        }
        roles.allows(number, &old, &new, &after)?;
    }
    Ok(())
}

/// Where the last update's cross-reference section starts, as the file's
/// final `startxref` says; none when the file does not end as a PDF does.
fn last_update_starts(pdf: &[u8]) -> Option<usize> {
    let end = pdf.len() - pdf.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
    let body = pdf[..end].strip_suffix(b"%%EOF")?;
    let at = body.windows(9).rposition(|w| w == b"startxref")?;
    let number = std::str::from_utf8(&body[at + 9..]).ok()?.trim();
    let offset: usize = number.parse().ok()?;
    let section = pdf.get(offset..)?;
    let classic = section.starts_with(b"xref");
    let stream = section.iter().position(|b| *b == b'o').is_some_and(|o| {
        std::str::from_utf8(&section[..o]).is_ok_and(|head| {
            let words: Vec<&str> = head.split_whitespace().collect();
            words.len() == 2 && words.iter().all(|w| w.bytes().all(|b| b.is_ascii_digit()))
        }) && section[o..].starts_with(b"obj")
    });
    (classic || stream).then_some(offset)
}

/// The catalog's and the information dictionary's objects, and how many
/// objects there are, from the last trailer of a PDF kttdv wrote (a
/// classic one: `trailer << /Size … /Root … /Info … >>`).
fn trailer_of(pdf: &[u8]) -> Option<(ObjectIdentifier, Option<i32>, i32)> {
    let at = pdf.windows(7).rposition(|w| w == b"trailer")?;
    let text = String::from_utf8_lossy(&pdf[at..]);
    let after = |key: &str| -> Option<Vec<i32>> {
        let start = text.find(key)? + key.len();
        let numbers: Vec<i32> = text[start..]
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .take(2)
            .map(|w| w.parse().ok())
            .collect::<Option<_>>()?;
        Some(numbers)
    };
    let size = *after("/Size")?.first()?;
    let root = after("/Root")?;
    let info = after("/Info").and_then(|n| n.first().copied());
    Some((ObjectIdentifier::new(*root.first()?, *root.get(1)?), info, size))
}

/// What each object of the original is, for what may change in it.
struct Roles {
    root: i32,
    info: Option<i32>,
    metadata: Option<i32>,
    form: Option<i32>,
    pages: BTreeSet<i32>,
    annotation_lists: BTreeSet<i32>,
}

impl Roles {
    fn of(pdf: &Pdf, root: ObjectIdentifier, info: Option<i32>, size: i32) -> Self {
        let catalog: Option<Dict> = pdf.xref().get(root);
        let number = |key: &[u8]| catalog.as_ref().and_then(|c| c.get_ref(key)).map(|r| r.obj_number);
        let mut pages = BTreeSet::new();
        let mut annotation_lists = BTreeSet::new();
        for number in 1..size {
            let Some(dict) = pdf.xref().get::<Dict>(ObjectIdentifier::new(number, 0)) else { continue };
            if dict.get::<hayro_syntax::object::Name>(b"Type").is_some_and(|t| t.as_str() == "Page") {
                pages.insert(number);
                if let Some(list) = dict.get_ref(b"Annots") {
                    annotation_lists.insert(list.obj_number);
                }
            }
        }
        Roles {
            root: root.obj_number,
            info,
            metadata: number(b"Metadata"),
            form: number(b"AcroForm"),
            pages,
            annotation_lists,
        }
    }

    /// Whether object `number` may have changed from `old` to `new`.
    fn allows(&self, number: i32, old: &Object, new: &Object, after: &Pdf) -> Result<(), Change> {
        let changed = |what: &str| Err(Change::Changed(format!("{what} (đối tượng {number})")));
        if Some(number) == self.info || Some(number) == self.metadata {
            // What the document says of itself (producer, dates): not what it shows.
            return Ok(());
        }
        let (Object::Dict(old_dict), Some(new_dict)) = (old, dict_of(new)) else {
            return match old {
                Object::Array(old) if self.annotation_lists.contains(&number) => {
                    let Object::Array(new) = new else { return changed("danh sách chú thích của trang") };
                    only_signatures_added(old, new, after).or_else(|_| changed("danh sách chú thích của trang"))
                }
                Object::Stream(_) => changed("nội dung"),
                _ => changed("một đối tượng"),
            };
        };
        let name = |key: &[u8]| old_dict.get::<hayro_syntax::object::Name>(key).map(|n| n.as_str().to_owned());
        if number == self.root {
            same_but(old_dict, &new_dict, CATALOG_KEYS).or_else(|_| changed("danh mục của tài liệu"))?;
            return match (old_dict.get::<Dict>(b"AcroForm"), new_dict.get::<Dict>(b"AcroForm")) {
                (Some(old), Some(new)) if old_dict.get_ref(b"AcroForm").is_none() => {
                    form_only_signed(&old, &new, after).or_else(|_| changed("biểu mẫu của tài liệu"))
                }
                (Some(_), None) => changed("biểu mẫu của tài liệu"),
                _ => Ok(()),
            };
        }
        if Some(number) == self.form {
            return form_only_signed(old_dict, &new_dict, after).or_else(|_| changed("biểu mẫu của tài liệu"));
        }
        if name(b"FT").as_deref() == Some("Sig") {
            return same_but(old_dict, &new_dict, FIELD_KEYS).or_else(|_| changed("ô chữ ký"));
        }
        if self.pages.contains(&number) {
            same_but(old_dict, &new_dict, PAGE_KEYS).or_else(|_| changed("trang"))?;
            return match (old_dict.get::<Array>(b"Annots"), new_dict.get::<Array>(b"Annots")) {
                (Some(old), Some(new)) => {
                    only_signatures_added(&old, &new, after).or_else(|_| changed("chú thích của trang"))
                }
                (None, Some(new)) => {
                    only_signatures_added(&Array::default(), &new, after).or_else(|_| changed("chú thích của trang"))
                }
                (None, None) => Ok(()),
                (Some(_), None) => changed("chú thích của trang"),
            };
        }
        changed("một đối tượng")
    }
}

fn dict_of<'a>(object: &Object<'a>) -> Option<Dict<'a>> {
    match object {
        Object::Dict(dict) => Some(dict.clone()),
        _ => None,
    }
}

/// Equal in every key but `free`.
fn same_but(old: &Dict, new: &Dict, free: &[&[u8]]) -> Result<(), ()> {
    let entries = |dict: &Dict| -> BTreeMap<Vec<u8>, Canon> {
        dict.entries()
            .filter(|(key, _)| !free.contains(&key.as_ref()))
            .map(|(key, value)| (key.as_ref().to_vec(), canon_ref(&value, 0)))
            .collect()
    };
    if entries(old) == entries(new) { Ok(()) } else { Err(()) }
}

/// A form whose fields were only added to, each new one a signature field
/// that shows nothing; its other keys as the signing tool may set them.
fn form_only_signed(old: &Dict, new: &Dict, after: &Pdf) -> Result<(), ()> {
    same_but(old, new, FORM_KEYS)?;
    let old_fields = old.get::<Array>(b"Fields").unwrap_or_default();
    let new_fields = new.get::<Array>(b"Fields").unwrap_or_default();
    only_signatures_added(&old_fields, &new_fields, after)
}

/// `new` holds every item of `old`, in order, and more only of invisible
/// signature widgets (a signature needs no room on the page when it goes
/// into one of the document's own fields; a new one may show nothing).
fn only_signatures_added(old: &Array, new: &Array, after: &Pdf) -> Result<(), ()> {
    let old: Vec<Canon> = old.raw_iter().map(|item| canon_ref(&item, 0)).collect();
    let new_items: Vec<MaybeRef<Object>> = new.raw_iter().collect();
    let new: Vec<Canon> = new_items.iter().map(|item| canon_ref(item, 0)).collect();
    if new.len() < old.len() || new[..old.len()] != old[..] {
        return Err(());
    }
    for item in &new_items[old.len()..] {
        let MaybeRef::Ref(reference) = item else { return Err(()) };
        let id = ObjectIdentifier::new(reference.obj_number, reference.gen_number);
        let widget: Dict = after.xref().get(id).ok_or(())?;
        let is_signature = |d: &Dict| d.get::<hayro_syntax::object::Name>(b"FT").is_some_and(|n| n.as_str() == "Sig");
        let signature = is_signature(&widget) || widget.get::<Dict>(b"Parent").is_some_and(|p| is_signature(&p));
        let rect: Vec<f64> = widget
            .get::<Array>(b"Rect")
            .map(|r| r.iter::<hayro_syntax::object::Number>().map(|n| n.as_f64()).collect())
            .unwrap_or_default();
        let invisible = rect.len() == 4 && ((rect[2] - rect[0]).abs() < 0.01 || (rect[3] - rect[1]).abs() < 0.01);
        if !signature || !invisible {
            return Err(());
        }
    }
    Ok(())
}

/// An object as compared: values, references by number, streams by their
/// dictionary and raw bytes.
#[derive(Debug, PartialEq)]
enum Canon {
    Null,
    Bool(bool),
    Number(String),
    Bytes(Vec<u8>),
    Name(Vec<u8>),
    Array(Vec<Canon>),
    Dict(BTreeMap<Vec<u8>, Canon>),
    Stream(Box<Canon>, Vec<u8>),
    Ref(i32, i32),
    /// Nested deeper than any document kttdv makes.
    TooDeep,
}

const MAX_DEPTH: usize = 64;

fn canon(object: &Object, depth: usize) -> Canon {
    if depth > MAX_DEPTH {
        return Canon::TooDeep;
    }
    match object {
        Object::Null(_) => Canon::Null,
        Object::Boolean(b) => Canon::Bool(*b),
        Object::Number(n) => Canon::Number(format!("{}", n.as_f64())),
        Object::String(s) => Canon::Bytes(s.as_bytes().to_vec()),
        Object::Name(n) => Canon::Name(n.as_ref().to_vec()),
        Object::Array(a) => Canon::Array(a.raw_iter().map(|item| canon_ref(&item, depth + 1)).collect()),
        Object::Dict(d) => Canon::Dict(dict_canon(d, depth)),
        Object::Stream(s) => {
            Canon::Stream(Box::new(Canon::Dict(dict_canon(s.dict(), depth))), s.raw_data().into_owned())
        }
    }
}

fn dict_canon(dict: &Dict, depth: usize) -> BTreeMap<Vec<u8>, Canon> {
    dict.entries().map(|(key, value)| (key.as_ref().to_vec(), canon_ref(&value, depth + 1))).collect()
}

fn canon_ref(item: &MaybeRef<Object>, depth: usize) -> Canon {
    match item {
        MaybeRef::Ref(r) => Canon::Ref(r.obj_number, r.gen_number),
        MaybeRef::NotRef(object) => canon(object, depth),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_ends_with_the_start_of_its_last_cross_reference_section() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\nxref\n0 1\ntrailer\n<</Size 2/Root 1 0 R/Info 1 0 R>>\nstartxref\n29\n%%EOF\n";
        assert_eq!(last_update_starts(pdf), Some(29));
        assert_eq!(trailer_of(pdf), Some((ObjectIdentifier::new(1, 0), Some(1), 2)));
        let mut appended = pdf.to_vec();
        appended.extend_from_slice(b"% after\n");
        assert_eq!(last_update_starts(&appended), None, "bytes after %%EOF");
        assert_eq!(last_update_starts(b"startxref\n9999\n%%EOF"), None, "past the end");
    }

    #[test]
    fn another_document_is_not_a_signed_one() {
        assert_eq!(added_to(b"%PDF-1.7 a", b"%PDF-1.7 b"), Err(Change::OtherDocument));
    }
}
