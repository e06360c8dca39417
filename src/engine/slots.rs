//! Where each signature block left room for the signature and the seal,
//! found after layout through the labelled metadata the frame puts there,
//! in the terms signing tools use: a page and a rectangle in PDF points.

use serde::Serialize;
use typst::foundations::Value;
use typst::introspection::MetadataElem;
use typst_layout::PagedDocument;

use super::labelled;

/// The label of the frame's slot metadata (`frame.typ`).
const LABEL: &str = "kttdv-signature-slot";

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Slot {
    /// ASCII, after the signer's role and body: `BiThu_ChiUy_ChiBoVanPhong`;
    /// a repeat in one PDF (a packet) gets `_2`, `_3`…
    pub name: String,
    /// From 1.
    pub page: usize,
    /// `[x1, y1, x2, y2]` in points from the page's bottom left, as PDF
    /// rectangles are.
    pub rect: [f64; 4],
    /// Whether the issuer's seal goes there too, over the signature's left
    /// third: a cell under a grassroots committee has none.
    pub seal: bool,
    /// The text printed just below the room — the signer's name — for
    /// signing tools that place a signature by an anchor text.
    pub anchor: String,
}

pub fn find(document: &PagedDocument) -> Vec<Slot> {
    let mut slots = Slots::default();
    slots.add(&found(document), 0);
    slots.slots
}

/// The slots of one layout, pages from 1, each named after its role alone:
/// [`Slots::add`] names them within the whole PDF.
pub fn found(document: &PagedDocument) -> Vec<Slot> {
    let introspector = document.introspector();
    let mut slots = Vec::new();
    for content in labelled(document, LABEL).iter() {
        let (Some(position), Some(meta)) =
            (content.location().and_then(|l| introspector.position(l)), content.to_packed::<MetadataElem>())
        else {
            continue;
        };
        let Value::Dict(dict) = &meta.value else { continue };
        let number = |key: &str| dict.get(key).ok().and_then(|v| v.clone().cast::<f64>().ok()).unwrap_or(0.0);
        let text = |key: &str| dict.get(key).ok().and_then(|v| v.clone().cast::<String>().ok()).unwrap_or_default();
        let page = position.page.get();
        let page_height = document.pages()[page - 1].frame.height().to_pt();
        let (left, top) = (position.point.x.to_pt(), position.point.y.to_pt());
        let (width, height) = (number("width"), number("height"));
        let role = [text("title"), text("body"), text("issuer")].map(|part| camel(&part));
        slots.push(Slot {
            name: role.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("_"),
            page,
            rect: [left, page_height - top - height, left + width, page_height - top]
                .map(|v| (v * 100.0).round() / 100.0),
            seal: dict.get("seal").ok().and_then(|v| v.clone().cast::<bool>().ok()).unwrap_or(true),
            anchor: text("name"),
        });
    }
    slots
}

/// The slots of a document laid out in parts, part after part.
#[derive(Default)]
pub struct Slots {
    pub slots: Vec<Slot>,
    /// How many slots of each name there are so far.
    seen: std::collections::HashMap<String, usize>,
}

impl Slots {
    /// Adds the slots [`found`] in a layout whose first page follows
    /// `pages_before` pages: a name met again gets `_2`, `_3`…
    pub fn add(&mut self, found: &[Slot], pages_before: usize) {
        for slot in found {
            let count = self.seen.entry(slot.name.clone()).or_default();
            *count += 1;
            let name = if *count == 1 { slot.name.clone() } else { format!("{}_{count}", slot.name) };
            self.slots.push(Slot { name, page: pages_before + slot.page, ..slot.clone() });
        }
    }
}

/// "BÍ THƯ" → "BiThu": ASCII words, each capitalised, run together.
fn camel(text: &str) -> String {
    deunicode::deunicode(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            lower[..1].to_ascii_uppercase() + &lower[1..]
        })
        .collect()
}
