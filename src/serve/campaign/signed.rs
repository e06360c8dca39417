//! Signed originals over HTTP: a unit's PDF as it signed it, checked by
//! the campaign layer against its current version, and given back to the
//! levels above.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::campaign::SignedUpload;
use crate::serve::AppState;
use crate::serve::api::parse_kind;
use crate::serve::error::ApiError;
use crate::serve::upload::Upload;

use super::answers::SignedKept;
use super::{Reached, UnitPath};

/// The unit uploads the PDF it signed (a form with one file), kept as
/// [`crate::campaign::Campaigns::keep_signed`] says.
pub(super) async fn upload_signed(
    State(state): State<Arc<AppState>>,
    Reached { account, mut lineage }: Reached,
    Path(UnitPath { campaign, .. }): Path<UnitPath>,
    upload: Upload,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let unit = lineage.remove(0);
    let Upload::Files { mut files, input: None, .. } = upload else {
        return Err(ApiError::BadRequest("gửi biểu mẫu multipart/form-data với một tệp PDF đã ký".into()));
    };
    let (Some(file), true) = (files.pop(), files.is_empty()) else {
        return Err(ApiError::BadRequest("gửi đúng một tệp PDF đã ký".into()));
    };
    let file = SignedUpload { name: file.name, bytes: file.bytes.into() };
    let kept = state.campaigns().keep_signed(&campaign, &unit, file, &account.login).await?;
    let answer = SignedKept {
        version: kept.version,
        kind: kept.kind.name(),
        signed: true,
        signer: kept.signer,
        sha256: kept.sha256,
        file_name: kept.file_name,
    };
    Ok((axum::http::StatusCode::CREATED, Json(json!(answer))))
}

/// The signed original of the unit's current version, of `kind`, for the
/// unit and the levels above it.
pub(super) async fn signed_original(
    State(state): State<Arc<AppState>>,
    Reached { account, mut lineage }: Reached,
    Path((campaign, _, kind)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let unit = lineage.remove(0);
    let kind = parse_kind(&kind)?;
    let kept = state.campaigns().signed_original(&campaign, &unit, kind, &account.login).await?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", kept.file_name)).map_err(ApiError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/pdf")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        kept.bytes,
    )
        .into_response())
}
