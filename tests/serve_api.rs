//! `vetter serve` over real HTTP on 127.0.0.1: every endpoint, the auth
//! failures, oversize and malformed bodies, and 100 screenings at once
//! ending as 100 records of an intact chain.

mod common;

use std::path::PathBuf;

use common::serve::{home, vetter_in, Home, Server};
use serde_json::Value;

fn example(name: &str) -> String {
    std::fs::read_to_string(common::repo("examples").join(name)).unwrap()
}

fn log_path(home: &Home) -> PathBuf {
    home.dir.path().join("verdicts.jsonl")
}

const TOML: &str = "application/toml";
const JSON: &str = "application/json";

#[test]
fn a_screening_is_logged_before_it_is_answered_and_reads_back_from_the_log() {
    let h = home();
    let server = Server::start(h.dir.path(), &[]);
    assert_eq!(server.call("GET", "/healthz", None, None).0, 200);
    assert_eq!(server.call("GET", "/readyz", None, None).0, 200);

    let (code, v) = server.post(
        "/api/v1/screen",
        &h.officer,
        TOML,
        &example("fail-vendor.toml"),
    );
    assert_eq!(code, 200, "{v:#}");
    assert_eq!(v["verdict"]["verdict"], "FAIL");
    assert_eq!(v["screened_by"], "r.viewer");
    assert_eq!(v["log"]["seq"], 1);
    // The record is on disk, and its hash is the one answered.
    let verify = vetter_in(
        h.dir.path(),
        &["log", "verify", log_path(&h).to_str().unwrap()],
    );
    common::expect_exit(&verify, 0);
    assert!(common::stdout(&verify).contains(v["log"]["hash"].as_str().unwrap()));

    // The same evidence as JSON.
    // As a client writes it: dates as strings.
    fn as_json(v: toml::Value) -> Value {
        match v {
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(a) => Value::Array(a.into_iter().map(as_json).collect()),
            toml::Value::Table(t) => {
                Value::Object(t.into_iter().map(|(k, v)| (k, as_json(v))).collect())
            }
            other => serde_json::to_value(other).unwrap(),
        }
    }
    let toml_value: toml::Value = toml::from_str(&example("pass-vendor.toml")).unwrap();
    let json_body = as_json(toml_value).to_string();
    let (code, v) = server.post("/api/v1/screen", &h.officer, JSON, &json_body);
    assert_eq!(code, 200, "{v:#}");
    assert_eq!(v["verdict"]["vendor"], "Bluewater Hosting Cooperative");
    assert_eq!(v["log"]["seq"], 2);

    // An auditor reads the log, filters it, and gets a record as JSON and
    // as its report.
    let (code, v) = server.json("GET", "/api/v1/log?verdict=FAIL", Some(&h.auditor), None);
    assert_eq!(code, 200);
    let records = v["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["vendor"], "Nimbus Edge Networks, Inc.");
    let (code, v) = server.json("GET", "/api/v1/log/2", Some(&h.auditor), None);
    assert_eq!(code, 200);
    assert_eq!(v["record"]["vendor"], "Bluewater Hosting Cooperative");
    let html = ureq::get(&format!("{}/api/v1/log/1", server.base))
        .set("Authorization", &format!("Bearer {}", h.auditor))
        .set("Accept", "text/html")
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let page = scraper::Html::parse_document(&html);
    let h1 = scraper::Selector::parse("h1 .verdict").unwrap();
    assert_eq!(
        page.select(&h1).next().unwrap().text().collect::<String>(),
        "FAIL"
    );
    assert!(html.contains("Logged as record 1"));
    let (code, v) = server.json("GET", "/api/v1/log/verify", Some(&h.auditor), None);
    assert_eq!(code, 200);
    assert_eq!(v["intact"], true);
    assert_eq!(v["report"]["records"], 2);
    assert_eq!(
        server
            .json("GET", "/api/v1/log/9", Some(&h.auditor), None)
            .0,
        404
    );

    // Lists and metrics.
    let (code, v) = server.json("GET", "/api/v1/lists", Some(&h.auditor), None);
    assert_eq!(code, 200);
    assert_eq!(v["lists"][0]["identity"]["name"], "ofac-sdn");
    assert!(v["lists"][0]["age_days"].as_i64().unwrap() >= 0);
    let (_, metrics) = server.call("GET", "/metrics", None, None);
    assert!(
        metrics.contains("vetter_screenings_total{verdict=\"FAIL\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("vetter_screening_seconds_count 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("vetter_list_age_days{list=\"ofac-sdn\"}"),
        "{metrics}"
    );
}

#[test]
fn requests_without_a_valid_token_or_role_are_refused_and_nothing_is_logged() {
    let h = home();
    let server = Server::start(h.dir.path(), &[]);
    let body = Some((TOML, &*example("pass-vendor.toml")));
    let (code, v) = server.json("POST", "/api/v1/screen", None, body);
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (code, _) = server.json("POST", "/api/v1/screen", Some("vt_0123456789"), body);
    assert_eq!(code, 401);
    let forged = format!("{}0", &h.officer[..h.officer.len() - 1]);
    assert_eq!(
        server.json("POST", "/api/v1/screen", Some(&forged), body).0,
        401
    );
    let (code, v) = server.json("POST", "/api/v1/screen", Some(&h.auditor), body);
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(server.json("GET", "/api/v1/log", None, None).0, 401);
    assert!(!log_path(&h).exists() || std::fs::read_to_string(log_path(&h)).unwrap().is_empty());
}

#[test]
fn oversize_and_malformed_bodies_get_the_cli_diagnostics() {
    let h = home();
    let server = Server::start(h.dir.path(), &["--max-body", "4000"]);
    let big = format!("{}\n# {}\n", example("pass-vendor.toml"), "x".repeat(5000));
    let (code, v) = server.post("/api/v1/screen", &h.officer, TOML, &big);
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (413, Some("too-large"))
    );

    let (code, v) = server.post("/api/v1/screen", &h.officer, TOML, "[vendor\nname = ");
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (422, Some("toml-syntax")),
        "{v:#}"
    );
    assert_eq!(v["error"]["diagnostics"][0]["line"], 1);

    let (code, v) = server.post("/api/v1/screen", &h.officer, JSON, "{\"vendor\": ");
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (422, Some("json-syntax"))
    );

    // The same diagnostic codes as `vetter screen` gives the same file.
    let bad = example("pass-vendor.toml").replace("reviewed = 2026-06-01", "reviewed = 2026-13-01");
    let dir = tempfile::tempdir().unwrap();
    let file = common::write(dir.path(), "bad.toml", &bad);
    let cli = vetter_in(
        h.dir.path(),
        &["screen", file.to_str().unwrap(), "--format", "json"],
    );
    let (code, v) = server.post("/api/v1/screen", &h.officer, TOML, &bad);
    assert_eq!(code, 422);
    let api_code = v["error"]["code"].as_str().unwrap().to_owned();
    assert!(
        common::stderr(&cli).contains(&api_code),
        "{api_code}: {}",
        common::stderr(&cli)
    );

    let csv = example("pass-vendor.toml") + "\ncustomers_csv = \"customers.csv\"\n";
    assert_eq!(server.post("/api/v1/screen", &h.officer, TOML, &csv).0, 422);

    // Matching: one name, a batch, and a batch over the limit.
    let (code, v) = server.post(
        "/api/v1/match",
        &h.auditor,
        JSON,
        r#"{"name": "Hizballah", "kind": "org"}"#,
    );
    assert_eq!(code, 200, "{v:#}");
    assert_eq!(v["hits"][0]["entity_id"], "4697");
    let (code, v) = server.post(
        "/api/v1/match",
        &h.auditor,
        JSON,
        r#"{"queries": [{"name": "Hamas"}, {"websites": ["www.aqsatv.ps"]}]}"#,
    );
    assert_eq!(code, 200, "{v:#}");
    assert_eq!(v["results"][0]["hits"][0]["entity_id"], "4695");
    assert_eq!(v["results"][1]["hits"][0]["entity_id"], "11911");
    let many = format!(
        "{{\"queries\": [{}]}}",
        vec![r#"{"name":"a"}"#; 1001].join(",")
    );
    assert_eq!(server.post("/api/v1/match", &h.auditor, JSON, &many).0, 413);
    assert_eq!(
        server
            .post(
                "/api/v1/match",
                &h.auditor,
                JSON,
                r#"{"name": "x", "kind": "robot"}"#
            )
            .0,
        422
    );
}

