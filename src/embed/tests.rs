use super::*;
use crate::lint::{LintOptions, lint_text_in};
use crate::syntax::SourceKind;
use std::path::PathBuf;

fn lint_json(text: &str) -> Vec<(String, String)> {
    let out = lint_text_in(
        text,
        SourceKind::Json,
        &LintOptions::default(),
        &Environment::default(),
    );
    out.iter()
        .map(|d| (d.code.to_string(), text[d.range.as_usize()].to_string()))
        .collect()
}

#[test]
fn definition_string_diagnostics_point_into_the_template() {
    let text = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
  "DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Bx\"}, \"B\": {\"Type\": \"Succeed\"}}}"
}}}}"#;
    assert_eq!(
        lint_json(text),
        vec![
            ("ASL201".to_string(), r#"\"Bx\""#.to_string()),
            ("ASL205".to_string(), r#"\"B\""#.to_string()),
        ]
    );
}

fn lint_codes(text: &str) -> Vec<(String, String, String)> {
    let out = lint_text_in(
        text,
        SourceKind::Json,
        &LintOptions::default(),
        &Environment::default(),
    );
    out.iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.severity.as_str().to_string(),
                text[d.range.as_usize()].to_string(),
            )
        })
        .collect()
}

#[test]
fn unknown_values_are_not_errors() {
    let text = r#"{"StartAt": "${First}", "States": {
  "A": {"Type": "Task", "Resource": "${Fn}", "Next": "${NextState}"},
  "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "${C}"}], "Default": "A"},
  "C": {"Type": "Wait", "Seconds": ${Delay}, "End": ${IsEnd}},
  "D": {"Type": "${Kind}", "End": true}
}}"#;
    let got = lint_codes(text);
    assert!(got.iter().all(|(_, sev, _)| sev == "info"), "{got:#?}");
    let tokens: Vec<&str> = got.iter().map(|(_, _, t)| t.as_str()).collect();
    assert_eq!(
        tokens,
        vec![
            "${First}",
            "${Fn}",
            "${NextState}",
            "${C}",
            "${Delay}",
            "${IsEnd}",
            "${Kind}"
        ]
    );
}

#[test]
fn unknown_transitions_do_not_make_states_unreachable() {
    let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "${NextState}"},
  "B": {"Type": "Pass", "Next": "C"},
  "C": {"Type": "Succeed"}
}}"#;
    let got = lint_codes(text);
    assert_eq!(
        got,
        vec![(
            "ASL801".to_string(),
            "info".to_string(),
            "${NextState}".to_string()
        )]
    );
}

fn lint_yaml(text: &str) -> Vec<(String, String, String)> {
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    out.iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.severity.as_str().to_string(),
                text[d.range.as_usize()].to_string(),
            )
        })
        .collect()
}

fn triple(code: &str, sev: &str, at: &str) -> (String, String, String) {
    (code.to_string(), sev.to_string(), at.to_string())
}

#[test]
fn sub_references_are_filled_by_cloudformation_not_reported() {
    // In `!Sub`, `${OrderFn.Arn}` and `${AWS::Region}` are CloudFormation's to fill;
    // `${!Later}` is the literal `${Later}`, which DefinitionSubstitutions would fill
    // and do not: that one is unresolved.
    let text = r#"Resources:
  OrderFn:
    Type: AWS::Serverless::Function
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionString: !Sub |
        {"StartAt": "Charge", "States": {
          "Charge": {"Type": "Task", "Resource": "${OrderFn.Arn}",
                     "Parameters": {"region": "${AWS::Region}", "fn": "${OrderFn}", "later": "${!Later}"},
                     "End": true}}}
"#;
    assert_eq!(lint_yaml(text), vec![triple("ASL801", "info", "${!Later}")]);
    let d = crate::lint::lint_text(text, SourceKind::Yaml, &Default::default());
    assert_eq!(
        d[0].message,
        "`${!Later}` becomes the text `${Later}`, and no DefinitionSubstitutions entry fills it: the definition keeps it as it is"
    );
}

#[test]
fn yaml_sam_block_scalar_and_sub_positions() {
    let text = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionSubstitutions:
        Target: Done
      DefinitionString: !Sub
        - |
          {
            "StartAt": "Work",
            "States": {
              "Work": {"Type": "Task", "Resource": "${WorkerArn}", "Next": "Thn"},
              "Then": {"Type": "Pass", "Next": "${!Target}"},
              "Done": {"Type": "Succeed"}
            }
          }
        - WorkerArn: !GetAtt Worker.Arn
  Worker:
    Type: AWS::Lambda::Function
"#;
    // `WorkerArn` is an `Fn::Sub` variable whose value is an intrinsic: known but
    // computed at deploy time, so not an unresolved placeholder.
    assert_eq!(
        lint_yaml(text),
        vec![
            triple("ASL201", "error", "\"Thn\""),
            // The state "Thn" was meant for; "Done" would follow it.
            triple("ASL205", "error", "\"Then\""),
        ]
    );
}

#[test]
fn yaml_inline_definition_with_intrinsics_and_comment_suppressions() {
    let text = r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Work
        States:
          Work:
            Type: Task
            Resource: !GetAtt Worker.Arn
            Next: ${NextState}
          Orphan:   # asl-lint: ignore[ASL205]
            Type: Pass
            End: true
          # asl-lint: ignore[ASL201]
          Quiet:
            Type: Succeed
"#;
    assert_eq!(
        lint_yaml(text),
        vec![
            triple("ASL806", "error", "${NextState}"),
            // Nothing about Orphan: with an unresolved Next, reachability is not judged,
            // so the ASL205 directive has nothing to suppress in this file; the second
            // directive suppresses nothing either.
            triple("ASL804", "info", "ASL205"),
            triple("ASL804", "info", "ASL201"),
        ]
    );
}

#[test]
fn yaml_serverless_framework_definition() {
    let text = r#"service: orders
provider:
  name: aws
stepFunctions:
  stateMachines:
    orders:
      definition:
        StartAt: A
        States:
          A:
            Type: Pass
            Next: B
"#;
    assert_eq!(lint_yaml(text), vec![triple("ASL201", "error", "B")]);
}

/// State machines given by a Serverless variable above `definition` are not followed,
/// and a warning says so where the template would otherwise pass as clean.
#[test]
fn serverless_sections_given_by_a_variable_are_reported_unread() {
    let text = "service: demo\nprovider:\n  name: aws\nstepFunctions:\n  stateMachines:\n    orders: ${file(./orders.yml)}\n    billing: ${self:custom.billing}\n";
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    let found: Vec<(&str, &str, &str)> = out
        .iter()
        .map(|d| (d.code, &text[d.range.as_usize()], d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "ASL803",
                "${file(./orders.yml)}",
                "`stateMachines.orders` is a Serverless `${file()}` of a whole state machine (asl-lint reads a `${file()}` that is a whole `definition`), which asl-lint cannot read before deployment; it was not checked"
            ),
            (
                "ASL803",
                "${self:custom.billing}",
                "`stateMachines.billing` is a Serverless variable holding a whole state machine, only resolved at deploy time, which asl-lint cannot read before deployment; it was not checked"
            ),
        ]
    );
    for (text, at, name) in [
        (
            "service: demo\nprovider:\n  name: aws\nstepFunctions:\n  stateMachines: ${file(./machines.yml)}\n",
            "${file(./machines.yml)}",
            "`stepFunctions.stateMachines`",
        ),
        (
            "service: demo\nprovider:\n  name: aws\nstepFunctions: ${file(./sf.yml)}\n",
            "${file(./sf.yml)}",
            "`stepFunctions`",
        ),
    ] {
        let out = lint_text_in(
            text,
            SourceKind::Yaml,
            &LintOptions::default(),
            &Environment::default(),
        );
        assert_eq!(out.len(), 1, "{text}");
        assert_eq!(&text[out[0].range.as_usize()], at);
        assert!(out[0].message.starts_with(&format!(
            "{name} is a Serverless `${{file()}}` of the state machines"
        )));
    }
}

#[test]
fn yaml_file_level_suppression_and_invalid_template() {
    let text = "# asl-lint: ignore-file[ASL801]\nResources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: '{\"StartAt\": \"${S}\", \"States\": {}}'\n";
    // The placeholder info is suppressed for the file; the StartAt that is unknown is
    // not an error; the directive was used, so no ASL804.
    assert_eq!(lint_yaml(text), vec![triple("ASL102", "error", "{}")]);
    let broken = "Resources:\n  M: [\n";
    assert!(lint_yaml(broken).iter().any(|d| d.0 == "ASL001"));
}

fn reference(subs: &[(&str, Option<&str>)], workflow: WorkflowType) -> Reference {
    Reference {
        name: "Machine".to_string(),
        path: PathBuf::from("sm/machine.asl.json"),
        substitutions: subs
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect(),
        workflow,
        filling: Filling::Substitutions,
        yaml_1_1: true,
        template: None,
    }
}

/// `(code, line:col, the text pointed at)` of a referenced file's diagnostics.
/// The diagnostics of a JSON definition file linted for `r`, with default options.
fn json_ref_diagnostics(text: &str, r: &Reference) -> Vec<Diagnostic> {
    lint_referenced(
        text,
        SourceKind::Json,
        r,
        &LintOptions::default(),
        &Environment::default(),
    )
}

fn lint_ref(text: &str, kind: SourceKind, r: &Reference) -> Vec<(String, String, String)> {
    let index = crate::syntax::LineIndex::new(text);
    lint_referenced(
        text,
        kind,
        r,
        &LintOptions::default(),
        &Environment::default(),
    )
    .iter()
    .map(|d| {
        let lc = index.line_col(text, d.range.start);
        (
            d.code.to_string(),
            format!("{}:{}", lc.line, lc.column),
            text[d.range.as_usize()].to_string(),
        )
    })
    .collect()
}

fn at(code: &str, pos: &str, text: &str) -> (String, String, String) {
    (code.to_string(), pos.to_string(), text.to_string())
}

