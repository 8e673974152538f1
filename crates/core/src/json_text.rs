//! [`JsonText`]: text kept as the JSON string literal it is written out as, and the helpers that
//! read, trim and join such literals without decoding them.
//!
//! A document's long text (its searchable `body`, note bodies, descriptions) is written by every
//! sink but read as text by few (the local index, which tokenizes it). GitLab sends it as JSON
//! string literals already; keeping them escaped means the text is never unescaped and escaped
//! again, only copied.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Unexpected};
use serde_json::value::RawValue;

use crate::json_str::{WriteJson, push_escaped_str};

/// Text held as a JSON string literal: quotes included, escaped (the invariant every
/// constructor keeps). Written out by copying; read as text through [`JsonText::text`].
/// Decoded from JSON, a string is kept as the literal it arrived as: its end is found and it is
/// copied once, never unescaped.
#[derive(Clone, PartialEq, Eq)]
pub struct JsonText(String);

impl JsonText {
    /// The empty text, `""`.
    pub fn new() -> Self {
        JsonText::with_capacity(0)
    }

    /// The empty text, with room for `bytes` bytes of literal.
    pub fn with_capacity(bytes: usize) -> Self {
        let mut literal = String::with_capacity(bytes.max(2));
        literal.push_str("\"\"");
        JsonText(literal)
    }

    /// `text`, escaped.
    pub fn from_text(text: &str) -> Self {
        let mut json = JsonText::with_capacity(text.len() + 2);
        json.push_text(text);
        json
    }

    /// `literal`, a JSON string literal (quotes included) that a decoder has found and checked
    /// (escapes, control characters), kept as it is; `None` when it is not quoted.
    pub fn from_literal(literal: &str) -> Option<Self> {
        let quoted = literal.len() >= 2 && literal.starts_with('"') && literal.ends_with('"');
        quoted.then(|| JsonText(literal.to_owned()))
    }

    /// Appends `text`, escaping it.
    pub fn push_text(&mut self, text: &str) {
        self.0.pop();
        push_escaped_str(&mut self.0, text);
        self.0.push('"');
    }

    /// Appends the inside of a JSON string literal (`escaped`, from [`JsonText::escaped`] or
    /// [`trim_escaped`]) as it is.
    pub fn push_escaped(&mut self, escaped: Escaped<'_>) {
        self.0.pop();
        self.0.push_str(escaped.0);
        self.0.push('"');
    }

    /// The JSON string literal, quotes included.
    pub fn as_json(&self) -> &str {
        &self.0
    }

    /// The inside of the literal, still escaped (for [`JsonText::push_escaped`]).
    pub fn escaped(&self) -> Escaped<'_> {
        inner(&self.0)
    }

    /// The text, unescaped (borrowed when it holds no escapes).
    pub fn text(&self) -> Cow<'_, str> {
        unescape(&self.0)
    }

    /// The text, unescaped, reusing the literal's own buffer when it holds no escape.
    pub fn into_text(self) -> String {
        let unescaped = match unescape(&self.0) {
            Cow::Owned(text) => Some(text),
            Cow::Borrowed(_) => None,
        };
        unescaped.unwrap_or_else(|| {
            let mut text = self.0;
            text.pop();
            text.remove(0);
            text
        })
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.0.len() == 2
    }

    /// Bytes of the literal, quotes included (about the bytes it takes written out).
    pub fn json_len(&self) -> usize {
        self.0.len()
    }
}

impl Default for JsonText {
    fn default() -> Self {
        JsonText::new()
    }
}

impl From<&str> for JsonText {
    fn from(text: &str) -> Self {
        JsonText::from_text(text)
    }
}

impl From<String> for JsonText {
    fn from(text: String) -> Self {
        JsonText::from_text(&text)
    }
}

impl PartialEq<&str> for JsonText {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // serde_json checks the literal while finding its end (escapes, control characters).
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        string_literal::<D::Error>(raw.get())?;
        Ok(JsonText(Box::<str>::from(raw).into_string()))
    }
}

/// `raw`, a JSON value a decoder found and checked, when it is a string literal; otherwise the
/// decoder's "invalid type … expected a string" error.
pub fn string_literal<E: de::Error>(raw: &str) -> Result<&str, E> {
    if raw.starts_with('"') {
        Ok(raw)
    } else {
        Err(E::invalid_type(Unexpected::Other(raw), &"a string"))
    }
}

impl fmt::Debug for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl WriteJson for JsonText {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_bytes());
    }
}

/// The inside of a JSON string literal, still escaped: what [`JsonText::push_escaped`] copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Escaped<'a>(&'a str);

impl<'a> Escaped<'a> {
    /// The inside of `literal`, a JSON string literal (quotes included) that a decoder checked;
    /// empty when `literal` is not quoted.
    pub fn of_literal(literal: &'a str) -> Self {
        inner(literal)
    }

