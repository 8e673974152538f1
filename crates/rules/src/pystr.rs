//! Python's `str()` of a JSON value, because the reference stringifies document values with it
//! before `starts_with`, `ends_with`, `contains` and `regex` (connector-protocol.md §5.2.7).
//!
//! * strings are themselves;
//! * `null` is `None`, booleans are `True` / `False`;
//! * integers print as integers, floats as Python's `repr` (`1.0`, `1e+16`, `1.5e-05`);
//! * lists and objects print as Python's `repr` of a list / dict (`['a', 'b']`,
//!   `{'k': 1}`), with strings quoted the way Python quotes them.

use serde_json::{Number, Value};

/// Python `str()` of `value`.
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => {
            let mut out = String::new();
            py_repr(other, &mut out);
            out
        }
    }
}

/// Python `repr()` of `value`, appended to `out`.
fn py_repr(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(number) => out.push_str(&py_number(number)),
        Value::String(text) => py_repr_str(text, out),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                py_repr(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                py_repr_str(key, out);
                out.push_str(": ");
                py_repr(item, out);
            }
            out.push('}');
        }
    }
}

/// Python's rendering of a JSON number: integers as such, floats as `repr(float)`.
fn py_number(number: &Number) -> String {
    if number.is_i64() || number.is_u64() {
        return number.to_string();
    }
    number
        .as_f64()
        .map(py_float)
        .unwrap_or_else(|| number.to_string())
}

/// Python's `repr(float)`: shortest round-trip digits, positional for exponents in `-4..16`,
/// otherwise scientific with a signed, at least two-digit exponent.
pub fn py_float(value: f64) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..16).contains(&exponent) {
        let plain = format!("{value}");
        if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        }
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    }
}

/// Python's `repr(str)`: single quotes unless the text holds a `'` and no `"`.
fn py_repr_str(text: &str, out: &mut String) {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_values_like_python_str() {
        let cases = [
            (json!("plain"), "plain"),
            (json!(null), "None"),
            (json!(true), "True"),
            (json!(false), "False"),
            (json!(42), "42"),
            (json!(-7), "-7"),
            (json!(1.0), "1.0"),
            (json!(2.5), "2.5"),
            (json!(1e16), "1e+16"),
            (json!(1.5e-5), "1.5e-05"),
            (json!(0.0001), "0.0001"),
            (json!(["bug", "ui"]), "['bug', 'ui']"),
            (json!(["it's"]), "[\"it's\"]"),
            (json!([1, null, true]), "[1, None, True]"),
            (json!({"k": "v"}), "{'k': 'v'}"),
            (json!(["a\nb"]), "['a\\nb']"),
        ];
        for (value, expected) in cases {
            assert_eq!(py_str(&value), expected, "str({value})");
        }
    }
}
