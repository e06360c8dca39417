//! A long list laid out in parts (docs/parts.md) is the document one layout
//! of it makes: the same pages, broken at the same rows, with the same text,
//! units said again with «(tiếp theo)», subtotals and the closing where one
//! layout puts them; one set of fonts, the same signature slots, the data
//! attached once; and the same input gives the same bytes.

use std::sync::LazyLock;

use kttdv::{EngineConfig, Kind, Output, PdfFlavour, Rendered, Renderer};
use serde_json::{Value, json};

use crate::common::*;
use crate::signing::{qpdf_check, signature_fields};

/// Parts of one to a few pages each, so that every list is cut many times.
static IN_PARTS: LazyLock<[Renderer; 2]> =
    LazyLock::new(|| [9, 25].map(|lines| Renderer::new(&EngineConfig::default()).unwrap().with_part_lines(lines)));
static WHOLE: LazyLock<Renderer> =
    LazyLock::new(|| Renderer::new(&EngineConfig::default()).unwrap().with_part_lines(usize::MAX));

fn lists(renderer: &Renderer, input: &Value) -> Rendered {
    match renderer.make(Kind::TongHop, input, Output::pdf(PdfFlavour::WITH_DATA)) {
        Ok(rendered) => rendered,
        Err(kttdv::Error::Input(problems)) => panic!("input rejected: {problems:#?}"),
        Err(err) => panic!("{err}"),
    }
}

