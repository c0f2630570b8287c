//! The rule registry and the rule framework.
//!
//! Every rule lives in its own file under a folder named for its group (the hundreds of
//! its code): `syntax/` 0xx, `structure/` 1xx, `graph/` 2xx, `paths/` 3xx,
//! `resources/` 4xx, `errors/` 5xx, `jsonata/` 6xx, `practice/` 7xx, `templates/` 8xx.
//! The file name is the rule's kebab-case name in snake case. A rule is a pure function
//! from the [`LintContext`] (source, syntax tree, model, graphs) to diagnostics; it sees
//! nothing else. `asl-lint rule CODE` prints a rule's docs and its file.
//!
//! To add a rule: copy a rule file of the same group, give it the next free code, write
//! its docs (What it does / Why is this bad? / Example / Use instead; the first `json`
//! block under Example must trigger the rule and the one under Use instead must not: a
//! test runs them), add it to [`RULES`] below, and add fixtures under
//! `tests/fixtures/<CODE>/`.

pub(crate) mod errors;
mod graph;
pub(crate) mod jsonata;
pub(crate) mod paths;
pub(crate) mod practice;
pub(crate) mod resources;
mod structure;
mod syntax;
mod templates;

use crate::diagnostics::{Diagnostic, Severity};
use crate::graph::Graphs;
use crate::model::StateMachine;
use crate::syntax::{Document, TextRange};

/// Whether a rule can offer fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

/// What a rule is, for the registry, `asl-lint rule`, SARIF and the editor.
#[derive(Debug)]
pub struct RuleMeta {
    /// `ASL` + 3 digits, stable forever.
    pub code: &'static str,
    /// kebab-case, reads well after "no" or as a finding, e.g. `unknown-next-state`.
    pub name: &'static str,
    pub severity: Severity,
    /// The code AWS's `ValidateStateMachineDefinition` uses for the same mistake.
    pub aws_code: Option<&'static str>,
    pub fix: FixAvailability,
    /// The rule's documentation (Markdown): What it does, Why is this bad?, Example, Use instead.
    pub docs: &'static str,
    /// The source file that holds the rule.
    pub file: &'static str,
}

impl RuleMeta {
    /// The first sentence of the docs' "What it does" section.
    pub fn summary(&self) -> String {
        // The first paragraph after the first heading, joined, cut after its first sentence.
        // A list in it ends it: its items are not one sentence.
        let paragraph: Vec<&str> = self
            .docs
            .lines()
            .map(str::trim)
            .skip_while(|l| l.is_empty() || l.starts_with('#'))
            .take_while(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("- "))
            .collect();
        let text = paragraph.join(" ");
        // The first `. ` outside code spans and not in an abbreviation (`e.g. `).
        let bytes = text.as_bytes();
        let mut in_code = false;
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'`' => in_code = !in_code,
                b'.' if !in_code && bytes.get(i + 1) == Some(&b' ') => {
                    let before = &text[..i];
                    if !(before.ends_with("e.g") || before.ends_with("i.e")) {
                        return text[..=i].to_string();
                    }
                }
                _ => {}
            }
        }
        // "... has no effect:" before a list is the sentence.
        match text.strip_suffix(':') {
            Some(t) => format!("{t}."),
            None => text,
        }
    }

    /// The web page of the rule's documentation: its source file in the repository that
    /// Cargo.toml's `repository` names (the doc comment there is what `asl-lint rule`
    /// prints). Used by SARIF `helpUri` and the editor's code links; `None` while the
    /// package names no repository (a link to a page that does not exist helps nobody).
    pub fn docs_url(&self) -> Option<String> {
        let file = self.file.replace('\\', "/");
        Some(format!(
            "{}/blob/main/{file}",
            repository_url()?.trim_end_matches('/')
        ))
    }

    /// The ```json blocks of the docs: (under "Example", under "Use instead").
    pub fn doc_examples(&self) -> (Vec<&'static str>, Vec<&'static str>) {
        let (mut bad, mut good) = (Vec::new(), Vec::new());
        let mut in_valid_section = false;
        let docs = self.docs;
        let mut rest = docs;
        let mut consumed = 0usize;
        while let Some(start) = rest.find("```") {
            let header_end = rest[start..].find('\n').map_or(rest.len(), |i| start + i);
            let lang = rest[start + 3..header_end].trim();
            let before = &docs[..consumed + start];
            let last_heading = before.rfind("## Example").map(|i| (i, false));
            let last_valid = before.rfind("Use instead").map(|i| (i, true));
            in_valid_section = match (last_heading, last_valid) {
                (Some(h), Some(v)) => v.0 > h.0,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (None, None) => in_valid_section,
            };
            let body_start = header_end + 1;
            let Some(len) = rest.get(body_start..).and_then(|r| r.find("```")) else {
                break;
            };
            let body = &rest[body_start..body_start + len];
            if lang == "json" || lang == "yaml" {
                if in_valid_section {
                    good.push(body);
                } else {
                    bad.push(body);
                }
            }
            let advance = body_start + len + 3;
            consumed += advance;
            rest = &rest[advance..];
        }
        (bad, good)
    }
}

