//! Several replicas on one database (issue 18): replays are leased jobs, so a replay whose
//! replica stopped is run again by another one (or failed with the reason), a cancel reaches the
//! replica running the replay, and several `serve` processes share one Postgres.
//!
//! The first tests put two `Service`s on one store in this process: a replica that never
//! heartbeats is, to the others, a dead one. The last ones are real processes.

use std::time::Duration;

use rollguard::analysis::PolicySpec;
use rollguard::service::{
    CANCELLED, CANCELLED_AT_SHUTDOWN, MAX_REPLAY_RUNS, ORPHANED, Polling, ReplayInput,
    ReplayStatus, Service,
};
use serde_json::json;

use crate::reliability::Proc;
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
    (policies, ReplayInput::from_values(&[d]))
}

fn short_replay() -> ReplayInput {
    ReplayInput::from_values(&[
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

/// The migrations on disk, which a migrated database lists as applied.
fn postgres_migrations() -> i64 {
    std::fs::read_dir(crate::support::root().join("migrations/postgres"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "sql")
        })
        .count() as i64
}

/// Three `serve` processes started at once on one fresh Postgres database all come up: sqlx's
/// migrator holds an advisory lock while it migrates, so two never apply one migration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_starting_at_once_on_a_fresh_postgres_all_come_up() {
    let db = crate::support::test_db(Backend::Postgres).await;
    let starting: Vec<_> = (0..3)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                Proc::try_start(&url, ["--listen", "127.0.0.1:0"].iter(), &[])
            })
        })
        .collect();
    let procs: Vec<Proc> = starting
        .into_iter()
        .map(|t| {
            t.join()
                .unwrap()
                .unwrap_or_else(|f| panic!("a replica did not start: {f:?}"))
        })
        .collect();
    for p in &procs {
        let resp = reqwest::get(p.url("/readyz")).await.unwrap();
        assert_eq!(resp.status(), 200);
    }
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let (applied, failed): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where not success) from _sqlx_migrations",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!((applied, failed), (postgres_migrations(), 0));
}

/// What the load acknowledged: points by deployment, verdict ids by deployment, replay ids.
#[derive(Default)]
struct Acked {
    points: std::collections::BTreeMap<String, Vec<String>>,
    verdicts: std::collections::BTreeMap<String, Vec<i64>>,
    replays: Vec<i64>,
}

/// One client's share of the load, alternating between the two replicas (the dead one's
/// requests fail once it is killed, and are not counted): for each round, a batch of points, a
/// verdict, and every 5 rounds a replay (inline and `from_store` in turn).
async fn client_load(bases: [String; 2], client: usize, rounds: usize) -> Acked {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let key = format!("svc.prod.{client}");
    let mut acked = Acked::default();
    for round in 0..rounds {
        let base = &bases[round % 2];
        let ts: Vec<String> = (0..5)
            .map(|i| crate::support::minute(round * 5 + i))
            .collect();
        let points: Vec<_> = ts
            .iter()
            .map(|t| json!({"metric": "error_rate", "ts": t, "value": 0.5}))
            .collect();
        let sent = http
            .post(format!("{base}/v1/deployments/{key}/points"))
            .json(&json!({ "points": points }))
            .send()
            .await;
        if let Ok(r) = sent
            && r.status() == 200
        {
            acked.points.entry(key.clone()).or_default().extend(ts);
        }
        let verdict = http
            .post(format!("{base}/v1/deployments/{key}/verdicts"))
            .send()
            .await;
        if let Ok(r) = verdict
            && r.status() == 200
            && let Ok(v) = r.json::<serde_json::Value>().await
        {
            acked
                .verdicts
                .entry(key.clone())
                .or_default()
                .push(v["id"].as_i64().unwrap());
        }
        if round % 5 == 0 {
            let body = if round % 10 == 0 {
                json!({"from_store": {}})
            } else {
                json!({"deployments": [{"key": "inline", "metrics": {"error_rate": [0.4, 0.7, 6.2, 6.1, 6.3]}}]})
            };
            let started = http
                .post(format!("{base}/v1/replays"))
                .json(&body)
                .send()
                .await;
            if let Ok(r) = started
                && r.status() == 202
                && let Ok(v) = r.json::<serde_json::Value>().await
            {
                acked.replays.push(v["id"].as_i64().unwrap());
            }
        }
    }
    acked
}

