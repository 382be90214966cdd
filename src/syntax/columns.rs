//! The columns of a table (an actuals form, a target table, a 自评表): English or Chinese names,
//! matched after [`match_key`].

use crate::text::match_key;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Field {
    Id,
    Kind,
    Department,
    Unit,
    Project,
    Level1,
    Level2,
    Indicator,
    Operator,
    Target,
    Deadline,
    Actual,
    Measure,
    Completed,
    Note,
    Budget,
    Weight,
    Score,
    Deduction,
}

impl Field {
    pub(crate) const ALL: [Field; 19] = [
        Field::Id,
        Field::Kind,
        Field::Department,
        Field::Unit,
        Field::Project,
        Field::Level1,
        Field::Level2,
        Field::Indicator,
        Field::Operator,
        Field::Target,
        Field::Deadline,
        Field::Actual,
        Field::Measure,
        Field::Completed,
        Field::Note,
        Field::Budget,
        Field::Weight,
        Field::Score,
        Field::Deduction,
    ];

    /// The English name, as `kpi template` writes it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Kind => "kind",
            Field::Department => "department",
            Field::Unit => "unit",
            Field::Project => "project",
            Field::Level1 => "level1",
            Field::Level2 => "level2",
            Field::Indicator => "indicator",
            Field::Operator => "operator",
            Field::Target => "target",
            Field::Deadline => "deadline",
            Field::Actual => "actual",
            Field::Measure => "measure",
            Field::Completed => "completed",
            Field::Note => "note",
            Field::Budget => "budget",
            Field::Weight => "weight",
            Field::Score => "score",
            Field::Deduction => "deduction",
        }
    }

    /// The other names a column may carry (Chinese forms of 自评表 and 绩效目标表).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Id => &["编号", "指标编号", "指标id"],
            Field::Kind => &["类型"],
            Field::Department => &["主管部门"],
            Field::Unit => &["单位", "实施单位", "预算单位", "单位名称"],
            Field::Project => &["项目名称", "项目", "项目（政策）名称", "项目(政策)名称"],
            Field::Level1 => &["一级指标"],
            Field::Level2 => &["二级指标"],
            Field::Indicator => &["三级指标", "指标名称", "指标"],
            Field::Operator => &["运算符号", "运算符", "运算符符号"],
            Field::Target => &["年度指标值", "目标值", "指标值"],
            Field::Deadline => &["完成时限"],
            Field::Actual => &["实际完成值", "完成值", "全年实际值"],
            Field::Measure => &["度量单位", "计量单位"],
            Field::Completed => &["完成时间", "实际完成时间"],
            Field::Note => &["偏差原因", "偏差原因分析及改进措施", "说明"],
            Field::Budget => &["调整后预算数", "全年预算数"],
            Field::Weight => &["分值"],
            Field::Score => &["得分"],
            Field::Deduction => &["扣分"],
        }
    }

    /// The unit a header may name in brackets after the column's name: `调整后预算数（万元）`.
    fn header_suffix(self) -> Option<&'static str> {
        match self {
            Field::Budget => Some("万元"),
            Field::Weight | Field::Score | Field::Deduction => Some("分"),
            _ => None,
        }
    }

    /// `actual (实际完成值, 完成值, 全年实际值)`, for messages.
    pub(crate) fn described(self) -> String {
        format!("{} ({})", self.name(), self.aliases().join(", "))
    }

    /// The field a header cell names, if any.
    pub(crate) fn from_header(cell: &str) -> Option<Field> {
        let key = match_key(cell);
        if let Some(field) = Field::by_key(&key) {
            return Some(field);
        }
        // `调整后预算数（万元）`, `分值(分)`: a unit in brackets after the name.
        let inner = key.strip_suffix(')')?;
        let open = inner.rfind('(')?;
        let (base, unit) = (&inner[..open], &inner[open + 1..]);
        Field::by_key(base).filter(|field| field.header_suffix() == Some(unit))
    }

    fn by_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| {
            field.name() == key || field.aliases().iter().any(|alias| match_key(alias) == key)
        })
    }
}

/// Where each field stands in the header (0-based column indices).
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    index: [Option<usize>; Field::ALL.len()],
}

impl Columns {
    pub(crate) fn get(&self, field: Field) -> Option<usize> {
        self.index[field as usize]
    }

    pub(crate) fn has(&self, field: Field) -> bool {
        self.get(field).is_some()
    }
}

/// The header row, read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    pub(crate) columns: Columns,
    /// Named columns `kpi` does not know: (index, name as written).
    pub(crate) unknown: Vec<(usize, String)>,
    /// Columns whose header cell is empty.
    pub(crate) unnamed: Vec<usize>,
}

/// A header that cannot be used: the column to point at and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderError {
    pub(crate) column: Option<usize>,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
}

