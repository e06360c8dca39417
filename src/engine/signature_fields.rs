//! Empty signature fields over the signature slots, so that a signing tool
//! offers "sign here" at the right place instead of asking where.
//!
//! They are appended as an incremental update: the rendered bytes stay as
//! they are, byte for byte, and the update only adds the fields' widgets,
//! the pages that now list them and a catalog with the form. Each widget is
//! printable and has an (empty) appearance, as PDF/A asks of annotations.

use lopdf::{Dictionary, IncrementalDocument, Object, ObjectId, Stream, dictionary};

use super::Slot;

/// Annotation flag "Print" (PDF 32000 §12.5.3): PDF/A wants every annotation
/// printable and none hidden.
const PRINT: i64 = 4;

/// `pdf` with one empty `/Sig` field per slot, named after it.
pub fn add(pdf: Vec<u8>, slots: &[Slot]) -> Result<Vec<u8>, lopdf::Error> {
    if slots.is_empty() {
        return Ok(pdf);
    }
    let mut update = IncrementalDocument::load_from(pdf.as_slice())?;
    let previous = update.get_prev_documents();
    let pages = previous.get_pages();
    let catalog_id = previous.trailer.get(b"Root")?.as_reference()?;
    // The update's own header comment; the file keeps the version it began with.
    update.new_document.version = previous.version.clone();

    let mut fields = Vec::with_capacity(slots.len());
    for slot in slots {
        let page_id = *pages.get(&(slot.page as u32)).ok_or(lopdf::Error::PageNumberNotFound(slot.page as u32))?;
        let widget = widget(&mut update, slot, page_id);
        list_annotation(&mut update, page_id, widget)?;
        fields.push(Object::Reference(widget));
    }

    update.opt_clone_object_to_new_document(catalog_id)?;
    let catalog = update.new_document.get_object_mut(catalog_id)?.as_dict_mut()?;
    catalog.set("AcroForm", dictionary! { "Fields" => fields });

    let mut bytes = Vec::with_capacity(pdf.len() + 1024 * slots.len());
    update.save_to(&mut bytes)?;
    Ok(bytes)
}

/// The field and its widget in one dictionary, as a field with a single
/// widget may be.
fn widget(update: &mut IncrementalDocument, slot: &Slot, page_id: ObjectId) -> ObjectId {
    let [x1, y1, x2, y2] = slot.rect;
    let blank = Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), real(x2 - x1), real(y2 - y1)],
        },
        Vec::new(),
    );
    let appearance = update.new_document.add_object(blank);
    update.new_document.add_object(dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => Object::string_literal(slot.name.as_str()),
        "Rect" => slot.rect.iter().map(|&v| real(v)).collect::<Vec<_>>(),
        "F" => PRINT,
        "P" => page_id,
        "AP" => dictionary! { "N" => appearance },
    })
}

/// Adds `widget` to the page's annotations, wherever the page keeps them.
fn list_annotation(update: &mut IncrementalDocument, page_id: ObjectId, widget: ObjectId) -> Result<(), lopdf::Error> {
    update.opt_clone_object_to_new_document(page_id)?;
    let page: &mut Dictionary = update.new_document.get_object_mut(page_id)?.as_dict_mut()?;
    let annotations = match page.get(b"Annots") {
        Ok(Object::Reference(id)) => Some(*id),
        _ => None,
    };
    match annotations {
        Some(array_id) => {
            update.opt_clone_object_to_new_document(array_id)?;
            update.new_document.get_object_mut(array_id)?.as_array_mut()?.push(widget.into());
        }
        None => match page.get_mut(b"Annots") {
            Ok(Object::Array(list)) => list.push(widget.into()),
            _ => page.set("Annots", vec![widget.into()]),
        },
    }
    Ok(())
}

fn real(value: f64) -> Object {
    Object::Real(value as f32)
}
