use crate::diagnostics::Label;
use crate::expr::jsonata::states_paths;
use crate::model::QueryLanguage;
use crate::rules::jsonata::{source_range, state_expressions};
use crate::rules::paths::{
    leading_names, path_of, plain_names, reads_under, receivers, result_location, template_members,
};
use crate::rules::resources::{
    Pattern, find_string, integration_resource, resource_suffix_fix, split_pattern,
};
use crate::rules::{LintContext, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a state that reads the result of a nested workflow
    /// (`arn:aws:states:::states:startExecution`) as if it were the child execution's
    /// output: without `.sync` the result is `{ExecutionArn, StartDate}` only, and with
    /// `.sync` the child's output is under `Output`, as a JSON string (`.sync:2` gives
    /// it as JSON). In detail:
    /// - without `.sync`, and in the AWS SDK form
    ///   (`arn:aws:states:::aws-sdk:sfn:startExecution`, which calls the API and cannot
    ///   wait), the Task returns as soon as the child starts, with
    ///   `{ExecutionArn, StartDate}` only;
    /// - with `.sync` or `.sync:2` the result describes the finished execution
    ///   (`Status`, `Output`, `Input`, `StartDate`, ...), and the child's output is
    ///   under `Output`;
    /// - with `.sync` that `Output` is a JSON string, so a field under it is not there
    ///   (`.sync:2` gives it as JSON).
    ///
    /// A Task that gives the child its task token is left alone: the child may end it
    /// with `SendTaskSuccess` and any output. A near miss of a field the result has
    /// (`$.output`, `$.ExecutionARN`) is ASL416's, which names the field meant.
    ///
    /// The reads judged are those of the Task's own `ResultSelector`, of the states
    /// that get the Task's output as it comes (no `ResultSelector` or `OutputPath`), as
    /// ASL410 does for Lambda, and in JSONata the Task's own `Output` and `Assign`
    /// (`$states.result.Output.total`).
    ///
    /// ## Why is this bad?
    /// The path matches nothing and the reading state fails with `States.Runtime`
    /// after the child workflow has run, often for a long time.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Run checks", "States": {
    ///   "Run checks": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
    ///     "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:checks", "Input.$": "$"},
    ///     "ResultPath": "$.checks", "Next": "Passed?"},
    ///   "Passed?": {"Type": "Choice", "Choices": [
    ///     {"Variable": "$.checks.Output.passed", "BooleanEquals": true, "Next": "Enrol"}],
    ///     "Default": "Cancel"},
    ///   "Enrol": {"Type": "Succeed"}, "Cancel": {"Type": "Fail"}}}
    /// ```
    ///
    /// Use instead (`.sync:2` returns the output as JSON):
    /// ```json
    /// {"StartAt": "Run checks", "States": {
    ///   "Run checks": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
    ///     "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:checks", "Input.$": "$"},
    ///     "ResultPath": "$.checks", "Next": "Passed?"},
    ///   "Passed?": {"Type": "Choice", "Choices": [
    ///     {"Variable": "$.checks.Output.passed", "BooleanEquals": true, "Next": "Enrol"}],
    ///     "Default": "Cancel"},
    ///   "Enrol": {"Type": "Succeed"}, "Cancel": {"Type": "Fail"}}}
    /// ```
    ///
    /// ## Fix
    /// For a field under the `Output` of `.sync`, the `Resource` becomes `.sync:2`
    /// (unsafe: `Input` then comes as JSON too).
    pub static RULE = {
        code: "ASL414",
        name: "nested-execution-result-misread",
        severity: Warning,
        aws_code: None,
        fix: Sometimes,
        check: check,
    }
}

use crate::model::results::{EXECUTION_DESCRIBED as DESCRIBED, EXECUTION_STARTED as STARTED};

