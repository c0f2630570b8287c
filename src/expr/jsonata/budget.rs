//! How much work and memory one evaluation may use. A short expression can ask for
//! billions of items (`[1..3000].([1..3000]).([1..3000])`) or gigabytes of text
//! (`$split($pad('', 5e7, 'a'), '')`); counted against a budget, it fails with an error
//! within seconds instead of running for minutes or exhausting the memory.
//!
//! Work is counted in steps: each expression evaluated is one, and the items and
//! string bytes a built-in function or a conversion goes through are counted at a
//! fraction of a step each (copying an item takes a few nanoseconds, evaluating an
//! expression some tens), so that the steps measure time.
//!
//! Memory is counted in bytes as values are built: array items, object members, path
//! tuples, and the text of strings, a long one when it is made and a short one when it
//! is kept in an array or object (most short strings are compared, joined or looked up
//! and dropped at once). What is dropped is not given back, except the accumulator a
//! loop replaces (`$reduce`, a tail call), which is known to be freed, and the
//! sequence of one item that each step of a path to a single value builds is not
//! counted: the count is close to what an evaluation builds in all rather than what it
//! holds at one time, an estimate that errs high for a long loop, and the limits leave
//! room for that. Both counts are exact functions of the expression and its input, so
//! an evaluation fails the same way on every machine.

use super::JsonataError;
use super::value::Val;
use crate::syntax::TextRange;

/// The limits of one evaluation (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Evaluation steps.
    pub steps: u64,
    /// Bytes of values built.
    pub memory: u64,
}

impl Budget {
    /// What the simulator allows an expression of a state machine. AWS Step Functions
    /// stops an evaluation that holds about 7 MB (`[1..873782]` evaluates there,
    /// `[1..873783]` fails, floci-io/floci#2737); these limits sit well above that, so
    /// that whatever AWS evaluates evaluates here, and still fail a runaway expression
    /// in a few seconds with a few hundred megabytes at most.
    pub const STEP_FUNCTIONS: Budget = Budget {
        steps: 30_000_000,
        memory: 128 << 20,
    };

    /// What the linter gives an expression it evaluates while checking a definition
    /// (a part that reads nothing, a Choice on a fixed input): enough for any
    /// realistic one, and little enough to keep checking fast.
    pub const LINT: Budget = Budget {
        steps: 1_000_000,
        memory: 16 << 20,
    };

    /// No limit (for values known to be small, and for tests).
    pub const UNLIMITED: Budget = Budget {
        steps: u64::MAX,
        memory: u64::MAX,
    };
}

impl Default for Budget {
    /// Room for what jsonata-js evaluates, whose only limit of this kind is the range
    /// operator's 10 million items (`[1..10000000] ~> $count()` evaluates, as the
    /// reference test suite expects).
    fn default() -> Budget {
        Budget {
            steps: 200_000_000,
            memory: 1 << 30,
        }
    }
}

/// Which limit an evaluation reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exhausted {
    Steps(u64),
    Memory,
}

impl Exhausted {
    /// The error to report at `span`. A limit has no JSONata code on AWS, whose words
    /// the memory error takes; jsonata-js's time limit gives the words of the other.
    pub fn error(self, span: TextRange) -> JsonataError {
        match self {
            Exhausted::Memory => JsonataError::limit(MEMORY_LIMIT_MESSAGE, span),
            Exhausted::Steps(n) => JsonataError::limit(
                format!(
                    "Expression evaluation timeout: Check for infinite loop (the evaluation \
                     took more than {n} steps)"
                ),
                span,
            ),
        }
    }
}

/// What AWS says when an evaluation holds too much memory (a `TestState` cause).
pub(crate) const MEMORY_LIMIT_MESSAGE: &str =
    "Expression evaluation memory limit exceeded: Check for excessive memory usage";

/// Items copied or compared in the time of one step.
pub(crate) const ITEMS_PER_STEP: usize = 8;
/// String bytes gone through in the time of one step.
pub(crate) const BYTES_PER_STEP: usize = 256;

/// Strings of this many bytes or more count as memory when they are made; shorter
/// ones when they are kept.
pub(crate) const LONG_STRING: usize = 1024;

/// Bytes an array item takes.
pub(crate) const ITEM: usize = std::mem::size_of::<Val>();
/// Bytes an object member takes: key, value, and the map's hash and index of it.
pub(crate) const MEMBER: usize =
    std::mem::size_of::<std::rc::Rc<str>>() + ITEM + 2 * std::mem::size_of::<usize>();
/// Bytes a string, an array or an object takes besides its contents (the reference
/// counts and the header of the collection).
pub(crate) const HEADER: usize = 4 * std::mem::size_of::<usize>();

/// The steps and bytes one evaluation has used, against its budget.
#[derive(Clone, Debug)]
pub(crate) struct Meter {
    budget: Budget,
    steps: u64,
    memory: u64,
}

