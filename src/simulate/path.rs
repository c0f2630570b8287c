//! The JSONPath subset the simulator evaluates (Jayway dialect as AWS uses it): `$`, `$$`
//! (context) and `$var` roots, dotted and bracketed members, indexes (negative allowed),
//! `*`, slices, unions of indexes or names and `..name`. A path with a filter
//! (`[?(@.a >= 5)]`) is evaluated by `crate::expr::jsonpath`, which has the full
//! Jayway grammar; the rest stays on this small, fast evaluator.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Root {
    /// `$`: the current input (or result, depending on the field).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Var(String),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Seg {
    Field(String),
    Index(i64),
    Wildcard,
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Union(Vec<Seg>),
    Descend(String),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Path {
    pub root: Root,
    pub segs: Vec<Seg>,
    pub src: String,
    /// True when the path selects at most one node (no wildcard, slice, union, `..`).
    pub definite: bool,
    /// A path with a filter, parsed by the full JSONPath module, which evaluates it.
    pub filtered: Option<Box<crate::expr::jsonpath::Path>>,
}

/// Why a path found nothing.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Missing {
    /// The path prefix, Jayway style (`$['a']['b']`), up to the missing part.
    pub at: String,
    /// True when an intermediate property was missing, false when the last one was.
    pub intermediate: bool,
}

impl Path {
    pub fn parse(src: &str) -> Result<Path, String> {
        let b = src.as_bytes();
        if b.first() != Some(&b'$') {
            return Err(format!("'{src}' is not a path: it must start with '$'"));
        }
        let mut i = 1;
        let root = if b.get(1) == Some(&b'$') {
            i = 2;
            Root::Context
        } else if b.get(1).is_some_and(|c| is_ident_start(*c)) {
            let start = 1;
            while i < b.len() && is_ident_char(b[i]) {
                i += 1;
            }
            Root::Var(src[start..i].to_string())
        } else {
            Root::Input
        };
        // A filter, or names listed last (`$['a','b']`, `$.items[*]['id','name']`), which
        // Jayway gives as one object per match holding those names: the full module.
        if src.contains("[?") || Self::ends_in_names(src) {
            let full =
                crate::expr::jsonpath::parse(src).map_err(|e| format!("'{src}': {}", e.message))?;
            return Ok(Path {
                root,
                segs: Vec::new(),
                src: src.to_string(),
                definite: false,
                filtered: Some(Box::new(full)),
            });
        }
        let mut segs = Vec::new();
        let mut definite = true;
        while i < b.len() {
            match b[i] {
                b'.' => {
                    if b.get(i + 1) == Some(&b'.') {
                        i += 2;
                        let (name, n) = read_dotted(&src[i..]);
                        if name.is_empty() {
                            return Err(format!("'{src}': '..' must be followed by a name"));
                        }
                        i += n;
                        segs.push(Seg::Descend(name));
                        definite = false;
                        continue;
                    }
                    i += 1;
                    if b.get(i) == Some(&b'*') {
                        i += 1;
                        segs.push(Seg::Wildcard);
                        definite = false;
                        continue;
                    }
                    let (name, n) = read_dotted(&src[i..]);
                    if name.is_empty() {
                        return Err(format!("'{src}': expected a name after '.' at offset {i}"));
                    }
                    i += n;
                    segs.push(Seg::Field(name));
                }
                b'[' => {
                    let close =
                        find_bracket_end(src, i).ok_or_else(|| format!("'{src}': unclosed '['"))?;
                    let inner = src[i + 1..close].trim();
                    i = close + 1;
                    let seg = parse_bracket(inner).map_err(|e| format!("'{src}': {e}"))?;
                    if !matches!(seg, Seg::Field(_) | Seg::Index(_)) {
                        definite = false;
                    }
                    segs.push(seg);
                }
                c => {
                    return Err(format!(
                        "'{src}': unexpected character '{}' at offset {i}",
                        c as char
                    ));
                }
            }
        }
        Ok(Path {
            root,
            segs,
            src: src.to_string(),
            definite,
            filtered: None,
        })
    }

    /// Whether the last segment lists several names (`['a','b']`).
    fn ends_in_names(src: &str) -> bool {
        let Some(open) = src.trim_end().strip_suffix(']').and_then(|s| s.rfind('[')) else {
            return false;
        };
        matches!(
            parse_bracket(src.trim_end()[open + 1..src.trim_end().len() - 1].trim()),
            Ok(Seg::Union(parts)) if parts.iter().all(|p| matches!(p, Seg::Field(_)))
        )
    }

