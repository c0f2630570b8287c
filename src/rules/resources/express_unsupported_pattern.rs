use crate::model::State;
use crate::rules::resources::{Pattern, split_pattern, string_range, task_arn};
use crate::rules::{Express, LintContext, Sink, declare_rule, distributed_map, express_scopes};

declare_rule! {
    /// ## What it does
    /// Reports what an Express workflow cannot run: a Task that waits for a job
    /// (`.sync`, `.sync:2`) or for a callback (`.waitForTaskToken`), a Task whose
    /// `Resource` is an activity, and a Map state in `DISTRIBUTED` mode.
    ///
    /// A workflow is Express when its template says so (SAM `Type: EXPRESS`,
    /// CloudFormation `StateMachineType: EXPRESS`, Serverless Framework `type: express`)
    /// or, for a standalone file, when asl-lint.toml sets `workflow-type = "express"`.
    /// The states of a Distributed Map whose `ProcessorConfig.ExecutionType` is `EXPRESS`
    /// run as Express child workflows, whatever the parent's type.
    ///
    /// ## Why is this bad?
    /// AWS documents that Express workflows support the request-response pattern only,
    /// not Run a Job (`.sync`) or Wait for Callback (`.waitForTaskToken`)
    /// (<https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html>),
    /// that activities are a Standard-only feature, and that "Distributed mode is
    /// supported in Standard workflows but not supported in Express workflows"
    /// (<https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html>).
    /// Creating or updating the state machine fails (`SCHEMA_VALIDATION_FAILED: Express
    /// state machine does not support ...`, as LocalStack's `ExpressStaticAnalyser`
    /// mirrors).
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Fan out", "States": {"Fan out": {"Type": "Map",
    ///   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
    ///     "StartAt": "Build", "States": {"Build": {"Type": "Task",
    ///       "Resource": "arn:aws:states:::codebuild:startBuild.sync", "End": true}}},
    ///   "End": true}}}
    /// ```
    ///
    /// ```json
    /// {"Resources": {"Orders": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
    ///   "StateMachineType": "EXPRESS",
    ///   "Definition": {"StartAt": "Approve", "States": {"Approve": {"Type": "Task",
    ///     "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true}}}}}}}
    /// ```
    ///
    /// Use instead (a Standard workflow, or a request-response call):
    /// ```json
    /// {"Resources": {"Orders": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
    ///   "StateMachineType": "EXPRESS",
    ///   "Definition": {"StartAt": "Approve", "States": {"Approve": {"Type": "Task",
    ///     "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "End": true}}}}}}}
    /// ```
    pub static RULE = {
        code: "ASL407",
        name: "express-unsupported-pattern",
        severity: Error,
        aws_code: Some("SCHEMA_VALIDATION_FAILED"),
        fix: None,
        check: check,
    }
}

fn check(ctx: &LintContext<'_, '_>, sink: &mut Sink<'_>) {
    let Some(machine) = ctx.machine else { return };
    let scope_type = express_scopes(machine, ctx.workflow);
    for state in machine.all_states() {
        let Some(why) = scope_type.get(state.id.scope).and_then(Option::as_ref) else {
            continue;
        };
        let context = match why {
            Express::Machine => "an Express workflow".to_string(),
            Express::Child(map) => {
                format!(
                    "an Express child workflow (the Distributed Map \"{map}\" runs its items as EXPRESS)"
                )
            }
        };
        if let Some((mode, _)) = distributed_map(state) {
            sink.report(
                mode.value.range,
                format!(
                    "the Map state \"{}\" runs in DISTRIBUTED mode, which {context} does not support",
                    state.name
                ),
            );
        }
        check_resource(ctx, state, &context, sink);
    }
}

