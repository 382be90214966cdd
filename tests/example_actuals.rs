//! The worked example `examples/actuals-2024.csv`: a year-end self-evaluation (绩效自评) of the
//! embedded 2024 targets as a finance officer of 沈阳市工业和信息化局 would fill in the form
//! `kpi template` writes. It is read by `kpi eval` without errors, and it shows every situation
//! of specs/scoring.md at least once. The CSV has no comments, so the list is here:
//!
//! - rows met; not met with a note; not met without one (需说明);
//! - over-completed (超额, S9) with a note and without one, above a floor and under a cap;
//! - every operator of the seed (`>=`, `>`, `<=`, `=`) met and not met; `= 0 次` (违法违规行为发生次数)
//!   met and not met; a duration `=` (项目完成时限 = 12 月) met early;
//! - unit conversions (S8): a 万户 target answered in 户 (`1,180户`), an 亿元 target in 万元
//!   (`93000万元`), 万元 targets in 亿元 and in 元;
//! - qualitative tiers (S7): 达成, 基本达成, 部分达成 with and without a share, 未达成 with a note,
//!   a tier word with a description (`达成：……`);
//! - rows left empty (未填报, S10), whole projects not reported among them;
//! - a completion date after the deadline (逾期, S11);
//! - budget execution (S12) as an amount and as a rate, at 100 %, below 90 % with a note and
//!   without one;
//! - claimed scores (得分, S16) equal to the rule score and different from it (得分不符);
//! - a doubtful direction (S17) of 融资担保补助项目 answered (担保机构满意度 <= 100 %: 95%);
//! - 不适用 with a note (S3);
//! - the 表16 rows of both units, all filled.

use serde_json::Value;

const EXAMPLE: &str = "examples/actuals-2024.csv";

/// The columns the form states for reference: a filled form keeps them as written.
const REFERENCE_COLUMNS: usize = 9; // id … deadline

fn kpi() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("kpi").expect("the kpi binary builds");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// Runs `kpi` with `args`; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let output = kpi().args(args).output().expect("kpi runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    )
}

/// `kpi eval examples/actuals-2024.csv --format json -q`, parsed.
fn report() -> Value {
    let (code, stdout, stderr) = run(&["eval", EXAMPLE, "--format", "json", "-q"]);
    assert_eq!(code, 0, "kpi eval {EXAMPLE} failed:\n{stderr}");
    assert!(
        stderr.is_empty(),
        "-q leaves stderr empty, found:\n{stderr}"
    );
    serde_json::from_str(&stdout).expect("the report is JSON")
}

/// A string field; empty for null or absent.
fn text<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// A decimal string field as a number.
fn number(v: &Value, key: &str) -> Option<f64> {
    v.get(key)?.as_str()?.parse().ok()
}

fn has_flag(v: &Value, flag: &str) -> bool {
    v["flags"]
        .as_array()
        .expect("flags is an array")
        .iter()
        .any(|f| f.as_str() == Some(flag))
}

fn has_note(v: &Value) -> bool {
    !text(v, "note").trim().is_empty()
}

fn status(v: &Value) -> &str {
    text(v, "status")
}

/// The number an actual starts with (`1,180户` → 1180).
fn leading_number(actual: &str) -> Option<f64> {
    let digits: String = actual
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
        .filter(|&c| c != ',')
        .collect();
    digits.parse().ok()
}

/// An indicator row of the report with the table it belongs to.
struct Row<'v> {
    /// The project's name, or `unit <code>` for a 表16 row.
    table: String,
    v: &'v Value,
}

fn project_rows(report: &Value) -> Vec<Row<'_>> {
    report["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .flat_map(|p| {
            let table = text(p, "name").to_owned();
            p["indicators"]
                .as_array()
                .expect("indicators")
                .iter()
                .map(move |v| Row {
                    table: table.clone(),
                    v,
                })
        })
        .collect()
}

fn unit_rows(report: &Value) -> Vec<Row<'_>> {
    report["units"]
        .as_array()
        .expect("units")
        .iter()
        .filter(|u| !u["overall"].is_null())
        .flat_map(|u| {
            let table = format!("unit {}", text(u, "code"));
            u["overall"]["indicators"]
                .as_array()
                .expect("indicators")
                .iter()
                .map(move |v| Row {
                    table: table.clone(),
                    v,
                })
        })
        .collect()
}

