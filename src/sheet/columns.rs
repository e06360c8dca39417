//! The columns of the members sheet and the rows of the cell sheet: their
//! Vietnamese titles, the other names people give them, and input hints.
//! Titles match tolerantly: case, diacritics, spacing and punctuation aside.

/// A column of the members sheet and the member field it fills.
pub struct Column {
    /// The member field (`full_name`), or the part of the card outcome.
    pub field: &'static str,
    pub title: &'static str,
    /// Other titles accepted for it.
    pub synonyms: &'static [&'static str],
    pub required: bool,
    pub hint: &'static str,
    /// The template's example row.
    pub example: &'static str,
}

pub const MEMBER_COLUMNS: &[Column] = &[
    Column {
        field: "full_name",
        title: "Họ và tên",
        synonyms: &["Họ tên", "Họ và tên đảng viên", "Tên đảng viên"],
        required: true,
        hint: "Họ và tên đầy đủ, có dấu.",
        example: "Nguyễn Văn An",
    },
    Column {
        field: "birth_date",
        title: "Ngày sinh",
        synonyms: &["Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Sinh ngày"],
        required: true,
        hint: "dd/mm/yyyy, ví dụ 05/03/1980.",
        example: "05/03/1980",
    },
    Column {
        field: "gender",
        title: "Giới tính",
        synonyms: &["Nam/Nữ", "Phái"],
        required: true,
        hint: "Nam hoặc Nữ.",
        example: "Nam",
    },
    Column {
        field: "card_number",
        title: "Số thẻ đảng viên",
        synonyms: &["Số thẻ", "Số thẻ ĐV", "Thẻ đảng viên"],
        required: false,
        hint: "NN.NNNNNN, ví dụ 49.012345; gõ dạng văn bản để giữ số 0.",
        example: "49.012345",
    },
    Column {
        field: "admitted_on",
        title: "Ngày vào Đảng",
        synonyms: &["Ngày kết nạp", "Ngày vào đảng", "Vào Đảng"],
        required: true,
        hint: "dd/mm/yyyy.",
        example: "19/05/2005",
    },
    Column {
        field: "full_member_on",
        title: "Ngày chính thức",
        synonyms: &["Ngày công nhận chính thức", "Chính thức ngày"],
        required: false,
        hint: "dd/mm/yyyy; để trống với đảng viên dự bị.",
        example: "19/05/2006",
    },
    Column {
        field: "membership",
        title: "Loại đảng viên",
        synonyms: &["Chính thức/Dự bị", "Đảng viên chính thức/dự bị", "Loại"],
        required: true,
        hint: "Chính thức hoặc Dự bị.",
        example: "Chính thức",
    },
    Column {
        field: "temporary_from",
        title: "Sinh hoạt tạm thời từ",
        synonyms: &["Sinh hoạt tạm thời", "Đảng số tại", "Chi bộ giữ đảng số"],
        required: false,
        hint: "Với đảng viên sinh hoạt tạm thời: chi bộ giữ đảng số.",
        example: "",
    },
    Column {
        field: "outcome",
        title: "Kết quả kiểm tra thẻ",
        synonyms: &["Kết quả", "Tình trạng thẻ", "Kết quả kiểm tra"],
        required: true,
        hint: "Đóng dấu, Thẻ hỏng, Mất thẻ, Chưa có thẻ, Không đóng dấu; để trống với đảng viên dự bị.",
        example: "Đóng dấu",
    },
    Column {
        field: "detail",
        title: "Lý do, tình trạng",
        synonyms: &["Lý do", "Tình trạng", "Chi tiết", "Hoàn cảnh mất thẻ"],
        required: false,
        hint: "Thẻ hỏng: tình trạng thẻ; Mất thẻ: hoàn cảnh mất; Chưa có thẻ, Không đóng dấu: lý do.",
        example: "",
    },
    Column {
        field: "handling",
        title: "Hình thức xử lý",
        synonyms: &["Xử lý"],
        required: false,
        hint: "Mất thẻ: hình thức xử lý.",
        example: "",
    },
    Column {
        field: "stamp_boxes",
        title: "Ô đóng dấu",
        synonyms: &["Ô số", "Đóng dấu ô số"],
        required: false,
        hint: "Thẻ đổi, cấp lại: các ô đóng dấu, ví dụ 3, 4.",
        example: "",
    },
    Column {
        field: "namesake",
        title: "Trùng tên người khác",
        synonyms: &["Người trùng tên", "Trùng tên"],
        required: false,
        hint: "Ghi «Có» khi đây là người khác, chỉ trùng họ tên và ngày sinh với một đảng viên của chi bộ khác.",
        example: "",
    },
    Column { field: "remarks", title: "Ghi chú", synonyms: &[], required: false, hint: "", example: "" },
];

