//! Connection hygiene (issue 13), on real sockets against `rollguard::server::serve`: clients
//! that trickle their headers or send nothing are cut off by the header-read timeout while
//! `/healthz` keeps answering, idle kept-alive connections by the idle timeout, and the
//! connection cap leaves new connections waiting without disturbing the ones open.
//!
//! Timeouts here are a second or so; the bounds checked are generous (a loaded machine is slow,
//! never early: a timer does not fire before its deadline).

use std::time::{Duration, Instant};

use rollguard::server::ServerOptions;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

use super::{Proc, Served, batch, closed_within, get_on, read_answer, wait_for_continue};
use crate::support::{Backend, test_db};

const SECOND: Duration = Duration::from_secs(1);
/// How late a timeout of a second may fire on a loaded machine and still pass.
const LATE: Duration = Duration::from_secs(15);
/// Lower bound for a one-second timeout, measured from a point shortly before the server's clock
/// starts.
const NOT_BEFORE: Duration = Duration::from_millis(900);

fn options(header_read: Duration, idle: Duration) -> ServerOptions {
    ServerOptions {
        header_read_timeout: header_read,
        idle_timeout: idle,
        ..ServerOptions::default()
    }
}

/// Opens a connection that sends a request line and then one header line every 200 ms, never
/// finishing the head; returns how long after connecting the server closed it.
async fn trickle(addr: String) -> Duration {
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let connected = Instant::now();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: rollguard\r\n")
        .await
        .unwrap();
    let mut every = tokio::time::interval(Duration::from_millis(200));
    let mut buf = [0u8; 256];
    loop {
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => return connected.elapsed(),
                Ok(n) => panic!("an answer to an unfinished head: {:?}", String::from_utf8_lossy(&buf[..n])),
            },
            _ = every.tick() => {
                if stream.write_all(b"x-trickle: 1\r\n").await.is_err() {
                    return connected.elapsed();
                }
                assert!(connected.elapsed() < LATE, "a trickling connection still open after {LATE:?}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trickled_headers_are_cut_off_by_the_header_read_timeout_while_healthz_answers() {
    let s = Served::start(Backend::Sqlite, options(SECOND, 60 * SECOND)).await;
    let mut trickles = JoinSet::new();
    for _ in 0..40 {
        trickles.spawn(trickle(s.addr.clone()));
    }
    // A new connection for every probe: accepting must keep up too, not only a pooled connection.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut probe = tokio::time::interval(Duration::from_millis(100));
    let mut closed = Vec::new();
    let mut answered = 0;
    loop {
        tokio::select! {
            ended = trickles.join_next() => match ended {
                Some(took) => closed.push(took.unwrap()),
                None => break,
            },
            _ = probe.tick() => {
                let resp = tokio::time::timeout(LATE, client.get(s.url("/healthz")).send())
                    .await
                    .expect("/healthz answers while connections trickle")
                    .unwrap();
                assert_eq!(resp.status(), 200);
                answered += 1;
            }
        }
    }
    assert_eq!(closed.len(), 40);
    assert!(
        closed.iter().all(|took| *took >= NOT_BEFORE),
        "closed before the timeout: {closed:?}"
    );
    assert!(answered >= 2, "{answered} probes answered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_are_closed_by_the_header_read_timeout() {
    let s = Served::start(Backend::Sqlite, options(SECOND, 60 * SECOND)).await;
    let mut silent = JoinSet::new();
    for _ in 0..40 {
        let addr = s.addr.clone();
        silent.spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            let connected = Instant::now();
            assert!(closed_within(&mut stream, LATE).await, "still open");
            connected.elapsed()
        });
    }
    let closed = silent.join_all().await;
    assert!(
        closed.iter().all(|took| *took >= NOT_BEFORE),
        "closed before the timeout: {closed:?}"
    );
    // The server is fine.
    let mut stream = TcpStream::connect(&s.addr).await.unwrap();
    assert_eq!(get_on(&mut stream, "/healthz").await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_kept_alive_connection_is_closed_by_the_idle_timeout() {
    let s = Served::start(Backend::Sqlite, options(60 * SECOND, SECOND)).await;
    let mut stream = TcpStream::connect(&s.addr).await.unwrap();
    assert_eq!(get_on(&mut stream, "/healthz").await.0, 200);
    let answered = Instant::now();
    assert!(closed_within(&mut stream, LATE).await, "still open");
    let took = answered.elapsed();
    assert!(took >= NOT_BEFORE, "closed after {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn between_requests_the_idle_timeout_applies_and_a_started_head_has_the_header_timeout() {
    let s = Served::start(Backend::Sqlite, options(SECOND, 60 * SECOND)).await;
    let mut stream = TcpStream::connect(&s.addr).await.unwrap();
    assert_eq!(get_on(&mut stream, "/healthz").await.0, 200);
    // Silent for longer than the header-read timeout: the connection is idle, not late with a
    // head, so the server keeps it open (it reports nothing on the socket meanwhile).
    assert!(
        !closed_within(&mut stream, 2 * SECOND + SECOND / 2).await,
        "closed while idle"
    );
    assert_eq!(get_on(&mut stream, "/healthz").await.0, 200);
    // The next head starts and stalls: the header-read clock runs from its first byte.
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    assert!(closed_within(&mut stream, LATE).await, "still open");
    let took = started.elapsed();
    assert!(took >= NOT_BEFORE, "closed after {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_cap_new_connections_wait_and_open_ones_are_served() {
    let s = Served::start(
        Backend::Sqlite,
        ServerOptions {
            max_connections: 2,
            ..options(60 * SECOND, 60 * SECOND)
        },
    )
    .await;
    // Two kept-alive connections, both answered: both are accepted and hold the cap.
    let mut a = TcpStream::connect(&s.addr).await.unwrap();
    assert_eq!(get_on(&mut a, "/healthz").await.0, 200);
    let mut b = TcpStream::connect(&s.addr).await.unwrap();
    assert_eq!(get_on(&mut b, "/healthz").await.0, 200);
    // A request in flight on one of them.
    let body = batch("error_rate", 50, 1.0);
    let head = format!(
        "POST /v1/deployments/capped/points HTTP/1.1\r\nhost: localhost\r\n\
         content-type: application/json\r\ncontent-length: {}\r\nexpect: 100-continue\r\n\r\n",
        body.len()
    );
    a.write_all(head.as_bytes()).await.unwrap();
    a.write_all(&body[..10]).await.unwrap();
    wait_for_continue(&mut a).await;

    // A third connection: the kernel completes its handshake, but nobody serves it.
    let mut c = TcpStream::connect(&s.addr).await.unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nhost: rollguard\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1];
    let early = tokio::time::timeout(SECOND, c.read(&mut buf)).await;
    assert!(early.is_err(), "served past the cap: {early:?}");

    // The request in flight completes, and its connection stays open.
    a.write_all(&body[10..]).await.unwrap();
    let (status, answer) = read_answer(&mut a).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        serde_json::from_str::<Value>(&answer).unwrap(),
        json!({"accepted": 50})
    );
    assert_eq!(get_on(&mut a, "/healthz").await.0, 200);

    // Once one connection closes, the waiting one is served.
    drop(b);
    let (status, _) = tokio::time::timeout(LATE, read_answer(&mut c))
        .await
        .expect("served once a connection closed");
    assert_eq!(status, 200);
    let (status, d) = get_on(&mut c, "/v1/deployments/capped").await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(serde_json::from_str::<Value>(&d).unwrap()["points"], 50);
}

/// Issue 13's last case: with `ulimit -n 64`, 60 idle sockets made `accept` fail and `/healthz`
/// time out. With a cap that fits below the limit, the sockets past it wait in the backlog and
/// every descriptor the server needs is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_low_open_file_limit_idle_sockets_wait_and_healthz_is_answered() {
    let db = test_db(Backend::Sqlite).await;
    // The default cap does not fit below 64 descriptors, and serve says so.
    let p = Proc::start_with_open_file_limit(64, &db.url, &[], &[]);
    assert!(
        p.log().contains("does not fit below the open-file limit"),
        "{}",
        p.log()
    );
    drop(p);

    let args = ["--max-connections", "16", "--header-read-timeout", "1s"];
    let p = Proc::start_with_open_file_limit(64, &db.url, &args, &[]);
    assert!(!p.log().contains("open-file limit"), "{}", p.log());
    let mut silent = Vec::new();
    for _ in 0..60 {
        silent.push(TcpStream::connect(p.addr()).await.unwrap());
    }
    // Served once the sockets ahead of it in the backlog have had their header-read timeout:
    // four rounds of 16 at a second each.
    let resp = tokio::time::timeout(Duration::from_secs(60), reqwest::get(p.url("/healthz")))
        .await
        .expect("/healthz answered within 60 s")
        .unwrap();
    assert_eq!(resp.status(), 200);
    let log = p.log();
    assert!(!log.contains("accepting a connection failed"), "{log}");
}