#[test]
fn a_hundred_screenings_at_once_make_a_hundred_records_of_an_intact_chain() {
    let h = home();
    let mut server = Server::start(h.dir.path(), &["--max-screenings", "4"]);
    let evidence = example("pass-vendor.toml");
    let seqs: Vec<u64> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..10)
            .map(|_| {
                s.spawn(|| {
                    (0..10)
                        .map(|_| {
                            let (code, v) =
                                server.post("/api/v1/screen", &h.officer, TOML, &evidence);
                            assert_eq!(code, 200, "{v:#}");
                            v["log"]["seq"].as_u64().unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let mut sorted = seqs.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (1..=100).collect::<Vec<u64>>());
    // A clean stop, then the chain verifies with every record in it.
    assert_eq!(server.stop(), Some(0));
    let verify = vetter_in(
        h.dir.path(),
        &["log", "verify", log_path(&h).to_str().unwrap()],
    );
    common::expect_exit(&verify, 0);
    assert!(
        common::stdout(&verify).contains("intact: 100 record(s)"),
        "{}",
        common::stdout(&verify)
    );
}

#[test]
fn an_officer_clears_a_hit_of_a_logged_screening_and_the_next_screening_applies_it() {
    let h = home();
    let server = Server::start(h.dir.path(), &[]);
    let evidence = example("pass-vendor.toml").replacen(
        "[[sources]]",
        "[[customers]]\nid = \"c9\"\nname = \"Hamas Bakery\"\nkind = \"organization\"\nstill_served = true\nsources = [\"customer-list-2026\"]\n\n[[sources]]",
        1,
    );
    let (code, v) = server.post("/api/v1/screen", &h.officer, TOML, &evidence);
    assert_eq!(code, 200, "{v:#}");
    let codes = |v: &Value| -> Vec<String> {
        v["verdict"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        codes(&v).contains(&"customer-possible-terrorist-match".to_owned()),
        "{v:#}"
    );
    let seq = v["log"]["seq"].as_u64().unwrap();

    let request = format!(
        r#"{{"seq": {seq}, "party": "c9", "hit": "ofac-sdn:4695", "decision": "false-positive", "reason": "a bakery in Leeds, no link to the group"}}"#
    );
    let (code, _) = server.post("/api/v1/dispositions", &h.auditor, JSON, &request);
    assert_eq!(code, 403);
    let (code, v) = server.post("/api/v1/dispositions", &h.officer, JSON, &request);
    assert_eq!(code, 200, "{v:#}");
    assert_eq!(v["disposition"]["by"], "r.viewer");
    let wrong = request.replace("4695", "4697");
    let (code, v) = server.post("/api/v1/dispositions", &h.officer, JSON, &wrong);
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (400, Some("bad-request")),
        "{v:#}"
    );

    let (code, v) = server.post("/api/v1/screen", &h.officer, TOML, &evidence);
    assert_eq!(code, 200);
    assert!(
        !codes(&v).contains(&"customer-possible-terrorist-match".to_owned()),
        "{v:#}"
    );
    let c9 = v["verdict"]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "c9")
        .unwrap();
    assert_eq!(c9["cleared"][0]["disposition"]["by"], "r.viewer");

    // Each record says who asked for the screening.
    let log = std::fs::read_to_string(log_path(&h)).unwrap();
    for line in log.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["screened_by"], "r.viewer");
    }
    common::expect_exit(
        &vetter_in(
            h.dir.path(),
            &["log", "verify", log_path(&h).to_str().unwrap()],
        ),
        0,
    );
}

/// An HTTP client that does not follow redirects: the desk's answers are
/// read as they are.
fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(std::time::Duration::from_secs(60))
        .build()
}

