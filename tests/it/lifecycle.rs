//! Lifecycle (issue 18): deleting a deployment over HTTP; retention, its steps, its metrics and
//! the verdict cache after it; Postgres's daily partitions of `points`.

use serde_json::{Value, json};

use crate::support::{
    Backend, TestDb, TestServer, assert_error, minute_points, on_both_backends, test_db, test_store,
};

fn batch(values: &[f64]) -> Value {
    json!({ "points": minute_points("error_rate", "canary", values) })
}

async fn delete_removes_the_deployment_its_points_and_verdicts(backend: Backend) {
    let s = TestServer::start(backend).await;
    for key in ["life.a", "life.b"] {
        let (status, _) = s
            .post(
                &format!("/v1/deployments/{key}/points"),
                batch(&[0.4, 6.2, 6.3]),
            )
            .await;
        assert_eq!(status, 200);
        let (status, v) = s
            .post(&format!("/v1/deployments/{key}/verdicts"), json!({}))
            .await;
        assert_eq!(status, 200, "{v}");
    }

    let (status, body) = s.delete("/v1/deployments/life.a").await;
    assert_eq!((status, body), (204, Value::Null));
    assert_error(
        &s.get("/v1/deployments/life.a").await,
        404,
        "not_found",
        "life.a",
    );
    assert_error(
        &s.get("/v1/deployments/life.a/points").await,
        404,
        "not_found",
        "life.a",
    );
    assert_error(
        &s.get("/v1/deployments/life.a/verdicts").await,
        404,
        "not_found",
        "life.a",
    );
    // A second delete is harmless: the deployment is not there.
    assert_error(
        &s.delete("/v1/deployments/life.a").await,
        404,
        "not_found",
        "life.a",
    );
    // The other deployment keeps everything.
    let (_, b) = s.get("/v1/deployments/life.b").await;
    assert_eq!(b["points"].as_i64(), Some(3));
    assert!(b["latest_verdict"].is_string(), "{b}");
    let (_, list) = s.get("/v1/deployments").await;
    let keys: Vec<&str> = list["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["life.b"]);

    // A verdict asked for after the delete judges nothing and records nothing, as for any
    // unknown key; the key is free for a new deployment, which starts empty.
    let (status, v) = s.post("/v1/deployments/life.a/verdicts", json!({})).await;
    assert_eq!((status, v["points"].as_i64()), (200, Some(0)), "{v}");
    assert_error(
        &s.get("/v1/deployments/life.a").await,
        404,
        "not_found",
        "life.a",
    );
    let (status, _) = s.post("/v1/deployments/life.a/points", batch(&[0.1])).await;
    assert_eq!(status, 200);
    let (_, a) = s.get("/v1/deployments/life.a").await;
    assert_eq!(
        (a["points"].as_i64(), a["latest_verdict"].as_str()),
        (Some(1), None)
    );
    let (_, history) = s.get("/v1/deployments/life.a/verdicts").await;
    assert_eq!(history["verdicts"], json!([]));
}

async fn delete_answers_a_bad_key_with_400(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, body) = s.delete("/v1/deployments/bad%20key").await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["code"].is_string(), "{body}");
}

// Retention.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rollguard::analysis::metric::KNOWN_METRICS;
use rollguard::model::{Cohort, DeploymentKey, DeploymentSpec, Point};
use rollguard::service::{Removed, Service};
use rollguard::store::{PgStore, Store};

const THIRTY_DAYS: std::time::Duration = std::time::Duration::from_secs(30 * 86_400);

fn key(k: &str) -> DeploymentKey {
    DeploymentKey::parse(k).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(day: NaiveDate, minute: i64) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap().and_utc() + Duration::minutes(minute)
}

/// `n` one-minute points of error_rate and latency_p99 (canary and baseline) from `from`.
fn points_from(from: DateTime<Utc>, n: i64) -> Vec<Point> {
    let mut out = Vec::new();
    for i in 0..n {
        for metric in ["error_rate", "latency_p99"] {
            for cohort in [Cohort::Canary, Cohort::Baseline] {
                let ts = from + Duration::minutes(i);
                let value = 0.5 + (i % 50) as f64;
                out.push(Point::new(metric, cohort, ts, value, Some(100)).unwrap());
            }
        }
    }
    out
}