#[test]
fn referenced_json_file_with_substitutions() {
    let text = r#"{
  "StartAt": "Work",
  "States": {
    "Work": {"Type": "Task", "Resource": "${WorkerArn}", "Next": "Pause"},
    "Pause": {"Type": "Wait", "Seconds": ${Delay}, "Next": "${Then}"},
    "Done": {"Type": "Succeed", "Comment": "${Other}"}
  }
}"#;
    let r = reference(
        &[
            ("WorkerArn", None),
            ("Delay", Some("5")),
            ("Then", Some("Don")),
        ],
        WorkflowType::Standard,
    );
    // `Then` is spliced: the unknown target is reported at its placeholder; `Delay`
    // becomes a number (no type error); `WorkerArn` is computed (no ASL801); `Other` is
    // not given, and nothing fills it (ASL806). "Done" is unreachable, at its own
    // position in the file.
    assert_eq!(
        lint_ref(text, SourceKind::Json, &r),
        vec![
            at("ASL201", "5:60", "\"${Then}\""),
            at("ASL205", "6:5", "\"Done\""),
            at("ASL806", "6:45", "${Other}"),
        ]
    );
    // A template without DefinitionSubstitutions fills none of them (ASL806, an
    // error); one whose map it computes may fill any (ASL801, unknown values).
    let codes = |filling: Filling| -> Vec<String> {
        let mut r = reference(&[], WorkflowType::Standard);
        r.filling = filling;
        lint_ref(text, SourceKind::Json, &r)
            .into_iter()
            .map(|d| format!("{} {}", d.0, d.2))
            .collect()
    };
    let tokens = ["${WorkerArn}", "${Delay}", "${Then}", "${Other}"];
    assert_eq!(
        codes(Filling::Substitutions),
        tokens.map(|t| format!("ASL806 {t}"))
    );
    assert_eq!(
        codes(Filling::SubstitutionsComputed),
        tokens.map(|t| format!("ASL801 {t}"))
    );
}

#[test]
fn spliced_values_are_escaped_and_positions_after_them_hold() {
    // A value with a quote is escaped into the JSON string; a state after a longer
    // value is still reported at its place in the file.
    let text = "{\"StartAt\": \"${Start}\", \"States\": {\"Say \\\"hi\\\"\": {\"Type\": \"Pass\", \"End\": true}, \"Later\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"}}}";
    let r = reference(&[("Start", Some("Say \"hi\""))], WorkflowType::Standard);
    assert_eq!(
        lint_ref(text, SourceKind::Json, &r),
        vec![
            at("ASL205", "1:81", "\"Later\""),
            at("ASL201", "1:115", "\"Nowhere\""),
        ]
    );
}

#[test]
fn referenced_yaml_file_and_express_type() {
    let text = r#"StartAt: Work
States:
  Work:
    Type: Task
    Resource: arn:aws:states:::${Service}:startBuild.sync
    Next: ${Then}
    Parameters:
      ProjectName: nightly
  Done:
    Type: Succeed
"#;
    let r = reference(
        &[("Service", Some("codebuild")), ("Then", Some("Done"))],
        WorkflowType::Express,
    );
    assert_eq!(
        lint_ref(text, SourceKind::Yaml, &r),
        vec![at("ASL407", "5:53", ".sync")]
    );
    let standard = Reference {
        workflow: WorkflowType::Standard,
        ..r
    };
    assert_eq!(lint_ref(text, SourceKind::Yaml, &standard), vec![]);
}

#[test]
fn fixes_skip_values_filled_in_from_the_config() {
    // asl-lint.toml gives `WaitSeconds = 30`: the quoted placeholder reads as the
    // string "30" (ASL113), but the fix would write `30` over `"${WaitSeconds}"` in the
    // file, losing the placeholder. It is dropped; a fix elsewhere is kept.
    let text = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "${WaitSeconds}", "Next": "D"}, "D": {"Type": "pass", "End": true}}}"#;
    let env = Environment {
        values: [("WaitSeconds".to_string(), "30".to_string())].into(),
        ..Default::default()
    };
    let out = lint_text_in(text, SourceKind::Json, &LintOptions::default(), &env);
    let found: Vec<(&str, &str, usize)> = out
        .iter()
        .map(|d| (d.code, &text[d.range.as_usize()], d.fixes.len()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("ASL113", "\"${WaitSeconds}\"", 0),
            ("ASL104", "\"pass\"", 1)
        ]
    );
}

#[test]
fn fixes_in_referenced_files_skip_spliced_values() {
    // The did-you-mean fix on a literal name maps into the file; on a spliced value it
    // is dropped (the file holds the placeholder, not the name). The editor's fix that
    // adds the missing state edits the file's own text, so both keep it.
    let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Next": "Bee"},
  "B": {"Type": "Pass", "Next": "${Then}"},
  "Cee": {"Type": "Succeed"}}}"#;
    let r = reference(&[("Then", Some("Ce"))], WorkflowType::Standard);
    let out = lint_referenced(
        text,
        SourceKind::Json,
        &r,
        &LintOptions {
            select: vec!["ASL201".into()],
            ignore: Vec::new(),
            ..Default::default()
        },
        &Environment::default(),
    );
    let fixes: Vec<(String, usize)> = out
        .iter()
        .map(|d| (text[d.range.as_usize()].to_string(), d.fixes.len()))
        .collect();
    assert_eq!(
        fixes,
        vec![("\"Bee\"".to_string(), 2), ("\"${Then}\"".to_string(), 1)]
    );
    assert_eq!(out[1].fixes[0].title, "Add a Pass state \"Ce\"");
    let edit = &out[0].fixes[0].edits[0];
    assert_eq!(&text[edit.range.as_usize()], "\"Bee\"");
}

#[test]
fn splice_map_positions() {
    let outer = "ab${X}cd";
    let s = sourcemap::Spliced::new(outer, &[(TextRange::new(2, 6), "LONGER".to_string())]);
    assert_eq!(s.text, "abLONGERcd");
    let r = |a: u32, b: u32| {
        let m = s.map.range(TextRange::new(a, b));
        &outer[m.as_usize()]
    };
    assert_eq!(r(0, 2), "ab");
    assert_eq!(r(3, 5), "${X}");
    assert_eq!(r(8, 10), "cd");
    assert_eq!(r(1, 9), "b${X}c");
    assert_eq!(s.map.range(TextRange::empty(10)), TextRange::empty(8));
    assert_eq!(
        s.map.edit_range(TextRange::new(8, 9)),
        Some(TextRange::new(6, 7))
    );
    assert_eq!(s.map.edit_range(TextRange::new(1, 3)), None);
    assert_eq!(s.map.edit_range(TextRange::new(3, 4)), None);
}

#[test]
fn templates_find_existing_referenced_files_with_their_type() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sm")).unwrap();
    std::fs::write(dir.path().join("sm/a.asl.json"), "{}").unwrap();
    let text = r#"{"Parameters": {"P": {"Type": "String"}}, "Resources": {
  "A": {"Type": "AWS::Serverless::StateMachine", "Properties": {"Type": "EXPRESS",
    "DefinitionUri": "./sm/a.asl.json", "DefinitionSubstitutions": {"X": "1", "Y": {"Ref": "P"}}}},
  "B": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
    "DefinitionS3Location": "sm/a.asl.json"}},
  "C": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
    "DefinitionS3Location": "sm/missing.asl.json"}}}}"#;
    let env = Environment {
        base_dir: Some(dir.path().to_path_buf()),
        ..Environment::default()
    };
    let (diags, refs) = crate::lint::lint_text_with_references(
        text,
        SourceKind::Json,
        &LintOptions::default(),
        &env,
    );
    assert_eq!(
        diags.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec!["ASL802"]
    );
    let path = dir.path().join("sm/a.asl.json");
    assert_eq!(
        refs,
        vec![
            Reference {
                name: "A".to_string(),
                path: path.clone(),
                substitutions: [
                    ("X".to_string(), Some("1".to_string())),
                    ("Y".to_string(), None)
                ]
                .into_iter()
                .collect(),
                workflow: WorkflowType::Express,
                filling: Filling::Substitutions,
                yaml_1_1: true,
                template: None,
            },
            Reference {
                name: "B".to_string(),
                path,
                substitutions: Substitutions::new(),
                workflow: WorkflowType::Standard,
                filling: Filling::Substitutions,
                yaml_1_1: true,
                template: None,
            },
        ]
    );
}

#[test]
fn inline_definitions_treat_computed_substitutions_as_known() {
    // In an inline Definition and in a DefinitionString, a DefinitionSubstitutions key
    // whose value is an intrinsic is not unresolved; a name that is not given is never
    // filled in an inline Definition (ASL806), and stays ASL801 in a DefinitionString
    // (whose text may be an `Fn::Sub`'s). A literal value is substituted: `"${Delay}"` becomes the string "3", which
    // is what AWS sees too (a string where Seconds needs a number).
    let text = r#"{"Resources": {"F": {"Type": "AWS::Lambda::Function"}, "M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
  "DefinitionSubstitutions": {"Fn": {"Fn::GetAtt": ["F", "Arn"]}, "Delay": 3},
  "Definition": {"StartAt": "A", "States": {
    "A": {"Type": "Task", "Resource": "${Fn}", "Next": "W"},
    "W": {"Type": "Wait", "Seconds": "${Delay}", "Next": "${Missing}"}}},
  "DefinitionString": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"${Fn}\", \"Next\": \"${Other}\"}}}"
}}}}"#;
    let got = lint_codes(text);
    assert_eq!(
        got,
        vec![
            (
                "ASL113".to_string(),
                "error".to_string(),
                "\"${Delay}\"".to_string()
            ),
            (
                "ASL806".to_string(),
                "error".to_string(),
                "${Missing}".to_string()
            ),
            (
                "ASL801".to_string(),
                "info".to_string(),
                "${Other}".to_string()
            ),
        ]
    );
}

/// The template-level reports (a missing definition file, a definition that cannot be
/// read) obey `select` and `ignore` like every other rule.
#[test]
fn template_level_reports_follow_select_and_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let text = "service: s\nstepFunctions:\n  stateMachines:\n    a:\n      definition: ${file(sm.yml):definition}\nResources:\n  B:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: missing.asl.json\n";
    let env = Environment {
        base_dir: Some(dir.path().to_path_buf()),
        ..Environment::default()
    };
    let codes = |options: LintOptions| {
        let (diags, _) =
            crate::lint::lint_text_with_references(text, SourceKind::Yaml, &options, &env);
        diags.iter().map(|d| d.code).collect::<Vec<_>>()
    };
    assert_eq!(codes(LintOptions::default()), ["ASL803", "ASL802"]);
    let only = |code: &str| LintOptions {
        select: vec![code.into()],
        ..Default::default()
    };
    assert_eq!(codes(only("ASL802")), ["ASL802"]);
    assert_eq!(codes(only("ASL803")), ["ASL803"]);
    assert!(codes(only("ASL201")).is_empty());
    let ignoring = LintOptions {
        ignore: vec!["ASL802".into(), "unreadable-definition".into()],
        ..Default::default()
    };
    assert!(codes(ignoring).is_empty());
}

