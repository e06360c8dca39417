//! Documents ready to sign without retouching, checked on the PDFs' text
//! over generated inputs of many sizes: a signature never alone on its
//! page, groups that keep their headings and subtotals with their rows,
//! figures and sentences as Vietnamese documents write them.

use crate::common::*;
use kttdv::{Kind, PdfFlavour, Rendered};
use serde_json::{Value, json};

/// A cell of `members` generated members under the example committee.
fn cell(members: usize, seed: u64, name: &str) -> Value {
    kttdv::sample::cell(members, seed, name, "Đảng bộ Sở Tài chính")
}

/// Cell names without digits: "Chi bộ Phòng A", "Chi bộ Phòng B"…
fn cell_name(i: usize) -> String {
    format!("Chi bộ Phòng {}", ["A", "B", "C", "D", "E", "G", "H", "K", "L", "M", "N", "P"][i])
}

fn committee(cells: usize, members: usize) -> Value {
    let mut committee: Value = serde_json::from_str(&example("committee.json")).unwrap();
    committee["cells"] = (0..cells).map(|i| cell(members + i * 3, 40 + i as u64, &cell_name(i))).collect();
    committee
}

/// The example Board's input, with the files it names read in.
fn board() -> Value {
    let path = root().join("examples/board.json");
    let Ok(read) = kttdv::Assembled::read(&path, &[], &|_| {}) else { panic!("the example reads") };
    read.value
}

fn rendered(kind: Kind, input: &Value) -> Rendered {
    match RENDERER.make(kind, input, kttdv::Output::pdf(PdfFlavour::PLAIN)) {
        Ok(rendered) => rendered,
        Err(kttdv::Error::Input(problems)) => panic!("input rejected: {problems:#?}"),
        Err(err) => panic!("{err}"),
    }
}

/// What the page of each signature holds before its closing (the count
/// line, "Nơi nhận"), page numbers and column indices aside: never nothing.
fn assert_never_alone(what: &str, rendered: &Rendered, closing: &str) {
    let pages = pdf_layout_pages(&rendered.bytes);
    assert!(!rendered.slots.is_empty(), "{what}: a slot");
    for slot in &rendered.slots {
        let page = &pages[slot.page - 1];
        let before = &page[..page.find(closing).unwrap_or_else(|| panic!("{what}: «{closing}» on page {}", slot.page))];
        let body: Vec<&str> = before
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.chars().all(|c| c.is_ascii_digit() || "() ".contains(c)))
            .collect();
        assert!(!body.is_empty(), "{what}: the signature alone on page {}:\n{page}", slot.page);
    }
}

#[test]
fn a_cells_signature_is_never_alone_on_its_page() {
    for members in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 21, 25, 30, 40, 55, 75, 100, 150, 200] {
        let roster = cell(members, members as u64, "Chi bộ Văn phòng");
        let list = rendered(Kind::Mau2, &roster);
        assert_never_alone(&format!("mẫu 2, {members} đảng viên"), &list, "Danh sách này có");
        let slot = &list.slots[0];
        assert!(!slot.seal, "a cell has no seal: {slot:?}");
        assert_eq!(slot.anchor, roster["cell"]["signer"]["name"].as_str().unwrap());
        let report = rendered(Kind::Mau1, &roster);
        assert_never_alone(&format!("mẫu 1, {members} đảng viên"), &report, "Nơi nhận");
    }
}

#[test]
fn a_committees_signature_is_never_alone_on_its_page() {
    for cells in 1..=12 {
        let committee = committee(cells, 4 + cells);
        let summary = rendered(Kind::Mau6, &committee);
        assert_never_alone(&format!("mẫu 6, {cells} chi bộ"), &summary, "Nơi nhận");
        assert!(summary.slots.iter().all(|s| s.seal), "a committee stamps its seal");
        let lists = rendered(Kind::TongHop, &committee);
        assert_never_alone(&format!("danh sách tổng hợp, {cells} chi bộ"), &lists, "Danh sách này");
    }
}

