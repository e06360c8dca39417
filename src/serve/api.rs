//! `/api`: every kind the command line knows, as JSON in and a file out.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use crate::assemble::Assembled;
use crate::input::{self, Code, InputError, JsonPath};
use crate::kinds::{self, Kind};
use crate::{Error, PdfFlavour, Rendered};

/// What a render writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum OutFormat {
    Pdf,
    Zip,
    /// A preview of the first page.
    Png,
    /// The reconciliation as data.
    Json,
}

impl OutFormat {
    /// The formats a kind can be written in; the first is its default.
    pub fn allowed(kind: Kind) -> &'static [OutFormat] {
        match kind {
            Kind::Packet => &[OutFormat::Pdf, OutFormat::Zip, OutFormat::Png],
            Kind::CommitteePacket | Kind::BoardPacket => &[OutFormat::Zip, OutFormat::Png],
            Kind::Reconciliation => &[OutFormat::Pdf, OutFormat::Png, OutFormat::Json],
            _ => &[OutFormat::Pdf, OutFormat::Png],
        }
    }

    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The media type of a file in this format.
    pub fn media_type(self) -> &'static str {
        match self {
            OutFormat::Pdf => "application/pdf",
            OutFormat::Zip => "application/zip",
            OutFormat::Png => "image/png",
            OutFormat::Json => "application/json",
        }
    }

    fn parse(kind: Kind, asked: Option<&str>) -> Result<Self, ApiError> {
        let allowed = Self::allowed(kind);
        let Some(asked) = asked else { return Ok(allowed[0]) };
        asked.parse().ok().filter(|f| allowed.contains(f)).ok_or_else(|| ApiError::UnsupportedFormat {
            kind: kind.name(),
            format: asked.to_owned(),
            allowed: allowed.iter().map(|f| f.name()).collect::<Vec<_>>().join(", "),
        })
    }
}

pub fn parse_kind(name: &str) -> Result<Kind, ApiError> {
    name.parse().map_err(|_| ApiError::UnknownKind(name.to_owned()))
}

#[derive(Serialize)]
pub struct KindInfo {
    kind: &'static str,
    label: &'static str,
    description: &'static str,
    formats: Vec<&'static str>,
}

pub async fn kinds() -> Json<Vec<KindInfo>> {
    Json(
        Kind::all()
            .map(|kind| KindInfo {
                kind: kind.name(),
                label: kind.label(),
                description: kind.description(),
                formats: OutFormat::allowed(kind).iter().map(|f| f.name()).collect(),
            })
            .collect(),
    )
}

pub async fn schema(Path(kind): Path<String>) -> Result<Json<schemars::Schema>, ApiError> {
    Ok(Json(parse_kind(&kind)?.schema()))
}

pub async fn example(State(state): State<Arc<AppState>>, Path(kind): Path<String>) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.examples.input(parse_kind(&kind)?).clone()))
}

/// A file uploaded with a form.
pub struct UploadedFile {
    /// The form field it came in (`cells`, `roll`…).
    pub field: String,
    pub name: String,
    pub bytes: Bytes,
}

/// A request's input as sent: JSON, or files uploaded with a form.
pub enum Upload {
    Json(Bytes),
    Files {
        /// A JSON document that may name the files (a committee's cells).
        input: Option<Bytes>,
        /// Each file with the form field it came in and its name.
        files: Vec<UploadedFile>,
        /// `KEY=VALUE` details of a cell whose workbook lacks them.
        cell_options: Vec<String>,
        /// Other text fields: the web page's; the API takes none.
        fields: Vec<(String, String)>,
    },
}

impl Upload {
    /// Reads a request's body: a few at once (their memory is bounded by
    /// `uploads` × `body_bytes`), each within the body timeout.
    pub async fn read(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let limits = &state.limits;
        let _slot = tokio::time::timeout(limits.wait, state.uploads.acquire())
            .await
            .map_err(|_| ApiError::Busy)?
            .expect("the semaphore is never closed");
        tokio::time::timeout(limits.body_timeout, Self::receive(request, limits.body_bytes))
            .await
            .map_err(|_| ApiError::SlowUpload(limits.body_timeout.as_secs()))?
    }