fn answer(r: Result<ureq::Response, ureq::Error>) -> ureq::Response {
    match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    }
}

/// Sign in to the desk; returns the session's Cookie header.
fn desk_sign_in(server: &Server, token: &str) -> String {
    let r = answer(
        agent()
            .post(&format!("{}/sign-in", server.base))
            .send_form(&[("token", token)]),
    );
    assert_eq!(r.status(), 303);
    let cookie = r.header("set-cookie").expect("a session cookie").to_owned();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    cookie.split(';').next().unwrap().to_owned()
}

/// The CSRF token of the desk page at `path`.
fn csrf_of(server: &Server, cookie: &str, path: &str) -> String {
    let r = answer(
        agent()
            .get(&format!("{}{path}", server.base))
            .set("Cookie", cookie)
            .call(),
    );
    assert_eq!(r.status(), 200);
    let csp = r.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let page = r.into_string().unwrap();
    let at = page.find("name=\"csrf\" value=\"").expect("a form") + 19;
    page[at..at + 64].to_owned()
}

#[test]
fn desk_forms_need_the_session_and_its_csrf_token_from_this_origin() {
    let h = home();
    let server = Server::start(h.dir.path(), &[]);
    let form = |cookie: Option<&str>, csrf: &str, origin: Option<&str>| {
        let mut req = agent().post(&format!("{}/screen/form", server.base));
        if let Some(c) = cookie {
            req = req.set("Cookie", c);
        }
        if let Some(o) = origin {
            req = req.set("Origin", o);
        }
        let r = answer(req.send_form(&[
            ("csrf", csrf),
            ("vendor", "Maple Street Public Library"),
            ("customers", "River Club, river.example, GB"),
        ]));
        (r.status(), r.header("location").map(str::to_owned))
    };

    // Another site cannot sign a browser in.
    let r = answer(
        agent()
            .post(&format!("{}/sign-in", server.base))
            .set("Origin", "http://evil.example")
            .send_form(&[("token", &h.officer)]),
    );
    assert_eq!((r.status(), r.header("set-cookie")), (403, None));

    // Not signed in: to the sign-in page, nothing screened.
    assert_eq!(form(None, "x", None), (303, Some("/sign-in".to_owned())));
    let cookie = desk_sign_in(&server, &h.officer);
    let csrf = csrf_of(&server, &cookie, "/screen");
    // Signed in, but the form lacks the session's token, or comes from
    // another site.
    assert_eq!(form(Some(&cookie), "0".repeat(64).as_str(), None).0, 403);
    assert_eq!(
        form(Some(&cookie), &csrf, Some("http://evil.example")).0,
        403
    );
    assert!(!log_path(&h).exists(), "a refused form screens nothing");
    // From the page itself: screened, logged, and shown.
    let (code, location) = form(Some(&cookie), &csrf, Some(&server.base));
    assert_eq!(code, 303);
    assert_eq!(location.as_deref(), Some("/records/1?notice=screened"));
    let log = std::fs::read_to_string(log_path(&h)).unwrap();
    let record: Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert_eq!(record["screened_by"], "r.viewer");
    assert_eq!(record["result"]["summary"]["customers"], 1);

    // An upload that is not valid evidence: the CLI's located diagnostics,
    // nothing logged.
    let boundary = "vetterboundary1234";
    let part = |name: &str, file: Option<&str>, content: &str| {
        let file = file.map_or(String::new(), |f| format!("; filename=\"{f}\""));
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n{content}\r\n")
    };
    let body = format!(
        "{}{}--{boundary}--\r\n",
        part("csrf", None, &csrf),
        part("evidence", Some("bad.toml"), "[vendor]\nname = 3\n")
    );
    let r = answer(
        agent()
            .post(&format!("{}/screen/upload", server.base))
            .set("Cookie", &cookie)
            .set(
                "Content-Type",
                &format!("multipart/form-data; boundary={boundary}"),
            )
            .send_string(&body),
    );
    assert_eq!(r.status(), 422);
    let page = r.into_string().unwrap();
    assert!(page.contains("bad.toml:2:8: error[wrong-type]"), "{page}");
    assert_eq!(
        std::fs::read_to_string(log_path(&h))
            .unwrap()
            .lines()
            .count(),
        1
    );

    // Signing out ends the session on the server, not only in the browser.
    let out = answer(
        agent()
            .post(&format!("{}/sign-out", server.base))
            .set("Cookie", &cookie)
            .send_form(&[("csrf", &csrf)]),
    );
    assert_eq!(out.status(), 303);
    let after = answer(
        agent()
            .get(&format!("{}/log", server.base))
            .set("Cookie", &cookie)
            .call(),
    );
    assert_eq!(after.header("location"), Some("/sign-in"));
}

