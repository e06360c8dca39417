//! The workflow and who may do what, black-box over HTTP: the rule of
//! reach on every campaign route (walked from the route table itself, so
//! that a new route cannot skip it), the steps of a report up the three
//! levels, the dashboard, the audit log, and two officers clicking at once;
//! on SQLite and on PostgreSQL.

use std::collections::BTreeMap;

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::campaign::{TestStore, init_example, serve};
use crate::common::*;
use crate::people::{BOARD, CAMPAIGN, User, ok_json, step, unit_url, units_seen, whole_bloc};
use kttdv::campaign::Action;
use kttdv::serve::{Rule, campaign_routes};

const COMMITTEE: &str = "dang-bo-so-tai-chinh";
const CELL: &str = "dang-bo-so-tai-chinh.chi-bo-van-phong";
const SIBLING_CELL: &str = "dang-bo-so-tai-chinh.chi-bo-thanh-tra";
const OTHER_COMMITTEE: &str = "dang-bo-so-xay-dung";
const COUSIN_CELL: &str = "dang-bo-so-xay-dung.chi-bo-phong-quan-ly-xay-dung";

/// Where a unit stands from the user's own.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Relation {
    Own,
    Child,
    Grandchild,
    Sibling,
    Above,
    Cousin,
}

/// What a request answers when the rule lets it through: each route's
/// request below is made so that it changes nothing.
fn granted(method: &Method, path: &str) -> StatusCode {
    let tail = path.rsplit('/').next().unwrap();
    match (method.as_str(), tail) {
        ("GET", "decision.zip") => StatusCode::CONFLICT, // no decision recorded yet
        ("GET", _) if path.starts_with("/web/") => StatusCode::OK, // a page
        ("GET", _) if path.ends_with("{kind}") => StatusCode::BAD_REQUEST, // a kind of another level
        ("GET", _) if path.ends_with("{number}") => StatusCode::NOT_FOUND, // no record yet
        ("GET", _) => StatusCode::OK,
        ("POST", "campaigns") => StatusCode::BAD_REQUEST, // JSON, not the form of files
        ("PUT", "submission") => StatusCode::UNPROCESSABLE_ENTITY, // {} is no submission
        ("PUT", "signed") => StatusCode::BAD_REQUEST,     // JSON, not a signed PDF
        ("PUT", "deadline") => StatusCode::UNPROCESSABLE_ENTITY, // not a date
        ("PUT", "roll") => StatusCode::UNPROCESSABLE_ENTITY, // {} is no list of members
        ("POST", "submit") => StatusCode::CONFLICT,       // of version 0, not the current one
        ("POST", "approve") => StatusCode::CONFLICT,      // a draft is not approved
        ("POST", "reopen") => StatusCode::CONFLICT,       // nor reopened
        ("POST", "return" | "not-reporting") => StatusCode::UNPROCESSABLE_ENTITY, // without a comment
        ("POST", "accounts") => StatusCode::UNPROCESSABLE_ENTITY, // an empty login
        ("POST", "disable" | "link") => StatusCode::NOT_FOUND, // an account the unit does not have
        ("POST", "collect" | "up" | "down" | "give-back") => StatusCode::UNPROCESSABLE_ENTITY, // no card given
        ("PUT", "decision") => StatusCode::UNPROCESSABLE_ENTITY, // no number, no date
        ("POST", "stamping") => StatusCode::UNPROCESSABLE_ENTITY, // no card stamped
        _ => panic!("{method} {path}: say in `granted` what a request let through answers"),
    }
}

fn body(path: &str) -> Value {
    match path.rsplit('/').next().unwrap() {
        "submit" => json!({ "version": 0 }),
        "accounts" => json!({ "login": "" }),
        "deadline" => json!({ "deadline": "không phải ngày" }),
        _ => json!({}),
    }
}

/// The answer the rule gives `role` on a unit in `relation` (none: a route of
/// the campaign, not of a unit).
fn expected(rule: Rule, role: Option<&str>, relation: Option<Relation>, method: &Method, path: &str) -> StatusCode {
    use Relation::*;
    let Some(role) = role else {
        // A page opened signed out goes to the sign-in page (and back).
        let page = method == Method::GET && path.starts_with("/web/");
        return if page { StatusCode::SEE_OTHER } else { StatusCode::UNAUTHORIZED };
    };
    let ok = granted(method, path);
    match (rule, relation) {
        (Rule::SignedIn | Rule::Campaign, _) => ok,
        (Rule::Admin, _) => {
            if role == "admin" {
                ok
            } else {
                StatusCode::FORBIDDEN
            }
        }
        (Rule::Audit, _) => {
            if matches!(role, "admin" | "board") {
                ok
            } else {
                StatusCode::FORBIDDEN
            }
        }
        // An administrator makes the Board's first accounts, and sees no unit's data.
        (Rule::Unit(Action::Invite), Some(Own)) if role == "admin" => ok,
        (Rule::Unit(_), _) if role == "admin" => StatusCode::NOT_FOUND,
        // The Board's own papers: another unit has none.
        (Rule::Unit(Action::Edit), Some(Own)) if path.ends_with("decision.zip") && role != "board" => {
            StatusCode::FORBIDDEN
        }
        // A lost password's new link comes from above, never from the unit itself.
        (Rule::Unit(Action::Invite), Some(Own)) if path.ends_with("/link") => StatusCode::FORBIDDEN,
        (Rule::Unit(action), Some(relation)) => match (action, relation) {
            (_, Sibling | Above | Cousin) => StatusCode::NOT_FOUND,
            (Action::Read, _) => ok,
            (Action::Edit, Own) | (Action::Decide, Child) | (Action::Invite, Own | Child | Grandchild) => ok,
            _ => StatusCode::FORBIDDEN,
        },
        (Rule::Unit(_), None) => unreachable!(),
    }
}

