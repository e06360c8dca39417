//! The document kinds kttdv renders: each reads its input, applies its
//! rules, and hands its template a view of the data.

mod board;
mod cell;
mod committee;
mod format;
mod frame;
mod parts;
mod plan;
mod xlsx;

use std::sync::Arc;

use schemars::{Schema, schema_for};
use serde_json::Value;

use crate::input::{Code, InputError, JsonPath};
use crate::model::board::{Board, BoardInput};
use crate::model::committee::{Committee, CommitteeInput};
use crate::model::handover::HandoverRecord;
use crate::model::reconciliation::Reconciliation;
use crate::model::roster::{Checked, Roster, RosterInput};

use self::board::BoardView;
use self::cell::CellView;
use self::committee::CommitteeView;
pub use self::format::OutFormat;
pub use self::plan::Plan;
pub use self::xlsx::{FIGURE_COLUMNS_FILE, FigureColumns};

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
pub enum Kind {
    /// `plan`: a general Party document (the plan, a report, guidance).
    #[strum(serialize = "plan")]
    Plan,
    /// `mau-1`: the cell's report, form 1-KTTĐV.
    #[strum(serialize = "mau-1")]
    Mau1,
    /// `mau-2`: cards to stamp, form 2-KTTĐV.
    #[strum(serialize = "mau-2")]
    Mau2,
    /// `mau-3`: damaged cards, form 3-KTTĐV.
    #[strum(serialize = "mau-3")]
    Mau3,
    /// `mau-4`: lost cards, form 4-KTTĐV.
    #[strum(serialize = "mau-4")]
    Mau4,
    /// `mau-5`: full members without a current card, form 5-KTTĐV.
    #[strum(serialize = "mau-5")]
    Mau5,
    /// `packet`: a cell's forms 1 to 5 in one PDF.
    #[strum(serialize = "packet")]
    Packet,
    /// `mau-6`: the committee's summary table, form 6-KTTĐV.
    #[strum(serialize = "mau-6")]
    Mau6,
    /// `tong-hop`: lists 2 to 5 consolidated for appraisal ("danh sách tổng hợp").
    #[strum(serialize = "tong-hop")]
    TongHop,
    /// `mau-7`: the Board's report with its annex, form 7-KTTĐV.
    #[strum(serialize = "mau-7")]
    Mau7,
    /// `doi-chieu`: the reconciliation with the Board's roll (R10).
    #[strum(serialize = "doi-chieu")]
    DoiChieu,
    /// `ho-so-co-so`: a committee's whole submission.
    #[strum(serialize = "ho-so-co-so")]
    HoSoCoSo,
    /// `ho-so-ban`: the Board's whole submission.
    #[strum(serialize = "ho-so-ban")]
    HoSoBan,
    /// `bien-ban-giao-nhan`: a handover record of the cards' round trip.
    #[strum(serialize = "bien-ban-giao-nhan")]
    BienBan,
}

/// A kind's checked input, ready for its template.
pub struct Prepared {
    /// The view the template reads at `/data.json`, serialised once.
    pub data: Arc<[u8]>,
    /// What the document is about, for its file name: the cell, or the
    /// type and number of a plan.
    pub subject: String,
    /// Problems worth a look that do not stop the document.
    pub warnings: Vec<InputError>,
    /// For the kinds that make several files, the files, in order.
    pub files: Vec<File>,
}

/// One file of a submission.
pub struct File {
    /// A relative path, ASCII: `mau-6-kttdv_dang-bo-so-tai-chinh.pdf`,
    /// inside a folder per committee in the Board's submission.
    pub name: String,
    pub content: Content,
    /// The part of the input a PDF carries: exactly what it was made from.
    pub carries: Part,
}

/// The part of a submission's input a file carries inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The whole input: the submission's own documents.
    Whole,
    /// One committee's part of the Board's input (`committees[i]`): its
    /// form 6 and lists carry no other committee's members.
    Committee(usize),
    /// One cell's roster in the Board's input (`committees[i].cells[k]`),
    /// which its packet carries.
    Cell(usize, usize),
}

