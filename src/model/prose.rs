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

impl Block {
    /// A line as a secretary types it in a text box or a sheet cell:
    /// "- " starts an item, "+ " a sub-item, anything else is a paragraph.
    pub fn from_line(line: &str) -> Option<Self> {
        let line = line.trim();
        let plain = |text: &str| Inline(vec![Span { text: text.trim().to_owned(), italic: false, bold: false }]);
        if line.is_empty() {
            None
        } else if let Some(rest) = line.strip_prefix("- ") {
            Some(Block::Item(plain(rest)))
        } else if let Some(rest) = line.strip_prefix("+ ") {
            Some(Block::Subitem(plain(rest)))
        } else {
            Some(Block::Paragraph(plain(line)))
        }
    }

    /// The block as one line of text, as [`Block::from_line`] reads it
    /// (italic and bold are not kept).
    pub fn to_line(&self) -> String {
        let text = |inline: &Inline| inline.0.iter().map(|s| s.text.as_str()).collect::<String>();
        match self {
            Block::Paragraph(inline) => text(inline),
            Block::Item(inline) => format!("- {}", text(inline)),
            Block::Subitem(inline) => format!("+ {}", text(inline)),
        }
    }

    /// Every non-empty line of `text`, as blocks.
    pub fn from_text(text: &str) -> Vec<Self> {
        text.lines().filter_map(Self::from_line).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Block;

    #[test]
    fn typed_lines_become_paragraphs_items_and_subitems_and_back() {
        let text = "Chi bộ đã kiểm tra đủ.\n\n- Thẻ hỏng: 1\n+ do ẩm\n";
        let blocks = Block::from_text(text);
        let lines: Vec<String> = blocks.iter().map(Block::to_line).collect();
        assert_eq!(lines, ["Chi bộ đã kiểm tra đủ.", "- Thẻ hỏng: 1", "+ do ẩm"]);
        let json = serde_json::to_value(&blocks).unwrap();
        assert_eq!(
            json[0],
            serde_json::json!({ "paragraph": [{ "text": "Chi bộ đã kiểm tra đủ.", "italic": false, "bold": false }] })
        );
        assert_eq!(json[1]["item"][0]["text"], "Thẻ hỏng: 1");
    }
}
