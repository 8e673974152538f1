//! Quartz cron (`sec min hour dom month dow [year]`) evaluated the way the connector service
//! schedules (spec §3.7): seconds ignored (one-minute resolution), UTC, Quartz day-of-week
//! numbering (1 = SUN), `?` as `*`, optional year; no catch-up of missed occurrences.

use chrono::{DateTime, SubsecRound, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

/// A cron expression that cannot be used, with the text shown in Kibana.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cron expression `{expression}`: {reason}")]
pub struct CronProblem {
    /// The expression as stored.
    pub expression: String,
    /// Why it was refused.
    pub reason: String,
}

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct QuartzSchedule {
    cron: Cron,
}

impl QuartzSchedule {
    /// Parses a Quartz expression of 6 or 7 fields; the seconds field is replaced by `0`.
    pub fn parse(expression: &str) -> Result<Self, CronProblem> {
        let problem = |reason: String| CronProblem {
            expression: expression.to_owned(),
            reason,
        };
        let fields: Vec<&str> = expression.split_whitespace().collect();
        if !(6..=7).contains(&fields.len()) {
            return Err(problem(format!(
                "expected 6 or 7 fields (sec min hour day-of-month month day-of-week [year]), got {}",
                fields.len()
            )));
        }
        let mut minute_resolution = vec!["0"];
        minute_resolution.extend_from_slice(&fields[1..]);
        let parser = CronParser::builder()
            .seconds(Seconds::Required)
            .year(Year::Optional)
            .alternative_weekdays(true)
            .build();
        let cron = parser
            .parse(&minute_resolution.join(" "))
            .map_err(|error| problem(error.to_string()))?;
        Ok(QuartzSchedule { cron })
    }

    /// The first occurrence strictly after `after` (sub-seconds ignored, so occurrences are
    /// whole minutes).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let after = after.trunc_subsecs(0);
        self.cron.find_next_occurrence(&after, false).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, h, m, s)
            .single()
            .expect("time")
    }

    #[test]
    fn seconds_are_ignored_so_schedules_have_minute_resolution() {
        let every_minute = QuartzSchedule::parse("1 * * * * ?").expect("valid");
        assert_eq!(every_minute.next_after(at(10, 0, 30)), Some(at(10, 1, 0)));
        let five = QuartzSchedule::parse("0/5 * * * * ?").expect("valid");
        assert_eq!(five.next_after(at(10, 0, 0)), Some(at(10, 1, 0)));
    }

    #[test]
    fn sub_second_start_times_still_find_the_next_minute() {
        let every_minute = QuartzSchedule::parse("0 * * * * ?").expect("valid");
        let late = at(10, 0, 59) + chrono::Duration::milliseconds(900);
        assert_eq!(every_minute.next_after(late), Some(at(10, 1, 0)));
        let early = at(10, 0, 0) + chrono::Duration::milliseconds(100);
        assert_eq!(every_minute.next_after(early), Some(at(10, 1, 0)));
    }

    #[test]
    fn default_kibana_schedule_is_daily_at_midnight() {
        let daily = QuartzSchedule::parse("0 0 0 * * ?").expect("valid");
        assert_eq!(
            daily.next_after(at(10, 0, 0)),
            Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).single()
        );
    }

    #[test]
    fn quartz_day_of_week_numbers_start_at_sunday() {
        // 2026-11-25 is a Wednesday; Quartz 1 = Sunday → 2026-11-29.
        let sundays = QuartzSchedule::parse("0 0 12 ? * 1").expect("valid");
        assert_eq!(
            sundays.next_after(at(10, 0, 0)),
            Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).single()
        );
    }

    #[test]
    fn malformed_expressions_are_refused_with_the_expression() {
        let problem = QuartzSchedule::parse("every hour").expect_err("invalid");
        assert!(problem.to_string().contains("every hour"));
        assert!(QuartzSchedule::parse("0 0 99 * * ?").is_err());
    }
}
