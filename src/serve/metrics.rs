//! Prometheus metrics (`GET /metrics`): screenings by verdict, their
//! latency, and the lists' age.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
pub struct Metrics {
    /// PASS, REVIEW, FAIL.
    verdicts: [AtomicU64; 3],
    /// Requests that got an error instead of a verdict.
    errors: AtomicU64,
    /// Per bucket (and one for +Inf), screenings at most that long.
    latency: [AtomicU64; BUCKETS.len() + 1],
    /// Total latency, in microseconds.
    latency_sum_us: AtomicU64,
}

impl Metrics {
    pub fn screened(&self, verdict: crate::verdict::Level, took: Duration) {
        let i = match verdict {
            crate::verdict::Level::Pass => 0,
            crate::verdict::Level::Review => 1,
            crate::verdict::Level::Fail => 2,
        };
        self.verdicts[i].fetch_add(1, Ordering::Relaxed);
        let secs = took.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BUCKETS.len());
        self.latency[bucket].fetch_add(1, Ordering::Relaxed);
        self.latency_sum_us
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    pub fn failed(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }

    /// The text exposition format; `lists` are (name, age in days).
    pub fn render(&self, lists: &[(String, Option<i64>)]) -> String {
        let mut m = String::new();
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        m.push_str("# HELP vetter_screenings_total Screenings answered, by verdict.\n");
        m.push_str("# TYPE vetter_screenings_total counter\n");
        for (i, v) in ["PASS", "REVIEW", "FAIL"].iter().enumerate() {
            let _ = writeln!(
                m,
                "vetter_screenings_total{{verdict=\"{v}\"}} {}",
                get(&self.verdicts[i])
            );
        }
        m.push_str(
            "# HELP vetter_screening_errors_total Screening requests answered with an error.\n",
        );
        m.push_str("# TYPE vetter_screening_errors_total counter\n");
        let _ = writeln!(m, "vetter_screening_errors_total {}", get(&self.errors));
        m.push_str("# HELP vetter_screening_seconds Time to screen and log one vendor.\n");
        m.push_str("# TYPE vetter_screening_seconds histogram\n");
        let mut cumulative = 0;
        for (i, b) in BUCKETS.iter().enumerate() {
            cumulative += get(&self.latency[i]);
            let _ = writeln!(
                m,
                "vetter_screening_seconds_bucket{{le=\"{b}\"}} {cumulative}"
            );
        }
        cumulative += get(&self.latency[BUCKETS.len()]);
        let _ = writeln!(
            m,
            "vetter_screening_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
        );
        let _ = writeln!(
            m,
            "vetter_screening_seconds_sum {}",
            get(&self.latency_sum_us) as f64 / 1e6
        );
        let _ = writeln!(m, "vetter_screening_seconds_count {cumulative}");
        m.push_str("# HELP vetter_list_age_days Days since the list's publication (absent when unknown).\n");
        m.push_str("# TYPE vetter_list_age_days gauge\n");
        for (name, age) in lists {
            if let Some(age) = age {
                let name: String = name
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                let _ = writeln!(m, "vetter_list_age_days{{list=\"{name}\"}} {age}");
            }
        }
        m
    }
}