impl Meter {
    pub fn new(budget: Budget) -> Meter {
        Meter {
            budget,
            steps: 0,
            memory: 0,
        }
    }

    /// Starts the count of a new evaluation.
    pub fn reset(&mut self) {
        self.steps = 0;
        self.memory = 0;
    }

    /// Counts `n` steps of work.
    #[inline]
    pub fn step(&mut self, n: usize) -> Result<(), Exhausted> {
        self.steps = self.steps.saturating_add(n as u64);
        if self.steps > self.budget.steps {
            return Err(Exhausted::Steps(self.budget.steps));
        }
        Ok(())
    }

    /// Counts `bytes` of memory built.
    #[inline]
    pub fn alloc(&mut self, bytes: usize) -> Result<(), Exhausted> {
        self.memory = self.memory.saturating_add(bytes as u64);
        if self.memory > self.budget.memory {
            return Err(Exhausted::Memory);
        }
        Ok(())
    }

    /// Fails if `bytes` more would not fit in the budget (for what is counted once it
    /// is built, but must not be built at all when it is too big).
    #[inline]
    pub fn room(&self, bytes: usize) -> Result<(), Exhausted> {
        if self.memory.saturating_add(bytes as u64) > self.budget.memory {
            return Err(Exhausted::Memory);
        }
        Ok(())
    }

    /// Counts the work of going through `n` items (copying, comparing).
    #[inline]
    pub fn pass(&mut self, n: usize) -> Result<(), Exhausted> {
        self.step(n / ITEMS_PER_STEP)
    }

    /// Counts `n` array items built.
    #[inline]
    pub fn items(&mut self, n: usize) -> Result<(), Exhausted> {
        self.pass(n)?;
        self.alloc(n.saturating_mul(ITEM))
    }

    /// Counts a string of `len` bytes built.
    #[inline]
    pub fn string(&mut self, len: usize) -> Result<(), Exhausted> {
        self.step(len / BYTES_PER_STEP)?;
        self.alloc(HEADER.saturating_add(len))
    }

    /// Counts a string just made. Only a long one counts as memory now: a short one
    /// is mostly compared, joined or looked up and dropped at once, and counts when it
    /// is kept ([`Meter::hold`]).
    #[inline]
    pub fn made_string(&mut self, len: usize) -> Result<(), Exhausted> {
        if len >= LONG_STRING {
            self.string(len)
        } else {
            self.step(len / BYTES_PER_STEP)
        }
    }

    /// Counts `v` put into an array being built: its place, and a short string that
    /// nothing else holds (one just made, see [`Meter::made_string`]).
    #[inline]
    pub fn hold(&mut self, v: &Val) -> Result<(), Exhausted> {
        self.items(1)?;
        self.held_text(v)
    }

    /// Counts the text of `v` when it is a short string that nothing else holds.
    #[inline]
    pub fn held_text(&mut self, v: &Val) -> Result<(), Exhausted> {
        match v {
            Val::Str(s) if s.len() < LONG_STRING && std::rc::Rc::strong_count(s) == 1 => {
                self.alloc(HEADER + s.len())
            }
            _ => Ok(()),
        }
    }

    /// Counts the text of an object key when nothing else holds it.
    #[inline]
    pub fn held_key(&mut self, key: &std::rc::Rc<str>) -> Result<(), Exhausted> {
        if key.len() < LONG_STRING && std::rc::Rc::strong_count(key) == 1 {
            return self.alloc(HEADER + key.len());
        }
        Ok(())
    }

    /// Counts `n` object members built.
    #[inline]
    pub fn members(&mut self, n: usize) -> Result<(), Exhausted> {
        self.pass(n)?;
        self.alloc(n.saturating_mul(MEMBER))
    }

    /// Gives back what `v` took at its top level when nothing else holds it: the
    /// accumulator a loop has just replaced, which is freed now. No more than was
    /// counted: a short string was not, nor the first item of a path's sequence.
    pub fn release(&mut self, v: &Val) {
        let bytes = match v {
            Val::Str(s) if s.len() >= LONG_STRING && std::rc::Rc::strong_count(s) == 1 => {
                HEADER + s.len()
            }
            Val::Arr(a, _) if std::rc::Rc::strong_count(a) == 1 => a.len().saturating_sub(1) * ITEM,
            Val::Obj(o) if std::rc::Rc::strong_count(o) == 1 => o.len() * MEMBER,
            _ => 0,
        };
        self.memory = self.memory.saturating_sub(bytes as u64);
    }
}

