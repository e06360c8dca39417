//! A cell's whole submission: report 1 and lists 2–5 from one roster, alone
//! and as a packet, with every figure agreeing across the forms.

use crate::common;

use common::*;
use kttdv::{Kind, PdfFlavour};
use serde_json::{Value, json};

fn cell() -> Value {
    serde_json::from_str(&example("cell.json")).unwrap()
}

fn text_of(kind: Kind, roster: &Value) -> String {
    folded(&pdf_text(&render(kind, &roster.to_string())))
}

/// Names of the members whose `card` matches, in input order.
fn names_with(roster: &Value, outcome: &str) -> Vec<String> {
    roster["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["card"] == outcome || m["card"].get(outcome).is_some())
        .map(|m| m["full_name"].as_str().unwrap().to_owned())
        .collect()
}

/// A column title wraps inside its cell and reads out of order; its words
/// are all there.
fn assert_words(text: &str, title: &str) {
    for word in title.split_whitespace() {
        assert!(text.contains(word), "«{word}» of «{title}»");
    }
}

fn all_names(roster: &Value) -> Vec<String> {
    roster["members"].as_array().unwrap().iter().map(|m| m["full_name"].as_str().unwrap().to_owned()).collect()
}

/// Each list holds exactly the members with its outcome, and no one else.
#[test]
fn each_list_holds_exactly_its_members() {
    let roster = cell();
    for (kind, outcome, code, subject) in [
        (Kind::Mau2, "stamp", "2-KTTĐV", "Đề nghị đóng dấu kiểm tra kỹ thuật thẻ đảng viên"),
        (Kind::Mau3, "damaged", "3-KTTĐV", "Đề nghị đổi lại thẻ đảng viên bị hỏng"),
        (Kind::Mau4, "lost", "4-KTTĐV", "Đề nghị cấp lại thẻ đảng viên bị mất"),
        (Kind::Mau5, "no_current_card", "5-KTTĐV", "Đảng viên chính thức chưa được đổi và phát thẻ đảng viên"),
    ] {
        let text = text_of(kind, &roster);
        // The table: what comes before the count line (the signer's name follows it).
        let table = &text[..text.find("Danh sách này có").expect("the count line")];
        let expected = names_with(&roster, outcome);
        assert!(!expected.is_empty(), "the example has a {outcome} card");
        assert!(text.contains(&format!("Mẫu {code}")) && text.contains(subject), "{code}");
        assert_in_order(table, &expected.iter().map(String::as_str).collect::<Vec<_>>());
        for name in all_names(&roster).iter().filter(|n| !expected.contains(n)) {
            assert!(!table.contains(name.as_str()), "{name} must not be on {code}");
        }
        assert!(text.contains(&format!("Danh sách này có {} đồng chí.", expected.len())), "{code}");
        assert_in_order(&text, &["T/M CHI ỦY", "BÍ THƯ", "Trần Văn Hùng"]);
    }
}

#[test]
fn lists_3_to_5_carry_their_reasons_and_stamp_boxes() {
    let roster = cell();
    let damaged = text_of(Kind::Mau3, &roster);
    assert_words(&damaged, "Tình trạng, lý do thẻ bị hỏng");
    let row = pdf_layout(&RENDERER.make(Kind::Mau3, &roster, kttdv::Output::pdf(PdfFlavour::PLAIN)).unwrap().bytes);
    let line = row.lines().find(|l| l.contains("Bùi Thị Mỹ Linh")).expect("her row");
    assert_in_order(line, &["Bùi Thị Mỹ Linh", "49.102599"]);
    assert!(damaged.contains("Thẻ bị nhòe ảnh, bong lớp ép"));
    assert!(damaged.contains("Đóng dấu ô số 3, 4"), "{damaged}");

    let lost = text_of(Kind::Mau4, &roster);
    assert_words(&lost, "Lý do mất thẻ");
    assert_words(&lost, "Hình thức xử lý");
    assert!(lost.contains("Trương Thị Yến"));
    assert_words(&lost, "Chi bộ kiểm điểm, nhắc nhở");
    assert_words(&lost, "Đóng dấu ô số 1, 2, 3, 4");
    assert_words(&lost, "Mất ví khi đi công tác tại Đà Nẵng, tháng 01/2021");

    let no_card = text_of(Kind::Mau5, &roster);
    assert_words(&no_card, "Lý do chưa được đổi, phát thẻ");
    assert!(no_card.contains("Tạ Thị Hồng Nhung"));
    assert_words(&no_card, "Chuyển sinh hoạt từ tỉnh khác, chưa được đổi thẻ mẫu mới");
}

#[test]
fn report_1_states_the_figures_and_the_cells_words() {
    let text = text_of(Kind::Mau1, &cell());
    assert_in_order(&text, &["ĐẢNG BỘ SỞ TÀI CHÍNH", "CHI BỘ VĂN PHÒNG", "Số 03-BC/CB", "BÁO CÁO"]);
    assert_in_order(
        &text,
        &[
            "I. SỐ LIỆU (tính đến ngày 15/04/2021)",
            "1. Tổng số đảng viên của chi bộ: 25 đồng chí.",
            "Trong đó: đảng viên chính thức 23 đồng chí; đảng viên dự bị 2 đồng chí; đảng viên sinh hoạt đảng tạm thời 2 đồng chí.",
            "2. Đảng viên chính thức đã được phát thẻ: 22 đồng chí.",
            "3. Đảng viên chính thức chưa được đổi, phát thẻ: 1 đồng chí (Mẫu 5-KTTĐV).",
            "4. Số thẻ đề nghị đóng dấu kiểm tra kỹ thuật: 19 thẻ (Mẫu 2-KTTĐV).",
            "5. Số thẻ hỏng đề nghị đổi lại: 1 thẻ (Mẫu 3-KTTĐV).",
            "6. Số thẻ mất đề nghị cấp lại: 1 thẻ (Mẫu 4-KTTĐV).",
            "thẻ không đóng dấu vì lý do khác",
            "II. TÌNH HÌNH SỬ DỤNG, BẢO QUẢN THẺ ĐẢNG VIÊN",
            "Nhìn chung đảng viên trong chi bộ sử dụng, bảo quản thẻ đúng quy định",
            "- 01 đồng chí để thẻ bị nhòe ảnh",
            "III. KIẾN NGHỊ, ĐỀ XUẤT",
            "Đề nghị Đảng ủy sớm xét cấp lại",
        ],
    );
    assert!(text.contains("7. Số thẻ không đóng dấu vì lý do khác (đã ra khỏi Đảng, vắng mặt, đang xem xét…): 1 thẻ."));
    assert_in_order(&text, &["Nơi nhận:", "- Đảng ủy Sở Tài chính (để b/c),", "- Lưu chi bộ."]);
    assert_in_order(&text, &["T/M CHI ỦY", "BÍ THƯ", "Trần Văn Hùng"]);
}

#[test]
fn a_report_without_the_cells_words_leaves_lines_to_write_on() {
    let mut roster = cell();
    roster.as_object_mut().unwrap().remove("report");
    roster["cell"].as_object_mut().unwrap().remove("report_number");
    let text = text_of(Kind::Mau1, &roster);
    assert!(text.contains("Số -BC/CB"), "a number to fill in: {text}");
    assert!(text.contains("....................."), "dotted lines");
}

#[test]
fn a_form_with_no_rows_is_still_produced_and_says_so() {
    let mut roster = cell();
    roster["members"][11]["card"] = json!("stamp");
    let text = text_of(Kind::Mau4, &roster);
    assert!(text.contains("Không có đồng chí nào.") && text.contains("Danh sách này không có đồng chí nào."));
    assert!(text_of(Kind::Mau1, &roster).contains("6. Số thẻ mất đề nghị cấp lại: 0 thẻ (Mẫu 4-KTTĐV)."));
}

#[test]
fn the_packet_holds_the_five_forms_each_from_a_new_page_numbered_afresh() {
    let mut roster = kttdv::sample::roster(60, 11);
    roster["report"] = json!({ "usage": [{ "paragraph": "Thẻ được bảo quản tốt." }] });
    let pdf = render(Kind::Packet, &roster.to_string());
    let pages: Vec<String> = pdf_pages(&pdf).iter().map(|p| folded(p)).collect();
    let starts: Vec<(usize, &str)> = ["1", "2", "3", "4", "5"]
        .iter()
        .map(|n| {
            let code = format!("Mẫu {n}-KTTĐV");
            let page =
                pages.iter().position(|p| p.starts_with(&code)).unwrap_or_else(|| panic!("{code} in the packet"));
            (page, *n)
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0].0 < w[1].0), "forms in order, each from a new page: {starts:?}");
    // The page number, where there is one: a line of digits at the top of the page.
    let layout = pdf_layout_pages(&pdf);
    assert_eq!(layout.len(), pages.len());
    let number = |page: &str| -> Option<usize> {
        page.lines().map(str::trim).filter(|l| !l.is_empty()).take(2).find_map(|l| l.parse().ok())
    };
    for (i, page) in layout.iter().enumerate() {
        let (start, _) = *starts.iter().rev().find(|(s, _)| *s <= i).expect("every page belongs to a form");
        let expected = (i > start).then_some(i - start + 1);
        assert_eq!(number(page), expected, "page {} of the packet, page {} of its form", i + 1, i - start + 1);
    }
    // Form 2 of 60 members runs over several pages, so the numbering is really exercised.
    assert!(starts[2].0 - starts[1].0 >= 2, "form 2 has more than one page");
    let info = pdf_info(&pdf);
    assert!(info.iter().any(|(k, v)| k == "Title" && v.contains("Hồ sơ kiểm tra kỹ thuật thẻ đảng viên")), "{info:?}");
}

