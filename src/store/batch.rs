//! Group commit for the verdict audit trail. Rollout controllers ask for verdicts concurrently,
//! and each recorded verdict is one row. Written one by one, every verdict pays a statement and
//! a commit (a WAL or journal flush) of its own; here the verdicts that arrive while a write is in
//! progress wait for the next one, which stores them all with one statement and one commit.
//! Nothing waits on a timer: a verdict that finds a writer idle is written at once, so batches
//! form only under load. Each caller still returns only once its own verdict is committed.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::{Mutex, mpsc, oneshot};

use super::{StoreError, StoreResult};
use crate::model::{DeploymentKey, NewVerdict, StoredVerdict};

/// Verdicts to write together, in arrival order.
pub(super) type Batch = Vec<(DeploymentKey, NewVerdict)>;

/// What a batch write answers: an error for the whole batch, or one result per verdict, in the
/// batch's order (a verdict whose deployment is gone fails alone).
pub(super) type BatchResult = StoreResult<Vec<StoreResult<StoredVerdict>>>;

type Job = (
    DeploymentKey,
    NewVerdict,
    oneshot::Sender<StoreResult<StoredVerdict>>,
);

/// Most verdicts in one write.
const MAX_BATCH: usize = 128;
/// Verdicts that may wait for a writer before callers wait to enqueue.
const QUEUE: usize = 4096;

/// A handle on the writing tasks; cloning it shares them.
#[derive(Clone, Debug)]
pub(super) struct VerdictWriter {
    jobs: mpsc::Sender<Job>,
}

impl VerdictWriter {
    /// Starts `writers` tasks on the current Tokio runtime, each writing batches with `write`.
    /// More than one lets a backend that commits in parallel (Postgres) overlap writes.
    pub fn spawn<W, F>(writers: usize, write: W) -> Self
    where
        W: Fn(Batch) -> F + Send + Sync + 'static,
        F: Future<Output = BatchResult> + Send + 'static,
    {
        let (jobs, queue) = mpsc::channel::<Job>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let write = Arc::new(write);
        for _ in 0..writers.max(1) {
            let queue = queue.clone();
            let write = write.clone();
            tokio::spawn(async move {
                while let Some(jobs) = next_batch(&queue).await {
                    let (batch, waiting): (Batch, Vec<_>) = jobs
                        .into_iter()
                        .map(|(key, verdict, done)| ((key, verdict), done))
                        .unzip();
                    let n = batch.len();
                    match write(batch).await {
                        Ok(results) if results.len() == n => {
                            for (done, result) in waiting.into_iter().zip(results) {
                                // The caller may have gone (a cancelled request): nothing to tell.
                                let _ = done.send(result);
                            }
                        }
                        Ok(results) => {
                            let e = StoreError::Corrupt(format!(
                                "a write of {n} verdicts answered {} results",
                                results.len()
                            ));
                            for done in waiting {
                                let _ = done.send(Err(e.clone()));
                            }
                        }
                        Err(e) => {
                            for done in waiting {
                                let _ = done.send(Err(e.clone()));
                            }
                        }
                    }
                }
            });
        }
        VerdictWriter { jobs }
    }

    /// Writes `verdict` with whatever else is waiting; returns once it is committed.
    pub async fn record(
        &self,
        key: &DeploymentKey,
        verdict: NewVerdict,
    ) -> StoreResult<StoredVerdict> {
        let (done, answer) = oneshot::channel();
        self.jobs
            .send((key.clone(), verdict, done))
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// The answers to a written batch, given each verdict's new id and time, or `None` for one whose
/// deployment was not found.
pub(super) fn stored(
    batch: Batch,
    rows: Vec<Option<(i64, DateTime<Utc>)>>,
) -> Vec<StoreResult<StoredVerdict>> {
    batch
        .into_iter()
        .zip(rows)
        .map(|((key, v), row)| match row {
            Some((id, evaluated_at)) => Ok(StoredVerdict::new(Some(id), &key, evaluated_at, v)),
            None => Err(StoreError::Corrupt(format!(
                "no deployment '{key}' to record a verdict for"
            ))),
        })
        .collect()
}

/// Waits for one verdict, then takes every other one already waiting (up to [`MAX_BATCH`]).
/// `None` once every handle is gone.
async fn next_batch(queue: &Mutex<mpsc::Receiver<Job>>) -> Option<Vec<Job>> {
    let mut queue = queue.lock().await;
    let first = queue.recv().await?;
    let mut jobs = vec![first];
    while jobs.len() < MAX_BATCH {
        match queue.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    Some(jobs)
}

/// The writing tasks are gone: the runtime is shutting down.
fn stopped() -> StoreError {
    StoreError::Unavailable(Arc::new(sqlx::Error::PoolClosed))
}