/// The project's repository: Cargo.toml's `repository`, `None` until the package
/// names one (asl-lint has no public repository yet).
pub fn repository_url() -> Option<&'static str> {
    Some(env!("CARGO_PKG_REPOSITORY")).filter(|r| !r.is_empty())
}

/// A rule: its metadata and its check.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&LintContext<'_, '_>, &mut Sink<'_>),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rule({})", self.meta.code)
    }
}

/// Declares a rule: its docs (the doc comment), code, name, severity, AWS code, fix
/// availability and check function.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $sev:ident,
            aws_code: $aws:expr,
            fix: $fix:ident,
            check: $check:path $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            meta: $crate::rules::RuleMeta {
                code: $code,
                name: $name,
                severity: $crate::diagnostics::Severity::$sev,
                aws_code: $aws,
                fix: $crate::rules::FixAvailability::$fix,
                docs: concat!($($doc, "\n"),*),
                file: file!(),
            },
            check: $check,
        };
    };
}
pub(crate) use declare_rule;

/// The workflow type a definition is deployed as. A template says it (SAM `Type`,
/// CloudFormation `StateMachineType`, Serverless `type`); for a standalone file it comes
/// from asl-lint.toml's `workflow-type`, and is `Standard` when nothing says otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkflowType {
    /// (`STANDARD` and `EXPRESS` are how SAM, CloudFormation and Terraform spell them.)
    #[default]
    #[serde(alias = "STANDARD", alias = "Standard")]
    Standard,
    #[serde(alias = "EXPRESS", alias = "Express")]
    Express,
}

/// Why a scope runs as an Express workflow.
pub(crate) enum Express<'a> {
    /// The state machine itself is Express.
    Machine,
    /// The item processor of this Distributed Map runs Express child workflows.
    Child(&'a str),
}

/// For each scope of `machine`, in scope order: why its states run in an Express
/// workflow, or `None` when they run in a Standard one. Branches and Inline Map
/// processors run in their parent's workflow; a Distributed Map's processor runs child
/// workflows of its own `ExecutionType`.
pub(crate) fn express_scopes<'a>(
    machine: &crate::model::StateMachine<'a, '_>,
    workflow: WorkflowType,
) -> Vec<Option<Express<'a>>> {
    use crate::model::ScopeKind;
    // Parents come before their nested scopes.
    let mut types: Vec<Option<Express<'a>>> = Vec::with_capacity(machine.scopes.len());
    for scope in &machine.scopes {
        let inherit = |types: &[Option<Express<'a>>], parent: usize| match types.get(parent) {
            Some(Some(Express::Machine)) => Some(Express::Machine),
            Some(Some(Express::Child(m))) => Some(Express::Child(m)),
            _ => None,
        };
        let t = match scope.kind {
            ScopeKind::Root => (workflow == WorkflowType::Express).then_some(Express::Machine),
            ScopeKind::Branch { parent, .. } => inherit(&types, parent.scope),
            ScopeKind::Processor { parent, .. } => {
                let map = machine.state(parent);
                match distributed_map(map) {
                    Some((_, Some("EXPRESS"))) => Some(Express::Child(map.name)),
                    Some(_) => None,
                    None => inherit(&types, parent.scope),
                }
            }
        };
        types.push(t);
    }
    types
}

/// A Map state in DISTRIBUTED mode: its `Mode` member and its `ExecutionType`.
pub(crate) fn distributed_map<'a, 's>(
    state: &crate::model::State<'a, 's>,
) -> Option<(&'a crate::syntax::Member<'s>, Option<&'a str>)> {
    if state.kind != Some(crate::model::StateType::Map) {
        return None;
    }
    let config = state
        .field("ItemProcessor")
        .and_then(|p| p.value.get("ProcessorConfig"))?;
    let mode = config.member("Mode")?;
    if mode.value.as_str() != Some("DISTRIBUTED") {
        return None;
    }
    let execution = config.get("ExecutionType").and_then(|n| n.as_str());
    Some((mode, execution))
}

/// Everything a rule may look at. Rules see no files, no settings, no terminal.
pub struct LintContext<'a, 's> {
    pub source: &'s str,
    pub document: &'a Document<'s>,
    /// The model, when the document's root is an object.
    pub machine: Option<&'a StateMachine<'a, 's>>,
    pub graphs: Option<&'a Graphs>,
    /// The workflow type (`Standard` unless a template or asl-lint.toml says `EXPRESS`).
    pub workflow: WorkflowType,
    /// Whether rules build fixes ([`crate::LintOptions::skip_fixes`] unset).
    pub fixes: bool,
    /// Whether fixes keep only their applicability ([`crate::LintOptions::fix_kinds_only`]).
    pub fix_kinds_only: bool,
    /// Findings of the schema (field model), computed once for all 1xx field rules
    /// (a `OnceLock`: rules run on several threads).
    schema: std::sync::OnceLock<Vec<crate::schema::Finding>>,
    /// The workflow-variable analysis shared by the 6xx variable rules, built on first use.
    variables: std::sync::OnceLock<Option<jsonata::variables::Variables<'a, 's>>>,
}

