//! The campaign's home: campaigns, their units, every submission's versions,
//! the roll and the documents made from them. SQLite in a folder by default
//! (embedded, WAL, nothing to install); PostgreSQL for a province or the
//! country, where several `kttdv serve` share one database. One set of
//! queries and migrations for both, through sqlx's `Any` driver; nothing a
//! request needs lives in the process.

mod accounts;
mod backup;
mod cards;
mod model;
mod throttle;
mod workflow;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, FromRow, Row};

use crate::hash::sha256;

pub use self::accounts::{
    Account, Authenticated, Person, SESSION_SECONDS, SessionInfo, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenInfo,
    UnitAccount, hash_password, new_token, password_matches,
};
pub use self::backup::{backup, restore};
pub use self::cards::{CardRecord, NewRecord};
pub use self::model::{Dump, KeptDocument, KeptFile, Version, VersionInfo};
use crate::model::unit::{State, Unit};

pub use self::throttle::Policy;
pub use self::workflow::{Check, Event, EventAction, EventFilter, Move, NewEvent, Signed, SignedInfo, broken_link};

/// Where the campaign is kept.
#[derive(Debug, Clone)]
pub enum Location {
    /// `kttdv.db` in this folder, created on first start.
    Sqlite(PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

impl Location {
    /// Where it is, for messages: the database file, or the server without
    /// its password.
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(dir) => dir.join(DATABASE_FILE).display().to_string(),
            // The server and database, never the password.
            Location::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme), Some(at)) if at > scheme => format!("{}{}", &url[..scheme + 3], &url[at + 1..]),
                _ => url.clone(),
            },
        }
    }
}

const DATABASE_FILE: &str = "kttdv.db";

/// An arbitrary number naming the write turn's lock on PostgreSQL.
const WRITE_LOCK: i64 = 0x006b_7474_6476;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("không mở được kho dữ liệu {0}: {1}")]
    Open(String, String),
    #[error("{0} không phải kho dữ liệu của kttdv (không ghi đè); hãy chọn thư mục khác (--data)")]
    Foreign(String),
    #[error(
        "tệp kho dữ liệu {0} rỗng (0 byte): không phải kho của kttdv, có thể do khôi phục hoặc sao chép dở dang; \
         hãy khôi phục lại từ bản sao lưu, hoặc xóa tệp nếu muốn bắt đầu kho mới (không ghi gì)"
    )]
    EmptyFile(String),
    #[error("kho dữ liệu {0} do phiên bản kttdv mới hơn tạo; hãy dùng phiên bản mới hơn (không sửa gì trong kho)")]
    Newer(String),
    #[error("không có chiến dịch «{0}»")]
    NoCampaign(String),
    #[error(
        "mã chiến dịch «{0}» không hợp lệ: chỉ chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ 2021-quang-nam)"
    )]
    BadCode(String),
    #[error("tài khoản «{0}» đã có")]
    AccountExists(String),
    /// An invitation for a unit that has an active account.
    #[error(
        "đơn vị đã có tài khoản «{0}» (chưa khóa); để mời thêm người, chọn «Người thứ hai của đơn vị» \
         (chính đơn vị hoặc Ban Tổ chức mời), hoặc khóa tài khoản cũ trước"
    )]
    UnitHasAccount(String),
    #[error("người làm việc cho «{unit}» có vai trò {role}")]
    WrongRole { unit: String, role: &'static str },
    #[error("chiến dịch «{0}» đã có trong kho")]
    CampaignExists(String),
    #[error("không có đơn vị «{0}»")]
    NoUnit(String),
    #[error("đơn vị «{unit}» không có phiên bản {number}")]
    NoVersion { unit: String, number: i64 },
    /// A step or a save that finds the unit no longer as its caller saw it.
    #[error("{0}")]
    Conflict(String),
    #[error("đơn vị đã lưu {0} phiên bản trong một giờ qua, tối đa cho phép; hãy thử lại sau")]
    TooManySaves(i64),
    #[error("các phiên bản của đơn vị đã chiếm quá {0} MiB, giới hạn cho một đơn vị; hãy liên hệ người quản trị")]
    UnitFull(i64),
    #[error("kho dữ liệu có giá trị lạ: {0}")]
    Corrupt(String),
    #[error("tệp xuất chiến dịch không dùng được: {0}")]
    BadExport(String),
    /// A backup asked of PostgreSQL, whose own tools do it better.
    #[error(
        "kho PostgreSQL được sao lưu bằng công cụ của PostgreSQL: pg_dump -Fc -f kttdv.dump <địa chỉ>, \
         khôi phục bằng pg_restore; lệnh này chỉ dành cho kho SQLite"
    )]
    BackupElsewhere,
    /// A file the command would write over.
    #[error("{0} đã có; kttdv không ghi đè: hãy chọn tên khác hoặc chuyển tệp cũ đi")]
    WouldOverwrite(String),
    /// A backup that is not a whole kttdv store.
    #[error("bản sao lưu {0} không dùng được: {1}")]
    BadBackup(String, String),
    /// The disk under the database is full: nothing was written.
    #[error("máy chủ hết chỗ ghi dữ liệu nên chưa lưu được; hãy báo người quản trị và thử lại sau")]
    Full(String),
    /// The database cannot be reached or refuses connections.
    #[error("kho dữ liệu tạm thời không truy cập được; hãy thử lại sau ít phút")]
    Unavailable(String),
    #[error("lỗi kho dữ liệu: {0}")]
    Database(sqlx::Error),
}

