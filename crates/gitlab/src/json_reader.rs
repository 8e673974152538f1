//! [`Reader`]: a JSON reader for the listing pages whose nodes have a reader of their own
//! ([`crate::connection::PageNode`]).
//!
//! Decoding listing pages with serde_json was the largest part of a sync's CPU: about a third,
//! most of it serde's cost per token (a visitor call per member, a key matched after it was
//! parsed, each value behind a generic seed) rather than finding where strings end. This reader
//! walks the page's bytes directly: members are matched by the caller as they come, strings are
//! found sixteen bytes at a time and handed out as the literal GitLab sent (quotes included, still
//! escaped), and nothing is built that the caller does not build itself.
//!
//! It accepts less than JSON allows: keys written with escapes, numbers other than plain
//! integers where a number is read, nesting deeper than [`MAX_DEPTH`]. Whatever it does not
//! accept, and every shape a node reader does not expect, ends the read with [`Unread`]; the
//! caller then decodes the same bytes with serde_json, which gives the same result or names the
//! fault. So this reader never decides whether a page is valid, only whether it can take the
//! fast way.
//!
//! What it does check, it checks as serde_json does: strings hold no control characters and
//! only valid escapes (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u` and four hex digits);
//! the text is UTF-8 because the whole page was checked to be before it was read.

/// A page could not be read this way (see the module doc); the caller falls back to serde_json.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unread;

/// What a read gives: the value, or [`Unread`].
pub type Read<T> = Result<T, Unread>;

