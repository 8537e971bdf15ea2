//! Dates end to end: URL, dateline + file year, file time; always Beijing time unless
//! configured otherwise; `check` names the source.

use crate::common;

use common::{Site, article, stdout};

/// 2025-01-02T00:30:00Z, which is 08:30 on 2 January in Beijing.
const JAN_2_2025: u64 = 1_735_777_800;

fn undated_url(text: &str) -> String {
    text.replace("/cj/2024/12-30/123456.shtml", "/cj/123456.shtml")
}

#[test]
fn each_date_source_end_to_end() {
    let site = Site::new();
    let base = article("标题", "Title", "2024/12-30", "k");
    // URL date.
    site.article_at("001_0000000000000001.txt", &base, JAN_2_2025);
    // Chinese dateline 12月30日 in a file saved in January: last year.
    site.article_at("002_0000000000000002.txt", undated_url(&base), JAN_2_2025);
    // English dateline only (May 20th), file from January 2025: May 2024.
    let en_only_dateline = undated_url(&base).replace("中新网杭州12月30日电(记者 王明)", "");
    site.article_at(
        "003_0000000000000003.txt",
        en_only_dateline.clone(),
        JAN_2_2025,
    );
    // No date anywhere: the file time.
    let no_date = en_only_dateline.replace(
        "**China News Service, Hangzhou, May 20th (Reporter Wang Ming)** – ",
        "",
    );
    site.article_at("004_0000000000000004.txt", no_date, JAN_2_2025);

    let report = stdout(&site.run(&["check"]));
    let date_lines: Vec<&str> = report.lines().filter(|l| l.contains("date:")).collect();
    assert_eq!(
        date_lines,
        [
            "  date:     2024-12-30 00:00:00 +08:00  (from the source URL)",
            "  date:     2024-12-30 00:00:00 +08:00  (from the Chinese dateline + year of file time)",
            "  date:     2024-05-20 00:00:00 +08:00  (from the English dateline + year of file time)",
            "  date:     2025-01-02 08:30:00 +08:00  (from the file modification time)",
        ]
    );

    site.build();
    let feed = site.feed("zh/rss.xml");
    let mut dates = feed.texts("pubDate");
    dates.sort();
    assert_eq!(
        dates,
        [
            "Mon, 20 May 2024 00:00:00 +0800",
            "Mon, 30 Dec 2024 00:00:00 +0800",
            "Mon, 30 Dec 2024 00:00:00 +0800",
            "Thu, 2 Jan 2025 08:30:00 +0800",
        ]
    );
}

#[test]
fn the_time_zone_is_configurable() {
    let site = Site::new();
    site.article(
        "001_0000000000000001.txt",
        article("标题", "Title", "2024/12-30", "k"),
    );
    site.config("timezone: \"-05:00\"\n");
    site.build();
    // Midnight in the configured zone; Atom writes the instant in UTC, RSS in the zone.
    let atom = site.feed("en/atom.xml");
    assert_eq!(atom.texts("published"), ["2024-12-30T05:00:00Z"]);
    let rss = site.feed("en/rss.xml");
    assert_eq!(rss.texts("pubDate"), ["Mon, 30 Dec 2024 00:00:00 -0500"]);
}
