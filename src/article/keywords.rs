//! Keywords: split from a listed line, or extracted from Chinese text.
//!
//! Extraction segments the text with ICU's dictionary word segmenter (the CJ dictionary that
//! ships in `icu_segmenter`'s compiled data) and ranks the words by how often the article uses
//! them, with a bonus for words in the headline, after dropping single characters and a list of
//! function and boilerplate words. ICU starts in microseconds and segments about 40 MB/s on one
//! core; jieba-rs's TF-IDF gives similar keywords for news but costs about half a second and
//! 70 MB to load its tables, which would dominate every build (see the README).
//!
//! The ranking deliberately looks at the article alone, not at the rest of the collection:
//! an item's categories then never change because some other article arrived, so feed readers
//! see no spurious updates and the watcher can cache them per file.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

use icu_segmenter::WordSegmenter;
use icu_segmenter::options::WordBreakInvariantOptions;

/// Most keywords an extracted list holds.
const MAX: usize = 5;
/// Fewest keywords an extracted list holds when the text has that many candidates.
const MIN: usize = 3;
/// Extra weight of a word that also appears in the headline.
const HEADLINE_BONUS: usize = 3;

/// Splits a listed keyword line (`a, b，c; d`) into distinct, trimmed keywords.
pub fn split_listed(line: &str, chinese: bool) -> Vec<String> {
    let separators: &[char] = if chinese {
        &[',', '，', ';', '；', '、', ' ', '\u{3000}']
    } else {
        &[',', '，', ';', '；']
    };
    let mut out: Vec<String> = Vec::new();
    for word in line.split(separators) {
        let word = word
            .trim()
            .trim_matches(|c| c == '*' || c == '。' || c == '.');
        if word.is_empty() {
            continue;
        }
        let seen = out.iter().any(|w| w.to_lowercase() == word.to_lowercase());
        if !seen {
            out.push(word.to_string());
        }
    }
    out
}

/// Extracts 3–5 keywords from a Chinese headline and body.
pub fn extract(headline: &str, paragraphs: &[String]) -> Vec<String> {
    let texts: Vec<&str> = std::iter::once(headline).chain(lead(paragraphs)).collect();
    let mut spans: Vec<Vec<Span>> = texts.iter().map(|t| han_words(t)).collect();
    join_unknown_words(&texts, &mut spans);

    let mut tally = Tally::default();
    for (index, (text, spans)) in texts.iter().zip(&spans).enumerate() {
        for span in spans {
            let word = &text[span.start..span.end];
            if is_candidate(word) {
                tally.add(word, index == 0);
            }
        }
    }
    let mut ranked: Vec<(&str, Candidate)> = tally.words.into_iter().collect();
    ranked.sort_by(|a, b| {
        b.1.score()
            .cmp(&a.1.score())
            .then(a.1.first_seen.cmp(&b.1.first_seen))
    });
    // Words used once and absent from the headline say little; keep them only to reach MIN.
    let strong = ranked
        .iter()
        .filter(|(_, c)| c.count >= 2 || c.in_headline)
        .count();
    ranked
        .into_iter()
        .take(strong.clamp(MIN, MAX))
        .map(|(word, _)| word.to_string())
        .collect()
}

/// How much of the body is read for keywords, in bytes: about 800 Chinese characters, a
/// typical wire story whole.
/// A news story says what it is about in its headline and lead; a long feature's later
/// paragraphs add cost (segmenting is the slowest step of a build) and seldom a keyword.
const LEAD_BYTES: usize = 2400;

/// The first paragraphs of the body, up to and including the one that reaches
/// [`LEAD_BYTES`].
fn lead(paragraphs: &[String]) -> impl Iterator<Item = &str> {
    let mut read = 0;
    paragraphs.iter().map(String::as_str).take_while(move |p| {
        let more = read < LEAD_BYTES;
        read += p.len();
        more
    })
}

/// A word of Han characters, as a byte range of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

/// The Han words of `text` in order, single characters included.
fn han_words(text: &str) -> Vec<Span> {
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let mut spans = Vec::new();
    let mut start = 0;
    for (end, word_type) in segmenter.segment_str(text).iter_with_word_type() {
        if word_type.is_word_like() && text[start..end].chars().all(is_han) {
            spans.push(Span { start, end });
        }
        start = end;
    }
    spans
}