#[test]
fn the_openapi_document_describes_routes_the_server_answers() {
    let h = home();
    let server = Server::start(h.dir.path(), &[]);
    let (code, _) = server.post(
        "/api/v1/screen",
        &h.officer,
        TOML,
        &example("pass-vendor.toml"),
    );
    assert_eq!(code, 200);
    let (code, doc) = server.json("GET", "/api/v1/openapi.json", None, None);
    assert_eq!(code, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 11, "{paths:?}");
    for (path, methods) in paths {
        let concrete = path.replace("{seq}", "1");
        for method in methods.as_object().unwrap().keys() {
            let body = (method == "post").then_some((JSON, "{}"));
            let (code, _) = server.call(&method.to_uppercase(), &concrete, Some(&h.officer), body);
            assert!(
                code != 404 && code != 405,
                "{method} {path} is documented but answers {code}"
            );
            assert!(
                methods[method]["responses"].is_object(),
                "{method} {path} documents its responses"
            );
        }
    }
}

#[test]
fn a_newer_current_snapshot_is_served_without_a_restart() {
    let h = home();
    let server = Server::start(h.dir.path(), &["--reload-every", "1"]);
    let query = r#"{"name": "Riverside Freight Forwarding Company", "kind": "organization"}"#;
    let (_, before) = server.post("/api/v1/match", &h.officer, JSON, query);
    assert_eq!(
        before["hits"].as_array().map_or(0, Vec::len),
        0,
        "{before:#}"
    );

    // A new SDN publication, dated today, that lists one more entity.
    let today = chrono::Utc::now().date_naive().to_string();
    let update = h.dir.path().join("update");
    std::fs::create_dir_all(&update).unwrap();
    for name in ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"] {
        std::fs::copy(common::repo("lists/sample").join(name), update.join(name)).unwrap();
    }
    // First: OFAC's files end with an end-of-file mark.
    let sdn = std::fs::read_to_string(update.join("sdn.csv")).unwrap();
    let added = "99001,\"RIVERSIDE FREIGHT FORWARDING COMPANY\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
    std::fs::write(update.join("sdn.csv"), format!("{added}{sdn}")).unwrap();
    common::serve::import(h.dir.path(), &update, &today);

    // Within a bounded wait the server serves it: the new entity matches,
    // and screenings name the new snapshot.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (_, lists) = server.json("GET", "/api/v1/lists", Some(&h.officer), None);
        let sdn = lists["lists"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["identity"]["name"] == "ofac-sdn")
            .cloned()
            .unwrap();
        if sdn["identity"]["publication_date"] == today.as_str() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still serving {sdn:#} a minute after the store changed"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let (_, after) = server.post("/api/v1/match", &h.officer, JSON, query);
    assert_eq!(after["hits"][0]["entity_id"], "99001", "{after:#}");
    let (code, v) = server.post(
        "/api/v1/screen",
        &h.officer,
        TOML,
        &example("pass-vendor.toml"),
    );
    assert_eq!(code, 200);
    let listed: Vec<&str> = v["verdict"]["identity"]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["publication_date"].as_str())
        .collect();
    assert!(listed.contains(&today.as_str()), "{listed:?}");

    // The desk's lists page shows what the update changed.
    let cookie = desk_sign_in(&server, &h.auditor);
    let page = answer(
        agent()
            .get(&format!("{}/lists", server.base))
            .set("Cookie", &cookie)
            .call(),
    )
    .into_string()
    .unwrap();
    assert!(page.contains("1 added, 0 removed, 0 changed"), "{page}");
    assert!(
        page.contains("RIVERSIDE FREIGHT FORWARDING COMPANY"),
        "{page}"
    );
}

