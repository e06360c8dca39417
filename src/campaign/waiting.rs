//! What waits for a user in a campaign, said on the page they land on:
//! the reports right below their unit that wait for their decision, their
//! own report returned with its comment, their own deadline near or past.

use serde::Serialize;

use super::{Deadlines, State, Unit};
use crate::model::scalar::Date;
use crate::store::Account;

/// A deadline is said this many days ahead.
pub const SOON_DAYS: i64 = 7;

/// What waits for one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiting {
    /// The reports right below the user's unit sent up and not decided,
    /// by name.
    pub to_decide: Vec<String>,
    /// What deciding on them is called: «duyệt» (cells), «tiếp nhận»
    /// (grassroots organisations, at the Board).
    pub decision: &'static str,
    /// The comment their own report was returned with (empty if none was
    /// written); none while it is not returned.
    pub returned: Option<String>,
    /// Their own report, not yet sent, and its deadline near or past.
    pub due: Option<Due>,
}

/// A deadline near or past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    pub deadline: String,
    /// Days left; negative once past.
    pub days: i64,
}

/// One thing that waits, in words: the page's line and the e-mail's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// `problem` (returned), `decide` (reports to decide), `due` (a deadline).
    pub kind: &'static str,
    pub text: String,
}

impl Waiting {
    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.to_decide.is_empty() && self.returned.is_none() && self.due.is_none()
    }

    /// What waits, in words, most pressing first.
    pub fn lines(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(comment) = &self.returned {
            let said = if comment.is_empty() { String::new() } else { format!(": «{comment}»") };
            let text = format!("Báo cáo của đơn vị bạn bị cấp trên trả lại{said}. Sửa rồi lưu và nộp lại.");
            lines.push(Line { kind: "problem", text });
        }
        if !self.to_decide.is_empty() {
            let (count, names) = (self.to_decide.len(), self.to_decide.join(", "));
            let text = format!("{count} báo cáo chờ bạn {}: {names}", self.decision);
            lines.push(Line { kind: "decide", text });
        }
        if let Some(Due { deadline, days }) = &self.due {
            let text = match days {
                ..0 => format!("Báo cáo của đơn vị bạn đã quá hạn nộp ({deadline}) {} ngày.", -days),
                0 => format!("Hôm nay là hạn nộp báo cáo của đơn vị bạn ({deadline})."),
                _ => format!("Còn {days} ngày đến hạn nộp báo cáo của đơn vị bạn ({deadline})."),
            };
            lines.push(Line { kind: "due", text });
        }
        lines
    }
}

/// What waits for `account` among `units`, `today` being Vietnam's day and
/// `deadlines` each level's. Nothing for an account without a unit.
pub fn waiting(account: &Account, units: &[Unit], deadlines: &Deadlines, today: Date) -> Waiting {
    let own = units.iter().find(|u| Some(&u.code) == account.unit.as_ref());
    let undecided: Vec<&Unit> = own
        .map(|own| {
            units.iter().filter(|u| u.parent.as_ref() == Some(&own.code) && u.state == State::Submitted).collect()
        })
        .unwrap_or_default();
    let decision = undecided.first().map_or("duyệt", |u| super::Step::Approve.label(u.level));
    let to_decide = undecided.iter().map(|u| u.name.clone()).collect();
    let returned = own.filter(|u| u.state == State::Returned).map(|u| u.note.clone().unwrap_or_default());
    let due = own.filter(|u| u.state.editable()).and_then(|u| {
        let deadline = deadlines.of(u)?;
        let days = deadline.days_since(today);
        (days <= SOON_DAYS).then(|| Due { deadline: deadline.to_string(), days })
    });
    Waiting { to_decide, decision, returned, due }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Level, Role, test_unit};

    fn account(role: Role, unit: &str) -> Account {
        Account { login: "x".into(), role, campaign: Some("c".into()), unit: Some(unit.into()) }
    }

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn a_committee_is_told_the_reports_that_wait_for_its_decision_and_its_own_deadline() {
        let units = vec![
            test_unit("db", Level::Committee, State::Draft, Some("ban")),
            test_unit("db.1", Level::Cell, State::Submitted, Some("db")),
            test_unit("db.2", Level::Cell, State::Approved, Some("db")),
            test_unit("db.3", Level::Cell, State::Submitted, Some("db")),
            test_unit("khac.1", Level::Cell, State::Submitted, Some("khac")),
        ];
        let deadlines =
            Deadlines::new(vec![(Level::Committee, day("15/05/2021")), (Level::Cell, day("10/05/2021"))], &units);
        let officer = account(Role::Committee, "db");
        let waits = waiting(&officer, &units, &deadlines, day("10/05/2021"));
        assert_eq!(waits.to_decide, ["db.1", "db.3"], "its own cells only, sent and undecided");
        assert_eq!(waits.due, Some(Due { deadline: "15/05/2021".into(), days: 5 }));
        assert_eq!(waiting(&officer, &units, &deadlines, day("01/05/2021")).due, None, "14 days ahead: not yet");
        assert_eq!(waiting(&officer, &units, &deadlines, day("18/05/2021")).due.unwrap().days, -3, "past");
        let said: Vec<String> = waits.lines().into_iter().map(|l| l.text).collect();
        assert_eq!(
            said,
            ["2 báo cáo chờ bạn duyệt: db.1, db.3", "Còn 5 ngày đến hạn nộp báo cáo của đơn vị bạn (15/05/2021)."]
        );
        // The Board accepts its committees' reports: said so.
        let committees = [
            test_unit("ban", Level::Board, State::Draft, None),
            test_unit("db", Level::Committee, State::Submitted, Some("ban")),
        ];
        let board = waiting(&account(Role::Board, "ban"), &committees, &deadlines, day("10/05/2021"));
        assert_eq!(board.lines()[0].text, "1 báo cáo chờ bạn tiếp nhận: db");
        let late = waiting(&officer, &units, &deadlines, day("18/05/2021")).lines();
        assert_eq!(late[1].text, "Báo cáo của đơn vị bạn đã quá hạn nộp (15/05/2021) 3 ngày.");
    }

    #[test]
    fn a_secretary_is_told_her_report_came_back_and_why_and_nothing_once_sent() {
        let mut returned = test_unit("db.1", Level::Cell, State::Returned, Some("db"));
        returned.note = Some("Thiếu ngày vào Đảng".into());
        let deadlines = Deadlines::new(vec![(Level::Cell, day("10/05/2021"))], &[]);
        let secretary = account(Role::Cell, "db.1");
        let waits = waiting(&secretary, std::slice::from_ref(&returned), &deadlines, day("01/05/2021"));
        assert_eq!(waits.returned.as_deref(), Some("Thiếu ngày vào Đảng"));
        let line = &waits.lines()[0];
        assert_eq!(
            (line.kind, line.text.as_str()),
            ("problem", "Báo cáo của đơn vị bạn bị cấp trên trả lại: «Thiếu ngày vào Đảng». Sửa rồi lưu và nộp lại.")
        );
        assert!(waits.to_decide.is_empty() && waits.due.is_none() && !waits.is_empty());
        let sent = test_unit("db.1", Level::Cell, State::Submitted, Some("db"));
        assert!(waiting(&secretary, &[sent], &deadlines, day("09/05/2021")).is_empty(), "sent: nothing waits");
        let admin = Account { unit: None, ..account(Role::Admin, "") };
        assert!(waiting(&admin, &[returned], &deadlines, day("09/05/2021")).is_empty());
    }
}
