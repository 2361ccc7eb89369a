//! Embeds the default policy (`rules/`) and the example evidence
//! (`examples/`) in the binary: an installed `vetter` screens with the
//! built-in policy from any folder, and `vetter init` writes editable
//! copies. Every file under those folders is embedded, so a rule added to
//! `rules/` is part of the built-in policy without further edits.

use std::path::{Path, PathBuf};

fn files_under(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files_under(root, &p, out);
        } else if p.is_file() {
            out.push(p.strip_prefix(root).expect("under the root").to_path_buf());
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut code = String::from("/// (path relative to the repository, content)\n");
    for folder in ["rules", "examples", "lists/sample", "lists/watchlists"] {
        println!("cargo:rerun-if-changed={folder}");
        let mut files = Vec::new();
        files_under(&root, &root.join(folder), &mut files);
        code.push_str(&format!(
            "pub const {}: &[(&str, &str)] = &[\n",
            folder.replace('/', "_").to_uppercase()
        ));
        for f in files {
            let rel = f.to_string_lossy().replace('\\', "/");
            println!("cargo:rerun-if-changed={rel}");
            code.push_str(&format!(
                "    ({rel:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/\", {rel:?}))),\n"
            ));
        }
        code.push_str("];\n");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("embedded.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
