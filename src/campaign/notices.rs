//! Notices by e-mail of what waits for people, when the service has a
//! mailer: a step tells whom it concerns at once (a report sent up, the
//! officers above; decided, returned or marked absent, the unit's own
//! people), and once a day a person whose report's deadline is near or
//! past is reminded of everything that waits for them, in the words of
//! their page's «Việc chờ bạn». Sent after the step is stored — a notice
//! lost to a crash loses no data, and the page says the same — each one an
//! event of the audit log, naming the account, not the address.

use super::{Deadlines, Step, Unit, waiting};
use crate::mail::Mailer;
use crate::model::scalar::Date;
use crate::store::{Account, EventAction, NewEvent, Store, StoreError};

/// A message to the people of one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The unit whose accounts receive it.
    pub unit: String,
    pub subject: String,
    pub text: String,
}

/// Where a notice points: the campaign's page, when the service knows its
/// own address.
fn ending(link: Option<&str>) -> String {
    match link {
        Some(link) => format!("\n\nXem và làm tiếp trên kttdv: {link}\n"),
        None => "\n\nĐăng nhập kttdv để xem và làm tiếp.\n".to_owned(),
    }
}

/// What `step`, taken on `unit` (below `parent`), tells whom; `note` the
/// return's comment or the reason it does not report.
pub fn of_step(
    step: Step,
    unit: &Unit,
    parent: Option<&Unit>,
    note: Option<&str>,
    link: Option<&str>,
) -> Option<Notice> {
    // Duyệt for a cell, tiếp nhận for a grassroots organisation.
    let decision = Step::Approve.label(unit.level);
    let (to, subject, said) = match step {
        Step::Submit => {
            let subject = format!("«{}» đã nộp báo cáo, chờ đồng chí {decision}", unit.name);
            let said = format!("Báo cáo của «{}» đã nộp lên, chờ đồng chí {decision} hoặc trả lại.", unit.name);
            (parent?, subject, said)
        }
        Step::Approve => {
            let subject = format!("Báo cáo của «{}» đã được {decision}", unit.name);
            (unit, subject.clone(), format!("{subject}."))
        }
        Step::Return => {
            let subject = format!("Báo cáo của «{}» bị cấp trên trả lại", unit.name);
            let comment = note.map(|n| format!(" Ý kiến: «{n}».")).unwrap_or_default();
            (unit, subject.clone(), format!("{subject}.{comment} Sửa rồi lưu và nộp lại."))
        }
        // The Board mends its own report: nobody else waits on it.
        Step::Reopen => return None,
        Step::NotReporting => {
            let subject = format!("«{}» được cấp trên đánh dấu không báo cáo", unit.name);
            let reason = note.map(|n| format!(" Lý do: «{n}».")).unwrap_or_default();
            (unit, subject.clone(), format!("{subject}.{reason}"))
        }
    };
    Some(Notice { unit: to.code.clone(), subject, text: format!("{said}{}", ending(link)) })
}

/// The day's reminder for `account`, if its own report's deadline is near
/// or past: everything that waits for it.
pub fn reminder(
    account: &Account,
    units: &[Unit],
    deadlines: &Deadlines,
    today: Date,
    link: Option<&str>,
) -> Option<Notice> {
    let waits = waiting(account, units, deadlines, today);
    waits.due.as_ref()?;
    let unit = account.unit.clone()?;
    let lines: Vec<String> = waits.lines().into_iter().map(|l| format!("- {}", l.text)).collect();
    let text = format!("Việc chờ đồng chí trên kttdv, ngày {today}:\n\n{}{}", lines.join("\n"), ending(link));
    Some(Notice { unit, subject: format!("Việc chờ đồng chí trên kttdv ngày {today}"), text })
}

/// Sends `notice` of `campaign` to each active account of its unit that
/// has an e-mail address, each sending an event of the audit log; a
/// failure is logged, never the step's.
pub async fn deliver(store: &Store, mailer: &Mailer, campaign: &str, notice: &Notice) -> Result<(), StoreError> {
    for account in store.unit_accounts(campaign, &notice.unit).await? {
        let Some(email) = account.email.filter(|_| account.disabled_at.is_none()) else { continue };
        send(store, mailer, campaign, notice, &account.login, &email).await?;
    }
    Ok(())
}

async fn send(
    store: &Store,
    mailer: &Mailer,
    campaign: &str,
    notice: &Notice,
    login: &str,
    email: &str,
) -> Result<(), StoreError> {
    let note = match mailer.send(email, &notice.subject, &notice.text).await {
        Ok(()) => format!("thư tới {login}: {}", notice.subject),
        Err(err) => {
            tracing::warn!(campaign, unit = notice.unit, login, "{err}");
            format!("không gửi được thư tới {login}: {}", notice.subject)
        }
    };
    let event = NewEvent {
        campaign: Some(campaign),
        unit: Some(&notice.unit),
        note: Some(&note),
        ..NewEvent::of(EventAction::Notice)
    };
    store.log(&event).await
}

