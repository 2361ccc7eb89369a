//! A vetter home and a running `vetter serve` for the server's tests.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A vetter home with the sample lists installed as a dated publication
/// and two users.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub officer: String,
    pub auditor: String,
}

pub fn vetter_in(home: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = super::isolated(Command::new(env!("CARGO_BIN_EXE_vetter")));
    cmd.env("VETTER_HOME", home)
        .args(args)
        .output()
        .expect("run vetter")
}

/// Import the list files in `folder` into the store of `home`, as
/// published on `date`.
pub fn import(home: &Path, folder: &Path, date: &str) {
    let out = vetter_in(
        home,
        &[
            "lists",
            "import",
            folder.to_str().unwrap(),
            "--list-date",
            date,
        ],
    );
    super::expect_exit(&out, 0);
}

/// A home whose lists were published yesterday: fresh enough on any day
/// the tests run.
pub fn home() -> Home {
    let published = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("incoming");
    std::fs::create_dir_all(&lists).unwrap();
    for entry in std::fs::read_dir(super::repo("lists/sample")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&p, lists.join(p.file_name().unwrap())).unwrap();
        }
    }
    import(dir.path(), &lists, &published);
    let token = |name: &str, role: &str| {
        let out = vetter_in(dir.path(), &["users", "add", name, "--role", role]);
        super::expect_exit(&out, 0);
        super::stdout(&out).trim().to_owned()
    };
    let officer = token("r.viewer", "officer");
    let auditor = token("a.udit", "auditor");
    Home {
        dir,
        officer,
        auditor,
    }
}

/// A running server, stopped (SIGTERM) when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    pub fn start(home: &Path, extra: &[&str]) -> Server {
        let mut cmd = super::isolated(Command::new(env!("CARGO_BIN_EXE_vetter")));
        let mut child = cmd
            .env("VETTER_HOME", home)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start vetter serve");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server says where it listens");
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        Server { child, base }
    }

    /// Stop with SIGTERM and wait (bounded) for a clean exit.
    #[allow(unsafe_code)]
    pub fn stop(&mut self) -> Option<i32> {
        // SAFETY: signals our own child process.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        None
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, &str)>,
    ) -> (u16, String) {
        let mut req =
            ureq::request(method, &format!("{}{path}", self.base)).timeout(Duration::from_secs(60));
        if let Some(t) = token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        let result = match body {
            Some((kind, text)) => req.set("Content-Type", kind).send_string(text),
            None => req.call(),
        };
        match result {
            Ok(r) => (r.status(), r.into_string().unwrap()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
            Err(e) => panic!("{method} {path}: {e}"),
        }
    }

    pub fn json(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, &str)>,
    ) -> (u16, Value) {
        let (code, text) = self.call(method, path, token, body);
        (
            code,
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
        )
    }

    /// POST `body` of media type `kind` as `token`'s user.
    pub fn post(&self, path: &str, token: &str, kind: &str, body: &str) -> (u16, Value) {
        self.json("POST", path, Some(token), Some((kind, body)))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.stop();
        }
    }
}
