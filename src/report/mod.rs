//! Results → formats. Renderers format what the layers below computed; they compute nothing.

pub mod eval;
pub mod import;
pub mod template;
pub mod template_xlsx;
