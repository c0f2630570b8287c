//! Mocked Task responses, read from the AWS Step Functions Local mock config format:
//! `{"StateMachines": {M: {"TestCases": {T: {State: ResponseName}}}},
//!   "MockedResponses": {ResponseName: {"0": {"Return": ...}, "1-2": {"Throw": {...}}}}}`.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// One mocked invocation result.
#[derive(Clone, Debug, PartialEq)]
pub enum MockResponse {
    /// The service result (before ResultSelector/ResultPath).
    Return(Value),
    /// A failure; absent fields stay absent.
    Throw {
        error: Option<String>,
        cause: Option<String>,
    },
}

/// Responses of one state, by invocation number (counted from 0 over the execution).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateMock {
    /// Inclusive ranges of invocation numbers, in ascending order.
    ranges: Vec<(u64, u64, MockResponse)>,
    /// The MockedResponses entry the responses come from (none for `--mock`).
    entry: Option<String>,
}

impl StateMock {
    /// The same response for every invocation.
    pub fn always(response: MockResponse) -> StateMock {
        StateMock {
            ranges: vec![(0, u64::MAX, response)],
            entry: None,
        }
    }

    /// The MockedResponses entry the responses come from, when a mock config gave them.
    pub fn entry(&self) -> Option<&str> {
        self.entry.as_deref()
    }

    /// The invocations that have a response, as their keys would be written
    /// (`"0", "1-2"`); empty for a response given for every invocation.
    pub fn keys(&self) -> String {
        self.ranges
            .iter()
            .filter(|(a, b, _)| (*a, *b) != (0, u64::MAX))
            .map(|(a, b, _)| show_range(*a, *b))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The invocations (`""` for all, `"0"`, `"1-2"`) of the first response that throws
    /// no error name, if one does.
    pub fn nameless_throw(&self) -> Option<String> {
        self.ranges.iter().find_map(|(a, b, r)| match r {
            MockResponse::Throw { error: None, .. } => Some(match (a, b) {
                (0, &u64::MAX) => String::new(),
                (a, b) if a == b => a.to_string(),
                (a, b) => format!("{a}-{b}"),
            }),
            _ => None,
        })
    }

    /// The response for invocation `n`: none past the last range, as Step Functions
    /// Local fails an execution whose mocked Task is called once more than its
    /// responses say (only a response given for every invocation repeats).
    pub fn response(&self, n: u64) -> Option<&MockResponse> {
        self.ranges
            .iter()
            .find(|(a, b, _)| (*a..=*b).contains(&n))
            .map(|(_, _, r)| r)
    }
}

/// The mocks of one test case: state name → responses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mocks {
    pub states: HashMap<String, StateMock>,
    /// The responses of a state that `states` does not name (`--mock-default`).
    pub default: Option<StateMock>,
}

impl Mocks {
    pub fn new() -> Mocks {
        Mocks::default()
    }

    /// The responses of `state`: its own, else the default, with whether they are the
    /// default.
    pub fn of(&self, state: &str) -> Option<(&StateMock, bool)> {
        match self.states.get(state) {
            Some(m) => Some((m, false)),
            None => self.default.as_ref().map(|m| (m, true)),
        }
    }

    /// Adds a state that always returns `value` (builder style, for tests).
    pub fn returning(mut self, state: &str, value: Value) -> Mocks {
        self.states.insert(
            state.to_string(),
            StateMock::always(MockResponse::Return(value)),
        );
        self
    }

    /// Adds a state that always throws.
    pub fn throwing(mut self, state: &str, error: &str, cause: &str) -> Mocks {
        self.states.insert(
            state.to_string(),
            StateMock::always(MockResponse::Throw {
                error: Some(error.to_string()),
                cause: Some(cause.to_string()),
            }),
        );
        self
    }
}

impl Mocks {
    /// The mocked names that are not among `names` (a definition's state names at
    /// every depth), sorted, each with the closest state name when one is near.
    pub fn unknown_states(&self, names: &[&str]) -> Vec<(String, Option<String>)> {
        let mut unknown: Vec<(String, Option<String>)> = self
            .states
            .keys()
            .filter(|m| !names.contains(&m.as_str()))
            .map(|m| {
                let closest = crate::rules::did_you_mean(m, names.iter().copied());
                (m.clone(), closest.map(str::to_string))
            })
            .collect();
        unknown.sort();
        unknown
    }
}

