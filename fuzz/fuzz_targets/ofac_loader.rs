//! Any bytes as any of the four OFAC files must give entities or an
//! error, never a panic.
#![no_main]
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use vetter::lists::ofac::{load_set, Strictness, SDN};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, data)) = data.split_first() else { return };
    let target = ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"][usize::from(selector % 4)];
    let valid_sdn = b"1,\"X\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n".to_vec();
    let read = |p: &Path| -> vetter::Result<Option<Vec<u8>>> {
        let name = p.file_name().unwrap().to_str().unwrap();
        Ok(Some(if name == target { data.to_vec() } else if name == "sdn.csv" { valid_sdn.clone() } else { Vec::new() }))
    };
    for tolerant in [false, true] {
        let _ = load_set(Path::new("f"), SDN, Strictness { tolerant }, &read);
    }
});
