use super::*;
use crate::expr::jsonpath::Root;
use serde_json::json;

fn r(a: u32, b: u32) -> TextRange {
    TextRange::new(a, b)
}

fn call(s: &str) -> Call {
    parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn errors(s: &str) -> Vec<(TextRange, String)> {
    check(s).into_iter().map(|e| (e.span, e.message)).collect()
}

fn one_error(s: &str) -> (TextRange, String) {
    let mut errs = errors(s);
    assert_eq!(errs.len(), 1, "{s}: {errs:?}");
    errs.remove(0)
}

// --- detection and parsing -----------------------------------------------------------

#[test]
fn detection() {
    assert!(is_intrinsic("States.Format('{}', $.a)"));
    assert!(is_intrinsic("States.UUID()"));
    assert!(is_intrinsic("  States.Array ( 1 ) "));
    assert!(is_intrinsic("States.Foo(1)"));
    assert!(!is_intrinsic("$.a"));
    assert!(!is_intrinsic("hello"));
    assert!(!is_intrinsic("Format(1)"));
    assert!(!is_intrinsic("States.Format"));
    assert!(!is_intrinsic(""));
}

#[test]
fn parses_format_with_spans() {
    let c = call("States.Format('x {}', $.a)");
    assert_eq!(c.name, "States.Format");
    assert_eq!(c.function, Some(Function::Format));
    assert_eq!(c.name_span, r(0, 13));
    assert_eq!(c.span, r(0, 26));
    assert_eq!(c.args.len(), 2);
    assert_eq!(c.args[0].span, r(14, 20));
    assert_eq!(
        c.args[0].kind,
        ArgKind::String {
            value: "x {}".into(),
            raw: "x {}".into()
        }
    );
    assert_eq!(c.args[1].span, r(22, 25));
    let ArgKind::Path(p) = &c.args[1].kind else {
        panic!()
    };
    assert_eq!(p.text, "$.a");
    assert_eq!(p.span, r(22, 25));
    assert_eq!(p.segments[0].span, r(23, 25));
}

#[test]
fn parses_every_argument_kind() {
    let c = call(
        "States.Array('it\\'s \\{\\} \\\\', 1, -2.5, 1e3, true, false, null, $$.Execution.Id, $v.list[0], $, States.UUID())",
    );
    let kinds: Vec<&ArgKind> = c.args.iter().map(|a| &a.kind).collect();
    assert_eq!(
        kinds[0],
        &ArgKind::String {
            value: "it's {} \\".into(),
            raw: "it\\'s \\{\\} \\\\".into()
        }
    );
    assert_eq!(kinds[1], &ArgKind::Number(1.into()));
    assert_eq!(kinds[2], &ArgKind::Number(Number::from_f64(-2.5).unwrap()));
    assert_eq!(
        kinds[3],
        &ArgKind::Number(Number::from_f64(1000.0).unwrap())
    );
    assert_eq!(kinds[4], &ArgKind::Bool(true));
    assert_eq!(kinds[5], &ArgKind::Bool(false));
    assert_eq!(kinds[6], &ArgKind::Null);
    let ArgKind::Path(p) = kinds[7] else { panic!() };
    assert_eq!(p.root, Root::Context);
    let ArgKind::Path(p) = kinds[8] else { panic!() };
    assert_eq!(p.root, Root::Variable("v".into()));
    let ArgKind::Path(p) = kinds[9] else { panic!() };
    assert!(p.segments.is_empty());
    let ArgKind::Call(inner) = kinds[10] else {
        panic!()
    };
    assert_eq!(inner.function, Some(Function::Uuid));
}

#[test]
fn paths_with_commas_and_parens_inside_brackets() {
    let c = call("States.Array($.a[0,1], $['x,y'], $.b[?(@.c == 'd)')], $.e)");
    assert_eq!(c.args.len(), 4);
    let texts: Vec<String> = c
        .args
        .iter()
        .map(|a| match &a.kind {
            ArgKind::Path(p) => p.text.clone(),
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        texts,
        ["$.a[0,1]", "$['x,y']", "$.b[?(@.c == 'd)')]", "$.e"]
    );
}

#[test]
fn whitespace_is_allowed_between_tokens() {
    let c = call("  States.Format ( '{}' ,  $.a  )  ");
    assert_eq!(c.args.len(), 2);
    assert_eq!(c.span, r(2, 32));
}

#[test]
fn syntax_errors() {
    let e = parse("States.Format('x', $.a").unwrap_err();
    assert_eq!(e.span, r(0, 22));
    assert_eq!(e.message, "unclosed call to `States.Format`: expected `)`");
    let e = parse("States.Format('x)").unwrap_err();
    assert_eq!(e.span, r(14, 17));
    assert_eq!(e.message, "unterminated string: expected a closing '");
    let e = parse("States.Format('a\\nb')").unwrap_err();
    assert_eq!(e.span, r(16, 18));
    assert_eq!(
        e.message,
        "invalid escape `\\n`: only \\', \\{, \\} and \\\\ are allowed in intrinsic strings"
    );
    let e = parse("States.Format(\"x\")").unwrap_err();
    assert_eq!(e.span, r(14, 15));
    assert_eq!(
        e.message,
        "strings in intrinsic functions use single quotes: 'text'"
    );
    let e = parse("States.Array(1 2)").unwrap_err();
    assert_eq!(e.span, r(15, 16));
    assert_eq!(
        e.message,
        "unexpected `2` at offset 15; expected `,` or `)` after an argument"
    );
    let e = parse("States.Array(1,)").unwrap_err();
    assert_eq!(e.span, r(15, 16));
    let e = parse("States.Array(foo)").unwrap_err();
    assert_eq!(e.span, r(13, 16));
    assert!(
        e.message
            .starts_with("unexpected `foo`; expected an argument")
    );
    let e = parse("States.Array(1) x").unwrap_err();
    assert_eq!(e.span, r(16, 17));
    assert_eq!(
        e.message,
        "unexpected `x` at offset 16; expected the end of the expression after the closing `)`"
    );
    let e = parse("States.UUID").unwrap_err();
    assert_eq!(
        e.message,
        "unexpected end of the expression; expected `(` after the function name `States.UUID`"
    );
    let e = parse("States.Array($.a])").unwrap_err();
    assert_eq!(e.span, r(16, 17));
    assert_eq!(e.message, "unexpected `]` at offset 16");
    let e = parse("States.Array(1.)").unwrap_err();
    assert_eq!(e.span, r(13, 15));
    assert_eq!(e.message, "`1.` is not a valid number");
    let e = parse("(1)").unwrap_err();
    assert_eq!(e.span, r(0, 1));
}

#[test]
fn hostile_nesting_does_not_overflow() {
    let s = format!("{}1{}", "States.Array(".repeat(10_000), ")".repeat(10_000));
    let e = parse(&s).unwrap_err();
    assert!(
        e.message
            .starts_with("intrinsic functions nested too deeply")
    );
}

// --- validation ----------------------------------------------------------------------

#[test]
fn valid_calls_pass() {
    for ok in [
        "States.Format('Hello, my name is {}.', $.name)",
        "States.Format('{}', States.UUID())",
        "States.Format('literal \\{\\} braces')",
        "States.StringToJson($.someString)",
        "States.StringToJson('{\"number\": 20}')",
        "States.JsonToString($.someJson)",
        "States.Array()",
        "States.Array('Foo', 2020, $.someJson, null)",
        "States.ArrayPartition($.inputArray, 4)",
        "States.ArrayContains($.inputArray, $.lookingFor)",
        "States.ArrayRange(1, 9, 2)",
        "States.ArrayRange(10, 0, -1)",
        "States.ArrayGetItem($.inputArray, $.index)",
        "States.ArrayLength($.inputArray)",
        "States.ArrayUnique($.inputArray)",
        "States.Base64Encode($.input)",
        "States.Base64Decode($.base64)",
        "States.Hash($.Data, $.Algorithm)",
        "States.Hash('input data', 'SHA-384')",
        "States.JsonMerge($.json1, $.json2, false)",
        "States.MathRandom($.start, $.end)",
        "States.MathRandom(1, 999, 1234)",
        "States.MathAdd($.value1, $.step)",
        "States.MathAdd(111, -1)",
        "States.StringSplit($.inputString, $.splitter)",
        "States.UUID()",
        "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)",
        "States.Format('{}', $var.field)",
    ] {
        assert_eq!(errors(ok), vec![], "{ok}");
    }
}

#[test]
fn aws_nine_call_example() {
    // The example in the AWS guide has three placeholders but two values: it would fail
    // at run time, and the validator says so (and nothing else).
    let documented = "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    assert_eq!(
        one_error(documented),
        (
            r(14, 24),
            "the `States.Format` template has 3 placeholders `{}` but 2 values follow it".into()
        )
    );
    let fixed = documented.replacen("'{}.{}.{}'", "'{}.{}'", 1);
    assert_eq!(errors(&fixed), vec![]);
    let out = simulated_value(
        &fixed,
        json!({"ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123:image-recipe/my-recipe/1.2.3"}}),
    );
    assert_eq!(out, json!("1.2"));
}

