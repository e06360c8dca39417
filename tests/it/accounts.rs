//! Accounts and signing in, black-box: `kttdv admin create-user`, the
//! one-time link, sessions by cookie; on SQLite and PostgreSQL.

use crate::campaign::{TestStore, init_example, serve};
use crate::common::*;
use crate::people::{User, unit_url};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

fn create_user(store: &TestStore, args: &[&str]) -> std::process::Output {
    let store_args = store.args();
    let mut all = vec!["admin", "create-user"];
    all.extend(args);
    all.extend(store_args.iter().map(String::as_str));
    kttdv(&all, "")
}

#[tokio::test]
async fn the_first_administrator_sets_a_password_by_a_one_time_link_then_signs_in_and_out() {
    for store in TestStore::all() {
        let label = store.label();
        let out = create_user(&store, &["quan-tri", "--role", "admin", "--url", "http://kttdv.example/"]);
        assert!(out.status.success(), "{label}: {}", String::from_utf8_lossy(&out.stderr));
        let link = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        let token = link.strip_prefix("http://kttdv.example/web/invitation/").expect("the link").to_owned();
        assert!(token.len() >= 43, "{label}: 32 random bytes: {token}");

        let server = serve(&store);
        let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let page = client.get(server.url(&format!("/web/invitation/{token}"))).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{label}");
        assert!(page.text().await.unwrap().contains("quan-tri"));
        let set = |password: &'static str, repeat: &'static str| {
            let url = server.url(&format!("/web/invitation/{token}"));
            client.post(url).form(&[("password", password), ("repeat", repeat)]).send()
        };
        let short = set("ngắn quá", "ngắn quá").await.unwrap();
        assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(short.text().await.unwrap().contains("ít nhất 12 ký tự"));
        let blank = set("              ", "              ").await.unwrap();
        assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}: spaces are no password");
        let differ = set("mật khẩu đủ dài 1", "mật khẩu đủ dài 2").await.unwrap();
        assert!(differ.text().await.unwrap().contains("không giống nhau"), "{label}");

        let accepted = set("mật khẩu đủ dài 1", "mật khẩu đủ dài 1").await.unwrap();
        assert_eq!(accepted.status(), StatusCode::SEE_OTHER, "{label}");
        assert_eq!(accepted.headers()["location"], "/web/campaigns");
        let cookie = accepted.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(
            cookie.starts_with("kttdv-session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "plain HTTP here; Secure behind TLS");
        let session = cookie.split(';').next().unwrap().to_owned();
        let me: Value = client
            .get(server.url("/api/session"))
            .header("cookie", &session)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!((me["login"].as_str(), me["role"].as_str()), (Some("quan-tri"), Some("admin")), "{label}: {me}");

        // The link works once.
        let again = client.get(server.url(&format!("/web/invitation/{token}"))).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_FOUND, "{label}");
        assert_eq!(set("mật khẩu khác nữa 3", "mật khẩu khác nữa 3").await.unwrap().status(), StatusCode::NOT_FOUND);

        // A wrong password and an unknown login get the same answer.
        for (login, password) in [("quan-tri", "sai mật khẩu rồi"), ("khong-co", "mật khẩu đủ dài 1")] {
            let body = json!({ "login": login, "password": password });
            let answer = client.post(server.url("/api/session")).json(&body).send().await.unwrap();
            assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{label}");
            let error: Value = answer.json().await.unwrap();
            assert_eq!(error["code"], "sign-in-failed");
        }
        let body = json!({ "login": "quan-tri", "password": "mật khẩu đủ dài 1" });
        let signed = client
            .post(server.url("/api/session"))
            .json(&body)
            .header("x-forwarded-proto", "https")
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status(), StatusCode::OK, "{label}");
        let cookie = signed.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("; Secure"), "behind TLS: {cookie}");
        let second = cookie.split(';').next().unwrap().to_owned();
        let csrf = signed.json::<Value>().await.unwrap()["csrf"].as_str().unwrap().to_owned();
        let out = client
            .delete(server.url("/api/session"))
            .header("cookie", &second)
            .header("x-kttdv-csrf", csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), StatusCode::NO_CONTENT);
        let gone = client.get(server.url("/api/session")).header("cookie", &second).send().await.unwrap();
        assert_eq!(gone.status(), StatusCode::UNAUTHORIZED, "{label}: signed out");
        let first = client.get(server.url("/api/session")).header("cookie", &session).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK, "{label}: the other session goes on");

        // Neither passwords nor tokens are kept as they are.
        if let TestStore::Sqlite(dir) = &store {
            let db = dir.path().join("kttdv.db");
            let query =
                "SELECT password_hash FROM account; SELECT token_hash FROM session; SELECT token_hash FROM invitation;";
            let out = std::process::Command::new("sqlite3").arg(&db).arg(query).output().unwrap();
            let kept = String::from_utf8(out.stdout).unwrap();
            assert!(kept.starts_with("$argon2id$"), "{kept}");
            assert!(!kept.contains(&token) && !kept.contains(session.trim_start_matches("kttdv-session=")), "{kept}");
        }
    }
}

