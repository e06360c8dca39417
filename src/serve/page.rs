//! The web page: a cell secretary uploads the filled workbook, sees each
//! problem beside its row or a preview, and downloads the PDFs; a committee
//! uploads its cells' workbooks and downloads form 6 and the lists.
//! Server-rendered with tera; one small script in `base.html` says when a
//! button is working, allowed by its hash in the Content-Security-Policy.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::Digest as _;

use super::AppState;
use super::api::{parse_kind, produce};
use super::error::ApiError;
use super::file::file_response;
use super::upload::{FormFields, Upload, UploadedFile, checked_input, on_input};
use crate::OutFormat;
use crate::PdfFlavour;
use crate::assemble::Assembled;
use crate::input::{Code, InputError, Place};
use crate::kinds::Kind;
use crate::model::prose::Block;

pub struct Pages {
    tera: tera::Tera,
    /// Allows the page's own script and style by their hashes, nothing else.
    csp: HeaderValue,
}

impl Pages {
    pub fn new() -> Self {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates([
            ("base.html", include_str!("pages/base.html")),
            ("home.html", include_str!("pages/home.html")),
            ("result.html", include_str!("pages/result.html")),
            ("docs.html", include_str!("pages/docs.html")),
            ("campaigns.html", include_str!("pages/campaigns.html")),
            ("campaign.html", include_str!("pages/campaign.html")),
            ("unit.html", include_str!("pages/unit.html")),
            ("cards.html", include_str!("pages/cards.html")),
            ("audit.html", include_str!("pages/audit.html")),
            ("invitation.html", include_str!("pages/invitation.html")),
            ("sign-in.html", include_str!("pages/sign-in.html")),
            ("who.html", include_str!("pages/who.html")),
            ("error.html", include_str!("pages/error.html")),
        ])
        .expect("the built-in pages parse");
        let base = include_str!("pages/base.html");
        let hash = |tag: &str| {
            let start = base.find(&format!("<{tag}>")).expect("base.html has its element") + tag.len() + 2;
            let end = base.find(&format!("</{tag}>")).expect("and its end");
            let digest = sha2::Sha256::digest(&base.as_bytes()[start..end]);
            format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
        };
        let csp = format!(
            "default-src 'none'; script-src {}; style-src {}; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
            hash("script"),
            hash("style")
        );
        Self { tera, csp: HeaderValue::from_str(&csp).expect("ASCII") }
    }

    pub fn content_security_policy(&self) -> &HeaderValue {
        &self.csp
    }

    pub fn render(&self, name: &str, context: &Value) -> Result<String, ApiError> {
        let context = tera::Context::from_value(context.clone()).map_err(ApiError::internal)?;
        self.tera.render(name, &context).map_err(|e| ApiError::internal(format!("{e:?}")))
    }

    pub fn page(&self, name: &str, context: &Value) -> Response {
        match self.render(name, context) {
            Ok(html) => Html(html).into_response(),
            Err(err) => err.into_response(),
        }
    }
}

/// `text` with its first letter capital, as a button or a sentence starts.
pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

pub async fn home(State(state): State<Arc<AppState>>, Query(to): Query<SaveTo>) -> Response {
    // Come from a cell's row of a campaign: checked here step by step, then
    // saved there. Codes only as the campaign's routes accept them.
    let plausible = super::campaign::plausible_code;
    let save_to = match (&to.campaign, &to.unit) {
        (Some(campaign), Some(unit)) if plausible(campaign) && plausible(unit) => Some(json!({
            "api": format!("/api/campaigns/{campaign}/units/{unit}/submission"),
            "back": format!("/web/campaigns/{campaign}"),
        })),
        _ => None,
    };
    state.pages.page("home.html", &json!({ "save_to": save_to }))
}

/// `?chien-dich=C&don-vi=U`: the campaign's unit a cell's roster checked on
/// the home page is saved to.
#[derive(serde::Deserialize)]
pub struct SaveTo {
    #[serde(rename = "chien-dich")]
    campaign: Option<String>,
    #[serde(rename = "don-vi")]
    unit: Option<String>,
}

