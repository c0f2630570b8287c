//! Times each phase and each rule of linting one file: `cargo run --release --example
//! rule_times -- FILE`. For finding where the time of `asl-lint check` goes.

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use asl_lint::graph::Graphs;
use asl_lint::model::StateMachine;
use asl_lint::rules::{self, LintContext, Sink};
use asl_lint::syntax::{self, SourceKind};

fn main() {
    let path = std::env::args().nth(1).expect("usage: rule_times FILE");
    let t = Instant::now();
    let bytes = std::fs::read(&path).expect("readable file");
    let read = t.elapsed();
    let t = Instant::now();
    let text = syntax::decode(&bytes).text.into_owned();
    let decode = t.elapsed();
    let t = Instant::now();
    let doc = syntax::parse(&text, SourceKind::Json);
    let parse = t.elapsed();
    let t = Instant::now();
    let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
    let model = t.elapsed();
    let t = Instant::now();
    let graphs = Graphs::build(&machine);
    let graph = t.elapsed();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "read {:.1} ms, decode {:.1} ms, parse {:.1} ms, model {:.1} ms, graph {:.1} ms",
        ms(read),
        ms(decode),
        ms(parse),
        ms(model),
        ms(graph)
    );
    let mut ctx = LintContext::new(&text, &doc, Some(&machine), Some(&graphs));
    // As `asl-lint check` without `--fix`: no fixes are built.
    ctx.fixes = std::env::var_os("RULE_TIMES_FIXES").is_some();
    let mut rows = Vec::new();
    let mut total = 0.0;
    for rule in rules::RULES {
        let mut out = Vec::new();
        let t = Instant::now();
        let mut sink = Sink::new(&rule.meta, &mut out);
        (rule.check)(&ctx, &mut sink);
        let e = ms(t.elapsed());
        total += e;
        rows.push((e, rule.meta.code, out.len()));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("rules total {total:.1} ms");
    for (e, code, n) in rows.iter().take(20) {
        println!("  {code} {e:>7.2} ms  {n} diagnostics");
    }
    let t = Instant::now();
    let d = asl_lint::lint_bytes(&bytes, Some(&path), &Default::default());
    println!(
        "lint_bytes {:.1} ms ({} diagnostics)",
        ms(t.elapsed()),
        d.diagnostics.len()
    );
    let t = Instant::now();
    let index = syntax::LineIndex::new(&text);
    println!(
        "LineIndex {:.1} ms ({} lines)",
        ms(t.elapsed()),
        index.line_count()
    );
}