#[test]
fn an_account_for_a_unit_needs_that_unit_and_a_login_not_taken() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let cell = ["--role", "cell", "--campaign", "2021-quang-nam"];
    let out = create_user(&store, &[&["bi-thu"][..], &cell, &["--unit", "khong-co"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("không có đơn vị «khong-co»"));
    let unit = ["--unit", "dang-bo-so-tai-chinh.chi-bo-van-phong"];
    let out = create_user(&store, &[&["bi-thu"][..], &cell, &unit].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bí thư chi bộ"));
    // One account per unit: a second one, whatever its login, is refused.
    let again = create_user(&store, &[&["bi-thu-2"][..], &cell, &unit].concat());
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("đơn vị đã có tài khoản «bi-thu»"));
    let taken = create_user(&store, &["bi-thu", "--role", "admin"]);
    assert_eq!(taken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&taken.stderr).contains("tài khoản «bi-thu» đã có"));
    // A login outside the alphabet is a usage error, said in words.
    let odd = create_user(&store, &["bi thu", "--role", "admin"]);
    assert_eq!(odd.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&odd.stderr).contains("chữ thường không dấu"));
    // A unit's role names its unit.
    let out = create_user(&store, &["can-bo", "--role", "committee"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn an_administrator_creates_a_campaign_over_http_and_nobody_else_can() {
    use reqwest::multipart::{Form, Part};
    for store in TestStore::all() {
        let label = store.label();
        let server = serve(&store);
        let client = Client::new();
        let units = "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\nban,Ban Tổ chức,Ban Tổ chức,\n\
                     dang-bo-so-y-te,Đảng bộ Sở Y tế,Tổ chức cơ sở đảng,ban\n\
                     dang-bo-so-y-te.chi-bo-1,Chi bộ 1,Chi bộ,dang-bo-so-y-te\n";
        let settings = std::fs::read(root().join("campaigns/2021-quang-nam.json")).unwrap();
        let form = |units: &str| {
            Form::new()
                .part("settings", Part::bytes(settings.clone()).file_name("2021-quang-nam.json"))
                .part("units", Part::bytes(units.as_bytes().to_vec()).file_name("don-vi.csv"))
                .text("code", "2021-y-te")
        };
        let anonymous = client.post(server.url("/api/campaigns")).multipart(form(units)).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{label}");

        let admin = User::created(&store, &server, "quan-tri", &["--role", "admin"]).await;
        // The session's cookie alone, as another site's form would send it.
        let forged = client
            .post(server.url("/api/campaigns"))
            .header("cookie", &admin.cookie)
            .multipart(form(units))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN, "{label}: no CSRF token, no change");
        let bad = units.replace("Chi bộ,dang-bo-so-y-te", "Chi bộ,ban");
        let refused = admin.post(server.url("/api/campaigns")).multipart(form(&bad)).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["problems"][0]["code"], "wrong-parent", "{label}: {body}");
        let listed: Value = admin.get(server.url("/api/campaigns")).send().await.unwrap().json().await.unwrap();
        assert_eq!(listed, json!([]), "{label}: nothing stored");

        let created = admin.post(server.url("/api/campaigns")).multipart(form(units)).send().await.unwrap();
        assert_eq!(created.status(), StatusCode::CREATED, "{label}");
        assert_eq!(created.json::<Value>().await.unwrap(), json!({ "code": "2021-y-te", "units": 3 }));
        let tree: Value =
            admin.get(server.url("/api/campaigns/2021-y-te/units")).send().await.unwrap().json().await.unwrap();
        assert_eq!(tree.as_array().unwrap().len(), 3, "{label}");
        // Then the Board's first officer, by a one-time link; the administrator reads no unit's data.
        let board = admin
            .post(server.url("/api/campaigns/2021-y-te/units/ban/accounts"))
            .json(&json!({ "login": "ban-to-chuc" }))
            .send()
            .await
            .unwrap();
        assert_eq!(board.status(), StatusCode::CREATED, "{label}");
        let board: Value = board.json().await.unwrap();
        assert_eq!(board[0]["role"], "board", "{label}");
        let officer = User::by_link(&server, "ban-to-chuc", board[0]["link"].as_str().unwrap()).await;
        let tree = officer.get(server.url("/api/campaigns/2021-y-te/units")).send().await.unwrap();
        assert_eq!(tree.status(), StatusCode::OK, "{label}");
        let data = admin.get(server.url("/api/campaigns/2021-y-te/units/ban/versions")).send().await.unwrap();
        assert_eq!(data.status(), StatusCode::NOT_FOUND, "{label}");

        // A unit's user is not an administrator.
        let role = ["--role", "cell", "--campaign", "2021-y-te", "--unit", "dang-bo-so-y-te.chi-bo-1"];
        let secretary = User::created(&store, &server, "bi-thu", &role).await;
        let forbidden = secretary.post(server.url("/api/campaigns")).multipart(form(units)).send().await.unwrap();
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN, "{label}");
    }
}

