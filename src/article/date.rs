//! Finding an article's date. The year is only ever written in the source URL; the datelines
//! carry month and day, and the file's modification time supplies the rest.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone};

/// Where an article's date came from, in order of trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// The `/YYYY/MM-DD/`-like part of the source URL.
    SourceUrl,
    /// Month and day from the Chinese dateline (`5月17日电`), year from the file's mtime.
    ChineseDateline,
    /// Month and day from the English dateline (`May 17th`), year from the file's mtime.
    EnglishDateline,
    /// No date in the text: the file's modification time.
    FileTime,
}

impl std::fmt::Display for DateSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DateSource::SourceUrl => "source URL",
            DateSource::ChineseDateline => "Chinese dateline + year of file time",
            DateSource::EnglishDateline => "English dateline + year of file time",
            DateSource::FileTime => "file modification time",
        })
    }
}

/// A date found in a URL path: either a real calendar date, or a shape that matched with
/// numbers that are no date (`/2024/02-30/`), which the caller reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlDate {
    Valid(NaiveDate),
    Impossible { year: i32, month: u32, day: u32 },
}

/// The date in a URL path, in any of the shapes news sites use:
/// `/YYYY/MM-DD/`, `/YYYY-MM/DD/`, `/YYYY/MM/DD/`, `/YYYY/MMDD/`, `/YYYYMMDD/`.
pub fn from_url_path(path: &str) -> Option<UrlDate> {
    // Only whole path segments count, so that an article number such as `10218769.shtml` can
    // never be read as a date.
    let segments: Vec<&str> = path.split('/').collect();
    for i in 0..segments.len() {
        let rest = &segments[i..];
        let found = match rest {
            [y, md, ..] if digits(y, 4) && is_pair(md, '-') => {
                Some((num(y), num(&md[..2]), num(&md[3..])))
            }
            [ym, d, ..] if ym.len() == 7 && digits(&ym[..4], 4) && ym.as_bytes()[4] == b'-' => {
                if digits(&ym[5..], 2) && digits(d, 2) {
                    Some((num(&ym[..4]), num(&ym[5..]), num(d)))
                } else {
                    None
                }
            }
            [y, m, d, ..] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
                Some((num(y), num(m), num(d)))
            }
            [y, md, ..] if digits(y, 4) && digits(md, 4) => {
                Some((num(y), num(&md[..2]), num(&md[2..])))
            }
            [ymd, ..] if digits(ymd, 8) => Some((num(&ymd[..4]), num(&ymd[4..6]), num(&ymd[6..]))),
            _ => None,
        };
        if let Some((year, month, day)) = found {
            let year = year as i32;
            if !(1900..=2100).contains(&year) {
                continue;
            }
            return Some(match NaiveDate::from_ymd_opt(year, month, day) {
                Some(date) => UrlDate::Valid(date),
                None => UrlDate::Impossible { year, month, day },
            });
        }
    }
    None
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_pair(s: &str, sep: char) -> bool {
    s.len() == 5 && digits(&s[..2], 2) && s[2..].starts_with(sep) && digits(&s[3..], 2)
}

fn num(s: &str) -> u32 {
    s.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0'))
}

/// A month and day read from a dateline, and how many bytes of the paragraph the dateline takes
/// (so the summary can start after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dateline {
    pub month: u32,
    pub day: u32,
    pub len: usize,
}