/// The blank workbook a cell fills in.
pub async fn blank_workbook() -> Result<Response, ApiError> {
    let folder = crate::private::folder().map_err(ApiError::internal)?;
    let path = folder.path().join("mau.xlsx");
    crate::sheet::write_template(&path).map_err(ApiError::internal)?;
    let bytes = std::fs::read(&path).map_err(ApiError::internal)?;
    let headers = [
        (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (header::CONTENT_DISPOSITION, "attachment; filename=\"mau-nhap-danh-sach-dang-vien.xlsx\""),
    ];
    Ok((headers, bytes).into_response())
}

/// What a page offers to download once the input is good.
struct Offer {
    kind: Kind,
    format: OutFormat,
    label: &'static str,
}

const CELL_OFFERS: &[Offer] = &[
    Offer { kind: Kind::Packet, format: OutFormat::Pdf, label: "Hồ sơ (mẫu 1 đến 5) – một PDF" },
    Offer { kind: Kind::Packet, format: OutFormat::Zip, label: "Hồ sơ – ZIP năm PDF" },
    Offer { kind: Kind::Mau1, format: OutFormat::Pdf, label: "Mẫu 1-KTTĐV" },
    Offer { kind: Kind::Mau2, format: OutFormat::Pdf, label: "Mẫu 2-KTTĐV" },
    Offer { kind: Kind::Mau3, format: OutFormat::Pdf, label: "Mẫu 3-KTTĐV" },
    Offer { kind: Kind::Mau4, format: OutFormat::Pdf, label: "Mẫu 4-KTTĐV" },
    Offer { kind: Kind::Mau5, format: OutFormat::Pdf, label: "Mẫu 5-KTTĐV" },
];

const COMMITTEE_OFFERS: &[Offer] = &[
    Offer {
        kind: Kind::HoSoCoSo,
        format: OutFormat::Zip,
        label: "Hồ sơ cấp ủy cơ sở – ZIP (6-KTTĐV PDF và XLSX, danh sách)",
    },
    Offer { kind: Kind::Mau6, format: OutFormat::Pdf, label: "Mẫu 6-KTTĐV" },
    Offer { kind: Kind::TongHop, format: OutFormat::Pdf, label: "Danh sách tổng hợp 2 đến 5-KTTĐV" },
];

const BOARD_OFFERS: &[Offer] = &[
    Offer {
        kind: Kind::HoSoBan,
        format: OutFormat::Zip,
        label: "Hồ sơ của Ban Tổ chức – ZIP (7-KTTĐV, đối chiếu, danh sách toàn Khối, các cấp ủy)",
    },
    Offer { kind: Kind::Mau7, format: OutFormat::Pdf, label: "Mẫu 7-KTTĐV kèm phụ lục" },
    Offer { kind: Kind::DoiChieu, format: OutFormat::Pdf, label: "Kết quả đối chiếu" },
    Offer {
        kind: Kind::TongHop, format: OutFormat::Pdf, label: "Danh sách tổng hợp toàn Khối 2 đến 5-KTTĐV"
    },
];

/// A cell's filled workbook, uploaded.
pub async fn cell(State(state): State<Arc<AppState>>, headers: HeaderMap, upload: Upload) -> Response {
    answer(&state, upload, Kind::Packet, CELL_OFFERS, "Hồ sơ của chi bộ", csrf(&headers)).await
}

/// A committee's details and its cells' files, uploaded.
pub async fn committee(State(state): State<Arc<AppState>>, upload: Upload) -> Response {
    let with_details = |field: &Field, files: &[UploadedFile]| {
        json!({
            "organisation": field("organisation"),
            "committee": {
                "header": header(field),
                "signature": { "as": "on-behalf-of", "body": field("body"), "title": field("signer_title"), "name": field("signer_name") },
            },
            "cells": files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        })
    };
    let upload = match form_upload(upload, &with_details) {
        Ok(upload) => upload,
        Err(err) => return err.into_response(),
    };
    answer(&state, upload, Kind::HoSoCoSo, COMMITTEE_OFFERS, "Hồ sơ của cấp ủy cơ sở", None).await
}

/// The Board's details, its committees' files and the roll it manages, uploaded.
pub async fn board(State(state): State<Arc<AppState>>, upload: Upload) -> Response {
    let with_details = |field: &Field, files: &[UploadedFile]| {
        let (roll, committees): (Vec<&UploadedFile>, Vec<&UploadedFile>) =
            files.iter().partition(|f| f.field == "roll");
        let head = field("signer_head");
        let signature = if head.is_empty() {
            json!({ "as": "head", "title": field("signer_title"), "name": field("signer_name") })
        } else {
            json!({ "as": "deputy", "head": head, "title": field("signer_title"), "name": field("signer_name") })
        };
        let mut input = json!({
            "board": { "header": header(field), "name": Some(field("name")).filter(|n| !n.is_empty()), "signature": signature },
            "committees": committees.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        });
        if let Some(roll) = roll.first() {
            input["roll"] = json!(roll.name);
        }
        input
    };
    let upload = match form_upload(upload, &with_details) {
        Ok(upload) => upload,
        Err(err) => return err.into_response(),
    };
    answer(&state, upload, Kind::HoSoBan, BOARD_OFFERS, "Hồ sơ của Ban Tổ chức", None).await
}

/// The header a form's fields give: superior, issuer, number, place, date,
/// and whether the clerk dates it.
fn header(field: &Field) -> Value {
    json!({
        "superior": field("superior"),
        "issuer": field("issuer"),
        "number": Some(field("number")).filter(|n| !n.is_empty()),
        "place": field("place"),
        "date": field("date"),
        "blank_date": !field("blank_date").is_empty(),
    })
}

/// A form's text field by its name, trimmed; empty when absent.
type Field<'a> = dyn Fn(&str) -> String + 'a;

/// Makes a form's input from its fields and files.
type MakeInput = dyn Fn(&Field, &[UploadedFile]) -> Value;

/// A form's upload as an input: the JSON `input` makes of the form's fields
/// and files, naming those files, read with them.
fn form_upload(upload: Upload, input: &MakeInput) -> Result<Upload, ApiError> {
    match upload {
        Upload::Files { files, fields, .. } => {
            let field = |name: &str| fields.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.trim()).to_owned();
            let input = serde_json::to_vec(&input(&field, &files)).expect("JSON serialises").into();
            Ok(Upload::Files { input: Some(input), files, cell_options: Vec::new(), fields: Vec::new() })
        }
        Upload::Json(_) => Err(ApiError::UnsupportedMediaType("application/json".into())),
    }
}