#[tokio::test]
async fn the_sign_in_page_signs_in_only_with_its_own_form() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    let server = serve(&store);
    User::created(&store, &server, "ban-to-chuc", &["--role", "admin"]).await;
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let (csrf, cookie, _) = sign_in_form(&client, server.url("/web/sign-in")).await;
    assert!(cookie.starts_with("kttdv-csrf=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().unwrap().to_owned();
    assert_eq!(cookie, format!("kttdv-csrf={csrf}"), "the same token in the form and the cookie");

    let post = |login: &'static str, password: &'static str, csrf: String, cookie: Option<String>| {
        let mut request =
            client.post(server.url("/web/sign-in")).form(&[("login", login), ("password", password), ("csrf", &csrf)]);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    // A form from elsewhere carries no cookie of ours: refused before any password is tried.
    let foreign = post("ban-to-chuc", "một mật khẩu đủ dài", csrf.clone(), None).await.unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert!(foreign.headers().get("location").is_none());
    let wrong = post("ban-to-chuc", "sai", csrf.clone(), Some(cookie.clone())).await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let text = wrong.text().await.unwrap();
    assert!(text.contains("Sai tên đăng nhập hoặc mật khẩu.") && text.contains("value=\"ban-to-chuc\""), "{text}");
    let right = post("ban-to-chuc", "một mật khẩu đủ dài", csrf, Some(cookie)).await.unwrap();
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(right.headers()["location"], "/web/campaigns", "an administrator has no campaign of their own");
    let session = right.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let me: Value =
        client.get(server.url("/api/session")).header("cookie", session).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["login"], "ban-to-chuc");
}

/// The sign-in page at `url`: its form's token, the cookie it sets (with
/// its attributes), the page.
async fn sign_in_form(client: &Client, url: String) -> (String, String, String) {
    let page = client.get(url).send().await.unwrap();
    let cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    let html = page.text().await.unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("the form's token") + marker.len();
    let csrf = html[start..start + html[start..].find('"').unwrap()].to_owned();
    (csrf, cookie, html)
}

#[tokio::test]
async fn a_page_opened_signed_out_asks_for_a_sign_in_then_opens_and_its_failures_are_pages_too() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    let server = serve(&store);
    let admin = User::created(&store, &server, "quan-tri", &["--role", "admin"]).await;
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    // A link from a notice or a bookmark, opened signed out.
    let wanted = "/web/campaigns/2021-quang-nam/units/ban/cards";
    let page = client.get(server.url(wanted)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    let to = page.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(to, "/web/sign-in?tiep=%2Fweb%2Fcampaigns%2F2021-quang-nam%2Funits%2Fban%2Fcards");
    let (csrf, cookie, html) = sign_in_form(&client, server.url(&to)).await;
    let cookie = cookie.split(';').next().unwrap();
    // (the page escapes the slashes: `&#x2F;`)
    assert!(html.replace("&#x2F;", "/").contains(&format!("name=\"tiep\" value=\"{wanted}\"")), "{html}");
    let sign_in = |tiep: &str| {
        client
            .post(server.url("/web/sign-in"))
            .header("cookie", cookie)
            .form(&[("login", "quan-tri"), ("password", PASSWORD), ("csrf", &csrf), ("tiep", tiep)])
            .send()
    };
    let back = sign_in(wanted).await.unwrap();
    assert_eq!((back.status(), back.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, wanted));
    // Only to a page of its own: never to another site, nor anywhere else.
    for elsewhere in
        ["https://example.com/web/", "//example.com/web/", "/web/\\example.com", "/api/session", "/web/sign-in"]
    {
        let landed = sign_in(elsewhere).await.unwrap();
        assert_eq!(landed.headers()["location"], "/web/campaigns", "{elsewhere}");
    }

    // A page that cannot be shown says why, as a page.
    let missing =
        client.get(server.url("/web/campaigns/khong-co")).header("cookie", &admin.cookie).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let text = missing.text().await.unwrap();
    assert!(text.contains("<h1>Không mở được trang này</h1>") && text.contains("khong-co"), "{text}");
    // The API still answers in JSON.
    let api = client.get(server.url("/api/campaigns/2021-quang-nam/units")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api.json::<Value>().await.unwrap()["code"], "unauthorized");
}

#[tokio::test]
async fn sign_ins_are_throttled_per_account_and_a_sign_in_never_keeps_the_old_session() {
    for store in TestStore::all() {
        let label = store.label();
        let server = serve(&store);
        let user = User::created(&store, &server, "quan-tri", &["--role", "admin"]).await;
        let client = Client::new();
        let sign_in = |password: &str, cookie: Option<&str>| {
            let mut request =
                client.post(server.url("/api/session")).json(&json!({ "login": "quan-tri", "password": password }));
            if let Some(cookie) = cookie {
                request = request.header("cookie", cookie);
            }
            request.send()
        };
        // Signing in again with the session's cookie: a new session, the old one ends.
        let again = sign_in(crate::people::PASSWORD, Some(&user.cookie)).await.unwrap();
        assert_eq!(again.status(), StatusCode::OK, "{label}");
        let fresh = again.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        assert_ne!(fresh, user.cookie, "{label}: a new session id at sign-in");
        let old = client.get(server.url("/api/session")).header("cookie", &user.cookie).send().await.unwrap();
        assert_eq!(old.status(), StatusCode::UNAUTHORIZED, "{label}: the old session is gone");

        for _ in 0..5 {
            assert_eq!(sign_in("sai", None).await.unwrap().status(), StatusCode::UNAUTHORIZED, "{label}");
        }
        // The sixth try, even with the right password, waits.
        let blocked = sign_in(crate::people::PASSWORD, None).await.unwrap();
        assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS, "{label}");
        assert_eq!(blocked.headers()["retry-after"], "5", "{label}: the wait after the fifth");
        let body: Value = blocked.json().await.unwrap();
        assert_eq!(body["code"], "throttled", "{label}: {body}");
        // Another account from the same address is not held up by it.
        let other = client
            .post(server.url("/api/session"))
            .json(&json!({ "login": "khac", "password": "sai" }))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::UNAUTHORIZED, "{label}");
    }
}

