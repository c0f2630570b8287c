use crate::model::{ScopeId, StateMachine, StateType};
use crate::rules::jsonata::variables::is_distributed_processor;
use crate::rules::{Express, LintContext, Sink, char_at, declare_rule, express_scopes};

declare_rule! {
    /// ## What it does
    /// Reports a state whose own wait or limit is as long as the time its execution may
    /// run (the state machine's `TimeoutSeconds`; at most five minutes in an Express
    /// workflow or an Express child workflow), or longer: a Wait state's `Seconds`, a
    /// Task's `TimeoutSeconds` or `HeartbeatSeconds`, and a retrier whose waits between
    /// attempts add up to that time before its last retry (`IntervalSeconds` ×
    /// `BackoffRate`ⁿ, capped by `MaxDelaySeconds`, over `MaxAttempts`; AWS's defaults
    /// 1 s, 2.0 and 3 where they are absent); and Wait states that, each shorter, add
    /// up to that time on some way from `StartAt` (loops left out). An Express workflow
    /// is one that SAM `Type: EXPRESS`, CloudFormation `StateMachineType` or
    /// `workflow-type` in asl-lint.toml says is one, and an Express child workflow runs
    /// the items of a Distributed Map with `"ExecutionType": "EXPRESS"`. States in
    /// Standard child workflows run as executions of their own and are not checked
    /// against the parent's timeout.
    ///
    /// ## Why is this bad?
    /// The whole execution fails with `States.Timeout` when the machine's time is up,
    /// and an Express execution ends after five minutes whatever its definition says.
    /// A Wait that long makes every execution that reaches it time out; a Task limit
    /// that long never fires, so the `Retry` and `Catch` written for `States.Timeout`
    /// or `States.HeartbeatTimeout` on that Task never run; a retrier whose backoff
    /// outgrows the limit promises retries that never happen (a `BackoffRate` of 2 over
    /// 15 attempts waits more than nine hours). One of the two numbers is wrong.
    ///
    /// ## Example
    /// ```json
    /// {"TimeoutSeconds": 300, "StartAt": "Wait for payment", "States": {
    ///   "Wait for payment": {"Type": "Wait", "Seconds": 3600, "End": true}}}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"TimeoutSeconds": 7200, "StartAt": "Wait for payment", "States": {
    ///   "Wait for payment": {"Type": "Wait", "Seconds": 3600, "End": true}}}
    /// ```
    pub static RULE = {
        code: "ASL708",
        name: "timeout-beyond-machine-timeout",
        severity: Warning,
        aws_code: None,
        fix: None,
        check: check,
    }
}

/// The longest an Express workflow runs, in seconds (five minutes).
const EXPRESS_MAX: u64 = 300;

/// What limits how long the states of a scope can run.
enum Limit<'a> {
    /// The state machine's `TimeoutSeconds`.
    Machine(u64),
    /// The state machine is an Express workflow.
    Express,
    /// The scope runs in the Express child workflows of this Distributed Map.
    ExpressChild(&'a str),
}

impl Limit<'_> {
    fn seconds(&self) -> u64 {
        match self {
            Limit::Machine(t) => *t,
            Limit::Express | Limit::ExpressChild(_) => EXPRESS_MAX,
        }
    }

    fn why(&self) -> String {
        match self {
            Limit::Machine(t) => format!("the state machine times out after {t} s"),
            Limit::Express => format!("an Express workflow runs for at most {EXPRESS_MAX} s"),
            Limit::ExpressChild(map) => format!(
                "the Distributed Map \"{map}\" runs its items as Express child workflows, which run for at most {EXPRESS_MAX} s"
            ),
        }
    }

    fn outcome(&self) -> &'static str {
        match self {
            Limit::Machine(_) => "fails with States.Timeout",
            Limit::Express | Limit::ExpressChild(_) => "times out",
        }
    }

    fn remedy(&self) -> &'static str {
        match self {
            Limit::Machine(_) => "raise the state machine's TimeoutSeconds",
            Limit::Express => "deploy the state machine as a Standard workflow",
            Limit::ExpressChild(_) => "set the Map's ExecutionType to STANDARD",
        }
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    let machine_limit = machine
        .root
        .get("TimeoutSeconds")
        .and_then(|n| n.as_u64())
        .filter(|&t| t > 0);
    let express = express_scopes(machine, ctx.workflow);
    for scope in &machine.scopes {
        let limit = match express.get(scope.id).and_then(Option::as_ref) {
            Some(Express::Child(map)) => Limit::ExpressChild(map),
            // Standard child workflows have time limits of their own.
            _ if in_child_workflow(machine, scope.id) => continue,
            Some(Express::Machine) => match machine_limit {
                Some(t) if t <= EXPRESS_MAX => Limit::Machine(t),
                _ => Limit::Express,
            },
            None => match machine_limit {
                Some(t) => Limit::Machine(t),
                None => continue,
            },
        };
        let max = limit.seconds();
        for state in &scope.states {
            check_retriers(ctx.source, state, &limit, sink);
            let fields: &[&str] = match state.kind {
                Some(StateType::Wait) => &["Seconds"],
                Some(StateType::Task) => &["TimeoutSeconds", "HeartbeatSeconds"],
                _ => continue,
            };
            for &field in fields {
                let Some(m) = state.field(field) else {
                    continue;
                };
                let Some(n) = m.value.as_u64().filter(|&n| n >= max) else {
                    continue;
                };
                let message = if field == "Seconds" {
                    format!(
                        "\"{}\" waits {n} s, but {}: every execution that reaches it {}",
                        state.name,
                        limit.why(),
                        limit.outcome()
                    )
                } else {
                    format!(
                        "the {field} of \"{}\" ({n} s) never applies: {}",
                        state.name,
                        limit.why()
                    )
                };
                let d = sink.report(m.value.range, message);
                d.help = Some(format!("lower {field} below {max}, or {}", limit.remedy()));
            }
        }
        if let Some(graph) = ctx.graphs.map(|g| g.scope(scope.id)) {
            check_waits_on_the_way(scope, graph, &limit, sink);
        }
    }
}