/// Checks the upload: the problems beside their rows, or a preview and the
/// downloads.
async fn answer(
    state: &Arc<AppState>,
    upload: Upload,
    kind: Kind,
    offers: &'static [Offer],
    title: &str,
    csrf: Option<String>,
) -> Response {
    let worker = state.clone();
    let outcome = state
        .pool
        .run(move || -> Result<Value, ApiError> {
            let input = match checked_input(&worker, upload) {
                Ok(input) => input,
                Err(ApiError::Input(problems)) => return Ok(json!({ "problems": general(&problems), "rows": [] })),
                Err(err) => return Err(err),
            };
            let preview = match produce(&worker, kind, OutFormat::Png, PdfFlavour::WITH_DATA, &input) {
                Ok(preview) => preview,
                Err(ApiError::Input(problems)) => return Ok(beside_rows(&input, &problems)),
                Err(err) => return Err(err),
            };
            Ok(json!({
                "preview": base64::engine::general_purpose::STANDARD.encode(&preview.bytes),
                "warnings": general(&preview.warnings),
                "report": (kind == Kind::Packet).then(|| report_text(&input.value)),
                "input": input.value.to_string(),
                "downloads": offers.iter().map(|o| json!({ "kind": o.kind.name(), "format": o.format.name(), "label": o.label })).collect::<Vec<_>>(),
            }))
        })
        .await
        .map_err(ApiError::from)
        .and_then(|result| result);
    match outcome {
        Ok(mut context) => {
            context["title"] = json!(title);
            // Signed in, a cell's valid roster may be saved into its campaign from here.
            context["csrf"] = json!(csrf);
            let in_rows: usize = context["rows"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| r["problems"].as_array().map_or(0, Vec::len))
                .sum();
            context["count"] = json!(context["problems"].as_array().map_or(0, Vec::len) + in_rows);
            let status =
                if context.get("preview").is_some() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            (status, state.pages.page("result.html", &context)).into_response()
        }
        Err(err) => err.into_response(),
    }
}

