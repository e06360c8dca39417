//! Every way a request can fail, and the one place each becomes an HTTP
//! response: a stable JSON shape with the request's id, a Vietnamese
//! message, never a 500 for bad input; for a page opened in the browser, a
//! page saying the same (`Failure::page`). What went wrong inside the server
//! is logged under that id and never sent to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::engine::RenderError;
use crate::input::{Code, InputError};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("dữ liệu nhập có {} lỗi", .0.len())]
    Input(Vec<InputError>),
    #[error("không có loại văn bản «{0}»")]
    UnknownKind(String),
    #[error("không có trang này")]
    NotFound,
    #[error("địa chỉ này không nhận phương thức {0}")]
    MethodNotAllowed(String),
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
    #[error("gửi dữ liệu quá chậm: chưa nhận đủ sau {0} giây")]
    SlowUpload(u64),
    #[error("máy chủ đang khởi động, chưa sẵn sàng")]
    NotReady,
    #[error(transparent)]
    Template(#[from] RenderError),
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("đơn vị «{0}» chưa có dữ liệu để lập văn bản")]
    NoSubmission(String),
    #[error("sai tên đăng nhập hoặc mật khẩu")]
    SignInFailed,
    #[error("chưa đăng nhập, hoặc phiên làm việc đã hết hạn")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("chưa có bản đã ký của {0} cho phiên bản hiện hành")]
    NoSigned(String),
    /// Sign-in attempts past their free ones: how many seconds to wait.
    #[error("đăng nhập sai nhiều lần; hãy thử lại sau {0} giây")]
    Throttled(i64),
    /// A step the unit's state does not allow, or that another user's came before.
    #[error("{0}")]
    Conflict(String),
}