#[test]
fn nesting_deeper_than_ten_is_reported() {
    let mut s = "States.UUID()".to_string();
    for _ in 0..10 {
        s = format!("States.Array({s})");
    }
    // 11 levels: the innermost UUID is at depth 11.
    let (span, msg) = one_error(&s);
    let at = s.find("States.UUID").unwrap() as u32;
    assert_eq!(span, r(at, at + 11));
    assert_eq!(
        msg,
        "intrinsic functions can be nested at most 10 deep; `States.UUID` is at depth 11"
    );
    let ten = s.replacen("States.Array(", "", 1);
    let ten = &ten[..ten.len() - 1];
    assert_eq!(errors(ten), vec![]);
}

#[test]
fn unknown_functions_suggest() {
    assert_eq!(
        one_error("States.Fromat('{}', 1)"),
        (
            r(0, 13),
            "unknown intrinsic function `States.Fromat`; did you mean `States.Format`?".into()
        )
    );
    assert_eq!(
        one_error("States.format('x')").1,
        "unknown intrinsic function `States.format`; did you mean `States.Format`?"
    );
    assert_eq!(
        one_error("States.Uuid()").1,
        "unknown intrinsic function `States.Uuid`; did you mean `States.UUID`?"
    );
    assert_eq!(
        one_error("Foo.ArrayLength($.a)").1,
        "unknown intrinsic function `Foo.ArrayLength`; intrinsic functions are named `States.<Name>`"
    );
    assert_eq!(
        one_error("States.Foo()").1,
        "unknown intrinsic function `States.Foo`"
    );
    assert_eq!(suggest("States.StringToJSON"), Some("States.StringToJson"));
    assert_eq!(suggest("States.ArrayLenght"), Some("States.ArrayLength"));
    assert_eq!(suggest("States.Completely"), None);
}