/// Puts `value` in `slot`, a member not seen yet ([`Unread`] when it was: serde refuses a member
/// given twice).
pub(crate) fn set_once<T>(slot: &mut Option<T>, value: T) -> Read<()> {
    match slot {
        Some(_) => Err(Unread),
        None => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// Nesting deeper than this is left to serde_json (whose own limit is 128): a skipped value is
/// walked recursively, and a hostile page must not exhaust the stack.
const MAX_DEPTH: usize = 64;

/// A position in a JSON text, moved forward by each read.
pub struct Reader<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Reader {
            text,
            at: 0,
            depth: 0,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte that is not whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        let bytes = self.bytes();
        while let Some(&byte) = bytes.get(self.at) {
            // Every byte that starts a token is above the space; GitLab's pages are compact,
            // so this one comparison is usually all a peek costs.
            if byte > b' ' || !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    #[inline]
    fn expect(&mut self, byte: u8) -> Read<()> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(Unread)
        }
    }

    fn word(&mut self, word: &[u8]) -> bool {
        if self.bytes()[self.at..].starts_with(word) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    /// Consumes a `null` when one comes next, saying whether it did.
    pub(crate) fn null(&mut self) -> bool {
        self.peek() == Some(b'n') && self.word(b"null")
    }

    /// `null` as `None`, anything else as `read` reads it.
    pub(crate) fn nullable<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Read<T>,
    ) -> Read<Option<T>> {
        if self.null() {
            Ok(None)
        } else {
            read(self).map(Some)
        }
    }

    /// A `true` or `false`.
    pub(crate) fn bool(&mut self) -> Read<bool> {
        match self.peek() {
            Some(b't') if self.word(b"true") => Ok(true),
            Some(b'f') if self.word(b"false") => Ok(false),
            _ => Err(Unread),
        }
    }

    /// An integer that fits an `i32`, written without fraction or exponent.
    pub(crate) fn i32(&mut self) -> Read<i32> {
        self.peek();
        let start = self.at;
        let bytes = self.bytes();
        let digits = start + usize::from(bytes.get(start) == Some(&b'-'));
        let mut end = digits;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        let leading_zero = bytes[digits..end].len() > 1 && bytes[digits] == b'0';
        if leading_zero || matches!(bytes.get(end), Some(b'.' | b'e' | b'E')) {
            return Err(Unread);
        }
        let number = self.text[start..end].parse().map_err(|_| Unread)?;
        self.at = end;
        Ok(number)
    }

    /// A string as its literal: quotes included, escapes kept, checked as serde_json checks it.
    pub(crate) fn literal(&mut self) -> Read<&'a str> {
        self.string().map(|(literal, _)| literal)
    }

    /// A string as its literal ([`Reader::literal`]) and whether it holds any escape.
    pub(crate) fn string(&mut self) -> Read<(&'a str, bool)> {
        self.expect(b'"')?;
        let start = self.at - 1;
        let bytes = self.bytes();
        let mut escaped = false;
        loop {
            self.at = find_special(bytes, self.at).ok_or(Unread)?;
            match bytes[self.at] {
                b'"' => {
                    self.at += 1;
                    return Ok((&self.text[start..self.at], escaped));
                }
                b'\\' => {
                    self.escape()?;
                    escaped = true;
                }
                _ => return Err(Unread), // a control character
            }
        }
    }

    /// Steps over one escape, the reader on its backslash.
    fn escape(&mut self) -> Read<()> {
        let bytes = self.bytes();
        match bytes.get(self.at + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.at += 2,
            Some(b'u') => {
                let hex = bytes.get(self.at + 2..self.at + 6).ok_or(Unread)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return Err(Unread);
                }
                self.at += 6;
            }
            _ => return Err(Unread),
        }
        Ok(())
    }

    /// Reads an object, calling `member` with each key (which must hold no escapes) and the
    /// reader on its value; `member` reads the value.
    pub(crate) fn members(
        &mut self,
        mut member: impl FnMut(&mut Self, &'a str) -> Read<()>,
    ) -> Read<()> {
        self.sequence(b'{', b'}', |reader| {
            let key = reader.key()?;
            reader.expect(b':')?;
            member(reader, key)
        })
    }

    /// Reads an object whose members come in the order the query selects them, as GraphQL
    /// answers (its spec orders a response's members as the selection set orders its fields):
    /// `read` takes each with [`Members::member`], and a member it does not take, one missing or
    /// one out of order ends the read with [`Unread`]. Checking that the next key is the one
    /// expected costs a comparison of a few bytes, where finding a key's end and matching it
    /// among all the selected ones cost several times that, for every member of a page.
    #[inline(always)]
    pub(crate) fn object<T>(
        &mut self,
        read: impl FnOnce(&mut Members<'_, 'a>) -> Read<T>,
    ) -> Read<T> {
        self.expect(b'{')?;
        self.nest()?;
        let mut members = Members {
            reader: self,
            first: true,
        };
        let value = read(&mut members)?;
        self.expect(b'}')?;
        self.depth -= 1;
        Ok(value)
    }

    /// Consumes the key `key` (written without escapes) and its colon, or gives [`Unread`] when
    /// another key (or anything else) comes next.
    #[inline(always)]
    fn expected_key(&mut self, key: &str) -> Read<()> {
        self.expect(b'"')?;
        let (key, rest) = (key.as_bytes(), &self.bytes()[self.at..]);
        if rest.len() > key.len() && same_bytes(&rest[..key.len()], key) && rest[key.len()] == b'"'
        {
            self.at += key.len() + 1;
            self.expect(b':')
        } else {
            Err(Unread)
        }
    }

    /// A member's key, without its quotes: [`Unread`] when it holds an escape or a control
    /// character. Keys are most of a page's strings, and none of GitLab's holds an escape, so
    /// this is [`Reader::string`] without its escape handling.
    fn key(&mut self) -> Read<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let end = find_special(self.bytes(), start).ok_or(Unread)?;
        if self.bytes()[end] != b'"' {
            return Err(Unread);
        }
        self.at = end + 1;
        Ok(&self.text[start..end])
    }

    /// Reads an array, calling `element` with the reader on each element; `element` reads it.
    pub(crate) fn elements(&mut self, element: impl FnMut(&mut Self) -> Read<()>) -> Read<()> {
        self.sequence(b'[', b']', element)
    }

    /// Reads an array into a list, each element read by `element`.
    pub(crate) fn list<T>(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Read<T>,
    ) -> Read<Vec<T>> {
        let mut list = Vec::new();
        self.elements(|reader| {
            list.push(element(reader)?);
            Ok(())
        })?;
        Ok(list)
    }

    /// Reads a GraphQL list: `null`, or an array whose entries are each `null` or read by
    /// `entry` (`Option<Vec<Option<T>>>` in the derived types).
    pub(crate) fn nullable_list<T>(
        &mut self,
        entry: impl Fn(&mut Self) -> Read<T>,
    ) -> Read<Option<Vec<Option<T>>>> {
        self.nullable(|reader| reader.list(|reader| reader.nullable(&entry)))
    }

    /// Reads `open`, the comma-separated items `item` reads, and `close`.
    fn sequence(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Read<()>,
    ) -> Read<()> {
        self.expect(open)?;
        self.nest()?;
        if self.peek() != Some(close) {
            loop {
                item(self)?;
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(byte) if byte == close => break,
                    _ => return Err(Unread),
                }
            }
        }
        self.at += 1;
        self.depth -= 1;
        Ok(())
    }

    fn nest(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(Unread)
        } else {
            Ok(())
        }
    }

    /// Steps over any value.
    pub(crate) fn skip(&mut self) -> Read<()> {
        match self.peek().ok_or(Unread)? {
            b'"' => self.literal().map(drop),
            b'{' => self.members(|reader, _| reader.skip()),
            b'[' => self.elements(Reader::skip),
            b't' | b'f' => self.bool().map(drop),
            b'n' if self.null() => Ok(()),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Unread),
        }
    }

    /// Steps over a number, checking its grammar.
    fn number(&mut self) -> Read<()> {
        let bytes = self.bytes();
        let digits = |at: &mut usize| {
            let start = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at > start
        };
        let mut at = self.at + usize::from(bytes[self.at] == b'-');
        if bytes.get(at) == Some(&b'0') {
            at += 1;
        } else if !digits(&mut at) {
            return Err(Unread);
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            if !digits(&mut at) {
                return Err(Unread);
            }
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            if !digits(&mut at) {
                return Err(Unread);
            }
        }
        self.at = at;
        Ok(())
    }

    /// Checks that only whitespace is left.
    pub(crate) fn end(&mut self) -> Read<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(Unread),
        }
    }
}

