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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_written_in_its_default_format_first_and_a_preview_always() {
        for kind in Kind::all() {
            let allowed = OutFormat::allowed(kind);
            assert!(allowed.contains(&OutFormat::Png), "{}: a preview", kind.name());
            let default = if kind.is_bundle() { OutFormat::Zip } else { OutFormat::Pdf };
            assert_eq!(allowed[0], default, "{}", kind.name());
        }
        assert!(OutFormat::allowed(Kind::DoiChieu).contains(&OutFormat::Json), "the reconciliation as data");
        assert!(!OutFormat::allowed(Kind::Mau1).contains(&OutFormat::Zip));
    }

    #[test]
    fn a_format_reads_back_from_its_name_and_says_its_media_type() {
        for format in [OutFormat::Pdf, OutFormat::Zip, OutFormat::Png, OutFormat::Json] {
            assert_eq!(format.name().parse::<OutFormat>(), Ok(format));
            assert!(format.media_type().ends_with(format.name()), "{}", format.media_type());
        }
        assert!("docx".parse::<OutFormat>().is_err());
    }
}
