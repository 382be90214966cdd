//! The category names of published target tables, and the level each one is.
//!
//! A category name that stands in the wrong column is placed by what it is: 效益指标 is a 一级指标
//! wherever the PDF put it.

use crate::text::{key_lead, match_key};

/// The levels a category name can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryLevel {
    Level1,
    Level2,
    /// 成本指标 is a 二级指标 under 产出指标 in older forms and a 一级指标 in newer ones.
    Either,
}

/// 一级指标 of 表17 (national forms of 财预〔2020〕10号 and later) and of 表16 (unit overall forms).
const LEVEL1: &[&str] = &[
    "产出指标",
    "效益指标",
    "满意度指标",
    "投入指标",
    "过程指标",
    "产出",
    "效益",
    "满意度",
    "履职效能",
    "基础管理",
    "预算执行",
    "管理效率",
    "运行成本",
    "社会效应",
    "可持续性",
];

/// 二级指标 of the national project forms.
const LEVEL2: &[&str] = &[
    "数量指标",
    "质量指标",
    "时效指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "社会公众满意度指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
];

const EITHER: &[&str] = &["成本指标"];

/// The first characters of the category names: a name led by another ideograph is none, and
/// is not keyed to find out (nearly every indicator name of a table).
const LEADS: [char; 19] = [
    '产', '效', '满', '投', '过', '履', '基', '预', '管', '运', '社', '可', '数', '质', '时', '经',
    '生', '服', '成',
];

/// The level of a known category name, compared by match key.
pub fn category_level(name: &str) -> Option<CategoryLevel> {
    if key_lead(name).is_some_and(|lead| !LEADS.contains(&lead)) {
        return None;
    }
    let key = match_key(name);
    let known = |list: &[&str]| list.iter().any(|k| *k == key);
    if known(LEVEL1) {
        Some(CategoryLevel::Level1)
    } else if known(LEVEL2) {
        Some(CategoryLevel::Level2)
    } else if known(EITHER) {
        Some(CategoryLevel::Either)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_name_starts_with_a_lead() {
        for name in LEVEL1.iter().chain(LEVEL2).chain(EITHER) {
            let lead = name.chars().next().expect("a name");
            assert!(LEADS.contains(&lead), "{name}");
        }
    }

    /// The level of a name by its key alone, without turning names away by their lead.
    fn level_by_key(name: &str) -> Option<CategoryLevel> {
        let key = match_key(name);
        let known = |list: &[&str]| list.iter().any(|k| *k == key);
        [
            (LEVEL1, CategoryLevel::Level1),
            (LEVEL2, CategoryLevel::Level2),
            (EITHER, CategoryLevel::Either),
        ]
        .into_iter()
        .find_map(|(list, level)| known(list).then_some(level))
    }

    proptest::proptest! {
        /// Names turned away by their lead are those their key finds in no list: category names
        /// with text before them, in other widths, with spaces, and other names.
        #[test]
        fn categories_are_found_as_by_their_keys(
            before in "[产经指工 a\u{2f00}\u{f900}]{0,2}",
            name in proptest::sample::select(
                LEVEL1.iter().chain(LEVEL2).chain(EITHER).copied().collect::<Vec<_>>(),
            ),
            after in "[指标 a（]{0,2}",
            other in "[\u{4e00}-\u{4e10}产效满投过履基预管运社可数质时经生服成指标 ]{0,6}",
        ) {
            for text in [format!("{before}{name}{after}"), name.replacen('指', " 指", 1), other] {
                proptest::prop_assert_eq!(category_level(&text), level_by_key(&text), "{}", text);
            }
        }
    }

    #[test]
    fn categories_are_known_by_name() {
        assert_eq!(category_level("效益指标"), Some(CategoryLevel::Level1));
        assert_eq!(
            category_level("可持续影响指标"),
            Some(CategoryLevel::Level2)
        );
        assert_eq!(category_level("成本指标"), Some(CategoryLevel::Either));
        assert_eq!(category_level("可持续性"), Some(CategoryLevel::Level1));
        assert_eq!(category_level("创新驱动发展"), None);
        assert_eq!(category_level("满意度 指标"), Some(CategoryLevel::Level1));
    }
}