/// The `Seconds` of a Wait state, when written as a number.
fn wait_seconds(state: &crate::model::State<'_, '_>) -> u64 {
    match state.kind {
        Some(StateType::Wait) => state
            .field("Seconds")
            .and_then(|m| m.value.as_u64())
            .unwrap_or(0),
        _ => 0,
    }
}

/// Reports the Wait state where the Waits on the longest way from `StartAt` (each
/// under the limit, loops left out) first add up to the limit.
fn check_waits_on_the_way(
    scope: &crate::model::Scope<'_, '_>,
    graph: &crate::graph::ScopeGraph,
    limit: &Limit<'_>,
    sink: &mut Sink<'_>,
) {
    let n = scope.states.len();
    let Some(start) = graph.start.map(|s| s.index()) else {
        return;
    };
    let own: Vec<u64> = scope.states.iter().map(wait_seconds).collect();
    if own.iter().filter(|&&s| s > 0).count() < 2 {
        return;
    }
    // Reverse postorder of a depth-first walk from StartAt: every edge that goes
    // forward in it belongs to the graph without its loops.
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    let mut stack = vec![(start, false)];
    while let Some((u, done)) = stack.pop() {
        if done {
            order.push(u);
            continue;
        }
        if seen[u] {
            continue;
        }
        seen[u] = true;
        stack.push((u, true));
        stack.extend(
            graph
                .successors(u)
                .filter(|&v| !seen[v])
                .map(|v| (v, false)),
        );
    }
    order.reverse();
    let mut rank = vec![usize::MAX; n];
    for (r, &u) in order.iter().enumerate() {
        rank[u] = r;
    }
    // The most waited on the way to each state (its own Wait included), and from where.
    let mut best: Vec<Option<u64>> = vec![None; n];
    let mut from: Vec<Option<usize>> = vec![None; n];
    best[start] = Some(own[start]);
    for &u in &order {
        let Some(here) = best[u] else { continue };
        for v in graph.successors(u) {
            if rank[v] <= rank[u] || rank[v] == usize::MAX {
                continue;
            }
            let total = here.saturating_add(own[v]);
            if best[v].is_none_or(|b| total > b) {
                best[v] = Some(total);
                from[v] = Some(u);
            }
        }
    }
    let max = limit.seconds();
    for (i, state) in scope.states.iter().enumerate() {
        let Some(total) = best[i] else { continue };
        let before = total - own[i];
        if own[i] == 0 || own[i] >= max || total < max || before >= max {
            continue;
        }
        // The Wait states on that way, first to last.
        let mut waits = Vec::new();
        let mut at = Some(i);
        while let Some(u) = at {
            if own[u] > 0 {
                waits.push(format!("\"{}\" {} s", scope.states[u].name, own[u]));
            }
            at = from[u];
        }
        waits.reverse();
        let Some(m) = state.field("Seconds") else {
            continue;
        };
        let d = sink.report(
            m.value.range,
            format!(
                "the Waits on the way to \"{}\" add up to {total} s ({}), but {}: an execution that goes this way {}",
                state.name,
                waits.join(", "),
                limit.why(),
                limit.outcome()
            ),
        );
        d.help = Some(format!("shorten the waits, or {}", limit.remedy()));
    }
}