fn all_rows(report: &Value) -> Vec<Row<'_>> {
    let mut rows = unit_rows(report);
    rows.extend(project_rows(report));
    rows
}

fn budgets(report: &Value) -> Vec<&Value> {
    report["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| &p["budget_execution"])
        .collect()
}

/// Situations and whether the example shows them.
#[derive(Default)]
struct Checklist {
    missing: Vec<String>,
    seen: usize,
}

impl Checklist {
    fn check(&mut self, situation: impl Into<String>, found: bool) {
        self.seen += 1;
        if !found {
            self.missing.push(situation.into());
        }
    }

    fn assert_complete(&self) {
        assert!(
            self.missing.is_empty(),
            "{EXAMPLE} no longer shows {} of its {} situations:\n  - {}",
            self.missing.len(),
            self.seen,
            self.missing.join("\n  - ")
        );
    }
}

#[test]
fn the_example_is_read_without_errors() {
    let (code, _, stderr) = run(&["eval", EXAMPLE]);
    assert_eq!(code, 0, "kpi eval {EXAMPLE} failed:\n{stderr}");
    // Warnings are deliberate (`11家` against `≥ 10 个`: different nouns); nothing else.
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            line.contains("warning[") && !line.contains("error"),
            "expected only warnings from kpi eval {EXAMPLE}, found: {line}"
        );
    }
}

#[test]
fn the_example_is_the_template_filled_in() {
    let (code, template, stderr) = run(&["template"]);
    assert_eq!(code, 0, "kpi template failed:\n{stderr}");
    let example =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE))
            .expect("the example is UTF-8");
    let records = |text: &str| -> Vec<csv::StringRecord> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .collect::<Result<_, _>>()
            .expect("the CSV reads")
    };
    let (form, filled) = (records(&template), records(&example));
    assert_eq!(
        filled.first(),
        form.first(),
        "the example keeps the form's header"
    );
    assert_eq!(
        filled.len(),
        form.len(),
        "the example keeps every row of the form"
    );
    for (line, (want, got)) in form.iter().zip(&filled).enumerate() {
        let reference = |r: &csv::StringRecord| -> Vec<String> {
            r.iter()
                .take(REFERENCE_COLUMNS)
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(
            reference(got),
            reference(want),
            "{EXAMPLE}:{}: the reference columns (id … deadline) differ from the form",
            line + 1
        );
    }
}

#[test]
fn the_accounting_balances_and_most_rows_are_filled() {
    let report = report();
    let accounting = &report["accounting"];
    let read = accounting["rows_read"].as_u64().expect("rows_read");
    let used = accounting["rows_used"].as_u64().expect("rows_used");
    let set_aside: u64 = accounting["set_aside"]
        .as_object()
        .expect("set_aside")
        .values()
        .map(|n| n.as_u64().expect("a count"))
        .sum();
    assert_eq!(
        read,
        used + set_aside,
        "rows_read = rows_used + set aside: {accounting}"
    );
    // One row per indicator and one budget row per project, as the form has them.
    let rows = all_rows(&report);
    let projects = budgets(&report);
    assert_eq!(read as usize, rows.len() + projects.len());
    let filled = rows
        .iter()
        .filter(|r| !text(r.v, "actual").is_empty())
        .count()
        + projects
            .iter()
            .filter(|b| !text(b, "actual").is_empty())
            .count();
    let share = filled as f64 * 100.0 / read as f64;
    assert!(
        (85.0..=95.0).contains(&share),
        "expected 85–95 % of the rows filled, found {filled} of {read} ({share:.1} %)"
    );
}

