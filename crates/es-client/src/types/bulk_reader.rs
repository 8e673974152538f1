//! [`decode`]: the `_bulk` response decoder, a hand-rolled byte reader for the common shape with
//! serde_json behind it.
//!
//! A `_bulk` response holds one item per document sent, so decoding it with serde_json cost about
//! 1,800 instructions per document: serde's cost per token (a visitor call per member, each key
//! matched after it was parsed, each value behind a generic seed) on an item of a few dozen bytes.
//! With the request's `filter_path` the response is compact and nearly always the same shape,
//! `{"errors":false,"items":[{"index":{"result":"created","status":201}},…]}`, which this reader
//! walks byte by byte into the same [`BulkResponse`], with no allocation per item beside the
//! vector's (and a `String` for a `result` this client does not know), in about a third of the
//! instructions serde_json takes (about 500 an item against 1,600 on that shape, by callgrind).
//!
//! It takes only members `errors` and `items` at the top, one operation per item (whatever its
//! name) and members `status` and `result` in it, in any order and with any JSON whitespace;
//! integers with no sign, fraction or exponent; strings with no escape (a body that is not UTF-8
//! is not read at all); `true` and `false`. Anything else (an item's `error`, an unknown or repeated member, an escape,
//! any malformed text) ends the read with [`Unread`], and serde_json decodes the same bytes: it
//! gives the same result or names the fault. So this reader never decides whether a response is
//! valid, only whether it can take the fast way.

use crate::types::responses::{BulkItem, BulkResponse, BulkResult};

/// The response could not be read the fast way (see the module doc); serde_json decodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unread;

/// What a read gives: the value, or [`Unread`].
type Read<T> = Result<T, Unread>;

/// Decodes a `_bulk` response body: with [`read`] when it can, with serde_json otherwise.
pub(crate) fn decode(body: &[u8]) -> serde_json::Result<BulkResponse> {
    match read(body) {
        Ok(response) => Ok(response),
        Err(Unread) => serde_json::from_slice(body),
    }
}

/// Reads `body` when it has the common shape: what serde_json would decode from it, or
/// [`Unread`].
pub(crate) fn read(body: &[u8]) -> Read<BulkResponse> {
    // Checked once here, so strings are sliced out as they are found.
    let text = std::str::from_utf8(body).map_err(|_| Unread)?;
    let mut reader = Reader { text, at: 0 };
    let response = reader.response()?;
    match reader.peek() {
        None => Ok(response),
        Some(_) => Err(Unread),
    }
}