    /// For a definite path: the selected node.
    pub fn get<'v>(&self, root: &'v Value) -> Result<&'v Value, Missing> {
        let mut cur = root;
        for (k, seg) in self.segs.iter().enumerate() {
            let next = match (seg, cur) {
                (Seg::Field(name), Value::Object(m)) => m.get(name.as_str()),
                (Seg::Index(i), Value::Array(a)) => {
                    let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                    if idx < 0 { None } else { a.get(idx as usize) }
                }
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => {
                    return Err(Missing {
                        at: self.jayway_prefix(k + 1),
                        intermediate: k + 1 < self.segs.len(),
                    });
                }
            }
        }
        Ok(cur)
    }

    /// Evaluates the path: definite paths give the node (or `Missing`), others give an
    /// array of all matches (possibly empty).
    pub fn select(&self, root: &Value) -> Result<Value, Missing> {
        if self.definite {
            return self.get(root).cloned();
        }
        if let Some(full) = &self.filtered {
            // `root` is what the path starts from: the input, the context object or the
            // variable's value.
            let mut vars = serde_json::Map::new();
            if let Root::Var(name) = &self.root {
                vars.insert(name.clone(), root.clone());
            }
            return crate::expr::jsonpath::evaluate(full, root, root, &vars).map_err(|_| Missing {
                at: "$".to_string(),
                intermediate: false,
            });
        }
        let mut cur: Vec<&Value> = vec![root];
        for seg in &self.segs {
            let mut next = Vec::new();
            for v in cur {
                apply_seg(seg, v, &mut next);
            }
            cur = next;
        }
        Ok(Value::Array(cur.into_iter().cloned().collect()))
    }

    /// `$['a']['b'][0]` for the first `n` segments, as Jayway prints paths.
    pub fn jayway_prefix(&self, n: usize) -> String {
        let mut s = String::from("$");
        for seg in self.segs.iter().take(n) {
            match seg {
                Seg::Field(f) => {
                    s.push_str("['");
                    s.push_str(f);
                    s.push_str("']");
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
                Seg::Wildcard => s.push_str("[*]"),
                _ => s.push_str("[..]"),
            }
        }
        s
    }

    /// ResultPath: writes `value` into `target` at this reference path, creating missing
    /// objects. Fails when a node on the way is not an object (or the index is absent).
    pub fn set(&self, target: &mut Value, value: Value) -> Result<(), String> {
        if self.segs.is_empty() {
            *target = value;
            return Ok(());
        }
        let mut cur = target;
        let last = self.segs.len() - 1;
        for (k, seg) in self.segs.iter().enumerate() {
            match seg {
                Seg::Field(name) => {
                    let Value::Object(m) = cur else {
                        return Err(format!(
                            "Unable to apply ResultPath \"{}\" to input: {} is not an object",
                            self.src,
                            self.jayway_prefix(k)
                        ));
                    };
                    if k == last {
                        m.insert(name.clone(), value);
                        return Ok(());
                    }
                    cur = m
                        .entry(name.clone())
                        .or_insert_with(|| Value::Object(Default::default()));
                }
                Seg::Index(i) => {
                    let Value::Array(a) = cur else {
                        return Err(format!(
                            "Unable to apply ResultPath \"{}\": {} is not an array",
                            self.src,
                            self.jayway_prefix(k)
                        ));
                    };
                    let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                    if idx < 0 || idx as usize >= a.len() {
                        return Err(format!(
                            "Unable to apply ResultPath \"{}\": index {i} is out of range",
                            self.src
                        ));
                    }
                    if k == last {
                        a[idx as usize] = value;
                        return Ok(());
                    }
                    cur = &mut a[idx as usize];
                }
                _ => {
                    return Err(format!(
                        "ResultPath \"{}\" must be a reference path",
                        self.src
                    ));
                }
            }
        }
        Ok(())
    }
}

