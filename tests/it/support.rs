//! Helpers shared by the integration tests.

use std::path::PathBuf;
use std::process::Command;

/// The project's root directory.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A Python interpreter with numpy: `ROLLGUARD_PYTHON`, else the project's `.venv`, else
/// `python3`. Panics with the fix when numpy is missing — the differential tests never skip.
pub fn python_with_numpy() -> PathBuf {
    let candidates = std::env::var_os("ROLLGUARD_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([root().join(".venv/bin/python"), PathBuf::from("python3")]);
    for python in candidates {
        let ok = Command::new(&python)
            .args(["-c", "import numpy"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return python;
        }
    }
    panic!(
        "no Python with numpy found: run scripts/test (it creates .venv with numpy), \
         or set ROLLGUARD_PYTHON"
    );
}

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rollguard::api::AppState;
use rollguard::store::{self, Store};
use serde_json::Value;
use tempfile::TempDir;

/// Which store a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The Postgres server the tests use: `ROLLGUARD_TEST_DATABASE_URL`, else a `postgres://`
/// `DATABASE_URL`, else the local server on 127.0.0.1:5432. `scripts/test` starts a throwaway
/// cluster when none is up and exports its URL; without one the Postgres tests fail, loudly.
pub fn postgres_admin_url() -> String {
    std::env::var("ROLLGUARD_TEST_DATABASE_URL")
        .ok()
        .or_else(|| {
            std::env::var("DATABASE_URL")
                .ok()
                .filter(|u| u.starts_with("postgres"))
        })
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// Replaces the database name of a Postgres URL.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let slash = base
        .rfind('/')
        .filter(|&i| i > "postgres://".len())
        .unwrap_or(base.len());
    let mut out = format!("{}/{db}", &base[..slash]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A fresh, empty database for one test; the SQLite file lives as long as this value.
pub struct TestDb {
    pub url: String,
    _dir: Option<TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub async fn test_db(backend: Backend) -> TestDb {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("rollguard.db").display());
            TestDb {
                url,
                _dir: Some(dir),
            }
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let admin = postgres_admin_url();
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                panic!(
                    "the Postgres tests need a server and none answered at {admin}: {e}. \
                     Run scripts/test (it starts a throwaway cluster) or set ROLLGUARD_TEST_DATABASE_URL"
                )
            });
            let name = format!(
                "rg_test_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "drop database if exists {name}"
            )))
            .execute(&mut conn)
            .await
            .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                .execute(&mut conn)
                .await
                .unwrap();
            TestDb {
                url: with_database(&admin, &name),
                _dir: None,
            }
        }
    }
}

/// A migrated store on a fresh database.
pub async fn test_store(backend: Backend) -> (Arc<dyn Store>, TestDb) {
    let db = test_db(backend).await;
    let store = store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    (store, db)
}

/// The service on a free loopback port, in this process, over real HTTP.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    /// Keeps the database (and a SQLite file's directory) alive as long as the server.
    _db: TestDb,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, configure: impl FnOnce(&mut AppState)) -> Self {
        let (store, db) = test_store(backend).await;
        Self::serve(store, db, configure).await
    }

    /// Like [`TestServer::start`], with Postgres pool settings.
    pub async fn start_with_pool(backend: Backend, pool: store::PoolSettings) -> Self {
        let db = test_db(backend).await;
        let store = store::connect_with(&db.url, pool).await.unwrap();
        store.migrate().await.unwrap();
        Self::serve(store, db, |_| {}).await
    }

    /// A server whose Postgres store points at a port nothing listens on: the database is down.
    pub async fn start_with_store_down() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        let store = store::connect(&url).await.unwrap();
        let db = TestDb { url, _dir: None };
        Self::serve(store, db, |_| {}).await
    }

    async fn serve(
        store: Arc<dyn Store>,
        db: TestDb,
        configure: impl FnOnce(&mut AppState),
    ) -> Self {
        let mut state = AppState::new(store);
        configure(&mut state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let forever = std::future::pending();
        let opts = rollguard::server::ServerOptions::default();
        tokio::spawn(rollguard::server::serve(listener, state, forever, opts));
        TestServer {
            base,
            client: reqwest::Client::new(),
            _db: db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request with an optional JSON body; returns the status and the parsed JSON body.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{path}: body is not JSON ({e}): {text}"));
        (status, json)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("PUT", path, Some(body)).await
    }
}

/// Asserts an error response: status, code, and a fragment of the message.
#[track_caller]
pub fn assert_error(resp: &(u16, Value), status: u16, code: &str, fragment: &str) {
    let (s, body) = resp;
    assert_eq!(*s, status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(fragment),
        "message {message:?} lacks {fragment:?}"
    );
}

/// Points at one-minute steps from 2026-11-24T10:00:00Z.
pub fn minute_points(metric: &str, cohort: &str, values: &[f64]) -> Vec<Value> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::json!({
                "metric": metric, "cohort": cohort, "value": v,
                "ts": minute(i),
            })
        })
        .collect()
}

/// RFC 3339 time `i` minutes after 2026-11-24T10:00:00Z.
pub fn minute(i: usize) -> String {
    (chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap()
        + chrono::Duration::minutes(i as i64))
    .with_timezone(&chrono::Utc)
    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Generates `#[tokio::test]` wrappers that run each named `async fn(Backend)` on both stores.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(crate::support::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(crate::support::Backend::Postgres).await })*
        }
    };
}
pub(crate) use on_both_backends;

/// Waits on what the system reports: asks `check` until it gives a value, for at most `limit`,
/// then fails naming `what`. The one place tests poll (a gauge, a replay's status, Postgres's
/// lock table); between looks it pauses `POLL_EVERY`, so a poll does not hog the shared cores.
pub async fn eventually<T, F, Fut>(what: &str, limit: std::time::Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    const POLL_EVERY: std::time::Duration = std::time::Duration::from_millis(10);
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(start.elapsed() < limit, "{what}: not after {limit:?}");
        tokio::time::sleep(POLL_EVERY).await;
    }
}

impl TestServer {
    /// Sends a DELETE; returns the status and the JSON body (null when there is none, as for 204).
    pub async fn delete(&self, path: &str) -> (u16, Value) {
        let resp = self.client.delete(self.url(path)).send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{path}: body is not JSON ({e}): {text}"))
        };
        (status, json)
    }
}

/// Fails unless every deployment's point count, as listed and as read one by one, is the number
/// of its points as stored (the count is kept on the deployment's row by every write: a drift
/// shows here).
pub async fn assert_point_counts_exact(store: &Arc<dyn Store>, context: &str) {
    let q = rollguard::model::DeploymentQuery {
        service: None,
        environment: None,
        verdict: None,
        limit: 10_000,
        before_id: None,
    };
    for (_, listed) in store.list_deployments(&q).await.unwrap() {
        let key = rollguard::model::DeploymentKey::parse(&listed.key).unwrap();
        let Some(stored) = store
            .read_points(&key, None, None, i64::MAX - 1)
            .await
            .unwrap()
        else {
            continue; // deleted since the list was read
        };
        assert_eq!(
            listed.points,
            stored.len() as i64,
            "{context}: {} lists a count other than its stored points",
            listed.key
        );
        if let Some(one) = store.get_deployment(&key).await.unwrap() {
            assert_eq!(one.points, listed.points, "{context}: {}", listed.key);
        }
    }
}