#[test]
fn arity_errors() {
    assert_eq!(
        one_error("States.MathAdd(1)"),
        (
            r(0, 17),
            "`States.MathAdd` takes 2 arguments but 1 was given".into()
        )
    );
    assert_eq!(
        one_error("States.UUID(1, 2)"),
        (
            r(12, 16),
            "`States.UUID` takes no arguments but 2 were given".into()
        )
    );
    assert_eq!(
        one_error("States.Format()").1,
        "`States.Format` takes at least 1 argument but 0 were given"
    );
    assert_eq!(
        one_error("States.MathRandom(1)").1,
        "`States.MathRandom` takes 2 or 3 arguments but 1 was given"
    );
    assert_eq!(
        one_error("States.JsonMerge($.a, $.b)").1,
        "`States.JsonMerge` takes 3 arguments but 2 were given"
    );
    assert_eq!(
        one_error("States.ArrayLength($.a, $.b)"),
        (
            r(24, 27),
            "`States.ArrayLength` takes 1 argument but 2 were given".into()
        )
    );
}

#[test]
fn literal_argument_types() {
    assert_eq!(
        one_error("States.ArrayPartition($.a, 'x')"),
        (
            r(27, 30),
            "argument 2 of `States.ArrayPartition` must be a positive integer, but a string is given"
                .into()
        )
    );
    assert_eq!(
        one_error("States.ArrayPartition($.a, 0)").1,
        "argument 2 of `States.ArrayPartition` must be a positive integer, but it is 0"
    );
    assert_eq!(
        one_error("States.ArrayLength('abc')").1,
        "argument 1 of `States.ArrayLength` must be an array, but a string is given"
    );
    assert_eq!(
        one_error("States.ArrayLength(States.Format('x'))").1,
        "argument 1 of `States.ArrayLength` must be an array, but `States.Format` returns a string"
    );
    assert_eq!(
        one_error("States.ArrayGetItem($.a, -1)").1,
        "argument 2 of `States.ArrayGetItem` must be a non-negative integer, but it is -1"
    );
    assert_eq!(
        one_error("States.ArrayGetItem($.a, 1.5)").1,
        "argument 2 of `States.ArrayGetItem` must be a non-negative integer, but a number is given"
    );
    // Step Functions rounds these to the nearest integer.
    for rounded in [
        "States.ArrayRange(1.5, 3, 1)",
        "States.ArrayPartition($.a, 2.5)",
        "States.MathRandom(0.5, 9.5)",
    ] {
        assert!(validate(&call(rounded)).is_empty(), "{rounded}");
    }
    assert_eq!(
        one_error("States.MathAdd('1', 2)").1,
        "argument 1 of `States.MathAdd` must be a number, but a string is given"
    );
    assert_eq!(
        one_error("States.Format(1)").1,
        "argument 1 of `States.Format` must be a string, but an integer is given"
    );
    assert_eq!(
        one_error("States.JsonMerge($.a, null, false)").1,
        "argument 2 of `States.JsonMerge` must be an object, but null is given"
    );
    assert_eq!(
        one_error("States.JsonMerge($.a, $.b, 'false')").1,
        "argument 3 of `States.JsonMerge` must be a boolean, but a string is given"
    );
    // Calls that may return anything are not second-guessed.
    assert_eq!(
        errors("States.ArrayLength(States.StringToJson($.s))"),
        vec![]
    );
}

