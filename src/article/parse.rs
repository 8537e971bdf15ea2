//! Text → [`Article`]. The format and its variants are described in the README and in
//! `FORMAT.md`: Chinese headline and paragraphs, a `英语如下:` separator line, English
//! `### Title:` / `### Keywords:` / `### News Content:` headers and paragraphs, then a footer with
//! `【来源】<URL>` and `Views: N`.

use chrono::{DateTime, FixedOffset, SubsecRound};
use url::Url;

use super::byline;
use super::date::{self, DateSource, Dateline, UrlDate};
use super::keywords::split_listed;
use super::{Article, KeywordSource, Parsed, Rejection, Version, Warning};
use crate::text::{is_han, remove_xml_forbidden};

/// What the parser needs to know about the file besides its text.
#[derive(Debug, Clone)]
pub struct Context {
    /// The article id (see [`super::article_id`]).
    pub id: String,
    /// The file's modification time, in the articles' time zone: supplies the year for a
    /// dateline, and the date (to the second) when the text has none.
    pub file_time: DateTime<FixedOffset>,
    /// The clock, for telling dates in the future: see [`date::Plausible`].
    pub now: DateTime<FixedOffset>,
}

/// One line of the file, trimmed (ASCII and ideographic spaces), with its 1-based number.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    no: usize,
    text: &'a str,
}

/// Parses one article. Never panics, whatever the text.
pub fn parse(text: &str, ctx: &Context) -> Result<Parsed, Rejection> {
    let mut warnings = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let cleaned = remove_xml_forbidden(text);
    if cleaned.len() != text.len() {
        let line = split_lines(text)
            .find(|(_, l)| remove_xml_forbidden(l).len() != l.len())
            .map_or(1, |(no, _)| no);
        warnings.push(Warning {
            line,
            message: "removed characters that XML 1.0 forbids (control characters)".into(),
        });
    }
    let lines: Vec<Line> = split_lines(&cleaned)
        .map(|(no, l)| Line { no, text: l.trim() })
        .filter(|l| !l.text.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(Rejection {
            line: 1,
            reason: if text.is_empty() {
                "empty file".into()
            } else {
                "the file holds only blank lines".into()
            },
        });
    }

    let (footer, lines) = split_footer(&lines);
    let (zh_lines, en_lines) = split_languages(&lines);
    let mut zh = chinese_version(&zh_lines, &mut warnings);
    let en = english_version(&en_lines, &mut warnings);
    if let (Some(zh), Some(en)) = (&mut zh, &en)
        && zh.version.keywords_from == KeywordSource::Extracted
    {
        zh.version.english_keywords = en.version.keywords.clone();
    }

    if zh.is_none() && en.is_none() {
        let line = lines
            .first()
            .or(footer.first_line.as_ref())
            .map_or(1, |l| l.no);
        let reason = if lines.is_empty() {
            "only footer lines (【来源】, Views:): no headline or body in either language"
        } else {
            "no headline with a body in either language"
        };
        return Err(Rejection {
            line,
            reason: reason.into(),
        });
    }
    match (&zh, &en) {
        (Some(_), None) if !en_lines.is_empty() => {}
        (Some(_), None) => warnings.push(Warning {
            line: lines.last().map_or(1, |l| l.no),
            message: "no English part: the article goes into the Chinese feeds only".into(),
        }),
        (None, Some(_)) if !zh_lines.is_empty() => {}
        (None, Some(_)) => warnings.push(Warning {
            line: lines.first().map_or(1, |l| l.no),
            message: "no Chinese part: the article goes into the English feeds only".into(),
        }),
        _ => {}
    }

    let link = source_link(&footer, &mut warnings);
    let (date, date_source) = article_date(ctx, link.as_ref(), &footer, &zh, &en, &mut warnings)?;

    Ok(Parsed {
        article: Article {
            id: ctx.id.clone(),
            date,
            date_source,
            link,
            views: footer.views,
            zh: zh.map(|v| v.version),
            en: en.map(|v| v.version),
        },
        warnings,
        has_footer: footer.first_line.is_some(),
    })
}

/// Numbered lines, ended by LF, CRLF or a lone CR (old Mac files), in any mix.
fn split_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .enumerate()
        .map(|(i, l)| (i + 1, l))
}

/// The footer lines, wherever they stand: a footer line is never body text or a headline.
#[derive(Default)]
struct Footer<'a> {
    sources: Vec<Line<'a>>,
    views: Option<u64>,
    first_line: Option<Line<'a>>,
}

fn split_footer<'a>(lines: &[Line<'a>]) -> (Footer<'a>, Vec<Line<'a>>) {
    let mut footer = Footer::default();
    let mut rest = Vec::with_capacity(lines.len());
    for &line in lines {
        if let Some(value) = source_value(line.text) {
            footer.sources.push(Line {
                no: line.no,
                text: value,
            });
        } else if let Some(views) = views_value(line.text) {
            footer.views = footer.views.or(views);
        } else {
            rest.push(line);
            continue;
        }
        footer.first_line.get_or_insert(line);
    }
    (footer, rest)
}

/// `【来源】URL`, `【来源】 URL`, `来源:URL`, `来源：URL`, and the traditional `來源`.
fn source_value(line: &str) -> Option<&str> {
    for bracketed in ["【来源】", "【來源】"] {
        if let Some(rest) = line.strip_prefix(bracketed) {
            return Some(rest.trim());
        }
    }
    let rest = line
        .strip_prefix("来源")
        .or_else(|| line.strip_prefix("來源"))?
        .trim_start();
    rest.strip_prefix([':', '：']).map(str::trim)
}

