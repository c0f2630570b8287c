// mimalloc: the linter allocates many small nodes; it is markedly faster than the
// system allocator for that pattern (measured with `cargo bench --bench phases`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    asl_lint::cli::main()
}
