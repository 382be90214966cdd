//! The words lint judges names and targets by, in one place (documented in specs/lint.md).
//!
//! Every list is matched against [`crate::text::match_key`] forms (NFKC-folded, no white space).
//! The direction words of scoring.md S17 live in `model::direction`, shared with evaluation.

/// A qualitative target made only of these words (and [`VAGUE_DEGREES`]) says which way things
/// should move, or that they should be good, but not what or how much: 提升, 好, 不断提高.
pub const VAGUE_WORDS: &[&str] = &[
    "提升", "提高", "增强", "加强", "改善", "改进", "优化", "促进", "推动", "推进", "增加", "增长",
    "好", "较好", "良好", "更好", "优", "优良", "优秀", "明显", "显著", "有效", "突出", "积极",
    "进步",
];

/// Degree words that make a vague word no less vague: 不断提高, 显著提升, 有所提升.
pub const VAGUE_DEGREES: &[&str] = &[
    "不断",
    "持续",
    "逐步",
    "稳步",
    "进一步",
    "有所",
    "明显",
    "显著",
    "大幅",
    "较大",
    "一定",
    "全面",
    "大力",
    "切实",
    "得到",
    "有效",
    "很",
    "更",
    "较",
];

/// One- or two-character targets that still name a state a reviewer can confirm: 资产评估 | 完成.
/// Any other text of one or two characters is vague.
pub const CHECKABLE_SHORT: &[&str] = &[
    "完成", "达成", "达标", "合格", "通过", "确认", "公开", "办结", "到位", "落实", "建成", "实现",
    "是", "否", "有", "无",
];

/// Names that count organisations: a row named so is not counted in 人.
pub const ORGANISATIONS: &[&str] = &[
    "企业", "公司", "机构", "单位", "商户", "厂商", "厂家", "户数", "家数",
];

/// Names that count people (besides any name with 人, 员 or 者): a row named so may be counted
/// in 人 even when it also names an organisation (企业职工人数, 培训企业家).
pub const PEOPLE: &[&str] = &[
    "专家",
    "干部",
    "群众",
    "学生",
    "职工",
    "师资",
    "劳动力",
    "农民",
    "居民",
    "村民",
    "儿童",
];

/// The bases of the count units people are counted in.
pub const PEOPLE_UNITS: &[&str] = &["人", "人次", "名", "位"];

/// Name endings of a duration: a row named so is measured in 天, 月, 年 …, never in a count.
pub const DURATION_NAMES: &[&str] = &["时限", "时间", "期限", "周期", "工期", "时长", "用时"];

/// Name endings of a count: a row named so is never measured in a duration unit.
pub const COUNT_NAMES: &[&str] = &["次数", "个数", "人数", "件数", "户数", "家数", "数量"];

/// Share markers: a percentage named so is at most 100 %.
pub const SHARES: &[&str] = &[
    "率",
    "比例",
    "占比",
    "比重",
    "满意度",
    "覆盖",
    "符合度",
    "达标",
    "及时性",
];

/// Words of growth, change and return: a percentage named so may exceed 100 % (增长率 150 %).
pub const NOT_SHARES: &[&str] = &[
    "增长", "增速", "增幅", "增加", "增量", "提升", "提高", "变动", "变化", "同比", "环比", "收益",
    "回报", "利润", "杠杆", "放大", "倍", "带动", "拉动", "溢价",
];

/// The mark of a carried-over project (上年结转) in a project's name.
pub const CARRIED_OVER: &str = "结转";

/// Chinese numerals: a name that differs from another only in one of these (一期 / 二期) names
/// another project, not a misspelling.
pub const NUMERALS: &str = "〇零一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾";

/// Whether `key` contains any of `words`.
pub fn mentions(key: &str, words: &[&str]) -> bool {
    words.iter().any(|w| key.contains(w))
}

/// Whether `key` is made of `words` only, read greedily longest-first.
pub fn made_of(mut key: &str, words: &[&[&str]]) -> bool {
    if key.is_empty() {
        return false;
    }
    while !key.is_empty() {
        let longest = words
            .iter()
            .flat_map(|list| list.iter())
            .filter(|w| key.starts_with(**w))
            .max_by_key(|w| w.len());
        match longest {
            Some(word) => key = &key[word.len()..],
            None => return false,
        }
    }
    true
}
