//! Every rule with cases that must be found and cases that must not (many from the seed).

use rust_decimal_macros::dec;

use super::*;
use crate::import::budget_table::{BudgetRow, BudgetTable};
use crate::model::Provenance;
use crate::syntax::target::{TargetCell, parse_cell};

fn target(raw: &str) -> crate::model::Target {
    match parse_cell(raw).expect("a target").cell {
        TargetCell::Target(t) => t,
        TargetCell::Leftover => panic!("{raw} is a leftover"),
    }
}

fn at(line: u32) -> Option<Provenance> {
    Some(Provenance {
        line,
        start: 0,
        end: 0,
    })
}

fn row(level1: &str, level2: &str, name: &str, raw: &str) -> Indicator {
    Indicator {
        id: format!("p-{name}").into(),
        level1: level1.into(),
        level2: level2.into(),
        name: name.into(),
        target: target(raw),
        deadline: None,
        direction: None,
        weight: None,
        allow: Default::default(),
        source: at(100),
    }
}

fn output(name: &str, raw: &str) -> Indicator {
    row("产出指标", "数量指标", name, raw)
}

fn quality(name: &str, raw: &str) -> Indicator {
    row("产出指标", "质量指标", name, raw)
}

fn code(said: rows::Said) -> Option<&'static str> {
    said.map(|(code, _, _)| code)
}

fn project(name: &str, budget: Option<rust_decimal::Decimal>, rows: Vec<Indicator>) -> Project {
    Project {
        id: format!("558001-{}", name.len()),
        name: name.into(),
        unit: "558001".into(),
        budget,
        indicators: rows,
        source: at(10),
        ..Project::default()
    }
}

fn department(projects: Vec<Project>) -> Department {
    Department {
        name: "部门".into(),
        units: vec![Unit {
            code: "558001".into(),
            name: "本级".into(),
            ..Unit::default()
        }],
        projects,
        ..Department::default()
    }
}

