//! The actuals reader: `kpi::actuals::read` of any bytes (CSV/TSV in UTF-8 or GB18030, or a
//! workbook) against the embedded 2024 targets with the national profile. Errors are checked as
//! located errors; when the bytes are UTF-8 the error must name and show a line of the input.
#![no_main]

use kpi::actuals::ReadOptions;
use kpi_fuzz::{EMBEDDED, NATIONAL, check_error};
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.csv";

fuzz_target!(|data: &[u8]| {
    let text = std::str::from_utf8(data).ok();
    let model = &EMBEDDED.department;
    match kpi::actuals::read(FILE, data, model, &NATIONAL, &ReadOptions::default()) {
        Ok(actuals) => {
            for note in &actuals.notes {
                let _ = note.render(FILE);
            }
            let _ = actuals.accounting.to_string();
        }
        Err(e) => check_error(e, text),
    }
});