/// Whether `a` and `b`, of the same length, hold the same bytes: keys of 4 to 16 bytes (nearly
/// all of GitLab's) with two overlapping loads each, the rest as slices. A slice comparison
/// calls `memcmp`, whose call cost more than the comparison of a key.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
        bytes[at..at + N].try_into().unwrap_or([0; N])
    }
    let n = b.len();
    match n {
        8..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, n - 8) == word::<8>(b, n - 8),
        4..=7 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4),
        _ => a == b,
    }
}

/// The members of an object read in order ([`Reader::object`]).
pub(crate) struct Members<'r, 'a> {
    reader: &'r mut Reader<'a>,
    first: bool,
}

impl<'a> Members<'_, 'a> {
    /// Reads the next member, which must be `key`, its value with `read`.
    #[inline(always)]
    pub(crate) fn member<T>(
        &mut self,
        key: &str,
        read: impl FnOnce(&mut Reader<'a>) -> Read<T>,
    ) -> Read<T> {
        if !std::mem::take(&mut self.first) {
            self.reader.expect(b',')?;
        }
        self.reader.expected_key(key)?;
        read(self.reader)
    }

    /// Steps over the members left, whatever they are (an object the query selects nothing
    /// of that this code reads).
    pub(crate) fn skip_rest(&mut self) -> Read<()> {
        loop {
            match self.reader.peek() {
                Some(b'}') => return Ok(()),
                Some(b',') if !self.first => self.reader.at += 1,
                Some(b'"') if self.first => {}
                _ => return Err(Unread),
            }
            self.first = false;
            self.reader.key()?;
            self.reader.expect(b':')?;
            self.reader.skip()?;
        }
    }
}

