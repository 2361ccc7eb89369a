//! vetter as an installed tool runs: every figure through the binary, from
//! a folder outside the repository, against a list store holding the full
//! SDN (2021-06-29) and consolidated (2025-12-19) lists, with the built-in
//! policy. Wall time and the peak memory of the process (getrusage).
//!
//! - `vetter match NAME`
//! - `vetter screen` of one vendor with 1,000 customers
//! - a portfolio: 1,000 vendors of 20 customers each, logged
//! - `vetter rescreen` of those 1,000 vendors
//! - `vetter log replay` of a 10,000-record log of 20-customer vendors
//!
//! Customers are the clean names of benches/data/clean_names.csv, with a
//! designated organisation in every 50th vendor. Run: `cargo bench --bench
//! reach` (a few minutes; it writes about 300 MB under the system's
//! temporary folder and removes it).

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const VENDORS: usize = 1_000;
const CUSTOMERS: usize = 20;
const BIG_VENDOR: usize = 1_000;
const LOG_ROUNDS: usize = 10;

/// Run vetter; returns wall time, peak RSS (MB) and exit code. Output goes
/// to `out`. The child is waited for with wait4, which reports its own
/// peak memory.
// wait4 reaps the child (and reports its own peak memory).
#[allow(unsafe_code, clippy::zombie_processes)]
fn run(home: &Path, cwd: &Path, args: &[&str], out: &Path) -> (Duration, f64, i32) {
    let stdout = std::fs::File::create(out).expect("output file");
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_vetter"))
        .args(args)
        .current_dir(cwd)
        .env("VETTER_HOME", home)
        .env_remove("VETTER_CONFIG")
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .expect("run vetter");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; both pointers are valid.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert!(pid > 0, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (wall, usage.ru_maxrss as f64 / 1024.0, code)
}

fn customer_names(root: &Path) -> Vec<String> {
    let mut reader =
        csv::Reader::from_path(root.join("benches/data/clean_names.csv")).expect("clean names");
    reader
        .records()
        .filter_map(|r| r.ok())
        .map(|r| r[0].to_owned())
        .collect()
}

fn vendor(i: usize, customers: usize, names: &[String]) -> String {
    let mut s = format!(
        "[vendor]\nname = \"Vendor {i} Hosting\"\nkind = \"organization\"\n\n[policies]\nprohibits_designated_terrorists = true\nprohibits_sanctioned_parties = true\n"
    );
    for c in 0..customers {
        let name = if i % 50 == 7 && c == 3 {
            "Popular Front for the Liberation of Palestine".to_owned()
        } else {
            names[(i * customers + c) % names.len()].clone()
        };
        let _ = write!(
            s,
            "\n[[customers]]\nid = \"c{c}\"\nname = {}\nwebsites = [\"site{i}-{c}.example\"]\n",
            toml::Value::String(name)
        );
    }
    s
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/lists/ofac");
    let tmp = tempfile::tempdir().expect("temporary folder");
    let (home, work) = (tmp.path().join("home"), tmp.path().join("work"));
    std::fs::create_dir_all(&work).expect("work folder");
    let out = tmp.path().join("out.txt");
    for (folder, date) in [("2021-06-29", "2021-06-29"), ("2025-12-19", "2025-12-19")] {
        let path = shared.join(folder);
        let (_, _, code) = run(
            &home,
            &work,
            &[
                "lists",
                "import",
                path.to_str().unwrap(),
                "--list-date",
                date,
            ],
            &out,
        );
        assert_eq!(code, 0, "import {folder}");
    }
    let names = customer_names(root);
    println!("reach: through the binary, list store with SDN 2021-06-29 + consolidated 2025-12-19, built-in policy");

    let mut times = Vec::new();
    let mut rss = 0.0f64;
    for _ in 0..5 {
        let (t, r, code) = run(&home, &work, &["match", "Hizballah"], &out);
        assert_eq!(code, 0);
        times.push(t);
        rss = rss.max(r);
    }
    times.sort();
    println!(
        "match NAME: median {:.0} ms, best {:.0} ms wall (5 runs), peak RSS {rss:.0} MB",
        times[2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3
    );

    let big = work.join("big-vendor.toml");
    std::fs::write(&big, vendor(7, BIG_VENDOR, &names)).expect("write vendor");
    let mut times = Vec::new();
    for _ in 0..3 {
        let (t, r, code) = run(&home, &work, &["screen", big.to_str().unwrap()], &out);
        assert_eq!(code, 20, "the vendor serves PFLP");
        times.push((t, r));
    }
    times.sort_by_key(|t| t.0);
    println!(
        "screen: one vendor with {BIG_VENDOR} customers, end to end: median {:.0} ms wall, peak RSS {:.0} MB",
        times[1].0.as_secs_f64() * 1e3,
        times[1].1
    );

    let vendors = work.join("vendors");
    std::fs::create_dir_all(&vendors).expect("vendors folder");
    for i in 0..VENDORS {
        std::fs::write(
            vendors.join(format!("v{i:04}.toml")),
            vendor(i, CUSTOMERS, &names),
        )
        .expect("write vendor");
    }
    let log = work.join("verdicts.log");
    let v = vendors.to_str().unwrap();
    let l = log.to_str().unwrap();
    let (t, r, code) = run(
        &home,
        &work,
        &["screen", v, "--log", l, "--format", "csv"],
        &out,
    );
    assert_eq!(code, 20);
    println!(
        "portfolio: {VENDORS} vendors x {CUSTOMERS} customers, logged: {:.1} s wall ({:.1} ms per vendor), peak RSS {r:.0} MB",
        t.as_secs_f64(),
        t.as_secs_f64() * 1e3 / VENDORS as f64
    );

    let (t, r, code) = run(&home, &work, &["rescreen", "--log", l], &out);
    assert!(code == 0 || code == 10, "rescreen exit {code}");
    println!(
        "rescreen: {VENDORS} vendors: {:.1} s wall, peak RSS {r:.0} MB",
        t.as_secs_f64()
    );

    for _ in 1..LOG_ROUNDS {
        let (_, _, code) = run(
            &home,
            &work,
            &["screen", v, "--log", l, "--format", "csv"],
            &out,
        );
        assert_eq!(code, 20);
    }
    let records = VENDORS * LOG_ROUNDS;
    let size = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    let (t, r, code) = run(&home, &work, &["log", "replay", l], &out);
    let report = std::fs::read_to_string(&out).unwrap_or_default();
    assert_eq!(code, 0, "replay: {}", report.lines().last().unwrap_or(""));
    println!(
        "log replay: {records} records of {CUSTOMERS}-customer vendors ({:.0} MB): {:.1} s wall ({:.2} ms per record), peak RSS {r:.0} MB",
        size as f64 / 1e6,
        t.as_secs_f64(),
        t.as_secs_f64() * 1e3 / records as f64
    );
}