/// What is wrong with reading `names` under the result of `startExecution` with
/// `pattern`, whose `Output` is at `output`; `None` when the field is there. `started`
/// says what returns when the child starts (the Task without `.sync`, or its AWS SDK
/// form).
fn problem(pattern: Pattern, names: &[&str], output: &str, started: &str) -> Option<String> {
    let first = *names.first()?;
    // A near miss of a field the result has (`$.output`, `$.ExecutionARN`) is ASL416's,
    // which names the field meant.
    let fields = match pattern {
        Pattern::RequestResponse => STARTED,
        _ => DESCRIBED,
    };
    if !fields.contains(&first)
        && crate::rules::did_you_mean(first, fields.iter().copied()).is_some()
    {
        return None;
    }
    Some(match pattern {
        Pattern::RequestResponse if !STARTED.contains(&first) => {
            format!("{started}, with {{ExecutionArn, StartDate}} only: there is no \"{first}\"")
        }
        Pattern::Sync | Pattern::Sync2 if !DESCRIBED.contains(&first) => format!(
            "the result of startExecution{} describes the child execution: its output is in {output}",
            pattern.suffix()
        ),
        Pattern::Sync if first == "Output" && names.len() > 1 => format!(
            "with .sync the child's output comes as a JSON string in {output}: it has no field \"{}\"",
            names[1]
        ),
        _ => return None,
    })
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    for state in machine.all_states() {
        let Some((resource, text, arn)) = integration_resource(state) else {
            continue;
        };
        let (action, pattern) = split_pattern(arn.resource);
        // The AWS SDK form calls the StartExecution API itself, request-response only:
        // its result is the `{ExecutionArn, StartDate}` that the API returns.
        let sdk = action == "aws-sdk:sfn:startExecution";
        if action != "states:startExecution" && !sdk {
            continue;
        }
        let Some(pattern) = pattern.filter(|p| *p != Pattern::WaitForTaskToken) else {
            continue;
        };
        if sdk && pattern != Pattern::RequestResponse {
            continue;
        }
        let started = if sdk {
            "aws-sdk:sfn:startExecution returns when the child execution starts"
        } else {
            "startExecution without .sync returns when the child execution starts"
        };
        // A job task can also be completed with SendTaskSuccess and its task token: a
        // child given the token may send back any output.
        let sends_token = state
            .field("Parameters")
            .or_else(|| state.field("Arguments"))
            .is_some_and(|m| {
                find_string(&m.value, |s| s.contains("Task.Token"))
                    .0
                    .is_some()
            });
        if sends_token {
            continue;
        }
        let mut report = |range,
                          who: String,
                          read: &str,
                          problem: String,
                          output: &str,
                          under_output: bool| {
            let d = sink.report(range, format!("{who} reads \"{read}\", but {problem}"));
            d.labels.push(Label {
                range: resource.range,
                message: "the nested workflow is started here".into(),
            });
            d.help = Some(match pattern {
                Pattern::RequestResponse if sdk => {
                    "use arn:aws:states:::states:startExecution.sync:2 instead of the AWS SDK form to wait for the child and get its output as JSON in Output".to_string()
                }
                Pattern::RequestResponse => {
                    "use states:startExecution.sync:2 to wait for the child and get its output as JSON in Output".to_string()
                }
                Pattern::Sync if under_output => {
                    "use states:startExecution.sync:2 to get the output as JSON, or parse it with States.StringToJson".to_string()
                }
                _ => format!("read \"{output}\""),
            });
            // `.sync` to `.sync:2`, where the source spells the Resource as is.
            if pattern == Pattern::Sync && under_output {
                d.fixes.extend(resource_suffix_fix(
                    ctx.source,
                    resource,
                    text,
                    ":2",
                    "Get the output as JSON (.sync:2)",
                ));
            }
        };
        if state.query_language == QueryLanguage::JsonAta {
            // The Task's own Output and Assign read the result as `$states.result`.
            let output = "$states.result.Output";
            for e in state_expressions(state) {
                if !matches!(e.field.as_str(), "Output" | "Assign") {
                    continue;
                }
                let Ok(tree) = &e.parsed.result else { continue };
                for chain in states_paths(tree, "result") {
                    let names: Vec<&str> = chain.iter().map(|(n, _)| n.as_str()).collect();
                    let Some(problem) = problem(pattern, &names, output, started) else {
                        continue;
                    };
                    let span = chain[0].1.cover(chain[chain.len() - 1].1);
                    let read = format!("$states.result.{}", names.join("."));
                    let who = format!("the {} of \"{}\"", e.field, state.name);
                    let range = source_range(ctx.source, &e, span);
                    report(range, who, &read, problem, output, names[0] == "Output");
                }
            }
            continue;
        }
        // The Task's own ResultSelector reads the result itself, at `$`.
        if let Some(selector) = state.field("ResultSelector") {
            for m in template_members(&selector.value) {
                let Some(path) = m.value.as_str().filter(|_| m.key.ends_with(".$")) else {
                    continue;
                };
                let Some(names) = plain_names(path).or_else(|| leading_names(path)) else {
                    continue;
                };
                if let Some(problem) = problem(pattern, &names, "$.Output", started) {
                    let who = format!("the ResultSelector of \"{}\"", state.name);
                    let under_output = names[0] == "Output";
                    report(m.value.range, who, path, problem, "$.Output", under_output);
                }
            }
            continue;
        }
        let Some(at) = result_location(state) else {
            continue;
        };
        let output = path_of(&[at.as_slice(), &["Output"]].concat());
        for target in receivers(machine, state)
            .into_iter()
            .filter(|t| t.query_language == QueryLanguage::JsonPath)
        {
            let found = reads_under(target, &at)
                .into_iter()
                .find_map(|(range, path, rest)| {
                    Some((
                        range,
                        path,
                        problem(pattern, &rest, &output, started)?,
                        rest[0] == "Output",
                    ))
                });
            if let Some((range, path, problem, under_output)) = found {
                let who = format!("\"{}\"", target.name);
                report(range, who, path, problem, &output, under_output);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::located_messages;

    fn run(resource: &str, read: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "Run", "States": {{"Run": {{"Type": "Task", "Resource": "arn:aws:states:::states:{resource}", "Parameters": {{"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child"}}, "ResultPath": "$.child", "Next": "Check"}},
            "Check": {{"Type": "Choice", "Choices": [{{"Variable": "{read}", "BooleanEquals": true, "Next": "Done"}}], "Default": "Done"}},
            "Done": {{"Type": "Succeed"}}}}}}"#
        );
        located_messages(&text, "ASL414")
    }

    #[test]
    fn reads_of_the_child_output_that_are_not_there() {
        assert_eq!(
            run("startExecution", "$.child.Output.ok"),
            [
                "\"$.child.Output.ok\": \"Check\" reads \"$.child.Output.ok\", but startExecution without .sync returns when the child execution starts, with {ExecutionArn, StartDate} only: there is no \"Output\""
            ]
        );
        assert_eq!(
            run("startExecution.sync", "$.child.ok"),
            [
                "\"$.child.ok\": \"Check\" reads \"$.child.ok\", but the result of startExecution.sync describes the child execution: its output is in $.child.Output"
            ]
        );
        assert_eq!(
            run("startExecution.sync", "$.child.Output.ok"),
            [
                "\"$.child.Output.ok\": \"Check\" reads \"$.child.Output.ok\", but with .sync the child's output comes as a JSON string in $.child.Output: it has no field \"ok\""
            ]
        );
        assert_eq!(
            run("startExecution.sync:2", "$.child.ok"),
            [
                "\"$.child.ok\": \"Check\" reads \"$.child.ok\", but the result of startExecution.sync:2 describes the child execution: its output is in $.child.Output"
            ]
        );
    }

    /// A near miss of a field the result has is ASL416's, which names the field meant:
    /// one finding, not two on the same read.
    #[test]
    fn near_misses_are_left_to_asl416() {
        assert_eq!(
            run("startExecution.sync", "$.child.output"),
            Vec::<String>::new()
        );
        assert_eq!(
            run("startExecution.sync:2", "$.child.ExecutionARN"),
            Vec::<String>::new()
        );
        let text = r#"{"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child"}, "ResultPath": "$.child", "Next": "Check"},
            "Check": {"Type": "Choice", "Choices": [{"Variable": "$.child.output", "IsPresent": true, "Next": "Done"}], "Default": "Done"},
            "Done": {"Type": "Succeed"}}}"#;
        assert_eq!(
            located_messages(text, "ASL416"),
            [
                "\"$.child.output\": \"Check\" reads \"$.child.output\", but the states:startExecution.sync result has no field \"output\": did you mean \"Output\"?"
            ]
        );
    }

    #[test]
    fn the_tasks_own_result_selector() {
        let text = |resource: &str| {
            format!(
                r#"{{"StartAt": "Run", "States": {{"Run": {{"Type": "Task", "Resource": "arn:aws:states:::states:{resource}", "Parameters": {{"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child"}}, "ResultSelector": {{"total.$": "$.Output.total", "arn.$": "$.ExecutionArn", "first.$": "$.Output.items[0]"}}, "End": true}}}}}}"#
            )
        };
        assert_eq!(
            located_messages(&text("startExecution.sync"), "ASL414"),
            [
                "\"$.Output.total\": the ResultSelector of \"Run\" reads \"$.Output.total\", but with .sync the child's output comes as a JSON string in $.Output: it has no field \"total\"",
                "\"$.Output.items[0]\": the ResultSelector of \"Run\" reads \"$.Output.items[0]\", but with .sync the child's output comes as a JSON string in $.Output: it has no field \"items\""
            ]
        );
        assert_eq!(
            located_messages(&text("startExecution"), "ASL414"),
            [
                "\"$.Output.total\": the ResultSelector of \"Run\" reads \"$.Output.total\", but startExecution without .sync returns when the child execution starts, with {ExecutionArn, StartDate} only: there is no \"Output\"",
                "\"$.Output.items[0]\": the ResultSelector of \"Run\" reads \"$.Output.items[0]\", but startExecution without .sync returns when the child execution starts, with {ExecutionArn, StartDate} only: there is no \"Output\""
            ]
        );
        assert_eq!(
            located_messages(&text("startExecution.sync:2"), "ASL414"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn jsonata_output_and_assign() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Arguments": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child"}, "Output": "{% $states.result.Output.total %}", "Assign": {"status": "{% $states.result.Status %}", "out": "{% $parse($states.result.Output) %}"}, "End": true}}}"#;
        let found = crate::rules::located_fixes(text, crate::syntax::SourceKind::Json, "ASL414");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "Output.total");
        assert_eq!(
            found[0].1,
            "the Output of \"Run\" reads \"$states.result.Output.total\", but with .sync the child's output comes as a JSON string in $states.result.Output: it has no field \"total\""
        );
        assert!(
            found[0]
                .2
                .as_deref()
                .unwrap()
                .contains("startExecution.sync:2\"")
        );
    }

    /// A child that gets the task token may complete the Task with its own output.
    #[test]
    fn a_child_given_the_token_may_send_any_output() {
        let text = r#"{"QueryLanguage": "JSONata", "StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "Arguments": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child", "Input": {"token": "{% $states.context.Task.Token %}"}}, "Assign": {"count": "{% $states.result.resultCount %}"}, "End": true}}}"#;
        assert!(crate::rules::located_messages(text, "ASL414").is_empty());
    }

    /// The AWS SDK form returns what the StartExecution API returns.
    #[test]
    fn the_aws_sdk_form_only_starts_the_child() {
        let text = |read: &str| {
            format!(
                r#"{{"StartAt": "Run", "States": {{"Run": {{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution", "Parameters": {{"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child"}}, "ResultSelector": {{"x.$": "{read}"}}, "End": true}}}}}}"#
            )
        };
        assert_eq!(
            located_messages(&text("$.Output.total"), "ASL414"),
            [
                "\"$.Output.total\": the ResultSelector of \"Run\" reads \"$.Output.total\", but aws-sdk:sfn:startExecution returns when the child execution starts, with {ExecutionArn, StartDate} only: there is no \"Output\""
            ]
        );
        assert_eq!(run_sdk("$.child.Status").len(), 1);
        assert!(located_messages(&text("$.ExecutionArn"), "ASL414").is_empty());
        assert!(located_messages(&text("$.StartDate"), "ASL414").is_empty());
        assert!(run_sdk("$.child.ExecutionArn").is_empty());
    }

    fn run_sdk(read: &str) -> Vec<String> {
        let text = format!(
            r#"{{"StartAt": "Run", "States": {{"Run": {{"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution", "Parameters": {{"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child"}}, "ResultPath": "$.child", "Next": "Check"}},
            "Check": {{"Type": "Choice", "Choices": [{{"Variable": "{read}", "StringEquals": "SUCCEEDED", "Next": "Done"}}], "Default": "Done"}},
            "Done": {{"Type": "Succeed"}}}}}}"#
        );
        located_messages(&text, "ASL414")
    }

    #[test]
    fn reads_that_are_there() {
        assert!(run("startExecution", "$.child.ExecutionArn").is_empty());
        assert!(run("startExecution.sync", "$.child.Output").is_empty());
        assert!(run("startExecution.sync", "$.child.Status").is_empty());
        assert!(run("startExecution.sync:2", "$.child.Output.ok").is_empty());
        assert!(run("startExecution.waitForTaskToken", "$.child.ok").is_empty());
        assert!(run("startExecution.sync", "$.other").is_empty());
    }

    #[test]
    fn the_fix_asks_for_json_output() {
        let text = r#"{"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child"}, "ResultPath": "$.child", "Next": "Use"},
            "Use": {"Type": "Pass", "Parameters": {"ok.$": "$.child.Output.ok"}, "End": true}}}"#;
        let found = crate::rules::located_fixes(text, crate::syntax::SourceKind::Json, "ASL414");
        let fixed = found[0].2.as_deref().unwrap();
        assert!(fixed.contains("\"arn:aws:states:::states:startExecution.sync:2\""));
    }
}
