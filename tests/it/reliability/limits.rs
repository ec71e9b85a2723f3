//! Request limits, each answered in the JSON error shape: the time limit (408), the limit on
//! requests at once (503 `overloaded`), and the body and batch limits (413) set from the
//! command line and the environment.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{Proc, batch, finish, read_response, send_partial};
use crate::support::{Backend, TestServer, eventually, minute_points, test_db};

fn addr(s: &TestServer) -> &str {
    s.base.strip_prefix("http://").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_time_limit_is_a_json_408_and_stores_nothing() {
    let s = TestServer::start_with(Backend::Sqlite, |st| {
        st.limits.request_timeout = Duration::from_millis(400);
    })
    .await;
    // The body never completes: the handler waits for it until the limit.
    let body = batch("error_rate", 5, 1.0);
    let start = Instant::now();
    let stream = send_partial(addr(&s), "/v1/deployments/slow/points", &[], &body, 20).await;
    let resp = read_response(stream).await;
    let took = start.elapsed();
    assert_eq!(resp.status, 408, "{resp:?}");
    assert!(
        resp.headers.contains("content-type: application/json"),
        "{resp:?}"
    );
    assert_eq!(resp.body["error"]["code"], "request_timeout", "{resp:?}");
    assert_eq!(resp.body["error"]["details"]["timeout_ms"], 400);
    assert!(
        took >= Duration::from_millis(350) && took < Duration::from_secs(3),
        "{took:?}"
    );
    let (status, _) = s.get("/v1/deployments/slow").await;
    assert_eq!(status, 404, "nothing was stored");
    // Requests within the limit are untouched.
    let (status, body) = s
        .post(
            "/v1/deployments/fast/points",
            json!({"points": minute_points("error_rate", "canary", &[1.0])}),
        )
        .await;
    assert_eq!((status, body), (200, json!({"accepted": 1})));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saturated_server_sheds_requests_with_a_json_503_but_answers_probes() {
    let s =
        TestServer::start_with(Backend::Sqlite, |st| st.limits.max_concurrent_requests = 2).await;
    let body = batch("error_rate", 50, 1.0);
    // Which request takes the last slot depends on the order the server reads them in, so a
    // round where a held request was the one shed is tried again.
    for round in 0..5 {
        let mut held = Vec::new();
        for i in 0..2 {
            let path = format!("/v1/deployments/held{round}.{i}/points");
            held.push(send_partial(addr(&s), &path, &[], &body, 10).await);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let resp = s.client.get(s.url("/v1/deployments")).send().await.unwrap();
        let status = resp.status();
        let retry_after = resp.headers().get("retry-after").cloned();
        let err: serde_json::Value = resp.json().await.unwrap();
        // Probes and scrapes always answer.
        for path in ["/healthz", "/readyz", "/metrics"] {
            let resp = s.client.get(s.url(path)).send().await.unwrap();
            assert_eq!(resp.status(), 200, "{path}");
        }
        let mut answers = Vec::new();
        for stream in held {
            answers.push(finish(stream, &body[10..]).await);
        }
        if answers.iter().any(|a| a.status != 200) {
            assert_eq!(status, 200, "{err}");
            continue;
        }
        // Both held requests completed, and the one sent while they were in flight was shed.
        assert_eq!(status, 503, "{err}");
        assert_eq!(retry_after.unwrap(), "1");
        assert_eq!(err["error"]["code"], "overloaded", "{err}");
        assert_eq!(
            err["error"]["details"]["max_concurrent_requests"], 2,
            "{err}"
        );
        for a in answers {
            assert_eq!(a.body, json!({"accepted": 50}));
        }
        // Once they are done, the server takes new requests again.
        let (status, _) = s.get("/v1/deployments").await;
        assert_eq!(status, 200);
        return;
    }
    panic!("in 5 rounds, no request was shed while two were in flight");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_bodies_over_the_byte_budget_are_shed_with_a_json_503() {
    let body = batch("error_rate", 40, 1.0);
    let len = body.len();
    // Room for two of these bodies at once, not three (a process of its own, so that the gauge
    // of bytes held counts only this test's requests).
    let budget = 2 * len + len / 2;
    let db = test_db(Backend::Sqlite).await;
    let p = Proc::start(
        &db.url,
        &[
            "--max-body-bytes",
            &(len + 100).to_string(),
            "--max-body-bytes-in-flight",
            &budget.to_string(),
        ],
        &[],
    );
    let client = reqwest::Client::new();
    let held_bytes = || async {
        let text = client
            .get(p.url("/metrics"))
            .send()
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix("rollguard_http_request_body_bytes_in_flight "))
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    // Two requests declare their length and are held before their bodies end: they take those
    // bytes from the budget before a byte of the body is read.
    let mut held = Vec::new();
    for i in 0..2 {
        let path = format!("/v1/deployments/held{i}/points");
        held.push(send_partial(p.addr(), &path, &[], &body, 10).await);
    }
    eventually("two bodies held", Duration::from_secs(10), || async {
        (held_bytes().await? == (2 * len) as f64).then_some(())
    })
    .await;
    let post = |path: &str| {
        client
            .post(p.url(path))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
    };
    let resp = post("/v1/deployments/third/points").await.unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["retry-after"], "1");
    let err: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["code"], "overloaded", "{err}");
    assert_eq!(
        err["error"]["details"]["max_body_bytes_in_flight"], budget,
        "{err}"
    );
    // A chunked body, which declares no length, is counted as it arrives.
    let chunked = |path: &str| {
        let head = format!(
            "POST {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
             transfer-encoding: chunked\r\nconnection: close\r\n\r\n{len:x}\r\n",
            p.addr()
        );
        let mut raw = head.into_bytes();
        raw.extend_from_slice(&body);
        raw.extend_from_slice(b"\r\n0\r\n\r\n");
        raw
    };
    let addr = p.addr().to_string();
    let send = |raw: Vec<u8>| {
        let addr = addr.clone();
        async move {
            let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
            tokio::io::AsyncWriteExt::write_all(&mut stream, &raw)
                .await
                .unwrap();
            read_response(stream).await
        }
    };
    let resp = send(chunked("/v1/deployments/chunked/points")).await;
    assert_eq!(resp.status, 503, "{resp:?}");
    assert_eq!(resp.body["error"]["code"], "overloaded", "{resp:?}");
    // Requests without a body, probes included, are not held back.
    for path in ["/v1/deployments", "/healthz", "/metrics"] {
        let status = client.get(p.url(path)).send().await.unwrap().status();
        assert_eq!(status, 200, "{path}");
    }
    // The held requests complete, and their bytes return to the budget.
    for stream in held {
        let answer = finish(stream, &body[10..]).await;
        assert_eq!(answer.body, json!({"accepted": 40}), "{answer:?}");
    }
    assert_eq!(held_bytes().await, Some(0.0));
    let resp = send(chunked("/v1/deployments/chunked/points")).await;
    assert_eq!(resp.body, json!({"accepted": 40}), "{resp:?}");
    assert_eq!(
        post("/v1/deployments/third/points").await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn limits_are_set_by_flags_and_environment() {
    let db = test_db(Backend::Sqlite).await;
    let p = Proc::start(
        &db.url,
        &["--max-batch-points", "3", "--request-timeout", "1s"],
        &[
            ("ROLLGUARD_MAX_BODY_BYTES", "2000"),
            ("ROLLGUARD_MAX_CONCURRENT_REQUESTS", "1"),
        ],
    );
    let client = reqwest::Client::new();
    let post = |body: Vec<u8>| {
        client
            .post(p.url("/v1/deployments/limits/points"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let resp = post(batch("error_rate", 4, 1.0)).await.unwrap();
    assert_eq!(resp.status(), 413);
    let err: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["code"], "batch_too_large", "{err}");
    let resp = post(vec![b' '; 2001]).await.unwrap();
    assert_eq!(resp.status(), 413);
    let err: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["code"], "payload_too_large", "{err}");
    assert_eq!(
        post(batch("error_rate", 3, 1.0)).await.unwrap().status(),
        200
    );

    // One request at a time: a held one makes the next a 503; the held one times out at 1 s.
    let held = send_partial(
        p.addr(),
        "/v1/deployments/held/points",
        &[],
        &batch("error_rate", 3, 1.0),
        5,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let resp = client.get(p.url("/v1/deployments")).send().await.unwrap();
    assert_eq!(resp.status(), 503);
    let resp = read_response(held).await;
    assert_eq!(
        (resp.status, resp.body["error"]["code"].as_str()),
        (408, Some("request_timeout"))
    );
    let resp = client.get(p.url("/v1/deployments")).send().await.unwrap();
    assert_eq!(resp.status(), 200);

    // Nonsense limits stop the server before it starts.
    for args in [
        ["--max-concurrent-requests", "0"],
        ["--request-timeout", "soon"],
        ["--max-connections", "0"],
        ["--header-read-timeout", "0s"],
        ["--idle-timeout", "later"],
    ] {
        let args = ["--listen", "127.0.0.1:0", args[0], args[1]];
        let failed = Proc::try_start(&db.url, &args, &[])
            .map(|p| p.base.clone())
            .unwrap_err();
        assert!(failed.stderr.contains(args[2]), "{}", failed.stderr);
    }
}

/// The environment of a running process, as `NAME=value` entries.
fn environ(pid: u32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/environ"))
        .unwrap()
        .split(|&b| b == 0)
        .map(|e| String::from_utf8_lossy(e).into_owned())
        .collect()
}

/// `serve` runs itself again with glibc's mmap threshold fixed, so that the memory of large
/// requests returns to the system (benches/memory.sh measures it); a value the operator set wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_fixes_the_malloc_mmap_threshold_unless_the_environment_sets_it() {
    let db = test_db(Backend::Sqlite).await;
    let p = Proc::start(&db.url, &[], &[]);
    let env = environ(p.child.id());
    assert!(
        env.contains(&"MALLOC_MMAP_THRESHOLD_=131072".to_string()),
        "{env:?}"
    );
    let status = reqwest::get(p.url("/healthz")).await.unwrap().status();
    assert_eq!(status, 200, "the re-executed server serves");

    let p = Proc::start(&db.url, &[], &[("MALLOC_MMAP_THRESHOLD_", "65536")]);
    let env = environ(p.child.id());
    assert!(
        env.contains(&"MALLOC_MMAP_THRESHOLD_=65536".to_string()),
        "{env:?}"
    );
}