/// A whole mock config file.
#[derive(Clone, Debug, Default)]
pub struct MockConfig {
    /// state machine → test case → state → response name.
    machines: HashMap<String, HashMap<String, HashMap<String, String>>>,
    responses: HashMap<String, StateMock>,
}

/// `msg` about the value at the JSON location `what` (none: the whole value).
fn err_at(what: &str, msg: impl std::fmt::Display) -> String {
    if what.is_empty() {
        return msg.to_string();
    }
    format!("{what}: {msg}")
}

/// Refuses a key of `obj` (at the JSON location `loc`) that is not among `known`,
/// naming it with the known key it may have meant: a misspelt key would otherwise be
/// passed over, and the error that follows would point elsewhere.
fn known_keys(obj: &Map<String, Value>, known: &[&str], loc: &str) -> Result<(), String> {
    let Some(key) = obj.keys().find(|k| !known.contains(&k.as_str())) else {
        return Ok(());
    };
    let hint = match crate::rules::did_you_mean(key, known.iter().copied()) {
        Some(near) => format!(": did you mean \"{near}\"?"),
        None => String::new(),
    };
    Err(err_at(
        &format!("{loc}/{key}"),
        format!("unknown key{hint} (the keys here are {})", known.join(", ")),
    ))
}

impl MockConfig {
    /// Parses the text of a mock config file. Errors name the line and column (for JSON
    /// syntax) or the JSON location of the bad entry.
    pub fn parse(text: &str) -> Result<MockConfig, String> {
        let root: Value = super::parse_json(super::cli::without_bom(text))
            .map_err(|e| format!("mock config is {}", super::cli::json_problem(&e)))?;
        MockConfig::from_value(&root).map_err(|e| format!("mock config: {e}"))
    }

    fn from_value(root: &Value) -> Result<MockConfig, String> {
        let Value::Object(root) = root else {
            return Err(
                "the top level must be an object with StateMachines and MockedResponses".into(),
            );
        };
        known_keys(root, &["StateMachines", "MockedResponses"], "")?;
        let mut cfg = MockConfig::default();
        if let Some(resps) = root.get("MockedResponses") {
            let Value::Object(resps) = resps else {
                return Err(err_at("/MockedResponses", "must be an object"));
            };
            for (name, body) in resps {
                let loc = format!("/MockedResponses/{name}");
                let Value::Object(entries) = body else {
                    return Err(err_at(&loc, "must be an object of invocation numbers"));
                };
                cfg.responses
                    .insert(name.clone(), parse_invocations(entries, &loc)?);
            }
        }
        let Some(machines) = root.get("StateMachines") else {
            return Err("the StateMachines object is missing".into());
        };
        let Value::Object(machines) = machines else {
            return Err(err_at("/StateMachines", "must be an object"));
        };
        for (m, body) in machines {
            let loc = format!("/StateMachines/{m}");
            if let Value::Object(body) = body {
                known_keys(body, &["TestCases"], &loc)?;
            }
            let cases = body
                .get("TestCases")
                .and_then(Value::as_object)
                .ok_or_else(|| err_at(&loc, "needs a TestCases object"))?;
            let mut out = HashMap::new();
            for (case, states) in cases {
                let loc = format!("{loc}/TestCases/{case}");
                let states = states
                    .as_object()
                    .ok_or_else(|| err_at(&loc, "must map state names to response names"))?;
                let mut map = HashMap::new();
                for (state, resp) in states {
                    let resp = resp.as_str().ok_or_else(|| {
                        err_at(
                            &format!("{loc}/{state}"),
                            "must be the name of a MockedResponses entry",
                        )
                    })?;
                    if !cfg.responses.contains_key(resp) {
                        return Err(err_at(
                            &format!("{loc}/{state}"),
                            format!("the response \"{resp}\" is not defined in MockedResponses"),
                        ));
                    }
                    map.insert(state.clone(), resp.to_string());
                }
                out.insert(case.clone(), map);
            }
            cfg.machines.insert(m.clone(), out);
        }
        Ok(cfg)
    }

