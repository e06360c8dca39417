//! `/api`: every kind the command line knows, as JSON in and a file out.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::response::Response;
use serde::Serialize;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use super::file::file_response;
use super::upload::{Upload, on_input};
use crate::assemble::Assembled;
use crate::kinds::Kind;
use crate::{Error, PdfFlavour, Rendered};
use crate::{OutFormat, Output};

/// The format `asked` for a kind (its default when none), or why not.
fn out_format(kind: Kind, asked: Option<&str>) -> Result<OutFormat, ApiError> {
    let allowed = OutFormat::allowed(kind);
    let Some(asked) = asked else { return Ok(allowed[0]) };
    asked.parse().ok().filter(|f| allowed.contains(f)).ok_or_else(|| ApiError::UnsupportedFormat {
        kind: kind.name(),
        format: asked.to_owned(),
        allowed: allowed.iter().map(|f| f.name()).collect::<Vec<_>>().join(", "),
    })
}

pub fn parse_kind(name: &str) -> Result<Kind, ApiError> {
    name.parse().map_err(|_| ApiError::UnknownKind(name.to_owned()))
}

/// The kind a route's path names, refused before any body is read.
pub struct KindPath(pub Kind);

impl<S: Send + Sync> FromRequestParts<S> for KindPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(name) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| ApiError::NotFound)?;
        parse_kind(&name).map(KindPath)
    }
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

pub async fn schema(KindPath(kind): KindPath) -> Json<schemars::Schema> {
    Json(kind.schema())
}

pub async fn example(State(state): State<Arc<AppState>>, KindPath(kind): KindPath) -> Json<Value> {
    Json(state.examples.input(kind).clone())
}

pub async fn check(
    State(state): State<Arc<AppState>>,
    KindPath(kind): KindPath,
    upload: Upload,
) -> Result<Json<Value>, ApiError> {
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

impl<S: Send + Sync> FromRequestParts<S> for RenderQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::BadRequest("tham số của địa chỉ không đọc được".into()))?;
        Self::parse(pairs)
    }
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
    KindPath(kind): KindPath,
    query: RenderQuery,
    upload: Upload,
) -> Result<Response, ApiError> {
    let format = out_format(kind, query.format.as_deref())?;
    let flavour = if query.plain { PdfFlavour::PLAIN } else { PdfFlavour::WITH_DATA };
    let flavour = if query.signature_fields { flavour } else { flavour.without_signature_fields() };
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
    let result = renderer.make(kind, &input.value, Output::of(format, flavour));
    let mut rendered = result.map_err(|err| match err {
        Error::Input(problems) => ApiError::Input(input.relocate(problems)),
        err => err.into(),
    })?;
    rendered.warnings = input.warnings(std::mem::take(&mut rendered.warnings));
    state.metrics.rendered(kind.name(), started.elapsed().as_secs_f64(), rendered.pages);
    Ok(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;

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
