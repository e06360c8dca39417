//! Empty signature fields over the signature slots, so that a signing tool
//! offers "sign here" at the right place instead of asking where.
//!
//! They are appended as an incremental update: the rendered bytes stay as
//! they are, byte for byte, and the update only adds the fields' widgets,
//! the pages that now list them and a catalog with the form. Each widget is
//! printable and has an (empty) appearance, as PDF/A asks of annotations.
//!
//! The rendered PDF is read with hayro-syntax, which parses only the objects
//! asked for (the trailer, the catalog, the pages): a whole-document parser
//! took longer than a small form's layout. The update is written with
//! pdf-writer, as Typst writes the PDF itself.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Arc;

use hayro_syntax::Pdf;
use hayro_syntax::object::FromBytes;
use hayro_syntax::object::{Array, Dict, MaybeRef, Object, ObjectIdentifier};
use pdf_writer::{Chunk, Finish, Name, Obj, Rect, Ref, Settings, Str};

use super::Slot;

/// Annotation flag "Print" (PDF 32000 §12.5.3): PDF/A wants every annotation
/// printable and none hidden.
const PRINT: i32 = 4;

/// Why the fields could not be added: the rendered PDF is not as expected.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FieldError(&'static str);

/// `pdf` with one empty `/Sig` field per slot, named after it.
pub fn add(pdf: Vec<u8>, slots: &[Slot]) -> Result<Vec<u8>, FieldError> {
    if slots.is_empty() {
        return Ok(pdf);
    }
    let trailer = Trailer::read(&pdf)?;
    // Read where it is, not from a copy: a province's list is a 15 MB PDF.
    let shared = Arc::new(pdf);
    let source = Pdf::new(shared.clone()).map_err(|_| FieldError("PDF không đọc được"))?;
    let Update { chunk, offsets, next, catalog_ref } = update(source, &trailer, slots)?;
    let mut pdf = Arc::try_unwrap(shared).unwrap_or_else(|shared| shared.as_ref().clone());
    if pdf.last() != Some(&b'\n') {
        pdf.push(b'\n');
    }
    let base = pdf.len();
    pdf.extend_from_slice(chunk.as_bytes());
    let xref_at = pdf.len();
    pdf.extend(cross_references(&offsets, base));
    pdf.extend(trailer.next(next, catalog_ref, xref_at));
    Ok(pdf)
}

/// The objects an update adds, where each starts in `chunk`, the next free
/// object number and the catalog's.
struct Update {
    chunk: Chunk,
    offsets: BTreeMap<i32, usize>,
    next: i32,
    catalog_ref: Ref,
}

/// The update that adds the fields over `slots` to `source`, which it
/// lets go, so that the bytes it reads are the caller's alone again.
fn update(source: Pdf, trailer: &Trailer, slots: &[Slot]) -> Result<Update, FieldError> {
    let catalog_id = source.xref().root_id();
    let catalog: Dict = source.xref().get(catalog_id).ok_or(FieldError("không thấy mục lục (catalog) của PDF"))?;
    let pages = source.pages();

    let mut next = trailer.size;
    let mut fresh = || {
        next += 1;
        Ref::new(next - 1)
    };
    let mut chunk = Chunk::with_settings(Settings { pretty: false });
    let mut offsets: BTreeMap<i32, usize> = BTreeMap::new();
    let mut fields = Vec::with_capacity(slots.len());
    // Each page with a slot, by number, and the widgets it gets.
    let mut widgets_on: BTreeMap<usize, Vec<Ref>> = BTreeMap::new();
    for slot in slots {
        let index = slot.page.checked_sub(1).filter(|&i| i < pages.len());
        let page = &pages[index.ok_or(FieldError("chỗ ký nằm ngoài số trang"))?];
        let page_id = reference(page.raw().obj_id())?;
        let [x1, y1, x2, y2] = slot.rect;
        let (appearance, widget) = (fresh(), fresh());

        offsets.insert(appearance.get(), chunk.len());
        chunk.form_xobject(appearance, &[]).bbox(Rect::new(0.0, 0.0, (x2 - x1) as f32, (y2 - y1) as f32));

        offsets.insert(widget.get(), chunk.len());
        let mut field = chunk.indirect(widget).dict();
        field.pair(Name(b"Type"), Name(b"Annot"));
        field.pair(Name(b"Subtype"), Name(b"Widget"));
        field.pair(Name(b"FT"), Name(b"Sig"));
        field.pair(Name(b"T"), Str(slot.name.as_bytes()));
        field.pair(Name(b"Rect"), Rect::new(x1 as f32, y1 as f32, x2 as f32, y2 as f32));
        field.pair(Name(b"F"), PRINT);
        field.pair(Name(b"P"), page_id);
        field.insert(Name(b"AP")).dict().pair(Name(b"N"), appearance);
        field.finish();

        fields.push(widget);
        widgets_on.entry(slot.page).or_default().push(widget);
    }

    for (number, widgets) in &widgets_on {
        let page = pages[number - 1].raw();
        let page_id = reference(page.obj_id())?;
        offsets.insert(page_id.get(), chunk.len());
        let mut dict = chunk.indirect(page_id).dict();
        copy_entries(page, &mut dict, b"Annots");
        let mut annotations = dict.insert(Name(b"Annots")).array();
        if let Some(existing) = page.get::<Array>(b"Annots") {
            for item in existing.raw_iter() {
                copy(&item, annotations.push());
            }
        }
        annotations.items(widgets.iter().copied());
    }

    // Typst writes no form of its own: the catalog's form is these fields.
    let catalog_ref = reference(Some(catalog_id))?;
    offsets.insert(catalog_ref.get(), chunk.len());
    let mut dict = chunk.indirect(catalog_ref).dict();
    copy_entries(&catalog, &mut dict, b"AcroForm");
    dict.insert(Name(b"AcroForm")).dict().insert(Name(b"Fields")).array().items(fields);
    dict.finish();
    Ok(Update { chunk, offsets, next, catalog_ref })
}

