//! The document kinds kttdv renders: each reads its input, applies its
//! rules, and hands its template a view of the data.

mod plan;
mod stamp_list;

use schemars::{Schema, schema_for};
use serde_json::Value;

use crate::input::{InputError, JsonPath};
use crate::model::roster::{Roster, RosterInput};

pub use self::plan::Plan;
pub use self::stamp_list::StampList;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
pub enum Kind {
    #[strum(serialize = "plan")]
    Plan,
    #[strum(serialize = "mau-2")]
    StampList,
}

/// A kind's checked input, ready for its template.
pub struct Prepared {
    pub view: Value,
    /// An ASCII file name without extension, named after the content.
    pub file_stem: String,
}

impl Kind {
    pub fn all() -> impl Iterator<Item = Kind> {
        <Kind as strum::IntoEnumIterator>::iter()
    }

    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn description(self) -> &'static str {
        match self {
            Kind::Plan => {
                "Văn bản của Đảng (kế hoạch, báo cáo, hướng dẫn) theo thể thức 36-HD/VPTW"
            }
            Kind::StampList => {
                "Mẫu 2-KTTĐV: Danh sách đề nghị đóng dấu kiểm tra kỹ thuật thẻ đảng viên"
            }
        }
    }

    /// The main template, a path in the template folder.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Plan => "/plan.typ",
            Kind::StampList => "/mau-2.typ",
        }
    }

    /// The JSON Schema of the kind's input.
    pub fn schema(self) -> Schema {
        match self {
            Kind::Plan => schema_for!(Plan),
            Kind::StampList => schema_for!(RosterInput),
        }
    }

    /// Reads and checks the input; on success, the view for the template.
    pub fn prepare(self, input: &Value) -> Result<Prepared, Vec<InputError>> {
        let (view, name) = match self {
            Kind::Plan => {
                let plan = Plan::parse(input)?;
                let name = match &plan.header.number {
                    Some(number) => format!("{}_{number}", plan.doc_type),
                    None => format!("{}_{}", plan.doc_type, plan.subject),
                };
                (serde_json::to_value(&plan), name)
            }
            Kind::StampList => {
                let roster = Roster::parse(input, &JsonPath::root())?;
                let name = format!("mau-2-kttdv_{}", roster.cell.name);
                (serde_json::to_value(StampList::new(&roster)), name)
            }
        };
        Ok(Prepared {
            view: view.expect("views serialise"),
            file_stem: slug(&name),
        })
    }
}

/// `Chi bộ Văn phòng` → `chi-bo-van-phong`: ASCII, safe in any file system.
fn slug(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_ascii_lowercase();
    let words: Vec<&str> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect();
    words.join("-").chars().take(100).collect()
}
