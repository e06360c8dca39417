//! Signed-ready PDFs: the room each signature block leaves for the signature
//! and the seal, where it landed, the empty signature field over it, signing
//! that field with a standard tool (pyHanko), and the data the PDF carries.

use crate::common;

use common::*;
use kttdv::{Kind, PdfFlavour, Rendered};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn rendered(kind: Kind) -> Rendered {
    RENDERER.make(kind, &json_input(&example("cell.json")), kttdv::Output::pdf(PdfFlavour::ARCHIVAL)).unwrap()
}

#[test]
fn a_list_has_one_slot_just_above_the_signers_name() {
    let list = rendered(Kind::Mau2);
    assert_eq!(list.slots.len(), 1);
    let slot = &list.slots[0];
    assert_eq!(slot.name, "BiThu_ChiUy_ChiBoVanPhong");
    assert_eq!(slot.page, list.pages, "the signature is on the last page");
    let [x1, y1, x2, y2] = slot.rect;
    // A cell has no seal: room for the signature alone.
    assert!((x2 - x1 - 141.73).abs() < 0.1 && (y2 - y1 - 56.69).abs() < 0.1, "5 × 2 cm: {:?}", slot.rect);
    assert!(!slot.seal);
    assert_eq!(slot.anchor, "Trần Văn Hùng");

    // The name printed under the room: its top just below the slot's bottom
    // edge (PDF y grows upwards, poppler's downwards), inside its width.
    let words = pdf_word_boxes(&list.bytes);
    let name = words.iter().rfind(|w| w.page == slot.page && w.text == "Hùng").expect("the signer's name");
    let below = name.y_min - (name.page_height - y1);
    assert!((0.0..20.0).contains(&below), "the name is {below} pt below the slot");
    assert!(x1 < name.x_min && name.x_max < x2, "the name sits within the slot's width");
    let title = words.iter().rfind(|w| w.page == slot.page && w.text == "THƯ").expect("the signer's title");
    assert!(title.y_max <= name.page_height - y2 + 1.0, "the title is above the slot");
}

#[test]
fn a_packet_has_a_slot_on_each_forms_last_page() {
    let packet = rendered(Kind::Packet);
    let names: Vec<&str> = packet.slots.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "BiThu_ChiUy_ChiBoVanPhong",
            "BiThu_ChiUy_ChiBoVanPhong_2",
            "BiThu_ChiUy_ChiBoVanPhong_3",
            "BiThu_ChiUy_ChiBoVanPhong_4",
            "BiThu_ChiUy_ChiBoVanPhong_5"
        ]
    );
    let pages: Vec<usize> = packet.slots.iter().map(|s| s.page).collect();
    assert!(pages.windows(2).all(|p| p[0] < p[1]), "one form after another: {pages:?}");
    assert_eq!(*pages.last().unwrap(), packet.pages);
    for slot in &packet.slots {
        let text = pdf_pages(&packet.bytes)[slot.page - 1].clone();
        assert!(text.contains("Trần Văn Hùng"), "page {} holds a signature", slot.page);
    }
}