/// A database's failure, told by what the caller can do about it: a full
/// disk and an unreachable database are the installation's state, not
/// bugs; two transactions that met (a deadlock, a serialization failure)
/// were rolled back whole and may be tried again.
impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        let code = match &err {
            sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => return StoreError::Unavailable(err.to_string()),
            _ => None,
        };
        let Some(code) = code else { return StoreError::Database(err) };
        // PostgreSQL gives a SQLSTATE, always five characters; SQLite its
        // extended result code, at most four digits, whose low byte is the
        // primary code.
        let sqlite = (code.len() < 5).then(|| code.parse::<i32>().ok()).flatten().map(|c| c & 0xff);
        match (sqlite, code.as_str()) {
            // SQLITE_FULL; PostgreSQL's disk_full and insufficient_resources.
            (Some(13), _) | (None, "53100" | "53000") => StoreError::Full(err.to_string()),
            // SQLITE_BUSY past the busy timeout, SQLITE_CANTOPEN; PostgreSQL's
            // shutdowns and what refuses a new connection: a database not
            // accepting connections (55000), too many (53300), gone (3D000),
            // a login refused (28000, 28P01).
            (Some(5 | 14), _)
            | (None, "57P01" | "57P02" | "57P03" | "55000" | "53300" | "3D000" | "28000" | "28P01") => {
                StoreError::Unavailable(err.to_string())
            }
            (None, c) if c.starts_with("08") => StoreError::Unavailable(err.to_string()),
            (None, "40P01" | "40001") => StoreError::Conflict(
                "một thay đổi khác của cùng đơn vị đến cùng lúc nên thay đổi này chưa được ghi; hãy thử lại".into(),
            ),
            _ => StoreError::Database(err),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// How many versions a unit saves in an hour, at most …
pub const SAVES_PER_HOUR: i64 = 60;
/// … and how many characters of JSON its versions hold in all (256 Mi: a
/// cell of 2,000 members saved some four hundred times).
pub const MAX_STORED: i64 = 256 << 20;

/// What a save did: the version now current, and whether it is new (a
/// body equal to the current version's makes none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub info: VersionInfo,
    pub new: bool,
}

/// A campaign as the store lists it.
#[derive(Debug, Clone)]
pub struct CampaignInfo {
    pub code: String,
    pub name: String,
    /// Its campaign file (JSON).
    pub settings: String,
}

/// The store: a pool of connections to one database.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// The database behind a store, and what writing to it takes.
#[derive(Clone)]
enum Backend {
    /// SQLite takes one writer at a time; a second one waits in SQLite's
    /// busy handler, which sleeps in growing steps (up to 100 ms). Writers
    /// queue on `writer` instead, woken the moment the one before commits.
    Sqlite { writer: std::sync::Arc<tokio::sync::Mutex<()>> },
    /// Row locks and advisory locks order its writers.
    Postgres,
}