/// Joins adjacent words that always occur together, at least twice in the body: ICU's
/// dictionary lacks many compounds and names and splits them (集|装|箱, 乌兰|察|布, 内蒙|古),
/// and a pair that never appears apart is one word. Words that also occur apart stay apart
/// (政协 and 协商 in 政协协商 are keywords of their own). The headline is left out of the count
/// because it often repeats a phrase of the lead sentence, which would make a phrase look
/// like a word.
///
/// One counting pass; a chain of joinable pairs (集|装, 装|箱) then becomes one word, up to
/// four characters.
fn join_unknown_words(texts: &[&str], spans: &mut [Vec<Span>]) {
    const MAX_CHARS: usize = 4;
    let mut words: FxHashMap<&str, u32> = FxHashMap::default();
    let mut pairs: FxHashMap<(&str, &str), u32> = FxHashMap::default();
    for (text, spans) in texts.iter().zip(spans.iter()).skip(1) {
        for (i, span) in spans.iter().enumerate() {
            let word = &text[span.start..span.end];
            *words.entry(word).or_default() += 1;
            if let Some(next) = spans.get(i + 1).filter(|n| n.start == span.end) {
                *pairs
                    .entry((word, &text[next.start..next.end]))
                    .or_default() += 1;
            }
        }
    }
    let joinable = |a: &str, b: &str| {
        let n = pairs.get(&(a, b)).copied().unwrap_or(0);
        n >= 2
            && words.get(a) == Some(&n)
            && words.get(b) == Some(&n)
            && !a
                .chars()
                .chain(b.chars())
                .any(|c| is_function_char(c) || is_numeral(c))
    };
    if !pairs.keys().any(|&(a, b)| joinable(a, b)) {
        return;
    }
    for (text, spans) in texts.iter().zip(spans.iter_mut()) {
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        // The last segment of the word being built, and the word's length in characters.
        let mut tail: Option<(Span, usize)> = None;
        for &span in spans.iter() {
            let chars = text[span.start..span.end].chars().count();
            if let (Some(last), Some((previous, length))) = (merged.last_mut(), tail)
                && previous.end == span.start
                && length + chars <= MAX_CHARS
                && joinable(
                    &text[previous.start..previous.end],
                    &text[span.start..span.end],
                )
            {
                last.end = span.end;
                tail = Some((span, length + chars));
                continue;
            }
            merged.push(span);
            tail = Some((span, chars));
        }
        *spans = merged;
    }
}

/// Characters that are grammar, not content: never part of a joined word.
fn is_function_char(c: char) -> bool {
    matches!(
        c,
        '的' | '了'
            | '是'
            | '在'
            | '和'
            | '与'
            | '及'
            | '或'
            | '也'
            | '都'
            | '就'
            | '而'
            | '被'
            | '把'
            | '将'
            | '对'
            | '为'
            | '从'
            | '向'
            | '于'
            | '以'
            | '之'
            | '其'
            | '这'
            | '那'
            | '个'
            | '们'
            | '着'
            | '过'
            | '很'
            | '更'
            | '最'
            | '不'
            | '没'
            | '有'
            | '又'
            | '并'
            | '且'
            | '等'
            | '中'
            | '上'
            | '下'
            | '内'
            | '外'
            | '后'
            | '前'
            | '时'
            | '已'
            | '还'
            | '仍'
            | '所'
            | '该'
            | '此'
            | '各'
            | '每'
            | '达'
            | '到'
            | '至'
    )
}

fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '〇' | '零'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
            | '两'
            | '几'
            | '半'
            | '第'
    )
}

/// How often each candidate word occurs, and where first.
#[derive(Default)]
struct Tally<'a> {
    words: FxHashMap<&'a str, Candidate>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, word: &'a str, in_headline: bool) {
        let next = self.words.len();
        let entry = self.words.entry(word).or_insert(Candidate {
            count: 0,
            in_headline: false,
            first_seen: next,
        });
        entry.count += 1;
        entry.in_headline |= in_headline;
    }
}

#[derive(Clone, Copy)]
struct Candidate {
    count: usize,
    in_headline: bool,
    first_seen: usize,
}

impl Candidate {
    fn score(&self) -> usize {
        self.count + if self.in_headline { HEADLINE_BONUS } else { 0 }
    }
}

