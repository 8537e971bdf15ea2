//! bifeed turns a folder of bilingual (Chinese + English) news articles into feeds: per
//! language and per topic RSS 2.0, Atom 1.0 and JSON Feed 1.1 with a page a browser reads, a
//! page for every article that has no link of its own, an entry page and OPML lists.
//!
//! The pipeline, one module per stage, pure in the middle and I/O at the edges; an import only
//! ever points to an earlier stage or to a leaf (`docs/architecture.md`):
//!
//! ```text
//! source (list, name, read, decode) → article (parse, date, keywords) → collection
//!   → selection (which documents, which items) → render (one module per format)
//!   → publish (a folder, atomically)
//! ```
//!
//! `cmd` holds one thin module per command; `build` runs the pipeline once, `watch` keeps
//! running it, `serve` serves what it published.

mod article;
mod backoff;
mod build;
mod cache;
mod cli;
pub mod cmd;
mod collection;
mod config;
mod diagnostic;
mod hub;
mod lang;
mod limits;
mod metrics;
mod publish;
mod render;
mod selection;
mod serve;
mod site;
mod source;
mod text;
mod watch;

pub use article::{Article, Context, Version, extract_keywords, parse};
pub use cli::{Cli, LogFormat};
pub use collection::{FileOutcome, outcomes};
pub use config::{Config, Sources};
pub use lang::Lang;
pub use render::render;
pub use source::decode;
