fn main() -> std::process::ExitCode {
    asl_lint::cli::main()
}