#[test]
fn literal_argument_values() {
    assert_eq!(
        one_error("States.Hash($.d, 'SHA256')"),
        (
            r(17, 25),
            "unsupported hash algorithm 'SHA256': `States.Hash` accepts MD5, SHA-1, SHA-256, SHA-384 and SHA-512; did you mean 'SHA-256'?".into()
        )
    );
    assert_eq!(
        one_error("States.Hash($.d, 'CRC32')").1,
        "unsupported hash algorithm 'CRC32': `States.Hash` accepts MD5, SHA-1, SHA-256, SHA-384 and SHA-512"
    );
    assert_eq!(
        one_error("States.JsonMerge($.a, $.b, true)"),
        (
            r(27, 31),
            "`States.JsonMerge` only supports a shallow merge: the third argument must be `false`"
                .into()
        )
    );
    assert_eq!(
        one_error("States.ArrayRange(1, 9, 0)"),
        (
            r(24, 25),
            "the step of `States.ArrayRange` cannot be 0".into()
        )
    );
    assert_eq!(
        one_error("States.ArrayRange(0, 1000, 1)"),
        (
            r(0, 29),
            "`States.ArrayRange` would produce 1001 items; at most 1000 are allowed".into()
        )
    );
    assert_eq!(errors("States.ArrayRange(1, 1000, 1)"), vec![]);
    assert_eq!(
        one_error("States.MathRandom(10, 1)").1,
        "the start of `States.MathRandom` (10) is greater than its end (1)"
    );
    assert_eq!(
        one_error("States.StringToJson('{nope')").1,
        "the argument of `States.StringToJson` is not valid JSON: key must be a string at line 1 column 2"
    );
    let long = format!("States.Base64Encode('{}')", "a".repeat(10_001));
    assert_eq!(
        one_error(&long).1,
        "the input of `States.Base64Encode` is limited to 10000 characters"
    );
}