#[test]
fn groups_keep_their_headings_and_subtotals_with_their_rows() {
    for (cells, members) in [(3, 14), (5, 9), (8, 20), (12, 6)] {
        let committee = committee(cells, members);
        let lists = rendered(Kind::TongHop, &committee);
        let names: Vec<String> = (0..cells).map(cell_name).collect();
        let pages = pdf_layout_pages(&lists.bytes);
        for (p, page) in pages.iter().enumerate() {
            let lines: Vec<&str> = page.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            let last = lines.last().copied().unwrap_or_default();
            assert!(
                !names.iter().any(|n| last == n),
                "{cells} cells, page {}: ends on a heading «{last}»:\n{page}",
                p + 1
            );
            // The first row under the column indices.
            if let Some(at) = lines.iter().position(|l| l.starts_with("(1)")) {
                let first = lines.get(at + 1).copied().unwrap_or_default();
                assert!(!first.starts_with("Cộng "), "{cells} cells, page {}: opens with «{first}»", p + 1);
                // Every page's rows start under their unit's name, said again
                // with "(tiếp theo)" where the unit goes on from the page before.
                let continued = names.iter().any(|n| first == format!("{n} (tiếp theo)"));
                let fresh = names.iter().any(|n| first == n);
                let empty = first == "Không có đồng chí nào.";
                assert!(continued || fresh || empty, "{cells} cells, page {}: opens with «{first}»:\n{page}", p + 1);
            }
        }
    }
}

#[test]
fn a_boards_list_says_the_organisation_again_on_every_page_it_goes_on() {
    let run = kttdv(&["sample", "khoi", "--committees", "3", "--members", "20", "-o", "-"], "");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let board = json_input(&String::from_utf8(run.stdout).unwrap());
    let organisations: Vec<String> = board["committees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["organisation"].as_str().unwrap().to_uppercase())
        .collect();
    let pages = pdf_layout_pages(&rendered(Kind::TongHop, &board).bytes);
    let mut continued = 0;
    for (p, page) in pages.iter().enumerate() {
        let lines: Vec<&str> = page.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let Some(at) = lines.iter().position(|l| l.starts_with("(1)")) else { continue };
        // Under the column indices: an organisation's name, said again where it
        // goes on from the page before, then a cell's.
        let first = lines.get(at + 1).copied().unwrap_or_default();
        let again = organisations.iter().any(|o| first == format!("{o} (tiếp theo)"));
        let fresh = organisations.iter().any(|o| first == o);
        assert!(again || fresh || first == "Không có đồng chí nào.", "page {}: opens with «{first}»:\n{page}", p + 1);
        continued += usize::from(again);
    }
    assert!(continued >= 6, "organisations go on over pages: {continued}");
}

#[test]
fn an_empty_list_and_a_cells_default_recipients_say_what_they_mean() {
    let mut cell = json_input(&example("cell.json"));
    cell["members"].as_array_mut().unwrap().retain(|m| m["card"].get("damaged").is_none());
    cell["cell"].as_object_mut().unwrap().remove("recipients");
    let list = folded(&pdf_text(&rendered(Kind::Mau3, &cell).bytes));
    assert!(list.contains("Danh sách này không có đồng chí nào."), "{list}");
    assert!(!list.contains("có 0 đồng chí"), "{list}");
    let report = folded(&pdf_text(&rendered(Kind::Mau1, &cell).bytes));
    assert!(report.contains("- Cấp ủy Đảng bộ Sở Tài chính (để b/c),"), "{report}");
}

#[test]
fn figures_are_written_as_vietnamese_documents_write_them() {
    // Thousands set off with dots.
    let mut committee = committee(3, 4);
    for (i, members) in [400, 350, 300].into_iter().enumerate() {
        committee["cells"][i] = cell(members, 60 + i as u64, &cell_name(i));
    }
    let summary = pdf_layout(&rendered(Kind::Mau6, &committee).bytes);
    let total = summary.lines().find(|l| l.contains("Tổng cộng")).expect("the total");
    assert!(total.split_whitespace().any(|w| w == "1.050"), "{total}");

    // Shares to one decimal, a count of units as a sentence, items capitalised,
    // the last ending with a full stop.
    let board = board();
    let report = folded(&pdf_text(&rendered(Kind::Mau7, &board).bytes));
    for said in [
        "đạt 93,8% so với tổng số đảng viên chính thức",
        "chiếm 6,3%, trong đó: + Thẻ đang làm thủ tục phát, chưa nhận: 2 đồng chí; + Chuyển sinh hoạt từ tỉnh khác, chưa được đổi thẻ mẫu mới: 1 đồng chí.",
        "Có 1 đơn vị báo cáo đúng hạn, 1 đơn vị báo cáo chậm: + Đảng bộ Sở Xây dựng: nộp ngày 12/05/2021, chậm 2 ngày.",
        "+ Số thẻ khác danh sách quản lý: 1 trường hợp.",
    ] {
        assert!(report.contains(said), "«{said}» in:\n{report}");
    }
}

#[test]
fn temporarily_attached_members_are_reported_apart_not_as_differences() {
    let board = board();
    let checked = serde_json::to_value(kttdv::reconcile(&board).unwrap().value).unwrap();
    let totals = &checked["totals"];
    assert_eq!(totals["attached_elsewhere"], 3, "{totals:#}");
    assert_eq!(totals["not_on_roll"], 1, "{totals:#}");
    assert_eq!(totals["differences"], 6, "{totals:#}");
    let attached: Vec<&Value> =
        checked["differences"].as_array().unwrap().iter().filter(|d| d["finding"] == "attached-elsewhere").collect();
    assert_eq!(attached.len(), 3);
    assert!(attached.iter().all(|d| d["note"].as_str().unwrap().starts_with("đảng số ở ")), "{attached:#?}");
    let list = folded(&pdf_text(&rendered(Kind::DoiChieu, &board).bytes));
    assert!(list.contains("Có 6 chênh lệch; 3 đồng chí sinh hoạt tạm thời có đảng số do nơi khác quản lý"), "{list}");
    let report = folded(&pdf_text(&rendered(Kind::Mau7, &board).bytes));
    assert!(report.contains("có 6 chênh lệch:"), "{report}");
    assert!(report.contains("Ngoài ra, 3 đồng chí sinh hoạt đảng tạm thời"), "{report}");
}

/// The lines of `words`, top to bottom, each its words left to right.
fn lines_of<'a>(words: &[&'a WordBox]) -> Vec<Vec<&'a WordBox>> {
    let mut lines: Vec<Vec<&WordBox>> = Vec::new();
    for word in words {
        match lines.iter_mut().find(|l| (l[0].y_min - word.y_min).abs() < 2.0) {
            Some(line) => line.push(word),
            None => lines.push(vec![word]),
        }
    }
    lines.sort_by(|a, b| a[0].y_min.total_cmp(&b[0].y_min));
    lines
}

