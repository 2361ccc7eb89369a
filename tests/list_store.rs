//! The list store as a new user meets it: `vetter lists fetch` from a
//! mirror served by a small HTTP server on 127.0.0.1 inside this test
//! process, with every way a download goes wrong, and screening from any
//! folder with the built-in policy once a snapshot is current.

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{shared_lists, stderr, stdout};

/// How the server answers one path.
#[derive(Clone)]
enum Reply {
    /// 200 with the body and a Last-Modified header.
    File(Vec<u8>, Option<&'static str>),
    /// Announces the whole length, sends half, and closes.
    Truncated(Vec<u8>),
    /// 200 with an HTML error page, as a misconfigured proxy sends.
    Html,
    /// This status, every time.
    Status(u16),
    /// This status for the first `n` requests, then the reply.
    FailFirst(u16, usize, Box<Reply>),
    /// Accepts and sends nothing for 5 s.
    Stall,
}

struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Serve `routes` on 127.0.0.1; the server stops when dropped, and in
    /// any case after two minutes.
    fn start(routes: HashMap<String, Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let routes = Arc::new(routes);
        let (s, h) = (stop.clone(), hits.clone());
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !s.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (routes, hits) = (routes.clone(), h.clone());
                        std::thread::spawn(move || answer(stream, &routes, &hits));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            stop,
            hits,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(
    mut stream: TcpStream,
    routes: &HashMap<String, Reply>,
    hits: &Mutex<HashMap<String, usize>>,
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let count = {
        let mut h = hits.lock().unwrap();
        let c = h.entry(path.clone()).or_insert(0);
        *c += 1;
        *c
    };
    let mut reply = routes.get(&path).cloned().unwrap_or(Reply::Status(404));
    while let Reply::FailFirst(status, n, then) = reply {
        reply = if count <= n {
            Reply::Status(status)
        } else {
            *then
        };
    }
    let head = |status: &str, len: usize, extra: &str| {
        format!("HTTP/1.1 {status}\r\nContent-Length: {len}\r\nConnection: close\r\n{extra}\r\n")
    };
    let _ = match reply {
        Reply::File(body, modified) => {
            let extra = modified
                .map(|m| format!("Last-Modified: {m}\r\n"))
                .unwrap_or_default();
            stream
                .write_all(head("200 OK", body.len(), &extra).as_bytes())
                .and_then(|_| stream.write_all(&body))
        }
        Reply::Truncated(body) => stream
            .write_all(head("200 OK", body.len(), "").as_bytes())
            .and_then(|_| stream.write_all(&body[..body.len() / 2])),
        Reply::Html => {
            let body = b"<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1>\n<p>Please try again later.</p></body></html>\n";
            stream
                .write_all(head("200 OK", body.len(), "Content-Type: text/html\r\n").as_bytes())
                .and_then(|_| stream.write_all(body))
        }
        Reply::Status(code) => {
            let status = match code {
                404 => "404 Not Found",
                503 => "503 Service Unavailable",
                _ => "500 Internal Server Error",
            };
            stream.write_all(head(status, 0, "").as_bytes())
        }
        Reply::Stall => {
            std::thread::sleep(Duration::from_secs(5));
            Ok(())
        }
        Reply::FailFirst(..) => unreachable!("unwrapped above"),
    };
    let _ = stream.flush();
}

const SDN_DATE: &str = "Tue, 29 Jun 2021 08:25:30 GMT";
const CONS_DATE: &str = "Fri, 19 Dec 2025 18:23:47 GMT";

/// Every file of the 2021-06-29 SDN and 2025-12-19 consolidated snapshots,
/// as the publisher would serve them.
fn good_routes() -> HashMap<String, Reply> {
    let mut routes = HashMap::new();
    for (folder, files, date) in [
        (
            "2021-06-29",
            ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"],
            SDN_DATE,
        ),
        (
            "2025-12-19",
            [
                "cons_prim.csv",
                "cons_alt.csv",
                "cons_add.csv",
                "cons_comments.csv",
            ],
            CONS_DATE,
        ),
    ] {
        for f in files {
            let body = std::fs::read(shared_lists().join(folder).join(f)).unwrap();
            let modified = (f == "sdn.csv" || f == "cons_prim.csv").then_some(date);
            routes.insert(format!("/{f}"), Reply::File(body, modified));
        }
    }
    routes
}

/// `vetter ARGS` with `home` as VETTER_HOME, run from `cwd`.
fn vetter_in(home: &Path, cwd: &Path, args: &[&str]) -> Output {
    let mut cmd = common::isolated(Command::new(env!("CARGO_BIN_EXE_vetter")));
    cmd.env("VETTER_HOME", home)
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("run vetter")
}

fn fetch(home: &Path, server: &Server, extra: &[&str]) -> Output {
    let url = server.url();
    let mut args = vec![
        "lists",
        "fetch",
        "--mirror",
        url.as_str(),
        "--timeout",
        "1",
        "--retries",
        "1",
    ];
    args.extend_from_slice(extra);
    vetter_in(home, home, &args)
}

fn current(home: &Path) -> String {
    std::fs::read_to_string(home.join("lists/current.toml")).unwrap_or_default()
}

fn repo(path: &str) -> PathBuf {
    common::repo(path)
}

#[test]
fn a_fresh_install_screens_only_after_a_verified_fetch() {
    let home = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let evidence = repo("examples/fail-vendor.toml");
    let evidence = evidence.to_str().unwrap();

    // Before any fetch: a clear message, never the sample.
    let out = vetter_in(home.path(), elsewhere.path(), &["screen", evidence]);
    common::expect_exit(&out, 2);
    assert!(
        stderr(&out).contains("vetter lists fetch"),
        "{}",
        stderr(&out)
    );

    let server = Server::start(good_routes());
    let out = fetch(home.path(), &server, &[]);
    common::expect_exit(&out, 0);
    assert!(
        stdout(&out).contains("ofac-sdn: installed, published 2021-06-29, 8976 entities"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("ofac-consolidated: installed, published 2025-12-19, 442 entities"),
        "{}",
        stdout(&out)
    );

    // The counts agree with the independent ones in ../shared/lists/README.md.
    let out = vetter_in(
        home.path(),
        elsewhere.path(),
        &["lists", "stats", "--format", "json"],
    );
    common::expect_exit(&out, 0);
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = stats.to_string();
    for expected in [
        "\"total\":8976",
        "\"individual\":4620",
        "\"vessel\":406",
        "\"aircraft\":277",
        "\"total\":442",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }

    // Screening from an unrelated folder, with the built-in policy.
    let out = vetter_in(
        home.path(),
        elsewhere.path(),
        &["screen", evidence, "--format", "json"],
    );
    common::expect_exit(&out, 20);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lists: Vec<&str> = v["identity"]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(lists, ["ofac-sdn", "ofac-consolidated"]);

    // `lists` alone shows both snapshots as current, with their dates.
    let out = vetter_in(home.path(), elsewhere.path(), &["lists"]);
    let text = stdout(&out);
    assert!(
        text.contains("* ofac-sdn") && text.contains("2021-06-29"),
        "{text}"
    );
    assert!(
        text.contains("* ofac-consolidated") && text.contains("2025-12-19"),
        "{text}"
    );

    // Fetching the same files again changes nothing.
    let before = current(home.path());
    let out = fetch(home.path(), &server, &[]);
    assert!(
        stdout(&out).contains("ofac-sdn: unchanged"),
        "{}",
        stdout(&out)
    );
    assert_eq!(current(home.path()), before);
}

#[test]
fn a_broken_download_never_becomes_current_and_says_which_file_and_why() {
    let home = tempfile::tempdir().unwrap();
    let good = Server::start(good_routes());
    assert_eq!(fetch(home.path(), &good, &[]).status.code(), Some(0));
    let before = current(home.path());
    let sdn = std::fs::read(shared_lists().join("2021-06-29/sdn.csv")).unwrap();
    let cases: Vec<(&str, Reply, &[&str])> = vec![
        (
            "/sdn.csv",
            Reply::Truncated(sdn.clone()),
            &["sdn.csv", "bytes"],
        ),
        (
            "/sdn.csv",
            Reply::Html,
            &["sdn.csv:1", "expected 12 fields"],
        ),
        ("/alt.csv", Reply::Status(404), &["alt.csv", "404"]),
        ("/add.csv", Reply::Stall, &["add.csv", "timed out"]),
    ];
    for (path, reply, says) in cases {
        let mut routes = good_routes();
        routes.insert(path.to_owned(), reply);
        let server = Server::start(routes);
        let out = fetch(home.path(), &server, &["--source", "ofac-sdn"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{path}: {err}");
        for s in says {
            assert!(err.contains(s), "{path}: `{s}` in {err}");
        }
        assert_eq!(current(home.path()), before, "{path}: current moved");
        // Nothing is left half-staged.
        let staging = home.path().join("lists/staging");
        let left = std::fs::read_dir(&staging).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "{path}: staging not cleaned");
    }
}

#[test]
fn retries_recover_from_a_busy_server() {
    let home = tempfile::tempdir().unwrap();
    let mut routes = good_routes();
    let sdn = routes.remove("/sdn.csv").unwrap();
    routes.insert(
        "/sdn.csv".to_owned(),
        Reply::FailFirst(503, 2, Box::new(sdn)),
    );
    let server = Server::start(routes);
    let url = server.url();
    let out = vetter_in(
        home.path(),
        home.path(),
        &[
            "lists",
            "fetch",
            "--mirror",
            &url,
            "--source",
            "ofac-sdn",
            "--retries",
            "2",
        ],
    );
    common::expect_exit(&out, 0);
    assert_eq!(server.hits("/sdn.csv"), 3);
    assert!(stderr(&out).contains("503"), "{}", stderr(&out));
    assert!(current(home.path()).contains("ofac-sdn"));
}

/// The 2021 SDN files without the entries after `keep` rows, companions
/// cut to match: a publication that lost about a tenth of its entries.
fn shrunk_routes(keep: usize) -> HashMap<String, Reply> {
    let read = |f: &str| std::fs::read(shared_lists().join("2021-06-29").join(f)).unwrap();
    let rows = |data: &[u8]| -> Vec<Vec<u8>> {
        let data = data.strip_suffix(b"\x1a").unwrap_or(data);
        data.split(|b| *b == b'\n')
            .filter(|r| !r.is_empty())
            .map(|r| r.to_vec())
            .collect()
    };
    let id = |row: &[u8]| {
        row.split(|b| *b == b',')
            .next()
            .unwrap_or_default()
            .to_vec()
    };
    let sdn = rows(&read("sdn.csv"));
    let kept: std::collections::HashSet<Vec<u8>> = sdn[..keep].iter().map(|r| id(r)).collect();
    let mut routes = good_routes();
    for f in ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"] {
        let mut body = Vec::new();
        for r in rows(&read(f)).into_iter().filter(|r| kept.contains(&id(r))) {
            body.extend_from_slice(&r);
            body.push(b'\n');
        }
        let modified = (f == "sdn.csv").then_some("Wed, 30 Jun 2021 08:00:00 GMT");
        routes.insert(format!("/{f}"), Reply::File(body, modified));
    }
    routes
}

#[test]
fn a_list_that_shrinks_by_more_than_five_percent_is_refused_unless_allowed() {
    let home = tempfile::tempdir().unwrap();
    assert_eq!(
        fetch(home.path(), &Server::start(good_routes()), &[])
            .status
            .code(),
        Some(0)
    );
    let before = current(home.path());
    let shrunk = Server::start(shrunk_routes(8000));
    let out = fetch(home.path(), &shrunk, &["--source", "ofac-sdn"]);
    common::expect_exit(&out, 1);
    assert!(
        stderr(&out).contains("--allow-shrink") && stderr(&out).contains("8000"),
        "{}",
        stderr(&out)
    );
    assert_eq!(current(home.path()), before);
    let out = fetch(
        home.path(),
        &shrunk,
        &["--source", "ofac-sdn", "--allow-shrink"],
    );
    common::expect_exit(&out, 0);
    assert!(stdout(&out).contains("8000 entities"), "{}", stdout(&out));
    // `update` fetches and shows what changed against the previous snapshot.
    let good = Server::start(good_routes());
    let out = vetter_in(
        home.path(),
        home.path(),
        &[
            "lists",
            "update",
            "--mirror",
            &good.url(),
            "--source",
            "ofac-sdn",
            "--timeout",
            "5",
        ],
    );
    common::expect_exit(&out, 0);
    assert!(stdout(&out).contains("976 added"), "{}", stdout(&out));
    // Every snapshot stays for replay.
    let ls = stdout(&vetter_in(home.path(), home.path(), &["lists", "ls"]));
    assert_eq!(ls.matches("ofac-sdn").count(), 2, "{ls}");
}

#[test]
fn import_installs_files_obtained_elsewhere_with_the_same_checks() {
    let home = tempfile::tempdir().unwrap();
    let folder = shared_lists().join("2021-06-29");
    let out = vetter_in(
        home.path(),
        home.path(),
        &[
            "lists",
            "import",
            folder.to_str().unwrap(),
            "--list-date",
            "2021-06-29",
        ],
    );
    common::expect_exit(&out, 0);
    assert!(
        stdout(&out).contains("ofac-sdn: installed, published 2021-06-29, 8976 entities"),
        "{}",
        stdout(&out)
    );
    let before = current(home.path());
    // A folder whose sdn.csv is an HTML page is refused.
    let bad = tempfile::tempdir().unwrap();
    for f in ["alt.csv", "add.csv", "sdn_comments.csv"] {
        std::fs::copy(folder.join(f), bad.path().join(f)).unwrap();
    }
    std::fs::write(
        bad.path().join("sdn.csv"),
        "<html><body>Not found</body></html>\n",
    )
    .unwrap();
    let out = vetter_in(
        home.path(),
        home.path(),
        &["lists", "import", bad.path().to_str().unwrap()],
    );
    common::expect_exit(&out, 1);
    assert!(stderr(&out).contains("sdn.csv"), "{}", stderr(&out));
    assert_eq!(current(home.path()), before);
}

#[test]
fn init_writes_an_editable_policy_whose_tests_pass() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let target = dir.path().join("office");
    let t = target.to_str().unwrap();
    let out = vetter_in(home.path(), dir.path(), &["init", t]);
    common::expect_exit(&out, 0);
    for f in [
        "vetter.toml",
        "rules/policy.toml",
        "rules/10-terrorist-customers.rhai",
        "examples/fail-vendor.toml",
        "lists/sample/sdn.csv",
    ] {
        assert!(target.join(f).is_file(), "{f}");
    }
    // Its config names its rules; its tests run against its own files.
    let config = target.join("vetter.toml");
    let out = vetter_in(
        home.path(),
        dir.path(),
        &["--config", config.to_str().unwrap(), "rules", "test"],
    );
    common::expect_exit(&out, 0);
    assert!(
        stdout(&out).contains("7 passed, 0 failed"),
        "{}",
        stdout(&out)
    );
    // A second init overwrites nothing.
    std::fs::write(target.join("rules/policy.toml"), "# edited\n").unwrap();
    let out = vetter_in(home.path(), dir.path(), &["init", t]);
    common::expect_exit(&out, 2);
    assert_eq!(
        std::fs::read_to_string(target.join("rules/policy.toml")).unwrap(),
        "# edited\n"
    );
}

#[test]
fn completions_and_a_manual_page_are_printed() {
    let home = tempfile::tempdir().unwrap();
    let out = vetter_in(home.path(), home.path(), &["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("vetter") && stdout(&out).contains("screen"));
    let out = vetter_in(home.path(), home.path(), &["man"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).starts_with(".ie") || stdout(&out).contains(".TH"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_current_pointer_outside_the_store_is_an_error_not_a_list() {
    let home = tempfile::tempdir().unwrap();
    let store = home.path().join("lists");
    std::fs::create_dir_all(&store).unwrap();
    let elsewhere = shared_lists().join("2021-06-29");
    std::fs::write(
        store.join("current.toml"),
        format!("[current]\nofac-sdn = {:?}\n", elsewhere.to_str().unwrap()),
    )
    .unwrap();
    let out = vetter_in(home.path(), home.path(), &["lists", "stats"]);
    common::expect_exit(&out, 1);
    assert!(stderr(&out).contains("current.toml"), "{}", stderr(&out));
}

#[test]
fn rescreen_says_which_hits_rest_on_entries_added_to_the_list_since() {
    let home = tempfile::tempdir().unwrap();
    // The lists as they were (the last entries not yet designated).
    common::expect_exit(
        &fetch(home.path(), &Server::start(shrunk_routes(8000)), &[]),
        0,
    );
    let evidence = common::write(
        home.path(),
        "vendor.toml",
        "[vendor]\nname = \"Harbor Street Hosting\"\n[policies]\nprohibits_sanctioned_parties = true\n\
         [[customers]]\nid = \"c1\"\nname = \"Vihrogonika AD\"\n[[customers]]\nid = \"c2\"\nname = \"Maple Bakery\"\n",
    );
    let log = home.path().join("verdicts.log");
    let (e, l) = (evidence.to_str().unwrap(), log.to_str().unwrap());
    let out = vetter_in(home.path(), home.path(), &["screen", e, "--log", l]);
    assert_ne!(out.status.code(), Some(20), "{}", stdout(&out));
    // The publisher adds them; the store updates; the vendor is rescreened.
    let good = Server::start(good_routes());
    let url = good.url();
    let update = [
        "lists",
        "update",
        "--mirror",
        url.as_str(),
        "--source",
        "ofac-sdn",
    ];
    common::expect_exit(&vetter_in(home.path(), home.path(), &update), 0);
    let out = vetter_in(home.path(), home.path(), &["rescreen", "--log", l]);
    common::expect_exit(&out, 20);
    let text = stdout(&out);
    assert!(
        text.contains("new hit: customer c1 (Vihrogonika AD) ~ ofac-sdn:32122")
            && text.contains("added to the list since the recorded screening"),
        "{text}"
    );
}