#[tokio::test]
async fn every_campaign_route_answers_each_role_on_each_unit_by_the_rule_of_reach() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let label = store.label();
        let bloc = whole_bloc(&store, &server).await;
        let admin = User::created(&store, &server, "quan-tri", &["--role", "admin"]).await;
        let units = units_seen(&server, &bloc[BOARD]).await;
        let level =
            |code: &str| units.iter().find(|u| u["code"] == code).unwrap()["level"].as_str().unwrap().to_owned();
        use Relation::*;
        let targets: BTreeMap<&str, Vec<(&str, Relation)>> = BTreeMap::from([
            ("board", vec![(BOARD, Own), (COMMITTEE, Child), (CELL, Grandchild)]),
            (
                "committee",
                vec![
                    (COMMITTEE, Own),
                    (CELL, Child),
                    (OTHER_COMMITTEE, Sibling),
                    (BOARD, Above),
                    (COUSIN_CELL, Cousin),
                ],
            ),
            (
                "cell",
                vec![(CELL, Own), (SIBLING_CELL, Sibling), (COMMITTEE, Above), (BOARD, Above), (COUSIN_CELL, Cousin)],
            ),
            // For an administrator, the Board stands as their own unit.
            ("admin", vec![(BOARD, Own), (CELL, Above)]),
        ]);
        let users: Vec<(Option<&str>, Option<&User>)> = vec![
            (Some("board"), Some(&bloc[BOARD])),
            (Some("committee"), Some(&bloc[COMMITTEE])),
            (Some("cell"), Some(&bloc[CELL])),
            (Some("admin"), Some(&admin)),
            (None, None),
        ];
        let anonymous = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let mut checked = 0;
        let routes = campaign_routes();
        assert!(routes.len() >= 15, "{routes:?}");
        for route in &routes {
            for (role, user) in &users {
                let cases: Vec<(Option<&str>, Option<Relation>)> = if route.path.contains("{code}") {
                    let own = targets[role.unwrap_or("cell")].clone();
                    own.into_iter().map(|(unit, relation)| (Some(unit), Some(relation))).collect()
                } else {
                    vec![(None, None)]
                };
                for (unit, relation) in cases {
                    let kind = match unit.map(level).as_deref() {
                        Some("cell") => "mau-7",
                        _ => "mau-1",
                    };
                    let path = route
                        .path
                        .replace("{campaign}", CAMPAIGN)
                        .replace("{code}", unit.unwrap_or(""))
                        .replace("{kind}", kind)
                        .replace("{login}", "khong-co-ai")
                        .replace("{number}", "1");
                    let request = match user {
                        Some(user) => user.request(route.method.clone(), server.url(&path)),
                        None => anonymous.request(route.method.clone(), server.url(&path)),
                    };
                    let request = if route.method == Method::GET { request } else { request.json(&body(route.path)) };
                    let answer = request.send().await.unwrap();
                    let status = answer.status();
                    let text = answer.text().await.unwrap();
                    let want =
                        expected(route.rule, *role, relation.filter(|_| user.is_some()), &route.method, route.path);
                    assert_eq!(status, want, "{label}: {} {path} as {role:?} ({relation:?}): {text}", route.method);
                    checked += 1;
                }
            }
        }
        assert!(checked > 150, "{checked}");
        // Nothing the matrix sent changed a state.
        assert_eq!(units_seen(&server, &bloc[BOARD]).await, units, "{label}");
    }
}

/// The units' list as `user` sees it, by code.
async fn states(server: &Server, user: &User) -> BTreeMap<String, Value> {
    let units = units_seen(server, user).await;
    units.into_iter().map(|u| (u["code"].as_str().unwrap().to_owned(), u)).collect()
}

