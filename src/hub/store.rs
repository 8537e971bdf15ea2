//! The built-in hub's subscriptions, in SQLite: they outlive a restart of `serve`, and a
//! crash between two writes leaves either the old or the new one, never half of each.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

/// One subscriber of one feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The feed, as its path in the output folder (`zh/atom.xml`): what a subscriber names
    /// by URL, kept without the address it is served at, which may change.
    pub topic: String,
    pub callback: String,
    pub secret: Option<String>,
    /// Unix seconds after which the subscription is over.
    pub expires_at: i64,
}

#[derive(Debug, thiserror::Error)]
#[error("WebSub subscriptions {}: {error}", crate::source::shown(path))]
pub struct StoreError {
    path: PathBuf,
    error: String,
}

pub struct Store {
    db: Connection,
    path: PathBuf,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let failed = |error: String| StoreError {
            path: path.to_path_buf(),
            error,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| failed(e.to_string()))?;
        }
        let db = Connection::open(path).map_err(|e| failed(e.to_string()))?;
        // WAL: a subscription written while deliveries read is no wait for either.
        db.pragma_update(None, "journal_mode", "WAL")
            .and_then(|()| db.busy_timeout(std::time::Duration::from_secs(5)))
            .and_then(|()| {
                db.execute_batch(
                    "CREATE TABLE IF NOT EXISTS subscriptions (
                         topic TEXT NOT NULL,
                         callback TEXT NOT NULL,
                         secret TEXT,
                         expires_at INTEGER NOT NULL,
                         PRIMARY KEY (topic, callback)
                     ) WITHOUT ROWID;
                     CREATE INDEX IF NOT EXISTS by_expiry ON subscriptions (expires_at);",
                )
            })
            .map_err(|e| failed(e.to_string()))?;
        Ok(Store {
            db,
            path: path.to_path_buf(),
        })
    }

    fn failed(&self, error: rusqlite::Error) -> StoreError {
        StoreError {
            path: self.path.clone(),
            error: error.to_string(),
        }
    }

    /// Adds a subscription, or renews it (a new lease, a new secret).
    pub fn subscribe(&self, s: &Subscription) -> Result<(), StoreError> {
        self.db
            .execute(
                "INSERT INTO subscriptions (topic, callback, secret, expires_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (topic, callback)
                 DO UPDATE SET secret = excluded.secret, expires_at = excluded.expires_at",
                params![s.topic, s.callback, s.secret, s.expires_at],
            )
            .map(drop)
            .map_err(|e| self.failed(e))
    }

    pub fn unsubscribe(&self, topic: &str, callback: &str) -> Result<bool, StoreError> {
        self.db
            .execute(
                "DELETE FROM subscriptions WHERE topic = ?1 AND callback = ?2",
                params![topic, callback],
            )
            .map(|n| n > 0)
            .map_err(|e| self.failed(e))
    }

    /// The live subscriptions of `topic` at `now` (Unix seconds).
    pub fn of_topic(&self, topic: &str, now: i64) -> Result<Vec<Subscription>, StoreError> {
        let mut query = self
            .db
            .prepare_cached(
                "SELECT callback, secret, expires_at FROM subscriptions
                 WHERE topic = ?1 AND expires_at > ?2 ORDER BY callback",
            )
            .map_err(|e| self.failed(e))?;
        let rows = query
            .query_map(params![topic, now], |row| {
                Ok(Subscription {
                    topic: topic.to_string(),
                    callback: row.get(0)?,
                    secret: row.get(1)?,
                    expires_at: row.get(2)?,
                })
            })
            .map_err(|e| self.failed(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.failed(e))
    }

    /// The subscription of `callback` to `topic`, if live at `now`.
    pub fn get(
        &self,
        topic: &str,
        callback: &str,
        now: i64,
    ) -> Result<Option<Subscription>, StoreError> {
        self.db
            .query_row(
                "SELECT secret, expires_at FROM subscriptions
                 WHERE topic = ?1 AND callback = ?2 AND expires_at > ?3",
                params![topic, callback, now],
                |row| {
                    Ok(Subscription {
                        topic: topic.to_string(),
                        callback: callback.to_string(),
                        secret: row.get(0)?,
                        expires_at: row.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.failed(e))
    }

    /// Live subscriptions: of `topic`, and in all.
    pub fn counts(&self, topic: &str, now: i64) -> Result<(usize, usize), StoreError> {
        let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| {
            self.db
                .query_row(sql, p, |row| row.get::<_, i64>(0))
                .map(|n| n as usize)
                .map_err(|e| self.failed(e))
        };
        Ok((
            count(
                "SELECT COUNT(*) FROM subscriptions WHERE topic = ?1 AND expires_at > ?2",
                &[&topic, &now],
            )?,
            count(
                "SELECT COUNT(*) FROM subscriptions WHERE expires_at > ?1",
                &[&now],
            )?,
        ))
    }

    /// Removes the subscriptions whose lease ended by `now`; how many.
    pub fn expire(&self, now: i64) -> Result<usize, StoreError> {
        self.db
            .execute(
                "DELETE FROM subscriptions WHERE expires_at <= ?1",
                params![now],
            )
            .map_err(|e| self.failed(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(topic: &str, callback: &str, expires_at: i64) -> Subscription {
        Subscription {
            topic: topic.into(),
            callback: callback.into(),
            secret: Some("s".into()),
            expires_at,
        }
    }

    #[test]
    fn subscriptions_are_renewed_listed_expired_and_kept_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub/subscriptions.sqlite");
        {
            let store = Store::open(&path).unwrap();
            store
                .subscribe(&sub("zh/atom.xml", "http://a/", 100))
                .unwrap();
            store
                .subscribe(&sub("zh/atom.xml", "http://b/", 50))
                .unwrap();
            // Renewed: one subscription, the new lease.
            store
                .subscribe(&sub("zh/atom.xml", "http://a/", 200))
                .unwrap();
            assert_eq!(store.counts("zh/atom.xml", 10).unwrap(), (2, 2));
        }
        let store = Store::open(&path).unwrap();
        let live: Vec<String> = store
            .of_topic("zh/atom.xml", 60)
            .unwrap()
            .into_iter()
            .map(|s| s.callback)
            .collect();
        assert_eq!(live, ["http://a/"], "b's lease ended at 50");
        assert_eq!(store.expire(60).unwrap(), 1);
        assert_eq!(
            store
                .get("zh/atom.xml", "http://a/", 60)
                .unwrap()
                .map(|s| s.expires_at),
            Some(200)
        );
        assert!(store.unsubscribe("zh/atom.xml", "http://a/").unwrap());
        assert_eq!(store.counts("zh/atom.xml", 0).unwrap(), (0, 0));
    }
}
