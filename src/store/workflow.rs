//! The workflow's steps, each a compare-and-set on the units it moves, and
//! the audit log they and every other action append to. Which step is
//! allowed from which state is `crate::campaign::states`'s; here a step
//! only lands if every unit is still as the caller saw it.

use std::collections::HashMap;

use sqlx::{FromRow, Row};

use super::{KeptFile, Result, State, Store, StoreError, Unit, now_ms};

/// An event's columns (the fields of [`Event`], read by name), from the events an
/// [`EventFilter`] keeps: `$1` the campaign, `$2` the unit or '', `$3` 1
/// for the installation's own too, `$4` the action or ''. (A macro: the
/// store takes only SQL written in the code, `concat!` only literals.)
macro_rules! kept_events {
    ($what:literal) => {
        concat!(
            "SELECT ",
            $what,
            " FROM event WHERE (campaign = $1 OR ($3 = 1 AND campaign IS NULL)) ",
            "AND ($2 = '' OR unit = $2) AND ($4 = '' OR action = $4)"
        )
    };
    () => {
        kept_events!("seq, at, action, login, address, campaign, unit, version, sha256, note, hash")
    };
}

/// One unit's move: from the state and current version the caller saw.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    pub unit: &'a str,
    pub from: State,
    pub version: Option<i64>,
    pub to: State,
    /// The audit log's action: submit, approve, return, not-reporting.
    pub action: EventAction,
    /// A return's comment, a reason for not reporting; kept on the unit.
    pub note: Option<&'a str>,
    /// A return after which the unit may submit only a new version (the
    /// officer did not say it may go up as it is).
    pub needs_change: bool,
}

/// A signed original as pages list it: which document, who sent it, when.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignedInfo {
    pub kind: String,
    pub login: String,
    pub uploaded_at: i64,
}

