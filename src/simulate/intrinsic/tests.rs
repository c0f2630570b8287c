use super::*;
use serde_json::json;
use std::cell::Cell;

/// What the calls of these tests read: `$` the input, `$$` a small context object,
/// `$v` the one workflow variable; random numbers come from a counter, or are one
/// fixed value.
struct R {
    input: Value,
    context: Value,
    vars: Map<String, Value>,
    random: Cell<u64>,
    fixed: Option<u64>,
}

impl R {
    fn new(input: Value) -> R {
        let mut vars = Map::new();
        vars.insert("v".into(), json!({"list": [1, 2, 3]}));
        R {
            context: json!({
                "Execution": {"Name": "my-exec-name", "Input": input.clone()},
                "StateMachine": {"Id": "arn:sm", "Name": "sm"}
            }),
            input,
            vars,
            random: Cell::new(0),
            fixed: None,
        }
    }
}

impl Resolver for R {
    fn resolve(&self, p: &Path) -> Result<Value, String> {
        let root = match &p.root {
            super::super::path::Root::Input => &self.input,
            super::super::path::Root::Context => &self.context,
            super::super::path::Root::Var(name) => &self.vars[name],
        };
        p.select(root).map_err(|m| format!("missing {}", m.at))
    }
    fn next_random(&self) -> u64 {
        if let Some(x) = self.fixed {
            return x;
        }
        self.random.set(self.random.get() + 1);
        splitmix(self.random.get())
    }
}

