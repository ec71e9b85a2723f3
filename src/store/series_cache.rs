//! The verdict path's cache of stored series (Postgres).
//!
//! A controller asks for a verdict every minute while one point a minute arrives per series. For a
//! deployment with a day of one-minute points, reading every point again for each verdict is
//! most of what the verdict costs the database. The cache keeps each deployment's series as last
//! read, with that read's snapshot horizon, and asks the database only for the rows written
//! since.
//!
//! Why no write is missed: every row of `points` records the transaction that last wrote it
//! (`writer`, an `xid8` from `pg_current_xact_id()`, 64 bits: it never wraps). A read runs in one
//! snapshot S and returns S's `xmax` (the first transaction id not yet begun at S) and `xip`
//! (those in progress at S); every other transaction below `xmax` had ended, and S sees what it
//! committed. A row version the read did not see was therefore written by a transaction in
//! `xip`, or at or after `xmax`, and the next read asks for exactly those
//! (`writer >= xmax or writer = any(xip)`). Rows seen again replace their cached copy by
//! (metric, cohort, ts). Reads of one deployment are serialized by its entry's lock, so each
//! sees a snapshot no older than the one before. A long transaction elsewhere in the cluster
//! costs the next read only that transaction's own rows.
//!
//! What it relies on: deleted rows leave nothing for a delta read to find, so every deletion of
//! points must be noticed otherwise. Deleting a deployment (and creating it again) gives the key
//! a new row id, or none: the next read notices and answers with a full read or `None`.
//! Retention removes old points of any deployment: it bumps `points_epoch` in the same
//! transaction, each read returns the epoch its snapshot sees, and an entry read at another
//! epoch is read whole again. A snapshot that sees a removal sees its epoch too, so this holds
//! across replicas, whichever of them ran the retention.
//!
//! Size: at most `budget` points in all (about 40 bytes each), least recently used first out.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use hashlink::LruCache;

use super::postgres::Days;
use crate::model::{Cohort, StoredSeries};

/// One point read since the last read: metric, cohort, time, value and count.
pub type Row = (String, Cohort, DateTime<Utc>, f64, Option<u64>);

/// A deployment's series as last read.
#[derive(Debug)]
pub struct Entry {
    /// The deployments row the series belong to.
    pub deployment_id: i64,
    /// The snapshot of the read that brought the series up to date: its `xmax`...
    pub horizon: i64,
    /// ...and the transactions in progress at it (`xip`).
    pub in_progress: Vec<i64>,
    /// `points_epoch` as that snapshot saw it: how many retention steps had removed points.
    pub epoch: i64,
    /// The days the deployment's points spanned at that snapshot, which bound the next read.
    pub days: Option<Days>,
    /// The metrics read (a different list is a miss).
    pub metrics: Vec<String>,
    /// Ordered by metric and cohort, each in time order.
    pub series: Vec<StoredSeries>,
}

impl Entry {
    /// Points held.
    pub fn points(&self) -> usize {
        self.series.iter().map(|s| s.ts.len()).sum()
    }

    /// Applies rows written since the last read, each `(metric, cohort, ts, value, count)`,
    /// replacing points with the same time and adding the others in time order. The rows are
    /// unique by (metric, cohort, ts), as the primary key makes them.
    pub fn merge(&mut self, rows: Vec<Row>) {
        let mut back_filled = Vec::new();
        for (metric, cohort, ts, value, count) in rows {
            // The order of a full read: metric, then the cohort's name.
            let at = self.series.binary_search_by(|s| {
                (s.metric.as_str(), s.cohort.as_str()).cmp(&(metric.as_str(), cohort.as_str()))
            });
            let i = match at {
                Ok(i) => i,
                Err(i) => {
                    self.series.insert(
                        i,
                        StoredSeries {
                            metric,
                            cohort,
                            ts: Vec::new(),
                            values: Vec::new(),
                            counts: Vec::new(),
                        },
                    );
                    i
                }
            };
            let s = &mut self.series[i];
            // The usual case: a point after every cached one.
            if s.ts.last().is_none_or(|&last| ts > last) {
                s.ts.push(ts);
                s.values.push(value);
                s.counts.push(count);
                continue;
            }
            match s.ts.binary_search(&ts) {
                Ok(j) => {
                    s.values[j] = value;
                    s.counts[j] = count;
                }
                // Kept apart until the end, so the series stays sorted for the searches.
                Err(_) => back_filled.push((s.metric.clone(), cohort, ts, value, count)),
            }
        }
        if back_filled.is_empty() {
            return;
        }
        for (metric, cohort, ts, value, count) in back_filled {
            if let Some(s) = self
                .series
                .iter_mut()
                .find(|s| s.metric == metric && s.cohort == cohort)
            {
                s.ts.push(ts);
                s.values.push(value);
                s.counts.push(count);
            }
        }
        for s in &mut self.series {
            s.sort_by_time();
        }
    }
}