impl Header {
    /// Reads the header cells (as written).
    pub(crate) fn parse(cells: &[&str]) -> Result<Header, HeaderError> {
        let mut header = Header::default();
        for (at, cell) in cells.iter().enumerate() {
            let cell = cell.trim();
            if cell.is_empty() {
                header.unnamed.push(at);
                continue;
            }
            let Some(field) = Field::from_header(cell) else {
                header.unknown.push((at, cell.to_owned()));
                continue;
            };
            if let Some(first) = header.columns.get(field) {
                return Err(HeaderError {
                    column: Some(at),
                    message: format!(
                        "expected each field once, found `{cell}` (column {}) naming `{}` again after `{}` (column {})",
                        at + 1,
                        field.name(),
                        cells[first].trim(),
                        first + 1
                    ),
                    help: Some("remove or rename one of the two columns".to_owned()),
                });
            }
            header.columns.index[field as usize] = Some(at);
        }
        let columns = &header.columns;
        if !Field::ALL.iter().any(|&f| columns.has(f)) {
            let shown: Vec<&str> = cells.iter().map(|c| c.trim()).take(6).collect();
            return Err(HeaderError {
                column: None,
                message: format!(
                    "expected a header row naming the columns (id, indicator, actual …), found `{}`",
                    shown.join(", ")
                ),
                help: Some(
                    "make the first row the header; `kpi template` writes a form to fill"
                        .to_owned(),
                ),
            });
        }
        Ok(header)
    }

    /// An actuals file needs a column of actuals and one saying what each row reports on.
    pub(crate) fn check_actuals(&self) -> Result<(), HeaderError> {
        if !self.columns.has(Field::Actual) {
            return Err(HeaderError {
                column: None,
                message: format!(
                    "expected a column of actuals: {}, found none",
                    Field::Actual.described()
                ),
                help: None,
            });
        }
        if ![Field::Id, Field::Indicator, Field::Kind]
            .iter()
            .any(|&f| self.columns.has(f))
        {
            return Err(HeaderError {
                column: None,
                message: format!(
                    "expected a column saying what each row reports on: {} or {}, found neither",
                    Field::Id.described(),
                    Field::Indicator.described()
                ),
                help: None,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_chinese_and_case_name_one_field() {
        for (cell, field) in [
            ("actual", Field::Actual),
            ("ACTUAL", Field::Actual),
            (" Actual ", Field::Actual),
            ("实际完成值", Field::Actual),
            ("完成值", Field::Actual),
            ("全年实际值", Field::Actual),
            ("项目（政策）名称", Field::Project),
            ("项目(政策)名称", Field::Project),
            ("项目 名称", Field::Project),
            ("三级指标", Field::Indicator),
            ("指标", Field::Indicator),
            ("指标ID", Field::Id),
            ("编号", Field::Id),
            ("单位名称", Field::Unit),
            ("度量单位", Field::Measure),
            ("偏差原因分析及改进措施", Field::Note),
            ("调整后预算数（万元）", Field::Budget),
            ("全年预算数", Field::Budget),
            ("分值（分）", Field::Weight),
            ("得分", Field::Score),
            ("扣分", Field::Deduction),
            ("实际完成时间", Field::Completed),
            ("完成时限", Field::Deadline),
            ("年度指标值", Field::Target),
            ("Level1", Field::Level1),
            ("二级指标", Field::Level2),
            ("类型", Field::Kind),
        ] {
            assert_eq!(Field::from_header(cell), Some(field), "{cell}");
        }
        assert_eq!(Field::from_header("备注"), None);
        assert_eq!(Field::from_header("调整后预算数（元）"), None);
    }

    #[test]
    fn every_field_is_known_by_its_english_name() {
        for field in Field::ALL {
            assert_eq!(Field::from_header(field.name()), Some(field));
        }
    }

    #[test]
    fn unknown_and_unnamed_columns_are_listed() {
        let header = Header::parse(&["id", "备注", "actual", ""]).unwrap();
        assert_eq!(header.columns.get(Field::Id), Some(0));
        assert_eq!(header.columns.get(Field::Actual), Some(2));
        assert_eq!(header.unknown, vec![(1, "备注".to_owned())]);
        assert_eq!(header.unnamed, vec![3]);
    }

    #[test]
    fn two_aliases_of_one_field_are_an_error() {
        let err = Header::parse(&["id", "实际完成值", "完成值"]).unwrap_err();
        assert_eq!(err.column, Some(2));
        assert_eq!(
            err.message,
            "expected each field once, found `完成值` (column 3) naming `actual` again after `实际完成值` (column 2)"
        );
    }

    #[test]
    fn a_header_needs_actuals_and_subjects() {
        let actuals = |cells: &[&str]| Header::parse(cells).and_then(|h| h.check_actuals());
        let err = actuals(&["id", "note"]).unwrap_err();
        assert!(
            err.message.starts_with("expected a column of actuals"),
            "{}",
            err.message
        );
        let err = actuals(&["actual", "note"]).unwrap_err();
        assert!(
            err.message.contains("what each row reports on"),
            "{}",
            err.message
        );
        let err = Header::parse(&["558001", "98%"]).unwrap_err();
        assert!(
            err.message.starts_with("expected a header row"),
            "{}",
            err.message
        );
    }
}
