//! Every way a request can fail, and the one place each becomes an HTTP
//! response: a stable JSON shape, a Vietnamese message, never a 500 for
//! bad input.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::engine::RenderError;
use crate::input::InputError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("dữ liệu nhập có {} lỗi", .0.len())]
    Input(Vec<InputError>),
    #[error("không có loại văn bản «{0}»")]
    UnknownKind(String),
    #[error("không có trang này")]
    NotFound,
    #[error("kiểu nội dung «{0}» không được nhận; hãy gửi application/json hoặc multipart/form-data")]
    UnsupportedMediaType(String),
    #[error("dữ liệu gửi lên quá lớn (tối đa {0} byte)")]
    TooLarge(usize),
    #[error("có {count} đảng viên trong một yêu cầu, vượt giới hạn {limit}")]
    TooManyMembers { count: usize, limit: usize },
    #[error("loại {kind} không xuất được dạng «{format}»; các dạng: {allowed}")]
    UnsupportedFormat { kind: &'static str, format: String, allowed: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("máy chủ đang bận, hãy thử lại sau giây lát")]
    Busy,
    #[error("yêu cầu chờ quá lâu; hãy thử lại sau")]
    Timeout,
    #[error("máy chủ đang khởi động, chưa sẵn sàng")]
    NotReady,
    #[error(transparent)]
    Template(#[from] RenderError),
    #[error("lỗi nội bộ: {0}")]
    Internal(String),
}

/// The codes a client may match on, also counted in `/metrics`.
impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Input(_) => "invalid-input",
            ApiError::UnknownKind(_) => "unknown-kind",
            ApiError::NotFound => "not-found",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::TooLarge(_) => "payload-too-large",
            ApiError::TooManyMembers { .. } => "too-many-members",
            ApiError::UnsupportedFormat { .. } => "unsupported-format",
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Busy => "busy",
            ApiError::Timeout => "timeout",
            ApiError::NotReady => "not-ready",
            ApiError::Template(_) => "template-error",
            ApiError::Internal(_) => "internal",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::Input(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UnknownKind(_) | ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooLarge(_) | ApiError::TooManyMembers { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedFormat { .. } | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Busy => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout | ApiError::NotReady => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Template(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The body of every error response.
#[derive(Serialize)]
struct Body<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    problems: &'a [InputError],
}

/// Left on the response for the metrics layer: the error's code and, for
/// invalid input, the code of each problem.
#[derive(Clone)]
pub struct Recorded {
    pub code: &'static str,
    pub problems: Vec<&'static str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problems: &[InputError] = match &self {
            ApiError::Input(problems) => problems,
            _ => &[],
        };
        let body = Body { code: self.code(), message: self.to_string(), problems };
        let mut response = (self.status(), Json(body)).into_response();
        if matches!(self, ApiError::Busy | ApiError::Timeout | ApiError::NotReady) {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        let recorded = Recorded { code: self.code(), problems: problems.iter().map(|p| p.code.as_str()).collect() };
        response.extensions_mut().insert(recorded);
        response
    }
}
