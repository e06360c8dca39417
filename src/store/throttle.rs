//! Sign-in attempts, counted before the password is tried: an attempt is
//! reserved for each of its keys (a login and address pair, the login, the
//! address) in one transaction taken in turn — on PostgreSQL across
//! replicas — so that a burst of guesses gets no more tries than one guess
//! after another. A key whose attempts pass its policy's free ones waits,
//! longer after each (`docs/campaign.md`, "Accounts and sign-in").

use sqlx::Row;

use super::{Result, Store, now_ms};

/// How many attempts a key gets before it waits, and how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Attempts without waiting.
    pub free: i64,
    /// The wait after the last free attempt; it doubles with each further one …
    pub first_wait_ms: i64,
    /// … up to this.
    pub max_wait_ms: i64,
    /// A key's count is forgotten this long after its first attempt, once it
    /// is not waiting.
    pub window_ms: i64,
}

/// Where a key stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub attempts: i64,
    pub first_at: i64,
    /// No attempt before this time.
    pub blocked_until: i64,
}

impl Policy {
    /// The counter as it stands at `now`: none once its window has passed
    /// and it is not waiting.
    fn current(&self, counter: Option<Counter>, now: i64) -> Option<Counter> {
        counter.filter(|c| now - c.first_at <= self.window_ms || c.blocked_until > now)
    }

    /// The counter after one more attempt at `now`.
    pub fn after_attempt(&self, counter: Option<Counter>, now: i64) -> Counter {
        let Counter { attempts, first_at, .. } =
            self.current(counter, now).unwrap_or(Counter { attempts: 0, first_at: now, blocked_until: 0 });
        let attempts = attempts + 1;
        let wait = match attempts - self.free {
            over if over < 0 => 0,
            over => self.first_wait_ms.saturating_mul(1_i64 << over.min(40)).min(self.max_wait_ms),
        };
        Counter { attempts, first_at, blocked_until: now + wait }
    }

    /// The counter after a success refunds one attempt of it.
    pub fn after_success(&self, counter: Option<Counter>, now: i64) -> Option<Counter> {
        let mut counter = self.current(counter, now)?;
        counter.attempts = (counter.attempts - 1).max(0);
        if counter.attempts < self.free {
            counter.blocked_until = 0;
        }
        Some(counter)
    }
}

/// An arbitrary number naming the sign-in attempts' lock on PostgreSQL.
const THROTTLE_LOCK: i64 = 0x006b_7474_6474;

/// Rows whose first attempt is older than this are removed.
const FORGET_MS: i64 = 2 * 24 * 3600 * 1000;

impl Store {
    /// Reserves one attempt for every key, all or none: none and the time
    /// to wait, in milliseconds, when any key is waiting.
    pub async fn reserve_attempt(&self, keys: &[(String, Policy)]) -> Result<Option<i64>> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        if !self.is_sqlite() {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(THROTTLE_LOCK).execute(&mut *tx).await?;
        }
        let mut next = Vec::with_capacity(keys.len());
        let mut wait = 0;
        for (key, policy) in keys {
            let counter = policy.current(counter(&mut tx, key).await?, now);
            if let Some(c) = counter.filter(|c| c.blocked_until > now) {
                wait = wait.max(c.blocked_until - now);
            }
            next.push((key, policy.after_attempt(counter, now)));
        }
        if wait > 0 {
            return Ok(Some(wait));
        }
        for (key, counter) in next {
            put(&mut tx, key, counter).await?;
        }
        sqlx::query("DELETE FROM throttle WHERE first_at < $1 AND blocked_until < $2")
            .bind(now - FORGET_MS)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(None)
    }

    /// After a sign-in that succeeded: the keys to `clear` start again, the
    /// keys to `refund` get the attempt back.
    pub async fn settle_attempt(&self, clear: &[String], refund: &[(String, Policy)]) -> Result<()> {
        let now = now_ms();
        let (_turn, mut tx) = self.begin_writing().await?;
        if !self.is_sqlite() {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(THROTTLE_LOCK).execute(&mut *tx).await?;
        }
        for key in clear {
            sqlx::query("DELETE FROM throttle WHERE key = $1").bind(key).execute(&mut *tx).await?;
        }
        for (key, policy) in refund {
            if let Some(counter) = policy.after_success(counter(&mut tx, key).await?, now) {
                put(&mut tx, key, counter).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Whether `login` signed in from `address` since `since` (ms): an
    /// address its owner uses, which strangers' failures do not slow down.
    pub async fn signed_in_from(&self, login: &str, address: &str, since: i64) -> Result<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM event WHERE action = $4 AND login = $1 AND at > $3 AND address = $2",
        )
        .bind(login)
        .bind(address)
        .bind(since)
        .bind(super::EventAction::SignIn.as_str())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }
}

async fn counter(tx: &mut sqlx::Transaction<'_, sqlx::Any>, key: &str) -> Result<Option<Counter>> {
    let row = sqlx::query("SELECT attempts, first_at, blocked_until FROM throttle WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(Counter {
        attempts: row.try_get("attempts")?,
        first_at: row.try_get("first_at")?,
        blocked_until: row.try_get("blocked_until")?,
    }))
}

async fn put(tx: &mut sqlx::Transaction<'_, sqlx::Any>, key: &str, counter: Counter) -> Result<()> {
    sqlx::query(
        "INSERT INTO throttle (key, attempts, first_at, blocked_until) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) DO UPDATE SET attempts = excluded.attempts, first_at = excluded.first_at, \
         blocked_until = excluded.blocked_until",
    )
    .bind(key)
    .bind(counter.attempts)
    .bind(counter.first_at)
    .bind(counter.blocked_until)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAIR: Policy = Policy { free: 5, first_wait_ms: 1_000, max_wait_ms: 900_000, window_ms: 86_400_000 };

    #[test]
    fn the_free_attempts_pass_then_each_waits_twice_as_long_up_to_the_cap() {
        let mut counter = None;
        let mut waits = Vec::new();
        for _ in 0..16 {
            let next = PAIR.after_attempt(counter, 1_000_000);
            waits.push(next.blocked_until - 1_000_000);
            counter = Some(next);
        }
        assert_eq!(waits[..8], [0, 0, 0, 0, 1_000, 2_000, 4_000, 8_000]);
        assert_eq!(waits[15], 900_000, "capped");
    }

    #[test]
    fn a_count_is_forgotten_after_its_window_unless_it_waits_and_a_success_gives_one_back() {
        let waiting = Counter { attempts: 9, first_at: 0, blocked_until: 100_000_000 };
        assert_eq!(PAIR.current(Some(waiting), 90_000_000), Some(waiting), "still waiting");
        let done = Counter { blocked_until: 0, ..waiting };
        assert_eq!(PAIR.current(Some(done), 90_000_000), None);
        assert_eq!(PAIR.after_attempt(Some(done), 90_000_000).attempts, 1);
        let refunded = PAIR.after_success(Some(Counter { attempts: 5, first_at: 0, blocked_until: 9 }), 5).unwrap();
        assert_eq!((refunded.attempts, refunded.blocked_until), (4, 0));
    }
}
