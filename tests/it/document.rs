//! Properties every rendered document has: our fonts only, archival PDF with
//! metadata, identical bytes for identical input, data printed literally.

use crate::common;

use common::*;
use kttdv::{Kind, PdfFlavour};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

const BUNDLED: &[&str] =
    &["LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"];

#[test]
fn documents_use_only_the_bundled_fonts_all_embedded() {
    for (kind, file) in [(Kind::Plan, "plan.json"), (Kind::Mau2, "cell.json")] {
        let fonts = pdf_fonts(&render(kind, &example(file)));
        assert!(!fonts.is_empty());
        for (name, kind_of_font, embedded) in &fonts {
            let base = name.split_once('+').map_or(name.as_str(), |(_, base)| base);
            assert!(BUNDLED.contains(&base), "{file}: unexpected font {name} ({kind_of_font})");
            assert!(embedded, "{file}: {name} is not embedded");
        }
        let used: Vec<&str> = fonts.iter().map(|(n, _, _)| n.split_once('+').map_or(n.as_str(), |(_, b)| b)).collect();
        for style in ["LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"] {
            assert!(used.contains(&style), "{file} uses {style}: {used:?}");
        }
    }
}

#[test]
fn the_pdf_is_pdf_a_2b_with_the_documents_metadata() {
    let pdf = render(Kind::Plan, &example("plan.json"));
    let info = pdf_info(&pdf);
    let get = |key: &str| info.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or_default();
    assert_eq!(get("Title"), "KẾ HOẠCH Triển khai kiểm tra kỹ thuật thẻ đảng viên lần thứ tư");
    assert_eq!(get("Author"), "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH");
    assert_eq!(get("Subject"), "Triển khai kiểm tra kỹ thuật thẻ đảng viên lần thứ tư");
    assert_eq!(get("Keywords"), "KẾ HOẠCH");
    assert!(get("CreationDate").contains("2021"), "dated by the document: {info:?}");
    assert!(get("CreationDate").contains("Apr  5") || get("CreationDate").contains("Apr 5"), "{info:?}");

    let xmp = String::from_utf8_lossy(&pdf).into_owned();
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "PDF/A part 2");
    assert!(xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "conformance B");
    assert!(xmp.contains("/Lang(vi-VN)"), "document language is Vietnamese");
    assert!(xmp.contains("<dc:language><rdf:Bag><rdf:li>vi-VN</rdf:li>"), "in the XMP too");
}

#[test]
fn plain_pdf_is_available_on_request() {
    let rendered =
        RENDERER.make(Kind::Plan, &json_input(&example("plan.json")), kttdv::Output::pdf(PdfFlavour::PLAIN)).unwrap();
    assert!(!String::from_utf8_lossy(&rendered.bytes).contains("pdfaid:part"));
    assert!(folded(&pdf_text(&rendered.bytes)).contains("Nguyễn Thị Hà"));
}

#[test]
fn identical_input_gives_identical_bytes() {
    for (kind, file) in [(Kind::Plan, "plan.json"), (Kind::Mau2, "cell.json")] {
        assert!(render(kind, &example(file)) == render(kind, &example(file)), "{file}");
    }
    let one = render(Kind::Mau2, &kttdv::sample::roster(30, 1).to_string());
    let two = render(Kind::Mau2, &kttdv::sample::roster(30, 2).to_string());
    assert!(one != two, "different data, different PDF");
}

#[test]
fn decomposed_input_prints_like_precomposed_input() {
    let nfc = example("cell.json");
    let nfd: String = nfc.nfd().collect();
    assert_ne!(nfc, nfd, "the example has accents to decompose");
    let (a, b) = (render(Kind::Mau2, &nfc), render(Kind::Mau2, &nfd));
    assert_eq!(pdf_text(&a), pdf_text(&b));
    assert!(a == b, "normalised before rendering, so the bytes agree too");
}

const HOSTILE: &[&str] = &[
    "#read(\"/etc/passwd\")",
    "*x*",
    "$x$",
    "<a>",
    "@b",
    "\\",
    "]",
    "#{}",
    "_y_ `z` = h1",
    "#set page(width: 1cm)",
    "Nguyễn Văn #emph[A] // comment /* c */",
];

