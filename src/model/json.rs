//! The model's JSON shape (documented in `specs/model.schema.json`): written by `kpi import
//! --format json`, read back by every command that takes targets, and reused for indicators in
//! the evaluator's reports. Decimals are strings (`"0.1"`), never floats.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use rust_decimal::Decimal;

use super::decimal::DecimalText;
use super::{Category, Deadline, Department, Indicator, Provenance, Target};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelDoc {
    pub department: DepartmentDoc,
    pub units: Vec<UnitDoc>,
    pub projects: Vec<ProjectDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartmentDoc {
    pub name: String,
    pub year: Option<i32>,
    /// Lint codes silenced for the whole department.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitDoc {
    pub code: String,
    pub name: String,
    pub goal: Option<String>,
    #[serde(default)]
    pub budget_lines: Vec<BudgetLineDoc>,
    pub indicators: Vec<IndicatorDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub empty_categories: Vec<CategoryDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetLineDoc {
    pub name: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectDoc {
    pub id: String,
    pub name: String,
    /// The implementing unit's code.
    pub unit: String,
    /// 万元.
    pub budget: Option<String>,
    pub goal: Option<String>,
    pub indicators: Vec<IndicatorDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub empty_categories: Vec<CategoryDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryDoc {
    pub level1: String,
    pub level2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceDoc>,
}

/// Where an element came from: its line, and the raw text of that line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceDoc {
    pub line: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

/// One indicator: its names, its typed target, and the target as canonical text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDoc {
    pub id: String,
    pub level1: String,
    pub level2: String,
    pub name: String,
    /// `compare`, `range`, `qualitative` or `not_applicable`.
    pub kind: String,
    /// `>=`, `>`, `<=`, `<`, `=`; null unless `kind` is `compare`.
    pub operator: Option<String>,
    /// The value (the lower bound of a range; the text of a qualitative target).
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<String>,
    /// 度量单位 as written.
    pub measure: Option<String>,
    /// The target as one canonical cell: `>= 100 %`.
    pub target: String,
    pub deadline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceDoc>,
}

/// A JSON string as read: borrowed from the document unless it has an escape. Read and
/// rejected as a `String` is (`expected a string`), without a copy and a free for each of the
/// dozen fields of a million indicators, most of them turned into something else at once.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Text<'a>(pub Cow<'a, str>);

impl std::fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Text<'_>> for String {
    fn from(text: Text<'_>) -> String {
        text.0.into_owned()
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_string(Visit)
    }
}

/// The documents as read, their strings borrowed from the text. Named as the documents, which
/// serde's errors name (`expected struct IndicatorDoc`).
pub mod read {
    use serde::Deserialize;

    use super::{BudgetLineDoc, CategoryDoc, SourceDoc, Text};

    /// [`super::IndicatorDoc`] as read: the same keys, read the same way and refused with the same
    /// errors.
    #[derive(Debug, Deserialize)]
    pub struct IndicatorDoc<'a> {
        #[serde(borrow)]
        pub id: Text<'a>,
        #[serde(borrow)]
        pub level1: Text<'a>,
        #[serde(borrow)]
        pub level2: Text<'a>,
        #[serde(borrow)]
        pub name: Text<'a>,
        #[serde(borrow)]
        pub kind: Text<'a>,
        #[serde(borrow)]
        pub operator: Option<Text<'a>>,
        #[serde(borrow)]
        pub value: Option<Text<'a>>,
        #[serde(borrow, default)]
        pub high: Option<Text<'a>>,
        #[serde(borrow)]
        pub measure: Option<Text<'a>>,
        /// Read for its shape only: the target is `kind`, `operator`, `value` … again.
        #[serde(borrow)]
        pub target: Text<'a>,
        #[serde(borrow)]
        pub deadline: Option<Text<'a>>,
        #[serde(borrow, default)]
        pub weight: Option<Text<'a>>,
        #[serde(borrow, default)]
        pub direction: Option<Text<'a>>,
        #[serde(default)]
        pub allow: Vec<String>,
        #[serde(default)]
        pub source: Option<SourceDoc>,
    }

    /// [`super::UnitDoc`] as read, its indicators borrowed.
    #[derive(Debug, Deserialize)]
    pub struct UnitDoc<'a> {
        pub code: String,
        pub name: String,
        pub goal: Option<String>,
        #[serde(default)]
        pub budget_lines: Vec<BudgetLineDoc>,
        #[serde(borrow)]
        pub indicators: Vec<IndicatorDoc<'a>>,
        #[serde(default)]
        pub empty_categories: Vec<CategoryDoc>,
        #[serde(default)]
        pub allow: Vec<String>,
        #[serde(default)]
        pub source: Option<SourceDoc>,
    }

    /// [`super::ProjectDoc`] as read, its indicators borrowed.
    #[derive(Debug, Deserialize)]
    pub struct ProjectDoc<'a> {
        pub id: String,
        pub name: String,
        pub unit: String,
        #[serde(borrow)]
        pub budget: Option<Text<'a>>,
        pub goal: Option<String>,
        #[serde(borrow)]
        pub indicators: Vec<IndicatorDoc<'a>>,
        #[serde(default)]
        pub empty_categories: Vec<CategoryDoc>,
        #[serde(default)]
        pub allow: Vec<String>,
        #[serde(default)]
        pub source: Option<SourceDoc>,
    }
}