#[test]
fn a_watchlist_edited_in_place_is_served_anew() {
    let h = home();
    let list = h.dir.path().join("watch.csv");
    let header = "id,name,kind,aliases,websites,countries,programs,source,note\n";
    std::fs::write(
        &list,
        format!("{header}w1,Quarry Lane Hate Forum,organization,,,,HATE-SITE,test,\n"),
    )
    .unwrap();
    common::write(
        h.dir.path(),
        "vetter.toml",
        &format!(
            "watchlists = [{}]\n",
            toml::Value::String(list.display().to_string())
        ),
    );
    let server = Server::start(h.dir.path(), &["--reload-every", "1"]);
    let hits = |name: &str| {
        let (code, v) = server.post(
            "/api/v1/match",
            &h.officer,
            JSON,
            &serde_json::json!({ "name": name }).to_string(),
        );
        assert_eq!(code, 200, "{v:#}");
        v["hits"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(hits("Quarry Lane Hate Forum"), 1);
    assert_eq!(hits("Millbrook Extremist Board"), 0);

    std::fs::write(
        &list,
        format!("{header}w1,Quarry Lane Hate Forum,organization,,,,HATE-SITE,test,\nw2,Millbrook Extremist Board,organization,,,,HATE-SITE,test,\n"),
    )
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while hits("Millbrook Extremist Board") == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the edited watchlist is not served a minute later"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}
