//! 表9 项目支出预算表 of a disclosure: every project's budget by unit, and the 合计 row, so lint can
//! hold 表17's projects and budgets against them.

use std::borrow::Cow;

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

/// 表9's title, as its key.
const TITLE: &str = "项目支出预算表";

/// The characters of [`TITLE`] that no other character folds into (`⽀` and `⽬`, Kangxi
/// radicals, fold into `支` and `目`).
const TITLE_MARKS: [char; 5] = ['项', '出', '预', '算', '表'];

/// Reads 表9 from a disclosure text; `None` when the text has none.
pub fn read(text: &str) -> Option<BudgetTable> {
    let mut reader = Reader::default();
    let bytes = text.as_bytes();
    // The next line's start and number.
    let mut at = 0;
    let mut number = 1;
    while at < bytes.len() {
        if !reader.inside {
            // Outside the table only its title matters, and no character folds into `表`
            // (`only_themselves_fold_into_the_title_s_marks`): the search goes from one `表`
            // to the next, over a province's thousand pages of other tables.
            let Some(found) = memchr::memmem::find(&bytes[at..], "表".as_bytes()) else {
                break;
            };
            let start = memchr::memrchr(b'\n', &bytes[at..at + found]).map_or(at, |i| at + i + 1);
            number += memchr::memchr_iter(b'\n', &bytes[at..start]).count();
            at = start;
        }
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        reader.line(&text[at..end], u32::try_from(number).unwrap_or(u32::MAX));
        at = end;
        number += 1;
    }
    reader.seen.then_some(reader.table)
}

/// Where [`read`] stands in the text.
#[derive(Default)]
struct Reader {
    table: BudgetTable,
    /// Whether the lines read are 表9's.
    inside: bool,
    seen: bool,
    /// The unit of the project rows that follow.
    unit: Option<String>,
}

impl Reader {
    fn line(&mut self, raw: &str, line: u32) {
        // Without its `\n` and a `\r` before it (`str::lines` also keeps a last line's lone `\r`;
        // cells and keys drop it either way).
        let raw = raw.strip_suffix('\n').unwrap_or(raw);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let table = &mut self.table;
        let unit = &mut self.unit;
        if memchr::memchr(b'\t', raw.as_bytes()).is_none() {
            if !self.inside {
                // Only the title counts here, and a line without each of the characters that
                // only fold from themselves is not it: 表17's thousands of titles are not folded.
                if TITLE_MARKS.iter().all(|&c| raw.contains(c)) && match_key(raw) == TITLE {
                    self.inside = true;
                    self.seen = true;
                }
                return;
            }
            let key = match_key(raw);
            if key == TITLE {
                self.seen = true;
            } else if !key.is_empty() && !key.starts_with("表9") && !key.starts_with("单位:") {
                // The next table's title.
                self.inside = false;
            }
            return;
        }
        if !self.inside {
            return;
        }
        let cells: Vec<Cow<str>> = raw.split('\t').map(|c| clean_cell(c).text).collect();
        let Some(total) = cells.iter().skip(1).find_map(|c| amount(c)) else {
            return; // a header row
        };
        let first = cells.first().map(Cow::as_ref).unwrap_or_default();
        if match_key(first) == "合计" {
            table.total = Some(BudgetRow {
                unit: None,
                name: first.to_owned(),
                amount: total,
                line,
            });
        } else if !first.is_empty() {
            *unit = Some(first.to_owned());
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
                name: name.to_string(),
                amount,
                line,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// 表9 read by handing the reader every line: how [`read`] read it before it searched from
    /// one `表` to the next. (That a line without the marks is not the title is the exhaustive
    /// test's.)
    fn read_line_by_line(text: &str) -> Option<BudgetTable> {
        let mut reader = Reader::default();
        for (index, raw) in crate::text::lines_inclusive(text).enumerate() {
            reader.line(raw, u32::try_from(index + 1).expect("a short text"));
        }
        reader.seen.then_some(reader.table)
    }

    /// Every character that folds into one of the marks of 表9's title is that mark: a line
    /// without them is not the title, whatever it folds into. The title's other characters are
    /// not marks because others fold into them.
    #[test]
    fn only_themselves_fold_into_the_title_s_marks() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut bytes = [0; 4];
            let key = match_key(c.encode_utf8(&mut bytes));
            for mark in TITLE_MARKS {
                assert!(!key.contains(mark) || c == mark, "{c:?} folds into {mark}");
            }
        }
        assert!(TITLE_MARKS.iter().all(|&mark| TITLE.contains(mark)));
        assert_eq!(match_key("\u{2F40}\u{2F6C}"), "支目");
    }

    proptest::proptest! {
        /// Searched from one `表` to the next, 表9 is what reading every line finds.
        #[test]
        fn the_table_is_found_as_line_by_line(
            lines in proptest::collection::vec(
                proptest::sample::select(vec![
                    "项目支出预算表",
                    "项目支出 预算表",
                    "项目支出预算表（续）",
                    "项目（支出）预算表",
                    "项目\u{2F40}出预算表",
                    "部门预算项目（政策）绩效目标表",
                    "表9",
                    "单位:万元",
                    "单位：万元",
                    "表10 政府采购预算表",
                    "其他说明",
                    "预算",
                    "",
                    "\r",
                    "合计\t1,000.00",
                    "单位甲\t600.00",
                    "\t项目乙\t12.5\t3",
                    "\t项目丙\t7",
                    "\t名称\t总计",
                    "表\t预",
                    "项目支出预算表\t",
                ]),
                0..24,
            ),
            crlf in proptest::bool::ANY,
            last_break in proptest::bool::ANY,
        ) {
            let mut text = lines.join(if crlf { "\r\n" } else { "\n" });
            if last_break {
                text.push('\n');
            }
            proptest::prop_assert_eq!(read(&text), read_line_by_line(&text));
        }
    }

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