#[test]
fn headers_and_titles_break_between_meaningful_groups() {
    let mut cell = json_input(&example("cell.json"));
    cell["cell"]["superior"] = json!("Đảng bộ Sở Giao thông Vận tải");
    let mut committee = committee(2, 5);
    committee["committee"]["header"]["superior"] = json!("ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH");
    committee["committee"]["header"]["issuer"] = json!("ĐẢNG BỘ SỞ GIAO THÔNG VẬN TẢI");
    for (what, kind, input, title) in [
        ("mẫu 1", Kind::Mau1, &cell, "BÁO"),
        ("mẫu 6", Kind::Mau6, &committee, "BIỂU"),
        ("mẫu 7", Kind::Mau7, &board(), "BÁO"),
    ] {
        let pdf = rendered(kind, input).bytes;
        let boxes = pdf_word_boxes(&pdf);
        let page: Vec<&WordBox> = boxes.iter().filter(|w| w.page == 1).collect();
        // The header's left block: above its star.
        let star = page.iter().find(|w| w.text == "*").expect("the header's star");
        let header: Vec<&WordBox> =
            page.iter().copied().filter(|w| w.y_max <= star.y_min && w.x_max < w.page_width / 2.0).collect();
        for line in lines_of(&header) {
            let text: Vec<&str> = line.iter().map(|w| w.text.as_str()).collect();
            assert!(line.len() >= 2, "{what}: a word alone on a header line: {text:?}");
        }
        // The title: no word pair broken over two lines.
        let start = page.iter().position(|w| w.text == title).expect("the title");
        let end = page[start..].iter().position(|w| w.text.starts_with("(tính") || w.text == "I.").unwrap() + start;
        let words = &page[start..end];
        for pair in words.windows(2) {
            let joined = format!("{} {}", pair[0].text, pair[1].text).to_lowercase();
            if ["sử dụng", "bảo quản", "đảng viên", "kiểm tra", "kỹ thuật", "đóng dấu", "kết quả", "tình hình"]
                .contains(&joined.as_str())
            {
                assert!((pair[0].y_min - pair[1].y_min).abs() < 2.0, "{what}: «{joined}» broken in the title");
            }
        }
    }
}