/// Reports each retrier of `state` whose waits before its last retry reach the limit.
fn check_retriers(
    source: &str,
    state: &crate::model::State<'_, '_>,
    limit: &Limit<'_>,
    sink: &mut Sink<'_>,
) {
    let max = limit.seconds() as f64;
    for retrier in &state.retriers {
        let node = retrier.node;
        let Some(waits) = retrier.waits() else {
            continue;
        };
        let attempts = waits.attempts;
        if attempts < 1.0 {
            continue;
        }
        // The waits before retries 1..=attempts, until they reach the limit.
        let (mut total, mut count) = (0.0, 0u32);
        while f64::from(count) < attempts && total < max {
            count += 1;
            total += waits.before(count);
        }
        if total < max {
            continue;
        }
        let at = node
            .member("MaxAttempts")
            .map_or_else(|| char_at(source, node.range.start), |m| m.value.range);
        let d = sink.report(
            at,
            format!(
                "the waits of a retrier of \"{}\" add up to {} s before its retry {count} of {attempts}, but {}: retry {count} and later never run",
                state.name,
                total.round(),
                limit.why()
            ),
        );
        d.help = Some(format!(
            "cap the waits with MaxDelaySeconds or lower MaxAttempts or BackoffRate, or {}",
            limit.remedy()
        ));
    }
}

