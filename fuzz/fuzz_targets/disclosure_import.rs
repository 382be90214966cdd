//! The disclosure importer: `kpi::import::import_disclosure` (the disclosure text as such) and
//! `kpi::import::import` (detected by content: disclosure, spec, JSON model or table of targets)
//! on any text. Errors are checked as located errors of the input; what imports is reported as
//! `kpi import` reports it (summary, JSON, spec), with no panic.
#![no_main]

use kpi::import::Imported;
use kpi_fuzz::check_error;
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.txt";

fn reported(imported: &Imported, text: &str) {
    for note in &imported.notes {
        let _ = note.render(FILE);
    }
    let _ = imported.accounting.to_string();
    let _ = kpi::report::import::summary(imported);
    let _ = kpi::report::import::json(imported, Some(text));
    let _ = kpi::syntax::spec::print(&imported.department);
}

fuzz_target!(|data: &[u8]| {
    let text = kpi_fuzz::text_of(data);
    match kpi::import::import_disclosure(FILE, &text) {
        Ok(imported) => reported(&imported, &text),
        Err(e) => check_error(e, Some(&text)),
    }
    match kpi::import::import(FILE, &text) {
        Ok(imported) => reported(&imported, &text),
        Err(e) => check_error(e, Some(&text)),
    }
});