/// [`IndicatorDoc`] borrowed from the model, for writing only: the same keys in the same order,
/// without a string built per field (a province's report writes a million of them).
#[derive(Serialize)]
pub struct IndicatorView<'a> {
    pub(crate) id: &'a str,
    pub(crate) level1: &'a str,
    pub(crate) level2: &'a str,
    pub(crate) name: &'a str,
    pub(crate) kind: &'static str,
    pub(crate) operator: Option<&'static str>,
    pub(crate) value: Option<TargetValue<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) high: Option<DecimalString>,
    pub(crate) measure: Option<&'a str>,
    pub(crate) target: Shown<&'a Target>,
    pub(crate) deadline: Option<Shown<Deadline>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) weight: Option<DecimalString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) direction: Option<&'static str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub(crate) allow: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) source: Option<LineDoc>,
}

impl<'a> IndicatorView<'a> {
    /// The view of `indicator` without its 分值 (`weight`).
    pub fn without_weight(indicator: &'a Indicator) -> IndicatorView<'a> {
        IndicatorView {
            weight: None,
            ..IndicatorView::new(indicator)
        }
    }

    /// What [`IndicatorDoc::new`] writes for `indicator` without source text.
    pub fn new(indicator: &'a Indicator) -> IndicatorView<'a> {
        let (kind, operator, value, high, measure) = match &indicator.target {
            Target::Compare { op, value, measure } => (
                "compare",
                Some(op.ascii()),
                Some(TargetValue::Number(*value)),
                None,
                measure.as_ref(),
            ),
            Target::Range { low, high, measure } => (
                "range",
                None,
                Some(TargetValue::Number(*low)),
                Some(DecimalString(*high)),
                measure.as_ref(),
            ),
            Target::Qualitative(text) => (
                "qualitative",
                None,
                Some(TargetValue::Text(text)),
                None,
                None,
            ),
            Target::NotApplicable => ("not_applicable", None, None, None, None),
        };
        IndicatorView {
            id: &indicator.id,
            level1: &indicator.level1,
            level2: &indicator.level2,
            name: &indicator.name,
            kind,
            operator,
            value,
            high,
            measure: measure.map(|m| m.symbol()),
            target: Shown(&indicator.target),
            deadline: indicator.deadline.map(Shown),
            weight: indicator.weight.map(DecimalString),
            direction: indicator.direction.map(|d| d.keyword()),
            allow: &indicator.allow,
            source: indicator.source.map(|p| LineDoc { line: p.line }),
        }
    }
}

/// A target's value: a number, or the text of a qualitative target.
pub(crate) enum TargetValue<'a> {
    Number(Decimal),
    Text(&'a str),
}

impl std::fmt::Display for TargetValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetValue::Number(value) => value.fmt(f),
            TargetValue::Text(text) => f.write_str(text),
        }
    }
}

impl Serialize for TargetValue<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            TargetValue::Number(value) => DecimalString(*value).serialize(serializer),
            TargetValue::Text(text) => serializer.serialize_str(text),
        }
    }
}

/// A value written as a JSON string through its `Display`, with no `String` in between.
pub struct Shown<T>(pub T);

/// A decimal written as a JSON string in its `Display` text (`"90000"`, `"0.5"`).
#[derive(Debug, Clone, Copy)]
pub struct DecimalString(pub Decimal);