fn call(src: &str) -> Call {
    Call::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn run(src: &str, input: Value) -> Result<Value, String> {
    eval(&call(src), &R::new(input))
}

/// The value of a call that must succeed on `{}`.
fn value(src: &str) -> Value {
    run(src, json!({})).unwrap_or_else(|e| panic!("{src}: {e}"))
}

/// The cause of a call that must fail on `input`.
fn err(src: &str, input: Value) -> String {
    run(src, input).expect_err(src)
}

#[test]
fn format_and_escapes() {
    assert_eq!(
        run(
            "States.Format('Hello {} and {}', $.a, $.b)",
            json!({"a": "x", "b": {"k": [1, 2]}})
        )
        .unwrap(),
        json!("Hello x and {k=[1, 2]}")
    );
    assert_eq!(
        run(r"States.Format('a \{\} b \' {}', 1)", json!({})).unwrap(),
        json!("a {} b ' 1")
    );
    assert!(run("States.Format('{} {}', 1)", json!({})).is_err());
    // An escaped backslash is a backslash; the brace after it opens a placeholder
    // (the AWS docs; aws/aws-cdk#29261 for the failure).
    assert_eq!(
        run(r"States.Format('a\\b {}', 'c')", json!({})).unwrap(),
        json!(r"a\b c")
    );
    assert_eq!(
        run(r"States.Format('x \\{ y \\}', 1)", json!({})).unwrap_err(),
        "Invalid template in States.Format: matching '}' not found for '{'."
    );
    // Other functions get the string with its escapes resolved.
    assert_eq!(
        run(r"States.StringSplit('a\{b', '{')", json!({})).unwrap(),
        json!(["a", "b"])
    );
}

#[test]
fn arrays() {
    assert_eq!(
        run("States.ArrayRange(0, 10, 3)", json!({})).unwrap(),
        json!([0, 3, 6, 9])
    );
    assert_eq!(
        run("States.ArrayRange(1, 9, 9)", json!({})).unwrap(),
        json!([1])
    );
    // Near the end of the 64-bit range the next value would overflow: the range ends.
    let max = json!({"a": i64::MAX - 1, "b": i64::MAX, "c": i64::MIN + 1, "d": i64::MIN});
    assert_eq!(
        run("States.ArrayRange($.a, $.b, 1)", max.clone()).unwrap(),
        json!([i64::MAX - 1, i64::MAX])
    );
    assert_eq!(
        run("States.ArrayRange($.a, $.b, $.b)", max.clone()).unwrap(),
        json!([i64::MAX - 1])
    );
    assert_eq!(
        run("States.ArrayRange($.c, $.d, -1)", max).unwrap(),
        json!([i64::MIN + 1, i64::MIN])
    );
    assert_eq!(
        run("States.ArrayPartition($.a, 2)", json!({"a": [1, 2, 3]})).unwrap(),
        json!([[1, 2], [3]])
    );
    assert_eq!(
        run("States.ArrayUnique(States.Array(1, 1.0, 2))", json!({})).unwrap(),
        json!([1, 2])
    );
    assert_eq!(
        run("States.ArrayLength(States.Array())", json!({})).unwrap(),
        json!(0)
    );
    assert_eq!(
        run("States.ArrayContains(States.Array('a'), 'a')", json!({})).unwrap(),
        json!(true)
    );
    assert_eq!(
        run("States.ArrayGetItem(States.Array(5, 6), 1)", json!({})).unwrap(),
        json!(6)
    );
}

#[test]
fn math_and_strings() {
    assert_eq!(run("States.MathAdd(1.5, 0)", json!({})).unwrap(), json!(2));
    assert_eq!(
        run("States.MathAdd(-1.5, 0)", json!({})).unwrap(),
        json!(-1)
    );
    assert_eq!(
        run("States.MathAdd(-1.51, 0)", json!({})).unwrap(),
        json!(-2)
    );
    assert_eq!(
        run("States.StringSplit(', , ,', ',')", json!({})).unwrap(),
        json!([" ", " "])
    );
    assert_eq!(
        run("States.StringSplit(',,,,', ',')", json!({})).unwrap(),
        json!([])
    );
    assert_eq!(
        run("States.StringToJson(' ')", json!({})).unwrap(),
        json!(null)
    );
    assert_eq!(
        run("States.JsonToString($)", json!({"a": 1})).unwrap(),
        json!("{\"a\":1}")
    );
    assert_eq!(
        run("States.Base64Encode('hello')", json!({})).unwrap(),
        json!("aGVsbG8=")
    );
    assert_eq!(
        run("States.Base64Decode('aGVsbG8=')", json!({})).unwrap(),
        json!("hello")
    );
    // The end is excluded: every seed of [1, 3) gives 1 or 2.
    for seed in 0..32 {
        let r = run(&format!("States.MathRandom(1, 3, {seed})"), json!({}))
            .unwrap()
            .as_i64()
            .unwrap();
        assert!((1..3).contains(&r), "{r}");
    }
    assert_eq!(run("States.MathRandom(5, 5)", json!({})).unwrap(), json!(5));
    // Non-integers are rounded to the nearest integer where the guide says so.
    assert_eq!(
        run("States.MathRandom(1.4, 1.6, 3)", json!({})).unwrap(),
        json!(1)
    );
    assert_eq!(
        run("States.ArrayPartition($.a, 1.5)", json!({"a": [1, 2, 3]})).unwrap(),
        json!([[1, 2], [3]])
    );
    assert_eq!(
        run("States.ArrayRange(1, $.e, 1)", json!({"e": 3.4})).unwrap(),
        json!([1, 2, 3])
    );
    assert!(run("States.ArrayGetItem($.a, 0.5)", json!({"a": [1]})).is_err());
    // Hash takes at most 10,000 characters, as the Base64 functions do.
    let long = "x".repeat(10_001);
    assert_eq!(
        run("States.Hash($.s, 'SHA-256')", json!({"s": long})).unwrap_err(),
        "The input of States.Hash exceeds 10000 characters."
    );
    let u = run("States.UUID()", json!({})).unwrap();
    assert_eq!(u.as_str().unwrap().len(), 36);
}

// --- values and causes, function by function

#[test]
fn format_renders_like_aws() {
    let input = json!({
        "name": "Arnav", "n": null, "i": 1, "f": 1.1, "b": true,
        "o": {"Arg1": 1, "Arg2": []}, "a": [1, "x", {"k": null}],
        "js": "{\"Arg1\": 1, \"Arg2\": []}"
    });
    let f = |s: &str| run(s, input.clone()).unwrap();
    assert_eq!(
        f("States.Format('Hello, my name is {}.', $.name)"),
        json!("Hello, my name is Arnav.")
    );
    assert_eq!(
        f("States.Format('{} {} {} {}', $.n, $.i, $.f, $.b)"),
        json!("null 1 1.1 true")
    );
    assert_eq!(
        f("States.Format('fst={}', $.o)"),
        json!("fst={Arg1=1, Arg2=[]}")
    );
    assert_eq!(f("States.Format('{}', $.a)"), json!("[1, x, {k=null}]"));
    assert_eq!(
        f("States.Format('{}', $.js)"),
        json!("{\"Arg1\": 1, \"Arg2\": []}")
    );
    assert_eq!(
        f("States.Format('\\{\\} {} \\'q\\' \\\\', $.i)"),
        json!("{} 1 'q' \\")
    );
    assert_eq!(f("States.Format('{}{}', 'a', 2)"), json!("a2"));
    // A template from a path has no escapes; its `{}` are placeholders.
    let g = run("States.Format($.t, 1)", json!({"t": "x{}y\\"})).unwrap();
    assert_eq!(g, json!("x1y\\"));
}

#[test]
fn json_functions() {
    assert_eq!(
        value("States.StringToJson('{\"number\": 20}')"),
        json!({"number": 20})
    );
    let f = |v: Value| run("States.StringToJson($.s)", json!({"s": v})).unwrap();
    assert_eq!(f(json!("")), Value::Null);
    assert_eq!(f(json!(" ")), Value::Null);
    assert_eq!(f(json!("-0")), json!(0));
    assert_eq!(f(json!("1.1")), json!(1.1));
    assert_eq!(f(json!("\"HelloWorld\"")), json!("HelloWorld"));
    assert_eq!(
        f(json!("[1, 2, \"HelloWorld\"]")),
        json!([1, 2, "HelloWorld"])
    );
    let t = |v: Value| run("States.JsonToString($.j)", json!({"j": v})).unwrap();
    assert_eq!(
        t(json!({"name": "Foo", "year": 2020})),
        json!("{\"name\":\"Foo\",\"year\":2020}")
    );
    assert_eq!(
        t(json!([1, 2, "HelloWorld"])),
        json!("[1,2,\"HelloWorld\"]")
    );
    assert_eq!(t(json!(1.1)), json!("1.1"));
    assert_eq!(t(json!(true)), json!("true"));
    let m = run(
        "States.JsonMerge($.json1, $.json2, false)",
        json!({"json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}}),
    )
    .unwrap();
    assert_eq!(m, json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3}));
    assert_eq!(
        err("States.StringToJson($.s)", json!({"s": "{x"})),
        "The function States.StringToJson could not parse '{x': key must be a string at line 1 column 2"
    );
    assert_eq!(
        err(
            "States.JsonMerge($.a, $.b, false)",
            json!({"a": {}, "b": [1]})
        ),
        "The function States.JsonMerge expects two objects."
    );
}

#[test]
fn array_functions() {
    let nine = json!({"a": [1, 2, 3, 4, 5, 6, 7, 8, 9]});
    let f = |s: &str| run(s, nine.clone()).unwrap();
    assert_eq!(
        run("States.Array($.Id)", json!({"Id": 123456})).unwrap(),
        json!([123456])
    );
    assert_eq!(
        value("States.Array('Foo', 2020, null, true)"),
        json!(["Foo", 2020, null, true])
    );
    assert_eq!(value("States.Array()"), json!([]));
    assert_eq!(
        f("States.ArrayPartition($.a, 4)"),
        json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]])
    );
    assert_eq!(f("States.ArrayContains($.a, 5)"), json!(true));
    assert_eq!(f("States.ArrayContains($.a, 10)"), json!(false));
    assert_eq!(
        run(
            "States.ArrayContains($.a, $.b)",
            json!({"a": [{"1": 2, "2": []}], "b": {"1": 2, "2": []}})
        )
        .unwrap(),
        json!(true)
    );
    assert_eq!(value("States.ArrayRange(1, 9, 2)"), json!([1, 3, 5, 7, 9]));
    assert_eq!(value("States.ArrayRange(0, 10, 3)"), json!([0, 3, 6, 9]));
    assert_eq!(value("States.ArrayRange(1, 9, 9)"), json!([1]));
    assert_eq!(value("States.ArrayRange(10, 1, -4)"), json!([10, 6, 2]));
    assert_eq!(value("States.ArrayRange(5, 1, 1)"), json!([]));
    assert_eq!(
        value("States.ArrayRange(1, 1000, 1)")
            .as_array()
            .unwrap()
            .len(),
        1000
    );
    assert_eq!(f("States.ArrayGetItem($.a, 5)"), json!(6));
    assert_eq!(f("States.ArrayLength($.a)"), json!(9));
    assert_eq!(
        run(
            "States.ArrayUnique($.a)",
            json!({"a": [1, 2, 3, 3, 3, 3, 3, 3, 4]})
        )
        .unwrap(),
        json!([1, 2, 3, 4])
    );
    assert_eq!(
        run(
            "States.ArrayUnique($.a)",
            json!({"a": [null, null, {"a": 1}, {"a": 1}, [1], [1], 1, 1]})
        )
        .unwrap(),
        json!([null, {"a": 1}, [1], 1])
    );
    assert_eq!(
        value("States.ArrayLength(States.ArrayGetItem(States.Array(States.Array(1, 2)), 0))"),
        json!(2)
    );
    assert_eq!(
        run("States.ArrayLength($v.list)", json!({})).unwrap(),
        json!(3)
    );
    // Run-time failures.
    assert_eq!(
        err("States.ArrayGetItem($.a, 9)", nine.clone()),
        "The index 9 is out of range for an array of length 9."
    );
    assert_eq!(
        err("States.ArrayRange(0, 1000, 1)", json!({})),
        "States.ArrayRange would produce more than 1000 items."
    );
    assert_eq!(
        err("States.ArrayRange($.s, 3, 1)", json!({"s": "0.5"})),
        "The function States.ArrayRange expects an integer but got a string."
    );
    assert_eq!(
        err("States.ArrayPartition($.a, $.n)", json!({"a": [1], "n": 0})),
        "The chunk size of States.ArrayPartition must be positive, got 0."
    );
    assert_eq!(
        err("States.ArrayLength($.a)", json!({"a": "x"})),
        "The function States.ArrayLength expects an array but got a string."
    );
}