/// A `local` heredoc that two state machines use is linted for each, reported once.
#[test]
fn a_terraform_local_shared_by_two_machines_is_reported_once() {
    let text = "locals {\n  def = <<EOF\n{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}\nEOF\n}\nresource \"aws_sfn_state_machine\" \"one\" { definition = local.def }\nresource \"aws_sfn_state_machine\" \"two\" { definition = local.def }\n";
    let (found, references) = crate::lint::lint_file_text(
        text,
        Some("main.tf"),
        SourceKind::Json,
        &LintOptions::default(),
        &Environment::default(),
    );
    let codes: Vec<(&str, &str)> = found
        .iter()
        .map(|d| (d.code, &text[d.range.as_usize()]))
        .collect();
    assert_eq!(codes, [("ASL201", "\"B\"")]);
    assert!(references.is_empty());
}

/// What Terraform does not fill in is ASL806, an error, at each token: in a template a
/// name that is not a variable (a computed variable is known; `$${` is a literal; an
/// attribute of a variable, `cfg.X`, reads the variable; a function call is not judged),
/// and in a file read by `file(...)` every token. Never ASL801 for these files.
#[test]
fn terraform_tokens_left_unfilled() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {
  "a": "${Arn}", "b": "${Missing}", "c": "$${Literal}", "d": "${cfg.Missing2}",
  "e": "${upper(Whatever)}", "f": "${ Missing }"}, "Next": "B"},
  "B": {"Type": "Wait", "Seconds": ${Wait}, "End": true}}}"#;
    let mut r = reference(&[("Arn", None), ("cfg", None)], WorkflowType::Standard);
    r.filling = Filling::TerraformTemplate;
    let found = lint_ref(text, SourceKind::Json, &r);
    let at = |l: &str, t: &str| ("ASL806".to_string(), l.to_string(), t.to_string());
    assert_eq!(
        found,
        vec![
            at("2:24", "${Missing}"),
            at("3:36", "${ Missing }"),
            at("4:36", "${Wait}"),
        ]
    );
    let messages: Vec<String> = json_ref_diagnostics(text, &r)
        .into_iter()
        .map(|d| format!("{} | {}", d.message, d.help.unwrap_or_default()))
        .collect();
    assert_eq!(
        messages[0],
        "`Missing` is not a variable of the template: Terraform refuses to render the definition of \"Machine\" (vars map does not contain key \"Missing\") | give `Missing` a value in the template variables, or write `$${Missing}` for a literal `${Missing}`"
    );
    // An `if` directive binds no name: the tokens are judged as before.
    let directive = text.replace(
        "\"B\": {",
        "\"B\": {\"Comment\": \"%{ if x }y%{ endif }\", ",
    );
    let found = lint_ref(&directive, SourceKind::Json, &r);
    assert_eq!(found.len(), 3, "{found:?}");
    // A `for` loop binds its names: those are not judged.
    let looped_names = text.replace(
        "\"B\": {",
        "\"B\": {\"Comment\": \"%{ for Missing, Wait in m }y%{ endfor }\", ",
    );
    assert_eq!(lint_ref(&looped_names, SourceKind::Json, &r), vec![]);
    // Directives that write the JSON itself: one ASL803 at the first, nothing else.
    let looped = "{\"StartAt\": \"A\", \"States\": {\n%{ for s in steps ~}\n  \"${s}\": {\"Type\": \"Pass\"%{ if s == \"A\" }, \"End\": true%{ endif }},\n%{ endfor ~}\n}}";
    let found = lint_ref(looped, SourceKind::Json, &r);
    assert_eq!(
        found,
        vec![(
            "ASL803".to_string(),
            "2:1".to_string(),
            "%{ for s in steps ~}".to_string()
        )]
    );
    let d = &json_ref_diagnostics(looped, &r)[0];
    assert_eq!(
        d.message,
        "the definition of \"Machine\" is written by template directives (`%{ ... }`), which asl-lint does not evaluate; it was not checked"
    );
    // Variables Terraform computes (`var.vars`) may be any names: none is judged.
    r.filling = Filling::TerraformTemplateComputedVars;
    assert_eq!(lint_ref(text, SourceKind::Json, &r), vec![]);
    // `file(...)`: every token reaches AWS as written, `$${` included.
    r.filling = Filling::Verbatim;
    let found = lint_ref(text, SourceKind::Json, &r);
    assert_eq!(found.len(), 7, "{found:?}");
    assert_eq!(found[2], at("2:44", "${Literal}"));
    let d = &json_ref_diagnostics(text, &r)[0];
    assert_eq!(
        (d.message.as_str(), d.help.as_deref()),
        (
            "`file` reads the definition of \"Machine\" as written: `${Arn}` reaches AWS unfilled",
            Some("read the file with `templatefile(path, { ... })` to fill in its `${...}` tokens")
        )
    );
    // The same file deployed with DefinitionSubstitutions that give none of its names:
    // nothing fills them either (ASL806); with a map the template computes, any may be
    // given, a value for later (ASL801).
    r.filling = Filling::Substitutions;
    let found = lint_ref(text, SourceKind::Json, &r);
    assert!(found.iter().all(|d| d.0 == "ASL806"), "{found:?}");
    r.filling = Filling::SubstitutionsComputed;
    let found = lint_ref(text, SourceKind::Json, &r);
    assert!(
        !found.is_empty() && found.iter().all(|d| d.0 == "ASL801"),
        "{found:?}"
    );
}

/// A heredoc definition without its closing line is a Terraform syntax error, at the
/// `<<EOF`; the JSON in it is still checked.
#[test]
fn terraform_heredoc_without_its_closing_line() {
    let text = "resource \"aws_sfn_state_machine\" \"x\" {\n  definition = <<EOF\n{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}\n";
    let found = lint_terraform(
        text,
        &LintOptions::default(),
        &Environment::default(),
        &mut Vec::new(),
    );
    let got: Vec<(&str, &str)> = found
        .iter()
        .map(|d| (d.code, &text[d.range.as_usize()]))
        .collect();
    assert_eq!(got, vec![("ASL001", "<<EOF"), ("ASL201", "\"B\"")]);
}

#[test]
fn references_to_names_the_template_does_not_define() {
    // A misspelled resource in a DefinitionString's `Fn::Sub`, a misspelled pseudo
    // parameter, a resource that is not there and a parameter renamed in
    // DefinitionSubstitutions (not in `RoleArn`: only the definition and its
    // substitutions are judged). `${!Literal}`, map variables, parameters, resources
    // and `AWS::` pseudo parameters are fine.
    let text = r#"Parameters:
  Stage:
    Type: String
Resources:
  ChargeFunction:
    Type: AWS::Lambda::Function
  Enrolment:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt EnrolmentRole.Arn
      DefinitionSubstitutions:
        Role: !GetAtt EnrolmentRole.Arn
        Table: !Ref StageName
      DefinitionString: !Sub
        - |
          {"StartAt": "Charge", "States": {
            "Charge": {"Type": "Task", "Resource": "${ChargFunction.Arn}", "Next": "Save"},
            "Save": {"Type": "Pass", "Result": "${Stage}-${AWS::Regoin}-${AWS::Region}-${Bucket}-${!Table}", "End": true}}}
        - Bucket: !Sub "${Stage}-uploads"
"#;
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    let got: Vec<(String, String, Option<String>)> = out
        .iter()
        .filter(|d| d.code == "ASL807")
        .map(|d| {
            (
                text[d.range.as_usize()].to_string(),
                d.message.clone(),
                d.help.clone(),
            )
        })
        .collect();
    let row = |name: &str, help: &str| {
        (
            name.to_string(),
            format!("\"{name}\" is not a parameter or resource of this template"),
            Some(help.to_string()),
        )
    };
    assert_eq!(
        got,
        vec![
            row(
                "EnrolmentRole",
                "CloudFormation refuses the template: Unresolved resource dependencies [EnrolmentRole]"
            ),
            row(
                "StageName",
                "CloudFormation refuses the template: Unresolved resource dependencies [StageName]"
            ),
            row("ChargFunction", "did you mean \"ChargeFunction\"?"),
            row("AWS::Regoin", "did you mean \"AWS::Region\"?"),
        ]
    );
    // Not also an unresolved placeholder (ASL801).
    assert!(
        !out.iter()
            .any(|d| d.code == "ASL801" && text[d.range.as_usize()].contains("Charg")),
        "{out:#?}"
    );
    // The fix renames the reference.
    let fixes: Vec<_> = out
        .iter()
        .filter(|d| d.code == "ASL807")
        .flat_map(|d| &d.fixes)
        .flat_map(|f| &f.edits)
        .map(|e| (text[e.range.as_usize()].to_string(), e.replacement.clone()))
        .collect();
    assert_eq!(
        fixes,
        vec![
            ("ChargFunction".to_string(), "ChargeFunction".to_string()),
            ("AWS::Regoin".to_string(), "AWS::Region".to_string()),
        ]
    );
}

#[test]
fn generated_names_are_not_judged() {
    // SAM generates `<Function>Role` and `ServerlessRestApi`; a Serverless Framework
    // file and a template with another transform generate names asl-lint cannot see.
    let sam = r#"Transform: AWS::Serverless-2016-10-31
Resources:
  Charge:
    Type: AWS::Serverless::Function
  Enrolment:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions:
        ChargeRole: !GetAtt ChargeRole.Arn
        Api: !Ref ServerlessRestApi
        Missing: !Ref Nowhere
      Definition:
        StartAt: A
        States:
          A: {Type: Pass, End: true}
"#;
    let codes = |text: &str| -> Vec<String> {
        lint_text_in(
            text,
            SourceKind::Yaml,
            &LintOptions::default(),
            &Environment::default(),
        )
        .iter()
        .filter(|d| d.code == "ASL807")
        .map(|d| text[d.range.as_usize()].to_string())
        .collect()
    };
    assert_eq!(codes(sam), vec!["Nowhere"]);
    let other = sam.replace(
        "Transform: AWS::Serverless-2016-10-31",
        "Transform: [AWS::Serverless-2016-10-31, MyMacro]",
    );
    assert_eq!(codes(&other), Vec::<String>::new());
    let serverless = r#"service: enrolment
provider:
  name: aws
resources:
  Resources:
    Enrolment:
      Type: AWS::StepFunctions::StateMachine
      Properties:
        RoleArn: !GetAtt IamRoleLambdaExecution.Arn
        Definition:
          StartAt: A
          States:
            A: {Type: Pass, End: true}
"#;
    assert_eq!(codes(serverless), Vec::<String>::new());
}

