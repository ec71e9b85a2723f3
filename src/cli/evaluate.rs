//! `rollguard evaluate`: one document in, one verdict out, the decision as the exit code, so a CI
//! pipeline can gate on it without a server.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use crate::analysis::{Decision, EvaluationDocument, Policy, PolicySpec, Verdict, evaluate};

use super::EvaluateArgs;

/// Exit code for a document or policy that could not be read or is invalid.
pub const EXIT_BAD_INPUT: u8 = 2;

/// The exit code that reports `decision`.
pub fn exit_code(decision: Decision) -> u8 {
    match decision {
        Decision::Pass => 0,
        Decision::Rollback => 1,
        Decision::Inconclusive => 3,
    }
}

/// Resolves `--policy`: an existing file is read as a (partial) policy, anything else is a
/// built-in name.
pub fn load_policy(arg: &str) -> Result<(String, Policy), String> {
    let path = Path::new(arg);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{arg}: {e}"))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{arg}: {e}"))?;
        let policy = Policy::from_partial_json(&value).map_err(|e| format!("{arg}: {e}"))?;
        let name = path
            .file_stem()
            .map_or(arg.into(), |s| s.to_string_lossy().into_owned());
        return Ok((name, policy));
    }
    PolicySpec::Name(arg.to_string())
        .resolve(Policy::builtin)
        .map_err(|e| format!("{e}; not a file either"))
}

fn read_input(file: Option<&Path>) -> Result<String, String> {
    let mut text = String::new();
    match file.filter(|p| *p != Path::new("-")) {
        None => std::io::stdin().read_to_string(&mut text).map(|_| ()),
        Some(p) => std::fs::read_to_string(p).map(|t| text = t),
    }
    .map_err(|e| {
        format!(
            "{}: {e}",
            file.map_or("<stdin>".into(), |p| p.display().to_string())
        )
    })?;
    Ok(text)
}

/// Computes the verdict for `args`, or the message explaining why there is none.
pub fn verdict_for(args: &EvaluateArgs) -> Result<Verdict, String> {
    let text = read_input(args.file.as_deref())?;
    let doc = EvaluationDocument::from_json(&text).map_err(|e| e.to_string())?;
    let (spec, obs) = doc.into_observations().map_err(|e| e.to_string())?;
    let (name, policy) = match (&args.policy, spec) {
        (Some(arg), _) => load_policy(arg)?,
        (None, Some(spec)) => spec
            .resolve(Policy::builtin)
            .map_err(|e| format!("policy: {e}"))?,
        (None, None) => ("seed".to_string(), Policy::seed()),
    };
    let evaluation = evaluate(&policy, &obs.inputs());
    Ok(Verdict::new(name, &policy, &evaluation))
}

/// Runs the command: prints the verdict on stdout, or the reason on stderr.
pub fn run(args: &EvaluateArgs) -> ExitCode {
    match verdict_for(args) {
        Ok(verdict) => {
            let json = if args.pretty {
                serde_json::to_string_pretty(&verdict)
            } else {
                serde_json::to_string(&verdict)
            }
            .expect("a verdict serialises");
            println!("{json}");
            ExitCode::from(exit_code(verdict.verdict))
        }
        Err(message) => {
            eprintln!("rollguard evaluate: {message}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