impl Serialize for DecimalString {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(DecimalText::new(self.0).as_str())
    }
}

impl<T: std::fmt::Display> Serialize for Shown<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// [`SourceDoc`] without its raw text.
#[derive(Serialize)]
pub(crate) struct LineDoc {
    pub(crate) line: u32,
}

fn source_doc(source: Option<Provenance>, text: Option<&str>) -> Option<SourceDoc> {
    source.map(|p| SourceDoc {
        line: p.line,
        raw: text.and_then(|t| p.raw(t)).map(str::to_owned),
    })
}

impl IndicatorDoc {
    /// The JSON of `indicator`; `text` is the source it was read from, for its raw line.
    pub fn new(indicator: &Indicator, text: Option<&str>) -> IndicatorDoc {
        let view = IndicatorView::new(indicator);
        IndicatorDoc {
            id: view.id.to_owned(),
            level1: view.level1.to_owned(),
            level2: view.level2.to_owned(),
            name: view.name.to_owned(),
            kind: view.kind.to_owned(),
            operator: view.operator.map(str::to_owned),
            value: view.value.map(|v| v.to_string()),
            high: view.high.map(|h| h.0.to_string()),
            measure: view.measure.map(str::to_owned),
            target: indicator.target.to_string(),
            deadline: indicator.deadline.map(|d| d.to_string()),
            weight: indicator.weight.map(|w| w.to_string()),
            direction: view.direction.map(str::to_owned),
            allow: view.allow.to_vec(),
            source: source_doc(indicator.source, text),
        }
    }
}

impl CategoryDoc {
    fn new(category: &Category, text: Option<&str>) -> CategoryDoc {
        CategoryDoc {
            level1: category.level1.clone(),
            level2: category.level2.clone(),
            source: source_doc(category.source, text),
        }
    }
}

