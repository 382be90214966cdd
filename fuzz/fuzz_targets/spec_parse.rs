//! The spec parser (grammar/spec.md): `kpi::syntax::spec::parse` on any text. An error must name
//! a line of the input, show that line, and hold its span inside it; a spec that parses is
//! printed back (no panic).
#![no_main]

use kpi_fuzz::check_located;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = kpi_fuzz::text_of(data);
    let _ = kpi::syntax::spec::looks_like_spec(&text);
    match kpi::syntax::spec::parse("fuzz.kpi", &text) {
        Ok((department, notes)) => {
            let _ = kpi::syntax::spec::print(&department);
            for note in &notes {
                let _ = note.message.len();
            }
        }
        Err(e) => check_located(&e, Some(&text)),
    }
});
