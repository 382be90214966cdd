//! Units of measure (度量单位) as data: a dimension, a base unit and an exact scale.
//!
//! `0.1 万户` and `1000 户` are the same quantity; `9 亿元` is `90000 万元`. Every conversion of the
//! project happens here, exactly, in [`Decimal`] (scoring.md S8).

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use hashbrown::HashMap;
use rust_decimal::Decimal;

use crate::text::trim;

/// What a unit measures. Quantities convert only within one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// Counts of things: 个 家 户 人 次 …; the base is the counted noun.
    Count,
    /// Money, based on 元.
    Money,
    /// Shares: `%`, `百分比`, `百分点`.
    Percent,
    /// Area, based on 平方米.
    Area,
    /// Length, based on 米.
    Length,
    /// Mass, based on 千克.
    Mass,
    /// Energy, based on 千瓦时.
    Energy,
    /// Durations: 小时 天 月 年 …; they compare only in the same unit (S8).
    Duration,
    /// A unit `kpi` does not know, kept as written.
    Unknown,
}

impl Dimension {
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Count => "count",
            Dimension::Money => "money",
            Dimension::Percent => "percent",
            Dimension::Area => "area",
            Dimension::Length => "length",
            Dimension::Mass => "mass",
            Dimension::Energy => "energy",
            Dimension::Duration => "duration",
            Dimension::Unknown => "unknown",
        }
    }
}

/// A unit of measure as written (`万户`), with what it means (`10^4 × 户`).
///
/// Two words: a known unit points into one table built once; a unit `kpi` does not know is
/// kept as written, boxed. A million targets share the table instead of a copy each.
#[derive(Debug, Clone)]
pub struct Measure(Repr);

