//! Measures simulator throughput on the counter-loop benchmark:
//! `cargo run --release --example sim_bench -- ../shared/bench/sim_loop.json 1000000`
//! Runs with no history and no event limit, prints transitions per second.

use std::time::Instant;

use asl_lint::simulate::{SimulationOptions, Status, simulate};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/bench/sim_loop.json".into());
    let limit: u64 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let opts = SimulationOptions {
        input: serde_json::json!({ "limit": limit }),
        history: false,
        max_events: Some(0),
        ..SimulationOptions::default()
    };
    let start = Instant::now();
    let run = simulate(&text, &opts).unwrap_or_else(|e| panic!("{e}"));
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(
        run.status,
        Status::Succeeded,
        "{:?} {:?}",
        run.error,
        run.cause
    );
    println!(
        "{} transitions in {:.3} s: {:.0} transitions/s (output {})",
        run.transitions,
        secs,
        run.transitions as f64 / secs,
        run.output.map(|v| v.to_string()).unwrap_or_default()
    );
}
