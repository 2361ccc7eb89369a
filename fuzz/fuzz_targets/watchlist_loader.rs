//! Any bytes as a custom watchlist must load or fail cleanly.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vetter::lists::custom::load("fuzz", std::path::Path::new("f.csv"), data);
});
