//! Notices by e-mail, through a real SMTP conversation with a small server
//! of the test's own: who is told what when a report goes up or comes
//! back, the daily reminder of a deadline sent once whatever restarts,
//! each notice in the audit log, and no e-mail without a server.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::campaign::{TestStore, init_example};
use crate::common::*;
use crate::people::{BOARD, CAMPAIGN, ok_json, step, unit_url};

/// A message as the server received it: to whom, its subject and text decoded.
#[derive(Debug, Clone)]
struct Mail {
    to: String,
    subject: String,
    text: String,
}

/// An SMTP server that accepts every message and keeps it.
struct Sink {
    port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl Sink {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = kept.clone();
                std::thread::spawn(move || converse(stream, &kept));
            }
        });
        Self { port, mails }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, once there are `count` (waiting up to 20 s).
    fn until(&self, count: usize) -> Vec<Mail> {
        let start = Instant::now();
        loop {
            let mails = self.mails.lock().unwrap().clone();
            if mails.len() >= count || start.elapsed() > Duration::from_secs(20) {
                return mails;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One SMTP session (RFC 5321), as far as a client that sends needs it.
fn converse(stream: std::net::TcpStream, mails: &Mutex<Vec<Mail>>) {
    let mut out = stream.try_clone().unwrap();
    let mut lines = BufReader::new(stream);
    let mut say = |text: &str| out.write_all(format!("{text}\r\n").as_bytes()).unwrap();
    say("220 sink ESMTP");
    let mut to = String::new();
    let mut line = String::new();
    while lines.read_line(&mut line).unwrap_or(0) > 0 {
        let command = line.trim_end().to_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            say("250 sink");
        } else if command.starts_with("RCPT TO:") {
            to = line.trim_end()[8..].trim_matches(|c| c == '<' || c == '>' || c == ' ').to_owned();
            say("250 ok");
        } else if command == "DATA" {
            say("354 go on");
            let mut data = String::new();
            let mut part = String::new();
            while lines.read_line(&mut part).unwrap_or(0) > 0 && part != ".\r\n" {
                data.push_str(&part);
                part.clear();
            }
            mails.lock().unwrap().push(decoded(&to, &data));
            say("250 kept");
        } else if command == "QUIT" {
            say("221 bye");
            return;
        } else {
            say("250 ok");
        }
        line.clear();
    }
}

/// A message's subject (RFC 2047) and text (base64 or quoted-printable) in words.
fn decoded(to: &str, data: &str) -> Mail {
    let (head, body) = data.split_once("\r\n\r\n").unwrap();
    let head = head.replace("\r\n ", " ");
    let header =
        |name: &str| head.lines().find_map(|l| l.strip_prefix(&format!("{name}: "))).unwrap_or_default().to_owned();
    let words = |text: &str| -> String {
        text.split(' ')
            .map(|word| {
                match word
                    .get(10..)
                    .filter(|_| word[..10].eq_ignore_ascii_case("=?utf-8?b?"))
                    .and_then(|w| w.strip_suffix("?="))
                {
                    Some(encoded) => {
                        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(encoded).unwrap()).unwrap()
                    }
                    None => format!("{word} "),
                }
            })
            .collect::<String>()
            .trim_end()
            .to_owned()
    };
    let text = match header("Content-Transfer-Encoding").as_str() {
        "base64" => {
            let joined: String = body.split_whitespace().collect();
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(joined).unwrap()).unwrap()
        }
        "quoted-printable" => quoted_printable(body),
        _ => body.to_owned(),
    };
    Mail { to: to.to_owned(), subject: words(&header("Subject")), text }
}