#[tokio::test]
async fn a_report_goes_up_submitted_returned_approved_and_accepted_and_the_dashboard_and_form_7_say_so() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let label = store.label();
        let bloc = whole_bloc(&store, &server).await;
        let (board, committee, secretary) = (&bloc[BOARD], &bloc[COMMITTEE], &bloc[CELL]);

        // The secretary saves her workbook (a birth date typed wrong) and submits: locked.
        let workbook = changed_workbook("Ngày sinh", 3, "25/11/1976");
        let form = || {
            reqwest::multipart::Form::new()
                .part("input", reqwest::multipart::Part::bytes(workbook.clone()).file_name("chi-bo-van-phong.xlsx"))
        };
        let saved =
            ok_json(secretary.put(unit_url(&server, CELL, "submission")).multipart(form()).send().await.unwrap()).await;
        assert_eq!(saved["version"]["number"], 2, "{label}");
        let (status, body) = step(&server, secretary, CELL, "submit", json!({})).await;
        assert_eq!((status, body["state_label"].as_str()), (StatusCode::OK, Some("đã nộp")), "{label}: {body}");
        let locked = secretary.put(unit_url(&server, CELL, "submission")).multipart(form()).send().await.unwrap();
        assert_eq!(locked.status(), StatusCode::CONFLICT, "{label}: a submitted report is locked");

        // A comment form 6 could not print is refused before anything changes.
        for (bad, code) in [("Sai rồi 😀", "missing-glyph"), ("Sai\u{202E} rồi", "forbidden-character")] {
            let (status, body) = step(&server, committee, CELL, "return", json!({ "note": bad })).await;
            assert_eq!(
                (status, body["problems"][0]["code"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
                "{label}: {body}"
            );
            assert_eq!(body["problems"][0]["path"], "$.note");
        }
        let long = "x".repeat(501);
        let (status, body) = step(&server, committee, CELL, "return", json!({ "note": long })).await;
        assert_eq!(
            (status, body["problems"][0]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("text-too-long"))
        );
        // The committee returns it with a comment; the secretary sees it, fixes and resubmits.
        let comment = "Đồng chí thứ ba thiếu ngày vào Đảng chính thức";
        let (status, body) = step(&server, committee, CELL, "return", json!({ "note": comment })).await;
        assert_eq!((status, body["state"].as_str()), (StatusCode::OK, Some("tra-lai")), "{label}: {body}");
        let seen = &states(&server, secretary).await[CELL];
        assert_eq!((seen["state_label"].as_str(), seen["note"].as_str()), (Some("trả lại"), Some(comment)), "{label}");
        let changed = changed_workbook("Ngày sinh", 3, "24/11/1976");
        let fixed_form = reqwest::multipart::Form::new()
            .part("input", reqwest::multipart::Part::bytes(changed).file_name("chi-bo-van-phong.xlsx"));
        let fixed = secretary.put(unit_url(&server, CELL, "submission")).multipart(fixed_form).send().await.unwrap();
        assert_eq!(fixed.status(), StatusCode::OK, "{label}: editable again");
        assert_eq!(step(&server, secretary, CELL, "submit", json!({ "version": 3 })).await.0, StatusCode::OK);
        let (status, body) = step(&server, committee, CELL, "approve", json!({ "version": 3 })).await;
        assert_eq!((status, body["state_label"].as_str()), (StatusCode::OK, Some("đã duyệt")), "{label}: {body}");
        let (status, body) = step(&server, committee, CELL, "approve", json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: approved once: {body}");
        assert!(body["message"].as_str().unwrap().contains("đã duyệt"), "{body}");

        // The committee cannot send its report while a cell is neither approved nor marked.
        let (status, body) = step(&server, committee, COMMITTEE, "submit", json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: {body}");
        let reason = "Chi bộ sáp nhập, đảng viên chuyển sinh hoạt";
        let (status, body) = step(&server, committee, SIBLING_CELL, "not-reporting", json!({ "note": reason })).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let last = "dang-bo-so-tai-chinh.chi-bo-phong-ngan-sach";
        assert_eq!(step(&server, &bloc[last], last, "submit", json!({})).await.0, StatusCode::OK);
        assert_eq!(step(&server, committee, last, "approve", json!({})).await.0, StatusCode::OK);
        assert_eq!(step(&server, committee, COMMITTEE, "submit", json!({})).await.0, StatusCode::OK, "{label}");
        // Form 6: the approved cells' figures, and the cell that does not report, as such.
        let form6 = committee.get(unit_url(&server, COMMITTEE, "documents/mau-6")).send().await.unwrap();
        assert_eq!(form6.status(), StatusCode::OK, "{label}");
        let form6 = form6.bytes().await.unwrap();
        let carried = kttdv::extract(&form6).unwrap().input;
        assert_eq!(carried["not_reporting"], json!([{ "name": "Chi bộ Thanh tra", "reason": reason }]), "{label}");
        assert_eq!(carried["cells"].as_array().unwrap().len(), 2, "{label}: the two approved cells");
        let text = folded(&pdf_text(&form6));
        assert!(
            text.contains("Chi bộ Thanh tra") && text.contains("Không báo cáo: Chi bộ sáp nhập"),
            "{label}: {text}"
        );
        // Sent: its cells are settled until the Board returns it.
        let (status, body) = step(&server, committee, CELL, "return", json!({ "note": "xem lại" })).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: {body}");

        // The dashboard before the other committee reports: what is missing, and a workbook of it.
        let dashboard =
            ok_json(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/dashboard"))).send().await.unwrap()).await;
        let level =
            |d: &Value, l: &str| d["levels"].as_array().unwrap().iter().find(|x| x["level"] == l).unwrap().clone();
        let cells = level(&dashboard, "cell");
        assert_eq!((cells["expected"].as_u64(), cells["approved"].as_u64()), (Some(4), Some(2)), "{label}: {cells}");
        assert_eq!(cells["approved_share"], "2/4 đơn vị, 50,0%");
        let missing = board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/missing.xlsx"))).send().await.unwrap();
        assert_eq!(missing.status(), StatusCode::OK);
        let bytes = missing.bytes().await.unwrap();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = book.worksheet_range("Chưa nộp").unwrap();
        let names: Vec<String> = sheet.rows().skip(3).map(|r| r[0].to_string()).collect();
        assert!(names.contains(&"Đảng bộ Sở Xây dựng".to_owned()), "{label}: {names:?}");
        assert!(!names.iter().any(|n| n.contains("Văn phòng")), "{label}: approved is not missing: {names:?}");
        // A committee's dashboard is its own cells only.
        let own =
            ok_json(committee.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/dashboard"))).send().await.unwrap())
                .await;
        assert_eq!(own["units"].as_array().unwrap().len(), 4, "{label}: itself and its three cells: {own}");

        // The other committee and its cells go through; the Board accepts both.
        for code in
            ["dang-bo-so-xay-dung.chi-bo-phong-quan-ly-xay-dung", "dang-bo-so-xay-dung.chi-bo-thanh-tra-xay-dung"]
        {
            assert_eq!(step(&server, &bloc[code], code, "submit", json!({})).await.0, StatusCode::OK);
            assert_eq!(step(&server, &bloc[OTHER_COMMITTEE], code, "approve", json!({})).await.0, StatusCode::OK);
        }
        assert_eq!(step(&server, &bloc[OTHER_COMMITTEE], OTHER_COMMITTEE, "submit", json!({})).await.0, StatusCode::OK);
        for code in [COMMITTEE, OTHER_COMMITTEE] {
            let (status, body) = step(&server, board, code, "approve", json!({})).await;
            assert_eq!(
                (status, body["state_label"].as_str()),
                (StatusCode::OK, Some("đã tiếp nhận")),
                "{label}: {body}"
            );
        }
        let dashboard =
            ok_json(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/dashboard"))).send().await.unwrap()).await;
        let committees = level(&dashboard, "committee");
        assert_eq!(committees["approved_share"], "2/2 đơn vị, 100,0%", "{label}: {committees}");
        assert_eq!(level(&dashboard, "cell")["approved_share"], "4/4 đơn vị, 100,0%");
        // The example's deadlines are of 2021: every report sent now is late.
        assert_eq!(committees["late"], 2, "{label}");

        // Form 7: from the accepted reports, each received on the day the store says.
        let form7 = board.get(unit_url(&server, BOARD, "documents/mau-7")).send().await.unwrap();
        assert_eq!(form7.status(), StatusCode::OK, "{label}");
        let pdf = form7.bytes().await.unwrap();
        let carried = kttdv::extract(&pdf).unwrap().input;
        let today = dashboard["today"].as_str().unwrap();
        let received: Vec<&str> =
            carried["committees"].as_array().unwrap().iter().map(|c| c["received_on"].as_str().unwrap()).collect();
        assert_eq!(received, [today, today], "{label}: not the typed 07/05/2021 and 12/05/2021");
        assert!(folded(&pdf_text(&pdf)).contains(today), "{label}: the late arrivals are printed");

        // The Board sends its own report (to the Province, outside kttdv):
        // nobody above returns it, so the Board reopens it to mend it.
        assert_eq!(step(&server, board, BOARD, "submit", json!({})).await.0, StatusCode::OK, "{label}");
        let (status, body) = step(&server, committee, COMMITTEE, "reopen", json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: a committee's report is returned from above: {body}");
        let (status, body) = step(&server, board, BOARD, "reopen", json!({})).await;
        assert_eq!((status, body["state_label"].as_str()), (StatusCode::OK, Some("đang soạn")), "{label}: {body}");
        assert_eq!(
            body["summary"]["text"],
            "Đã mở lại báo cáo của «Ban Tổ chức Đảng ủy Khối các cơ quan tỉnh» để sửa; sửa xong, nộp lại."
        );
        assert_eq!(step(&server, board, BOARD, "reopen", json!({})).await.0, StatusCode::CONFLICT, "{label}: once");
        assert_eq!(step(&server, board, BOARD, "submit", json!({})).await.0, StatusCode::OK, "{label}: sent again");

        // The audit log: the Board reads every step, with who and the version's hash.
        let log =
            ok_json(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap()).await;
        let log = log.as_array().unwrap();
        let returned = log.iter().find(|e| e["action"] == "return").unwrap();
        assert_eq!((returned["login"].as_str(), returned["unit"].as_str()), (Some(COMMITTEE), Some(CELL)), "{label}");
        assert_eq!(returned["note"], comment);
        assert_eq!(returned["sha256"], saved["version"]["sha256"], "{label}: the returned version's hash");
        for action in ["sign-in", "save", "submit", "approve", "not-reporting", "reopen", "account-created"] {
            assert!(log.iter().any(|e| e["action"] == action), "{label}: {action} logged");
        }
        let seqs: Vec<i64> = log.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "{label}: no gaps, no ties");
        let csv = board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit?format=csv"))).send().await.unwrap();
        // For Excel as it is: a byte-order mark, Vietnamese titles and words,
        // Vietnam's time, the unit's name beside its code, CRLF.
        let csv = csv.text().await.unwrap();
        assert!(csv.starts_with("\u{feff}\"STT\",\"Thời gian\",\"Thao tác\",\"Người thực hiện\""), "{label}: {csv}");
        let returned = csv.lines().find(|l| l.contains("\"trả lại\"")).expect("the return, in words");
        assert!(returned.contains(&format!("\"Chi bộ Văn phòng\",\"{CELL}\"")), "{label}: {returned}");
        let time = returned.split(',').nth(1).unwrap().trim_matches('"');
        assert!(time.len() == 19 && time.as_bytes()[2] == b'/' && time.as_bytes()[13] == b':', "{label}: {time}");
        assert!(csv.lines().count() > 5 && csv.split("\r\n").count() == csv.lines().count() + 1, "{label}: CRLF");
        // A failed sign-in is in the log of the account's campaign; an unknown login's is the
        // installation's, which the Board of a campaign does not read.
        for login in [COMMITTEE, "khong-co-ai"] {
            let tried = json!({ "login": login, "password": "sai mật khẩu" });
            Client::new().post(server.url("/api/session")).json(&tried).send().await.unwrap();
        }
        let log =
            ok_json(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap()).await;
        let failed: Vec<&str> = log
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "sign-in-failed")
            .map(|e| e["login"].as_str().unwrap())
            .collect();
        assert_eq!(failed, [COMMITTEE], "{label}");
        // The unit's timeline, for those who reach it.
        let timeline = ok_json(secretary.get(unit_url(&server, CELL, "timeline")).send().await.unwrap()).await;
        let actions: Vec<&str> = timeline.as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(
            actions,
            ["account-created", "password-set", "sign-in", "save", "submit", "return", "save", "submit", "approve"],
            "{label}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_approvals_of_one_submission_at_once_one_wins_the_other_is_told_409() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let label = store.label();
        let bloc = whole_bloc(&store, &server).await;
        // A second officer of the same committee, in their own session.
        let invited = bloc[BOARD]
            .post(unit_url(&server, COMMITTEE, "accounts"))
            .json(&json!({ "login": "pho-ban", "second": true }))
            .send()
            .await
            .unwrap();
        let invited: Value = invited.json().await.unwrap();
        let second = User::by_link(&server, "pho-ban", invited[0]["link"].as_str().unwrap()).await;
        for cell in [CELL, SIBLING_CELL, "dang-bo-so-tai-chinh.chi-bo-phong-ngan-sach"] {
            assert_eq!(step(&server, &bloc[cell], cell, "submit", json!({})).await.0, StatusCode::OK);
            let (one, two) = tokio::join!(
                step(&server, &bloc[COMMITTEE], cell, "approve", json!({})),
                step(&server, &second, cell, "approve", json!({}))
            );
            let mut statuses = [one.0, two.0];
            statuses.sort();
            assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{label}: {cell}: {one:?} {two:?}");
            let lost = if one.0 == StatusCode::CONFLICT { one.1 } else { two.1 };
            assert_eq!(lost["code"], "conflict", "{label}");
        }
        let log =
            ok_json(bloc[BOARD].get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap())
                .await;
        let approvals = log.as_array().unwrap().iter().filter(|e| e["action"] == "approve").count();
        assert_eq!(approvals, 3, "{label}: one approval each in the log");
    }
}

#[tokio::test]
async fn a_signed_original_is_kept_only_when_it_is_the_current_version_signed_over_the_whole_file() {
    use reqwest::multipart::{Form, Part};
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let label = store.label();
        let bloc = whole_bloc(&store, &server).await;
        let (secretary, committee) = (&bloc[CELL], &bloc[COMMITTEE]);
        let dir = tempfile::tempdir().unwrap();
        crate::signing::throwaway_certificate(dir.path());
        let upload = |pdf: Vec<u8>, user: &User| {
            let form = Form::new().part("file", Part::bytes(pdf).file_name("mau-2-da-ky.pdf"));
            user.put(unit_url(&server, CELL, "signed")).multipart(form).send()
        };
        // Version 1's form 2, then a second version saved: the old one is not the current.
        let old =
            secretary.get(unit_url(&server, CELL, "documents/mau-2")).send().await.unwrap().bytes().await.unwrap();
        let mut roster = json_input(&example("cell.json"));
        roster["cell"]["report_number"] = json!("02-BC/CB");
        ok_json(secretary.put(unit_url(&server, CELL, "submission")).json(&roster).send().await.unwrap()).await;
        let made = secretary.get(unit_url(&server, CELL, "documents/mau-2")).send().await.unwrap();
        let slots: Value = serde_json::from_str(made.headers()["x-kttdv-signature-slots"].to_str().unwrap()).unwrap();
        std::fs::write(dir.path().join("mau-2.pdf"), made.bytes().await.unwrap()).unwrap();
        crate::signing::sign(dir.path(), "mau-2.pdf", slots[0]["name"].as_str().unwrap(), "mau-2-da-ky.pdf");
        let signed = std::fs::read(dir.path().join("mau-2-da-ky.pdf")).unwrap();

        let early = upload(signed.clone(), secretary).await.unwrap();
        assert_eq!(early.status(), StatusCode::CONFLICT, "{label}: before the report is submitted");
        assert_eq!(step(&server, secretary, CELL, "submit", json!({})).await.0, StatusCode::OK);

        let problems = |body: Value| -> Vec<String> {
            body["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap().to_owned()).collect()
        };
        let stale = upload(old.to_vec(), secretary).await.unwrap();
        assert_eq!(stale.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(problems(stale.json().await.unwrap()), ["other-version", "unsigned-data"], "{label}");
        let mut appended = signed.clone();
        appended.extend_from_slice(b"\n% them sau khi ky\n");
        let after = upload(appended, secretary).await.unwrap();
        assert_eq!(after.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(problems(after.json().await.unwrap()), ["not-the-document", "changed-after-signing"], "{label}");
        let not_pdf = upload(b"khong phai PDF".to_vec(), secretary).await.unwrap();
        assert_eq!(not_pdf.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(
            upload(signed.clone(), committee).await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "{label}: the cell's own"
        );

        let kept = upload(signed.clone(), secretary).await.unwrap();
        assert_eq!(kept.status(), StatusCode::CREATED, "{label}");
        let kept: Value = kept.json().await.unwrap();
        assert_eq!((kept["version"].as_i64(), kept["signed"].as_bool()), (Some(2), Some(true)), "{label}: {kept}");
        // The level above downloads it as it was signed; a sibling cell does not see it.
        let original = committee.get(unit_url(&server, CELL, "signed/mau-2")).send().await.unwrap();
        assert_eq!(original.status(), StatusCode::OK, "{label}");
        assert_eq!(original.bytes().await.unwrap(), signed, "{label}");
        let sibling = bloc[SIBLING_CELL].get(unit_url(&server, CELL, "signed/mau-2")).send().await.unwrap();
        assert_eq!(sibling.status(), StatusCode::NOT_FOUND, "{label}");
        let none = committee.get(unit_url(&server, CELL, "signed/mau-3")).send().await.unwrap();
        assert_eq!(none.json::<Value>().await.unwrap()["code"], "no-signed-original", "{label}");
        let log =
            ok_json(bloc[BOARD].get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap())
                .await;
        assert_eq!(log.as_array().unwrap().iter().filter(|e| e["action"] == "upload").count(), 1, "{label}");

        // The committee's page shows it where the documents are, who sent it;
        // a cell approved without one is flagged.
        assert_eq!(step(&server, &bloc[SIBLING_CELL], SIBLING_CELL, "submit", json!({})).await.0, StatusCode::OK);
        assert_eq!(step(&server, committee, SIBLING_CELL, "approve", json!({})).await.0, StatusCode::OK);
        let page = committee.get(server.url(&format!("/web/campaigns/{CAMPAIGN}"))).send().await.unwrap();
        let page = page.text().await.unwrap();
        let row = |unit: &str| {
            let start = page.find(&format!("id=\"{unit}\"")).unwrap_or_else(|| panic!("{unit} on the page"));
            page[start..start + page[start..].find("</tr>").unwrap()].replace("&#x2F;", "/")
        };
        let cell_row = row(CELL);
        assert!(
            cell_row.contains("Bản đã ký:") && cell_row.contains(&format!("/units/{CELL}/signed/mau-2")),
            "{label}: {cell_row}"
        );
        assert!(cell_row.contains(&format!("— {CELL},")), "{label}: who sent it: {cell_row}");
        assert!(row(SIBLING_CELL).contains("Đã duyệt nhưng chưa có bản đã ký"), "{label}");
        assert!(!cell_row.contains("chưa có bản đã ký"), "{label}");
    }
}

#[tokio::test]
async fn a_returned_report_goes_up_again_only_changed_unless_returned_as_it_may_go() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    let committee = User::of_unit(&store, &server, "committee", COMMITTEE).await;
    let returned = json!({ "note": "Ghi thiếu ngày vào Đảng của một đồng chí" });
    assert_eq!(step(&server, &secretary, CELL, "submit", json!({})).await.0, StatusCode::OK);
    assert_eq!(step(&server, &committee, CELL, "return", returned.clone()).await.0, StatusCode::OK);

    // Sent up again unchanged: refused, saying why and what to do.
    let (status, body) = step(&server, &secretary, CELL, "submit", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("chưa có phiên bản mới") && message.contains("lưu"), "{message}");

    // Changed and saved: it goes.
    let mut roster = json_input(&example("cell.json"));
    roster["cell"]["report_number"] = json!("04-BC/CB");
    let saved = secretary.put(unit_url(&server, CELL, "submission")).json(&roster).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(step(&server, &secretary, CELL, "submit", json!({})).await.0, StatusCode::OK);

    // Returned with «không cần sửa»: it may go up as it is.
    let as_is = json!({ "note": "Đã rõ, không cần sửa", "as_is": true });
    assert_eq!(step(&server, &committee, CELL, "return", as_is).await.0, StatusCode::OK);
    assert_eq!(step(&server, &secretary, CELL, "submit", json!({})).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_save_says_what_it_stored_and_an_identical_file_makes_no_version() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    let mut roster = json_input(&example("cell.json"));
    roster["members"].as_array_mut().unwrap().truncate(20);
    let url = unit_url(&server, CELL, "submission");
    let saved = ok_json(secretary.put(&url).json(&roster).send().await.unwrap()).await;
    let said = saved["summary"]["text"].as_str().unwrap();
    assert!(said.starts_with("Đã lưu phiên bản 2: 20 đồng chí (danh sách đóng dấu "), "{said}");
    assert!(said.contains("so với phiên bản trước: bớt 5"), "the five left out: {said}");
    assert_eq!(saved["summary"]["members"], 20);
    let again = ok_json(secretary.put(&url).json(&roster).send().await.unwrap()).await;
    assert_eq!(again["new"], false);
    let said = again["summary"]["text"].as_str().unwrap();
    assert!(said.starts_with("Tệp giống hệt phiên bản 2 đã lưu: không tạo phiên bản mới"), "{said}");
}

#[tokio::test]
async fn a_refusal_names_the_units_by_their_names() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let committee = User::of_unit(&store, &server, "committee", COMMITTEE).await;
    // The committee submits before its cells are done: which ones, by name.
    let (status, body) = step(&server, &committee, COMMITTEE, "submit", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("Chi bộ Văn phòng") && message.contains("Chi bộ Thanh tra"), "{message}");
    assert!(!message.contains("dang-bo-so-tai-chinh"), "no codes: {message}");
}

#[tokio::test]
async fn a_problem_in_a_saved_workbook_names_its_member_beside_its_cell() {
    use reqwest::multipart::{Form, Part};
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    let form = Form::new().part("input", Part::bytes(broken_workbook()).file_name("chi-bo-van-phong.xlsx"));
    let answer = secretary.put(unit_url(&server, CELL, "submission")).multipart(form).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = answer.json().await.unwrap();
    let problem = &body["problems"][0];
    assert_eq!(problem["row"], 4, "{body}");
    assert!(problem["where"].as_str().unwrap().starts_with("trang «Danh sách đảng viên», ô "), "{body}");
    assert_eq!(problem["member"], "Lê Đức Minh", "the member of that row: {body}");
}

#[tokio::test]
async fn a_campaign_that_requires_signed_originals_approves_a_cell_only_with_one() {
    use reqwest::multipart::{Form, Part};
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut settings = json_input(&std::fs::read_to_string(root().join("campaigns/2021-quang-nam.json")).unwrap());
    settings["signed_required"] = json!(["cell"]);
    let settings_file = dir.path().join("2021-quang-nam.json");
    std::fs::write(&settings_file, settings.to_string()).unwrap();
    let mut args = vec!["campaign", "init", settings_file.to_str().unwrap(), "--from", "examples/board.json"];
    let store_args = store.args();
    args.extend(store_args.iter().map(String::as_str));
    let out = kttdv(&args, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    let committee = User::of_unit(&store, &server, "committee", COMMITTEE).await;
    assert_eq!(step(&server, &secretary, CELL, "submit", json!({})).await.0, StatusCode::OK);

    // Without the signed original: refused, saying what is missing; the page says so first.
    let (status, body) = step(&server, &committee, CELL, "approve", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("«Chi bộ Văn phòng»") && message.contains("bản đã ký"), "{message}");
    let page = committee.get(server.url(&format!("/web/campaigns/{CAMPAIGN}"))).send().await.unwrap();
    let page = page.text().await.unwrap();
    let start = page.find(&format!("id=\"{CELL}\"")).unwrap();
    let row = &page[start..start + page[start..].find("</tr>").unwrap()];
    assert!(row.contains("Cần bản đã ký trước khi duyệt"), "{row}");

    // Signed and sent: approved.
    crate::signing::throwaway_certificate(dir.path());
    let made = secretary.get(unit_url(&server, CELL, "documents/mau-1")).send().await.unwrap();
    let slots: Value = serde_json::from_str(made.headers()["x-kttdv-signature-slots"].to_str().unwrap()).unwrap();
    std::fs::write(dir.path().join("mau-1.pdf"), made.bytes().await.unwrap()).unwrap();
    crate::signing::sign(dir.path(), "mau-1.pdf", slots[0]["name"].as_str().unwrap(), "mau-1-da-ky.pdf");
    let signed = std::fs::read(dir.path().join("mau-1-da-ky.pdf")).unwrap();
    let form = Form::new().part("file", Part::bytes(signed).file_name("mau-1-da-ky.pdf"));
    let sent = secretary.put(unit_url(&server, CELL, "signed")).multipart(form).send().await.unwrap();
    assert_eq!(sent.status(), StatusCode::CREATED);
    assert_eq!(step(&server, &committee, CELL, "approve", json!({})).await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_audit_log_reads_on_screen_paged_and_filtered_by_unit_and_action_for_the_board_only() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let board = User::created(
            &store,
            &server,
            "ban-to-chuc",
            &["--role", "board", "--campaign", CAMPAIGN, "--unit", BOARD],
        )
        .await;
        let secretary = User::of_unit(&store, &server, "cell", CELL).await;
        // 60 reads of the cell's data, a submission among them.
        for _ in 0..60 {
            ok_json(secretary.get(unit_url(&server, CELL, "submission")).send().await.unwrap()).await;
        }
        assert_eq!(step(&server, &secretary, CELL, "submit", json!({})).await.0, StatusCode::OK);
        let page = |query: &str| board.get(server.url(&format!("/web/campaigns/{CAMPAIGN}/audit{query}"))).send();
        let text = |body: String| body.replace("&#x2F;", "/");

        // Everything, newest first, in Vietnamese, the unit by its name, Vietnam's time.
        let all = page("").await.unwrap();
        assert_eq!(all.status(), StatusCode::OK);
        let all = text(all.text().await.unwrap());
        assert!(all.contains("<h1>Nhật ký thao tác</h1>"), "{all}");
        let first = all.find("<td data-label=\"Thao tác\">nộp</td>").expect("the submission listed");
        assert!(first < all.find("<td data-label=\"Thao tác\">xem dữ liệu</td>").unwrap(), "newest first");
        assert!(all.contains("<td data-label=\"Đơn vị\">Chi bộ Văn phòng</td>"), "{all}");
        assert!(all.contains("(giờ Việt Nam)"), "{all}");

        // Filtered by action: 60 reads, 50 a page.
        let reads = text(page("?thao-tac=read").await.unwrap().text().await.unwrap());
        assert!(reads.contains("60 thao tác") && reads.contains("Trang 1/2"), "{reads}");
        assert_eq!(reads.matches("<td data-label=\"Thao tác\">xem dữ liệu</td>").count(), 50);
        assert!(!reads.contains("<td data-label=\"Thao tác\">nộp</td>"), "only the reads");
        let second = text(page("?thao-tac=read&trang=2").await.unwrap().text().await.unwrap());
        assert_eq!(second.matches("<td data-label=\"Thao tác\">xem dữ liệu</td>").count(), 10);
        // A page past the last (an old link): the last, never «Trang 9/2».
        let past = text(page("?thao-tac=read&trang=9").await.unwrap().text().await.unwrap());
        assert!(past.contains("Trang 2/2"), "{past}");
        assert_eq!(past.matches("<td data-label=\"Thao tác\">xem dữ liệu</td>").count(), 10);

        // Filtered by unit: the other cell has no event.
        let other = text(page(&format!("?don-vi={SIBLING_CELL}")).await.unwrap().text().await.unwrap());
        assert!(other.contains("Không có thao tác nào"), "{other}");
        let cell = text(page(&format!("?don-vi={CELL}&thao-tac=submit")).await.unwrap().text().await.unwrap());
        assert!(cell.contains("1 thao tác") && cell.contains("<td data-label=\"Thao tác\">nộp</td>"), "{cell}");

        // A filter that is not one: said, not a 500.
        let unknown = page("?thao-tac=xoa-sach").await.unwrap();
        assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);

        // The campaign page links to it for the Board; a cell reads no log.
        let campaign = board.get(server.url(&format!("/web/campaigns/{CAMPAIGN}"))).send().await.unwrap();
        let campaign = text(campaign.text().await.unwrap());
        assert!(campaign.contains(&format!("href=\"/web/campaigns/{CAMPAIGN}/audit\"")), "{campaign}");
        let refused = secretary.get(server.url(&format!("/web/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_rule_of_a_route_is_applied_before_its_request_is_read() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    // A cousin cell's submission, sent in a form no route reads: not there, before anything is read.
    let answer = secretary
        .put(unit_url(&server, COUSIN_CELL, "submission"))
        .header("content-type", "text/plain")
        .body("không phải dữ liệu")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    // A step with a body that is not JSON on a unit out of reach: the same.
    let answer = secretary
        .post(unit_url(&server, COUSIN_CELL, "approve"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_board_finds_units_by_name_state_and_lateness_and_sorts_them_on_its_page() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let board =
        User::created(&store, &server, "ban-to-chuc", &["--role", "board", "--campaign", CAMPAIGN, "--unit", BOARD])
            .await;
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    assert_eq!(step(&server, &secretary, CELL, "submit", json!({})).await.0, StatusCode::OK);
    let page = |query: &str| {
        let url = server.url(&format!("/web/campaigns/{CAMPAIGN}{query}"));
        let get = board.get(url).send();
        async move {
            let answer = get.await.unwrap();
            assert_eq!(answer.status(), StatusCode::OK);
            answer.text().await.unwrap().replace("&#x2F;", "/")
        }
    };
    let rows = |html: &str| -> Vec<String> {
        html.match_indices("<tr class=\"")
            .map(|(at, _)| {
                let id = &html[at..];
                let id = &id[id.find("id=\"").unwrap() + 4..];
                id[..id.find('"').unwrap()].to_owned()
            })
            .collect()
    };
    let all = page("").await;
    assert_eq!(rows(&all).len(), 8, "the whole example tree: {:?}", rows(&all));
    assert!(all.contains("<p id=\"listed\" role=\"status\">8 đơn vị"), "{all}");

    // By name, without diacritics.
    let found = page("?tim=tai+chinh").await;
    assert_eq!(rows(&found), ["dang-bo-so-tai-chinh"]);
    assert!(found.contains("1/8 đơn vị khớp bộ lọc") && found.contains("value=\"tai chinh\""), "{found}");
    // By state: the one cell submitted.
    assert_eq!(rows(&page("?trang-thai=da-nop").await), [CELL]);
    // By lateness: the example's deadlines are of 2021, so nothing is still due.
    assert!(rows(&page("?han=chua-den-han").await).is_empty());
    let overdue = rows(&page("?han=qua-han").await);
    assert!(
        overdue.len() >= 6 && !overdue.contains(&CELL.to_owned()),
        "every cell and committee but the one that sent: {overdue:?}"
    );
    // Sorted by name: «Ban …», then «Chi bộ …», then «Đảng bộ …».
    let sorted = rows(&page("?sap-xep=ten").await);
    assert_eq!(sorted.len(), 8);
    assert!(sorted[0] == "ban" && sorted[1].contains(".chi-bo-") && sorted[7].starts_with("dang-bo-"), "{sorted:?}");
    // Words it does not know narrow nothing.
    assert_eq!(rows(&page("?trang-thai=khong-co&sap-xep=x").await).len(), 8);
}

#[tokio::test]
async fn a_cells_page_lists_its_versions_newest_first_a_page_at_a_time_and_compares_any_two() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    let mut roster = json_input(&example("cell.json"));
    let url = unit_url(&server, CELL, "submission");
    // Version 1 is the example's; 21 more, each with another remark.
    for n in 2..=22 {
        roster["members"][0]["remarks"] = json!(format!("lần {n}"));
        ok_json(secretary.put(&url).json(&roster).send().await.unwrap()).await;
    }
    let page = |query: &str| {
        let get = secretary.get(server.url(&format!("/web/campaigns/{CAMPAIGN}/units/{CELL}{query}"))).send();
        async move { get.await.unwrap().text().await.unwrap().replace("&#x2F;", "/") }
    };
    let first = page("").await;
    assert!(first.contains("Các phiên bản (22, mới nhất trước)") && first.contains("Trang 1/2"), "{first}");
    let numbers = |html: &str| -> Vec<String> {
        html.match_indices("<td data-label=\"Phiên bản\">")
            .map(|(at, tag)| html[at + tag.len()..].split('<').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(numbers(&first).len(), 20);
    assert_eq!(numbers(&first)[..2], ["22", "21"], "newest first");
    assert_eq!(numbers(&page("?trang=2").await), ["2", "1"]);
    // The last two by default; any two when asked.
    assert!(first.contains("<li>Trần Văn Hùng: Ghi chú lần 21 → lần 22</li>"), "{first}");
    let far = page("?tu=2&den=22").await;
    assert!(far.contains("<li>Trần Văn Hùng: Ghi chú lần 2 → lần 22</li>"), "{far}");
    // Out of range: the last two again, never an error.
    assert!(page("?tu=99&den=0").await.contains("Ghi chú lần 21 → lần 22"));
    // Members' details read on the page are written down like any read.
    let timeline = ok_json(secretary.get(unit_url(&server, CELL, "timeline")).send().await.unwrap()).await;
    let read =
        timeline.as_array().unwrap().iter().any(|e| e["action"] == "read" && e["note"] == "so sánh phiên bản 2 và 22");
    assert!(read, "{timeline}");
}

#[tokio::test]
async fn a_committee_downloads_every_cells_documents_as_one_zip_and_a_cell_only_its_own() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let committee = User::of_unit(&store, &server, "committee", "dang-bo-so-tai-chinh").await;
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    let answer = committee.get(unit_url(&server, "dang-bo-so-tai-chinh", "bundle.zip")).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["content-type"], "application/zip");
    let disposition = answer.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains("filename=\"van-ban_dang-bo-so-tai-chinh.zip\""), "{disposition}");
    let bytes = answer.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    // Each cell's packet in its folder, named by the code's parts.
    let packet = names
        .iter()
        .find(|n| n.starts_with("dang-bo-so-tai-chinh/chi-bo-van-phong/") && n.ends_with(".pdf"))
        .unwrap_or_else(|| panic!("{names:?}"))
        .clone();
    let mut pdf = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(&packet).unwrap(), &mut pdf).unwrap();
    let text = folded(&pdf_text(&pdf));
    assert!(text.contains("Mẫu 1-KTTĐV") && text.contains("CHI BỘ VĂN PHÒNG"), "{text}");
    // Nothing of another committee's.
    assert!(names.iter().all(|n| !n.starts_with("dang-bo-so-xay-dung")), "{names:?}");
    // Whatever could not be made is said, not dropped: one line a unit
    // (the example's cells all have data, so none here).
    assert!(!names.contains(&"ghi-chu.txt".to_owned()), "{names:?}");
    assert_eq!(names.iter().filter(|n| n.ends_with(".pdf")).count(), 4, "form 6 and three packets: {names:?}");
    // A cell reaches its own folder only: the committee's is not there for it.
    let own = secretary.get(unit_url(&server, CELL, "bundle.zip")).send().await.unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    let above = secretary.get(unit_url(&server, "dang-bo-so-tai-chinh", "bundle.zip")).send().await.unwrap();
    assert_eq!(above.status(), StatusCode::NOT_FOUND);
}
