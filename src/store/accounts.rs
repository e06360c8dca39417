//! Accounts, one-time sign-in links and sessions in the store, so that
//! replicas share them. Tokens are kept only as their SHA-256.

use sqlx::{FromRow, Row};

use super::{NewEvent, Result, Store, StoreError, now_ms, sha256};
use crate::model::unit::Role;

/// A signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub login: String,
    pub role: Role,
    pub campaign: Option<String>,
    pub unit: Option<String>,
}

/// An account of a unit as its page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnitAccount {
    pub login: String,
    pub role: Role,
    pub created_at: i64,
    /// The officer who invited it; none from the command line.
    pub created_by: Option<String>,
    pub disabled_at: Option<i64>,
    /// Whether its one-time link was used.
    pub password_set: bool,
    /// The person's name and office, when their invitation said them.
    pub person: Option<String>,
    pub office: Option<String>,
    /// Where notices go, when the service sends e-mail.
    pub email: Option<String>,
}

/// An API token as its owner's list shows it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: String,
    pub label: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The id of the token it was made with.
    pub parent: Option<String>,
}

/// Who an account is: a person's name and office, and where they are
/// told what waits for them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Person {
    pub name: String,
    pub office: String,
    pub email: Option<String>,
}

/// A session as its owner's list shows it: an id made from its hash
/// (never the token), when it began, was last used and ends.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema, sqlx::FromRow)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: i64,
    pub seen_at: i64,
    pub expires_at: i64,
    /// Whether it is the session of the request that asks.
    #[sqlx(skip)]
    pub current: bool,
}

/// Who a request's token says it is: the account, and how it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    pub account: Account,
    /// The API token's id; none for a session.
    pub token: Option<String>,
}

/// How long a one-time link and a session last; a session unused for
/// [`IDLE_MS`] ends sooner.
pub const INVITATION_MS: i64 = 72 * 3600 * 1000;
pub const SESSION_SECONDS: i64 = 8 * 3600;
const SESSION_MS: i64 = SESSION_SECONDS * 1000;
pub const IDLE_MS: i64 = 60 * 60 * 1000;
/// A session's last use is written at most this often.
const SEEN_EVERY_MS: i64 = 60 * 1000;
/// The longest an API token lives, and how long when its maker says nothing.
pub const TOKEN_MAX_DAYS: i64 = 365;
pub const TOKEN_DEFAULT_DAYS: i64 = 90;