async fn service(backend: Backend) -> (Service, std::sync::Arc<dyn Store>, TestDb) {
    let (store, db) = test_store(backend).await;
    (Service::new(store.clone()), store, db)
}

async fn verdict(svc: &Service, k: &str) {
    let opts = rollguard::service::VerdictOptions::default();
    svc.judge(&key(k), &opts, rollguard::service::Record::Yes)
        .await
        .unwrap();
}

/// Two old deployments (one with points on a day that has its own partition on Postgres, one in
/// the default partition), one with recent points, one created empty long ago: a sweep 40 days
/// on removes the old points and every verdict, then the deployments left with nothing; the
/// recent points stay; a second sweep finds nothing.
async fn retention_removes_old_points_and_verdicts_then_emptied_deployments(backend: Backend) {
    let (svc, store, _db) = service(backend).await;
    let now = Utc::now();
    let old_day = day(2026, 10, 1);
    // Its partition, as the server would have made it ahead of that day (none on SQLite).
    svc.prepare_partitions(old_day).await.unwrap();
    store
        .ingest(&key("ret.old"), &points_from(at(old_day, 600), 30))
        .await
        .unwrap();
    store
        .ingest(&key("ret.ancient"), &points_from(at(day(1, 1, 1), 0), 5))
        .await
        .unwrap();
    let recent = at((now + Duration::days(20)).date_naive(), 0);
    svc.prepare_partitions(recent.date_naive()).await.unwrap();
    store
        .ingest(&key("ret.recent"), &points_from(recent, 10))
        .await
        .unwrap();
    store
        .put_deployment(&key("ret.empty"), &DeploymentSpec::default())
        .await
        .unwrap();
    for k in ["ret.old", "ret.recent"] {
        verdict(&svc, k).await;
    }

    // 40 days on, 30 kept: everything up to 10 days from now is old, verdicts included.
    let later = now + Duration::days(40);
    let removed = svc.sweep(THIRTY_DAYS, later).await.unwrap();
    assert_eq!(removed.points, 30 * 4 + 5 * 4, "{removed:?}");
    assert_eq!(removed.verdicts, 2, "{removed:?}");
    assert_eq!(
        removed.deployments, 3,
        "old, ancient and empty: {removed:?}"
    );
    if backend == Backend::Postgres {
        assert!(
            removed.partitions >= 1,
            "old_day's partition went whole: {removed:?}"
        );
    }
    for gone in ["ret.old", "ret.ancient", "ret.empty"] {
        assert!(
            store.get_deployment(&key(gone)).await.unwrap().is_none(),
            "{gone}"
        );
    }
    let kept = store
        .get_deployment(&key("ret.recent"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.points, 40);
    assert!(
        store
            .list_verdicts(&key("ret.recent"), 10, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        (
            kept.latest_verdict,
            kept.latest_verdict_at,
            kept.latest_verdict_policy
        ),
        (None, None, None),
        "its only verdict went"
    );
    crate::support::assert_point_counts_exact(&store, "after the sweep").await;
    assert_eq!(
        svc.sweep(THIRTY_DAYS, later).await.unwrap(),
        Removed::default(),
        "nothing left to remove"
    );
}

/// Retention runs in steps of at most `SWEEP_BATCH` rows: more old rows than that take several
/// steps, and all of them go.
async fn retention_removes_more_than_one_batch(backend: Backend) {
    let (svc, store, _db) = service(backend).await;
    // 1,300 minutes × 4 series: more than one batch, all in the default partition.
    let n = rollguard::service::SWEEP_BATCH / 4 + 50;
    store
        .ingest(&key("ret.big"), &points_from(at(day(2001, 1, 1), 0), n))
        .await
        .unwrap();
    // 40 days on: the deployment, created now, is old then too.
    let removed = svc
        .sweep(THIRTY_DAYS, Utc::now() + Duration::days(40))
        .await
        .unwrap();
    assert_eq!(removed.points, (n * 4) as u64);
    assert!(
        store
            .get_deployment(&key("ret.big"))
            .await
            .unwrap()
            .is_none()
    );
}

/// What a sweep removed shows in /metrics.
async fn retention_counts_what_it_removed_in_metrics(backend: Backend) {
    let mut svc = None;
    let s = TestServer::start_with(backend, |st| svc = Some(st.service.clone())).await;
    let svc = svc.unwrap();
    let count = async |kind: &str| -> f64 {
        let text = s
            .client
            .get(s.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let prefix = format!("rollguard_retention_removed_total{{kind=\"{kind}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .map_or(0.0, |v| v.parse().unwrap())
    };
    let before = (count("points").await, count("deployments").await);
    let (status, _) = s
        .post(
            "/v1/deployments/ret.metrics/points",
            json!({"points": [{"metric": "error_rate", "cohort": "canary",
                               "ts": "2001-01-01T00:00:00Z", "value": 1.0}]}),
        )
        .await;
    assert_eq!(status, 200);
    let removed = svc
        .sweep(THIRTY_DAYS, Utc::now() + Duration::days(40))
        .await
        .unwrap();
    assert_eq!((removed.points, removed.deployments), (1, 1));
    // Other tests in this process may sweep too: at least ours.
    assert!(count("points").await >= before.0 + 1.0);
    assert!(count("deployments").await >= before.1 + 1.0);
}

/// When retention removes a deployment's latest verdict (the one with the highest id) but not
/// an older one, evaluated later by the clock (two replicas' verdicts commit in any order), the
/// older one is the latest again: on the row, in the list and in its filter.
async fn retention_puts_back_the_newest_verdict_left_as_the_latest(backend: Backend) {
    let (svc, store, db) = service(backend).await;
    let k = key("ret.latest");
    let recent = at((Utc::now() + Duration::days(20)).date_naive(), 0);
    svc.prepare_partitions(recent.date_naive()).await.unwrap();
    store.ingest(&k, &points_from(recent, 10)).await.unwrap();
    // A rollback, then an inconclusive verdict (error rate alone, under `seed`).
    for error_rate in [[9.0; 3], [1.0; 3]] {
        let policy = rollguard::analysis::Policy::seed();
        let inputs = rollguard::analysis::Inputs {
            error_rate: &error_rate,
            ..Default::default()
        };
        let outcome = rollguard::analysis::evaluate(&policy, &inputs);
        let v = rollguard::model::NewVerdict {
            as_of: None,
            policy_version: None,
            points: 3,
            first_ts: None,
            last_ts: None,
            report: rollguard::analysis::Verdict::new("seed", &policy, &outcome),
        };
        store.record_verdict(&k, v).await.unwrap();
    }
    let trail = store.list_verdicts(&k, 2, None).await.unwrap();
    let (second, first) = (&trail[0], &trail[1]);
    assert_eq!(
        (first.report.verdict, second.report.verdict),
        (
            rollguard::analysis::Decision::Rollback,
            rollguard::analysis::Decision::Inconclusive
        )
    );
    // The first one, by its clock, 400 days ahead.
    let later = 400 * 86_400_i64;
    match backend {
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::query(
                "update verdicts set evaluated_at = evaluated_at + make_interval(secs => $2)
                 where id = $1",
            )
            .bind(first.id)
            .bind(later as f64)
            .execute(&pool)
            .await
            .unwrap();
        }
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            sqlx::query("update verdicts set evaluated_at = evaluated_at + ?2 where id = ?1")
                .bind(first.id)
                .bind(later * 1_000_000)
                .execute(&pool)
                .await
                .unwrap();
        }
    }
    let removed = svc
        .sweep(THIRTY_DAYS, Utc::now() + Duration::days(40))
        .await
        .unwrap();
    assert_eq!(removed.verdicts, 1, "{removed:?}");
    let d = store.get_deployment(&k).await.unwrap().unwrap();
    assert_eq!(
        (d.latest_verdict, d.latest_verdict_policy.as_deref()),
        (
            Some(first.report.verdict),
            Some(first.report.policy.as_str())
        )
    );
    assert_eq!(
        d.latest_verdict_at,
        Some(first.evaluated_at + Duration::seconds(later))
    );
    let q = |verdict| rollguard::model::DeploymentQuery {
        service: None,
        environment: None,
        verdict: Some(verdict),
        limit: 10,
        before_id: None,
    };
    let listed = store
        .list_deployments(&q(first.report.verdict))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1, d);
    assert!(
        store
            .list_deployments(&q(second.report.verdict))
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_backends!(
    migration_fills_point_counts_and_latest_verdicts,
    retention_puts_back_the_newest_verdict_left_as_the_latest,
    delete_removes_the_deployment_its_points_and_verdicts,
    delete_answers_a_bad_key_with_400,
    retention_removes_old_points_and_verdicts_then_emptied_deployments,
    retention_removes_more_than_one_batch,
    retention_counts_what_it_removed_in_metrics,
);

async fn pg_store(db: &TestDb) -> PgStore {
    let store = PgStore::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// The verdict cache answers what a full read answers after a sweep, whether the sweep dropped
/// a day's partition or deleted rows of the default partition, and whether it ran on this
/// store or on another one (another replica) over the same database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_verdict_cache_matches_a_full_read_after_a_sweep() {
    let db = test_db(Backend::Postgres).await;
    let store = pg_store(&db).await;
    let other = Service::new(std::sync::Arc::new(pg_store(&db).await));
    let own = Service::new(std::sync::Arc::new(store.clone()));
    let k = key("cache.ret");
    let check = async |what: &str| {
        let cached = store
            .verdict_inputs_cached(&k, &KNOWN_METRICS)
            .await
            .unwrap();
        let full = store
            .verdict_inputs(&k, &KNOWN_METRICS, None)
            .await
            .unwrap();
        assert_eq!(cached, full, "after {what}");
        let n = full.map_or(0, |f| f.series.iter().map(|s| s.ts.len()).sum::<usize>());
        let counted = store
            .get_deployment(&k)
            .await
            .unwrap()
            .map_or(0, |d| d.points);
        assert_eq!(counted, n as i64, "the point count after {what}");
        n
    };
    // Points on three days with their own partitions, in the default partition (year 2001),
    // and recent ones.
    let days = [day(2026, 9, 1), day(2026, 9, 2), day(2026, 9, 3)];
    own.prepare_partitions(days[0]).await.unwrap();
    for d in days {
        store.ingest(&k, &points_from(at(d, 0), 10)).await.unwrap();
    }
    store
        .ingest(&k, &points_from(at(day(2001, 1, 1), 0), 10))
        .await
        .unwrap();
    let recent = Utc::now();
    store.ingest(&k, &points_from(recent, 10)).await.unwrap();
    assert_eq!(check("the writes").await, 5 * 40);

    // The default partition's old rows, by the other replica.
    let removed = other
        .sweep(THIRTY_DAYS, at(day(2026, 9, 1), 0) + Duration::days(30))
        .await
        .unwrap();
    assert_eq!((removed.points, removed.partitions), (40, 0), "{removed:?}");
    assert_eq!(
        check("the default partition's sweep elsewhere").await,
        4 * 40
    );

    // The first day's partition, here.
    let removed = own
        .sweep(THIRTY_DAYS, at(day(2026, 9, 2), 0) + Duration::days(30))
        .await
        .unwrap();
    assert_eq!((removed.points, removed.partitions), (40, 1), "{removed:?}");
    assert_eq!(check("a partition dropped here").await, 3 * 40);

    // The second, elsewhere; then a write, and the third day elsewhere again.
    other
        .sweep(THIRTY_DAYS, at(day(2026, 9, 3), 0) + Duration::days(30))
        .await
        .unwrap();
    assert_eq!(check("a partition dropped elsewhere").await, 2 * 40);
    store
        .ingest(&k, &points_from(recent + Duration::minutes(10), 1))
        .await
        .unwrap();
    other
        .sweep(THIRTY_DAYS, at(day(2026, 9, 4), 0) + Duration::days(30))
        .await
        .unwrap();
    assert_eq!(check("a write, then a drop elsewhere").await, 44);
}

/// Ingests, deletes, verdicts and retention sweeps all at once, through two stores on one
/// database (two replicas), over points on days whose partitions retention drops meanwhile, in
/// the default partition (year 2001), and recent ones, in batches that overlap the previous
/// round's: after every round each deployment counts exactly its stored points.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_point_counts_stay_exact_while_retention_and_deletes_race_ingest() {
    use std::sync::Arc;
    let db = test_db(Backend::Postgres).await;
    let stores: [Arc<dyn Store>; 2] =
        [Arc::new(pg_store(&db).await), Arc::new(pg_store(&db).await)];
    let svc = [
        Service::new(stores[0].clone()),
        Service::new(stores[1].clone()),
    ];
    let old_days = [day(2026, 9, 1), day(2026, 9, 2), day(2026, 9, 3)];
    svc[0].prepare_partitions(old_days[0]).await.unwrap();
    let recent = at((Utc::now() + Duration::days(20)).date_naive(), 0);
    svc[0]
        .prepare_partitions(recent.date_naive())
        .await
        .unwrap();
    let mut removed = Removed::default();
    for round in 0..6_i64 {
        let mut tasks = Vec::new();
        for d in 0..3_i64 {
            let store = stores[(d % 2) as usize].clone();
            let mut batch = points_from(at(old_days[(round % 3) as usize], round * 5), 10);
            batch.extend(points_from(at(day(2001, 1, 1), round * 5), 10));
            batch.extend(points_from(recent + Duration::minutes(round * 5), 10));
            tasks.push(tokio::spawn(async move {
                store
                    .ingest(&key(&format!("race.{d}")), &batch)
                    .await
                    .unwrap();
            }));
        }
        let other = stores[(round % 2) as usize].clone();
        tasks.push(tokio::spawn(async move {
            if round % 2 == 1 {
                other
                    .delete_deployment(&key(&format!("race.{}", round % 3)))
                    .await
                    .unwrap();
            }
        }));
        let judge = svc[((round + 1) % 2) as usize].clone();
        tasks.push(tokio::spawn(async move {
            verdict(&judge, &format!("race.{}", (round + 1) % 3)).await;
        }));
        // Each round a day later: the partitions of September's first days go in turn, while
        // ingest writes to them. A sweep that gave up on its locks tries again next round.
        let sweeper = svc[(round % 2) as usize].clone();
        let sweep = tokio::spawn(async move {
            sweeper
                .sweep(THIRTY_DAYS, at(day(2026, 10, 1), 0) + Duration::days(round))
                .await
                .unwrap_or_default()
        });
        for t in tasks {
            t.await.unwrap();
        }
        removed.add(sweep.await.unwrap());
        crate::support::assert_point_counts_exact(&stores[0], &format!("round {round}")).await;
    }
    assert!(
        removed.points > 0 && removed.partitions > 0,
        "the sweeps removed points while ingest ran: {removed:?}"
    );
    svc[1]
        .sweep(THIRTY_DAYS, at(day(2026, 10, 10), 0))
        .await
        .unwrap();
    crate::support::assert_point_counts_exact(&stores[1], "after the last sweep").await;
}

/// Partitions exist from today to 8 days ahead after migrating; points of any valid time are
/// stored (those without a day's partition in the default one); creating a day's partition
/// later moves that day's points into it, and every read answers as before.
#[tokio::test]
async fn postgres_points_go_to_their_days_partition_or_the_default_one() {
    let db = test_db(Backend::Postgres).await;
    let store = pg_store(&db).await;
    let where_is = async |ts: DateTime<Utc>| -> String {
        sqlx::query_scalar("select tableoid::regclass::text from points where ts = $1")
            .bind(ts)
            .fetch_one(store.pool())
            .await
            .unwrap()
    };
    let today = Utc::now().date_naive();
    let k = key("parts.1");
    let times = [
        at(today, 1),
        at(today + Duration::days(8), 1),
        at(day(1, 1, 1), 0),
        at(day(9999, 12, 31), 1439),
        at(day(2026, 6, 15), 5),
    ];
    let batch: Vec<Point> = times
        .iter()
        .map(|&ts| Point::new("error_rate", Cohort::Canary, ts, 1.0, None).unwrap())
        .collect();
    store.ingest(&k, &batch).await.unwrap();
    assert_eq!(
        where_is(times[0]).await,
        format!("points_p{}", today.format("%Y%m%d"))
    );
    let ahead = today + Duration::days(8);
    assert_eq!(
        where_is(times[1]).await,
        format!("points_p{}", ahead.format("%Y%m%d"))
    );
    for &ts in &times[2..] {
        assert_eq!(where_is(ts).await, "points_default", "{ts}");
    }
    let before = store
        .verdict_inputs(&k, &KNOWN_METRICS, None)
        .await
        .unwrap();
    let cached = store
        .verdict_inputs_cached(&k, &KNOWN_METRICS)
        .await
        .unwrap();
    assert_eq!(cached, before);

    // June 15th gets its partition (and the 8 days after it): its point moves there.
    let created = store.prepare_partitions(day(2026, 6, 15)).await.unwrap();
    assert_eq!(created, 9);
    assert_eq!(where_is(times[4]).await, "points_p20260615");
    assert_eq!(store.prepare_partitions(day(2026, 6, 15)).await.unwrap(), 0);
    // An upsert of a moved point still replaces it.
    let again = Point::new("error_rate", Cohort::Canary, times[4], 2.0, None).unwrap();
    store.ingest(&k, &[again]).await.unwrap();
    let after = store
        .verdict_inputs(&k, &KNOWN_METRICS, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.series[0].ts, before.unwrap().series[0].ts);
    assert_eq!(
        store
            .verdict_inputs_cached(&k, &KNOWN_METRICS)
            .await
            .unwrap()
            .unwrap(),
        after
    );
    assert!(after.series[0].values.contains(&2.0));
    assert_eq!(
        store.get_deployment(&k).await.unwrap().unwrap().points,
        5,
        "moved and replaced points are counted once"
    );
}

/// `migrator` with only its migrations up to `version`: a database as an older release left it.
fn up_to(mut migrator: sqlx::migrate::Migrator, version: i64) -> sqlx::migrate::Migrator {
    let kept: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= version)
        .cloned()
        .collect();
    migrator.migrations = std::borrow::Cow::Owned(kept);
    migrator
}

/// Migration 0007 moves the points stored before it into a partition for each day that has any
/// (year 1 included), values, counts and writers unchanged; 0012 records the days they span.
#[tokio::test]
async fn postgres_migration_moves_stored_points_into_day_partitions() {
    let db = test_db(Backend::Postgres).await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    up_to(sqlx::migrate!("migrations/postgres"), 6)
        .run(&pool)
        .await
        .unwrap();
    sqlx::query("insert into deployments (key) values ('mig.1')")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into points (deployment_id, metric, cohort, ts, value, count, writer)
         select 1, 'error_rate', 'canary', t, 0.25, 7, pg_current_xact_id()
         from unnest(array['2026-11-24 10:00+00', '2026-11-24 23:59+00', '2026-11-25 00:00+00',
                           '0001-01-01 00:00+00']::timestamptz[]) t",
    )
    .execute(&pool)
    .await
    .unwrap();
    let store = pg_store(&db).await;
    let placed: Vec<(String, i64)> = sqlx::query_as(
        "select tableoid::regclass::text, count(*) from points
         where value = 0.25 and count = 7 and writer is not null group by 1 order by 1",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        placed,
        [
            ("points_p00010101".to_string(), 1),
            ("points_p20261124".to_string(), 2),
            ("points_p20261125".to_string(), 1)
        ]
    );
    // Migration 0012 records the days the stored points span, year 1 included.
    let days: Vec<(i64, chrono::NaiveDate, chrono::NaiveDate)> =
        sqlx::query_as("select deployment_id, first_day, last_day from point_days")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(
        days,
        [(
            1,
            chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
        )]
    );
    // Upserts and reads work on the migrated table.
    let k = key("mig.1");
    let p = Point::new(
        "error_rate",
        Cohort::Canary,
        at(day(2026, 11, 24), 600),
        0.5,
        None,
    );
    store.ingest(&k, &[p.unwrap()]).await.unwrap();
    let read = store
        .verdict_inputs(&k, &KNOWN_METRICS, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.series[0].values, [0.25, 0.5, 0.25, 0.25]);
}

