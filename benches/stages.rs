//! Each stage of `kpi eval` on its own, on a generated department of 1 000 projects (about
//! 10 000 indicator rows): target parsing, the importers, actuals reading, evaluation with its
//! roll-up, and every report format. Throughput is in rows (or bytes) per second; whole runs
//! are measured by `benches/run.sh` (BENCHMARKS.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kpi::actuals::{Actuals, ReadOptions};
use kpi::eval::{Evaluation, Options};
use kpi::generate;
use kpi::model::Department;
use kpi::profile::Profile;
use kpi::report::eval::Report;

const PROJECTS: usize = 1_000;
const SEED: u64 = 1;

struct Data {
    model: Department,
    spec: String,
    json: String,
    disclosure: String,
    actuals_csv: Vec<u8>,
    /// Every indicator's target as one cell (`>=100%`), as a 年度指标值 column holds it.
    cells: Vec<String>,
}

fn data() -> Data {
    let model = generate::department(&generate::Options::new(PROJECTS, SEED));
    let text = |write: fn(&Department, &mut Vec<u8>) -> std::io::Result<()>| {
        let mut out = Vec::new();
        write(&model, &mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8")
    };
    let spec = text(generate::spec_text);
    let json = text(generate::json_model);
    let disclosure = text(generate::disclosure_text);
    let mut actuals_csv = Vec::new();
    generate::actuals_csv(&model, SEED, &mut actuals_csv).expect("writing to memory");
    let cells = indicators(&model)
        .map(|i| i.target.to_string().replace(' ', ""))
        .collect();
    Data {
        model,
        spec,
        json,
        disclosure,
        actuals_csv,
        cells,
    }
}

fn indicators(model: &Department) -> impl Iterator<Item = &kpi::model::Indicator> {
    model
        .units
        .iter()
        .flat_map(|u| &u.indicators)
        .chain(model.projects.iter().flat_map(|p| &p.indicators))
}

fn rows(data: &Data) -> u64 {
    data.model.indicator_count() as u64
}

fn read_actuals(data: &Data) -> Actuals {
    kpi::actuals::read(
        "actuals.csv",
        &data.actuals_csv,
        &data.model,
        &Profile::national(),
        &ReadOptions::default(),
    )
    .expect("generated actuals read")
}

fn evaluate(data: &Data, actuals: &Actuals) -> Evaluation {
    let options = Options::new(Profile::national(), "targets.kpi");
    kpi::eval::evaluate(&data.model, actuals, &options).expect("generated actuals evaluate")
}

fn stages(c: &mut Criterion) {
    let data = data();
    let rows = rows(&data);

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(data.cells.len() as u64));
    group.bench_function("target cells", |b| {
        b.iter(|| {
            for cell in &data.cells {
                black_box(kpi::syntax::target::parse_cell(black_box(cell)).ok());
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("import");
    for (name, text) in [
        ("spec", &data.spec),
        ("json", &data.json),
        ("disclosure", &data.disclosure),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| kpi::import::import(name, black_box(text)).expect("generated text imports"))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("actuals");
    group.throughput(Throughput::Elements(rows));
    group.bench_function("read", |b| b.iter(|| read_actuals(&data)));
    group.finish();

    let actuals = read_actuals(&data);
    let mut group = c.benchmark_group("eval");
    group.throughput(Throughput::Elements(rows));
    group.bench_function("evaluate and roll up", |b| {
        b.iter(|| evaluate(&data, &actuals))
    });
    group.finish();

    let evaluation = evaluate(&data, &actuals);
    let report = Report {
        model: &data.model,
        evaluation: &evaluation,
        actuals: &actuals,
        targets: "targets.kpi",
    };
    let mut group = c.benchmark_group("report");
    group.throughput(Throughput::Elements(rows));
    group.bench_function("text", |b| {
        b.iter(|| kpi::report::eval::text(&report, false))
    });
    group.bench_function("md", |b| b.iter(|| kpi::report::eval::markdown(&report)));
    group.bench_function("json", |b| {
        b.iter(|| {
            let mut sink = std::io::sink();
            kpi::report::eval::write_json(&report, &mut sink, None).expect("a sink takes anything")
        })
    });
    group.bench_function("csv", |b| b.iter(|| kpi::report::eval::csv(&report)));
    group.bench_function("html", |b| b.iter(|| kpi::report::eval::html(&report)));
    group.bench_function("xlsx", |b| {
        b.iter(|| kpi::report::eval::xlsx(&report).expect("the workbook builds"))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = stages
}
criterion_main!(benches);
