//! A long document laid out in parts (docs/parts.md): each part a Typst
//! document of its own, started where the one before ended, its final pages
//! written into the one PDF and then dropped, so that memory holds one part
//! whatever the document's length.
//!
//! A part's rows are chosen by [`InParts`]; the template marks each member
//! row (`<kttdv-row>`, table-tail.typ) so that its page is known after
//! layout. Every page of a part but its last is final; the next part starts
//! with the first row of that last page — or of an earlier page, when a row
//! that may break across pages goes on to it — so every page is laid out as
//! one layout would.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use typst::foundations::Value;
use typst::introspection::MetadataElem;
use typst::layout::{Frame, FrameItem, GroupItem};
use typst_layout::{Page, PagedDocument};

use super::{Slot, labelled};

/// The label of a member row's marker (`table-tail.typ`).
const ROW_LABEL: &str = "kttdv-row";

/// A document of lists, each starting on a new page and numbered afresh,
/// each list's rows laid out a part at a time.
pub trait InParts {
    /// How many lists the document holds.
    fn lists(&self) -> usize;
    /// How many member rows list `list` holds.
    fn rows(&self, list: usize) -> usize;
    /// Where the part of list `list` that starts at member row `from` ends
    /// to hold about `lines` lines (member rows, and what else takes a
    /// page's room as a row does: units' titles, subtotals), at least one
    /// member row.
    fn end(&self, list: usize, from: usize, lines: usize) -> usize;
    /// The template's data for the part of list `list` that holds `rows`,
    /// after `pages` pages of that list: it opens the list when `rows`
    /// starts at 0 and closes it when it ends at [`InParts::rows`].
    fn part(&self, list: usize, rows: Range<usize>, pages: usize) -> Vec<u8>;
}

/// Where a part laid out was cut.
#[derive(Debug, Clone, Copy)]
pub struct Cut {
    /// The pages of the part that are final.
    pub pages: usize,
    /// Where the next part starts, or none when this part ended its list.
    pub next: Option<usize>,
}

/// Where the part laid out in `document`, holding rows `rows` of its list
/// of `total`, is cut; none when it should hold more rows to make progress.
pub fn cut(document: &PagedDocument, rows: &Range<usize>, total: usize) -> Option<Cut> {
    let pages = document.pages().len();
    if rows.end >= total {
        return Some(Cut { pages, next: None });
    }
    let marks = row_marks(document);
    // The first row on the last page; with none there, the last row, which
    // then goes on from the page before.
    let mut i = marks.iter().position(|m| m.page == pages).or(marks.len().checked_sub(1))?;
    // A row that may break across pages may go on to the page of the row
    // after it: the next part starts with it, or rather with the first row
    // on its page, which is not final either.
    loop {
        let page = marks[i].page;
        i = marks.iter().position(|m| m.page == page).unwrap_or(i);
        if i == 0 || !marks[i - 1].breaks {
            break;
        }
        i -= 1;
    }
    let start = &marks[i];
    (i > 0 && start.page > 1).then(|| Cut { pages: start.page - 1, next: Some(start.row) })
}

/// A member row's marker: its row in the list, the page it starts on, and
/// whether it may break across pages.
#[derive(Debug)]
struct RowMark {
    row: usize,
    page: usize,
    breaks: bool,
}

fn row_marks(document: &PagedDocument) -> Vec<RowMark> {
    let introspector = document.introspector();
    let mut marks: Vec<RowMark> = labelled(document, ROW_LABEL)
        .iter()
        .filter_map(|content| {
            let page = introspector.position(content.location()?)?.page.get();
            let Value::Dict(dict) = &content.to_packed::<MetadataElem>()?.value else { return None };
            let row = dict.get("row").ok()?.clone().cast::<i64>().ok()?;
            let breaks = dict.get("breaks").ok()?.clone().cast::<bool>().ok()?;
            Some(RowMark { row: usize::try_from(row).ok()?, page, breaks })
        })
        .collect();
    marks.sort_by_key(|m| m.row);
    marks
}

/// Parts laid out before, by what they were made from (the template and the
/// part's data, which holds its rows, its first row's number and the pages
/// before it): their final pages and where they were cut, so that a list
/// made again after a change elsewhere lays out only the parts the change
/// reaches. Bounded by pages, about 165 KB each (BENCHMARKS.md, issue 25);
/// the least recently used go first. A list's last part is kept with its
/// signature slots; the document's first part is not looked for (its
/// metadata and attached data come from it).
pub struct PartCache {
    capacity: usize,
    inner: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    parts: HashMap<[u8; 32], (Arc<KeptPart>, u64)>,
    pages: usize,
    clock: u64,
    /// How many parts were found kept, and how many looked for in vain.
    found: u64,
    not_found: u64,
}