/// `Views: 12` (any case, either colon). `Some(None)` when the count is unreadable: the line is
/// still footer, not body.
fn views_value(line: &str) -> Option<Option<u64>> {
    let head = line.get(..5)?;
    if !head.eq_ignore_ascii_case("views") {
        return None;
    }
    let rest = line[5..].trim_start().strip_prefix([':', '：'])?;
    let digits: String = rest.trim().chars().filter(|c| *c != ',').collect();
    Some(digits.parse().ok())
}

/// Splits at the separator line (`英语如下:` and its variants). Without one, the English part
/// starts at the first English header line; without that either, the whole text is one
/// language, decided by its script.
fn split_languages<'a>(lines: &[Line<'a>]) -> (Vec<Line<'a>>, Vec<Line<'a>>) {
    if let Some(i) = lines.iter().position(|l| is_separator(l.text)) {
        return (lines[..i].to_vec(), lines[i + 1..].to_vec());
    }
    if let Some(i) = lines.iter().position(|l| english_header(l.text).is_some()) {
        return (lines[..i].to_vec(), lines[i..].to_vec());
    }
    let (han, latin) =
        lines
            .iter()
            .flat_map(|l| l.text.chars())
            .fold((0usize, 0usize), |(h, a), c| {
                if is_han(c) {
                    (h + 1, a)
                } else if c.is_ascii_alphabetic() {
                    (h, a + 1)
                } else {
                    (h, a)
                }
            });
    // A Chinese character carries about as much as a short English word.
    if han * 4 >= latin {
        (lines.to_vec(), Vec::new())
    } else {
        (Vec::new(), lines.to_vec())
    }
}

/// `英语如下:`, `英语如下：`, `英语如下`, `英文如下:`, traditional `英語如下`, as a line of
/// its own.
fn is_separator(line: &str) -> bool {
    let Some(rest) = ["英语如下", "英語如下", "英文如下"]
        .iter()
        .find_map(|s| line.strip_prefix(s))
    else {
        return false;
    };
    matches!(rest.trim(), "" | ":" | "：")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    Title,
    Keywords,
    NewsContent,
}

