//! Reading actuals against the seed's targets (library level): the form `kpi template` writes
//! reads back unchanged, a filled copy gives the right actuals, a hand-made file with Chinese
//! column names matches by names, and bad files are errors that point at the cell.
//!
//! `tests/fixtures/actuals/template-2024.csv` is the seed's form as `kpi template` writes it; a
//! unit test of `src/report/template.rs` keeps it current.

mod common;

use kpi::actuals::{Actual, ActualRow, Actuals, ActualsSetAside, ReadOptions, Subject, read};
use kpi::error::LocatedError;
use kpi::model::Department;
use kpi::profile::Profile;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn seed() -> Department {
    kpi::import::import(kpi::embedded::SPEC_NAME, kpi::embedded::SPEC)
        .expect("the embedded spec reads")
        .department
}

fn fixture(name: &str) -> Vec<u8> {
    let path = common::root().join("tests/fixtures/actuals").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_bytes(name: &str, bytes: &[u8]) -> kpi::Result<Actuals> {
    read(
        name,
        bytes,
        &seed(),
        &Profile::national(),
        &ReadOptions::default(),
    )
}

fn read_fixture(name: &str) -> kpi::Result<Actuals> {
    read_bytes(name, &fixture(name))
}

fn located(result: kpi::Result<Actuals>) -> LocatedError {
    match result.as_ref().map_err(kpi::Error::inner) {
        Err(kpi::Error::Located(e)) => (**e).clone(),
        other => panic!("expected a located error, got {other:?}"),
    }
}

/// The id of what a row reports on.
fn id_of(model: &Department, subject: Subject) -> String {
    match subject {
        Subject::UnitIndicator { unit, indicator } => model.units[unit as usize].indicators
            [indicator as usize]
            .id
            .to_string(),
        Subject::ProjectIndicator { project, indicator } => model.projects[project as usize]
            .indicators[indicator as usize]
            .id
            .to_string(),
        Subject::Budget { project } => format!("{}#budget", model.projects[project as usize].id),
    }
}

fn row<'a>(actuals: &'a Actuals, model: &Department, id: &str) -> &'a ActualRow {
    actuals
        .rows
        .iter()
        .find(|r| id_of(model, r.subject) == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

fn quantity(actual: &Actual) -> (Decimal, bool) {
    match actual {
        Actual::Quantity {
            value,
            different_nouns,
            ..
        } => (*value, *different_nouns),
        other => panic!("not a quantity: {other:?}"),
    }
}

#[test]
fn the_seed_form_reads_back_unchanged_with_every_subject_matched() {
    let model = seed();
    let actuals = read_fixture("template-2024.csv").expect("the unchanged form reads");
    assert_eq!(actuals.encoding, "UTF-8");
    assert!(actuals.notes.is_empty(), "{:?}", actuals.notes);
    assert_eq!(actuals.rows.len(), 458 + 57);
    let budgets = actuals
        .rows
        .iter()
        .filter(|r| matches!(r.subject, Subject::Budget { .. }))
        .count();
    assert_eq!(budgets, 57);
    assert!(actuals.rows.iter().all(|r| r.actual == Actual::Missing));
    // Every indicator of the model is matched once, in template order.
    let mut ids: Vec<String> = actuals
        .rows
        .iter()
        .map(|r| id_of(&model, r.subject))
        .collect();
    assert_eq!(ids[0], "558001-unit-f08164");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 515);
    let accounting = &actuals.accounting;
    assert_eq!(accounting.rows_read, 515);
    assert_eq!(accounting.rows_used, 0);
    assert_eq!(accounting.set_aside, vec![(ActualsSetAside::Unfilled, 515)]);
    assert!(accounting.balances());
    // Line numbers are the file's: the header is line 1.
    assert_eq!(actuals.rows[0].line, 2);
    assert_eq!(actuals.rows[514].line, 516);
}

