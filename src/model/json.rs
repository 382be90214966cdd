//! The model's JSON shape (documented in `specs/model.schema.json`): written by `kpi import
//! --format json`, read back by every command that takes targets, and reused for indicators in
//! the evaluator's reports. Decimals are strings (`"0.1"`), never floats.

use serde::{Deserialize, Serialize};

use super::{Category, Department, Indicator, Provenance, Target};

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

fn source_doc(source: Option<Provenance>, text: Option<&str>) -> Option<SourceDoc> {
    source.map(|p| SourceDoc {
        line: p.line,
        raw: text.and_then(|t| p.raw(t)).map(str::to_owned),
    })
}

impl IndicatorDoc {
    /// The JSON of `indicator`; `text` is the source it was read from, for its raw line.
    pub fn new(indicator: &Indicator, text: Option<&str>) -> IndicatorDoc {
        let (kind, operator, value, high, measure) = match &indicator.target {
            Target::Compare { op, value, measure } => (
                "compare",
                Some(op.ascii().to_owned()),
                Some(value.to_string()),
                None,
                measure.as_ref().map(|m| m.symbol().to_owned()),
            ),
            Target::Range { low, high, measure } => (
                "range",
                None,
                Some(low.to_string()),
                Some(high.to_string()),
                measure.as_ref().map(|m| m.symbol().to_owned()),
            ),
            Target::Qualitative(text) => ("qualitative", None, Some(text.clone()), None, None),
            Target::NotApplicable => ("not_applicable", None, None, None, None),
        };
        IndicatorDoc {
            id: indicator.id.clone(),
            level1: indicator.level1.clone(),
            level2: indicator.level2.clone(),
            name: indicator.name.clone(),
            kind: kind.to_owned(),
            operator,
            value,
            high,
            measure,
            target: indicator.target.to_string(),
            deadline: indicator.deadline.map(|d| d.to_string()),
            weight: indicator.weight.map(|w| w.to_string()),
            direction: indicator.direction.map(|d| d.keyword().to_owned()),
            allow: indicator.allow.clone(),
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
                allow: department.allow.clone(),
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
                    allow: u.allow.clone(),
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
                    allow: p.allow.clone(),
                    source: source_doc(p.source, None),
                })
                .collect(),
        }
    }
}