impl<'a, 's> LintContext<'a, 's> {
    pub fn new(
        source: &'s str,
        document: &'a Document<'s>,
        machine: Option<&'a StateMachine<'a, 's>>,
        graphs: Option<&'a Graphs>,
    ) -> Self {
        LintContext {
            source,
            document,
            machine,
            graphs,
            workflow: WorkflowType::Standard,
            fixes: true,
            fix_kinds_only: false,
            schema: std::sync::OnceLock::new(),
            variables: std::sync::OnceLock::new(),
        }
    }

    /// The schema findings for this document (validated on first use).
    pub fn schema_findings(&self) -> &[crate::schema::Finding] {
        self.schema.get_or_init(|| {
            self.machine
                .map(crate::schema::validate)
                .unwrap_or_default()
        })
    }
}

impl<'a, 's> LintContext<'a, 's> {
    /// The workflow variables of the state machine: who assigns what, what is assigned
    /// on entry to each state, and each state's reads (analysed on first use). `None`
    /// when there is no model.
    pub(crate) fn variables(&self) -> Option<&jsonata::variables::Variables<'a, 's>> {
        self.variables
            .get_or_init(|| {
                let (machine, graphs) = (self.machine?, self.graphs?);
                Some(jsonata::variables::Variables::build(
                    self.source,
                    machine,
                    graphs,
                ))
            })
            .as_ref()
    }
}

/// Reports the schema findings of one category (the 1xx field rules).
pub(crate) fn report_schema(
    ctx: &LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    category: crate::schema::Category,
) {
    report_schema_then(ctx, sink, category, |_, _| {});
}

/// [`report_schema`], handing each diagnostic and its finding to `then` (to add a fix
/// from the finding's suggestion).
pub(crate) fn report_schema_then<'c>(
    ctx: &'c LintContext<'_, '_>,
    sink: &mut Sink<'_>,
    category: crate::schema::Category,
    mut then: impl FnMut(&mut Diagnostic, &'c crate::schema::Finding),
) {
    for f in ctx.schema_findings() {
        if f.category == category {
            let d = sink.report(f.range, f.message.clone());
            d.help.clone_from(&f.help);
            then(d, f);
        }
    }
}

/// Collects one rule's diagnostics, stamping its code and default severity.
pub struct Sink<'r> {
    meta: &'static RuleMeta,
    out: &'r mut Vec<Diagnostic>,
    suggestions_left: usize,
}

/// How many did-you-mean searches one rule may run on one document. Each search scans
/// every state name, so without a cap a generated file with thousands of broken names
/// takes quadratic time; past the cap, diagnostics come without a suggestion.
pub const MAX_SUGGESTIONS_PER_RULE: usize = 100;

impl<'r> Sink<'r> {
    pub fn new(meta: &'static RuleMeta, out: &'r mut Vec<Diagnostic>) -> Self {
        Sink {
            meta,
            out,
            suggestions_left: MAX_SUGGESTIONS_PER_RULE,
        }
    }

    /// True (and counts one) while this rule may still search for a did-you-mean.
    pub fn may_suggest(&mut self) -> bool {
        if self.suggestions_left == 0 {
            return false;
        }
        self.suggestions_left -= 1;
        true
    }