impl Store {
    /// Creates an account and its one-time sign-in link's token, `by` an
    /// officer (none: from the command line). With `one_per_unit`, refused
    /// while the unit has an active account ([`StoreError::UnitHasAccount`]):
    /// decided under the unit's row lock, so two invitations at once make
    /// one account.
    pub async fn create_account(
        &self,
        account: &Account,
        person: Option<&Person>,
        token: &str,
        by: Option<&str>,
        one_per_unit: bool,
    ) -> Result<()> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        if let (Some(campaign), Some(unit)) = (&account.campaign, &account.unit) {
            // The unit's row lock orders invitations for one unit (PostgreSQL;
            // SQLite's writer is alone already).
            sqlx::query("UPDATE unit SET position = position WHERE campaign = $1 AND code = $2")
                .bind(campaign)
                .bind(unit)
                .execute(&mut *tx)
                .await?;
            if one_per_unit {
                let active = sqlx::query(
                    "SELECT login FROM account WHERE campaign = $1 AND unit = $2 AND disabled_at IS NULL ORDER BY login",
                )
                .bind(campaign)
                .bind(unit)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(active) = active {
                    return Err(StoreError::UnitHasAccount(active.try_get("login")?));
                }
            }
        }
        let exists = sqlx::query("SELECT login FROM account WHERE login = $1")
            .bind(&account.login)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::AccountExists(account.login.clone()));
        }
        sqlx::query(
            "INSERT INTO account (login, role, campaign, unit, password_hash, created_at, created_by) \
             VALUES ($1, $2, $3, $4, NULL, $5, $6)",
        )
        .bind(&account.login)
        .bind(account.role.as_str())
        .bind(account.campaign.as_deref())
        .bind(account.unit.as_deref())
        .bind(now)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        if let Some(person) = person {
            sqlx::query("INSERT INTO person (login, name, office, email) VALUES ($1, $2, $3, $4)")
                .bind(&account.login)
                .bind(&person.name)
                .bind(&person.office)
                .bind(&person.email)
                .execute(&mut *tx)
                .await?;
        }
        invite_in(&mut tx, &account.login, token, now).await?;
        let note = format!("tạo tài khoản {} ({})", account.login, account.role.label());
        let event = NewEvent {
            login: by,
            campaign: account.campaign.as_deref(),
            unit: account.unit.as_deref(),
            note: Some(&note),
            ..NewEvent::of(super::EventAction::AccountCreated)
        };
        self.append(&mut tx, &event, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The accounts of a unit, in the order they were made.
    pub async fn unit_accounts(&self, campaign: &str, unit: &str) -> Result<Vec<UnitAccount>> {
        let rows = sqlx::query(
            "SELECT a.login, a.role, a.created_at, a.created_by, a.disabled_at, a.password_hash IS NOT NULL AS ready, \
             p.name AS person, p.office, p.email FROM account a LEFT JOIN person p ON p.login = a.login \
             WHERE a.campaign = $1 AND a.unit = $2 ORDER BY a.created_at, a.login",
        )
        .bind(campaign)
        .bind(unit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UnitAccount {
                    login: r.try_get("login")?,
                    role: super::parse(r.try_get("role")?)?,
                    created_at: r.try_get("created_at")?,
                    created_by: r.try_get("created_by")?,
                    disabled_at: r.try_get("disabled_at")?,
                    password_set: r
                        .try_get::<bool, _>("ready")
                        .or_else(|_| r.try_get::<i64, _>("ready").map(|n| n != 0))?,
                    person: r.try_get("person")?,
                    office: r.try_get("office")?,
                    email: r.try_get("email")?,
                })
            })
            .collect()
    }

    /// Disables the account `login` of the unit, `by` an officer: it signs
    /// in no more, its sessions end and its tokens are revoked. False when
    /// the unit has no such active account.
    pub async fn disable_account(&self, campaign: &str, unit: &str, login: &str, by: &str) -> Result<bool> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        let disabled = sqlx::query(
            "UPDATE account SET disabled_at = $1 WHERE login = $2 AND campaign = $3 AND unit = $4 AND disabled_at IS NULL",
        )
        .bind(now)
        .bind(login)
        .bind(campaign)
        .bind(unit)
        .execute(&mut *tx)
        .await?;
        if disabled.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM session WHERE login = $1").bind(login).execute(&mut *tx).await?;
        sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE login = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(login)
            .execute(&mut *tx)
            .await?;
        let note = format!("khóa tài khoản {login}");
        let event = NewEvent {
            login: Some(by),
            campaign: Some(campaign),
            unit: Some(unit),
            note: Some(&note),
            ..NewEvent::of(super::EventAction::AccountDisabled)
        };
        self.append(&mut tx, &event, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A new one-time link (`token`) for the active account `login` of the
    /// unit, `by` an officer: to set its password again when it is lost. An
    /// older link not yet used stops working. False when the unit has no
    /// such account.
    pub async fn new_link(&self, campaign: &str, unit: &str, login: &str, token: &str, by: &str) -> Result<bool> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        let found = sqlx::query(
            "SELECT login FROM account WHERE login = $1 AND campaign = $2 AND unit = $3 AND disabled_at IS NULL",
        )
        .bind(login)
        .bind(campaign)
        .bind(unit)
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Ok(false);
        }
        sqlx::query("UPDATE invitation SET used_at = $1 WHERE login = $2 AND used_at IS NULL")
            .bind(now)
            .bind(login)
            .execute(&mut *tx)
            .await?;
        invite_in(&mut tx, login, token, now).await?;
        let note = format!("liên kết mới cho tài khoản {login}");
        let event = NewEvent {
            login: Some(by),
            campaign: Some(campaign),
            unit: Some(unit),
            note: Some(&note),
            ..NewEvent::of(super::EventAction::LinkSent)
        };
        self.append(&mut tx, &event, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Claims the day `day` for reminding `login` of what waits for them:
    /// true once a day, whatever restarts; false when they were reminded
    /// that day already.
    pub async fn claim_reminder(&self, login: &str, day: &str) -> Result<bool> {
        let _turn = self.writing().await;
        let done = sqlx::query(
            "UPDATE person SET reminded_on = $2 WHERE login = $1 AND (reminded_on IS NULL OR reminded_on <> $2)",
        )
        .bind(login)
        .bind(day)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The names of the people of `campaign` whose invitations said them, by login.
    pub async fn people(&self, campaign: &str) -> Result<std::collections::HashMap<String, String>> {
        let rows = sqlx::query(
            "SELECT p.login, p.name FROM person p JOIN account a ON a.login = p.login WHERE a.campaign = $1",
        )
        .bind(campaign)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("login")?, r.try_get("name")?))).collect()
    }

    /// The person the account `login` is, if their invitation said.
    pub async fn person(&self, login: &str) -> Result<Option<Person>> {
        let row = sqlx::query("SELECT name, office, email FROM person WHERE login = $1")
            .bind(login)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(Person::from_row).transpose()?)
    }

    /// The account a one-time link is for, while it is unused and fresh.
    pub async fn invitation(&self, token: &str) -> Result<Option<Account>> {
        let row = sqlx::query(
            "SELECT a.login, a.role, a.campaign, a.unit FROM invitation i JOIN account a ON a.login = i.login \
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND a.disabled_at IS NULL",
        )
        .bind(sha256(token.as_bytes()))
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| account_of(&r)).transpose()
    }

    /// Uses a one-time link once: sets the password, ends the account's
    /// other sessions (a link sent again is for a lost password: whoever
    /// holds one is out) and opens a session under `session`. None when the
    /// link is unknown, used or stale.
    pub async fn accept_invitation(
        &self,
        token: &str,
        password_hash: &str,
        session: &str,
        address: &str,
    ) -> Result<Option<Account>> {
        let now = now_ms();
        let (turn, mut tx) = self.begin_writing().await?;
        let used = sqlx::query(
            "UPDATE invitation SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING login",
        )
        .bind(now)
        .bind(sha256(token.as_bytes()))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(used) = used else { return Ok(None) };
        let login: String = used.try_get("login")?;
        sqlx::query("UPDATE account SET password_hash = $1 WHERE login = $2")
            .bind(password_hash)
            .bind(&login)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM session WHERE login = $1").bind(&login).execute(&mut *tx).await?;
        self.append_for(&mut tx, super::EventAction::PasswordSet, &login, None, None, now).await?;
        tx.commit().await?;
        drop(turn);
        self.open_session(&login, session, address).await?;
        self.account(&login).await
    }

    /// The account and its password hash, to check a sign-in.
    pub async fn password_of(&self, login: &str) -> Result<Option<(Account, String)>> {
        let row = sqlx::query(
            "SELECT login, role, campaign, unit, password_hash FROM account WHERE login = $1 AND disabled_at IS NULL",
        )
        .bind(login)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let hash: Option<String> = row.try_get("password_hash")?;
        hash.map(|hash| Ok((account_of(&row)?, hash))).transpose()
    }

    /// The live sessions of `login`, newest first; `current` (a session's
    /// token) marks the one asking.
    pub async fn sessions(&self, login: &str, current: Option<&str>) -> Result<Vec<SessionInfo>> {
        let rows = sqlx::query(
            "SELECT substr(token_hash, 1, 16) AS id, created_at, seen_at, expires_at FROM session \
             WHERE login = $1 AND expires_at > $2 ORDER BY created_at DESC",
        )
        .bind(login)
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await?;
        let current = current.map(|token| sha256(token.as_bytes())[..16].to_owned());
        rows.iter()
            .map(|row| {
                let mut info = SessionInfo::from_row(row)?;
                info.current = current.as_deref() == Some(info.id.as_str());
                Ok(info)
            })
            .collect()
    }

    /// Ends the session `id` of `login` (from its list): false when it has
    /// no such session.
    pub async fn end_session(&self, login: &str, id: &str) -> Result<bool> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        let ended = sqlx::query("DELETE FROM session WHERE login = $1 AND substr(token_hash, 1, 16) = $2")
            .bind(login)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if ended > 0 {
            self.append_for(
                &mut tx,
                super::EventAction::SignOut,
                login,
                None,
                Some("kết thúc một phiên từ danh sách"),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ended > 0)
    }

    /// Opens a session for `login` under the token `session`, signed in
    /// from `address`.
    pub async fn open_session(&self, login: &str, session: &str, address: &str) -> Result<()> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        sqlx::query(
            "INSERT INTO session (token_hash, login, created_at, expires_at, seen_at) VALUES ($1, $2, $3, $4, $3)",
        )
        .bind(sha256(session.as_bytes()))
        .bind(login)
        .bind(now)
        .bind(now + SESSION_MS)
        .execute(&mut *tx)
        .await?;
        self.append_for(&mut tx, super::EventAction::SignIn, login, Some(address), None, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account of a live session (neither expired nor idle), or of an
    /// API token neither revoked nor expired; never of a disabled account.
    /// A session's use is written down, at most once a minute, for the
    /// idle timeout.
    pub async fn session(&self, token: &str) -> Result<Option<Authenticated>> {
        let now = now_ms();
        let hash = sha256(token.as_bytes());
        let row = sqlx::query(
            "SELECT a.login, a.role, a.campaign, a.unit, NULL AS token, s.seen_at FROM session s \
             JOIN account a ON a.login = s.login \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.seen_at > $3 AND a.disabled_at IS NULL \
             UNION ALL SELECT a.login, a.role, a.campaign, a.unit, t.id AS token, NULL AS seen_at FROM api_token t \
             JOIN account a ON a.login = t.login \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND a.disabled_at IS NULL",
        )
        .bind(&hash)
        .bind(now)
        .bind(now - IDLE_MS)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let seen: Option<i64> = row.try_get("seen_at")?;
        if seen.is_some_and(|seen| now - seen > SEEN_EVERY_MS) {
            let _turn = self.writing().await;
            sqlx::query("UPDATE session SET seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&hash)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(Authenticated { account: account_of(&row)?, token: row.try_get("token")? }))
    }

    /// Ends a session.
    pub async fn close_session(&self, session: &str) -> Result<()> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        let closed = sqlx::query("DELETE FROM session WHERE token_hash = $1 RETURNING login")
            .bind(sha256(session.as_bytes()))
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(closed) = closed {
            let login: String = closed.try_get("login")?;
            self.append_for(&mut tx, super::EventAction::SignOut, &login, None, None, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn account(&self, login: &str) -> Result<Option<Account>> {
        let mut conn = self.pool.acquire().await?;
        account_in(&mut conn, login).await
    }

    /// A new API token for `login`, named `label`, living `days`, made with
    /// the token `parent` (none: from a session); its id, to revoke it.
    /// Only the token's SHA-256 is kept.
    pub async fn create_token(
        &self,
        login: &str,
        label: &str,
        token: &str,
        days: i64,
        parent: Option<&str>,
    ) -> Result<String> {
        let now = now_ms();
        let id = new_token()[..12].to_owned();
        let (_turn, mut tx) = self.begin_writing().await?;
        sqlx::query(
            "INSERT INTO api_token (token_hash, id, login, label, created_at, expires_at, parent) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(sha256(token.as_bytes()))
        .bind(&id)
        .bind(login)
        .bind(label)
        .bind(now)
        .bind(now + days * 24 * 3600 * 1000)
        .bind(parent)
        .execute(&mut *tx)
        .await?;
        let note = format!("mã truy cập {id}: {label}, {days} ngày");
        self.append_for(&mut tx, super::EventAction::TokenCreated, login, None, Some(&note), now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// `login`'s API tokens, oldest first.
    pub async fn tokens(&self, login: &str) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(
            "SELECT id, label, created_at, expires_at, revoked_at, parent FROM api_token WHERE login = $1 \
             ORDER BY created_at, id",
        )
        .bind(login)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(sqlx::FromRow::from_row).collect::<std::result::Result<_, _>>()?)
    }

    /// Revokes `login`'s token `id` and every token made with it, and
    /// with those; false when it has none such live.
    pub async fn revoke_token(&self, login: &str, id: &str) -> Result<bool> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        let mut revoking = vec![id.to_owned()];
        let mut revoked = Vec::new();
        while let Some(next) = revoking.pop() {
            let done =
                sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE login = $2 AND id = $3 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(login)
                    .bind(&next)
                    .execute(&mut *tx)
                    .await?;
            if done.rows_affected() == 0 {
                continue;
            }
            let children = sqlx::query("SELECT id FROM api_token WHERE login = $1 AND parent = $2")
                .bind(login)
                .bind(&next)
                .fetch_all(&mut *tx)
                .await?;
            for child in &children {
                revoking.push(child.try_get("id")?);
            }
            revoked.push(next);
        }
        if revoked.is_empty() {
            return Ok(false);
        }
        let note = format!("mã truy cập {}", revoked.join(", "));
        self.append_for(&mut tx, super::EventAction::TokenRevoked, login, None, Some(&note), now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The installation's secret `name`, made at random the first time it
    /// is asked for; the same for every replica.
    pub async fn secret(&self, name: &str) -> Result<String> {
        let (_turn, mut tx) = self.begin_writing().await?;
        sqlx::query("INSERT INTO secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(new_token())
            .execute(&mut *tx)
            .await?;
        let value = sqlx::query("SELECT value FROM secret WHERE name = $1").bind(name).fetch_one(&mut *tx).await?;
        let value = value.try_get("value")?;
        tx.commit().await?;
        Ok(value)
    }

    /// Appends `action` by `login` inside `tx`, in the log of the account's
    /// campaign and unit.
    async fn append_for(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        action: super::EventAction,
        login: &str,
        address: Option<&str>,
        note: Option<&str>,
        now: i64,
    ) -> Result<()> {
        let account = account_in(tx, login).await?;
        let event = NewEvent {
            login: Some(login),
            address,
            campaign: account.as_ref().and_then(|a| a.campaign.as_deref()),
            unit: account.as_ref().and_then(|a| a.unit.as_deref()),
            note,
            ..NewEvent::of(action)
        };
        self.append(tx, &event, now).await
    }
}

async fn account_in(conn: &mut sqlx::AnyConnection, login: &str) -> Result<Option<Account>> {
    let row = sqlx::query("SELECT login, role, campaign, unit FROM account WHERE login = $1")
        .bind(login)
        .fetch_optional(conn)
        .await?;
    row.map(|r| account_of(&r)).transpose()
}

fn account_of(row: &sqlx::any::AnyRow) -> Result<Account> {
    Ok(Account {
        login: row.try_get("login")?,
        role: super::parse(row.try_get("role")?)?,
        campaign: row.try_get("campaign")?,
        unit: row.try_get("unit")?,
    })
}

/// A new random token: 32 bytes, URL-safe base64.
pub fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the system's random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A password's argon2id hash (PHC string), with a fresh salt.
pub fn hash_password(password: &str) -> String {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default().hash_password(password.as_bytes()).expect("argon2 with its defaults").to_string()
}

/// Whether `password` is the one `hash` was made from.
pub fn password_matches(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordVerifier, phc::PasswordHash};
    PasswordHash::new(hash)
        .is_ok_and(|hash| argon2::Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A one-time link's token for `login`, kept only as its SHA-256, valid
/// for the invitation's time from `now`.
async fn invite_in(tx: &mut sqlx::Transaction<'_, sqlx::Any>, login: &str, token: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO invitation (token_hash, login, expires_at, used_at) VALUES ($1, $2, $3, NULL)")
        .bind(sha256(token.as_bytes()))
        .bind(login)
        .bind(now + INVITATION_MS)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
