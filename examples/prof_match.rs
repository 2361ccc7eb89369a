use vetter::lists::{LoadOptions, Snapshot};
use vetter::matching::index::Scratch;
use vetter::matching::search::{Matcher, Query, Settings};
fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/lists/ofac");
    let s = Snapshot::load(&[root.join("2021-06-29"), root.join("2025-12-19")], &LoadOptions::default()).unwrap();
    let t = std::time::Instant::now();
    let m = Matcher::new(&s);
    println!("build {:?}", t.elapsed());
    let n: usize = std::env::args().nth(1).and_then(|x| x.parse().ok()).unwrap_or(200);
    let qs = vetter::matching::sample::queries(&s, n, 7);
    let mut sc = Scratch::default();
    let t = std::time::Instant::now();
    let mut cands = 0;
    for q in &qs {
        m.index.candidates(&vetter::matching::normalize::normalize(q, Default::default()), &mut sc);
        cands += sc.candidates.len();
    }
    println!("candidates only: {:.0} q/s, mean {} candidates", n as f64 / t.elapsed().as_secs_f64(), cands / n);
    let t = std::time::Instant::now();
    for q in &qs { m.search(&Query { name: Some(q.clone()), ..Default::default() }, &Settings::default(), &mut sc); }
    println!("search: {:.0} q/s", n as f64 / t.elapsed().as_secs_f64());
}