    /// Reports a finding at `range` and returns it for labels, help and fixes.
    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Diagnostic {
        self.out.push(Diagnostic::new(
            self.meta.code,
            self.meta.severity,
            range,
            message,
        ));
        self.out.last_mut().expect("just pushed")
    }
}

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &syntax::syntax_error::RULE,
    &syntax::duplicate_key::RULE,
    &syntax::non_standard_json::RULE,
    &syntax::invalid_encoding::RULE,
    &syntax::nesting_too_deep::RULE,
    &syntax::ambiguous_yaml_scalar::RULE,
    &structure::not_a_state_machine::RULE,
    &structure::missing_start_at::RULE,
    &structure::missing_states::RULE,
    &structure::missing_state_type::RULE,
    &structure::unknown_state_type::RULE,
    &structure::next_and_end::RULE,
    &structure::missing_next_or_end::RULE,
    &structure::transition_not_allowed::RULE,
    &structure::state_name_too_long::RULE,
    &structure::invalid_state_name::RULE,
    &structure::unknown_field::RULE,
    &structure::wrong_query_language_field::RULE,
    &structure::missing_required_field::RULE,
    &structure::invalid_field_type::RULE,
    &structure::value_out_of_bounds::RULE,
    &structure::invalid_field_value::RULE,
    &structure::mutually_exclusive_fields::RULE,
    &structure::query_language_conflict::RULE,
    &structure::invalid_choice_rule::RULE,
    &structure::distributed_only_map_field::RULE,
    &structure::invalid_map_label::RULE,
    &structure::duplicate_map_label::RULE,
    &structure::heartbeat_not_below_timeout::RULE,
    &structure::definition_too_large::RULE,
    &structure::state_data_too_large::RULE,
    &structure::unknown_language_version::RULE,
    &graph::unknown_next_state::RULE,
    &graph::unknown_start_at::RULE,
    &graph::unknown_choice_target::RULE,
    &graph::unknown_catch_target::RULE,
    &graph::unreachable_state::RULE,
    &graph::no_terminal_state::RULE,
    &graph::cross_scope_transition::RULE,
    &graph::duplicate_state_name::RULE,
    &paths::invalid_path::RULE,
    &paths::invalid_template_expression::RULE,
    &paths::duplicate_template_field::RULE,
    &paths::no_dollar::RULE,
    &paths::no_path::RULE,
    &paths::pass_result_is_static::RULE,
    &paths::unknown_context_field::RULE,
    &paths::array_result_read_as_object::RULE,
    &paths::static_result_field_missing::RULE,
    &resources::invalid_resource_arn::RULE,
    &resources::invalid_lambda_arn::RULE,
    &resources::unknown_service_integration::RULE,
    &resources::unsupported_integration_pattern::RULE,
    &resources::service_integration_with_region::RULE,
    &resources::missing_task_token::RULE,
    &resources::express_unsupported_pattern::RULE,
    &resources::missing_integration_parameter::RULE,
    &resources::invalid_item_reader_resource::RULE,
    &resources::lambda_payload_not_selected::RULE,
    &resources::partition_mismatch::RULE,
    &resources::invalid_integration_parameter::RULE,
    &resources::task_token_without_callback::RULE,
    &resources::nested_execution_result_misread::RULE,
    &resources::aws_sdk_field_case::RULE,
    &resources::unknown_result_field::RULE,
    &resources::unknown_integration_field::RULE,
    &resources::unknown_aws_sdk_service::RULE,
    &resources::function_arn_payload_read::RULE,
    &resources::fail_path_misses_result::RULE,
    &errors::states_all_not_last::RULE,
    &errors::unknown_error_name::RULE,
    &errors::unmatchable_error_name::RULE,
    &errors::shadowed_error_handler::RULE,
    &errors::uncaught_errors::RULE,
    &errors::catch_drops_input::RULE,
    &errors::ineffective_retrier::RULE,
    &jsonata::jsonata_syntax_error::RULE,
    &jsonata::jsonata_context_unavailable::RULE,
    &jsonata::unknown_jsonata_function::RULE,
    &jsonata::invalid_variable_name::RULE,
    &jsonata::undefined_variable::RULE,
    &jsonata::possibly_unassigned_variable::RULE,
    &jsonata::unused_variable::RULE,
    &jsonata::outer_variable_assigned::RULE,
    &jsonata::dollar_key_in_jsonata::RULE,
    &jsonata::jsonata_wrong_result_type::RULE,
    &jsonata::jsonata_not_evaluated::RULE,
    &jsonata::variable_field_missing::RULE,
    &jsonata::jsonata_always_fails::RULE,
    &jsonata::jsonpath_in_jsonata::RULE,
    &practice::loop_without_exit::RULE,
    &practice::busy_loop::RULE,
    &practice::choice_without_default::RULE,
    &practice::lambda_without_retry::RULE,
    &practice::callback_without_timeout::RULE,
    &practice::duplicate_choice_rule::RULE,
    &practice::choice_with_one_target::RULE,
    &practice::timeout_beyond_machine_timeout::RULE,
    &practice::deprecated_map_field::RULE,
    &practice::inline_map_concurrency_limit::RULE,
    &practice::choice_rule_never_matches::RULE,
    &practice::hard_coded_secret::RULE,
    &practice::state_name_whitespace::RULE,
    &practice::stuck_loop::RULE,
    &practice::choice_on_fixed_value::RULE,
    &templates::unresolved_placeholder::RULE,
    &templates::missing_definition_file::RULE,
    &templates::unreadable_definition::RULE,
    &templates::unused_suppression::RULE,
    &templates::unknown_suppression_code::RULE,
    &templates::unfilled_placeholder::RULE,
    &templates::undefined_template_reference::RULE,
    &templates::invalid_definition_string::RULE,
    &templates::unknown_intrinsic_function::RULE,
    &templates::yaml_alias_in_template::RULE,
    &templates::intrinsic_in_definition_file::RULE,
];

/// Error rules about definitions that Step Functions deploys but that fail when the
/// faulty part runs (a read of a variable that no path assigns). The simulator runs
/// such definitions anyway, to show the failure; every other error stops it.
pub const RUN_TIME_ERRORS: &[&str] = &["ASL124", "ASL307", "ASL605", "ASL610", "ASL613"];

/// The rule with this code (case-insensitive) or kebab-case name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    // The renderers look up the rule of every diagnostic by its exact code (10,000
    // lookups for a large file): a table indexed by the code's number answers those
    // without comparing strings.
    if let Some(rule) = code_number(code_or_name).and_then(|n| by_number()[n]) {
        return Some(rule);
    }
    RULES
        .iter()
        .copied()
        .find(|r| r.meta.code.eq_ignore_ascii_case(code_or_name) || r.meta.name == code_or_name)
}

/// `n` for a code `ASLnnn` (any case).
fn code_number(code: &str) -> Option<usize> {
    match code.as_bytes() {
        [a, s, l, digits @ ..]
            if digits.len() == 3
                && a.eq_ignore_ascii_case(&b'A')
                && s.eq_ignore_ascii_case(&b'S')
                && l.eq_ignore_ascii_case(&b'L')
                && digits.iter().all(u8::is_ascii_digit) =>
        {
            Some(digits.iter().fold(0, |n, d| n * 10 + usize::from(d - b'0')))
        }
        _ => None,
    }
}