/// Sections II and III of a cell's report and its recipients as the page's
/// text boxes show them: a block or a recipient a line.
fn report_text(roster: &Value) -> Value {
    let lines = |blocks: &Value| {
        let blocks: Vec<Block> = serde_json::from_value(blocks.clone()).unwrap_or_default();
        blocks.iter().map(Block::to_line).collect::<Vec<_>>().join("\n")
    };
    let recipients = roster["cell"]["recipients"].as_array().into_iter().flatten().filter_map(Value::as_str);
    json!({
        "usage": lines(&roster["report"]["usage"]),
        "proposals": lines(&roster["report"]["proposals"]),
        "recipients": recipients.collect::<Vec<_>>().join("\n"),
    })
}

/// The cell's report finished on the page: sections II and III and the
/// recipients typed in, put into the checked input, checked and shown again.
pub async fn report(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    FormFields(fields): FormFields,
) -> Response {
    let field = |name: &str| fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    let Some(Ok(mut roster)) = field("input").map(crate::input::read_json) else {
        return ApiError::BadRequest("thiếu trường «input» của biểu mẫu".into()).into_response();
    };
    let blocks =
        |name: &str| serde_json::to_value(Block::from_text(field(name).unwrap_or_default())).expect("blocks serialise");
    if let Value::Object(map) = &mut roster {
        let report = map.entry("report").or_insert_with(|| json!({}));
        report["usage"] = blocks("usage");
        report["proposals"] = blocks("proposals");
        let recipients: Vec<&str> =
            field("recipients").unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        if let Some(cell) = map.get_mut("cell").and_then(Value::as_object_mut) {
            cell.insert("recipients".into(), json!(recipients));
        }
    }
    let upload = Upload::Json(serde_json::to_vec(&roster).expect("JSON serialises").into());
    answer(&state, upload, Kind::Packet, CELL_OFFERS, "Hồ sơ của chi bộ", csrf(&headers)).await
}

/// The CSRF token of the request's session, if it has one.
fn csrf(headers: &HeaderMap) -> Option<String> {
    super::session::session_of(headers).map(super::session::csrf_of)
}

/// Problems as the page lists them: where, in words, and what.
fn general(problems: &[InputError]) -> Vec<Value> {
    problems
        .iter()
        .map(|p| json!({ "code": p.code.as_str(), "place": super::place::describe(p), "message": p.message }))
        .collect()
}

