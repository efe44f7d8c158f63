//! The fuzz targets' seed corpora (`fuzz/corpus/<target>/`), replayed on stable at every test
//! run: each seed as it is, truncated at sixteen points, and with bytes changed at sixteen
//! places, through every target's body. Live fuzzing (`cargo xtask fuzz`) starts from the same
//! seeds.

use regops_tests::fuzzing::TARGETS;
use regops_tests::root;

/// Deterministic variations of a seed.
fn variations(seed: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![seed.to_vec()];
    let n = seed.len().max(1);
    for k in 0..16 {
        out.push(seed[..seed.len() * k / 16].to_vec());
        let mut flipped = seed.to_vec();
        if !flipped.is_empty() {
            let at = (k * 7919) % n;
            flipped[at] = [b'<', b'>', b'&', b'"', 0xff, 0, b'{', b'}'][k % 8];
        }
        out.push(flipped);
    }
    // Deep nesting and a repeated seed, for the limits.
    out.push([b"<a>".repeat(10_000), seed.to_vec()].concat());
    out.push(b"[".repeat(10_000));
    out.push(seed.repeat(4));
    out
}

#[test]
fn every_target_survives_its_corpus() {
    for (name, target) in TARGETS {
        let dir = root().join("fuzz").join("corpus").join(name);
        let seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect();
        assert!(!seeds.is_empty(), "{name} has no seeds");
        for seed in &seeds {
            for input in variations(seed) {
                target(&input);
            }
        }
    }
}

#[test]
fn every_target_has_a_fuzz_binary() {
    let manifest = std::fs::read_to_string(root().join("fuzz").join("Cargo.toml")).unwrap();
    let xtask = std::fs::read_to_string(root().join("xtask/src/fuzz.rs")).unwrap();
    for (name, _) in TARGETS {
        assert!(manifest.contains(&format!("name = \"{name}\"")), "{name}");
        assert!(
            xtask.contains(&format!("\"{name}\"")),
            "cargo xtask fuzz runs {name}"
        );
        assert!(
            root()
                .join("fuzz/fuzz_targets")
                .join(format!("{name}.rs"))
                .exists()
        );
    }
}
