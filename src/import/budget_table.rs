//! 表9 项目支出预算表 of a disclosure: every project's budget by unit, and the 合计 row, so lint can
//! hold 表17's projects and budgets against them.

use rust_decimal::Decimal;

use crate::syntax::target::{decimal, number_text};
use crate::text::{clean_cell, fold, match_key};

/// 表9 as read: its 合计, its unit rows and its project rows, in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BudgetTable {
    pub total: Option<BudgetRow>,
    pub units: Vec<BudgetRow>,
    pub projects: Vec<BudgetRow>,
}

/// One row of 表9: a name and its 总计 in 万元.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetRow {
    /// The unit the row stands under (project rows only).
    pub unit: Option<String>,
    pub name: String,
    /// 总计, 万元.
    pub amount: Decimal,
    pub line: u32,
}

fn amount(cell: &str) -> Option<Decimal> {
    let folded = fold(cell.trim());
    match number_text(folded.trim()) {
        Ok(("", text)) => decimal(text).ok(),
        _ => None,
    }
}

/// Reads 表9 from a disclosure text; `None` when the text has none.
pub fn read(text: &str) -> Option<BudgetTable> {
    let mut table = BudgetTable::default();
    let mut inside = false;
    let mut seen = false;
    let mut unit: Option<String> = None;
    for (index, raw) in crate::text::lines_inclusive(text).enumerate() {
        // Without its `\n` and a `\r` before it (`str::lines` also keeps a last line's lone `\r`;
        // cells and keys drop it either way).
        let raw = raw.strip_suffix('\n').unwrap_or(raw);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if memchr::memchr(b'\t', raw.as_bytes()).is_none() {
            // Outside the table only its title matters, and no character folds into `表`: a
            // province's thousand pages of other tables are passed over without folding a line.
            if !inside && memchr::memmem::find(raw.as_bytes(), "表".as_bytes()).is_none() {
                continue;
            }
            let key = match_key(raw);
            if key == "项目支出预算表" {
                inside = true;
                seen = true;
            } else if inside
                && !key.is_empty()
                && !key.starts_with("表9")
                && !key.starts_with("单位:")
            {
                // The next table's title.
                inside = false;
            }
            continue;
        }
        if !inside {
            continue;
        }
        let cells: Vec<String> = raw
            .split('\t')
            .map(|c| clean_cell(c).text.into_owned())
            .collect();
        let Some(total) = cells.iter().skip(1).find_map(|c| amount(c)) else {
            continue; // a header row
        };
        let first = cells.first().map(String::as_str).unwrap_or_default();
        if match_key(first) == "合计" {
            table.total = Some(BudgetRow {
                unit: None,
                name: first.to_owned(),
                amount: total,
                line,
            });
        } else if !first.is_empty() {
            unit = Some(first.to_owned());
            table.units.push(BudgetRow {
                unit: None,
                name: first.to_owned(),
                amount: total,
                line,
            });
        } else if let Some(name) = cells
            .get(1)
            .filter(|n| !n.is_empty() && amount(n).is_none())
        {
            let amount = cells
                .iter()
                .skip(2)
                .find_map(|c| amount(c))
                .unwrap_or(total);
            table.projects.push(BudgetRow {
                unit: unit.clone(),
                name: name.clone(),
                amount,
                line,
            });
        }
    }
    seen.then_some(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn the_seed_has_its_projects_units_and_total() {
        let table = read(crate::embedded::DISCLOSURE).unwrap();
        let total = table.total.unwrap();
        assert_eq!((total.amount, total.line), (dec!(95177.64), 498));
        assert_eq!(table.units.len(), 2);
        assert_eq!(table.units[0].name, "沈阳市工业和信息化局本级");
        assert_eq!(table.projects[1].name, "职称评审相关工作经费");
        assert_eq!(table.projects[1].amount, dec!(27.01));
        // The seed's own rows add up to less than its 合计: lint reports it.
        let sum: Decimal = table.projects.iter().map(|p| p.amount).sum();
        assert_eq!(sum, dec!(65212.64));
        let units: Decimal = table.units.iter().map(|u| u.amount).sum();
        assert_eq!(units, dec!(95177.64));
        let last = table.projects.last().unwrap();
        assert_eq!(last.unit.as_deref(), Some("沈阳市先进制造业服务中心"));
        assert_eq!(table.projects.len(), 61);
    }
}