/// The Chinese dateline at the start of a paragraph: `中新网宜春5月17日电(记者 张一凡)`.
///
/// City, reporter, the space before the bracket and `电`/`電` are all optional, brackets may be
/// ASCII or full-width, digits may be full-width. Without `电` or a bracket, the words before
/// the date must name a news organisation, so that a paragraph opening with `今年5月17日,` is
/// not taken for a dateline.
pub fn chinese_dateline(paragraph: &str) -> Option<Dateline> {
    let mut chars = paragraph.char_indices().peekable();
    // The source and city: a short run without punctuation or spaces.
    let mut prefix_end = 0;
    let mut prefix_chars = 0;
    while let Some(&(i, c)) = chars.peek() {
        if ascii_digit(c).is_some() {
            prefix_end = i;
            break;
        }
        if prefix_chars >= 16 || c.is_whitespace() || is_punctuation(c) {
            return None;
        }
        prefix_chars += 1;
        chars.next();
    }
    let prefix = &paragraph[..prefix_end];
    let month = read_number(&mut chars)?;
    if chars.next().map(|(_, c)| c) != Some('月') {
        return None;
    }
    let day = read_number(&mut chars)?;
    if chars.next().map(|(_, c)| c) != Some('日') {
        return None;
    }
    let mut end = chars.peek().map_or(paragraph.len(), |&(i, _)| i);
    let mut wire = false;
    if let Some(&(i, c)) = chars.peek()
        && (c == '电' || c == '電')
    {
        wire = true;
        end = i + c.len_utf8();
    }
    let rest = paragraph[end..].trim_start();
    let mut bracket = false;
    if let Some(open) = rest.chars().next().filter(|c| *c == '(' || *c == '（') {
        let inner = &rest[open.len_utf8()..];
        if let Some(close) = inner.find([')', '）']).filter(|&n| n <= 120) {
            bracket = true;
            let close_len = inner[close..].chars().next().map_or(1, char::len_utf8);
            end = paragraph.len() - inner.len() + close + close_len;
        }
    }
    let named_source = ["社", "网", "網", "报", "報", "台", "讯", "訊"]
        .iter()
        .any(|marker| prefix.contains(marker));
    if !(wire || bracket || named_source) || !(1..=12).contains(&month) || !(1..=31).contains(&day)
    {
        return None;
    }
    // Separators between the dateline and the sentence belong to the dateline.
    let tail = paragraph[end..].trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | ',' | '，' | '-' | '—' | '–')
    });
    Some(Dateline {
        month,
        day,
        len: paragraph.len() - tail.len(),
    })
}

fn ascii_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn read_number(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Option<u32> {
    let mut n = 0;
    let mut count = 0;
    while let Some(d) = chars.peek().and_then(|&(_, c)| ascii_digit(c)) {
        n = n * 10 + d;
        count += 1;
        chars.next();
        if count > 2 {
            return None;
        }
    }
    (count > 0).then_some(n)
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '，' | '。'
                | '、'
                | '；'
                | '：'
                | '！'
                | '？'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '（'
                | '）'
                | '【'
                | '】'
                | '《'
                | '》'
                | '「'
                | '」'
                | '…'
                | '—'
        )
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The English dateline at the start of a paragraph:
/// `**China News Service, Yichun, May 17th (Reporter Zhang Yifan)** – `.
///
/// Bold or not; followed by `–`, `—`, `-`, `--` or `:`. The month may be written out or
/// abbreviated (`Sept.`), the day ordinal or not.
pub fn english_dateline(paragraph: &str) -> Option<Dateline> {
    let (head, after_head) = if let Some(inner) = paragraph.strip_prefix("**") {
        let close = inner.find("**").filter(|&n| n <= 200)?;
        (&inner[..close], 2 + close + 2)
    } else {
        // Without bold, the dateline ends at the first dash or colon separator.
        let limit = paragraph
            .char_indices()
            .nth(200)
            .map_or(paragraph.len(), |(i, _)| i);
        let window = &paragraph[..limit];
        let sep = [" – ", " — ", " -- ", " - ", ": "]
            .iter()
            .filter_map(|s| window.find(s))
            .min()?;
        (&paragraph[..sep], sep)
    };
    let (month, day) = month_and_day(head)?;
    let tail = paragraph[after_head..]
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '–' | '—' | '-' | ':'));
    Some(Dateline {
        month,
        day,
        len: paragraph.len() - tail.len(),
    })
}

/// The first `<Month> <day>` in `text`, e.g. `May 17th`, `Sept. 3`, `Dec 1`.
fn month_and_day(text: &str) -> Option<(u32, u32)> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        let name = pair[0].trim_end_matches('.');
        let Some(month) = MONTHS.iter().position(|m| {
            name == *m || (name.len() >= 3 && m.starts_with(name) && name.len() <= 4)
        }) else {
            continue;
        };
        let day_word = pair[1];
        let digits_len = day_word.bytes().take_while(u8::is_ascii_digit).count();
        let suffix = &day_word[digits_len..];
        if !(1..=2).contains(&digits_len)
            || !matches!(suffix, "" | "st" | "nd" | "rd" | "th" | "." | ":")
        {
            continue;
        }
        let day = num(&day_word[..digits_len]);
        if (1..=31).contains(&day) {
            return Some((month as u32 + 1, day));
        }
    }
    None
}