/// One deployment's slot: its entry, once read, behind the lock that serializes its reads.
pub type Slot = Arc<tokio::sync::Mutex<Option<Entry>>>;

/// The cache: slots by deployment key, least recently used first out, within a budget of points.
pub struct SeriesCache {
    budget: usize,
    inner: Mutex<Inner>,
}

struct Inner {
    slots: LruCache<String, (Slot, usize)>,
    points: usize,
}

impl SeriesCache {
    /// A cache holding at most `budget` points in all; 0 turns it off.
    pub fn new(budget: usize) -> Self {
        SeriesCache {
            budget,
            inner: Mutex::new(Inner {
                slots: LruCache::new_unbounded(),
                points: 0,
            }),
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map stays consistent whatever panicked while holding it: every update is one call.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The deployment's slot, created empty if needed, now the most recently used.
    pub fn slot(&self, key: &str) -> Slot {
        let mut inner = self.inner();
        if let Some((slot, _)) = inner.slots.get(key) {
            return slot.clone();
        }
        let slot = Slot::default();
        inner.slots.insert(key.to_owned(), (slot.clone(), 0));
        slot
    }

    /// Records that `slot` now holds `points` points, and evicts the least recently used slots
    /// while the total is over the budget. A slot that was evicted meanwhile is left out.
    pub fn resize(&self, key: &str, slot: &Slot, points: usize) {
        let mut inner = self.inner();
        let Some((held, size)) = inner.slots.get_mut(key) else {
            return;
        };
        if !Arc::ptr_eq(held, slot) {
            return;
        }
        let old = std::mem::replace(size, points);
        inner.points = inner.points - old + points;
        while inner.points > self.budget {
            let Some((_, (_, size))) = inner.slots.remove_lru() else {
                break;
            };
            inner.points -= size;
        }
    }

    /// Forgets the deployment (it no longer exists).
    pub fn remove(&self, key: &str) {
        let mut inner = self.inner();
        if let Some((_, size)) = inner.slots.remove(key) {
            inner.points -= size;
        }
    }

    /// Points held in all.
    pub fn points(&self) -> usize {
        self.inner().points
    }

    /// Deployments held (with their points or being read).
    pub fn slots(&self) -> usize {
        self.inner().slots.len()
    }
}

impl std::fmt::Debug for SeriesCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeriesCache")
            .field("budget", &self.budget)
            .field("points", &self.points())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_764_000_000 + 60 * minute, 0).unwrap()
    }

    fn entry() -> Entry {
        Entry {
            deployment_id: 1,
            horizon: 0,
            in_progress: Vec::new(),
            epoch: 0,
            days: None,
            metrics: vec!["error_rate".into()],
            series: Vec::new(),
        }
    }

    fn row(metric: &str, cohort: Cohort, minute: i64, value: f64) -> Row {
        (
            metric.into(),
            cohort,
            at(minute),
            value,
            Some(minute as u64),
        )
    }

    #[test]
    fn merge_appends_replaces_and_inserts_in_order() {
        let mut e = entry();
        e.merge(vec![
            row("latency_p99", Cohort::Canary, 1, 10.0),
            row("error_rate", Cohort::Baseline, 1, 1.0),
            row("error_rate", Cohort::Canary, 1, 2.0),
            row("error_rate", Cohort::Canary, 3, 4.0),
        ]);
        e.merge(vec![
            row("error_rate", Cohort::Canary, 2, 3.0), // out of order: inserted
            row("error_rate", Cohort::Canary, 3, 5.0), // rewritten
            row("error_rate", Cohort::Canary, 4, 6.0), // appended
        ]);
        let names: Vec<_> = e
            .series
            .iter()
            .map(|s| (s.metric.as_str(), s.cohort.as_str()))
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        let canary = e
            .series
            .iter()
            .find(|s| s.metric == "error_rate" && s.cohort == Cohort::Canary)
            .unwrap();
        assert_eq!(canary.ts, vec![at(1), at(2), at(3), at(4)]);
        assert_eq!(canary.values, vec![2.0, 3.0, 5.0, 6.0]);
        assert_eq!(canary.counts, vec![Some(1), Some(2), Some(3), Some(4)]);
        assert_eq!(e.points(), 6);
    }

    #[test]
    fn the_budget_evicts_the_least_recently_used() {
        let cache = SeriesCache::new(10);
        let a = cache.slot("a");
        cache.resize("a", &a, 6);
        let b = cache.slot("b");
        cache.resize("b", &b, 3);
        // Touch a: b is now the least recently used.
        let a_again = cache.slot("a");
        assert!(Arc::ptr_eq(&a, &a_again));
        let c = cache.slot("c");
        cache.resize("c", &c, 4);
        assert_eq!(cache.points(), 10);
        assert!(!Arc::ptr_eq(&cache.slot("b"), &b), "b was evicted");
        // An evicted slot's late resize changes nothing.
        cache.resize("b", &b, 100);
        assert_eq!(cache.points(), 10);
        cache.remove("a");
        assert_eq!(cache.points(), 4);
    }
}