/// What must still hold when a step lands.
#[derive(Debug, Clone)]
pub enum Check<'a> {
    /// Every unit right below is approved, accepted or not reporting.
    BelowDone(&'a str),
    /// The unit is in a state it may still edit in (the level above a
    /// unit whose approval is undone has not sent its own report).
    Editable(&'a str),
    /// The unit was not returned for a change it has not saved yet.
    ChangedSinceReturn(&'a str),
    /// The unit's current version has a signed original.
    Signed(&'a str),
}

/// An entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema, sqlx::FromRow)]
pub struct Event {
    /// Its place in the store's log; an exported campaign's events carry
    /// none (0): they are appended in order where they are imported.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub seq: i64,
    /// Milliseconds since 1970 (UTC).
    pub at: i64,
    pub action: String,
    pub login: Option<String>,
    pub address: Option<String>,
    pub campaign: Option<String>,
    pub unit: Option<String>,
    pub version: Option<i64>,
    pub sha256: Option<String>,
    pub note: Option<String>,
    /// The chain's link: the SHA-256 of the previous event's link in the
    /// same log (the campaign's, or the installation's) and of this event
    /// ([`link`]); none in an export made before the chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

impl Event {
    /// The entry as it was appended; an action kttdv never writes is a
    /// store or an export that is not kttdv's.
    fn entry(&self) -> Result<NewEvent<'_>> {
        let action =
            self.action.parse().map_err(|_| StoreError::Corrupt(format!("thao tác «{}» không rõ", self.action)))?;
        Ok(NewEvent {
            action,
            login: self.login.as_deref(),
            address: self.address.as_deref(),
            campaign: self.campaign.as_deref(),
            unit: self.unit.as_deref(),
            version: self.version,
            sha256: self.sha256.as_deref(),
            note: self.note.as_deref(),
        })
    }
}

/// The link of `event`, appended at `at` after the link `previous` of its
/// log: what it says, in a fixed order, hashed with what came before, so
/// that no event can be removed, rewritten or moved without every link
/// after it changing. Its place in the store (`seq`) is left out: a
/// campaign's chain is the same in the store it is imported into.
pub fn link(previous: Option<&str>, at: i64, event: &NewEvent<'_>) -> String {
    let said = serde_json::json!([
        at,
        event.action.as_str(),
        event.login,
        event.address,
        event.campaign,
        event.unit,
        event.version,
        event.sha256,
        event.note
    ]);
    crate::hash::sha256(format!("{}\n{said}", previous.unwrap_or("")).as_bytes())
}

/// Where a log, oldest first, stops chaining: the first event without a
/// link, or whose link is not what its content and the link before it give.
pub fn broken_link(events: &[Event]) -> Option<usize> {
    let mut previous: Option<&str> = None;
    for (i, event) in events.iter().enumerate() {
        let (Some(hash), Ok(entry)) = (event.hash.as_deref(), event.entry()) else { return Some(i) };
        if hash != link(previous, event.at, &entry) {
            return Some(i);
        }
        previous = Some(hash);
    }
    None
}

fn is_zero(seq: &i64) -> bool {
    *seq == 0
}

/// What an event of the audit log records: what the store writes in its
/// `action` column, and the page's filter reads back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "kebab-case")]
pub enum EventAction {
    CampaignCreated,
    AccountCreated,
    AccountDisabled,
    PasswordSet,
    /// A new one-time link for an account, to set its password again.
    LinkSent,
    SignIn,
    SignInFailed,
    SignOut,
    TokenCreated,
    TokenRevoked,
    Save,
    Submit,
    Approve,
    Return,
    NotReporting,
    Upload,
    Read,
    Download,
    Export,
    /// An e-mail notice sent, or that could not be.
    Notice,
    /// A deadline set by a unit for the units right below it.
    DeadlineSet,
    /// The roll the Board manages, replaced.
    RollSet,
    /// Cards, photos or written accounts handed over between two levels,
    /// or between a cell and its members.
    Handover,
    /// The Standing Committee's decision on the lists, recorded by the Board.
    Decision,
    /// Cards stamped, replaced or re-issued by the Board.
    Stamping,
    /// The Board's own sent report taken back to mend it.
    Reopen,
}

impl EventAction {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// An entry to append; `seq` and `at` are the store's.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub action: EventAction,
    pub login: Option<&'a str>,
    pub address: Option<&'a str>,
    pub campaign: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub version: Option<i64>,
    pub sha256: Option<&'a str>,
    pub note: Option<&'a str>,
}

impl NewEvent<'_> {
    /// An entry of `action`, the rest to say.
    pub fn of(action: EventAction) -> Self {
        NewEvent {
            action,
            login: None,
            address: None,
            campaign: None,
            unit: None,
            version: None,
            sha256: None,
            note: None,
        }
    }
}

impl Store {
    /// Sets the deadline (`dd/mm/yyyy`, none: the campaign's) the unit
    /// `unit` gives the units right below it, `by` its officer, with its
    /// event, in one transaction.
    pub async fn set_below_deadline(&self, campaign: &str, unit: &str, deadline: Option<&str>, by: &str) -> Result<()> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        sqlx::query("UPDATE unit SET below_deadline = $3 WHERE campaign = $1 AND code = $2")
            .bind(campaign)
            .bind(unit)
            .bind(deadline)
            .execute(&mut *tx)
            .await?;
        let note = match deadline {
            Some(day) => format!("hạn nộp của các đơn vị trực thuộc: {day}"),
            None => "hạn nộp của các đơn vị trực thuộc: theo chiến dịch".to_owned(),
        };
        let event = NewEvent {
            login: Some(by),
            campaign: Some(campaign),
            unit: Some(unit),
            note: Some(&note),
            ..NewEvent::of(EventAction::DeadlineSet)
        };
        self.append(&mut tx, &event, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps `body` (JSON) as the campaign's roll, in place of any, `by`
    /// the officer of the Board `unit`, `note` saying what changed, with its
    /// event, in one transaction.
    pub async fn set_roll(&self, campaign: &str, unit: &str, body: &str, by: &str, note: &str) -> Result<()> {
        let now = now_ms();
        let sha = crate::hash::sha256(body.as_bytes());
        let (_turn, mut tx) = self.begin_writing().await?;
        replace_roll(&mut tx, campaign, body, now).await?;
        let event = NewEvent {
            login: Some(by),
            campaign: Some(campaign),
            unit: Some(unit),
            sha256: Some(&sha),
            note: Some(note),
            ..NewEvent::of(EventAction::RollSet)
        };
        self.append(&mut tx, &event, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Appends `event` inside `tx`, at `now`.
    pub(super) async fn append(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        event: &NewEvent<'_>,
        now: i64,
    ) -> Result<()> {
        let previous = last_link(tx, event.campaign).await?;
        sqlx::query(
            "INSERT INTO event (seq, at, action, login, address, campaign, unit, version, sha256, note, hash) \
             SELECT COALESCE(MAX(seq), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM event",
        )
        .bind(now)
        .bind(event.action.as_str())
        .bind(event.login)
        .bind(event.address)
        .bind(event.campaign)
        .bind(event.unit)
        .bind(event.version)
        .bind(event.sha256)
        .bind(event.note)
        .bind(link(previous.as_deref(), now, event))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Chains the events written before the chain existed, every log from
    /// its start, once (at open, after the migration that made the column).
    pub(super) async fn chain_unlinked(&self) -> Result<()> {
        let (_turn, mut tx) = self.begin_writing().await?;
        let unlinked = sqlx::query("SELECT COUNT(*) AS n FROM event WHERE hash IS NULL").fetch_one(&mut *tx).await?;
        if unlinked.try_get::<i64, _>("n")? == 0 {
            return Ok(());
        }
        let rows = sqlx::query(
            "SELECT seq, at, action, login, address, campaign, unit, version, sha256, note, hash FROM event ORDER BY seq",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut last: HashMap<Option<String>, String> = HashMap::new();
        for row in &rows {
            let event = event_of(row)?;
            let hash = link(last.get(&event.campaign).map(String::as_str), event.at, &event.entry()?);
            sqlx::query("UPDATE event SET hash = $1 WHERE seq = $2")
                .bind(&hash)
                .bind(event.seq)
                .execute(&mut *tx)
                .await?;
            last.insert(event.campaign.clone(), hash);
        }
        tx.commit().await?;
        Ok(())
    }

    /// Appends `event` on its own.
    pub async fn log(&self, event: &NewEvent<'_>) -> Result<()> {
        let (_turn, mut tx) = self.begin_writing().await?;
        self.append(&mut tx, event, now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The campaign's audit log, oldest first: only the events of `unit`
    /// when given; with the installation's own (an administrator's
    /// sign-ins, failed sign-ins of unknown logins) when `installation`.
    pub async fn events(&self, campaign: &str, unit: Option<&str>, installation: bool) -> Result<Vec<Event>> {
        self.campaign(campaign).await?;
        events_in(&mut *self.pool.acquire().await?, campaign, unit, installation).await
    }

    /// One page of the campaign's audit log, newest first, `per_page` events
    /// from the `page`th (counted from 1), only those `filter` keeps; and
    /// how many it keeps in all.
    pub async fn events_page(
        &self,
        campaign: &str,
        filter: &EventFilter<'_>,
        page: i64,
        per_page: i64,
    ) -> Result<(Vec<Event>, i64)> {
        self.campaign(campaign).await?;
        let mut conn = self.pool.acquire().await?;
        let count = filter.query(kept_events!("COUNT(*) AS n"), campaign);
        let total: i64 = count.fetch_one(&mut *conn).await?.try_get("n")?;
        let rows = filter
            .query(concat!(kept_events!(), " ORDER BY seq DESC LIMIT $5 OFFSET $6"), campaign)
            .bind(per_page)
            .bind((page - 1).max(0) * per_page)
            .fetch_all(&mut *conn)
            .await?;
        Ok((rows.iter().map(event_of).collect::<Result<_>>()?, total))
    }

    /// Appends `events` as they were, at their own times, inside `tx`.
    pub(super) async fn append_all(&self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, events: &[Event]) -> Result<()> {
        for e in events {
            self.append(tx, &e.entry()?, e.at).await?;
        }
        Ok(())
    }

    /// Moves units of `campaign`, all or none, for `login`: each only if
    /// it is still in the state and at the version its move names, and
    /// every check holds; else [`StoreError::Conflict`]. Each move is
    /// appended to the audit log with its version's hash.
    pub async fn step(&self, campaign: &str, moves: &[Move<'_>], checks: &[Check<'_>], login: &str) -> Result<()> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        for check in checks {
            // What does not hold, said with the units' names.
            let failed: Option<String> = match check {
                Check::BelowDone(unit) => {
                    // One placeholder a settled state: the query names three.
                    const _: () = assert!(State::SETTLED.len() == 3);
                    let rows = sqlx::query(
                        "SELECT name FROM unit WHERE campaign = $1 AND parent = $2 \
                         AND state NOT IN ($3, $4, $5) ORDER BY position",
                    )
                    .bind(campaign)
                    .bind(*unit)
                    .bind(State::SETTLED[0].as_str())
                    .bind(State::SETTLED[1].as_str())
                    .bind(State::SETTLED[2].as_str())
                    .fetch_all(&mut *tx)
                    .await?;
                    let names: Vec<String> =
                        rows.iter().map(|r| r.try_get("name")).collect::<std::result::Result<_, _>>()?;
                    (!names.is_empty()).then(|| State::unsettled_below(&names))
                }
                Check::Editable(unit) => {
                    let row = sqlx::query("SELECT state, name FROM unit WHERE campaign = $1 AND code = $2")
                        .bind(campaign)
                        .bind(*unit)
                        .fetch_one(&mut *tx)
                        .await?;
                    let name: String = row.try_get("name")?;
                    (!super::parse::<State>(row.try_get("state")?)?.editable()).then(|| {
                        format!("«{name}» đã gửi báo cáo của mình: không đổi được trạng thái đơn vị trực thuộc")
                    })
                }
                Check::ChangedSinceReturn(unit) => {
                    let row = sqlx::query(concat!(
                        "SELECT ",
                        super::unit_columns!(),
                        " FROM unit WHERE campaign = $1 AND code = $2"
                    ))
                    .bind(campaign)
                    .bind(*unit)
                    .fetch_one(&mut *tx)
                    .await?;
                    Unit::from_row(&row)?.unchanged_since_return()
                }
                Check::Signed(unit) => {
                    let sql = "SELECT name FROM unit WHERE campaign = $1 AND code = $2 AND NOT EXISTS \
                               (SELECT 1 FROM signed WHERE signed.campaign = unit.campaign \
                                AND signed.unit = unit.code AND signed.number = unit.current)";
                    failing(&mut tx, sql, campaign, unit).await?.map(|name| {
                        format!(
                            "chiến dịch yêu cầu bản đã ký: «{name}» chưa gửi bản đã ký số của phiên bản hiện hành, \
                             nên chưa duyệt được"
                        )
                    })
                }
            };
            if let Some(failed) = failed {
                return Err(StoreError::Conflict(failed));
            }
        }
        for step in moves {
            let moved = sqlx::query(
                "UPDATE unit SET state = $1, note = $2, changed_at = $3, \
                 submitted_at = CASE WHEN $1 = $8 AND submitted_at IS NULL THEN $3 ELSE submitted_at END, \
                 returned_version = CASE WHEN $9 = 1 THEN current ELSE NULL END \
                 WHERE campaign = $4 AND code = $5 AND state = $6 AND COALESCE(current, 0) = $7",
            )
            .bind(step.to.as_str())
            .bind(step.note)
            .bind(now)
            .bind(campaign)
            .bind(step.unit)
            .bind(step.from.as_str())
            .bind(step.version.unwrap_or(0))
            .bind(State::Submitted.as_str())
            .bind(i64::from(step.needs_change))
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() != 1 {
                let row = sqlx::query("SELECT name FROM unit WHERE campaign = $1 AND code = $2")
                    .bind(campaign)
                    .bind(step.unit)
                    .fetch_optional(&mut *tx)
                    .await?;
                let name =
                    row.map(|r| r.try_get::<String, _>("name")).transpose()?.unwrap_or_else(|| step.unit.to_owned());
                return Err(StoreError::Conflict(format!(
                    "trạng thái của «{name}» vừa thay đổi; hãy tải lại rồi làm lại"
                )));
            }
            let sha: Option<String> = match step.version {
                Some(number) => {
                    sqlx::query("SELECT sha256 FROM version WHERE campaign = $1 AND unit = $2 AND number = $3")
                        .bind(campaign)
                        .bind(step.unit)
                        .bind(number)
                        .fetch_one(&mut *tx)
                        .await?
                        .try_get("sha256")?
                }
                None => None,
            };
            let event = NewEvent {
                login: Some(login),
                campaign: Some(campaign),
                unit: Some(step.unit),
                version: step.version,
                sha256: sha.as_deref(),
                note: step.note,
                ..NewEvent::of(step.action)
            };
            self.append(&mut tx, &event, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Keeps the signed original of a unit's version `number` for `kind`,
    /// uploaded by `login`, while that version is the unit's current one and
    /// with the level above: a new one for the same version and kind
    /// replaces it while submitted, never once approved or accepted (the
    /// audit log keeps every upload). Decided under the unit's row lock.
    pub async fn put_signed(&self, campaign: &str, signed: &Signed<'_>, login: &str) -> Result<()> {
        let now = now_ms();
        let sha = crate::hash::sha256(signed.bytes);
        let (_turn, mut tx) = self.begin_writing().await?;
        let unit = sqlx::query(
            "UPDATE unit SET position = position WHERE campaign = $1 AND code = $2 RETURNING state, current",
        )
        .bind(campaign)
        .bind(signed.unit)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NoUnit(signed.unit.into()))?;
        let state: State = super::parse(unit.try_get("state")?)?;
        let current: Option<i64> = unit.try_get("current")?;
        if !state.received() || current != Some(signed.number) {
            return Err(StoreError::Conflict(format!(
                "báo cáo của «{}» vừa đổi ({}): hãy tải lại rồi gửi bản đã ký của phiên bản hiện hành",
                signed.unit,
                state.label()
            )));
        }
        let kept =
            sqlx::query("SELECT sha256 FROM signed WHERE campaign = $1 AND unit = $2 AND number = $3 AND kind = $4")
                .bind(campaign)
                .bind(signed.unit)
                .bind(signed.number)
                .bind(signed.kind)
                .fetch_optional(&mut *tx)
                .await?;
        if kept.is_some() && state.approved() {
            return Err(StoreError::Conflict(format!(
                "báo cáo của «{}» {}: bản đã ký đã nhận không thay được nữa, trừ khi cấp trên trả lại",
                signed.unit,
                state.label()
            )));
        }
        sqlx::query(
            "INSERT INTO signed (campaign, unit, number, kind, file_name, bytes, sha256, uploaded_at, login, signer) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (campaign, unit, number, kind) DO UPDATE SET \
             file_name = excluded.file_name, bytes = excluded.bytes, sha256 = excluded.sha256, \
             uploaded_at = excluded.uploaded_at, login = excluded.login, signer = excluded.signer",
        )
        .bind(campaign)
        .bind(signed.unit)
        .bind(signed.number)
        .bind(signed.kind)
        .bind(signed.file_name)
        .bind(signed.bytes)
        .bind(&sha)
        .bind(now)
        .bind(login)
        .bind(signed.signer)
        .execute(&mut *tx)
        .await?;
        let note =
            format!("bản đã ký {} ({}), người ký: {}, SHA-256 tệp {sha}", signed.kind, signed.file_name, signed.signer);
        let version_sha: String =
            sqlx::query("SELECT sha256 FROM version WHERE campaign = $1 AND unit = $2 AND number = $3")
                .bind(campaign)
                .bind(signed.unit)
                .bind(signed.number)
                .fetch_one(&mut *tx)
                .await?
                .try_get("sha256")?;
        let event = NewEvent {
            login: Some(login),
            campaign: Some(campaign),
            unit: Some(signed.unit),
            version: Some(signed.number),
            sha256: Some(&version_sha),
            note: Some(&note),
            ..NewEvent::of(EventAction::Upload)
        };
        self.append(&mut tx, &event, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The signed originals of every unit's current version in the
    /// campaign, without their bytes: by unit code, each its kind, who sent
    /// it and when, in one query.
    pub async fn signed_current(&self, campaign: &str) -> Result<HashMap<String, Vec<SignedInfo>>> {
        let rows = sqlx::query(
            "SELECT s.unit, s.kind, s.login, s.uploaded_at FROM signed s \
             JOIN unit u ON u.campaign = s.campaign AND u.code = s.unit AND u.current = s.number \
             WHERE s.campaign = $1 ORDER BY s.unit, s.kind",
        )
        .bind(campaign)
        .fetch_all(&self.pool)
        .await?;
        let mut by_unit: HashMap<String, Vec<SignedInfo>> = HashMap::new();
        for row in &rows {
            let info = SignedInfo {
                kind: row.try_get("kind")?,
                login: row.try_get("login")?,
                uploaded_at: row.try_get("uploaded_at")?,
            };
            by_unit.entry(row.try_get("unit")?).or_default().push(info);
        }
        Ok(by_unit)
    }

    /// The signed original of the unit's version `number` for `kind`.
    pub async fn signed(&self, campaign: &str, unit: &str, number: i64, kind: &str) -> Result<Option<KeptFile>> {
        let row = sqlx::query(
            "SELECT file_name, bytes FROM signed WHERE campaign = $1 AND unit = $2 AND number = $3 AND kind = $4",
        )
        .bind(campaign)
        .bind(unit)
        .bind(number)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(KeptFile::from_row).transpose()?)
    }
}

/// The last link of the log of `campaign` (the installation's: none).
async fn last_link(conn: &mut sqlx::AnyConnection, campaign: Option<&str>) -> Result<Option<String>> {
    let row = match campaign {
        Some(campaign) => {
            sqlx::query("SELECT hash FROM event WHERE campaign = $1 ORDER BY seq DESC LIMIT 1")
                .bind(campaign)
                .fetch_optional(conn)
                .await?
        }
        None => {
            sqlx::query("SELECT hash FROM event WHERE campaign IS NULL ORDER BY seq DESC LIMIT 1")
                .fetch_optional(conn)
                .await?
        }
    };
    Ok(row.map(|r| r.try_get::<Option<String>, _>(0)).transpose()?.flatten())
}

/// The unit's name when `sql` finds it (`$1` the campaign, `$2` the
/// unit): a check that finds its unit is one that does not hold.
async fn failing(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    sql: &'static str,
    campaign: &str,
    unit: &str,
) -> Result<Option<String>> {
    let row = sqlx::query(sql).bind(campaign).bind(unit).fetch_optional(&mut **tx).await?;
    Ok(row.map(|r| r.try_get::<String, _>("name")).transpose()?)
}

/// Which events of a campaign's log to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventFilter<'a> {
    /// Only those of this unit.
    pub unit: Option<&'a str>,
    /// Only those of this action.
    pub action: Option<EventAction>,
    /// With the installation's own (an administrator's sign-ins, failed
    /// sign-ins of unknown logins).
    pub installation: bool,
}

impl EventFilter<'_> {
    /// `sql`, of the events [`kept_events!`] keeps, with the filter's values bound.
    fn query(
        &self,
        sql: &'static str,
        campaign: &str,
    ) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
        sqlx::query(sql)
            .bind(campaign.to_owned())
            .bind(self.unit.unwrap_or("").to_owned())
            .bind(i64::from(self.installation))
            .bind(self.action.map_or("", EventAction::as_str).to_owned())
    }
}

/// [`Store::events`], read through `conn`.
pub(super) async fn events_in(
    conn: &mut sqlx::AnyConnection,
    campaign: &str,
    unit: Option<&str>,
    installation: bool,
) -> Result<Vec<Event>> {
    let filter = EventFilter { unit, action: None, installation };
    let rows = filter.query(concat!(kept_events!(), " ORDER BY seq"), campaign).fetch_all(conn).await?;
    rows.iter().map(event_of).collect()
}

fn event_of(r: &sqlx::any::AnyRow) -> Result<Event> {
    Ok(sqlx::FromRow::from_row(r)?)
}

/// A signed original to keep.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub unit: &'a str,
    pub number: i64,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    /// Who signed last: the certificate's subject.
    pub signer: &'a str,
}

/// Keeps `body` (JSON) as the campaign's roll, in place of any, inside `tx`.
pub(super) async fn replace_roll(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    campaign: &str,
    body: &str,
    now: i64,
) -> Result<()> {
    let sha = crate::hash::sha256(body.as_bytes());
    sqlx::query("DELETE FROM roll WHERE campaign = $1").bind(campaign).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO roll (campaign, body, sha256, saved_at) VALUES ($1, $2, $3, $4)")
        .bind(campaign)
        .bind(body)
        .bind(&sha)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log of `actions`, each linked to the one before.
    fn log(actions: &[&str]) -> Vec<Event> {
        let mut events: Vec<Event> = Vec::new();
        for (i, action) in actions.iter().enumerate() {
            let mut event = Event {
                seq: 0,
                at: 1_000 + i as i64,
                action: (*action).into(),
                login: Some("chi-bo".into()),
                address: None,
                campaign: Some("2021".into()),
                unit: Some("chi-bo".into()),
                version: Some(i as i64 + 1),
                sha256: None,
                note: None,
                hash: None,
            };
            event.hash = Some(link(events.last().and_then(|e| e.hash.as_deref()), event.at, &event.entry().unwrap()));
            events.push(event);
        }
        events
    }

    #[test]
    fn a_log_changed_anywhere_breaks_its_chain_there() {
        let whole = log(&["save", "save", "submit"]);
        assert_eq!(broken_link(&whole), None);
        let mut rewritten = whole.clone();
        rewritten[1].login = Some("nguoi-khac".into());
        assert_eq!(broken_link(&rewritten), Some(1));
        let mut removed = whole.clone();
        removed.remove(1);
        assert_eq!(broken_link(&removed), Some(1));
        let mut swapped = whole.clone();
        swapped.swap(0, 1);
        assert_eq!(broken_link(&swapped), Some(0));
        let mut unlinked = whole;
        unlinked[2].hash = None;
        assert_eq!(broken_link(&unlinked), Some(2));
    }
}
