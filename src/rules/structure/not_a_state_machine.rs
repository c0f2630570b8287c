use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a document that is not a state machine at all: its root is not an object,
    /// or it has neither `StartAt` nor `States`.
    ///
    /// ## Why is this bad?
    /// The file was given to asl-lint as a definition, but it holds something else (a
    /// list, a configuration file, a template without a state machine).
    ///
    /// ## Example
    /// ```json
    /// {"Comment": "where are the states?"}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"Comment": "a workflow", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    /// ```
    pub static RULE = {
        code: "ASL100",
        name: "not-a-state-machine",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(root) = ctx.document.root.as_ref() else {
        return;
    };
    match ctx.machine {
        None => {
            if !matches!(root.value, crate::syntax::Value::Invalid) {
                let d = sink.report(
                    root.range
                        .cover(crate::syntax::TextRange::empty(root.range.start)),
                    format!(
                        "a state machine must be an object with StartAt and States, not {}",
                        article(root.kind_name())
                    ),
                );
                d.help = Some(EXCLUDE_HELP.to_string());
            }
        }
        Some(machine) if super::root_is_not_a_state_machine(machine) => {
            let at = crate::rules::char_at(ctx.source, root.range.start);
            let d = sink.report(
                at,
                "this is not a state machine: it has neither StartAt nor States",
            );
            d.help = Some(format!("add StartAt and States; {EXCLUDE_HELP}"));
        }
        Some(_) => {}
    }
}

/// For a JSON or YAML file that is something else (a config, a fixture).
const EXCLUDE_HELP: &str = "if the file is not a state machine, leave it out with `exclude` in asl-lint.toml (a file named on the command line needs `--force-exclude` too)";

fn article(kind: &str) -> String {
    match kind.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u') => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}
