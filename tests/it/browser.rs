//! The web page in a real browser: headless Chromium (Debian's `chromium`,
//! installed by `.ci/run`) driven over the DevTools protocol, as a cell
//! secretary would use it: upload the workbook, see the preview, download
//! the packet; upload a broken one, see the problem beside its row.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts headless Chromium; its DevTools address.
fn chromium(profile: &Path) -> (Running, String) {
    let binary = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .expect("Chromium must be installed (apt-get install chromium; .ci/run does it)");
    let mut child = Command::new(binary)
        .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"])
        .arg("--remote-debugging-port=0")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let running = Running(child);
    for line in stderr.lines() {
        let line = line.unwrap();
        if let Some(at) = line.find("ws://") {
            return (running, line[at..].trim().to_owned());
        }
    }
    panic!("chromium printed no DevTools address");
}

/// A minimal DevTools client: one page, commands answered in turn.
struct Browser {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next: u64,
    session: Option<String>,
}

impl Browser {
    async fn connect(address: &str, downloads: &Path) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(address).await.expect("DevTools answers");
        let mut browser = Browser { socket, next: 0, session: None };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" })).await;
        let attached =
            browser.call("Target.attachToTarget", json!({ "targetId": target["targetId"], "flatten": true })).await;
        browser
            .call(
                "Browser.setDownloadBehavior",
                json!({ "behavior": "allow", "downloadPath": downloads.to_str().unwrap() }),
            )
            .await;
        browser.session = attached["sessionId"].as_str().map(str::to_owned);
        browser
    }

    async fn call(&mut self, method: &str, params: Value) -> Value {
        let reply = self.try_call(method, params).await;
        assert!(reply.get("error").is_none(), "{method}: {reply}");
        reply["result"].clone()
    }

    /// The whole reply to `method`, its error included.
    async fn try_call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let mut message = json!({ "id": self.next, "method": method, "params": params });
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        self.socket.send(Message::text(message.to_string())).await.unwrap();
        loop {
            let Some(Ok(Message::Text(text))) = self.socket.next().await else { continue };
            let reply: Value = serde_json::from_str(&text).unwrap();
            if reply["id"] == json!(self.next) {
                return reply;
            }
        }
    }

    /// The value of `expression` in the page; none while the page is
    /// being replaced by the next one (a form that reloads it).
    async fn eval(&mut self, expression: &str) -> Value {
        let reply = self.try_call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true })).await;
        let navigating = reply["error"]["message"].as_str().is_some_and(|m| m.contains("navigated or closed"));
        assert!(reply.get("error").is_none() || navigating, "Runtime.evaluate: {reply}");
        reply["result"]["result"]["value"].clone()
    }

    /// Waits until `expression` is true, for at most 30 seconds.
    async fn until(&mut self, expression: &str) {
        let start = Instant::now();
        while self.eval(expression).await != json!(true) {
            assert!(start.elapsed() < Duration::from_secs(30), "still not true: {expression}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url })).await;
        self.until("document.readyState === 'complete' && !!document.getElementById('cell-file')").await;
    }

    /// Chooses `file` in the cell form and sends it; the button's state
    /// right after the click.
    async fn upload(&mut self, file: &Path) -> Value {
        let document = self.call("DOM.getDocument", json!({})).await;
        let input = self
            .call("DOM.querySelector", json!({ "nodeId": document["root"]["nodeId"], "selector": "#cell-file" }))
            .await;
        self.call("DOM.setFileInputFiles", json!({ "nodeId": input["nodeId"], "files": [file.to_str().unwrap()] }))
            .await;
        self.eval("(b => { b.click(); return { disabled: b.disabled, text: b.textContent }; })(document.getElementById('cell-submit'))")
            .await
    }
}

#[tokio::test]
async fn a_cell_secretary_gets_the_pdfs_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let downloads = dir.path().join("tai-ve");
    std::fs::create_dir(&downloads).unwrap();
    let server = Server::start(&[]);
    let base = server.base.clone();
    let (_chromium, address) = chromium(&dir.path().join("profile"));
    let mut browser = Browser::connect(&address, &downloads).await;

    browser.open(&format!("{base}/")).await;
    let button = browser.upload(&root().join("examples/chi-bo-van-phong.xlsx")).await;
    assert_eq!(button, json!({ "disabled": true, "text": "Đang kiểm tra…" }), "the button says the check is under way");
    browser
        .until("!!document.getElementById('preview') && document.getElementById('preview').naturalWidth > 500")
        .await;
    assert_eq!(browser.eval("document.getElementById('status').textContent.includes('hợp lệ')").await, json!(true));
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the preview's page at 390 px");

    let packet = "document.querySelector('button[data-kind=\"packet\"][data-format=\"pdf\"]')";
    let button = browser
        .eval(&format!("(b => {{ b.click(); return {{ disabled: b.disabled, text: b.textContent }}; }})({packet})"))
        .await;
    assert_eq!(button, json!({ "disabled": true, "text": "Đang tạo tệp…" }), "the button says the file is being made");
    let pdf = downloaded(&downloads, "pdf").await;
    browser.until(&format!("!{packet}.disabled && {packet}.textContent === 'Hồ sơ (mẫu 1 đến 5) – một PDF'")).await;
    // Browsers take the UTF-8 name (filename*) over the ASCII one.
    assert_eq!(pdf.file_name().unwrap(), "Hồ sơ của chi bộ - Chi bộ Văn phòng.pdf");
    let text = folded(&pdf_text(&std::fs::read(&pdf).unwrap()));
    for needle in ["Mẫu 1-KTTĐV", "Mẫu 5-KTTĐV", "Trần Văn Hùng", "49.102340"] {
        assert!(text.contains(needle), "«{needle}» in the downloaded packet");
    }

    let broken = dir.path().join("chi-bo-loi.xlsx");
    std::fs::write(&broken, broken_workbook()).unwrap();
    browser.open(&format!("{base}/")).await;
    browser.upload(&broken).await;
    browser.until("!!document.getElementById('rows')").await;
    let row = browser.eval("document.querySelector('tr[data-row=\"4\"].bad').textContent").await;
    let row = row.as_str().expect("row 4 is marked");
    assert!(row.contains("31/02/1969") && row.contains("không có trên lịch"), "{row}");
    assert_eq!(browser.eval("document.querySelectorAll('tr.bad').length").await, json!(1));
    // Only the row to mend: on a phone every row is a card, and 25 of them hid it.
    assert_eq!(browser.eval("document.querySelectorAll('#rows tbody tr').length").await, json!(1));
    let counted = browser.eval("document.querySelector('#rows').previousElementSibling.textContent").await;
    assert!(counted.as_str().unwrap().contains("dòng đảng viên khác không có lỗi"), "{counted}");
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the problems' page at 390 px");
    // Said at once to a screen reader, counted, in words a secretary reads.
    let status = browser.eval("(s => [s.getAttribute('role'), document.activeElement === s, s.textContent])(document.getElementById('status'))").await;
    assert_eq!(status, json!(["alert", true, "Dữ liệu còn 1 lỗi; sửa trong bảng tính rồi gửi lại."]));
    let shown = browser.eval("document.body.innerText").await;
    let shown = shown.as_str().unwrap();
    for internal in ["$.", "/tmp", "invalid-date", "kttdv-"] {
        assert!(!shown.contains(internal), "«{internal}» on the page:\n{shown}");
    }
    // Back to the form with the file still chosen, to send it again once fixed.
    browser.eval("document.getElementById('back').click()").await;
    browser.until("!!document.getElementById('cell-file') && document.readyState === 'complete'").await;
    assert_eq!(browser.eval("document.getElementById('cell-file').files.length").await, json!(1));
}

