//! `rollguard replay`: backtest policies over historical deployments from a file (NDJSON or
//! CSV), from the store, or read from Prometheus, and compare them side by side.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::evaluate::{EXIT_BAD_INPUT, load_policy};
use crate::analysis::Policy;
use crate::config::DatabaseArgs;
use crate::model::Timestamp;
use crate::replay::input::{self, InputError};
use crate::replay::{Polling, ReplayDeployment, ReplayReport, replay_all};
use crate::service::{PrometheusDeployment, ReplayRun, Service, SourceSettings, StoreFilter};
use crate::store;

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// NDJSON (one deployment per line) or CSV (`deployment,metric,cohort,ts,value[,count]`, by
    /// the `.csv` extension or `--format csv`); `-` reads standard input.
    #[arg(
        required_unless_present_any = ["from_store", "from_prometheus"],
        conflicts_with_all = ["from_store", "from_prometheus"]
    )]
    pub file: Option<PathBuf>,
    /// Replay the deployments in the store (`DATABASE_URL`) instead of a file.
    #[arg(long, conflicts_with = "from_prometheus")]
    pub from_store: bool,
    /// Replay past deployments read from Prometheus: FILE (`-`: standard input) holds one a line,
    /// `{"key", "service", "environment", "version", "baseline_version", "labels", "since",
    /// "until", "outcome", "onset_step"}`, read through the sources and template sets stored in
    /// `DATABASE_URL` (docs/integrations/prometheus.md). Nothing is stored.
    #[arg(long, value_name = "FILE")]
    pub from_prometheus: Option<PathBuf>,
    /// With --from-prometheus: the directory a source's `auth.secret_file` must lie in.
    #[arg(long, env = "ROLLGUARD_SOURCE_SECRETS_DIR", value_name = "DIR")]
    pub source_secrets_dir: Option<PathBuf>,
    /// Input format; by default CSV for `.csv` files, NDJSON otherwise.
    #[arg(long, value_parser = ["ndjson", "csv"])]
    pub format: Option<String>,
    /// A built-in policy name or a policy JSON file; repeat to compare (default: seed).
    #[arg(long = "policy", value_name = "NAME|FILE")]
    pub policies: Vec<String>,
    /// Ask every N points (default 1: every point).
    #[arg(long, value_name = "N", conflicts_with = "interval")]
    pub every: Option<usize>,
    /// Ask every time interval instead, e.g. `5m` (needs timestamped series).
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub interval: Option<std::time::Duration>,
    /// Print the whole report as JSON.
    #[arg(long)]
    pub json: bool,
    /// With --from-store: only this service.
    #[arg(long)]
    pub service: Option<String>,
    /// With --from-store: only this environment.
    #[arg(long)]
    pub environment: Option<String>,
    /// With --from-store: only deployments started (or created) at or after this RFC 3339 time.
    #[arg(long)]
    pub since: Option<Timestamp>,
    /// With --from-store: only deployments started (or created) before this RFC 3339 time.
    #[arg(long)]
    pub until: Option<Timestamp>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

impl ReplayArgs {
    fn polling(&self) -> anyhow::Result<Polling> {
        Ok(match (self.every, self.interval) {
            (Some(0), _) => anyhow::bail!("--every must be at least 1"),
            (Some(n), _) => Polling::EveryPoints(n),
            (None, Some(d)) => {
                let d = chrono::Duration::from_std(d).context("--interval is too long")?;
                anyhow::ensure!(d > chrono::Duration::zero(), "--interval must be positive");
                Polling::Interval(d)
            }
            (None, None) => Polling::EveryPoints(1),
        })
    }

    fn load_policies(&self) -> anyhow::Result<Vec<(String, Policy)>> {
        if self.policies.is_empty() {
            return Ok(vec![("seed".into(), Policy::seed())]);
        }
        self.policies
            .iter()
            .map(|p| load_policy(p).map_err(anyhow::Error::msg))
            .collect()
    }
}

fn progress_bar(len: Option<u64>) -> ProgressBar {
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    if std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos}/{len} deployments {per_sec} [{elapsed}]")
                .expect("valid template"),
        );
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}