    /// The mocks of one test case.
    /// The one state machine of the config, and its one test case, for the names not
    /// given: `None` where there is a choice to make.
    pub fn only(
        &self,
        machine: Option<&str>,
        case: Option<&str>,
    ) -> (Option<String>, Option<String>) {
        let machine = machine.map(str::to_string).or_else(|| {
            (self.machines.len() == 1)
                .then(|| self.machines.keys().next().cloned())
                .flatten()
        });
        let case = case.map(str::to_string).or_else(|| {
            let cases = self.machines.get(machine.as_deref()?)?;
            (cases.len() == 1)
                .then(|| cases.keys().next().cloned())
                .flatten()
        });
        (machine, case)
    }

    /// The state machines of the config, sorted.
    pub fn machine_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.machines.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The test cases of one state machine, sorted (none for an unknown machine).
    pub fn test_case_names(&self, machine: &str) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .machines
            .get(machine)
            .map(|cases| cases.keys().map(String::as_str).collect())
            .unwrap_or_default();
        names.sort_unstable();
        names
    }

    pub fn test_case(&self, machine: &str, case: &str) -> Result<Mocks, String> {
        let cases = self.machines.get(machine).ok_or_else(|| {
            let mut names: Vec<&String> = self.machines.keys().collect();
            names.sort();
            let names: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
            format!(
                "mock config has no state machine \"{machine}\" (it has: {})",
                names.join(", ")
            )
        })?;
        let states = cases.get(case).ok_or_else(|| {
            let mut names: Vec<&String> = cases.keys().collect();
            names.sort();
            let names: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
            format!(
                "mock config has no test case \"{case}\" for \"{machine}\" (it has: {})",
                names.join(", ")
            )
        })?;
        Ok(Mocks {
            states: states
                .iter()
                .map(|(s, r)| {
                    let mut mock = self.responses[r].clone();
                    mock.entry = Some(r.clone());
                    (s.clone(), mock)
                })
                .collect(),
            default: None,
        })
    }
}

/// The entries of one MockedResponses item: invocation number or range → response.
fn parse_invocations(entries: &Map<String, Value>, loc: &str) -> Result<StateMock, String> {
    let mut ranges = Vec::new();
    for (key, resp) in entries {
        let loc = format!("{loc}/{key}");
        let (a, b) = parse_range(key).ok_or_else(|| {
            err_at(
                &loc,
                "the key must be an invocation number (\"0\") or an inclusive range (\"1-2\")",
            )
        })?;
        ranges.push((a, b, parse_response(resp, &loc)?));
    }
    ranges.sort_by_key(|r| r.0);
    // Two responses for one invocation, or none for one between two ranges, is a slip
    // in the numbers: which response was meant cannot be told.
    for pair in ranges.windows(2) {
        let ((a1, b1, _), (a2, b2, _)) = (&pair[0], &pair[1]);
        if a2 <= b1 {
            return Err(err_at(
                loc,
                format!(
                    "the invocations {} and {} overlap: give each invocation one response",
                    show_range(*a1, *b1),
                    show_range(*a2, *b2)
                ),
            ));
        }
        if *a2 > b1 + 1 {
            let missing = show_range(b1 + 1, a2 - 1);
            return Err(err_at(
                loc,
                format!(
                    "no response for the invocations {missing}, between {} and {}: give one",
                    show_range(*a1, *b1),
                    show_range(*a2, *b2)
                ),
            ));
        }
    }
    Ok(StateMock {
        ranges,
        entry: None,
    })
}

/// An invocation key as a mock config writes it, quoted: `"0"`, `"1-2"`.
fn show_range(a: u64, b: u64) -> String {
    if a == b {
        format!("\"{a}\"")
    } else {
        format!("\"{a}-{b}\"")
    }
}