impl Store {
    /// Opens the store, creating an SQLite one on first start and bringing
    /// its schema up to date. Refuses, without writing, a file that is no
    /// kttdv store and a store made by a newer kttdv.
    pub async fn open(location: &Location) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let place = location.describe();
        let open = |e: &dyn std::fmt::Display| StoreError::Open(place.clone(), e.to_string());
        let (url, sqlite) = match location {
            Location::Sqlite(dir) => {
                crate::private::create_dir_all(dir).map_err(|e| open(&e))?;
                let file = dir.join(DATABASE_FILE);
                if file.exists() {
                    probe(&file, &place).await?;
                }
                // Every member's data and the password hashes: the owner's alone,
                // whatever the folder and files were (SQLite gives its -wal and
                // -shm files the database file's mode).
                if !file.exists() {
                    crate::private::create_file(&file).map_err(|e| open(&e))?;
                }
                for path in [dir.to_path_buf(), file.clone(), side_file(&file, "-wal"), side_file(&file, "-shm")] {
                    match crate::private::restrict(&path) {
                        // A side file another connection just removed (closing, SQLite deletes its -wal).
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        other => other.map_err(|e| open(&e))?,
                    }
                }
                (format!("sqlite://{}?mode=rw", file.display()), true)
            }
            Location::Postgres(url) => (url.clone(), false),
        };
        let pool = AnyPoolOptions::new()
            // SQLite writes one at a time anyway; a few readers beside the writer.
            .max_connections(if sqlite { 8 } else { 16 })
            // A PostgreSQL connection costs a password exchange (SCRAM: thousands
            // of hash rounds); half the pool is opened at start, not by the
            // first burst of saves.
            .min_connections(if sqlite { 1 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            // A connection whose commit or rollback failed (a full disk) is
            // still inside its transaction: closed, never handed out again,
            // so that the next write starts clean once the disk has room.
            // The ping first runs what the connection has queued (the
            // rollback of a transaction dropped unfinished).
            .after_release(|conn, _| {
                Box::pin(async move {
                    use sqlx::Connection;
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if sqlite {
                        // WAL: readers never wait for the writer; FULL: a
                        // transaction acknowledged is on disk, even if the power goes.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.message().contains("not a database") => {
                    StoreError::Foreign(place.clone())
                }
                _ => open(&e),
            })?;
        let backend = if sqlite { Backend::Sqlite { writer: std::sync::Arc::default() } } else { Backend::Postgres };
        let store = Self { pool, backend };
        store.migrate(&place).await?;
        store.chain_unlinked().await?;
        Ok(store)
    }

    async fn migrate(&self, place: &str) -> Result<()> {
        // A migration this kttdv does not know was applied: a newer kttdv's store.
        let newest = MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0);
        let tables = self.tables().await?;
        if tables.iter().any(|t| t == "_sqlx_migrations") {
            let applied: Option<i64> = sqlx::query("SELECT MAX(version) AS newest FROM _sqlx_migrations")
                .fetch_one(&self.pool)
                .await?
                .try_get("newest")?;
            if applied.is_some_and(|v| v > newest) {
                return Err(StoreError::Newer(place.into()));
            }
        } else if !tables.is_empty() {
            return Err(StoreError::Foreign(place.into()));
        }
        MIGRATIONS.run(&self.pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(_) => StoreError::Newer(place.into()),
            other => StoreError::Open(place.into(), other.to_string()),
        })
    }

    async fn tables(&self) -> Result<Vec<String>> {
        let sql = if self.is_sqlite() {
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        } else {
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables WHERE table_schema = current_schema()"
        };
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter().map(|r| r.try_get::<String, _>("name").map_err(StoreError::from)).collect()
    }

    /// A consistent copy of the whole store — every campaign, account,
    /// token, signed original and the audit log — into `to`, an empty file
    /// made for it, taken while the store serves: SQLite's `VACUUM INTO`
    /// reads one snapshot and writes a compact database. PostgreSQL's is
    /// `pg_dump`'s job.
    pub async fn backup(&self, to: &Path) -> Result<()> {
        if !self.is_sqlite() {
            return Err(StoreError::BackupElsewhere);
        }
        sqlx::query("VACUUM INTO $1").bind(to.display().to_string()).execute(&self.pool).await?;
        Ok(())
    }

    /// SQLite's own check of every page and index; the problems it found.
    pub async fn integrity(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("PRAGMA integrity_check").fetch_all(&self.pool).await?;
        let found: Vec<String> =
            rows.iter().map(|r| r.try_get("integrity_check")).collect::<std::result::Result<_, _>>()?;
        Ok(found.into_iter().filter(|f| f != "ok").collect())
    }

    /// Closes every connection, SQLite's WAL folded into its file.
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// Whether the database answers: a connection from the pool, a query.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await?;
        Ok(())
    }