/// Where the first quote, backslash or control character at or after `from` is: sixteen
/// bytes at a time with SSE2 (part of every x86-64 target), then byte by byte.
#[cfg(target_arch = "x86_64")]
fn find_special(bytes: &[u8], from: usize) -> Option<usize> {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    let mut at = from;
    while at + 16 <= bytes.len() {
        // SAFETY: the sixteen bytes loaded, `at..at + 16`, are inside `bytes` (the loop's
        // condition), the load needs no alignment, and SSE2 is enabled on every x86-64 target.
        let found = unsafe {
            let chunk = _mm_loadu_si128(bytes.as_ptr().add(at).cast());
            let quote = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'\\' as i8));
            let last_control = _mm_set1_epi8(0x1f);
            let control = _mm_cmpeq_epi8(_mm_max_epu8(chunk, last_control), last_control);
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control))
        };
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize);
        }
        at += 16;
    }
    find_special_bytewise(bytes, at)
}

/// Where the first quote, backslash or control character at or after `from` is, eight bytes
/// at a time (the bytes that are a quote, a backslash or below 0x20 found with word arithmetic).
#[cfg(not(target_arch = "x86_64"))]
fn find_special(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = u64::MAX / 255;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let control = word.wrapping_sub(ONES * 0x20) & !word;
        let quote = word ^ (ONES * u64::from(b'"'));
        let quote = quote.wrapping_sub(ONES) & !quote;
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let backslash = backslash.wrapping_sub(ONES) & !backslash;
        let found = (control | quote | backslash) & (ONES << 7);
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    find_special_bytewise(bytes, at)
}

