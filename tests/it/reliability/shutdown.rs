//! Graceful shutdown on SIGTERM: the listener closes at once (new connections are refused), a
//! request in flight still completes and is stored, and the process exits cleanly; a request that
//! does not finish within `--shutdown-timeout` does not hold the exit up.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{Proc, batch, finish, send_partial};
use crate::support::{Backend, test_db};

/// Polls until connecting to `addr` is refused.
async fn refused_within(addr: &str, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_refuses_new_connections_and_finishes_the_request_in_flight() {
    let db = test_db(Backend::Sqlite).await;
    let mut p = Proc::start(&db.url, &["--shutdown-timeout", "10s"], &[]);
    let addr = p.addr().to_string();
    let body = batch("error_rate", 5_000, 1.0);
    let half = body.len() / 2;
    let stream = send_partial(&addr, "/v1/deployments/in-flight/points", &[], &body, half).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    p.signal("TERM");
    assert!(
        refused_within(&addr, Duration::from_secs(3)).await,
        "new connections are refused after SIGTERM"
    );
    assert!(p.running(), "the server waits for the request in flight");

    let resp = finish(stream, &body[half..]).await;
    assert_eq!(
        (resp.status, &resp.body),
        (200, &json!({"accepted": 5_000})),
        "{resp:?}"
    );
    let status = p
        .wait_for_exit(Duration::from_secs(5))
        .expect("exits once the request is done");
    assert!(status.success(), "{status:?}");
    assert!(
        p.log().contains("every request in flight finished"),
        "{}",
        p.log()
    );

    // What it acknowledged while shutting down is stored.
    let p = Proc::start(&db.url, &[], &[]);
    let d: serde_json::Value = reqwest::get(p.url("/v1/deployments/in-flight"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["points"], 5_000, "{d}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_waits_no_longer_than_its_timeout() {
    let db = test_db(Backend::Sqlite).await;
    let mut p = Proc::start(
        &db.url,
        &["--shutdown-timeout", "1s", "--request-timeout", "60s"],
        &[],
    );
    let body = batch("error_rate", 10, 1.0);
    // This request never finishes sending its body.
    let _stuck = send_partial(p.addr(), "/v1/deployments/stuck/points", &[], &body, 10).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let start = Instant::now();
    p.signal("TERM");
    let status = p
        .wait_for_exit(Duration::from_secs(10))
        .expect("the process exits despite the stuck request");
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "exited after {took:?}"
    );
    assert!(status.success(), "{status:?}");
    assert!(p.log().contains("exiting anyway"), "{}", p.log());
}
