//! Signature slots: the room each signature block leaves for the signature
//! and the seal, where it landed, in the terms signing tools use.

mod common;

use common::*;
use kttdv::{Kind, PdfFlavour, Rendered};
use serde_json::Value;

fn rendered(kind: Kind) -> Rendered {
    RENDERER.render(kind, &json_input(&example("cell.json")), PdfFlavour::Archival).unwrap()
}

#[test]
fn a_list_has_one_slot_just_above_the_signers_name() {
    let list = rendered(Kind::StampList);
    assert_eq!(list.slots.len(), 1);
    let slot = &list.slots[0];
    assert_eq!(slot.name, "BiThu_ChiUy_ChiBoVanPhong");
    assert_eq!(slot.page, list.pages, "the signature is on the last page");
    let [x1, y1, x2, y2] = slot.rect;
    assert!((x2 - x1 - 170.08).abs() < 0.1 && (y2 - y1 - 85.04).abs() < 0.1, "6 × 3 cm: {:?}", slot.rect);

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
    assert_eq!(slots, serde_json::to_value(rendered(Kind::Report).slots).unwrap());
    assert_eq!(slots.as_array().unwrap().len(), 1);
    let usage = kttdv_in(
        dir.path(),
        &["render", "packet", &root().join("examples/cell.json").to_string_lossy(), "--zip", "--slots"],
        "",
    );
    assert_eq!(usage.status.code(), Some(2));
}

fn with_data(kind: Kind, input: &serde_json::Value) -> Vec<u8> {
    RENDERER.render(kind, input, PdfFlavour::WithData).unwrap().bytes
}

#[test]
fn the_pdf_carries_its_input_and_extract_returns_it() {
    let input = json_input(&example("cell.json"));
    let pdf = with_data(Kind::StampList, &input);
    let attached = kttdv::attachment::extract(&pdf).unwrap();
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

    let plain = RENDERER.render(Kind::StampList, &input, PdfFlavour::Archival).unwrap().bytes;
    let problem = kttdv::attachment::extract(&plain).unwrap_err();
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
    let problem = kttdv::attachment::extract(&forged).unwrap_err();
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
fn a_committee_built_from_its_cells_pdfs_equals_one_built_from_their_json() {
    let dir = tempfile::tempdir().unwrap();
    let committee: Value = serde_json::from_str(&example("committee.json")).unwrap();
    let mut pdfs = Vec::new();
    for (i, cell) in committee["cells"].as_array().unwrap().iter().enumerate() {
        let input = json_input(&std::fs::read_to_string(root().join("examples").join(cell.as_str().unwrap())).unwrap());
        let name = format!("chi-bo-{i}.pdf");
        std::fs::write(dir.path().join(&name), with_data(Kind::Packet, &input)).unwrap();
        pdfs.push(name);
    }
    let mut from_pdfs = committee.clone();
    from_pdfs["cells"] = serde_json::json!(pdfs);
    std::fs::write(dir.path().join("committee.json"), from_pdfs.to_string()).unwrap();
    let out = kttdv_in(dir.path(), &["render", "mau-6", "committee.json", "-o", "tu-pdf.pdf"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = kttdv_in(&root(), &["render", "mau-6", "examples/committee.json", "-o", "-"], "");
    assert!(json.status.success());
    let from_pdf_text = pdf_text(&std::fs::read(dir.path().join("tu-pdf.pdf")).unwrap());
    assert_eq!(from_pdf_text, pdf_text(&json.stdout));
    assert!(folded(&from_pdf_text).contains("Chi bộ Phòng Ngân sách"));
}