/// A part's final pages, without their element tags (the PDF is untagged,
/// and the tags hold the elements' content: most of a page's memory).
pub struct KeptPart {
    pub pages: PagedDocument,
    pub cut: Cut,
    /// The signature slots on them (a list's last part has its list's).
    pub slots: Vec<Slot>,
}

impl PartCache {
    /// A cache of at most `capacity` pages; 0 keeps nothing.
    pub fn new(capacity: usize) -> Self {
        Self { capacity, inner: Mutex::default() }
    }

    /// The key of a part made of `template` and `data`, when parts are kept.
    pub fn key(&self, template: &str, data: &[u8]) -> Option<[u8; 32]> {
        use sha2::{Digest, Sha256};
        (self.capacity > 0)
            .then(|| Sha256::new().chain_update(template).chain_update([0]).chain_update(data).finalize().into())
    }

    pub fn get(&self, key: &[u8; 32]) -> Option<Arc<KeptPart>> {
        let mut kept = self.inner.lock().expect("not poisoned");
        kept.clock += 1;
        let now = kept.clock;
        let Some((part, used)) = kept.parts.get_mut(key) else {
            kept.not_found += 1;
            return None;
        };
        *used = now;
        let part = part.clone();
        kept.found += 1;
        Some(part)
    }

    /// How many parts were found kept so far.
    pub fn found(&self) -> u64 {
        self.inner.lock().expect("not poisoned").found
    }

    /// How many parts were looked for and not found so far.
    pub fn not_found(&self) -> u64 {
        self.inner.lock().expect("not poisoned").not_found
    }

    /// Keeps the pages of `document` that `cut` says are final, with the
    /// signature `slots` found on them.
    pub fn put(&self, key: [u8; 32], document: &PagedDocument, cut: Cut, slots: Vec<Slot>) {
        if cut.pages > self.capacity {
            return;
        }
        let pages = document.pages()[..cut.pages]
            .iter()
            .map(|page| Page { frame: untagged(&page.frame), ..page.clone() })
            .collect();
        let part = KeptPart { pages: PagedDocument::new(pages, Default::default()), cut, slots };
        let mut kept = self.inner.lock().expect("not poisoned");
        kept.clock += 1;
        let now = kept.clock;
        if let Some((old, _)) = kept.parts.insert(key, (Arc::new(part), now)) {
            kept.pages -= old.cut.pages;
        }
        kept.pages += cut.pages;
        while kept.pages > self.capacity {
            let Some(oldest) = kept.parts.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| *k) else { break };
            if let Some((gone, _)) = kept.parts.remove(&oldest) {
                kept.pages -= gone.cut.pages;
            }
        }
    }
}

/// `frame` without element tags, its groups no one's logical children.
fn untagged(frame: &Frame) -> Frame {
    let mut out = Frame::new(frame.size(), frame.kind());
    if frame.has_baseline() {
        out.set_baseline(frame.baseline());
    }
    for (point, item) in frame.items() {
        match item {
            FrameItem::Tag(_) => {}
            FrameItem::Group(group) => {
                let frame = untagged(&group.frame);
                out.push(*point, FrameItem::Group(GroupItem { frame, parent: None, ..group.clone() }))
            }
            other => out.push(*point, other.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use typst::foundations::{Content, Smart};
    use typst::layout::{Abs, Sides, Size};

    use super::*;

    /// A document of `pages` empty pages.
    fn document(pages: usize) -> PagedDocument {
        let page = Page {
            frame: Frame::hard(Size::new(Abs::pt(100.0), Abs::pt(100.0))),
            bleed: Sides::splat(Abs::zero()),
            fill: Smart::Auto,
            numbering: None,
            supplement: Content::empty(),
            number: 1,
        };
        PagedDocument::new(std::iter::repeat_n(page, pages).collect(), Default::default())
    }

    fn put(cache: &PartCache, name: &str, pages: usize) -> [u8; 32] {
        let key = cache.key("/t.typ", name.as_bytes()).unwrap();
        cache.put(key, &document(pages + 1), Cut { pages, next: Some(1) }, Vec::new());
        key
    }

    #[test]
    fn kept_parts_stay_within_their_pages_the_least_recently_used_going_first() {
        let cache = PartCache::new(10);
        let (a, b) = (put(&cache, "a", 4), put(&cache, "b", 4));
        assert_eq!(cache.get(&a).map(|p| p.pages.pages().len()), Some(4), "only the final pages");
        let c = put(&cache, "c", 4);
        assert!(cache.get(&b).is_none(), "b was used least recently");
        assert!(cache.get(&a).is_some() && cache.get(&c).is_some());
        let big = put(&cache, "big", 11);
        assert!(cache.get(&big).is_none(), "a part larger than the cache is not kept");
        assert_eq!(cache.found(), 3, "a, a and c found");
    }

    #[test]
    fn nothing_is_kept_unless_asked() {
        assert!(PartCache::new(0).key("/t.typ", b"data").is_none());
    }
}