    async fn receive(request: Request, limit: usize) -> Result<Self, ApiError> {
        let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match mime.as_str() {
            "application/json" => {
                let bytes =
                    axum::body::to_bytes(request.into_body(), limit).await.map_err(|_| ApiError::TooLarge(limit))?;
                Ok(Upload::Json(bytes))
            }
            "multipart/form-data" => {
                let form_error = |_| ApiError::BadRequest("biểu mẫu multipart/form-data không đọc được".into());
                let mut form = Multipart::from_request(request, &()).await.map_err(form_error)?;
                let (mut input, mut files, mut cell_options, mut fields) = (None, Vec::new(), Vec::new(), Vec::new());
                let failed = |e: axum::extract::multipart::MultipartError| match e.status().as_u16() {
                    413 => ApiError::TooLarge(limit),
                    _ => ApiError::BadRequest("biểu mẫu multipart/form-data bị cắt hoặc sai dạng".into()),
                };
                while let Some(field) = form.next_field().await.map_err(failed)? {
                    let name = field.name().unwrap_or_default().to_owned();
                    let file_name = field.file_name().filter(|n| !n.is_empty()).map(str::to_owned);
                    let bytes = field.bytes().await.map_err(failed)?;
                    match (name.as_str(), file_name) {
                        (_, Some(file_name)) => files.push(UploadedFile { field: name, name: file_name, bytes }),
                        ("input", None) => input = Some(bytes),
                        ("cell", None) => cell_options.push(String::from_utf8_lossy(&bytes).into_owned()),
                        _ => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
                    }
                }
                Ok(Upload::Files { input, files, cell_options, fields })
            }
            other => Err(ApiError::UnsupportedMediaType(other.to_owned())),
        }
    }

    /// The input assembled: JSON as sent (naming no file), or the uploaded
    /// files in a private folder, read as the command line reads them but
    /// naming only each other.
    pub fn assemble(self) -> Result<Assembled, ApiError> {
        match self {
            Upload::Json(bytes) => {
                let text = std::str::from_utf8(&bytes).map_err(|_| {
                    let message = "dữ liệu gửi lên không phải văn bản UTF-8";
                    ApiError::Input(vec![InputError::new(Code::JsonSyntax, JsonPath::root(), message)])
                })?;
                let value = input::read_json(text).map_err(|e| ApiError::Input(vec![e]))?;
                Assembled::from_value(value).map_err(ApiError::Input)
            }
            Upload::Files { input, files, cell_options, fields } => {
                if let Some((name, _)) = fields.first() {
                    return Err(ApiError::BadRequest(format!("trường «{name}» không được nhận")));
                }
                let folder = crate::private::folder().map_err(ApiError::internal)?;
                let mut paths = Vec::new();
                let save = |name: &str, bytes: &[u8]| -> Result<std::path::PathBuf, ApiError> {
                    // Only the last part of a name: an upload cannot write outside its folder.
                    let file_name = std::path::Path::new(name)
                        .file_name()
                        .ok_or_else(|| ApiError::BadRequest(format!("tên tệp «{name}» không hợp lệ")))?;
                    let path = folder.path().join(file_name);
                    crate::private::write(&path, bytes).map_err(|e| match e.kind() {
                        std::io::ErrorKind::AlreadyExists => {
                            ApiError::BadRequest(format!("hai tệp gửi lên cùng tên «{}»", file_name.to_string_lossy()))
                        }
                        _ => ApiError::internal(e),
                    })?;
                    Ok(path)
                };
                let input = input.map(|input| save("input.json", &input)).transpose()?;
                for file in files {
                    paths.push(save(&file.name, &file.bytes)?);
                }
                let file = match (input, paths.as_slice()) {
                    (Some(input), _) => input,
                    (None, [file]) => file.clone(),
                    (None, _) => {
                        return Err(ApiError::BadRequest(
                            "gửi một bảng tính, hoặc trường «input» (JSON) kèm các tệp nó nêu tên".into(),
                        ));
                    }
                };
                Assembled::read_upload(folder.path(), &file, &cell_options).map_err(ApiError::Input)
            }
        }
    }
}

