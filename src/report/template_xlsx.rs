//! `kpi template -o actuals.xlsx`: the actuals form (实际完成值) as a workbook.
//!
//! One sheet, `实际完成值`, with exactly the header and rows of the CSV form ([`template`]): the
//! rows are taken from it, so the two never differ. The header is frozen and filtered. The cells
//! to fill — `actual`, `measure`, `completed`, `note`, `score`, `weight`, and `budget` on budget
//! rows — are yellow and unlocked; every other cell is grey reference and locked (the sheet is
//! protected without a password, so a user can lift it). `actual`, `measure` and `note` are
//! text cells, so `96.2%` or `0.1` stays as typed; `completed` shows dates as `yyyy-mm-dd`.
//! The `actual` cell of a qualitative row has a drop-down of the row's own target text and the
//! profile's tier words (S7); another entry (`部分达成 75%`, `达成：……`) is warned about, not
//! refused. Targets are text in the ≥ ≤ ＝ form, so no spreadsheet takes them for a formula; a
//! weight the model gives is a number.
//!
//! [`template`]: super::template::template

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder,
    ProtectionOptions, Workbook, XlsxError,
};

use super::eval::xlsx::{Column, Grid, error, fit, print_setup, properties};
use super::template::{HEADER, template};
use crate::Error;
use crate::model::{Department, Target};
use crate::profile::Profile;

/// What errors of the workbook name as their file.
const FILE: &str = "template";

/// The name of the one sheet.
pub const SHEET: &str = "实际完成值";

const ID: usize = 0;
const KIND: usize = 1;
const ACTUAL: usize = 9;
const MEASURE: usize = 10;
const COMPLETED: usize = 11;
const NOTE: usize = 12;
const BUDGET: usize = 13;
const WEIGHT: usize = 14;
const SCORE: usize = 15;

const COLUMNS: [Column; 16] = [
    Column::new(12.0, 26.0), // id
    Column::new(8.0, 10.0),  // kind
    Column::new(8.0, 10.0),  // unit
    Column::new(12.0, 30.0), // project
    Column::new(10.0, 14.0), // level1
    Column::new(10.0, 18.0), // level2
    Column::new(14.0, 30.0), // indicator
    Column::new(10.0, 20.0), // target
    Column::new(9.0, 11.0),  // deadline
    Column::new(14.0, 24.0), // actual
    Column::new(8.0, 10.0),  // measure
    Column::new(12.0, 12.0), // completed
    Column::new(20.0, 40.0), // note
    Column::new(10.0, 12.0), // budget
    Column::new(8.0, 8.0),   // weight
    Column::new(8.0, 8.0),   // score
];

const REFERENCE_FILL: u32 = 0xF2_F2_F2;
const REFERENCE_FONT: u32 = 0x59_59_59;
const INPUT_FILL: u32 = 0xFF_F2_CC;
const HEADER_FILL: u32 = 0xDD_EB_F7;

/// The actuals form for `model` as the bytes of an `.xlsx` file, with the drop-downs of
/// `profile`'s tiers.
pub fn template_xlsx(model: &Department, profile: &Profile) -> Result<Vec<u8>, Error> {
    let records = records(&template(model))?;
    build(model, profile, &records).map_err(|e| error(FILE, &e))
}

/// The CSV form's records, header first.
fn records(csv: &str) -> Result<Vec<Vec<String>>, Error> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Input {
            file: FILE.to_owned(),
            message: format!("the actuals form does not read back: {e}"),
            help: None,
        })?;
        // The CSV form guards formula-like text with a `'`; a workbook cell is a string with
        // Excel's quote prefix instead, so the `'` goes.
        records.push(
            record
                .iter()
                .map(|cell| match cell.strip_prefix('\'') {
                    Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
                        rest.to_owned()
                    }
                    _ => cell.to_owned(),
                })
                .collect::<Vec<_>>(),
        );
    }
    if records.first().map(Vec::as_slice) != Some(&HEADER.map(str::to_owned)[..]) {
        return Err(Error::Input {
            file: FILE.to_owned(),
            message: "the actuals form does not start with its header".to_owned(),
            help: None,
        });
    }
    Ok(records)
}

struct Formats {
    header: Format,
    reference: Format,
    input_text: Format,
    input_date: Format,
    input_number: Format,
    reference_number: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBF_BF_BF))
            .set_align(FormatAlign::VerticalCenter);
        let reference = cell
            .clone()
            .set_text_wrap()
            .set_font_color(Color::RGB(REFERENCE_FONT))
            .set_background_color(Color::RGB(REFERENCE_FILL));
        let input = cell
            .clone()
            .set_background_color(Color::RGB(INPUT_FILL))
            .set_unlocked();
        Formats {
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(HEADER_FILL)),
            reference_number: reference.clone().set_num_format("General"),
            reference,
            input_text: input.clone().set_text_wrap().set_num_format("@"),
            input_date: input.clone().set_num_format("yyyy-mm-dd"),
            input_number: input.set_num_format("General"),
        }
    }
}