/// The full date for a dateline's month and day, taking the year from the file's modification
/// time. A file cannot be written before the news happened, so a month/day that would fall
/// after the file time (beyond a day of slack for time zones) belongs to the year before:
/// a December dateline on a file saved in January is last year's news.
pub fn dateline_date(month: u32, day: u32, file_time: DateTime<FixedOffset>) -> Option<NaiveDate> {
    let year = file_time.year();
    let this_year = NaiveDate::from_ymd_opt(year, month, day);
    let latest = file_time.date_naive().succ_opt()?;
    match this_year {
        Some(date) if date <= latest => Some(date),
        _ => NaiveDate::from_ymd_opt(year - 1, month, day),
    }
}

/// Which dates an article may plausibly carry: none before 1990, and none more than a day
/// after its file was written (or, for a file whose own time is implausible, more than a day
/// after now). A URL that says 2100 would pin an item to the top of every feed for 75 years,
/// and readers and the W3C validator take such dates for errors.
#[derive(Debug, Clone, Copy)]
pub struct Plausible {
    earliest: NaiveDate,
    latest: DateTime<FixedOffset>,
    /// What the latest date is counted from, for messages.
    from: &'static str,
}

impl Plausible {
    pub fn new(file_time: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> Plausible {
        let earliest = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default();
        let day = chrono::TimeDelta::days(1);
        let file_plausible = file_time.date_naive() >= earliest && file_time <= now + day;
        let (written, from) = if file_plausible {
            (file_time, "the file was written")
        } else {
            (now, "now")
        };
        Plausible {
            earliest,
            latest: written + day,
            from,
        }
    }

    /// `Err` says why `date` is implausible.
    pub fn check(&self, date: DateTime<FixedOffset>) -> Result<(), String> {
        if date.date_naive() < self.earliest {
            Err("before 1990".into())
        } else if date > self.latest {
            Err(format!(
                "more than a day after {}, {}",
                self.from,
                (self.latest - chrono::TimeDelta::days(1)).format("%Y-%m-%d")
            ))
        } else {
            Ok(())
        }
    }
}

/// Midnight of `date` in `zone`: wire copy gives no time of day.
pub fn midnight(date: NaiveDate, zone: FixedOffset) -> DateTime<FixedOffset> {
    let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    // A fixed offset has no gaps or folds, so the local time always maps to one instant.
    zone.from_local_datetime(&naive)
        .single()
        .unwrap_or_else(|| zone.from_utc_datetime(&naive))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<UrlDate> {
        NaiveDate::from_ymd_opt(y, m, d).map(UrlDate::Valid)
    }

    #[test]
    fn every_url_shape() {
        assert_eq!(
            from_url_path("/gn/2024/05-17/10218769.shtml"),
            ymd(2024, 5, 17)
        );
        assert_eq!(
            from_url_path("/news/2023-11/08/c_1129963.htm"),
            ymd(2023, 11, 8)
        );
        assert_eq!(from_url_path("/a/2022/0304/987.html"), ymd(2022, 3, 4));
        assert_eq!(
            from_url_path("/content/20210615/abc.html"),
            ymd(2021, 6, 15)
        );
        assert_eq!(
            from_url_path("/world/2020/12/31/story.html"),
            ymd(2020, 12, 31)
        );
    }

    #[test]
    fn article_numbers_are_not_dates() {
        assert_eq!(from_url_path("/gn/10218769.shtml"), None);
        assert_eq!(from_url_path("/20240517.html"), None);
        assert_eq!(from_url_path("/"), None);
        assert_eq!(from_url_path("/12345678/x"), None);
    }

    #[test]
    fn impossible_dates_are_reported_not_guessed() {
        assert_eq!(
            from_url_path("/gn/2024/02-30/1.shtml"),
            Some(UrlDate::Impossible {
                year: 2024,
                month: 2,
                day: 30
            })
        );
    }

    #[test]
    fn chinese_dateline_shapes() {
        let cases = [
            (
                "中新网宜春5月17日电(记者 张一凡)作为试点",
                5,
                17,
                "作为试点",
            ),
            ("中新网宜春5月17日电 (记者 张一凡) 作为", 5, 17, "作为"),
            ("中新网5月17日电 作为", 5, 17, "作为"),
            ("中新社北京12月3日電（记者 王明、李华）正文", 12, 3, "正文"),
            ("中新网宜春5月17日(记者 张一凡)正文", 5, 17, "正文"),
            ("中新网杭州５月１日电 正文", 5, 1, "正文"),
            ("新华社上海1月2日电 正文", 1, 2, "正文"),
            ("中新网广州3月9日 正文", 3, 9, "正文"),
            ("5月17日电(记者 张一凡)正文", 5, 17, "正文"),
        ];
        for (text, month, day, rest) in cases {
            let d = chinese_dateline(text).unwrap_or_else(|| panic!("no dateline in {text}"));
            assert_eq!(
                (d.month, d.day, &text[d.len..]),
                (month, day, rest),
                "{text}"
            );
        }
    }

    #[test]
    fn ordinary_sentences_are_not_datelines() {
        for text in [
            "今年5月17日,宜春市召开会议。",
            "宜春市在推进政协协商过程中,注重发挥委员作用。",
            "据统计,5月17日当天共有300人参加。",
            "中新网宜春13月40日电 不是日期",
        ] {
            assert_eq!(chinese_dateline(text), None, "{text}");
        }
    }

    #[test]
    fn english_dateline_shapes() {
        let cases = [
            (
                "**China News Service, Yichun, May 17th (Reporter Zhang Yifan)** – As a pilot",
                5,
                17,
            ),
            ("**China News Service, Beijing, Dec. 3** — Text", 12, 3),
            ("China News Service, Hangzhou, March 1 - Text", 3, 1),
            ("China News Service, Sept. 22nd: Text", 9, 22),
            (
                "**Beijing, January 2nd (Reporters Wang Ming and Li Hua)**: Text",
                1,
                2,
            ),
            ("**China News Service, Guangzhou, Aug 9th** Text", 8, 9),
        ];
        for (text, month, day) in cases {
            let d = english_dateline(text).unwrap_or_else(|| panic!("no dateline in {text}"));
            assert_eq!((d.month, d.day), (month, day), "{text}");
            assert!(text[d.len..].starts_with("As a pilot") || text[d.len..] == *"Text");
        }
    }

    #[test]
    fn english_sentences_are_not_datelines() {
        for text in [
            "In May, the city held 17 meetings - all of them public.",
            "The plan: more parks.",
            "**Bold text** – with no date",
        ] {
            assert_eq!(english_dateline(text), None, "{text}");
        }
    }

    #[test]
    fn year_comes_from_file_time_and_december_rolls_back() {
        let bj = FixedOffset::east_opt(8 * 3600).unwrap();
        let jan = bj.with_ymd_and_hms(2025, 1, 3, 9, 0, 0).unwrap();
        assert_eq!(
            dateline_date(12, 30, jan),
            NaiveDate::from_ymd_opt(2024, 12, 30)
        );
        assert_eq!(
            dateline_date(1, 2, jan),
            NaiveDate::from_ymd_opt(2025, 1, 2)
        );
        // A day of slack: the wire date may be "tomorrow" in another zone.
        assert_eq!(
            dateline_date(1, 4, jan),
            NaiveDate::from_ymd_opt(2025, 1, 4)
        );
        let jun = bj.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
        assert_eq!(
            dateline_date(5, 17, jun),
            NaiveDate::from_ymd_opt(2024, 5, 17)
        );
        // 29 February: the year before when that was a leap year, else no date at all.
        let mar = bj.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(
            dateline_date(2, 29, mar),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        let mar = bj.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(dateline_date(2, 29, mar), None);
    }

    #[test]
    fn midnight_is_at_the_zone_offset() {
        let bj = FixedOffset::east_opt(8 * 3600).unwrap();
        let d = midnight(NaiveDate::from_ymd_opt(2024, 5, 17).unwrap(), bj);
        assert_eq!(d.to_rfc3339(), "2024-05-17T00:00:00+08:00");
    }
}