/// Puts `value` in `slot`, a member not seen yet ([`Unread`] when it was: serde refuses a member
/// given twice).
fn set_once<T>(slot: &mut Option<T>, value: T) -> Read<()> {
    match slot {
        Some(_) => Err(Unread),
        None => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// The members this reader takes, quoted as they are sent. Keys are matched by their bytes, so a
/// key written with an escape is not one of them: the response is left to serde.
const ERRORS: &[u8] = br#""errors""#;
/// See [`ERRORS`].
const ITEMS: &[u8] = br#""items""#;
/// See [`ERRORS`].
const STATUS: &[u8] = br#""status""#;
/// See [`ERRORS`].
const RESULT: &[u8] = br#""result""#;

/// Eight copies of byte 1, to look at a string eight bytes at a time.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// The high bit of each of eight bytes.
const HIGHS: u64 = ONES << 7;

/// How many bytes of `bytes` come before the first `"`, `\` or control character (all of
/// them when there is none). Strings are mostly found in one or two eight-byte steps.
fn plain_len(bytes: &[u8]) -> usize {
    let mut len = 0;
    while let Some(word) = bytes[len..].first_chunk::<8>() {
        let stops = stops(u64::from_le_bytes(*word));
        if stops != 0 {
            return len + (stops.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    let tail = &bytes[len..];
    len + tail
        .iter()
        .position(|&byte| byte == b'"' || byte == b'\\' || byte < b' ')
        .unwrap_or(tail.len())
}

/// The high bit of each byte of `word` that is a `"`, a `\` or below `0x20`, exact up to the
/// lowest one (a byte above it may be marked too, borrowing from it).
fn stops(word: u64) -> u64 {
    let below = |word: u64, limit: u8| word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGHS;
    below(word ^ (ONES * u64::from(b'"')), 1)
        | below(word ^ (ONES * u64::from(b'\\')), 1)
        | below(word, b' ')
}

/// A position in a response body, moved forward by each read.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    /// The whole response object.
    fn response(&mut self) -> Read<BulkResponse> {
        self.expect(b'{')?;
        let mut errors = None;
        let mut items = None;
        loop {
            if self.member(ERRORS)? {
                set_once(&mut errors, self.boolean()?)?;
            } else if self.member(ITEMS)? {
                set_once(&mut items, self.items()?)?;
            } else {
                return Err(Unread);
            }
            if !self.more(b'}')? {
                break;
            }
        }
        Ok(BulkResponse {
            errors: errors.unwrap_or(false),
            items: items.ok_or(Unread)?,
        })
    }

    /// `items`: an array of `{"<operation>": item}`.
    fn items(&mut self) -> Read<Vec<BulkItem>> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(items);
        }
        loop {
            self.expect(b'{')?;
            // The operation's name, whatever it is.
            self.string()?;
            self.expect(b':')?;
            items.push(self.item()?);
            self.expect(b'}')?;
            if !self.more(b']')? {
                return Ok(items);
            }
        }
    }

    /// One operation's result: `status` and maybe `result`.
    fn item(&mut self) -> Read<BulkItem> {
        self.expect(b'{')?;
        let mut status = None;
        let mut result = None;
        loop {
            if self.member(RESULT)? {
                set_once(&mut result, self.result()?)?;
            } else if self.member(STATUS)? {
                set_once(&mut status, self.status()?)?;
            } else {
                return Err(Unread);
            }
            if !self.more(b'}')? {
                break;
            }
        }
        Ok(BulkItem {
            status: status.ok_or(Unread)?,
            result,
            error: None,
        })
    }

    /// Steps over `key` (quoted, as [`STATUS`]) and the colon after it if the key comes next:
    /// whether it did.
    fn member(&mut self, key: &[u8]) -> Read<bool> {
        self.skip_whitespace();
        if !self.text.as_bytes()[self.at..].starts_with(key) {
            return Ok(false);
        }
        self.at += key.len();
        self.expect(b':')?;
        Ok(true)
    }

    /// A string with no escape, without its quotes.
    // Inlined into its two calls an item, it saves their register spills: about an eighth of
    // the instructions of a read.
    #[inline(always)]
    fn string(&mut self) -> Read<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let end = start + plain_len(&self.text.as_bytes()[start..]);
        // Only a quote ends it here: an escape or a control character is left to serde.
        if self.text.as_bytes().get(end) != Some(&b'"') {
            return Err(Unread);
        }
        self.at = end + 1;
        self.text.get(start..end).ok_or(Unread)
    }

    /// A `result` value.
    fn result(&mut self) -> Read<BulkResult> {
        Ok(BulkResult::from_str(self.string()?))
    }

    /// A `status` value: a plain integer that fits a `u16`.
    fn status(&mut self) -> Read<u16> {
        self.skip_whitespace();
        let rest = &self.text.as_bytes()[self.at..];
        let digits = rest.iter().take_while(|byte| byte.is_ascii_digit()).count();
        // JSON has no leading zeros (`0` stands alone); six digits are more than a `u16` holds.
        if digits == 0 || digits > 5 || (digits > 1 && rest[0] == b'0') {
            return Err(Unread);
        }
        let value = rest[..digits]
            .iter()
            .fold(0u32, |value, byte| value * 10 + u32::from(byte - b'0'));
        self.at += digits;
        u16::try_from(value).map_err(|_| Unread)
    }

    /// `true` or `false`.
    fn boolean(&mut self) -> Read<bool> {
        self.skip_whitespace();
        let rest = &self.text.as_bytes()[self.at..];
        let (value, len) = if rest.starts_with(b"true") {
            (true, 4)
        } else if rest.starts_with(b"false") {
            (false, 5)
        } else {
            return Err(Unread);
        };
        self.at += len;
        Ok(value)
    }

    /// After a member or element: `true` on a comma (another follows), `false` on `close`.
    fn more(&mut self, close: u8) -> Read<bool> {
        if self.eat(b',') {
            Ok(true)
        } else if self.eat(close) {
            Ok(false)
        } else {
            Err(Unread)
        }
    }

    /// Steps over `byte`, the next byte after whitespace.
    fn expect(&mut self, byte: u8) -> Read<()> {
        if self.eat(byte) { Ok(()) } else { Err(Unread) }
    }

    /// Steps over `byte` if it is the next byte after whitespace.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    /// The next byte after whitespace, if any.
    fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.text.as_bytes().get(self.at).copied()
    }

    /// Steps over JSON whitespace.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.as_bytes().get(self.at) {
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_json alone makes of `body`, as text: the value's `Debug` or the error.
    fn by_serde(body: &str) -> String {
        match serde_json::from_slice::<BulkResponse>(body.as_bytes()) {
            Ok(response) => format!("{response:?}"),
            Err(err) => format!("error: {err}"),
        }
    }

    /// What [`decode`] makes of `body`, in the same form as [`by_serde`].
    fn by_decode(body: &str) -> String {
        match decode(body.as_bytes()) {
            Ok(response) => format!("{response:?}"),
            Err(err) => format!("error: {err}"),
        }
    }

    #[test]
    fn the_common_shape_is_read_as_serde_reads_it() {
        let bodies = [
            r#"{"errors":false,"items":[{"index":{"result":"created","status":201}},{"index":{"result":"updated","status":200}},{"delete":{"result":"deleted","status":200}}]}"#,
            " {\n  \"errors\" : true ,\r\n \"items\" :\t[ { \"create\" : { \"status\" : 409 } } ,\n\
             { \"update\" :{\"status\":200 ,\"result\": \"noop\" } } ] } \n",
            r#"{"items":[{"delete":{"status":404,"result":"not_found"}}],"errors":false}"#,
            r#"{"items":[{"index":{"status":201,"result":"created"}}]}"#,
            r#"{"errors":true,"items":[{"update":{"result":"something_new","status":200}}]}"#,
            r#"{"errors":false,"items":[]}"#,
            r#"{"items":[ ]}"#,
            r#"{"items":[{"index":{"status":0}},{"index":{"status":65535}}]}"#,
            r#"{"items":[{"x y-z":{"status":200}}]}"#,
            r#"{"items":[{"index":{"status":201,"result":"créé"}}]}"#,
            r#"{"items":[{"index":{"status":201,"result":"a_result_of_twenty_four"}}]}"#,
            r#"{"items":[{"index":{"status":201,"result":""}}]}"#,
        ];
        for body in bodies {
            let fast = read(body.as_bytes()).unwrap_or_else(|_| panic!("{body} is read"));
            assert_eq!(format!("{fast:?}"), by_serde(body), "{body}");
        }
    }

    #[test]
    fn a_typical_response_gives_its_items_in_order() {
        let body = br#"{"errors":true,"items":[{"index":{"result":"created","status":201}},{"delete":{"status":404,"result":"not_found"}},{"update":{"result":"other","status":200}},{"index":{"status":429}}]}"#;
        let response = read(body).expect("read");
        assert!(response.errors);
        let item = |status, result| BulkItem {
            status,
            result,
            error: None,
        };
        assert_eq!(
            response.items,
            [
                item(201, Some(BulkResult::Created)),
                item(404, Some(BulkResult::NotFound)),
                item(200, Some(BulkResult::Other("other".into()))),
                item(429, None),
            ]
        );
    }

    #[test]
    fn other_shapes_are_left_to_serde_which_decides() {
        let bodies = [
            // Decoded by serde.
            r#"{"errors":true,"items":[{"index":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"busy"}}}]}"#,
            r#"{"items":[{"index":{"result":"creat\u0065d","status":201}}]}"#,
            r#"{"took":3,"items":[{"index":{"status":201}}]}"#,
            r#"{"items":[{"index":{"status":201,"_id":"a"}}]}"#,
            r#"{"items":[{"index":{"status":201,"result":null}}]}"#,
            // Refused by serde.
            r#"{"items":[{"index":{"status":201.0}}]}"#,
            r#"{"items":[{"index":{"status":2e2}}]}"#,
            r#"{"items":[{"index":{"status":-1}}]}"#,
            r#"{"items":[{"index":{"status":0201}}]}"#,
            r#"{"items":[{"index":{"status":65536}}]}"#,
            r#"{"items":[{"index":{"status":4294967496}}]}"#,
            r#"{"items":[{"index":{"status":"201"}}]}"#,
            r#"{"items":[{"index":{"status":201}}]} x"#,
            r#"{"items":[{"index":{"status":201}}]}}"#,
            r#"{"items":[{"index":{"status":201}}"#,
            r#"{"items":[{"index":{"status":2"#,
            r#"{"items":[{"index":{"result":"crea"#,
            "",
            r#"{"items":[{}]}"#,
            r#"{"items":[{"index":{"status":201},"delete":{"status":200}}]}"#,
            r#"{"items":[{"index":{}}]}"#,
            r#"{"items":[{"index":{"result":"created"}}]}"#,
            r#"{"errors":false}"#,
            r#"{}"#,
            r#"{"errors":null,"items":[]}"#,
            r#"{"errors":fals,"items":[]}"#,
            r#"{"errors":false,"errors":true,"items":[]}"#,
            r#"{"items":[{"index":{"status":201,"status":200}}]}"#,
            r#"{"items":[{"index":{"status":201}},]}"#,
            r#"{"items":[{"index":{"status":201},}]}"#,
            r#"{"items":[{"index":{"status":201}}],}"#,
            "{\"items\":[{\"index\":{\"status\":201,\"result\":\"a\tb\"}}]}",
            "{\"items\":[{\"index\":{\"status\":201,\"result\":\"ab\n\"}}]}",
            "{\"items\":[{\"index\":{\"status\":201,\"result\":\"abcdefghijklmn\u{1f}\"}}]}",
            r#"{"items":[{"index":{"status":201,"result":"abcdefghijklmnop\"q"}}]}"#,
            r#"[]"#,
        ];
        for body in bodies {
            assert_eq!(
                read(body.as_bytes()).err(),
                Some(Unread),
                "{body} is not read"
            );
            assert_eq!(by_decode(body), by_serde(body), "{body}");
        }
        // The first few are valid: serde decodes them, through `decode` as well.
        let with_error = decode(bodies[0].as_bytes()).expect("decodes");
        let cause = with_error.items[0].error.as_ref().expect("an error");
        assert_eq!(cause.error_type, "es_rejected_execution_exception");
        let escaped = decode(bodies[1].as_bytes()).expect("decodes");
        assert_eq!(escaped.items[0].result, Some(BulkResult::Created));
    }

    #[test]
    fn a_body_that_is_not_utf8_is_left_to_serde() {
        let body = b"{\"items\":[{\"index\":{\"status\":201,\"result\":\"\xff\"}}]}";
        assert_eq!(read(body).err(), Some(Unread));
        let fast = decode(body).map(|_| ()).map_err(|err| err.to_string());
        let serde = serde_json::from_slice::<BulkResponse>(body)
            .map(|_| ())
            .map_err(|err| err.to_string());
        assert!(serde.is_err());
        assert_eq!(fast, serde);
    }
}
