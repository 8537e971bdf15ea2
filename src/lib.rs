//! bifeed turns a folder of bilingual (Chinese + English) news articles into RSS 2.0 and Atom
//! feeds, one pair per language.
//!
//! The pipeline, one module per stage, pure in the middle and I/O at the edges:
//!
//! ```text
//! source (list + read + decode) → article (parse) → feed (render, pure) → output (atomic write)
//! ```
//!
//! [`build`] drives it once; `watch` and `serve` reuse the same stages.

mod article;
mod build;
mod cli;
pub mod cmd;
mod collection;
mod config;
mod diagnostic;
mod lang;
mod limits;
mod publish;
mod render;
mod selection;
mod serve;
mod site;
mod source;
mod text;
mod watch;

pub use article::{Article, Context, Version, extract_keywords, parse};
pub use cli::Cli;
pub use collection::{FileOutcome, outcomes};
pub use config::{Config, Sources};
pub use lang::Lang;
pub use render::render;
pub use source::decode;
