//! What an attacker's probe found, each finding as a test through the
//! binary or over HTTP: files that include themselves, names that lead out
//! of a request's uploads or out of a PDF's data, archives and workbooks
//! that expand past the limits, slow and abandoned clients, text that is
//! not text, errors that leak, half-written folders, data nobody signed,
//! and the headers that keep the page to itself.

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use crate::common::*;
use crate::signing::{sign, throwaway_certificate};
use kttdv::{Kind, PdfFlavour};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sha2::Digest as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// The example committee with `cells` in place of its own.
fn committee_naming(cells: Value) -> Value {
    let mut committee: Value = serde_json::from_str(&example("committee.json")).unwrap();
    committee["cells"] = cells;
    committee
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn part(name: &str, bytes: impl Into<Vec<u8>>) -> Part {
    Part::bytes(bytes.into()).file_name(name.to_owned())
}

/// An answer's JSON body, after checking its status.
async fn body_of(response: reqwest::Response, status: StatusCode) -> Value {
    let id = response.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("every error is JSON");
    assert_eq!(body["request_id"].as_str(), id.as_deref(), "the body names the request: {body:#}");
    body
}

fn problem_codes(body: &Value) -> Vec<&str> {
    body["problems"].as_array().map_or(Vec::new(), |p| p.iter().map(|p| p["code"].as_str().unwrap()).collect())
}

/// A kttdv PDF with the data it carries changed by `change` and its SHA-256
/// computed again, as a forger would.
fn rehashed(pdf: &[u8], change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut change = Some(change);
    retouched(pdf, |attached| {
        let mut attached: Value = serde_json::from_slice(attached).unwrap();
        (change.take().unwrap())(&mut attached["input"]);
        let digest = sha2::Sha256::digest(serde_json::to_vec(&attached["input"]).unwrap());
        attached["sha256"] = json!(digest.iter().map(|b| format!("{b:02x}")).collect::<String>());
        serde_json::to_vec(&attached).unwrap()
    })
}

/// A kttdv PDF with its attached file's bytes replaced, compressed again.
fn retouched(pdf: &[u8], replace: impl FnOnce(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let mut document = lopdf::Document::load_mem(pdf).unwrap();
    let ids: Vec<lopdf::ObjectId> = document.objects.keys().copied().collect();
    let mut replace = Some(replace);
    for id in ids {
        let Ok(stream) = document.get_object_mut(id).and_then(|o| o.as_stream_mut()) else { continue };
        let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        if content.windows(9).any(|w| w == b"\"sha256\":") && content.starts_with(b"{") {
            let new = (replace.take().expect("one attachment"))(&content);
            stream.set_plain_content(new);
            stream.compress().unwrap();
        }
    }
    assert!(replace.is_none(), "the attachment was found");
    let mut out = Vec::new();
    document.save_to(&mut out).unwrap();
    out
}

fn cell_pdf() -> Vec<u8> {
    RENDERER
        .make(Kind::Packet, &json_input(&example("cell.json")), kttdv::Output::pdf(PdfFlavour::WITH_DATA))
        .unwrap()
        .bytes
}

/// A ZIP of `entries`; a name may be anything, as a crafted archive's is.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    // Written under stand-in names of the same length, then renamed in the
    // bytes: a writer refuses to make what a crafted archive holds.
    for (i, (name, bytes)) in entries.iter().enumerate() {
        writer.start_file(stand_in(name, i), options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    let mut bytes = writer.finish().unwrap().into_inner();
    for (i, (name, _)) in entries.iter().enumerate() {
        let from = stand_in(name, i).into_bytes();
        while let Some(at) = bytes.windows(from.len()).position(|w| w == from.as_slice()) {
            bytes[at..at + from.len()].copy_from_slice(name.as_bytes());
        }
    }
    bytes
}

fn stand_in(name: &str, i: usize) -> String {
    let tag = format!("{i:02}");
    format!("{tag}{}", "q".repeat(name.len() - tag.len()))
}

// 1. Inclusion loops

#[test]
fn a_file_that_includes_itself_is_an_error_naming_the_chain_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b.json", committee_naming(json!(["committee.json"])).to_string());
    for cells in [json!(["committee.json"]), json!(["."]), json!(["b.json"])] {
        write(dir.path(), "committee.json", committee_naming(cells.clone()).to_string());
        let out = kttdv_in(dir.path(), &["check", "mau-6", "committee.json"], "");
        assert_eq!(out.status.code(), Some(1), "{cells}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("include-loop\t"), "{cells}: {text}");
        assert!(text.contains("vòng lặp: «committee.json» → "), "{cells}: {text}");
        std::fs::remove_file(dir.path().join("committee.json")).unwrap();
    }
}

#[tokio::test]
async fn an_upload_that_includes_itself_is_refused_and_the_server_lives_on() {
    let server = Server::start(&[]);
    let client = Client::new();
    let check = server.url("/api/kinds/mau-6/check");
    let looping = committee_naming(json!(["input.json"])).to_string();
    let response = client.post(&check).multipart(Form::new().text("input", looping)).send().await.unwrap();
    assert_eq!(problem_codes(&body_of(response, StatusCode::UNPROCESSABLE_ENTITY).await), ["include-loop"]);

    let itself = committee_naming(json!(["a.json"])).to_string();
    let response = client.post(&check).multipart(Form::new().part("file", part("a.json", itself.clone()))).send();
    assert_eq!(
        problem_codes(&body_of(response.await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY).await),
        ["include-loop"]
    );
    let form = Form::new().text("organisation", "Đảng bộ Sở Tài chính").part("cells", part("a.json", itself));
    let page = client.post(server.url("/web/committee")).multipart(form).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().await.unwrap().contains("include-loop"));
    assert_eq!(client.get(server.url("/healthz")).send().await.unwrap().status(), StatusCode::OK, "still serving");
}

// 2. Names that lead out of a request's uploads, or out of a PDF's data

#[tokio::test]
async fn an_upload_reads_no_file_outside_its_own_and_says_nothing_of_what_exists() {
    let server = Server::start(&[]);
    let client = Client::new();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.json", example("cell.json"));
    let secret = outside.path().join("secret.json").display().to_string();
    let names = [
        secret.clone(),
        format!("../../../../../../..{secret}"),
        outside.path().join("khong-co.json").display().to_string(),
        "/etc/shadow".to_owned(),
    ];
    let mut messages = Vec::new();
    for name in &names {
        let committee = committee_naming(json!([name]));
        let uploads = [
            Form::new().part("file", part("a.json", committee.to_string())),
            Form::new().text("input", committee.to_string()),
        ];
        for form in uploads {
            let response = client.post(server.url("/api/kinds/mau-6/render")).multipart(form).send().await.unwrap();
            let body = body_of(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(problem_codes(&body), ["file-not-allowed"], "{name}: {body:#}");
            assert!(!body.to_string().contains("Trần Văn Hùng"), "no member of the file outside");
            messages.push(body["problems"][0]["message"].as_str().unwrap().replace(name.as_str(), "…"));
        }
        let response = client.post(server.url("/api/kinds/mau-6/check")).json(&committee).send().await.unwrap();
        let body = body_of(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body["problems"][0]["code"], "file-not-allowed", "{body:#}");
        assert_eq!(body["problems"][0]["path"], "$.cells[0]");
        let form = Form::new().part("file", part("a.json", committee.to_string()));
        let page = client.post(server.url("/web/cell")).multipart(form).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.text().await.unwrap().contains("file-not-allowed"));
    }
    messages.dedup();
    assert_eq!(messages.len(), 1, "one answer whether or not the file exists: {messages:#?}");
}

#[tokio::test]
async fn names_inside_a_received_pdfs_data_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.json", example("cell.json"));
    let forged = rehashed(&cell_pdf(), |input| input["cells"] = json!(["secret.json"]));
    write(dir.path(), "van-phong.pdf", &forged);
    write(dir.path(), "committee.json", committee_naming(json!(["van-phong.pdf"])).to_string());
    let out = kttdv_in(dir.path(), &["check", "mau-6", "committee.json"], "");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("file-not-allowed\t[van-phong.pdf]$.cells[0]"), "{}", stdout(&out));

    let server = Server::start(&[]);
    let form = Form::new()
        .text("input", committee_naming(json!(["van-phong.pdf"])).to_string())
        .part("cells", part("van-phong.pdf", forged))
        .part("cells", part("secret.json", example("cell.json")));
    let response = Client::new().post(server.url("/api/kinds/mau-6/check")).multipart(form).send().await.unwrap();
    let body = body_of(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem_codes(&body).contains(&"file-not-allowed"), "{body:#}");
}