/// True for a scope inside the item processor of a Distributed Map (at any depth):
/// its states run in child executions with their own time limits.
fn in_child_workflow(machine: &StateMachine<'_, '_>, scope: ScopeId) -> bool {
    let mut at = scope;
    for _ in 0..machine.scopes.len() {
        if is_distributed_processor(machine, at) {
            return true;
        }
        match machine.scope(at).parent() {
            Some(parent) => at = parent.scope,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(text: &str) -> Vec<String> {
        located_messages(text, "ASL708")
    }

    #[test]
    fn waits_and_task_limits_at_or_over_the_machine_timeout() {
        let text = r#"{"TimeoutSeconds": 60, "StartAt": "W", "States": {
            "W": {"Type": "Wait", "Seconds": 60, "Next": "T"},
            "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}, "TimeoutSeconds": 120, "HeartbeatSeconds": 30, "End": true}}}"#;
        assert_eq!(
            run(text),
            vec![
                "60: \"W\" waits 60 s, but the state machine times out after 60 s: every execution that reaches it fails with States.Timeout",
                "120: the TimeoutSeconds of \"T\" (120 s) never applies: the state machine times out after 60 s",
            ]
        );
    }

    #[test]
    fn shorter_limits_no_machine_timeout_and_child_workflows_pass() {
        let shorter = r#"{"TimeoutSeconds": 600, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 599, "End": true}}}"#;
        assert_eq!(run(shorter), Vec::<String>::new());
        let none =
            r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999, "End": true}}}"#;
        assert_eq!(run(none), Vec::<String>::new());
        let nested = |mode: &str| {
            format!(
                r#"{{"TimeoutSeconds": 60, "StartAt": "M", "States": {{"M": {{"Type": "Map", "ItemProcessor": {{"ProcessorConfig": {{"Mode": "{mode}", "ExecutionType": "STANDARD"}}, "StartAt": "W", "States": {{"W": {{"Type": "Wait", "Seconds": 90, "End": true}}}}}}, "End": true}}}}}}"#
            )
        };
        assert_eq!(run(&nested("DISTRIBUTED")), Vec::<String>::new());
        assert_eq!(
            run(&nested("INLINE")),
            vec![
                "90: \"W\" waits 90 s, but the state machine times out after 60 s: every execution that reaches it fails with States.Timeout"
            ]
        );
    }

    /// A state machine deployed as Express: a CloudFormation template says so.
    fn express(definition: &str) -> String {
        format!(
            r#"{{"Resources": {{"M": {{"Type": "AWS::StepFunctions::StateMachine", "Properties": {{"StateMachineType": "EXPRESS", "Definition": {definition}}}}}}}}}"#
        )
    }

    #[test]
    fn express_workflows_run_at_most_five_minutes() {
        let wait = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "Next": "T"}, "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "TimeoutSeconds": 900, "End": true}}}"#;
        assert_eq!(
            run(&express(wait)),
            vec![
                "600: \"W\" waits 600 s, but an Express workflow runs for at most 300 s: every execution that reaches it times out",
                "900: the TimeoutSeconds of \"T\" (900 s) never applies: an Express workflow runs for at most 300 s",
            ]
        );
        // Deployed as Standard, the same definition has no limit to break.
        assert_eq!(run(wait), Vec::<String>::new());
        // A machine timeout below five minutes is the tighter limit and is named.
        let tight = r#"{"TimeoutSeconds": 60, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 120, "End": true}}}"#;
        assert_eq!(
            run(&express(tight)),
            vec![
                "120: \"W\" waits 120 s, but the state machine times out after 60 s: every execution that reaches it fails with States.Timeout"
            ]
        );
        let short =
            r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 299, "End": true}}}"#;
        assert_eq!(run(&express(short)), Vec::<String>::new());
    }

    #[test]
    fn waits_that_add_up_on_the_way() {
        // Two Waits on one way; the other way waits less; the loop back is left out.
        let text = r#"{"StartAt": "Wait for payment", "States": {
            "Wait for payment": {"Type": "Wait", "Seconds": 200, "Next": "Paid?"},
            "Paid?": {"Type": "Choice", "Choices": [{"Variable": "$.paid", "BooleanEquals": true, "Next": "Ship"}], "Default": "Remind"},
            "Remind": {"Type": "Wait", "Seconds": 150, "Next": "Recheck"},
            "Recheck": {"Type": "Choice", "Choices": [{"Variable": "$.paid", "BooleanEquals": true, "Next": "Ship"}], "Default": "Wait for payment"},
            "Ship": {"Type": "Wait", "Seconds": 60, "End": true}}}"#;
        assert_eq!(
            run(&express(text)),
            vec![
                "150: the Waits on the way to \"Remind\" add up to 350 s (\"Wait for payment\" 200 s, \"Remind\" 150 s), but an Express workflow runs for at most 300 s: an execution that goes this way times out",
            ]
        );
        // As Standard with a machine timeout of an hour: nothing to say.
        let standard = text.replacen('{', r#"{"TimeoutSeconds": 3600, "#, 1);
        assert_eq!(run(&standard), Vec::<String>::new());
    }

    #[test]
    fn express_child_workflows_of_a_distributed_map() {
        let map = |execution: &str| {
            format!(
                r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "{execution}"}}, "StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "f"}}, "TimeoutSeconds": 900, "End": true}}}}}}, "End": true}}}}}}"#
            )
        };
        assert_eq!(
            run(&map("EXPRESS")),
            vec![
                "900: the TimeoutSeconds of \"T\" (900 s) never applies: the Distributed Map \"M\" runs its items as Express child workflows, which run for at most 300 s"
            ]
        );
        assert_eq!(run(&map("STANDARD")), Vec::<String>::new());
    }

    #[test]
    fn retriers_whose_waits_outgrow_the_limit() {
        let task = |retry: &str| {
            format!(
                r#"{{"TimeoutSeconds": 3600, "StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Retry": [{retry}], "End": true}}}}}}"#
            )
        };
        // 1 + 2 + 4 + ... + 2048 = 4095 s: retry 12 would start after the machine's hour.
        assert_eq!(
            run(&task(
                r#"{"ErrorEquals": ["States.ALL"], "MaxAttempts": 20}"#
            )),
            vec![
                "20: the waits of a retrier of \"T\" add up to 4095 s before its retry 12 of 20, but the state machine times out after 3600 s: retry 12 and later never run"
            ]
        );
        // A first wait already past the limit, with AWS's default MaxAttempts.
        assert_eq!(
            run(&task(
                r#"{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 4000}"#
            )),
            vec![
                "{: the waits of a retrier of \"T\" add up to 4000 s before its retry 1 of 3, but the state machine times out after 3600 s: retry 1 and later never run"
            ]
        );
        // Capped by MaxDelaySeconds, few attempts, or no machine timeout: nothing to say.
        assert!(
            run(&task(
                r#"{"ErrorEquals": ["States.ALL"], "MaxAttempts": 20, "MaxDelaySeconds": 60}"#
            ))
            .is_empty()
        );
        assert!(
            run(&task(
                r#"{"ErrorEquals": ["States.ALL"], "MaxAttempts": 11}"#
            ))
            .is_empty()
        );
        assert!(
            run(&task(
                r#"{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0, "IntervalSeconds": 9999}"#
            ))
            .is_empty()
        );
        let no_timeout = task(r#"{"ErrorEquals": ["States.ALL"], "MaxAttempts": 20}"#)
            .replace(r#""TimeoutSeconds": 3600, "#, "");
        assert!(run(&no_timeout).is_empty());
        // Express: five minutes. 10 + 20 + 40 + 80 + 160 = 310 s.
        let express_task = express(
            r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 6}], "End": true}}}"#,
        );
        assert_eq!(
            run(&express_task),
            vec![
                "6: the waits of a retrier of \"T\" add up to 310 s before its retry 5 of 6, but an Express workflow runs for at most 300 s: retry 5 and later never run"
            ]
        );
    }
}
