//! Graceful shutdown (issue 14): the listener closes at once (new connections are refused), idle
//! connections are closed, a request in flight still completes and is stored, and `serve` returns
//! (the process exits cleanly); a request that does not finish within the shutdown timeout does
//! not hold it up, nor does a long computation still running. In-process against
//! `rollguard::server::serve`, and as a process on SIGTERM.

use std::time::{Duration, Instant};

use rollguard::model::DeploymentKey;
use rollguard::server::ServerOptions;
use serde_json::json;
use tokio::net::TcpStream;

use super::{Proc, Served, batch, closed_within, finish, get_on, send_partial, wait_for_continue};
use crate::support::{Backend, on_both_backends, test_db};

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
    p.wait_in_flight(1).await;

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
    p.wait_in_flight(1).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_computation_does_not_keep_the_process_alive_after_the_shutdown_timeout() {
    let db = test_db(Backend::Sqlite).await;
    let mut p = Proc::start(&db.url, &["--shutdown-timeout", "1s"], &[]);
    // A replay runs in the background after its 202, in one long computation: 200,000 points
    // under 60 policies that never roll back, 12 million steps.
    let zeros = vec![0.0; 200_000];
    let mut policies = vec![json!("guarded")];
    for i in 1..60 {
        policies.push(json!({"rules": {"latency": {"sigmas": 2.0 + f64::from(i) / 100.0}}}));
    }
    let resp = reqwest::Client::new()
        .post(p.url("/v1/replays"))
        .json(&json!({
            "policies": policies,
            "deployments": [{"key": "long", "metrics": {"latency_p99": zeros}}],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let start = Instant::now();
    p.signal("TERM");
    let status = p
        .wait_for_exit(Duration::from_secs(30))
        .expect("the process exits while the replay still computes");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "exited after {took:?}");
    assert!(status.success(), "{status:?}");
    assert!(
        p.log().contains("every request in flight finished"),
        "{}",
        p.log()
    );
}

async fn in_process_shutdown_finishes_the_request_in_flight_and_refuses_new_connections(
    backend: Backend,
) {
    let mut s = Served::start(backend, ServerOptions::default()).await;
    let mut idle = TcpStream::connect(&s.addr).await.unwrap();
    assert_eq!(get_on(&mut idle, "/healthz").await.0, 200);
    let body = batch("error_rate", 5_000, 1.0);
    let half = body.len() / 2;
    let expect = [("expect", "100-continue")];
    let path = "/v1/deployments/in-flight/points";
    let mut stream = send_partial(&s.addr, path, &expect, &body, half).await;
    wait_for_continue(&mut stream).await;

    s.shut_down();
    assert!(
        refused_within(&s.addr, Duration::from_secs(10)).await,
        "new connections are refused once shutdown resolves"
    );
    assert!(
        closed_within(&mut idle, Duration::from_secs(10)).await,
        "an idle connection is closed at once"
    );
    assert!(
        !s.returned_within(Duration::from_millis(10)).await,
        "serve waits for the request in flight"
    );
    let resp = finish(stream, &body[half..]).await;
    assert_eq!(
        (resp.status, &resp.body),
        (200, &json!({"accepted": 5_000})),
        "{resp:?}"
    );
    assert!(
        s.returned_within(Duration::from_secs(10)).await,
        "serve returns once the request is done"
    );
    let key = DeploymentKey::parse("in-flight").unwrap();
    let stored = s.store.get_deployment(&key).await.unwrap().expect("stored");
    assert_eq!(stored.points, 5_000);
}

on_both_backends!(in_process_shutdown_finishes_the_request_in_flight_and_refuses_new_connections);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_serve_returns_within_its_timeout_when_a_request_is_stuck() {
    let opts = ServerOptions {
        shutdown_timeout: Duration::from_secs(1),
        ..ServerOptions::default()
    };
    let mut s = Served::start(Backend::Sqlite, opts).await;
    let body = batch("error_rate", 10, 1.0);
    let expect = [("expect", "100-continue")];
    // This request never finishes sending its body.
    let path = "/v1/deployments/stuck/points";
    let mut stuck = send_partial(&s.addr, path, &expect, &body, 10).await;
    wait_for_continue(&mut stuck).await;
    let start = Instant::now();
    s.shut_down();
    assert!(
        s.returned_within(Duration::from_secs(10)).await,
        "serve returns despite the stuck request"
    );
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "returned after {took:?}"
    );
    assert!(
        closed_within(&mut stuck, Duration::from_secs(10)).await,
        "the stuck request's connection is closed once serve returns"
    );
}