#[test]
fn the_example_shows_every_situation() {
    let report = report();
    let rows = all_rows(&report);
    let budgets = budgets(&report);
    let mut list = Checklist::default();
    let any = |pred: &dyn Fn(&Value) -> bool| rows.iter().any(|r| pred(r.v));

    // Met and not met (S4, S9).
    list.check("a row met (达标)", any(&|v| status(v) == "达标"));
    list.check(
        "a row not met with a note",
        any(&|v| status(v) == "未达标" && has_note(v) && !has_flag(v, "需说明")),
    );
    list.check(
        "a row not met without a note (需说明)",
        any(&|v| status(v) == "未达标" && !has_note(v) && has_flag(v, "需说明")),
    );

    // Over-completion (S9).
    list.check(
        "an over-completed row (超额) with a note",
        any(&|v| has_flag(v, "超额") && has_note(v) && !has_flag(v, "需说明")),
    );
    list.check(
        "an over-completed row (超额) without a note (需说明)",
        any(&|v| has_flag(v, "超额") && !has_note(v) && has_flag(v, "需说明")),
    );
    list.check(
        "an over-completed row above a floor (>=, >, =)",
        any(&|v| has_flag(v, "超额") && matches!(text(v, "operator"), ">=" | ">" | "=")),
    );
    list.check(
        "an over-completed row under a cap (<=)",
        any(&|v| has_flag(v, "超额") && text(v, "operator") == "<="),
    );

    // Every operator of the seed, met and not met (S4, S5).
    let is_duration = |v: &Value| matches!(text(v, "measure"), "小时" | "天" | "月" | "年");
    for op in [">=", ">", "<=", "="] {
        let plain = move |v: &Value| {
            text(v, "kind") == "compare"
                && text(v, "operator") == op
                && !(op == "=" && (text(v, "value") == "0" || is_duration(v)))
        };
        list.check(
            format!("`{op}` met"),
            any(&|v| plain(v) && status(v) == "达标"),
        );
        list.check(
            format!("`{op}` not met"),
            any(&|v| plain(v) && status(v) == "未达标"),
        );
    }
    let zero = |v: &Value| text(v, "operator") == "=" && text(v, "value") == "0";
    list.check("`= 0` met", any(&|v| zero(v) && status(v) == "达标"));
    list.check("`= 0` not met", any(&|v| zero(v) && status(v) == "未达标"));
    list.check(
        "a duration `=` (项目完成时限 = 12 月) met early",
        any(&|v| {
            text(v, "operator") == "="
                && is_duration(v)
                && status(v) == "达标"
                && leading_number(text(v, "actual"))
                    .zip(number(v, "value"))
                    .is_some_and(|(actual, target)| actual < target)
        }),
    );

    // Unit conversions (S8): the row is scored, in the target's unit.
    let scored = |v: &Value| matches!(status(v), "达标" | "未达标");
    let answered = |v: &Value, target: &str, written: &dyn Fn(&str) -> bool| {
        scored(v) && text(v, "measure") == target && written(text(v, "actual"))
    };
    list.check(
        "a 万户 target answered in 户 (`1,180户`)",
        any(&|v| answered(v, "万户", &|a| a.ends_with('户') && !a.contains("万户"))),
    );
    list.check(
        "an 亿元 target answered in 万元 (`93000万元`)",
        any(&|v| answered(v, "亿元", &|a| a.ends_with("万元"))),
    );
    list.check(
        "a 万元 target answered in 亿元",
        any(&|v| answered(v, "万元", &|a| a.ends_with("亿元"))),
    );
    list.check(
        "a 万元 target answered in 元",
        any(&|v| {
            answered(v, "万元", &|a| {
                a.ends_with('元') && !a.ends_with("万元") && !a.ends_with("亿元")
            })
        }),
    );

    // Qualitative tiers (S7).
    let tier = |v: &Value, pred: &dyn Fn(&str) -> bool| {
        text(v, "kind") == "qualitative" && pred(text(v, "actual"))
    };
    list.check(
        "达成",
        any(&|v| tier(v, &|a| a == "达成") && status(v) == "达标"),
    );
    list.check(
        "基本达成",
        any(&|v| tier(v, &|a| a == "基本达成") && status(v) == "达标"),
    );
    list.check(
        "部分达成 without a share",
        any(&|v| tier(v, &|a| a == "部分达成") && scored(v)),
    );
    list.check(
        "部分达成 with a share (`部分达成 75%`)",
        any(&|v| {
            tier(v, &|a| a.starts_with("部分达成") && a.ends_with('%'))
                && number(v, "completion")
                    .zip(leading_number(
                        text(v, "actual").trim_start_matches("部分达成").trim(),
                    ))
                    .is_some_and(|(completion, share)| completion == share)
        }),
    );
    list.check(
        "未达成 with a note",
        any(&|v| tier(v, &|a| a.starts_with("未达成")) && has_note(v) && scored(v)),
    );
    list.check(
        "a tier word with a description (`达成：……`)",
        any(&|v| tier(v, &|a| a.starts_with("达成：") && a.chars().count() > 3) && scored(v)),
    );

    // Not reported (S10), late (S11), not applicable (S3).
    list.check(
        "at least two rows left empty (未填报)",
        rows.iter()
            .filter(|r| status(r.v) == "未填报" && text(r.v, "actual").is_empty())
            .count()
            >= 2,
    );
    list.check(
        "a completion after the deadline (逾期)",
        any(&|v| has_flag(v, "逾期") && text(v, "completed") > text(v, "deadline")),
    );
    list.check(
        "不适用 with a note",
        any(&|v| {
            status(v) == "不适用"
                && text(v, "actual") == "不适用"
                && has_note(v)
                && !has_flag(v, "需说明")
        }),
    );

    // Budget execution (S12).
    let budget = |pred: &dyn Fn(&Value) -> bool| budgets.iter().any(|b| pred(b));
    let rate = |b: &Value| number(b, "rate");
    list.check(
        "budget execution as an amount (`34.5万元`)",
        budget(&|b| text(b, "actual").ends_with("万元") && rate(b).is_some()),
    );
    list.check(
        "budget execution as a rate (`96.2%`)",
        budget(&|b| text(b, "actual").ends_with('%') && rate(b).is_some()),
    );
    list.check(
        "budget execution at or above 100 %",
        budget(&|b| {
            rate(b).is_some_and(|r| r >= 100.0) && number(b, "score") == number(b, "points")
        }),
    );
    list.check(
        "budget execution below 90 % with a note",
        budget(&|b| rate(b).is_some_and(|r| r < 90.0) && has_note(b) && !has_flag(b, "需说明")),
    );
    list.check(
        "budget execution below 90 % without a note (需说明)",
        budget(&|b| rate(b).is_some_and(|r| r < 90.0) && !has_note(b) && has_flag(b, "需说明")),
    );

    // Claimed scores (S16), on indicator rows or budget execution.
    let claims: Vec<&Value> = rows
        .iter()
        .map(|r| r.v)
        .chain(budgets.iter().copied())
        .filter(|v| v.get("claimed").is_some())
        .collect();
    list.check(
        "a claimed score equal to the rule score",
        claims
            .iter()
            .any(|v| number(v, "claimed") == number(v, "rule_score") && !has_flag(v, "得分不符")),
    );
    list.check(
        "a claimed score that differs (得分不符)",
        claims
            .iter()
            .any(|v| number(v, "claimed") != number(v, "rule_score") && has_flag(v, "得分不符")),
    );

    // A doubtful direction (S17) answered.
    list.check(
        "a doubtful-direction row (方向存疑) of 融资担保补助项目 answered",
        rows.iter().any(|r| {
            r.table == "融资担保补助项目"
                && has_flag(r.v, "方向存疑")
                && text(r.v, "operator") == "<="
                && !text(r.v, "actual").is_empty()
                && scored(r.v)
        }),
    );

    // The units' own 表16 rows: every one filled, the qualitative ones with tier words.
    let units = report["units"].as_array().expect("units");
    assert!(!units.is_empty(), "the seed has units");
    for unit in units {
        let code = text(unit, "code");
        let table = format!("unit {code}");
        let own: Vec<&Row> = rows.iter().filter(|r| r.table == table).collect();
        list.check(
            format!("the 表16 rows of unit {code}, every one filled"),
            !own.is_empty()
                && own
                    .iter()
                    .all(|r| !text(r.v, "actual").is_empty() && status(r.v) != "未填报"),
        );
        list.check(
            format!("a qualitative 表16 row of unit {code} answered with a tier word"),
            own.iter().any(|r| {
                tier(r.v, &|a| {
                    ["达成", "基本达成", "部分达成", "未达成"]
                        .iter()
                        .any(|w| a.starts_with(w))
                }) && scored(r.v)
            }),
        );
    }

    list.assert_complete();
}