#[derive(Debug, Clone)]
enum Repr {
    Known(&'static MeasureData),
    Unknown(Box<MeasureData>),
}

#[derive(Debug, Clone)]
struct MeasureData {
    symbol: Cow<'static, str>,
    dimension: Dimension,
    base: Cow<'static, str>,
    scale: Decimal,
}

impl PartialEq for Measure {
    fn eq(&self, other: &Self) -> bool {
        self.symbol() == other.symbol()
    }
}
impl Eq for Measure {}

impl std::hash::Hash for Measure {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.symbol().hash(state);
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Base units: (symbol, dimension, base, scale as 10^exp or an exact decimal).
struct BaseUnit {
    symbol: &'static str,
    dimension: Dimension,
    base: &'static str,
    /// `scale = mantissa × 10^-scale_exp`, so non-integer scales stay exact.
    mantissa: i64,
    scale_exp: u32,
    /// Whether 万/亿/千… may prefix it.
    prefixable: bool,
}

const fn unit(symbol: &'static str, dimension: Dimension, base: &'static str) -> BaseUnit {
    BaseUnit {
        symbol,
        dimension,
        base,
        mantissa: 1,
        scale_exp: 0,
        prefixable: true,
    }
}

const fn scaled(
    symbol: &'static str,
    dimension: Dimension,
    base: &'static str,
    mantissa: i64,
    scale_exp: u32,
) -> BaseUnit {
    BaseUnit {
        symbol,
        dimension,
        base,
        mantissa,
        scale_exp,
        prefixable: false,
    }
}

const fn fixed(symbol: &'static str, dimension: Dimension, base: &'static str) -> BaseUnit {
    BaseUnit {
        symbol,
        dimension,
        base,
        mantissa: 1,
        scale_exp: 0,
        prefixable: false,
    }
}

use Dimension::*;

/// Every unit `kpi` knows. Longer symbols come first where one is a prefix of another's reading.
const UNITS: &[BaseUnit] = &[
    // Counts: the noun is the base; 次数 is 次 (S8), 人次 is not 人.
    unit("人次", Count, "人次"),
    unit("户次", Count, "户次"),
    unit("家次", Count, "家次"),
    unit("次数", Count, "次"),
    unit("批次", Count, "批次"),
    unit("课时", Count, "课时"),
    unit("学时", Count, "学时"),
    unit("个", Count, "个"),
    unit("家", Count, "家"),
    unit("户", Count, "户"),
    unit("人", Count, "人"),
    unit("名", Count, "名"),
    unit("位", Count, "位"),
    unit("次", Count, "次"),
    unit("场", Count, "场"),
    unit("件", Count, "件"),
    unit("批", Count, "批"),
    unit("条", Count, "条"),
    unit("份", Count, "份"),
    unit("栋", Count, "栋"),
    unit("处", Count, "处"),
    unit("项", Count, "项"),
    unit("套", Count, "套"),
    unit("台", Count, "台"),
    unit("辆", Count, "辆"),
    unit("篇", Count, "篇"),
    unit("期", Count, "期"),
    unit("所", Count, "所"),
    unit("座", Count, "座"),
    unit("间", Count, "间"),
    unit("张", Count, "张"),
    unit("本", Count, "本"),
    unit("册", Count, "册"),
    unit("部", Count, "部"),
    unit("支", Count, "支"),
    unit("只", Count, "只"),
    unit("株", Count, "株"),
    unit("棵", Count, "棵"),
    unit("头", Count, "头"),
    unit("块", Count, "块"),
    unit("宗", Count, "宗"),
    unit("起", Count, "起"),
    unit("例", Count, "例"),
    unit("门", Count, "门"),
    unit("节", Count, "节"),
    unit("种", Count, "种"),
    unit("类", Count, "类"),
    unit("款", Count, "款"),
    unit("册次", Count, "册次"),
    // Money.
    unit("元", Money, "元"),
    // Percent: `百分比` is written by some provinces for `%`.
    fixed("%", Percent, "%"),
    fixed("百分比", Percent, "%"),
    fixed("百分点", Percent, "%"),
    // Area.
    fixed("平方米", Area, "平方米"),
    fixed("平米", Area, "平方米"),
    fixed("m2", Area, "平方米"),
    scaled("平方公里", Area, "平方米", 1_000_000, 0),
    scaled("平方千米", Area, "平方米", 1_000_000, 0),
    scaled("公顷", Area, "平方米", 10_000, 0),
    scaled("万平方米", Area, "平方米", 10_000, 0),
    // Length.
    fixed("米", Length, "米"),
    scaled("公里", Length, "米", 1_000, 0),
    scaled("千米", Length, "米", 1_000, 0),
    scaled("万公里", Length, "米", 10_000_000, 0),
    scaled("厘米", Length, "米", 1, 2),
    // Mass.
    fixed("千克", Mass, "千克"),
    fixed("公斤", Mass, "千克"),
    scaled("克", Mass, "千克", 1, 3),
    scaled("吨", Mass, "千克", 1_000, 0),
    scaled("万吨", Mass, "千克", 10_000_000, 0),
    scaled("吨标准煤", Mass, "千克", 1_000, 0),
    scaled("万吨标准煤", Mass, "千克", 10_000_000, 0),
    // Energy.
    unit("千瓦时", Energy, "千瓦时"),
    fixed("度", Energy, "千瓦时"),
    // Durations: each unit is its own base (S8: 月 against 天 is an error).
    fixed("小时", Duration, "小时"),
    fixed("分钟", Duration, "分钟"),
    fixed("工作日", Duration, "工作日"),
    fixed("天", Duration, "天"),
    fixed("日", Duration, "天"),
    fixed("周", Duration, "周"),
    fixed("个月", Duration, "月"),
    fixed("月", Duration, "月"),
    fixed("年", Duration, "年"),
];

/// Every known symbol: each unit, then each prefix on each unit that takes one, the first
/// reading of a symbol winning (longer prefixes come first).
static KNOWN: LazyLock<HashMap<String, MeasureData>> = LazyLock::new(|| {
    let mut known = HashMap::new();
    for unit in UNITS {
        known
            .entry(unit.symbol.to_owned())
            .or_insert_with(|| MeasureData {
                symbol: Cow::Borrowed(unit.symbol),
                dimension: unit.dimension,
                base: Cow::Borrowed(unit.base),
                scale: Decimal::new(unit.mantissa, unit.scale_exp),
            });
    }
    for (prefix, factor) in PREFIXES {
        for unit in UNITS.iter().filter(|u| u.prefixable) {
            let symbol = format!("{prefix}{}", unit.symbol);
            known.entry(symbol.clone()).or_insert_with(|| MeasureData {
                symbol: Cow::Owned(symbol),
                dimension: unit.dimension,
                base: Cow::Borrowed(unit.base),
                scale: Decimal::new(unit.mantissa, unit.scale_exp) * Decimal::from(*factor),
            });
        }
    }
    known
});

/// Multiplying prefixes, longest first.
const PREFIXES: &[(&str, i64)] = &[
    ("千万", 10_000_000),
    ("百万", 1_000_000),
    ("十万", 100_000),
    ("亿", 100_000_000),
    ("万", 10_000),
    ("千", 1_000),
    ("百", 100),
    ("十", 10),
];

impl Measure {
    /// Reads a unit as written (already NFKC-folded: `％` is `%`). `None` when `kpi` does not know
    /// it; see [`Measure::unknown`].
    pub fn known(symbol: &str) -> Option<Measure> {
        KNOWN
            .get(trim(symbol))
            .map(|data| Measure(Repr::Known(data)))
    }