/// A word worth ranking: two or more Han characters, not a number, and not a function or
/// boilerplate word.
fn is_candidate(word: &str) -> bool {
    let mut chars = 0;
    for c in word.chars() {
        if !is_han(c) {
            return false;
        }
        chars += 1;
    }
    chars >= 2 && !word.chars().all(is_numeral) && !STOP_SET.contains(word)
}

/// [`STOP_WORDS`] as a set: looked up for every word of every article.
static STOP_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2EBEF}'
        | '\u{F900}'..='\u{FAFF}')
}

/// Words that appear in any news story whatever it is about: pronouns, conjunctions, adverbs,
/// generic verbs of reporting and effort, wire-copy boilerplate, and a few fragments ICU's
/// dictionary cuts out of longer words (比上 from 同比上涨). Kept sorted, without duplicates.
const STOP_WORDS: &[&str] = &[
    "一个",
    "一些",
    "一定",
    "一年",
    "一方面",
    "一直",
    "一起",
    "上述",
    "下一步",
    "不仅",
    "不少",
    "不断",
    "不是",
    "不能",
    "与会",
    "中心",
    "为了",
    "主要",
    "之一",
    "之前",
    "之后",
    "也是",
    "了解",
    "予以",
    "人员",
    "今冬",
    "今后",
    "今夏",
    "今天",
    "今年",
    "今日",
    "今春",
    "今秋",
    "介绍",
    "从而",
    "他们",
    "以上",
    "以下",
    "以前",
    "以及",
    "以后",
    "以来",
    "任何",
    "会议",
    "但是",
    "作为",
    "使用",
    "例如",
    "依托",
    "促进",
    "保障",
    "信息",
    "充分",
    "先后",
    "全国",
    "全容",
    "全市",
    "全年",
    "全省",
    "全面",
    "共计",
    "关于",
    "其中",
    "其他",
    "具体",
    "再次",
    "出席",
    "分别",
    "切实",
    "前往",
    "加强",
    "加快",
    "努力",
    "包括",
    "十分",
    "单位",
    "即将",
    "去年",
    "参与",
    "参加",
    "发布",
    "发挥",
    "取得",
    "受到",
    "可以",
    "可能",
    "各种",
    "同时",
    "同期",
    "同比",
    "向着",
    "否则",
    "呈现",
    "和谐",
    "因为",
    "因此",
    "因而",
    "围绕",
    "国家",
    "在于",
    "地区",
    "地方",
    "坚持",
    "基础",
    "增强",
    "增长",
    "处于",
    "多次",
    "大家",
    "大量",
    "她们",
    "如何",
    "如果",
    "始终",
    "完成",
    "实现",
    "实践",
    "实际",
    "对于",
    "尤其",
    "就是",
    "工作",
    "工作人员",
    "左右",
    "已经",
    "市民",
    "年来",
    "并且",
    "广大",
    "建设",
    "开展",
    "开放",
    "当地",
    "当天",
    "当日",
    "影响",
    "很多",
    "得到",
    "总是",
    "您们",
    "情况",
    "成为",
    "成功",
    "我们",
    "或者",
    "所以",
    "所有",
    "手段",
    "扎实",
    "打造",
    "找到",
    "承担",
    "把握",
    "据悉",
    "推动",
    "推进",
    "提供",
    "提出",
    "提升",
    "提醒",
    "提高",
    "方式",
    "方面",
    "日前",
    "日电",
    "时候",
    "时间",
    "明年",
    "明显",
    "昨日",
    "是否",
    "显示",
    "更加",
    "最后",
    "最终",
    "有关",
    "有力",
    "有效",
    "有着",
    "期间",
    "本次",
    "来自",
    "来说",
    "根据",
    "正在",
    "此前",
    "此外",
    "此次",
    "每个",
    "每天",
    "每年",
    "比上",
    "比较",
    "没有",
    "注重",
    "活动",
    "消息",
    "深入",
    "渠道",
    "特别",
    "现在",
    "由于",
    "目前",
    "直接",
    "相关",
    "相应",
    "研究",
    "积极",
    "称为",
    "突出",
    "等等",
    "约为",
    "结合",
    "继续",
    "编辑",
    "而且",
    "能够",
    "自己",
    "获得",
    "获悉",
    "行动",
    "表示",
    "要求",
    "认为",
    "记者",
    "许多",
    "该市",
    "说明",
    "请问",
    "负责人",
    "超过",
    "达到",
    "过程",
    "近年",
    "近年来",
    "近日",
    "近期",
    "还是",
    "还有",
    "这一",
    "这个",
    "这些",
    "这是",
    "这样",
    "这种",
    "进一步",
    "进入",
    "进行",
    "通过",
    "部分",
    "部门",
    "采取",
    "采访",
    "重新",
    "重点",
    "重要",
    "针对",
    "问题",
    "随后",
    "随着",
    "需要",
    "非常",
    "面对",
    "预计",
    "领域",
    "首先",
    "高度",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_without_duplicates() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut listed = STOP_WORDS.to_vec();
        listed.dedup();
        assert_eq!(listed, sorted);
    }

    #[test]
    fn listed_keywords_split_on_every_separator() {
        assert_eq!(
            split_listed(" Trade, Ports，Shipping; ports ;", false),
            ["Trade", "Ports", "Shipping"]
        );
        assert_eq!(
            split_listed("港口、航运，贸易 物流", true),
            ["港口", "航运", "贸易", "物流"]
        );
        assert!(split_listed(" , ; ", false).is_empty());
    }

    #[test]
    fn extracts_topic_words_from_chinese_text() {
        let headline = "杭州港口扩建 集装箱吞吐量创新高";
        let body = [
            "中新网杭州3月2日电 杭州港口扩建工程近日完工,集装箱码头新增泊位六个。".to_string(),
            "港口负责人表示,扩建后集装箱吞吐能力提高三成,航运企业可以更快装卸。".to_string(),
            "今年以来,杭州港口集装箱吞吐量同比增长,航运公司纷纷增开航线。".to_string(),
        ];
        let words = extract(headline, &body);
        assert!((MIN..=MAX).contains(&words.len()), "{words:?}");
        assert!(words.contains(&"港口".to_string()), "{words:?}");
        assert!(words.contains(&"集装箱".to_string()), "{words:?}");
        for w in &words {
            assert!(w.chars().count() >= 2, "single character {w}");
            assert!(
                STOP_WORDS.binary_search(&w.as_str()).is_err(),
                "stop word {w}"
            );
        }
    }

    #[test]
    fn words_the_dictionary_lacks_are_joined_when_they_always_occur_together() {
        // ICU splits 乌兰察布 and 集装箱; both occur only as a whole, twice or more.
        let body = [
            "中新网乌兰察布5月1日电 乌兰察布的集装箱货运站今天开通。".to_string(),
            "乌兰察布货运站每天发出集装箱列车两列,集装箱运往天津港。".to_string(),
        ];
        let words = extract("乌兰察布货运站开通", &body);
        assert!(words.contains(&"乌兰察布".to_string()), "{words:?}");
        assert!(words.contains(&"集装箱".to_string()), "{words:?}");
        assert!(
            !words.iter().any(|w| w == "乌兰" || w == "察布"),
            "{words:?}"
        );
    }

    #[test]
    fn a_phrase_repeated_from_the_headline_is_not_a_word() {
        // 用|冰|量|达 occurs twice, but once is the headline repeating the lead.
        let body = ["今冬园区用冰量达三十万立方米,冰雕作品两千件。".to_string()];
        let words = extract("冰雪大世界开园 今冬用冰量达三十万立方米", &body);
        assert!(!words.iter().any(|w| w.contains("量达")), "{words:?}");
        assert!(
            !words.iter().any(|w| w.chars().all(is_numeral)),
            "{words:?}"
        );
    }

    #[test]
    fn only_the_lead_of_a_long_article_is_read() {
        let lead = [
            "港口扩建工程完工。",
            "港口吞吐量增长。",
            "新的港口今天开通。",
        ];
        let mut body: Vec<String> = lead
            .iter()
            .cycle()
            .take(300)
            .map(|s| s.to_string())
            .collect();
        assert!(
            body.iter().map(String::len).sum::<usize>() > LEAD_BYTES,
            "a lead over the cap"
        );
        body.extend(std::iter::repeat_n(
            "熊猫基地游客人数创新高,熊猫幼崽受欢迎。".to_string(),
            400,
        ));
        let words = extract("港口扩建", &body);
        assert!(words.iter().any(|w| w == "港口"), "{words:?}");
        assert!(
            !words.iter().any(|w| w.contains("熊猫")),
            "late paragraphs are not read: {words:?}"
        );
    }

    #[test]
    fn text_without_chinese_words_gives_no_keywords() {
        assert!(extract("Hello", &["123 abc".to_string()]).is_empty());
    }
}