#[tokio::test]
async fn an_api_token_acts_for_its_account_until_revoked_and_a_cookie_alone_changes_nothing() {
    for store in TestStore::all() {
        let label = store.label();
        init_example(&store);
        let server = serve(&store);
        let unit = "dang-bo-so-tai-chinh.chi-bo-van-phong";
        let role = ["--role", "cell", "--campaign", "2021-quang-nam", "--unit", unit];
        let secretary = User::created(&store, &server, "van-phong", &role).await;
        let url = server.url(&format!("/api/campaigns/2021-quang-nam/units/{unit}/submission"));
        let roster = json_input(&example("cell.json"));
        // A change with the cookie but not the session's token: refused, nothing saved.
        let forged = Client::new().put(&url).header("cookie", &secretary.cookie).json(&roster).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN, "{label}");
        let wrong = Client::new()
            .put(&url)
            .header("cookie", &secretary.cookie)
            .header("x-kttdv-csrf", "khong-phai")
            .json(&roster)
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN, "{label}");

        let made =
            secretary.post(server.url("/api/tokens")).json(&json!({ "label": "máy nhập liệu" })).send().await.unwrap();
        assert_eq!(made.status(), StatusCode::CREATED, "{label}");
        let made: Value = made.json().await.unwrap();
        let token = made["token"].as_str().unwrap();
        let script = Client::new();
        let saved = script.put(&url).bearer_auth(token).json(&roster).send().await.unwrap();
        assert_eq!(saved.status(), StatusCode::OK, "{label}: a script saves with its token");
        // Scoped to its account's unit: the cell next door does not exist for it.
        let next_door =
            server.url("/api/campaigns/2021-quang-nam/units/dang-bo-so-tai-chinh.chi-bo-thanh-tra/submission");
        assert_eq!(script.get(&next_door).bearer_auth(token).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        let listed: Value = secretary.get(server.url("/api/tokens")).send().await.unwrap().json().await.unwrap();
        assert_eq!(listed[0]["label"], "máy nhập liệu");
        assert!(!listed.to_string().contains(token), "{label}: the token is shown once");
        let id = made["id"].as_str().unwrap();
        let revoked =
            secretary.request(reqwest::Method::DELETE, server.url(&format!("/api/tokens/{id}"))).send().await.unwrap();
        assert_eq!(revoked.status(), StatusCode::NO_CONTENT, "{label}");
        let after = script.get(&url).bearer_auth(token).send().await.unwrap();
        assert_eq!(after.status(), StatusCode::UNAUTHORIZED, "{label}: revoked");
        let expired = script.get(&url).bearer_auth("khong-co-ma-nay").send().await.unwrap();
        assert_eq!(expired.status(), StatusCode::UNAUTHORIZED, "{label}");
    }
}

