//! `asl-lint simulate`: arguments and the command body (the binary wires it in).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::Value;

pub use super::trace::{run_overlay, text_report};
use super::{MachineType, MockConfig, SimulationError, SimulationOptions, Status};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// The path taken, state by state, and the result.
    Text,
    /// One JSON object: status, output, error, cause, AWS-shaped history events.
    Json,
    /// The state graph (Graphviz DOT) with the run drawn over it.
    Dot,
    /// The state graph as a Mermaid flowchart with the run drawn over it.
    Mermaid,
    /// The state graph as SVG with the run drawn over it.
    Svg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WorkflowType {
    Standard,
    Express,
}

/// Run a state machine on a virtual clock with mocked Task results.
#[derive(Clone, Debug, clap::Args)]
pub struct SimulateArgs {
    /// The definition (.asl.json or .asl.yaml), or a CloudFormation/SAM/Serverless
    /// template or Terraform file that holds it (see `--definition`).
    pub definition: PathBuf,
    /// In a template: the state machine to run (its logical id; in a Serverless file
    /// `stateMachines.NAME` or just NAME; in a Terraform file
    /// `aws_sfn_state_machine.LABEL` or just LABEL; optional when there is only one).
    /// Its DefinitionSubstitutions (`templatefile` variables) are applied, and its
    /// workflow type is used unless `--type` is given.
    #[arg(long = "definition", value_name = "NAME")]
    pub definition_name: Option<String>,
    /// Execution input: a JSON file (or `file://FILE`), `-` for stdin, or JSON text as
    /// `aws stepfunctions start-execution --input` takes it (default `{}`).
    #[arg(long)]
    pub input: Option<String>,
    /// AWS Step Functions Local mock config file.
    #[arg(long)]
    pub mock_config: Option<PathBuf>,
    /// State machine name inside the mock config (optional when it has only one).
    #[arg(long)]
    pub state_machine: Option<String>,
    /// Test case name inside the mock config (optional when the state machine has only one).
    #[arg(long)]
    pub test_case: Option<String>,
    /// A mocked response for one state, as `STATE=JSON` or `STATE=@FILE` (repeatable):
    /// `{"Return": ...}`, `{"Throw": {"Error": ..., "Cause": ...}}`, or invocation
    /// numbers mapped to those (`{"0": ..., "1-2": ...}`). Replaces the mock config's
    /// response for that state; needs no mock config.
    #[arg(long = "mock", value_name = "STATE=JSON")]
    pub mocks: Vec<String>,
    /// The response of every Task (and ItemReader) that no other mock covers, as JSON or
    /// `@FILE` in the form `--mock` takes (`{"Return": {}}`): a quick first run of a
    /// workflow before each call has a mock of its own. The report marks each state
    /// that used it.
    #[arg(long, value_name = "JSON")]
    pub mock_default: Option<String>,
    /// Start at this top-level state instead of StartAt, with the input given: runs the
    /// end of a workflow without mocking the states before it.
    #[arg(long, value_name = "STATE")]
    pub start_at: Option<String>,
    /// Workflow variables the execution starts with, as states before `--start-at`
    /// would have assigned them: a JSON object, as text or `@FILE`.
    #[arg(long, value_name = "JSON")]
    pub variables: Option<String>,
    /// JSON file with context-object fields to override (Execution.Name, ...).
    #[arg(long)]
    pub context: Option<PathBuf>,
    /// The account of the execution's ARNs (and a template's `AWS::AccountId`).
    #[arg(long, default_value = "123456789012")]
    pub account: String,
    /// The region of the execution's ARNs (and a template's `AWS::Region`, and
    /// `AWS::Partition` from it).
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// In a template: the value of a CloudFormation/SAM parameter or a Terraform
    /// variable, in place of its default (repeatable). What only the stack knows (a
    /// `Ref`/`GetAtt` of a resource) gets a stand-in, which the run notes.
    #[arg(long = "parameter", value_name = "NAME=VALUE", value_parser = parse_parameter)]
    pub parameters: Vec<(String, String)>,
    /// Virtual start time (RFC 3339); default now.
    #[arg(long)]
    pub start_time: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Keep no history events (faster, flat memory); they still count toward
    /// `--max-events`, as AWS counts them toward its 25,000-event limit.
    #[arg(long)]
    pub no_history: bool,
    /// History-event limit (default 25000 for standard workflows; 0 means none). Without
    /// one, a loop in which no time passes ends after 100,000 transitions (times out with
    /// a deadline, TimeoutSeconds or express's five minutes; fails when history is kept).
    /// Whatever the limit, a run fails after 10,000,000 transitions in which no time
    /// passes (a loop with `--no-history` and no such deadline; Map states nested so that
    /// their iterations multiply), and before the history it keeps would take 512 MiB of
    /// memory (`--no-history` keeps none). Every run times out at its TimeoutSeconds,
    /// after five minutes (express) or a year (standard) of virtual time.
    #[arg(long)]
    pub max_events: Option<u64>,
    /// Workflow type (default: the template's, else standard).
    #[arg(long = "type", value_enum)]
    pub workflow_type: Option<WorkflowType>,
    /// Seed for retry jitter, States.MathRandom and States.UUID.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Text that can only mean a JSON number (`1e400`, `-3`), even one JSON refuses: its
/// error then says what is wrong with the number, not that no such file exists.
fn looks_like_number(src: &str) -> bool {
    let t = src.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
}

/// The errors of a definition that the defaults of its template's parameters filled
/// in (a state named `''`, or the name of another state), which the template's own
/// lint did not see: those of its states and transitions, at the same place in the
/// definition as written (the template, or the file it names) where there is one. What
/// a deploy-time value still unknown leaves (`${X}`) is not one.
fn made_by_defaults(
    deployed: &crate::embed::Deployed,
    kind: crate::syntax::SourceKind,
    machine: MachineType,
    template: &str,
    template_kind: crate::syntax::SourceKind,
) -> Vec<String> {
    const STRUCTURE: &[&str] = &[
        "ASL002", "ASL108", "ASL109", "ASL201", "ASL202", "ASL205", "ASL206", "ASL207",
    ];
    let text = &deployed.text;
    let index = crate::syntax::LineIndex::new(text);
    let built = crate::syntax::parse(text, kind);
    // Where the definition is written: the file it names, else the template.
    let source = match &deployed.file {
        Some(file) => crate::files::read_to_string(file).unwrap_or_default(),
        None => template.to_string(),
    };
    let source_kind = match &deployed.file {
        Some(file) => crate::syntax::detect_kind(file.to_str(), &source),
        None => template_kind,
    };
    let written = crate::syntax::parse(&source, source_kind);
    let written_root = match (&deployed.file, written.root.as_ref()) {
        (Some(_), root) => root,
        (None, Some(root)) => definition_at(root, deployed.range),
        (None, None) => None,
    };
    super::lint_errors(text, kind, machine)
        .into_iter()
        .filter_map(|e| {
            let (at, rest) = e.split_once(": ").unwrap_or(("", e.as_str()));
            let code = rest.split(' ').next().unwrap_or("");
            if !STRUCTURE.contains(&code) || rest.contains("${") {
                return None;
            }
            // The same place in the definition as written, found by its path.
            let position = at
                .split_once(':')
                .and_then(|(l, c)| Some((l.parse().ok()?, c.parse().ok()?)))
                .and_then(|(line, column)| {
                    let offset = index
                        .offset_of_line_col(text, crate::syntax::LineCol { line, column });
                    let built_root = built.root.as_ref()?;
                    let path = built_root.find_at(offset);
                    let written_root = written_root?;
                    let range = match crate::embed::sourcemap::ScalarMap::new(&source, written_root)
                    {
                        // A definition written as a string (`DefinitionString: |`): the
                        // place in its JSON, then in the template.
                        Some(scalar) if written_root.as_str().is_some() => {
                            let inner = crate::syntax::parse(scalar.decoded, kind);
                            let at = same_place(inner.root.as_ref()?, built_root, &path)?;
                            scalar.outer(at.as_usize())
                        }
                        _ => same_place(written_root, built_root, &path)?,
                    };
                    let lc =
                        crate::syntax::LineIndex::new(&source).line_col(&source, range.start);
                    Some(format!("{}:{}: ", lc.line, lc.column))
                })
                .unwrap_or_default();
            Some(format!(
                "{position}{rest} (once the parameters' values are filled in; give others with --parameter NAME=VALUE)"
            ))
        })
        .collect()
}

/// The value of the template property at `range` (the definition's).
fn definition_at<'a, 's>(
    node: &'a crate::syntax::Node<'s>,
    range: crate::syntax::TextRange,
) -> Option<&'a crate::syntax::Node<'s>> {
    use crate::syntax::Value;
    match &node.value {
        Value::Object(members) => members.iter().find_map(|m| {
            if m.range() == range {
                Some(&m.value)
            } else {
                definition_at(&m.value, range)
            }
        }),
        Value::Array(items) => items.iter().find_map(|i| definition_at(i, range)),
        Value::Tagged(t) => definition_at(&t.node, range),
        _ => None,
    }
}

/// The range in `root` that `path` (found in `built`, a copy of it with values filled
/// in) leads to: a key's, else the value's. A member is found by its key, else (a key
/// a substitution wrote) by its place among the object's members.
fn same_place(
    root: &crate::syntax::Node<'_>,
    built: &crate::syntax::Node<'_>,
    path: &[crate::syntax::PathStep<'_, '_>],
) -> Option<crate::syntax::TextRange> {
    use crate::syntax::PathStep;
    let mut node = root;
    let mut copy = built;
    for step in path {
        let (PathStep::Key(m) | PathStep::Member(m)) = step else {
            let PathStep::Index(i, next) = step else {
                unreachable!()
            };
            node = node.as_array().and_then(|a| a.get(*i))?;
            copy = next;
            continue;
        };
        let place = copy
            .as_object()
            .and_then(|ms| ms.iter().position(|x| std::ptr::eq(x, *m)));
        let written = node
            .member(&m.key)
            .or_else(|| node.as_object().and_then(|ms| ms.get(place?)))?;
        if let PathStep::Key(_) = step {
            return Some(written.key_range);
        }
        node = &written.value;
        copy = &m.value;
    }
    Some(node.range)
}

/// `text` without the byte order mark an editor may write at the start of a UTF-8
/// file (JSON has none, and serde_json stops at it; definitions may start with one).
pub(crate) fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Builds the options from the arguments, reading the files named.
pub fn options_from_args(
    args: &SimulateArgs,
    stdin: &mut dyn std::io::Read,
) -> Result<SimulationOptions, String> {
    options_for(args, stdin, &[])
}

/// [`options_from_args`] for a state machine known by `names` (a template's: the name
/// it is deployed under, then its logical id): without `--state-machine`, the mock
/// config's state machine of the first of those names is the one used, as Step
/// Functions Local takes the state machine's name.
fn options_for(
    args: &SimulateArgs,
    stdin: &mut dyn std::io::Read,
    names: &[&str],
) -> Result<SimulationOptions, String> {
    let mut opts = SimulationOptions {
        account: args.account.clone(),
        region: args.region.clone(),
        history: !args.no_history,
        max_events: args.max_events,
        machine_type: match args.workflow_type {
            Some(WorkflowType::Express) => MachineType::Express,
            _ => MachineType::Standard,
        },
        seed: args.seed,
        start_at: args.start_at.clone(),
        ..SimulationOptions::default()
    };
    if let Some(name) = args.definition.file_stem().and_then(|s| s.to_str()) {
        opts.state_machine_name = name.trim_end_matches(".asl").to_string();
    }
    if let Some(src) = &args.input {
        // `--input ''` (a variable that was never set, say) names neither a file nor
        // JSON: "cannot read the input file :" would leave the user guessing.
        if src.trim().is_empty()
            || src
                .strip_prefix("file://")
                .is_some_and(|p| p.trim().is_empty())
        {
            return Err(
                "--input is empty: give JSON text such as '{\"id\": 1}', a JSON file \
                 (or `file://FILE`), or `-` for standard input"
                    .into(),
            );
        }
        // What the input is called in a message: its file, or `--input` for JSON text.
        let mut named = format!("the input file {src}");
        let text = if src == "-" {
            named = "the input from standard input".into();
            read_stdin_input(stdin)?
        } else if let Some(path) = src.strip_prefix("file://") {
            read_text(path.as_ref())
                .map_err(|e| format!("cannot read the input file {path}: {e}"))?
        } else if !std::path::Path::new(src).exists()
            && (src.trim_start().starts_with(['{', '[', '"'])
                || looks_like_number(src)
                || serde_json::from_str::<serde_json::Value>(src).is_ok())
        {
            // JSON text, as `aws stepfunctions start-execution --input '{...}'` takes it
            // (when it does not parse, the error below says where).
            named = "the --input text".into();
            src.clone()
        } else {
            read_text(src.as_ref()).map_err(|e| {
                format!(
                    "cannot read the input file {src}: {e} (--input takes a JSON file, \
                     `-` for standard input, or JSON text such as '{{\"id\": 1}}')"
                )
            })?
        };
        let text = without_bom(&text);
        if text.trim().is_empty() {
            return Err(format!(
                "the input {} is empty: give a JSON value, such as {{}}",
                if src == "-" { "from stdin" } else { "file" }
            ));
        }
        // StartExecution refuses an input over the payload limit: no execution starts.
        if text.len() > super::engine::PAYLOAD_LIMIT {
            return Err(format!(
                "the input is {} bytes: AWS refuses to start an execution whose input is \
                 over {} bytes (256 KiB)",
                text.len(),
                super::engine::PAYLOAD_LIMIT
            ));
        }
        opts.input =
            super::parse_json(text).map_err(|e| format!("{named} is {}", json_problem(&e)))?;
    }
    if let Some(t) = &args.start_time {
        let ns = super::time::parse_rfc3339(t).ok_or_else(|| {
            format!("--start-time '{t}' is not an RFC 3339 date-time such as 2024-01-31T12:00:00Z")
        })?;
        opts.start_time_ms = Some(within_clock((ns / 1_000_000) as i64, "--start-time")?);
    }
    if let Some(p) = &args.context {
        let text = read_text(p)
            .map_err(|e| format!("cannot read the context file {}: {e}", p.display()))?;
        let mut v: Value = super::parse_json(without_bom(&text))
            .map_err(|e| format!("the context file {} is {}", p.display(), json_problem(&e)))?;
        if !v.is_object() {
            return Err(format!(
                "the context file {} must hold a JSON object",
                p.display()
            ));
        }
        check_context(&v, crate::model::context::CONTEXT_OBJECT, "")
            .map_err(|e| format!("the context file {}: {e}", p.display()))?;
        // What the run itself decides, and would then contradict.
        for (field, why) in [
            (
                "/Execution/Input",
                "is the run's input: give it with --input",
            ),
            (
                "/State",
                "changes with every state: the run sets it (its name, when it was entered, its retry count)",
            ),
            (
                "/Map",
                "changes with every item: the run sets it from the Map's items",
            ),
        ] {
            if v.pointer(field).is_some() {
                return Err(format!(
                    "the context file {}: `{}` {why}",
                    p.display(),
                    field[1..].replace('/', ".")
                ));
            }
        }
        // AWS writes times in UTC with milliseconds, whatever the file's spelling.
        if let Some(t) = v.pointer_mut("/Execution/RedriveTime")
            && let Some(ns) = t.as_str().and_then(super::time::parse_rfc3339)
        {
            *t = Value::String(super::time::format_millis((ns / 1_000_000) as i64));
        }
        // The execution's start time is where its virtual clock starts: the states'
        // EnteredTime follow from it (and the run writes it as AWS does).
        let start = v
            .pointer_mut("/Execution")
            .and_then(Value::as_object_mut)
            .and_then(|e| e.remove("StartTime"));
        if let Some(t) = start.as_ref().and_then(Value::as_str) {
            let ms = match super::time::parse_rfc3339(t) {
                Some(ns) => Some(within_clock(
                    (ns / 1_000_000) as i64,
                    "the context file's Execution.StartTime",
                )?),
                None => None,
            };
            match (opts.start_time_ms, ms) {
                (Some(given), Some(ms)) if given != ms => {
                    return Err(format!(
                        "--start-time and the Execution.StartTime of the context file {} differ: give one",
                        p.display()
                    ));
                }
                (_, ms) => opts.start_time_ms = opts.start_time_ms.or(ms),
            }
        }
        if let Some(name) = v.pointer("/Execution/Name").and_then(Value::as_str) {
            opts.execution_name = Some(name.to_string());
        }
        if let Some(name) = v.pointer("/StateMachine/Name").and_then(Value::as_str) {
            opts.state_machine_name = name.to_string();
        }
        opts.context = Some(v);
    }
    match &args.mock_config {
        None if args.state_machine.is_some() || args.test_case.is_some() => {
            return Err("--state-machine and --test-case name parts of a --mock-config".into());
        }
        None => {}
        Some(file) => {
            let text = read_text(file)
                .map_err(|e| format!("cannot read the mock config {}: {e}", file.display()))?;
            let cfg = MockConfig::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            if cfg.machine_names().is_empty() {
                return Err(format!(
                    "{}: has no state machines under \"StateMachines\": nothing to mock with",
                    file.display()
                ));
            }
            // Either name may be left out when the config has only one to choose from,
            // or (the state machine) when it has one of the run's state machine's names.
            let named = args.state_machine.as_deref().or_else(|| {
                let known = cfg.machine_names();
                names.iter().copied().find(|n| known.contains(n))
            });
            let (m, t) = cfg.only(named, args.test_case.as_deref());
            if let Some(m) = &m
                && !cfg.machine_names().contains(&m.as_str())
            {
                return Err(format!(
                    "{}: has no state machine \"{m}\" (it has: {})",
                    file.display(),
                    cfg.machine_names().join(", ")
                ));
            }
            let Some(m) = m else {
                return Err(format!(
                    "{}: holds several state machines ({}): choose one with --state-machine",
                    file.display(),
                    cfg.machine_names().join(", ")
                ));
            };
            let Some(t) = t else {
                return Err(format!(
                    "{}: has several test cases for \"{m}\" ({}): choose one with --test-case",
                    file.display(),
                    cfg.test_case_names(&m).join(", ")
                ));
            };
            opts.mocks = cfg
                .test_case(&m, &t)
                .map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    if args.no_history
        && matches!(
            args.format,
            OutputFormat::Dot | OutputFormat::Mermaid | OutputFormat::Svg
        )
    {
        return Err(
            "--format dot, mermaid and svg draw the run from its history: leave out --no-history"
                .into(),
        );
    }
    if let Some(arg) = &args.variables {
        let text = match arg.strip_prefix('@') {
            Some(path) => read_text(path.as_ref())
                .map_err(|e| format!("--variables: cannot read {path}: {e}"))?,
            None => arg.clone(),
        };
        let v: Value = super::parse_json(without_bom(&text))
            .map_err(|e| format!("--variables is {}", json_problem(&e)))?;
        let Value::Object(vars) = v else {
            return Err(
                "--variables must be a JSON object of variable names and values, \
                        such as '{\"count\": 3}'"
                    .into(),
            );
        };
        // The names an Assign could give (ASL604's rule): no state could have set
        // another.
        for name in vars.keys() {
            if let Some(problem) =
                crate::rules::jsonata::invalid_variable_name::variable_name_problem(name)
            {
                return Err(format!("--variables: {problem}"));
            }
        }
        opts.variables = vars;
    }
    for arg in &args.mocks {
        let (state, mock) = inline_mock(arg)?;
        opts.mocks.states.insert(state, mock);
    }
    if let Some(value) = &args.mock_default {
        let value = value.trim_start();
        let text = match value.strip_prefix('@') {
            Some(path) => read_text(path.as_ref())
                .map_err(|e| format!("--mock-default: cannot read {path}: {e}"))?,
            None => value.to_string(),
        };
        let mock = super::StateMock::parse(&text).map_err(|e| format!("--mock-default: {e}"))?;
        opts.mocks.default = Some(mock);
    }
    Ok(opts)
}

/// The latest start the run takes: a Standard execution may last a year, and every time
/// it writes must stay within the year 9999 (RFC 3339 has four digits for it).
const LAST_START_MS: i64 = 253_370_764_800_000; // 9999-01-01T00:00:00Z

fn within_clock(ms: i64, what: &str) -> Result<i64, String> {
    if ms >= LAST_START_MS {
        return Err(format!(
            "{what} must be before 9999-01-01T00:00:00Z: the run's times, up to a year later, must stay within the year 9999"
        ));
    }
    Ok(ms)
}

/// Checks a `--context` file against the Context object AWS gives an execution: a field
/// AWS never sets, or a value of a type AWS never gives it, would let the run read what
/// no execution on AWS holds.
fn check_context(
    v: &Value,
    fields: &[crate::model::context::ContextField],
    at: &str,
) -> Result<(), String> {
    use crate::model::context::Below;
    let Value::Object(members) = v else {
        return Err(format!("`{at}` must be an object"));
    };
    for (name, value) in members {
        let path = if at.is_empty() {
            name.clone()
        } else {
            format!("{at}.{name}")
        };
        let Some(field) = fields.iter().find(|f| f.name == name) else {
            let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
            return Err(format!(
                "`{path}` is not a field of the Context object (the fields {} are {})",
                if at.is_empty() {
                    "at its top".to_string()
                } else {
                    format!("of `{at}`")
                },
                known.join(", ")
            ));
        };
        match &field.below {
            Below::Data => {}
            Below::Fields(inner) => check_context(value, inner, &path)?,
            Below::Nothing => {
                let (fits, wanted) = match name.as_str() {
                    "RetryCount" | "RedriveCount" | "Index" => {
                        (value.as_u64().is_some(), "a whole number, 0 or more")
                    }
                    n if n.ends_with("Time") => (
                        value
                            .as_str()
                            .is_some_and(|t| super::time::parse_rfc3339(t).is_some()),
                        "an RFC 3339 date-time string such as 2024-01-31T12:00:00Z",
                    ),
                    _ => (value.is_string(), "a string"),
                };
                if !fits {
                    let shown = cut(&value.to_string(), 60);
                    return Err(format!("`{path}` must be {wanted}, not {shown}"));
                }
            }
        }
    }
    Ok(())
}

/// The text of a file the run reads (its input, context, variables, mocks), read as a
/// definition is: UTF-16 decoded, a binary file or bytes that are not UTF-8 refused
/// with the reason rather than read with U+FFFD in place of the bytes.
fn read_text(path: &std::path::Path) -> Result<String, String> {
    let bytes = crate::files::read(path).map_err(|e| e.to_string())?;
    decoded_text(&bytes)
}

/// Most bytes of `--input -` read: four times the payload limit, so that an input
/// somewhat over it is still told its size. More than that can start no execution,
/// and is not buffered (`--input - < /dev/zero` read 512 MiB before it was refused).
const MAX_STDIN_INPUT: usize = 4 * super::engine::PAYLOAD_LIMIT;

/// The text of `--input -`, at most [`MAX_STDIN_INPUT`] bytes of it.
fn read_stdin_input(stdin: &mut dyn std::io::Read) -> Result<String, String> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    stdin
        .take(MAX_STDIN_INPUT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the input from stdin: {e}"))?;
    if bytes.len() > MAX_STDIN_INPUT {
        return Err(format!(
            "the input from stdin is more than {MAX_STDIN_INPUT} bytes: AWS refuses to start \
             an execution whose input is over {} bytes (256 KiB)",
            super::engine::PAYLOAD_LIMIT
        ));
    }
    decoded_text(&bytes).map_err(|e| format!("cannot read the input from stdin: {e}"))
}

/// [`read_text`] for bytes already read.
fn decoded_text(bytes: &[u8]) -> Result<String, String> {
    let decoded = crate::syntax::decode(bytes);
    match decoded.error {
        Some(e) => Err(e.message),
        None => Ok(decoded.text.into_owned()),
    }
}

/// `text` for a message: its first `chars` characters, then `...` when there is more.
fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_string(),
    }
}

/// One `--mock STATE=JSON` (or `STATE=@FILE`). The state name ends at the first `=`
/// that a response follows (a state name may hold `=` itself).
fn inline_mock(arg: &str) -> Result<(String, super::StateMock), String> {
    let split = arg.match_indices('=').map(|(i, _)| i).find(|&i| {
        let rest = arg[i + 1..].trim_start();
        rest.starts_with('{') || rest.starts_with('@')
    });
    let Some(i) = split else {
        // The argument as given, cut: a long one is no help in the message.
        let shown = cut(arg, 120);
        let what = if arg.contains('=') {
            "the response after `=` is no JSON object"
        } else {
            "it is not STATE=JSON"
        };
        return Err(format!(
            "--mock '{shown}': {what}: write it as 'State Name={{\"Return\": {{...}}}}' \
             or 'State Name=@response.json'"
        ));
    };
    let (state, value) = (&arg[..i], arg[i + 1..].trim_start());
    let text = match value.strip_prefix('@') {
        Some(path) => read_text(path.as_ref())
            .map_err(|e| format!("--mock for \"{state}\": cannot read {path}: {e}"))?,
        None => value.to_string(),
    };
    let mock =
        super::StateMock::parse(&text).map_err(|e| format!("--mock for \"{state}\": {e}"))?;
    Ok((state.to_string(), mock))
}

/// `NAME=VALUE` of `--parameter`.
fn parse_parameter(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}

/// A definition file named alone that one template of its project deploys (SAM
/// `DefinitionUri`, Serverless `${file(...)}`, Terraform `templatefile`/`file`): the
/// arguments that run that template's state machine instead, as `check` lints such a
/// file, with its substitutions and workflow type; noted on `err`. `None` to run the
/// file as it is (no template names it, or several do: also noted).
fn deploying_template(args: &SimulateArgs, err: &mut String) -> Option<SimulateArgs> {
    if args.definition_name.is_some() {
        return None;
    }
    let owners = crate::embed::owners::deployers_of(&args.definition);
    let shown = crate::files::shown_from_cwd;
    match owners.as_slice() {
        [] => None,
        [(template, machine)] => {
            let _ = writeln!(
                err,
                "note: running \"{machine}\" of {}, which deploys {} (its substitutions and workflow type applied)",
                shown(template),
                args.definition.display()
            );
            let mut deployed = args.clone();
            deployed.definition = template.clone();
            deployed.definition_name = Some(machine.clone());
            Some(deployed)
        }
        several => {
            let listed: Vec<String> = several
                .iter()
                .map(|(t, m)| format!("\"{m}\" of {}", shown(t)))
                .collect();
            let _ = writeln!(
                err,
                "note: {} is deployed by {}: running it as it is; simulate the template with --definition to run one",
                args.definition.display(),
                listed.join(", ")
            );
            None
        }
    }
}

/// Runs the command: prints the result to stdout (errors to stderr) and returns the exit
/// code: 0 SUCCEEDED, 1 FAILED or TIMED_OUT, 2 bad definition or arguments.
pub fn run_cli(args: &SimulateArgs) -> ExitCode {
    let mut out = String::new();
    let mut err = String::new();
    let code = run_to_strings(args, &mut std::io::stdin(), &mut out, &mut err);
    let written = crate::cli::write_stdout(out.as_bytes());
    eprint!("{err}");
    ExitCode::from(if written {
        code
    } else {
        crate::cli::EXIT_USAGE
    })
}

/// The body of [`run_cli`] with its streams made explicit (for tests). Returns the exit code.
pub fn run_to_strings(
    args: &SimulateArgs,
    stdin: &mut dyn std::io::Read,
    out: &mut String,
    err: &mut String,
) -> u8 {
    let deployer = deploying_template(args, err);
    let args = deployer.as_ref().unwrap_or(args);
    let text = match crate::files::read(&args.definition) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {}: {e}", args.definition.display());
            return 2;
        }
    };
    // Read as `check` reads it: UTF-16 decoded, a binary file or bytes that are not
    // UTF-8 refused with the reason (not parsed as YAML into a page of errors).
    let shown = args.definition.display();
    let decoded = crate::syntax::decode(&text);
    if let Some(e) = &decoded.error {
        let _ = writeln!(err, "error: {shown}: {}", e.message);
        return 2;
    }
    let text = decoded.text;
    // A template: run the state machine it names, as deployed.
    let kind = crate::syntax::detect_kind(args.definition.to_str(), &text);
    let base_dir = args
        .definition
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let name = args.definition_name.as_deref();
    let path = args.definition.to_str();
    let deployed = if path.is_some_and(crate::embed::terraform::is_terraform_path) {
        crate::embed::deployed_terraform_with(&text, &base_dir, name, &args.parameters).map(Some)
    } else {
        let pseudo = Some((args.region.as_str(), args.account.as_str()));
        crate::embed::deployed_definition_in(&text, kind, &base_dir, name, pseudo, &args.parameters)
    };
    let deployed = match deployed {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", args.definition.display());
            return 2;
        }
    };
    if deployed.is_none() && name.is_some() {
        let _ = writeln!(
            err,
            "error: --definition names a state machine of a template, but {} is a definition, not a template",
            args.definition.display()
        );
        return 2;
    }
    if let Some(d) = &deployed
        && !d.stand_ins.is_empty()
    {
        let _ = writeln!(
            err,
            "note: values that only the deployed stack knows are stand-ins in this run: {}",
            d.stand_ins.join(", ")
        );
    }
    let names: Vec<&str> = match &deployed {
        Some(d) => d
            .aws_name
            .iter()
            .chain([&d.name])
            .map(String::as_str)
            .collect(),
        None => Vec::new(),
    };
    let mut opts = match options_for(args, stdin, &names) {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    // A definition on its own: read with its asl-lint.toml as `check` reads it (the
    // placeholder values filled in, the workflow type when --type does not give one).
    let mut text = text;
    if deployed.is_none() {
        let filled = crate::config::environment_for(&args.definition)
            .map_err(|e| e.to_string())
            .and_then(|env| {
                if args.workflow_type.is_none()
                    && env.workflow == Some(crate::rules::WorkflowType::Express)
                {
                    opts.machine_type = MachineType::Express;
                }
                crate::embed::filled_with_values(&text, kind, &env, Some(&args.definition))
            });
        match filled {
            Ok(Some(filled)) => text = filled.into(),
            Ok(None) => {}
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return 2;
            }
        }
    }
    let result = match &deployed {
        // A template's state machine: its lint errors are reported where they are
        // written (the template, or the referenced file), then the definition runs.
        Some(d) => {
            if args.workflow_type.is_none() && d.workflow == crate::rules::WorkflowType::Express {
                opts.machine_type = MachineType::Express;
            }
            if args.context.is_none() {
                opts.state_machine_name = d.name.clone();
            }
            let shown = d
                .file
                .as_ref()
                .unwrap_or(&args.definition)
                .display()
                .to_string();
            let keep = |d: &crate::diagnostics::Diagnostic| {
                d.severity == crate::diagnostics::Severity::Error
                    && !crate::rules::RUN_TIME_ERRORS.contains(&d.code)
            };
            let workflow = match opts.machine_type {
                MachineType::Standard => crate::rules::WorkflowType::Standard,
                MachineType::Express => crate::rules::WorkflowType::Express,
            };
            let mut errs =
                crate::embed::deployed_errors(&text, path, kind, &base_dir, d, workflow, &keep);
            let inner_kind =
                crate::syntax::detect_kind(d.file.as_ref().and_then(|f| f.to_str()), &d.text);
            if errs.is_empty() && d.defaults {
                errs = made_by_defaults(d, inner_kind, opts.machine_type, &text, kind);
            }
            if errs.is_empty() {
                let mut doc = crate::syntax::parse(&d.text, inner_kind);
                // A YAML file that SAM or `aws cloudformation package` deploys is read as
                // YAML 1.1, as `check` reads it: `BooleanEquals: yes` is true.
                if inner_kind == crate::syntax::SourceKind::Yaml
                    && d.reference.as_ref().is_some_and(|r| r.yaml_1_1)
                    && let Some(root) = doc.root.as_mut()
                {
                    crate::embed::read_as_yaml_1_1(&d.text, root);
                }
                match doc.root.as_ref() {
                    Some(root) => super::simulate_value(&root.to_json(), &opts),
                    None => super::simulate(&d.text, &opts),
                }
                .map_err(|e| (e, shown))
            } else {
                Err((SimulationError::Definition(errs), shown))
            }
        }
        None => super::simulate_as(&text, kind, &opts)
            .map_err(|e| (e, args.definition.display().to_string())),
    };
    // A mock for a state the definition does not have is a typo or a stale config:
    // say so, since the state it was meant for then fails (or is never reached).
    let run_text = deployed.as_ref().map_or(&*text, |d| d.text.as_str());
    let run_kind = match &deployed {
        Some(d) => crate::syntax::detect_kind(d.file.as_ref().and_then(|f| f.to_str()), run_text),
        None => kind,
    };
    // The definition that ran, read once for the mock names and a drawing of the run.
    let root = match &result {
        Ok(_) => crate::syntax::parse(run_text, run_kind).root,
        Err(_) => None,
    };
    let machine = root.as_ref().and_then(crate::model::StateMachine::build);
    let unknown = machine.as_ref().map_or(Vec::new(), |machine| {
        let names: Vec<&str> = machine
            .scopes
            .iter()
            .flat_map(|scope| scope.states.iter().map(|s| s.name))
            .collect();
        opts.mocks.unknown_states(&names)
    });
    for (state, closest) in unknown {
        let hint = closest.map_or(String::new(), |c| format!(" (did you mean \"{c}\"?)"));
        let _ = writeln!(
            err,
            "warning: a mock names \"{state}\", which is not a state of the definition{hint}"
        );
    }
    // Only Task states (and a Map's ItemReader) call anything: a mock for another
    // state is never used.
    if let Some(machine) = &machine {
        use crate::model::StateType;
        let mut not_tasks: Vec<(&str, &str)> = machine
            .all_states()
            .filter(|s| opts.mocks.states.contains_key(s.name))
            .filter_map(|s| match s.kind {
                Some(StateType::Task) => None,
                Some(StateType::Map) if s.field("ItemReader").is_some() => None,
                Some(k) => Some((s.name, k.as_str())),
                None => None,
            })
            .collect();
        not_tasks.sort_unstable();
        not_tasks.dedup();
        for (state, kind) in not_tasks {
            let _ = writeln!(
                err,
                "warning: a mock names \"{state}\", a {kind} state: only Task states (and a Map's ItemReader) are mocked, so it is not used"
            );
        }
    }
    let exec = match result {
        Ok(x) => x,
        Err((SimulationError::Definition(errs), shown)) => {
            for e in errs {
                // A finding of the linter starts `line:col: `; what only the run's own
                // reading finds (a state name filled in at deploy time) has no place.
                let sep = if e.starts_with(|c: char| c.is_ascii_digit()) {
                    ":"
                } else {
                    ": "
                };
                let _ = writeln!(err, "{shown}{sep}{e}");
            }
            let _ = writeln!(
                err,
                "error: the definition has errors; fix them before simulating"
            );
            return 2;
        }
        Err((SimulationError::Options(e), _)) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    match args.format {
        OutputFormat::Json => {
            // Taken over rather than copied: it can be tens of megabytes.
            let text = exec.to_json_text();
            if out.is_empty() {
                *out = text;
            } else {
                out.push_str(&text);
            }
            out.push('\n');
        }
        OutputFormat::Text => out.push_str(&text_report(&exec)),
        OutputFormat::Dot | OutputFormat::Mermaid | OutputFormat::Svg => {
            let format = match args.format {
                OutputFormat::Dot => crate::graph::draw::Format::Dot,
                OutputFormat::Mermaid => crate::graph::draw::Format::Mermaid,
                _ => crate::graph::draw::Format::Svg,
            };
            let drawn = root.as_ref().ok_or_else(String::new).and_then(|root| {
                crate::graph::draw::draw_run(root, format, Some(&run_overlay(&exec)))
            });
            match drawn {
                Ok(drawing) => out.push_str(&drawing),
                Err(e) => {
                    let _ = writeln!(err, "error: cannot draw the run: {e}");
                    return 2;
                }
            }
        }
    }
    if !exec.defaulted.is_empty() {
        let _ = writeln!(
            err,
            "note: --mock-default answered for {}",
            exec.defaulted
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if exec.status == Status::Succeeded {
        0
    } else if exec.mock_problem {
        // Not the workflow's failure: the run lacked a mock, a mock lacked a response
        // for an invocation, or gave a reader no items array. CI must not read it as one.
        let _ = writeln!(
            err,
            "error: the run reached a Task or ItemReader with no mock, no mocked response for that call, or a mock of the wrong shape (above); mock every call the run makes"
        );
        2
    } else {
        1
    }
}

/// The most levels of arrays and objects that JSON the run reads (its input, mocks,
/// context, variables) may be nested in: serde_json's recursion limit (128) counts the
/// level that goes past it.
pub(crate) const MAX_JSON_DEPTH: usize = 127;

/// What is wrong with JSON text that did not parse, to follow its name and "is" (or
/// stand alone): "not valid JSON at line L, column C: what", or, for JSON that is valid
/// but nested past [`MAX_JSON_DEPTH`] (serde_json's "recursion limit exceeded", which
/// would call valid JSON invalid), that it is nested too deeply.
pub(crate) fn json_problem(e: &serde_json::Error) -> String {
    if e.to_string().starts_with("recursion limit exceeded") {
        return format!(
            "nested too deeply at line {}, column {}: asl-lint reads JSON nested at most \
             {MAX_JSON_DEPTH} levels deep (arrays and objects)",
            e.line(),
            e.column()
        );
    }
    format!("not valid JSON at {}", json_error(e))
}

/// A JSON reading error as "line L, column C: what", without serde_json's own
/// " at line L column C" after it.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let what = text.strip_suffix(&suffix).unwrap_or(&text);
    format!("line {}, column {}: {what}", e.line(), e.column())
}
