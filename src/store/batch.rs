//! Group commit for the verdict audit trail. Rollout controllers ask for verdicts concurrently,
//! and each recorded verdict is one row. Written one by one, every verdict pays a statement and
//! a commit (a WAL or journal flush) of its own; here the verdicts that arrive while a write is in
//! progress wait for the next one, which stores them all with one statement and one commit.
//! Nothing waits on a timer: a verdict that finds a writer idle is written at once, so batches
//! form only under load. Each caller still returns only once its own verdict is committed.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use super::{StoreError, StoreResult};
use crate::model::{DeploymentKey, NewVerdict, StoredVerdict};

/// Verdicts to write together, in arrival order.
pub(super) type Batch = Vec<(DeploymentKey, NewVerdict)>;

/// What a batch write answers: an error for the whole batch, or one result per verdict, in the
/// batch's order (a verdict whose deployment is gone fails alone). A verdict left without a
/// result gets the writer-gone error.
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

/// A handle on the writing task; cloning it shares the task.
#[derive(Clone, Debug)]
pub(super) struct VerdictWriter {
    jobs: mpsc::Sender<Job>,
}

impl VerdictWriter {
    /// Starts the writing task on the current Tokio runtime; it writes each batch with `write`.
    /// One task, so that under load a batch gathers everything that arrived during the last
    /// write (with two, batches were half the size and throughput lower: docs/performance.md).
    pub fn spawn<W, F>(write: W) -> Self
    where
        W: Fn(Batch) -> F + Send + 'static,
        F: Future<Output = BatchResult> + Send + 'static,
    {
        let (jobs, mut queue) = mpsc::channel::<Job>(QUEUE);
        tokio::spawn(async move {
            let mut waiting = Vec::with_capacity(MAX_BATCH);
            // Waits for one verdict, then takes every other one already waiting.
            while queue.recv_many(&mut waiting, MAX_BATCH).await > 0 {
                let (batch, answers): (Batch, Vec<_>) = waiting
                    .drain(..)
                    .map(|(key, verdict, done)| ((key, verdict), done))
                    .unzip();
                let n = batch.len();
                let results = write(batch).await.unwrap_or_else(|e| vec![Err(e); n]);
                for (done, result) in answers.into_iter().zip(results) {
                    // The caller may have gone (a cancelled request): nothing to tell.
                    let _ = done.send(result);
                }
            }
        });
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

/// The writing task is gone: the runtime is shutting down.
fn stopped() -> StoreError {
    StoreError::Unavailable(Arc::new(sqlx::Error::PoolClosed))
}