/// Reminds, once a day whatever restarts, each person of every campaign
/// whose report's deadline is near or past, `today` being Vietnam's day;
/// `link` the campaign's page of a campaign's code. How many were sent.
pub async fn remind(
    store: &Store,
    mailer: &Mailer,
    today: Date,
    link: impl Fn(&str) -> Option<String>,
) -> Result<usize, StoreError> {
    let mut sent = 0;
    for campaign in store.campaigns().await? {
        let units = store.units(&campaign.code).await?;
        let deadlines = Deadlines::of_campaign(&campaign.settings, &units)?;
        let link = link(&campaign.code);
        for unit in &units {
            for person in store.unit_accounts(&campaign.code, &unit.code).await? {
                let Some(email) = person.email.filter(|_| person.disabled_at.is_none()) else { continue };
                let account = Account {
                    login: person.login.clone(),
                    role: person.role,
                    campaign: Some(campaign.code.clone()),
                    unit: Some(unit.code.clone()),
                };
                let Some(notice) = reminder(&account, &units, &deadlines, today, link.as_deref()) else { continue };
                if store.claim_reminder(&person.login, &today.to_string()).await? {
                    send(store, mailer, &campaign.code, &notice, &person.login, &email).await?;
                    sent += 1;
                }
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Level, Role, State, test_unit};

    fn named(code: &str, name: &str, level: Level, state: State, parent: Option<&str>) -> Unit {
        Unit { name: name.into(), ..test_unit(code, level, state, parent) }
    }

    #[test]
    fn a_report_sent_up_tells_the_officers_above_and_a_decision_tells_the_unit() {
        let committee = named("db", "Đảng bộ Sở Tài chính", Level::Committee, State::Draft, Some("ban"));
        let cell = named("db.1", "Chi bộ Văn phòng", Level::Cell, State::Submitted, Some("db"));
        let sent =
            of_step(Step::Submit, &cell, Some(&committee), None, Some("https://kttdv.vn/web/campaigns/c")).unwrap();
        assert_eq!(sent.unit, "db");
        assert_eq!(sent.subject, "«Chi bộ Văn phòng» đã nộp báo cáo, chờ đồng chí duyệt");
        assert!(sent.text.starts_with("Báo cáo của «Chi bộ Văn phòng» đã nộp lên, chờ đồng chí duyệt hoặc trả lại."));
        assert!(sent.text.ends_with("Xem và làm tiếp trên kttdv: https://kttdv.vn/web/campaigns/c\n"), "{}", sent.text);
        let returned = of_step(Step::Return, &cell, Some(&committee), Some("Thiếu ngày vào Đảng"), None).unwrap();
        assert_eq!(
            (returned.unit.as_str(), returned.subject.as_str()),
            ("db.1", "Báo cáo của «Chi bộ Văn phòng» bị cấp trên trả lại")
        );
        assert!(returned.text.contains("Ý kiến: «Thiếu ngày vào Đảng». Sửa rồi lưu và nộp lại."), "{}", returned.text);
        assert!(returned.text.ends_with("Đăng nhập kttdv để xem và làm tiếp.\n"));
        let accepted = of_step(Step::Approve, &committee, None, None, None).unwrap();
        assert_eq!(accepted.subject, "Báo cáo của «Đảng bộ Sở Tài chính» đã được tiếp nhận");
        let board = named("ban", "Ban Tổ chức", Level::Board, State::Draft, None);
        assert_eq!(of_step(Step::Submit, &board, None, None, None), None, "the Board's report leaves kttdv");
    }

    #[test]
    fn a_reminder_comes_only_with_a_deadline_near_or_past_and_says_all_that_waits() {
        let units = vec![
            named("db", "Đảng bộ Sở Tài chính", Level::Committee, State::Draft, Some("ban")),
            named("db.1", "Chi bộ Văn phòng", Level::Cell, State::Submitted, Some("db")),
        ];
        let deadlines = Deadlines::new(vec![(Level::Committee, "15/05/2021".parse().unwrap())], &units);
        let officer =
            Account { login: "x".into(), role: Role::Committee, campaign: Some("c".into()), unit: Some("db".into()) };
        let early = reminder(&officer, &units, &deadlines, "01/05/2021".parse().unwrap(), None);
        assert_eq!(early, None, "two weeks ahead: the page says it, no e-mail");
        let near = reminder(&officer, &units, &deadlines, "12/05/2021".parse().unwrap(), None).unwrap();
        assert_eq!(near.unit, "db");
        assert!(
            near.text.contains("- 1 báo cáo chờ bạn duyệt: Chi bộ Văn phòng\n- Còn 3 ngày đến hạn nộp"),
            "{}",
            near.text
        );
    }
}
