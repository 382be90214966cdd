//! The target grammar (grammar/target.ebnf): `parse_cell`, `parse_split`, `parse_deadline` (and
//! `parse_operator`) on any text. The input is one cell; split at tabs it is also the three
//! columns 运算符号 \t 指标值 \t 度量单位 (missing columns empty), and each tab-separated part is
//! read as a cell and a deadline on its own.
#![no_main]

use kpi::syntax::target::{
    ParsedTarget, TargetCell, parse_cell, parse_deadline, parse_operator, parse_split,
};
use kpi_fuzz::check_target_error;
use libfuzzer_sys::fuzz_target;

fn shown(parsed: &ParsedTarget) {
    if let TargetCell::Target(target) = &parsed.cell {
        let _ = target.to_string();
    }
    for note in &parsed.notes {
        let _ = note.to_string();
    }
}

fn cell(text: &str) {
    match parse_cell(text) {
        Ok(parsed) => shown(&parsed),
        Err(e) => check_target_error(&e, text),
    }
    if let Some(deadline) = parse_deadline(text) {
        let _ = deadline.to_string();
    }
    if let Some(op) = parse_operator(text) {
        let _ = op.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    let text = kpi_fuzz::text_of(data);
    cell(&text);
    let mut columns = text.splitn(3, '\t');
    let op = columns.next().unwrap_or_default();
    let value = columns.next().unwrap_or_default();
    let unit = columns.next().unwrap_or_default();
    match parse_split(op, value, unit) {
        Ok(parsed) => shown(&parsed),
        // Errors of the operator column are at offset 0; the rest are in the value cell.
        Err(e) => check_target_error(&e, value),
    }
    if text.contains('\t') {
        for part in text.split('\t') {
            cell(part);
        }
    }
});
