//! The service, black-box: `kttdv serve` on a random port, spoken to over
//! HTTP like any client would.

use crate::common;

use std::process::Command;

use common::*;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn example(client: &Client, server: &Server, kind: &str) -> Value {
    client.get(server.url(&format!("/api/kinds/{kind}/example"))).send().await.unwrap().json().await.unwrap()
}

async fn post_json(client: &Client, url: &str, body: &Value) -> reqwest::Response {
    client.post(url).json(body).send().await.unwrap()
}

/// Presses the page's download button for `kind` as a PDF: the buttons send
/// back the checked input the page holds.
async fn download(client: &Client, server: &Server, html: &str, kind: &str) -> Vec<u8> {
    let response = press_download(client, server, html, kind, "k7q2").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_owned());
    assert!(cookie.is_some_and(|c| c.starts_with("kttdv-download=k7q2;")), "the page learns the file came");
    response.bytes().await.unwrap().to_vec()
}

/// Sends the page's download form for `kind` as the button would, with the
/// page's `token` for this click.
async fn press_download(client: &Client, server: &Server, html: &str, kind: &str, token: &str) -> reqwest::Response {
    let marker = "name=\"input\" value=\"";
    let start = html.find(marker).expect("a download form") + marker.len();
    let input = unescape(&html[start..start + html[start..].find('"').unwrap()]);
    let form = [("token", token), ("kind", kind), ("format", "pdf"), ("input", input.as_str())];
    client.post(server.url("/web/download")).form(&form).send().await.unwrap()
}

/// `count` copies of the same request, sent together; the answers in order.
async fn all_at_once(client: &Client, url: &str, body: &Value, count: usize) -> Vec<reqwest::Response> {
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let (client, url, body) = (client.clone(), url.to_owned(), body.clone());
            tokio::spawn(async move { client.post(&url).json(&body).send().await.unwrap() })
        })
        .collect();
    let mut responses = Vec::with_capacity(count);
    for task in tasks {
        responses.push(task.await.unwrap());
    }
    responses
}

/// Whether a PDF holds a signature field (`/FT/Sig`, as kttdv writes it).
fn has_signature_field(pdf: &[u8]) -> bool {
    pdf.windows(b"/FT/Sig".len()).any(|w| w == b"/FT/Sig")
}