#[test]
fn a_filled_copy_of_the_form_reads_the_right_actuals() {
    let model = seed();
    let actuals = read_fixture("filled-2024.csv").expect("the filled form reads");
    let at = |id: &str| row(&actuals, &model, id);

    let r = at("558001-unit-f08164");
    assert_eq!(quantity(&r.actual), (dec!(100), false));
    assert_eq!(r.completed, chrono::NaiveDate::from_ymd_opt(2024, 11, 30));
    // S7: a tier word with a description; S16: a claimed score.
    let r = at("558001-unit-49349b");
    assert!(matches!(
        r.actual,
        Actual::Tier {
            tier: 0,
            share: None,
            ..
        }
    ));
    assert_eq!(r.claimed(), Some(dec!(1.5)));
    let r = at("558001-unit-71ce2e");
    assert_eq!(
        r.actual,
        Actual::Tier {
            tier: 2,
            share: Some(dec!(75)),
            written: "部分达成 75%".into()
        }
    );
    assert_eq!(r.note.as_deref(), Some("制度修订延至次年"));
    // S8: 1,250户 against >= 0.1 万户 is 0.125 万户; 93000 万元 against 亿元 is 9.3.
    assert_eq!(
        quantity(&at("558001-a2391c58-d42e26").actual),
        (dec!(0.125), false)
    );
    let r = at("558001-55d12716-02efb6");
    assert_eq!(quantity(&r.actual), (dec!(9.3), false));
    assert_eq!(r.actual.written(), "93000 万元");
    // S8: 户 against 家, compared with a warning.
    assert_eq!(
        quantity(&at("558001-f5aa59fe-a7eb71").actual),
        (dec!(25), true)
    );
    let warning = actuals
        .notes
        .iter()
        .find(|n| n.code == "different-nouns")
        .expect("a different-nouns warning");
    assert_eq!(warning.line, 323);
    assert_eq!(
        warning.render("filled-2024.csv"),
        "filled-2024.csv:323: warning[different-nouns]: 558001-f5aa59fe-a7eb71: the actual `25户` counts 户 and the target 家; compared as one count"
    );
    // The real indicator 预算执行率 of 规升巨 and the project's budget execution are two subjects.
    assert_eq!(
        quantity(&at("558001-f5aa59fe-d512e6").actual),
        (dec!(95.9), false)
    );
    let r = at("558001-f5aa59fe#budget");
    assert_eq!(
        r.actual,
        Actual::Spent {
            wan: dec!(268.5),
            written: "268.5万元".into()
        }
    );
    assert_eq!(r.budget(), Some(dec!(270)));
    assert_eq!(
        at("558001-04ae452e#budget").actual,
        Actual::Rate {
            percent: dec!(96.2),
            written: "96.2%".into()
        }
    );
    let r = at("558001-64533775-32372e");
    assert_eq!(quantity(&r.actual), (dec!(11), false));
    assert_eq!(r.completed, chrono::NaiveDate::from_ymd_opt(2024, 11, 30));
    assert_eq!(quantity(&at("558001-unit-09bb64").actual), (dec!(0), false));
    let r = at("558001-unit-fc9dc2");
    assert_eq!(r.actual, Actual::NotApplicable);
    assert_eq!(r.note.as_deref(), Some("本年无在职人员变动"));

    let accounting = &actuals.accounting;
    assert_eq!(accounting.rows_read, 515);
    assert_eq!(accounting.rows_used, 11);
    assert_eq!(
        accounting.set_aside,
        vec![
            (ActualsSetAside::Unfilled, 503),
            (ActualsSetAside::NotApplicable, 1)
        ]
    );
    assert!(accounting.balances());
    assert_eq!(actuals.rows.len(), 515);
}

#[test]
fn a_hand_made_file_with_chinese_columns_matches_by_names() {
    let model = seed();
    let actuals = read_fixture("handmade-2024.csv").expect("the hand-made file reads");
    let subjects: Vec<String> = actuals
        .rows
        .iter()
        .map(|r| id_of(&model, r.subject))
        .collect();
    assert_eq!(
        subjects,
        [
            // S12: `预算执行率` without categories is budget execution…
            "558001-f5aa59fe#budget",
            // …and with its categories the project's real indicator.
            "558001-f5aa59fe-d512e6",
            "558001-693b9150#budget",
            "558001-unit-49349b",
            "558002-unit-49349b",
            "558001-b93209ea-d42e26",
            "558001-55d12716-02efb6",
        ]
    );
    let at = |id: &str| row(&actuals, &model, id);
    assert_eq!(at("558001-f5aa59fe#budget").budget(), Some(dec!(270)));
    assert_eq!(
        at("558001-693b9150#budget").actual,
        Actual::Rate {
            percent: dec!(96),
            written: "96%".into()
        }
    );
    assert_eq!(at("558001-693b9150#budget").claimed(), Some(dec!(9.6)));
    assert_eq!(
        quantity(&at("558001-b93209ea-d42e26").actual),
        (dec!(0.12), false)
    );
    assert_eq!(
        quantity(&at("558001-55d12716-02efb6").actual),
        (dec!(9.3), false)
    );
    assert!(matches!(
        at("558002-unit-49349b").actual,
        Actual::Tier { tier: 1, .. }
    ));
    let unknown: Vec<String> = actuals
        .notes
        .iter()
        .map(|n| n.render("handmade-2024.csv"))
        .collect();
    assert_eq!(
        unknown,
        [
            "handmade-2024.csv:1: warning[unknown-column]: unknown columns, ignored: `备注` (column 10)"
        ]
    );
    let accounting = &actuals.accounting;
    assert_eq!(accounting.rows_read, 8);
    assert_eq!(accounting.rows_used, 7);
    assert_eq!(accounting.set_aside, vec![(ActualsSetAside::Blank, 1)]);
    assert!(accounting.balances());
}