#[test]
fn the_command_line_prints_the_slots() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        kttdv_in(dir.path(), &["render", "mau-1", &root().join("examples/cell.json").to_string_lossy(), "--slots"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let slots: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(slots, serde_json::to_value(rendered(Kind::Mau1).slots).unwrap());
    assert_eq!(slots.as_array().unwrap().len(), 1);
    let usage = kttdv_in(
        dir.path(),
        &["render", "packet", &root().join("examples/cell.json").to_string_lossy(), "--zip", "--slots"],
        "",
    );
    assert_eq!(usage.status.code(), Some(2));
}

fn with_data(kind: Kind, input: &serde_json::Value) -> Vec<u8> {
    RENDERER.make(kind, input, kttdv::Output::pdf(PdfFlavour::WITH_DATA)).unwrap().bytes
}

#[test]
fn the_pdf_carries_its_input_and_extract_returns_it() {
    let input = json_input(&example("cell.json"));
    let pdf = with_data(Kind::Mau2, &input);
    let attached = kttdv::extract(&pdf).unwrap();
    assert_eq!(attached.input, input, "the exact input");
    assert_eq!(attached.kind, "mau-2");
    assert_eq!(attached.template_version, RENDERER.template_version());
    let xmp = String::from_utf8_lossy(&pdf).into_owned();
    assert!(xmp.contains("<pdfaid:part>3</pdfaid:part>"), "PDF/A-3b");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mau-2.pdf"), &pdf).unwrap();
    let out = kttdv_in(dir.path(), &["extract", "mau-2.pdf"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), input);

    let plain = RENDERER.make(Kind::Mau2, &input, kttdv::Output::pdf(PdfFlavour::ARCHIVAL)).unwrap().bytes;
    let problem = kttdv::extract(&plain).unwrap_err();
    assert_eq!(problem.code.as_str(), "no-attachment");
}

/// The PDF with its attachment's input changed and its hash left alone.
fn tampered(pdf: &[u8]) -> Vec<u8> {
    let mut document = lopdf::Document::load_mem(pdf).unwrap();
    let ids: Vec<lopdf::ObjectId> = document.objects.keys().copied().collect();
    let mut changed = false;
    for id in ids {
        let Ok(stream) = document.get_object_mut(id).and_then(|o| o.as_stream_mut()) else { continue };
        let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        let text = String::from_utf8_lossy(&content);
        if text.contains("\"sha256\"") && text.contains("Trần Văn Hùng") {
            let forged = text.replace("Trần Văn Hùng", "Trần Văn Hưng");
            stream.set_plain_content(forged.into_bytes());
            changed = true;
        }
    }
    assert!(changed, "the attachment was found");
    let mut out = Vec::new();
    document.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_tampered_attachment_is_refused() {
    let pdf = with_data(Kind::Packet, &json_input(&example("cell.json")));
    let forged = tampered(&pdf);
    let problem = kttdv::extract(&forged).unwrap_err();
    assert_eq!(problem.code.as_str(), "tampered-attachment");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("van-phong.pdf"), &forged).unwrap();
    let mut committee: Value = serde_json::from_str(&example("committee.json")).unwrap();
    committee["cells"] = serde_json::json!(["van-phong.pdf"]);
    std::fs::write(dir.path().join("committee.json"), committee.to_string()).unwrap();
    let out = kttdv_in(dir.path(), &["check", "mau-6", "committee.json"], "");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("tampered-attachment\t[van-phong.pdf]"), "{stdout}");
}

