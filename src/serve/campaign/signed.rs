//! Signed originals: a unit's PDF as it signed it, checked against its
//! current version, and given back to the levels above.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::campaign::Action;
use crate::hash::sha256;
use crate::input::{Code, InputError, JsonPath};
use crate::serve::AppState;
use crate::serve::api::parse_kind;
use crate::serve::error::ApiError;
use crate::serve::session::Actor;
use crate::serve::upload::Upload;

use super::submission::{documents_of, input_of, read_logged};
use super::{UnitPath, reach};

/// The unit uploads the PDF it signed (a form with one file). Kept only
/// when it is a kttdv PDF of one of the unit's kinds whose carried data,
/// its SHA-256 checked, is the input of the unit's current version, the
/// version submitted or approved; and, when signed, when the last
/// signature's byte range covers the whole file. The certificate is not
/// checked (see README, "Signed originals").
pub(super) async fn upload_signed(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    upload: Upload,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let unit = reach(&state, &account, &campaign, &code, Action::Edit).await?.remove(0);
    let Upload::Files { mut files, input: None, .. } = upload else {
        return Err(ApiError::BadRequest("gửi biểu mẫu multipart/form-data với một tệp PDF đã ký".into()));
    };
    let (Some(file), true) = (files.pop(), files.is_empty()) else {
        return Err(ApiError::BadRequest("gửi đúng một tệp PDF đã ký".into()));
    };
    let Some(number) = unit.current.filter(|_| unit.state.received()) else {
        return Err(ApiError::Conflict(format!(
            "báo cáo của «{}» {}: nộp báo cáo rồi mới gửi bản đã ký",
            unit.name,
            unit.state.label()
        )));
    };
    let bytes = file.bytes.clone();
    let attached = state.pool.run(move || crate::extract(&bytes)).await?;
    let place = |e: InputError| InputError { file: Some(file.name.clone()), ..e };
    let attached = attached.map_err(|e| ApiError::Input(vec![place(e)]))?;
    let mut problems = Vec::new();
    let kind = documents_of(unit.level).iter().find(|k| k.name() == attached.kind).copied();
    if kind.is_none() {
        let message = format!("PDF loại «{}» không phải văn bản {} lập", attached.kind, unit.level.label());
        problems.push(place(InputError::new(Code::OtherUnit, JsonPath::root(), message)));
    }
    if input_of(&state, &campaign, &unit, None).await? != attached.input {
        let message = format!(
            "PDF không lập từ phiên bản hiện hành ({number}) của «{}»; hãy tải văn bản từ kttdv, ký rồi gửi lại",
            unit.name
        );
        problems.push(place(InputError::new(Code::OtherVersion, JsonPath::root(), message)));
    }
    let signed = attached.signing == crate::Signing::Signed;
    if attached.signing == crate::Signing::ChangedAfterSigning {
        problems.extend(attached.signing.warning().map(place));
    }
    let Some(kind) = kind.filter(|_| problems.is_empty()) else { return Err(ApiError::Input(problems)) };
    let file_name = format!("{}_{code}_phien-ban-{number}_da-ky.pdf", kind.name());
    let kept =
        crate::store::Signed { unit: &code, number, kind: kind.name(), file_name: &file_name, bytes: &file.bytes };
    state.store.put_signed(&campaign, &kept, &account.login).await?;
    tracing::info!(campaign, unit = code, version = number, kind = kind.name(), signed, "đã nhận bản đã ký");
    let answer = json!({ "version": number, "kind": kind.name(), "signed": signed, "sha256": sha256(&file.bytes) });
    Ok((axum::http::StatusCode::CREATED, Json(answer)))
}

/// The signed original of the unit's current version, of `kind`, for the
/// unit and the levels above it.
pub(super) async fn signed_original(
    State(state): State<Arc<AppState>>,
    Actor(account): Actor,
    Path((campaign, code, kind)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let unit = reach(&state, &account, &campaign, &code, Action::Read).await?.remove(0);
    let kind = parse_kind(&kind)?;
    if !documents_of(unit.level).contains(&kind) {
        return Err(ApiError::BadRequest(format!("{} không lập loại {}", unit.level.label(), kind.name())));
    }
    let number = unit.current.ok_or_else(|| ApiError::NoSubmission(code.clone()))?;
    let (file_name, bytes) = state
        .store
        .signed(&campaign, &code, number, kind.name())
        .await?
        .ok_or_else(|| ApiError::NoSigned(format!("{} {}", unit.name, kind.label())))?;
    let what = format!("bản đã ký {}", kind.name());
    read_logged(&state, &account, &campaign, &code, "download", Some(number), &what).await?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")).map_err(ApiError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