    /// The escaped text.
    pub fn as_str(&self) -> &'a str {
        self.0
    }

    /// The text, unescaped (borrowed when it holds no escapes).
    pub fn text(&self) -> Cow<'a, str> {
        unescape_inside(self.0)
    }

    /// Whether there is no text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The inside of `literal`, a JSON string literal (quotes included); empty when `literal` is
/// not quoted.
fn inner(literal: &str) -> Escaped<'_> {
    Escaped(
        literal
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_default(),
    )
}

/// `escaped` without the whitespace at either end, whether written as itself or escaped
/// (`\n`, `\t`, `\r`, `\f`, `\u0020`, …): the escaped form of `str::trim` of its text.
pub fn trim_escaped(escaped: Escaped<'_>) -> Escaped<'_> {
    let mut text = escaped.0;
    while let Some(len) = leading_space(text) {
        text = &text[len..];
    }
    while let Some(len) = trailing_space(text) {
        text = &text[..text.len() - len];
    }
    Escaped(text)
}

/// Bytes of the whitespace character `text` starts with (raw or escaped), if it does.
fn leading_space(text: &str) -> Option<usize> {
    if let Some(rest) = text.strip_prefix('\\') {
        let (ch, len) = decode_escape(rest)?;
        return ch.is_whitespace().then_some(len + 1);
    }
    let ch = text.chars().next()?;
    ch.is_whitespace().then(|| ch.len_utf8())
}

/// Bytes of the whitespace character `text` ends with (raw or escaped), if it does.
fn trailing_space(text: &str) -> Option<usize> {
    let last = text.chars().next_back()?;
    // A raw whitespace character is never the end of an escape (`\` is followed by one of
    // `"\/bfnrtu` or by hex digits).
    if last.is_whitespace() {
        return Some(last.len_utf8());
    }
    let bytes = text.as_bytes();
    let starts_escape = |at: usize| {
        // A `\` starts an escape when the run of `\`s ending at it has odd length.
        bytes[..=at]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count()
            % 2
            == 1
    };
    for len in [2, 6] {
        if let Some(at) = bytes.len().checked_sub(len)
            && bytes[at] == b'\\'
            && starts_escape(at)
            && let Some((ch, escape_len)) = decode_escape(&text[at + 1..])
            && escape_len + 1 == len
        {
            return ch.is_whitespace().then_some(len);
        }
    }
    None
}

/// The character the escape after a `\` stands for, and the bytes of the escape after the `\`
/// (`n` → 1, `u0020` → 5). A surrogate escape is `None`: it is never whitespace, and
/// [`unescape`] pairs it with its partner.
fn decode_escape(rest: &str) -> Option<(char, usize)> {
    let ch = match rest.as_bytes().first()? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            return hex4(rest.get(1..5)?)
                .and_then(char::from_u32)
                .map(|ch| (ch, 5));
        }
        _ => return None,
    };
    Some((ch, 1))
}

fn hex4(digits: &str) -> Option<u32> {
    if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(digits, 16).ok()
    } else {
        None
    }
}

/// The text of `literal`, a JSON string literal (quotes included): borrowed when it holds no
/// escape.
fn unescape(literal: &str) -> Cow<'_, str> {
    unescape_inside(inner(literal).0)
}

/// The text of `inside`, the inside of a JSON string literal: borrowed when it holds no escape.
/// A malformed escape or a lone surrogate becomes U+FFFD (they never come from a decoder that
/// checked the literal, but text must not be lost for them).
fn unescape_inside(inside: &str) -> Cow<'_, str> {
    if !inside.contains('\\') {
        return Cow::Borrowed(inside);
    }
    let mut text = String::with_capacity(inside.len());
    let mut rest = inside;
    while let Some(at) = rest.find('\\') {
        text.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let (ch, len) = match decode_escape(rest) {
            Some(decoded) => decoded,
            None => surrogate_pair(rest).unwrap_or(('\u{fffd}', escape_len(rest))),
        };
        text.push(ch);
        rest = &rest[len..];
    }
    text.push_str(rest);
    Cow::Owned(text)
}

/// A `uD8xx\uDCxx` pair after a `\`: the character and the bytes after the first `\`.
fn surrogate_pair(rest: &str) -> Option<(char, usize)> {
    let high = hex4(rest.strip_prefix('u')?.get(..4)?)?;
    let low = hex4(rest.get(5..)?.strip_prefix("\\u")?.get(..4)?)?;
    if !(0xd800..0xdc00).contains(&high) || !(0xdc00..0xe000).contains(&low) {
        return None;
    }
    let ch = char::from_u32(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00))?;
    Some((ch, 11))
}