impl StateMock {
    /// One state's responses written as on the command line (`--mock STATE=JSON`): a
    /// response (`{"Return": ...}` or `{"Throw": {"Error": ..., "Cause": ...}}`, for every
    /// invocation), or a MockedResponses item (`{"0": {...}, "1-2": {...}}`).
    pub fn parse(text: &str) -> Result<StateMock, String> {
        let v: Value = super::parse_json(super::cli::without_bom(text))
            .map_err(|e| super::cli::json_problem(&e))?;
        match &v {
            Value::Object(o) if o.contains_key("Return") || o.contains_key("Throw") => {
                Ok(StateMock::always(parse_response(&v, "")?))
            }
            Value::Object(o) if o.keys().any(|k| parse_range(k).is_some()) => {
                parse_invocations(o, "")
            }
            // A misspelt `Return` or `Throw`.
            Value::Object(o)
                if o.keys().any(|k| {
                    crate::rules::did_you_mean(k, ["Return", "Throw"].into_iter()).is_some()
                }) =>
            {
                parse_response(&v, "").map(StateMock::always)
            }
            _ => Err(
                "must be {\"Return\": ...}, {\"Throw\": {\"Error\": ..., \"Cause\": ...}} \
                      or invocation numbers mapped to those ({\"0\": ..., \"1-2\": ...})"
                    .into(),
            ),
        }
    }
}

fn parse_range(key: &str) -> Option<(u64, u64)> {
    match key.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => {
            let n = key.trim().parse().ok()?;
            Some((n, n))
        }
    }
}