fn check_resource(
    ctx: &LintContext<'_, '_>,
    state: &State<'_, '_>,
    context: &str,
    sink: &mut Sink<'_>,
) {
    let Some((m, text, arn)) = task_arn(state) else {
        return;
    };
    if arn.service != "states" {
        return;
    }
    if arn.resource.starts_with("activity:") {
        sink.report(
            m.range,
            format!(
                "\"{}\" runs an activity, which {context} does not support; activities need a Standard workflow",
                state.name
            ),
        );
        return;
    }
    let (_, pattern) = split_pattern(arn.resource);
    let Some(p @ (Pattern::Sync | Pattern::Sync2 | Pattern::WaitForTaskToken)) = pattern else {
        return;
    };
    let suffix_from = text.len() - p.suffix().len();
    let what = if p == Pattern::WaitForTaskToken {
        "waits for a callback"
    } else {
        "waits for a job to finish"
    };
    sink.report(
        string_range(ctx.source, m, suffix_from, text.len()),
        format!(
            "\"{}\" {what} ({}), which {context} does not support: Express workflows call services with request-response only",
            state.name,
            p.suffix()
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::lint::{LintOptions, lint_text};
    use crate::syntax::SourceKind;

    fn run(text: &str) -> Vec<(String, String)> {
        let opts = LintOptions {
            select: vec!["ASL407".into()],
            ..Default::default()
        };
        lint_text(text, SourceKind::Json, &opts)
            .into_iter()
            .map(|d| (text[d.range.as_usize()].to_string(), d.message))
            .collect()
    }

    fn template(ty: &str, resource: &str) -> String {
        format!(
            r#"{{"Resources": {{"M": {{"Type": "AWS::StepFunctions::StateMachine", "Properties": {{{ty}
  "Definition": {{"StartAt": "A", "States": {{"A": {{"Type": "Task", "Resource": "{resource}", "End": true}}}}}}}}}}}}}}"#
        )
    }

    #[test]
    fn patterns_in_express_workflows() {
        let express = r#""StateMachineType": "EXPRESS","#;
        assert_eq!(
            run(&template(express, "arn:aws:states:::ecs:runTask.sync")),
            vec![(
                ".sync".to_string(),
                "\"A\" waits for a job to finish (.sync), which an Express workflow does not support: Express workflows call services with request-response only".to_string()
            )]
        );
        assert_eq!(
            run(&template(
                express,
                "arn:aws:states:::states:startExecution.sync:2"
            ))[0]
                .0,
            ".sync:2"
        );
        assert_eq!(
            run(&template(
                express,
                "arn:aws:states:::lambda:invoke.waitForTaskToken"
            ))[0]
                .0,
            ".waitForTaskToken"
        );
        assert_eq!(
            run(&template(express, "arn:aws:states:us-east-1:123456789012:activity:a")),
            vec![(
                "\"arn:aws:states:us-east-1:123456789012:activity:a\"".to_string(),
                "\"A\" runs an activity, which an Express workflow does not support; activities need a Standard workflow".to_string()
            )]
        );
        assert_eq!(
            run(&template(express, "arn:aws:states:::lambda:invoke")),
            vec![]
        );
        // A partition (region, account) known at deploy time, as CDK writes ARNs: what
        // is called is known all the same.
        assert_eq!(
            run(&template(
                express,
                "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:ecs:runTask.sync"
            ))[0]
                .0,
            ".sync"
        );
        // Standard (explicit or by default) allows them.
        let standard = r#""StateMachineType": "STANDARD","#;
        assert_eq!(
            run(&template(standard, "arn:aws:states:::ecs:runTask.sync")),
            vec![]
        );
        assert_eq!(
            run(&template("", "arn:aws:states:::ecs:runTask.sync")),
            vec![]
        );
    }

    #[test]
    fn distributed_maps() {
        // In an Express workflow, a Distributed Map is reported at its Mode.
        let text = r#"{"Resources": {"M": {"Type": "AWS::Serverless::StateMachine", "Properties": {"Type": "EXPRESS",
  "Definition": {"StartAt": "Map", "States": {"Map": {"Type": "Map", "End": true,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
      "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "End": true}}}}}}}}}}"#;
        assert_eq!(
            run(text),
            vec![(
                "\"DISTRIBUTED\"".to_string(),
                "the Map state \"Map\" runs in DISTRIBUTED mode, which an Express workflow does not support".to_string()
            )]
        );
        // A Standard workflow's Distributed Map with EXPRESS children: the children are Express.
        let text = r#"{"StartAt": "Map", "States": {"Map": {"Type": "Map", "End": true,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
      "StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "End": true}}}]}}}}}}"#;
        assert_eq!(
            run(text),
            vec![(
                ".sync".to_string(),
                "\"T\" waits for a job to finish (.sync), which an Express child workflow (the Distributed Map \"Map\" runs its items as EXPRESS) does not support: Express workflows call services with request-response only".to_string()
            )]
        );
        // Inline Maps and STANDARD children inherit the parent's type.
        let text = text.replace("\"EXPRESS\"", "\"STANDARD\"");
        assert_eq!(run(&text), vec![]);
    }
}