/// Migration 0010 (Postgres; SQLite 0008) fills each existing deployment's point count and
/// latest verdict (the one with the highest id), and the lists then filter by it.
async fn migration_fills_point_counts_and_latest_verdicts(backend: Backend) {
    let db = test_db(backend).await;
    // Two deployments, the first with 3 points and two verdicts, the second with none of either.
    let (before, fill): (u32, &[&str]) = match backend {
        Backend::Postgres => (
            9,
            &[
                "insert into deployments (key) values ('mig.a'), ('mig.b')",
                "insert into points (deployment_id, metric, cohort, ts, value)
                 select 1, 'error_rate', c, timestamptz '2026-11-24 10:00+00', 1
                 from unnest(array['canary', 'baseline']) c
                 union all select 1, 'error_rate', 'canary', timestamptz '0001-01-01 00:00+00', 1",
                "insert into verdicts (deployment_id, policy, verdict, points, report)
                 values (1, 'seed', 'rollback', 3, '{}'), (1, 'strict', 'pass', 3, '{}')",
            ],
        ),
        Backend::Sqlite => (
            7,
            &[
                "insert into deployments (key, created_at, updated_at) values ('mig.a', 0, 0), ('mig.b', 0, 0)",
                "insert into points (deployment_id, metric, cohort, ts, value)
                 values (1, 'error_rate', 'canary', 0, 1), (1, 'error_rate', 'baseline', 0, 1),
                        (1, 'error_rate', 'canary', 60000000, 1)",
                "insert into verdicts (deployment_id, evaluated_at, policy, verdict, points, report)
                 values (1, 5, 'seed', 'rollback', 3, '{}'), (1, 7, 'strict', 'pass', 3, '{}')",
            ],
        ),
    };
    let run_before = async |url: &str| match backend {
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            up_to(sqlx::migrate!("migrations/postgres"), i64::from(before))
                .run(&pool)
                .await
                .unwrap();
            for sql in fill {
                sqlx::query(sqlx::AssertSqlSafe(*sql))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
        }
        Backend::Sqlite => {
            let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(url)
                .unwrap()
                .create_if_missing(true);
            let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
            up_to(sqlx::migrate!("migrations/sqlite"), i64::from(before))
                .run(&pool)
                .await
                .unwrap();
            for sql in fill {
                sqlx::query(sqlx::AssertSqlSafe(*sql))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;
        }
    };
    run_before(&db.url).await;
    let store = rollguard::store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let a = store.get_deployment(&key("mig.a")).await.unwrap().unwrap();
    assert_eq!(
        (
            a.points,
            a.latest_verdict,
            a.latest_verdict_policy.as_deref()
        ),
        (3, Some(rollguard::analysis::Decision::Pass), Some("strict"))
    );
    let b = store.get_deployment(&key("mig.b")).await.unwrap().unwrap();
    assert_eq!(
        (b.points, b.latest_verdict, b.latest_verdict_at),
        (0, None, None)
    );
    let q = rollguard::model::DeploymentQuery {
        service: None,
        environment: None,
        verdict: Some(rollguard::analysis::Decision::Pass),
        limit: 10,
        before_id: None,
    };
    let listed = store.list_deployments(&q).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|(_, d)| d.key.as_str())
            .collect::<Vec<_>>(),
        ["mig.a"]
    );
    // And the counts go on from there.
    store
        .ingest(&key("mig.b"), &points_from(at(day(2026, 11, 24), 0), 1))
        .await
        .unwrap();
    crate::support::assert_point_counts_exact(&store, "after the migration").await;
}

