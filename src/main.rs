//! The `tinct` binary: parse, validate, call the library, print, exit.

mod cli;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

/// An error message as one line of at most 600 characters (a value echoed from a malformed
/// file can be the whole file).
fn one_line(message: &str) -> String {
    let flat: String = message
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if flat.chars().count() <= 600 {
        flat
    } else {
        let cut: String = flat.chars().take(597).collect();
        format!("{cut}...")
    }
}

fn main() -> ExitCode {
    // Arguments must be text; name the one that is not (clap only says that one is not).
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    for (i, arg) in raw.iter().enumerate().skip(1) {
        if arg.to_str().is_none() {
            let flag = raw[i - 1]
                .to_str()
                .filter(|p| p.starts_with('-') && i > 1)
                .map_or(String::new(), |p| format!(" (the value of {p})"));
            eprintln!(
                "tinct: argument {i}{flag}, {:?}, is not UTF-8 text",
                arg.to_string_lossy()
            );
            return ExitCode::from(cli::EXIT_BAD_INPUT);
        }
    }
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            e.exit()
        }
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // `tinct` alone: the overview, as a usage error.
            let _ = e.print();
            return ExitCode::from(cli::EXIT_BAD_INPUT);
        }
        Err(e) => {
            // Usage errors in one line, like every other bad input.
            // clap's message runs to the first blank line (then come usage and tips).
            let text = e.to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!(
                "tinct: {} (see tinct --help)",
                message.join(" ").trim_start_matches("error: ")
            );
            return ExitCode::from(cli::EXIT_BAD_INPUT);
        }
    };
    // A panic is a bug; it must still end as one line and exit 1, never as a backtrace: the
    // default hook's report is replaced by the line below.
    std::panic::set_hook(Box::new(|_| {}));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cli::run(args))) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("tinct: {}", one_line(&e.message));
            ExitCode::from(e.code)
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            eprintln!(
                "tinct: internal error ({}); this is a bug, please report it with the command line",
                what.lines().next().unwrap_or("")
            );
            ExitCode::from(cli::EXIT_FAILED)
        }
    }
}
