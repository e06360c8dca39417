//! The cards' round trip over HTTP, as the people of a Bloc live it, on
//! both stores: each cell collects its members' cards, hands them up with
//! its lists; each committee and the Board receive them against the lists
//! (a card missing said at once, a card that does not belong refused); the
//! Board records the decision, stamps, replaces and re-issues; the cards
//! come back down to every member, and the closing account holds.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::campaign::{TestStore, init_example, serve};
use crate::common::*;
use crate::people::{BOARD, CAMPAIGN, approve_everything, ok_json, unit_url, units_seen, whole_bloc};

/// A hand-over of `unit`'s cards, `how`, recorded by `user`; its status and answer.
pub(crate) async fn hand(server: &Server, user: &User, unit: &str, how: &str, body: Value) -> (StatusCode, Value) {
    let answer = user.post(unit_url(server, unit, &format!("cards/{how}"))).json(&body).send().await.unwrap();
    (answer.status(), answer.json().await.unwrap())
}

async fn round_trip(server: &Server, user: &User) -> Value {
    ok_json(user.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/round-trip"))).send().await.unwrap()).await
}

/// The cards of `unit` as `user` sees them.
pub(crate) async fn cards(server: &Server, user: &User, unit: &str) -> Value {
    ok_json(user.get(unit_url(server, unit, "cards")).send().await.unwrap()).await
}

/// What the move `how` of `unit`'s cards expects now, as `user` sees it.
pub(crate) fn expected<'a>(custody: &'a Value, how: &str) -> &'a Vec<Value> {
    let moves = custody["moves"].as_array().unwrap();
    moves.iter().find(|m| m["move"] == how).unwrap()["expected"].as_array().unwrap()
}

/// Every cell and committee hands its cards all the way up, each
/// hand-over of the whole list; the number of cards that went up.
pub(crate) async fn all_up(server: &Server, bloc: &BTreeMap<String, User>, units: &[Value], skip: &str) -> usize {
    let mut sent = 0;
    for cell in units.iter().filter(|u| u["level"] == "cell") {
        let (code, parent) = (cell["code"].as_str().unwrap(), cell["parent"].as_str().unwrap());
        if code == skip {
            continue;
        }
        let (status, body) = hand(server, &bloc[code], code, "collect", json!({ "all": true })).await;
        assert_eq!(status, StatusCode::OK, "{code}: {body}");
        sent += body["record"]["moved"].as_array().unwrap().len();
        let giver = json!({ "name": "Trần Văn Hùng", "office": "Bí thư chi bộ" });
        let (status, body) = hand(server, &bloc[parent], code, "up", json!({ "all": true, "giver": giver })).await;
        assert_eq!(status, StatusCode::OK, "{code}: {body}");
    }
    sent
}