/// [`find_special`] one byte at a time, for the last few bytes.
fn find_special_bytewise(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)
        .map(|at| from + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(json: &str) -> Read<&str> {
        let mut reader = Reader::new(json);
        let literal = reader.literal()?;
        reader.end()?;
        Ok(literal)
    }

    #[test]
    fn strings_are_read_as_their_literals_and_checked_as_serde_json_checks_them() {
        for json in [
            r#""""#,
            r#""plain""#,
            r#""a longer string of more than eight bytes, twice over""#,
            r#""esc\"aped \\ \/ \b\f\n\r\t \u00e9\uD83D\uDE00 end""#,
            "\"caf\u{e9} \u{1F600}\"",
            r#""\\""#,
            r#""1234567\"""#,
        ] {
            assert_eq!(literal(json), Ok(json), "{json}");
            assert!(serde_json::from_str::<String>(json).is_ok(), "{json}");
        }
        for json in [
            r#""open"#,
            r#""bad \q escape""#,
            r#""short \u12 hex""#,
            r#""not hex \u12g4""#,
            "\"a raw\ttab\"",
            "\"a raw\nline, after eight bytes\"",
            r#""ends on a backslash\"#,
            "plain",
        ] {
            assert_eq!(literal(json), Err(Unread), "{json}");
            assert!(serde_json::from_str::<String>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn every_special_byte_is_found_wherever_it_falls() {
        for len in 0..40 {
            for special in [b'"', b'\\', b'\n', 0x01] {
                let mut bytes = vec![b'x'; len];
                bytes.push(special);
                bytes.extend_from_slice(b"yyyyyyyyy");
                assert_eq!(find_special(&bytes, 0), Some(len), "{len} {special}");
                assert_eq!(find_special(&bytes[..len], 0), None);
            }
        }
    }

    #[test]
    fn objects_and_arrays_are_walked_member_by_member() {
        let mut reader =
            Reader::new(r#" { "a" : [1, -2, 30] , "b": {"c": null, "d": true}, "e": [] } "#);
        let mut seen = Vec::new();
        reader
            .members(|reader, key| {
                seen.push(key.to_owned());
                match key {
                    "a" => reader.elements(|reader| reader.i32().map(|n| seen.push(n.to_string()))),
                    _ => reader.skip(),
                }
            })
            .expect("reads");
        reader.end().expect("nothing after");
        assert_eq!(seen, ["a", "1", "-2", "30", "b", "e"]);
    }

    #[test]
    fn keys_of_every_length_are_compared_byte_for_byte() {
        let key = b"abcdefghijklmnopqrstu";
        for len in 0..=key.len() {
            let same = key[..len].to_vec();
            assert!(same_bytes(&same, &key[..len]), "{len}");
            for at in 0..len {
                let mut other = same.clone();
                other[at] ^= 0x20;
                assert!(!same_bytes(&other, &key[..len]), "{len} {at}");
            }
        }
    }

    #[test]
    fn objects_read_in_order_take_exactly_the_members_asked_for() {
        let pair = |json: &str| {
            let mut reader = Reader::new(json);
            let read = reader.object(|object| {
                let a = object.member("a", Reader::i32)?;
                Ok((a, object.member("bc", Reader::bool)?))
            });
            read.and_then(|pair| reader.end().map(|()| pair))
        };
        assert_eq!(pair(r#"{"a":1,"bc":true}"#), Ok((1, true)));
        assert_eq!(pair(" { \"a\" : -2 ,\n\"bc\":false } "), Ok((-2, false)));
        for json in [
            r#"{"bc": true, "a": 1}"#,
            r#"{"a": 1}"#,
            r#"{"a": 1, "bc": true, "d": null}"#,
            r#"{"a": 1, "b": true}"#,
            r#"{"a": 1, "bcd": true}"#,
            r#"{"a": 1, "b\u0063": true}"#,
            r#"{"a": 1 "bc": true}"#,
            r#"{"a": 1, "bc": true"#,
            r#"{"a": 1, "bc""#,
            r#"["a", 1]"#,
        ] {
            assert_eq!(pair(json), Err(Unread), "{json}");
        }

        fn typed(json: &str) -> Read<&str> {
            Reader::new(json).object(|object| {
                let name = object.member("t", Reader::literal)?;
                object.skip_rest()?;
                Ok(name)
            })
        }
        assert_eq!(typed(r#"{"t": "X"}"#), Ok(r#""X""#));
        assert_eq!(
            typed(r#"{"t": "X", "y": [1, {"z": null}], "w": "v"}"#),
            Ok(r#""X""#)
        );
        for json in [
            r#"{"t": "X", }"#,
            r#"{"t": "X" "y": 1}"#,
            r#"{"t": "X", "y"}"#,
        ] {
            assert_eq!(typed(json), Err(Unread), "{json}");
        }
    }

    #[test]
    fn what_it_does_not_take_is_left_to_serde_json() {
        let unread = |json: &str| {
            let mut reader = Reader::new(json);
            reader.skip().and_then(|()| reader.end())
        };
        for json in [
            r#"{"a": 1.5e3, "b": [0, -0.25, 1E+2], "c": "x", "d": false}"#,
            "[]",
            "{}",
            "  null ",
        ] {
            assert_eq!(unread(json), Ok(()), "{json}");
        }
        for json in [
            r#"{"a" 1}"#,
            r#"{"a": 1,}"#,
            "[1 2]",
            "[1,]",
            "01",
            "1.",
            "-",
            "nul",
            r#"{"k\u0065y": 1}"#,
            r#"{"a\"b": 1}"#,
            "{\"a\tb\": 1}",
            r#"{"key"#,
            "[] []",
            &"[".repeat(MAX_DEPTH + 1),
        ] {
            assert_eq!(unread(json), Err(Unread), "{json}");
        }
        for json in ["12.5", "1e2", "007", "-01", "-", "+1"] {
            assert_eq!(Reader::new(json).i32(), Err(Unread), "{json}");
            assert!(serde_json::from_str::<i32>(json).is_err(), "{json}");
        }
        for (json, number) in [("0", 0), ("-0", 0), ("-12", -12), ("2147483647", i32::MAX)] {
            assert_eq!(Reader::new(json).i32(), Ok(number), "{json}");
        }
        let mut reader = Reader::new("99999999999");
        assert_eq!(reader.i32(), Err(Unread));
    }
}
