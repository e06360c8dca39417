//! The records of the cards' round trip, appended in order: what the
//! campaign's `cards` module reads back to say where each card is.

use sqlx::{FromRow, Row};

use super::workflow::{EventAction, NewEvent};
use super::{Result, Store, StoreError, now_ms};

/// A record of the round trip as kept: a hand-over, the decision, a stamping.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, FromRow)]
pub struct CardRecord {
    /// 1, 2, … in the campaign, with no gaps: a hand-over record's number.
    pub number: i64,
    pub kind: String,
    /// The unit whose cards move, or the Board for its own work.
    pub unit: String,
    /// What the record says, JSON: who, when, which cards.
    pub body: String,
    pub login: String,
    /// Milliseconds since 1970 (UTC).
    pub at: i64,
}

/// A record to append, its event's words, and the roll it brings, if any.
pub struct NewRecord<'a> {
    pub kind: &'a str,
    pub unit: &'a str,
    pub body: &'a str,
    pub by: &'a str,
    pub action: EventAction,
    pub note: &'a str,
    /// The roll's new version (JSON), kept in the same transaction.
    pub roll: Option<&'a str>,
}

impl Store {
    /// Every record of the campaign's round trip, oldest first.
    pub async fn card_records(&self, campaign: &str) -> Result<Vec<CardRecord>> {
        self.campaign(campaign).await?;
        let rows = sqlx::query(
            "SELECT number, kind, unit, body, login, at FROM card_record WHERE campaign = $1 ORDER BY number",
        )
        .bind(campaign)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| CardRecord::from_row(r).map_err(StoreError::from)).collect()
    }

    /// Appends `record` as number `seen + 1`, with its event (and the roll's
    /// new version), in one transaction — only if the campaign's last record
    /// is still number `seen`, the one its caller planned after: two
    /// hand-overs of the same cards at once cannot both land.
    pub async fn append_card_record(&self, campaign: &str, seen: i64, record: &NewRecord<'_>) -> Result<i64> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        let last: i64 = sqlx::query("SELECT COALESCE(MAX(number), 0) AS last FROM card_record WHERE campaign = $1")
            .bind(campaign)
            .fetch_one(&mut *tx)
            .await?
            .try_get("last")?;
        if last != seen {
            return Err(StoreError::Conflict(
                "một biên bản khác về thẻ đảng viên vừa được ghi cùng lúc nên việc này chưa được ghi; \
                 hãy tải lại trang và làm lại"
                    .into(),
            ));
        }
        let number = last + 1;
        sqlx::query(
            "INSERT INTO card_record (campaign, number, kind, unit, body, login, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(campaign)
        .bind(number)
        .bind(record.kind)
        .bind(record.unit)
        .bind(record.body)
        .bind(record.by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let sha = crate::hash::sha256(record.body.as_bytes());
        let event = NewEvent {
            login: Some(record.by),
            campaign: Some(campaign),
            unit: Some(record.unit),
            version: Some(number),
            sha256: Some(&sha),
            note: Some(record.note),
            ..NewEvent::of(record.action)
        };
        self.append(&mut tx, &event, now).await?;
        if let Some(roll) = record.roll {
            super::workflow::replace_roll(&mut tx, campaign, roll, now).await?;
        }
        tx.commit().await?;
        Ok(number)
    }

    /// Restores exported records, in order, inside an import's transaction.
    pub(super) async fn restore_records(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        campaign: &str,
        records: &[CardRecord],
    ) -> Result<()> {
        for (i, record) in records.iter().enumerate() {
            if record.number != i as i64 + 1 {
                return Err(StoreError::BadExport(format!("biên bản thẻ số {} không liền số trước", record.number)));
            }
            sqlx::query(
                "INSERT INTO card_record (campaign, number, kind, unit, body, login, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(campaign)
            .bind(record.number)
            .bind(&record.kind)
            .bind(&record.unit)
            .bind(&record.body)
            .bind(&record.login)
            .bind(record.at)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}
