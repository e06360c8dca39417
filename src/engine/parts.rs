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

use std::ops::Range;

use typst::foundations::{Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

/// The label of a member row's marker (`table-tail.typ`).
const ROW_LABEL: &str = "kttdv-row";

/// A document of lists, each starting on a new page and numbered afresh,
/// each list's rows laid out a part at a time.
pub trait InParts {
    /// How many lists the document holds.
    fn lists(&self) -> usize;
    /// How many member rows list `list` holds.
    fn rows(&self, list: usize) -> usize;
    /// The template's data for the part of list `list` that holds `rows`,
    /// after `pages` pages of that list: it opens the list when `rows`
    /// starts at 0 and closes it when it ends at [`InParts::rows`].
    fn part(&self, list: usize, rows: Range<usize>, pages: usize) -> Vec<u8>;
}

/// One part laid out: the data it was made from, and what to keep of it.
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
    let label = Label::new(PicoStr::intern(ROW_LABEL)).expect("a valid label");
    let mut marks: Vec<RowMark> = introspector
        .query(&Selector::Label(label))
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
