//! Helpers shared by the black-box tests: run the binary, read PDFs back
//! with poppler (installed by .ci/run).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::LazyLock;

use kttdv::{EngineConfig, Kind, PdfFlavour, Renderer};

pub static RENDERER: LazyLock<Renderer> =
    LazyLock::new(|| Renderer::new(&EngineConfig::default()).expect("the engine starts on the built-in defaults"));

pub fn example(name: &str) -> String {
    std::fs::read_to_string(root().join("examples").join(name)).expect("example exists")
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// JSON text read as the CLI reads it (NFC-normalised).
pub fn json_input(text: &str) -> serde_json::Value {
    kttdv::read_json(text).expect("valid JSON")
}

pub fn render(kind: Kind, input: &str) -> Vec<u8> {
    match RENDERER.make(kind, &json_input(input), kttdv::Output::pdf(PdfFlavour::ARCHIVAL)) {
        Ok(rendered) => rendered.bytes,
        Err(kttdv::Error::Input(problems)) => panic!("input rejected: {problems:#?}"),
        Err(err) => panic!("{err}"),
    }
}

/// Runs `kttdv` with `args`, feeding `stdin`.
pub fn kttdv(args: &[&str], stdin: &str) -> Output {
    kttdv_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, stdin)
}

pub fn kttdv_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kttdv"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("KTTDV_TEMPLATES")
        .env_remove("KTTDV_FONTS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kttdv runs");
    // A command that stops early (a usage error) may close its input unread.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("poppler writes UTF-8")
}

/// The PDF's text, in reading order, one page after another.
pub fn pdf_text(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-enc", "UTF-8"], pdf)
}

/// The PDF's text laid out as on the page: each table row on its own line.
pub fn pdf_layout(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-layout", "-enc", "UTF-8"], pdf)
}

/// The text of each page, in reading order.
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    pages(&pdf_text(pdf))
}

/// The text of each page, laid out.
pub fn pdf_layout_pages(pdf: &[u8]) -> Vec<String> {
    pages(&pdf_layout(pdf))
}

fn pages(text: &str) -> Vec<String> {
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Every word with the right edge of its box and its page's width, in points.
pub fn pdf_words(pdf: &[u8]) -> Vec<(String, f64, f64)> {
    pdf_word_boxes(pdf).into_iter().map(|w| (w.text, w.x_max, w.page_width)).collect()
}

/// A word as `pdftotext -bbox` places it: points from the page's top left.
pub struct WordBox {
    pub text: String,
    /// From 1.
    pub page: usize,
    pub x_min: f64,
    pub y_min: f64,
    pub x_max: f64,
    pub y_max: f64,
    pub page_width: f64,
    pub page_height: f64,
}

pub fn pdf_word_boxes(pdf: &[u8]) -> Vec<WordBox> {
    let xhtml = poppler("pdftotext", &["-bbox", "-enc", "UTF-8"], pdf);
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        tag[start..start + tag[start..].find('"').unwrap()].parse().unwrap()
    };
    let (mut page, mut width, mut height) = (0, 0.0, 0.0);
    let mut words = Vec::new();
    for line in xhtml.lines().map(str::trim) {
        if line.starts_with("<page ") {
            (page, width, height) = (page + 1, attr(line, "width"), attr(line, "height"));
        } else if line.starts_with("<word ") {
            words.push(WordBox {
                text: line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()].to_owned(),
                page,
                x_min: attr(line, "xMin"),
                y_min: attr(line, "yMin"),
                x_max: attr(line, "xMax"),
                y_max: attr(line, "yMax"),
                page_width: width,
                page_height: height,
            });
        }
    }
    words
}

/// Whitespace folded to single spaces, for matching text that wraps.
pub fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `pdffonts` rows: (name, type, embedded).
pub fn pdf_fonts(pdf: &[u8]) -> Vec<(String, String, bool)> {
    poppler("pdffonts", &[], pdf)
        .lines()
        .skip(2)
        .map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let emb = cols.len() >= 5 && cols[cols.len() - 5] == "yes";
            (cols[0].to_owned(), cols[1..cols.len() - 5].join(" "), emb)
        })
        .collect()
}

/// pdfinfo's "Key: value" lines.
pub fn pdf_info(pdf: &[u8]) -> Vec<(String, String)> {
    poppler("pdfinfo", &[], pdf)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Asserts that `needles` occur in `haystack` in this order.
pub fn assert_in_order(haystack: &str, needles: &[&str]) {
    let mut at = 0;
    for needle in needles {
        match haystack[at..].find(needle) {
            Some(found) => at += found + needle.len(),
            None => panic!("«{needle}» not found (in order) after byte {at} of:\n{haystack}"),
        }
    }
}

/// The example workbook with one date of birth that is not on the calendar,
/// in sheet row 4 (the third member).
pub fn broken_workbook() -> Vec<u8> {
    changed_workbook("Ngày sinh", 3, "31/02/1969")
}

/// The example workbook with the cell of `column` in the sheet's row
/// `row + 1` set to `text`.
pub fn changed_workbook(column: &str, row: usize, text: &str) -> Vec<u8> {
    copied_workbook(|header, r, c, cell| match r == row && header.get(c).is_some_and(|h| h == column) {
        true => text.to_owned(),
        false => cell.to_owned(),
    })
}

/// The example workbook with every cell that reads `from` reading `to`:
/// another cell's workbook.
pub fn replaced_workbook(pairs: &[(&str, &str)]) -> Vec<u8> {
    copied_workbook(|_, _, _, cell| {
        pairs.iter().find(|(from, _)| *from == cell).map_or(cell.to_owned(), |(_, to)| (*to).to_owned())
    })
}

/// The example workbook, each cell's text as `text(sheet's first row, row, column, cell)` says.
fn copied_workbook(text: impl Fn(&[String], usize, usize, &str) -> String) -> Vec<u8> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(root().join("examples/chi-bo-van-phong.xlsx")).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let sheet = out.add_worksheet().set_name(&name).unwrap();
        let header: Vec<String> = range.rows().next().unwrap().iter().map(ToString::to_string).collect();
        for (r, cells) in range.rows().enumerate() {
            for (c, cell) in cells.iter().enumerate() {
                sheet.write(r as u32, c as u16, text(&header, r, c, &cell.to_string())).unwrap();
            }
        }
    }
    out.save_to_buffer().unwrap()
}

