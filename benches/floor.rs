//! The floor: read the same targets and actuals files `kpi eval` reads, with the same parsing
//! crates, and do nothing else — no model, no matching, no scoring, no report. `kpi eval`'s time
//! is measured against this one (BENCHMARKS.md).
//!
//! Usage: kpi-floor TARGETS ACTUALS   (TARGETS: a spec, the JSON model or a disclosure text)

use std::process::ExitCode;

use nom::Parser;
use nom::bytes::complete::{take_till, take_while1};
use nom::character::complete::{char, space0};

/// One spec line read into tokens (keyword, quoted strings, words), as the spec parser does
/// before it builds anything.
fn spec_tokens(mut line: &str) -> usize {
    let mut count = 0;
    loop {
        let Ok((rest, _)) = space0::<&str, nom::error::Error<&str>>(line) else {
            return count;
        };
        line = rest;
        if line.is_empty() || line.starts_with('#') {
            return count;
        }
        let quoted = (
            char::<&str, nom::error::Error<&str>>('"'),
            take_till(|c| c == '"'),
            char('"'),
        )
            .parse(line)
            .map(|(rest, _)| rest);
        let word =
            take_while1::<_, &str, nom::error::Error<&str>>(|c: char| !c.is_whitespace())(line)
                .map(|(rest, _)| rest);
        match quoted.or(word) {
            Ok(rest) => line = rest,
            Err(_) => return count,
        }
        count += 1;
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [targets, actuals] = &args[..] else {
        eprintln!("usage: kpi-floor TARGETS ACTUALS");
        return ExitCode::from(2);
    };
    let Ok(targets) = std::fs::read(targets) else {
        eprintln!("cannot read {targets}");
        return ExitCode::from(2);
    };
    let Ok(actuals) = std::fs::read(actuals) else {
        eprintln!("cannot read {actuals}");
        return ExitCode::from(2);
    };
    // Decoding: what every input goes through.
    let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(&targets);
    let tokens: usize = if text.trim_start().starts_with('{') {
        // The JSON model: read through serde_json without keeping anything.
        match serde_json::from_slice::<serde::de::IgnoredAny>(&targets) {
            Ok(_) => 1,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        }
    } else if text.starts_with("kpi-spec") || text.lines().any(|l| l.starts_with("kpi-spec")) {
        text.lines().map(spec_tokens).sum()
    } else {
        // A disclosure: its lines and cells.
        text.lines().map(|l| l.split('\t').count()).sum()
    };
    let (actual_text, _) = encoding_rs::UTF_8.decode_without_bom_handling(&actuals);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(actual_text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut rows = 0usize;
    let mut fields = 0usize;
    while let Ok(true) = reader.read_record(&mut record) {
        rows += 1;
        fields += record.len();
    }
    println!("targets: {tokens} tokens; actuals: {rows} rows, {fields} fields");
    ExitCode::SUCCESS
}