    /// Every campaign, newest first.
    pub async fn campaigns(&self) -> Result<Vec<CampaignInfo>> {
        let rows = sqlx::query("SELECT code, name, settings FROM campaign ORDER BY created_at DESC, code")
            .fetch_all(&self.pool)
            .await?;
        let info = |r: &AnyRow| {
            Ok(CampaignInfo { code: r.try_get("code")?, name: r.try_get("name")?, settings: r.try_get("settings")? })
        };
        rows.iter().map(info).collect()
    }

    /// The campaign's settings (its file, JSON).
    pub async fn campaign(&self, code: &str) -> Result<String> {
        let row =
            sqlx::query("SELECT settings FROM campaign WHERE code = $1").bind(code).fetch_optional(&self.pool).await?;
        Ok(row.ok_or_else(|| StoreError::NoCampaign(code.into()))?.try_get("settings")?)
    }

    /// The campaign's units, the tree in order: each unit after its parent.
    pub async fn units(&self, campaign: &str) -> Result<Vec<Unit>> {
        self.campaign(campaign).await?;
        units_in(&mut *self.pool.acquire().await?, campaign).await
    }

    pub async fn unit(&self, campaign: &str, code: &str) -> Result<Unit> {
        let row = sqlx::query(concat!("SELECT ", unit_columns!(), " FROM unit WHERE campaign = $1 AND code = $2"))
            .bind(campaign)
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        Unit::from_row(&row.ok_or_else(|| StoreError::NoUnit(code.into()))?)
    }

    /// The unit and the units above it, nearest first.
    pub async fn lineage(&self, campaign: &str, code: &str) -> Result<Vec<Unit>> {
        let mut lineage = vec![self.unit(campaign, code).await?];
        while let Some(parent) = lineage.last().and_then(|u| u.parent.clone()) {
            lineage.push(self.unit(campaign, &parent).await?);
        }
        Ok(lineage)
    }

