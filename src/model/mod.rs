//! The target model: department (主管部门) → budget units (预算单位) → projects (项目) → indicators.
//!
//! Built by the importers, read by evaluation, lint and reports. Plain data in source order;
//! identity by stable ids ([`id`]), never by row position.

pub mod decimal;
pub mod direction;
pub mod id;
pub mod json;
pub mod measure;
pub mod name;
pub mod target;

use rust_decimal::Decimal;

pub use measure::{Dimension, Measure};
pub use name::{Name, Names};
pub use target::{Deadline, Direction, Operator, Target};

/// Where an element came from: its line (1-based) and byte span in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Provenance {
    pub line: u32,
    pub start: u32,
    pub end: u32,
}

impl Provenance {
    /// The raw text of the element, sliced from the source it was read from.
    pub fn raw<'s>(&self, source: &'s str) -> Option<&'s str> {
        source.get(self.start as usize..self.end as usize)
    }
}

/// Moves `v` into an allocation of exactly its length. `shrink_to_fit` only asks the allocator
/// to shrink the block in place, and mimalloc keeps a block shrunk by less than half as it is:
/// a project's indicators grown to room for 16 and shrunk to 10 kept room for 16 (125 MB on a
/// province's million indicators).
pub fn exact<T>(v: &mut Vec<T>) {
    if v.capacity() > v.len() {
        let mut copy = Vec::with_capacity(v.len());
        copy.append(v);
        *v = copy;
    }
}

/// Lint codes silenced on purpose (`allow CODE` in a spec). Few rows silence any, so none
/// costs one word instead of an empty vector's three (a province holds a million indicators).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(
    clippy::box_collection,
    reason = "one word where an empty vector is three"
)]
pub struct Allowed(Option<Box<Vec<String>>>);

impl Allowed {
    pub fn push(&mut self, code: String) {
        self.0.get_or_insert_default().push(code);
    }
}

impl Extend<String> for Allowed {
    fn extend<I: IntoIterator<Item = String>>(&mut self, codes: I) {
        for code in codes {
            self.push(code);
        }
    }
}

impl std::ops::Deref for Allowed {
    type Target = [String];

    fn deref(&self) -> &[String] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl From<Vec<String>> for Allowed {
    fn from(codes: Vec<String>) -> Allowed {
        Allowed((!codes.is_empty()).then(|| Box::new(codes)))
    }
}

/// 主管部门: the department that publishes the tables.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Department {
    pub name: String,
    /// The budget year of the disclosure (the evaluated year).
    pub year: Option<i32>,
    pub units: Vec<Unit>,
    pub projects: Vec<Project>,
    /// Lint findings silenced on purpose for the whole department (`allow CODE` in a spec).
    pub allow: Allowed,
}

/// 预算单位: a budget unit, with its overall targets (表16 部门（单位）整体绩效目标表).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unit {
    /// The unit code, such as `558001`.
    pub code: String,
    pub name: String,
    /// 年度绩效目标.
    pub goal: Option<String>,
    /// 年度主要任务 with their 预算资金情况 (万元).
    pub budget_lines: Vec<BudgetLine>,
    pub indicators: Vec<Indicator>,
    pub empty_categories: Vec<Category>,
    /// Lint findings silenced on purpose for this unit's own rows.
    pub allow: Allowed,
    pub source: Option<Provenance>,
}

/// One line of a unit's 年度主要任务 table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    pub name: String,
    /// 万元.
    pub amount: Decimal,
}

/// 项目（政策）: a project with its targets (表17 项目（政策）绩效目标表).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Project {
    pub id: String,
    pub name: String,
    /// The code of the implementing unit (实施单位).
    pub unit: String,
    /// 预算资金情况, in 万元.
    pub budget: Option<Decimal>,
    /// 总体目标.
    pub goal: Option<String>,
    pub indicators: Vec<Indicator>,
    /// Category rows the source shows with no indicator under them (scoring.md S2: 指标不完整).
    pub empty_categories: Vec<Category>,
    /// Lint findings silenced on purpose for this project.
    pub allow: Allowed,
    pub source: Option<Provenance>,
}

/// A category row without indicators: 一级指标 with an optional 二级指标.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub level1: String,
    pub level2: Option<String>,
    pub source: Option<Provenance>,
}

/// One indicator row.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Stable id ([`id`]).
    pub id: Box<str>,
    /// 一级指标 (产出指标, 效益指标, 满意度指标; 履职效能 … in 表16), shared by the
    /// category's indicators.
    pub level1: Name,
    /// 二级指标 (数量指标, 质量指标 …).
    pub level2: Name,
    /// 三级指标: the indicator's own name.
    pub name: Box<str>,
    pub target: Target,
    /// 完成时限.
    pub deadline: Option<Deadline>,
    /// A direction set by the spec, overriding the operator's (scoring.md S5).
    pub direction: Option<Direction>,
    /// 分值 set by the spec (scoring.md S3).
    pub weight: Option<Decimal>,
    /// Lint findings silenced on purpose for this row.
    pub allow: Allowed,
    pub source: Option<Provenance>,
}

impl Department {
    /// Gives back what the vectors' growth reserved while importing: at a province's scale
    /// that is a third of the model.
    pub fn shrink_to_fit(&mut self) {
        for unit in &mut self.units {
            exact(&mut unit.indicators);
        }
        for project in &mut self.projects {
            exact(&mut project.indicators);
        }
        exact(&mut self.units);
        exact(&mut self.projects);
    }

    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.code == code)
    }

    pub fn indicator_count(&self) -> usize {
        self.units.iter().map(|u| u.indicators.len()).sum::<usize>()
            + self
                .projects
                .iter()
                .map(|p| p.indicators.len())
                .sum::<usize>()
    }

    /// The same model with every provenance removed: what a spec round trip preserves.
    pub fn without_provenance(&self) -> Department {
        let mut copy = self.clone();
        for unit in &mut copy.units {
            unit.source = None;
            strip(&mut unit.indicators, &mut unit.empty_categories);
        }
        for project in &mut copy.projects {
            project.source = None;
            strip(&mut project.indicators, &mut project.empty_categories);
        }
        copy
    }
}

fn strip(indicators: &mut [Indicator], categories: &mut [Category]) {
    for indicator in indicators {
        indicator.source = None;
    }
    for category in categories {
        category.source = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_keeps_the_elements_in_room_for_them_alone() {
        let mut grown: Vec<String> = Vec::new();
        for i in 0..10 {
            grown.push(i.to_string());
        }
        assert!(grown.capacity() > grown.len());
        let before = grown.clone();
        exact(&mut grown);
        assert_eq!(grown, before);
        assert_eq!(grown.capacity(), grown.len());
        let mut empty: Vec<String> = Vec::with_capacity(8);
        exact(&mut empty);
        assert_eq!(empty.capacity(), 0);
    }

    #[test]
    fn allowed_codes_read_as_a_slice_and_none_hold_nothing() {
        let mut allowed = Allowed::default();
        assert!(allowed.is_empty() && allowed == Allowed::from(Vec::new()));
        allowed.push("capped-share".to_owned());
        allowed.extend(["unit-slip".to_owned()]);
        assert_eq!(*allowed, ["capped-share", "unit-slip"]);
        assert_eq!(allowed, Allowed::from(allowed.to_vec()));
        assert_eq!(std::mem::size_of::<Allowed>(), 8);
    }

    /// A province's million indicators are held at once (BENCHMARKS.md).
    #[test]
    fn an_indicator_stays_small() {
        let size = std::mem::size_of::<Indicator>();
        assert!(size <= 160, "Indicator is {size} bytes");
    }
}