fn quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let mut bytes = Vec::new();
    let mut chars = joined.bytes();
    while let Some(b) = chars.next() {
        if b == b'=' {
            let hex: Vec<u8> = chars.by_ref().take(2).collect();
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
}

/// The notes of the campaign's `notice` events, once there are `count`
/// (waiting up to 20 s): each is written once the mail server took it.
async fn logged(server: &Server, user: &crate::people::User, count: usize) -> Vec<String> {
    let start = Instant::now();
    loop {
        let log = user.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap();
        let log = ok_json(log).await;
        let notices: Vec<String> = log
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "notice")
            .map(|e| e["note"].as_str().unwrap().to_owned())
            .collect();
        if notices.len() >= count || start.elapsed() > Duration::from_secs(20) {
            return notices;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn people_are_told_by_e_mail_what_waits_for_them_once_a_day_and_each_notice_is_logged() {
    for store in TestStore::all() {
        let label = store.label();
        init_example(&store);
        let sink = Sink::start();
        let args = store.args();
        let mut serve_args: Vec<&str> = args.iter().map(String::as_str).collect();
        let url = sink.url();
        serve_args.extend(["--smtp", &url, "--smtp-from", "kttdv <kttdv@ban-to-chuc.vn>"]);
        serve_args.extend(["--public-url", "https://kttdv.tinh.vn/"]);
        let server = Server::start(&serve_args);
        let board = crate::people::User::of_unit(&store, &server, "board", BOARD).await;

        // Invitations carry where each person is told; an address that is not one is refused at its field.
        let committee = "dang-bo-so-tai-chinh";
        let cell = "dang-bo-so-tai-chinh.chi-bo-van-phong";
        let invite = |user: &crate::people::User, unit: &str, body: Value| {
            user.post(unit_url(&server, unit, "accounts")).json(&body).send()
        };
        let wrong = invite(
            &board,
            committee,
            json!({ "login": "thanh", "person": "Nguyễn Văn Thành", "email": "thanh at so" }),
        );
        let wrong = wrong.await.unwrap();
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let wrong: Value = wrong.json().await.unwrap();
        assert_eq!(
            (&wrong["problems"][0]["code"], &wrong["problems"][0]["path"]),
            (&json!("invalid-email"), &json!("$.email")),
            "{label}: {wrong}"
        );
        let made = invite(
            &board,
            committee,
            json!({ "login": "thanh", "person": "Nguyễn Văn Thành", "email": "thanh@so-tai-chinh.vn" }),
        );
        let made: Value = made.await.unwrap().json().await.unwrap();
        let officer = crate::people::User::by_link(&server, "thanh", made[0]["link"].as_str().unwrap()).await;
        let made = invite(
            &officer,
            cell,
            json!({ "login": "hung", "person": "Trần Văn Hùng", "email": "hung@so-tai-chinh.vn" }),
        );
        let made: Value = made.await.unwrap().json().await.unwrap();
        let secretary = crate::people::User::by_link(&server, "hung", made[0]["link"].as_str().unwrap()).await;

        // Her report goes up: the committee's officer is told, with the link to the campaign.
        let (status, body) = step(&server, &secretary, cell, "submit", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let mails = sink.until(1);
        assert_eq!(mails.len(), 1, "{label}: {mails:?}");
        assert_eq!(mails[0].to, "thanh@so-tai-chinh.vn");
        assert_eq!(mails[0].subject, "«Chi bộ Văn phòng» đã nộp báo cáo, chờ đồng chí duyệt", "{label}");
        assert!(
            mails[0].text.contains("Xem và làm tiếp trên kttdv: https://kttdv.tinh.vn/web/campaigns/2021-quang-nam"),
            "{label}: {}",
            mails[0].text
        );
        // It comes back: she is told why.
        let comment = "Đồng chí thứ ba thiếu ngày vào Đảng";
        let (status, _) = step(&server, &officer, cell, "return", json!({ "note": comment })).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let mails = sink.until(2);
        assert_eq!(mails[1].to, "hung@so-tai-chinh.vn", "{label}: {mails:?}");
        assert!(mails[1].text.contains(&format!("Ý kiến: «{comment}».")), "{label}: {}", mails[1].text);

        // (Each notice is logged once the mail server took it: before the
        // service stops, so that none is cut off between the two.)
        assert_eq!(logged(&server, &board, 2).await.len(), 2, "{label}");
        // Restarted, the service reminds each of them of the past deadline
        // (the example's are of 2021) once; restarted again, not twice.
        drop(server);
        let server = Server::start(&serve_args);
        let mails = sink.until(4);
        let reminded: Vec<&str> = mails[2..].iter().map(|m| m.to.as_str()).collect();
        assert_eq!(reminded.len(), 2, "{label}: {mails:?}");
        assert!(reminded.contains(&"thanh@so-tai-chinh.vn") && reminded.contains(&"hung@so-tai-chinh.vn"), "{label}");
        let her = mails[2..].iter().find(|m| m.to.starts_with("hung")).unwrap();
        assert!(
            her.text.contains(&format!("- Báo cáo của đơn vị bạn bị cấp trên trả lại: «{comment}»")),
            "{label}: {}",
            her.text
        );
        assert!(her.text.contains("đã quá hạn nộp (10/05/2021)"), "{label}: {}", her.text);
        assert_eq!(logged(&server, &board, 4).await.len(), 4, "{label}");
        drop(server);
        let server = Server::start(&serve_args);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(sink.mails.lock().unwrap().len(), 4, "{label}: once a day");

        // Fixed, sent and approved; the committee sends its own; the Board
        // returns it with her cell: she is told, as her committee is.
        let mut roster: Value =
            ok_json(secretary.get(unit_url(&server, cell, "submission")).send().await.unwrap()).await;
        roster["members"][2]["admitted_on"] = json!("20/05/2001");
        let saved = secretary.put(unit_url(&server, cell, "submission")).json(&roster).send().await.unwrap();
        assert_eq!(saved.status(), StatusCode::OK, "{label}: {}", saved.text().await.unwrap());
        assert_eq!(step(&server, &secretary, cell, "submit", json!({})).await.0, StatusCode::OK, "{label}");
        assert_eq!(step(&server, &officer, cell, "approve", json!({})).await.0, StatusCode::OK, "{label}");
        for other in ["dang-bo-so-tai-chinh.chi-bo-phong-ngan-sach", "dang-bo-so-tai-chinh.chi-bo-thanh-tra"] {
            let absent = step(&server, &officer, other, "not-reporting", json!({ "note": "Giải thể" })).await;
            assert_eq!(absent.0, StatusCode::OK, "{label}: {}", absent.1);
        }
        assert_eq!(step(&server, &officer, committee, "submit", json!({})).await.0, StatusCode::OK, "{label}");
        let back = json!({ "note": "Chi bộ Văn phòng cần soát lại", "cells": [cell] });
        let (status, body) = step(&server, &board, committee, "return", back).await;
        assert_eq!(status, StatusCode::OK, "{label}: {body}");
        let mails = sink.until(8);
        // Each notice leaves on its own task: in no promised order.
        let mut last: Vec<(&str, &str)> = mails[4..].iter().map(|m| (m.to.as_str(), m.subject.as_str())).collect();
        last.sort();
        assert_eq!(
            last,
            [
                ("hung@so-tai-chinh.vn", "Báo cáo của «Chi bộ Văn phòng» bị cấp trên trả lại"),
                ("hung@so-tai-chinh.vn", "Báo cáo của «Chi bộ Văn phòng» đã được duyệt"),
                ("thanh@so-tai-chinh.vn", "Báo cáo của «Đảng bộ Sở Tài chính» bị cấp trên trả lại"),
                ("thanh@so-tai-chinh.vn", "«Chi bộ Văn phòng» đã nộp báo cáo, chờ đồng chí duyệt"),
            ],
            "{label}"
        );

        // Each notice is in the audit log, naming the account, not the address.
        let notices = logged(&server, &board, 8).await;
        assert_eq!(notices.len(), 8, "{label}: {notices:?}");
        assert!(
            notices.iter().any(|n| n == "thư tới hung: Báo cáo của «Chi bộ Văn phòng» bị cấp trên trả lại"),
            "{label}: {notices:?}"
        );
        assert!(notices.iter().all(|n| !n.contains('@')), "{label}: {notices:?}");
    }
}

#[tokio::test]
async fn without_a_mail_server_nothing_is_sent_and_nothing_said_sent() {
    let store = TestStore::Sqlite(tempfile::tempdir().unwrap());
    init_example(&store);
    let server = crate::campaign::serve(&store);
    let board = crate::people::User::of_unit(&store, &server, "board", BOARD).await;
    let body = json!({ "login": "thanh", "person": "Nguyễn Văn Thành", "email": "thanh@so-tai-chinh.vn" });
    let made = board.post(unit_url(&server, "dang-bo-so-tai-chinh", "accounts")).json(&body).send().await.unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let (status, _) =
        step(&server, &board, "dang-bo-so-tai-chinh", "not-reporting", json!({ "note": "Sáp nhập" })).await;
    assert_eq!(status, StatusCode::OK);
    let log = ok_json(board.get(server.url(&format!("/api/campaigns/{CAMPAIGN}/audit"))).send().await.unwrap()).await;
    assert!(log.as_array().unwrap().iter().all(|e| e["action"] != "notice"), "{log}");
}
