//! Throughput and footprint on the full lists in ../shared/lists:
//! compare pairs/s, index build time, peak memory, match queries/s.
//! Run: `cargo bench --bench speed`. Figures are per this machine and run;
//! compare only figures printed by the same run. Timed steps run several
//! times and print the first run, the median and the best: on a shared
//! machine one run can lose half its time to other tenants, and the best
//! run is the code's own speed. Single-thread runs also print their rate
//! per second on a CPU (the thread's own CPU clock) and the share of the
//! run it spent
//! waiting for a CPU: the per-core figure, apart from time other tenants
//! took (though not from the caches they shared).

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use vetter::lists::{LoadOptions, Snapshot};
use vetter::matching::candidates::Scratch;
use vetter::matching::names::compare::score_strings;
use vetter::matching::names::normalize::NameKind;
use vetter::matching::search::{Matcher, Query, Settings};
use vetter::matching::{sample, Uniform};

/// The allocator of the `vetter` binary (see `vetter::allocator`), so
/// that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: vetter::allocator::MiMalloc = vetter::allocator::MiMalloc;

/// `items` a second of each of `runs` runs of `run`.
fn rates(runs: usize, items: usize, run: impl FnMut()) -> Vec<f64> {
    timed(runs, items, run)
        .into_iter()
        .map(|r| r.wall)
        .collect()
}

/// One timed run: items a second of wall time, and where the kernel keeps
/// them, items a second on a CPU and the share of the wall time the
/// thread waited for one.
struct Run {
    wall: f64,
    on_cpu: Option<(f64, f64)>,
}

/// Each of `runs` runs of `run` (on this thread), timed.
fn timed(runs: usize, items: usize, mut run: impl FnMut()) -> Vec<Run> {
    (0..runs)
        .map(|_| {
            let before = cpu_and_wait_ns();
            let start = Instant::now();
            run();
            let wall = start.elapsed().as_secs_f64();
            let on_cpu = before.zip(cpu_and_wait_ns()).map(|((c0, w0), (c1, w1))| {
                let cpu = (c1.saturating_sub(c0)) as f64 / 1e9;
                let waited = (w1.saturating_sub(w0)) as f64 / 1e9;
                (items as f64 / cpu.max(1e-9), waited / wall.max(1e-9))
            });
            Run {
                wall: items as f64 / wall,
                on_cpu,
            }
        })
        .collect()
}

/// Nanoseconds this thread has run on a CPU (its CPU clock, exact) and
/// waited for one (the kernel's scheduler statistics, which lag by up to
/// a tick: a share, not a figure to subtract).
#[allow(unsafe_code)]
fn cpu_and_wait_ns() -> Option<(u64, u64)> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to fill.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } != 0 {
        return None;
    }
    let cpu = u64::try_from(now.tv_sec).ok()? * 1_000_000_000 + u64::try_from(now.tv_nsec).ok()?;
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let waited = text.split_whitespace().nth(1)?.parse().ok()?;
    Some((cpu, waited))
}

/// The wall-time spread of `runs`, then their rates on a CPU and the
/// most any run waited for one, as text.
fn spread_on_cpu(runs: &[Run], unit: &str) -> String {
    let wall: Vec<f64> = runs.iter().map(|r| r.wall).collect();
    let mut out = spread(&wall, unit);
    let on_cpu: Option<Vec<(f64, f64)>> = runs.iter().map(|r| r.on_cpu).collect();
    if let Some(on_cpu) = on_cpu {
        let rates: Vec<f64> = on_cpu.iter().map(|(r, _)| *r).collect();
        let waited = on_cpu.iter().map(|(_, w)| *w).fold(0.0, f64::max);
        out.push_str(&format!(
            "; on a CPU: {}, waited for a CPU up to {:.0}% of a run",
            spread(&rates, unit),
            waited * 100.0
        ));
    }
    out
}

