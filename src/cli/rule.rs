//! `asl-lint rule CODE` and `asl-lint rule --list`.

use std::process::ExitCode;

use crate::rules::{self, RULES};

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A rule code (`ASL201`) or name (`unknown-next-state`); a code prefix (`ASL2`)
    /// lists its rules.
    pub code: Option<String>,
    /// List every rule: code, name, default severity, AWS code, summary.
    #[arg(long)]
    pub list: bool,
    /// `text`, or `json`: for the list, one array of rules; for one rule, one object
    /// (`code`, `name`, `severity`, `aws_code`, `fix`, `summary`, `docs`, `file`), for
    /// tools that build documentation or editor settings from the catalogue.
    #[arg(long, value_enum, default_value = "text")]
    pub format: RuleFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RuleFormat {
    Text,
    Json,
}

fn fix_name(fix: rules::FixAvailability) -> &'static str {
    match fix {
        rules::FixAvailability::None => "none",
        rules::FixAvailability::Sometimes => "sometimes",
        rules::FixAvailability::Always => "always",
    }
}

/// Doc comments keep the space after `///`; this drops it.
fn docs(m: &rules::RuleMeta) -> String {
    let mut out = String::new();
    for line in m.docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out
}

fn json(m: &rules::RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "code": m.code,
        "name": m.name,
        "severity": m.severity.as_str(),
        "aws_code": m.aws_code,
        "fix": fix_name(m.fix),
        "summary": m.summary(),
        "docs": docs(m),
        "file": m.file,
    })
}

pub fn run(args: &RuleArgs) -> ExitCode {
    let mut out = String::new();
    let code = args.code.as_deref().map(str::trim);
    // `rule ''` (an unset shell variable) is a mistake, not a prefix of every code.
    if code == Some("") {
        eprintln!("error: no rule code given; `asl-lint rule --list` lists them");
        return ExitCode::from(super::EXIT_USAGE);
    }
    // A prefix (`ASL2`), as `check --select` takes it, lists the rules it selects; so
    // does `--list` with a code. (Codes match in any case, names exactly, as there.)
    let selects = |m: &rules::RuleMeta| {
        code.is_none_or(|c| {
            c.eq_ignore_ascii_case("ALL")
                || m.code.len() >= c.len() && m.code[..c.len()].eq_ignore_ascii_case(c)
                || m.name == c
        })
    };
    let listing = args.list
        || code.is_none_or(|c| rules::find(c).is_none() && RULES.iter().any(|r| selects(&r.meta)));
    if listing {
        let listed: Vec<&rules::RuleMeta> = RULES
            .iter()
            .map(|r| &r.meta)
            .filter(|m| selects(m))
            .collect();
        if listed.is_empty() {
            eprintln!(
                "error: no rule matches `{}`; `asl-lint rule --list` lists them",
                code.unwrap_or_default()
            );
            return ExitCode::from(super::EXIT_USAGE);
        }
        if args.format == RuleFormat::Json {
            let all: Vec<serde_json::Value> = listed.iter().map(|m| json(m)).collect();
            return written(format!("{}\n", serde_json::Value::Array(all)));
        }
        // Columns as wide as their longest entry, so that every row lines up.
        let name_width = listed.iter().map(|m| m.name.len()).max().unwrap_or(0);
        let aws_width = listed
            .iter()
            .map(|m| m.aws_code.unwrap_or("-").len())
            .max()
            .unwrap_or(0);
        for m in listed {
            out.push_str(&format!(
                "{}  {:<name_width$}  {:<8} {:<aws_width$}  {}\n",
                m.code,
                m.name,
                m.severity.as_str(),
                m.aws_code.unwrap_or("-"),
                m.summary()
            ));
        }
        return written(out);
    }
    let code = code.unwrap_or_default();
    let Some(rule) = rules::find(code) else {
        eprintln!("error: no rule named `{code}`; `asl-lint rule --list` lists them");
        return ExitCode::from(super::EXIT_USAGE);
    };
    let m = &rule.meta;
    if args.format == RuleFormat::Json {
        return written(format!("{}\n", json(m)));
    }
    out.push_str(&format!("# {} {}\n\n", m.code, m.name));
    out.push_str(&format!("Default severity: {}\n", m.severity.as_str()));
    if let Some(aws) = m.aws_code {
        out.push_str(&format!("AWS diagnostic code: {aws}\n"));
    }
    out.push_str(&format!("Fix: {}\n", fix_name(m.fix)));
    out.push_str(&format!("Source: {}\n\n", m.file));
    out.push_str(&docs(m));
    written(out)
}

/// Prints `out`: exit 0, or 2 when it could not be written.
fn written(out: String) -> ExitCode {
    if super::write_stdout(out.as_bytes()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_USAGE)
    }
}
