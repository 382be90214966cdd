//! Which way an indicator improves (scoring.md S5), and whether its operator contradicts its
//! name (S17). Shared by evaluation and lint.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::{Dimension, Direction, Indicator, Operator, Target};
use crate::text::match_key;

/// How a quantitative target is compared (S4–S6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// Higher is better (`>=`, `>`, `=` as a floor).
    Higher,
    /// Lower is better (`<=`, `<`, `=` on a duration).
    Lower,
    /// `= 0`: met only at 0 (S5).
    Zero,
    /// `direction exact` from a spec: scored by the distance to the target (S5).
    Exact,
}

/// The sense of `indicator` by S5: the spec's direction when it sets one, else its operator's.
pub fn sense(indicator: &Indicator) -> Option<Sense> {
    let Target::Compare { op, value, measure } = &indicator.target else {
        return match indicator.target {
            Target::Range { .. } => Some(Sense::Higher),
            _ => None,
        };
    };
    if let Some(direction) = indicator.direction {
        return Some(match direction {
            Direction::Higher => Sense::Higher,
            Direction::Lower => Sense::Lower,
            Direction::Exact => Sense::Exact,
        });
    }
    Some(match op {
        Operator::Ge | Operator::Gt => Sense::Higher,
        Operator::Le | Operator::Lt => Sense::Lower,
        Operator::Eq if value.is_zero() => Sense::Zero,
        Operator::Eq
            if measure
                .as_ref()
                .is_some_and(|m| m.dimension() == Dimension::Duration) =>
        {
            Sense::Lower
        }
        Operator::Eq => Sense::Higher,
    })
}

/// Why a direction is doubtful (S17).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doubt {
    /// A satisfaction or completion share capped with `<=`/`<` (担保机构满意度 <= 100 %).
    CappedShare,
    /// An output count (数量指标) capped with `<=`/`<`.
    CappedOutput,
}

impl Doubt {
    pub fn describe(self) -> &'static str {
        match self {
            Doubt::CappedShare => "a share that should be high is capped with <= or <",
            Doubt::CappedOutput => "an output count (数量指标) is capped with <= or <",
        }
    }
}

/// Names of shares that ought to be high: satisfaction, completion, timeliness, coverage ….
const HIGH_SHARES: &[&str] = &[
    "满意度",
    "满意率",
    "及时率",
    "及时性",
    "完成率",
    "到位率",
    "合格率",
    "达标率",
    "覆盖率",
    "准确率",
    "知晓率",
    "执行率",
    "办结率",
    "发放率",
    "利用率",
    "完好率",
    "正常运行率",
    "正常运转率",
];

/// Legitimate caps (S17): shares that are meant to stay under a limit.
const LEGITIMATE_CAPS: &[&str] = &[
    "控制率",
    "调整率",
    "通过率",
    "变动率",
    "费率",
    "成本",
    "增长率",
    "下降率",
    "降低",
];

/// Counts that are better low: violations, accidents, complaints, outages.
const BAD_COUNTS: &[&str] = &[
    "违法", "违规", "违约", "事故", "投诉", "隐患", "差错", "失误", "故障", "停电", "失信",
];

/// Which words of a list a name holds, found in one pass over the name: a million indicators'
/// names searched for each of a list's words, one after another, took a few percent of a
/// whole run.
type Words = LazyLock<AhoCorasick>;

fn automaton(words: &[&str]) -> AhoCorasick {
    AhoCorasick::new(words).expect("a few short words make a small automaton")
}

static HIGH_SHARE_WORDS: Words = LazyLock::new(|| automaton(HIGH_SHARES));
static LEGITIMATE_CAP_WORDS: Words = LazyLock::new(|| automaton(LEGITIMATE_CAPS));
static BAD_COUNT_WORDS: Words = LazyLock::new(|| automaton(BAD_COUNTS));
static HANDLING_WORDS: Words = LazyLock::new(|| automaton(HANDLING));

fn mentions(name: &str, words: &Words) -> bool {
    words.is_match(name)
}