/// The first, median and best of `rates` (higher is better), as text.
fn spread(rates: &[f64], unit: &str) -> String {
    let mut sorted = rates.to_vec();
    sorted.sort_by(f64::total_cmp);
    format!(
        "first {:.0}, median {:.0}, best {:.0} {unit} ({} runs)",
        rates[0],
        sorted[sorted.len() / 2],
        sorted[sorted.len() - 1],
        rates.len()
    )
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

#[allow(unsafe_code)]
fn main() {
    // SAFETY: first thing in main, before any other thread exists.
    unsafe { vetter::allocator::keep_freed_memory() };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let pairs_path = root.join("bench/name_bench/cases.csv");
    if let Ok(mut r) = csv::Reader::from_path(&pairs_path) {
        let pairs: Vec<(NameKind, String, String)> = r
            .records()
            .filter_map(Result::ok)
            .map(|x| {
                (
                    NameKind::parse(&x[1]).unwrap_or(NameKind::Any),
                    x[2].to_owned(),
                    x[3].to_owned(),
                )
            })
            .collect();
        let start = Instant::now();
        let mut sink = 0.0;
        for (k, a, b) in &pairs {
            sink += score_strings(a, b, *k, &Uniform);
        }
        let cold = pairs.len() as f64 / start.elapsed().as_secs_f64();
        let passes = 4;
        let warm = timed(7, pairs.len() * passes, || {
            for _ in 0..passes {
                for (k, a, b) in &pairs {
                    sink += score_strings(a, b, *k, &Uniform);
                }
            }
        });
        println!(
            "compare: {} pairs incl. normalisation, single thread: cold pass {cold:.0} pairs/s; {passes} warm passes a run: {} ({sink:.0})",
            pairs.len(),
            spread_on_cpu(&warm, "pairs/s")
        );
    }

    let lists = [
        root.join("lists/ofac/2021-06-29"),
        root.join("lists/ofac/2025-12-19"),
    ];
    let start = Instant::now();
    let Ok(snapshot) = Snapshot::load(&lists, &LoadOptions::default()) else {
        println!("skipped: full lists not found");
        return;
    };
    let load = start.elapsed();
    let start = Instant::now();
    let mut matcher = Matcher::new(&snapshot);
    let build = start.elapsed();
    let first_peak = peak_rss_mb();
    // Two more builds, each replacing the index, for the time alone.
    let mut build_ms = vec![build.as_secs_f64() * 1e3];
    for _ in 0..2 {
        drop(matcher);
        let start = Instant::now();
        matcher = Matcher::new(&snapshot);
        build_ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let first_ms = build_ms[0];
    build_ms.sort_by(f64::total_cmp);
    let aliases: usize = snapshot.entities.iter().map(|e| e.aliases.len()).sum();
    println!(
        "lists: SDN 2021-06-29 + consolidated 2025-12-19, {} entities, {} aliases, {} indexed names",
        snapshot.entities.len(),
        aliases,
        matcher.index.names.len()
    );
    println!(
        "load {:.0} ms, index build first {first_ms:.0} ms, median {:.0} ms, best {:.0} ms (3 builds), peak memory after the first {first_peak:.0} MB, after all {:.0} MB",
        load.as_secs_f64() * 1e3,
        build_ms[1],
        build_ms[0],
        peak_rss_mb()
    );

    let queries: Vec<Query> = sample::queries(&snapshot, 10_000, 7)
        .into_iter()
        .map(|name| Query {
            name: Some(name),
            ..Query::default()
        })
        .collect();
    let settings = Settings::default();
    // One scratch, as one thread of a batch keeps: the first run fills
    // its caches of looked-up words.
    let mut scratch = Scratch::default();
    let mut hits = 0;
    let single = timed(5, queries.len(), || {
        hits = queries
            .iter()
            .map(|q| matcher.search(q, &settings, &mut scratch).len())
            .sum();
    });
    println!(
        "match: {} queries, single thread: {} with explanations ({hits} hits)",
        queries.len(),
        spread_on_cpu(&single, "queries/s")
    );
    let mut total = 0;
    let parallel = rates(3, queries.len(), || {
        total = queries
            .par_iter()
            .map_init(Scratch::default, |s, q| {
                matcher.search(q, &settings, s).len()
            })
            .sum();
    });
    println!(
        "match: all {} cores: {} ({total} hits)",
        rayon::current_num_threads(),
        spread(&parallel, "queries/s")
    );
    println!("peak memory after matching {:.0} MB", peak_rss_mb());

    screen_thousand_customers(&snapshot, &matcher);
    verify_log();
}

/// A vendor with 1,000 customers (names drawn from the lists, half of them
/// perturbed or stitched) screened against the full lists with the default
/// policy, as `vetter screen` does after loading.
fn screen_thousand_customers(snapshot: &Snapshot, matcher: &Matcher<'_>) {
    let names = sample::queries(snapshot, 1_000, 99);
    let mut toml = String::from("[vendor]\nname = \"Benchmark Vendor (fictional)\"\n[policies]\nprohibits_designated_terrorists = true\n");
    for (i, n) in names.iter().enumerate() {
        toml.push_str(&format!(
            "[[customers]]\nid = \"c{i}\"\nname = {n:?}\nwebsites = [\"customer{i}.example\"]\n"
        ));
    }
    let evidence = vetter::evidence::parse::parse(Path::new("bench.toml"), &toml, &mut |_| {
        Err("no csv".into())
    })
    .expect("evidence");
    let policy = vetter::rules::Policy::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"))
        .expect("rules");
    let start = Instant::now();
    let settings = Settings {
        threshold: policy.settings.matching.threshold,
        limit: 0,
    };
    let hits: usize = evidence
        .customers
        .par_iter()
        .map_init(Scratch::default, |s, c| {
            vetter::screen::screen_party(&c.party, matcher, &settings, s).len()
        })
        .sum();
    println!(
        "screen: matching alone for 1000 customers: {:.0} ms ({hits} hits)",
        start.elapsed().as_secs_f64() * 1e3
    );
    let start = Instant::now();
    let verdict = vetter::screen::screen(&vetter::screen::Inputs {
        evidence: &evidence,
        evidence_files: &[],
        matcher,
        policy: &policy,
        dispositions: &vetter::dispositions::Dispositions::none(),
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        timestamp: String::new(),
    })
    .expect("screen");
    println!(
        "screen: vendor + 1000 customers against the full lists: {:.0} ms on {} cores (matching + rules), verdict {}, {} hits",
        start.elapsed().as_secs_f64() * 1e3,
        rayon::current_num_threads(),
        verdict.verdict.as_str(),
        verdict.summary.hits
    );
}

/// `log verify` on a log of 20,000 records made from the example screenings.
fn verify_log() {
    use vetter::audit::record::{seal, unseal, Body, GENESIS};
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("bench.log");
    let exe = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/vetter");
    if !exe.exists() {
        println!("log verify: skipped (build target/release/vetter first)");
        return;
    }
    for e in ["fail", "pass", "review"] {
        let status = std::process::Command::new(&exe)
            .args([
                "screen",
                &format!("examples/{e}-vendor.toml"),
                "--as-of",
                "2026-11-01",
                "--lists",
                "lists/sample",
                "--lists",
                "lists/watchlists/extremist-sites.csv",
                "--log",
                log.to_str().unwrap(),
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("screen");
        assert!(status.code().is_some());
    }
    let seed = std::fs::read_to_string(&log).expect("log");
    let bodies: Vec<Body> = seed
        .lines()
        .map(|l| serde_json::from_str(&unseal(l).unwrap().hashed).unwrap())
        .collect();
    let mut out = String::new();
    let mut prev = GENESIS.to_owned();
    for i in 0..20_000u64 {
        let mut b = bodies[(i % 3) as usize].clone();
        b.seq = i + 1;
        b.prev = prev.clone();
        let line = seal(&b, None).unwrap();
        prev = unseal(&line).unwrap().hash.to_owned();
        out.push_str(&line);
        out.push('\n');
    }
    let bytes = out.into_bytes();
    let start = Instant::now();
    let report = vetter::audit::verify::verify(&bytes, None, None);
    let secs = start.elapsed().as_secs_f64();
    assert!(report.intact());
    println!(
        "log verify: {} records ({:.0} MB, {:.1} KB/record) in {:.0} ms: {:.0} records/s",
        report.records,
        bytes.len() as f64 / 1e6,
        bytes.len() as f64 / 1e3 / report.records as f64,
        secs * 1e3,
        report.records as f64 / secs
    );
}