#[tokio::test]
async fn making_documents_from_what_one_sends_needs_a_sign_in_only_when_the_service_requires_it() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    let roster = json_input(&example("cell.json"));
    let check = |server: &Server| server.url("/api/kinds/mau-2/check");
    let open = serve(&store);
    let answer = Client::new().post(check(&open)).json(&roster).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK, "open by default");
    drop(open);

    let mut args = store.args();
    args.push("--require-sign-in".into());
    let closed = Server::start(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let anonymous = client.post(check(&closed)).json(&roster).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let page = client.get(closed.url("/")).send().await.unwrap();
    assert_eq!((page.status(), page.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/web/sign-in"));
    let user = User::created(&store, &closed, "quan-tri", &["--role", "admin"]).await;
    let signed_in = client.post(check(&closed)).header("cookie", &user.cookie).json(&roster).send().await.unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK, "a session is enough: nothing is stored");
    assert_eq!(
        client.get(closed.url("/")).header("cookie", &user.cookie).send().await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_expired_session_lets_nobody_in() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    let server = serve(&store);
    let user = User::created(&store, &server, "quan-tri", &["--role", "admin"]).await;
    let me = |cookie: String| Client::new().get(server.url("/api/session")).header("cookie", cookie).send();
    assert_eq!(me(user.cookie.clone()).await.unwrap().status(), StatusCode::OK);
    // Eight hours later, as the store's clock says.
    let TestStore::Sqlite(dir) = &store else { unreachable!() };
    let out = std::process::Command::new("sqlite3")
        .arg(dir.path().join("kttdv.db"))
        .arg("UPDATE session SET expires_at = expires_at - 8 * 3600 * 1000 - 1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expired = me(user.cookie.clone()).await.unwrap();
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(expired.json::<Value>().await.unwrap()["code"], "unauthorized");
}

#[test]
fn accounts_made_by_many_processes_at_once_on_one_sqlite_store_are_all_made() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let data = store.args();
    // Each process reads (is the login taken?) then writes, while the others write.
    let children: Vec<_> = (0..16)
        .map(|i| {
            std::process::Command::new(env!("CARGO_BIN_EXE_kttdv"))
                .args(["admin", "create-user", &format!("quan-tri-{i}"), "--role", "admin"])
                .args(&data)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[tokio::test]
async fn an_officer_above_sends_a_new_link_for_a_lost_password_and_the_old_sessions_end() {
    const CELL: &str = "dang-bo-so-tai-chinh.chi-bo-van-phong";
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = serve(&store);
    let committee = User::of_unit(&store, &server, "committee", "dang-bo-so-tai-chinh").await;
    let other = User::of_unit(&store, &server, "committee", "dang-bo-so-xay-dung").await;
    let secretary = User::of_unit(&store, &server, "cell", CELL).await;
    let link_of = |login: &str| unit_url(&server, CELL, &format!("accounts/{login}/link"));
    // Not her own, nor another committee's to send.
    assert_eq!(secretary.post(link_of(CELL)).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(other.post(link_of(CELL)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // An account the cell does not have.
    assert_eq!(committee.post(link_of("khong-co")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let sent = committee.post(link_of(CELL)).send().await.unwrap();
    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent: Value = sent.json().await.unwrap();
    assert_eq!((sent[0]["login"].as_str(), sent[0]["name"].as_str()), (Some(CELL), Some("Chi bộ Văn phòng")));
    let link = sent[0]["link"].as_str().unwrap().to_owned();
    // Until the link is used, she works on; once used, her old session is over.
    let submission = || unit_url(&server, CELL, "submission");
    assert_eq!(secretary.get(submission()).send().await.unwrap().status(), StatusCode::OK);
    let again = User::by_link(&server, CELL, &link).await;
    assert_eq!(again.get(submission()).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(secretary.get(submission()).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // Used once.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let reused = client.get(server.url(&link)).send().await.unwrap().text().await.unwrap();
    assert!(!reused.contains("name=\"repeat\""), "a used link sets no password: {reused}");
    // The unit's timeline says who sent it.
    let timeline: Value =
        committee.get(unit_url(&server, CELL, "timeline")).send().await.unwrap().json().await.unwrap();
    let sent = timeline.as_array().unwrap().iter().find(|e| e["action"] == "link-sent").expect("in the log");
    assert_eq!(sent["login"], "dang-bo-so-tai-chinh");
}

#[tokio::test]
async fn a_user_sees_their_sessions_and_ends_one_left_open_elsewhere() {
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let here = User::of_unit(&store, &server, "committee", "dang-bo-so-tai-chinh").await;
        // The same person signed in on another machine.
        let client = Client::new();
        let signed = client
            .post(server.url("/api/session"))
            .json(&json!({ "login": "dang-bo-so-tai-chinh", "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status(), StatusCode::OK);
        let elsewhere = signed.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let who = |cookie: &str| client.get(server.url("/api/session")).header("cookie", cookie.to_owned()).send();
        assert_eq!(who(&elsewhere).await.unwrap().status(), StatusCode::OK);

        let sessions: Value = here.get(server.url("/api/sessions")).send().await.unwrap().json().await.unwrap();
        let sessions = sessions.as_array().unwrap();
        assert_eq!(sessions.len(), 2, "{sessions:?}");
        assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1, "this one marked");
        let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"].as_str().unwrap().to_owned();
        assert_eq!(other.len(), 16, "an id from the hash, never the token");

        // Without the CSRF token, nothing ends; an unknown id is not found.
        let url = server.url(&format!("/api/sessions/{other}"));
        let forged = client.delete(&url).header("cookie", here.cookie.clone()).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let unknown = here.request(reqwest::Method::DELETE, server.url("/api/sessions/0123456789abcdef")).send().await;
        assert_eq!(unknown.unwrap().status(), StatusCode::NOT_FOUND);
        let ended = here.request(reqwest::Method::DELETE, &url).send().await.unwrap();
        assert_eq!(ended.status(), StatusCode::NO_CONTENT);
        assert_eq!(who(&elsewhere).await.unwrap().status(), StatusCode::UNAUTHORIZED, "the other machine is out");
        assert_eq!(
            here.get(server.url("/api/session")).send().await.unwrap().status(),
            StatusCode::OK,
            "this one goes on"
        );
        // Listed on the landing page too.
        let page = here.get(server.url("/web/campaigns")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Phiên đăng nhập của bạn") && page.contains("phiên này"), "{page}");
    }
}

#[tokio::test]
async fn an_invitation_names_the_person_and_pages_say_their_name_not_a_code() {
    const CELL: &str = "dang-bo-so-tai-chinh.chi-bo-van-phong";
    for store in TestStore::all() {
        init_example(&store);
        let server = serve(&store);
        let committee = User::of_unit(&store, &server, "committee", "dang-bo-so-tai-chinh").await;
        let invite = |body: Value| committee.post(unit_url(&server, CELL, "accounts")).json(&body).send();
        // Every problem at once, at its field, nothing made.
        let refused =
            invite(json!({ "login": "mai", "person": "x".repeat(101), "office": "Bí\u{7}thư" })).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused: Value = refused.json().await.unwrap();
        let places: Vec<&str> =
            refused["problems"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
        assert_eq!(places, ["$.person", "$.office"], "{refused}");
        let made =
            invite(json!({ "login": "mai", "person": " Nguyễn Thị Mai ", "office": "Bí thư chi bộ" })).await.unwrap();
        assert_eq!(made.status(), StatusCode::CREATED);
        let made: Value = made.json().await.unwrap();
        let link = made[0]["link"].as_str().unwrap().to_owned();
        let accounts: Value =
            committee.get(unit_url(&server, CELL, "accounts")).send().await.unwrap().json().await.unwrap();
        assert_eq!(
            (accounts[0]["person"].as_str(), accounts[0]["office"].as_str()),
            (Some("Nguyễn Thị Mai"), Some("Bí thư chi bộ"))
        );
        let unit_page = committee.get(server.url(&format!("/web/campaigns/2021-quang-nam/units/{CELL}"))).send().await;
        let unit_page = unit_page.unwrap().text().await.unwrap();
        assert!(unit_page.contains("Nguyễn Thị Mai, Bí thư chi bộ (mai)"), "{unit_page}");
        let mai = User::by_link(&server, "mai", &link).await;
        let page = mai.get(server.url("/web/campaigns/2021-quang-nam")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Nguyễn Thị Mai, Bí thư chi bộ (mai) — bí thư chi bộ"), "{page}");
    }
}