/// Every rule at the index of its code's number.
fn by_number() -> &'static [Option<&'static Rule>; 1000] {
    static TABLE: std::sync::OnceLock<[Option<&'static Rule>; 1000]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [None; 1000];
        for &rule in RULES {
            let n = code_number(rule.meta.code).expect("rule codes are ASL and three digits");
            table[n] = Some(rule);
        }
        table
    })
}

/// Runs every rule that `enabled` accepts.
///
/// Rules are independent, so they run in parallel (rayon), each into its own list;
/// the lists are joined in rule order, so the result is the same as running them one
/// after the other. On a large definition the schema rules and the rest then take
/// about the same time on two cores.
pub fn run(ctx: &LintContext<'_, '_>, enabled: &dyn Fn(&RuleMeta) -> bool) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let selected: Vec<&'static Rule> = RULES.iter().copied().filter(|r| enabled(&r.meta)).collect();
    let run_one = |rule: &&'static Rule| {
        let mut out = Vec::new();
        let mut sink = Sink::new(&rule.meta, &mut out);
        (rule.check)(ctx, &mut sink);
        // A range widened by a byte (`end.max(start + 1)`) to point at an empty part may
        // end inside a multi-byte character: every range covers whole characters.
        for d in &mut out {
            // Text that aliases read again is left alone: an edit there would also
            // change every other place that reads it (another state merging `<<: *base`).
            d.fixes.retain(|f| {
                !f.edits
                    .iter()
                    .any(|e| touches_shared(&ctx.document.shared, e))
            });
            d.range = whole_chars(ctx.source, d.range);
            for l in &mut d.labels {
                l.range = whole_chars(ctx.source, l.range);
            }
            if ctx.fix_kinds_only {
                for f in &mut d.fixes {
                    f.title = String::new();
                    f.edits = Vec::new();
                }
            }
        }
        out
    };
    // Small definitions are not worth the threads.
    let per_rule: Vec<Vec<Diagnostic>> = if ctx.source.len() < 64 * 1024 {
        selected.iter().map(run_one).collect()
    } else {
        selected.par_iter().with_max_len(1).map(run_one).collect()
    };
    // Joined into one list of the exact size, each rule's list freed as it is moved.
    let mut all = Vec::with_capacity(per_rule.iter().map(Vec::len).sum());
    for list in per_rule {
        all.extend(list);
    }
    all
}

/// Whether `edit` changes or inserts into one of the `shared` ranges (sorted by start;
/// see [`Document::shared`]), an insertion at either end of one included.
fn touches_shared(shared: &[TextRange], edit: &crate::diagnostics::Edit) -> bool {
    let r = edit.range;
    // The ranges starting at or before the edit's end, of which any may reach it.
    let upto = shared.partition_point(|s| s.start <= r.end);
    shared[..upto].iter().any(|s| {
        if r.is_empty() {
            s.start <= r.start && r.start <= s.end
        } else {
            r.start < s.end && s.start < r.end
        }
    })
}

/// `range` grown to the character boundaries around it, within `source`.
fn whole_chars(source: &str, range: TextRange) -> TextRange {
    let mut start = (range.start as usize).min(source.len());
    let mut end = (range.end as usize).clamp(start, source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    while !source.is_char_boundary(end) {
        end += 1;
    }
    TextRange::from_usize(start, end)
}

/// The range of the character at byte offset `at` (empty at the end of the text). Used
/// to point at the start of an object, which in YAML may begin with a multi-byte key.
pub(crate) fn char_at(source: &str, at: u32) -> TextRange {
    let len = source
        .get(at as usize..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    TextRange::new(at, at + len as u32)
}

/// The range of the name inside a key written without escapes: the whole key when it
/// is a plain YAML scalar, inside the quotes when quoted. `None` for anything else (an
/// escape sequence, a key that is not the text at `range`). Fixes that rename a key
/// edit only this range, so a key they cannot spell exactly gets no fix.
pub(crate) fn plain_key(source: &str, range: TextRange) -> Option<TextRange> {
    let text = source.get(range.as_usize())?;
    let inner = match text.as_bytes() {
        [q @ (b'"' | b'\''), .., last] if last == q && text.len() >= 2 => {
            TextRange::new(range.start + 1, range.end - 1)
        }
        _ => range,
    };
    let name = source.get(inner.as_usize())?;
    (!name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$' | b'-')))
    .then_some(inner)
}

/// A fix that deletes `member` from `object` (with its comma, or its lines in YAML),
/// when the layout allows it.
pub(crate) fn remove_field(
    source: &str,
    object: &crate::syntax::Node<'_>,
    member: &crate::syntax::Member<'_>,
    applicability: crate::diagnostics::Applicability,
) -> Option<crate::diagnostics::Fix> {
    let index = object
        .as_object()?
        .iter()
        .position(|m| m.key_range == member.key_range)?;
    let edit = crate::syntax::edit::remove_member(source, object, index)?;
    Some(crate::diagnostics::Fix::edit(
        format!("Remove \"{}\"", member.key),
        applicability,
        edit,
    ))
}

/// True when a value holds a deploy-time placeholder, a tag or something unreadable.
pub(crate) fn has_unknown(node: &crate::syntax::Node<'_>) -> bool {
    let mut stack = vec![(node, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        if n.is_unknown() || depth > 64 {
            return true;
        }
        match &n.value {
            crate::syntax::Value::Array(items) => {
                stack.extend(items.iter().map(|i| (i, depth + 1)))
            }
            crate::syntax::Value::Object(members) => {
                stack.extend(members.iter().map(|m| (&m.value, depth + 1)))
            }
            _ => {}
        }
    }
    false
}

/// `A`, `A and B`, `A, B and C`: a list for a message.
pub(crate) fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    joined(items, "and")
}

/// `A`, `A or B`, `A, B or C`.
pub(crate) fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    joined(items, "or")
}

fn joined<S: AsRef<str>>(items: &[S], last_word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} {last_word} {}", init.join(", "), last.as_ref())
        }
    }
}

