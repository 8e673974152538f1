//! Dates as ES reads them: ISO-8601 strings, epoch milliseconds, and date math (`now-300s`).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

/// Parses an ISO date/time the way `strict_date_optional_time` does, to epoch milliseconds.
pub fn parse_date(s: &str) -> Option<i64> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(n.and_utc().timestamp_millis());
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc().timestamp_millis())
}

/// A JSON value read as a date (ISO string or epoch millis number).
pub fn value_as_date(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => parse_date(s),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// Evaluates date math: `now`, `now-300s`, `now+1d/d`, or `<date>||-1h`, to epoch milliseconds.
pub fn eval(expr: &str, now: DateTime<Utc>) -> Option<i64> {
    let (anchor, math) = if let Some(rest) = expr.strip_prefix("now") {
        (now.timestamp_millis(), rest)
    } else if let Some((date, rest)) = expr.split_once("||") {
        (parse_date(date)?, rest)
    } else {
        return parse_date(expr);
    };
    let mut t = anchor;
    let bytes = math.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let op = bytes[i];
        i += 1;
        match op {
            b'+' | b'-' => {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let n: i64 = if start == i {
                    1
                } else {
                    math[start..i].parse().ok()?
                };
                let unit = *bytes.get(i)?;
                i += 1;
                let ms = unit_millis(unit)? * n;
                t = if op == b'+' { t + ms } else { t - ms };
            }
            b'/' => {
                let unit = *bytes.get(i)?;
                i += 1;
                let size = unit_millis(unit)?;
                t = t.div_euclid(size) * size;
            }
            _ => return None,
        }
    }
    Some(t)
}

fn unit_millis(unit: u8) -> Option<i64> {
    let d = match unit {
        b's' => Duration::seconds(1),
        b'm' => Duration::minutes(1),
        b'h' | b'H' => Duration::hours(1),
        b'd' => Duration::days(1),
        b'w' => Duration::weeks(1),
        b'M' => Duration::days(30),
        b'y' => Duration::days(365),
        _ => return None,
    };
    Some(d.num_milliseconds())
}

/// Parses an ES time value (`5m`, `30s`, `1h`, `500ms`, `1d`) into a duration.
pub fn parse_time_value(s: &str) -> Option<std::time::Duration> {
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let secs = match unit {
        "ms" => return Some(std::time::Duration::from_millis(n)),
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_minus_seconds_and_rounding() {
        let now = DateTime::parse_from_rfc3339("2026-01-02T10:30:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap();
        assert_eq!(
            eval("now-300s", now),
            Some(now.timestamp_millis() - 300_000)
        );
        assert_eq!(eval("now/d", now), parse_date("2026-01-02"));
        assert_eq!(eval("2026-01-02||+1d", now), parse_date("2026-01-03"));
    }

    #[test]
    fn parses_python_and_es_timestamps() {
        let a = parse_date("2026-08-20T15:22:52.123456+00:00");
        let b = parse_date("2026-08-20T15:22:52.123Z");
        assert_eq!(a, b);
        assert!(parse_date("not a date").is_none());
        assert_eq!(
            parse_time_value("5m"),
            Some(std::time::Duration::from_secs(300))
        );
    }
}
