//! [`Widget`]: a work item's widget, decoded without buffering.
//!
//! A widget is an inline-fragment union told apart by `__typename`. cynic's own decoder buffers
//! every member it meets before `__typename` and copies the type name into a new `String`: two
//! allocations per widget, four to six widgets per work item, on every work-item page. GitLab
//! answers members in the order the query selects them, and the query selects `__typename`
//! first, so here the type name is read in place and the widget decoded straight from the rest
//! of its object. An object whose `__typename` comes later is read whole and handed to cynic's
//! decoder, so the result never depends on the order.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use cynic::queries::SelectionBuilder;
use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::connection::Name;

/// One widget of a work item (`W`, an inline-fragment union), decoded without buffering; the
/// query is `W`'s.
#[derive(Debug, Clone)]
pub struct Widget<W>(W);

impl<W> Widget<W> {
    /// A widget decoded some other way (by a [`crate::json_reader::Reader`]).
    pub(crate) fn new(widget: W) -> Self {
        Widget(widget)
    }

    /// The decoded widget.
    pub fn into_inner(self) -> W {
        self.0
    }
}

impl<W> Deref for Widget<W> {
    type Target = W;

    fn deref(&self) -> &W {
        &self.0
    }
}

impl<W: cynic::QueryFragment> cynic::QueryFragment for Widget<W> {
    type SchemaType = W::SchemaType;
    type VariablesFields = W::VariablesFields;
    const TYPE: Option<&'static str> = W::TYPE;

    fn query(builder: SelectionBuilder<'_, Self::SchemaType, Self::VariablesFields>) {
        W::query(builder)
    }
}

impl<'de, W: cynic::InlineFragments<'de>> Deserialize<'de> for Widget<W> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_map(WidgetVisitor(PhantomData))
            .map(Widget)
    }
}

struct WidgetVisitor<W>(PhantomData<fn() -> W>);

impl<'de, W: cynic::InlineFragments<'de>> Visitor<'de> for WidgetVisitor<W> {
    type Value = W;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a widget object with `__typename`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<W, A::Error> {
        let Some(first) = map.next_key::<Name<'de>>()? else {
            return Err(de::Error::missing_field("__typename"));
        };
        if first.as_str() == "__typename" {
            let typename: Name<'de> = map.next_value()?;
            return W::deserialize_variant(typename.as_str(), MapAccessDeserializer::new(map));
        }
        // Out of order: read the object whole and let cynic find the type name.
        let mut object = serde_json::Map::new();
        object.insert(first.as_str().to_owned(), map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
            object.insert(key, value);
        }
        W::deserialize(serde_json::Value::Object(object)).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::work_item::IssueWidget;

    fn decode(json: &str) -> Result<Vec<IssueWidget>, serde_json::Error> {
        let widgets: Vec<Widget<IssueWidget>> = serde_json::from_str(json)?;
        Ok(widgets.into_iter().map(Widget::into_inner).collect())
    }

    #[test]
    fn widgets_decode_with_the_type_name_first_or_later() {
        let widgets = decode(
            r#"[{"__typename": "WorkItemWidgetDescription", "description": "in \"order\""},
                {"description": "type name last", "__typename": "WorkItemWidgetDescription"},
                {"__typename": "WorkItemWidgetLabels", "labels": {"pageInfo": {"hasNextPage": false,
                 "endCursor": null}, "nodes": [{"title": "bug"}]}}]"#,
        )
        .expect("widgets decode");
        let descriptions: Vec<Option<String>> = widgets
            .iter()
            .filter_map(|w| match w {
                IssueWidget::WorkItemWidgetDescription(d) => {
                    Some(d.description.as_ref().map(|d| d.text().into_owned()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            descriptions,
            [
                Some("in \"order\"".to_owned()),
                Some("type name last".to_owned())
            ]
        );
        assert!(matches!(&widgets[2], IssueWidget::WorkItemWidgetLabels(l)
            if l.labels.as_ref().and_then(|c| c.nodes.as_ref()).map(Vec::len) == Some(1)));
    }

    #[test]
    fn an_unknown_widget_type_is_skipped_whole() {
        let widgets = decode(
            r#"[{"__typename": "WorkItemWidgetFromTheFuture", "x": {"y": [1, 2]}, "z": "w"},
                {"__typename": "WorkItemWidgetDescription", "description": null}]"#,
        )
        .expect("widgets decode");
        assert!(matches!(widgets[0], IssueWidget::Other));
        assert!(matches!(
            &widgets[1],
            IssueWidget::WorkItemWidgetDescription(d) if d.description.is_none()
        ));
    }

    #[test]
    fn a_widget_without_type_name_is_refused() {
        assert!(decode(r#"[{}]"#).is_err());
        assert!(decode(r#"[{"description": "x"}]"#).is_err());
    }
}