/// The roster's members as rows of the sheet, each with its problems;
/// problems on no member's row are listed apart.
fn beside_rows(input: &Assembled, problems: &[InputError]) -> Value {
    let row_of = |p: &InputError| match &p.place {
        Place::Sheet { row, .. } => Some(*row),
        Place::Json { .. } => None,
    };
    let rows = input.member_rows().unwrap_or_default();
    let members = input.value["members"].as_array().cloned().unwrap_or_default();
    let column_of = |p: &InputError| match &p.place {
        Place::Sheet { column, .. } => column.clone(),
        Place::Json { .. } => Box::default(),
    };
    let mut at_rows: Vec<(u32, Value)> = problems
        .iter()
        .filter_map(|p| {
            Some((row_of(p)?, json!({ "code": p.code.as_str(), "column": column_of(p), "message": p.message })))
        })
        .collect();
    // A card number on two rows: the first row is marked too.
    for p in problems.iter().filter(|p| p.code == Code::DuplicateCardNumber) {
        let Some((row, index)) = row_of(p).and_then(|row| Some((row, rows.iter().position(|r| *r == row)?))) else {
            continue;
        };
        let number = &members[index]["card_number"];
        let first = members.iter().zip(rows).find(|(m, r)| **r != row && m["card_number"] == *number);
        if let Some((_, first_row)) = first {
            let message = format!("số thẻ {} trùng với dòng {row}", number.as_str().unwrap_or_default());
            at_rows.push((*first_row, json!({ "code": p.code.as_str(), "column": column_of(p), "message": message })));
        }
    }
    let listed: Vec<Value> = members
        .iter()
        .zip(rows)
        .map(|(member, row)| {
            let here: Vec<&Value> = at_rows.iter().filter(|(r, _)| r == row).map(|(_, p)| p).collect();
            json!({
                "row": row,
                "full_name": member["full_name"],
                "birth_date": member["birth_date"],
                "card_number": member.get("card_number"),
                "problems": here,
            })
        })
        .collect();
    let elsewhere: Vec<InputError> =
        problems.iter().filter(|p| row_of(p).is_none_or(|row| !rows.contains(&row))).cloned().collect();
    // Only the rows to mend are listed (a phone stacks each row as a card:
    // 25 cards for one bad row hid it); the others are counted.
    let (bad, fine): (Vec<Value>, Vec<Value>) =
        listed.into_iter().partition(|r| r["problems"].as_array().is_some_and(|p| !p.is_empty()));
    json!({ "problems": general(&elsewhere), "rows": bad, "fine_rows": fine.len() })
}

/// A download button's form: what to make, from the checked input the
/// page holds, and the page's name for this click (returned in a cookie
/// with the file).
struct Download {
    kind: String,
    format: String,
    input: String,
    token: String,
}

impl Download {
    fn parse(fields: Vec<(String, String)>) -> Result<Self, ApiError> {
        let take = |name: &str| fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
        let required =
            |name: &str| take(name).ok_or_else(|| ApiError::BadRequest(format!("thiếu trường «{name}» của biểu mẫu")));
        Ok(Self {
            kind: required("kind")?,
            format: required("format")?,
            input: required("input")?,
            token: take("token").unwrap_or_default(),
        })
    }
}

/// The cookie that tells the page a download has arrived: a download leaves
/// the page where it is, so it cannot tell otherwise when to say it is done.
const DOWNLOAD_COOKIE: &str = "kttdv-download";

/// A download button: the checked input sent back, the file returned.
pub async fn download(
    State(state): State<Arc<AppState>>,
    FormFields(fields): FormFields,
) -> Result<Response, ApiError> {
    let form = Download::parse(fields)?;
    let kind = parse_kind(&form.kind)?;
    let format: OutFormat = form
        .format
        .parse()
        .ok()
        .filter(|f| OutFormat::allowed(kind).contains(f))
        .ok_or_else(|| ApiError::BadRequest(format!("dạng «{}» không hợp lệ", form.format)))?;
    let upload = Upload::Json(form.input.into_bytes().into());
    let rendered =
        on_input(&state, upload, move |state, input| produce(state, kind, format, PdfFlavour::WITH_DATA, &input))
            .await?;
    let mut response = file_response(&state, rendered);
    // A short name of letters and digits, as the page makes it; anything else is not echoed.
    let token = &form.token;
    if (1..=32).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        let cookie = format!("{DOWNLOAD_COOKIE}={token}; Path=/; Max-Age=60; SameSite=Strict");
        response.headers_mut().insert(header::SET_COOKIE, cookie.parse().expect("ASCII"));
    }
    Ok(response)
}