#[test]
fn a_clerk_can_number_and_date_the_document_at_issuance() {
    let mut committee = committee(2, 5);
    committee["committee"]["header"]["blank_date"] = json!(true);
    committee["committee"]["header"].as_object_mut().unwrap().remove("number");
    let text = folded(&pdf_text(&rendered(Kind::Mau6, &committee).bytes));
    assert!(text.contains("Số -BC/ĐU"), "{text}");
    assert!(text.contains("Quảng Nam, ngày tháng năm 2021"), "{text}");
    let mut cell = json_input(&example("cell.json"));
    cell["cell"]["blank_date"] = json!(true);
    let text = folded(&pdf_text(&rendered(Kind::Mau1, &cell).bytes));
    assert!(text.contains("Quảng Nam, ngày tháng năm 2021"), "{text}");
}

#[test]
fn the_annex_gives_names_room_and_says_whose_report_it_is_attached_to() {
    let names = ["A", "B", "C", "D", "E", "G", "H", "K", "L", "M", "N", "P", "Q", "R", "S", "T", "U", "V", "X", "Y"];
    let mut board = board();
    board.as_object_mut().unwrap().remove("roll");
    board["committees"] = names
        .iter()
        .enumerate()
        .map(|(i, letter)| {
            let mut committee = committee(1, 3);
            committee["organisation"] = json!(format!("Đảng bộ Sở Giao thông Vận tải và Hạ tầng Đô thị {letter}"));
            committee["cells"][0] = cell(3, 100 + i as u64, &format!("Chi bộ Văn phòng {letter}"));
            committee
        })
        .collect();
    let report = rendered(Kind::Mau7, &board);
    let text = folded(&pdf_text(&report.bytes));
    assert!(
        text.contains(
            "(Kèm theo Báo cáo số 21-BC/BTCĐUK ngày 18/05/2021 của Ban Tổ chức Đảng ủy Khối các cơ quan tỉnh)"
        ),
        "{text}"
    );
    let pages = pdf_layout_pages(&report.bytes);
    let first = pages.iter().position(|p| p.contains("PHỤ LỤC")).expect("the annex");
    // A row's figures: its number, then nine figures.
    let figures = |l: &&str| l.split_whitespace().filter(|w| w.parse::<usize>().is_ok()).count() >= 10;
    let rows = pages[first].lines().filter(figures).count();
    assert!(rows > 8, "{rows} rows on the annex's first page:\n{}", pages[first]);
}

#[test]
fn dates_are_never_broken_across_lines() {
    let mut roster = cell(40, 77, "Chi bộ Văn phòng");
    for (i, member) in roster["members"].as_array_mut().unwrap().iter_mut().enumerate().take(12) {
        if member["membership"] == "full" {
            member["card"] = match i % 3 {
                0 => json!({ "damaged": { "defect": "Thẻ bị ố, mờ ảnh" } }),
                1 => json!({ "lost": { "circumstances": "Mất khi đi công tác", "handling": "Nhắc nhở" } }),
                _ => json!({ "no_current_card": { "reason": "Chưa nhận thẻ" } }),
            };
            if i % 3 == 2 {
                member.as_object_mut().unwrap().remove("card_number");
            }
        }
    }
    for kind in [Kind::Mau3, Kind::Mau4, Kind::Mau5] {
        let words = pdf_words(&rendered(kind, &roster).bytes);
        let broken: Vec<&String> = words.iter().map(|(w, _, _)| w).filter(|w| w.ends_with('/')).collect();
        assert!(broken.is_empty(), "{kind:?}: dates broken: {broken:?}");
    }
}

#[test]
fn a_heading_in_a_plan_never_ends_a_page() {
    let example: Value = serde_json::from_str(&example("plan.json")).unwrap();
    let sentence =
        "Các cấp ủy triển khai kiểm tra kỹ thuật thẻ đảng viên đúng kế hoạch, bảo đảm thời gian và chất lượng. ";
    for shift in 1..=8 {
        let mut plan = example.clone();
        let titles: Vec<String> = (0..12)
            .map(|i| format!("Nội dung công việc {}", ["A", "B", "C", "D", "E", "G", "H", "K", "L", "M", "N", "P"][i]))
            .collect();
        plan["sections"] = titles
            .iter()
            .enumerate()
            .map(
                |(i, title)| json!({ "title": title, "body": [{ "paragraph": sentence.repeat(1 + (i * shift) % 5) }] }),
            )
            .collect();
        let pdf = rendered(Kind::Plan, &plan).bytes;
        for (p, page) in pdf_layout_pages(&pdf).iter().enumerate() {
            let last = page.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or_default();
            assert!(
                !titles.iter().any(|t| last.ends_with(t.as_str())),
                "shift {shift}, page {}: ends on «{last}»",
                p + 1
            );
        }
    }
}