#[test]
fn gb18030_and_bom_files_read_the_same() {
    let text = String::from_utf8(fixture("handmade-2024.csv")).unwrap();
    let utf8 = read_bytes("handmade-2024.csv", text.as_bytes()).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    let from_gbk = read_bytes("handmade-2024.csv", &gbk).unwrap();
    assert_eq!(from_gbk.encoding, "gb18030");
    assert_eq!(from_gbk.rows, utf8.rows);
    let bom = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
    let from_bom = read_bytes("handmade-2024.csv", &bom).unwrap();
    assert_eq!(from_bom.rows, utf8.rows);
    assert_eq!(from_bom.notes, utf8.notes);
}

#[test]
fn two_rows_for_one_subject_name_both_lines() {
    let e = located(read_fixture("duplicate-rows.csv"));
    assert_eq!(
        e.to_string(),
        "duplicate-rows.csv:3:18: expected one row for 558001-b93209ea-d42e26, found a second: lines 2 and 3"
    );
}

#[test]
fn an_unknown_project_suggests_the_closest_names() {
    let e = located(read_fixture("unknown-project.csv"));
    assert_eq!((e.line, e.column), (2, Some(1)));
    assert!(
        e.message.starts_with(
            "expected a project of the targets, found `鼓励中小企业成长政策`; closest: `鼓励中小企业成长“规升巨”政策`"
        ),
        "{}",
        e.message
    );
    assert_eq!(e.message.matches("`, `").count(), 2, "{}", e.message);
}

#[test]
fn an_ambiguous_indicator_lists_the_candidate_ids() {
    let e = located(read_fixture("ambiguous-indicator.csv"));
    assert_eq!(e.location(), "ambiguous-indicator.csv:2:9");
    assert_eq!(
        e.message,
        "expected one indicator named `综合管理水平` in unit 558001, found 2: 558001-unit-49349b (基础管理 / 综合管理水平), 558001-unit-71ce2e (可持续性 / 体制机制改革)"
    );
    assert_eq!(
        e.help.as_deref(),
        Some("fill level1 and level2 (一级指标, 二级指标), or write the indicator's id")
    );
}

#[test]
fn a_changed_target_in_the_form_is_an_error_naming_both_targets() {
    let text = String::from_utf8(fixture("template-2024.csv")).unwrap();
    let changed = text.replacen(
        "调查企业户数,≥ 0.1 万户,2024-12,",
        "调查企业户数,≥ 0.2 万户,2024-12,",
        1,
    );
    assert_ne!(changed, text);
    let e = located(read_bytes("form.csv", changed.as_bytes()));
    assert_eq!(e.line, 101);
    assert_eq!(
        e.message,
        "expected the target of 558001-a2391c58-d42e26 (`≥ 0.1 万户`), found `≥ 0.2 万户`"
    );
    let (start, end) = e.span;
    assert_eq!(&e.line_text[start..end], "≥ 0.2 万户");
}

#[test]
fn a_unit_slip_in_the_form_points_at_the_cell() {
    let text = String::from_utf8(fixture("template-2024.csv")).unwrap();
    let slipped = text.replacen(
        "调查企业户数,≥ 0.1 万户,2024-12,,",
        "调查企业户数,≥ 0.1 万户,2024-12,1250,",
        1,
    );
    let e = located(read_bytes("form.csv", slipped.as_bytes()));
    assert_eq!(e.line, 101);
    let (start, end) = e.span;
    assert_eq!(&e.line_text[start..end], "1250");
    assert!(
        e.message.contains("over 100 times the target `≥ 0.1 万户`"),
        "{}",
        e.message
    );
}