#[test]
fn the_zip_holds_five_pdfs_named_after_form_and_cell() {
    let rendered = RENDERER
        .make(Kind::Packet, &json_input(&example("cell.json")), kttdv::Output::zip(PdfFlavour::ARCHIVAL))
        .unwrap();
    assert_eq!(rendered.file_name, "ho-so-kttdv_chi-bo-van-phong.zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(rendered.bytes)).unwrap();
    let names: Vec<String> = (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().to_string()).collect();
    let expected: Vec<String> = (1..=5).map(|n| format!("mau-{n}-kttdv_chi-bo-van-phong.pdf")).collect();
    assert_eq!(names, expected);
    for (n, name) in expected.iter().enumerate() {
        let mut pdf = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(name).unwrap(), &mut pdf).unwrap();
        assert!(folded(&pdf_text(&pdf)).contains(&format!("Mẫu {}-KTTĐV", n + 1)), "{name}");
    }
}

#[test]
fn the_cli_writes_the_packet_as_pdf_or_zip() {
    let dir = tempfile::tempdir().unwrap();
    let input = root().join("examples/cell.json");
    let out = kttdv_in(dir.path(), &["render", "packet", input.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("ho-so-kttdv_chi-bo-van-phong.pdf").exists());
    let out = kttdv_in(dir.path(), &["render", "packet", input.to_str().unwrap(), "--zip"], "");
    assert!(out.status.success());
    assert!(dir.path().join("ho-so-kttdv_chi-bo-van-phong.zip").exists());
    let out = kttdv_in(dir.path(), &["render", "mau-2", input.to_str().unwrap(), "--zip"], "");
    assert_eq!(out.status.code(), Some(2), "--zip is for packets only");
}

/// A small deterministic generator for the property test below.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// On rosters with random outcomes: report 1's figures equal the lists'
/// lengths and an independent count, and the totals add up (R9).
#[test]
fn figures_agree_across_forms_on_random_rosters() {
    for seed in 0..12u64 {
        let mut rng = Lcg(seed);
        let size = 3 + rng.below(40) as usize;
        let mut roster = kttdv::sample::roster(size, seed);
        for (i, member) in roster["members"].as_array_mut().unwrap().iter_mut().enumerate() {
            if member["membership"] != "full" {
                continue;
            }
            member["card_number"] = json!(format!("49.{:06}", 900_000 + i));
            member["card"] = match rng.below(10) {
                0 => json!({ "damaged": { "defect": "Rách" } }),
                1 => json!({ "lost": { "circumstances": "Mất", "handling": "Nhắc nhở" } }),
                2 => json!({ "no_current_card": { "reason": "Chưa phát" } }),
                3 => json!({ "not_stamped": { "reason": "Vắng mặt" } }),
                _ => json!("stamp"),
            };
        }
        let count = |outcome: &str| names_with(&roster, outcome).len();
        let members = roster["members"].as_array().unwrap();
        let total = members.len();
        let probationary = members.iter().filter(|m| m["membership"] == "probationary").count();
        let (stamp, damaged, lost, without, other) =
            (count("stamp"), count("damaged"), count("lost"), count("no_current_card"), count("not_stamped"));

        let report = text_of(Kind::Mau1, &roster);
        let figure = |label: &str| -> usize {
            let at = report.find(label).unwrap_or_else(|| panic!("seed {seed}: «{label}» in {report}")) + label.len();
            report[at..].trim_start().split(' ').next().unwrap().parse().unwrap()
        };
        assert_eq!(figure("Tổng số đảng viên của chi bộ:"), total, "seed {seed}");
        assert_eq!(figure("đảng viên dự bị"), probationary);
        assert_eq!(figure("đảng viên chính thức"), total - probationary);
        assert_eq!(figure("đã được phát thẻ:"), stamp + damaged + lost + other, "with card = its parts");
        assert_eq!(figure("chưa được đổi, phát thẻ:"), without);
        assert_eq!(figure("đề nghị đóng dấu kiểm tra kỹ thuật:"), stamp);
        assert_eq!(figure("hỏng đề nghị đổi lại:"), damaged);
        assert_eq!(figure("mất đề nghị cấp lại:"), lost);
        assert_eq!(total - probationary, stamp + damaged + lost + other + without, "full = with + without card");
        for (kind, n) in [(Kind::Mau2, stamp), (Kind::Mau3, damaged), (Kind::Mau4, lost), (Kind::Mau5, without)] {
            let count = match n {
                0 => "Danh sách này không có đồng chí nào.".to_owned(),
                n => format!("Danh sách này có {n} đồng chí."),
            };
            assert!(text_of(kind, &roster).contains(&count), "seed {seed}: {kind:?}");
        }
    }
}
