fn main() -> std::process::ExitCode {
    axme::cli::main()
}
