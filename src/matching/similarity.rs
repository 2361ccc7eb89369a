//! Similarity of two single tokens in [0, 1].
//!
//! An edit distance in which confusable characters (`0`/`o`, `1`/`l`) and
//! vowel changes cost less than other substitutions, on both the spelling
//! and a phonetic key that folds transliteration variants (`w`/`v`,
//! `ph`/`f`, `ou`/`u`, doubled letters). Numbers agree exactly or not at all.

use super::vocab;

/// Cost of substituting `a` by `b`.
fn sub_cost(a: u8, b: u8) -> f64 {
    if a == b {
        return 0.0;
    }
    let pair = |x: u8, y: u8| (a == x && b == y) || (a == y && b == x);
    if pair(b'0', b'o')
        || pair(b'1', b'l')
        || pair(b'1', b'i')
        || pair(b'9', b'g')
        || pair(b'5', b's')
        || pair(b'3', b'e')
        || pair(b'4', b'a')
    {
        return 0.5;
    }
    let vowel = |c: u8| b"aeiouy".contains(&c);
    if vowel(a) && vowel(b) {
        return 0.7;
    }
    1.0
}

/// Weighted Damerau-Levenshtein distance (adjacent transpositions cost 1).
pub fn distance(a: &[u8], b: &[u8]) -> f64 {
    let (n, m) = (a.len(), b.len());
    if n == 0 {
        return m as f64;
    }
    if m == 0 {
        return n as f64;
    }
    // Three rolling rows keep this allocation-light for short tokens.
    let mut prev2 = vec![0.0; m + 1];
    let mut prev: Vec<f64> = (0..=m).map(|j| j as f64).collect();
    let mut cur = vec![0.0; m + 1];
    for i in 1..=n {
        cur[0] = i as f64;
        for j in 1..=m {
            let mut best = (prev[j] + 1.0)
                .min(cur[j - 1] + 1.0)
                .min(prev[j - 1] + sub_cost(a[i - 1], b[j - 1]));
            if i > 1
                && j > 1
                && a[i - 1] == b[j - 2]
                && a[i - 2] == b[j - 1]
                && a[i - 1] != a[i - 2]
            {
                best = best.min(prev2[j - 2] + 1.0);
            }
            cur[j] = best;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

/// A phonetic key folding common transliteration variants.
pub fn phonetic(s: &str) -> String {
    let s = s
        .replace("ph", "f")
        .replace("kh", "h")
        .replace("gh", "g")
        .replace("dh", "d")
        .replace("th", "t")
        .replace("sch", "sh")
        .replace("tch", "ch")
        .replace("ck", "k")
        .replace("ou", "u")
        .replace("oo", "u")
        .replace("ee", "i")
        .replace("ie", "i");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            'w' => 'v',
            'y' | 'j' => 'i',
            'c' | 'q' => 'k',
            'z' => 's',
            'x' => 'k',
            _ => c,
        };
        if out.ends_with(c) {
            continue; // doubled letters
        }
        out.push(c);
    }
    out
}

/// Consonant skeleton for comparing an abjad transliteration with a Latin
/// spelling: vowels and the letters Arabic uses as long vowels (w, y, h at
/// the end) go, and sounds Arabic lacks fold onto its nearest (p→b, v→f).
pub fn skeleton(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'w' | '\'' => continue,
            'p' => 'b',
            'v' => 'f',
            'g' => 'j',
            'c' | 'q' => 'k',
            'z' => 's',
            other => other,
        };
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Similarity of an abjad-script token with any other token.
pub fn abjad_similarity(a: &str, b: &str) -> f64 {
    let (sa, sb) = (skeleton(a), skeleton(b));
    if sa.is_empty() || sb.is_empty() {
        return 0.0;
    }
    if sa == sb {
        return 0.9;
    }
    0.85 * edit_similarity(sa.as_bytes(), sb.as_bytes(), CURVE, SHORT_PENALTY)
}

fn equivalent(a: &str, b: &str) -> bool {
    vocab::NAME_EQUIVALENTS
        .iter()
        .any(|set| set.contains(&a) && set.contains(&b))
}

/// Similarity of two tokens in [0, 1]; symmetric; 1 only when equal or
/// known equivalents.
pub fn token_similarity(a: &str, b: &str) -> f64 {
    token_similarity_with(a, b, CURVE, SHORT_PENALTY)
}

/// Exponent bending `1 - distance/length`, and the extra cost of any edit
/// in a token of four letters or fewer.
pub const CURVE: f64 = 1.5;
pub const SHORT_PENALTY: f64 = 0.0;

pub fn token_similarity_with(a: &str, b: &str, curve: f64, short: f64) -> f64 {
    if a == b || equivalent(a, b) {
        return 1.0;
    }
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if digits(a) || digits(b) {
        return 0.0;
    }
    let raw = edit_similarity(a.as_bytes(), b.as_bytes(), curve, short);
    let (pa, pb) = (phonetic(a), phonetic(b));
    let phon = if pa == pb {
        0.92
    } else {
        0.9 * edit_similarity(pa.as_bytes(), pb.as_bytes(), curve, short)
    };
    raw.max(phon)
}

/// 1 - distance / length, bent so that one edit in a long word stays high
/// while two edits in a short word fall fast.
fn edit_similarity(a: &[u8], b: &[u8], curve: f64, short: f64) -> f64 {
    let len = a.len().max(b.len()) as f64;
    if len == 0.0 {
        return 1.0;
    }
    let d = distance(a, b);
    let sim = (1.0 - d / len).max(0.0);
    // Short tokens: a single edit changes a name (`Ali`/`Eli`).
    let short_penalty = if len <= 4.0 && d > 0.0 { short } else { 0.0 };
    (sim.powf(curve) - short_penalty).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_basics() {
        assert_eq!(token_similarity("putin", "putin"), 1.0);
        assert!(token_similarity("putin", "pulin") > 0.6);
        assert!(token_similarity("lindemann", "lindeman") > 0.85);
        assert!(token_similarity("daniel", "donald") < 0.5);
        assert_eq!(token_similarity("11420", "11421"), 0.0);
        assert_eq!(token_similarity("usama", "osama"), 1.0);
        assert!(token_similarity("wladimir", "vladimir") > 0.9);
        assert!(token_similarity("sech1n", "sechin") > 0.8);
        for (a, b) in [("abc", "xyz"), ("mohammed", "muhamad"), ("ab", "ba")] {
            assert_eq!(token_similarity(a, b), token_similarity(b, a));
        }
    }
}