/// An English header line: `### Title: x`, `###Title:x`, `## title：x`, `**Title:** x`,
/// `**Title**: x`, `Title: x`. Returns the header and its (possibly empty) value.
fn english_header(line: &str) -> Option<(Header, &str)> {
    let s = line.trim_start_matches('#').trim_start();
    let s = s.strip_prefix("**").unwrap_or(s).trim_start();
    const NAMES: [(&str, Header); 4] = [
        ("news content", Header::NewsContent),
        ("title", Header::Title),
        ("keywords", Header::Keywords),
        ("keyword", Header::Keywords),
    ];
    for (name, header) in NAMES {
        let Some(head) = s.get(..name.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(name) {
            continue;
        }
        let rest = s[name.len()..].trim_start();
        let rest = rest.strip_prefix("**").unwrap_or(rest).trim_start();
        let Some(value) = rest.strip_prefix([':', '：']) else {
            continue;
        };
        let value = value.trim_start();
        let value = value.strip_prefix("**").unwrap_or(value);
        return Some((header, value.trim()));
    }
    None
}

/// A version plus where its dateline was, for the date.
struct Found {
    version: Version,
    dateline: Option<Dateline>,
    dateline_line: usize,
}

fn chinese_version(lines: &[Line], warnings: &mut Vec<Warning>) -> Option<Found> {
    let mut keywords = None;
    let mut body: Vec<Line> = Vec::with_capacity(lines.len());
    for &line in lines {
        if let Some(list) = chinese_keyword_line(line.text) {
            keywords = Some((line.no, split_listed(list, true)));
        } else if is_end_mark(line.text) || is_editor_line(line.text) {
            continue;
        } else {
            body.push(line);
        }
    }
    // `(完)` may also close the last paragraph itself.
    if let Some(last) = body.last_mut() {
        for mark in ["(完)", "（完）"] {
            if let Some(text) = last.text.strip_suffix(mark) {
                last.text = text.trim_end();
            }
        }
        if last.text.is_empty() {
            body.pop();
        }
    }
    let (headline, paragraphs) = body.split_first()?;
    if paragraphs.is_empty() {
        warnings.push(Warning {
            line: headline.no,
            message: "the Chinese part has a headline but no body: left out of the Chinese feeds"
                .into(),
        });
        return None;
    }
    let (keywords, keywords_from) = match keywords {
        Some((line, list)) => (list, KeywordSource::Listed { line }),
        None => (Vec::new(), KeywordSource::Extracted),
    };
    Some(build_version(
        Headings {
            title: headline.text.to_string(),
            subheading: None,
        },
        keywords,
        keywords_from,
        paragraphs,
        Datelines {
            find: date::chinese_dateline,
            reporters: byline::chinese,
        },
    ))
}

/// `关键词:a、b`, `关键词：a,b`, `关键字: a b`, traditional `關鍵詞`.
fn chinese_keyword_line(line: &str) -> Option<&str> {
    let rest = ["关键词", "关键字", "關鍵詞", "關鍵字"]
        .iter()
        .find_map(|s| line.strip_prefix(s))?;
    rest.trim_start().strip_prefix([':', '：']).map(str::trim)
}

fn is_end_mark(line: &str) -> bool {
    matches!(line, "(完)" | "（完）" | "完")
}

/// `【编辑:张三】`, `【责任编辑：李四】`, traditional `【編輯：】`.
fn is_editor_line(line: &str) -> bool {
    line.starts_with('【')
        && line.ends_with('】')
        && (line.contains("编辑") || line.contains("編輯"))
}

fn english_version(lines: &[Line], warnings: &mut Vec<Warning>) -> Option<Found> {
    let mut title = None;
    let mut keywords = None;
    let mut news_headline = None;
    let mut headline_next = false;
    let mut saw_header = false;
    let mut body: Vec<Line> = Vec::with_capacity(lines.len());
    for &line in lines {
        if body.is_empty() {
            if let Some((header, value)) = english_header(line.text) {
                saw_header = true;
                headline_next = false;
                match header {
                    Header::Title if !value.is_empty() => title = Some(clean_title(value)),
                    Header::Title => {}
                    Header::Keywords => keywords = Some((line.no, split_listed(value, false))),
                    Header::NewsContent if value.is_empty() => headline_next = true,
                    Header::NewsContent => news_headline = Some(clean_title(value)),
                }
                continue;
            }
            // `### News Content:` with its headline on the next line; a dateline or a long
            // sentence there is the body starting instead.
            if headline_next {
                headline_next = false;
                if looks_like_headline(line.text) {
                    news_headline = Some(clean_title(line.text));
                    continue;
                }
            }
        }
        body.push(line);
    }
    // A file with no headers at all gives its headline as the first line, like the Chinese part.
    if !saw_header && body.len() >= 2 && looks_like_headline(body[0].text) {
        news_headline = Some(clean_title(body.remove(0).text));
    }
    let first_line = lines.first().map_or(1, |l| l.no);
    let (title, news_headline) = match title {
        Some(title) => (Some(title), news_headline),
        None => (news_headline, None),
    };
    let Some(title) = title.filter(|t| !t.is_empty()) else {
        if !lines.is_empty() {
            warnings.push(Warning {
                line: first_line,
                message: "the English part has no title: left out of the English feeds".into(),
            });
        }
        return None;
    };
    if body.is_empty() {
        warnings.push(Warning {
            line: first_line,
            message: "the English part has a title but no body: left out of the English feeds"
                .into(),
        });
        return None;
    }
    let (keywords, keywords_from) = match keywords {
        Some((line, list)) => (list, KeywordSource::Listed { line }),
        None => (Vec::new(), KeywordSource::Missing),
    };
    // The News Content headline is the article's own text: shown as its subheading unless
    // it is the title already.
    let subheading = news_headline.filter(|h| !h.is_empty() && !h.eq_ignore_ascii_case(&title));
    Some(build_version(
        Headings { title, subheading },
        keywords,
        keywords_from,
        &body,
        Datelines {
            find: date::english_dateline,
            reporters: byline::english,
        },
    ))
}

/// Titles are plain text: drop the Markdown emphasis that sometimes wraps them.
fn clean_title(value: &str) -> String {
    value
        .trim()
        .trim_matches(|c| c == '*' || c == '_' || c == '#')
        .trim()
        .to_string()
}

fn looks_like_headline(line: &str) -> bool {
    line.chars().count() <= 200
        && !line.ends_with(['.', '。'])
        && date::english_dateline(line).is_none()
}

/// How far into the body a dateline may stand: a photo caption or two may precede it.
const DATELINE_WINDOW: usize = 3;

/// A version's title and, for English, the News Content headline shown under it.
struct Headings {
    title: String,
    subheading: Option<String>,
}

/// How one language writes its dateline, and the byline inside it.
struct Datelines {
    find: fn(&str) -> Option<Dateline>,
    reporters: fn(&str) -> Vec<String>,
}

fn build_version(
    headings: Headings,
    keywords: Vec<String>,
    keywords_from: KeywordSource,
    paragraphs: &[Line],
    datelines: Datelines,
) -> Found {
    let found = paragraphs
        .iter()
        .take(DATELINE_WINDOW)
        .enumerate()
        .find_map(|(i, l)| (datelines.find)(l.text).map(|d| (i, d, l.no)));
    let authors = found.map_or_else(Vec::new, |(i, dateline, _)| {
        (datelines.reporters)(&paragraphs[i].text[..dateline.len])
    });
    // The summary is the lead paragraph without its dateline; captions before it are skipped.
    let summary = match found {
        Some((i, dateline, _)) => {
            let rest = paragraphs[i].text[dateline.len..].trim();
            if rest.is_empty() {
                paragraphs.get(i + 1).map_or("", |l| l.text)
            } else {
                rest
            }
        }
        None => paragraphs[0].text,
    };
    Found {
        version: Version {
            title: headings.title,
            subheading: headings.subheading,
            authors,
            keywords,
            keywords_from,
            summary: summary.to_string(),
            paragraphs: paragraphs.iter().map(|l| l.text.to_string()).collect(),
            english_keywords: Vec::new(),
            extracted: Default::default(),
        },
        dateline: found.map(|(_, d, _)| d),
        dateline_line: found.map_or(0, |(_, _, no)| no),
    }
}

/// The first footer source that is an absolute http(s) URL. Anything else is reported and
/// never becomes a link: a `javascript:` or `file:` URL in a feed is an attack on its readers.
fn source_link(footer: &Footer, warnings: &mut Vec<Warning>) -> Option<Url> {
    for source in &footer.sources {
        match parse_source_url(source.text) {
            Ok(url) => return Some(url),
            Err(reason) => warnings.push(Warning {
                line: source.no,
                message: reason,
            }),
        }
    }
    if footer.sources.is_empty() {
        warnings.push(Warning {
            line: footer.first_line.map_or(1, |l| l.no),
            message: "no 【来源】 source line: the items link to the article's page on the site"
                .into(),
        });
    }
    None
}

fn parse_source_url(value: &str) -> Result<Url, String> {
    // The URL ends at a space or at Chinese punctuation; stray ASCII punctuation after it goes.
    let end = value
        .find(|c: char| c.is_whitespace() || "。，、；（【】《》“”「」".contains(c))
        .unwrap_or(value.len());
    let mut token = value[..end].trim_start_matches(['<', '(']);
    loop {
        let trimmed = token.trim_end_matches(['.', ',', ';', '>', '"', '\'', ']', '!', '?']);
        let unbalanced =
            trimmed.ends_with(')') && trimmed.matches('(').count() < trimmed.matches(')').count();
        token = if unbalanced {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if !unbalanced {
            break;
        }
    }
    if token.is_empty() {
        return Err(
            "the source line holds no URL: the items link to the article's page on the site".into(),
        );
    }
    let owned;
    let candidate = if token.starts_with("//") {
        owned = format!("https:{token}");
        &owned
    } else {
        token
    };
    match Url::parse(candidate) {
        Ok(url) if crate::text::is_web_url(&url) => Ok(url),
        Ok(url) => Err(format!(
            "source link uses the `{}:` scheme; only http and https become links",
            url.scheme()
        )),
        Err(e) => Err(format!(
            "source link `{token}` is not a URL ({e}): the items link to the article's page on the site"
        )),
    }
}

fn article_date(
    ctx: &Context,
    link: Option<&Url>,
    footer: &Footer,
    zh: &Option<Found>,
    en: &Option<Found>,
    warnings: &mut Vec<Warning>,
) -> Result<(DateTime<FixedOffset>, DateSource), Rejection> {
    let zone = *ctx.file_time.offset();
    let plausible = date::Plausible::new(ctx.file_time, ctx.now);
    let url_line = footer.sources.first().map_or(1, |l| l.no);
    if let Some(url) = link {
        match date::from_url_path(url.path()) {
            Some(UrlDate::Valid(day)) => {
                let date = date::midnight(day, zone);
                match plausible.check(date) {
                    Ok(()) => return Ok((date, DateSource::SourceUrl)),
                    Err(why) => warnings.push(Warning {
                        line: url_line,
                        message: format!(
                            "the source URL's date {day} is implausible ({why}); using the \
                             dateline or file time"
                        ),
                    }),
                }
            }
            Some(UrlDate::Impossible { year, month, day }) => warnings.push(Warning {
                line: url_line,
                message: format!(
                    "the source URL's date {year:04}-{month:02}-{day:02} does not exist; \
                     using the dateline or file time"
                ),
            }),
            None => {}
        }
    }
    let datelines = [
        (zh, DateSource::ChineseDateline),
        (en, DateSource::EnglishDateline),
    ];
    for (found, source) in datelines {
        let Some(found) = found else { continue };
        let Some(d) = found.dateline else { continue };
        match date::dateline_date(d.month, d.day, ctx.file_time) {
            Some(day) => {
                let date = date::midnight(day, zone);
                match plausible.check(date) {
                    Ok(()) => return Ok((date, source)),
                    Err(why) => warnings.push(Warning {
                        line: found.dateline_line,
                        message: format!("the dateline's date {day} is implausible ({why})"),
                    }),
                }
            }
            None => warnings.push(Warning {
                line: found.dateline_line,
                message: format!("the dateline's date {}-{} does not exist", d.month, d.day),
            }),
        }
    }
    // Feed dates are to the second.
    let file_time = ctx.file_time.trunc_subsecs(0);
    match plausible.check(file_time) {
        Ok(()) => Ok((file_time, DateSource::FileTime)),
        Err(why) => Err(Rejection {
            line: 1,
            reason: format!(
                "no plausible date: none in the text that holds, and the file's time {} is \
                 implausible ({why})",
                file_time.format("%Y-%m-%d %H:%M:%S %:z")
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ctx() -> Context {
        let bj = FixedOffset::east_opt(8 * 3600).unwrap();
        Context {
            id: "0123456789abcdef".into(),
            file_time: bj.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap(),
            now: bj.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap(),
        }
    }

    const FULL: &str = "杭州港口扩建完工\n\
        中新网杭州5月20日电(记者 王明)杭州港口扩建工程完工。\n\
        港口负责人表示,吞吐能力提高三成。\n\
        英语如下:\n\
        ### Title: Hangzhou Port Expansion Completed\n\
        ### Keywords: Hangzhou, Port, Shipping\n\
        ### News Content: Hangzhou Finishes Port Expansion\n\
        **China News Service, Hangzhou, May 20th (Reporter Wang Ming)** – The expansion is **done**.\n\
        Capacity rose by a third.\n\
        【来源】http://www.chinanews.com/cj/2024/05-20/123456.shtml\n\
        Views: 42";

    fn ok(text: &str) -> Parsed {
        parse(text, &ctx()).unwrap_or_else(|e| panic!("rejected: {e}\n{text}"))
    }

    fn rejected(text: &str) -> Rejection {
        match parse(text, &ctx()) {
            Ok(p) => panic!("accepted: {:?}", p.article),
            Err(e) => e,
        }
    }

    #[test]
    fn the_standard_layout() {
        let p = ok(FULL);
        let a = &p.article;
        let zh = a.zh.as_ref().unwrap();
        let en = a.en.as_ref().unwrap();
        assert_eq!(zh.title, "杭州港口扩建完工");
        assert_eq!(zh.summary, "杭州港口扩建工程完工。");
        assert_eq!(zh.paragraphs.len(), 2);
        assert_eq!(zh.keywords_from, KeywordSource::Extracted);
        assert_eq!(en.title, "Hangzhou Port Expansion Completed");
        assert_eq!(en.keywords, ["Hangzhou", "Port", "Shipping"]);
        assert_eq!(en.keywords_from, KeywordSource::Listed { line: 6 });
        assert_eq!(en.summary, "The expansion is **done**.");
        assert_eq!(en.paragraphs.len(), 2);
        assert_eq!(a.date.to_rfc3339(), "2024-05-20T00:00:00+08:00");
        assert_eq!(a.date_source, DateSource::SourceUrl);
        assert_eq!(
            a.link.as_ref().unwrap().as_str(),
            "http://www.chinanews.com/cj/2024/05-20/123456.shtml"
        );
        assert_eq!(a.views, Some(42));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn bylines_subheading_and_file_time() {
        let a = ok(FULL).article;
        let (zh, en) = (a.zh.unwrap(), a.en.unwrap());
        assert_eq!(zh.authors, ["王明"]);
        assert_eq!(en.authors, ["Wang Ming"]);
        assert_eq!(zh.subheading, None);
        assert_eq!(
            en.subheading.as_deref(),
            Some("Hangzhou Finishes Port Expansion")
        );
        // The headline that became the title is not repeated as a subheading.
        let text = FULL.replace("### Title: Hangzhou Port Expansion Completed\n", "");
        let en = ok(&text).article.en.unwrap();
        assert_eq!(en.title, "Hangzhou Finishes Port Expansion");
        assert_eq!(en.subheading, None);
        let text = FULL.replace(
            "### News Content: Hangzhou Finishes Port Expansion",
            "### News Content: hangzhou port expansion completed",
        );
        assert_eq!(ok(&text).article.en.unwrap().subheading, None);
        // No dateline, no byline.
        let text = FULL.replace("中新网杭州5月20日电(记者 王明)", "");
        assert!(ok(&text).article.zh.unwrap().authors.is_empty());
    }

    #[test]
    fn a_file_time_date_is_to_the_second() {
        let text = FULL
            .replace("/cj/2024/05-20/123456.shtml", "/cj/123456.shtml")
            .replace("5月20日电", "")
            .replace(", May 20th", "");
        let mut ctx = ctx();
        ctx.file_time += chrono::TimeDelta::nanoseconds(123_456_789);
        let a = parse(&text, &ctx).unwrap().article;
        assert_eq!(a.date_source, DateSource::FileTime);
        assert_eq!(a.date.to_rfc3339(), "2024-06-01T12:00:00+08:00");
    }

    #[test]
    fn bom_crlf_and_no_final_newline_change_nothing() {
        let crlf = format!("\u{feff}{}", FULL.replace('\n', "\r\n"));
        assert_eq!(ok(&crlf).article, ok(FULL).article);
        let trailing = format!("{FULL}\n\n");
        assert_eq!(ok(&trailing).article, ok(FULL).article);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = FULL.replace('\n', "\r");
        assert_eq!(ok(&text).article, ok(FULL).article);
        let p = ok(&FULL
            .replacen('\n', "\r", 1)
            .replace("Views: 42", "Views: x\u{1}"));
        assert_eq!(p.warnings[0].line, 11);
    }

    #[test]
    fn mixed_line_endings_and_ideographic_indentation() {
        let text = FULL
            .replacen('\n', "\r\n", 3)
            .replace("港口负责人", "\u{3000}\u{3000}港口负责人");
        let p = ok(&text);
        assert_eq!(
            p.article.zh.unwrap().paragraphs[1],
            "港口负责人表示,吞吐能力提高三成。"
        );
    }

    #[test]
    fn separator_variants() {
        for sep in [
            "英语如下：",
            "英语如下",
            "英语如下:   ",
            "英文如下:",
            "  英语如下 : ",
        ] {
            let text = FULL.replace("英语如下:", sep);
            let p = ok(&text);
            assert!(p.article.en.is_some(), "{sep}");
            assert_eq!(p.article.zh.unwrap().paragraphs.len(), 2, "{sep}");
        }
    }

    #[test]
    fn traditional_chinese_markers() {
        let text = FULL
            .replace("英语如下:", "關鍵詞：港口、航運\n英語如下：")
            .replace("【来源】", "【來源】")
            .replace("提高三成。", "提高三成。\n【編輯:李華】");
        let p = ok(&text);
        let zh = p.article.zh.unwrap();
        assert_eq!(zh.keywords, ["港口", "航運"]);
        assert_eq!(zh.paragraphs.len(), 2);
        assert!(p.article.en.is_some());
        assert!(p.article.link.is_some());
        let text = FULL.replace("【来源】", "來源: ");
        assert!(ok(&text).article.link.is_some());
    }

    #[test]
    fn a_hash_in_chinese_text_does_not_split() {
        let text = FULL.replace("港口负责人表示", "### 港口负责人表示");
        let p = ok(&text);
        assert_eq!(p.article.zh.unwrap().paragraphs.len(), 2);
    }

    #[test]
    fn header_spellings() {
        for title in [
            "###Title:Hangzhou Port Expansion Completed",
            "## Title: Hangzhou Port Expansion Completed",
            "**Title:** Hangzhou Port Expansion Completed",
            "**Title**: Hangzhou Port Expansion Completed",
            "### title： Hangzhou Port Expansion Completed",
            "### TITLE : Hangzhou Port Expansion Completed",
        ] {
            let text = FULL.replace("### Title: Hangzhou Port Expansion Completed", title);
            let en = ok(&text).article.en.unwrap();
            assert_eq!(en.title, "Hangzhou Port Expansion Completed", "{title}");
            assert_eq!(en.paragraphs.len(), 2, "{title}");
        }
    }

    #[test]
    fn title_falls_back_to_the_news_content_headline() {
        let text = FULL.replace("### Title: Hangzhou Port Expansion Completed\n", "");
        assert_eq!(
            ok(&text).article.en.unwrap().title,
            "Hangzhou Finishes Port Expansion"
        );
    }

    #[test]
    fn news_content_headline_on_the_next_line() {
        let text = FULL
            .replace("### Title: Hangzhou Port Expansion Completed\n", "")
            .replace(
                "### News Content: Hangzhou Finishes Port Expansion",
                "### News Content:\nHangzhou Finishes Port Expansion",
            );
        let en = ok(&text).article.en.unwrap();
        assert_eq!(en.title, "Hangzhou Finishes Port Expansion");
        assert_eq!(en.paragraphs.len(), 2);
    }

    #[test]
    fn news_content_header_followed_directly_by_the_body() {
        let text = FULL.replace(
            "### News Content: Hangzhou Finishes Port Expansion",
            "### News Content:",
        );
        let en = ok(&text).article.en.unwrap();
        assert_eq!(en.title, "Hangzhou Port Expansion Completed");
        assert_eq!(en.paragraphs.len(), 2);
        assert_eq!(en.summary, "The expansion is **done**.");
    }

    #[test]
    fn missing_or_empty_keywords_and_missing_news_content() {
        let text = FULL
            .replace("### Keywords: Hangzhou, Port, Shipping\n", "")
            .replace("### News Content: Hangzhou Finishes Port Expansion\n", "");
        let en = ok(&text).article.en.unwrap();
        assert!(en.keywords.is_empty());
        assert_eq!(en.keywords_from, KeywordSource::Missing);
        let text = FULL.replace("Hangzhou, Port, Shipping", "");
        let en = ok(&text).article.en.unwrap();
        assert!(en.keywords.is_empty());
    }

    #[test]
    fn keyword_separators() {
        let text = FULL.replace("Hangzhou, Port, Shipping", "Hangzhou，Port; Shipping");
        assert_eq!(
            ok(&text).article.en.unwrap().keywords,
            ["Hangzhou", "Port", "Shipping"]
        );
    }

    #[test]
    fn chinese_keyword_line() {
        let text = FULL.replace("英语如下:", "关键词：港口、航运、杭州\n英语如下:");
        let zh = ok(&text).article.zh.unwrap();
        assert_eq!(zh.keywords, ["港口", "航运", "杭州"]);
        assert!(matches!(
            zh.keywords_from,
            KeywordSource::Listed { line: 4 }
        ));
        assert_eq!(zh.paragraphs.len(), 2, "the keyword line is not body");
    }

    #[test]
    fn english_dateline_variants_are_cut_from_the_summary() {
        for dateline in [
            "**China News Service, Hangzhou, May 20th (Reporter Wang Ming)** – ",
            "**China News Service, Hangzhou, May 20 (Reporter Wang Ming)** — ",
            "China News Service, Hangzhou, May 20th - ",
            "**China News Service, Hangzhou, May 20th**: ",
        ] {
            let text = FULL.replace(
                "**China News Service, Hangzhou, May 20th (Reporter Wang Ming)** – ",
                dateline,
            );
            let en = ok(&text).article.en.unwrap();
            assert_eq!(en.summary, "The expansion is **done**.", "{dateline}");
        }
    }

    #[test]
    fn chinese_dateline_variants_are_cut_from_the_summary() {
        for dateline in [
            "中新网杭州5月20日电 (记者 王明)",
            "中新网5月20日电",
            "中新网杭州5月20日電（记者 王明、李华）",
            "中新网杭州5月20日电(记者 王明 李华)",
            "中新网杭州5月20日(记者 王明)",
        ] {
            let text = FULL.replace("中新网杭州5月20日电(记者 王明)", dateline);
            let zh = ok(&text).article.zh.unwrap();
            assert_eq!(zh.summary, "杭州港口扩建工程完工。", "{dateline}");
        }
    }

    #[test]
    fn photo_caption_before_the_dateline() {
        let text = FULL.replace(
            "中新网杭州5月20日电",
            "图为扩建后的杭州港口。 王明 摄\n中新网杭州5月20日电",
        );
        let zh = ok(&text).article.zh.unwrap();
        assert_eq!(zh.summary, "杭州港口扩建工程完工。");
        assert_eq!(zh.paragraphs[0], "图为扩建后的杭州港口。 王明 摄");
    }

    #[test]
    fn no_dateline_means_the_first_paragraph_is_the_summary() {
        let text = FULL.replace("中新网杭州5月20日电(记者 王明)", "");
        assert_eq!(
            ok(&text).article.zh.unwrap().summary,
            "杭州港口扩建工程完工。"
        );
    }

    #[test]
    fn end_mark_and_editor_line_close_the_chinese_part() {
        let text = FULL.replace("提高三成。", "提高三成。(完)\n【编辑:李华】");
        let zh = ok(&text).article.zh.unwrap();
        assert_eq!(
            zh.paragraphs.last().unwrap(),
            "港口负责人表示,吞吐能力提高三成。"
        );
        let text = FULL.replace("提高三成。", "提高三成。\n（完）\n【责任编辑：李华】");
        assert_eq!(ok(&text).article.zh.unwrap().paragraphs.len(), 2);
    }

    #[test]
    fn footer_shapes() {
        let cases = [
            (
                "【来源】 http://www.chinanews.com/cj/2024/05-20/123456.shtml",
                "http://www.chinanews.com/cj/2024/05-20/123456.shtml",
            ),
            (
                "来源：https://www.chinanews.com.cn/cj/2024/05-20/123456.shtml",
                "https://www.chinanews.com.cn/cj/2024/05-20/123456.shtml",
            ),
            (
                "【来源】//www.chinanews.com/cj/2024/05-20/1.shtml",
                "https://www.chinanews.com/cj/2024/05-20/1.shtml",
            ),
            (
                "【来源】http://www.chinanews.com/cj/2024/05-20/1.shtml。",
                "http://www.chinanews.com/cj/2024/05-20/1.shtml",
            ),
            (
                "【来源】http://www.chinanews.com/cj/2024/05-20/1.shtml)  ",
                "http://www.chinanews.com/cj/2024/05-20/1.shtml",
            ),
            (
                "【来源】http://www.chinanews.com/cj/2024/05-20/1.shtml 中国新闻网",
                "http://www.chinanews.com/cj/2024/05-20/1.shtml",
            ),
        ];
        for (line, url) in cases {
            let text = FULL.replace(
                "【来源】http://www.chinanews.com/cj/2024/05-20/123456.shtml",
                line,
            );
            let p = ok(&text);
            assert_eq!(p.article.link.unwrap().as_str(), url, "{line}");
            assert_eq!(p.article.date_source, DateSource::SourceUrl, "{line}");
        }
        let text = FULL.replace("\nViews: 42", "");
        let p = ok(&text);
        assert_eq!(p.article.views, None);
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn footer_lines_are_never_body_or_headline() {
        let text = format!("Views: 3\n{FULL}");
        let p = ok(&text);
        assert_eq!(p.article.zh.unwrap().title, "杭州港口扩建完工");
    }

    #[test]
    fn non_http_links_are_reported_not_linked() {
        for (url, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("file:///etc/passwd", "file"),
        ] {
            let text = FULL.replace("http://www.chinanews.com/cj/2024/05-20/123456.shtml", url);
            let p = ok(&text);
            assert_eq!(p.article.link, None);
            assert!(
                p.warnings
                    .iter()
                    .any(|w| w.line == 10 && w.message.contains(scheme)),
                "{:?}",
                p.warnings
            );
        }
    }

    #[test]
    fn a_url_with_quotes_is_escaped_into_a_valid_link() {
        let text = FULL.replace(
            "http://www.chinanews.com/cj/2024/05-20/123456.shtml",
            "http://example.com/2024/05-20/a\"b<c>.html",
        );
        let link = ok(&text).article.link.unwrap();
        assert_eq!(
            link.as_str(),
            "http://example.com/2024/05-20/a%22b%3Cc%3E.html"
        );
    }

    #[test]
    fn date_from_each_source() {
        // URL wins even when the dateline says otherwise.
        let text = FULL.replace("5月20日电", "5月19日电");
        assert_eq!(
            ok(&text).article.date.to_rfc3339(),
            "2024-05-20T00:00:00+08:00"
        );
        // No date in the URL: the Chinese dateline, year from the file time.
        let no_url_date = FULL.replace("/cj/2024/05-20/123456.shtml", "/cj/123456.shtml");
        let a = ok(&no_url_date).article;
        assert_eq!(a.date.to_rfc3339(), "2024-05-20T00:00:00+08:00");
        assert_eq!(a.date_source, DateSource::ChineseDateline);
        // No Chinese dateline: the English one.
        let text = no_url_date.replace("中新网杭州5月20日电(记者 王明)", "");
        let a = ok(&text).article;
        assert_eq!(a.date_source, DateSource::EnglishDateline);
        assert_eq!(a.date.to_rfc3339(), "2024-05-20T00:00:00+08:00");
        // Neither: the file time.
        let text = text.replace(
            "**China News Service, Hangzhou, May 20th (Reporter Wang Ming)** – ",
            "",
        );
        let a = ok(&text).article;
        assert_eq!(a.date_source, DateSource::FileTime);
        assert_eq!(a.date, ctx().file_time);
    }

    #[test]
    fn december_dateline_in_a_january_file_is_last_year() {
        let text = FULL
            .replace("/cj/2024/05-20/123456.shtml", "/cj/123456.shtml")
            .replace("5月20日电", "12月30日电");
        let bj = FixedOffset::east_opt(8 * 3600).unwrap();
        let ctx = Context {
            id: "x".into(),
            file_time: bj.with_ymd_and_hms(2025, 1, 2, 8, 0, 0).unwrap(),
            now: bj.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap(),
        };
        let a = parse(&text, &ctx).unwrap().article;
        assert_eq!(a.date.to_rfc3339(), "2024-12-30T00:00:00+08:00");
    }

    #[test]
    fn implausible_dates_are_reported_and_fall_back() {
        // After the file was written (2024-06-01): the dateline instead.
        let p = ok(&FULL.replace("2024/05-20", "2100/12-31"));
        assert_eq!(p.article.date_source, DateSource::ChineseDateline);
        assert_eq!(p.article.date.to_rfc3339(), "2024-05-20T00:00:00+08:00");
        assert!(
            p.warnings.iter().any(|w| w.line == 10
                && w.message.contains("2100-12-31 is implausible (more than a day after the file was written, 2024-06-01)")),
            "{:?}",
            p.warnings
        );
        // Before 1990.
        let p = ok(&FULL.replace("2024/05-20", "1900/01-01"));
        assert_eq!(p.article.date_source, DateSource::ChineseDateline);
        assert!(p.warnings.iter().any(|w| w.message.contains("before 1990")));
        // A day after the file is still plausible (time zones, a file saved at midnight).
        let p = ok(&FULL.replace("2024/05-20", "2024/06-02"));
        assert_eq!(p.article.date_source, DateSource::SourceUrl);
        // A file time of 1970: the URL's date is judged against the clock instead...
        let bj = FixedOffset::east_opt(8 * 3600).unwrap();
        let ctx = Context {
            id: "x".into(),
            file_time: bj.with_ymd_and_hms(1970, 1, 1, 8, 0, 0).unwrap(),
            now: bj.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap(),
        };
        let a = parse(FULL, &ctx).unwrap().article;
        assert_eq!(a.date.to_rfc3339(), "2024-05-20T00:00:00+08:00");
        // ...and with no plausible date anywhere the file is rejected, not dated 1969.
        let undated = FULL
            .replace("/cj/2024/05-20/123456.shtml", "/cj/123456.shtml")
            .replace("5月20日电", "")
            .replace(", May 20th", "");
        let rejection = parse(&undated, &ctx).unwrap_err();
        assert!(
            rejection.reason.contains("no plausible date")
                && rejection.reason.contains("1970-01-01"),
            "{rejection}"
        );
    }

    #[test]
    fn impossible_url_date_falls_back_to_the_dateline() {
        let text = FULL.replace("2024/05-20", "2024/02-30");
        let p = ok(&text);
        assert_eq!(p.article.date_source, DateSource::ChineseDateline);
        assert!(p.warnings.iter().any(|w| w.message.contains("2024-02-30")));
    }

    #[test]
    fn one_language_only() {
        let zh_only = FULL.split("英语如下:").next().unwrap().to_string()
            + "【来源】http://www.chinanews.com/cj/2024/05-20/1.shtml";
        let p = ok(&zh_only);
        assert!(p.article.en.is_none() && p.article.zh.is_some());
        assert!(
            p.warnings
                .iter()
                .any(|w| w.message.contains("Chinese feeds only"))
        );

        let en_only = FULL.split("英语如下:\n").nth(1).unwrap();
        let p = ok(en_only);
        assert!(p.article.zh.is_none());
        assert_eq!(
            p.article.en.unwrap().title,
            "Hangzhou Port Expansion Completed"
        );
        assert!(
            p.warnings
                .iter()
                .any(|w| w.message.contains("English feeds only"))
        );
    }

    #[test]
    fn english_without_headers_uses_its_first_line() {
        let text =
            "A Port Grows\nThe port grew.\nIt grew more.\n【来源】https://e.com/2024/01/02/x";
        let en = ok(text).article.en.unwrap();
        assert_eq!(en.title, "A Port Grows");
        assert_eq!(en.paragraphs.len(), 2);
    }

    #[test]
    fn english_part_without_body_is_left_out_with_a_warning() {
        let text = FULL.replace(
            "**China News Service, Hangzhou, May 20th (Reporter Wang Ming)** – The expansion is **done**.\nCapacity rose by a third.\n",
            "",
        );
        let p = ok(&text);
        assert!(p.article.en.is_none());
        assert!(
            p.warnings
                .iter()
                .any(|w| w.line == 5 && w.message.contains("no body"))
        );
    }

    #[test]
    fn rejections() {
        assert_eq!(rejected("").reason, "empty file");
        assert_eq!(rejected("\u{feff}").reason, "empty file");
        assert_eq!(
            rejected(" \n\u{3000}\r\n\t").reason,
            "the file holds only blank lines"
        );
        let footer_only = rejected("【来源】http://e.com/2024/01/02/x\nViews: 3");
        assert!(
            footer_only.reason.contains("only footer lines"),
            "{footer_only}"
        );
        let headline_only =
            rejected("一个标题\n英语如下:\n### Title: A title\n【来源】http://e.com/");
        assert!(headline_only.reason.contains("no headline with a body"));
        assert_eq!(headline_only.line, 1);
    }

    #[test]
    fn control_characters_are_removed_and_reported() {
        let text = FULL.replace("杭州港口扩建完工", "杭州\u{1}港口\u{b}扩建完工\u{fffe}");
        let p = ok(&text);
        assert_eq!(p.article.zh.unwrap().title, "杭州港口扩建完工");
        assert!(
            p.warnings
                .iter()
                .any(|w| w.line == 1 && w.message.contains("XML"))
        );
    }
}
