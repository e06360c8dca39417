//! Trust against an insider, black-box over HTTP on SQLite and PostgreSQL:
//! an officer cannot become a unit below through a look-alike account,
//! sign-in attempts are counted before the password is tried (a burst of
//! guesses gets no more tries than one after another, and a stranger
//! cannot lock the owner out), tokens expire and go with the token that
//! made them, sessions end when idle or disabled, every change needs the
//! session's CSRF token — signing out too.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::campaign::{TestStore, init_example, serve};
use crate::common::*;
use crate::people::{BOARD, CAMPAIGN, PASSWORD, User, ok_json, unit_url, whole_bloc};

const COMMITTEE: &str = "dang-bo-so-tai-chinh";
const CELL: &str = "dang-bo-so-tai-chinh.chi-bo-van-phong";

async fn status_and_body(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn an_officer_cannot_become_a_unit_below_through_a_look_alike_account() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let label = store.label();
        let bloc = whole_bloc(&store, &server).await;
        let (board, committee, secretary) = (&bloc[BOARD], &bloc[COMMITTEE], &bloc[CELL]);
        let invite = |user: &User, body: Value| user.post(unit_url(&server, CELL, "accounts")).json(&body).send();

        // The cell's own login with a zero-width space, a direction mark, a bell, a NUL: refused as logins.
        for look_alike in ["\u{200b}", "\u{202e}", "\u{7}", "\u{0}", " x"] {
            let login = format!("{CELL}{look_alike}");
            let (status, body) = status_and_body(invite(committee, json!({ "login": login })).await.unwrap()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {login:?}: {body}");
            assert_eq!(body["problems"][0]["code"], "invalid-login", "{label}");
            assert_eq!(body["problems"][0]["path"], "$.login", "{label}");
        }
        // A plain second login for a cell that has its account: not the committee's to give.
        let (status, body) = status_and_body(invite(committee, json!({ "login": "chi-bo-moi" })).await.unwrap()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::CONFLICT, Some("unit-has-account")),
            "{label}: {body}"
        );
        let (status, _) =
            status_and_body(invite(committee, json!({ "login": "chi-bo-moi", "second": true })).await.unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}: only the unit itself or the Board adds a second person");

        // The cell adds its own second person; the Board one knowingly.
        let (status, own) =
            status_and_body(invite(secretary, json!({ "login": "Pho-Bi-Thu.Van-Phong" })).await.unwrap()).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {own}");
        assert_eq!(own[0]["login"], "pho-bi-thu.van-phong", "{label}: kept lowered");
        let (status, by_board) =
            status_and_body(invite(board, json!({ "login": "can-bo-ban", "second": true })).await.unwrap()).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {by_board}");

        // The cell sees every account it has, and who made it.
        let accounts = ok_json(secretary.get(unit_url(&server, CELL, "accounts")).send().await.unwrap()).await;
        let listed: Vec<(&str, Option<&str>)> = accounts
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["login"].as_str().unwrap(), a["created_by"].as_str()))
            .collect();
        assert_eq!(
            listed,
            [(CELL, Some(COMMITTEE)), ("pho-bi-thu.van-phong", Some(CELL)), ("can-bo-ban", Some("ban-to-chuc"))],
            "{label}"
        );

        // The Board's man signs in with his link — then the committee disables him: his session ends.
        let intruder = User::by_link(&server, "can-bo-ban", by_board[0]["link"].as_str().unwrap()).await;
        assert_eq!(intruder.get(server.url("/api/session")).send().await.unwrap().status(), StatusCode::OK);
        let disable = committee.post(unit_url(&server, CELL, "accounts/can-bo-ban/disable")).send().await.unwrap();
        assert_eq!(disable.status(), StatusCode::NO_CONTENT, "{label}");
        assert_eq!(intruder.get(server.url("/api/session")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
        let again = Client::new()
            .post(server.url("/api/session"))
            .json(&json!({ "login": "can-bo-ban", "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::UNAUTHORIZED, "{label}: a disabled account signs in no more");
        // A sibling committee's officer reaches neither the list nor the switch.
        let stranger = &bloc["dang-bo-so-xay-dung"];
        let hidden = stranger.post(unit_url(&server, CELL, &format!("accounts/{CELL}/disable"))).send().await.unwrap();
        assert_eq!(hidden.status(), StatusCode::NOT_FOUND, "{label}");
        // Once the first account is disabled, the committee may invite the cell anew.
        let disable =
            committee.post(unit_url(&server, CELL, &format!("accounts/{CELL}/disable"))).send().await.unwrap();
        assert_eq!(disable.status(), StatusCode::NO_CONTENT, "{label}");
        let disable = secretary.post(unit_url(&server, CELL, "accounts/pho-bi-thu.van-phong/disable")).send().await;
        assert_eq!(disable.unwrap().status(), StatusCode::UNAUTHORIZED, "{label}: the secretary's session ended");
        let disable =
            committee.post(unit_url(&server, CELL, "accounts/pho-bi-thu.van-phong/disable")).send().await.unwrap();
        assert_eq!(disable.status(), StatusCode::NO_CONTENT, "{label}");
        let (status, body) = status_and_body(invite(committee, json!({ "login": "bi-thu-moi" })).await.unwrap()).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {body}");

        // The cell's timeline says who made and who disabled its accounts.
        let timeline = ok_json(board.get(unit_url(&server, CELL, "timeline")).send().await.unwrap()).await;
        let disabled = timeline.as_array().unwrap().iter().filter(|e| e["action"] == "account-disabled").count();
        assert_eq!(disabled, 3, "{label}");
    }
}

#[tokio::test]
async fn texts_with_a_nul_are_refused_not_a_server_error() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let label = store.label();
        let bloc = whole_bloc(&store, &server).await;
        let client = Client::new();
        let sign_in = client
            .post(server.url("/api/session"))
            .json(&json!({ "login": "ban\u{0}", "password": "sai mật khẩu" }))
            .send()
            .await
            .unwrap();
        assert_eq!(sign_in.status(), StatusCode::UNAUTHORIZED, "{label}");
        let token = bloc[BOARD].post(server.url("/api/tokens")).json(&json!({ "label": "máy\u{0}" })).send();
        assert_eq!(token.await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let unit = bloc[BOARD].get(unit_url(&server, "ban%00", "submission")).send().await.unwrap();
        assert_eq!(unit.status(), StatusCode::NOT_FOUND, "{label}");
        let campaign = bloc[BOARD].get(server.url("/api/campaigns/2021%00/units")).send().await.unwrap();
        assert_eq!(campaign.status(), StatusCode::NOT_FOUND, "{label}");
        let revoke = bloc[BOARD].request(reqwest::Method::DELETE, server.url("/api/tokens/ab%00")).send();
        assert_eq!(revoke.await.unwrap().status(), StatusCode::NOT_FOUND, "{label}");
        let link = client.get(server.url("/web/invitation/ab%00cd")).send().await.unwrap();
        assert_eq!(link.status(), StatusCode::NOT_FOUND, "{label}");
    }
}

/// Signs in as `login` with `password` from `address` (through the trusted
/// proxy on loopback); the answer's status.
async fn try_sign_in(server: &Server, login: &str, password: &str, address: &str) -> StatusCode {
    let answer = Client::new()
        .post(server.url("/api/session"))
        .header("x-forwarded-for", address)
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap();
    answer.status()
}

#[tokio::test]
async fn a_burst_of_guesses_gets_no_more_tries_than_one_after_another() {
    for store in TestStore::all() {
        let label = store.label();
        let server = serve(&store);
        User::created(&store, &server, "quan-tri", &["--role", "admin"]).await;
        let guesses = (0..30).map(|i| {
            let server = &server;
            async move { try_sign_in(server, "quan-tri", &format!("đoán sai lần {i}"), "-").await }
        });
        let statuses = futures_util::future::join_all(guesses).await;
        let tried = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
        let held = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!((tried, held), (5, 25), "{label}: {statuses:?}");
        // The right password right after waits too.
        assert_eq!(try_sign_in(&server, "quan-tri", PASSWORD, "-").await, StatusCode::TOO_MANY_REQUESTS, "{label}");
    }
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out_and_addresses_come_only_from_trusted_proxies() {
    for store in TestStore::all() {
        let label = store.label();
        let mut args = store.args();
        args.extend(["--trusted-proxy".into(), "127.0.0.1".into()]);
        let server = Server::start(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let owner = User::created(&store, &server, "quan-tri", &["--role", "admin"]).await;
        // The owner works from 10.1.1.1.
        assert_eq!(try_sign_in(&server, "quan-tri", PASSWORD, "10.1.1.1").await, StatusCode::OK, "{label}");
        // A stranger tries from many addresses, a guess each.
        for i in 0..10 {
            let address = format!("203.0.113.{i}");
            assert_eq!(try_sign_in(&server, "quan-tri", "đoán", &address).await, StatusCode::UNAUTHORIZED, "{label}");
        }
        // Guessing from yet another address waits …
        assert_eq!(
            try_sign_in(&server, "quan-tri", "đoán", "198.51.100.7").await,
            StatusCode::TOO_MANY_REQUESTS,
            "{label}"
        );
        // … the owner, at an address of theirs, does not.
        assert_eq!(try_sign_in(&server, "quan-tri", PASSWORD, "10.1.1.1").await, StatusCode::OK, "{label}");
        // A client naming its own address before the proxy's is not believed: the proxy's entry counts.
        let spoofed = Client::new()
            .post(server.url("/api/session"))
            .header("x-forwarded-for", "10.1.1.1")
            .header("x-forwarded-for", "198.51.100.7")
            .json(&json!({ "login": "quan-tri", "password": "đoán" }))
            .send()
            .await
            .unwrap();
        assert_eq!(spoofed.status(), StatusCode::TOO_MANY_REQUESTS, "{label}");
        // The owner's session is theirs still.
        assert_eq!(owner.get(server.url("/api/session")).send().await.unwrap().status(), StatusCode::OK, "{label}");
    }
    // Without --trusted-proxy, X-Forwarded-For is nobody's word: every guess is loopback's.
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    let server = serve(&store);
    User::created(&store, &server, "quan-tri", &["--role", "admin"]).await;
    for i in 0..5 {
        let status = try_sign_in(&server, "quan-tri", "đoán", &format!("203.0.113.{i}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(try_sign_in(&server, "quan-tri", "đoán", "203.0.113.99").await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn tokens_expire_and_go_with_the_token_that_made_them_and_sessions_end_when_idle() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let role = ["--role", "cell", "--campaign", CAMPAIGN, "--unit", CELL];
    let secretary = User::created(&store, &server, "van-phong", &role).await;
    let (status, body) = status_and_body(
        secretary
            .post(server.url("/api/tokens"))
            .json(&json!({ "label": "x", "expires_in_days": 0 }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["problems"][0]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("$.expires_in_days"))
    );
    let made =
        secretary.post(server.url("/api/tokens")).json(&json!({ "label": "máy nhập liệu" })).send().await.unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let days = (made["expires_at"].as_i64().unwrap() - now + 43_200_000) / 86_400_000;
    assert_eq!(days, 90, "90 days when not said");
    let parent = made["token"].as_str().unwrap().to_owned();
    // A token made with the token …
    let child = Client::new()
        .post(server.url("/api/tokens"))
        .bearer_auth(&parent)
        .json(&json!({ "label": "con" }))
        .send()
        .await
        .unwrap();
    assert_eq!(child.status(), StatusCode::CREATED);
    let child: Value = child.json().await.unwrap();
    let child = child["token"].as_str().unwrap().to_owned();
    let url = unit_url(&server, CELL, "versions");
    assert_eq!(Client::new().get(&url).bearer_auth(&child).send().await.unwrap().status(), StatusCode::OK);
    // … goes with it.
    let id = made["id"].as_str().unwrap();
    let revoked =
        secretary.request(reqwest::Method::DELETE, server.url(&format!("/api/tokens/{id}"))).send().await.unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_eq!(Client::new().get(&url).bearer_auth(&child).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);

    // An hour without a request ends the session, as the store's clock says.
    let TestStore::Sqlite(dir) = &store else { unreachable!() };
    let out = std::process::Command::new("sqlite3")
        .arg(dir.path().join("kttdv.db"))
        .arg("UPDATE session SET seen_at = seen_at - 3600 * 1000 - 1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(secretary.get(server.url("/api/session")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signing_out_needs_the_sessions_csrf_token_and_the_sign_in_form_needs_the_servers() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    let server = serve(&store);
    let user = User::created(&store, &server, "quan-tri", &["--role", "admin"]).await;
    // Another site's page cannot sign the user out.
    let forged = Client::new().delete(server.url("/api/session")).header("cookie", &user.cookie).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(user.get(server.url("/api/session")).send().await.unwrap().status(), StatusCode::OK);
    let out = user.request(reqwest::Method::DELETE, server.url("/api/session")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(user.get(server.url("/api/session")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);

    // A token of one's own making, in the cookie and the form alike, is not the server's.
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = [("csrf", "tu-che.9999999999.abc"), ("login", "quan-tri"), ("password", PASSWORD)];
    let answer = client
        .post(server.url("/web/sign-in"))
        .header("cookie", "kttdv-csrf=tu-che.9999999999.abc")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
}

#[cfg(unix)]
#[test]
fn the_store_is_its_owners_alone_whatever_was_there_before() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("kttdv-data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let args = ["--data", data.to_str().unwrap()];
    drop(Server::start(&args));
    let db = data.join("kttdv.db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let _server = Server::start(&args);
    assert_eq!(mode(&data), 0o700);
    for file in ["kttdv.db", "kttdv.db-wal", "kttdv.db-shm"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
}

#[tokio::test]
async fn no_link_or_token_reaches_the_log() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    let log = tempfile::NamedTempFile::new().unwrap();
    let args = store.args();
    let server = Server::start_logged(&args.iter().map(String::as_str).collect::<Vec<_>>(), log.path());
    let out = kttdv(
        &[
            &["admin", "create-user", "quan-tri", "--role", "admin"][..],
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
        "",
    );
    let link = String::from_utf8(out.stdout).unwrap();
    let path = link.trim()[link.find("/web/").unwrap()..].to_owned();
    let token = path.rsplit('/').next().unwrap().to_owned();
    let client = Client::new();
    assert_eq!(client.get(server.url(&path)).send().await.unwrap().status(), StatusCode::OK);
    let user = User::by_link(&server, "quan-tri", &path).await;
    let made: Value = user
        .post(server.url("/api/tokens"))
        .json(&json!({ "label": "máy" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let api = made["token"].as_str().unwrap();
    assert_eq!(client.get(server.url("/api/session")).bearer_auth(api).send().await.unwrap().status(), StatusCode::OK);
    drop(server);
    let written = std::fs::read_to_string(log.path()).unwrap();
    assert!(written.contains("/web/invitation/…"), "the request is logged, its token not:\n{written}");
    for secret in [token.as_str(), api, user.cookie.trim_start_matches("kttdv-session=")] {
        assert!(!written.contains(secret), "{secret} in the log:\n{written}");
    }
}

#[tokio::test]
async fn personal_data_is_never_cached_every_read_is_logged_and_a_units_settings_are_the_campaigns() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let label = store.label();
        let bloc = whole_bloc(&store, &server).await;
        let (board, committee, secretary) = (&bloc[BOARD], &bloc[COMMITTEE], &bloc[CELL]);

        // A roster naming its own reference date: said, and the campaign's used.
        let mut roster = json_input(&example("cell.json"));
        roster["campaign"] = json!({ "name": "Riêng", "round": 4, "province_code": 49, "reference_date": "01/01/2021",
            "stamping_from": "01/01/2021", "stamping_until": "15/05/2021", "committee_deadline": "10/05/2021",
            "board_deadline": "19/05/2021" });
        let saved =
            ok_json(secretary.put(unit_url(&server, CELL, "submission")).json(&roster).send().await.unwrap()).await;
        let warned: Vec<&str> =
            saved["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
        assert!(warned.contains(&"own-campaign"), "{label}: {saved}");
        let kept = ok_json(secretary.get(unit_url(&server, CELL, "submission")).send().await.unwrap()).await;
        assert!(kept.get("campaign").is_none(), "{label}: the stored part has no settings of its own");

        for path in ["submission", "documents/mau-1", "versions", "accounts", "timeline"] {
            let answer = committee.get(unit_url(&server, CELL, path)).send().await.unwrap();
            assert_eq!(answer.status(), StatusCode::OK, "{label}: {path}");
            assert_eq!(answer.headers()["cache-control"], "no-store", "{label}: {path}");
            if path == "documents/mau-1" {
                let text = folded(&pdf_text(&answer.bytes().await.unwrap()));
                assert!(text.contains("15/04/2021") && !text.contains("01/01/2021"), "{label}: {text}");
            }
        }
        let log =
            ok_json(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap()).await;
        let reads: Vec<(&str, &str, &str)> = log
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| matches!(e["action"].as_str(), Some("read" | "download")))
            .map(|e| (e["action"].as_str().unwrap(), e["login"].as_str().unwrap(), e["note"].as_str().unwrap()))
            .collect();
        let expected = [
            ("read", CELL, "dữ liệu của đơn vị"),
            ("read", COMMITTEE, "dữ liệu của đơn vị"),
            ("download", COMMITTEE, "mau-1"),
        ];
        assert_eq!(reads, expected, "{label}");
    }
}

#[tokio::test]
async fn a_step_on_a_state_the_officer_no_longer_sees_is_refused() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let label = store.label();
        let bloc = whole_bloc(&store, &server).await;
        let submitted =
            bloc[CELL].post(unit_url(&server, CELL, "submit")).json(&json!({ "state": "dang-soan" })).send();
        assert_eq!(submitted.await.unwrap().status(), StatusCode::OK, "{label}");
        // The committee's page still showed a draft: its return is of a report it has not seen.
        let (status, body) = status_and_body(
            bloc[COMMITTEE]
                .post(unit_url(&server, CELL, "return"))
                .json(&json!({ "state": "dang-soan", "note": "Thiếu ngày sinh" }))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{label}: {body}");
        let approved =
            bloc[COMMITTEE].post(unit_url(&server, CELL, "approve")).json(&json!({ "state": "da-nop" })).send();
        assert_eq!(approved.await.unwrap().status(), StatusCode::OK, "{label}");
    }
}

/// Runs a Python script (with pyHanko, installed by `.ci/run`) in `dir`.
fn python(dir: &std::path::Path, script: &str) {
    let out = std::process::Command::new("python3").arg("-c").arg(script).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `pdf` with its first page's content replaced by an incremental update,
/// as a forger would.
fn page_replaced(dir: &std::path::Path, pdf: &[u8]) -> Vec<u8> {
    std::fs::write(dir.join("to-forge.pdf"), pdf).unwrap();
    python(
        dir,
        "from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter\n\
         from pyhanko.pdf_utils import generic\n\
         w = IncrementalPdfFileWriter(open('to-forge.pdf', 'rb'))\n\
         page_ref = w.root['/Pages']['/Kids'].raw_get(0)\n\
         page = page_ref.get_object()\n\
         page['/Contents'] = w.add_object(generic.StreamObject(stream_data=b'BT /F1 12 Tf 100 100 Td (20/4) Tj ET'))\n\
         w.mark_update(page_ref)\n\
         w.write(open('forged.pdf', 'wb'))\n",
    );
    std::fs::read(dir.join("forged.pdf")).unwrap()
}

/// `pdf` signed in its field `field` with the key and certificate in `dir`.
fn signed_with(dir: &std::path::Path, pdf: &[u8], field: &str) -> Vec<u8> {
    std::fs::write(dir.join("to-sign.pdf"), pdf).unwrap();
    crate::signing::sign(dir, "to-sign.pdf", field, "signed.pdf");
    std::fs::read(dir.join("signed.pdf")).unwrap()
}

/// The signature's value (the hex between `/Contents <` and `>`), where it is.
fn contents_at(pdf: &[u8]) -> std::ops::Range<usize> {
    let key = b"/Contents <";
    let start = pdf.windows(key.len()).rposition(|w| w == key).unwrap() + key.len();
    start..start + pdf[start..].iter().position(|b| *b == b'>').unwrap()
}

#[tokio::test]
async fn a_signed_original_is_the_document_made_again_followed_only_by_signatures_that_hold() {
    use reqwest::multipart::{Form, Part};
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let label = store.label();
        let bloc = whole_bloc(&store, &server).await;
        let (secretary, committee) = (&bloc[CELL], &bloc[COMMITTEE]);
        let dir = tempfile::tempdir().unwrap();
        crate::signing::throwaway_certificate(dir.path());
        let upload = |pdf: Vec<u8>| {
            let form = Form::new().part("file", Part::bytes(pdf).file_name("mau-2-da-ky.pdf"));
            secretary.put(unit_url(&server, CELL, "signed")).multipart(form).send()
        };
        let problems = |body: &Value| -> Vec<String> {
            body["problems"]
                .as_array()
                .map_or(Vec::new(), |p| p.iter().map(|p| p["code"].as_str().unwrap().to_owned()).collect())
        };
        assert_eq!(
            bloc[CELL].post(unit_url(&server, CELL, "submit")).json(&json!({})).send().await.unwrap().status(),
            StatusCode::OK
        );
        let made = secretary.get(unit_url(&server, CELL, "documents/mau-2")).send().await.unwrap();
        let slots: Value = serde_json::from_str(made.headers()["x-kttdv-signature-slots"].to_str().unwrap()).unwrap();
        let field = slots[0]["name"].as_str().unwrap().to_owned();
        let made = made.bytes().await.unwrap().to_vec();

        // The version's data carried by other pages (a template of one's own): not the document.
        std::fs::write(dir.path().join("made.pdf"), &made).unwrap();
        let out = kttdv_in(dir.path(), &["extract", "made.pdf", "-o", "input.json"], "");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::create_dir_all(dir.path().join("blank")).unwrap();
        let blank_template = "#set document(date: datetime(year: 2021, month: 4, day: 20))\n\
            #pdf.attach(\"/kttdv-du-lieu.json\", read(\"/attachment.json\", encoding: none), relationship: \"source\", mime-type: \"application/json\", description: \"x\")\n\
            Trang trắng";
        std::fs::write(dir.path().join("blank/mau-2.typ"), blank_template).unwrap();
        let out =
            kttdv_in(dir.path(), &["render", "mau-2", "input.json", "--templates", "blank", "-o", "blank.pdf"], "");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let blank = std::fs::read(dir.path().join("blank.pdf")).unwrap();
        assert_eq!(kttdv::extract(&blank).unwrap().input, kttdv::extract(&made).unwrap().input, "the same data");
        let (status, body) = status_and_body(upload(blank).await.unwrap()).await;
        assert_eq!(
            (status, problems(&body).contains(&"not-the-document".into())),
            (StatusCode::UNPROCESSABLE_ENTITY, true),
            "{label}: {body}"
        );

        // The document with its page changed by an update, then signed: the signature holds, the page does not.
        let forged = signed_with(dir.path(), &page_replaced(dir.path(), &made), &field);
        let report = crate::signing::pyhanko(
            dir.path(),
            &["sign", "validate", "--pretty-print", "--trust-replace", "--trust", "cert.pem", "signed.pdf"],
        );
        assert!(report.contains("The signature is cryptographically sound."), "{report}");
        let (status, body) = status_and_body(upload(forged).await.unwrap()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(problems(&body), ["not-the-document"], "{label}: {body}");
        assert!(body["problems"][0]["message"].as_str().unwrap().contains("trang"), "{label}: {body}");

        let signed = signed_with(dir.path(), &made, &field);
        // A signature whose value is zeros.
        let mut zeroed = signed.clone();
        let value = contents_at(&zeroed);
        zeroed[value].fill(b'0');
        assert!(matches!(kttdv::extract(&zeroed).unwrap().signing, kttdv::Signing::Invalid(_)), "roll-ups see it too");
        let (status, body) = status_and_body(upload(zeroed).await.unwrap()).await;
        assert_eq!(
            (status, problems(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["bad-signature".into()]),
            "{label}"
        );
        // Bytes added after the signature, its byte range stretched over them.
        let mut stretched = signed.clone();
        let key = b"/ByteRange [";
        let at = stretched.windows(key.len()).rposition(|w| w == key).unwrap() + key.len();
        let close = at + stretched[at..].iter().position(|b| *b == b']').unwrap();
        let text = std::str::from_utf8(&stretched[at..close]).unwrap();
        let numbers: Vec<usize> = text.split_whitespace().map(|n| n.parse().unwrap()).collect();
        let added = b"\n1000 0 obj\n(nothing)\nendobj\n%%EOF\n";
        let widened = format!("{} {} {} {}", numbers[0], numbers[1], numbers[2], numbers[3] + added.len());
        let room = close - at;
        assert!(widened.len() <= room);
        stretched.splice(at..close, format!("{widened:<room$}").into_bytes());
        stretched.extend_from_slice(added);
        let (status, body) = status_and_body(upload(stretched).await.unwrap()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(problems(&body).contains(&"bad-signature".into()), "{label}: {body}");
        // The document unsigned is no signed original.
        let (status, body) = status_and_body(upload(made.clone()).await.unwrap()).await;
        assert_eq!(
            (status, problems(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["unsigned-data".into()]),
            "{label}"
        );

        // Signed as it was made: kept, its signer named; replaceable while submitted …
        let (status, body) = status_and_body(upload(signed.clone()).await.unwrap()).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {body}");
        assert_eq!(body["signer"], "Bi thu thu nghiem, Chi bo Van phong", "{label}");
        let (status, _) = status_and_body(upload(signed.clone()).await.unwrap()).await;
        assert_eq!(status, StatusCode::CREATED, "{label}");
        // … frozen once approved.
        let approved = committee.post(unit_url(&server, CELL, "approve")).json(&json!({})).send().await.unwrap();
        assert_eq!(approved.status(), StatusCode::OK, "{label}");
        let (status, body) = status_and_body(upload(signed.clone()).await.unwrap()).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{label}: {body}");
        let kept = committee.get(unit_url(&server, CELL, "signed/mau-2")).send().await.unwrap();
        assert_eq!(kept.bytes().await.unwrap(), signed, "{label}");
    }
}

#[test]
fn a_signature_made_with_an_elliptic_curve_key_holds_and_names_its_signer() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"])
        .args(["-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=Chu tich thu nghiem/O=Dang bo So Tai chinh"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rendered = RENDERER
        .make(kttdv::Kind::Mau2, &json_input(&example("cell.json")), kttdv::Output::pdf(kttdv::PdfFlavour::WITH_DATA))
        .unwrap();
    let signed = signed_with(dir.path(), &rendered.bytes, &rendered.slots[0].name);
    assert_eq!(
        kttdv::extract(&signed).unwrap().signing,
        kttdv::Signing::Signed { signer: "Chu tich thu nghiem, Dang bo So Tai chinh".into() }
    );
    assert_eq!(kttdv::added_to(&rendered.bytes, &signed), Ok(()));
}

#[tokio::test]
async fn a_unit_saves_the_same_body_once_and_within_its_quotas() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let role = ["--role", "cell", "--campaign", CAMPAIGN, "--unit", CELL];
    let secretary = User::created(&store, &server, "van-phong", &role).await;
    let url = unit_url(&server, CELL, "submission");
    let mut roster = json_input(&example("cell.json"));
    let same = ok_json(secretary.put(&url).json(&roster).send().await.unwrap()).await;
    assert_eq!((same["version"]["number"].as_i64(), same["new"].as_bool()), (Some(1), Some(false)), "as made: {same}");
    roster["cell"]["report_number"] = json!("02-BC/CB");
    let first = ok_json(secretary.put(&url).json(&roster).send().await.unwrap()).await;
    assert_eq!((first["version"]["number"].as_i64(), first["new"].as_bool()), (Some(2), Some(true)), "{first}");
    let again = ok_json(secretary.put(&url).json(&roster).send().await.unwrap()).await;
    assert_eq!((again["version"]["number"].as_i64(), again["new"].as_bool()), (Some(2), Some(false)), "{again}");
    let versions = ok_json(secretary.get(unit_url(&server, CELL, "versions")).send().await.unwrap()).await;
    assert_eq!(versions.as_array().unwrap().len(), 2, "the same body makes no new version");

    // Sixty versions saved in an hour (version 1 came with the campaign), then 429.
    for i in 3..=61 {
        roster["cell"]["report_number"] = json!(format!("{i:02}-BC/CB"));
        let status = secretary.put(&url).json(&roster).send().await.unwrap().status();
        assert_eq!(status, StatusCode::OK, "version {i}");
    }
    roster["cell"]["report_number"] = json!("62-BC/CB");
    let (status, body) = status_and_body(secretary.put(&url).json(&roster).send().await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too-many-saves")), "{body}");

    // A unit whose versions fill its room: 413, nothing stored.
    let TestStore::Sqlite(dir) = &store else { unreachable!() };
    let out = std::process::Command::new("sqlite3")
        .arg(dir.path().join("kttdv.db"))
        .arg(format!(
            "UPDATE unit SET stored = {} WHERE code = '{CELL}'; DELETE FROM event WHERE action = 'save';",
            (256 << 20) - 100
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (status, body) = status_and_body(secretary.put(&url).json(&roster).send().await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("unit-full")), "{body}");
    let versions = ok_json(secretary.get(unit_url(&server, CELL, "versions")).send().await.unwrap()).await;
    assert_eq!(versions.as_array().unwrap().len(), 61);
}

#[tokio::test]
async fn a_large_tree_comes_to_the_page_a_thousand_units_at_a_time() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut units = vec![json!({ "code": "ban", "name": "Ban Tổ chức", "kind": "board" })];
    for c in 0..11 {
        units.push(
            json!({ "code": format!("db-{c}"), "name": format!("Đảng bộ {c}"), "kind": "committee", "parent": "ban" }),
        );
        for k in 0..99 {
            let code = format!("db-{c}.cb-{k}");
            units.push(
                json!({ "code": code, "name": format!("Chi bộ {c}-{k}"), "kind": "cell", "parent": format!("db-{c}") }),
            );
        }
    }
    std::fs::write(dir.path().join("units.json"), json!(units).to_string()).unwrap();
    let mut args = vec!["campaign", "init", "campaigns/2021-quang-nam.json", "--units"];
    let file = dir.path().join("units.json").display().to_string();
    args.push(&file);
    let store_args = store.args();
    args.extend(store_args.iter().map(String::as_str));
    let out = kttdv(&args, "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let server = serve(&store);
    let board =
        User::created(&store, &server, "ban-to-chuc", &["--role", "board", "--campaign", CAMPAIGN, "--unit", BOARD])
            .await;
    let page = |n: &str| board.get(server.url(&format!("/web/campaigns/{CAMPAIGN}{n}"))).send();
    let first = page("").await.unwrap().text().await.unwrap();
    assert!(
        first.contains("1101 đơn vị · Trang 1/2") && first.contains("Chi bộ 0-0") && !first.contains("Chi bộ 10-98")
    );
    assert_eq!(first.matches("<tr class=").count(), 1000);
    let second = page("?trang=2").await.unwrap().text().await.unwrap();
    assert!(second.contains("Trang 2/2") && second.contains("Chi bộ 10-98") && !second.contains("Chi bộ 0-0<"));
    assert_eq!(second.matches("<tr class=").count(), 101);
}