/// Waits for the first downloaded file ending in `extension` in `folder`
/// (a download in progress has another ending until it is whole; Chromium
/// may reserve the final name with an empty file meanwhile).
async fn downloaded(folder: &Path, extension: &str) -> std::path::PathBuf {
    let start = Instant::now();
    loop {
        let files: Vec<_> = std::fs::read_dir(folder).unwrap().filter_map(|e| Some(e.ok()?.path())).collect();
        let in_progress = files.iter().any(|p| p.extension().is_some_and(|e| e == "crdownload"));
        let done = files
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == extension) && p.metadata().is_ok_and(|m| m.len() > 0));
        if let (Some(file), false) = (done, in_progress) {
            return file;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "nothing was downloaded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_cell_secretary_finishes_form_1_on_the_page_from_the_blank_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let downloads = dir.path().join("tai-ve");
    std::fs::create_dir(&downloads).unwrap();
    let server = Server::start(&[]);
    // The blank workbook from the page, filled as a secretary would.
    let blank =
        reqwest::get(server.url("/web/mau-nhap-danh-sach-dang-vien.xlsx")).await.unwrap().bytes().await.unwrap();
    let template = dir.path().join("mau.xlsx");
    std::fs::write(&template, blank).unwrap();
    let filled = dir.path().join("chi-bo.xlsx");
    crate::sheet::fill_like_template(&template, &filled, &crate::sheet::expected_roster());

    let (_chromium, address) = chromium(&dir.path().join("profile"));
    let mut browser = Browser::connect(&address, &downloads).await;
    browser.open(&server.url("/")).await;
    browser.upload(&filled).await;
    browser.until("!!document.getElementById('report-usage')").await;
    let typed = [
        ("report-usage", "Đảng viên giữ gìn thẻ cẩn thận.\\n- Một thẻ bị hỏng do ẩm"),
        ("report-proposals", "Đề nghị cấp trên sớm đổi thẻ hỏng."),
        ("report-recipients", "Đảng ủy Sở Tài chính (để b/c),\\nLưu chi bộ."),
    ];
    for (id, text) in typed {
        browser.eval(&format!("document.getElementById('{id}').value = '{text}'")).await;
    }
    browser.eval("document.getElementById('report-submit').click()").await;
    browser
        // The page as the server made it again (what was typed is only the old page's value).
        .until("!!document.getElementById('report-proposals') && document.getElementById('report-proposals').defaultValue.includes('sớm đổi') && document.readyState === 'complete'")
        .await;
    browser.eval("document.querySelector('button[data-kind=\"packet\"][data-format=\"pdf\"]').click()").await;
    let pdf = downloaded(&downloads, "pdf").await;
    let text = folded(&pdf_text(&std::fs::read(&pdf).unwrap()));
    for said in [
        "Đảng viên giữ gìn thẻ cẩn thận. - Một thẻ bị hỏng do ẩm",
        "III. KIẾN NGHỊ, ĐỀ XUẤT Đề nghị cấp trên sớm đổi thẻ hỏng.",
        "- Đảng ủy Sở Tài chính (để b/c), - Lưu chi bộ.",
    ] {
        assert!(text.contains(said), "«{said}» in the packet:\n{text}");
    }
    for example in ["Nguyễn Văn A", "Nguyễn Văn An", "Chi bộ Phòng Tổng hợp", "Dòng mẫu"] {
        assert!(!text.contains(example), "the example «{example}» reached the packet");
    }
}