/// What the update's trailer carries over from the rendered one.
struct Trailer {
    size: i32,
    info: Option<Ref>,
    id: Option<(Vec<u8>, Vec<u8>)>,
    /// Where the rendered cross-reference table starts.
    xref_at: usize,
}

impl Trailer {
    fn read(pdf: &[u8]) -> Result<Self, FieldError> {
        let unreadable = FieldError("không đọc được phần cuối (trailer) của PDF");
        let start = rfind(pdf, b"startxref").ok_or(FieldError("PDF không có startxref"))?;
        let xref_at = std::str::from_utf8(&pdf[start + b"startxref".len()..])
            .ok()
            .and_then(|tail| tail.split_whitespace().next()?.parse().ok())
            .ok_or(FieldError("startxref của PDF không đọc được"))?;
        let dict_at = rfind(&pdf[..start], b"trailer").ok_or(FieldError("PDF không có trailer"))? + b"trailer".len();
        let dict = Dict::from_bytes(trim_start(&pdf[dict_at..start])).ok_or(unreadable)?;
        let size = dict.get::<i32>(b"Size").ok_or(FieldError("trailer của PDF không có Size"))?;
        let info = match dict.get_raw::<Dict>(b"Info") {
            Some(MaybeRef::Ref(r)) => Some(Ref::new(r.obj_number)),
            _ => None,
        };
        let id = dict.get::<Array>(b"ID").and_then(|ids| {
            let mut ids = ids.iter::<hayro_syntax::object::String>();
            Some((ids.next()?.as_bytes().to_vec(), ids.next()?.as_bytes().to_vec()))
        });
        Ok(Self { size, info, id, xref_at })
    }

    /// The update's trailer, up to the end of the file.
    fn next(&self, size: i32, root: Ref, xref_at: usize) -> Vec<u8> {
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02X}")).collect::<String>();
        let mut text = format!("trailer\n<</Size {size}/Root {} 0 R", root.get());
        if let Some(info) = self.info {
            text += &format!("/Info {} 0 R", info.get());
        }
        if let Some((first, second)) = &self.id {
            text += &format!("/ID[<{}><{}>]", hex(first), hex(second));
        }
        text += &format!("/Prev {}>>\nstartxref\n{xref_at}\n%%EOF\n", self.xref_at);
        text.into_bytes()
    }
}

/// A cross-reference table of the update's objects, in runs of
/// consecutive numbers.
fn cross_references(offsets: &BTreeMap<i32, usize>, base: usize) -> Vec<u8> {
    let mut text = String::from("xref\n");
    let entries: Vec<(i32, usize)> = offsets.iter().map(|(&id, &at)| (id, at)).collect();
    for run in entries.chunk_by(|a, b| b.0 == a.0 + 1) {
        text += &format!("{} {}\n", run[0].0, run.len());
        for (_, at) in run {
            text += &format!("{:010} 00000 n \n", base + at);
        }
    }
    text.into_bytes()
}