/// A written account of `length` characters, as a lost card has.
fn account(length: usize) -> String {
    let words = "Đồng chí báo cáo đã để thẻ trong ví, bị mất khi đi công tác tại huyện miền núi; đã trình báo công an xã và tìm lại nhiều lần nhưng không thấy";
    words
        .split(' ')
        .cycle()
        .scan(0, |len, w| {
            (*len < length).then(|| {
                *len += w.chars().count() + 1;
                w
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A generated Bloc of three committees whose cells have, among their
/// members, lost cards with written accounts of up to the most a field
/// holds: rows several times the height of others.
fn bloc_with_tall_rows() -> Value {
    let mut bloc = kttdv::sample::bloc(3, 30);
    for (c, committee) in bloc["committees"].as_array_mut().unwrap().iter_mut().enumerate() {
        for (k, cell) in committee["cells"].as_array_mut().unwrap().iter_mut().enumerate() {
            for (i, member) in cell["members"].as_array_mut().unwrap().iter_mut().enumerate() {
                if (i + c + k) % 9 != 4 || member.get("card_number").is_none() {
                    continue;
                }
                let length = [120, 300, 480][(i + k) % 3];
                let lost = json!({ "lost": {
                    "circumstances": account(length),
                    "handling": account(length / 2),
                    "stamp_boxes": [1, 2, 3, 4],
                } });
                member["membership"] = json!("full");
                member["card"] = lost;
            }
        }
    }
    bloc
}

/// The example Board's input, with the files it names read in.
fn example_board() -> Value {
    let Ok(read) = kttdv::Assembled::read(&root().join("examples/board.json"), &[], &|_| {}) else {
        panic!("the example reads")
    };
    read.value
}

#[test]
fn a_list_laid_out_in_parts_has_the_pages_of_one_layout() {
    let generated =
        [("the Board's", bloc_with_tall_rows()), ("a committee's", bloc_with_tall_rows()["committees"][1].take())];
    let examples = [
        ("the example Board's", example_board()),
        ("the example committee's", example_board()["committees"][0].take()),
    ];
    let cases = generated.iter().flat_map(|i| [(i, &IN_PARTS[0]), (i, &IN_PARTS[1])]);
    for ((what, input), renderer) in cases.chain(examples.iter().map(|i| (i, &IN_PARTS[0]))) {
        let (whole, parts) = (lists(&WHOLE, input), lists(renderer, input));
        let (whole_pages, parts_pages) = (pdf_layout_pages(&whole.bytes), pdf_layout_pages(&parts.bytes));
        assert!(whole_pages.len() >= 4, "{what}: long enough to be cut: {}", whole_pages.len());
        for (p, (one, cut)) in whole_pages.iter().zip(&parts_pages).enumerate() {
            assert_eq!(cut, one, "{what}, page {}", p + 1);
        }
        assert_eq!(parts_pages.len(), whole_pages.len(), "{what}: pages of the PDF");
        assert_eq!(parts.pages, whole.pages, "{what}: pages");
        assert!(parts_pages.iter().any(|p| p.contains("(tiếp theo)")), "{what}: units go on over pages, said again");
        assert_eq!(parts.slots, whole.slots, "{what}: signature slots");
        assert_eq!(signature_fields(&parts.bytes), signature_fields(&whole.bytes), "{what}: signature fields");
        assert!(String::from_utf8_lossy(&parts.bytes).contains("<pdfaid:part>3</pdfaid:part>"), "{what}: PDF/A-3b");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lists.pdf"), &parts.bytes).unwrap();
        qpdf_check(&dir.path().join("lists.pdf"));
        let fonts = pdf_fonts(&parts.bytes);
        assert_eq!(fonts, pdf_fonts(&whole.bytes), "{what}: fonts");
        // A subset is named "ABCDEF+Font": one of each font, not one a part.
        let mut families: Vec<&str> =
            fonts.iter().map(|(name, _, _)| name.split_once('+').map_or(name.as_str(), |n| n.1)).collect();
        families.sort();
        families.dedup();
        assert_eq!(families.len(), fonts.len(), "{what}: one subset of each font: {fonts:?}");
        let (attached, expected) = (kttdv::extract(&parts.bytes).unwrap(), kttdv::extract(&whole.bytes).unwrap());
        assert_eq!((attached.kind, attached.sha256), (expected.kind, expected.sha256), "{what}: the data attached");
    }
}

#[test]
fn a_long_list_with_no_lost_card_is_laid_out_in_parts_its_empty_list_too() {
    let mut bloc = kttdv::sample::bloc(2, 40);
    for committee in bloc["committees"].as_array_mut().unwrap() {
        for cell in committee["cells"].as_array_mut().unwrap() {
            for member in cell["members"].as_array_mut().unwrap() {
                if member["card"].get("lost").is_some() {
                    member["card"] = json!("stamp");
                }
            }
        }
    }
    let (whole, parts) = (lists(&WHOLE, &bloc), lists(&IN_PARTS[1], &bloc));
    assert_eq!(pdf_layout_pages(&parts.bytes), pdf_layout_pages(&whole.bytes), "the pages of one layout");
    assert!(pdf_text(&parts.bytes).contains("Mẫu 4-KTTĐV"), "the list of lost cards is there, empty");
}

#[test]
fn a_list_in_parts_is_the_same_bytes_every_time() {
    let bloc = kttdv::sample::bloc(2, 40);
    assert_eq!(lists(&IN_PARTS[0], &bloc).bytes, lists(&IN_PARTS[0], &bloc).bytes);
}

#[test]
fn a_list_made_again_after_a_change_lays_out_only_the_parts_the_change_reaches() {
    let kept = Renderer::new(&EngineConfig::default()).unwrap().with_part_lines(25).with_kept_parts(1_000);
    let mut bloc = kttdv::sample::bloc(3, 30);
    let first = lists(&kept, &bloc);
    assert_eq!(kept.parts_found_kept(), 0, "nothing kept before");
    // A name corrected in the middle of the list: the counts stay.
    let member = &mut bloc["committees"][1]["cells"][2]["members"][5];
    member["full_name"] = json!("Nguyễn Thị Sửa Lại");
    let again = lists(&kept, &bloc);
    let fresh = lists(&IN_PARTS[1], &bloc);
    assert_eq!(again.bytes, fresh.bytes, "the same PDF as laid out afresh");
    assert_ne!(again.bytes, first.bytes);
    assert!(pdf_text(&again.bytes).contains("Nguyễn Thị Sửa Lại"));
    let found = kept.parts_found_kept();
    assert!(found >= 4, "the parts before and after the change were kept: {found}");
    // Made a third time, nothing changed: every part is found kept but the
    // document's first (its metadata and attached data), never looked for;
    // a list's last part too, with its signature slots.
    let not_found = kept.parts_not_found();
    let third = lists(&kept, &bloc);
    assert_eq!(kept.parts_not_found(), not_found, "every part looked for was found");
    assert_eq!(third.bytes, again.bytes, "the same PDF");
    assert_eq!(third.slots, fresh.slots, "the signature slots of a list's last part kept with it");
    let keepable = kept.parts_found_kept() - found;
    assert_eq!(keepable - found, 1, "only the part holding the name was laid out again: {found} of {keepable}");
}

#[test]
fn a_long_lists_preview_is_its_first_page_as_one_layout_draws_it() {
    let bloc = kttdv::sample::bloc(2, 40);
    let preview = |renderer: &Renderer| {
        let output = Output::of(kttdv::OutFormat::Png, PdfFlavour::WITH_DATA);
        renderer.make(Kind::TongHop, &bloc, output).unwrap_or_else(|e| panic!("{e}"))
    };
    let (whole, parts) = (preview(&WHOLE), preview(&IN_PARTS[0]));
    assert!(parts.bytes.starts_with(b"\x89PNG"), "a PNG");
    assert_eq!(parts.bytes, whole.bytes, "the same picture");
    assert_eq!(parts.pages, whole.pages, "the pages of the whole list");
    assert_eq!(parts.pages, lists(&WHOLE, &bloc).pages);
}