/// Whether the indicator's operator contradicts what its name measures (S17).
pub fn doubt(indicator: &Indicator) -> Option<Doubt> {
    let Target::Compare { op, measure, .. } = &indicator.target else {
        return None;
    };
    if !matches!(op, Operator::Le | Operator::Lt) || indicator.direction.is_some() {
        return None;
    }
    let name = match_key(&indicator.name);
    if mentions(&name, &HIGH_SHARE_WORDS) && !mentions(&name, &LEGITIMATE_CAP_WORDS) {
        return Some(Doubt::CappedShare);
    }
    let output = match_key(&indicator.level2).starts_with("数量");
    let counted = measure
        .as_ref()
        .is_none_or(|m| m.dimension() == Dimension::Count);
    if output
        && counted
        && !mentions(&name, &BAD_COUNT_WORDS)
        && !mentions(&name, &LEGITIMATE_CAP_WORDS)
    {
        return Some(Doubt::CappedOutput);
    }
    None
}

/// Words that handle, find or reduce what a bad count counts: 查处违法案件数, 隐患整改率, 事故下降率
/// and 故障解除率 are better high, so they never make a bad count.
const HANDLING: &[&str] = &[
    "查处", "查办", "排查", "检查", "核查", "整治", "整改", "消除", "解除", "排除", "处理", "处置",
    "办理", "受理", "办结", "答复", "回复", "公布", "公示", "曝光", "打击", "治理", "化解", "纠正",
    "监测", "发现", "上报", "防范", "预防", "避免", "杜绝", "减少", "下降", "降低", "压降",
];

/// What may follow the bad word in the name of a count of bad events: 违法违规行为发生次数,
/// 安全事故发生率, 有效投诉件数. Anything else (税收违法“黑名单”公布数) counts something else.
const COUNT_TAILS: &[&str] = &[
    "行为", "发生", "事件", "案件", "次数", "件数", "起数", "数量", "率", "数", "次", "起", "件",
];

/// Whether `rest` is made of [`COUNT_TAILS`] only (longest words first).
fn only_count_tails(mut rest: &str) -> bool {
    while !rest.is_empty() {
        let Some(word) = COUNT_TAILS
            .iter()
            .filter(|w| rest.starts_with(**w))
            .max_by_key(|w| w.len())
        else {
            return false;
        };
        rest = &rest[word.len()..];
    }
    true
}

