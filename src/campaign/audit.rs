//! The audit log as people read it: its actions in Vietnamese, its times
//! in Vietnam's, and as a CSV file a spreadsheet opens as written.

use std::collections::HashMap;

use crate::store::{Event, EventAction};

/// An action of the audit log in Vietnamese: every action has its words
/// (the match says so when one is added).
pub fn action_words(action: EventAction) -> &'static str {
    match action {
        EventAction::CampaignCreated => "tạo chiến dịch",
        EventAction::AccountCreated => "tạo tài khoản",
        EventAction::AccountDisabled => "khóa tài khoản",
        EventAction::PasswordSet => "đặt mật khẩu",
        EventAction::LinkSent => "gửi liên kết đặt lại mật khẩu",
        EventAction::Notice => "gửi thư báo",
        EventAction::DeadlineSet => "đặt hạn nộp cho đơn vị trực thuộc",
        EventAction::RollSet => "thay danh sách đảng viên Ban Tổ chức quản lý",
        EventAction::Handover => "giao nhận thẻ đảng viên",
        EventAction::Decision => "ghi quyết định của Ban Thường vụ",
        EventAction::Stamping => "đóng dấu, đổi, cấp lại thẻ",
        EventAction::SignIn => "đăng nhập",
        EventAction::SignInFailed => "đăng nhập sai",
        EventAction::SignOut => "đăng xuất",
        EventAction::TokenCreated => "tạo mã truy cập",
        EventAction::TokenRevoked => "thu hồi mã truy cập",
        EventAction::Save => "lưu phiên bản",
        EventAction::Submit => "nộp",
        EventAction::Approve => "duyệt, tiếp nhận",
        EventAction::Return => "trả lại",
        EventAction::NotReporting => "đánh dấu không báo cáo",
        EventAction::Reopen => "mở lại báo cáo để sửa",
        EventAction::Upload => "gửi bản đã ký",
        EventAction::Read => "xem dữ liệu",
        EventAction::Download => "tải văn bản",
        EventAction::Export => "xuất cả chiến dịch",
    }
}

/// What an event of the audit log was, in Vietnamese: an action as the
/// store wrote it (one it does not know stays as written).
pub fn action_label(action: &str) -> &str {
    match action.parse() {
        Ok(known) => action_words(known),
        Err(_) => action,
    }
}

/// A time of the store in Vietnam's time, as `format` writes it (pages:
/// `dd/mm/yyyy hh:mm`).
pub fn vietnam_time(ms: i64, format: &str) -> String {
    let zone = chrono::FixedOffset::east_opt(7 * 3600).expect("a valid offset");
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&zone).format(format).to_string())
        .unwrap_or_default()
}

/// The audit log as a spreadsheet opens it as written: a byte-order mark
/// (Excel reads UTF-8 then), Vietnamese titles and actions, Vietnam's time,
/// units by name beside their code, CRLF, and no cell taken for a formula.
/// `names`: the units' names by code.
pub fn audit_csv(events: &[Event], names: &HashMap<String, String>) -> Vec<u8> {
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(b"\xef\xbb\xbf".to_vec());
    let titles = [
        "STT",
        "Thời gian",
        "Thao tác",
        "Người thực hiện",
        "Địa chỉ",
        "Đơn vị",
        "Mã đơn vị",
        "Phiên bản",
        "Mã băm phiên bản",
        "Ghi chú",
    ];
    let mut write = |cells: &[&str]| csv.write_record(cells.iter().map(|c| as_text(c))).expect("writes to memory");
    write(&titles);
    for e in events {
        let unit = e.unit.as_deref().unwrap_or_default();
        write(&[
            &e.seq.to_string(),
            &vietnam_time(e.at, "%d/%m/%Y %H:%M:%S"),
            action_label(&e.action),
            e.login.as_deref().unwrap_or_default(),
            e.address.as_deref().unwrap_or_default(),
            names.get(unit).map_or("", String::as_str),
            unit,
            &e.version.map(|v| v.to_string()).unwrap_or_default(),
            e.sha256.as_deref().unwrap_or_default(),
            e.note.as_deref().unwrap_or_default(),
        ]);
    }
    csv.into_inner().expect("writes to memory")
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a
/// tab or a return first) kept as text by a leading apostrophe.
fn as_text(text: &str) -> String {
    match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{text}"),
        false => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_compute_stays_text() {
        let event = Event {
            seq: 7,
            at: 0,
            action: "return".into(),
            login: Some("@admin".into()),
            address: None,
            campaign: None,
            unit: Some("ban.x".into()),
            version: Some(2),
            sha256: None,
            note: Some("=HYPERLINK(\"http://x\",\"Bấm\")".into()),
            hash: None,
        };
        let names = HashMap::from([("ban.x".to_owned(), "-Chi bộ, \"X\"".to_owned())]);
        let csv = String::from_utf8(audit_csv(&[event], &names)).unwrap();
        let (head, row) = csv.split_once("\r\n").unwrap();
        assert!(head.starts_with("\u{feff}\"STT\",\"Thời gian\",\"Thao tác\","), "{head}");
        assert_eq!(
            row,
            "\"7\",\"01/01/1970 07:00:00\",\"trả lại\",\"'@admin\",\"\",\"'-Chi bộ, \"\"X\"\"\",\"ban.x\",\"2\",\"\",\
             \"'=HYPERLINK(\"\"http://x\"\",\"\"Bấm\"\")\"\r\n"
        );
    }

    #[test]
    fn every_action_has_its_words_and_an_unknown_one_stays_as_it_is() {
        for action in EventAction::VARIANTS {
            let words = action_words(*action);
            assert_eq!(action_label(action.as_str()), words);
            assert!(!words.is_empty() && !words.contains('-'), "{action:?}");
        }
        assert_eq!(action_label("something-new"), "something-new");
    }

    #[test]
    fn a_time_is_said_in_vietnams_time_across_midnight() {
        // 17:30 UTC on 31/12/2025 is 00:30 on 01/01/2026 in Vietnam.
        let ms = 1_767_202_200_000;
        assert_eq!(vietnam_time(ms, "%d/%m/%Y %H:%M"), "01/01/2026 00:30");
        assert_eq!(vietnam_time(i64::MAX, "%d/%m/%Y"), "", "a time out of range says nothing");
    }
}