    /// A unit `kpi` does not know, kept as written; it compares only with itself.
    pub fn unknown(symbol: &str) -> Measure {
        Measure(Repr::Unknown(Box::new(MeasureData {
            symbol: Cow::Owned(symbol.to_owned()),
            dimension: Dimension::Unknown,
            base: Cow::Owned(symbol.to_owned()),
            scale: Decimal::ONE,
        })))
    }

    fn data(&self) -> &MeasureData {
        match &self.0 {
            Repr::Known(data) => data,
            Repr::Unknown(data) => data,
        }
    }

    /// The known unit, or the unit kept as written.
    pub fn parse(symbol: &str) -> Measure {
        Measure::known(symbol).unwrap_or_else(|| Measure::unknown(trim(symbol)))
    }

    pub fn percent() -> Measure {
        Measure::known("%").expect("% is a known unit")
    }

    pub fn symbol(&self) -> &str {
        &self.data().symbol
    }

    pub fn dimension(&self) -> Dimension {
        self.data().dimension
    }

    /// The base unit: the counted noun for counts (`户` for `万户`), `元` for money.
    pub fn base(&self) -> &str {
        &self.data().base
    }

    /// How many base units one of this unit is (`万户` → 10000).
    pub fn scale(&self) -> Decimal {
        self.data().scale
    }

    pub fn is_known(&self) -> bool {
        self.dimension() != Dimension::Unknown
    }

    /// How to turn a value in `self` into a value in `target` (scoring.md S8).
    pub fn conversion_to(&self, target: &Measure) -> Result<Conversion, Box<MeasureMismatch>> {
        let mismatch = || {
            Box::new(MeasureMismatch {
                from: self.clone(),
                to: target.clone(),
            })
        };
        if self.dimension() != target.dimension() {
            return Err(mismatch());
        }
        match self.dimension() {
            Dimension::Duration | Dimension::Unknown if self.base() != target.base() => {
                Err(mismatch())
            }
            _ => Ok(Conversion {
                factor: self.scale() / target.scale(),
                different_nouns: self.dimension() == Dimension::Count
                    && self.base() != target.base(),
            }),
        }
    }

    /// `value` in `self` expressed in `target`, exactly.
    pub fn convert(
        &self,
        value: Decimal,
        target: &Measure,
    ) -> Result<Decimal, Box<MeasureMismatch>> {
        let conversion = self.conversion_to(target)?;
        value.checked_mul(conversion.factor).ok_or_else(|| {
            Box::new(MeasureMismatch {
                from: self.clone(),
                to: target.clone(),
            })
        })
    }
}

/// A conversion factor between two units of one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversion {
    pub factor: Decimal,
    /// Counts of different nouns (户 against 家): compared, with a warning (S8).
    pub different_nouns: bool,
}

/// Two units that do not convert into each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureMismatch {
    pub from: Measure,
    pub to: Measure,
}