#[test]
fn encoding_and_hashing() {
    assert_eq!(
        value("States.Base64Encode('Data to encode')"),
        json!("RGF0YSB0byBlbmNvZGU=")
    );
    assert_eq!(
        value("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')"),
        json!("Data to encode")
    );
    assert_eq!(value("States.Base64Decode('')"), json!(""));
    assert_eq!(
        err("States.Base64Decode($.s)", json!({"s": "not base64"})),
        "'not base64' is not valid base64."
    );
    // Recorded against AWS (hash_calculations), plus the published test vectors.
    let h = |data: &str, alg: &str| value(&format!("States.Hash('{data}', '{alg}')"));
    assert_eq!(
        h("input data", "MD5"),
        json!("812f45842bc6d66ee14572ce20db8e86")
    );
    assert_eq!(
        h("input data", "SHA-1"),
        json!("aaff4a450a104cd177d28d18d74485e8cae074b7")
    );
    assert_eq!(
        h("input data", "SHA-256"),
        json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
    );
    assert_eq!(
        h("input data", "SHA-384"),
        json!(
            "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"
        )
    );
    assert_eq!(h("", "MD5"), json!("d41d8cd98f00b204e9800998ecf8427e"));
    assert_eq!(
        h("abc", "SHA-1"),
        json!("a9993e364706816aba3e25717850c26c9cd0d89d")
    );
    assert_eq!(
        h("", "SHA-256"),
        json!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    assert_eq!(
        h("abc", "SHA-512"),
        json!(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        )
    );
    assert_eq!(
        h("héllo wörld", "MD5"),
        json!("ed0c22cc110ede12327851863c078138")
    );
    assert_eq!(
        err("States.Hash($.d, $.a)", json!({"d": "x", "a": "SHA256"})),
        "The hash algorithm 'SHA256' is not supported; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512."
    );
    assert_eq!(
        err("States.Hash($.d, 'MD5')", json!({"d": "x".repeat(10_001)})),
        "The input of States.Hash exceeds 10000 characters."
    );
    // Only text is hashed: a number from the input is not its JSON text.
    assert_eq!(
        err("States.Hash($.d, 'MD5')", json!({"d": 123})),
        "The function States.Hash expects a string but got a number."
    );
}

#[test]
fn math_functions() {
    assert_eq!(value("States.MathAdd(111, -1)"), json!(110));
    // Recorded against AWS (math_add): Java Math.round on each argument.
    for (a, b, want) in [
        (json!(-9), json!(3), -6),
        (json!(1.49), json!(1.5), 3),
        (json!(-1.5), json!(0), -1),
        (json!(-1.51), json!(0), -2),
        (json!(2.5), json!(0), 3),
        (json!(-0.5), json!(0), 0),
        (json!(-2.5), json!(0), -2),
        (json!(1.5), json!(1.51), 4),
        (json!(-1.49), json!(-1.5), -2),
        (json!(-1.5), json!(-1.51), -3),
        (json!(1.49), json!(-1.49), 0),
    ] {
        let out = run("States.MathAdd($.a, $.b)", json!({"a": a, "b": b})).unwrap();
        assert_eq!(out, json!(want), "{a} + {b}");
    }
    assert_eq!(
        err("States.MathAdd($.a, 1)", json!({"a": "1"})),
        "The function States.MathAdd expects numbers but got a string."
    );
    // MathRandom: the start is included and the end is not (the developer guide);
    // seeded calls are reproducible, unseeded ones draw from the engine.
    let c = call("States.MathRandom(1, 999)");
    let with = |fixed: Option<u64>, c: &Call| {
        let mut r = R::new(json!({}));
        r.fixed = fixed;
        eval(c, &r).unwrap()
    };
    for seed in 0..200u64 {
        let r = R::new(json!({}));
        r.random.set(seed);
        let v = eval(&c, &r).unwrap().as_i64().unwrap();
        assert!((1..999).contains(&v), "{v}");
    }
    assert_eq!(with(Some(0), &c), json!(1));
    assert_eq!(with(Some(997), &c), json!(998));
    assert_eq!(with(Some(998), &c), json!(1));
    // Start and end are rounded to the nearest integer.
    assert_eq!(value("States.MathRandom(1.4, 2.4, 9)"), json!(1));
    let seeded = call("States.MathRandom(0, 999, 3)");
    assert_eq!(with(Some(1), &seeded), with(Some(2), &seeded));
    assert_eq!(value("States.MathRandom(5, 5)"), json!(5));
}

#[test]
fn string_split_like_java_string_tokenizer() {
    let f =
        |s: &str, d: &str| run("States.StringSplit($.s, $.d)", json!({"s": s, "d": d})).unwrap();
    assert_eq!(f("1,2,3,4,5", ","), json!(["1", "2", "3", "4", "5"]));
    assert_eq!(
        f("This.is+a,test=string", ".+,="),
        json!(["This", "is", "a", "test", "string"])
    );
    assert_eq!(f(" ", ","), json!([" "]));
    assert_eq!(f(" , ", ","), json!([" ", " "]));
    assert_eq!(f(",,,,", ","), json!([]));
    assert_eq!(f("abc", ""), json!(["abc"]));
    assert_eq!(
        value("States.StringSplit('Hello\nWorld', '\n')"),
        json!(["Hello", "World"])
    );
}

#[test]
fn uuid_is_v4_and_drawn_from_the_engine() {
    let c = call("States.UUID()");
    let with = |fixed: u64| {
        let mut r = R::new(json!({}));
        r.fixed = Some(fixed);
        eval(&c, &r).unwrap()
    };
    assert_eq!(
        with(u64::MAX),
        json!("ffffffff-ffff-4fff-bfff-ffffffffffff")
    );
    assert_eq!(with(0), json!("00000000-0000-4000-8000-000000000000"));
    let a = value("States.UUID()");
    let r = R::new(json!({}));
    r.random.set(100);
    assert_ne!(a, eval(&c, &r).unwrap());
    let s = a.as_str().unwrap();
    assert_eq!(s.len(), 36);
    assert_eq!(&s[14..15], "4");
    assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"));
}

#[test]
fn context_and_variables_in_arguments() {
    assert_eq!(
        value("States.Format('{} {}', $$.Execution.Name, $$.StateMachine)"),
        json!("my-exec-name {Id=arn:sm, Name=sm}")
    );
    assert_eq!(
        value("States.ArrayGetItem(States.StringSplit($$.Execution.Name, '-'), 1)"),
        json!("exec")
    );
    assert_eq!(value("States.ArrayGetItem($v.list, 2)"), json!(3));
    assert_eq!(
        value(
            "States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), $$.StateMachine, false)"
        ),
        json!({"constant_in_literal": "false", "Id": "arn:sm", "Name": "sm"})
    );
}