// 3, 4. What expands past the limits

#[tokio::test]
async fn archives_workbooks_and_attachments_that_expand_past_the_limits_get_413() {
    let server = Server::start(&[]);
    let client = Client::new();
    let spaces = vec![b' '; 40 << 20];
    let check = |kind: &str| server.url(&format!("/api/kinds/{kind}/check"));

    let bomb = zip_of(&[("cells/bom.json", &spaces)]);
    assert!(bomb.len() < 1 << 20, "a small upload");
    let form =
        Form::new().text("input", committee_naming(json!(["bom.zip"])).to_string()).part("f", part("bom.zip", bomb));
    let body =
        body_of(client.post(check("mau-6")).multipart(form).send().await.unwrap(), StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(problem_codes(&body), ["too-large"]);
    assert!(body["problems"][0]["message"].as_str().unwrap().contains("cells/bom.json"), "{body:#}");

    // A workbook whose shared strings expand to 40 MiB.
    let workbook = std::fs::read(root().join("examples/chi-bo-van-phong.xlsx")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(workbook)).unwrap();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let entry = archive.by_index(i).unwrap();
        if entry.name().unwrap() == "xl/sharedStrings.xml" {
            writer.start_file("xl/sharedStrings.xml", zip::write::SimpleFileOptions::default()).unwrap();
            writer.write_all(b"<sst><si><t>").unwrap();
            writer.write_all(&spaces).unwrap();
            writer.write_all(b"</t></si></sst>").unwrap();
        } else {
            writer.raw_copy_file(entry).unwrap();
        }
    }
    let book = writer.finish().unwrap().into_inner();
    let form = Form::new().part("file", part("chi-bo.xlsx", book));
    let body =
        body_of(client.post(check("mau-2")).multipart(form).send().await.unwrap(), StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(problem_codes(&body), ["too-large"]);
    assert!(body["problems"][0]["message"].as_str().unwrap().contains("sharedStrings.xml"), "{body:#}");

    // A PDF whose attached data inflates to 40 MiB.
    let swollen = retouched(&cell_pdf(), |_| spaces.clone());
    let form = Form::new()
        .text("input", committee_naming(json!(["van-phong.pdf"])).to_string())
        .part("f", part("van-phong.pdf", swollen.clone()));
    let body =
        body_of(client.post(check("mau-6")).multipart(form).send().await.unwrap(), StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(problem_codes(&body), ["too-large"]);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "swollen.pdf", &swollen);
    let out = kttdv_in(dir.path(), &["extract", "swollen.pdf"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("too-large\t[swollen.pdf]"), "{}", stderr(&out));
}

#[tokio::test]
async fn a_sheet_is_read_no_further_than_its_row_limit() {
    let server = Server::start(&[]);
    let client = Client::new();
    let mut tall = rust_xlsxwriter::Workbook::new();
    let sheet = tall.add_worksheet();
    sheet.write(0, 0, "Họ và tên").unwrap();
    for row in 1..60_000 {
        sheet.write(row, 0, row as f64).unwrap();
    }
    let mut sparse = rust_xlsxwriter::Workbook::new();
    let sheet = sparse.add_worksheet();
    sheet.write(0, 0, "Họ và tên").unwrap();
    sheet.write(1_048_575, 16_383, "x").unwrap();
    for mut book in [tall, sparse] {
        let form = Form::new().part("file", part("chi-bo.xlsx", book.save_to_buffer().unwrap()));
        let response = client.post(server.url("/api/kinds/mau-2/check")).multipart(form).send().await.unwrap();
        let body = body_of(response, StatusCode::PAYLOAD_TOO_LARGE).await;
        assert_eq!(problem_codes(&body), ["too-large"], "{body:#}");
    }
}

// 5. Slow and abandoned clients

/// Reads until the server closes the connection (or `wait` passes): what it sent.
async fn until_closed(stream: &mut tokio::net::TcpStream, wait: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(wait, async {
        let mut buf = [0; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    });
    read.await.ok().map(|()| String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn slow_and_idle_clients_are_cut_off_and_connections_are_capped() {
    let server = Server::start(&["--header-timeout", "1", "--body-timeout", "1", "--max-connections", "3"]);
    let addr = server.base.trim_start_matches("http://").to_owned();
    let quick = Client::builder().timeout(Duration::from_millis(500)).build().unwrap();

    // The cap: three silent connections hold every place…
    let mut silent = Vec::new();
    for _ in 0..3 {
        silent.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(quick.get(server.url("/healthz")).send().await.is_err(), "a fourth waits while three are open");
    // …until the header timeout closes them.
    for stream in &mut silent {
        assert!(until_closed(stream, Duration::from_secs(10)).await.is_some(), "a silent connection is closed");
    }
    assert_eq!(quick.get(server.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);

    // Headers that never end.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: kttdv\r\n").await.unwrap();
    assert!(until_closed(&mut slow, Duration::from_secs(10)).await.is_some(), "half a head is cut off");

    // An answered connection left idle.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: kttdv\r\n\r\n").await.unwrap();
    let answer = until_closed(&mut idle, Duration::from_secs(10)).await.expect("an idle connection is closed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // A body that never ends.
    let mut trickle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = "POST /api/kinds/mau-2/check HTTP/1.1\r\nHost: kttdv\r\nContent-Type: application/json\r\n\
                Content-Length: 1000\r\n\r\n{\"cell\"";
    trickle.write_all(head.as_bytes()).await.unwrap();
    let answer = until_closed(&mut trickle, Duration::from_secs(10)).await.expect("a slow body is cut off");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"request-timeout\""), "{answer}");

    // The page's forms too, not only uploads.
    let mut trickle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = "POST /web/download HTTP/1.1\r\nHost: kttdv\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 1000\r\n\r\nkind=mau-2";
    trickle.write_all(head.as_bytes()).await.unwrap();
    let answer = until_closed(&mut trickle, Duration::from_secs(10)).await.expect("a slow form is cut off");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

/// A gauge or the sum of a counter's series in `/metrics`.
fn metric(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with([' ', '{']))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum()
}

#[tokio::test]
async fn a_client_that_leaves_takes_its_render_with_it_and_never_adds_a_worker() {
    let server = Server::start(&["--workers", "1"]);
    let large = kttdv::sample::roster(3_000, 4);
    let impatient = Client::builder().timeout(Duration::from_millis(300)).build().unwrap();
    let url = server.url("/api/kinds/mau-2/render");
    // One after another, each client leaving before its answer: the first
    // is rendering, the others wait for its worker and go.
    for _ in 0..4 {
        assert!(impatient.post(&url).json(&large).send().await.is_err(), "the client gave up");
    }
    let mut most_running = 0.0_f64;
    let metrics = loop {
        let metrics = Client::new().get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
        let running = metric(&metrics, "kttdv_renders_running");
        most_running = most_running.max(running);
        if running == 0.0 && metric(&metrics, "kttdv_queue_waiting") == 0.0 {
            break metrics;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(most_running, 1.0, "never more at once than the one worker");
    let made = metric(&metrics, "kttdv_render_seconds_count");
    assert_eq!(made, 1.0, "only the render under way when its client left:\n{metrics}");
}

// 6, 7. Text that is not text, and text without end

/// Every place in `value` that holds a string, one per shape
/// (`$.members[0].full_name` stands for every member's).
fn string_places(value: &Value, path: String, seen: &mut Vec<String>, out: &mut Vec<Vec<Step>>, at: Vec<Step>) {
    match value {
        Value::String(_) if !seen.contains(&path) => {
            seen.push(path);
            out.push(at);
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let mut here = at.clone();
                here.push(Step::Index(i));
                string_places(item, format!("{path}[]"), seen, out, here);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let mut here = at.clone();
                here.push(Step::Key(key.clone()));
                string_places(item, format!("{path}.{key}"), seen, out, here);
            }
        }
        _ => {}
    }
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn at_mut<'a>(value: &'a mut Value, steps: &[Step]) -> &'a mut Value {
    steps.iter().fold(value, |value, step| match step {
        Step::Key(key) => &mut value[key.as_str()],
        Step::Index(i) => &mut value[*i],
    })
}

fn shown(steps: &[Step]) -> String {
    steps.iter().fold("$".to_owned(), |path, step| match step {
        Step::Key(key) => format!("{path}.{key}"),
        Step::Index(i) => format!("{path}[{i}]"),
    })
}

const HOSTILE: [(&str, &str); 4] = [
    ("Trần\u{0}Văn", "forbidden-character"),
    ("Trần \u{7}\u{1b}[31mVăn", "forbidden-character"),
    ("Trần \u{202E}Văn Hùng", "forbidden-character"),
    ("Trần\u{2066}Văn", "forbidden-character"),
];

#[tokio::test]
async fn every_text_field_of_every_kind_refuses_controls_overrides_and_floods() {
    let server = Server::start(&[]);
    let client = Client::new();
    let flood = "a".repeat(100_000);
    for kind in Kind::all() {
        let url = server.url(&format!("/api/kinds/{}/example", kind.name()));
        let example: Value = client.get(url).send().await.unwrap().json().await.unwrap();
        let mut places = Vec::new();
        string_places(&example, "$".into(), &mut Vec::new(), &mut places, Vec::new());
        assert!(!places.is_empty(), "{}", kind.name());
        for place in &places {
            let hostile = HOSTILE.iter().copied().chain([(flood.as_str(), "text-too-long")]);
            for (text, code) in hostile {
                let mut input = example.clone();
                *at_mut(&mut input, place) = json!(text);
                let problems = RENDERER.check(kind, &input).expect_err(&format!("{} {}", kind.name(), shown(place)));
                assert!(
                    problems.iter().any(|p| p.code.as_str() == code && p.place.to_string() == shown(place)),
                    "{} {}: {problems:#?}",
                    kind.name(),
                    shown(place)
                );
            }
        }
        // Over HTTP, on one field of each kind: 422, never a 500.
        let mut input = example.clone();
        *at_mut(&mut input, &places[0]) = json!("x\u{0}y");
        let render = server.url(&format!("/api/kinds/{}/render", kind.name()));
        let response = client.post(render).json(&input).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", kind.name());
    }
    let mut cell: Value = serde_json::from_str(&example("cell.json")).unwrap();
    cell["members"][0]["full_name"] = json!("Trần \u{202E}Văn Hùng");
    let out = kttdv(&["render", "mau-2", "-", "-o", "-"], &cell.to_string());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("forbidden-character\t$.members[0].full_name"), "{}", stderr(&out));
}

#[test]
fn a_name_has_its_own_shorter_limit() {
    let mut cell = json_input(&example("cell.json"));
    cell["members"][0]["full_name"] = json!("Nguyễn ".repeat(20));
    let problems = RENDERER.check(Kind::Mau2, &cell).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].code.as_str(), "text-too-long");
    assert_eq!(problems[0].place.to_string(), "$.members[0].full_name");
    assert!(problems[0].message.contains("100 ký tự"), "{}", problems[0].message);
}

// 8. Errors: one JSON shape, the request's id, nothing from inside

#[tokio::test]
async fn every_error_is_json_with_its_request_id_and_no_internal_detail() {
    let templates = tempfile::tempdir().unwrap();
    let failing = "#import \"forms/mau-2.typ\": form\n#let data = json(\"/data.json\")\n\
                   #if repr(data).contains(\"Lỗi Nội Bộ\") { panic(\"chi tiết nội bộ 7f3a\") }\n#form(data)\n";
    write(templates.path(), "mau-2.typ", failing);
    let server = Server::start(&["--templates", templates.path().to_str().unwrap()]);
    let client = Client::new();
    let cell: Value = serde_json::from_str(&example("cell.json")).unwrap();

    let response = client.post(server.url("/api/kinds/mau-2/render?plain=maybe")).json(&cell).send().await.unwrap();
    let body = body_of(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["code"], "bad-request");
    assert!(body["message"].as_str().unwrap().contains("«plain»"), "{body:#}");

    let response = client.get(server.url("/api/kinds/mau-2/render")).send().await.unwrap();
    assert_eq!(body_of(response, StatusCode::METHOD_NOT_ALLOWED).await["code"], "method-not-allowed");

    let response = client.post(server.url("/web/download")).form(&[("kind", "mau-2")]).send().await.unwrap();
    let body = body_of(response, StatusCode::BAD_REQUEST).await;
    assert!(body["message"].as_str().unwrap().contains("«format»"), "{body:#}");

    let mut failing = cell.clone();
    failing["members"][0]["full_name"] = json!("Lỗi Nội Bộ");
    let response = client.post(server.url("/api/kinds/mau-2/render")).json(&failing).send().await.unwrap();
    let body = body_of(response, StatusCode::INTERNAL_SERVER_ERROR).await;
    assert_eq!(body["code"], "template-error");
    assert!(!body.to_string().contains("7f3a") && !body.to_string().contains("typ"), "{body:#}");

    let form = Form::new().part("file", part("a.json", vec![0xff, 0xfe, b'{']));
    let response = client.post(server.url("/api/kinds/mau-2/check")).multipart(form).send().await.unwrap();
    let body = body_of(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let message = body["problems"][0]["message"].as_str().unwrap();
    assert!(message.contains("«a.json»") && !message.contains("/tmp") && !message.contains("kttdv-"), "{message}");
}

// 9. A half-written folder

#[test]
fn a_board_folder_appears_only_once_it_is_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("ho-so");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kttdv"))
        .args(["render", "ho-so-ban", "examples/board.json", "-o"])
        .arg(&target)
        .current_dir(root())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed the moment anything is written.
    let written = || std::fs::read_dir(dir.path()).unwrap().count() > 0;
    while !written() && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    child.wait().unwrap();
    // What a killed render leaves says it is unfinished, and is not the target.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != "ho-so" {
            assert!(name.starts_with(".kttdv-dang-ghi-"), "{name}");
            std::fs::remove_dir_all(entry.path()).unwrap();
        }
    }
    if target.exists() {
        let out = kttdv(&["render", "ho-so-ban", "examples/board.json", "-o", "-", "--zip"], "");
        let whole = zip::ZipArchive::new(std::io::Cursor::new(out.stdout)).unwrap().len();
        let count = walk(&target);
        assert_eq!(count, whole, "a folder that exists is whole");
    }
    // And a whole one replaces the last.
    let out = kttdv(&["render", "ho-so-ban", "examples/board.json", "-o", target.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let again = kttdv(&["render", "ho-so-ban", "examples/board.json", "-o", target.to_str().unwrap()], "");
    assert!(again.status.success(), "{}", stderr(&again));
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["ho-so"], "nothing left beside it");
    // A folder holding the user's own files is never replaced.
    write(&target, "cua-toi.txt", "giữ lại");
    let refused = kttdv(&["render", "ho-so-ban", "examples/board.json", "-o", target.to_str().unwrap()], "");
    assert!(!refused.status.success());
    assert_eq!(std::fs::read_to_string(target.join("cua-toi.txt")).unwrap(), "giữ lại");
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            if path.is_dir() { walk(&path) } else { 1 }
        })
        .sum()
}