#[test]
fn format_placeholder_count() {
    assert_eq!(
        one_error("States.Format('{} and {}', $.a)"),
        (
            r(14, 25),
            "the `States.Format` template has 2 placeholders `{}` but 1 value follows it".into()
        )
    );
    assert_eq!(
        one_error("States.Format('none', $.a)").1,
        "the `States.Format` template has 0 placeholders `{}` but 1 value follows it"
    );
    assert_eq!(
        one_error("States.Format('\\{} {}', $.a, $.b)").1,
        "the `States.Format` template has 1 placeholder `{}` but 2 values follow it"
    );
}

#[test]
fn several_problems_are_all_reported() {
    let errs = errors("States.Format('{}', States.Fromat(1), States.MathAdd(1))");
    let msgs: Vec<&str> = errs.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "unknown intrinsic function `States.Fromat`; did you mean `States.Format`?",
            "`States.MathAdd` takes 2 arguments but 1 was given",
            "the `States.Format` template has 1 placeholder `{}` but 2 values follow it",
        ]
    );
}

#[test]
fn paths_and_return_types() {
    let c = call("States.Format('{} {}', $v.a, States.ArrayGetItem($$.Execution.Input.list, $.i))");
    let texts: Vec<&str> = c.paths().iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["$v.a", "$$.Execution.Input.list", "$.i"]);
    assert_eq!(c.returns(), ValueType::String);
    assert_eq!(
        call("States.ArrayLength($.a)").returns(),
        ValueType::Integer
    );
    assert_eq!(call("States.Nope()").returns(), ValueType::Any);
    assert_eq!(Function::ALL.len(), 18);
    for f in Function::ALL {
        assert_eq!(Function::from_name(f.name()), Some(*f));
    }
}

// --- conversion to JSONata -----------------------------------------------------------

/// The JSONata conversion of `s` (paths read `$states.input`).
fn jsonata_of(s: &str) -> Option<String> {
    call(s).to_jsonata_from("$states.input")
}

/// `state` (its `Next`/`End` added) run by the simulator after a Pass state that
/// assigns `vars`: the output, or the error.
fn simulated(
    query_language: &str,
    state: Value,
    vars: &Value,
    input: &Value,
) -> Result<Value, String> {
    let mut state = state;
    state["End"] = json!(true);
    let definition = json!({"QueryLanguage": query_language, "StartAt": "Assign", "States": {
        "Assign": {"Type": "Pass", "Assign": vars, "Next": "Run"},
        "Run": state}});
    let opts = crate::simulate::SimulationOptions {
        input: input.clone(),
        ..Default::default()
    };
    let run = crate::simulate::simulate(&definition.to_string(), &opts)
        .unwrap_or_else(|e| panic!("{e:?}\n{definition}"));
    match run.error {
        Some(e) => Err(format!("{e}: {:?}", run.cause)),
        None => Ok(run.output.unwrap_or(Value::Null)),
    }
}

/// Runs the intrinsic `s` and its JSONata conversion on `input` (with workflow
/// variables `vars`): the intrinsic in a simulated JSONPath state, the conversion in the
/// JSONata evaluator and in a simulated JSONata state. Where the intrinsic succeeds, all
/// three values must be the same; returns it.
fn agree_with_vars(s: &str, input: Value, vars: Value) -> Option<Value> {
    let expression = jsonata_of(s).unwrap_or_else(|| panic!("{s} does not convert"));
    let var_map = vars.as_object().cloned().unwrap_or_default();
    let simulated_intrinsic = simulated(
        "JSONPath",
        json!({"Type": "Pass", "Parameters": {"v.$": s}}),
        &vars,
        &input,
    );
    let Ok(Value::Object(mut output)) = simulated_intrinsic else {
        return None;
    };
    let expected = output.remove("v").unwrap_or(Value::Null);
    let mut bindings = var_map;
    bindings.insert("states".into(), json!({"input": input.clone()}));
    let options = crate::expr::jsonata::EvalOptions::default();
    let evaluated = crate::expr::jsonata::evaluate_str(&expression, None, &bindings, &options);
    let simulated_jsonata = simulated(
        "JSONata",
        json!({"Type": "Pass", "Output": {"v": format!("{{% {expression} %}}")}}),
        &vars,
        &input,
    );
    let case = format!("{s} on {input}\nJSONata: {expression}");
    assert_eq!(
        evaluated.map_err(|e| e.message),
        Ok(Some(expected.clone())),
        "{case}"
    );
    assert_eq!(
        simulated_jsonata,
        Ok(json!({"v": expected.clone()})),
        "{case}"
    );
    Some(expected)
}

