//! A chi bộ cơ sở — a grassroots organisation that is itself a cell — as
//! its secretary and the Board live it, over HTTP on both stores: one
//! roster makes its lists and its form 6, it reports straight to the
//! Board, and the Board's figures count it once.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::campaign::{TestStore, serve};
use crate::common::*;
use crate::people::{BOARD, CAMPAIGN, ok_json, step, unit_url, whole_bloc};

pub(crate) const BASE_CELL: &str = "chi-bo-so-ngoai-vu";

/// The units file of a Bloc with one đảng bộ cơ sở (one cell) and one chi bộ cơ sở.
pub(crate) const UNITS: &str = "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\n\
    ban,Ban Tổ chức Đảng ủy Khối,Ban Tổ chức,\n\
    dang-bo-so-tai-chinh,Đảng bộ Sở Tài chính,Tổ chức cơ sở đảng,ban\n\
    dang-bo-so-tai-chinh.chi-bo-van-phong,Chi bộ Văn phòng,Chi bộ,dang-bo-so-tai-chinh\n\
    chi-bo-so-ngoai-vu,Chi bộ Sở Ngoại vụ,Chi bộ cơ sở,ban\n";

/// The example campaign over the units file [`UNITS`], in `store`.
pub(crate) fn init_with_a_base_cell(store: &TestStore, dir: &std::path::Path) {
    let units = dir.join("don-vi.csv");
    std::fs::write(&units, UNITS).unwrap();
    let mut args = vec!["campaign", "init", "campaigns/2021-quang-nam.json", "--units", units.to_str().unwrap()];
    let store_args = store.args();
    args.extend(store_args.iter().map(String::as_str));
    let out = kttdv(&args, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(": 2 tổ chức cơ sở đảng (1 là chi bộ cơ sở), 1 chi bộ, 0 bản dữ liệu"), "{stderr}");
}