    /// Appends a version of the unit's submission, by `author`, and makes it
    /// current, while the unit may still edit (not submitted, approved or
    /// not reporting); its number once the transaction is durable. A body
    /// equal to the current version's makes no new version. A unit saves at
    /// most [`SAVES_PER_HOUR`] versions an hour and keeps at most
    /// [`MAX_STORED`] characters in all.
    pub async fn save(&self, campaign: &str, unit: &str, body: &str, author: Option<&str>) -> Result<Saved> {
        let now = now_ms();
        let sha = sha256(body.as_bytes());
        let size = body.chars().count() as i64;
        let (_turn, mut tx) = self.begin_writing().await?;
        // The row's lock orders concurrent saves of one unit, and a save
        // after a submission.
        let row = sqlx::query(
            "UPDATE unit SET position = position WHERE campaign = $1 AND code = $2 \
             RETURNING state, current, stored, name",
        )
        .bind(campaign)
        .bind(unit)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NoUnit(unit.into()))?;
        let state: State = parse(row.try_get("state")?)?;
        if !state.editable() {
            let name: String = row.try_get("name")?;
            return Err(StoreError::Conflict(format!("báo cáo của «{name}» {} nên không sửa được", state.label())));
        }
        let current: Option<i64> = row.try_get("current")?;
        let stored: i64 = row.try_get("stored")?;
        if let Some(number) = current {
            let row = sqlx::query(
                "SELECT number, sha256, saved_at, author FROM version WHERE campaign = $1 AND unit = $2 AND number = $3",
            )
            .bind(campaign)
            .bind(unit)
            .bind(number)
            .fetch_one(&mut *tx)
            .await?;
            let info = VersionInfo::from_row(&row)?;
            if info.sha256 == sha {
                return Ok(Saved { info, new: false });
            }
        }
        let recent = sqlx::query(
            "SELECT COUNT(*) AS n FROM event WHERE campaign = $1 AND unit = $2 AND action = $4 AND at > $3",
        )
        .bind(campaign)
        .bind(unit)
        .bind(now - 3600 * 1000)
        .bind(EventAction::Save.as_str())
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("n")?;
        if recent >= SAVES_PER_HOUR {
            return Err(StoreError::TooManySaves(SAVES_PER_HOUR));
        }
        if stored + size > MAX_STORED {
            return Err(StoreError::UnitFull(MAX_STORED >> 20));
        }
        let row = sqlx::query(
            "UPDATE unit SET versions = versions + 1, current = versions + 1, state = $1, changed_at = $2, \
             stored = stored + $3 WHERE campaign = $4 AND code = $5 RETURNING versions",
        )
        .bind(State::Draft.as_str())
        .bind(now)
        .bind(size)
        .bind(campaign)
        .bind(unit)
        .fetch_one(&mut *tx)
        .await?;
        let number: i64 = row.try_get("versions")?;
        sqlx::query(
            "INSERT INTO version (campaign, unit, number, body, sha256, saved_at, author) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(campaign)
        .bind(unit)
        .bind(number)
        .bind(body)
        .bind(&sha)
        .bind(now)
        .bind(author)
        .execute(&mut *tx)
        .await?;
        let event = NewEvent {
            login: author,
            campaign: Some(campaign),
            unit: Some(unit),
            version: Some(number),
            sha256: Some(&sha),
            ..NewEvent::of(EventAction::Save)
        };
        self.append(&mut tx, &event, now).await?;
        tx.commit().await?;
        let info = VersionInfo { number, sha256: sha, saved_at: now, author: author.map(str::to_owned) };
        Ok(Saved { info, new: true })
    }

    /// A version of the unit's submission: the current one, or `number`.
    pub async fn version(&self, campaign: &str, unit: &str, number: Option<i64>) -> Result<Option<Version>> {
        let current = self.unit(campaign, unit).await?.current;
        let Some(number) = number.or(current) else { return Ok(None) };
        let row = sqlx::query(
            "SELECT number, sha256, saved_at, author, body FROM version WHERE campaign = $1 AND unit = $2 AND number = $3",
        )
        .bind(campaign)
        .bind(unit)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?;
        let row = row.ok_or_else(|| StoreError::NoVersion { unit: unit.into(), number })?;
        Ok(Some(Version { info: VersionInfo::from_row(&row)?, body: row.try_get("body")? }))
    }

