//! Times the phases of linting one large definition: read, parse, model, graph, rules.
//! Run: `cargo bench --bench phases -- FILE` (defaults to a generated 10,000-state file
//! when ../shared/bench/gen_asl.py is present). With `--rules`, also times each rule on
//! its own, one thread, slowest first (the schema findings are paid by the first rule
//! that asks for them, shown as `schema`).

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use asl_lint::graph::Graphs;
use asl_lint::lint::{LintOptions, lint_text};
use asl_lint::model::StateMachine;
use asl_lint::syntax::{self, SourceKind};

fn main() {
    let path = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let text = match path {
        Some(p) => std::fs::read_to_string(p).expect("readable UTF-8 file"),
        None => {
            let script =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_asl.py");
            let out = std::process::Command::new("python3")
                .arg(script)
                .arg("10000")
                .output();
            match out {
                Ok(o) if o.status.success() => String::from_utf8(o.stdout).expect("UTF-8"),
                _ => {
                    eprintln!(
                        "skipped: give a FILE or put ../shared/bench/gen_asl.py beside the checkout"
                    );
                    return;
                }
            }
        }
    };
    if std::env::args().any(|a| a == "--rules") {
        time_rules(&text);
    }
    let runs = 10;
    let mut best = [f64::MAX; 4];
    for _ in 0..runs {
        let t0 = Instant::now();
        let doc = syntax::parse(&text, SourceKind::Json);
        let t1 = Instant::now();
        let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
        let t2 = Instant::now();
        let graphs = Graphs::build(&machine);
        let t3 = Instant::now();
        drop(graphs);
        drop(machine);
        drop(doc);
        let t4 = Instant::now();
        let d = lint_text(&text, SourceKind::Json, &LintOptions::default());
        let t5 = Instant::now();
        std::hint::black_box(d);
        for (b, v) in best.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2, t5 - t4]) {
            *b = b.min(v.as_secs_f64() * 1000.0);
        }
    }
    println!(
        "{} bytes: parse {:.1} ms, model {:.1} ms, graph {:.1} ms, full lint {:.1} ms (best of {runs})",
        text.len(),
        best[0],
        best[1],
        best[2],
        best[3]
    );
}

/// Each rule's time on its own (best of 5), slowest first.
fn time_rules(text: &str) {
    use asl_lint::rules::{LintContext, RULES, Sink};
    let doc = syntax::parse(text, SourceKind::Json);
    let machine = StateMachine::build(doc.root.as_ref().unwrap()).unwrap();
    let graphs = Graphs::build(&machine);
    let mut times: Vec<(&str, f64)> = Vec::new();
    let mut schema = f64::MAX;
    for _ in 0..5 {
        let ctx = LintContext::new(text, &doc, Some(&machine), Some(&graphs));
        let t = Instant::now();
        std::hint::black_box(ctx.schema_findings());
        schema = schema.min(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.push(("schema", schema));
    // As `check` runs them: no fixes unless asked for.
    let mut ctx = LintContext::new(text, &doc, Some(&machine), Some(&graphs));
    ctx.fixes = false;
    ctx.schema_findings();
    for rule in RULES {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let mut out = Vec::new();
            let t = Instant::now();
            (rule.check)(&ctx, &mut Sink::new(&rule.meta, &mut out));
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(out);
        }
        times.push((rule.meta.code, best));
    }
    let total: f64 = times.iter().map(|t| t.1).sum();
    times.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("rules and schema: {total:.1} ms on one thread");
    for (code, ms) in times.iter().take(25) {
        println!("  {code:<8} {ms:6.2} ms");
    }
}
