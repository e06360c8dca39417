//! A request's input: read within the limits (a few bodies at once, each
//! within the body timeout), the uploaded files kept in a private folder,
//! assembled as the command line assembles files and checked against the
//! member limit; and the render worker that runs a job on it. An extractor,
//! so that a handler receives its upload already read.

use std::sync::Arc;

use std::future::Future;

use axum::Form;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use serde_json::Value;

use super::AppState;
use super::error::ApiError;
use crate::assemble::Assembled;
use crate::input::{self, Code, InputError, JsonPath};

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
        bounded(state, Self::receive(request, state.limits.body_bytes)).await
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
                let save = |name: &str, bytes: &[u8]| keep(&folder, name, bytes);
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

/// A file sent alone, kept in a private folder (removed when dropped):
/// where, and its name as its sender had it.
pub struct KeptUpload {
    _folder: tempfile::TempDir,
    pub path: std::path::PathBuf,
    pub name: String,
}

impl Upload {
    /// The one file sent (a JSON body is `default_name`), kept in a private folder.
    pub fn one_file(self, default_name: &str) -> Result<KeptUpload, ApiError> {
        let (name, bytes) = match self {
            Upload::Json(bytes) => (default_name.to_owned(), bytes),
            Upload::Files { input: None, mut files, cell_options, fields }
                if files.len() == 1 && cell_options.is_empty() && fields.is_empty() =>
            {
                let file = files.remove(0);
                (file.name, file.bytes)
            }
            Upload::Files { .. } => return Err(ApiError::BadRequest("gửi đúng một tệp".into())),
        };
        let folder = crate::private::folder().map_err(ApiError::internal)?;
        let path = keep(&folder, &name, &bytes)?;
        Ok(KeptUpload { _folder: folder, path, name })
    }
}

/// Writes `bytes` as the file `name` in `folder`: only the last part of the
/// name, so that an upload cannot write outside its folder.
fn keep(folder: &tempfile::TempDir, name: &str, bytes: &[u8]) -> Result<std::path::PathBuf, ApiError> {
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

/// Reads a body with `reading`: one of the few read at once (their memory
/// is bounded by `uploads` × `body_bytes`), within the body timeout.
async fn bounded<T>(state: &AppState, reading: impl Future<Output = Result<T, ApiError>>) -> Result<T, ApiError> {
    let limits = &state.limits;
    let _slot = tokio::time::timeout(limits.wait, state.uploads.acquire())
        .await
        .map_err(|_| ApiError::Busy)?
        .expect("the semaphore is never closed");
    tokio::time::timeout(limits.body_timeout, reading)
        .await
        .map_err(|_| ApiError::SlowUpload(limits.body_timeout.as_secs()))?
}

/// The fields of a page's form (`application/x-www-form-urlencoded`), read
/// within the same bounds as an upload.
pub struct FormFields(pub Vec<(String, String)>);

impl FromRequest<Arc<AppState>> for FormFields {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let limit = state.limits.body_bytes;
        bounded(state, async {
            let (parts, body) = request.into_parts();
            let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| ApiError::TooLarge(limit))?;
            let request = Request::from_parts(parts, axum::body::Body::from(bytes));
            let Form(fields) = Form::<Vec<(String, String)>>::from_request(request, &())
                .await
                .map_err(|_| ApiError::BadRequest("biểu mẫu gửi lên không đọc được".into()))?;
            Ok(FormFields(fields))
        })
        .await
    }
}

impl FromRequest<Arc<AppState>> for Upload {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        Upload::read(request, state).await
    }
}