/// The value of the intrinsic `s` on `input`, as the simulator computes it.
fn simulated_value(s: &str, input: Value) -> Value {
    let state = json!({"Type": "Pass", "Parameters": {"v.$": s}});
    match simulated("JSONPath", state, &json!({}), &input) {
        Ok(mut output) => output["v"].take(),
        Err(e) => panic!("{s}: {e}"),
    }
}

fn agree(s: &str, input: Value) -> Option<Value> {
    agree_with_vars(s, input, json!({}))
}

#[test]
fn array_of_paths_converts_without_flattening() {
    let s = "States.Array($.p)";
    for (p, expected) in [
        (json!([1, 2]), json!([[1, 2]])),
        (json!([]), json!([[]])),
        (json!([7]), json!([[7]])),
        (json!([[1], [2]]), json!([[[1], [2]]])),
        (json!(5), json!([5])),
        (json!("x"), json!(["x"])),
        (json!(null), json!([null])),
        (json!({"a": [1]}), json!([{"a": [1]}])),
    ] {
        assert_eq!(agree(s, json!({"p": p})), Some(expected), "{p}");
    }
    let input = json!({"p": [1, 2], "q": [], "r": "x", "n": {"m": [[3]]}});
    assert_eq!(
        agree(
            "States.Array(1, $.p, 'two', $.q, null, $.r, $.n.m, true)",
            input.clone()
        ),
        Some(json!([1, [1, 2], "two", [], null, "x", [[3]], true]))
    );
    // Nested calls: one that gives an array is kept whole, one that gives a string
    // goes in as it is.
    assert_eq!(
        agree(
            "States.Array(States.ArrayRange(1, 1, 1), States.StringSplit($.r, ','), States.Format('{}!', $.r))",
            input.clone()
        ),
        Some(json!([[1], ["x"], "x!"]))
    );
    assert_eq!(
        jsonata_of("States.Array('a', States.ArrayLength($.p))").as_deref(),
        Some("[\"a\", $count($states.input.p)]")
    );
    // The local name steps aside for a variable of the same name.
    assert_eq!(
        agree_with_vars("States.Array($item, $.p)", input, json!({"item": [9]})),
        Some(json!([[9], [1, 2]]))
    );
}

#[test]
fn array_partition_converts_with_the_same_chunks() {
    let s = "States.ArrayPartition($.a, $.n)";
    for len in 0..6 {
        let a: Vec<i64> = (0..len).collect();
        for n in 1..7 {
            let expected: Vec<Value> = a.chunks(n).map(|c| json!(c)).collect();
            assert_eq!(
                agree(s, json!({"a": a, "n": n})),
                Some(json!(expected)),
                "{a:?} by {n}"
            );
        }
    }
    assert_eq!(
        agree(s, json!({"a": [[1, 2]], "n": 1})),
        Some(json!([[[1, 2]]]))
    );
    assert_eq!(
        agree(s, json!({"a": [[1], [2], [3]], "n": 2.0})),
        Some(json!([[[1], [2]], [[3]]]))
    );
    assert_eq!(
        agree(s, json!({"a": ["x", null, {"k": []}], "n": 5})),
        Some(json!([["x", null, {"k": []}]]))
    );
    assert_eq!(
        agree(
            "States.ArrayPartition(States.StringSplit($.s, ','), 2)",
            json!({"s": "a,b,c"})
        ),
        Some(json!([["a", "b"], ["c"]]))
    );
    // The local name steps aside for a variable of the same name.
    assert_eq!(
        agree_with_vars(
            "States.ArrayPartition($.a, $items)",
            json!({"a": [1, 2, 3]}),
            json!({"items": 2})
        ),
        Some(json!([[1, 2], [3]]))
    );
    assert_eq!(
        jsonata_of("States.ArrayPartition($.a, 4)").as_deref(),
        Some("($items := $states.input.a; $count($items) = 0 ? [] : $partition($items, 4))")
    );
}