#[tokio::test]
async fn every_card_goes_up_with_its_list_and_comes_back_stamped_or_new_to_its_member() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let label = store.label();
        let bloc = whole_bloc(&store, &server).await;
        let board = &bloc[BOARD];
        let units = units_seen(&server, board).await;
        let cell = units.iter().find(|u| u["level"] == "cell").unwrap();
        let (cell, committee) = (cell["code"].as_str().unwrap(), cell["parent"].as_str().unwrap());

        // Cards go up with lists that have gone up, not before.
        let (status, body) =
            hand(&server, &bloc[committee], cell, "up", json!({ "all": true, "giver": { "name": "A" } })).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: {body}");
        approve_everything(&server, &bloc).await;

        // The cell collects every card on its lists; the committee types the
        // numbers that arrived, one missing and one that is not its cell's.
        let secretary = &bloc[cell];
        // Nothing ticked, nothing typed: said in her words, not the API's.
        let (status, body) = hand(&server, secretary, cell, "collect", json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        let said = body["problems"][0]["message"].as_str().unwrap();
        assert_eq!(said, "chưa ghi thẻ nào đã nhận: gõ số thẻ đã nhận, hoặc đánh dấu trong danh sách", "{label}");
        let (status, body) = hand(&server, secretary, cell, "collect", json!({ "all": true })).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let collected = body["record"]["moved"].as_array().unwrap().len();
        assert!(body["summary"]["text"].as_str().unwrap().starts_with("Đã ghi biên bản giao nhận số 1"), "{body}");
        let custody = cards(&server, &bloc[committee], cell).await;
        let coming = expected(&custody, "up");
        assert_eq!(coming.len(), collected, "{label}: the committee expects what the cell collected");
        // A card typed by its number; a member without one ticked by key.
        let numbers: Vec<&str> = coming.iter().map(|c| c["number"].as_str().or(c["key"].as_str()).unwrap()).collect();
        let (kept_back, typed) = (numbers[0], &numbers[1..]);
        let mut wrong: Vec<&str> = typed.to_vec();
        wrong.push("49.999999");
        let giver = json!({ "name": "Trần Văn Hùng", "office": "Bí thư chi bộ" });
        let (status, body) =
            hand(&server, &bloc[committee], cell, "up", json!({ "cards": wrong, "giver": giver })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {body}");
        let problems = body["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{label}: {body}");
        assert_eq!(problems[0]["code"], "card-not-expected");
        assert!(problems[0]["message"].as_str().unwrap().contains("49.999999"), "{body}");
        // Preview: what is missing, said at once, nothing kept.
        let url = unit_url(&server, cell, "cards/up?preview=true");
        let preview = bloc[committee].post(url).json(&json!({ "cards": typed, "giver": giver })).send().await.unwrap();
        let preview = ok_json(preview).await;
        assert_eq!(preview["record"]["number"], Value::Null, "{label}");
        let missing = preview["record"]["missing"].as_array().unwrap();
        assert_eq!(missing.len(), 1, "{label}: {preview}");
        assert_eq!(missing[0]["number"], kept_back);
        assert!(preview["summary"]["text"].as_str().unwrap().contains("còn thiếu 1: "), "{preview}");
        let (status, body) =
            hand(&server, &bloc[committee], cell, "up", json!({ "cards": typed, "giver": giver })).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        assert_eq!(body["record"]["number"], 2, "{label}: the preview kept nothing");
        // A box ticked on a page opened before that hand-over sends a member's
        // key: said by the member's name and what to do, never the key.
        let moved = coming.iter().find(|c| c["number"].as_str() != Some(kept_back)).unwrap();
        let key = moved["key"].as_str().unwrap().to_owned();
        let (status, stale) =
            hand(&server, &bloc[committee], cell, "up", json!({ "cards": [key], "giver": giver })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {stale}");
        let said = stale["problems"][0]["message"].as_str().unwrap();
        assert!(!said.contains(&key) && said.ends_with("trang đã cũ: tải lại trang rồi ghi lại"), "{label}: {said}");
        let custody = cards(&server, &bloc[committee], cell).await;
        let late: Vec<&str> = expected(&custody, "up").iter().map(|c| c["number"].as_str().unwrap()).collect();
        assert!(late.contains(&kept_back) && late.len() == collected - typed.len(), "{label}: {late:?}");
        // The record of that hand-over: both sides, the cards, the one missing.
        let pdf = bloc[committee].get(unit_url(&server, cell, "cards/records/2")).send().await.unwrap();
        assert_eq!(pdf.status(), StatusCode::OK, "{label}");
        let text = pdf_text(&pdf.bytes().await.unwrap());
        assert_in_order(
            &text,
            &["BIÊN BẢN", "Bên giao", "Trần Văn Hùng", "Bên nhận", "chưa giao", kept_back, "BÊN GIAO", "BÊN NHẬN"],
        );
        assert!(text.contains(typed[0]) && text.contains(&format!("{} đồng chí", typed.len())), "{label}: {text}");
        // The committee's account has no person's name: its side is left
        // to write by hand, never its login.
        let login = bloc[committee].login.as_str();
        assert!(!text.contains(login) && text.contains("Đại diện: ....."), "{label}: {text}");
        // The cell reads it too; another cell of the committee has no such record.
        let own = secretary.get(unit_url(&server, cell, "cards/records/2")).send().await.unwrap();
        assert_eq!(own.status(), StatusCode::OK, "{label}");
        let sibling =
            units.iter().find(|u| u["parent"] == committee && u["code"] != cell).unwrap()["code"].as_str().unwrap();
        let other = bloc[sibling].get(unit_url(&server, sibling, "cards/records/2")).send().await.unwrap();
        assert_eq!(other.status(), StatusCode::NOT_FOUND, "{label}");
        // The card that came late arrives on its own.
        let (status, body) =
            hand(&server, &bloc[committee], cell, "up", json!({ "cards": [kept_back], "giver": giver })).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        // A cell does not record what its committee receives.
        let (status, _) = hand(&server, secretary, cell, "up", json!({ "all": true, "giver": giver })).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");

        let sent = collected + all_up(&server, &bloc, &units, cell).await;
        for unit in units.iter().filter(|u| u["level"] == "committee") {
            let code = unit["code"].as_str().unwrap();
            let (status, body) = hand(&server, board, code, "up", json!({ "all": true, "giver": giver })).await;
            assert_eq!(status, StatusCode::OK, "{label} {code}: {body}");
        }
        let trip = round_trip(&server, board).await;
        assert_eq!(trip["total"]["out"], sent, "{label}: {trip}");
        assert_eq!(trip["complete"], false, "{label}");

        // No stamping before the decision; then the decision, the stamping.
        let stamp = |body: Value| board.post(unit_url(&server, BOARD, "stamping")).json(&body).send();
        let refused = stamp(json!({ "stamp_all": true })).await.unwrap();
        assert_eq!(refused.status(), StatusCode::CONFLICT, "{label}");
        let decision = json!({ "submission": { "number": "12-TTr/BTCĐUK", "date": "12/05/2021" },
            "decision": { "number": "45-QĐ/ĐUK", "date": "13/05/2021", "signer": "Phan Văn Khối" } });
        let decided =
            ok_json(board.put(unit_url(&server, BOARD, "decision")).json(&decision).send().await.unwrap()).await;
        assert!(decided["summary"]["text"].as_str().unwrap().contains("Đã ghi quyết định"), "{decided}");
        // The Tờ trình, the draft Quyết định and the lists as their annex.
        let papers = board.get(unit_url(&server, BOARD, "cards/decision.zip")).send().await.unwrap();
        assert_eq!(papers.status(), StatusCode::OK, "{label}");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(papers.bytes().await.unwrap().to_vec())).unwrap();
        let names: Vec<String> =
            (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().into_owned()).collect();
        assert_eq!(names.len(), 3, "{label}: {names:?}");
        let mut text_of = |i: usize| {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut zip.by_index(i).unwrap(), &mut bytes).unwrap();
            pdf_text(&bytes)
        };
        let submission = text_of(0);
        assert_in_order(
            &submission,
            &[
                "Số 12-TTr/BTCĐUK",
                "TỜ TRÌNH",
                "Kính gửi: Ban Thường vụ",
                "(2-KTTĐV)",
                "(4-KTTĐV): 2 đồng chí",
                "chưa được đổi, phát thẻ",
            ],
        );
        let decided_text = text_of(1);
        assert_in_order(
            &decided_text,
            &[
                "ĐẢNG BỘ TỈNH QUẢNG NAM",
                "Số 45-QĐ/ĐUK",
                "QUYẾT ĐỊNH",
                "Xét Tờ trình số 12-TTr/BTCĐUK",
                "Điều 1",
                "Điều 3",
                "T/M BAN THƯỜNG VỤ",
                "Phan Văn Khối",
            ],
        );
        assert!(names[2].starts_with("phu-luc_") && text_of(2).contains("DANH SÁCH"), "{label}: {names:?}");
        let at_board = cards(&server, board, BOARD).await;
        let new_cards: Vec<&Value> = at_board["cards"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["place"] == "board" && c["list"] != "2-KTTĐV")
            .collect();
        assert!(new_cards.len() >= 2, "{label}: the example has damaged, lost or cardless members");
        let taken = at_board["cards"].as_array().unwrap()[0]["number"].as_str().unwrap().to_owned();
        let mut entries: Vec<Value> = new_cards
            .iter()
            .enumerate()
            .map(|(i, c)| json!({ "card": c["key"], "new_number": format!("49.9{i:05}") }))
            .collect();
        entries[0]["new_number"] = json!(taken);
        let refused = stamp(json!({ "stamp_all": true, "cards": entries, "date": "14/05/2021" })).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let refused: Value = refused.json().await.unwrap();
        assert_eq!(refused["problems"][0]["code"], "card-number-taken", "{label}: {refused}");
        assert_eq!(refused["problems"][0]["path"], "$.cards[0].new_number", "{label}: {refused}");
        // The first one's card is issued later.
        entries[0] = json!({ "card": new_cards[0]["key"], "pending": "cấp thẻ sau khi có ảnh mới" });
        let stamped =
            ok_json(stamp(json!({ "stamp_all": true, "cards": entries, "date": "14/05/2021" })).await.unwrap()).await;
        assert_eq!(stamped["stamping"]["new_cards"], new_cards.len() - 1, "{label}: {stamped}");
        assert_eq!(stamped["stamping"]["pending"], 1, "{label}");
        // «Stamp all» again: nothing is left at the Board, and it is said why.
        let again = stamp(json!({ "stamp_all": true, "date": "14/05/2021" })).await.unwrap();
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let again: Value = again.json().await.unwrap();
        let said = again["problems"][0]["message"].as_str().unwrap();
        assert!(said.starts_with("không còn thẻ nào ở Ban Tổ chức chờ đóng dấu"), "{label}: {said}");

        // Back down: the Board to each committee, each committee to its
        // cells, each cell to its members.
        for unit in units.iter().filter(|u| u["level"] == "committee") {
            let code = unit["code"].as_str().unwrap();
            let giver = json!({ "name": "Nguyễn Văn Ban", "office": "Chuyên viên Ban Tổ chức" });
            let (status, body) = hand(&server, &bloc[code], code, "down", json!({ "all": true, "giver": giver })).await;
            assert_eq!(status, StatusCode::OK, "{label} {code}: {body}");
        }
        for unit in units.iter().filter(|u| u["level"] == "cell") {
            let code = unit["code"].as_str().unwrap();
            let giver = json!({ "name": "Lê Thị Ủy Viên" });
            let (status, body) = hand(&server, &bloc[code], code, "down", json!({ "all": true, "giver": giver })).await;
            assert_eq!(status, StatusCode::OK, "{label} {code}: {body}");
            // A new card is typed by its new number.
            let custody = cards(&server, &bloc[code], code).await;
            let back: Vec<String> =
                expected(&custody, "give-back").iter().map(|c| c["number_now"].as_str().unwrap().to_owned()).collect();
            let (status, body) = hand(&server, &bloc[code], code, "give-back", json!({ "cards": back })).await;
            assert_eq!(status, StatusCode::OK, "{label} {code}: {body}");
            assert!(body["record"]["missing"].as_array().unwrap().is_empty(), "{label}: {body}");
        }
        let trip = round_trip(&server, board).await;
        assert_eq!(trip["complete"], true, "{label}: {trip}");
        assert_eq!(trip["entered"], sent, "{label}");
        assert_eq!(trip["total"]["back"], sent - 1, "{label}");
        assert_eq!(trip["total"]["pending"], 1, "{label}");
        assert_eq!(trip["pending"][0]["key"], new_cards[0]["key"], "{label}");

        // The workbook of changes, every new card in it.
        let workbook = board.get(unit_url(&server, BOARD, "cards/changes.xlsx")).send().await.unwrap();
        assert_eq!(workbook.status(), StatusCode::OK, "{label}");
        let bytes = workbook.bytes().await.unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
        assert_eq!(sheet.height(), new_cards.len(), "{label}: a title row and one row each");
        // The closing account as a workbook: every card that entered, and
        // the conclusion that each has its place.
        let closing =
            board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/round-trip.xlsx"))).send().await.unwrap();
        assert_eq!(closing.status(), StatusCode::OK, "{label}");
        let bytes = closing.bytes().await.unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let cards = calamine::Reader::worksheet_range(&mut book, "Từng thẻ").unwrap();
        assert_eq!(cards.height(), sent + 1, "{label}: a title row and one row a card");
        let follow_up = calamine::Reader::worksheet_range(&mut book, "Theo dõi sau").unwrap();
        let later = trip["later"].as_array().unwrap().len();
        assert_eq!(follow_up.height(), 1 + 1 + later, "{label}: the card kept at the Board and every later one");
        let conclusion = calamine::Reader::worksheet_range(&mut book, "Kết luận").unwrap();
        let said: Vec<String> = conclusion.rows().flatten().map(|c| c.to_string()).collect();
        assert!(
            said.contains(&format!("Cả {sent} thẻ đã vào chuyến đều có nơi: về tay đảng viên hoặc giữ lại theo dõi.")),
            "{label}: {said:?}"
        );
        // The campaign moves with its records: exported, imported into an
        // empty SQLite store whole; a record changed in the file is refused.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.zip");
        let mut args = vec!["campaign", "export", CAMPAIGN, "-o", path.to_str().unwrap()];
        let store_args = store.args();
        args.extend(store_args.iter().map(String::as_str));
        let out = kttdv(&args, "");
        assert!(out.status.success(), "{label}: {}", String::from_utf8_lossy(&out.stderr));
        let import = |zip: &std::path::Path| {
            let target = tempfile::tempdir().unwrap();
            let out =
                kttdv(&["campaign", "import", zip.to_str().unwrap(), "--data", target.path().to_str().unwrap()], "");
            (out, target)
        };
        let (out, target) = import(&path);
        assert!(out.status.success(), "{label}: {}", String::from_utf8_lossy(&out.stderr));
        let copy = TestStore::Sqlite(target);
        let copied = serve(&copy);
        let officer =
            User::created(&copy, &copied, "ban-moi", &["--role", "board", "--campaign", CAMPAIGN, "--unit", BOARD])
                .await;
        let moved = round_trip(&copied, &officer).await;
        assert_eq!(
            (&moved["complete"], &moved["entered"]),
            (&json!(true), &json!(sent)),
            "{label}: the copy says the same"
        );
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut changed = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let name = entry.name().unwrap().into_owned();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
            if name == "cards.json" {
                // As many bytes: a name changed in a record, only its hash can tell.
                assert!(text.contains("Trần Văn Hùng"), "{label}");
                text = text.replacen("Trần Văn Hùng", "Trần Văn Hưng", 1);
            }
            changed.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut changed, text.as_bytes()).unwrap();
        }
        let tampered = dir.path().join("sua.zip");
        std::fs::write(&tampered, changed.finish().unwrap().into_inner()).unwrap();
        let (out, _target) = import(&tampered);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{label}: {stderr}");
        assert!(stderr.contains("cards.json: biên bản số"), "{label}: {stderr}");

        // Every hand-over, the decision and the stamping are in the audit log.
        let log =
            ok_json(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap()).await;
        let count = |action: &str| log.as_array().unwrap().iter().filter(|e| e["action"] == action).count();
        assert_eq!((count("decision"), count("stamping")), (1, 1), "{label}");
        let cells = units.iter().filter(|u| u["level"] == "cell").count();
        let committees = units.iter().filter(|u| u["level"] == "committee").count();
        // Collected, up, down, given back per cell; up and down per committee; the late card.
        assert_eq!(count("handover"), 4 * cells + 2 * committees + 1, "{label}");
    }
}

