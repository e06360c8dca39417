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
