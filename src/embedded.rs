//! The reference input built into the binary: the 2024 budget disclosure of 沈阳市工业和信息化局
//! (a public document) and its targets as a spec. Used when no file is given, so `kpi` works on a
//! machine with nothing else.

/// The disclosure as text taken from its PDF (`examples/disclosure-2024.txt`).
pub const DISCLOSURE: &str = include_str!("../examples/disclosure-2024.txt");
/// How messages name the embedded disclosure.
pub const DISCLOSURE_NAME: &str = "embedded:disclosure-2024.txt";

/// The disclosure's targets as a spec (`examples/targets-2024.kpi`).
pub const SPEC: &str = include_str!("../examples/targets-2024.kpi");
/// How messages name the embedded spec.
pub const SPEC_NAME: &str = "embedded:targets-2024.kpi";