#[test]
fn a_quoted_placeholder_is_told_to_lose_its_quotes() {
    let template = r#"Resources:
  SM:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionSubstitutions:
        WaitSecs: 30
      DefinitionString: '{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": "${WaitSecs}", "End": true}}}'
"#;
    let options = crate::LintOptions {
        select: vec!["ASL113".into()],
        ..Default::default()
    };
    let found = crate::lint_text(template, crate::syntax::SourceKind::Yaml, &options);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].message, "'Seconds' must be an integer, not \"30\"");
    assert_eq!(
        found[0].help.as_deref(),
        Some(
            "the placeholder is inside quotes, so what is substituted stays a string: write it without the quotes"
        )
    );
}

#[test]
fn multi_line_fixes_go_into_a_literal_block_at_its_indentation() {
    // `"End": true` added on a line of its own inside `DefinitionString: !Sub |`: every
    // new line is written at the block's indentation, so the YAML still holds the
    // definition (the fix used to be dropped). A folded block (`>`) keeps no line
    // break as written: no multi-line fix there.
    let template = |indicator: &str| {
        format!(
            "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub {indicator}\n        {{\n          \"StartAt\": \"A\",\n          \"States\": {{\n            \"A\": {{\n              \"Type\": \"Pass\"\n            }}\n          }}\n        }}\n"
        )
    };
    let lint = |t: &str| {
        lint_text_in(
            t,
            SourceKind::Yaml,
            &LintOptions::default(),
            &Environment::default(),
        )
    };
    let text = template("|");
    let out = crate::fix::fix_text(&text, Some(SourceKind::Yaml), lint(&text), true, &lint);
    assert_eq!(
        out.text,
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub |\n        {\n          \"StartAt\": \"A\",\n          \"States\": {\n            \"A\": {\n              \"Type\": \"Pass\",\n              \"End\": true\n            }\n          }\n        }\n"
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let folded = template(">");
    let found = lint(&folded);
    let asl106 = found.iter().find(|d| d.code == "ASL106").unwrap();
    assert!(asl106.fixes.is_empty());
}

#[test]
fn a_deploy_time_value_inside_a_name_path_or_jsonata_expression_is_unknown() {
    // CloudFormation fills `${Suffix}`, `${Field}`, `${Threshold}` and `${N}` (template
    // parameters) before Step Functions reads the definition: no state `B${Suffix}`,
    // no context field `${Field}`, no JSONata syntax error, no failing `$number`.
    let text = r#"Parameters:
  Suffix: {Type: String}
  Field: {Type: String}
  Threshold: {Type: Number}
  N: {Type: String}
Resources:
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: !Sub |
        {"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Parameters": {"id.$": "$$.Execution.${Field}"}, "Next": "B${Suffix}"},
          "Bx": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $number('${N}') %}", "Next": "C"},
          "C": {"Type": "Choice", "QueryLanguage": "JSONata",
                "Choices": [{"Condition": "{% $states.input.amount > ${Threshold} %}", "Next": "Done"}],
                "Default": "Done"},
          "Done": {"Type": "Succeed"}}}
"#;
    assert_eq!(lint_yaml(text), vec![triple("ASL707", "warning", "\"C\"")]);
}

#[test]
fn a_definition_string_that_is_not_json_text_is_an_error() {
    let text = r#"Resources:
  O:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: |
        # draft
        {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
  P:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: |
        StartAt: A
        States: {A: {Type: Succeed}}
  Q:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString:
        StartAt: A
  R:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition: [1]
  S:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: !If [Prod, "{}", "{}"]
"#;
    let found = lint_yaml(text);
    assert_eq!(
        found,
        vec![
            triple("ASL808", "error", "#"),
            triple("ASL808", "error", "S"),
            triple("ASL808", "error", "StartAt: A"),
            triple("ASL808", "error", "[1]"),
            // Each value of the `Fn::If` is read (and holds no definition).
            triple("ASL100", "error", "{"),
            triple("ASL100", "error", "{"),
        ]
    );
}

/// CloudFormation types `Definition` as an object (SAM as a map): JSON text there, or
/// an intrinsic that makes text, fails the deployment. The text is still read, so its
/// own problems (here a `Next` to no state) show too; a value given whole at deploy
/// time is ASL808 alone.
#[test]
fn a_definition_given_as_text_is_an_error() {
    let text = r#"Parameters:
  Def: {Type: String}
Resources:
  M:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition: '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}'
  N:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: !Sub '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
  O:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition: !Sub "${Def}"
"#;
    let found = lint_yaml(text);
    assert_eq!(
        found,
        vec![
            triple(
                "ASL808",
                "error",
                r#"'{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}'"#
            ),
            triple("ASL201", "error", r#""B""#),
            triple(
                "ASL808",
                "error",
                r#"!Sub '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'"#
            ),
            triple("ASL808", "error", r#"!Sub "${Def}""#),
        ]
    );
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    assert_eq!(
        out[0].message,
        "the Definition of \"M\" is a string: CloudFormation takes an object, the definition itself"
    );
    assert_eq!(
        out[2].message,
        "the Definition of \"N\" is an `Fn::Sub`, which makes a string: CloudFormation takes an object, the definition itself"
    );
    assert!(out[0].help.as_deref().unwrap().contains("DefinitionString"));
    // In a JSON template too; a DefinitionString holding the same text is right.
    let json = r#"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
  "Definition": "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}"}}}}"#;
    assert_eq!(
        lint_json(json)
            .into_iter()
            .map(|(code, _)| code)
            .collect::<Vec<_>>(),
        ["ASL808"]
    );
    let right = json.replace("\"Definition\"", "\"DefinitionString\"");
    assert_eq!(lint_json(&right), vec![]);
    // Text that holds no definition at all (`'{}'`, as SAM's own error fixture has it):
    // ASL808 says it, not also ASL100; as a DefinitionString it is ASL100.
    let empty = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: '{}'\n";
    let codes = |text: &str| -> Vec<String> { lint_yaml(text).into_iter().map(|t| t.0).collect() };
    assert_eq!(codes(empty), ["ASL808"]);
    assert_eq!(
        codes(&empty.replace("Definition:", "DefinitionString:")),
        ["ASL100"]
    );
    // No text at all: ASL808 alone too; as a DefinitionString it is ASL001.
    let blank = empty.replace("'{}'", "''");
    assert_eq!(codes(&blank), ["ASL808"]);
    assert_eq!(
        codes(&blank.replace("Definition:", "DefinitionString:")),
        ["ASL001"]
    );
}

/// The code and the text at each finding of a Terraform file.
fn terraform_findings(tf: &str) -> Vec<(&'static str, &str)> {
    let (found, _) =
        crate::lint::lint_terraform_text(tf, &LintOptions::default(), &Environment::default());
    found
        .iter()
        .map(|d| (d.code, &tf[d.range.as_usize()]))
        .collect()
}

#[test]
fn an_empty_definition_is_reported_at_its_value() {
    let text = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: \"\"\n";
    assert_eq!(lint_yaml(text), vec![triple("ASL001", "error", "\"\"")]);
    let tf = "resource \"aws_sfn_state_machine\" \"x\" {\n  definition = <<EOF\nEOF\n}\n";
    let at = terraform_findings(tf);
    assert_eq!(at, [("ASL001", "<<EOF")]);
}

#[test]
fn a_definition_string_given_whole_at_deploy_time_is_not_read() {
    let text = "Parameters:\n  Def: {Type: String}\nResources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub \"${Def}\"\n";
    assert_eq!(
        lint_yaml(text),
        vec![triple("ASL803", "info", "!Sub \"${Def}\"")]
    );
}

#[test]
fn a_definition_string_by_yaml_alias_is_reported_at_the_alias_without_fixes() {
    let text = "x-defs:\n  d: &d '{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Wait\", \"Seconds\": \"10\", \"End\": true}}}'\nResources:\n  SM:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: *d\n";
    // (CloudFormation itself refuses the alias: ASL810.)
    assert_eq!(
        lint_yaml(text),
        vec![
            triple("ASL113", "error", "*d"),
            triple("ASL810", "warning", "*d")
        ]
    );
    let found = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    assert!(found.iter().all(|d| d.fixes.is_empty()), "{found:?}");
}

/// Template directives (`%{ if }`, `%{ for }`, with `~` strip markers) that write a
/// heredoc's JSON are Terraform's to evaluate: one ASL803 at the first, as for a file
/// read by `templatefile`, and no syntax errors. Directives inside JSON strings leave
/// the JSON whole, and `%%{` is a literal `%{`: those definitions are checked.
#[test]
fn terraform_heredocs_written_by_directives_are_not_checked() {
    let heredoc = |body: &str| {
        format!(
            "resource \"aws_sfn_state_machine\" \"sm\" {{\n  definition = <<EOF\n{body}\nEOF\n}}\n"
        )
    };
    let tf = heredoc(
        "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\", %{ if var.debug }\"Comment\": \"debug\", %{ endif }\"End\": true}\n}}",
    );
    assert_eq!(terraform_findings(&tf), [("ASL803", "%{ if var.debug }")]);
    let (found, _) =
        crate::lint::lint_terraform_text(&tf, &LintOptions::default(), &Environment::default());
    assert_eq!(
        (found[0].message.as_str(), found[0].help.as_deref()),
        (
            "the definition of \"aws_sfn_state_machine.sm\" is written by template directives (`%{ ... }`), which asl-lint does not evaluate; it was not checked",
            Some(
                "build the states in Terraform and pass them with `jsonencode(...)`, or keep directives inside string values"
            )
        )
    );
    let looped = heredoc(
        "{\"StartAt\": \"A\", \"States\": {\n%{~ for i, s in var.steps ~}\n  \"${s}\": {\"Type\": \"Pass\", %{ if i < length(var.steps) - 1 }\"Next\": \"${var.steps[i + 1]}\"%{ else }\"End\": true%{ endif }}%{ if i < length(var.steps) - 1 },%{ endif }\n%{~ endfor ~}\n}}",
    );
    assert_eq!(
        terraform_findings(&looped),
        [("ASL803", "%{~ for i, s in var.steps ~}")]
    );
    // Inside a string (quotes in the directive too): the JSON is whole, and checked.
    let in_string = heredoc(
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Comment\": \"%{ if var.env == \"prod\" }live%{ endif }\", \"Next\": \"B\"}}}",
    );
    assert_eq!(terraform_findings(&in_string), [("ASL201", "\"B\"")]);
    // `%%{` is a literal `%{`, no directive: the broken JSON is reported as such.
    let escaped = heredoc("{\"StartAt\": \"A\", %%{ \"States\": {}}");
    let codes: Vec<&str> = terraform_findings(&escaped)
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert!(
        codes.contains(&"ASL001") && !codes.contains(&"ASL803"),
        "{codes:?}"
    );
    // The same in a quoted string.
    let quoted = "resource \"aws_sfn_state_machine\" \"sm\" {\n  definition = \"{\\\"StartAt\\\": \\\"A\\\", \\\"States\\\": {\\\"A\\\": {\\\"Type\\\": \\\"Pass\\\", %{ if var.on }\\\"Comment\\\": \\\"x\\\", %{ endif }\\\"End\\\": true}}}\"\n}\n";
    assert_eq!(terraform_findings(quoted), [("ASL803", "%{ if var.on }")]);
    let quoted_in_string = quoted
        .replace(
            "%{ if var.on }\\\"Comment\\\": \\\"x\\\", %{ endif }",
            "\\\"Comment\\\": \\\"%{ if var.on }x%{ endif }\\\", ",
        )
        .replace("\\\"End\\\": true", "\\\"Next\\\": \\\"B\\\"");
    assert_eq!(
        terraform_findings(&quoted_in_string),
        [("ASL201", "\\\"B\\\"")]
    );
}

