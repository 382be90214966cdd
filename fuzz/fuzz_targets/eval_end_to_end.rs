//! Evaluation end to end, as `kpi eval ACTUALS` runs it: the targets are the table in the
//! actuals when it carries its own (`kpi::import::table::bytes_carry_targets`), else the embedded
//! 2024 targets; the actuals are read (national profile), evaluated, and rendered by every
//! renderer of `kpi::report::eval` (text with and without colour, Markdown, JSON, CSV, HTML,
//! XLSX). The evaluation options vary with the input's length (deterministic, so a crash
//! reproduces): plain, `--accept-claimed`, `--as-of 2024-06-30`, or both.
#![no_main]

use chrono::NaiveDate;
use kpi::actuals::ReadOptions;
use kpi::eval::Options;
use kpi::import::Imported;
use kpi::report::eval::Report;
use kpi_fuzz::{EMBEDDED, NATIONAL, check_error};
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.csv";

fuzz_target!(|data: &[u8]| {
    let text = std::str::from_utf8(data).ok();
    let own: Imported;
    let (model, targets_name) = if kpi::import::table::bytes_carry_targets(data, None) {
        own = match kpi::import::table::import_bytes(FILE, data, None) {
            Ok(imported) => imported,
            Err(e) => return check_error(e, text),
        };
        (&own.department, FILE)
    } else {
        (&EMBEDDED.department, kpi::embedded::SPEC_NAME)
    };
    let actuals = match kpi::actuals::read(FILE, data, model, &NATIONAL, &ReadOptions::default()) {
        Ok(actuals) => actuals,
        Err(e) => return check_error(e, text),
    };
    let mut options = Options::new(NATIONAL.clone(), targets_name);
    let choice = data.len() % 4;
    options.accept_claimed = choice & 1 == 1;
    if choice & 2 == 2 {
        options.as_of = NaiveDate::from_ymd_opt(2024, 6, 30);
    }
    let evaluation = match kpi::eval::evaluate(model, &actuals, &options) {
        Ok(evaluation) => evaluation,
        Err(e) => return check_error(e, text),
    };
    for note in &evaluation.notes {
        let _ = note.render(FILE);
    }
    let report = Report {
        model,
        evaluation: &evaluation,
        actuals: &actuals,
        targets: targets_name,
    };
    let _ = kpi::report::eval::text(&report, false);
    let _ = kpi::report::eval::text(&report, true);
    let _ = kpi::report::eval::markdown(&report);
    let _ = kpi::report::eval::json(&report);
    let _ = kpi::report::eval::csv(&report);
    let _ = kpi::report::eval::html(&report);
    if let Err(e) = kpi::report::eval::xlsx(&report) {
        check_error(e, None);
    }
});
