//! The `vetter` binary: parse arguments, run, map the outcome to an exit
//! code. Exit codes: 0 PASS/success, 10 REVIEW, 20 FAIL, 1 could not
//! complete, 2 usage error.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// See `vetter::allocator`.
#[global_allocator]
static ALLOCATOR: vetter::allocator::MiMalloc = vetter::allocator::MiMalloc;

#[allow(unsafe_code)]
fn main() -> ExitCode {
    // SAFETY: first thing in main, before any other thread exists.
    unsafe { vetter::allocator::keep_freed_memory() };
    let cli = match vetter::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = vetter::run(cli, &mut out);
    let flushed = out.flush();
    match result {
        Ok(outcome) => {
            if let Err(e) = flushed {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("error: writing output: {e}");
                    return ExitCode::from(1);
                }
            }
            ExitCode::from(outcome.exit_code())
        }
        Err(vetter::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            // The reader went away (`| head`): not an error.
            ExitCode::SUCCESS
        }
        Err(vetter::Error::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