/// `States` built by a `for` expression, or with a key Terraform computes, is unknown
/// until Terraform applies it: not empty (ASL102), as a `merge(...)` is not.
#[test]
fn terraform_states_built_by_for_expressions_are_unknown() {
    let tf = |states: &str| {
        format!(
            "variable \"steps\" {{ default = [\"A\", \"B\"] }}\nresource \"aws_sfn_state_machine\" \"sm\" {{\n  name       = \"orders\"\n  role_arn   = \"arn:aws:iam::123456789012:role/r\"\n  definition = jsonencode({{\n    StartAt = \"A\"\n    States  = {states}\n  }})\n}}\n"
        )
    };
    for states in [
        "{ for s in var.steps : s => { Type = \"Pass\", End = true } }",
        "{ (local.first) = { Type = \"Pass\", End = true } }",
        "{ \"${local.first}\" = { Type = \"Pass\", End = true } }",
        "merge(local.a, local.b)",
    ] {
        assert_eq!(terraform_findings(&tf(states)), [], "{states}");
    }
    // Written out, an empty `States` is still reported.
    assert_eq!(terraform_findings(&tf("{}")), [("ASL102", "{}")]);
}

/// The Step Functions module's `definition` is linted whatever its keys, as a
/// resource's is: a misspelled `StartAt` is reported, not a reason to pass it over.
/// Another module's counts when it reads as a state machine (`StartAt` or `States`).
#[test]
fn terraform_step_functions_module_definitions_are_linted_whatever_their_keys() {
    let module = |source: &str, definition: &str| {
        format!(
            "module \"sfn\" {{\n  source     = \"{source}\"\n  name       = \"orders\"\n  definition = {definition}\n}}\n"
        )
    };
    let encoded = "jsonencode({\n    Startat = \"A\"\n    States  = { A = { Type = \"Pass\", End = true } }\n  })";
    let heredoc = "<<EOF\n{\"Startat\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}\nEOF";
    for source in [
        "terraform-aws-modules/step-functions/aws",
        "git::https://github.com/terraform-aws-modules/terraform-aws-step-functions.git?ref=v4.2.0",
    ] {
        assert_eq!(
            terraform_findings(&module(source, encoded)),
            [
                // (ASL101 at the object's opening brace.)
                ("ASL101", "{"),
                ("ASL110", "Startat")
            ],
            "{source}"
        );
        let text = module(source, heredoc);
        let found = terraform_findings(&text);
        assert_eq!(
            found.iter().map(|f| f.0).collect::<Vec<_>>(),
            ["ASL101", "ASL110"],
            "{found:?}"
        );
        // A definition Terraform computes is not checked, as a resource's is not.
        assert_eq!(
            terraform_findings(&module(source, "var.definition")),
            [("ASL803", "var.definition")]
        );
    }
    // Another module: `States` is enough; a definition of something else is not one.
    assert_eq!(
        terraform_findings(&module("./modules/workflow", encoded))
            .iter()
            .map(|f| f.0)
            .collect::<Vec<_>>(),
        ["ASL101", "ASL110"]
    );
    assert_eq!(
        terraform_findings(&module("./modules/other", "var.definition")),
        []
    );
    assert_eq!(
        terraform_findings(&module("./modules/other", "jsonencode({ Rules = [] })")),
        []
    );
}

#[test]
fn a_terraform_definition_in_a_quoted_string_is_linted_in_place() {
    let tf = "resource \"aws_sfn_state_machine\" \"x\" {\n  definition = \"{\\\"StartAt\\\": \\\"A\\\", \\\"States\\\": {\\\"A\\\": {\\\"Type\\\": \\\"Pass\\\", \\\"Next\\\": \\\"Bee\\\"}}}\"\n}\n";
    let at = terraform_findings(tf);
    assert_eq!(at, [("ASL201", "\\\"Bee\\\"")]);
}

#[test]
fn unknown_intrinsic_functions_in_a_definition_are_reported() {
    let text = "Resources:\n  F:\n    Type: AWS::Serverless::Function\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Task\n            Resource: !GetAttr F.Arn\n            Parameters:\n              a: !!str 1\n              b: {Fn::Joint: [x, [y]]}\n              c: !Sub x\n            End: true\n";
    let found: Vec<(String, String, Option<String>)> = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    )
    .into_iter()
    .filter(|d| d.code == "ASL809")
    .map(|d| (text[d.range.as_usize()].to_string(), d.message, d.help))
    .collect();
    assert_eq!(
        found,
        [
            (
                "!GetAttr".to_string(),
                "CloudFormation has no intrinsic function \"GetAttr\"".to_string(),
                Some("did you mean GetAtt?".to_string())
            ),
            (
                "Fn::Joint".to_string(),
                "CloudFormation has no intrinsic function \"Joint\"".to_string(),
                Some("did you mean Join?".to_string())
            ),
        ]
    );
}

/// YAML 1.1 readings (ASL006) matter where CloudFormation reads YAML: in an inline
/// `Definition`, not in the text of a `DefinitionString` (which is ASL808 when YAML).
#[test]
fn ambiguous_yaml_scalars_only_where_cloudformation_reads_them() {
    let template = |definition: &str| {
        format!(
            "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      {definition}\n"
        )
    };
    let codes = |text: &str| -> Vec<String> {
        lint_yaml(text)
            .into_iter()
            .filter(|(code, _, _)| code == "ASL006" || code == "ASL808")
            .map(|(code, _, at)| format!("{code} {at}"))
            .collect()
    };
    let inline = template(
        "Definition:\n        StartAt: A\n        States: {A: {Type: Pass, Result: yes, End: true}}",
    );
    assert_eq!(codes(&inline), ["ASL006 yes"]);
    let text = template(
        "DefinitionString: |\n        StartAt: A\n        States: {A: {Type: Pass, Result: yes, End: true}}",
    );
    assert_eq!(codes(&text).len(), 1);
    assert!(codes(&text)[0].starts_with("ASL808"));
}

/// A file that a Serverless Framework file names (`${file(...)}`) is read by js-yaml,
/// YAML 1.2: no ASL006 there. A SAM `DefinitionUri` file is read as YAML 1.1.
#[test]
fn referenced_yaml_1_1_readings_follow_the_deploying_tool() {
    let text = "StartAt: A\nStates:\n  A: {Type: Pass, Result: yes, End: true}\n";
    let codes = |yaml_1_1: bool| -> Vec<&str> {
        let r = Reference {
            yaml_1_1,
            ..reference(&[], WorkflowType::Standard)
        };
        lint_referenced(
            text,
            SourceKind::Yaml,
            &r,
            &LintOptions::default(),
            &Environment::default(),
        )
        .into_iter()
        .map(|d| d.code)
        .collect()
    };
    assert_eq!(codes(true), ["ASL006"]);
    assert!(codes(false).is_empty());
}

/// Aliases and merges of aliases in a CloudFormation definition (ASL810); a SAM
/// template is expanded by `sam deploy`, and an anchor alone is accepted.
#[test]
fn yaml_aliases_in_a_cloudformation_definition() {
    let body = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: &a {Type: Pass, Next: B}\n          B:\n            <<: *a\n            Next: C\n          C:\n            <<: {Type: Pass}\n            End: true\n          D: *a\n";
    let found = |text: &str| -> Vec<String> {
        lint_yaml(text)
            .into_iter()
            .filter(|(code, _, _)| code == "ASL810")
            .map(|(_, _, at)| at)
            .collect()
    };
    assert_eq!(found(body), ["<<", "*a"]);
    let sam = format!("Transform: AWS::Serverless-2016-10-31\n{body}");
    assert!(found(&sam).is_empty());
}

#[test]
fn duplicate_template_keys_outside_definitions_are_warnings() {
    let text = r#"AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Handler: app.handler
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: A
        States:
          A: {Type: Pass, End: true}
          A: {Type: Succeed}
  Other:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: '{"StartAt": "B", "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}'
"#;
    let got: Vec<_> = lint_yaml(text)
        .into_iter()
        .filter(|(code, _, _)| code == "ASL002")
        .collect();
    assert_eq!(
        got,
        vec![
            triple("ASL002", "warning", "AWSTemplateFormatVersion"),
            triple("ASL002", "warning", "Handler"),
            triple("ASL002", "error", "A"),
            triple("ASL002", "error", r#""StartAt""#),
        ]
    );
    // js-yaml, the Serverless Framework's reader, refuses the file: still an error.
    let text = "service: s\nservice: t\nstepFunctions:\n  stateMachines:\n    m:\n      definition:\n        StartAt: A\n        States:\n          A: {Type: Succeed}\n";
    assert_eq!(lint_yaml(text), vec![triple("ASL002", "error", "service")]);
}

/// ASL801's token and help for each `${...}` of `text` (a YAML template).
fn unresolved_yaml(text: &str) -> Vec<(String, String)> {
    lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    )
    .into_iter()
    .filter(|d| d.code == "ASL801")
    .map(|d| {
        (
            text[d.range.as_usize()].to_string(),
            d.help.unwrap_or_default(),
        )
    })
    .collect()
}

