//! The document kinds kttdv renders: each reads its input, applies its
//! rules, and hands its template a view of the data.

mod cell;
mod plan;

use schemars::{Schema, schema_for};
use serde_json::Value;

use crate::input::{InputError, JsonPath};
use crate::model::roster::{Roster, RosterInput};

use self::cell::CellView;
pub use self::plan::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
pub enum Kind {
    #[strum(serialize = "plan")]
    Plan,
    #[strum(serialize = "mau-1")]
    Report,
    #[strum(serialize = "mau-2")]
    StampList,
    #[strum(serialize = "mau-3")]
    DamagedList,
    #[strum(serialize = "mau-4")]
    LostList,
    #[strum(serialize = "mau-5")]
    NoCardList,
    #[strum(serialize = "packet")]
    Packet,
}

/// A kind's checked input, ready for its template.
pub struct Prepared {
    /// The view the template reads at `/data.json`, serialised once.
    pub data: Vec<u8>,
    /// What the document is about, for its file name: the cell, or the
    /// type and number of a plan.
    pub subject: String,
    /// Problems worth a look that do not stop the document.
    pub warnings: Vec<InputError>,
}

impl Kind {
    pub fn all() -> impl Iterator<Item = Kind> {
        <Kind as strum::IntoEnumIterator>::iter()
    }

    /// The forms a cell sends up, in order: what a packet holds.
    pub fn cell_forms() -> [Kind; 5] {
        [Kind::Report, Kind::StampList, Kind::DamagedList, Kind::LostList, Kind::NoCardList]
    }

    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn description(self) -> &'static str {
        match self {
            Kind::Plan => "Văn bản của Đảng (kế hoạch, báo cáo, hướng dẫn) theo thể thức 36-HD/VPTW",
            Kind::Report => "Mẫu 1-KTTĐV: Báo cáo tình hình sử dụng và bảo quản thẻ đảng viên",
            Kind::StampList => "Mẫu 2-KTTĐV: Danh sách đề nghị đóng dấu kiểm tra kỹ thuật thẻ đảng viên",
            Kind::DamagedList => "Mẫu 3-KTTĐV: Danh sách đề nghị đổi lại thẻ đảng viên bị hỏng",
            Kind::LostList => "Mẫu 4-KTTĐV: Danh sách đề nghị cấp lại thẻ đảng viên bị mất",
            Kind::NoCardList => "Mẫu 5-KTTĐV: Danh sách đảng viên chính thức chưa được đổi và phát thẻ đảng viên",
            Kind::Packet => "Hồ sơ của chi bộ: các mẫu 1-KTTĐV đến 5-KTTĐV trong một PDF, hoặc ZIP năm PDF",
        }
    }

    /// The main template, a path in the template folder.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Plan => "/plan.typ",
            Kind::Report => "/mau-1.typ",
            Kind::StampList => "/mau-2.typ",
            Kind::DamagedList => "/mau-3.typ",
            Kind::LostList => "/mau-4.typ",
            Kind::NoCardList => "/mau-5.typ",
            Kind::Packet => "/packet.typ",
        }
    }

    /// The JSON Schema of the kind's input.
    pub fn schema(self) -> Schema {
        match self {
            Kind::Plan => schema_for!(Plan),
            _ => schema_for!(RosterInput),
        }
    }

    /// An ASCII file name without extension, e.g. `mau-2-kttdv_chi-bo-van-phong`.
    pub fn file_stem(self, subject: &str) -> String {
        let prefix = match self {
            Kind::Plan => return slug(subject),
            Kind::Packet => "ho-so-kttdv".to_owned(),
            form => format!("{}-kttdv", form.name()),
        };
        format!("{prefix}_{}", slug(subject))
    }

    /// Reads and checks the input; on success, the view for the template.
    pub fn prepare(self, input: &Value) -> Result<Prepared, Vec<InputError>> {
        let prepared = match self {
            Kind::Plan => {
                let plan = Plan::parse(input)?;
                let subject = match &plan.header.number {
                    Some(number) => format!("{}_{number}", plan.doc_type),
                    None => format!("{}_{}", plan.doc_type, plan.subject),
                };
                Prepared { data: to_json(&plan), subject, warnings: Vec::new() }
            }
            _ => {
                let checked = Roster::parse(input, &JsonPath::root())?;
                let roster = checked.value;
                Prepared {
                    data: to_json(&CellView::new(&roster)),
                    subject: roster.cell.name.to_string(),
                    warnings: checked.warnings,
                }
            }
        };
        Ok(prepared)
    }
}

fn to_json(view: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(view).expect("views serialise")
}

/// `Chi bộ Văn phòng` → `chi-bo-van-phong`: ASCII, safe in any file system.
fn slug(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_ascii_lowercase();
    let words: Vec<&str> =
        ascii.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').filter(|w| !w.is_empty()).collect();
    words.join("-").chars().take(100).collect()
}