fn build(
    model: &Department,
    profile: &Profile,
    records: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let targets: HashMap<&str, &Target> = model
        .units
        .iter()
        .flat_map(|u| &u.indicators)
        .chain(model.projects.iter().flat_map(|p| &p.indicators))
        .map(|i| (&*i.id, &i.target))
        .collect();

    let mut g = Grid::new();
    let mut dropdowns: Vec<(u32, DataValidation)> = Vec::new();
    for (r, record) in records.iter().enumerate() {
        let row = r as u32;
        if r == 0 {
            for (c, name) in record.iter().enumerate() {
                g.text(row, c as u16, name, &f.header);
            }
            continue;
        }
        let budget_row = record.get(KIND).is_some_and(|k| k == "budget");
        for (c, cell) in record.iter().enumerate() {
            let col = c as u16;
            let input = match c {
                ACTUAL | MEASURE | NOTE => Some(&f.input_text),
                COMPLETED => Some(&f.input_date),
                WEIGHT | SCORE => Some(&f.input_number),
                BUDGET if budget_row => Some(&f.input_number),
                _ => None,
            };
            let number = (c == WEIGHT || c == BUDGET || c == SCORE)
                .then(|| cell.parse::<Decimal>().ok())
                .flatten();
            match (number, input) {
                (Some(n), Some(format)) => g.number(row, col, n, format),
                (Some(n), None) => g.number(row, col, n, &f.reference_number),
                (None, Some(format)) => g.text(row, col, cell, format),
                (None, None) => g.text(row, col, cell, &f.reference),
            }
        }
        let target = record.get(ID).and_then(|id| targets.get(id.as_str()));
        if let Some(Target::Qualitative(text)) = target {
            dropdowns.push((row, dropdown(profile, text)?));
        }
    }

    let mut workbook = Workbook::new();
    let date = model
        .year
        .and_then(|year| NaiveDate::from_ymd_opt(year, 1, 1));
    let title = format!("{} 实际完成值", model.name);
    workbook.set_properties(&properties(&title, date));
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    g.emit(sheet, &COLUMNS)?;
    let last_row = records.len().saturating_sub(1) as u32;
    let last_col = (HEADER.len() - 1) as u16;
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_repeat_rows(0, 0)?;
    print_setup(sheet);
    sheet.autofilter(0, 0, last_row, last_col)?;
    for (row, validation) in &dropdowns {
        sheet.add_data_validation(*row, ACTUAL as u16, *row, ACTUAL as u16, validation)?;
    }
    let mut protection = ProtectionOptions::new();
    protection.format_columns = true;
    protection.format_rows = true;
    protection.sort = true;
    protection.use_autofilter = true;
    sheet.protect_with_options(&protection);
    workbook.save_to_buffer()
}

/// Excel's limit on a list of a drop-down, in UTF-16 units with the commas between items.
const MAX_LIST: usize = 255;

/// The drop-down of a qualitative row: its target text, then every tier word of the profile,
/// each once, as many as fit Excel's limit. Another entry is warned about, not refused: a tier
/// word may carry a description or a share (S7).
fn dropdown(profile: &Profile, target: &str) -> Result<DataValidation, XlsxError> {
    let mut items: Vec<String> = Vec::new();
    let mut used = 0;
    for word in std::iter::once(target).chain(profile.tier_words()) {
        // A comma separates the items of the list: a full-width one reads the same to kpi.
        let item: String = word
            .trim()
            .chars()
            .map(|c| match c {
                ',' => '，',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect();
        if item.is_empty() || items.contains(&item) {
            continue;
        }
        let cost = item.replace('"', "\"\"").encode_utf16().count() + usize::from(used > 0);
        if used + cost > MAX_LIST {
            continue;
        }
        used += cost;
        items.push(item);
    }
    let tiers: Vec<String> = profile
        .tiers
        .iter()
        .map(|t| format!("{} {}", t.name, t.range_text()))
        .collect();
    let message = format!(
        "选择等级，或在等级词后写说明（达成：……）或完成比例（部分达成 75%）。{}",
        tiers.join("；")
    );
    DataValidation::new()
        .allow_list_strings(&items)?
        .set_input_title("定性指标：填写完成等级")?
        .set_input_message(fit(&message, 255))?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("不在列表中")?
        .set_error_message(
            "kpi 按开头的等级词评分（scoring.md S7）。以列表中的等级词开头即可，例如“部分达成 75%”。仍要保留吗？",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropdowns_fit_excels_limit_and_keep_the_target_first() {
        let profile = Profile::national();
        let long = "很长的目标".repeat(60);
        // A target too long for the list is left out; the tier words stay.
        assert!(dropdown(&profile, &long).is_ok());
        assert!(dropdown(&profile, "确保稳定,有序").is_ok());
        assert!(dropdown(&profile, "").is_ok());
    }

    #[test]
    fn the_seed_template_workbook_builds_and_is_deterministic() {
        let model = crate::import::import(crate::embedded::SPEC_NAME, crate::embedded::SPEC)
            .expect("the embedded spec reads")
            .department;
        let a = template_xlsx(&model, &Profile::national()).expect("a workbook");
        let b = template_xlsx(&model, &Profile::national()).expect("a workbook");
        assert!(a == b);
    }

    #[test]
    fn the_csv_forms_formula_guard_becomes_a_quote_prefix() {
        let mut row = vec![String::new(); HEADER.len()];
        row[0] = "'=SUM(A1)".to_owned();
        row[1] = "'不是公式".to_owned();
        let csv = format!("{}\n{}\n", HEADER.join(","), row.join(","));
        let records = records(&csv).expect("the form reads back");
        assert_eq!(
            records[1][0], "=SUM(A1)",
            "Grid writes it with a quote prefix"
        );
        assert_eq!(
            records[1][1], "'不是公式",
            "a quote before plain text is the user's"
        );
    }
}
