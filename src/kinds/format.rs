//! What a kind is written as: a PDF, a ZIP of its files, a preview of its
//! first page, or (the reconciliation) its data.

use super::Kind;

/// What a render writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum OutFormat {
    Pdf,
    Zip,
    /// A preview of the first page.
    Png,
    /// The reconciliation as data.
    Json,
}

impl OutFormat {
    /// The formats a kind can be written in; the first is its default.
    pub fn allowed(kind: Kind) -> &'static [OutFormat] {
        match kind {
            Kind::Packet => &[OutFormat::Pdf, OutFormat::Zip, OutFormat::Png],
            Kind::HoSoCoSo | Kind::HoSoBan => &[OutFormat::Zip, OutFormat::Png],
            Kind::DoiChieu => &[OutFormat::Pdf, OutFormat::Png, OutFormat::Json],
            _ => &[OutFormat::Pdf, OutFormat::Png],
        }
    }

    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The media type of a file in this format.
    pub fn media_type(self) -> &'static str {
        match self {
            OutFormat::Pdf => "application/pdf",
            OutFormat::Zip => "application/zip",
            OutFormat::Png => "image/png",
            OutFormat::Json => "application/json",
        }
    }
}