/// The codes a client may match on, also counted in `/metrics`.
impl ApiError {
    /// A failure inside the server: its detail goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        ApiError::Internal(detail.to_string())
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Input(_) => "invalid-input",
            ApiError::UnknownKind(_) => "unknown-kind",
            ApiError::NotFound => "not-found",
            ApiError::MethodNotAllowed(_) => "method-not-allowed",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::TooLarge(_) => "payload-too-large",
            ApiError::TooManyMembers { .. } => "too-many-members",
            ApiError::UnsupportedFormat { .. } => "unsupported-format",
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Busy => "busy",
            ApiError::Timeout => "timeout",
            ApiError::SlowUpload(_) => "request-timeout",
            ApiError::NotReady => "not-ready",
            ApiError::Template(_) => "template-error",
            ApiError::Internal(_) => "internal",
            ApiError::Store(StoreError::NoCampaign(_)) => "no-campaign",
            ApiError::Store(StoreError::NoUnit(_)) => "no-unit",
            ApiError::Store(StoreError::NoVersion { .. }) => "no-version",
            ApiError::Store(StoreError::CampaignExists(_)) => "campaign-exists",
            ApiError::Store(StoreError::AccountExists(_)) => "account-exists",
            ApiError::Store(StoreError::UnitHasAccount(_)) => "unit-has-account",
            ApiError::Store(StoreError::TooManySaves(_)) => "too-many-saves",
            ApiError::Store(StoreError::UnitFull(_)) => "unit-full",
            ApiError::Store(StoreError::BadCode(_)) => "bad-campaign-code",
            ApiError::Store(StoreError::Conflict(_)) => "conflict",
            ApiError::Store(StoreError::WrongRole { .. }) => "wrong-role",
            ApiError::Store(StoreError::Full(_)) => "storage-full",
            ApiError::Store(StoreError::Unavailable(_)) => "store-unavailable",
            ApiError::Store(_) => "internal",
            ApiError::NoSubmission(_) => "no-submission",
            ApiError::SignInFailed => "sign-in-failed",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Throttled(_) => "throttled",
            ApiError::NoSigned(_) => "no-signed-original",
            ApiError::Conflict(_) => "conflict",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            // An archive, workbook or attachment past the expansion limits.
            ApiError::Input(problems) if problems.iter().any(|p| p.code == Code::TooLarge) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::Input(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UnknownKind(_) | ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooLarge(_) | ApiError::TooManyMembers { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedFormat { .. } | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Busy => StatusCode::TOO_MANY_REQUESTS,
            ApiError::SlowUpload(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Timeout | ApiError::NotReady => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Template(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Store(StoreError::NoCampaign(_) | StoreError::NoUnit(_) | StoreError::NoVersion { .. }) => {
                StatusCode::NOT_FOUND
            }
            ApiError::Store(
                StoreError::CampaignExists(_)
                | StoreError::AccountExists(_)
                | StoreError::UnitHasAccount(_)
                | StoreError::Conflict(_),
            )
            | ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Store(StoreError::BadCode(_) | StoreError::WrongRole { .. }) => StatusCode::BAD_REQUEST,
            ApiError::Store(StoreError::TooManySaves(_)) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Store(StoreError::UnitFull(_)) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Store(StoreError::Full(_)) => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Store(StoreError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::NoSubmission(_) => StatusCode::CONFLICT,
            ApiError::SignInFailed | ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NoSigned(_) => StatusCode::NOT_FOUND,
        }
    }

    /// What the client is told: the server's own failures only by their code.
    fn message(&self) -> String {
        if self.status() == StatusCode::INTERNAL_SERVER_ERROR {
            "lỗi nội bộ của máy chủ; hãy báo người quản trị, kèm mã yêu cầu".to_owned()
        } else {
            self.to_string()
        }
    }
}

/// An error answer before the request's id is known: left on the response
/// by [`ApiError`] and written out, with the id, by [`Failure::finish`].
#[derive(Clone)]
pub struct Failure {
    pub code: &'static str,
    message: String,
    problems: Vec<InputError>,
    /// For the log only.
    detail: Option<String>,
}

/// The body of every error response.
#[derive(Serialize)]
struct Body<'a> {
    code: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<Problem<'a>>,
    request_id: &'a str,
}

/// A problem as answered: where it is as the machine reads it (a JSON path,
/// or sheet, row and column) and, in `where`, as a person does — the words
/// the stateless page uses («trang «Danh sách đảng viên», ô E4»).
#[derive(Serialize)]
pub(crate) struct Problem<'a> {
    #[serde(flatten)]
    problem: &'a InputError,
    #[serde(rename = "where")]
    place: String,
}

impl<'a> Problem<'a> {
    pub(crate) fn of(problem: &'a InputError) -> Self {
        Problem { problem, place: super::place::describe(problem) }
    }
}

/// A use case's failure as an answer.
impl From<crate::campaign::Error> for ApiError {
    fn from(err: crate::campaign::Error) -> Self {
        match err {
            crate::campaign::Error::Store(err) => ApiError::Store(err),
            crate::campaign::Error::Input(problems) => ApiError::Input(problems),
            crate::campaign::Error::NoSubmission(unit) => ApiError::NoSubmission(unit),
            crate::campaign::Error::Conflict(why) => ApiError::Conflict(why),
            crate::campaign::Error::Refused(why) => ApiError::Forbidden(why),
            err @ (crate::campaign::Error::Settings(_) | crate::campaign::Error::NotMade(_)) => {
                ApiError::BadRequest(err.to_string())
            }
            crate::campaign::Error::NoSigned(what) => ApiError::NoSigned(what),
            crate::campaign::Error::NoRecord(_) => ApiError::NotFound,
            crate::campaign::Error::Pool(err) => err.into(),
            crate::campaign::Error::Render(err) => err.into(),
        }
    }
}

/// A job the render pool did not run, as an answer.
impl From<crate::pool::Refused> for ApiError {
    fn from(err: crate::pool::Refused) -> Self {
        match err {
            crate::pool::Refused::Busy => ApiError::Busy,
            crate::pool::Refused::Late => ApiError::Timeout,
            err @ crate::pool::Refused::Failed(_) => ApiError::internal(err),
        }
    }
}

/// A render's failure as an answer: its input's problems, or the server's.
impl From<crate::Error> for ApiError {
    fn from(err: crate::Error) -> Self {
        match err {
            crate::Error::Input(problems) => ApiError::Input(problems),
            crate::Error::Render(err) => ApiError::Template(err),
            crate::Error::Write(err) => ApiError::internal(err),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let detail = match &self {
            ApiError::Template(err) => Some(err.to_string()),
            ApiError::Internal(detail) => Some(detail.clone()),
            ApiError::Store(StoreError::Full(detail) | StoreError::Unavailable(detail)) => Some(detail.clone()),
            ApiError::Store(err) => Some(err.to_string()),
            _ => None,
        };
        let message = self.message();
        let (code, status) = (self.code(), self.status());
        let wait = match &self {
            ApiError::Throttled(seconds) => HeaderValue::from(*seconds),
            _ => HeaderValue::from_static("1"),
        };
        let problems = match self {
            ApiError::Input(problems) => problems,
            _ => Vec::new(),
        };
        let mut response = status.into_response();
        if matches!(code, "busy" | "timeout" | "not-ready" | "throttled") {
            response.headers_mut().insert(header::RETRY_AFTER, wait);
        }
        response.extensions_mut().insert(Failure { code, message, problems, detail });
        response
    }
}

impl Failure {
    /// The codes of the problems, for the metrics.
    pub fn problem_codes(&self) -> Vec<&'static str> {
        self.problems.iter().map(|p| p.code.as_str()).collect()
    }

