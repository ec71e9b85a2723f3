//! Reliability and security (issue 7): API tokens, request limits, database outages, durability
//! across SIGKILL, graceful shutdown, connection hygiene (issues 13 and 14), metrics and request
//! ids. Real processes where the property is about the process (signals, restarts), the
//! in-process server elsewhere.

mod auth;
mod connections;
mod durability;
mod limits;
mod outage;
mod pg;
mod shutdown;
mod telemetry;
mod tls;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rollguard::api::AppState;
use rollguard::server::ServerOptions;
use rollguard::store::Store;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::support::{Backend, TestDb, test_store};

/// `rollguard::server::serve` in this process on a free loopback port, with a shutdown the test
/// triggers.
pub struct Served {
    /// `host:port`.
    pub addr: String,
    /// The server's store, to check what it stored.
    pub store: Arc<dyn Store>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    _db: TestDb,
}

impl Served {
    pub async fn start(backend: Backend, opts: ServerOptions) -> Served {
        let (store, db) = test_store(backend).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (stop, stopped) = oneshot::channel::<()>();
        let state = AppState::new(store.clone());
        let shutdown = async move {
            let _ = stopped.await;
        };
        let task = tokio::spawn(rollguard::server::serve(listener, state, shutdown, opts));
        Served {
            addr,
            store,
            stop: Some(stop),
            task: Some(task),
            _db: db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Resolves the server's shutdown future.
    pub fn shut_down(&mut self) {
        let _ = self.stop.take().expect("shut down once").send(());
    }

    /// Waits up to `limit` for `serve` to return; panics if it returned an error.
    pub async fn returned_within(&mut self, limit: Duration) -> bool {
        let task = self.task.as_mut().expect("still serving");
        match tokio::time::timeout(limit, task).await {
            Ok(result) => {
                result.unwrap().unwrap();
                self.task = None;
                true
            }
            Err(_) => false,
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Reads one answer off a kept-alive connection: the head, then a `content-length` body.
pub async fn read_answer(stream: &mut TcpStream) -> (u16, String) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).await.unwrap();
        assert_eq!(
            n, 1,
            "the connection closed within an answer's head: {head:?}"
        );
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .unwrap_or_else(|| panic!("no content-length: {head}"))
        .trim()
        .parse()
        .unwrap();
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.unwrap();
    (status, String::from_utf8(body).unwrap())
}

/// Sends `GET path` on a kept-alive connection and reads its answer.
pub async fn get_on(stream: &mut TcpStream, path: &str) -> (u16, String) {
    let request = format!("GET {path} HTTP/1.1\r\nhost: localhost\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    read_answer(stream).await
}

/// Waits up to `limit` for the server to close the connection (a read sees its end or an
/// error). Whatever the server sends first is skipped.
pub async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let read_to_end = async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(limit, read_to_end).await.is_ok()
}

/// Waits for the `100 Continue` that the server sends when a handler starts reading the body of
/// a request sent with `expect: 100-continue`: proof that the request is in flight.
pub async fn wait_for_continue(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut byte))
            .await
            .expect("100 Continue within 30 s")
            .unwrap();
        assert_eq!(n, 1, "closed before 100 Continue: {head:?}");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 100 "), "{head:?}");
}

/// A `rollguard serve` process on a free loopback port, its log in a file.
pub struct Proc {
    pub child: Child,
    pub base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
    _stdout: BufReader<std::process::ChildStdout>,
}

/// How `serve` ended when it did not start.
#[derive(Debug)]
pub struct Failed {
    pub status: ExitStatus,
    pub stderr: String,
}

impl Proc {
    /// Starts `rollguard serve --listen 127.0.0.1:0 ARGS` with only `envs` (plus PATH) in its
    /// environment, and waits for its "listening" line.
    pub fn start(database_url: &str, args: &[&str], envs: &[(&str, &str)]) -> Proc {
        Self::try_start(
            database_url,
            ["--listen", "127.0.0.1:0"].iter().chain(args),
            envs,
        )
        .unwrap_or_else(|f| panic!("rollguard serve did not start: {f:?}"))
    }

