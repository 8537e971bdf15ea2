//! Criterion benches of the pipeline's pure stages, on generated articles of about 10 KB:
//! `cargo bench`. The build as a whole is measured by bench/build.sh.

#[path = "../examples/common/generate.rs"]
mod generate;

use std::hint::black_box;

use bifeed::Config;
use bifeed::decode;
use bifeed::render;
use bifeed::{Article, Context, parse};
use chrono::{FixedOffset, TimeZone};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn context() -> Context {
    let bj = FixedOffset::east_opt(8 * 3600).unwrap();
    Context {
        id: "0123456789abcdef".into(),
        file_time: bj.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap(),
        now: bj.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap(),
    }
}

fn articles(n: usize) -> Vec<Article> {
    (0..n)
        .map(|i| {
            let g = generate::article(1, i);
            let text = decode(&g.bytes).unwrap().text.into_owned();
            parse(&text, &context()).unwrap().article
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let sample = generate::article(1, 3).bytes;
    let mut group = c.benchmark_group("article");
    group.throughput(Throughput::Bytes(sample.len() as u64));
    group.bench_function("decode + parse", |b| {
        b.iter(|| {
            let text = decode(black_box(&sample)).unwrap();
            parse(&text.text, &context()).unwrap()
        })
    });
    let parsed = articles(1).remove(0);
    let zh = parsed.zh.clone().unwrap();
    group.bench_function("Chinese keywords", |b| {
        b.iter(|| {
            bifeed::extract_keywords(
                black_box(&zh.title),
                &zh.paragraphs,
                &zh.authors,
                &zh.english_keywords,
            )
        })
    });
    group.finish();

    let site = Config::default().site;
    let fifty = articles(50);
    let refs: Vec<&Article> = fifty.iter().collect();
    // Keywords are computed once per article and kept: render with them in place, as the
    // watcher does after the first build.
    let _ = render(&site, &refs, &[], 50);
    let mut group = c.benchmark_group("render");
    group.throughput(Throughput::Elements(50));
    group.bench_function("4 feeds of 50 items + index + OPML", |b| {
        b.iter(|| render(black_box(&site), &refs, &[], 50))
    });
    group.finish();
}

criterion_group!(pipeline, benches);
criterion_main!(pipeline);
