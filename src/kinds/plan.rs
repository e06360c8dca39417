//! A general Party document (plan, report, guidance): numbered sections of
//! paragraphs and bullet lines inside the 36-HD frame.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::input::{InputError, JsonPath, ObjectReader};
use crate::model::frame::{Header, Signature};
use crate::model::prose::Block;
use crate::model::scalar::Text;

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub header: Header,
    /// Loại văn bản, e.g. "KẾ HOẠCH".
    #[serde(rename = "type")]
    pub doc_type: Text,
    /// Trích yếu nội dung.
    pub subject: Text,
    /// Paragraphs before the first section.
    #[serde(default)]
    pub intro: Vec<Block>,
    /// Numbered by the template (1., 2., 3.1., …).
    #[serde(default)]
    pub sections: Vec<Section>,
    /// Paragraphs after the last section.
    #[serde(default)]
    pub closing: Vec<Block>,
    /// Nơi nhận, one line each; the last is usually "Lưu …".
    #[serde(default)]
    pub recipients: Vec<Text>,
    pub signature: Signature,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: Text,
    #[serde(default)]
    pub body: Vec<Block>,
    #[serde(default)]
    pub sections: Vec<Section>,
}

impl Plan {
    pub fn parse(value: &Value) -> Result<Self, Vec<InputError>> {
        // Every field is read before any is required, so all problems show.
        let mut r = ObjectReader::new(value, JsonPath::root());
        let header = r.field("header");
        let doc_type = r.field("type");
        let subject = r.field("subject");
        let intro = r.optional("intro");
        let sections = r.list("sections");
        let closing = r.optional("closing");
        let recipients = r.optional("recipients");
        let signature = r.field("signature");
        let problems = r.finish();
        let plan = (|| {
            Some(Self {
                header: header?,
                doc_type: doc_type?,
                subject: subject?,
                intro: intro?.unwrap_or_default(),
                sections: sections?,
                closing: closing?.unwrap_or_default(),
                recipients: recipients?.unwrap_or_default(),
                signature: signature?,
            })
        })();
        match plan {
            Some(plan) if problems.is_empty() => Ok(plan),
            _ => Err(problems),
        }
    }
}
