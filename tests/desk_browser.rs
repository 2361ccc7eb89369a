//! The desk, driven as people use it: headless Chromium through
//! chromedriver (WebDriver), against `vetter serve` on 127.0.0.1. An
//! officer signs in, uploads the shipped REVIEW example with its customers
//! CSV and sees REVIEW; uploads a vendor whose REVIEW rests on one hit,
//! clears it, screens again to PASS and finds the records in the log with
//! the chain verified; an auditor cannot screen. Screenshots of
//! each page are saved under `target/tmp/desk-screenshots/`.
//!
//! Needs `chromium` and `chromium-driver` (Debian packages; `.ci/run`
//! installs them). Without them the test says so and passes, unless
//! `VETTER_REQUIRE_BROWSER=1` (as in CI), when it fails.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::serve::{home, vetter_in, Server};
use fantoccini::{Client, ClientBuilder, Locator};

/// chromedriver on a free loopback port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn start_driver() -> Option<Driver> {
    let Some(binary) = on_path("chromedriver") else {
        assert!(
            std::env::var_os("VETTER_REQUIRE_BROWSER").is_none(),
            "chromedriver is not installed (Debian: apt-get install chromium chromium-driver)"
        );
        eprintln!("SKIPPED: the desk's browser test needs chromium and chromium-driver");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if ureq::get(&format!("{}/status", driver.url))
            .timeout(Duration::from_secs(2))
            .call()
            .is_ok()
        {
            return Some(driver);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("chromedriver did not answer within 30 s");
}

async fn browser(driver: &Driver) -> Client {
    let mut options = serde_json::json!({
        "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--disable-gpu", "--window-size=1200,1400"]
    });
    if let Some(chromium) = on_path("chromium") {
        options["binary"] = serde_json::json!(chromium);
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".to_owned(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

fn shots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("desk-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("a screenshot");
    std::fs::write(shots().join(format!("{name}.png")), png).unwrap();
}

async fn text(c: &Client, css: &str) -> String {
    let found = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await;
    match found {
        Ok(e) => e.text().await.unwrap(),
        Err(e) => {
            let url = c.current_url().await.map(|u| u.to_string());
            let page = c.source().await.unwrap_or_default();
            panic!("no `{css}` on {url:?}: {e}\n{page}")
        }
    }
}

/// Click what `css` finds and wait (bounded) until the next page has
/// loaded: the old page is marked first, so that nothing is read from it.
async fn click(c: &Client, css: &str) {
    let target = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
    click_to_next_page(c, target).await;
}

async fn click_to_next_page(c: &Client, target: fantoccini::elements::Element) {
    mark_page(c).await;
    target.click().await.unwrap();
    next_page(c).await;
}

/// Mark the page shown, so that `next_page` can tell when it is gone.
async fn mark_page(c: &Client) {
    c.execute("document.documentElement.dataset.left = 'yes';", vec![])
        .await
        .unwrap();
}

/// Wait (bounded) until a page other than the marked one has loaded.
async fn next_page(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let loaded = c
            .execute(
                "return document.readyState === 'complete' && document.documentElement.dataset.left !== 'yes';",
                vec![],
            )
            .await;
        if matches!(loaded, Ok(serde_json::Value::Bool(true))) {
            return;
        }
        assert!(Instant::now() < deadline, "no new page within 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn type_into(c: &Client, css: &str, keys: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"))
        .send_keys(keys)
        .await
        .unwrap();
}

async fn sign_in(c: &Client, base: &str, token: &str) {
    c.goto(&format!("{base}/sign-in")).await.unwrap();
    type_into(c, "#token", token).await;
    click(c, "form[action='/sign-in'] button").await;
}

/// The verdict shown in the report's heading.
async fn verdict(c: &Client) -> String {
    text(c, "header h1 .verdict").await
}

const EVIDENCE: &str = r#"customers_csv = "customers.csv"

[vendor]
name = "Bluewater Hosting Cooperative"
kind = "organization"
country = "NL"

[policies]
prohibits_sanctioned_parties = true
prohibits_designated_terrorists = true
"#;

const CUSTOMERS: &str = "id,name,kind,service,still_served
c1,Maple Street Public Library,organization,web hosting,true
c2,Banco Nacional Cuba Travel,organization,web hosting,true
";

#[test]
fn an_officer_screens_reviews_and_rescreens_and_an_auditor_cannot_screen() {
    let Some(driver) = start_driver() else { return };
    let home = home();
    let server = Server::start(home.dir.path(), &[]);
    let files = tempfile::tempdir().unwrap();
    let evidence = common::write(files.path(), "bluewater.toml", EVIDENCE);
    let customers = common::write(files.path(), "customers.csv", CUSTOMERS);
    let base = server.base.clone();

    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let c = browser(&driver).await;

            // Sign in: an officer lands on the screening page.
            c.goto(&format!("{base}/log")).await.unwrap();
            assert!(c.current_url().await.unwrap().path().ends_with("/sign-in"));
            sign_in(&c, &base, "vt_not-a-token").await;
            assert!(text(&c, ".error").await.contains("not valid"));
            shot(&c, "01-sign-in").await;
            sign_in(&c, &base, &home.officer).await;
            assert!(text(&c, "h1").await.contains("Screen a vendor"));
            shot(&c, "02-screen").await;

            // The shipped REVIEW example, with its customers CSV: REVIEW
            // (its terms do not bar designated parties).
            let example = common::repo("examples");
            let file = |name: &str| example.join(name).to_str().unwrap().to_owned();
            type_into(&c, "#evidence", &file("review-vendor.toml")).await;
            type_into(&c, "#customers", &file("review-vendor-customers.csv")).await;
            click(&c, "#upload").await;
            assert_eq!(verdict(&c).await, "REVIEW");
            assert!(text(&c, "#findings").await.contains("terms-allow-designated-parties"));
            assert!(text(&c, "#evidence").await.contains("3 customer(s)"));
            c.goto(&format!("{base}/screen")).await.unwrap();

            // A vendor whose REVIEW rests on a hit alone: a customer whose
            // name is close to a listed bank's. Upload it and its CSV.
            type_into(&c, "#evidence", evidence.to_str().unwrap()).await;
            type_into(&c, "#customers", customers.to_str().unwrap()).await;
            click(&c, "#upload").await;
            assert_eq!(verdict(&c).await, "REVIEW");
            assert!(text(&c, "#notice").await.contains("logged"));
            let first = c.current_url().await.unwrap();
            assert!(first.path().ends_with("/records/2"), "{first}");
            shot(&c, "03-review").await;

            // Clear each hit as a false positive, with a reason.
            let forms = c.find_all(Locator::Css("form.decide")).await.unwrap().len();
            assert!(forms >= 1, "REVIEW shows the hits to decide");
            for i in 0..forms {
                let form = c.find_all(Locator::Css("form.decide")).await.unwrap()[i].clone();
                form.find(Locator::Css("input[value='false-positive']"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
                form.find(Locator::Css("textarea[name='reason']"))
                    .await
                    .unwrap()
                    .send_keys("A travel agency in Leeds, not the Cuban state bank")
                    .await
                    .unwrap();
                click_to_next_page(&c, form.find(Locator::Css("button")).await.unwrap()).await;
                assert!(text(&c, "#notice").await.contains("Decision recorded"));
            }
            assert_eq!(
                c.find_all(Locator::Css(".decided")).await.unwrap().len(),
                forms,
                "every hit shows its decision"
            );
            shot(&c, "04-decided").await;

            // Screen again: the cleared hits raise nothing, PASS.
            click(&c, "#rescreen button").await;
            assert_eq!(verdict(&c).await, "PASS");
            assert!(c.current_url().await.unwrap().path().ends_with("/records/3"));
            assert!(text(&c, "#cleared").await.contains("Cleared hits"));
            shot(&c, "05-pass").await;

            // The log page: both records, the chain verified to the head.
            c.goto(&format!("{base}/log")).await.unwrap();
            let chain = text(&c, "#chain").await;
            assert!(chain.contains("The chain verifies"), "{chain}");
            assert!(chain.contains("3 record(s)"), "{chain}");
            let rows = text(&c, "#records tbody").await;
            assert!(rows.contains("REVIEW") && rows.contains("PASS"), "{rows}");
            shot(&c, "06-log").await;

            // Filters: only the PASS.
            c.goto(&format!("{base}/log?verdict=PASS")).await.unwrap();
            let rows = text(&c, "#records tbody").await;
            assert!(rows.contains("PASS") && !rows.contains("REVIEW"), "{rows}");

            // The vendor's history.
            click(&c, "#records tbody a[href^='/vendor']").await;
            assert!(text(&c, "h1").await.contains("Bluewater Hosting Cooperative"));
            assert_eq!(
                c.find_all(Locator::Css("#records tbody tr")).await.unwrap().len(),
                2
            );
            shot(&c, "07-vendor").await;

            // The lists served.
            c.goto(&format!("{base}/lists")).await.unwrap();
            assert!(text(&c, "#lists").await.contains("ofac-sdn"));
            shot(&c, "08-lists").await;

            // At phone width the report still reads.
            c.set_window_size(390, 1400).await.unwrap();
            c.goto(&format!("{base}/records/2")).await.unwrap();
            assert_eq!(verdict(&c).await, "REVIEW");
            shot(&c, "09-record-phone").await;
            let overflow = c
                .execute(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(overflow, 0, "the record page scrolls sideways at phone width");
            c.set_window_size(1200, 1400).await.unwrap();

            // Sign out; an auditor reads but cannot screen.
            click(&c, "form[action='/sign-out'] button").await;
            assert!(c.current_url().await.unwrap().path().ends_with("/sign-in"));
            sign_in(&c, &base, &home.auditor).await;
            assert!(text(&c, "h1").await.contains("Verdict log"));
            assert!(c.find_all(Locator::Css("nav a[href='/screen']")).await.unwrap().is_empty());
            c.goto(&format!("{base}/screen")).await.unwrap();
            assert!(text(&c, "#refused").await.contains("auditor"));
            assert!(c.find_all(Locator::Id("upload")).await.unwrap().is_empty());
            shot(&c, "10-auditor").await;
            // Even a form forged with the auditor's own session is refused.
            mark_page(&c).await;
            c.execute(
                "var f = document.createElement('form'); f.method = 'post'; f.action = '/screen/form';
                 [['csrf', document.querySelector('input[name=csrf]').value], ['vendor', 'Forged Vendor']]
                   .forEach(function (p) { var i = document.createElement('input'); i.type = 'hidden';
                     i.name = p[0]; i.value = p[1]; f.appendChild(i); });
                 document.body.appendChild(f); f.submit();",
                vec![],
            )
            .await
            .unwrap();
            next_page(&c).await;
            assert!(text(&c, "#failure").await.contains("forbidden"));
            c.close().await.unwrap();
        });

    // The log holds the officer's two screenings, and verifies.
    let log = home.dir.path().join("verdicts.jsonl");
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    for r in &records {
        assert_eq!(r["screened_by"], "r.viewer");
    }
    let verdicts: Vec<&str> = records
        .iter()
        .map(|r| r["result"]["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["REVIEW", "REVIEW", "PASS"]);
    assert_eq!(records[0]["evidence_files"].as_array().unwrap().len(), 2);
    let out = vetter_in(home.dir.path(), &["log", "verify", log.to_str().unwrap()]);
    common::expect_exit(&out, 0);
}