/// Every entry of `from` but `except`, into `to`.
fn copy_entries(from: &Dict, to: &mut pdf_writer::Dict, except: &[u8]) {
    for (key, value) in from.entries() {
        if key.deref() != except {
            copy(&value, to.insert(Name(key.deref())));
        }
    }
}

/// A value read from the rendered PDF, written again as it was.
fn copy(value: &MaybeRef<Object>, to: Obj) {
    let object = match value {
        MaybeRef::Ref(r) => return to.primitive(Ref::new(r.obj_number)),
        MaybeRef::NotRef(object) => object,
    };
    match object {
        Object::Null(_) => to.primitive(pdf_writer::Null),
        Object::Boolean(b) => to.primitive(*b),
        Object::Number(n) if n.as_f64().fract() == 0.0 => to.primitive(n.as_i64() as i32),
        Object::Number(n) => to.primitive(n.as_f32()),
        Object::String(s) => to.primitive(Str(s.as_bytes())),
        Object::Name(n) => to.primitive(Name(n.deref())),
        Object::Array(items) => {
            let mut array = to.array();
            for item in items.raw_iter() {
                copy(&item, array.push());
            }
        }
        Object::Dict(dict) => copy_entries(dict, &mut to.dict(), b""),
        // Streams are always indirect objects, never values.
        Object::Stream(_) => to.primitive(pdf_writer::Null),
    }
}

/// An object of the rendered PDF, which Typst writes with generation 0.
fn reference(id: Option<ObjectIdentifier>) -> Result<Ref, FieldError> {
    match id {
        Some(ObjectIdentifier { obj_number, gen_number: 0 }) => Ok(Ref::new(obj_number)),
        _ => Err(FieldError("đối tượng PDF không như mong đợi")),
    }
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use pdf_writer::{Pdf as Writer, Rect as WriterRect, Ref as WriterRef};

    use super::*;

    /// A PDF of `pages` empty A4 pages, as small as a PDF can be.
    fn blank(pages: i32) -> Vec<u8> {
        let mut pdf = Writer::new();
        let (catalog, tree) = (WriterRef::new(1), WriterRef::new(2));
        let kids: Vec<WriterRef> = (0..pages).map(|i| WriterRef::new(3 + i)).collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree).kids(kids.iter().copied()).count(pages);
        for kid in kids {
            pdf.page(kid).parent(tree).media_box(WriterRect::new(0.0, 0.0, 595.0, 842.0));
        }
        pdf.finish()
    }

    fn slot(name: &str, page: usize) -> Slot {
        Slot { name: name.into(), page, rect: [300.0, 100.0, 470.0, 185.0], seal: false, anchor: String::new() }
    }

    #[test]
    fn each_slot_gets_an_empty_signature_field_appended_after_the_bytes_as_they_were() {
        let original = blank(2);
        let signed = add(original.clone(), &[slot("BiThu_ChiBo", 2)]).unwrap();
        assert!(signed.starts_with(&original), "an incremental update: the rendered bytes untouched");
        let document = Pdf::new(signed).unwrap();
        let catalog: Dict = document.xref().get(document.xref().root_id()).unwrap();
        let fields = catalog.get::<Dict>(b"AcroForm").unwrap().get::<Array>(b"Fields").unwrap();
        let fields: Vec<Dict> = fields.iter::<Dict>().collect();
        assert_eq!(fields.len(), 1);
        let kind = fields[0].get::<hayro_syntax::object::Name>(b"FT").map(|n| n.deref().to_vec());
        assert_eq!(kind, Some(b"Sig".to_vec()));
        let name = fields[0].get::<hayro_syntax::object::String>(b"T").unwrap();
        assert_eq!(name.as_bytes(), b"BiThu_ChiBo");
        let on_page_two = document.pages()[1].raw().get::<Array>(b"Annots");
        assert_eq!(on_page_two.map(|a| a.iter::<Dict>().count()), Some(1), "the widget is on the slot's page");
    }

    #[test]
    fn a_slot_off_the_pages_is_an_error_not_a_panic() {
        assert!(add(blank(1), &[slot("X", 3)]).is_err());
        assert_eq!(add(blank(1), &[]).unwrap(), blank(1), "no slot, nothing added");
    }
}