/// Runs the command; the exit code is 0 on success, 2 on bad input.
pub fn run(args: &ReplayArgs) -> ExitCode {
    match report(args) {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            let written = if args.json {
                serde_json::to_writer(&mut out, &report)
                    .map_err(std::io::Error::from)
                    .and_then(|_| writeln!(out))
            } else {
                write!(out, "{}", render_table(&report))
            };
            // A closed pipe (e.g. `| head`) is not an error worth a message.
            let _ = written;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("rollguard replay: {e:#}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

fn report(args: &ReplayArgs) -> anyhow::Result<ReplayReport> {
    let policies = args.load_policies()?;
    let polling = args.polling()?;
    if args.from_store {
        return from_store(args, policies, polling);
    }
    if let Some(path) = &args.from_prometheus {
        return from_prometheus(args, path, policies, polling);
    }
    let path = args
        .file
        .as_ref()
        .expect("clap requires a file without --from-store");
    let csv = match args.format.as_deref() {
        Some(f) => f == "csv",
        None => path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")),
    };
    let reader: Box<dyn std::io::Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(path).with_context(|| format!("opening {}", path.display()))?)
    };
    let bar = progress_bar(None);
    let inputs: Box<dyn Iterator<Item = Result<ReplayDeployment, InputError>>> = if csv {
        Box::new(input::csv(reader))
    } else {
        Box::new(input::ndjson(BufReader::new(reader)))
    };
    let report = replay_all(inputs, &policies, polling, |n| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    Ok(report)
}

fn from_store(
    args: &ReplayArgs,
    policies: Vec<(String, Policy)>,
    polling: Polling,
) -> anyhow::Result<ReplayReport> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = store::connect(&args.database.url)
            .await
            .context("opening the database")?;
        let filter = StoreFilter {
            service: args.service.clone(),
            environment: args.environment.clone(),
            since: args.since,
            until: args.until,
        };
        let mut run = ReplayRun::from_store(store, &filter, policies, polling).await?;
        let bar = progress_bar(Some(run.total() as u64));
        while let Some(stepped) = run.step().await {
            stepped?;
            bar.set_position(run.done() as u64);
        }
        bar.finish_and_clear();
        Ok(run.report())
    })
}

fn from_prometheus(
    args: &ReplayArgs,
    path: &std::path::Path,
    policies: Vec<(String, Policy)>,
    polling: Polling,
) -> anyhow::Result<ReplayReport> {
    use std::io::BufRead;
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(BufReader::new(
            File::open(path).with_context(|| format!("opening {}", path.display()))?,
        ))
    };
    let mut deployments: Vec<PrometheusDeployment> = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.context("reading the deployments")?;
        if line.trim().is_empty() {
            continue;
        }
        deployments.push(serde_json::from_str(&line).with_context(|| format!("line {}", i + 1))?);
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let lines = runtime.block_on(async {
        let store = store::connect(&args.database.url)
            .await
            .context("opening the database")?;
        let service = Service::new(store).with_source_settings(SourceSettings {
            secrets_dir: args.source_secrets_dir.clone(),
            ..SourceSettings::default()
        });
        anyhow::Ok(service.read_prometheus_deployments(&deployments).await?)
    })?;
    let mut ndjson = String::new();
    for line in lines {
        ndjson.push_str(&line.to_string());
        ndjson.push('\n');
    }
    let bar = progress_bar(Some(deployments.len() as u64));
    let inputs = input::ndjson(std::io::Cursor::new(ndjson));
    let report = replay_all(inputs, &policies, polling, |n| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    Ok(report)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.1}%", v * 100.0))
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map_or("-".into(), |v| v.to_string())
}

/// The terminal table: one summary row per policy, then one row per deployment (up to 50).
pub fn render_table(report: &ReplayReport) -> String {
    const MAX_ROWS: usize = 50;
    let mut out = String::new();
    let line = |out: &mut String, cols: &[String], widths: &[usize]| {
        let cells: Vec<String> = cols
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    };
    let header = [
        "policy",
        "deploys",
        "rollbacks",
        "tp",
        "fp",
        "tn",
        "fn",
        "precision",
        "recall",
        "false-rb",
        "ttd p50",
        "ttd p90",
    ];
    let widths = [14, 8, 10, 5, 5, 5, 5, 10, 8, 9, 8, 8];
    line(&mut out, &header.map(String::from), &widths);
    for name in &report.policies {
        let s = &report.summary[name];
        let c = s.confusion;
        line(
            &mut out,
            &[
                name.clone(),
                s.deployments.to_string(),
                s.would_roll_back.to_string(),
                c.tp.to_string(),
                c.fp.to_string(),
                c.tn.to_string(),
                c.fn_.to_string(),
                pct(s.precision),
                pct(s.recall),
                pct(s.false_rollback_rate),
                opt(s.time_to_detect.median_steps),
                opt(s.time_to_detect.p90_steps),
            ],
            &widths,
        );
    }
    out.push_str("(ttd: steps from onset, or from the first step, to the rollback)\n\n");
    let mut header = vec!["deployment".to_string(), "outcome".into()];
    header.extend(report.policies.iter().map(|p| format!("{p}: step/rule")));
    let mut widths = vec![28, 12];
    widths.extend(report.policies.iter().map(|_| 22));
    line(&mut out, &header, &widths);
    for d in report.deployments.iter().take(MAX_ROWS) {
        let mut row = vec![
            d.key.clone(),
            d.outcome.map_or("-".into(), |o| o.as_str().to_string()),
        ];
        for p in &report.policies {
            let r = &d.results[p];
            row.push(match (r.first_rollback_step, r.rule) {
                (Some(step), Some(rule)) => format!("{step} {}", rule.as_str()),
                _ => "no rollback".into(),
            });
        }
        line(&mut out, &row, &widths);
    }
    if report.deployments.len() > MAX_ROWS {
        out.push_str(&format!(
            "… {} more deployments: use --json for all of them\n",
            report.deployments.len() - MAX_ROWS
        ));
    }
    out
}