/// The closest name within a small edit distance (case-insensitive), for did-you-mean
/// suggestions. Ties go to the shorter, then the earlier candidate.
pub(crate) fn did_you_mean<'n>(
    name: &str,
    candidates: impl Iterator<Item = &'n str>,
) -> Option<&'n str> {
    did_you_mean_preferring(name, candidates.map(|c| (c, false)))
}

/// [`did_you_mean`] where each candidate says whether it is preferred: of the closest
/// candidates, a preferred one wins over a shorter one.
pub(crate) fn did_you_mean_preferring<'n>(
    name: &str,
    candidates: impl Iterator<Item = (&'n str, bool)>,
) -> Option<&'n str> {
    closest_preferring(name, candidates).first().copied()
}

/// The candidates [`did_you_mean_preferring`] chooses from: all those equally close
/// and equally preferred, shorter first. More than one means the choice is a guess.
pub(crate) fn closest_preferring<'n>(
    name: &str,
    candidates: impl Iterator<Item = (&'n str, bool)>,
) -> Vec<&'n str> {
    let target: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let max = (name.chars().count() / 3).clamp(1, 4);
    let mut best: Vec<((usize, bool, usize), &'n str)> = Vec::new();
    let mut buf = Vec::new();
    let mut rows = crate::expr::DistanceRows::default();
    for (c, preferred) in candidates {
        if c == name {
            continue;
        }
        // The distance is at least the difference in length: skip without allocating.
        let len = c.chars().count();
        if len.abs_diff(target.len()) > max + 1 {
            continue;
        }
        buf.clear();
        buf.extend(c.chars().flat_map(char::to_lowercase));
        // No farther than the closest so far (a tie is kept): a bounded distance, so
        // that long names cost their length, not its square, per candidate.
        let bound = best.first().map_or(max, |((d, _, _), _)| (*d).min(max));
        let Some(d) = crate::expr::char_distance_within(&target, &buf, bound, &mut rows) else {
            continue;
        };
        let rank = (d, !preferred, c.len());
        let tier = |r: &(usize, bool, usize)| (r.0, r.1);
        // A name with nothing in common (`m` for `x`: every character changed) is
        // another name, not a typo of it.
        if d > max
            || d >= len.max(target.len())
            || best.first().is_some_and(|(b, _)| tier(&rank) > tier(b))
        {
            continue;
        }
        if best.first().is_some_and(|(b, _)| tier(&rank) < tier(b)) {
            best.clear();
        }
        best.push((rank, c));
    }
    // Stable: of equal length, the earlier candidate first.
    best.sort_by_key(|(rank, _)| *rank);
    best.into_iter().map(|(_, c)| c).collect()
}

/// The candidate at most `max` edits from `name` (case-sensitive), the closest first,
/// ties to the first in byte order: for suggestions stricter than [`did_you_mean`]'s,
/// where a farther name is as likely something else as a typo.
pub(crate) fn closest_within<'n>(
    name: &str,
    candidates: impl Iterator<Item = &'n str>,
    max: usize,
) -> Option<&'n str> {
    let name: Vec<char> = name.chars().collect();
    let mut rows = crate::expr::DistanceRows::default();
    let mut buf = Vec::new();
    candidates
        // (A name whose length differs by more than `max` is refused at once.)
        .filter_map(|c| {
            buf.clear();
            buf.extend(c.chars());
            let d = crate::expr::char_distance_within(&name, &buf, max, &mut rows)?;
            Some((d, c))
        })
        .min()
        .map(|(_, c)| c)
}

/// Edit distance over characters, case-sensitive ([`crate::expr::char_distance`]).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    crate::expr::char_distance(&a, &b, &mut crate::expr::DistanceRows::default())
}

/// For rule tests: each diagnostic of rule `code` on the JSON `text`, as
/// `<text at its range>: <message>`.
#[cfg(test)]
pub(crate) fn located_messages(text: &str, code: &str) -> Vec<String> {
    let options = crate::LintOptions {
        select: vec![code.into()],
        ..Default::default()
    };
    crate::lint_text(text, crate::syntax::SourceKind::Json, &options)
        .into_iter()
        .map(|d| format!("{}: {}", &text[d.range.as_usize()], d.message))
        .collect()
}