/// Two `serve` processes on one Postgres under mixed ingest, verdict and replay load through
/// both; one is killed (SIGKILL) while it computes a replay and the load goes on. Afterwards
/// every acknowledged point and verdict is stored, and every replay ended `done` or `failed`
/// with a reason: the dead replica's replay was taken over by the live one once its lease (2 s
/// here) lapsed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_lose_nothing_acknowledged_when_one_is_killed() {
    let db = crate::support::test_db(Backend::Postgres).await;
    let args = ["--replay-lease", "2s", "--max-concurrent-replays", "2"];
    let mut dying = Proc::start(&db.url, &args, &[]);
    let living = Proc::start(&db.url, &args, &[]);
    let bases = [dying.base.clone(), living.base.clone()];

    // A replay that computes for a while, started on the replica about to die.
    let http = reqwest::Client::new();
    let long = json_of(
        http.post(dying.url("/v1/replays"))
            .json(&long_replay_body()),
    )
    .await;
    let long_id = long["id"].as_i64().unwrap();

    let load: Vec<_> = (0..4)
        .map(|c| tokio::spawn(client_load(bases.clone(), c, 40)))
        .collect();
    // Kill it once the load has reached both replicas, while its replay still computes.
    let first_key = "svc.prod.0";
    eventually(
        "load through both replicas",
        Duration::from_secs(60),
        || {
            let (http, url) = (
                &http,
                living.url(&format!("/v1/deployments/{first_key}/verdicts")),
            );
            async move {
                let v: serde_json::Value = http.get(url).send().await.ok()?.json().await.ok()?;
                (v["verdicts"].as_array()?.len() >= 4).then_some(())
            }
        },
    )
    .await;
    let r: serde_json::Value =
        json_of(http.get(living.url(&format!("/v1/replays/{long_id}")))).await;
    assert_eq!(
        r["status"], "running",
        "the long replay ended too soon: {r}"
    );
    dying.signal("KILL");
    dying.wait_for_exit(Duration::from_secs(10)).unwrap();

    let mut acked = Acked::default();
    for l in load {
        let a = l.await.unwrap();
        acked.points.extend(a.points);
        acked.verdicts.extend(a.verdicts);
        acked.replays.extend(a.replays);
    }
    assert!(!acked.replays.is_empty());

    for (key, ts) in &acked.points {
        let v: serde_json::Value = json_of(
            http.get(living.url(&format!("/v1/deployments/{key}/points?metric=error_rate"))),
        )
        .await;
        let stored: std::collections::BTreeSet<&str> = v["series"][0]["points"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|p| p["ts"].as_str().unwrap())
            .collect();
        for t in ts {
            assert!(
                stored.contains(t.as_str()),
                "{key}: point {t} acknowledged, not stored"
            );
        }
    }
    for (key, ids) in &acked.verdicts {
        let v: serde_json::Value =
            json_of(http.get(living.url(&format!("/v1/deployments/{key}/verdicts?limit=500"))))
                .await;
        let stored: std::collections::BTreeSet<i64> = v["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        for id in ids {
            assert!(
                stored.contains(id),
                "{key}: verdict {id} acknowledged, not stored"
            );
        }
    }

    // Every replay ends, done or failed with a reason; the long one was taken over by the
    // living replica (a second run) within the lease and a tenth of being killed.
    acked.replays.push(long_id);
    for id in &acked.replays {
        let r = eventually("every replay ended", Duration::from_secs(300), || {
            let (http, url) = (&http, living.url(&format!("/v1/replays/{id}")));
            async move {
                let r: serde_json::Value = http.get(url).send().await.ok()?.json().await.ok()?;
                (r["status"] != "running").then_some(r)
            }
        })
        .await;
        match r["status"].as_str() {
            Some("done") => {}
            Some("failed") => assert!(
                r["error"].as_str().is_some_and(|e| !e.is_empty()),
                "failed without a reason: {r}"
            ),
            other => panic!("{other:?}: {r}"),
        }
    }
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let (runs, status): (i32, String) =
        sqlx::query_as("select runs, status from replays where id = $1")
            .bind(long_id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        (runs, status.as_str()),
        (2, "done"),
        "taken over once and finished"
    );
}

/// Sends `request` and reads its JSON body; any failure fails the test.
async fn json_of(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.unwrap().json().await.unwrap()
}

/// A replay that computes for a few seconds in a debug build: 50,000 latency points under 20
/// variants of `seed`, as a request body.
fn long_replay_body() -> serde_json::Value {
    let policies: Vec<_> = (0..20)
        .map(|i| json!({"rules": {"latency": {"sigmas": 2.0 + f64::from(i) / 100.0}}}))
        .collect();
    json!({
        "policies": policies,
        "deployments": [{"key": "long", "metrics": {"latency_p99": vec![1; 50_000]}}],
    })
}