/// `kttdv serve` on a port the system chooses, stopped when dropped.
pub struct Server {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT`, as the server printed it once ready.
    pub base: String,
    /// The store's folder when the test named none: its own, removed after.
    _data: Option<tempfile::TempDir>,
}

impl Server {
    pub fn start(args: &[&str]) -> Self {
        Self::start_with(args, &[])
    }

    /// Like [`start`](Self::start), with more variables in its environment.
    pub fn start_with(args: &[&str], env: &[(&str, &Path)]) -> Self {
        Self::spawn(args, env, "warn", Stdio::null())
    }

    /// Like [`start`](Self::start), its log (everything, `info` and up) written to `log`.
    pub fn start_logged(args: &[&str], log: &Path) -> Self {
        Self::spawn(args, &[], "info", Stdio::from(std::fs::File::create(log).unwrap()))
    }

    fn spawn(args: &[&str], env: &[(&str, &Path)], level: &str, stderr: Stdio) -> Self {
        use std::io::BufRead;
        let named = args.iter().any(|a| *a == "--data" || *a == "--database");
        let data = (!named).then(|| tempfile::tempdir().unwrap());
        let data_args = data.iter().flat_map(|d| ["--data".to_owned(), d.path().display().to_string()]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_kttdv"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .args(data_args)
            .env_remove("DATABASE_URL")
            .envs(env.iter().copied())
            .env_remove("KTTDV_TEMPLATES")
            .env_remove("KTTDV_FONTS")
            .env("RUST_LOG", level)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("kttdv serve starts");
        // Ready once it prints its address; a server that never gets ready
        // (a template that fails its warm-up) fails the test, not hangs it.
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let Ok(line) = receiver.recv_timeout(std::time::Duration::from_secs(120)) else {
            let _ = child.kill();
            panic!("kttdv serve was not ready within two minutes");
        };
        let base = line.trim().rsplit(' ').next().expect("the address is printed once ready").to_owned();
        assert!(base.starts_with("http://127.0.0.1:"), "{line}");
        Server { child, base, _data: data }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The password every test user sets.
pub const PASSWORD: &str = "một mật khẩu đủ dài";

/// A user's session: its cookie and its CSRF token.
#[derive(Clone)]
pub struct User {
    pub login: String,
    pub cookie: String,
    pub csrf: String,
    client: reqwest::Client,
}

impl User {
    /// `kttdv admin create-user LOGIN ARGS… STORE…`, then its one-time link.
    pub async fn created_in(store: &[String], server: &Server, login: &str, args: &[&str]) -> User {
        let mut all = vec!["admin", "create-user", login];
        all.extend(args);
        all.extend(store.iter().map(String::as_str));
        let out = kttdv(&all, "");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let link = String::from_utf8(out.stdout).unwrap();
        let path = &link.trim()[link.find("/web/").unwrap()..];
        User::by_link(server, login, path).await
    }

    /// Sets the password through a one-time link (a path) and signs in.
    pub async fn by_link(server: &Server, login: &str, path: &str) -> User {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let form = [("password", PASSWORD), ("repeat", PASSWORD)];
        let answer = client.post(server.url(path)).form(&form).send().await.unwrap();
        assert_eq!(answer.status(), reqwest::StatusCode::SEE_OTHER, "{login}: {}", answer.text().await.unwrap());
        let cookie = answer.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let me: serde_json::Value = client
            .get(server.url("/api/session"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["login"], login);
        let csrf = me["csrf"].as_str().unwrap().to_owned();
        User { login: login.to_owned(), cookie, csrf, client }
    }

    /// A request with the session's cookie and, for a change, its CSRF token.
    pub fn request(&self, method: reqwest::Method, url: impl reqwest::IntoUrl) -> reqwest::RequestBuilder {
        let change = !matches!(method, reqwest::Method::GET | reqwest::Method::HEAD);
        let request = self.client.request(method, url).header("cookie", &self.cookie);
        if change { request.header("x-kttdv-csrf", &self.csrf) } else { request }
    }

    pub fn get(&self, url: impl reqwest::IntoUrl) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::GET, url)
    }

    pub fn put(&self, url: impl reqwest::IntoUrl) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::PUT, url)
    }

    pub fn post(&self, url: impl reqwest::IntoUrl) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::POST, url)
    }
}