/// A row of the cell sheet: a title in column A, its value in column B.
pub struct CellRow {
    /// The key of `--cell KEY=VALUE` and of the roster's `cell` object
    /// (`signer_title` and `signer_name` fill `cell.signer`).
    pub key: &'static str,
    pub title: &'static str,
    pub synonyms: &'static [&'static str],
    pub example: &'static str,
}

pub const CELL_ROWS: &[CellRow] = &[
    CellRow {
        key: "superior",
        title: "Đảng bộ cấp trên",
        synonyms: &["Đảng bộ cơ sở", "Cấp ủy cấp trên"],
        example: "Đảng bộ Sở Tài chính",
    },
    CellRow { key: "name", title: "Tên chi bộ", synonyms: &["Chi bộ"], example: "Chi bộ Phòng Tổng hợp" },
    CellRow { key: "place", title: "Địa danh", synonyms: &["Nơi lập"], example: "Quảng Nam" },
    CellRow {
        key: "date",
        title: "Ngày lập",
        synonyms: &["Ngày lập danh sách", "Ngày báo cáo"],
        example: "20/04/2021",
    },
    CellRow {
        key: "reference_date", title: "Ngày chốt số liệu", synonyms: &["Tính đến ngày"], example: "15/04/2021"
    },
    CellRow { key: "report_number", title: "Số báo cáo", synonyms: &["Số"], example: "03-BC/CB" },
    CellRow { key: "has_committee", title: "Chi bộ có chi ủy", synonyms: &["Có chi ủy"], example: "Có" },
    CellRow { key: "signer_title", title: "Chức vụ người ký", synonyms: &["Chức vụ"], example: "BÍ THƯ" },
    CellRow {
        key: "signer_name", title: "Người ký", synonyms: &["Họ tên người ký"], example: "Nguyễn Văn A"
    },
];

/// A part of the cell's report on a sheet of its own: its title in column
/// A, its lines in column B on that row and the rows below.
pub struct ReportRow {
    /// `usage` and `proposals` (the roster's `report`), `recipients` (the cell's).
    pub key: &'static str,
    pub title: &'static str,
    pub synonyms: &'static [&'static str],
    pub example: &'static str,
}

pub const REPORT_ROWS: &[ReportRow] = &[
    ReportRow {
        key: "usage",
        title: "II. Tình hình sử dụng, bảo quản thẻ đảng viên",
        synonyms: &["Tình hình sử dụng, bảo quản thẻ đảng viên", "Tình hình sử dụng, bảo quản thẻ"],
        example: "Đảng viên trong chi bộ sử dụng, bảo quản thẻ đúng quy định.",
    },
    ReportRow {
        key: "proposals",
        title: "III. Kiến nghị, đề xuất",
        synonyms: &["Kiến nghị, đề xuất", "Kiến nghị"],
        example: "Đề nghị cấp lại thẻ cho đồng chí bị mất thẻ.",
    },
    ReportRow { key: "recipients", title: "Nơi nhận", synonyms: &[], example: "Đảng ủy cơ sở (để b/c)," },
];

impl ReportRow {
    pub fn matches(&self, found: &str) -> bool {
        names(self.title, self.synonyms, found)
    }
}

/// The accepted words of the choice columns, matched like titles.
pub const GENDERS: &[(&str, &str)] = &[("Nam", "nam"), ("Nữ", "nu")];
pub const MEMBERSHIPS: &[(&str, &str)] = &[("Chính thức", "full"), ("Dự bị", "probationary")];
pub const OUTCOMES: &[(&str, &str)] = &[
    ("Đóng dấu", "stamp"),
    ("Đề nghị đóng dấu", "stamp"),
    ("Thẻ hỏng", "damaged"),
    ("Hỏng", "damaged"),
    ("Mất thẻ", "lost"),
    ("Mất", "lost"),
    // Without its comma: a drop-down list's items are separated by commas.
    ("Chưa được đổi phát thẻ", "no_current_card"),
    ("Chưa có thẻ", "no_current_card"),
    ("Không đóng dấu", "not_stamped"),
];
pub const YES_NO: &[(&str, bool)] = &[("Có", true), ("X", true), ("Không", false)];

