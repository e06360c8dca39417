//! A file in an answer: its type, its names (ASCII and UTF-8), the template
//! version, its page count, its warnings and where its signatures go.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::OutFormat;
use crate::Rendered;

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
pub(super) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn json_in_a_header_is_ascii_and_reads_back_the_same() {
        let slots = json!([{ "anchor": "Trần Văn Hùng 𝔸" }]).to_string();
        let ascii = ascii_json(&slots);
        assert!(ascii.is_ascii(), "{ascii}");
        assert!(ascii.contains(r"Tr\u1ea7n"), "{ascii}");
        assert_eq!(serde_json::from_str::<Value>(&ascii).unwrap(), serde_json::from_str::<Value>(&slots).unwrap());
    }
}
