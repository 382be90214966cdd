//! Every example of `grammar/README.md` parses to what the page says, so the grammar's
//! documentation and the parser cannot drift apart.

use kpi::syntax::target::{TargetCell, parse_cell, parse_deadline, parse_split};

const README: &str = include_str!("../grammar/README.md");

/// The rows of the table under `## heading`: the cells of each row, code spans unquoted.
fn table(heading: &str) -> Vec<Vec<String>> {
    let start = README
        .find(&format!("## {heading}\n"))
        .unwrap_or_else(|| panic!("grammar/README.md has no section `{heading}`"));
    let section = &README[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    section
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2) // header and separator
        .map(split_row)
        .collect()
}

/// Splits `| a | b |` into cells; `\|` inside a cell is a literal `|`, backticks are removed.
fn split_row(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.trim().trim_matches('|').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cell.push('|');
            }
            '|' => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    cells.push(cell);
    cells
        .into_iter()
        .map(|c| {
            let c = c.trim();
            c.strip_prefix('`')
                .and_then(|c| c.strip_suffix('`'))
                .unwrap_or(c)
                .to_owned()
        })
        .collect()
}

fn shown(cell: TargetCell) -> String {
    match cell {
        TargetCell::Target(target) => target.to_string(),
        TargetCell::Leftover => "leftover".to_owned(),
    }
}

#[test]
fn one_cell_examples_parse_as_documented() {
    let rows = table("One-cell targets");
    assert!(rows.len() >= 40, "the table lost rows: {}", rows.len());
    for row in rows {
        let parsed = parse_cell(&row[0]).unwrap_or_else(|e| panic!("`{}`: {e}", row[0]));
        assert_eq!(shown(parsed.cell), row[1], "`{}`", row[0]);
    }
}

#[test]
fn template_leftovers_are_recognised() {
    let rows = table("Template leftovers");
    assert!(!rows.is_empty());
    for row in rows {
        let parsed = parse_cell(&row[0]).unwrap_or_else(|e| panic!("`{}`: {e}", row[0]));
        assert_eq!(shown(parsed.cell), row[1], "`{}`", row[0]);
    }
}

#[test]
fn split_column_examples_parse_as_documented() {
    let rows = table("Split columns");
    assert!(!rows.is_empty());
    for row in rows {
        let parts: Vec<&str> = row[0].split('|').map(str::trim).collect();
        let [op, value, unit] = parts[..] else {
            panic!("`{}` should have three columns", row[0]);
        };
        let parsed = parse_split(op, value, unit).unwrap_or_else(|e| panic!("`{}`: {e}", row[0]));
        assert_eq!(shown(parsed.cell), row[1], "`{}`", row[0]);
    }
}

#[test]
fn deadline_examples_parse_as_documented() {
    let rows = table("Deadlines");
    assert!(rows.len() >= 10);
    for row in rows {
        let deadline = parse_deadline(&row[0]).unwrap_or_else(|| panic!("`{}`", row[0]));
        assert_eq!(deadline.to_string(), row[1], "`{}`", row[0]);
    }
}

#[test]
fn error_examples_fail_as_documented() {
    let rows = table("Errors");
    assert!(!rows.is_empty());
    for row in rows {
        let error = parse_cell(&row[0]).expect_err(&row[0]);
        assert_eq!(error.expected, row[1], "`{}`", row[0]);
    }
}