fn parse_response(v: &Value, loc: &str) -> Result<MockResponse, String> {
    let obj = v
        .as_object()
        .ok_or_else(|| err_at(loc, "must be an object with Return or Throw"))?;
    known_keys(obj, &["Return", "Throw"], loc)?;
    if let Some(Value::Object(t)) = obj.get("Throw") {
        known_keys(t, &["Error", "Cause"], &format!("{loc}/Throw"))?;
    }
    match (obj.get("Return"), obj.get("Throw")) {
        (Some(r), None) => Ok(MockResponse::Return(r.clone())),
        (None, Some(Value::Object(t))) => {
            let field = |k: &str| -> Result<Option<String>, String> {
                match t.get(k) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s.clone())),
                    Some(_) => Err(err_at(&format!("{loc}/Throw/{k}"), "must be a string")),
                }
            };
            Ok(MockResponse::Throw {
                error: field("Error")?,
                cause: field("Cause")?,
            })
        }
        (None, Some(_)) => Err(err_at(
            &format!("{loc}/Throw"),
            "must be an object with Error and Cause",
        )),
        _ => Err(err_at(loc, "needs exactly one of Return or Throw")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CFG: &str = r#"{"StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}},
        "MockedResponses": {"R": {"0": {"Return": {"a": 1}}, "1-2": {"Throw": {"Error": "E"}}}}}"#;

    /// Past the last numbered response there is none (Step Functions Local fails the
    /// execution); a response given for every invocation has no end.
    #[test]
    fn reads_ranges_and_has_none_past_the_last() {
        let m = MockConfig::parse(CFG).unwrap().test_case("M", "T").unwrap();
        let s = &m.states["S"];
        assert_eq!(s.response(0), Some(&MockResponse::Return(json!({"a": 1}))));
        let thrown = MockResponse::Throw {
            error: Some("E".into()),
            cause: None,
        };
        assert_eq!(s.response(2), Some(&thrown));
        assert_eq!(s.response(3), None);
        assert_eq!(s.entry(), Some("R"));
        assert_eq!(s.keys(), "\"0\", \"1-2\"");
        let always = StateMock::parse(r#"{"Return": 1}"#).unwrap();
        assert_eq!(
            always.response(u64::MAX),
            Some(&MockResponse::Return(json!(1)))
        );
        assert_eq!((always.entry(), always.keys().as_str()), (None, ""));
    }

    #[test]
    fn a_byte_order_mark_is_no_error() {
        let with_bom = format!("\u{feff}{CFG}");
        let m = MockConfig::parse(&with_bom)
            .unwrap()
            .test_case("M", "T")
            .unwrap();
        assert_eq!(
            m.states["S"],
            MockConfig::parse(CFG)
                .unwrap()
                .test_case("M", "T")
                .unwrap()
                .states["S"]
        );
        let one = StateMock::parse("\u{feff}{\"Return\": 1}").unwrap();
        assert_eq!(one.response(0), Some(&MockResponse::Return(json!(1))));
    }

    /// Invocation numbers that overlap or leave a gap are refused: which response was
    /// meant cannot be told.
    #[test]
    fn overlapping_or_gapped_invocations() {
        let err = StateMock::parse(r#"{"0": {"Return": 1}, "0-1": {"Return": 2}}"#).unwrap_err();
        assert_eq!(
            err,
            "the invocations \"0\" and \"0-1\" overlap: give each invocation one response"
        );
        let err = StateMock::parse(r#"{"0": {"Return": 1}, "3": {"Return": 2}}"#).unwrap_err();
        assert_eq!(
            err,
            "no response for the invocations \"1-2\", between \"0\" and \"3\": give one"
        );
        let ok = StateMock::parse(r#"{"0-1": {"Return": 1}, "2": {"Return": 2}}"#).unwrap();
        assert_eq!(ok.response(2), Some(&MockResponse::Return(json!(2))));
        assert_eq!(ok.response(3), None);
    }

    /// A key the format does not have is named, with where it is and the key it may have
    /// meant, before anything it left missing is.
    #[test]
    fn unknown_keys_are_named() {
        let singular = r#"{"StateMachines": {"SM": {"TestCases": {"T": {"Call": "R"}}}},
            "MockedResponse": {"R": {"0": {"Return": 1}}}}"#;
        assert_eq!(
            MockConfig::parse(singular).unwrap_err(),
            "mock config: /MockedResponse: unknown key: did you mean \"MockedResponses\"? (the keys here are StateMachines, MockedResponses)"
        );
        let typo = r#"{"StateMachines": {"SM": {"TestCases": {"T": {"Call": "R"}}}},
            "MockedResponses": {"R": {"0": {"Retrun": 1}}}}"#;
        assert_eq!(
            MockConfig::parse(typo).unwrap_err(),
            "mock config: /MockedResponses/R/0/Retrun: unknown key: did you mean \"Return\"? (the keys here are Return, Throw)"
        );
        let machine = r#"{"StateMachines": {"SM": {"TestCase": {}}}, "MockedResponses": {}}"#;
        assert_eq!(
            MockConfig::parse(machine).unwrap_err(),
            "mock config: /StateMachines/SM/TestCase: unknown key: did you mean \"TestCases\"? (the keys here are TestCases)"
        );
        assert_eq!(
            StateMock::parse(r#"{"Throw": {"Error": "E", "Couse": "c"}}"#).unwrap_err(),
            "/Throw/Couse: unknown key: did you mean \"Cause\"? (the keys here are Error, Cause)"
        );
        assert_eq!(
            StateMock::parse(r#"{"Retrun": 1}"#).unwrap_err(),
            "/Retrun: unknown key: did you mean \"Return\"? (the keys here are Return, Throw)"
        );
        assert_eq!(
            StateMock::parse(r#"{"0": {"Return": 1}, "x": 2}"#).unwrap_err(),
            "/x: the key must be an invocation number (\"0\") or an inclusive range (\"1-2\")"
        );
        // Nothing near: what --mock takes.
        assert!(
            StateMock::parse(r#"{"Comment": 1}"#)
                .unwrap_err()
                .starts_with("must be {\"Return\": ...}")
        );
        assert_eq!(
            StateMock::parse(r#"{"Return": 1, "Comment": 1}"#).unwrap_err(),
            "/Comment: unknown key (the keys here are Return, Throw)"
        );
    }

    #[test]
    fn clear_errors() {
        assert_eq!(
            MockConfig::parse("{\n  \"a\": }").unwrap_err(),
            "mock config is not valid JSON at line 2, column 8: expected value"
        );
        let bad = r#"{"StateMachines": {}, "MockedResponses": {"R": {"x": {"Return": 1}}}}"#;
        assert!(
            MockConfig::parse(bad)
                .unwrap_err()
                .contains("/MockedResponses/R/x")
        );
        let undefined = r#"{"StateMachines": {"M": {"TestCases": {"T": {"S": "Nope"}}}}, "MockedResponses": {}}"#;
        assert!(
            MockConfig::parse(undefined)
                .unwrap_err()
                .contains("\"Nope\" is not defined")
        );
        let cfg = MockConfig::parse(CFG).unwrap();
        assert!(
            cfg.test_case("X", "T")
                .unwrap_err()
                .contains("no state machine \"X\"")
        );
        assert!(
            cfg.test_case("M", "Y")
                .unwrap_err()
                .contains("no test case \"Y\"")
        );
    }
}
