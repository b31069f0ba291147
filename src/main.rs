#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    heroku_j1::cli::main()
}
