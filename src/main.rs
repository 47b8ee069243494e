//! The `tinct` binary: parse, validate, call the library, print, exit.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tinct: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