impl ModelDoc {
    /// The JSON document of `department`; `text` is the source it was read from, if any.
    pub fn new(department: &Department, text: Option<&str>) -> ModelDoc {
        ModelDoc {
            department: DepartmentDoc {
                name: department.name.clone(),
                year: department.year,
                allow: department.allow.to_vec(),
            },
            units: department
                .units
                .iter()
                .map(|u| UnitDoc {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    goal: u.goal.clone(),
                    budget_lines: u
                        .budget_lines
                        .iter()
                        .map(|l| BudgetLineDoc {
                            name: l.name.clone(),
                            amount: l.amount.to_string(),
                        })
                        .collect(),
                    indicators: u
                        .indicators
                        .iter()
                        .map(|i| IndicatorDoc::new(i, text))
                        .collect(),
                    empty_categories: u
                        .empty_categories
                        .iter()
                        .map(|c| CategoryDoc::new(c, text))
                        .collect(),
                    allow: u.allow.to_vec(),
                    source: source_doc(u.source, None),
                })
                .collect(),
            projects: department
                .projects
                .iter()
                .map(|p| ProjectDoc {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    unit: p.unit.clone(),
                    budget: p.budget.map(|b| b.to_string()),
                    goal: p.goal.clone(),
                    indicators: p
                        .indicators
                        .iter()
                        .map(|i| IndicatorDoc::new(i, text))
                        .collect(),
                    empty_categories: p
                        .empty_categories
                        .iter()
                        .map(|c| CategoryDoc::new(c, text))
                        .collect(),
                    allow: p.allow.to_vec(),
                    source: source_doc(p.source, None),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Measure, Operator};

    proptest::proptest! {
        /// A string reads as `Text` what it reads as a `String`, borrowed unless escaped.
        #[test]
        fn text_reads_what_a_string_reads(text in "\\PC*|[\"\\\\\u{0}-\u{1f}a-z中]*") {
            let json = serde_json::to_string(&text).expect("writes");
            let read: Text<'_> = serde_json::from_str(&json).expect("reads");
            proptest::prop_assert_eq!(&*read, text.as_str());
            let escaped = json.len() != text.len() + 2;
            proptest::prop_assert_eq!(matches!(read.0, Cow::Owned(_)), escaped);
        }
    }

    /// An indicator read borrowed is the indicator read as its document, field for field, and
    /// one that cannot be read is refused with the same error.
    #[test]
    fn an_indicator_reads_as_its_document_reads() {
        let read = |json: &str| {
            let doc = serde_json::from_str::<IndicatorDoc>(json).map(|d| format!("{d:?}"));
            let borrowed = serde_json::from_str::<read::IndicatorDoc<'_>>(json).map(|i| {
                format!(
                    "IndicatorDoc {{ id: {:?}, level1: {:?}, level2: {:?}, name: {:?}, kind: \
                     {:?}, operator: {:?}, value: {:?}, high: {:?}, measure: {:?}, target: \
                     {:?}, deadline: {:?}, weight: {:?}, direction: {:?}, allow: {:?}, source: \
                     {:?} }}",
                    i.id,
                    i.level1,
                    i.level2,
                    i.name,
                    i.kind,
                    i.operator,
                    i.value,
                    i.high,
                    i.measure,
                    i.target,
                    i.deadline,
                    i.weight,
                    i.direction,
                    i.allow,
                    i.source
                )
            });
            (
                doc.map_err(|e| e.to_string()),
                borrowed.map_err(|e| e.to_string()),
            )
        };
        let whole = r#"{"id":"a-1","level1":"产出指标","level2":"数量\u6307标","name":"n\"1\"","kind":"range","operator":null,"value":"1","high":"2","measure":"%","target":"1-2 %","deadline":"2024-12","weight":"5","direction":"lower","allow":["x"],"source":{"line":3,"raw":"r"}}"#;
        let least = r#"{"id":"a","level1":"l1","level2":"l2","name":"n","kind":"not_applicable","target":"—"}"#;
        let cases = [
            whole.to_owned(),
            least.to_owned(),
            least.replace(r#""id":"a""#, r#""id":5"#),
            least.replace(r#""id":"a""#, r#""id":null"#),
            least.replace(r#""id":"a","#, ""),
            least.replace(r#""target":"—""#, r#""target":["—"]"#),
            least.replace(r#""kind""#, r#""kind":"a","kind""#),
            least.replace('}', r#","value":true}"#),
            least.replace('}', r#","weight":{}}"#),
            least.replace('}', r#","extra":[1,{"id":2}]}"#),
            least.replace(r#""n""#, r#""n\x""#),
            least.replace(r#""n""#, r#""n"#),
            "[]".to_owned(),
            "{\"id\":\"\\ud800\"}".to_owned(),
        ];
        for json in &cases {
            let (doc, borrowed) = read(json);
            assert_eq!(doc, borrowed, "{json}");
        }
        assert!(read(whole).0.is_ok() && read(least).0.is_ok());
    }

    /// The borrowed view writes what the document writes, key for key.
    #[test]
    fn the_view_of_an_indicator_is_its_document() {
        let seed = crate::import::import(crate::embedded::SPEC_NAME, crate::embedded::SPEC)
            .expect("the embedded spec reads")
            .department;
        let mut indicators: Vec<Indicator> = seed
            .units
            .iter()
            .flat_map(|u| u.indicators.iter())
            .chain(seed.projects.iter().flat_map(|p| p.indicators.iter()))
            .cloned()
            .collect();
        let first = indicators[0].clone();
        let mut weighted = first.clone();
        weighted.weight = Some("12.5".parse().expect("a decimal"));
        weighted.direction = Some(Direction::Lower);
        weighted.allow = vec!["capped-share".to_owned()].into();
        weighted.deadline = None;
        weighted.source = None;
        let mut range = first.clone();
        range.target = Target::Range {
            low: "10".parse().expect("a decimal"),
            high: "15.50".parse().expect("a decimal"),
            measure: Measure::known("万户"),
        };
        let mut compare = first;
        compare.target = Target::Compare {
            op: Operator::Lt,
            value: "0.10".parse().expect("a decimal"),
            measure: None,
        };
        let mut not_applicable = compare.clone();
        not_applicable.target = Target::NotApplicable;
        indicators.extend([weighted, range, compare, not_applicable]);
        let kinds: std::collections::HashSet<std::mem::Discriminant<Target>> = indicators
            .iter()
            .map(|i| std::mem::discriminant(&i.target))
            .collect();
        assert_eq!(kinds.len(), 4, "{kinds:?}");
        for indicator in &indicators {
            let doc = serde_json::to_string_pretty(&IndicatorDoc::new(indicator, None));
            let view = serde_json::to_string_pretty(&IndicatorView::new(indicator));
            assert_eq!(
                view.expect("writes"),
                doc.expect("writes"),
                "{}",
                indicator.id
            );
        }
    }
}