/// `rollguard sweep --retention` runs one sweep, as `serve --retention` does hourly, and prints
/// what it removed; a retention of zero is refused.
#[tokio::test]
async fn sweep_command_removes_what_is_old_and_prints_it() {
    let (store, db) = test_store(Backend::Sqlite).await;
    store
        .ingest(&key("cli.old"), &points_from(at(day(2001, 1, 1), 0), 3))
        .await
        .unwrap();
    store
        .ingest(&key("cli.new"), &points_from(Utc::now(), 2))
        .await
        .unwrap();
    let sweep = |retention: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_rollguard"))
            .args(["sweep", "--retention", retention])
            .env("DATABASE_URL", &db.url)
            .output()
            .unwrap()
    };
    let out = sweep("30d");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            &printed["points"],
            &printed["verdicts"],
            &printed["deployments"]
        ),
        (&json!(12), &json!(0), &json!(0)),
        "{printed}"
    );
    // The old deployment was created just now: it stays, without its old points.
    let old = store
        .get_deployment(&key("cli.old"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.points, 0);
    let new = store
        .get_deployment(&key("cli.new"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new.points, 8);

    let out = sweep("0s");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--retention"), "{stderr}");
}

/// The store's connections run without JIT: with a month of daily partitions the verdict
/// read's estimated cost passes `jit_above_cost`, and compiling it took 200 ms a verdict.
#[tokio::test]
async fn postgres_connections_run_without_jit() {
    let db = test_db(Backend::Postgres).await;
    let store = pg_store(&db).await;
    let jit: String = sqlx::query_scalar("show jit")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(jit, "off");
}