/// The campaign set up in `store` from a generated Bloc of `committees`
/// committees of four cells of `members` members.
pub(crate) fn init_generated(store: &TestStore, committees: usize, members: usize) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("khoi.json");
    std::fs::write(&file, kttdv::sample::bloc(committees, members).to_string()).unwrap();
    let mut args = vec!["campaign", "init", "campaigns/2021-quang-nam.json", "--from", file.to_str().unwrap()];
    let store_args = store.args();
    args.extend(store_args.iter().map(String::as_str));
    let out = kttdv(&args, "");
    assert!(out.status.success(), "{}: {}", store.label(), String::from_utf8_lossy(&out.stderr));
}

/// A generated Bloc of 8,000 members — 20 committees of 4 cells of 100 —
/// goes the whole round trip on each store: every card up with its list,
/// the decision, every card stamped or given a new number, every card back
/// to its member, and the closing account holds every card that entered.
#[tokio::test]
async fn a_generated_bloc_of_8000_members_goes_the_whole_round_trip_on_both_stores() {
    for store in TestStore::all() {
        let label = store.label();
        init_generated(&store, 20, 100);
        let server = serve(&store);
        let bloc = whole_bloc(&store, &server).await;
        approve_everything(&server, &bloc).await;
        let board = &bloc[BOARD];
        let units = units_seen(&server, board).await;
        let giver = json!({ "name": "Trần Văn Hùng" });

        let sent = all_up(&server, &bloc, &units, "").await;
        for unit in units.iter().filter(|u| u["level"] == "committee") {
            let code = unit["code"].as_str().unwrap();
            let (status, body) = hand(&server, board, code, "up", json!({ "all": true, "giver": giver })).await;
            assert_eq!(status, StatusCode::OK, "{label} {code}: {body}");
        }
        let trip = round_trip(&server, board).await;
        assert_eq!(trip["total"]["listed"], sent, "{label}: every member on the lists went up");
        assert!(sent > 7_000, "{label}: {sent}");
        // Every other member is followed up: probationary (box 4 later), not stamped.
        let later = trip["later"].as_array().unwrap();
        assert_eq!(sent + later.len(), 8_000, "{label}: every member travels or is followed up");
        assert_eq!(trip["total"]["later"], later.len(), "{label}");
        assert!(later.iter().any(|l| l["why"].as_str().unwrap().contains("đóng dấu ô số 4")), "{label}");

        let decision = json!({ "submission": { "number": "12-TTr/BTCĐUK", "date": "12/05/2021" },
            "decision": { "number": "45-QĐ/ĐUK", "date": "13/05/2021", "signer": "Phan Văn Khối" } });
        ok_json(board.put(unit_url(&server, BOARD, "decision")).json(&decision).send().await.unwrap()).await;
        let at_board = cards(&server, board, BOARD).await;
        let new_cards: Vec<Value> = at_board["cards"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["list"] != "2-KTTĐV")
            .enumerate()
            .map(|(i, c)| json!({ "card": c["key"], "new_number": format!("49.9{i:05}") }))
            .collect();
        let body = json!({ "stamp_all": true, "cards": new_cards, "date": "14/05/2021" });
        let stamped = ok_json(board.post(unit_url(&server, BOARD, "stamping")).json(&body).send().await.unwrap()).await;
        assert_eq!(stamped["stamping"]["new_cards"], new_cards.len(), "{label}");
        assert_eq!(stamped["stamping"]["stamped"], sent - new_cards.len(), "{label}");

        for level in ["committee", "cell"] {
            for unit in units.iter().filter(|u| u["level"] == level) {
                let code = unit["code"].as_str().unwrap();
                let (status, body) =
                    hand(&server, &bloc[code], code, "down", json!({ "all": true, "giver": giver })).await;
                assert_eq!(status, StatusCode::OK, "{label} {code}: {body}");
                if level == "cell" {
                    let (status, body) = hand(&server, &bloc[code], code, "give-back", json!({ "all": true })).await;
                    assert_eq!(status, StatusCode::OK, "{label} {code}: {body}");
                }
            }
        }
        let trip = round_trip(&server, board).await;
        assert_eq!(trip["complete"], true, "{label}: {}", trip["unaccounted"]);
        assert_eq!((&trip["entered"], &trip["total"]["back"]), (&json!(sent), &json!(sent)), "{label}");
        assert_eq!(trip["total"]["out"], 0, "{label}");
    }
}