/// An error answer: its status, and its stable JSON shape.
async fn error_of(response: reqwest::Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("errors are JSON");
    assert_eq!(body["code"], json!(code), "{body:#}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    body
}

/// Text as HTML escaping left it, back to itself.
fn unescape(html: &str) -> String {
    [("&quot;", "\""), ("&#x2F;", "/"), ("&lt;", "<"), ("&gt;", ">"), ("&#x27;", "'"), ("&amp;", "&")]
        .iter()
        .fold(html.to_owned(), |text, (entity, c)| text.replace(entity, c))
}

#[tokio::test]
async fn kinds_schemas_examples_and_health() {
    let server = Server::start(&[]);
    let client = Client::new();
    let kinds: Value = client.get(server.url("/api/kinds")).send().await.unwrap().json().await.unwrap();
    let names: Vec<&str> = kinds.as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
    let cli = kttdv(&["kinds"], "");
    let cli_names: Vec<String> =
        String::from_utf8(cli.stdout).unwrap().lines().map(|l| l.split('\t').next().unwrap().to_owned()).collect();
    assert_eq!(names, cli_names, "the service knows every kind the command line knows");

    let schema: Value = client.get(server.url("/api/kinds/mau-2/schema")).send().await.unwrap().json().await.unwrap();
    assert_eq!(schema["required"], json!(["cell", "members"]));
    let committee = example(&client, &server, "mau-6").await;
    assert!(committee["cells"][2]["members"].is_array(), "the example's cells are read in");

    assert_eq!(client.get(server.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(client.get(server.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
    let openapi: Value = client.get(server.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(openapi["openapi"], json!("3.1.0"));
    assert!(openapi["paths"]["/api/kinds/mau-7/render"]["post"]["requestBody"].is_object());
    assert!(openapi["components"]["schemas"]["mau-7"]["properties"]["committees"].is_object());
    let docs = client.get(server.url("/api/docs")).send().await.unwrap().text().await.unwrap();
    assert!(unescape(&docs).contains("<code>/api/kinds/doi-chieu/render</code>"), "{docs}");
    error_of(
        client.get(server.url("/api/kinds/mau-9/schema")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "unknown-kind",
    )
    .await;
    error_of(client.get(server.url("/khong-co")).send().await.unwrap(), StatusCode::NOT_FOUND, "not-found").await;
}

#[tokio::test]
async fn render_gives_the_document_with_its_names_and_version() {
    let server = Server::start(&[]);
    let client = Client::new();
    let cell = example(&client, &server, "mau-2").await;
    let response = post_json(&client, &server.url("/api/kinds/mau-2/render"), &cell).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.contains("filename=\"mau-2-kttdv_chi-bo-van-phong.pdf\""), "{disposition}");
    // "Mẫu 2-KTTĐV - Chi bộ Văn phòng.pdf"
    assert!(
        disposition.contains("filename*=UTF-8''M%E1%BA%ABu%202-KTT%C4%90V%20-%20Chi%20b%E1%BB%99"),
        "{disposition}"
    );
    let version = headers["x-kttdv-template-version"].to_str().unwrap();
    assert!(version.len() == 16 && version.chars().all(|c| c.is_ascii_hexdigit()), "{version}");
    let slots: Value = serde_json::from_str(headers["x-kttdv-signature-slots"].to_str().unwrap()).unwrap();
    assert_eq!(slots[0]["name"], json!("BiThu_ChiUy_ChiBoVanPhong"), "{slots}");
    let pdf = response.bytes().await.unwrap();
    let text = folded(&pdf_text(&pdf));
    assert!(text.contains("Danh sách này có 19 đồng chí."), "{text}");
    assert!(has_signature_field(&pdf), "an empty signature field by default");
    let bare = post_json(&client, &server.url("/api/kinds/mau-2/render?signature_fields=false"), &cell).await;
    assert!(!has_signature_field(&bare.bytes().await.unwrap()), "and none when asked");
    assert_eq!(
        headers["x-kttdv-pages"].to_str().unwrap(),
        pdf_info(&pdf).iter().find(|(k, _)| k == "Pages").unwrap().1
    );

    let zip = post_json(&client, &server.url("/api/kinds/packet/render?format=zip"), &cell).await;
    assert_eq!(zip.headers()["content-type"], "application/zip");
    assert!(zip.bytes().await.unwrap().starts_with(b"PK"));
    let png = post_json(&client, &server.url("/api/kinds/mau-1/render?format=png"), &cell).await;
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));

    let board = example(&client, &server, "doi-chieu").await;
    let result: Value =
        post_json(&client, &server.url("/api/kinds/doi-chieu/render?format=json"), &board).await.json().await.unwrap();
    assert_eq!(result["totals"]["not_submitted"], json!(1));
    let bundle = post_json(&client, &server.url("/api/kinds/ho-so-ban/render"), &board).await;
    assert_eq!(bundle.status(), StatusCode::OK);
    assert!(bundle.headers()["content-disposition"].to_str().unwrap().contains(".zip\""));
}

#[tokio::test]
async fn bad_requests_get_their_status_and_a_json_error() {
    let server = Server::start(&["--max-members", "30", "--max-body-mib", "1"]);
    let client = Client::new();
    let mut cell = example(&client, &server, "mau-2").await;

    let checked: Value = post_json(&client, &server.url("/api/kinds/mau-2/check"), &cell).await.json().await.unwrap();
    assert_eq!(checked, json!({ "warnings": [] }));
    cell["members"][0]["birth_date"] = json!("31/02/1962");
    cell["members"][1]["card_number"] = json!("49-12");
    let body = error_of(
        post_json(&client, &server.url("/api/kinds/mau-2/check"), &cell).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-input",
    )
    .await;
    let problems: Vec<(&str, &str)> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["code"].as_str().unwrap(), p["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        problems,
        [("invalid-date", "$.members[0].birth_date"), ("invalid-card-number", "$.members[1].card_number")]
    );

    let url = server.url("/api/kinds/mau-2/render");
    let malformed =
        client.post(&url).header("content-type", "application/json").body("{\"cell\":").send().await.unwrap();
    let body = error_of(malformed, StatusCode::UNPROCESSABLE_ENTITY, "invalid-input").await;
    assert_eq!(body["problems"][0]["code"], json!("json-syntax"));
    error_of(
        client.post(&url).header("content-type", "text/plain").body("x").send().await.unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    )
    .await;
    error_of(
        client.post(server.url("/api/kinds/mau-2/render?format=zip")).json(&cell).send().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "unsupported-format",
    )
    .await;
    let big = kttdv::sample::roster(31, 1);
    error_of(post_json(&client, &url, &big).await, StatusCode::PAYLOAD_TOO_LARGE, "too-many-members").await;
    let huge = json!({ "cell": "x".repeat(2 * 1024 * 1024) });
    error_of(post_json(&client, &url, &huge).await, StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large").await;

    // The server closes a connection whose body it refused; ask on a new one.
    let metrics = Client::new().get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("kttdv_errors_total{code=\"invalid-date\"} 1"), "{metrics}");
    assert!(metrics.contains("kttdv_rejections_total{code=\"too-many-members\"} 1"), "{metrics}");
}

#[tokio::test]
async fn workbooks_upload_as_multipart() {
    let server = Server::start(&[]);
    let client = Client::new();
    let workbook = std::fs::read(root().join("examples/chi-bo-van-phong.xlsx")).unwrap();
    let form = Form::new().part("file", Part::bytes(workbook).file_name("chi-bo-van-phong.xlsx"));
    let response = client.post(server.url("/api/kinds/packet/render")).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = folded(&pdf_text(&response.bytes().await.unwrap()));
    assert!(text.contains("CHI BỘ VĂN PHÒNG") && text.contains("49.102340"), "{text}");

    // A CSV with the cell's details as fields, one of them wrong: placed by sheet, row and column.
    let csv = "Họ và tên,Ngày sinh,Giới tính,Số thẻ,Ngày vào Đảng,Ngày chính thức,Loại đảng viên,Kết quả kiểm tra thẻ\n\
               Lê Văn Tám,01/01/1970,Nam,49.000001,03/02/1995,03/02/1996,Chính thức,Đóng dấu\n\
               Lê Văn Chín,30/02/1971,Nam,49.000002,03/02/1996,03/02/1997,Chính thức,Đóng dấu\n";
    let mut form = Form::new().part("file", Part::bytes(csv.as_bytes().to_vec()).file_name("chi-bo.csv"));
    for option in
        ["name=Chi bộ Thử", "superior=Đảng bộ Thử", "place=Quảng Nam", "date=20/04/2021", "signer_name=Lê Văn Tám"]
    {
        form = form.text("cell", option);
    }
    let response = client.post(server.url("/api/kinds/mau-2/check")).multipart(form).send().await.unwrap();
    let body = error_of(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid-input").await;
    let problem = &body["problems"][0];
    assert_eq!((problem["code"].as_str(), problem["row"].as_u64()), (Some("invalid-date"), Some(3)), "{body:#}");

    // A committee's JSON naming its uploaded workbook; a name outside the upload is refused.
    let committee = json!({
        "organisation": "Đảng bộ Sở Tài chính",
        "committee": {
            "header": { "superior": "ĐẢNG BỘ KHỐI", "issuer": "ĐẢNG ỦY SỞ TÀI CHÍNH", "place": "Quảng Nam", "date": "06/05/2021" },
            "signature": { "as": "on-behalf-of", "body": "ĐẢNG ỦY", "title": "BÍ THƯ", "name": "Nguyễn Văn Thành" }
        },
        "cells": ["van-phong.xlsx"]
    });
    let workbook = std::fs::read(root().join("examples/chi-bo-van-phong.xlsx")).unwrap();
    let form = Form::new()
        .text("input", committee.to_string())
        .part("file", Part::bytes(workbook).file_name("van-phong.xlsx"));
    let response = client.post(server.url("/api/kinds/mau-6/render")).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(folded(&pdf_text(&response.bytes().await.unwrap())).contains("Chi bộ Văn phòng"));
    let mut escaping = committee.clone();
    escaping["cells"] = json!(["../../../../etc/passwd"]);
    let form = Form::new().text("input", escaping.to_string());
    let response = client.post(server.url("/api/kinds/mau-6/check")).multipart(form).send().await.unwrap();
    let body = error_of(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid-input").await;
    assert_eq!(body["problems"][0]["code"], json!("file-not-allowed"), "{body:#}");
}

#[tokio::test]
async fn sixty_four_concurrent_renders_all_succeed() {
    let server = Server::start(&[]);
    let client = Client::new();
    let url = server.url("/api/kinds/mau-2/render");
    let tasks: Vec<_> = (0..64)
        .map(|seed| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let roster = kttdv::sample::roster(30, seed);
                let response = client.post(&url).json(&roster).send().await.unwrap();
                (response.status(), response.bytes().await.unwrap(), roster)
            })
        })
        .collect();
    for task in tasks {
        let (status, pdf, roster) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK);
        let text = pdf_text(&pdf);
        let first = roster["members"][0]["card_number"].as_str().unwrap();
        assert!(text.contains(first), "each answer is its own request's document");
    }
    let metrics = client.get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("kttdv_render_seconds_count{kind=\"mau-2\"} 64"), "{metrics}");
}

#[tokio::test]
async fn an_overloaded_server_answers_429_and_keeps_serving() {
    let server = Server::start(&["--workers", "1", "--queue", "1"]);
    let client = Client::new();
    let url = server.url("/api/kinds/mau-2/render");
    let mut statuses = Vec::new();
    for response in all_at_once(&client, &url, &kttdv::sample::roster(400, 9), 12).await {
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(response.headers().get("retry-after").unwrap(), "1");
        }
        statuses.push(status);
    }
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert!(statuses.iter().all(|s| [StatusCode::OK, StatusCode::TOO_MANY_REQUESTS].contains(s)), "{statuses:?}");
    assert_eq!(client.get(server.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(post_json(&client, &url, &kttdv::sample::roster(5, 1)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_web_page_checks_a_workbook_and_offers_the_pdfs() {
    let server = Server::start(&[]);
    let client = Client::new();
    let home = client.get(server.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("action=\"/web/cell\"") && home.contains("/web/mau-nhap-danh-sach-dang-vien.xlsx"));
    let blank = client.get(server.url("/web/mau-nhap-danh-sach-dang-vien.xlsx")).send().await.unwrap();
    assert!(blank.bytes().await.unwrap().starts_with(b"PK"));

    let workbook = std::fs::read(root().join("examples/chi-bo-van-phong.xlsx")).unwrap();
    let form = Form::new().part("file", Part::bytes(workbook).file_name("chi-bo-van-phong.xlsx"));
    let page = client.post(server.url("/web/cell")).multipart(form).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("src=\"data:image/png;base64,iVBOR"), "a preview of page 1");
    assert!(html.contains("data-kind=\"packet\" data-format=\"zip\""));
    let pdf = download(&client, &server, &html, "mau-3").await;
    assert!(folded(&pdf_text(&pdf)).contains("Đề nghị đổi lại thẻ đảng viên bị hỏng"));
    assert!(html.contains("id=\"signing\"") && has_signature_field(&pdf), "ready to sign, and the page says so");
    let odd = press_download(&client, &server, &html, "mau-3", "x; Path=/evil").await;
    assert_eq!(odd.status(), StatusCode::OK);
    assert!(odd.headers().get("set-cookie").is_none(), "a token not of the page's making is not echoed");

    // The cell's own packet, sent back to the cell form, is read as its roster.
    let packet = download(&client, &server, &html, "packet").await;
    let form = Form::new().part("file", Part::bytes(packet).file_name("ho-so.pdf"));
    let page = client.post(server.url("/web/cell")).multipart(form).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("data-kind=\"packet\" data-format=\"zip\""));
}

#[tokio::test]
async fn the_page_offers_examples_as_hints_never_as_values() {
    let server = Server::start(&[]);
    let home = Client::new().get(server.url("/")).send().await.unwrap().text().await.unwrap();
    for id in ["committee-form", "board-form"] {
        let form = &home[home.find(&format!("id=\"{id}\"")).unwrap()..];
        let form = &form[..form.find("</form>").unwrap()];
        let texts: Vec<&str> = form.split("<input").filter(|i| i.contains("type=\"text\"")).collect();
        assert!(texts.len() >= 9 && texts.iter().all(|i| !i.contains(" value=")), "nothing filled in: {form}");
    }
    let form = &home[home.find("id=\"committee-form\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("placeholder=\"Ví dụ: Đảng bộ Sở Tài chính\""), "{form}");
    assert!(form.contains("accept=\".pdf,"), "the committee's picker takes the cells' PDFs: {form}");
    assert!(home.contains("accept=\".xlsx,.xlsm,.ods,.xls,.csv,.pdf\""), "and the cell's its own PDF");
}

#[tokio::test]
async fn the_web_page_shows_a_problem_beside_its_row() {
    let server = Server::start(&[]);
    let client = Client::new();
    let form = Form::new().part("file", Part::bytes(broken_workbook()).file_name("chi-bo.xlsx"));
    let page = client.post(server.url("/web/cell")).multipart(form).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = unescape(&page.text().await.unwrap());
    let row = &html[html.find("<tr data-row=\"4\" class=\"bad\">").expect("row 4 is marked")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("31/02/1969") && row.contains("không có trên lịch"), "{row}");
    assert_eq!(html.matches("class=\"bad\"").count(), 1, "only that row");
    assert!(!html.contains("data:image/png"), "no preview while the data is wrong");
}

#[tokio::test]
async fn a_request_that_waits_past_its_deadline_gets_503() {
    let server = Server::start(&["--workers", "1", "--queue", "16", "--wait", "0"]);
    let client = Client::new();
    let url = server.url("/api/kinds/mau-2/render");
    let mut timed_out = 0;
    for response in all_at_once(&client, &url, &kttdv::sample::roster(400, 3), 6).await {
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            timed_out += 1;
            error_of(response, StatusCode::SERVICE_UNAVAILABLE, "timeout").await;
        } else {
            assert_eq!(response.status(), StatusCode::OK);
        }
    }
    assert!(timed_out > 0, "with no time to wait, a busy worker turns requests away");
}

#[tokio::test]
async fn sigterm_lets_the_render_in_flight_finish() {
    let mut server = Server::start(&[]);
    let client = Client::new();
    let url = server.url("/api/kinds/mau-2/render");
    let request = tokio::spawn(async move { client.post(&url).json(&kttdv::sample::roster(1500, 4)).send().await });
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let response = request.await.unwrap().expect("the answer still comes");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(folded(&pdf_text(&response.bytes().await.unwrap())).contains("Danh sách này có"));
    let status = server.child.wait().unwrap();
    assert!(status.success(), "the server stops cleanly: {status}");
}

#[tokio::test]
async fn a_committee_uploads_its_cells_workbooks_on_the_web_page() {
    let server = Server::start(&[]);
    let client = Client::new();
    let workbook = std::fs::read(root().join("examples/chi-bo-van-phong.xlsx")).unwrap();
    let mut form = Form::new().part("files", Part::bytes(workbook).file_name("chi-bo-van-phong.xlsx"));
    for (name, value) in [
        ("organisation", "Đảng bộ Sở Tài chính"),
        ("superior", "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH"),
        ("issuer", "ĐẢNG ỦY SỞ TÀI CHÍNH"),
        ("number", "12-BC/ĐU"),
        ("place", "Quảng Nam"),
        ("date", "06/05/2021"),
        ("body", "ĐẢNG ỦY"),
        ("signer_title", "BÍ THƯ"),
        ("signer_name", "Nguyễn Văn Thành"),
    ] {
        form = form.text(name, value);
    }
    let page = client.post(server.url("/web/committee")).multipart(form).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("src=\"data:image/png;base64,iVBOR"), "a preview of form 6");
    assert!(html.contains("data-kind=\"ho-so-co-so\" data-format=\"zip\""));
    let text = folded(&pdf_text(&download(&client, &server, &html, "mau-6").await));
    assert!(text.contains("Chi bộ Văn phòng") && text.contains("Tổng cộng") && text.contains("Số 12-BC/ĐU"), "{text}");
}

#[tokio::test]
async fn the_board_makes_its_documents_on_the_page_from_its_committees_pdfs() {
    let server = Server::start(&[]);
    let client = Client::new();
    let home = client.get(server.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("action=\"/web/board\""));
    let mut form = Form::new();
    for (name, value) in [
        ("superior", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"),
        ("issuer", "BAN TỔ CHỨC"),
        ("name", "Ban Tổ chức Đảng ủy Khối các cơ quan tỉnh"),
        ("number", "21-BC/BTCĐUK"),
        ("place", "Quảng Nam"),
        ("date", "18/05/2021"),
        ("signer_head", "TRƯỞNG BAN"),
        ("signer_title", "PHÓ TRƯỞNG BAN"),
        ("signer_name", "Lê Thị Hồng Vân"),
    ] {
        form = form.text(name, value);
    }
    // Each committee's form 6 as it sent it: a PDF carrying its data.
    for committee in ["committee.json", "committee-so-xay-dung.json"] {
        let path = root().join("examples").join(committee);
        let Ok(input) = kttdv::Assembled::read(&path, &[], &|_| {}) else { panic!("{committee} reads") };
        let pdf = RENDERER
            .make(kttdv::Kind::Mau6, &input.value, kttdv::Output::pdf(kttdv::PdfFlavour::WITH_DATA))
            .unwrap()
            .bytes;
        form = form.part("committees", Part::bytes(pdf).file_name(committee.replace(".json", ".pdf")));
    }
    let roll = std::fs::read(root().join("examples/roll.csv")).unwrap();
    form = form.part("roll", Part::bytes(roll).file_name("roll.csv"));
    let page = client.post(server.url("/web/board")).multipart(form).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("src=\"data:image/png;base64,iVBOR"), "a preview");
    assert!(html.contains("data-kind=\"ho-so-ban\" data-format=\"zip\""), "the whole submission");
    let text = folded(&pdf_text(&download(&client, &server, &html, "mau-7").await));
    for said in [
        "Đảng bộ Sở Tài chính",
        "Đảng bộ Sở Xây dựng",
        "của Ban Tổ chức Đảng ủy Khối các cơ quan tỉnh",
        "K/T TRƯỞNG BAN",
    ] {
        assert!(text.contains(said), "«{said}» in form 7:\n{text}");
    }
    let reconciliation = folded(&pdf_text(&download(&client, &server, &html, "doi-chieu").await));
    assert!(reconciliation.contains("chênh lệch"), "{reconciliation}");
}

#[tokio::test]
async fn a_card_number_on_two_rows_marks_both_rows() {
    let server = Server::start(&[]);
    // Row 5 given the card number of row 2.
    let workbook = changed_workbook("Số thẻ đảng viên", 4, "49.102340");
    let form = Form::new().part("file", Part::bytes(workbook).file_name("chi-bo.xlsx"));
    let page = Client::new().post(server.url("/web/cell")).multipart(form).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    for row in ["2", "5"] {
        assert!(html.contains(&format!("<tr data-row=\"{row}\" class=\"bad\">")), "row {row} marked:\n{html}");
    }
    assert!(html.contains("Dữ liệu còn 2 lỗi"), "{html}");
}
