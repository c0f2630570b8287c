//! `asl-lint rule CODE` and `asl-lint rule --list`.

use std::process::ExitCode;

use crate::rules::{self, RULES};

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A rule code (`ASL201`) or name (`unknown-next-state`).
    pub code: Option<String>,
    /// List every rule: code, name, default severity, AWS code, summary.
    #[arg(long)]
    pub list: bool,
}

pub fn run(args: &RuleArgs) -> ExitCode {
    let mut out = String::new();
    if args.list || args.code.is_none() {
        for r in RULES {
            let m = &r.meta;
            out.push_str(&format!(
                "{}  {:<28} {:<8} {:<26} {}\n",
                m.code,
                m.name,
                m.severity.as_str(),
                m.aws_code.unwrap_or("-"),
                m.summary()
            ));
        }
        print!("{out}");
        return ExitCode::SUCCESS;
    }
    let code = args.code.as_deref().unwrap_or_default();
    let Some(rule) = rules::find(code) else {
        eprintln!("error: no rule named `{code}`; `asl-lint rule --list` lists them");
        return ExitCode::from(super::EXIT_USAGE);
    };
    let m = &rule.meta;
    out.push_str(&format!("# {} {}\n\n", m.code, m.name));
    out.push_str(&format!("Default severity: {}\n", m.severity.as_str()));
    if let Some(aws) = m.aws_code {
        out.push_str(&format!("AWS diagnostic code: {aws}\n"));
    }
    out.push_str(&format!(
        "Fix: {}\n",
        match m.fix {
            rules::FixAvailability::None => "none",
            rules::FixAvailability::Sometimes => "sometimes",
            rules::FixAvailability::Always => "always",
        }
    ));
    out.push_str(&format!("Source: {}\n\n", m.file));
    // Doc comments keep the space after `///`; drop it.
    for line in m.docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    print!("{out}");
    ExitCode::SUCCESS
}