/// Bytes to skip after a `\` that starts no valid escape: a `u` and its hex digits, or one
/// character.
fn escape_len(rest: &str) -> usize {
    match rest.strip_prefix('u') {
        Some(digits) => {
            1 + digits
                .bytes()
                .take(4)
                .take_while(u8::is_ascii_hexdigit)
                .count()
        }
        None => rest.chars().next().map_or(0, char::len_utf8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character escaped as `\uXXXX` (surrogate pairs above the BMP), the other way
    /// GitLab may write text.
    fn escape_all(text: &str) -> String {
        let mut out = String::from('"');
        for ch in text.chars() {
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
        out.push('"');
        out
    }

    const SAMPLES: [&str; 9] = [
        "",
        "plain",
        "  \n\t padded \r\n ",
        "\u{a0}\u{2003}unicode spaces\u{3000}\u{85}",
        "ends with a backslash \\",
        "ends with an escaped n \\n",
        "quote \" and slash \\ and \u{1}",
        "café 漢字 🦀\n\nnext",
        "\u{b}\u{c}vertical tab and form feed\u{c}\u{b}",
    ];

    #[test]
    fn unescape_reads_serde_json_and_all_escaped_literals() {
        for text in SAMPLES {
            let literal = serde_json::to_string(text).unwrap();
            assert_eq!(unescape(&literal), text, "{literal}");
            assert_eq!(unescape(&escape_all(text)), text, "{text:?} all escaped");
        }
        assert!(matches!(unescape("\"no escapes\""), Cow::Borrowed(_)));
        assert_eq!(unescape(r#""a\/b""#), "a/b");
    }

    #[test]
    fn bad_escapes_become_replacement_characters() {
        assert_eq!(unescape(r#""lone \ud800 high""#), "lone \u{fffd} high");
        assert_eq!(unescape(r#""lone \udc00 low""#), "lone \u{fffd} low");
        assert_eq!(unescape(r#""bad \q escape""#), "bad \u{fffd} escape");
        assert_eq!(unescape(r#""short \u12""#), "short \u{fffd}");
    }

    #[test]
    fn trimming_escaped_text_is_trimming_its_text() {
        for text in SAMPLES {
            for literal in [serde_json::to_string(text).unwrap(), escape_all(text)] {
                let trimmed = trim_escaped(inner(&literal));
                let trimmed_literal = format!("\"{}\"", trimmed.as_str());
                assert_eq!(unescape(&trimmed_literal), text.trim(), "{literal}");
            }
        }
        // `\\` then `n` is a backslash and a letter, not a line break.
        assert_eq!(trim_escaped(inner(r#""a\\n""#)).as_str(), r"a\\n");
        assert_eq!(trim_escaped(inner(r#""a\\\n""#)).as_str(), r"a\\");
        assert_eq!(trim_escaped(inner(r#""a\\u0020""#)).as_str(), r"a\\u0020");
    }

    #[test]
    fn decoded_strings_are_kept_as_sent_and_read_as_text() {
        let text: JsonText =
            serde_json::from_str(r#""a body with \"quotes\" and\nlines, caf\u00e9""#)
                .expect("decodes");
        assert_eq!(
            text.as_json(),
            r#""a body with \"quotes\" and\nlines, caf\u00e9""#
        );
        assert_eq!(text, "a body with \"quotes\" and\nlines, café");
        let mut out = Vec::new();
        text.write_json(&mut out);
        assert_eq!(out, text.as_json().as_bytes());
    }

    #[test]
    fn decodes_from_a_value_and_refuses_what_is_not_a_string() {
        let from_value: JsonText =
            serde_json::from_value(serde_json::json!("line\none")).expect("decodes");
        assert_eq!(from_value, "line\none");
        let absent: Option<JsonText> = serde_json::from_str("null").expect("null is none");
        assert!(absent.is_none());
        for not_text in ["1", "{\"a\": 1}", "[\"x\"]", "true"] {
            assert!(
                serde_json::from_str::<JsonText>(not_text).is_err(),
                "{not_text}"
            );
        }
    }

    #[test]
    fn pieces_join_into_one_literal() {
        let mut json = JsonText::new();
        assert!(json.is_empty());
        json.push_text("Title \"x\"");
        json.push_text("\n\n");
        json.push_escaped(inner(r#""caf\u00e9\n""#));
        assert_eq!(json.as_json(), r#""Title \"x\"\n\ncaf\u00e9\n""#);
        assert_eq!(json, "Title \"x\"\n\ncafé\n");
        assert_eq!(JsonText::from_text("a\tb").as_json(), r#""a\tb""#);
        assert_eq!(JsonText::from_text("a\tb").into_text(), "a\tb");
        assert_eq!(JsonText::from_text("plain").into_text(), "plain");
        let mut out = Vec::new();
        json.write_json(&mut out);
        assert_eq!(out, json.as_json().as_bytes());
    }
}