fn imported(department: Department, table: Option<BudgetTable>) -> Imported {
    Imported {
        department,
        notes: Vec::new(),
        accounting: crate::import::Accounting::default(),
        budget_table: table,
        places: None,
    }
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn every_rule_has_a_unique_kebab_case_code() {
    for (i, rule) in RULES.iter().enumerate() {
        assert!(
            rule.code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            rule.code
        );
        assert!(
            RULES[..i].iter().all(|r| r.code != rule.code),
            "{} twice",
            rule.code
        );
    }
}

#[test]
fn capped_shares_are_errors_and_legitimate_caps_are_not() {
    let doubtful = |i: Indicator| code(rows::doubtful_direction(&i));
    let satisfaction = row(
        "满意度指标",
        "服务对象满意度指标",
        "担保机构满意度",
        "<=100%",
    );
    assert_eq!(doubtful(satisfaction), Some("capped-share"));
    assert_eq!(
        doubtful(quality("项目完成及时性", "<=100%")),
        Some("capped-share")
    );
    for name in [
        "在职人员控制率",
        "成本控制率",
        "预算调整率",
        "高级职称通过率",
        "降低小微企业担保费率",
    ] {
        assert_eq!(doubtful(quality(name, "<=100%")), None, "{name}");
    }
    assert_eq!(doubtful(quality("担保机构满意度", ">=90%")), None);
    let (_, message, help) =
        rows::doubtful_direction(&quality("担保机构满意度", "<=100%")).unwrap();
    assert!(message.contains("`担保机构满意度 <= 100 %`"), "{message}");
    assert!(help.contains("`>= 100 %`"), "{help}");
    assert_eq!(rule_of("capped-share").unwrap().severity, Severity::Error);
}

#[test]
fn capped_outputs_but_not_bad_counts_nor_durations() {
    let doubtful = |i: Indicator| code(rows::doubtful_direction(&i));
    assert_eq!(
        doubtful(output("全年走访慰问老干部人数", "<=280人")),
        Some("capped-output")
    );
    assert_eq!(doubtful(output("违约用电用户", "<=500户")), None);
    assert_eq!(doubtful(output("用户平均停电时长", "<=9.62小时")), None);
    assert_eq!(doubtful(output("组织活动次数", ">=1次")), None);
    // A spec that states the direction has settled it.
    let mut settled = output("印刷次数", "<=5次");
    settled.direction = Some(crate::model::Direction::Lower);
    assert_eq!(doubtful(settled), None);
}

#[test]
fn raised_bad_counts() {
    let bad = |i: Indicator| code(rows::bad_count(&i));
    assert_eq!(
        bad(output("政府采购管理违法违规行为发生次数", ">=1次")),
        Some("raised-bad-count")
    );
    assert_eq!(
        bad(output("政府采购管理违法违规行为发生次数", "=0次")),
        None
    );
    assert_eq!(bad(output("税收违法“黑名单”公布数", ">=30户")), None);
    assert_eq!(bad(quality("维护项目设备故障解除率", ">=90%")), None);
}

#[test]
fn time_limits_written_with_equals() {
    let limit = |i: Indicator| code(rows::time_limit_equals(&i));
    let timed = row("产出指标", "时效指标", "项目完成时限", "=12月");
    let (_, message, help) = rows::time_limit_equals(&timed).unwrap();
    assert!(message.contains("`项目完成时限 = 12 月`"), "{message}");
    assert!(help.contains("`<= 12 月`"), "{help}");
    assert_eq!(
        limit(row("产出指标", "时效指标", "拨付资金时限", "<=12月")),
        None
    );
    assert_eq!(limit(quality("合格率", "=100%")), None);
    assert_eq!(limit(quality("项目延误天数", "=0天")), None);
    let mut settled = timed.clone();
    settled.direction = Some(crate::model::Direction::Lower);
    assert_eq!(limit(settled), None);
}

#[test]
fn shares_above_100_percent() {
    let over = |i: Indicator| code(rows::share_over_100(&i));
    assert_eq!(
        over(quality("验收合格率", ">=120%")),
        Some("share-over-100")
    );
    assert_eq!(over(quality("验收合格率", ">100%")), Some("share-over-100"));
    assert_eq!(
        over(quality("验收合格率", "<=110%")),
        Some("share-over-100")
    );
    assert_eq!(over(quality("覆盖比例", "90-120%")), Some("share-over-100"));
    assert_eq!(over(quality("验收合格率", ">=100%")), None);
    assert_eq!(over(quality("参加培训人员增长率", ">=150%")), None);
    assert_eq!(over(quality("投资回报率", ">=120%")), None);
    assert_eq!(over(output("服务用户规模", ">=120个")), None);
}

#[test]
fn units_that_do_not_fit_the_name() {
    let misfit = |i: Indicator| code(rows::unit_mismatch(&i));
    // The seed: enterprises counted in 人.
    assert_eq!(
        misfit(output("已认定的创新型企业", "<=30人")),
        Some("unit-mismatch")
    );
    assert_eq!(misfit(output("参评人数", ">5家")), Some("unit-mismatch"));
    assert_eq!(misfit(output("参会人次", ">=5个")), Some("unit-mismatch"));
    assert_eq!(
        misfit(row("产出指标", "时效指标", "项目完成时间", "<=12个")),
        Some("unit-mismatch")
    );
    assert_eq!(misfit(output("培训次数", ">=12月")), Some("unit-mismatch"));
    // Fitting units, including the seed's.
    for (name, raw) in [
        ("奖励企业数量", ">=180户"),
        ("服务企业家数", ">=1000家"),
        ("培训企业家", ">=30人"),
        ("企业职工培训人数", ">=100人"),
        ("带动就业人数", "=1000人"),
        ("制造业数字化转型对接交流会参与人次", ">=500人次"),
        ("项目完成时间", "<=360天"),
        ("培训影响时间", ">=1年"),
        ("按时间节点完成事项数", ">=10项"),
        ("参与单位数量", ">=1家"),
    ] {
        assert_eq!(misfit(output(name, raw)), None, "{name} {raw}");
    }
}

#[test]
fn vague_qualitative_targets() {
    for text in [
        "提升",
        "好",
        "突出",
        "不断提高",
        "显著提升",
        "有所提升",
        "较好",
        "优",
    ] {
        assert!(rows::is_vague(text), "{text}");
    }
    for text in [
        "完成",
        "确认",
        "能力提升",
        "确保稳定",
        "管理规范",
        "可持续",
        "提高意识",
        "持续保持",
    ] {
        assert!(!rows::is_vague(text), "{text}");
    }
    let vague = |i: Indicator| code(rows::vague_target(&i));
    assert_eq!(
        vague(row("效益指标", "社会效益指标", "替代进口程度提升", "提升")),
        Some("vague-target")
    );
    assert_eq!(vague(quality("合格率", ">=100%")), None);
}

#[test]
fn cost_ceilings_above_the_budget_after_conversion() {
    let cost = |name: &str, raw: &str| row("产出指标", "成本指标", name, raw);
    let p = project(
        "印刷费",
        Some(dec!(4.50)),
        vec![
            cost("刊物印刷成本", "<=5万元"),
            cost("项目成本", "<=4.5万元"),
            cost("印刷单价", "<=50000元"),
            cost("另一成本", "<=45000元"),
            cost("成本控制率", "<=100%"),
            quality("拨付资金金额", ">=200万元"),
        ],
    );
    let mut out = Vec::new();
    measures::cost_over_budget(&p, &mut out);
    let names: Vec<&str> = out
        .iter()
        .map(|f| f.indicator.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(names, ["刊物印刷成本", "印刷单价"]);
    assert!(out[1].message.contains("(5 万元)"), "{}", out[1].message);
    // 成本指标 as a 一级指标, and 亿元.
    let p = project(
        "大项目",
        Some(dec!(9000)),
        vec![row("成本指标", "经济成本指标", "总成本", "<=1亿元")],
    );
    let mut out = Vec::new();
    measures::cost_over_budget(&p, &mut out);
    assert_eq!(codes(&out), ["cost-over-budget"]);
    // No budget, nothing to hold the cost against.
    let mut out = Vec::new();
    measures::cost_over_budget(
        &project("无预算", None, vec![cost("项目成本", "<=5万元")]),
        &mut out,
    );
    assert!(out.is_empty());
}

#[test]
fn qualitative_targets_with_a_stray_unit_from_the_importer() {
    let text = "部门(单位)名称\t558001单位\n年度绩效指标\t一级指标\t二级指标\t三级指标\t运算符号\t指标值\t度量单位\t完成时限\n\t基础管理\t依法行政能力\t综合管理水平\t=\t管理规范\t%\t2024-12\n\t基础管理\t综合管理\t制度建设\t\t完善\t\t2024-12\n";
    let imported = crate::import::import_disclosure("t.txt", text).expect("imports");
    let mut out = Vec::new();
    measures::qualitative_with_unit(&imported.department, &imported.notes, &mut out);
    assert_eq!(codes(&out), ["qualitative-with-unit"]);
    assert_eq!(out[0].line, Some(3));
    assert!(
        out[0].message.contains("the unit `%` and the operator `=`"),
        "{}",
        out[0].message
    );
}

#[test]
fn duplicate_names_and_empty_categories() {
    let mut p = project(
        "项目",
        Some(dec!(10)),
        vec![
            quality("资金到位率", "=100%"),
            row("效益指标", "社会效益指标", "资金 到位率", ">=90%"),
            quality("合格率", "=100%"),
        ],
    );
    p.empty_categories.push(crate::model::Category {
        level1: "满意度指标".into(),
        level2: Some("服务对象满意度指标".into()),
        source: at(12),
    });
    let mut out = Vec::new();
    structure::check_table(Owner::Project(&p), &mut out);
    assert_eq!(codes(&out), ["duplicate-indicator", "empty-category"]);
    assert_eq!(out[0].indicator.as_ref().unwrap().name, "资金 到位率");
    assert_eq!(out[1].line, Some(12));
    let clean = project("项目", None, vec![quality("合格率", "=100%")]);
    let mut out = Vec::new();
    structure::check_table(Owner::Project(&clean), &mut out);
    assert!(out.is_empty());
}

#[test]
fn projects_without_output_benefit_or_numbers() {
    let only_output = project("只有产出", None, vec![output("次数", ">=1次")]);
    let finding = structure::no_output_or_benefit(&only_output).unwrap();
    assert!(
        finding.message.contains("no 效益指标"),
        "{}",
        finding.message
    );
    let both = project(
        "齐全",
        None,
        vec![
            output("次数", ">=1次"),
            row("效益指标", "社会效益指标", "稳定", "确保稳定"),
        ],
    );
    assert!(structure::no_output_or_benefit(&both).is_none());
    assert!(structure::no_quantitative(&both).is_none());
    let words = project(
        "全是定性",
        None,
        vec![
            quality("完成印刷", "完成印刷"),
            row("效益指标", "社会效益指标", "稳定", "确保稳定"),
        ],
    );
    assert_eq!(
        structure::no_quantitative(&words).map(|f| f.code),
        Some("no-quantitative")
    );
}

#[test]
fn slight_name_differences() {
    use budget::{Pairing, slight};
    assert_eq!(
        slight(
            "支持产业基础升级再造及制造业高质量发展前期工作经费",
            "支持产业基础升级改造及制造业高质量发展前期工作经费"
        ),
        Some(Pairing::OneCharacter)
    );
    assert_eq!(
        slight("“专精特新”中小企业奖励项目", "专精特新中小企业奖励项目"),
        Some(Pairing::Format)
    );
    // Numerals name other projects; short names and two characters are too far.
    assert_eq!(
        slight("2023年中央节能减排补助资金", "2024年中央节能减排补助资金"),
        None
    );
    assert_eq!(slight("大数据中心（一期）", "大数据中心（二期）"), None);
    assert_eq!(slight("培训费", "印刷费"), None);
    assert_eq!(slight("电力设施保护工作经费", "电力设施保护宣传经费"), None);
}

fn budget_row(unit: &str, name: &str, amount: rust_decimal::Decimal, line: u32) -> BudgetRow {
    BudgetRow {
        unit: Some(unit.into()),
        name: name.into(),
        amount,
        line,
    }
}

#[test]
fn budget_table_against_targets() {
    let d = department(vec![
        project("老干部特需专项经费", Some(dec!(35.88)), vec![]),
        project("支持产业基础升级改造经费", Some(dec!(402)), vec![]),
        project(
            "支持中小微企业发展前期工作经费（中小）",
            Some(dec!(70.50)),
            vec![],
        ),
        project("法律顾问费", Some(dec!(4.50)), vec![]),
        project("只在表17", Some(dec!(1)), vec![]),
    ]);
    let table = BudgetTable {
        total: Some(BudgetRow {
            unit: None,
            name: "合计".into(),
            amount: dec!(600),
            line: 1,
        }),
        units: vec![BudgetRow {
            unit: None,
            name: "本级".into(),
            amount: dec!(600),
            line: 2,
        }],
        projects: vec![
            budget_row("本级", "老干部特需专项经费", dec!(35.88), 3),
            budget_row("本级", "支持产业基础升级再造经费", dec!(402), 4),
            budget_row(
                "本级",
                "支持中小微企业发展前期工作经费(中小)",
                dec!(70.50),
                5,
            ),
            budget_row("本级", "法律顾问费", dec!(5.00), 6),
            budget_row("本级", "招商工作经费—结转", dec!(80.80), 7),
        ],
    };
    let found: Vec<Finding> = findings(&imported(d, Some(table)))
        .into_iter()
        .filter(|f| f.code != "no-output-or-benefit")
        .collect();
    let summary: Vec<(Option<u32>, &str)> = found.iter().map(|f| (f.line, f.code)).collect();
    assert_eq!(
        summary,
        [
            (Some(1), "budget-sum-differs"),
            (Some(2), "budget-sum-differs"),
            (Some(7), "project-without-targets"),
            (Some(10), "budget-differs"),
            (Some(10), "name-differs"),
            (Some(10), "name-format-differs"),
            (Some(10), "not-in-budget-table"),
        ]
    );
    let carried = &found[2];
    assert!(carried.message.contains("结转"), "{}", carried.message);
    assert_eq!(carried.unit.as_ref().unwrap().id.as_deref(), Some("558001"));
    assert!(
        found[0].message.contains("594.18 万元 (5.82 less)"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_budget_table_that_adds_up_is_quiet() {
    let d = department(vec![project("甲", Some(dec!(1)), vec![])]);
    let table = BudgetTable {
        total: Some(BudgetRow {
            unit: None,
            name: "合计".into(),
            amount: dec!(1),
            line: 1,
        }),
        units: vec![BudgetRow {
            unit: None,
            name: "本级".into(),
            amount: dec!(1),
            line: 2,
        }],
        projects: vec![budget_row("本级", "甲", dec!(1), 3)],
    };
    let found = findings(&imported(d, Some(table)));
    assert_eq!(codes(&found), ["no-output-or-benefit"]);
}

#[test]
fn allow_silences_by_rule_at_each_level() {
    let rows = || {
        vec![
            output("印刷次数", "<=5次"),
            quality("担保机构满意度", "<=100%"),
        ]
    };
    let lint_of = |d: Department| lint(&imported(d, None), "t.kpi", None);
    let base = department(vec![project("项目", None, rows())]);
    let all = lint_of(base.clone());
    assert_eq!(
        codes(&all.findings),
        ["no-output-or-benefit", "capped-output", "capped-share"]
    );
    // Per indicator.
    let mut d = base.clone();
    d.projects[0].indicators[1]
        .allow
        .push("capped-share".into());
    let l = lint_of(d);
    assert_eq!(
        codes(&l.findings),
        ["no-output-or-benefit", "capped-output"]
    );
    assert_eq!(l.silenced.len(), 1);
    assert_eq!(l.silenced[0].1, AllowedBy::Indicator);
    // An allow of another rule on the row silences nothing.
    let mut d = base.clone();
    d.projects[0].indicators[1]
        .allow
        .push("capped-output".into());
    assert_eq!(lint_of(d).findings.len(), 3);
    // Per project, per department.
    let mut d = base.clone();
    d.projects[0].allow.push("capped-output".into());
    let l = lint_of(d);
    assert_eq!(l.silenced[0].1, AllowedBy::Project);
    let mut d = base.clone();
    d.allow.push("no-output-or-benefit".into());
    let l = lint_of(d);
    assert_eq!(codes(&l.findings), ["capped-output", "capped-share"]);
    assert_eq!(l.silenced[0].1, AllowedBy::Department);
    // Through another document's allows, matched by id.
    let mut allows = base.clone();
    allows.projects[0].indicators[0]
        .allow
        .push("capped-output".into());
    let l = lint(&imported(base.clone(), None), "t.txt", Some(&allows));
    assert_eq!(codes(&l.findings), ["no-output-or-benefit", "capped-share"]);
}

#[test]
fn allow_silences_unit_rows_at_unit_level() {
    let mut d = department(vec![]);
    d.units[0]
        .indicators
        .push(row("管理效率", "预算执行", "工作完成及时率", "<=100%"));
    let l = lint(&imported(d.clone(), None), "t.kpi", None);
    assert_eq!(codes(&l.findings), ["capped-share"]);
    assert_eq!(
        l.findings[0].unit.as_ref().unwrap().id.as_deref(),
        Some("558001")
    );
    d.units[0].allow.push("capped-share".into());
    let l = lint(&imported(d, None), "t.kpi", None);
    assert!(l.findings.is_empty());
    assert_eq!(l.silenced[0].1, AllowedBy::Unit);
}

#[test]
fn unknown_allow_codes_are_reported() {
    let mut d = department(vec![project("项目", None, vec![])]);
    d.projects[0].allow.push("capped-shares".into());
    let found = findings(&imported(d, None));
    assert_eq!(codes(&found), ["no-output-or-benefit", "unknown-lint-code"]);
    assert!(found[1].message.contains("`capped-shares`"));
}

#[test]
fn findings_are_sorted_by_line_then_code() {
    let mut late = output("印刷次数", "<=5次");
    late.source = at(300);
    let mut early = quality("担保机构满意度", "<=100%");
    early.source = at(200);
    let d = department(vec![project("项目", None, vec![late, early])]);
    let found = findings(&imported(d, None));
    let lines: Vec<(Option<u32>, &str)> = found.iter().map(|f| (f.line, f.code)).collect();
    assert_eq!(
        lines,
        [
            (Some(10), "no-output-or-benefit"),
            (Some(200), "capped-share"),
            (Some(300), "capped-output"),
        ]
    );
}

#[test]
fn the_seed_has_the_findings_the_issue_names() {
    let imported = crate::import::import_disclosure(
        crate::embedded::DISCLOSURE_NAME,
        crate::embedded::DISCLOSURE,
    )
    .unwrap();
    let found = findings(&imported);
    let at_lines = |code: &str| -> Vec<u32> {
        found
            .iter()
            .filter(|f| f.code == code)
            .filter_map(|f| f.line)
            .collect()
    };
    assert_eq!(at_lines("capped-share"), [1521, 1522, 1526]);
    assert_eq!(at_lines("cost-over-budget"), [1211, 1232, 1253]);
    assert_eq!(at_lines("name-differs"), [1165]);
    assert_eq!(at_lines("project-without-targets").len(), 4);
    assert!(at_lines("not-in-budget-table").is_empty());
    assert!(at_lines("budget-differs").is_empty());
    assert!(at_lines("share-over-100").is_empty());
    assert!(at_lines("raised-bad-count").is_empty());
}