impl Default for Meter {
    fn default() -> Meter {
        Meter::new(Budget::UNLIMITED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::jsonata::{EvalOptions, JsonataError, evaluate_str};
    use serde_json::{Value, json};

    /// Evaluates `expr` with `budget`.
    fn eval(expr: &str, budget: Budget) -> Result<Option<Value>, JsonataError> {
        let opts = EvalOptions {
            now_millis: Some(0),
            random_seed: Some(0),
            budget,
            ..EvalOptions::default()
        };
        evaluate_str(expr, None, &serde_json::Map::new(), &opts)
    }

    /// A budget of one mebibyte and a million steps: each expression below stays in it
    /// or fails within milliseconds.
    const SMALL: Budget = Budget {
        steps: 1_000_000,
        memory: 1 << 20,
    };

    #[test]
    fn expressions_that_build_too_much_fail_with_the_memory_error() {
        for expr in [
            // Big at once, and big by multiplying.
            "$count([1..100000])",
            "$count([1..300].([1..300]))",
            "$count([1..60].([1..60]).([1..60]))",
            "$count([1..50000].{'a': $, 'b': [$, $]})",
            "$count($merge([1..20000].{$string($): $}))",
            // Strings, and what splits or matches them.
            "$length($join([1..100].($pad('', 100000, 'a'))))",
            "$count($split($pad('', 100000, 'a'), ''))",
            "$count($match($pad('', 100000, 'a'), /a/))",
            "$length($replace($pad('', 10000, 'a'), 'a', $pad('', 1000, 'b')))",
            "$count($distinct([1..100000]))",
            // Short strings, once they are kept.
            "$count([1..10000].($pad('', 100, 'a') & $))",
            // One array held many times is written out, copied or walked as many times.
            "($b := [1..1000]; [1..1000].[$b])",
            "($b := [1..1000]; $length($string([1..1000].[$b])))",
            "($b := [1..1000]; $length('' & [1..1000].[$b]))",
            "($b := [1..1000].{'a': $}; $count([1..1000].[$b].**))",
            "($b := [1..1000]; $count([1..1000].[$b] ~> |$|{}|))",
            "($b := [1..1000]; $count($clone([1..1000].[$b])))",
            "$count($parse('[' & $join([1..100000].'0', ',') & ']'))",
        ] {
            let e = eval(expr, SMALL).unwrap_err();
            assert_eq!(
                e.to_string(),
                "Expression evaluation memory limit exceeded: Check for excessive memory usage",
                "{expr}"
            );
        }
    }

    #[test]
    fn expressions_that_work_too_long_fail_with_the_timeout_error() {
        for expr in [
            "($f := function($n) { $n > 0 ? $f($n - 1) + $f($n - 1) : 0 }; $f(40))",
            "($f := function($n) { $n > 0 ? 1 + $f($n - 1) : 0 }; [1..20000].$f(50))",
            "$count($distinct([1..10000].[$ % 1000]))",
            "($r := [1..700]; $count($r.($i := $; $r[$ = $i])))",
        ] {
            let e = eval(expr, SMALL).unwrap_err();
            assert_eq!(
                (e.code, e.message.as_str()),
                (
                    "",
                    "Expression evaluation timeout: Check for infinite loop (the evaluation took \
                     more than 1000000 steps)"
                ),
                "{expr}"
            );
        }
    }

    #[test]
    fn what_a_loop_drops_is_not_counted_as_held() {
        // An accumulator built anew each round leaves the previous one to be freed.
        for (expr, want) in [
            (
                "$count($reduce([1..2000], function($a, $v) { $append($a, $v) }, []))",
                json!(2000),
            ),
            (
                "$length($reduce([1..2000], function($a, $v) { $a & 'xxxxxxxxxx' }, ''))",
                json!(20000),
            ),
            (
                "($f := function($n, $a) { $n = 0 ? $a : $f($n - 1, $append($a, $n)) }; \
                 $count($f(2000, [])))",
                json!(2000),
            ),
            // Paths to one value, and short strings made to be compared, in loops of tens of
            // thousands of rounds.
            (
                "($a := [1..300].{'id': $}; $count($a.($x := $; $a[id = $x.id])))",
                json!(300),
            ),
            (
                "($a := [1..200].{'n': 'Name ' & $}; \
                 $count($a.($x := $; $a[$lowercase(n) = $lowercase($x.n)])))",
                json!(200),
            ),
        ] {
            assert_eq!(eval(expr, SMALL).unwrap(), Some(want), "{expr}");
        }
    }

    #[test]
    fn the_simulators_budget_fits_what_aws_evaluates() {
        // The largest sequence AWS evaluates (floci-io/floci#2737), in a fraction of
        // the budget.
        let mut meter = Meter::new(Budget::STEP_FUNCTIONS);
        meter.items(873_782).unwrap();
        assert!(meter.memory * 4 < Budget::STEP_FUNCTIONS.memory);
        // What jsonata-js evaluates fits the default budget.
        let mut meter = Meter::new(Budget::default());
        meter.items(10_000_000).unwrap();
    }

    #[test]
    fn describe_cuts_a_long_value_short() {
        let v = Val::array((0..100_000).map(|i| Val::Num(i as f64)).collect());
        let text = crate::expr::jsonata::functions::describe(&v);
        assert!(
            text.len() <= (64 << 10) + 3 && text.ends_with("..."),
            "{}",
            text.len()
        );
    }
}
