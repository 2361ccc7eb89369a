fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/bench/name_bench/cases.csv"
    );
    let mut r = csv::Reader::from_path(path).unwrap();
    let rows: Vec<(String, String, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[1].to_owned(), x[2].to_owned(), x[3].to_owned())
        })
        .collect();
    let t = std::time::Instant::now();
    let mut s = 0.0;
    for _ in 0..20 {
        for (k, a, b) in &rows {
            let kind = vetter::matching::normalize::NameKind::parse(k).unwrap();
            s += vetter::matching::compare::score_strings(a, b, kind, &vetter::matching::Uniform);
        }
    }
    let n = rows.len() * 20;
    println!("{:.0} pairs/s ({s})", n as f64 / t.elapsed().as_secs_f64());
}