#[test]
fn a_committee_built_from_its_cells_signed_pdfs_equals_one_built_from_their_json() {
    let dir = tempfile::tempdir().unwrap();
    throwaway_certificate(dir.path());
    std::fs::create_dir(dir.path().join("da-ky")).unwrap();
    let committee: Value = serde_json::from_str(&example("committee.json")).unwrap();
    for (i, cell) in committee["cells"].as_array().unwrap().iter().enumerate() {
        let input = json_input(&std::fs::read_to_string(root().join("examples").join(cell.as_str().unwrap())).unwrap());
        let packet = RENDERER.make(Kind::Packet, &input, kttdv::Output::pdf(PdfFlavour::WITH_DATA)).unwrap();
        let name = format!("chi-bo-{i}.pdf");
        std::fs::write(dir.path().join(&name), &packet.bytes).unwrap();
        sign(dir.path(), &name, &packet.slots[0].name, &format!("da-ky/{name}"));
    }
    // The committee's own file as it is; the signed PDFs named on the command line.
    let details = root().join("examples/committee.json").to_string_lossy().into_owned();
    let out = kttdv_in(dir.path(), &["render", "mau-6", &details, "--cells", "da-ky", "-o", "tu-pdf.pdf"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = kttdv_in(&root(), &["render", "mau-6", "examples/committee.json", "-o", "-"], "");
    assert!(json.status.success());
    let from_pdf_text = pdf_text(&std::fs::read(dir.path().join("tu-pdf.pdf")).unwrap());
    assert_eq!(from_pdf_text, pdf_text(&json.stdout));
    assert!(folded(&from_pdf_text).contains("Chi bộ Phòng Ngân sách"));

    // A problem in a file named on the command line is reported in it.
    let out = kttdv_in(dir.path(), &["check", "mau-6", &details, "--cells", "da-ky", "khong-co.pdf"], "");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("unreadable-file\t$.cells[1]\tkhông đọc được «khong-co.pdf»"), "{stdout}");
}

/// The signature fields of a PDF as (name, page number, rectangle, signed).
pub(crate) fn signature_fields(pdf: &[u8]) -> Vec<(String, usize, [f64; 4], bool)> {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    assert!(document.trailer.get(b"Encrypt").is_err(), "unencrypted");
    let pages = document.get_pages();
    let form = document.catalog().unwrap().get(b"AcroForm").unwrap();
    let form = document.dereference(form).unwrap().1.as_dict().unwrap();
    let fields = document.dereference(form.get(b"Fields").unwrap()).unwrap().1.as_array().unwrap();
    fields
        .iter()
        .map(|field| {
            let id = field.as_reference().unwrap();
            let field = document.get_dictionary(id).unwrap();
            assert_eq!(field.get(b"FT").unwrap().as_name().unwrap(), b"Sig");
            assert_eq!(field.get(b"F").unwrap().as_i64().unwrap(), 4, "printable, as PDF/A asks");
            assert!(field.get(b"AP").unwrap().as_dict().unwrap().has(b"N"), "an appearance, as PDF/A asks");
            let page_id = field.get(b"P").unwrap().as_reference().unwrap();
            let page = *pages.iter().find(|(_, id)| **id == page_id).unwrap().0 as usize;
            let annotations = document.get_dictionary(page_id).unwrap().get(b"Annots").unwrap().as_array().unwrap();
            assert!(annotations.contains(&lopdf::Object::Reference(id)), "the page lists its field");
            let rect: Vec<f64> =
                field.get(b"Rect").unwrap().as_array().unwrap().iter().map(|v| v.as_float().unwrap() as f64).collect();
            let name = String::from_utf8(field.get(b"T").unwrap().as_str().unwrap().to_vec()).unwrap();
            (name, page, rect.try_into().unwrap(), field.has(b"V"))
        })
        .collect()
}

pub(crate) fn qpdf_check(pdf: &Path) {
    let out = Command::new("qpdf").arg("--check").arg(pdf).output().expect("qpdf is installed (.ci/run)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("No syntax or stream encoding errors"), "{text}");
}

#[test]
fn each_signature_block_gets_one_empty_signature_field_over_its_slot() {
    let input = json_input(&example("cell.json"));
    for kind in [Kind::Mau2, Kind::Packet] {
        let rendered = RENDERER.make(kind, &input, kttdv::Output::pdf(PdfFlavour::WITH_DATA)).unwrap();
        let fields = signature_fields(&rendered.bytes);
        assert_eq!(fields.len(), rendered.slots.len(), "one field per signature block");
        for ((name, page, rect, signed), slot) in fields.iter().zip(&rendered.slots) {
            assert_eq!((name, *page), (&slot.name, slot.page));
            assert!(rect.iter().zip(slot.rect).all(|(a, b)| (a - b).abs() < 0.01), "{rect:?} against {:?}", slot.rect);
            assert!(!signed, "empty");
        }

        // An incremental update: the rendered bytes are there untouched.
        let bare =
            RENDERER.make(kind, &input, kttdv::Output::pdf(PdfFlavour::WITH_DATA.without_signature_fields())).unwrap();
        assert!(rendered.bytes.starts_with(&bare.bytes) && rendered.bytes.len() > bare.bytes.len());
        assert!(lopdf::Document::load_mem(&bare.bytes).unwrap().catalog().unwrap().get(b"AcroForm").is_err());

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("out.pdf"), &rendered.bytes).unwrap();
        qpdf_check(&dir.path().join("out.pdf"));
    }
}

#[test]
fn the_command_line_can_leave_the_fields_out() {
    let dir = tempfile::tempdir().unwrap();
    let cell = root().join("examples/cell.json").to_string_lossy().into_owned();
    let out = kttdv_in(dir.path(), &["render", "mau-2", &cell, "-o", "-", "--no-signature-fields"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let document = lopdf::Document::load_mem(&out.stdout).unwrap();
    assert!(document.catalog().unwrap().get(b"AcroForm").is_err());
    let out = kttdv_in(dir.path(), &["render", "mau-2", &cell, "-o", "-"], "");
    assert_eq!(signature_fields(&out.stdout).len(), 1, "on by default");
}

/// pyHanko, the standard tool the tests sign with (installed by `.ci/run`).
pub(crate) fn pyhanko(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("python3")
        .args(["-m", "pyhanko"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("python3 with pyHanko (.ci/run installs it)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "pyhanko {args:?}: {text}");
    text
}

/// A throw-away key and self-signed certificate in `dir`.
pub(crate) fn throwaway_certificate(dir: &Path) {
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"])
        .args(["-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=Bi thu thu nghiem/O=Chi bo Van phong"])
        .current_dir(dir)
        .output()
        .expect("openssl (.ci/run installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Signs the field `field` of `input` into `output`, both in `dir`.
pub(crate) fn sign(dir: &Path, input: &str, field: &str, output: &str) {
    let pemder = ["pemder", "--key", "key.pem", "--cert", "cert.pem", "--no-pass", input, output];
    pyhanko(dir, &[&["sign", "addsig", "--field", field][..], &pemder].concat());
}

#[test]
fn a_standard_tool_signs_the_field_and_the_signature_covers_the_whole_document() {
    let dir = tempfile::tempdir().unwrap();
    throwaway_certificate(dir.path());
    let input = json_input(&example("cell.json"));
    let rendered = RENDERER.make(Kind::Mau2, &input, kttdv::Output::pdf(PdfFlavour::WITH_DATA)).unwrap();
    std::fs::write(dir.path().join("mau-2.pdf"), &rendered.bytes).unwrap();
    sign(dir.path(), "mau-2.pdf", &rendered.slots[0].name, "mau-2-da-ky.pdf");

    let report = pyhanko(
        dir.path(),
        &["sign", "validate", "--pretty-print", "--trust-replace", "--trust", "cert.pem", "mau-2-da-ky.pdf"],
    );
    assert!(report.contains(&format!("Field 1: {}", rendered.slots[0].name)), "{report}");
    assert!(report.contains("The signature is cryptographically sound."), "{report}");
    assert!(report.contains("The signature covers the entire file."), "{report}");
    assert!(report.contains("The signature is judged VALID."), "{report}");

    let signed = std::fs::read(dir.path().join("mau-2-da-ky.pdf")).unwrap();
    let fields = signature_fields(&signed);
    assert_eq!(fields.len(), 1, "signed in the field kttdv made, not a new one");
    assert!(fields[0].3, "the field now holds the signature");
    qpdf_check(&dir.path().join("mau-2-da-ky.pdf"));
    assert_eq!(kttdv::extract(&signed).unwrap().input, input, "the data travels signed");
}

#[test]
fn a_page_that_has_links_keeps_them_beside_its_signature_field() {
    // A committee's template override may put a link on the signature's page.
    let dir = tempfile::tempdir().unwrap();
    let template = "#import \"forms/mau-2.typ\": form\n\
                    #set page(foreground: place(top + left, link(\"https://example.org\")[x]))\n\
                    #form(json(\"/data.json\"))\n";
    std::fs::write(dir.path().join("mau-2.typ"), template).unwrap();
    let config = kttdv::EngineConfig { templates_dir: Some(dir.path().to_path_buf()), fonts_dir: None };
    let renderer = kttdv::Renderer::new(&config).unwrap();
    let rendered = renderer
        .make(Kind::Mau2, &json_input(&example("cell.json")), kttdv::Output::pdf(PdfFlavour::WITH_DATA))
        .unwrap();
    let fields = signature_fields(&rendered.bytes);
    assert_eq!(fields.len(), 1);

    let document = lopdf::Document::load_mem(&rendered.bytes).unwrap();
    let page = document.get_pages()[&(rendered.slots[0].page as u32)];
    let annotations = document.get_dictionary(page).unwrap().get(b"Annots").unwrap().as_array().unwrap();
    let subtypes: Vec<&[u8]> = annotations
        .iter()
        .map(|a| {
            document.get_dictionary(a.as_reference().unwrap()).unwrap().get(b"Subtype").unwrap().as_name().unwrap()
        })
        .collect();
    assert_eq!(subtypes, [&b"Link"[..], b"Widget"], "the link stays, the field joins it");
    std::fs::write(dir.path().join("out.pdf"), &rendered.bytes).unwrap();
    qpdf_check(&dir.path().join("out.pdf"));
}