#[tokio::test]
async fn a_chi_bo_co_so_makes_its_lists_and_form_6_from_one_roster_and_the_board_counts_it_once() {
    for store in TestStore::all() {
        let dir = tempfile::tempdir().unwrap();
        init_with_a_base_cell(&store, dir.path());
        let server = serve(&store);
        let bloc = whole_bloc(&store, &server).await;
        let (secretary, board) = (&bloc[BASE_CELL], &bloc[BOARD]);
        let label = store.label();
        let units = ok_json(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/units"))).send().await.unwrap());
        let units = units.await;
        let unit = units.as_array().unwrap().iter().find(|u| u["code"] == BASE_CELL).unwrap().clone();
        assert_eq!((&unit["level"], &unit["parent"]), (&json!("chi-bo-co-so"), &json!(BOARD)), "{label}");

        // Its secretary saves its one roster: a cell's, under the Bloc.
        let roster = kttdv::sample::cell(6, 11, "Chi bộ Sở Ngoại vụ", "Đảng bộ Khối các cơ quan tỉnh");
        let form = Form::new().part("input", Part::bytes(roster.to_string().into_bytes()).file_name("chi-bo.json"));
        let saved = secretary.put(unit_url(&server, BASE_CELL, "submission")).multipart(form).send().await.unwrap();
        let saved = ok_json(saved).await;
        assert_eq!(saved["version"]["number"], 1, "{label}: {saved}");
        assert!(
            saved["summary"]["text"].as_str().unwrap().contains("6 đồng chí"),
            "{label}: said as a roster: {saved}"
        );

        // A roster naming one of the Bloc's committees above it is kept, with a warning.
        let mut slip = roster.clone();
        slip["cell"]["superior"] = json!("Đảng bộ Sở Tài chính");
        slip["members"][0]["remarks"] = json!("thử");
        let form = Form::new().part("input", Part::bytes(slip.to_string().into_bytes()).file_name("chi-bo.json"));
        let warned = secretary.put(unit_url(&server, BASE_CELL, "submission")).multipart(form).send().await.unwrap();
        let warned = ok_json(warned).await;
        let codes: Vec<&str> =
            warned["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"other-superior"), "{label}: {warned}");
        let form = Form::new().part("input", Part::bytes(roster.to_string().into_bytes()).file_name("chi-bo.json"));
        let again =
            ok_json(secretary.put(unit_url(&server, BASE_CELL, "submission")).multipart(form).send().await.unwrap());
        assert_eq!(again.await["version"]["number"], 3, "{label}");

        // Its lists and its form 6 from that one roster, the form signed as its lists are.
        let lists = secretary.get(unit_url(&server, BASE_CELL, "documents/mau-2")).send().await.unwrap();
        assert_eq!(lists.status(), StatusCode::OK, "{label}");
        let form6 = secretary.get(unit_url(&server, BASE_CELL, "documents/mau-6")).send().await.unwrap();
        assert_eq!(form6.status(), StatusCode::OK, "{label}");
        let form6 = form6.bytes().await.unwrap();
        let carried = kttdv::extract(&form6).unwrap().input;
        assert_eq!(carried["organisation"], "Chi bộ Sở Ngoại vụ", "{label}");
        assert_eq!(carried["cells"].as_array().unwrap().len(), 1, "{label}: its one row");
        let text = folded(&pdf_text(&form6));
        assert!(text.contains("T/M CHI ỦY") && text.contains("CHI BỘ SỞ NGOẠI VỤ"), "{label}: {text}");
        assert!(!text.contains("ghi tổ chức cấp trên"), "{label}: no warning of another superior");
        let consolidated = secretary.get(unit_url(&server, BASE_CELL, "documents/tong-hop")).send().await.unwrap();
        assert_eq!(consolidated.status(), StatusCode::BAD_REQUEST, "{label}: its lists are forms 2 to 5 already");

        // It reports straight to the Board, which accepts it.
        let (status, body) = step(&server, secretary, BASE_CELL, "submit", json!({})).await;
        assert_eq!((status, &body["state"]), (StatusCode::OK, &json!("da-nop")), "{label}: {body}");
        let committee = &bloc["dang-bo-so-tai-chinh"];
        let (status, _) = step(&server, committee, BASE_CELL, "approve", json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}: another organisation's, out of its reach");
        let (status, body) = step(&server, board, BASE_CELL, "approve", json!({})).await;
        assert_eq!((status, &body["state_label"]), (StatusCode::OK, &json!("đã tiếp nhận")), "{label}: {body}");
        let note = json!({ "note": "Đảng bộ đã sáp nhập" });
        let (status, body) = step(&server, board, "dang-bo-so-tai-chinh", "not-reporting", note).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");

        // The Board's form 7 counts it once, as one organisation of one cell, received on the day it came.
        let mut details = json_input(&example("board.json"));
        details.as_object_mut().unwrap().retain(|key, _| key != "committees" && key != "roll");
        let form = Form::new().part("input", Part::bytes(details.to_string().into_bytes()).file_name("ban.json"));
        let saved = board.put(unit_url(&server, BOARD, "submission")).multipart(form).send().await.unwrap();
        ok_json(saved).await;
        let form7 = board.get(unit_url(&server, BOARD, "documents/mau-7")).send().await.unwrap();
        assert_eq!(form7.status(), StatusCode::OK, "{label}");
        let carried = kttdv::extract(&form7.bytes().await.unwrap()).unwrap().input;
        let committees = carried["committees"].as_array().unwrap();
        assert_eq!(committees.len(), 1, "{label}: {carried}");
        assert_eq!(committees[0]["organisation"], "Chi bộ Sở Ngoại vụ");
        assert_eq!(committees[0]["cells"][0]["members"], roster["members"], "{label}");
        assert!(committees[0]["received_on"].is_string(), "{label}");
        let dashboard =
            ok_json(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/dashboard"))).send().await.unwrap());
        let levels = dashboard.await["levels"].clone();
        let base = levels.as_array().unwrap().iter().find(|l| l["level"] == "chi-bo-co-so").expect("its own row");
        assert_eq!(
            (&base["label"], &base["expected"], &base["approved"]),
            (&json!("Chi bộ cơ sở"), &json!(1), &json!(1))
        );
        // The Board's ZIP of all: the chi bộ cơ sở's lists and form 6 in
        // its folder, the units without data said in its note.
        let zip = board.get(unit_url(&server, BOARD, "bundle.zip")).send().await.unwrap();
        let zip = zip.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        assert_eq!(names.iter().filter(|n| n.starts_with("chi-bo-so-ngoai-vu/")).count(), 2, "{label}: {names:?}");
        let mut note = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("ghi-chu.txt").unwrap(), &mut note).unwrap();
        assert!(note.contains("Chi bộ Văn phòng: chưa có dữ liệu\r\n"), "{label}: {note}");

        // The committee and its cell do not report: the chi bộ cơ sở is all that is expected, once.
        let expected: u64 = levels.as_array().unwrap().iter().map(|l| l["expected"].as_u64().unwrap()).sum();
        assert_eq!(expected, 1, "{label}: not a cell as well: {levels}");
    }
}