/// The fields that differ between two versions of a member, in the
/// sheet's column order then the rest: each column's title, and the values
/// as the sheet writes them (Nam, Chính thức, Mất thẻ…).
pub fn member_fields(was: &serde_json::Value, is: &serde_json::Value) -> Vec<(&'static str, String, String)> {
    use serde_json::Value;
    let said = |field: &str, value: Option<&Value>| -> String {
        let word = |choices: &[(&'static str, &str)], code: &str| {
            choices.iter().find(|(_, c)| *c == code).map_or(code.to_owned(), |(w, _)| (*w).to_owned())
        };
        match (field, value) {
            (_, None | Some(Value::Null)) => String::new(),
            ("gender", Some(Value::String(code))) => word(GENDERS, code),
            ("membership", Some(Value::String(code))) => word(MEMBERSHIPS, code),
            ("card", Some(Value::String(code))) => word(OUTCOMES, code),
            ("card", Some(Value::Object(outcome))) => {
                let Some((code, inner)) = outcome.iter().next() else { return String::new() };
                let details: Vec<&str> =
                    inner.as_object().into_iter().flatten().filter_map(|(_, v)| v.as_str()).collect();
                match details.is_empty() {
                    true => word(OUTCOMES, code),
                    false => format!("{} ({})", word(OUTCOMES, code), details.join(", ")),
                }
            }
            (_, Some(Value::String(text))) => text.clone(),
            (_, Some(Value::Bool(yes))) => if *yes { "có" } else { "không" }.to_owned(),
            (_, Some(other)) => other.to_string(),
        }
    };
    let title = |field: &str| match field {
        "card" => "Kết quả kiểm tra thẻ",
        _ => MEMBER_COLUMNS.iter().find(|c| c.field == field).map_or("Trường khác", |c| c.title),
    };
    let mut fields: Vec<&str> = MEMBER_COLUMNS.iter().map(|c| c.field).filter(|f| *f != "outcome").collect();
    fields.insert(fields.iter().position(|f| *f == "detail").unwrap_or(fields.len()), "card");
    let keys = was.as_object().into_iter().chain(is.as_object()).flat_map(|o| o.keys());
    for key in keys {
        if !fields.contains(&key.as_str()) {
            fields.push(key);
        }
    }
    fields
        .into_iter()
        .filter(|f| was.get(*f) != is.get(*f))
        .map(|f| (title(f), said(f, was.get(f)), said(f, is.get(f))))
        .collect()
}

/// A title or word folded for matching: no diacritics, no case, letters and
/// digits only ("Ngày, tháng, năm sinh" → "ngaythangnamsinh").
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_ascii_lowercase().chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Whether `found`, as someone typed it, names the title or one of its synonyms.
fn names(title: &str, synonyms: &[&str], found: &str) -> bool {
    let found = fold(found);
    !found.is_empty() && std::iter::once(title).chain(synonyms.iter().copied()).any(|t| fold(t) == found)
}

impl Column {
    pub fn matches(&self, found: &str) -> bool {
        names(self.title, self.synonyms, found)
    }
}

impl CellRow {
    pub fn matches(&self, found: &str) -> bool {
        names(self.title, self.synonyms, found)
    }
}

/// The value a choice word stands for.
pub fn choose<T: Copy>(choices: &[(&str, T)], word: &str) -> Option<T> {
    let folded = fold(word);
    choices.iter().find(|(w, _)| fold(w) == folded).map(|(_, v)| *v)
}

/// The word offered for each value, the first the list gives it: what a
/// drop-down list shows.
pub fn offered<T: PartialEq>(choices: &[(&'static str, T)]) -> Vec<&'static str> {
    let mut words: Vec<&'static str> = Vec::new();
    for (i, (word, value)) in choices.iter().enumerate() {
        if !choices[..i].iter().any(|(_, earlier)| earlier == value) {
            words.push(word);
        }
    }
    words
}

/// The words a choice column accepts, for messages.
pub fn words<T>(choices: &[(&str, T)]) -> String {
    choices.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(", ")
}

/// Column letters: 0 → A, 25 → Z, 26 → AA.
pub fn letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_down_offers_one_word_per_value_and_no_comma() {
        assert_eq!(offered(OUTCOMES), ["Đóng dấu", "Thẻ hỏng", "Mất thẻ", "Chưa được đổi phát thẻ", "Không đóng dấu"]);
        for words in [offered(OUTCOMES), offered(GENDERS), offered(MEMBERSHIPS), offered(YES_NO)] {
            assert!(words.iter().all(|w| !w.contains(',')), "{words:?}");
        }
        // The form's own words, comma and all, are still read.
        assert_eq!(choose(OUTCOMES, "Chưa được đổi, phát thẻ"), Some("no_current_card"));
    }
}