/// Whether the indicator counts bad events (violations, accidents, complaints …) and asks for
/// more of them: `>=`, `>` or a non-zero `=` (S5 reads it as a floor). Lint's `raised-bad-count`;
/// evaluation does not use it (a spec's `direction` settles the row and is never doubted).
pub fn raised_bad_count(indicator: &Indicator) -> bool {
    let Target::Compare { measure, .. } = &indicator.target else {
        return false;
    };
    if indicator.direction.is_some() || sense(indicator) != Some(Sense::Higher) {
        return false;
    }
    let counted = measure
        .as_ref()
        .is_none_or(|m| matches!(m.dimension(), Dimension::Count | Dimension::Percent));
    let name = match_key(&indicator.name);
    if !counted || mentions(&name, &HANDLING_WORDS) {
        return false;
    }
    let last_bad = BAD_COUNTS
        .iter()
        .filter_map(|w| name.rfind(w).map(|at| at + w.len()))
        .max();
    last_bad.is_some_and(|end| only_count_tails(&name[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Measure;
    use rust_decimal::Decimal;

    fn row(level2: &str, name: &str, op: Operator, value: i64, unit: &str) -> Indicator {
        Indicator {
            id: Box::default(),
            level1: "产出指标".into(),
            level2: level2.into(),
            name: name.into(),
            target: Target::Compare {
                op,
                value: Decimal::from(value),
                measure: Some(Measure::parse(unit)),
            },
            deadline: None,
            direction: None,
            weight: None,
            allow: Default::default(),
            source: None,
        }
    }

    #[test]
    fn s5_senses_by_operator() {
        assert_eq!(
            sense(&row("数量指标", "a", Operator::Ge, 1, "次")),
            Some(Sense::Higher)
        );
        assert_eq!(
            sense(&row("数量指标", "a", Operator::Lt, 1, "次")),
            Some(Sense::Lower)
        );
        assert_eq!(
            sense(&row(
                "业务管理",
                "违法违规行为发生次数",
                Operator::Eq,
                0,
                "次"
            )),
            Some(Sense::Zero)
        );
        assert_eq!(
            sense(&row("时效指标", "项目完成时限", Operator::Eq, 12, "月")),
            Some(Sense::Lower)
        );
        assert_eq!(
            sense(&row("质量指标", "合格率", Operator::Eq, 100, "%")),
            Some(Sense::Higher)
        );
        let mut exact = row("质量指标", "合格率", Operator::Eq, 100, "%");
        exact.direction = Some(Direction::Exact);
        assert_eq!(sense(&exact), Some(Sense::Exact));
    }

    #[test]
    fn s17_doubtful_directions_of_the_seed() {
        assert_eq!(
            doubt(&row(
                "服务对象满意度指标",
                "担保机构满意度",
                Operator::Le,
                100,
                "%"
            )),
            Some(Doubt::CappedShare)
        );
        assert_eq!(
            doubt(&row("质量指标", "项目完成及时性", Operator::Le, 100, "%")),
            Some(Doubt::CappedShare)
        );
        assert_eq!(
            doubt(&row(
                "数量指标",
                "全年走访慰问老干部人数",
                Operator::Le,
                280,
                "人"
            )),
            Some(Doubt::CappedOutput)
        );
    }

    #[test]
    fn s17_legitimate_caps_are_not_doubtful() {
        for name in [
            "在职人员控制率",
            "成本控制率",
            "预算调整率",
            "高级职称通过率",
        ] {
            assert_eq!(
                doubt(&row("质量指标", name, Operator::Le, 100, "%")),
                None,
                "{name}"
            );
        }
        assert_eq!(
            doubt(&row("数量指标", "违约用电用户", Operator::Le, 500, "户")),
            None
        );
        assert_eq!(
            doubt(&row(
                "数量指标",
                "用户平均停电时长",
                Operator::Le,
                9,
                "小时"
            )),
            None
        );
        assert_eq!(
            doubt(&row("数量指标", "组织活动次数", Operator::Ge, 1, "次")),
            None
        );
    }

    #[test]
    fn raised_bad_counts_ask_for_more_violations() {
        let raised = |name: &str, op: Operator, value: i64, unit: &str| {
            raised_bad_count(&row("数量指标", name, op, value, unit))
        };
        assert!(raised(
            "政府采购管理违法违规行为发生次数",
            Operator::Ge,
            1,
            "次"
        ));
        assert!(raised("安全事故发生率", Operator::Gt, 0, "%"));
        assert!(raised("有效投诉件数", Operator::Eq, 3, "件"));
        // = 0 is exact (S5), <= is a cap: both right for a bad count.
        assert!(!raised(
            "政府采购管理违法违规行为发生次数",
            Operator::Eq,
            0,
            "次"
        ));
        assert!(!raised("安全事故发生次数", Operator::Le, 1, "次"));
        // The seed's blacklist publications and fault repairs count something else.
        assert!(!raised("税收违法“黑名单”公布数", Operator::Ge, 30, "户"));
        assert!(!raised("维护项目设备故障解除率", Operator::Ge, 90, "%"));
        assert!(!raised("查处违法案件数", Operator::Ge, 10, "件"));
        assert!(!raised("排查安全隐患数量", Operator::Ge, 100, "处"));
        assert!(!raised("组织活动次数", Operator::Ge, 1, "次"));
        let mut settled = row("数量指标", "违规次数", Operator::Ge, 1, "次");
        settled.direction = Some(Direction::Higher);
        assert!(!raised_bad_count(&settled));
    }
}