/// A replica that shuts down (SIGTERM) on Postgres hands its running replay over: it exits
/// cleanly at once, and the other replica claims the replay and finishes it without waiting
/// for the lease to lapse (10 minutes here, with a heartbeat of one minute, so the claim can
/// only come from being told). The run given back is not counted as one whose replica died.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_shutting_down_hands_its_replays_over_at_once() {
    let db = crate::support::test_db(Backend::Postgres).await;
    let args = ["--replay-lease", "10m"];
    let mut stopping = Proc::start(&db.url, &args, &[]);
    let staying = Proc::start(&db.url, &args, &[]);
    let http = reqwest::Client::new();
    let started: serde_json::Value = json_of(
        http.post(stopping.url("/v1/replays"))
            .json(&long_replay_body()),
    )
    .await;
    let id = started["id"].as_i64().unwrap();
    let status = |base: &Proc| base.url(&format!("/v1/replays/{id}"));
    let r: serde_json::Value = json_of(http.get(status(&staying))).await;
    assert_eq!(r["status"], "running", "the replay ended too soon: {r}");

    stopping.signal("TERM");
    let exit = stopping
        .wait_for_exit(Duration::from_secs(30))
        .expect("the replica exits within its shutdown timeout");
    assert!(exit.success(), "{exit:?}");

    let r = eventually(
        "the other replica finished the replay",
        Duration::from_secs(240),
        || {
            let (http, url) = (&http, status(&staying));
            async move {
                let r: serde_json::Value = http.get(url).send().await.ok()?.json().await.ok()?;
                (r["status"] != "running").then_some(r)
            }
        },
    )
    .await;
    assert_eq!(r["status"], "done", "{r}");
    assert_eq!(r["result"]["deployments"].as_array().map(Vec::len), Some(1));
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let runs: i32 = sqlx::query_scalar("select runs from replays where id = $1")
        .bind(id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(runs, 1, "the run handed over is not counted");
}

/// On SQLite (one process) a replay running at shutdown is cancelled, and recorded so before
/// the process exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_server_shutting_down_records_its_replays_cancelled() {
    let db = crate::support::test_db(Backend::Sqlite).await;
    let mut p = Proc::start(&db.url, &[], &[]);
    let http = reqwest::Client::new();
    let started: serde_json::Value =
        json_of(http.post(p.url("/v1/replays")).json(&long_replay_body())).await;
    let id = started["id"].as_i64().unwrap();
    p.signal("TERM");
    let exit = p.wait_for_exit(Duration::from_secs(30)).expect("it exits");
    assert!(exit.success(), "{exit:?}");
    let store = rollguard::store::connect(&db.url).await.unwrap();
    let r = store.get_replay(id).await.unwrap().unwrap();
    assert_eq!(
        (r.status, r.error.as_deref()),
        (ReplayStatus::Failed, Some(CANCELLED_AT_SHUTDOWN))
    );
}

/// On Postgres a starting replica does not fail the running replays (other replicas may be
/// running them); one left without a lease or request by an older version is claimed at the
/// first heartbeat and failed as orphaned, and one another replica holds is left alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_starting_postgres_replica_fails_only_orphans_and_leaves_held_replays_alone() {
    let (store, db) = test_store(Backend::Postgres).await;
    let orphan = store.create_replay(&["seed".into()]).await.unwrap();
    let held = store
        .create_replay_job(
            &["seed".into()],
            &serde_json::value::to_raw_value(&json!({})).unwrap(),
            "another-replica",
            Duration::from_secs(3600),
        )
        .await
        .unwrap();
    let p = Proc::start(&db.url, &[], &[]);
    let http = reqwest::Client::new();
    let r = eventually("the orphan failed", Duration::from_secs(30), || {
        let (http, url) = (&http, p.url(&format!("/v1/replays/{}", orphan.id)));
        async move {
            let r: serde_json::Value = http.get(url).send().await.ok()?.json().await.ok()?;
            (r["status"] != "running").then_some(r)
        }
    })
    .await;
    assert_eq!(
        (&r["status"], &r["error"]),
        (&json!("failed"), &json!(ORPHANED))
    );
    let r: serde_json::Value = json_of(http.get(p.url(&format!("/v1/replays/{}", held.id)))).await;
    assert_eq!(r["status"], "running", "{r}");
}