    /// The answer as sent: the JSON body with the request's id; the
    /// server's own failures logged in full under that id, as errors (a
    /// refusal the user can mend, such as a conflict, only as information,
    /// so that the log's errors are the server's).
    pub fn finish(self, response: Response, request_id: &str) -> Response {
        self.log(&response, request_id);
        let problems = self.problems.iter().map(Problem::of).collect();
        let body = Body { code: self.code, message: &self.message, problems, request_id };
        with_body(response, Json(body).into_response(), "application/json")
    }

    /// The same for a person who opened a page: a page saying it in words,
    /// with the request's id to quote.
    pub fn page(self, response: Response, request_id: &str, pages: &super::page::Pages) -> Response {
        self.log(&response, request_id);
        let problems: Vec<Value> = self
            .problems
            .iter()
            .map(|p| serde_json::json!({ "place": super::place::describe(p), "message": p.message }))
            .collect();
        let context = serde_json::json!({ "message": self.message, "problems": problems, "request_id": request_id });
        with_body(response, pages.page("error.html", &context), "text/html; charset=utf-8")
    }

    fn log(&self, response: &Response, request_id: &str) {
        match (&self.detail, response.status().is_server_error()) {
            (Some(detail), true) => tracing::error!(request_id, code = self.code, "{detail}"),
            (Some(detail), false) => tracing::info!(request_id, code = self.code, "{detail}"),
            (None, _) => {}
        }
    }

    /// An error answer that did not come from [`ApiError`] (a framework's
    /// own 404, 405 or rejection), in the same shape.
    /// `body_limit` is the service's, which a framework's 413 enforced.
    pub fn of_status(status: StatusCode, method: &str, body_limit: usize) -> Option<ApiError> {
        Some(match status {
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed(method.to_owned()),
            StatusCode::NOT_FOUND => ApiError::NotFound,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge(body_limit),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(String::new()),
            s if s.is_client_error() => ApiError::BadRequest("yêu cầu không hợp lệ".into()),
            s if s.is_server_error() => ApiError::internal(format!("trả lời {s} không rõ nguồn")),
            _ => return None,
        })
    }
}

/// `response` (its status and headers) with the body of `body`.
fn with_body(response: Response, body: Response, content_type: &'static str) -> Response {
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut response = Response::from_parts(parts, body.into_body());
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_use_cases_failure_answers_with_its_own_status_and_code() {
        let answer = |err: crate::campaign::Error| {
            let err = ApiError::from(err);
            (err.status(), err.code())
        };
        assert_eq!(answer(crate::campaign::Error::Conflict("x".into())), (StatusCode::CONFLICT, "conflict"));
        assert_eq!(
            answer(crate::campaign::Error::Input(Vec::new())),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid-input")
        );
        assert_eq!(answer(crate::campaign::Error::NoSubmission("A".into())), (StatusCode::CONFLICT, "no-submission"));
        assert_eq!(answer(crate::campaign::Error::Settings("x".into())).0, StatusCode::BAD_REQUEST);
        let full = crate::campaign::Error::Store(StoreError::Full("disk".into()));
        assert_eq!(answer(full), (StatusCode::INSUFFICIENT_STORAGE, "storage-full"));
    }

    #[test]
    fn the_servers_own_failure_says_nothing_of_itself_to_the_client() {
        let err = ApiError::internal("/var/lib/kttdv: permission denied");
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!err.message().contains("/var/lib"), "{}", err.message());
    }
}
