//! Where a problem is, in the words a secretary reads on the page: a
//! file, a sheet and cell, or the field's Vietnamese name — never a JSON
//! path (`$.cells[1].members[3].birth_date` reads "chi bộ thứ 2 › đảng
//! viên thứ 4 › Ngày sinh"); and the member it is about, by name.

use crate::input::{InputError, Place, Step};
use crate::sheet;

/// The fields above a cell's roster, by their key.
const FRAME_FIELDS: &[(&str, &str)] = &[
    ("organisation", "Tên tổ chức cơ sở đảng"),
    ("received_on", "Ngày nhận"),
    ("committee", "Cấp ủy"),
    ("board", "Ban Tổ chức"),
    ("header", "Phần đầu văn bản"),
    ("issuer", "Cơ quan ban hành"),
    ("number", "Số báo cáo"),
    ("date", "Ngày"),
    ("signature", "Người ký"),
    ("body", "Thay mặt"),
    ("head", "Ký thay"),
    ("title", "Chức vụ người ký"),
    ("name", "Họ tên"),
    ("recipients", "Nơi nhận"),
    ("roll", "Danh sách đảng viên Ban Tổ chức quản lý"),
    ("report", "Báo cáo"),
    ("campaign", "Đợt kiểm tra"),
];

/// The problem's place in words.
pub fn describe(problem: &InputError) -> String {
    let place = match &problem.place {
        Place::Sheet { sheet, row, column } => format!("trang «{sheet}», ô {column}{row}"),
        Place::Json { path } => in_words(path.steps()),
    };
    let place = match (&problem.file, place.is_empty()) {
        (Some(file), true) => format!("tệp «{file}»"),
        (Some(file), false) => format!("tệp «{file}», {place}"),
        (None, _) => place,
    };
    match &problem.member {
        Some(member) if !place.is_empty() => format!("{place}, đồng chí {member}"),
        Some(member) => format!("đồng chí {member}"),
        None => place,
    }
}

fn in_words(steps: &[Step]) -> String {
    let mut words = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let next = steps.get(i + 1);
        match (&steps[i], next) {
            (Step::Key(list), Some(Step::Index(n)))
                if ["cells", "committees", "members", "roll"].contains(&list.as_str()) =>
            {
                let what = match list.as_str() {
                    "cells" => "chi bộ",
                    "committees" => "tổ chức cơ sở đảng",
                    "members" => "đảng viên",
                    _ => "dòng danh sách quản lý",
                };
                words.push(format!("{what} thứ {}", n + 1));
                i += 2;
                continue;
            }
            (Step::Key(key), _) => {
                let inside_cell = i > 0 && matches!(&steps[i - 1], Step::Key(k) if k == "cell");
                let title = if key == "cell" {
                    None
                } else if inside_cell && key == "signer" {
                    Some("Người ký")
                } else {
                    sheet::field_title(key, &steps[i + 1..])
                        .or_else(|| FRAME_FIELDS.iter().find(|(k, _)| k == key).map(|(_, t)| *t))
                };
                if let Some(title) = title {
                    words.push(title.to_owned());
                }
                // A card outcome's inner steps are named by the field above.
                if key == "card" {
                    break;
                }
            }
            (Step::Index(n), _) => words.push(format!("mục {}", n + 1)),
        }
        i += 1;
    }
    words.join(" › ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Code, JsonPath};

    fn at(path: JsonPath) -> String {
        describe(&InputError::new(Code::InvalidDate, path, ""))
    }

    #[test]
    fn a_path_reads_as_words() {
        let member = JsonPath::root().key("cells").index(1).key("members").index(3);
        assert_eq!(at(member.key("birth_date")), "chi bộ thứ 2 › đảng viên thứ 4 › Ngày sinh");
        assert_eq!(
            at(member.key("card").key("lost").key("circumstances")),
            "chi bộ thứ 2 › đảng viên thứ 4 › Lý do, tình trạng"
        );
        assert_eq!(at(JsonPath::root().key("cell").key("superior")), "Đảng bộ cấp trên");
        assert_eq!(
            at(JsonPath::root().key("committee").key("header").key("date")),
            "Cấp ủy › Phần đầu văn bản › Ngày lập"
        );
        let mut filed = InputError::new(Code::CellTwice, JsonPath::root(), "");
        filed.file = Some("b.pdf".into());
        assert_eq!(describe(&filed), "tệp «b.pdf»");
        let sheet = InputError::in_sheet(Code::InvalidDate, "Danh sách", 7, "B", "");
        assert_eq!(describe(&sheet), "trang «Danh sách», ô B7");
    }

    #[test]
    fn a_problem_about_a_member_names_them() {
        let input = serde_json::json!({ "cells": [{}, { "members": [{}, { "full_name": "Lê Đức Minh" }] }] });
        let member = JsonPath::root().key("cells").index(1).key("members").index(1);
        let named = InputError::new(Code::InvalidDate, member.key("birth_date"), "").about_member(&input);
        assert_eq!(describe(&named), "chi bộ thứ 2 › đảng viên thứ 2 › Ngày sinh, đồng chí Lê Đức Minh");
        let cell = InputError::new(Code::EmptyText, JsonPath::root().key("cells").index(1), "").about_member(&input);
        assert_eq!(cell.member, None, "a problem about a cell names no member");
        let beyond = InputError::new(Code::InvalidDate, member.index(0), "").about_member(&serde_json::json!([]));
        assert_eq!(beyond.member, None, "a path the value does not have names nobody");
    }
}