#[test]
fn serverless_variables_nest_resolve_from_the_file_and_have_their_own_help() {
    let text = r#"service: demo
custom:
  waitSeconds: 30
  table: ${self:service}-${sls:stage}
stepFunctions:
  stateMachines:
    main:
      definition:
        Comment: ${self:service} machine
        StartAt: Wait
        States:
          Wait:
            Type: Wait
            Seconds: ${self:custom.waitSeconds}
            Next: Pub
          Pub:
            Type: Pass
            Parameters:
              TopicArn: ${cf:other-${sls:stage}.TopicArn}
              Table: ${self:custom.table}
              Timeout: ${self:custom.missing, 60}
            Next: Sub
          Sub:
            Type: Task
            Resource:
              Fn::Sub: arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f-${env:STAGE}
            End: true
"#;
    let serverless = "the Serverless Framework resolves its variables at deploy time; to check with a value, give one under [placeholders.values] in asl-lint.toml";
    assert_eq!(
        unresolved_yaml(text),
        vec![(
            "${cf:other-${sls:stage}.TopicArn}".to_string(),
            serverless.to_string()
        ),]
    );
    // `${self:custom.waitSeconds}` is the number 30: no type error for `Seconds`.
    let all = lint_yaml(text);
    assert!(all.iter().all(|(_, sev, _)| sev != "error"), "{all:#?}");
}

#[test]
fn a_long_form_sub_is_left_to_cloudformation_and_pseudo_parameters_explained_outside_one() {
    let text = r#"Resources:
  M:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: A
        States:
          A:
            Type: Task
            Resource:
              Fn::Sub: arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f-${Stage}
            Next: C
          C:
            Type: Task
            Resource: !Sub arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f-${Stage}
            Next: B
          B:
            Type: Pass
            Result: ${AWS::Region}-${Stage}
            End: true
"#;
    assert_eq!(
        unresolved_yaml(text),
        vec![
            (
                "${AWS::Region}".to_string(),
                "CloudFormation fills `${AWS::Region}` only inside an `Fn::Sub` (`!Sub`): elsewhere, pass it in DefinitionSubstitutions under a name of your own (`Region: !Ref AWS::Region`)".to_string()
            ),
        ]
    );
    // Outside an `Fn::Sub`, with no DefinitionSubstitutions, nothing fills `${Stage}`.
    let unfilled: Vec<(String, Option<String>)> =
        crate::lint::lint_text(text, SourceKind::Yaml, &LintOptions::default())
            .into_iter()
            .filter(|d| d.code == "ASL806")
            .map(|d| (d.message, d.help))
            .collect();
    assert_eq!(
        unfilled,
        [(
            "`${Stage}` is not in the DefinitionSubstitutions of \"M\": nothing fills it, and Step Functions gets the text as written".to_string(),
            Some("give `Stage` a value in the DefinitionSubstitutions of \"M\"".to_string())
        )]
    );
}

/// The template of a `DefinitionString: |` holding `lines` at the block's indentation.
fn block_template(lines: &[&str]) -> String {
    let mut t = String::from(
        "Resources:\n  SM:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: |\n",
    );
    for l in lines {
        t.push_str("        ");
        t.push_str(l);
        t.push('\n');
    }
    t
}

fn fix_yaml(text: &str) -> crate::fix::Outcome {
    let lint = |t: &str| {
        lint_text_in(
            t,
            SourceKind::Yaml,
            &LintOptions::default(),
            &Environment::default(),
        )
    };
    crate::fix::fix_text(text, Some(SourceKind::Yaml), lint(text), true, &lint)
}

