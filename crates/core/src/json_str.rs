//! [`write_json_str`]: a JSON string writer for long text (bodies, descriptions, note bodies).
//!
//! serde_json looks up every byte of a string in its escape table; GitLab text rarely needs an
//! escape, so this writer tests eight bytes at a time and copies whole runs. The output is the
//! same bytes serde_json writes (tested below), so content hashes do not change.

/// A value that writes its own JSON, for [`crate::Fields::insert_json`]: text through
/// [`write_json_str`], and builders' composite values (note lists) written member by member.
/// An implementation must write exactly one JSON value.
pub trait WriteJson {
    /// Appends the value's JSON to `out`.
    fn write_json(&self, out: &mut Vec<u8>);
}

impl WriteJson for str {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(out, self);
    }
}

/// Integers, written in decimal without an allocation of their own.
macro_rules! write_json_integer {
    ($($integer:ty),*) => {
        $(
            impl WriteJson for $integer {
                fn write_json(&self, out: &mut Vec<u8>) {
                    use std::io::Write;
                    // Writing to a `Vec` cannot fail.
                    let _ = write!(out, "{self}");
                }
            }
        )*
    };
}

write_json_integer!(i32, i64, usize);

impl WriteJson for bool {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if *self { b"true" } else { b"false" });
    }
}

impl<T: WriteJson + ?Sized> WriteJson for &T {
    fn write_json(&self, out: &mut Vec<u8>) {
        (**self).write_json(out);
    }
}

impl<T: WriteJson> WriteJson for Option<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Some(value) => value.write_json(out),
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// Appends `text` to `out` as a JSON string, quotes included, escaped exactly as serde_json
/// escapes it (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other control characters as `\u00xx`).
pub fn write_json_str(out: &mut Vec<u8>, text: &str) {
    out.reserve(text.len() + 2);
    out.push(b'"');
    escape_runs(text, |run, escape| {
        out.extend_from_slice(run.as_bytes());
        if let Some(escape) = escape {
            escape.write(out);
        }
    });
    out.push(b'"');
}

/// Appends `text` to `out` escaped as [`write_json_str`] escapes it, without quotes: the inside
/// of a JSON string literal.
pub fn push_escaped_str(out: &mut String, text: &str) {
    out.reserve(text.len());
    escape_runs(text, |run, escape| {
        out.push_str(run);
        if let Some(escape) = escape {
            let (bytes, len) = escape.ascii();
            out.extend(bytes[..len].iter().copied().map(char::from));
        }
    });
}

/// Walks `text` as runs that need no escape, each followed by the escape of the byte that ends
/// it (`None` after the last run). Runs end only before ASCII bytes, so they are whole `&str`s.
fn escape_runs(text: &str, mut emit: impl FnMut(&str, Option<Escape>)) {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    let mut scan_from = 0;
    while let Some(at) = next_escape(bytes, scan_from) {
        scan_from = at + 1;
        // Every byte `next_escape` finds has an escape; were one not to, it stays in the run.
        if let Some(escape) = escape_of(bytes[at]) {
            emit(&text[run_start..at], Some(escape));
            run_start = at + 1;
        }
    }
    emit(&text[run_start..], None);
}

/// Where the first byte at or after `from` that needs an escape is, eight bytes at a time, the
/// last few one by one (most strings written are short: names, dates, URLs).
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(word) = bytes.get(at..at + 8) {
        let mask = escape_mask(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        if mask != 0 {
            // The lowest flagged byte is exact (the tricks below only err above a true one).
            return Some(at + (mask.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes
        .get(at..)?
        .iter()
        .position(|&byte| byte < 0x20 || byte == b'"' || byte == b'\\')
        .map(|offset| at + offset)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` (little-endian) that is below 0x20, `"` or `\`, and
/// possibly of bytes above the first such byte.
fn escape_mask(word: u64) -> u64 {
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    // A byte below 0x20: subtracting 0x20 borrows into its high bit (bytes of 0x80 and more
    // are masked out by `!word`).
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    below_space
        | zero_bytes(word ^ (ONES * u64::from(b'"')))
        | zero_bytes(word ^ (ONES * u64::from(b'\\')))
}

/// How one byte is escaped.
enum Escape {
    Short(u8),
    Unicode(u8),
}

impl Escape {
    /// The escape's bytes (ASCII), in a buffer of which the first `len` count.
    fn ascii(self) -> ([u8; 6], usize) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        match self {
            Escape::Short(letter) => ([b'\\', letter, 0, 0, 0, 0], 2),
            Escape::Unicode(byte) => (
                [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(byte >> 4)],
                    HEX[usize::from(byte & 0xf)],
                ],
                6,
            ),
        }
    }

    fn write(self, out: &mut Vec<u8>) {
        let (bytes, len) = self.ascii();
        out.extend_from_slice(&bytes[..len]);
    }
}

fn escape_of(byte: u8) -> Option<Escape> {
    Some(match byte {
        b'"' => Escape::Short(b'"'),
        b'\\' => Escape::Short(b'\\'),
        0x08 => Escape::Short(b'b'),
        0x0c => Escape::Short(b'f'),
        b'\n' => Escape::Short(b'n'),
        b'\r' => Escape::Short(b'r'),
        b'\t' => Escape::Short(b't'),
        0..0x20 => Escape::Unicode(byte),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(text: &str) -> String {
        let mut out = Vec::new();
        write_json_str(&mut out, text);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn every_ascii_character_is_escaped_as_serde_json_escapes_it() {
        for byte in 0..0x80u8 {
            let text = String::from(char::from(byte));
            assert_eq!(
                ours(&text),
                serde_json::to_string(&text).unwrap(),
                "{byte:#x}"
            );
        }
    }

    #[test]
    fn escapes_at_every_offset_of_a_word_and_in_the_tail() {
        let specials = [
            "\"", "\\", "\n", "\u{1}", "\u{1f}", "\t", "é", "漢", "🦀", " ", "\u{7f}",
        ];
        for special in specials {
            for len in 0..20 {
                for at in 0..=len {
                    let mut text = "a".repeat(len);
                    text.insert_str(at, special);
                    assert_eq!(
                        ours(&text),
                        serde_json::to_string(&text).unwrap(),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn numbers_booleans_and_absent_values_match_serde_json() {
        let mut out = Vec::new();
        for value in [Some(-42), Some(0), None] {
            value.write_json(&mut out);
            out.push(b' ');
        }
        true.write_json(&mut out);
        out.push(b' ');
        i64::MIN.write_json(&mut out);
        out.push(b' ');
        usize::MAX.write_json(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("-42 0 null true {} {}", i64::MIN, usize::MAX)
        );
    }

    #[test]
    fn long_text_matches_serde_json() {
        let text =
            "Memory grows steadily, see \"logs\" at C:\\tmp.\n\tcafé na\u{ef}ve \u{0}\u{1b}[0m "
                .repeat(50);
        assert_eq!(ours(&text), serde_json::to_string(&text).unwrap());
        assert_eq!(ours(""), "\"\"");
        let mut inside = String::from("\"");
        push_escaped_str(&mut inside, &text);
        inside.push('"');
        assert_eq!(inside, ours(&text));
    }
}