impl Browser {
    /// Whether the page shown now fits a phone (390 × 844): nothing wider
    /// than the screen, so nothing scrolls sideways; the wide tables become
    /// stacked rows. Checked at that size, then back to the laptop's.
    async fn fits_a_phone(&mut self) -> Value {
        let phone = json!({ "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true });
        self.call("Emulation.setDeviceMetricsOverride", phone).await;
        let wider = self
            .eval(
                // A mobile browser zooms out to show a page wider than the
                // screen (innerWidth grows with it): measured against 390.
                "document.documentElement.scrollWidth <= 390 ? null : \
                 [document.documentElement.scrollWidth, ...[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ': ' + e.textContent.slice(0, 40))]",
            )
            .await;
        self.call("Emulation.clearDeviceMetricsOverride", json!({})).await;
        wider
    }

    /// Goes to `url` and waits until the new page is loaded and `ready` is true.
    async fn go(&mut self, url: &str, ready: &str) {
        self.eval("window.leaving = true").await;
        self.call("Page.navigate", json!({ "url": url })).await;
        self.until(&format!("!window.leaving && document.readyState === 'complete' && ({ready})")).await;
    }

    /// Opens a one-time link, sets the password and lands on the campaign's page.
    async fn accept(&mut self, base: &str, link: &str) {
        // Another person at the same browser: nobody signed in.
        self.call("Network.clearBrowserCookies", json!({})).await;
        self.go(&format!("{base}{link}"), "!!document.querySelector('input[name=repeat]')").await;
        assert_eq!(self.fits_a_phone().await, Value::Null, "the invitation's page at 390 px");
        self.eval("document.querySelectorAll('input[type=password]').forEach(i => i.value = 'một mật khẩu đủ dài'); document.querySelector('form').submit()").await;
        // Straight to the campaign's page, what waits for them first.
        self.until("document.readyState === 'complete' && location.pathname.startsWith('/web/campaigns/') && !!document.getElementById('units')").await;
        assert_eq!(self.fits_a_phone().await, Value::Null, "the campaign's page at 390 px");
    }

    /// Signs in on the sign-in page and opens the campaign's page.
    async fn sign_in(&mut self, base: &str, login: &str) {
        self.call("Network.clearBrowserCookies", json!({})).await;
        self.go(&format!("{base}/web/sign-in"), "!!document.querySelector('input[name=login]')").await;
        self.eval(&format!("document.querySelector('input[name=login]').value = '{login}'; document.querySelector('input[name=password]').value = 'một mật khẩu đủ dài'; document.querySelector('form').submit()")).await;
        self.until("document.readyState === 'complete' && location.pathname.startsWith('/web/campaigns/') && !!document.getElementById('units')").await;
    }

    /// Clicks the button of `step` on the unit's row, with a `note` typed
    /// if given, says yes if asked, and waits for the page to come back with
    /// its new state; what it was asked, if anything.
    async fn step(&mut self, unit: &str, step: &str, note: Option<&str>) -> Value {
        let row = format!("document.getElementById('{unit}')");
        let before = self.eval(&format!("{row}.querySelector('[class^=state-]').textContent")).await;
        if let Some(note) = note {
            self.eval(&format!("{row}.querySelector('button[value=\"{step}\"]').form.elements.note.value = '{note}'"))
                .await;
        }
        self.eval("window.confirm = text => { window.asked = text; return true; }").await;
        let asked =
            self.eval(&format!("{row}.querySelector('button[value=\"{step}\"]').click(), window.asked || null")).await;
        self.until(&format!(
            "document.readyState === 'complete' && !!{row} && {row}.querySelector('[class^=state-]').textContent !== {before}"
        ))
        .await;
        asked
    }

    /// Chooses `file` in the unit's upload form and sends it.
    async fn save(&mut self, unit: &str, file: &Path) {
        self.choose(&format!("tr[id=\"{unit}\"] input[type=file]"), file).await;
        self.eval(&format!("document.getElementById('{unit}').querySelector('form button').click()")).await;
    }

    /// Chooses `file` in the file input `selector` names, as a user picks it.
    async fn choose(&mut self, selector: &str, file: &Path) {
        let document = self.call("DOM.getDocument", json!({ "depth": -1 })).await;
        let input =
            self.call("DOM.querySelector", json!({ "nodeId": document["root"]["nodeId"], "selector": selector })).await;
        self.call("DOM.setFileInputFiles", json!({ "nodeId": input["nodeId"], "files": [file.to_str().unwrap()] }))
            .await;
    }

    /// The links an officer's «Tạo tài khoản» shows, by login.
    async fn invite_below(&mut self) -> Vec<(String, String)> {
        self.eval("document.querySelector('#accounts button').click()").await;
        self.until("document.querySelectorAll('#accounts output p[data-account]').length > 0").await;
        let said = self.eval("document.querySelector('#accounts output p').textContent").await;
        assert!(said.as_str().unwrap().starts_with("Đã tạo "), "what was made, said first: {said}");
        let lines = self
            .eval("[...document.querySelectorAll('#accounts output p[data-account]')].map(p => p.textContent)")
            .await;
        lines
            .as_array()
            .unwrap()
            .iter()
            .map(|line| {
                let line = line.as_str().unwrap();
                let (login, link) = line.rsplit_once(": ").unwrap();
                let login = login.rsplit(" — ").next().unwrap().to_owned();
                (login, link[link.find("/web/").unwrap()..].to_owned())
            })
            .collect()
    }
}

/// What a journey starts from: a campaign made by `init` in a fresh SQLite
/// store, served; the Board's first one-time link; Chromium, driven.
struct Journey {
    dir: tempfile::TempDir,
    downloads: std::path::PathBuf,
    base: String,
    link: String,
    browser: Browser,
    server: Server,
    chromium: Running,
    store: crate::campaign::TestStore,
}

impl Journey {
    async fn start(init: impl FnOnce(&crate::campaign::TestStore, &Path)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let downloads = dir.path().join("tai-ve");
        std::fs::create_dir(&downloads).unwrap();
        let store = crate::campaign::TestStore::Sqlite(tempfile::tempdir().unwrap());
        init(&store, dir.path());
        let server = crate::campaign::serve(&store);
        let base = server.base.clone();
        let mut args = vec!["admin", "create-user", "ban-to-chuc", "--role", "board", "--campaign", "2021-quang-nam"];
        let store_args = store.args();
        args.extend(["--unit", "ban"]);
        args.extend(store_args.iter().map(String::as_str));
        let link = String::from_utf8(kttdv(&args, "").stdout).unwrap();
        let (chromium, address) = chromium(&dir.path().join("profile"));
        let browser = Browser::connect(&address, &downloads).await;
        Self { dir, downloads, base, link, browser, server, chromium, store }
    }
}

#[tokio::test]
async fn a_report_goes_up_three_levels_in_a_browser() {
    let committee = "dang-bo-so-tai-chinh";
    let cell = "dang-bo-so-tai-chinh.chi-bo-van-phong";
    let journey = Journey::start(|store, _| crate::campaign::init_example(store)).await;
    let Journey { dir, downloads, base, link, mut browser, server: _server, chromium: _chromium, store: _store } =
        journey;

    // Not signed in: the campaign's page sends to the sign-in page.
    browser.go(&format!("{base}/web/campaigns/2021-quang-nam"), "location.pathname === '/web/sign-in'").await;
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the sign-in page at 390 px");
    browser.go(&format!("{base}/"), "!!document.getElementById('cell-form')").await;
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the home page at 390 px");

    // The Board creates the committees' accounts.
    browser.accept(&base, &link.trim()[link.find("/web/").unwrap()..]).await;
    let campaigns = format!("{base}/web/campaigns");
    browser.go(&campaigns, "!!document.querySelector('a[href^=\"/web/campaigns/\"]')").await;
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the campaigns' list and the sessions at 390 px");
    browser.go(&format!("{base}/web/campaigns/2021-quang-nam"), "!!document.getElementById('units')").await;
    let committees = browser.invite_below().await;
    assert_eq!(committees.len(), 2, "{committees:?}");
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the Board's page with its links at 390 px");
    // The links as a file to send each committee its own.
    browser.eval("document.querySelector('#accounts output a[download]').click()").await;
    let list = downloaded(&downloads, "csv").await;
    let list = std::fs::read_to_string(&list).unwrap();
    assert!(list.starts_with("\u{feff}\"Đơn vị\",\"Tên đăng nhập\",\"Liên kết đăng nhập một lần\"\r\n"), "{list}");
    for (login, link) in &committees {
        assert!(list.contains(&format!(",\"{login}\",\"{base}{link}\"")), "{list}");
    }
    // A unit named like a formula stays text.
    let formula = browser.eval("linksCsv([['=HYPERLINK(\"http://x\")', 'a', '-b']])").await;
    assert_eq!(formula.as_str().unwrap().split("\r\n").nth(1), Some("\"'=HYPERLINK(\"\"http://x\"\")\",\"a\",\"'-b\""));
    let committee_link = committees.iter().find(|(login, _)| login == committee).unwrap().1.clone();

    // The committee invites its cells.
    browser.accept(&base, &committee_link).await;
    let cells = browser.invite_below().await;
    assert_eq!(cells.len(), 3, "{cells:?}");
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the committee's page at 390 px");
    let cell_link = cells.iter().find(|(login, _)| login == cell).unwrap().1.clone();

    // The cell's secretary uploads a workbook with a mistake, sees it, uploads it fixed, submits.
    browser.accept(&base, &cell_link).await;
    let broken = dir.path().join("chi-bo-loi.xlsx");
    std::fs::write(&broken, broken_workbook()).unwrap();
    browser.save(cell, &broken).await;
    let row = format!("document.getElementById('{cell}')");
    browser.until(&format!("{row}.querySelector('output[role=alert]') !== null")).await;
    let said = browser.eval(&format!("{row}.querySelector('output').textContent")).await;
    // At its place, in words, as the stateless page says it.
    assert!(said.as_str().unwrap().contains("trang «Danh sách đảng viên», ô "), "{said}");
    assert!(said.as_str().unwrap().contains("không có trên lịch"), "{said}");
    // Counted, and beside the member's name.
    assert!(said.as_str().unwrap().starts_with("dữ liệu nhập có 1 lỗi"), "{said}");
    assert!(said.as_str().unwrap().contains(", đồng chí Lê Đức Minh: "), "{said}");
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the cell's page with its problems at 390 px");
    // Fixed, she checks it step by step on the guided page — preview and
    // report — and saves it into the campaign from there.
    browser.eval(&format!("window.leaving = true; {row}.querySelector('a[href^=\"/?chien-dich=\"]').click()")).await;
    browser
        .until("!window.leaving && document.readyState === 'complete' && !!document.getElementById('save-to-said')")
        .await;
    browser.upload(&root().join("examples/chi-bo-van-phong.xlsx")).await;
    browser
        .until("!!document.getElementById('preview') && document.getElementById('preview').naturalWidth > 500")
        .await;
    assert_eq!(browser.eval("document.getElementById('save-to').hidden").await, json!(false));
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the guided check's page at 390 px");
    // Her report's section II typed on the page, then saved into the campaign with it.
    browser.eval("window.leaving = true; document.getElementById('report-usage').value = 'Đảng viên giữ gìn thẻ cẩn thận.'; document.getElementById('report-submit').click()").await;
    browser
        .until("!window.leaving && document.readyState === 'complete' && !!document.getElementById('preview') && document.getElementById('preview').naturalWidth > 500")
        .await;
    assert_eq!(browser.eval("document.getElementById('save-to').hidden").await, json!(false));
    // Section III typed, then saved straight away: what the boxes hold is
    // what is stored, «Cập nhật báo cáo» pressed or not.
    browser.eval("document.getElementById('report-proposals').value = 'Đề nghị cấp lại thẻ sớm.'").await;
    browser.eval("window.leaving = true; document.getElementById('save-to-submit').click()").await;
    browser.until("!window.leaving && document.readyState === 'complete' && location.pathname === '/web/campaigns/2021-quang-nam'").await;
    browser.until(&format!("document.readyState === 'complete' && {row}.cells[3].textContent === '2'")).await;
    // The page says what was stored.
    browser.until("document.getElementById('said') !== null").await;
    let said = browser.eval("document.getElementById('said').textContent").await;
    assert!(said.as_str().unwrap().starts_with("Đã lưu phiên bản 2: "), "{said}");
    browser.eval(&format!("{row}.querySelector('a[href$=\"/mau-1\"]').click()")).await;
    let pdf = downloaded(&downloads, "pdf").await;
    let text = pdf_text(&std::fs::read(&pdf).unwrap());
    assert!(text.contains("Đảng viên giữ gìn thẻ cẩn thận.") && text.contains("Đề nghị cấp lại thẻ sớm."), "{text}");
    std::fs::remove_file(&pdf).unwrap();
    // Submitting says what goes up and asks first.
    let asked = browser.step(cell, "submit", None).await;
    let asked = asked.as_str().expect("asked before submitting");
    assert!(asked.starts_with("Nộp báo cáo của «Chi bộ Văn phòng» lên cấp trên — phiên bản 2: "), "{asked}");
    assert!(asked.contains(" đồng chí (danh sách đóng dấu "), "{asked}");
    assert_eq!(browser.eval(&format!("{row}.querySelector('[class^=state-]').textContent")).await, json!("đã nộp"));
    let locked = browser.eval(&format!("[{row}.querySelector('form[data-api$=\"/submission\"]'), !!{row}.querySelector('form[data-api$=\"/signed\"]')]")).await;
    assert_eq!(locked, json!([null, true]), "no more saving; the signed original can be sent");

    // The committee returns it with a comment.
    browser.sign_in(&base, committee).await;
    // Its own report cannot go up before its cells: said on its row, no button to press.
    let blocked = browser
        .eval(&format!("document.getElementById('{committee}').querySelector('[data-blocked=submit]').textContent"))
        .await;
    assert!(
        blocked.as_str().unwrap().starts_with(
            "Nộp: chưa được — còn đơn vị trực thuộc chưa được duyệt hoặc đánh dấu không báo cáo: Chi bộ Văn phòng, "
        ),
        "{blocked}"
    );
    browser.step(cell, "return", Some("Đồng chí thứ ba thiếu ngày vào Đảng")).await;
    // The committee can send the secretary a new sign-in link from her unit's page.
    browser
        .go(&format!("{base}/web/campaigns/2021-quang-nam/units/{cell}"), "!!document.getElementById('accounts')")
        .await;
    // Her cell has its account: a second person is hers or the Board's to
    // invite, so the committee is told, not offered a form it cannot use.
    let offered =
        browser.eval("[!!document.getElementById('invite-form'), !!document.getElementById('invite-none')]").await;
    assert_eq!(offered, json!([false, true]));
    browser.eval("document.querySelector('#accounts button').click()").await;
    browser.until("document.querySelectorAll('#accounts output p[data-account]').length > 0").await;
    let said = browser.eval("document.querySelector('#accounts output p').textContent").await;
    assert!(said.as_str().unwrap().starts_with("Đã tạo liên kết mới; liên kết cũ thôi dùng được."), "{said}");
    let sent = browser.eval("document.querySelector('#accounts output p[data-account]').textContent").await;
    assert!(
        sent.as_str().unwrap().starts_with(&format!("Chi bộ Văn phòng — {cell}: {base}/web/invitation/")),
        "{sent}"
    );
    assert_eq!(browser.fits_a_phone().await, Value::Null, "a unit's page with its accounts at 390 px");

    // The secretary sees the comment, fixes, submits again.
    browser.sign_in(&base, cell).await;
    let waits = browser.eval("document.getElementById('waiting').innerText").await;
    assert!(
        waits
            .as_str()
            .unwrap()
            .contains("Báo cáo của đơn vị bạn bị cấp trên trả lại: «Đồng chí thứ ba thiếu ngày vào Đảng»"),
        "what waits for her, said where she lands: {waits}"
    );
    let state = browser.eval(&format!("{row}.querySelector('[class^=state-]').textContent")).await;
    assert!(
        state.as_str().unwrap().contains("trả lại") && state.as_str().unwrap().contains("thiếu ngày vào Đảng"),
        "{state}"
    );
    // Returned for a change, it goes up again only changed: said on her row, no «Nộp» to press.
    let blocked = browser.eval(&format!("{row}.querySelector('[data-blocked=submit]').textContent")).await;
    assert!(blocked.as_str().unwrap().contains("bị trả lại chưa có phiên bản mới"), "{blocked}");
    let fixed = dir.path().join("chi-bo-da-sua.xlsx");
    std::fs::write(&fixed, changed_workbook("Ngày sinh", 3, "24/11/1976")).unwrap();
    browser.save(cell, &fixed).await;
    browser.until(&format!("document.readyState === 'complete' && {row}.cells[3].textContent === '3'")).await;
    browser.until("document.getElementById('said') !== null").await;
    let said = browser.eval("document.getElementById('said').textContent").await;
    assert!(said.as_str().unwrap().contains("so với phiên bản trước: sửa 1 (Lê Đức Minh)"), "{said}");
    // The workbook has no report text: the one she typed is kept, and said.
    assert!(
        said.as_str()
            .unwrap()
            .contains("tệp mới không có mục II, mục III, Nơi nhận của báo cáo: giữ như phiên bản trước"),
        "{said}"
    );
    browser.step(cell, "submit", None).await;

    // The committee approves it, marks the two others as not reporting, submits its own.
    browser.sign_in(&base, committee).await;
    let waits = browser.eval("document.getElementById('waiting').innerText").await;
    let waits = waits.as_str().unwrap();
    assert!(waits.contains("1 báo cáo chờ bạn duyệt: Chi bộ Văn phòng"), "{waits}");
    assert!(waits.contains("đã quá hạn nộp"), "the example's deadlines are of 2021: {waits}");
    let asked = browser.step(cell, "approve", None).await;
    assert_eq!(asked, json!("Duyệt báo cáo của «Chi bộ Văn phòng»?"), "a decision is asked first");
    browser.until("document.getElementById('said') !== null").await;
    let said = browser.eval("document.getElementById('said').textContent").await;
    assert_eq!(said, json!("Đã duyệt báo cáo của «Chi bộ Văn phòng»."), "and said once done");
    for other in ["dang-bo-so-tai-chinh.chi-bo-phong-ngan-sach", "dang-bo-so-tai-chinh.chi-bo-thanh-tra"] {
        browser.step(other, "not-reporting", Some("Chi bộ đã giải thể")).await;
    }
    // Its report's details typed on its page, no file: a wrong date is
    // said by the field's name and marked; fixed, saved.
    let details = format!("{base}/web/campaigns/2021-quang-nam/units/{committee}");
    browser.go(&details, "!!document.getElementById('details-form')").await;
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the committee's details at 390 px");
    let field = |name: &str| format!("document.querySelector('#details-form [name=\"committee.{name}\"]')");
    assert_eq!(browser.eval(&format!("{}.value", field("signature.name"))).await, json!("Nguyễn Văn Thành"));
    let shown = browser.eval("document.getElementById('details').innerText").await;
    assert!(!shown.as_str().unwrap().to_lowercase().contains("json"), "{shown}");
    browser
        .eval(&format!(
            "{}.value = 'Trần Thị Mai'; {}.value = ''; {}.value = '31/02/2021'; document.querySelector('#details-form button').click()",
            field("signature.name"),
            field("header.number"),
            field("header.date")
        ))
        .await;
    browser.until("document.querySelector('#details-form output[role=alert]') !== null").await;
    let said = browser.eval("document.querySelector('#details-form output').textContent").await;
    assert!(said.as_str().unwrap().contains("«Ngày ban hành (ngày/tháng/năm)»: "), "{said}");
    assert_eq!(browser.eval(&format!("{}.getAttribute('aria-invalid')", field("header.date"))).await, json!("true"));
    browser
        .eval(&format!(
            "window.leaving = true; {}.value = '06/05/2021'; document.querySelector('#details-form button').click()",
            field("header.date")
        ))
        .await;
    browser
        .until("!window.leaving && document.readyState === 'complete' && document.getElementById('said') !== null")
        .await;
    let said = browser.eval("document.getElementById('said').textContent").await;
    assert!(said.as_str().unwrap().starts_with("Đã lưu phiên bản "), "{said}");
    assert_eq!(browser.eval(&format!("{}.value", field("signature.name"))).await, json!("Trần Thị Mai"));
    // Its cells' deadline, typed on the same page: after its own, refused in words; before it, kept.
    let deadline = "document.querySelector('#deadline-form [name=deadline]')";
    browser
        .eval(&format!("{deadline}.value = '11/05/2021'; document.querySelector('#deadline-form button').click()"))
        .await;
    browser.until("document.querySelector('#deadline-form output[role=alert]') !== null").await;
    let said = browser.eval("document.querySelector('#deadline-form output').textContent").await;
    assert!(
        said.as_str().unwrap().contains("«Hạn nộp (ngày/tháng/năm)»: hạn nộp của chi bộ (11/05/2021) sau"),
        "{said}"
    );
    browser.eval(&format!("window.leaving = true; {deadline}.value = '05/05/2021'; document.querySelector('#deadline-form button').click()")).await;
    browser.until(&format!("!window.leaving && document.readyState === 'complete' && !!{deadline}")).await;
    assert_eq!(browser.eval(&format!("{deadline}.value")).await, json!("05/05/2021"));
    browser.go(&format!("{base}/web/campaigns/2021-quang-nam"), "!!document.getElementById('units')").await;
    browser.step(committee, "submit", None).await;
    let form6 = format!("document.getElementById('{committee}').querySelector('a[href$=\"/mau-6\"]').click()");
    browser.eval(&form6).await;
    let pdf = downloaded(&downloads, "pdf").await;
    let text = folded(&pdf_text(&std::fs::read(&pdf).unwrap()));
    assert!(text.contains("Mẫu 6-KTTĐV") && text.contains("Chi bộ Văn phòng"), "{text}");
    assert!(text.contains("Trần Thị Mai") && !text.contains("12-BC/ĐU"), "the details typed on the page: {text}");
    std::fs::remove_file(&pdf).unwrap();

    // The Board signs in again, accepts it, marks the other committee as not
    // reporting, sees 100 % and form 7 with the day it received the report.
    browser.sign_in(&base, "ban-to-chuc").await;
    browser.step(committee, "approve", None).await;
    browser.step("dang-bo-so-xay-dung", "not-reporting", Some("Đảng bộ đã sáp nhập")).await;
    let share = browser.eval("document.querySelector('#level-committee .approved').textContent").await;
    assert_eq!(share, json!("1/1 đơn vị, 100,0%"));
    let share = browser.eval("document.querySelector('#level-cell .approved').textContent").await;
    assert_eq!(share, json!("1/1 đơn vị, 100,0%"), "the cells that report");
    let own = browser.eval("document.getElementById('ban').cells[2].textContent").await;
    assert_eq!(own, json!("chưa nộp, quá hạn"), "the Board's own report has a deadline too");
    let late = browser.eval(&format!("document.getElementById('{committee}').cells[2].textContent")).await;
    assert!(late.as_str().unwrap().starts_with("trễ "), "the example's deadline is of 2021: {late}");
    // Form 7's sections typed on the Board's page as paragraphs and items.
    browser
        .go(&format!("{base}/web/campaigns/2021-quang-nam/units/ban"), "!!document.getElementById('details-form')")
        .await;
    let proposals = "document.querySelector('#details-form [name=\"report.proposals\"]')";
    let typed = browser.eval(&format!("{proposals}.value")).await;
    assert!(typed.as_str().unwrap().starts_with("Đề nghị Ban Tổ chức Tỉnh ủy sớm cấp lại"), "{typed}");
    browser.eval(&format!("window.leaving = true; {proposals}.value += '\\n- Bổ sung kinh phí in thẻ cho năm sau.'; document.querySelector('#details-form button').click()")).await;
    browser
        .until("!window.leaving && document.readyState === 'complete' && document.getElementById('said') !== null")
        .await;
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the Board's details at 390 px");
    browser.go(&format!("{base}/web/campaigns/2021-quang-nam"), "!!document.getElementById('units')").await;
    browser.eval("document.getElementById('ban').querySelector('a[href$=\"/mau-7\"]').click()").await;
    let pdf = downloaded(&downloads, "pdf").await;
    let carried = kttdv::extract(&std::fs::read(&pdf).unwrap()).unwrap().input;
    let today = browser.eval("document.getElementById('progress').textContent").await;
    let received = carried["committees"][0]["received_on"].as_str().unwrap().to_owned();
    assert!(today.as_str().unwrap().ends_with(&received), "{today} {received}");
    assert_eq!(carried["committees"].as_array().unwrap().len(), 1, "form 7 from accepted reports only");
    let text = folded(&pdf_text(&std::fs::read(&pdf).unwrap()));
    assert!(text.contains("Có 1 đơn vị không báo cáo: + Đảng bộ Sở Xây dựng (Đảng bộ đã sáp nhập)."), "{text}");
    let late = format!("Đảng bộ Sở Tài chính: nộp ngày {received}, chậm");
    assert!(text.contains(&late), "the late unit, from the store: {text}");
    assert!(text.contains("- Bổ sung kinh phí in thẻ cho năm sau."), "section V as typed: {text}");

    // The Board replaces the roll it manages on its page: what changes shown first, then kept.
    browser
        .go(&format!("{base}/web/campaigns/2021-quang-nam/units/ban"), "!!document.getElementById('roll-form')")
        .await;
    let roll = dir.path().join("danh-sach-moi.csv");
    std::fs::write(&roll, crate::roll::changed_roll()).unwrap();
    browser.choose("#roll-form input[type=file]", &roll).await;
    browser.eval("document.querySelector('#roll-form button[value=preview]').click()").await;
    browser.until("document.querySelectorAll('#roll-form output p').length > 2").await;
    let shown = browser.eval("[...document.querySelectorAll('#roll-form output p')].map(p => p.textContent)").await;
    assert_eq!(shown[0], json!("Danh sách mới: 49 đảng viên (thêm 1, bớt 1, chuyển 1, sửa 0). Chưa lưu."), "{shown}");
    assert!(shown[1].as_str().unwrap().starts_with("Chưa có trong cây đơn vị"), "{shown}");
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the roll's preview at 390 px");
    browser.eval("window.leaving = true; document.querySelector('#roll-form button:not([value])').click()").await;
    browser
        .until("!window.leaving && document.readyState === 'complete' && document.getElementById('said') !== null")
        .await;
    let said = browser.eval("document.getElementById('said').textContent").await;
    assert!(
        said.as_str().unwrap().starts_with("Đã lưu danh sách đảng viên Ban Tổ chức quản lý: 49 đảng viên"),
        "{said}"
    );
    let hint = browser.eval("document.querySelector('#roll .hint').textContent").await;
    assert!(hint.as_str().unwrap().starts_with("Đang dùng danh sách 49 đảng viên"), "{hint}");

    // The cell's page: its versions and its timeline, the return's comment in it.
    browser
        .go(&format!("{base}/web/campaigns/2021-quang-nam/units/{cell}"), "!!document.getElementById('timeline')")
        .await;
    let timeline = browser.eval("document.getElementById('timeline').innerText").await;
    let timeline = timeline.as_str().unwrap();
    assert!(
        timeline.contains("trả lại (dang-bo-so-tai-chinh), phiên bản 2: Đồng chí thứ ba thiếu ngày vào Đảng"),
        "{timeline}"
    );
    assert!(timeline.contains("duyệt, tiếp nhận"), "{timeline}");
    // Looks at the data (this page's own comparison is one) are the audit log's, not the timeline's.
    assert!(!timeline.contains("xem dữ liệu") && !timeline.contains("tải văn bản"), "{timeline}");
    assert_eq!(browser.eval("document.querySelectorAll('#versions tbody tr').length").await, json!(3));
    // What changed between the last two versions, in words, field by field.
    let changed = browser.eval("[...document.querySelectorAll('#changes li')].map(li => li.textContent)").await;
    assert_eq!(changed, json!(["Lê Đức Minh: Ngày sinh 23/11/1976 → 24/11/1976"]));
    assert_eq!(browser.fits_a_phone().await, Value::Null, "a unit's page at 390 px");

    // The Board reads the log on screen, the cell's returns only.
    browser.go(&format!("{base}/web/campaigns/2021-quang-nam"), "!!document.getElementById('units')").await;
    browser.eval("window.leaving = true; document.querySelector('a[href$=\"/audit\"]').click()").await;
    browser.until("!window.leaving && document.readyState === 'complete' && !!document.getElementById('filter')").await;
    browser.eval(&format!("window.leaving = true; const f = document.getElementById('filter'); f.elements['don-vi'].value = '{cell}'; f.elements['thao-tac'].value = 'return'; f.submit()")).await;
    browser.until("!window.leaving && document.readyState === 'complete' && !!document.getElementById('filter')").await;
    let count = browser.eval("document.getElementById('count').textContent").await;
    assert_eq!(count, json!("1 thao tác, mới nhất trước"));
    let row = browser.eval("[...document.querySelectorAll('#events tbody td')].map(td => td.textContent)").await;
    let row: Vec<&str> = row.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(row[2..7], ["trả lại", committee, "Chi bộ Văn phòng", "2", "Đồng chí thứ ba thiếu ngày vào Đảng"]);
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the log's page at 390 px");

    // Signing out from the campaign's page ends the session: back to the sign-in page.
    browser.go(&format!("{base}/web/campaigns/2021-quang-nam"), "!!document.getElementById('units')").await;
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the Board's page at the end at 390 px");
    // Rows with nothing to do show no empty «Việc cần làm:» on a phone.
    let idle = "[...document.querySelectorAll('td.actions')].filter(td => !td.children.length)";
    let phone = json!({ "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true });
    browser.call("Emulation.setDeviceMetricsOverride", phone).await;
    let shown = browser.eval(&format!("{idle}.map(td => getComputedStyle(td).display)")).await;
    browser.call("Emulation.clearDeviceMetricsOverride", json!({})).await;
    assert!(!shown.as_array().unwrap().is_empty() && shown.as_array().unwrap().iter().all(|d| d == "none"), "{shown}");
    // The Board returns the committee's report with one of its cells, ticked on the page.
    let returning = format!("document.getElementById('{committee}').querySelector('button[value=\"return\"]').form");
    let offered =
        browser.eval(&format!("[...{returning}.querySelectorAll('input[name=cells]')].map(b => b.value)")).await;
    assert!(offered.as_array().unwrap().contains(&json!(cell)), "its approved cells offered: {offered}");
    browser.eval(&format!("{returning}.querySelector('input[name=cells][value=\"{cell}\"]').checked = true")).await;
    browser.step(committee, "return", Some("Chi bộ Văn phòng cần sửa danh sách")).await;
    let states = browser
        .eval(&format!("['{committee}', '{cell}'].map(id => document.getElementById(id).querySelector('[class^=state-]').textContent)"))
        .await;
    let returned = "trả lạiChi bộ Văn phòng cần sửa danh sách";
    assert_eq!(
        states,
        json!([returned, returned]),
        "the cell ticked went back with its committee, the comment with it"
    );
    // A committee's cells fold under it and open again; a search by name
    // without diacritics lists the units named so.
    let fold = "document.querySelector('tr[id=\"dang-bo-so-xay-dung\"] button.fold')";
    let hidden = "[...document.querySelectorAll('tr[data-parent=\"dang-bo-so-xay-dung\"]')].map(r => r.hidden)";
    assert_eq!(browser.eval(&format!("{fold}.click(), {hidden}")).await, json!([true, true]));
    assert_eq!(browser.eval(&format!("{fold}.click(), {hidden}")).await, json!([false, false]));
    browser.eval("window.leaving = true; const f = document.getElementById('filter-units'); f.elements.tim.value = 'xay dung'; f.submit()").await;
    browser.until("!window.leaving && document.readyState === 'complete' && !!document.getElementById('units')").await;
    let listed = browser.eval("[...document.querySelectorAll('#units tbody tr')].map(r => r.id)").await;
    let found = [
        "dang-bo-so-xay-dung",
        "dang-bo-so-xay-dung.chi-bo-phong-quan-ly-xay-dung",
        "dang-bo-so-xay-dung.chi-bo-thanh-tra-xay-dung",
    ];
    assert_eq!(listed, json!(found), "the committee and its two cells named «… Xây dựng»");
    assert_eq!(browser.eval("document.getElementById('listed').textContent").await, json!("3/8 đơn vị khớp bộ lọc"));
    browser.eval("document.querySelector('form.who button').click()").await;
    browser.until("document.readyState === 'complete' && location.pathname === '/web/sign-in'").await;
}

#[tokio::test]
async fn a_chi_bo_co_so_reports_straight_to_the_board_in_a_browser() {
    use crate::base_cell::{BASE_CELL, init_with_a_base_cell};
    let journey = Journey::start(init_with_a_base_cell).await;
    let Journey { dir, downloads, base, link, mut browser, server: _server, chromium: _chromium, store: _store } =
        journey;

    // The Board invites the two organisations below it, the chi bộ cơ sở among them.
    browser.accept(&base, &link.trim()[link.find("/web/").unwrap()..]).await;
    let invited = browser.invite_below().await;
    assert_eq!(invited.len(), 2, "{invited:?}");
    // Its secretary gets an account of her own, by name, with a short
    // login and her e-mail address, typed on its page: a second person.
    browser
        .go(
            &format!("{base}/web/campaigns/2021-quang-nam/units/{BASE_CELL}"),
            "!!document.getElementById('invite-form')",
        )
        .await;
    let form = "document.getElementById('invite-form')";
    browser.eval(&format!("{form}.elements.login.value = 'hung'; {form}.elements.person.value = 'Trần Văn Hùng'; {form}.elements.office.value = 'Bí thư'; {form}.elements.email.value = 'không phải thư'; {form}.querySelector('button').click()")).await;
    browser.until(&format!("{form}.querySelector('output').textContent !== ''")).await;
    let said = browser.eval(&format!("[...{form}.querySelectorAll('output p')].map(p => p.textContent)")).await;
    let said = said.as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect::<Vec<_>>().join(" / ");
    assert!(said.contains("«Thư điện tử (nhận thư báo việc chờ; có thể bỏ trống)»"), "{said}");
    browser.eval(&format!("{form}.elements.email.value = 'hung@songoaivu.vn'; {form}.elements.second.checked = true; {form}.querySelector('button').click()")).await;
    browser.until(&format!("{form}.querySelector('output p').textContent !== {}", "'dữ liệu nhập có 1 lỗi'")).await;
    let made = browser.eval(&format!("{form}.querySelector('output p').textContent")).await;
    assert!(made.as_str().unwrap().starts_with("Đã tạo 1 tài khoản."), "{made}");
    let line = browser.eval(&format!("{form}.querySelector('output p[data-account]').textContent")).await;
    let line = line.as_str().unwrap();
    assert!(line.starts_with("Chi bộ Sở Ngoại vụ — hung: "), "{line}");
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the invitation typed on a unit's page at 390 px");
    let secretary = line[line.find("/web/").unwrap()..].to_owned();

    // A committee made from a units file has no data yet: its details form
    // starts from its name and the usual signer, and saves once the rest is typed.
    let committee_link = invited.iter().find(|(login, _)| login == "dang-bo-so-tai-chinh").unwrap().1.clone();
    browser.accept(&base, &committee_link).await;
    browser
        .go(
            &format!("{base}/web/campaigns/2021-quang-nam/units/dang-bo-so-tai-chinh"),
            "!!document.getElementById('details-form')",
        )
        .await;
    let field = |name: &str| format!("document.querySelector('#details-form [name=\"committee.{name}\"]')");
    assert_eq!(browser.eval(&format!("{}.value", field("header.issuer"))).await, json!("ĐẢNG ỦY SỞ TÀI CHÍNH"));
    assert_eq!(browser.eval(&format!("{}.value", field("signature.body"))).await, json!("ĐẢNG ỦY"));
    browser
        .eval(&format!(
            "window.leaving = true; {}.value = 'ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH'; {}.value = 'Quảng Nam'; {}.value = '06/05/2021'; {}.value = 'Nguyễn Văn Thành'; document.querySelector('#details-form button').click()",
            field("header.superior"),
            field("header.place"),
            field("header.date"),
            field("signature.name")
        ))
        .await;
    browser
        .until("!window.leaving && document.readyState === 'complete' && document.getElementById('said') !== null")
        .await;
    let said = browser.eval("document.getElementById('said').textContent").await;
    assert!(said.as_str().unwrap().starts_with("Đã lưu phiên bản 1"), "{said}");

    // Its secretary checks her workbook on the guided page, as a cell's
    // would, and saves it into the campaign from there; the page names her.
    browser.accept(&base, &secretary).await;
    let named = browser.eval("document.body.innerText.includes('Trần Văn Hùng')").await;
    assert_eq!(named, json!(true));
    let row = format!("document.getElementById('{BASE_CELL}')");
    let level = browser.eval(&format!("{row}.className")).await;
    assert_eq!(level, json!("chi-bo-co-so"));
    let workbook = dir.path().join("chi-bo-so-ngoai-vu.xlsx");
    let renamed = replaced_workbook(&[
        ("Chi bộ Văn phòng", "Chi bộ Sở Ngoại vụ"),
        ("Đảng bộ Sở Tài chính", "Đảng bộ Khối các cơ quan tỉnh"),
    ]);
    std::fs::write(&workbook, renamed).unwrap();
    browser.eval(&format!("window.leaving = true; {row}.querySelector('a[href^=\"/?chien-dich=\"]').click()")).await;
    browser
        .until("!window.leaving && document.readyState === 'complete' && !!document.getElementById('save-to-said')")
        .await;
    browser.upload(&workbook).await;
    browser
        .until("!!document.getElementById('preview') && document.getElementById('preview').naturalWidth > 500")
        .await;
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the guided check's page at 390 px");
    browser.eval("window.leaving = true; document.getElementById('save-to-submit').click()").await;
    browser
        .until("!window.leaving && document.readyState === 'complete' && document.getElementById('said') !== null")
        .await;
    let said = browser.eval("document.getElementById('said').textContent").await;
    assert!(said.as_str().unwrap().starts_with("Đã lưu phiên bản 1: "), "{said}");
    // Its lists and its form 6 are both offered on its row.
    let offered = browser
        .eval(&format!("[...{row}.querySelectorAll('a[href*=\"/documents/\"]')].map(a => a.href.split('/').pop())"))
        .await;
    assert_eq!(offered, json!(["packet", "mau-1", "mau-2", "mau-3", "mau-4", "mau-5", "mau-6"]));
    let asked = browser.step(BASE_CELL, "submit", None).await;
    assert!(asked.as_str().unwrap().starts_with("Nộp báo cáo của «Chi bộ Sở Ngoại vụ» lên cấp trên"), "{asked}");
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the chi bộ cơ sở's page at 390 px");

    // The Board accepts it straight away; the dashboard gives it a row of its own.
    browser.sign_in(&base, "ban-to-chuc").await;
    let button = browser.eval(&format!("{row}.querySelector('button[value=approve]').textContent")).await;
    assert_eq!(button, json!("Tiếp nhận"));
    browser.step(BASE_CELL, "approve", None).await;
    let share = browser.eval("document.querySelector('#level-chi-bo-co-so .approved').textContent").await;
    assert_eq!(share, json!("1/1 đơn vị, 100,0%"));
    browser.eval(&format!("{row}.querySelector('a[href$=\"/mau-6\"]').click()")).await;
    let pdf = downloaded(&downloads, "pdf").await;
    let text = folded(&pdf_text(&std::fs::read(&pdf).unwrap()));
    assert!(text.contains("Mẫu 6-KTTĐV") && text.contains("CHI BỘ SỞ NGOẠI VỤ"), "{text}");
    assert!(text.contains("T/M CHI ỦY"), "signed as its lists are: {text}");
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the Board's page at 390 px");

    // Her unit's timeline names her, not only her login.
    browser
        .go(&format!("{base}/web/campaigns/2021-quang-nam/units/{BASE_CELL}"), "!!document.getElementById('timeline')")
        .await;
    let timeline = browser.eval("document.getElementById('timeline').innerText").await;
    assert!(timeline.as_str().unwrap().contains("nộp (Trần Văn Hùng, hung), phiên bản 1"), "{timeline}");
    // Who is signed in, and the way out, on a unit's page too; no «Đăng nhập» offered.
    let who = browser.eval("document.querySelector('form.who').textContent").await;
    assert!(who.as_str().unwrap().starts_with("ban-to-chuc — cán bộ Ban Tổ chức, Ban Tổ chức Đảng ủy Khối"), "{who}");
    let footer = browser.eval("document.querySelector('footer').textContent").await;
    assert!(!footer.as_str().unwrap().contains("Đăng nhập"), "{footer}");
    browser.go(&format!("{base}/web/campaigns/2021-quang-nam"), "!!document.getElementById('units')").await;

    // Returned «không cần sửa»: she may send the same version up again.
    browser.eval(&format!("{row}.querySelector('button[value=return]').form.elements.as_is.checked = true")).await;
    browser.step(BASE_CELL, "return", Some("Bổ sung chữ ký số")).await;
    browser.sign_in(&base, "hung").await;
    browser.step(BASE_CELL, "submit", None).await;
    let state = browser.eval(&format!("{row}.querySelector('[class^=state-]').textContent")).await;
    assert_eq!(state, json!("đã nộp"), "the same version went up again");
}

/// Sets the field `selector` to `value` as typing does: the page hears it.
fn typed(selector: &str, value: &str) -> String {
    format!(
        "(f => {{ f.value = {}; f.dispatchEvent(new Event('input', {{ bubbles: true }})); }})(document.querySelector('{selector}'))",
        json!(value)
    )
}

#[tokio::test]
async fn a_generated_blocs_cards_go_up_to_the_board_and_back_to_their_members_in_a_browser() {
    use crate::people::{BOARD, approve_everything, units_seen, whole_bloc};
    use crate::round_trip::{all_up, hand};
    // A generated Bloc: 2 committees of 4 cells of 12 members, every list
    // and card outcome in each cell.
    let store = crate::campaign::TestStore::Sqlite(tempfile::tempdir().unwrap());
    crate::round_trip::init_generated(&store, 2, 12);
    let server = crate::campaign::serve(&store);
    let bloc = whole_bloc(&store, &server).await;
    approve_everything(&server, &bloc).await;
    let units = units_seen(&server, &bloc[BOARD]).await;
    let first = units.iter().find(|u| u["level"] == "cell").unwrap();
    let (cell, committee) = (first["code"].as_str().unwrap(), first["parent"].as_str().unwrap());
    let (cell_login, committee_login) = (bloc[cell].login.clone(), bloc[committee].login.clone());
    let dir = tempfile::tempdir().unwrap();
    let downloads = dir.path().join("tai-ve");
    std::fs::create_dir(&downloads).unwrap();
    let (_chromium, address) = chromium(&dir.path().join("profile"));
    let mut browser = Browser::connect(&address, &downloads).await;
    let base = server.base.clone();
    let page = |unit: &str| format!("{base}/web/campaigns/2021-quang-nam/units/{unit}/cards");
    let said = "document.getElementById('said') ? document.getElementById('said').textContent : ''";

    // The secretary collects her members' cards, typing each number as she takes it.
    browser.sign_in(&base, &cell_login).await;
    browser.go(&format!("{base}/web/campaigns/2021-quang-nam/units/{cell}"), "true").await;
    browser.eval("window.leaving = true; document.querySelector('a[href$=\"/cards\"]').click()").await;
    browser
        .until("!window.leaving && document.readyState === 'complete' && !!document.getElementById('form-collect')")
        .await;
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the cell's cards at 390 px");
    let boxes = "[...document.querySelectorAll('#form-collect input[type=checkbox]')]";
    let numbers = browser.eval(&format!("{boxes}.map(b => b.dataset.number || b.value)")).await;
    let numbers: Vec<String> = numbers.as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_owned()).collect();
    let tally = "document.querySelector('#form-collect .tally').textContent";
    // One typed without its dot, as a phone's keypad gives it: read as the card prints it.
    let mut keyed = numbers[1..].to_vec();
    keyed[0] = keyed[0].replace('.', "");
    browser.eval(&typed("#form-collect textarea", &keyed.join("\n"))).await;
    let told = browser.eval(tally).await;
    let told = told.as_str().unwrap();
    assert!(told.starts_with(&format!("Đã nhận {}/{}.", numbers.len() - 1, numbers.len())), "{told}");
    let first_name = browser
        .eval("document.querySelector('#form-collect input[type=checkbox]').getAttribute('aria-label').replace('Đã nhận thẻ của ', '')")
        .await;
    let first_name = first_name.as_str().unwrap();
    assert!(told.contains(&format!("Còn thiếu 1: {first_name}")), "what is missing, said at once: {told}");
    browser.eval(&typed("#form-collect textarea", &format!("{}\n49.999999", numbers.join("\n")))).await;
    let told = browser.eval(tally).await;
    assert!(told.as_str().unwrap().ends_with("Không có trong danh sách này: 49.999999."), "{told}");
    // Sent with the stray number, the whole hand-over is refused and says why.
    browser.eval("document.querySelector('#form-collect button[type=submit]:not([value])').click()").await;
    browser.until("document.querySelector('#form-collect output[role=alert]') !== null").await;
    let refused = browser.eval("document.querySelector('#form-collect output').textContent").await;
    assert!(refused.as_str().unwrap().contains("«49.999999»: không có trong danh sách nào"), "{refused}");
    browser.eval(&typed("#form-collect textarea", &numbers.join("\n"))).await;
    browser
        .eval("window.leaving = true; document.querySelector('#form-collect button[type=submit]:not([value])').click()")
        .await;
    browser.until(&format!("!window.leaving && document.readyState === 'complete' && ({said}).length > 0")).await;
    let done = browser.eval(said).await;
    assert!(
        done.as_str().unwrap().starts_with(&format!(
            "Đã ghi biên bản giao nhận số 1: thu thẻ, ảnh, bản tường trình của đảng viên {} thẻ.",
            numbers.len()
        )),
        "{done}"
    );
    browser.until("!!document.querySelector('#records a[href$=\"/cards/records/1\"]')").await;
    // Her unit's timeline counts the record as a record, not as a version of her data.
    browser
        .go(&format!("{base}/web/campaigns/2021-quang-nam/units/{cell}"), "!!document.getElementById('timeline')")
        .await;
    let timeline = browser.eval("document.getElementById('timeline').innerText").await;
    assert!(timeline.as_str().unwrap().contains("giao nhận thẻ đảng viên ("), "{timeline}");
    assert!(timeline.as_str().unwrap().contains("), biên bản số 1"), "{timeline}");

    // Her committee receives them: the whole list ticked, checked first, then recorded.
    browser.sign_in(&base, &committee_login).await;
    browser.go(&page(cell), "!!document.getElementById('form-up')").await;
    browser.eval("document.querySelector('#form-up [name=\"giver.name\"]').value = 'Trần Văn Hùng'; document.querySelector('#form-up [data-tick-all]').click()").await;
    let told = browser.eval("document.querySelector('#form-up .tally').textContent").await;
    assert_eq!(told, json!(format!("Đã nhận {0}/{0}.", numbers.len())));
    browser.eval("document.querySelector('#form-up button[value=preview]').click()").await;
    browser.until("document.querySelectorAll('#form-up output p').length > 1").await;
    let checked = browser.eval("document.querySelector('#form-up output p').textContent").await;
    assert!(checked.as_str().unwrap().ends_with("đúng danh sách. Chưa ghi."), "{checked}");
    browser
        .eval("window.leaving = true; document.querySelector('#form-up button[type=submit]:not([value])').click()")
        .await;
    browser.until(&format!("!window.leaving && document.readyState === 'complete' && ({said}).length > 0")).await;
    assert!(browser.eval(said).await.as_str().unwrap().starts_with("Đã ghi biên bản giao nhận số 2"));
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the committee's hand-over at 390 px");

    // The rest of the Bloc goes up over the API.
    all_up(&server, &bloc, &units, cell).await;
    for unit in units.iter().filter(|u| u["level"] == "committee") {
        let code = unit["code"].as_str().unwrap();
        let (status, body) =
            hand(&server, &bloc[BOARD], code, "up", json!({ "all": true, "giver": { "name": "Bí thư" } })).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    }

    // The Board records the decision, then stamps and gives new numbers, on its page.
    browser.sign_in(&base, "ban-to-chuc").await;
    browser.go(&page(BOARD), "!!document.getElementById('decision-form')").await;
    for (name, value) in [
        ("submission.number", "12-TTr/BTCĐUK"),
        ("submission.date", "12/05/2021"),
        ("decision.number", "45-QĐ/ĐUK"),
        ("decision.date", "13/05/2021"),
        ("decision.signer", "Phan Văn Khối"),
    ] {
        browser.eval(&format!("document.querySelector('#decision-form [name=\"{name}\"]').value = '{value}'")).await;
    }
    browser.eval("window.leaving = true; document.querySelector('#decision-form button').click()").await;
    browser.until(&format!("!window.leaving && document.readyState === 'complete' && ({said}).length > 0")).await;
    assert!(browser.eval(said).await.as_str().unwrap().starts_with("Đã ghi quyết định"));
    // A date takes «/», a card number «.», a list of numbers new lines: a
    // phone's keypad of digits alone has none of them.
    assert_eq!(browser.eval("document.querySelectorAll('[inputmode=numeric]').length").await, json!(0));
    let rows = browser.eval("document.querySelectorAll('#stamping-form tbody tr').length").await.as_u64().unwrap();
    let stamp_waiting = browser
        .eval("document.querySelector('#stamping-form [name=stamp_all]').closest('label').textContent.match(/\\d+/)[0]")
        .await;
    let stamp_waiting = stamp_waiting.as_str().unwrap().to_owned();
    assert_ne!(stamp_waiting, "0");
    assert!(rows >= 2, "damaged, lost and cardless members wait for new cards");
    browser.eval("document.querySelector('#stamping-form [name=\"cards.0.pending\"]').value = 'chờ ảnh mới'").await;
    for i in 1..rows {
        browser
            .eval(&format!(
                "document.querySelector('#stamping-form [name=\"cards.{i}.new_number\"]').value = '49.8{i:05}'"
            ))
            .await;
    }
    // A number another card has: said by the member's name, not by a row's number.
    let taken = &numbers[0];
    browser
        .eval(&format!("document.querySelector('#stamping-form [name=\"cards.1.new_number\"]').value = '{taken}'; document.querySelector('#stamping-form button').click()"))
        .await;
    browser.until("document.querySelector('#stamping-form output[role=alert]') !== null").await;
    let refused = browser.eval("document.querySelector('#stamping-form output').textContent").await;
    assert!(refused.as_str().unwrap().contains("«Số thẻ mới của "), "{refused}");
    browser.eval("document.querySelector('#stamping-form [name=\"cards.1.new_number\"]').value = '49.800001'").await;
    browser.eval("window.leaving = true; document.querySelector('#stamping-form button').click()").await;
    browser.until(&format!("!window.leaving && document.readyState === 'complete' && ({said}).length > 0")).await;
    let stamped = browser.eval(said).await;
    // Every card of list 2 at the Board stamped, as the box ticked by default says.
    let waiting = format!("Đã ghi: đóng dấu {stamp_waiting} thẻ, cấp {} thẻ mới, 1 chưa trả.", rows - 1);
    assert!(stamped.as_str().unwrap().starts_with(&waiting), "{stamped}");
    assert_eq!(browser.fits_a_phone().await, Value::Null, "the Board's stamping at 390 px");

    // Back down: the committees receive theirs over the API; the cell on its page, then gives them back.
    for unit in units.iter().filter(|u| u["level"] == "committee") {
        let code = unit["code"].as_str().unwrap();
        let (status, body) =
            hand(&server, &bloc[code], code, "down", json!({ "all": true, "giver": { "name": "Chuyên viên" } })).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    }
    browser.sign_in(&base, &cell_login).await;
    browser.go(&page(cell), "!!document.getElementById('form-down')").await;
    browser.eval("document.querySelector('#form-down [name=\"giver.name\"]').value = 'Nguyễn Văn Thành'; document.querySelector('#form-down [data-tick-all]').click()").await;
    browser
        .eval("window.leaving = true; document.querySelector('#form-down button[type=submit]:not([value])').click()")
        .await;
    browser
        .until("!window.leaving && document.readyState === 'complete' && !!document.getElementById('form-give-back')")
        .await;
    // A new card is typed by its new number.
    let back = browser
        .eval(
            "[...document.querySelectorAll('#form-give-back input[type=checkbox]')].map(b => b.dataset.now || b.value)",
        )
        .await;
    let back: Vec<&str> = back.as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(back.iter().any(|n| n.starts_with("49.8")), "{back:?}");
    browser.eval(&typed("#form-give-back textarea", &back.join("\n"))).await;
    browser
        .eval(
            "window.leaving = true; document.querySelector('#form-give-back button[type=submit]:not([value])').click()",
        )
        .await;
    browser.until(&format!("!window.leaving && document.readyState === 'complete' && ({said}).length > 0")).await;
    assert!(browser.eval(said).await.as_str().unwrap().contains("trả thẻ cho đảng viên"));
    for unit in units.iter().filter(|u| u["level"] == "cell" && u["code"] != cell) {
        let code = unit["code"].as_str().unwrap();
        for how in ["down", "give-back"] {
            // A cell whose only card is kept at the Board has nothing coming back.
            let custody = crate::round_trip::cards(&server, &bloc[code], code).await;
            if crate::round_trip::expected(&custody, how).is_empty() {
                continue;
            }
            let (status, body) =
                hand(&server, &bloc[code], code, how, json!({ "all": true, "giver": { "name": "Ủy viên" } })).await;
            assert_eq!(status, reqwest::StatusCode::OK, "{how} {body}");
        }
    }

    // The Board's page: every card accounted for.
    browser.sign_in(&base, "ban-to-chuc").await;
    browser.go(&page(BOARD), "!!document.getElementById('trip-title')").await;
    let closing = browser.eval("document.getElementById('trip-title').textContent").await;
    let trip = bloc[BOARD].get(server.url("/api/campaigns/2021-quang-nam/round-trip")).send().await.unwrap();
    let trip: Value = trip.json().await.unwrap();
    assert!(closing.as_str().unwrap().contains("mọi thẻ đã có chỗ"), "{closing}: {}", trip["unaccounted"]);
    let report = browser.eval("document.querySelector('a[href$=\"/round-trip.xlsx\"]').textContent").await;
    assert!(report.as_str().unwrap().starts_with("Tải báo cáo đường đi của thẻ"), "{report}");
}