    /// The current versions' bodies of the units below `unit` — its
    /// children and theirs — by unit code, in one query.
    pub async fn bodies_below(&self, campaign: &str, unit: &str) -> Result<HashMap<String, String>> {
        let rows = sqlx::query(
            "SELECT u.code, v.body FROM unit u \
             JOIN version v ON v.campaign = u.campaign AND v.unit = u.code AND v.number = u.current \
             WHERE u.campaign = $1 AND (u.parent = $2 OR u.parent IN \
               (SELECT c.code FROM unit c WHERE c.campaign = $1 AND c.parent = $2))",
        )
        .bind(campaign)
        .bind(unit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("code")?, r.try_get("body")?))).collect()
    }

    /// Every version of the unit's submission, oldest first, without bodies.
    pub async fn versions(&self, campaign: &str, unit: &str) -> Result<Vec<VersionInfo>> {
        self.unit(campaign, unit).await?;
        let rows = sqlx::query(
            "SELECT number, sha256, saved_at, author FROM version WHERE campaign = $1 AND unit = $2 ORDER BY number",
        )
        .bind(campaign)
        .bind(unit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(VersionInfo::from_row).collect::<std::result::Result<_, _>>()?)
    }

    /// The campaign's roll, if the Board gave one.
    pub async fn roll(&self, campaign: &str) -> Result<Option<String>> {
        let row =
            sqlx::query("SELECT body FROM roll WHERE campaign = $1").bind(campaign).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.try_get("body")).transpose()?)
    }

    /// How many members the campaign's roll has and when it was kept, if
    /// the Board gave one.
    pub async fn roll_info(&self, campaign: &str) -> Result<Option<(usize, i64)>> {
        let row = sqlx::query("SELECT body, saved_at FROM roll WHERE campaign = $1")
            .bind(campaign)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let body: String = row.try_get("body")?;
        let entries: Vec<serde::de::IgnoredAny> =
            serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some((entries.len(), row.try_get("saved_at")?)))
    }

    /// A document made before, by its address: its file name, what else
    /// was said of it (JSON) and its bytes.
    pub async fn document(&self, address: &str) -> Result<Option<KeptDocument>> {
        let row = sqlx::query("SELECT file_name, meta, bytes FROM document WHERE address = $1")
            .bind(address)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(KeptDocument::from_row).transpose()?)
    }

    fn is_sqlite(&self) -> bool {
        matches!(self.backend, Backend::Sqlite { .. })
    }

    /// Waits for this process's turn to write (SQLite only).
    async fn writing(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.backend {
            Backend::Sqlite { writer } => Some(writer.lock().await),
            Backend::Postgres => None,
        }
    }

    /// This process's turn to write and a transaction to write in, the
    /// installation's write turn taken first — the one lock order of every
    /// write (docs/campaign.md, "One writer at a time"): no two writes can
    /// wait for each other. On SQLite the transaction takes the database's
    /// write lock at once (`BEGIN IMMEDIATE`): another process writing
    /// meanwhile (the command line beside the service) is waited for,
    /// rather than failing the transaction when it reads first and writes
    /// after. On PostgreSQL an advisory lock held to the commit does the
    /// same across replicas; the audit log's sequence needs it anyway.
    async fn begin_writing(
        &self,
    ) -> Result<(Option<tokio::sync::MutexGuard<'_, ()>>, sqlx::Transaction<'static, sqlx::Any>)> {
        let turn = self.writing().await;
        let tx = if self.is_sqlite() {
            self.pool.begin_with("BEGIN IMMEDIATE").await?
        } else {
            let mut tx = self.pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITE_LOCK).execute(&mut *tx).await?;
            tx
        };
        Ok((turn, tx))
    }

    /// Keeps a document by its address; one kept already stays (the same
    /// address is the same bytes).
    pub async fn put_document(&self, address: &str, file_name: &str, meta: &str, bytes: &[u8]) -> Result<()> {
        let _turn = self.writing().await;
        sqlx::query(
            "INSERT INTO document (address, file_name, meta, bytes, made_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (address) DO NOTHING",
        )
        .bind(address)
        .bind(file_name)
        .bind(meta)
        .bind(bytes)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A file of a submission kept by `address` (what it was made from).
    pub async fn kept_file(&self, address: &str) -> Result<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT bytes FROM kept_file WHERE address = $1")
            .bind(address)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("bytes")).transpose()?)
    }

    /// Keeps a file of a submission by `address`; one kept already stays.
    pub async fn keep_file(&self, address: &str, bytes: &[u8]) -> Result<()> {
        let _turn = self.writing().await;
        sqlx::query(
            "INSERT INTO kept_file (address, bytes, made_at) VALUES ($1, $2, $3) ON CONFLICT (address) DO NOTHING",
        )
        .bind(address)
        .bind(bytes)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The whole campaign: settings, units, every version, the roll, its
    /// audit log — one moment of it, however many units save meanwhile:
    /// every query in one read transaction (on SQLite the WAL snapshot of
    /// its first read, on PostgreSQL a repeatable read).
    pub async fn dump(&self, code: &str) -> Result<Dump> {
        let mut tx = if self.is_sqlite() {
            self.pool.begin().await?
        } else {
            self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?
        };
        let row = sqlx::query("SELECT name, settings, created_at FROM campaign WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NoCampaign(code.into()))?;
        let units = units_in(&mut tx, code).await?;
        let rows = sqlx::query(
            "SELECT unit, number, sha256, saved_at, author, body FROM version WHERE campaign = $1 ORDER BY unit, number",
        )
        .bind(code)
        .fetch_all(&mut *tx)
        .await?;
        let mut versions: Vec<(String, Vec<Version>)> = Vec::new();
        for row in &rows {
            let unit: String = row.try_get("unit")?;
            let info = VersionInfo::from_row(row)?;
            let version = Version { info, body: row.try_get("body")? };
            match versions.last_mut() {
                Some((last, list)) if *last == unit => list.push(version),
                _ => versions.push((unit, vec![version])),
            }
        }
        let roll = sqlx::query("SELECT body, saved_at FROM roll WHERE campaign = $1")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
        let events = workflow::events_in(&mut tx, code, None, false).await?;
        let card_records = sqlx::query(
            "SELECT number, kind, unit, body, login, at FROM card_record WHERE campaign = $1 ORDER BY number",
        )
        .bind(code)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(CardRecord::from_row)
        .collect::<std::result::Result<_, _>>()?;
        tx.commit().await?;
        Ok(Dump {
            code: code.into(),
            name: row.try_get("name")?,
            settings: row.try_get("settings")?,
            created_at: row.try_get("created_at")?,
            units,
            versions,
            roll: roll.map(|r| Ok::<_, sqlx::Error>((r.try_get("body")?, r.try_get("saved_at")?))).transpose()?,
            events,
            card_records,
        })
    }

    /// Restores a campaign exactly as dumped, all or nothing; refused when
    /// the store has a campaign of that code, or a version's SHA-256 does not
    /// match its body.
    pub async fn restore(&self, mut dump: Dump) -> Result<()> {
        let mut versions: HashMap<String, Vec<Version>> = std::mem::take(&mut dump.versions).into_iter().collect();
        self.restore_with(&dump, |unit| Ok(versions.remove(unit).unwrap_or_default())).await
    }

    /// [`restore`](Self::restore) of `head` (its `versions` left aside),
    /// each unit's versions asked of `versions_of` in turn, inside the one
    /// transaction: one unit's versions in memory at a time.
    pub async fn restore_with(
        &self,
        head: &Dump,
        mut versions_of: impl FnMut(&str) -> Result<Vec<Version>>,
    ) -> Result<()> {
        let dump = head;
        let (_turn, mut tx) = self.begin_writing().await?;
        let exists =
            sqlx::query("SELECT code FROM campaign WHERE code = $1").bind(&dump.code).fetch_optional(&mut *tx).await?;
        if exists.is_some() {
            return Err(StoreError::CampaignExists(dump.code.clone()));
        }
        sqlx::query("INSERT INTO campaign (code, name, settings, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&dump.code)
            .bind(&dump.name)
            .bind(&dump.settings)
            .bind(dump.created_at)
            .execute(&mut *tx)
            .await?;
        for (position, unit) in dump.units.iter().enumerate() {
            sqlx::query(
                "INSERT INTO unit (campaign, code, name, level, parent, position, state, versions, current, changed_at, \
                 submitted_at, note, stored, below_deadline, returned_version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(&dump.code)
            .bind(&unit.code)
            .bind(&unit.name)
            .bind(unit.level.as_str())
            .bind(unit.parent.as_deref())
            .bind(position as i64)
            .bind(unit.state.as_str())
            .bind(unit.versions)
            .bind(unit.current)
            .bind(unit.changed_at)
            .bind(unit.submitted_at)
            .bind(unit.note.as_deref())
            .bind(0i64)
            .bind(unit.below_deadline.as_deref())
            .bind(unit.returned_version)
            .execute(&mut *tx)
            .await?;
        }
        for unit in &dump.units {
            let versions = versions_of(&unit.code)?;
            if let Some(bad) = versions.iter().find(|v| sha256(v.body.as_bytes()) != v.info.sha256) {
                let number = bad.info.number;
                return Err(StoreError::BadExport(format!("{} phiên bản {number}: SHA-256 không khớp", unit.code)));
            }
            for version in &versions {
                sqlx::query(
                    "INSERT INTO version (campaign, unit, number, body, sha256, saved_at, author) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&dump.code)
                .bind(&unit.code)
                .bind(version.info.number)
                .bind(&version.body)
                .bind(&version.info.sha256)
                .bind(version.info.saved_at)
                .bind(version.info.author.as_deref())
                .execute(&mut *tx)
                .await?;
            }
            let stored: i64 = versions.iter().map(|v| v.body.chars().count() as i64).sum();
            sqlx::query("UPDATE unit SET stored = $1 WHERE campaign = $2 AND code = $3")
                .bind(stored)
                .bind(&dump.code)
                .bind(&unit.code)
                .execute(&mut *tx)
                .await?;
        }
        if let Some((body, saved_at)) = &dump.roll {
            sqlx::query("INSERT INTO roll (campaign, body, sha256, saved_at) VALUES ($1, $2, $3, $4)")
                .bind(&dump.code)
                .bind(body)
                .bind(sha256(body.as_bytes()))
                .bind(*saved_at)
                .execute(&mut *tx)
                .await?;
        }
        Self::restore_records(&mut tx, &dump.code, &dump.card_records).await?;
        self.append_all(&mut tx, &dump.events).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The columns [`Unit::from_row`] reads, in its order; a macro so that
/// queries stay literal strings.
macro_rules! unit_columns {
    () => {
        "code, name, level, parent, state, versions, current, changed_at, submitted_at, note, below_deadline, \
         returned_version"
    };
}
use unit_columns;

/// The campaign's units, the tree in order, read through `conn`.
async fn units_in(conn: &mut sqlx::AnyConnection, campaign: &str) -> Result<Vec<Unit>> {
    let rows = sqlx::query(concat!("SELECT ", unit_columns!(), " FROM unit WHERE campaign = $1 ORDER BY position"))
        .bind(campaign)
        .fetch_all(conn)
        .await?;
    rows.iter().map(Unit::from_row).collect()
}

/// A value the store wrote, read back into its type.
fn parse<T: FromStr>(text: String) -> Result<T> {
    text.parse().map_err(|_| StoreError::Corrupt(text))
}

impl Unit {
    fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Unit {
            code: row.try_get("code")?,
            name: row.try_get("name")?,
            level: parse(row.try_get("level")?)?,
            parent: row.try_get("parent")?,
            state: parse(row.try_get("state")?)?,
            versions: row.try_get("versions")?,
            current: row.try_get("current")?,
            changed_at: row.try_get("changed_at")?,
            submitted_at: row.try_get("submitted_at")?,
            note: row.try_get("note")?,
            below_deadline: row.try_get("below_deadline")?,
            returned_version: row.try_get("returned_version")?,
        })
    }
}

/// The file named as `file` and `suffix`: SQLite's `-wal` or `-shm`
/// beside the database, a copy's `.partial` beside the copy.
fn side_file(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Refuses, before anything opens it for writing, a `file` that is no
/// kttdv store: empty (what a failed restore or copy leaves, which would
/// otherwise start an empty installation), not SQLite, unreadable as SQLite,
/// or holding another application's tables. Read through a read-only
/// connection: another application's database in its rollback journal
/// gets no journal change and no side file. (Not `immutable`: a kttdv
/// store whose last writer left its WAL unfolded reads torn without it.)
async fn probe(file: &Path, place: &str) -> Result<()> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let read = std::fs::File::open(file).and_then(|mut f| f.read(&mut head));
    match read {
        Ok(0) => return Err(StoreError::EmptyFile(place.into())),
        Ok(16) if &head == b"SQLite format 3\0" => {}
        _ => return Err(StoreError::Foreign(place.into())),
    }
    let url = format!("sqlite://{}?mode=ro", file.display());
    let tables: std::result::Result<Vec<String>, sqlx::Error> = async {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(&url).await?;
        let rows = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table'").fetch_all(&mut conn).await?;
        let _ = conn.close().await;
        rows.iter().map(|r| r.try_get::<String, _>("name")).collect()
    }
    .await;
    match tables {
        Ok(tables) if tables.is_empty() || tables.iter().any(|t| t == "_sqlx_migrations") => Ok(()),
        _ => Err(StoreError::Foreign(place.into())),
    }
}

/// Now, in milliseconds since 1970 (UTC), as the store keeps times.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    since.as_millis() as i64
}