#[test]
fn hash_converts_when_its_data_is_surely_a_string() {
    for alg in ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"] {
        let input = json!({"alg": alg, "a": "input", "b": 7, "obj": {"k": [1, "x"]}});
        agree(
            &format!("States.Hash('input data', '{alg}')"),
            input.clone(),
        )
        .unwrap();
        agree("States.Hash('', $.alg)", input.clone()).unwrap();
        agree("States.Hash('héllo wörld', $.alg)", input.clone()).unwrap();
        agree(
            "States.Hash(States.Format('{} {}', $.a, $.b), $.alg)",
            input.clone(),
        )
        .unwrap();
        agree(
            "States.Hash(States.JsonToString($.obj), $.alg)",
            input.clone(),
        )
        .unwrap();
    }
    assert_eq!(
        jsonata_of("States.Hash('input data', 'SHA-1')").as_deref(),
        Some("$hash(\"input data\", \"SHA-1\")")
    );
    // A path may hold a number or an object, whose JSON text the intrinsic hashes
    // and `$hash` refuses.
    assert_eq!(jsonata_of("States.Hash($.data, 'MD5')"), None);
    assert_eq!(
        jsonata_of("States.Hash(States.StringToJson($.s), 'MD5')"),
        None
    );
}

#[test]
fn string_split_converts_for_literal_delimiters() {
    let cases = [
        ("1,2,3,4,5", ","),
        ("This.is+a,test=string", ".+,="),
        (" ", ","),
        (" , ", ","),
        (",,,,", ","),
        ("", ","),
        ("abc", ","),
        ("a,,b..c", ",."),
        ("ab", "ab"),
        ("Hello\nWorld", "\n"),
        ("x[y]z^w-v\\u/t\"s", "[]^-\\/\""),
        ("a.b*c", ".*"),
        ("héllo wörld", "ö é"),
        ("a😀b😀", "😀"),
        ("aXbYc", "XYX"),
    ];
    for (s, d) in cases {
        let literal = d.replace('\\', "\\\\").replace('\'', "\\'");
        let text = format!("States.StringSplit($.s, '{literal}')");
        let expected = simulated_value("States.StringSplit($.s, $.d)", json!({"s": s, "d": d}));
        assert_eq!(
            agree(&text, json!({"s": s})),
            Some(expected),
            "{s:?} at {d:?}"
        );
    }
    assert_eq!(
        agree(
            "States.StringSplit(States.Format('{}-{}', $.a, $.b), '-')",
            json!({"a": "x", "b": ""})
        ),
        Some(json!(["x"]))
    );
    assert_eq!(
        jsonata_of("States.StringSplit($.s, '.+')").as_deref(),
        Some("[$split($states.input.s, \".\").$split($, \"+\")[$ != \"\"]]")
    );
    // Delimiters from the input, or none at all, do not convert.
    assert_eq!(jsonata_of("States.StringSplit($.s, $.d)"), None);
    assert_eq!(jsonata_of("States.StringSplit($.s, '')"), None);
}

#[test]
fn format_converts_to_a_readable_concatenation() {
    // Strings, numbers, booleans and null are written alike by both.
    let s = "States.Format('{} and {}', $.a, $.b)";
    for (a, b, expected) in [
        (json!("x"), json!(1), "x and 1"),
        (json!(null), json!(false), "null and false"),
    ] {
        assert_eq!(
            agree(s, json!({"a": a, "b": b})),
            Some(json!(expected)),
            "{a} {b}"
        );
    }
    assert_eq!(
        jsonata_of(s).as_deref(),
        Some("($string($states.input.a) & \" and \" & $string($states.input.b))")
    );
    assert_eq!(
        jsonata_of("States.Format('{} has {}', 'list', States.ArrayLength($.a))").as_deref(),
        Some("($string(\"list\") & \" has \" & $string($count($states.input.a)))")
    );
}

#[test]
fn math_random_is_left_to_the_user() {
    assert_eq!(jsonata_of("States.MathRandom(1, 999)"), None);
    assert_eq!(jsonata_of("States.MathRandom($.a, $.b, 3)"), None);
}