pub enum Content {
    Pdf {
        template: &'static str,
        data: Arc<[u8]>,
    },
    /// Made in Rust: XLSX files and JSON.
    Ready(Vec<u8>),
}

/// The checked input of a kind, at its level of the hierarchy.
enum Level {
    Plan(Plan),
    Handover(HandoverRecord),
    Cell(Roster),
    Committee(Committee),
    Board(Board),
}

impl Kind {
    pub fn all() -> impl Iterator<Item = Kind> {
        <Kind as strum::IntoEnumIterator>::iter()
    }

    /// The forms a cell sends up, in order: what a packet holds.
    pub fn cell_forms() -> [Kind; 5] {
        [Kind::Mau1, Kind::Mau2, Kind::Mau3, Kind::Mau4, Kind::Mau5]
    }

    pub fn name(self) -> &'static str {
        self.into()
    }

    /// A short Vietnamese name: "Mẫu 2-KTTĐV", "Hồ sơ của chi bộ"; it
    /// begins the name of the files of this kind.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Plan => "Văn bản của Đảng",
            Kind::Mau1 => "Mẫu 1-KTTĐV",
            Kind::Mau2 => "Mẫu 2-KTTĐV",
            Kind::Mau3 => "Mẫu 3-KTTĐV",
            Kind::Mau4 => "Mẫu 4-KTTĐV",
            Kind::Mau5 => "Mẫu 5-KTTĐV",
            Kind::Packet => "Hồ sơ của chi bộ",
            Kind::Mau6 => "Mẫu 6-KTTĐV",
            Kind::TongHop => "Danh sách tổng hợp 2 đến 5-KTTĐV",
            Kind::Mau7 => "Mẫu 7-KTTĐV",
            Kind::DoiChieu => "Kết quả đối chiếu",
            Kind::HoSoCoSo => "Hồ sơ của cấp ủy cơ sở",
            Kind::HoSoBan => "Hồ sơ của Ban Tổ chức",
            Kind::BienBan => "Biên bản giao nhận thẻ đảng viên",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Kind::Plan => "Văn bản của Đảng (kế hoạch, báo cáo, hướng dẫn) theo thể thức 36-HD/VPTW",
            Kind::Mau1 => "Mẫu 1-KTTĐV: Báo cáo tình hình sử dụng và bảo quản thẻ đảng viên",
            Kind::Mau2 => "Mẫu 2-KTTĐV: Danh sách đề nghị đóng dấu kiểm tra kỹ thuật thẻ đảng viên",
            Kind::Mau3 => "Mẫu 3-KTTĐV: Danh sách đề nghị đổi lại thẻ đảng viên bị hỏng",
            Kind::Mau4 => "Mẫu 4-KTTĐV: Danh sách đề nghị cấp lại thẻ đảng viên bị mất",
            Kind::Mau5 => "Mẫu 5-KTTĐV: Danh sách đảng viên chính thức chưa được đổi và phát thẻ đảng viên",
            Kind::Packet => "Hồ sơ của chi bộ: các mẫu 1-KTTĐV đến 5-KTTĐV trong một PDF, hoặc ZIP năm PDF",
            Kind::Mau6 => "Mẫu 6-KTTĐV: Biểu báo cáo tổng hợp của cấp ủy cơ sở, mỗi chi bộ một dòng",
            Kind::TongHop => {
                "Các danh sách 2-KTTĐV đến 5-KTTĐV tổng hợp để thẩm định, theo chi bộ (cấp cơ sở) hoặc theo tổ chức cơ sở (cấp Đảng bộ Khối)"
            }
            Kind::Mau7 => "Mẫu 7-KTTĐV: Báo cáo tổng hợp kết quả của Ban Tổ chức, kèm phụ lục theo tổ chức cơ sở",
            Kind::DoiChieu => "Kết quả đối chiếu số lượng đảng viên với danh sách Ban Tổ chức quản lý",
            Kind::HoSoCoSo => "Hồ sơ của cấp ủy cơ sở: mẫu 6-KTTĐV, danh sách tổng hợp, bảng tính 6-KTTĐV",
            Kind::HoSoBan => {
                "Hồ sơ của Ban Tổ chức: mẫu 7-KTTĐV, đối chiếu, danh sách toàn Đảng bộ, bảng tính, và hồ sơ từng cấp ủy cơ sở"
            }
            Kind::BienBan => {
                "Biên bản giao nhận thẻ đảng viên, ảnh, bản tường trình giữa hai cấp (hoặc chi bộ với đảng viên), hai bên ký"
            }
        }
    }

    /// The main template, a path in the template folder.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Plan => "/plan.typ",
            Kind::Mau1 => "/mau-1.typ",
            Kind::Mau2 => "/mau-2.typ",
            Kind::Mau3 => "/mau-3.typ",
            Kind::Mau4 => "/mau-4.typ",
            Kind::Mau5 => "/mau-5.typ",
            Kind::Packet => "/packet.typ",
            Kind::Mau6 | Kind::HoSoCoSo => "/mau-6.typ",
            Kind::TongHop => "/tong-hop.typ",
            Kind::Mau7 | Kind::HoSoBan => "/mau-7.typ",
            Kind::DoiChieu => "/doi-chieu.typ",
            Kind::BienBan => "/bien-ban.typ",
        }
    }

    /// The JSON Schema of the kind's input.
    pub fn schema(self) -> Schema {
        match self {
            Kind::Plan => schema_for!(Plan),
            Kind::Mau6 | Kind::HoSoCoSo => schema_for!(CommitteeInput),
            Kind::TongHop => schema_for!(ConsolidatedInput),
            Kind::Mau7 | Kind::DoiChieu | Kind::HoSoBan => schema_for!(BoardInput),
            Kind::BienBan => schema_for!(HandoverRecord),
            _ => schema_for!(RosterInput),
        }
    }

    /// An ASCII file name without extension, e.g. `mau-2-kttdv_chi-bo-van-phong`.
    pub fn file_stem(self, subject: &str) -> String {
        let prefix = match self {
            Kind::Plan => return slug(subject),
            Kind::BienBan => "bien-ban-giao-nhan".to_owned(),
            Kind::Packet | Kind::HoSoCoSo | Kind::HoSoBan => "ho-so-kttdv".to_owned(),
            form => format!("{}-kttdv", form.name()),
        };
        format!("{prefix}_{}", slug(subject))
    }

    /// Whether the kind makes several files (sent as a ZIP or a folder)
    /// rather than one PDF.
    pub fn is_bundle(self) -> bool {
        matches!(self, Kind::HoSoCoSo | Kind::HoSoBan)
    }

    /// Reads and checks the input, reporting every problem at once; on
    /// success, the warnings. Builds no view and no file.
    pub fn check(self, input: &Value) -> Result<Vec<InputError>, Vec<InputError>> {
        self.read(input).map(|checked| checked.warnings)
    }

    /// Reads and checks the input; on success, the view for the template.
    /// `columns` titles the figure columns of the XLSX files.
    /// `cell_packets`: the Board's submission holds each cell's packet too,
    /// in its committee's folder (the whole Bloc in one run).
    pub fn prepare(
        self,
        input: &Value,
        columns: &FigureColumns,
        cell_packets: bool,
    ) -> Result<Prepared, Vec<InputError>> {
        let Checked { value: level, warnings } = self.read(input)?;
        // Each view is built once: its JSON for the templates, and typed for
        // the XLSX files of a submission.
        let (data, subject, files) = match &level {
            Level::Plan(plan) => {
                let subject = match &plan.header.number {
                    Some(number) => format!("{}_{number}", plan.doc_type),
                    None => format!("{}_{}", plan.doc_type, plan.subject),
                };
                // The header as every template receives it, with its date in parts.
                let mut view = serde_json::to_value(plan).expect("views serialise");
                view["header"] =
                    serde_json::to_value(frame::HeaderView::new(plan.header.clone())).expect("views serialise");
                (to_json(&view), subject, Vec::new())
            }
            Level::Handover(record) => {
                let subject = match &record.number {
                    Some(number) => format!("{number} {}", record.issuer),
                    None => format!("{} {}", record.issuer, record.date),
                };
                let mut view = serde_json::to_value(record).expect("views serialise");
                view["issued"] = serde_json::to_value(frame::HeaderView::issued(record.date)).expect("views serialise");
                (to_json(&view), subject, Vec::new())
            }
            Level::Cell(roster) => {
                let (data, subject) = (to_json(&CellView::new(roster)), roster.cell.name.to_string());
                let files = match self {
                    Kind::Packet => Kind::cell_forms().map(|form| form.pdf(&subject, &data)).into(),
                    _ => Vec::new(),
                };
                (data, subject, files)
            }
            Level::Committee(committee) => {
                let view = CommitteeView::new(committee);
                let data = to_json(&view);
                let files = match self {
                    Kind::HoSoCoSo => committee_files(committee, &view, &data, ("", Part::Whole), columns),
                    _ => Vec::new(),
                };
                (data, committee.organisation.to_string(), files)
            }
            Level::Board(board) => {
                let view = BoardView::new(board);
                let data = to_json(&view);
                let files = match self {
                    Kind::HoSoBan => board_files(board, &view, &data, columns, cell_packets),
                    _ => Vec::new(),
                };
                (data, board_subject(board), files)
            }
        };
        Ok(Prepared { data, subject, warnings, files })
    }

    fn read(self, input: &Value) -> Result<Checked<Level>, Vec<InputError>> {
        let root = JsonPath::root();
        let level = match self {
            Kind::Plan => Checked { value: Level::Plan(Plan::parse(input)?), warnings: Vec::new() },
            Kind::BienBan => Checked { value: Level::Handover(HandoverRecord::parse(input)?), warnings: Vec::new() },
            Kind::Mau1 | Kind::Mau2 | Kind::Mau3 | Kind::Mau4 | Kind::Mau5 | Kind::Packet => {
                Roster::parse(input, &root, None)?.map(Level::Cell)
            }
            Kind::TongHop if input.get("board").is_none() => {
                Committee::parse(input, &root, None)?.map(Level::Committee)
            }
            Kind::Mau6 | Kind::HoSoCoSo => Committee::parse(input, &root, None)?.map(Level::Committee),
            Kind::TongHop | Kind::Mau7 | Kind::DoiChieu | Kind::HoSoBan => Board::parse(input)?.map(Level::Board),
        };
        if let (Kind::DoiChieu, Level::Board(Board { roll: None, .. })) = (self, &level.value) {
            return Err(vec![missing_roll()]);
        }
        Ok(level)
    }

    /// This kind's PDF of `data`, named after `subject`.
    fn pdf(self, subject: &str, data: &Arc<[u8]>) -> File {
        File {
            name: format!("{}.pdf", self.file_stem(subject)),
            content: Content::Pdf { template: self.template(), data: data.clone() },
            carries: Part::Whole,
        }
    }
}

