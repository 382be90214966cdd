//! Rules that hold a row's amount or unit against something else: a cost ceiling against the
//! project's budget, a unit the importer had to drop from a qualitative target.

use rust_decimal::Decimal;

use super::{Finding, Owner, owners, quoted};
use crate::import::Note;
use crate::model::{Department, Dimension, Indicator, Measure, Operator, Project, Target};
use crate::text::match_key;

/// Whether the row is a cost indicator: 成本指标 as its 二级 or 一级指标.
pub(super) fn is_cost(indicator: &Indicator) -> bool {
    match_key(&indicator.level2).contains("成本") || match_key(&indicator.level1).contains("成本")
}

/// The largest amount the row allows, in 万元, when it is money.
fn amount_in_wan(target: &Target) -> Option<(Decimal, &Measure)> {
    let (value, measure) = match target {
        Target::Compare {
            value,
            measure: Some(measure),
            ..
        } => (*value, measure),
        Target::Range {
            high,
            measure: Some(measure),
            ..
        } => (*high, measure),
        _ => return None,
    };
    if measure.dimension() != Dimension::Money {
        return None;
    }
    let wan = Measure::known("万元")?;
    Some((measure.convert(value, &wan).ok()?, measure))
}

/// `cost-over-budget`: a cost indicator whose amount, converted exactly to 万元, exceeds the
/// project's budget (预算资金情况).
pub(super) fn cost_over_budget(project: &Project, out: &mut Vec<Finding>) {
    let Some(budget) = project.budget else {
        return;
    };
    for indicator in project.indicators.iter().filter(|i| is_cost(i)) {
        let Some((amount, measure)) = amount_in_wan(&indicator.target) else {
            continue;
        };
        if amount <= budget {
            continue;
        }
        let converted = if measure.symbol() == "万元" {
            String::new()
        } else {
            format!(" ({} 万元)", amount.normalize())
        };
        out.push(Finding::row(
            "cost-over-budget",
            Owner::Project(project),
            indicator,
            format!(
                "{}{converted} {} the project's whole budget of {budget} 万元 (预算资金情况)",
                quoted(indicator),
                match indicator.target.operator() {
                    Some(Operator::Ge | Operator::Gt) => "asks for a cost above",
                    _ => "allows more than",
                }
            ),
            format!(
                "a cost cannot exceed the budget that pays for it: lower the amount to at most {budget} 万元, or correct the budget"
            ),
        ));
    }
}

/// `qualitative-with-unit`: a qualitative target the table gives a unit (`管理规范` with `%`),
/// which the importer dropped (its `stray-unit` notes), with any operator it dropped too.
pub(super) fn qualitative_with_unit(
    department: &Department,
    notes: &[Note],
    out: &mut Vec<Finding>,
) {
    let units: Vec<&Note> = notes.iter().filter(|n| n.code == "stray-unit").collect();
    if units.is_empty() {
        return;
    }
    for owner in owners(department) {
        for indicator in owner.indicators() {
            let Target::Qualitative(text) = &indicator.target else {
                continue;
            };
            let Some(line) = indicator.source.map(|s| s.line) else {
                continue;
            };
            let Some(unit) = units
                .iter()
                .find(|n| n.line == line)
                .and_then(|n| backquoted(&n.message))
            else {
                continue;
            };
            let operator = notes
                .iter()
                .find(|n| n.line == line && n.code == "stray-operator")
                .and_then(|n| backquoted(&n.message))
                .map(|op| format!(" and the operator `{op}`"))
                .unwrap_or_default();
            out.push(Finding::row(
                "qualitative-with-unit",
                owner,
                indicator,
                format!(
                    "`{}` has the qualitative target `{text}`, but the table gives it the unit `{unit}`{operator}; both were dropped",
                    indicator.name
                ),
                format!(
                    "remove the unit{} from the row, or give the number it was meant to have (`>= 95 {unit}`)",
                    if operator.is_empty() { "" } else { " and operator" }
                ),
            ));
        }
    }
}

/// The first `…` quoted in a note's message: the unit or operator it names.
fn backquoted(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once('`')?;
    let (inner, _) = rest.split_once('`')?;
    Some(inner)
}
