//! The integration tests, one crate: each module runs the real binary (or the library's
//! surface) on temporary folders and checks what a user sees; [`common`] is the one harness
//! (sites, articles, processes, waiting, reading feeds back with independent parsers).
//! One crate, so CI links one test binary instead of one per file.

mod common;

mod abuse;
mod archives;
mod bad_input;
mod build;
mod builtin_hub;
mod cache;
mod committed_feeds;
mod corpus;
mod crash;
mod dates;
mod faults;
mod fuzz_inputs;
mod json_feed;
mod operate;
mod pages;
mod property;
mod readers;
mod serve;
mod store;
mod topics;
mod watch;
mod websub;