/// For rule tests: each diagnostic of rule `code` on a JSONata Pass state "A" whose
/// `Output` is `{% expr %}`, as (the text at its range, its message).
#[cfg(test)]
pub(crate) fn on_jsonata_output(expr: &str, code: &str) -> Vec<(String, String)> {
    let text = format!(
        r#"{{"QueryLanguage": "JSONata", "StartAt": "A", "States": {{"A": {{"Type": "Pass", "Output": "{{% {expr} %}}", "End": true}}}}}}"#
    );
    let options = crate::LintOptions {
        select: vec![code.into()],
        ..Default::default()
    };
    crate::lint_text(&text, crate::syntax::SourceKind::Json, &options)
        .into_iter()
        .map(|d| (text[d.range.as_usize()].to_string(), d.message))
        .collect()
}

/// For rule tests: the fixes rule `code` offers on `text`, one list per diagnostic,
/// each fix as (applicability, title, the text with that fix alone applied).
#[cfg(test)]
pub(crate) fn each_fix(
    text: &str,
    kind: crate::syntax::SourceKind,
    code: &str,
) -> Vec<Vec<(crate::diagnostics::Applicability, String, String)>> {
    let options = crate::LintOptions {
        select: vec![code.into()],
        ..Default::default()
    };
    crate::lint_text(text, kind, &options)
        .into_iter()
        .map(|d| {
            d.fixes
                .iter()
                .map(|f| {
                    let (fixed, _) = crate::diagnostics::apply_edits(text, &f.edits);
                    (f.applicability, f.title.clone(), fixed)
                })
                .collect()
        })
        .collect()
}

/// For rule tests: `text` after `check --unsafe-fixes --select code` (every round of
/// fixes of rule `code`, unsafe ones included).
#[cfg(test)]
pub(crate) fn fixed_text(text: &str, kind: crate::syntax::SourceKind, code: &str) -> String {
    let options = crate::LintOptions {
        select: vec![code.into()],
        ..Default::default()
    };
    let lint = |t: &str| crate::lint_text(t, kind, &options);
    crate::fix::fix_text(text, Some(kind), lint(text), true, &lint).text
}

/// For rule tests: each diagnostic of rule `code` on `text` as (the text at its range,
/// its message, the text with its first fix applied).
#[cfg(test)]
pub(crate) fn located_fixes(
    text: &str,
    kind: crate::syntax::SourceKind,
    code: &str,
) -> Vec<(String, String, Option<String>)> {
    let options = crate::LintOptions {
        select: vec![code.into()],
        ..Default::default()
    };
    crate::lint_text(text, kind, &options)
        .into_iter()
        .map(|d| {
            let fixed = d
                .fixes
                .first()
                .map(|f| crate::diagnostics::apply_edits(text, &f.edits).0);
            (text[d.range.as_usize()].to_string(), d.message, fixed)
        })
        .collect()
}