fn apply_seg<'v>(seg: &Seg, v: &'v Value, out: &mut Vec<&'v Value>) {
    match seg {
        Seg::Field(name) => {
            if let Value::Object(m) = v
                && let Some(x) = m.get(name.as_str())
            {
                out.push(x);
            }
        }
        Seg::Index(i) => {
            if let Value::Array(a) = v {
                let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                if idx >= 0
                    && let Some(x) = a.get(idx as usize)
                {
                    out.push(x);
                }
            }
        }
        Seg::Wildcard => match v {
            Value::Array(a) => out.extend(a.iter()),
            Value::Object(m) => out.extend(m.values()),
            _ => {}
        },
        Seg::Slice(start, end, step) => {
            if let Value::Array(a) = v {
                let len = a.len() as i64;
                let step = step.unwrap_or(1);
                if step <= 0 {
                    return;
                }
                let norm = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                let s = start.map_or(0, norm);
                let e = end.map_or(len, norm);
                let mut k = s;
                while k < e {
                    out.push(&a[k as usize]);
                    k += step;
                }
            }
        }
        Seg::Union(parts) => {
            for p in parts {
                apply_seg(p, v, out);
            }
        }
        Seg::Descend(name) => {
            // Iterative walk to stay safe on deep values.
            let mut stack = vec![v];
            while let Some(n) = stack.pop() {
                match n {
                    Value::Object(m) => {
                        if let Some(x) = m.get(name.as_str()) {
                            out.push(x);
                        }
                        for c in m.values().rev() {
                            stack.push(c);
                        }
                    }
                    Value::Array(a) => {
                        for c in a.iter().rev() {
                            stack.push(c);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// A dotted name: up to the next unescaped `.` or `[`; `\.` and similar escapes are kept
/// as the escaped character.
fn read_dotted(s: &str) -> (String, usize) {
    let mut name = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        match c {
            '\\' => {
                chars.next();
                if let Some((_, e)) = chars.next() {
                    name.push(e);
                } else {
                    return (name, i + 1);
                }
            }
            '.' | '[' => return (name, i),
            _ => {
                name.push(c);
                chars.next();
            }
        }
    }
    (name, s.len())
}

fn find_bracket_end(s: &str, open: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = open + 1;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b']' => return Some(i),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

fn parse_bracket(inner: &str) -> Result<Seg, String> {
    if inner == "*" {
        return Ok(Seg::Wildcard);
    }
    if inner.starts_with('?') {
        return Err("filter expressions are not supported by the simulator".to_string());
    }
    let parts = split_top(inner, ',');
    if parts.len() > 1 {
        let segs = parts
            .iter()
            .map(|p| parse_bracket(p.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Seg::Union(segs));
    }
    if let Some(q) = inner.chars().next()
        && (q == '\'' || q == '"')
    {
        if inner.len() < 2 || !inner.ends_with(q) {
            return Err(format!("bad quoted name [{inner}]"));
        }
        let body = &inner[1..inner.len() - 1];
        // Only an escaped quote of the same kind is an escape; other backslashes stay.
        let mut name = String::new();
        let mut it = body.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\\' && it.peek() == Some(&q) {
                name.push(q);
                it.next();
            } else {
                name.push(c);
            }
        }
        return Ok(Seg::Field(name));
    }
    if inner.contains(':') {
        let nums: Vec<&str> = inner.split(':').collect();
        if nums.len() > 3 {
            return Err(format!("bad slice [{inner}]"));
        }
        let p = |s: &str| -> Result<Option<i64>, String> {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse::<i64>()
                    .map(Some)
                    .map_err(|_| format!("bad slice [{inner}]"))
            }
        };
        return Ok(Seg::Slice(
            p(nums[0])?,
            p(nums.get(1).copied().unwrap_or(""))?,
            p(nums.get(2).copied().unwrap_or(""))?,
        ));
    }
    inner
        .parse::<i64>()
        .map(Seg::Index)
        .map_err(|_| format!("unsupported selector [{inner}]"))
}

fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match quote {
            Some(q) => {
                if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == sep {
                    out.push(&s[start..i]);
                    start = i + 1;
                }
            }
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn definite_paths() {
        let v = json!({"a": {"b": [1, 2, {"c": "x"}]}, "d.e": 5});
        assert_eq!(
            Path::parse("$.a.b[2].c").unwrap().get(&v).unwrap(),
            &json!("x")
        );
        assert_eq!(
            Path::parse("$.a.b[-1]").unwrap().get(&v).unwrap(),
            &json!({"c": "x"})
        );
        assert_eq!(Path::parse("$['d.e']").unwrap().get(&v).unwrap(), &json!(5));
        assert_eq!(Path::parse("$.d\\.e").unwrap().get(&v).unwrap(), &json!(5));
        let miss = Path::parse("$.a.x.y").unwrap().get(&v).unwrap_err();
        assert_eq!(miss.at, "$['a']['x']");
        assert!(miss.intermediate);
    }

    #[test]
    fn roots() {
        assert_eq!(Path::parse("$$.Execution.Id").unwrap().root, Root::Context);
        let p = Path::parse("$myVar.a[0]").unwrap();
        assert_eq!(p.root, Root::Var("myVar".into()));
        assert_eq!(p.segs, vec![Seg::Field("a".into()), Seg::Index(0)]);
    }

    #[test]
    fn indefinite_paths() {
        let v = json!({"items": [{"v": 1}, {"v": 2}, {"v": 3}, {"w": 4}]});
        assert_eq!(
            Path::parse("$.items[*].v").unwrap().select(&v).unwrap(),
            json!([1, 2, 3])
        );
        assert_eq!(
            Path::parse("$.items[1:3].v").unwrap().select(&v).unwrap(),
            json!([2, 3])
        );
        assert_eq!(
            Path::parse("$.items[-2:]").unwrap().select(&v).unwrap(),
            json!([{"v": 3}, {"w": 4}])
        );
        assert_eq!(
            Path::parse("$.items[0,2].v").unwrap().select(&v).unwrap(),
            json!([1, 3])
        );
        assert_eq!(
            Path::parse("$..v").unwrap().select(&v).unwrap(),
            json!([1, 2, 3])
        );
        assert_eq!(
            Path::parse("$.none[*]").unwrap().select(&v).unwrap(),
            json!([])
        );
    }

    #[test]
    fn filters() {
        // The example of the Step Functions developer guide's page on paths.
        let v = json!({"jar": [{"a": 1}, {"a": 5}, {"a": 2}, {"a": 7}, {"a": 3}], "min": 3});
        let select = |p: &str| Path::parse(p).unwrap().select(&v).unwrap();
        assert_eq!(select("$.jar[?(@.a >= 5)]"), json!([{"a": 5}, {"a": 7}]));
        assert_eq!(select("$.jar[?(@.a > 1 && @.a < 5)].a"), json!([2, 3]));
        assert_eq!(select("$.jar[?(@.a > $.min)].a"), json!([5, 7]));
        assert_eq!(select("$.jar[?(@.b)]"), json!([]));
        // `@` does not match scalar values, only objects (the same page).
        let mixed = json!({"a": [1, 2, 3, {"v": 2}, [2], "2"]});
        let pick = |p: &str| Path::parse(p).unwrap().select(&mixed).unwrap();
        assert_eq!(pick("$.a[?(@ > 1)]"), json!([]));
        assert_eq!(pick("$.a[?(@.v == 2)]"), json!([{"v": 2}]));
        let var = Path::parse("$rows[?(@.a == 2)]").unwrap();
        assert_eq!(var.root, Root::Var("rows".into()));
        assert_eq!(var.select(&v["jar"]).unwrap(), json!([{"a": 2}]));
        assert!(Path::parse("$.jar[?(@.a >= )]").is_err());
    }

    #[test]
    fn names_listed_last_give_objects() {
        // Jayway reads `['a','b']` as a leaf into one object holding those names.
        let v = json!({"id": 7, "name": "Ann", "secret": "x",
            "items": [{"s": "apple", "n": 1, "x": 0}, {"s": "banana", "n": 2}]});
        let select = |p: &str| Path::parse(p).unwrap().select(&v).unwrap();
        assert_eq!(select("$['id','name']"), json!({"id": 7, "name": "Ann"}));
        assert_eq!(select("$['name', 'nope']"), json!({"name": "Ann"}));
        assert_eq!(
            select("$.items[*]['s','n']"),
            json!([{"s": "apple", "n": 1}, {"s": "banana", "n": 2}])
        );
        // Indexes listed stay an array of the picked items.
        assert_eq!(select("$.items[0,1].n"), json!([1, 2]));
        assert!(!Path::ends_in_names("$.items[0,1]"));
        assert!(!Path::ends_in_names("$['a']"));
    }

    #[test]
    fn set_creates_objects_and_refuses_non_objects() {
        let mut v = json!({"a": 1});
        Path::parse("$.b.c").unwrap().set(&mut v, json!(2)).unwrap();
        assert_eq!(v, json!({"a": 1, "b": {"c": 2}}));
        assert!(Path::parse("$.a.c").unwrap().set(&mut v, json!(3)).is_err());
        let mut s = json!("str");
        assert!(Path::parse("$.x").unwrap().set(&mut s, json!(3)).is_err());
    }
}
