//! The floor: read the same targets and actuals files `kpi eval` reads, the way it reads them
//! (files of 4 MiB and more mapped, UTF-8 checked with simdutf8, CSV as byte records) and with
//! the same parsing crates, and do nothing else — no model, no matching, no scoring, no report.
//! `kpi eval`'s time is measured against this one (BENCHMARKS.md).
//!
//! With `--plain`, the files are read whole and the CSV as string records, as a program that
//! does not look for speed would, and as this floor did before `kpi` mapped its inputs.
//!
//! Usage: kpi-floor [--plain] TARGETS ACTUALS   (TARGETS: a spec, the JSON model or a disclosure)

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

/// A file's bytes: mapped from 4 MiB on, read below, as `kpi` does (src/cli/output.rs).
enum Bytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Read(bytes) => bytes,
        }
    }
}

fn read(path: &str, plain: bool) -> std::io::Result<Bytes> {
    if plain {
        return std::fs::read(path).map(Bytes::Read);
    }
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() >= 1 << 22 {
        // SAFETY: only read, as `kpi` reads its inputs; the benchmark's files do not change.
        return Ok(Bytes::Mapped(unsafe { memmap2::Mmap::map(&file) }?));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut &file, &mut bytes)?;
    Ok(Bytes::Read(bytes))
}

/// Decoding: what every input goes through (UTF-8 here; GB18030 would be decoded).
fn decode(bytes: &[u8], plain: bool) -> std::borrow::Cow<'_, str> {
    if plain {
        return encoding_rs::UTF_8.decode_without_bom_handling(bytes).0;
    }
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0,
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let plain = args.first().is_some_and(|a| a == "--plain");
    if plain {
        args.remove(0);
    }
    let [targets, actuals] = &args[..] else {
        eprintln!("usage: kpi-floor [--plain] TARGETS ACTUALS");
        return ExitCode::from(2);
    };
    let Ok(targets) = read(targets, plain) else {
        eprintln!("cannot read {targets}");
        return ExitCode::from(2);
    };
    let Ok(actuals) = read(actuals, plain) else {
        eprintln!("cannot read {actuals}");
        return ExitCode::from(2);
    };
    let text = decode(&targets, plain);
    let tokens: usize = if text.trim_start().starts_with('{') {
        // The JSON model: read through serde_json without keeping anything.
        let parsed = if plain {
            serde_json::from_slice::<serde::de::IgnoredAny>(&targets)
        } else {
            serde_json::from_str::<serde::de::IgnoredAny>(&text)
        };
        match parsed {
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
    let actual_text = decode(&actuals, plain);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(actual_text.as_bytes());
    let mut rows = 0usize;
    let mut fields = 0usize;
    if plain {
        let mut record = csv::StringRecord::new();
        while let Ok(true) = reader.read_record(&mut record) {
            rows += 1;
            fields += record.len();
        }
        println!("targets: {tokens} tokens; actuals: {rows} rows, {fields} fields");
        return ExitCode::SUCCESS;
    }
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        if simdutf8::basic::from_utf8(record.as_slice()).is_err() {
            eprintln!("a record is not UTF-8");
            return ExitCode::from(2);
        }
        rows += 1;
        fields += record.len();
    }
    println!("targets: {tokens} tokens; actuals: {rows} rows, {fields} fields");
    ExitCode::SUCCESS
}
