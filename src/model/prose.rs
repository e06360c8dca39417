//! Running text that is data, never markup: paragraphs and "- "/"+ " lines
//! made of pieces, some italic or bold.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A paragraph, a "- " line or a "+ " line.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Block {
    Paragraph(Inline),
    Item(Inline),
    Subitem(Inline),
}

/// Running text: a plain string, or a list of pieces some of which are
/// italic or bold. Styling is data, never markup.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(from = "InlineInput", into = "Vec<Span>")]
pub struct Inline(Vec<Span>);

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
enum InlineInput {
    Plain(String),
    Pieces(Vec<Piece>),
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
enum Piece {
    Plain(String),
    Styled(Span),
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Span {
    pub text: String,
    #[serde(default)]
    pub italic: bool,
    #[serde(default)]
    pub bold: bool,
}

impl From<InlineInput> for Inline {
    fn from(input: InlineInput) -> Self {
        let plain = |text| Span { text, italic: false, bold: false };
        Self(match input {
            InlineInput::Plain(text) => vec![plain(text)],
            InlineInput::Pieces(pieces) => pieces
                .into_iter()
                .map(|p| match p {
                    Piece::Plain(text) => plain(text),
                    Piece::Styled(span) => span,
                })
                .collect(),
        })
    }
}

impl From<Inline> for Vec<Span> {
    fn from(inline: Inline) -> Self {
        inline.0
    }
}
