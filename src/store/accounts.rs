//! Accounts, one-time sign-in links and sessions in the store, so that
//! replicas share them. Tokens are kept only as their SHA-256.

use sqlx::Row;

use super::{NewEvent, Result, Store, StoreError, now_ms, sha256};

/// What a user may do, for the unit they act for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, strum::EnumString, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Role {
    /// Bí thư chi bộ: one cell.
    Cell,
    /// Cán bộ cấp ủy cơ sở: one grassroots committee and its cells.
    Committee,
    /// Cán bộ Ban Tổ chức: the whole Bloc.
    Board,
    /// Quản trị: campaigns and the first Board accounts; no submission.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Cell => "bí thư chi bộ",
            Role::Committee => "cán bộ cấp ủy cơ sở",
            Role::Board => "cán bộ Ban Tổ chức",
            Role::Admin => "quản trị",
        }
    }
}

/// A signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub login: String,
    pub role: Role,
    pub campaign: Option<String>,
    pub unit: Option<String>,
}

/// How long a one-time link and a session last.
pub const INVITATION_MS: i64 = 72 * 3600 * 1000;
pub const SESSION_SECONDS: i64 = 8 * 3600;
const SESSION_MS: i64 = SESSION_SECONDS * 1000;

impl Store {
    /// Creates an account and its one-time sign-in link's token, `by` an
    /// officer (none: from the command line).
    pub async fn create_account(&self, account: &Account, token: &str, by: Option<&str>) -> Result<()> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        let exists = sqlx::query("SELECT login FROM account WHERE login = $1")
            .bind(&account.login)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::AccountExists(account.login.clone()));
        }
        sqlx::query("INSERT INTO account (login, role, campaign, unit, password_hash, created_at) VALUES ($1, $2, $3, $4, NULL, $5)")
            .bind(&account.login)
            .bind(account.role.as_str())
            .bind(account.campaign.as_deref())
            .bind(account.unit.as_deref())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO invitation (token_hash, login, expires_at, used_at) VALUES ($1, $2, $3, NULL)")
            .bind(sha256(token.as_bytes()))
            .bind(&account.login)
            .bind(now + INVITATION_MS)
            .execute(&mut *tx)
            .await?;
        let note = format!("tạo tài khoản {} ({})", account.login, account.role.label());
        let event = NewEvent {
            action: "account-created",
            login: by,
            campaign: account.campaign.as_deref(),
            unit: account.unit.as_deref(),
            note: Some(&note),
            ..NewEvent::default()
        };
        self.append(&mut tx, &event, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account a one-time link is for, while it is unused and fresh.
    pub async fn invitation(&self, token: &str) -> Result<Option<Account>> {
        let row = sqlx::query(
            "SELECT a.login, a.role, a.campaign, a.unit FROM invitation i JOIN account a ON a.login = i.login \
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2",
        )
        .bind(sha256(token.as_bytes()))
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| account_of(&r)).transpose()
    }

    /// Uses a one-time link once: sets the password and opens a session
    /// under `session`. None when the link is unknown, used or stale.
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
        let login: String = used.try_get(0)?;
        sqlx::query("UPDATE account SET password_hash = $1 WHERE login = $2")
            .bind(password_hash)
            .bind(&login)
            .execute(&mut *tx)
            .await?;
        self.append_for(&mut tx, "password-set", &login, None, None, now).await?;
        tx.commit().await?;
        drop(turn);
        self.open_session(&login, session, address).await?;
        self.account(&login).await
    }

    /// The account and its password hash, to check a sign-in.
    pub async fn password_of(&self, login: &str) -> Result<Option<(Account, String)>> {
        let row = sqlx::query("SELECT login, role, campaign, unit, password_hash FROM account WHERE login = $1")
            .bind(login)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let hash: Option<String> = row.try_get(4)?;
        hash.map(|hash| Ok((account_of(&row)?, hash))).transpose()
    }

    /// Opens a session for `login` under the token `session`, signed in
    /// from `address`.
    pub async fn open_session(&self, login: &str, session: &str, address: &str) -> Result<()> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        sqlx::query("INSERT INTO session (token_hash, login, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(sha256(session.as_bytes()))
            .bind(login)
            .bind(now)
            .bind(now + SESSION_MS)
            .execute(&mut *tx)
            .await?;
        self.append_for(&mut tx, "sign-in", login, Some(address), None, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account of a live session, or of an API token not revoked.
    pub async fn session(&self, session: &str) -> Result<Option<Account>> {
        let row = sqlx::query(
            "SELECT a.login, a.role, a.campaign, a.unit FROM session s JOIN account a ON a.login = s.login \
             WHERE s.token_hash = $1 AND s.expires_at > $2 \
             UNION ALL SELECT a.login, a.role, a.campaign, a.unit FROM api_token t JOIN account a ON a.login = t.login \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(sha256(session.as_bytes()))
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| account_of(&r)).transpose()
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
            let login: String = closed.try_get(0)?;
            self.append_for(&mut tx, "sign-out", &login, None, None, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn account(&self, login: &str) -> Result<Option<Account>> {
        let mut conn = self.pool.acquire().await?;
        account_in(&mut conn, login).await
    }

    /// A new API token for `login`, named `label`; its id, to revoke it.
    /// Only the token's SHA-256 is kept.
    pub async fn create_token(&self, login: &str, label: &str, token: &str) -> Result<String> {
        let now = now_ms();
        let id = new_token()[..12].to_owned();
        let (_turn, mut tx) = self.begin_writing().await?;
        sqlx::query("INSERT INTO api_token (token_hash, id, login, label, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(sha256(token.as_bytes()))
            .bind(&id)
            .bind(login)
            .bind(label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let note = format!("mã truy cập {id}: {label}");
        self.append_for(&mut tx, "token-created", login, None, Some(&note), now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// `login`'s API tokens: id, label, created, revoked.
    pub async fn tokens(&self, login: &str) -> Result<Vec<(String, String, i64, Option<i64>)>> {
        let rows =
            sqlx::query("SELECT id, label, created_at, revoked_at FROM api_token WHERE login = $1 ORDER BY created_at")
                .bind(login)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))).collect()
    }

    /// Revokes `login`'s token `id`; false when it has none such live.
    pub async fn revoke_token(&self, login: &str, id: &str) -> Result<bool> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        let revoked =
            sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE login = $2 AND id = $3 AND revoked_at IS NULL")
                .bind(now)
                .bind(login)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        if revoked.rows_affected() == 0 {
            return Ok(false);
        }
        let note = format!("mã truy cập {id}");
        self.append_for(&mut tx, "token-revoked", login, None, Some(&note), now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Appends `action` by `login` inside `tx`, in the log of the account's
    /// campaign and unit.
    async fn append_for(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        action: &str,
        login: &str,
        address: Option<&str>,
        note: Option<&str>,
        now: i64,
    ) -> Result<()> {
        let account = account_in(tx, login).await?;
        let event = NewEvent {
            action,
            login: Some(login),
            address,
            campaign: account.as_ref().and_then(|a| a.campaign.as_deref()),
            unit: account.as_ref().and_then(|a| a.unit.as_deref()),
            note,
            ..NewEvent::default()
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
        login: row.try_get(0)?,
        role: super::parse(row.try_get(1)?)?,
        campaign: row.try_get(2)?,
        unit: row.try_get(3)?,
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
