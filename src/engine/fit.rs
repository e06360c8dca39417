//! Whether a laid-out document fits its pages. A list's last rows and its
//! closing are laid out quickly first, nothing measured (`table-tail.typ`):
//! then a tall row can run below a page's bottom margin, or a short list,
//! all of it kept with its closing, can leave its title alone on a page.
//! Either shows in the laid-out pages, and the engine lays the document out
//! again with everything measured (`kttdv-layout` = "careful").

use typst::introspection::MetadataElem;
use typst::layout::{Abs, Frame, FrameItem, Length};
use typst_layout::PagedDocument;

use super::labelled;

/// The pages' bottom margin, given by a list laid out quickly: a document
/// without one has nothing to check.
const BOTTOM: &str = "kttdv-page-bottom";
/// A short list gone to the next page, away from its title.
const TITLE_ALONE: &str = "kttdv-title-alone";

/// Nothing below any page's bottom margin, and no title alone on its page.
pub fn fits(document: &PagedDocument) -> bool {
    let bottom = labelled(document, BOTTOM)
        .first()
        .and_then(|content| content.to_packed::<MetadataElem>())
        .and_then(|meta| meta.value.clone().cast::<Length>().ok());
    let Some(bottom) = bottom else { return true };
    // Rounding: text set to the last line ends on the margin exactly.
    let tolerance = Abs::pt(1.0);
    labelled(document, TITLE_ALONE).is_empty()
        && document.pages().iter().all(|page| lowest(&page.frame) <= page.frame.height() - bottom.abs + tolerance)
}

/// How far down `frame` anything is drawn: a text's baseline (descenders
/// go below the last line's, as Typst sets lines), a shape's or an image's
/// bottom.
fn lowest(frame: &Frame) -> Abs {
    frame
        .items()
        .map(|(position, item)| {
            position.y
                + match item {
                    FrameItem::Group(group) if group.transform.is_identity() => lowest(&group.frame),
                    FrameItem::Group(group) => group.frame.height(),
                    FrameItem::Shape(shape, _) => shape.geometry.bbox(shape.stroke.as_ref()).max.y,
                    FrameItem::Image(_, size, _) => size.y,
                    FrameItem::Text(_) | FrameItem::Link(..) | FrameItem::Tag(_) => Abs::zero(),
                }
        })
        .fold(Abs::zero(), Abs::max)
}

#[cfg(test)]
mod tests {
    use typst::layout::{Point, Size};
    use typst::visualize::{Color, Geometry};

    use super::*;

    fn rect(height: f64) -> FrameItem {
        FrameItem::Shape(
            Geometry::Rect(Size::new(Abs::pt(10.0), Abs::pt(height))).filled(Color::BLACK),
            typst::syntax::Span::detached(),
        )
    }

    #[test]
    fn the_lowest_point_is_found_inside_groups_moved_down() {
        let mut inner = Frame::soft(Size::new(Abs::pt(100.0), Abs::pt(50.0)));
        inner.push(Point::new(Abs::zero(), Abs::pt(30.0)), rect(15.0));
        let mut page = Frame::hard(Size::new(Abs::pt(595.0), Abs::pt(842.0)));
        page.push(Point::new(Abs::zero(), Abs::pt(100.0)), rect(20.0));
        // A group's own frame is not inlined here: its items count where they are drawn.
        page.push(Point::new(Abs::zero(), Abs::pt(700.0)), FrameItem::Group(typst::layout::GroupItem::new(inner)));
        assert_eq!(lowest(&page), Abs::pt(745.0));
    }

    #[test]
    fn an_empty_page_reaches_nowhere() {
        assert_eq!(lowest(&Frame::hard(Size::new(Abs::pt(595.0), Abs::pt(842.0)))), Abs::zero());
    }
}