/// A fix that writes `meant` where `written` is, for a misspelled name: safe when only
/// the case differs (the name has one reading), unsafe otherwise. `replacement` is
/// `meant` as the source must spell it there (quoted, with its `$`, ...).
pub(crate) fn spelling_fix(
    written: &str,
    meant: &str,
    range: TextRange,
    replacement: String,
) -> crate::diagnostics::Fix {
    let applicability = if written.eq_ignore_ascii_case(meant) {
        crate::diagnostics::Applicability::Safe
    } else {
        crate::diagnostics::Applicability::Unsafe
    };
    crate::diagnostics::Fix::replace(
        format!("Replace with {replacement}"),
        applicability,
        range,
        replacement,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_leave_text_that_aliases_read_again_alone() {
        use crate::syntax::SourceKind::Yaml;
        // `End` is wrong on the Succeed state A, but B merges the same anchor.
        let text = "StartAt: B\nStates:\n  B:\n    <<: &base\n      End: true\n      Comment: shared\n    Type: Pass\n  A:\n    <<: *base\n    Type: Succeed\n";
        assert_eq!(each_fix(text, Yaml, "ASL107"), vec![Vec::new()]);
        assert_eq!(fixed_text(text, Yaml, "ASL107"), text);
        // Without the alias the anchor is A's own text: fixed.
        let own = "StartAt: A\nStates:\n  A:\n    <<: &base\n      End: true\n      Comment: own\n    Type: Succeed\n";
        assert_eq!(
            fixed_text(own, Yaml, "ASL107"),
            "StartAt: A\nStates:\n  A:\n    <<: &base\n      Comment: own\n    Type: Succeed\n"
        );
        // A catcher list shared by two scopes, each wanting its own handler there.
        let text = "StartAt: T\nStates:\n  T:\n    Type: Task\n    Resource: arn:aws:states:::sqs:sendMessage\n    Parameters: {QueueUrl: q, MessageBody: m}\n    Catch: &c\n      - ErrorEquals: [States.ALL]\n        Next: Handler\n    Next: M\n  Handler1: {Type: Fail}\n  M:\n    Type: Map\n    ItemProcessor:\n      StartAt: T2\n      States:\n        T2:\n          Type: Task\n          Resource: arn:aws:states:::sqs:sendMessage\n          Parameters: {QueueUrl: q, MessageBody: m}\n          Catch: *c\n          End: true\n        Handler2: {Type: Fail}\n    End: true\n";
        assert_eq!(fixed_text(text, Yaml, "ASL204"), text);
        // The alias itself is the reader's own text: ASL113 writes the value there.
        let text = "StartAt: W\nStates:\n  W:\n    Type: Wait\n    Comment: &n \"10\"\n    Seconds: *n\n    End: true\n";
        assert_eq!(
            fixed_text(text, Yaml, "ASL113"),
            "StartAt: W\nStates:\n  W:\n    Type: Wait\n    Comment: &n \"10\"\n    Seconds: 10\n    End: true\n"
        );
    }

    #[test]
    fn codes_are_unique_well_formed_and_in_order() {
        let mut seen = std::collections::HashSet::new();
        let mut last = "";
        for r in RULES {
            let m = &r.meta;
            assert!(seen.insert(m.code), "duplicate code {}", m.code);
            assert!(seen.insert(m.name), "duplicate name {}", m.name);
            assert!(
                m.code.len() == 6
                    && m.code.starts_with("ASL")
                    && m.code[3..].bytes().all(|b| b.is_ascii_digit())
            );
            assert!(
                m.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                m.name
            );
            assert!(m.code > last, "{} out of order", m.code);
            last = m.code;
            for section in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(m.docs.contains(section), "{} lacks {section}", m.code);
            }
            // The file lives in the folder of its group and is named after the rule.
            let stem = m.name.replace('-', "_");
            assert!(
                m.file.ends_with(&format!("{stem}.rs")),
                "{} is in {}",
                m.code,
                m.file
            );
        }
    }

    #[test]
    fn find_takes_a_code_in_any_case_or_a_name() {
        assert_eq!(
            find("ASL201").map(|r| r.meta.name),
            Some("unknown-next-state")
        );
        assert_eq!(find("asl201").map(|r| r.meta.code), Some("ASL201"));
        assert_eq!(
            find("unknown-next-state").map(|r| r.meta.code),
            Some("ASL201")
        );
        assert!(find("ASL999").is_none());
        assert!(find("Unknown-Next-State").is_none());
    }

    #[test]
    fn char_at_covers_one_whole_character() {
        assert_eq!(char_at("{}", 0), TextRange::new(0, 1));
        assert_eq!(char_at("é: 1", 0), TextRange::new(0, 2));
        assert_eq!(char_at("x", 1), TextRange::new(1, 1));
        assert_eq!(char_at("é", 1), TextRange::new(1, 1));
    }

    #[test]
    fn did_you_mean_picks_the_closest_name() {
        let names = ["Process Order", "Send Email", "Fail"];
        assert_eq!(
            did_you_mean("Proces Order", names.iter().copied()),
            Some("Process Order")
        );
        assert_eq!(
            did_you_mean("send email", names.iter().copied()),
            Some("Send Email")
        );
        assert_eq!(did_you_mean("Something else", names.iter().copied()), None);
        assert_eq!(did_you_mean("Fai", names.iter().copied()), Some("Fail"));
        // Two letters swapped are one edit away.
        assert_eq!(did_you_mean("Fial", names.iter().copied()), Some("Fail"));
        assert_eq!(did_you_mean("Flia", names.iter().copied()), None);
        // One-letter names share nothing when they differ: no suggestion.
        assert_eq!(did_you_mean("m", ["x", "y"].into_iter()), None);
        assert_eq!(did_you_mean("x", ["x1", "y"].into_iter()), Some("x1"));
        // Long names are compared whole: a typo at the end of a 2,000-character name.
        let long = |i: usize| format!("{}{i:04}", "n".repeat(2000));
        let states: Vec<String> = (0..50).map(long).collect();
        let typo = format!("{}x", long(7));
        assert_eq!(
            did_you_mean(&typo, states.iter().map(String::as_str)),
            Some(long(7).as_str())
        );
        assert_eq!(
            closest_within(&typo, states.iter().map(String::as_str), 1),
            Some(long(7).as_str())
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("日本", "日本語"), 1);
        // A swap of two neighbours is one edit.
        assert_eq!(edit_distance("emial", "email"), 1);
        assert_eq!(edit_distance("Porcess order", "Process order"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("abc", "ca"), 3);
    }

    #[test]
    fn equally_close_names_are_all_given() {
        let names = [("Step 10", false), ("Step 2", false), ("Step 3", true)];
        // The preferred one (nothing reaches it yet) wins alone.
        assert_eq!(closest_preferring("Step 1", names.into_iter()), ["Step 3"]);
        // Otherwise all equally close ones, the shorter first.
        assert_eq!(
            closest_preferring("Step 1", names[..2].iter().copied()),
            ["Step 2", "Step 10"]
        );
        assert_eq!(
            did_you_mean("Step 1", ["Step 10", "Step 2"].into_iter()),
            Some("Step 2")
        );
    }
}