/// The consolidated lists of `data` to lay out in parts, when `template` is
/// theirs and one of them holds more than `part_lines` lines
/// (docs/parts.md); none for any other document, laid out whole.
pub fn in_parts(template: &str, data: &[u8], part_lines: usize) -> Option<impl crate::engine::InParts + use<>> {
    use crate::engine::InParts;
    if template != Kind::TongHop.template() {
        return None;
    }
    let parts = parts::ListParts::new(data);
    (0..parts.lists()).any(|list| parts.lines(list) > part_lines).then_some(parts)
}

/// "Ban Tổ chức" alone names no one: the Board with the body it serves.
fn board_subject(board: &Board) -> String {
    let header = &board.issuer.header;
    format!("{} {}", header.issuer, header.superior)
}

/// The reconciliation (R10) alone, for those who want it as data.
pub fn reconcile(input: &Value) -> Result<Checked<Reconciliation>, Vec<InputError>> {
    let Checked { value: board, warnings } = Board::parse(input)?;
    let roll = board.roll.as_deref().ok_or_else(|| vec![missing_roll()])?;
    Ok(Checked { value: Reconciliation::new(&board, roll), warnings })
}

fn missing_roll() -> InputError {
    let message = "chưa có danh sách đảng viên Ban Tổ chức quản lý («roll», hoặc --roll TỆP) để đối chiếu";
    InputError::new(Code::MissingRoll, JsonPath::root().key("roll"), message)
}

