//! `vetter serve` under load, on loopback: 20 concurrent clients send
//! 10,000 screenings of a 10-customer vendor against the full SDN
//! (2021-06-29) and consolidated (2025-12-19) lists. Prints throughput,
//! p50/p99 latency and errors; then checks that every acknowledged
//! screening is in the log and that the chain verifies. Then it kills the
//! server with SIGKILL in the middle of a second load, starts it again, and
//! checks that no acknowledged verdict is missing.
//!
//! Run: `cargo bench --bench serve_load` (about a minute; it writes under
//! the system's temporary folder and removes it). `SERVE_LOAD_REQUESTS`
//! changes the number of screenings.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 20;
const CUSTOMERS: usize = 10;

fn vetter(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vetter"));
    cmd.env("VETTER_HOME", home).env_remove("VETTER_CONFIG");
    cmd
}

fn run_ok(home: &Path, args: &[&str]) -> String {
    let out = vetter(home).args(args).output().expect("run vetter");
    assert!(
        out.status.success(),
        "vetter {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn start(home: &Path) -> (Child, String) {
    let mut child = vetter(home)
        .args(["serve", "--listen", "127.0.0.1:0", "--max-screenings", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server's address");
    let base = line.trim().trim_start_matches("listening on ").to_owned();
    (child, base)
}

fn vendor(i: usize, names: &[String]) -> String {
    let mut s = format!(
        "[vendor]\nname = \"Load Vendor {i}\"\nkind = \"organization\"\n\n[policies]\nprohibits_designated_terrorists = true\nprohibits_sanctioned_parties = true\n"
    );
    for c in 0..CUSTOMERS {
        let name = &names[(i * CUSTOMERS + c) % names.len()];
        let _ = write!(
            s,
            "\n[[customers]]\nid = \"c{c}\"\nname = {}\n",
            toml::Value::String(name.clone())
        );
    }
    s
}

/// What one client got: latencies of answered screenings, their (seq,
/// hash), and the errors.
#[derive(Default)]
struct Got {
    latencies: Vec<Duration>,
    acknowledged: Vec<(u64, String)>,
    errors: Vec<String>,
}

/// `per_client` screenings from each of `CLIENTS` threads; stops early
/// (without counting errors) once `stop` is set.
fn load(base: &str, token: &str, bodies: &[String], per_client: usize, stop: &AtomicBool) -> Got {
    let results: Vec<Got> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..CLIENTS)
            .map(|client| {
                s.spawn(move || {
                    let agent = ureq::AgentBuilder::new()
                        .timeout(Duration::from_secs(30))
                        .build();
                    let mut got = Got::default();
                    for n in 0..per_client {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let body = &bodies[(client * per_client + n) % bodies.len()];
                        let started = Instant::now();
                        let answer = agent
                            .post(&format!("{base}/api/v1/screen"))
                            .set("Authorization", &format!("Bearer {token}"))
                            .set("Content-Type", "application/toml")
                            .send_string(body);
                        match answer.map(|r| r.into_string()) {
                            Ok(Ok(text)) => {
                                got.latencies.push(started.elapsed());
                                let v: serde_json::Value =
                                    serde_json::from_str(&text).expect("JSON");
                                got.acknowledged.push((
                                    v["log"]["seq"].as_u64().expect("seq"),
                                    v["log"]["hash"].as_str().expect("hash").to_owned(),
                                ));
                            }
                            Ok(Err(e)) => got.errors.push(e.to_string()),
                            Err(e) if !stop.load(Ordering::Relaxed) => {
                                got.errors.push(e.to_string())
                            }
                            Err(_) => break,
                        }
                    }
                    got
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("client"))
            .collect()
    });
    let mut all = Got::default();
    for g in results {
        all.latencies.extend(g.latencies);
        all.acknowledged.extend(g.acknowledged);
        all.errors.extend(g.errors);
    }
    all
}

/// Every record of the log by sequence number, with its hash.
fn logged(log: &Path) -> BTreeMap<u64, String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            (
                v["seq"].as_u64().unwrap_or(0),
                v["hash"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn missing(acknowledged: &[(u64, String)], log: &BTreeMap<u64, String>) -> usize {
    acknowledged
        .iter()
        .filter(|(seq, hash)| log.get(seq) != Some(hash))
        .count()
}

#[allow(unsafe_code)]
fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let requests: usize = std::env::var("SERVE_LOAD_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().expect("temporary folder");
    let home = tmp.path().join("home");
    let shared = root.join("../shared/lists/ofac");
    for date in ["2021-06-29", "2025-12-19"] {
        let folder = shared.join(date);
        run_ok(
            &home,
            &[
                "lists",
                "import",
                folder.to_str().unwrap(),
                "--list-date",
                date,
            ],
        );
    }
    let token = run_ok(&home, &["users", "add", "load", "--role", "officer"])
        .trim()
        .to_owned();
    let names: Vec<String> = csv::Reader::from_path(root.join("benches/data/clean_names.csv"))
        .expect("clean names")
        .records()
        .filter_map(|r| r.ok())
        .map(|r| r[0].to_owned())
        .collect();
    let bodies: Vec<String> = (0..500).map(|i| vendor(i, &names)).collect();
    let log = home.join("verdicts.jsonl");

    let (mut server, base) = start(&home);
    let per_client = requests.div_ceil(CLIENTS);
    let never = AtomicBool::new(false);
    let started = Instant::now();
    let got = load(&base, &token, &bodies, per_client, &never);
    let wall = started.elapsed();
    let mut lat = got.latencies.clone();
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "serve: {} screenings of a {CUSTOMERS}-customer vendor from {CLIENTS} clients against SDN 2021-06-29 + consolidated 2025-12-19",
        got.latencies.len() + got.errors.len()
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  throughput {:.0} screenings/s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; errors {}",
        got.latencies.len() as f64 / wall.as_secs_f64(),
        ms(pct(0.50)),
        ms(pct(0.90)),
        ms(pct(0.99)),
        ms(lat.last().copied().unwrap_or_default()),
        got.errors.len()
    );
    for e in got.errors.iter().take(3) {
        println!("  error: {e}");
    }
    // SAFETY: signals our own child.
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    let _ = server.wait();
    let verify = run_ok(&home, &["log", "verify", log.to_str().unwrap()]);
    let records = logged(&log);
    println!(
        "  log: {} record(s), {} acknowledged screening(s) missing; {}",
        records.len(),
        missing(&got.acknowledged, &records),
        verify.lines().next().unwrap_or("")
    );

    // Kill -9 in the middle of a load, start again, and look for every
    // acknowledged verdict.
    let (server, base) = start(&home);
    let stop = AtomicBool::new(false);
    let got = std::thread::scope(|s| {
        let loader = s.spawn(|| load(&base, &token, &bodies, usize::MAX / CLIENTS, &stop));
        std::thread::sleep(Duration::from_secs(3));
        // SAFETY: signals our own child.
        unsafe { libc::kill(server.id() as i32, libc::SIGKILL) };
        stop.store(true, Ordering::Relaxed);
        loader.join().expect("load")
    });
    let mut server = server;
    let _ = server.wait();
    let verify = vetter(&home)
        .args(["log", "verify", log.to_str().unwrap()])
        .output()
        .expect("verify");
    let repaired = if verify.status.success() {
        "intact".to_owned()
    } else {
        // A record being written when the process died is unfinished and
        // was never acknowledged: repair takes it off.
        run_ok(&home, &["log", "repair", log.to_str().unwrap()]);
        "repaired a torn last line".to_owned()
    };
    let (mut again, base) = start(&home);
    let after = load(&base, &token, &bodies, 1, &never);
    // SAFETY: signals our own child.
    unsafe { libc::kill(again.id() as i32, libc::SIGTERM) };
    let _ = again.wait();
    let records = logged(&log);
    let verify = run_ok(&home, &["log", "verify", log.to_str().unwrap()]);
    println!(
        "  SIGKILL during load: {} screening(s) acknowledged before the kill, {} missing from the log ({repaired}); after a restart {} more logged; {}",
        got.acknowledged.len(),
        missing(&got.acknowledged, &records),
        after.acknowledged.len(),
        verify.lines().next().unwrap_or("")
    );
}