// 10. What a ZIP holds

#[test]
fn a_zip_keeps_its_folders_and_refuses_what_it_cannot_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (example("cell.json"), example("cells/chi-bo-thanh-tra.json"));
    write(dir.path(), "committee.json", committee_naming(json!(["chi-bo.zip"])).to_string());
    write(dir.path(), "chi-bo.zip", zip_of(&[("a/chi-bo.json", a.as_bytes()), ("b/chi-bo.json", b.as_bytes())]));
    let out = kttdv_in(dir.path(), &["render", "mau-6", "committee.json", "-o", "-"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = folded(&pdf_text(&out.stdout));
    assert!(text.contains("Chi bộ Văn phòng") && text.contains("Chi bộ Thanh tra"), "both cells: {text}");

    for (entries, said) in [
        (&[("../chi-bo.json", a.as_bytes())][..], "«../chi-bo.json» có đường dẫn ra ngoài"),
        (&[("a/chi-bo.json", a.as_bytes()), ("a//chi-bo.json", b.as_bytes())][..], "«a//chi-bo.json» có hai lần"),
        (&[("chi-bo.json", a.as_bytes()), ("ghi-chu.txt", b"x")][..], "«ghi-chu.txt» trong tệp nén không phải"),
    ] {
        write(dir.path(), "chi-bo.zip", zip_of(entries));
        let out = kttdv_in(dir.path(), &["check", "mau-6", "committee.json"], "");
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert!(stdout(&out).contains(said), "{said}: {}", stdout(&out));
    }
}

// 11. Upload folders

#[tokio::test]
async fn nothing_of_an_upload_is_left_on_the_servers_disk() {
    let temp = tempfile::tempdir().unwrap();
    let server = Server::start_with(&[], &[("TMPDIR", temp.path())]);
    let client = Client::new();
    let zip = zip_of(&[("a/chi-bo.json", example("cell.json").as_bytes())]);
    let ok = Form::new()
        .text("input", committee_naming(json!(["chi-bo.zip"])).to_string())
        .part("f", part("chi-bo.zip", zip));
    let response = client.post(server.url("/api/kinds/mau-6/render")).multipart(ok).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let looping = Form::new().text("input", committee_naming(json!(["."])).to_string());
    let response = client.post(server.url("/api/kinds/mau-6/render")).multipart(looping).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let left: Vec<_> = std::fs::read_dir(temp.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(left.is_empty(), "{left:?}");
}

// 12. What the data inside a PDF proves

#[test]
fn data_nobody_signed_or_changed_after_signing_is_read_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    throwaway_certificate(dir.path());
    let packet = RENDERER
        .make(Kind::Packet, &json_input(&example("cell.json")), kttdv::Output::pdf(PdfFlavour::WITH_DATA))
        .unwrap();
    write(dir.path(), "committee.json", committee_naming(json!(["van-phong.pdf"])).to_string());
    let check = |pdf: &[u8]| {
        write(dir.path(), "van-phong.pdf", pdf);
        let out = kttdv_in(dir.path(), &["check", "mau-6", "committee.json"], "");
        assert!(out.status.success(), "{}", stdout(&out));
        stderr(&out)
    };
    // A forger's change, its hash computed again: read, and said to be unsigned.
    let forged = rehashed(&packet.bytes, |input| input["members"][0]["full_name"] = json!("Trần Văn Hưng"));
    assert!(check(&forged).contains("unsigned-data\t[van-phong.pdf]"), "{}", check(&forged));

    write(dir.path(), "chua-ky.pdf", &packet.bytes);
    sign(dir.path(), "chua-ky.pdf", &packet.slots[0].name, "da-ky.pdf");
    let signed = std::fs::read(dir.path().join("da-ky.pdf")).unwrap();
    let said = check(&signed);
    assert!(!said.contains("unsigned-data") && !said.contains("changed-after-signing"), "{said}");

    let mut appended = signed.clone();
    appended.extend_from_slice(b"\n% them sau khi ky\n");
    assert!(check(&appended).contains("changed-after-signing\t[van-phong.pdf]"), "{}", check(&appended));
}

// 13. The page's headers

#[tokio::test]
async fn the_page_runs_only_its_own_script_and_is_never_framed() {
    let server = Server::start(&[]);
    let response = Client::new().get(server.url("/")).send().await.unwrap();
    let headers = response.headers().clone();
    let html = response.text().await.unwrap();
    let script = &html[html.find("<script>").unwrap() + 8..html.find("</script>").unwrap()];
    let hash = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, sha2::Sha256::digest(script));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains(&format!("script-src 'sha256-{hash}'")), "{csp}");
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
}

// 5, the end: memory once idle

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_large_render_gives_its_memory_back_once_done() {
    let server = Server::start(&[]);
    let status = || std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let kib = |text: &str, key: &str| -> f64 {
        let line = text.lines().find(|l| l.starts_with(key)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let response =
        Client::new().post(server.url("/api/kinds/mau-2/render")).json(&kttdv::sample::roster(5_000, 9)).send().await;
    assert_eq!(response.unwrap().status(), StatusCode::OK);
    let after = status();
    let (peak, now) = (kib(&after, "VmHWM:"), kib(&after, "VmRSS:"));
    assert!(now < 0.7 * peak, "{now} KiB held once done, of a peak of {peak} KiB");
}

#[tokio::test]
async fn a_form_too_large_for_the_framework_is_413_in_the_one_shape() {
    let server = Server::start(&["--max-body-mib", "1"]);
    let big = "x".repeat(2 << 20);
    let form = [("kind", "mau-2"), ("format", "pdf"), ("input", big.as_str())];
    let response = Client::new().post(server.url("/web/download")).form(&form).send().await.unwrap();
    let body = body_of(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(body["code"], "payload-too-large", "{body:#}");
}