/// The input of the consolidated lists: a committee's or the Board's.
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum ConsolidatedInput {
    Committee(CommitteeInput),
    Board(BoardInput),
}

/// A committee's submission: form 6 as PDF and XLSX, the consolidated lists.
fn committee_files(
    committee: &Committee,
    view: &CommitteeView,
    data: &Arc<[u8]>,
    (folder, part): (&str, Part),
    columns: &FigureColumns,
) -> Vec<File> {
    let subject = committee.organisation.as_str();
    let mut files = vec![
        Kind::Mau6.pdf(subject, data),
        Kind::TongHop.pdf(subject, data),
        File {
            name: format!("{}.xlsx", Kind::Mau6.file_stem(subject)),
            content: Content::Ready(columns.summary(view)),
            carries: Part::Whole,
        },
    ];
    for file in &mut files {
        file.name = format!("{folder}{}", file.name);
        file.carries = part;
    }
    files
}

/// The Board's submission: form 7, the reconciliation, the Bloc's lists,
/// their XLSX files, then each committee's submission in its own folder.
fn board_files(
    board: &Board,
    view: &BoardView,
    data: &Arc<[u8]>,
    columns: &FigureColumns,
    cell_packets: bool,
) -> Vec<File> {
    let subject = &board_subject(board);
    let mut files = vec![
        Kind::Mau7.pdf(subject, data),
        File {
            name: format!("{}.xlsx", Kind::Mau7.file_stem(subject)),
            content: Content::Ready(columns.annex(view)),
            carries: Part::Whole,
        },
    ];
    if let Some(reconciliation) = &view.reconciliation {
        let stem = Kind::DoiChieu.file_stem(subject);
        files.push(Kind::DoiChieu.pdf(subject, data));
        let sheet = Content::Ready(xlsx::reconciliation(reconciliation));
        files.push(File { name: format!("{stem}.xlsx"), content: sheet, carries: Part::Whole });
        let json = serde_json::to_vec_pretty(reconciliation).expect("views serialise");
        files.push(File { name: format!("{stem}.json"), content: Content::Ready(json), carries: Part::Whole });
    }
    files.push(Kind::TongHop.pdf(subject, data));
    for (i, committee) in board.committees.iter().enumerate() {
        let view = CommitteeView::new(committee);
        let folder = format!("{}/", slug(committee.organisation.as_str()));
        files.extend(committee_files(committee, &view, &to_json(&view), (&folder, Part::Committee(i)), columns));
        if cell_packets {
            for (k, roster) in committee.cells.iter().enumerate() {
                let mut packet = Kind::Packet.pdf(roster.cell.name.as_str(), &to_json(&CellView::new(roster)));
                packet.name = format!("{folder}{}", packet.name);
                packet.carries = Part::Cell(i, k);
                files.push(packet);
            }
        }
    }
    files
}

fn to_json(view: &impl serde::Serialize) -> Arc<[u8]> {
    serde_json::to_vec(view).expect("views serialise").into()
}

/// `Chi bộ Văn phòng` → `chi-bo-van-phong`: ASCII, safe in any file system.
pub(crate) fn slug(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_ascii_lowercase();
    let words: Vec<&str> =
        ascii.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').filter(|w| !w.is_empty()).collect();
    words.join("-").chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn a_slug_is_ascii_words_joined_by_hyphens() {
        assert_eq!(slug("Chi bộ Văn phòng"), "chi-bo-van-phong");
        assert_eq!(slug("ĐẢNG ỦY SỞ TÀI CHÍNH / 2021"), "dang-uy-so-tai-chinh-2021");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd", "nothing that leaves a folder");
        assert_eq!(slug(&"Đảng bộ ".repeat(40)).len(), 100);
    }
}