impl fmt::Display for MeasureMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from.dimension() == self.to.dimension() {
            write!(
                f,
                "{} and {} do not convert into each other ({} compare only in the same unit)",
                self.from,
                self.to,
                self.from.dimension().label()
            )
        } else {
            write!(
                f,
                "{} ({}) and {} ({}) measure different things",
                self.from,
                self.from.dimension().label(),
                self.to,
                self.to.dimension().label()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn m(s: &str) -> Measure {
        Measure::known(s).unwrap_or_else(|| panic!("{s} should be known"))
    }

    #[test]
    fn prefixed_counts_convert_exactly() {
        assert_eq!(m("万户").convert(dec!(0.1), &m("户")).unwrap(), dec!(1000));
        assert_eq!(
            m("户").convert(dec!(1250), &m("万户")).unwrap(),
            dec!(0.125)
        );
        assert_eq!(m("万人次").scale(), dec!(10000));
        assert_eq!(m("万人次").base(), "人次");
    }

    #[test]
    fn money_converts_between_yuan_wan_and_yi() {
        assert_eq!(m("亿元").convert(dec!(9), &m("万元")).unwrap(), dec!(90000));
        assert_eq!(
            m("元").convert(dec!(1000000), &m("万元")).unwrap(),
            dec!(100)
        );
    }

    #[test]
    fn percent_spellings_are_one_unit() {
        assert_eq!(
            m("百分比").convert(dec!(96.2), &m("%")).unwrap(),
            dec!(96.2)
        );
        assert_eq!(m("百分比").dimension(), Dimension::Percent);
    }

    #[test]
    fn area_spellings_are_one_unit() {
        assert_eq!(
            m("平米").convert(dec!(500), &m("平方米")).unwrap(),
            dec!(500)
        );
    }

    #[test]
    fn durations_compare_only_in_the_same_unit() {
        assert!(m("月").convert(dec!(12), &m("天")).is_err());
        assert_eq!(m("日").convert(dec!(3), &m("天")).unwrap(), dec!(3));
        assert_eq!(m("个月").convert(dec!(3), &m("月")).unwrap(), dec!(3));
    }

    #[test]
    fn different_count_nouns_convert_with_a_warning() {
        let c = m("户").conversion_to(&m("家")).unwrap();
        assert!(c.different_nouns);
        assert_eq!(c.factor, Decimal::ONE);
        assert!(!m("次数").conversion_to(&m("次")).unwrap().different_nouns);
        assert!(m("人次").conversion_to(&m("人")).unwrap().different_nouns);
    }

    #[test]
    fn dimensions_do_not_mix() {
        let err = m("万元").convert(dec!(1), &m("%")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "万元 (money) and % (percent) measure different things"
        );
    }

    #[test]
    fn unknown_units_are_kept_as_written() {
        assert!(Measure::known("企业").is_none());
        let u = Measure::parse("企业");
        assert_eq!(u.symbol(), "企业");
        assert!(!u.is_known());
        assert!(u.convert(dec!(1), &Measure::parse("企业")).is_ok());
        assert!(u.convert(dec!(1), &m("个")).is_err());
    }

    #[test]
    fn every_listed_unit_is_known_by_its_symbol() {
        for unit in UNITS {
            let measure = m(unit.symbol);
            assert_eq!(measure.symbol(), unit.symbol);
            assert_eq!(measure.dimension(), unit.dimension);
        }
    }

    #[test]
    fn prefixes_apply_only_to_prefixable_units() {
        assert_eq!(m("千人").scale(), dec!(1000));
        assert_eq!(m("亿千瓦时").scale(), dec!(100000000));
        assert!(Measure::known("万%").is_none());
        assert!(Measure::known("万小时").is_none());
    }
}
