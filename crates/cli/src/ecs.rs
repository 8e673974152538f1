//! ECS-shaped JSON log lines (`@timestamp`, `log.level`, `message`, `log.logger`, `ecs.version`,
//! plus the fields of the event and of its spans), one per line, for Filebeat.

use std::fmt;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// The ECS version the lines follow.
const ECS_VERSION: &str = "8.11.0";

/// Formats each event as one ECS JSON object. Span fields come from [`JsonFields`], the field
/// formatter to install with it.
pub struct EcsFormat;

impl<S> FormatEvent<S, JsonFields> for EcsFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let metadata = event.metadata();
        let mut line = Map::new();
        line.insert("@timestamp".into(), Value::String(now_rfc3339()));
        line.insert(
            "log.level".into(),
            Value::String(metadata.level().as_str().to_lowercase()),
        );
        line.insert(
            "log.logger".into(),
            Value::String(metadata.target().to_owned()),
        );
        line.insert("ecs.version".into(), Value::String(ECS_VERSION.to_owned()));
        line.insert("service.type".into(), Value::String("gitlab".to_owned()));
        let mut fields = FieldCollector(span_fields(ctx));
        event.record(&mut fields);
        let mut fields = fields.0;
        let message = fields
            .remove("message")
            .unwrap_or(Value::String(String::new()));
        line.insert("message".into(), message);
        if !fields.is_empty() {
            line.insert("labels".into(), Value::Object(fields));
        }
        let text = serde_json::to_string(&line).map_err(|_| fmt::Error)?;
        writeln!(writer, "{text}")
    }
}

/// The fields of the event's spans, outermost first, so an inner span's field wins.
fn span_fields<S>(ctx: &FmtContext<'_, S, JsonFields>) -> Map<String, Value>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let mut fields = Map::new();
    for span in ctx
        .event_scope()
        .into_iter()
        .flat_map(|scope| scope.from_root())
    {
        let extensions = span.extensions();
        let recorded = extensions
            .get::<FormattedFields<JsonFields>>()
            .and_then(|f| serde_json::from_str::<Map<String, Value>>(&f.fields).ok());
        fields.extend(recorded.unwrap_or_default());
    }
    fields
}

struct FieldCollector(Map<String, Value>);

impl Visit for FieldCollector {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0
            .insert(field.name().to_owned(), Value::String(value.to_owned()));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_owned(), Value::from(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().to_owned(), Value::String(format!("{value:?}")));
    }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