#[test]
fn a_fix_ending_on_the_next_line_of_a_block_scalar_keeps_its_indentation() {
    // Removing `"BackoffRate": 1.5,` through the line break and the spaces before
    // `"MaxAttempts"`: the end used to map to the 10th column of the next line,
    // counting the block's indentation as the definition's spaces, and left
    // `"MaxAttempts"` 8 columns too far right.
    let text = block_template(&[
        "{",
        "  \"StartAt\": \"A\",",
        "  \"States\": {",
        "    \"A\": {",
        "      \"Type\": \"Task\",",
        "      \"Resource\": \"arn:aws:states:::sqs:sendMessage\",",
        "      \"Parameters\": {\"QueueUrl\": \"q\", \"MessageBody\": \"m\"},",
        "      \"End\": true,",
        "      \"Retry\": [{",
        "         \"ErrorEquals\": [ \"States.ALL\" ],",
        "         \"BackoffRate\": 1.5,",
        "         \"MaxAttempts\": 1",
        "      }]",
        "    }",
        "  }",
        "}",
    ]);
    let found = lint_text_in(
        &text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    let asl507 = found.iter().find(|d| d.code == "ASL507").unwrap();
    let edit = &asl507.fixes[0].edits[0];
    let line17 = text.match_indices('\n').nth(15).unwrap().0 + 1;
    assert_eq!(
        edit.range,
        TextRange::from_usize(text.find("\"BackoffRate\"").unwrap(), line17 + 17)
    );
    assert_eq!(edit.replacement, "");
    let out = fix_yaml(&text);
    assert_eq!(
        out.text,
        text.replace("                 \"BackoffRate\": 1.5,\n", "")
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
}

#[test]
fn fixes_across_lines_of_a_block_scalar_are_offered() {
    // An ErrorEquals split over two lines, and a Fail state's `"End": true` on a line
    // of its own: both fixes used to be dropped inside `DefinitionString: |`.
    let text = block_template(&[
        "{",
        "  \"StartAt\": \"A\",",
        "  \"States\": {",
        "    \"A\": {",
        "      \"Type\": \"Task\",",
        "      \"Resource\": \"arn:aws:states:::sqs:sendMessage\",",
        "      \"Parameters\": {\"QueueUrl\": \"q\", \"MessageBody\": \"m\"},",
        "      \"End\": true,",
        "      \"Catch\": [{",
        "        \"ErrorEquals\": [\"States.ALL\",",
        "          \"MyError\"],",
        "        \"Next\": \"F\"",
        "      }]",
        "    },",
        "    \"F\": {",
        "      \"Type\": \"Fail\",",
        "      \"End\": true",
        "    }",
        "  }",
        "}",
    ]);
    let out = fix_yaml(&text);
    assert_eq!(
        out.text,
        text.replace(
            "[\"States.ALL\",\n                  \"MyError\"]",
            "[\"States.ALL\"]"
        )
        .replace(
            "\"Type\": \"Fail\",\n              \"End\": true",
            "\"Type\": \"Fail\""
        )
    );
    assert_ne!(out.text, text);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
}

#[test]
fn fixes_across_a_folded_line_break_join_the_lines() {
    // `"End": true` on the line after `"Next": "B",` in a folded scalar: removing it
    // crosses the fold (read as one space) and the next line's indentation. That edit
    // used to be dropped, so `--unsafe-fixes` removed Next instead and left B
    // unreachable. The same in a double-quoted scalar folded over two lines.
    let folded = "Resources:\n  SM:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: >-\n        {\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\",\n        \"End\": true},\n        \"B\": {\"Type\": \"Pass\", \"End\": true}}}\n";
    let out = fix_yaml(folded);
    assert_eq!(
        out.text,
        folded.replace("\"B\",\n        \"End\": true}", "\"B\"}")
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let quoted = folded
        .replace(">-\n        {", "\"{")
        .replace('"', "\\\"")
        .replace("\\\"{", "\"{")
        .replace("}}}\n", "}}}\"\n");
    let out = fix_yaml(&quoted);
    assert_ne!(out.text, quoted);
    assert_eq!(
        out.text,
        quoted.replace("\\\"B\\\",\n        \\\"End\\\": true}", "\\\"B\\\"}")
    );
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
}

/// A 1 MiB value: 17 of them come to more than [`MAX_SUBSTITUTED_BYTES`].
fn mebibyte() -> String {
    "v".repeat(1 << 20)
}

/// `(code, line:column, text pointed at, message)` of the diagnostics of `text`.
fn findings(text: &str, kind: SourceKind) -> Vec<(String, String, String, String)> {
    let index = crate::syntax::LineIndex::new(text);
    lint_text_in(text, kind, &LintOptions::default(), &Environment::default())
        .into_iter()
        .map(|d| {
            let lc = index.line_col(text, d.range.start);
            (
                d.code.to_string(),
                format!("{}:{}", lc.line, lc.column),
                text[d.range.as_usize()].to_string(),
                d.message,
            )
        })
        .collect()
}

const TOO_LARGE: &str = "brings the values substituted into the definition past 16 MiB, and Step Functions accepts at most 1 MB (1,048,576 bytes); the values are not filled in, and the rest is checked with them unknown";

#[test]
fn substituted_values_are_counted_before_anything_is_filled_in() {
    // 20 tokens of a 1 MiB value: the 17th passes 16 MiB, whole values and tokens
    // inside strings alike, in the order they are written.
    let text = r#"{"a": ["${X}", "${Y}", "${X}"], "b": "${X}-${X}-${Unknown}", "c": ${X}}"#;
    let doc = syntax::parse(text, SourceKind::Json);
    let root = doc.root.as_ref().unwrap();
    let mut subs = Substitutions::new();
    subs.insert("Unknown".into(), None);
    assert_eq!(oversubstituted(text, root, &subs), None);
    subs.insert("X".into(), Some("x".repeat(4 << 20)));
    subs.insert("Y".into(), Some("y".to_string()));
    // 4 + 4 + 4 + 4 MiB and 1 byte: past the limit at the fourth `${X}`.
    let at = oversubstituted(text, root, &subs).unwrap();
    assert_eq!((at.start, &text[at.as_usize()]), (43, "${X}"));
    subs.insert("Y".into(), Some(String::new()));
    // Exactly 16 MiB is allowed: the fifth `${X}` passes it.
    let at = oversubstituted(text, root, &subs).unwrap();
    assert_eq!((at.start, &text[at.as_usize()]), (66, "${X}"));
}

#[test]
fn a_definition_file_whose_values_come_to_too_much_is_linted_with_them_unknown() {
    // 20 references to a 1 MiB value would splice 20 MiB into a 1 KB file. Nothing is
    // spliced: ASL123 at the 17th, and the file's own mistake is still found.
    let text = format!(
        "{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"Result\": \"{}\", \"Next\": \"Nowhere\"}}}}}}",
        "${Big}".repeat(20)
    );
    let big = mebibyte();
    for filling in [Filling::Substitutions, Filling::TerraformTemplate] {
        let mut r = reference(&[("Big", Some(&big))], WorkflowType::Standard);
        r.filling = filling;
        let found: Vec<(String, String, String)> = json_ref_diagnostics(&text, &r)
            .into_iter()
            .map(|d| {
                (
                    d.code.to_string(),
                    text[d.range.as_usize()].to_string(),
                    d.message,
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "ASL123".to_string(),
                    "${Big}".to_string(),
                    format!("filling in `${{Big}}` {TOO_LARGE}")
                ),
                (
                    "ASL201".to_string(),
                    "\"Nowhere\"".to_string(),
                    "Next names \"Nowhere\", which is not a state of the top level".to_string()
                ),
            ],
            "{filling:?}"
        );
        let d = &json_ref_diagnostics(&text, &r)[0];
        assert_eq!(
            d.range.start as usize,
            text.find("${Big}").unwrap() + 16 * 6
        );
    }
}

#[test]
fn template_definitions_whose_values_come_to_too_much_are_linted_with_them_unknown() {
    let big = mebibyte();
    let refs = "${Big}".repeat(20);
    // An `Fn::Sub` with its own variable map: the text stops growing at 16 MiB, and the
    // definition is read again with the tokens left in.
    let sub = format!(
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub\n        - '{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"Result\": \"{refs}\", \"Next\": \"Nowhere\"}}}}}}'\n        - Big: {big}\n"
    );
    let column = sub.lines().nth(5).unwrap().find("${Big}").unwrap() + 1 + 16 * 6;
    assert_eq!(
        findings(&sub, SourceKind::Yaml),
        vec![
            (
                "ASL123".to_string(),
                format!("6:{column}"),
                "${Big}".to_string(),
                format!("filling in `${{Big}}` {TOO_LARGE}")
            ),
            (
                "ASL201".to_string(),
                "6:204".to_string(),
                "\"Nowhere\"".to_string(),
                "Next names \"Nowhere\", which is not a state of the top level".to_string()
            ),
        ]
    );
    // What is linted is the text as written, the tokens left in.
    let doc = syntax::parse(&sub, SourceKind::Yaml);
    let defs = template::find(doc.root.as_ref().unwrap()).unwrap();
    let Body::Text(node) = defs[0].body else {
        panic!("a DefinitionString")
    };
    let Err(Unflattened::TooLarge(at)) = template::flatten(&sub, node, &defs[0].substitutions)
    else {
        panic!("too large")
    };
    assert_eq!(sub[..at.start as usize].matches("${Big}").count(), 16);
    let unfilled = template::flatten_unfilled(&sub, node, &defs[0].substitutions).unwrap();
    assert_eq!(
        unfilled.text,
        format!(
            "{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"Result\": \"{refs}\", \"Next\": \"Nowhere\"}}}}}}"
        )
    );
    // DefinitionSubstitutions filled into a DefinitionString, and into an inline
    // Definition (as whole values there).
    let string = format!(
        "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        Big: {big}\n      DefinitionString: '{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"Result\": \"{refs}\", \"Next\": \"Nowhere\"}}}}}}'\n"
    );
    let found = findings(&string, SourceKind::Yaml);
    assert_eq!(
        found.iter().map(|f| (&*f.0, &*f.2)).collect::<Vec<_>>(),
        vec![("ASL123", "${Big}"), ("ASL201", "\"Nowhere\"")]
    );
    let mut inline = format!(
        "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        Big: {big}\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Next: Nowhere\n            Result:\n"
    );
    for i in 0..20 {
        inline.push_str(&format!("              k{i}: ${{Big}}\n"));
    }
    assert_eq!(
        findings(&inline, SourceKind::Yaml),
        vec![
            (
                "ASL201".to_string(),
                "12:19".to_string(),
                "Nowhere".to_string(),
                "Next names \"Nowhere\", which is not a state of the top level".to_string()
            ),
            (
                "ASL123".to_string(),
                "30:20".to_string(),
                "${Big}".to_string(),
                format!("filling in `${{Big}}` {TOO_LARGE}")
            ),
        ]
    );
}

#[test]
fn a_run_refuses_a_definition_whose_values_come_to_too_much() {
    let big = mebibyte();
    let refs = "${Big}".repeat(20);
    let dir = std::path::Path::new(".");
    let sub = format!(
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub\n        - '{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Pass\", \"Result\": \"{refs}\", \"End\": true}}}}}}'\n        - Big: {big}\n"
    );
    let column = sub.lines().nth(5).unwrap().find("${Big}").unwrap() + 1 + 16 * 6;
    assert_eq!(
        deployed_definition(&sub, SourceKind::Yaml, dir, None),
        Err(format!(
            "the definition of `M` is not built: at line 6, column {column}, filling in `${{Big}}` brings the values substituted into the definition past 16 MiB, and Step Functions accepts at most 1 MB (1,048,576 bytes)"
        ))
    );
    let mut inline = format!(
        "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        Big: {big}\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            End: true\n            Result:\n"
    );
    for i in 0..20 {
        inline.push_str(&format!("              k{i}: ${{Big}}\n"));
    }
    assert_eq!(
        deployed_definition(&inline, SourceKind::Yaml, dir, None),
        Err("the definition of `M` is not built: at line 30, column 20, filling in `${Big}` brings the values substituted into the definition past 16 MiB, and Step Functions accepts at most 1 MB (1,048,576 bytes)".to_string())
    );
}

/// A template of many state machines, each naming a resource that is one edit from a
/// defined one: each is reported, the first hundred with a did-you-mean (each search
/// compares the name with every defined one); an `${...}` so reported is not also
/// ASL801's.
#[test]
fn many_undefined_references_are_each_reported_and_suggestions_are_bounded() {
    let machines: Vec<String> = (0..150)
        .map(|i| {
            format!(
                r#""M{i}": {{"Type": "AWS::StepFunctions::StateMachine", "Properties": {{"DefinitionString": {{"Fn::Sub": "{{\"StartAt\": \"A\", \"States\": {{\"A\": {{\"Type\": \"Task\", \"Resource\": \"${{Fnc{i}.Arn}}\", \"End\": true}}}}}}"}}}}}}, "Fn{i}": {{"Type": "AWS::Lambda::Function"}}"#
            )
        })
        .collect();
    let text = format!(r#"{{"Resources": {{{}}}}}"#, machines.join(", "));
    let out = lint_text_in(
        &text,
        SourceKind::Json,
        &LintOptions::default(),
        &Environment::default(),
    );
    let undefined: Vec<&crate::Diagnostic> = out.iter().filter(|d| d.code == "ASL807").collect();
    assert_eq!(undefined.len(), 150);
    assert_eq!(&text[undefined[7].range.as_usize()], "Fnc7");
    let suggested = undefined
        .iter()
        .filter(|d| {
            d.help
                .as_deref()
                .is_some_and(|h| h.starts_with("did you mean"))
        })
        .count();
    assert_eq!(suggested, 100);
    assert_eq!(undefined[0].help.as_deref(), Some("did you mean \"Fn0\"?"));
    assert!(out.iter().all(|d| d.code != "ASL801"), "{out:#?}");
}

/// A state-name key filled with the name of another state makes a duplicate: ASL002,
/// as reading the filled text finds it (a referenced file is read so already).
#[test]
fn a_key_placeholder_that_duplicates_a_state_is_asl002() {
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        Step: A\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            End: true\n          ${Step}:\n            Type: Succeed\n";
    let found = lint_yaml(text);
    assert!(
        found.contains(&(
            "ASL002".to_string(),
            "error".to_string(),
            "${Step}".to_string()
        )),
        "{found:?}"
    );
    // Another name: no duplicate.
    assert!(
        !lint_yaml(&text.replace("Step: A", "Step: B"))
            .iter()
            .any(|f| f.0 == "ASL002")
    );
}

/// A misspelt `Next` meant for a state named by a placeholder is fixed to the
/// placeholder, not to the value one deploy gives it.
#[test]
fn a_typo_of_a_placeholder_named_state_is_fixed_to_the_placeholder() {
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        Step: First\n      Definition:\n        StartAt: Start\n        States:\n          Start:\n            Type: Pass\n            Next: Frist\n          ${Step}:\n            Type: Succeed\n";
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    let d = out.iter().find(|d| d.code == "ASL201").unwrap();
    let edits: Vec<&str> = d.fixes[0]
        .edits
        .iter()
        .map(|e| e.replacement.as_str())
        .collect();
    assert_eq!(edits, ["\"${Step}\""]);
}

/// CloudFormation and SAM read a YAML template as YAML 1.1: the definition that
/// deploys has `true` for `yes`, `false` for `no`, 90 for `1:30` and 8 for `010`, and
/// rules judge that one (ASL006 still says where the YAML versions differ). A fix that
/// quotes such a value writes it as it is written. The Serverless Framework reads
/// YAML 1.2: there `yes` is the text it looks like.
#[test]
fn a_cloudformation_yaml_definition_is_read_as_yaml_1_1() {
    let text = r#"Resources:
  SM:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: C
        States:
          C:
            Type: Choice
            Choices:
              - Variable: $.ok
                BooleanEquals: yes
                Next: W
              - Variable: $.country
                StringEquals: no
                Next: Yes
            Default: W
          W:
            Type: Wait
            Seconds: 1:30
            Next: Yes
          Yes:
            Type: Wait
            Seconds: 010
            End: true
"#;
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    let found: Vec<(&str, &str, &str, Vec<&str>)> = out
        .iter()
        .filter(|d| d.code != "ASL006")
        .map(|d| {
            (
                d.code,
                &text[d.range.as_usize()],
                d.message.as_str(),
                d.fixes
                    .iter()
                    .flat_map(|f| f.edits.iter().map(|e| e.replacement.as_str()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "ASL113",
                "no",
                "'StringEquals' must be a string, not false",
                vec!["\"no\""]
            ),
            (
                "ASL113",
                "Yes",
                "'Next' must be a string, not true",
                vec!["\"Yes\""]
            ),
            (
                "ASL113",
                "Yes",
                "'Next' must be a string, not true",
                vec!["\"Yes\""]
            ),
        ]
    );
    let title = &out.iter().find(|d| d.code == "ASL113").unwrap().fixes[0].title;
    assert_eq!(title, "Write it as \"no\"");
    // The Serverless Framework (js-yaml) reads YAML 1.2.
    let serverless = "service: demo\nprovider:\n  name: aws\nstepFunctions:\n  stateMachines:\n    m:\n      definition:\n        StartAt: C\n        States:\n          C:\n            Type: Choice\n            Choices:\n              - Variable: $.ok\n                BooleanEquals: yes\n                Next: D\n            Default: E\n          D:\n            Type: Succeed\n          E:\n            Type: Fail\n";
    assert_eq!(
        lint_yaml(serverless),
        vec![triple("ASL113", "error", "yes")]
    );
}

/// A YAML definition file that SAM deploys (`DefinitionUri`) is read as YAML 1.1 too.
#[test]
fn a_referenced_yaml_file_is_read_as_yaml_1_1_where_its_tool_does() {
    let text = "StartAt: C\nStates:\n  C:\n    Type: Choice\n    Choices:\n      - Variable: $.ok\n        BooleanEquals: yes\n        Next: D\n    Default: E\n  D:\n    Type: Succeed\n  E:\n    Type: Fail\n";
    let r = reference(&[], WorkflowType::Standard);
    assert_eq!(
        lint_ref(text, SourceKind::Yaml, &r),
        vec![at("ASL006", "7:24", "yes")]
    );
    let js_yaml = Reference {
        yaml_1_1: false,
        filling: Filling::Serverless,
        ..r
    };
    assert_eq!(
        lint_ref(text, SourceKind::Yaml, &js_yaml),
        vec![at("ASL113", "7:24", "yes")]
    );
}

/// A definition stored in S3 is not read, and `check` says so (as `graph` and
/// `simulate` do) rather than passing the template as checked.
#[test]
fn a_definition_stored_in_s3_is_reported_unread() {
    let text = r#"Resources:
  A:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionS3Location: {Bucket: b, Key: k.json}
  B:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: s3://b/k.json
"#;
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    let found: Vec<(&str, &str, &str)> = out
        .iter()
        .map(|d| (d.code, &text[d.range.as_usize()], d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "ASL803",
                "{Bucket: b, Key: k.json}",
                "the DefinitionS3Location of \"A\" is stored in S3, which asl-lint cannot read before deployment; it was not checked"
            ),
            (
                "ASL803",
                "s3://b/k.json",
                "the DefinitionUri of \"B\" is stored in S3, which asl-lint cannot read before deployment; it was not checked"
            ),
        ]
    );
}

/// CloudFormation's `Ref` of a parameter is a string even when its `Type` is
/// `Number`, so a number field given one is refused by Step Functions
/// (SCHEMA_VALIDATION_FAILED): ASL113 at the intrinsic, in a Wait, a Task and a
/// retrier alike. A `Ref` where any value may go (a Task's `Parameters`) is not judged.
#[test]
fn a_ref_in_a_number_field_is_a_string() {
    let text = r#"Parameters:
  WaitTime: {Type: Number, Default: 10}
Resources:
  SM:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: W
        States:
          W: {Type: Wait, Seconds: !Ref WaitTime, Next: T}
          T:
            Type: Task
            Resource: arn:aws:states:::sqs:sendMessage
            Parameters: {QueueUrl: q, MessageBody: !Ref WaitTime}
            TimeoutSeconds: {Ref: WaitTime}
            Retry:
              - ErrorEquals: [States.ALL]
                MaxAttempts: !Sub "${WaitTime}"
            End: true
"#;
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    let found: Vec<(&str, &str, &str)> = out
        .iter()
        .map(|d| (d.code, &text[d.range.as_usize()], d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "ASL113",
                "!Ref WaitTime",
                "'Seconds' must be an integer, but `!Ref WaitTime` gives a string: the Ref of a parameter is its value as text, even when the parameter's Type is Number; Step Functions refuses the definition"
            ),
            (
                "ASL113",
                "{Ref: WaitTime}",
                "'TimeoutSeconds' must be an integer, but `{Ref: WaitTime}` gives a string: the Ref of a parameter is its value as text, even when the parameter's Type is Number; Step Functions refuses the definition"
            ),
            (
                "ASL113",
                "!Sub \"${WaitTime}\"",
                "'MaxAttempts' must be an integer, but `Fn::Sub` makes a string; Step Functions refuses the definition"
            ),
        ]
    );
    // A JSONata state takes a `{% ... %}` string there, which a `Fn::Sub` may make.
    let jsonata = r#"Resources:
  SM:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        QueryLanguage: JSONata
        StartAt: W
        States:
          W: {Type: Wait, Seconds: !Sub "{% $states.input.${AWS::Region} %}", End: true}
"#;
    assert_eq!(lint_yaml(jsonata), vec![]);
}

/// A definition or a state chosen by `Fn::If` is each of its values in turn, as
/// CloudFormation may deploy either: a mistake in one is reported where it is written.
/// A state that only one choice leads to is not unreachable, and a value of
/// `!Ref AWS::NoValue` leaves the state out.
#[test]
fn each_value_of_an_fn_if_is_linted() {
    let text = r#"Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111111111111"]
Resources:
  S:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition: !If
        - IsProd
        - StartAt: A
          States:
            A: {Type: Pass, Next: NopeProd}
        - StartAt: A
          States:
            A: {Type: Pass, End: true}
  S2:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: A
        States:
          A: !If
            - IsProd
            - {Type: Pass, Next: B}
            - {Type: Pass, Next: C}
          B: {Type: Pass, End: true}
          C: !If [IsProd, !Ref AWS::NoValue, {Type: Pass, Next: NopeIf}]
"#;
    assert_eq!(
        lint_yaml(text),
        vec![
            triple("ASL201", "error", "NopeProd"),
            triple("ASL201", "error", "NopeIf"),
        ]
    );
}

/// State machines stamped out by `Fn::ForEach` (AWS::LanguageExtensions) are found,
/// once per value of the loop's list, with the loop's `${Name}` filled in; a list
/// given by a parameter leaves it a value known at deploy time. A mistake that does
/// not depend on the loop is reported once, at its place in the template.
#[test]
fn state_machines_under_fn_for_each_are_linted() {
    let text = r#"Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList, Default: "a,b"}
Resources:
  Fn::ForEach::Machines:
    - Name
    - [Alpha, Beta]
    - SM${Name}:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          Definition:
            StartAt: A
            States:
              A: {Type: Pass, Next: "Go${Name}"}
              GoAlpha: {Type: Pass, Next: NopeFE}
  Fn::ForEach::Others:
    - N
    - !Ref Names
    - X${N}:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          Definition:
            StartAt: A
            States:
              A: {Type: Pass, Result: "${N}", End: true}
"#;
    assert_eq!(
        lint_yaml(text),
        vec![
            triple("ASL201", "error", "\"Go${Name}\""),
            triple("ASL201", "error", "NopeFE"),
        ]
    );
    let document = crate::syntax::parse(text, SourceKind::Yaml);
    assert_eq!(
        state_machine_names(document.root.as_ref().unwrap()),
        Some(vec![
            "SMAlpha".to_string(),
            "SMBeta".to_string(),
            "X${N}".to_string()
        ])
    );
}

/// Loops stamp out at most the 500 resources a template may have: three nested loops
/// of 60 values were 216,000 state machines to lint (22 s).
#[test]
fn fn_for_each_stamps_out_at_most_500_state_machines() {
    let mut fragment = r#"{"SM${A}${B}": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}"#.to_string();
    for id in ["B", "A"] {
        let values: Vec<String> = (0..60).map(|i| format!("\"v{i}\"")).collect();
        fragment = format!(
            r#"{{"Fn::ForEach::L{id}": ["{id}", [{}], {fragment}]}}"#,
            values.join(",")
        );
    }
    let text = format!(r#"{{"Transform": "AWS::LanguageExtensions", "Resources": {fragment}}}"#);
    let document = crate::syntax::parse(&text, SourceKind::Json);
    let names = state_machine_names(document.root.as_ref().unwrap()).unwrap();
    assert_eq!(names.len(), 500);
    assert_eq!(names[0], "SMv0v0");
    assert_eq!(names[499], "SMv8v19");
}

/// A state given by an intrinsic asl-lint does not read (a `Ref`, an `Fn::If` with
/// such a value) is said to be not checked, rather than passed over.
#[test]
fn a_state_computed_at_deploy_time_is_reported_unread() {
    let text = r#"Parameters:
  P: {Type: String}
Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "111111111111"]
Resources:
  S2:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: A
        States:
          A: !If [IsProd, !Ref P, {Type: Succeed}]
"#;
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    let found: Vec<(&str, &str, &str)> = out
        .iter()
        .map(|d| (d.code, &text[d.range.as_usize()], d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![(
            "ASL803",
            "!If [IsProd, !Ref P, {Type: Succeed}]",
            "state \"A\" of \"S2\" is an `Fn::If` with a value that is not a state written out, which asl-lint cannot read before deployment; it was not checked"
        )]
    );
}

/// The run of one turn of an `Fn::ForEach` is held up by that turn's errors only:
/// the turns share their text, and another's mistake is not this one's.
#[test]
fn a_run_of_one_fn_for_each_turn_sees_its_own_errors() {
    let text = r#"Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Machines:
    - Name
    - [Alpha, Beta]
    - SM${Name}:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          Definition:
            StartAt: A
            States:
              A: {Type: Pass, Next: "Go${Name}"}
              GoAlpha: {Type: Succeed}
"#;
    let dir = std::path::Path::new(".");
    let errors = |name: &str| {
        let deployed = deployed_definition(text, SourceKind::Yaml, dir, Some(name))
            .unwrap()
            .unwrap();
        deployed_errors(
            text,
            None,
            SourceKind::Yaml,
            dir,
            &deployed,
            WorkflowType::Standard,
            &|d| d.severity == Severity::Error,
        )
    };
    assert_eq!(errors("SMAlpha"), Vec::<String>::new());
    assert_eq!(
        errors("SMBeta"),
        ["12:37: ASL201 Next names \"GoBeta\", which is not a state of the top level"]
    );
}

/// `&{Name}` in an `Fn::ForEach` definition is the turn's value without its
/// non-alphanumeric characters (`Al-pha` gives `Alpha`), or an unknown value where
/// the list is only known at deploy time.
#[test]
fn fn_for_each_ampersand_references_are_filled() {
    let text = r#"Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList, Default: "a,b"}
Resources:
  Fn::ForEach::Machines:
    - Name
    - [Al-pha, Beta]
    - SM&{Name}:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          Definition:
            StartAt: A
            States:
              A: {Type: Pass, Next: "Go&{Name}"}
              GoAlpha: {Type: Succeed}
  Fn::ForEach::Others:
    - N
    - !Ref Names
    - X&{N}:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          Definition:
            StartAt: A
            States:
              A: {Type: Pass, Next: "&{N}"}
"#;
    let out = lint_text_in(
        text,
        SourceKind::Yaml,
        &LintOptions::default(),
        &Environment::default(),
    );
    let found: Vec<(&str, &str)> = out.iter().map(|d| (d.code, d.message.as_str())).collect();
    assert_eq!(
        found,
        [(
            "ASL201",
            "Next names \"GoBeta\", which is not a state of the top level"
        )]
    );
}
