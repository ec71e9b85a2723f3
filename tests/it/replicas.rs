//! Several replicas on one database (issue 18): replays are leased jobs, so a replay whose
//! replica stopped is run again by another one (or failed with the reason), a cancel reaches the
//! replica running the replay, and several `serve` processes share one Postgres.
//!
//! The first tests put two `Service`s on one store in this process: a replica that never
//! heartbeats is, to the others, a dead one. The last ones are real processes.

use std::time::Duration;

use rollguard::analysis::PolicySpec;
use rollguard::service::{
    CANCELLED, MAX_REPLAY_RUNS, ORPHANED, Polling, ReplayInput, ReplayStatus, Service,
};
use serde_json::json;

use crate::support::{Backend, eventually, on_both_backends, test_store};

const LEASE: Duration = Duration::from_millis(300);

/// A replay that computes for many seconds: one deployment of 200,000 flat latency points under
/// 40 variants of `seed`.
fn long_replay() -> (Vec<PolicySpec>, ReplayInput) {
    let policies = (0..40)
        .map(|i| {
            let v = json!({"rules": {"latency": {"sigmas": 2.0 + f64::from(i) / 100.0}}});
            serde_json::from_value(v).unwrap()
        })
        .collect();
    let d = json!({"key": "long", "metrics": {"latency_p99": vec![1; 200_000]}});
    (policies, ReplayInput::Inline(vec![d]))
}

fn short_replay() -> ReplayInput {
    ReplayInput::Inline(vec![
        json!({"key": "a", "outcome": "rolled_back", "metrics": {"error_rate": [0.4, 0.7, 6.2, 6.1, 6.3]}}),
        json!({"key": "b", "outcome": "promoted", "metrics": {"error_rate": [0.4, 0.7, 0.2, 0.1, 0.3]}}),
    ])
}

async fn status_of(s: &Service, id: i64) -> (ReplayStatus, Option<String>) {
    let r = s.replay(id).await.unwrap();
    (r.status, r.error)
}

/// Replica A starts two replays (one computing, one queued behind it) and then stops
/// heartbeating. Once A's leases lapse, B claims both and runs them; A, told at its next
/// heartbeat that it lost them, stops, and what it would have recorded is not.
async fn a_replay_whose_replica_stopped_is_taken_over_and_the_old_holder_records_nothing(
    backend: Backend,
) {
    let (store, _db) = test_store(backend).await;
    let a = Service::new(store.clone())
        .with_max_concurrent_replays(1)
        .with_replay_lease(LEASE);
    let b = Service::new(store.clone()).with_replay_lease(LEASE);
    let (policies, input) = long_replay();
    let long = a
        .start_replay(&policies, Polling::EveryPoints(1), input)
        .await
        .unwrap();
    let short = a
        .start_replay(&[], Polling::EveryPoints(1), short_replay())
        .await
        .unwrap();
    assert_eq!(a.replays_here(), 2);

    // B's heartbeats claim the lapsed replays (the oldest first) and run them.
    let done = eventually(
        "the short replay done by B",
        Duration::from_secs(60),
        || async {
            b.replay_heartbeat(true).await.unwrap();
            let r = b.replay(short.id).await.unwrap();
            (r.status != ReplayStatus::Running).then_some(r)
        },
    )
    .await;
    assert_eq!(done.status, ReplayStatus::Done, "{:?}", done.error);
    let report = done.result.expect("a report");
    assert_eq!(report.deployments.len(), 2);

    // A's heartbeat: it no longer holds either, and stops them.
    a.replay_heartbeat(false).await.unwrap();
    eventually("A stopped its replays", Duration::from_secs(60), || async {
        (a.replays_here() == 0).then_some(())
    })
    .await;
    assert_eq!(
        status_of(&b, short.id).await,
        (ReplayStatus::Done, None),
        "A's end is not recorded"
    );
    assert_eq!(status_of(&b, long.id).await.0, ReplayStatus::Running);

    // B holds the long one now: cancelling through B stops it there.
    let r = b.cancel_replay(long.id).await.unwrap();
    assert_eq!(
        (r.status, r.error.as_deref()),
        (ReplayStatus::Failed, Some(CANCELLED))
    );
}

/// A cancel asked through replica B reaches the replay A runs at A's next heartbeat.
async fn a_cancel_through_another_replica_stops_the_replay_where_it_runs(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let a = Service::new(store.clone()).with_replay_lease(LEASE);
    let b = Service::new(store.clone()).with_replay_lease(LEASE);
    let heartbeat = tokio::spawn(a.clone().run_replay_jobs(false));
    let (policies, input) = long_replay();
    let long = a
        .start_replay(&policies, Polling::EveryPoints(1), input)
        .await
        .unwrap();
    let r = b.cancel_replay(long.id).await.unwrap();
    assert_eq!(
        (r.status, r.error.as_deref()),
        (ReplayStatus::Failed, Some(CANCELLED)),
        "stopped by A within the 5 s the cancel waits"
    );
    eventually("A's replay ended", Duration::from_secs(30), || async {
        (a.replays_here() == 0).then_some(())
    })
    .await;
    // Finished: a second cancel, through either, is a conflict.
    assert!(b.cancel_replay(long.id).await.is_err());
    heartbeat.abort();
}

/// A replay whose replica died [`MAX_REPLAY_RUNS`] times is failed with the reason rather than
/// passed on again; a replay recorded without its request (by an older version) fails as
/// orphaned.
async fn a_replay_whose_replicas_keep_dying_is_failed_with_the_reason(backend: Backend) {
    let (store, _db) = test_store(backend).await;
    let a = Service::new(store.clone())
        .with_max_concurrent_replays(1)
        .with_replay_lease(LEASE);
    let (policies, input) = long_replay();
    let long = a
        .start_replay(&policies, Polling::EveryPoints(1), input)
        .await
        .unwrap();
    // Replicas that each claimed it and died at once (a lease of zero).
    for _ in 1..MAX_REPLAY_RUNS {
        let c = eventually("a lapsed lease", Duration::from_secs(30), || async {
            store
                .claim_lapsed_replay("doomed", Duration::ZERO, &[])
                .await
                .unwrap()
        })
        .await;
        assert_eq!(c.id, long.id);
    }
    let orphan = store.create_replay(&["seed".into()]).await.unwrap();

    let b = Service::new(store.clone()).with_replay_lease(LEASE);
    let failed = eventually("B fails both", Duration::from_secs(30), || async {
        b.replay_heartbeat(true).await.unwrap();
        let l = status_of(&b, long.id).await;
        let o = status_of(&b, orphan.id).await;
        (l.0 != ReplayStatus::Running && o.0 != ReplayStatus::Running).then_some((l, o))
    })
    .await;
    assert_eq!(failed.0.0, ReplayStatus::Failed);
    let reason = failed.0.1.unwrap();
    assert!(
        reason.contains(&format!("{MAX_REPLAY_RUNS} times")),
        "{reason}"
    );
    assert_eq!(failed.1, (ReplayStatus::Failed, Some(ORPHANED.to_string())));
    assert_eq!(b.replays_here(), 0, "nothing run again");
    a.cancel_replays();
}

on_both_backends!(
    a_replay_whose_replica_stopped_is_taken_over_and_the_old_holder_records_nothing,
    a_cancel_through_another_replica_stops_the_replay_where_it_runs,
    a_replay_whose_replicas_keep_dying_is_failed_with_the_reason,
);