/// Members in an input, across all its cells.
fn members(value: &Value) -> usize {
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, item)| match (key.as_str(), item) {
                ("members", Value::Array(items)) => items.len(),
                _ => members(item),
            })
            .sum(),
        Value::Array(items) => items.iter().map(members).sum(),
        _ => 0,
    }
}

/// The input of a request, checked against the limits, with problems
/// placed in the files they came from.
pub fn checked_input(state: &AppState, upload: Upload) -> Result<Assembled, ApiError> {
    let assembled = upload.assemble()?;
    let count = members(&assembled.value);
    if count > state.limits.max_members {
        return Err(ApiError::TooManyMembers { count, limit: state.limits.max_members });
    }
    Ok(assembled)
}

/// Runs `job` on a render worker with the request's input, assembled and
/// checked against the limits.
pub async fn on_input<T: Send + 'static>(
    state: &Arc<AppState>,
    upload: Upload,
    job: impl FnOnce(&AppState, Assembled) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let worker = state.clone();
    state.pool.run(move || job(&worker, checked_input(&worker, upload)?)).await?
}

pub async fn check(
    State(state): State<Arc<AppState>>,
    Path(kind): Path<String>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let kind = parse_kind(&kind)?;
    let upload = Upload::read(request, &state).await?;
    let warnings = on_input(&state, upload, move |state, input| match state.renderer.check(kind, &input.value) {
        Ok(warnings) => Ok(input.warnings(warnings)),
        Err(problems) => Err(ApiError::Input(input.relocate(problems))),
    })
    .await?;
    Ok(Json(json!({ "warnings": warnings })))
}

/// A render's query: `format`, `plain`, `signature_fields`; any other
/// parameter, or a flag that is not `true` or `false`, is named in the error.
pub struct RenderQuery {
    format: Option<String>,
    /// Plain PDF rather than PDF/A-3b with the input attached.
    plain: bool,
    /// Whether to add an empty signature field over each signature slot.
    signature_fields: bool,
}

impl RenderQuery {
    fn parse(pairs: Vec<(String, String)>) -> Result<Self, ApiError> {
        let mut query = Self { format: None, plain: false, signature_fields: true };
        for (key, value) in pairs {
            let flag = || match value.as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => {
                    Err(ApiError::BadRequest(format!("tham số «{key}» phải là true hoặc false, không phải «{value}»")))
                }
            };
            match key.as_str() {
                "format" => query.format = Some(value.clone()),
                "plain" => query.plain = flag()?,
                "signature_fields" => query.signature_fields = flag()?,
                _ => {
                    return Err(ApiError::BadRequest(format!(
                        "tham số «{key}» không được nhận; các tham số: format, plain, signature_fields"
                    )));
                }
            }
        }
        Ok(query)
    }
}

pub async fn render(
    State(state): State<Arc<AppState>>,
    Path(kind): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    request: Request,
) -> Result<Response, ApiError> {
    let kind = parse_kind(&kind)?;
    let query = RenderQuery::parse(query)?;
    let format = OutFormat::parse(kind, query.format.as_deref())?;
    let flavour = if query.plain { PdfFlavour::PLAIN } else { PdfFlavour::WITH_DATA };
    let flavour = if query.signature_fields { flavour } else { flavour.without_signature_fields() };
    let upload = Upload::read(request, &state).await?;
    let rendered = on_input(&state, upload, move |state, input| produce(state, kind, format, flavour, &input)).await?;
    Ok(file_response(&state, rendered))
}

