//! Signed originals: a unit's PDF as it signed it, checked against its
//! current version, and given back to the levels above.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::hash::sha256;
use crate::input::{Code, InputError, JsonPath};
use crate::serve::AppState;
use crate::serve::api::parse_kind;
use crate::serve::error::ApiError;
use crate::serve::upload::Upload;

use super::answers::SignedKept;
use super::submission::{made_document, read_logged};
use super::{Reached, UnitPath};
use crate::campaign::{documents_of, input_of};

/// The unit uploads the PDF it signed (a form with one file). Kept only
/// when it is the document of one of the unit's kinds that kttdv makes
/// from the unit's current version — submitted or approved — byte for
/// byte, followed only by updates that sign it; and when its signatures
/// hold (their CMS values over their byte ranges, the last one over the
/// whole file). The certificate's chain is not checked (README, "Signed
/// originals"). Once approved or accepted, a kept original stays.
pub(super) async fn upload_signed(
    State(state): State<Arc<AppState>>,
    Reached { account, mut lineage }: Reached,
    Path(UnitPath { campaign, code }): Path<UnitPath>,
    upload: Upload,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let unit = lineage.remove(0);
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
    let bytes = Arc::new(file.bytes.clone());
    let reading = bytes.clone();
    let attached = state.pool.run(move || crate::extract(&reading)).await?;
    let place = |e: InputError| InputError { file: Some(file.name.clone()), ..e };
    let attached = attached.map_err(|e| ApiError::Input(vec![place(e)]))?;
    let Some(kind) = documents_of(unit.level).iter().find(|k| k.name() == attached.kind).copied() else {
        let message = format!("PDF loại «{}» không phải văn bản {} lập", attached.kind, unit.level.label());
        return Err(ApiError::Input(vec![place(InputError::new(Code::OtherUnit, JsonPath::root(), message))]));
    };
    let mut problems = Vec::new();
    if input_of(&state.store, &campaign, &unit, None).await? != attached.input {
        let message = format!(
            "PDF không lập từ phiên bản hiện hành ({number}) của «{}»; hãy tải văn bản từ kttdv, ký rồi gửi lại",
            unit.name
        );
        problems.push(place(InputError::new(Code::OtherVersion, JsonPath::root(), message)));
    } else {
        // The same data could be carried by other pages: the document is made
        // again (the same bytes every time) and must begin the upload.
        let made = made_document(&state, &campaign, &unit, kind, None).await?.rendered.bytes;
        let upload = bytes.clone();
        if let Err(change) = state.pool.run(move || crate::added_to(&made, &upload)).await? {
            let message = format!("{change}; hãy tải văn bản từ kttdv, ký rồi gửi lại");
            problems.push(place(InputError::new(Code::NotTheDocument, JsonPath::root(), message)));
        }
    }
    let signer = match &attached.signing {
        crate::Signing::Signed { signer } => Some(signer.clone()),
        other => {
            problems.extend(other.warning().map(place));
            None
        }
    };
    let Some(signer) = signer.filter(|_| problems.is_empty()) else { return Err(ApiError::Input(problems)) };
    let file_name = format!("{}_{code}_phien-ban-{number}_da-ky.pdf", kind.name());
    let kept = crate::store::Signed {
        unit: &code,
        number,
        kind: kind.name(),
        file_name: &file_name,
        bytes: &bytes,
        signer: &signer,
    };
    state.store.put_signed(&campaign, &kept, &account.login).await?;
    tracing::info!(campaign, unit = code, version = number, kind = kind.name(), "đã nhận bản đã ký");
    let answer =
        SignedKept { version: number, kind: kind.name(), signed: true, signer, sha256: sha256(&bytes), file_name };
    Ok((axum::http::StatusCode::CREATED, Json(json!(answer))))
}

/// The signed original of the unit's current version, of `kind`, for the
/// unit and the levels above it.
pub(super) async fn signed_original(
    State(state): State<Arc<AppState>>,
    Reached { account, mut lineage }: Reached,
    Path((campaign, code, kind)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let unit = lineage.remove(0);
    let kind = parse_kind(&kind)?;
    if !documents_of(unit.level).contains(&kind) {
        return Err(ApiError::BadRequest(format!("{} không lập loại {}", unit.level.label(), kind.name())));
    }
    let number = unit.current.ok_or_else(|| ApiError::NoSubmission(unit.name.clone()))?;
    let (file_name, bytes) = state
        .store
        .signed(&campaign, &code, number, kind.name())
        .await?
        .ok_or_else(|| ApiError::NoSigned(format!("{} {}", unit.name, kind.label())))?;
    let what = format!("bản đã ký {}", kind.name());
    read_logged(&state, &account, &campaign, &code, crate::store::EventAction::Download, Some(number), &what).await?;
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
