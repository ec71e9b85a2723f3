//! `rollguard evaluate` as a real process: the verdict on stdout, the decision as the exit code.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support::root;

fn rollguard(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rollguard"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rollguard starts");
    let mut pipe = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        pipe.write_all(text.as_bytes()).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn verdict(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON verdict")
}

#[test]
fn exit_code_reports_the_decision() {
    for (file, code, decision) in [
        ("examples/healthy.json", 0, "pass"),
        ("examples/regression.json", 1, "rollback"),
        ("examples/early.json", 3, "inconclusive"),
    ] {
        let out = rollguard(&["evaluate", file], None);
        assert_eq!(out.status.code(), Some(code), "{file}");
        assert_eq!(verdict(&out)["verdict"], decision, "{file}");
        assert!(out.stderr.is_empty(), "{file}");
    }
}

#[test]
fn reads_standard_input_with_a_dash_or_no_file() {
    let doc = std::fs::read_to_string(root().join("examples/regression.json")).unwrap();
    for args in [&["evaluate", "-"][..], &["evaluate"]] {
        let out = rollguard(args, Some(&doc));
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            verdict(&out)["rules"][0]["message"],
            "mean error rate of last 3 points 6.10% > 5.00%"
        );
    }
}

#[test]
fn policy_flag_takes_a_name_or_a_file_and_overrides_the_document() {
    // The healthy example's error rate (0.5%) passes the seed but not a 0.45% threshold.
    let out = rollguard(
        &["evaluate", "examples/healthy.json", "--policy", "seed"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(
        root().join("target/tight-policy.json"),
        r#"{"rules": {"error_rate": {"threshold": 0.45}}}"#,
    )
    .unwrap();
    let out = rollguard(
        &[
            "evaluate",
            "examples/healthy.json",
            "--policy",
            "target/tight-policy.json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v = verdict(&out);
    assert_eq!(v["policy"], "tight-policy");
    assert_eq!(v["rules"][0]["threshold"], 0.45);
}

#[test]
fn pretty_output_is_the_same_verdict() {
    let compact = rollguard(&["evaluate", "examples/regression.json"], None);
    let pretty = rollguard(&["evaluate", "examples/regression.json", "--pretty"], None);
    assert_eq!(verdict(&compact), verdict(&pretty));
    assert!(String::from_utf8_lossy(&pretty.stdout).lines().count() > 10);
}

#[test]
fn bad_input_exits_2_with_the_reason_on_stderr() {
    for (args, stdin, needle) in [
        (
            &["evaluate", "-"][..],
            Some(r#"{"metrics": {"error_rate": [1, 2, 300]}}"#),
            "metrics.error_rate[2]: error rate 300 is above 100",
        ),
        (
            &["evaluate", "-"],
            Some(r#"{"metrics": {"latency_p99": [1, -2]}}"#),
            "metrics.latency_p99[1]: value -2 is negative",
        ),
        (
            &["evaluate", "-"],
            Some("{not json"),
            "key must be a string",
        ),
        (
            &["evaluate", "-"],
            Some(r#"{"policy": "nope"}"#),
            "unknown policy 'nope'",
        ),
        (
            &["evaluate", "-"],
            Some(r#"{"policy": {"rules": {"latency": {"sigma": 3}}}}"#),
            "unknown field `sigma`",
        ),
        (
            &["evaluate", "examples/healthy.json", "--policy", "nope"],
            None,
            "unknown policy 'nope'",
        ),
        (
            &["evaluate", "no/such/file.json"],
            None,
            "no/such/file.json",
        ),
    ] {
        let out = rollguard(args, stdin);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} {stdin:?}: {stderr}");
        assert!(out.stdout.is_empty(), "no verdict for bad input");
        assert!(stderr.contains(needle), "{args:?} {stdin:?}: {stderr}");
    }
}