#[test]
fn hostile_strings_print_literally_in_every_field() {
    // Big enough that the members made hostile here are all on the list.
    let mut roster = kttdv::sample::roster(40, 3);
    for (i, hostile) in HOSTILE.iter().enumerate() {
        roster["members"][i]["full_name"] = json!(hostile);
        roster["members"][i]["remarks"] = json!(format!("ghi chú {hostile}"));
    }
    roster["cell"]["name"] = json!("Chi bộ <b>#x</b>");
    roster["cell"]["place"] = json!("Quảng Nam ]#[");
    let pdf = render(Kind::Mau2, &roster.to_string());
    let text = folded(&pdf_text(&pdf));
    for hostile in HOSTILE {
        assert!(text.contains(hostile), "«{hostile}» printed literally");
        assert!(text.contains(&format!("ghi chú {hostile}")), "remark «{hostile}» printed literally");
    }
    assert!(text.contains("CHI BỘ <B>#X</B>"), "issuer in capitals, literally");
    assert!(text.contains("Quảng Nam ]#[, ngày 20 tháng 4 năm 2021"));
    assert!(!text.contains("root:"), "nothing was read from the disk");

    let mut plan: Value = serde_json::from_str(&example("plan.json")).unwrap();
    plan["subject"] = json!(HOSTILE[0]);
    plan["intro"] = json!(HOSTILE.iter().map(|h| json!({ "paragraph": h })).collect::<Vec<_>>());
    plan["signature"]["name"] = json!("*Nguyễn Thị Hà*");
    let text = folded(&pdf_text(&render(Kind::Plan, &plan.to_string())));
    for hostile in HOSTILE {
        assert!(text.contains(hostile), "plan: «{hostile}» printed literally");
    }
    assert!(text.contains("*Nguyễn Thị Hà*"));
}

#[test]
fn a_very_long_word_breaks_nothing() {
    // As long as each field allows: a remark of 500 characters, a name of 100.
    let word = "Rấtdàikhôngcókhoảngtrắng".repeat(20);
    let name = "Rấtdàikhôngcókhoảngtrắng".repeat(4);
    let mut roster = kttdv::sample::roster(5, 4);
    roster["members"][0]["remarks"] = json!(word);
    roster["members"][1]["full_name"] = json!(name);
    let pdf = render(Kind::Mau2, &roster.to_string());
    let text = pdf_text(&pdf);
    // Broken across lines at zero-width spaces, but whole and in order.
    let joined: String = text.split_whitespace().collect::<String>().replace('\u{200B}', "");
    assert!(joined.matches(&word).count() == 1, "the remark is printed whole");
    assert!(joined.replace(&word, "").contains(&name), "and the name");
    assert!(folded(&text).contains("Danh sách này có 5 đồng chí."));
    // Nothing runs into the right margin (15 mm) or off the page.
    for (word, x_max, page_width) in pdf_words(&pdf) {
        assert!(x_max <= page_width - 15.0 / 25.4 * 72.0 + 1.0, "«{word}» ends at {x_max} of {page_width}");
    }
}

#[test]
fn a_character_the_fonts_lack_is_an_error_naming_the_field() {
    let mut roster: Value = serde_json::from_str(&example("cell.json")).unwrap();
    roster["members"][2]["full_name"] = json!("王小明");
    roster["cell"]["place"] = json!("Quảng Nam 😀");
    let Err(kttdv::Error::Input(problems)) =
        RENDERER.make(Kind::Mau2, &roster, kttdv::Output::pdf(PdfFlavour::ARCHIVAL))
    else {
        panic!("a CJK name must be refused");
    };
    let found: Vec<(String, String)> =
        problems.iter().map(|p| (p.code.as_str().to_owned(), p.place.to_string())).collect();
    assert_eq!(
        found,
        [
            ("missing-glyph".to_owned(), "$.cell.place".to_owned()),
            ("missing-glyph".to_owned(), "$.members[2].full_name".to_owned()),
        ]
    );
    assert!(problems[1].message.contains("«王» (U+738B)"), "{}", problems[1].message);
}