/// Renders `input` as `kind` in `format`, timing it for the metrics.
pub fn produce(
    state: &AppState,
    kind: Kind,
    format: OutFormat,
    flavour: PdfFlavour,
    input: &Assembled,
) -> Result<Rendered, ApiError> {
    let started = Instant::now();
    let renderer = &state.renderer;
    let result = match format {
        OutFormat::Pdf => renderer.render(kind, &input.value, flavour),
        OutFormat::Zip => renderer.render_zip(kind, &input.value, flavour),
        OutFormat::Png => renderer.preview(kind, &input.value),
        OutFormat::Json => kinds::reconcile(&input.value).map_err(Error::Input).map(|checked| Rendered {
            bytes: serde_json::to_vec_pretty(&checked.value).expect("views serialise"),
            file_name: "doi-chieu-kttdv.json".into(),
            title: "Kết quả đối chiếu.json".into(),
            pages: 0,
            slots: Vec::new(),
            warnings: checked.warnings,
        }),
    };
    let mut rendered = result.map_err(|err| match err {
        Error::Input(problems) => ApiError::Input(input.relocate(problems)),
        Error::Render(err) => ApiError::Template(err),
    })?;
    rendered.warnings = input.warnings(std::mem::take(&mut rendered.warnings));
    state.metrics.rendered(kind.name(), started.elapsed().as_secs_f64(), rendered.pages);
    Ok(rendered)
}

/// A file to download: its type, its names (ASCII and UTF-8), the template
/// version, its page count, how many warnings it carries, and where its
/// signatures go.
pub fn file_response(state: &AppState, rendered: Rendered) -> Response {
    // A file is named after its format: its extension says which.
    let format = rendered.file_name.rsplit('.').next().and_then(|e| e.parse::<OutFormat>().ok());
    let content_type = format.map_or("application/octet-stream", OutFormat::media_type);
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        rendered.file_name,
        percent_encode(&rendered.title)
    );
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).expect("ASCII"));
    let version = HeaderValue::from_str(state.renderer.template_version()).expect("hex");
    headers.insert("x-kttdv-template-version", version);
    headers.insert("x-kttdv-pages", HeaderValue::from(rendered.pages));
    headers.insert("x-kttdv-warnings", HeaderValue::from(rendered.warnings.len()));
    // A header is ASCII: the anchors' Vietnamese as JSON escapes.
    let slots = ascii_json(&serde_json::to_string(&rendered.slots).expect("slots serialise"));
    headers.insert("x-kttdv-signature-slots", HeaderValue::from_str(&slots).expect("ASCII"));
    (headers, rendered.bytes).into_response()
}

/// JSON text with every character outside ASCII written as `\uXXXX`.
fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// RFC 5987: every byte outside the unreserved set as `%XX`.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_a_header_is_ascii_and_reads_back_the_same() {
        let slots = json!([{ "anchor": "Trần Văn Hùng 𝔸" }]).to_string();
        let ascii = ascii_json(&slots);
        assert!(ascii.is_ascii(), "{ascii}");
        assert!(ascii.contains(r"Tr\u1ea7n"), "{ascii}");
        assert_eq!(serde_json::from_str::<Value>(&ascii).unwrap(), serde_json::from_str::<Value>(&slots).unwrap());
    }

    #[test]
    fn a_render_query_names_what_it_cannot_take() {
        let pairs = |p: &[(&str, &str)]| p.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let query = RenderQuery::parse(pairs(&[("plain", "1"), ("signature_fields", "false")])).unwrap();
        assert!(query.plain && !query.signature_fields);
        for bad in [&[("plain", "maybe")][..], &[("pages", "2")]] {
            let ApiError::BadRequest(message) = RenderQuery::parse(pairs(bad)).err().unwrap() else { panic!() };
            assert!(message.contains(&format!("«{}»", bad[0].0)), "{message}");
        }
    }
}