    /// Like [`Proc::start`], with the whole argument list given (e.g. another `--listen`).
    pub fn try_start<'a>(
        database_url: &str,
        args: impl IntoIterator<Item = &'a &'a str>,
        envs: &[(&str, &str)],
    ) -> Result<Proc, Failed> {
        Self::spawn(
            Command::new(env!("CARGO_BIN_EXE_rollguard")),
            database_url,
            args,
            envs,
        )
    }

    /// Like [`Proc::start`], with the open-file limit (`ulimit -n`) set to `nofile`.
    pub fn start_with_open_file_limit(
        nofile: u32,
        database_url: &str,
        args: &[&str],
        envs: &[(&str, &str)],
    ) -> Proc {
        let mut command = Command::new("sh");
        // `exec` keeps the process id: signals reach rollguard itself.
        let script = format!("ulimit -n {nofile} && exec \"$0\" \"$@\"");
        command.args(["-c", &script, env!("CARGO_BIN_EXE_rollguard")]);
        Self::spawn(
            command,
            database_url,
            ["--listen", "127.0.0.1:0"].iter().chain(args),
            envs,
        )
        .unwrap_or_else(|f| panic!("rollguard serve did not start: {f:?}"))
    }

    fn spawn<'a>(
        mut command: Command,
        database_url: &str,
        args: impl IntoIterator<Item = &'a &'a str>,
        envs: &[(&str, &str)],
    ) -> Result<Proc, Failed> {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("stderr.log");
        command
            .arg("serve")
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", database_url)
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap());
        let mut child = command.spawn().expect("rollguard serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let Some(base) = line.trim().strip_prefix("rollguard listening on ") else {
            let status = child.wait().unwrap();
            return Err(Failed {
                status,
                stderr: std::fs::read_to_string(&log).unwrap_or_default(),
            });
        };
        Ok(Proc {
            base: base.to_string(),
            child,
            log,
            _dir: dir,
            _stdout: stdout,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `host:port`.
    pub fn addr(&self) -> &str {
        self.base.strip_prefix("http://").unwrap()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, signal: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{signal} {}", self.pid());
    }

    /// Waits up to `limit` for the process to exit.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits until the server reports `n` requests in flight besides the scrape asking (the
    /// `rollguard_http_requests_in_flight` gauge of `/metrics`).
    pub async fn wait_in_flight(&self, n: usize) {
        let client = reqwest::Client::new();
        let url = self.url("/metrics");
        let what = format!("{n} requests in flight");
        crate::support::eventually(&what, Duration::from_secs(30), || async {
            let text = client.get(&url).send().await.ok()?.text().await.ok()?;
            let in_flight = text
                .lines()
                .find_map(|l| l.strip_prefix("rollguard_http_requests_in_flight "))
                .and_then(|v| v.trim().parse::<f64>().ok())?;
            // The scrape counts itself.
            (in_flight >= (n + 1) as f64).then_some(())
        })
        .await;
    }

    /// Everything the process logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request whose body is sent in two parts, so that it stays in flight as long as the test
/// wants: headers and `body[..sent]` go now, the rest with [`finish`].
pub async fn send_partial(
    addr: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    sent: usize,
) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..sent]).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

/// Sends the rest of a [`send_partial`] body and reads the answer.
pub async fn finish(mut stream: TcpStream, rest: &[u8]) -> RawResponse {
    stream.write_all(rest).await.unwrap();
    stream.flush().await.unwrap();
    read_response(stream).await
}

/// An answer read off a raw connection.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header lines, lower-cased.
    pub headers: String,
    pub body: Value,
}

/// Reads one answer (the request said `connection: close`, so it ends at EOF).
pub async fn read_response(mut stream: TcpStream) -> RawResponse {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete answer: {text:?}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line: {head:?}"));
    RawResponse {
        status,
        headers: head.to_ascii_lowercase(),
        body: serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {body:?}")),
    }
}

/// A JSON ingest body of `n` points of `metric`, one a minute, values `base + i / n`.
pub fn batch(metric: &str, n: usize, base: f64) -> Vec<u8> {
    let points: Vec<Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "metric": metric,
                "ts": crate::support::minute(i),
                "value": base + i as f64 / n as f64,
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "points": points })).unwrap()
}
