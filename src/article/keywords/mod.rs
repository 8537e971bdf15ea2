//! Keywords: split from a listed line, or extracted from Chinese text.
//!
//! Extraction segments the text with ICU's dictionary word segmenter, which starts in
//! microseconds, and judges the words with jieba's dictionary (part of speech and corpus
//! frequency), compiled into the binary as a double-array trie (see [`lexicon`]): jieba-rs
//! itself takes 110 ms to load that dictionary, which would dominate every build.
//! Candidates are words, dictionary words ICU split, compounds of nouns, places with their
//! suffix, people's names and quoted terms, each grown to what the article always writes
//! around it (see [`closed`]); they are ranked by tf-idf weighted by kind (see [`rank`]).
//! The article's own English keywords, read back into the Chinese as pinyin, say which of
//! them its editor chose (see [`english`]).
//! `examples/keyword_eval.rs` measures the result against an editor's tags.
//!
//! The ranking deliberately looks at the article alone, not at the rest of the collection:
//! an item's categories then never change because some other article arrived, so feed readers
//! see no spurious updates and the watcher can cache them per file.

use std::borrow::Cow;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};

mod english;
mod glossary;
mod lexicon;

use lexicon::Class;

use crate::text::is_han;

/// Most keywords an extracted list holds.
const MAX: usize = 5;
/// Fewest keywords an extracted list holds when the text has that many candidates.
const MIN: usize = 4;
/// What a word in the headline adds to its term frequency (1 + ln of its uses in the lead):
/// the headline says what the story is about. The frequency is damped so that the place
/// named ten times does not crowd out the person named twice.
const HEADLINE_BONUS: f32 = 1.0;
/// Weight of a name (person, place, organisation, other proper noun) over a common noun:
/// editors tag the who and where of a story first.
const NAME_WEIGHT: f32 = 1.6;
/// Weight of a common noun the dictionary knows (药品, 患者, 场景) against a word it does not
/// know, usually a compound (动力电池, 碳足迹): a common noun says what kind of thing a story
/// is about, rarely which, and a compound built on it usually says which.
const COMMON_NOUN_WEIGHT: f32 = 0.8;
/// Weight of a word the article's English keywords name, over that of a name: the editor
/// chose it (see [`english`]).
const ENGLISH_WEIGHT: f32 = 2.0;
/// Weight of a noun made of a verb (管理, 建设).
const VERBAL_NOUN_WEIGHT: f32 = 0.4;
/// The place the dateline names (中新网宜春…电): where the story happened, unless the
/// article's English keywords leave it out; then it is where the agency filed from (北京 of
/// a ministry's announcement).
const DATELINE_PLACE_WEIGHT: f32 = 1.5;
/// A keyword beyond the [`MIN`]th must score at least this share of the first: a wrong
/// keyword is a wrong topic feed, and the fifth is right less often than not.
const SECOND_TIER: f32 = 0.6;
/// A longer candidate absorbs a shorter one inside it (the shorter is then a fragment) when
/// it scores at least this share of the shorter's score.
const ABSORB: f32 = 0.5;
/// The corpus frequency from which a jieba entry is trusted as a word.
const TRUSTED_FREQ: u64 = 10;
/// Below this frequency a dictionary word is rare enough to be doubted where ICU's cut
/// next to it looks wrong.
const RARE_FREQ: u64 = 1000;
/// Below this frequency a numeral or set phrase of jieba's is judged as a word it does not
/// know (see [`Class::Loose`]).
const LOOSE_FREQ: u64 = RARE_FREQ;
/// Longest compound of nouns taken as one (跨境电商, 人工智能大模型 is as far as it goes).
const MAX_PHRASE_CHARS: usize = 6;
/// Longest candidate, in characters.
const MAX_CHARS: usize = 10;

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

/// Extracts 3–5 keywords from a Chinese headline and body, most important first. `reporters`
/// (the byline's names) are never keywords: an editor tags what a story is about. `english`
/// are the keywords the article's English part lists, which the Chinese words they name
/// become (see [`english`]).
pub fn extract(
    headline: &str,
    paragraphs: &[String],
    reporters: &[String],
    english: &[String],
) -> Vec<String> {
    let place = dateline_place(paragraphs);
    let lead: Vec<&str> = without_dateline(lead(paragraphs)).collect();
    let lead = without_repeated_sentences(&lead);
    let texts: Vec<&str> = std::iter::once(headline)
        .chain(lead.iter().map(|p| p.as_ref()))
        .collect();
    let mut spans: Vec<Vec<Span>> = texts.iter().map(|t| han_words(t)).collect();
    join_unknown_words(&texts, &mut spans);
    let index = Texts::new(&texts);

    let mut found: FxHashMap<&str, Found> =
        FxHashMap::with_capacity_and_hasher(index.places.len(), Default::default());
    for (i, spans) in spans.iter().enumerate() {
        candidates(&index, i, spans, &mut found);
    }
    names(&index, &mut found);
    marked(&texts, &mut found);
    organisations(&index, &mut found);
    let mut found = closed(&index, found);
    // How each part reads aloud, for both ways of reading the English keywords back.
    let readings: Vec<english::Readings> = if english.is_empty() {
        Vec::new()
    } else {
        texts
            .iter()
            .map(|part| english::Readings::new(part))
            .collect()
    };
    let mut named = named_in_english(&index, &readings, &english::spellings(english), &found);
    translated(&index, &readings, english, &mut named);
    // A word the English keywords name that no rule made a candidate (高考, a verb to jieba).
    for &word in &named.words {
        if !found.contains_key(word)
            && let Some(first) = index.uses(word).next()
        {
            found.insert(
                word,
                Found {
                    origin: Origin::Word,
                    first,
                },
            );
        }
    }

    let mut ranked: Vec<Ranked> = found
        .into_iter()
        .filter_map(|(word, how)| rank(word, how, &index, place, reporters, &named))
        .collect();
    drop_fragments(&mut ranked, &index);
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.first.cmp(&b.first))
            .then(a.word.cmp(b.word))
    });
    select(ranked, &index)
}

/// How much of the body is read for keywords, in bytes: about 500 Chinese characters, the
/// first paragraphs of a wire story. A news story says what it is about in its headline and
/// lead; later paragraphs add cost (segmenting is the slowest step of a build) and seldom a
/// keyword (on the evaluation set, reading 800 characters found no tag more).
const LEAD_BYTES: usize = 1500;

/// The first paragraphs of the body, up to and including the one that reaches
/// [`LEAD_BYTES`].
fn lead(paragraphs: &[String]) -> impl Iterator<Item = &str> {
    let mut read = 0;
    paragraphs
        .iter()
        .map(String::as_str)
        .map(without_credit)
        .take_while(move |p| {
            let more = read < LEAD_BYTES;
            read += p.len();
            more
        })
}

/// The lead with each sentence written word for word earlier in it left out (a paragraph
/// pasted twice, a sentence a template repeats): said again, it says nothing new, and
/// counted again it makes the phrases of one sentence look like the words a story keeps
/// coming back to (走访发现 and 不少市民 of a sentence written three times).
fn without_repeated_sentences<'a>(lead: &[&'a str]) -> Vec<Cow<'a, str>> {
    let mut said: FxHashSet<&str> = FxHashSet::with_capacity_and_hasher(64, Default::default());
    lead.iter()
        .map(|&paragraph| {
            let sentences: Vec<(&str, bool)> = sentences(paragraph)
                .map(|s| {
                    let said_before = !said.insert(s.trim());
                    (s, said_before && s.chars().any(is_han))
                })
                .collect();
            if sentences.iter().any(|&(_, again)| again) {
                let new = sentences.iter().filter(|&&(_, again)| !again);
                Cow::Owned(new.map(|&(s, _)| s).collect())
            } else {
                Cow::Borrowed(paragraph)
            }
        })
        .collect()
}

/// The sentences of a paragraph, each with the mark that closes it (。！？), the last perhaps
/// without one. Found from the bytes that open those marks in UTF-8, a search `memchr` runs
/// many bytes at a time: splitting by characters decoded each of them, which cost more than
/// the rest of finding repeated sentences.
fn sentences(paragraph: &str) -> impl Iterator<Item = &str> {
    let bytes = paragraph.as_bytes();
    let mut ends = memchr::memchr2_iter(0xE3, 0xEF, bytes)
        .filter(|&at| {
            matches!(
                bytes.get(at..at + 3),
                Some([0xE3, 0x80, 0x82] | [0xEF, 0xBC, 0x81 | 0x9F])
            )
        })
        .map(|at| at + 3)
        .chain(std::iter::once(paragraph.len()));
    let mut start = 0;
    std::iter::from_fn(move || {
        let end = ends.find(|&end| end > start)?;
        let sentence = &paragraph[start..end];
        start = end;
        Some(sentence)
    })
}

/// A paragraph without a photo's credit (图为游客在主塔前拍照。中新社记者 赵冬 摄): what the
/// caption says is the story's, the credit names who took the photo, not what it shows.
fn without_credit(paragraph: &str) -> &str {
    let p = paragraph.trim_matches(|c: char| c.is_whitespace());
    let credited = ["摄", "摄)", "摄）", "供图"]
        .iter()
        .any(|end| p.ends_with(end));
    if !credited {
        return paragraph;
    }
    let p = p.strip_prefix("图为").unwrap_or(p);
    let credit = AGENCIES
        .iter()
        .filter_map(|a| p.rfind(a))
        .chain(p.rfind('。').map(|end| end + '。'.len_utf8()))
        .max()
        .unwrap_or(p.len());
    &p[..credit]
}

/// A word of Han characters, as a byte range of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

/// The headline and lead, indexed for the questions extraction asks thousands of times per
/// article: where a word is used, and which dictionary words start at a place. Building a
/// substring searcher per candidate cost more than the search itself in texts this short, and
/// the same places were looked up in the dictionary again for each candidate around them.
struct Texts<'a> {
    /// The headline, then the lead's paragraphs.
    parts: &'a [&'a str],
    /// Every Han character of the parts, in text order: part and byte offset.
    places: Vec<(usize, usize)>,
    /// For each part, the place at each of its byte offsets (`u32::MAX`: not a Han character).
    place_at: Vec<Vec<u32>>,
    /// For each place, the next place with the same character (`u32::MAX`: none).
    next_same: Vec<u32>,
    /// The first place of each character.
    first_of: FxHashMap<char, u32>,
    /// The dictionary words that start at each place: a range of `words`.
    words_from: Vec<(u32, u32)>,
    /// End (bytes from the place) and entry of dictionary words, place by place.
    words: Vec<(usize, lexicon::Entry)>,
}

impl<'a> Texts<'a> {
    fn new(parts: &'a [&'a str]) -> Texts<'a> {
        let mut places = Vec::with_capacity(parts.iter().map(|p| p.len() / 3).sum());
        let mut words_from = Vec::with_capacity(places.capacity());
        let mut words = Vec::with_capacity(places.capacity() * 2);
        let mut place_at = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let mut here = vec![u32::MAX; part.len()];
            for (at, c) in part.char_indices() {
                if is_han(c) {
                    here[at] = places.len() as u32;
                    places.push((i, at));
                    let start = words.len() as u32;
                    lexicon::words_at(&part[at..], MAX_CHARS, &mut words);
                    words_from.push((start, words.len() as u32));
                }
            }
            place_at.push(here);
        }
        let mut next_same = vec![u32::MAX; places.len()];
        let mut first_of: FxHashMap<char, u32> = FxHashMap::default();
        first_of.reserve(places.len() / 2);
        for (k, &(i, at)) in places.iter().enumerate().rev() {
            let c = parts[i][at..].chars().next().unwrap_or_default();
            if let Some(previous) = first_of.insert(c, k as u32) {
                next_same[k] = previous;
            }
        }
        Texts {
            parts,
            places,
            place_at,
            next_same,
            first_of,
            words_from,
            words,
        }
    }

    /// The uses of `word` (Han characters), as part and byte offset, not overlapping.
    fn uses(&self, word: &'a str) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut k = word
            .chars()
            .next()
            .and_then(|c| self.first_of.get(&c))
            .copied()
            .unwrap_or(u32::MAX);
        let mut free_from = (0, 0);
        std::iter::from_fn(move || {
            while let Some(&(i, at)) = self.places.get(k as usize) {
                k = self.next_same[k as usize];
                if (i, at) >= free_from && self.parts[i][at..].starts_with(word) {
                    free_from = (i, at + word.len());
                    return Some((i, at));
                }
            }
            None
        })
    }

    /// Uses of `word` in the lead (the headline left out).
    fn body_uses(&self, word: &'a str) -> usize {
        self.uses(word).filter(|&(i, _)| i > 0).count()
    }

    fn in_headline(&self, word: &'a str) -> bool {
        self.uses(word).next().is_some_and(|(i, _)| i == 0)
    }

    /// The dictionary words starting at byte `at` of part `i`: end offset (from `at`) and
    /// entry, shortest first, of at most [`MAX_CHARS`] characters.
    fn words_at(&self, i: usize, at: usize) -> &[(usize, lexicon::Entry)] {
        let Some(&k) = self.place_at.get(i).and_then(|p| p.get(at)) else {
            return &[];
        };
        let Some(&(start, end)) = self.words_from.get(k as usize) else {
            return &[];
        };
        &self.words[start as usize..end as usize]
    }
}

/// ICU's word segmenter with its Chinese and Japanese dictionary, compiled in: made once, as
/// looking its data up took about one percent of an article's extraction when made per text.
static SEGMENTER: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// The Han words of `text` in order, single characters included.
fn han_words(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (end, word_type) in SEGMENTER.segment_str(text).iter_with_word_type() {
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
/// six characters.
fn join_unknown_words(texts: &[&str], spans: &mut [Vec<Span>]) {
    const JOINED_MAX_CHARS: usize = 6;
    let count: usize = spans.iter().map(Vec::len).sum();
    let mut words: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher(count, Default::default());
    let mut pairs: FxHashMap<(&str, &str), u32> =
        FxHashMap::with_capacity_and_hasher(count, Default::default());
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
                && length + chars <= JOINED_MAX_CHARS
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

/// The place a Chinese dateline names: `中新网宜春5月17日电` gives 宜春.
fn dateline_place(paragraphs: &[String]) -> Option<&str> {
    let first = paragraphs
        .iter()
        .take(3)
        .find_map(|p| super::date::chinese_dateline(p).map(|d| &p[..d.len]))?;
    let before_date =
        &first[..first.find(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c))?];
    let place = AGENCIES
        .iter()
        .find_map(|agency| before_date.strip_prefix(agency))
        .unwrap_or(before_date);
    (place.chars().count() >= 2 && place.chars().all(is_han)).then_some(place)
}

/// What a Chinese dateline starts with: the agency, then the place.
const AGENCIES: [&str; 8] = [
    "中新网",
    "中新社",
    "新华社",
    "新华网",
    "人民网",
    "央视网",
    "中国新闻网",
    "中国网",
];

/// The paragraphs with the first dateline cut off: its agency, place, date and reporters say
/// where and who wrote, not what the story is about.
fn without_dateline<'a>(
    paragraphs: impl Iterator<Item = &'a str>,
) -> impl Iterator<Item = &'a str> {
    let mut cut = false;
    paragraphs.map(move |p| match super::date::chinese_dateline(p) {
        Some(d) if !cut => {
            cut = true;
            &p[d.len..]
        }
        _ => p,
    })
}

/// How a candidate was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A word as segmented (or joined), or a run of them that jieba's dictionary knows.
    Word,
    /// A place: a word and the suffix after it (五常 + 市, 西湖 + 区).
    Place,
    /// A person: a surname and one or two characters, used as a whole every time.
    Person,
    /// Nouns written together, a compound the dictionary lacks (跨境|电商, 碳|足迹, 量子|计算).
    Phrase,
    /// An organisation named in full: a place or the state, then what it does, then what it
    /// is (杭州市经济和信息化局, 中国科学院地质与地球物理研究所).
    Organisation,
    /// A short term in quotation marks or a title in book marks (“村超”, 《本草纲目》): the
    /// writer marked where it starts and ends.
    Marked,
}

/// The words of the headline and lead that read as one of the English keywords (see
/// [`english`]), at most [`MAX_CHARS`] characters: with the suffix the text writes after
/// them when the keyword names a kind of place (鄱阳湖 for Poyang Lake). Only candidates and
/// words the text has count ([`is_word_in_text`]).
fn named_in_english<'a>(
    texts: &Texts<'a>,
    readings: &[english::Readings],
    spellings: &[english::Spelling],
    found: &FxHashMap<&'a str, Found>,
) -> Named<'a> {
    let mut named = Named {
        words: FxHashSet::default(),
        read: FxHashSet::default(),
        listed: !spellings.is_empty(),
    };
    if spellings.is_empty() {
        return named;
    }
    let mut lengths = Vec::new();
    for (part, readings) in texts.parts.iter().zip(readings) {
        for k in 0..readings.chars() {
            for spelling in spellings {
                lengths.clear();
                readings.read_from(k, &spelling.letters, &mut lengths);
                for &n in &lengths {
                    let mut word = readings.bytes(k, n);
                    // A kind is written after the name (鄱阳湖, 武汉大学), or read in it (太湖).
                    if !spelling.suffixes.is_empty() {
                        let after = &part[word.end..];
                        match spelling.suffixes.iter().find(|s| after.starts_with(**s)) {
                            Some(suffix) => word.end += suffix.len(),
                            None if spelling
                                .suffixes
                                .iter()
                                .any(|s| part[word.clone()].ends_with(s)) => {}
                            None => continue,
                        }
                    }
                    let word = &part[word];
                    if !found.contains_key(word) && !is_word_in_text(texts, word) {
                        continue;
                    }
                    // What the text writes around it every time is the name (奋斗者号 for
                    // Fendouzhe); most of the time is not enough (杭州 of 杭州港, 杭州市).
                    let grown = grow(texts, word);
                    let word = if texts.uses(grown).count() == texts.uses(word).count() {
                        grown
                    } else {
                        word
                    };
                    if (2..=MAX_CHARS).contains(&word.chars().count()) {
                        named.words.insert(word);
                        named.read.insert(spelling.keyword);
                    }
                }
            }
        }
    }
    named
}

/// The stretches of the headline and lead that translate an English keyword word by word
/// ([`glossary`]): the shortest run of Han characters holding a rendering of each of its
/// words (a name among them may be pinyin), widened to any rendering it cuts (动力 of 动|力电池
/// for "power batteries"). "county economy" is 县域经济, "Huangmaohai Cross-Sea Passage"
/// 黄茅海跨海通道. A keyword of three words or more may have one inner word the glossary does
/// not render (跨 is not among its renderings of "cross"), written as one or two characters
/// between the others; a keyword with more words missing, or whose stretch a dictionary word
/// cuts across, names nothing; nor does one that a pinyin reading already named.
fn translated<'a>(
    texts: &Texts<'a>,
    readings: &[english::Readings],
    keywords: &[String],
    named: &mut Named<'a>,
) {
    let mut lengths = Vec::new();
    for (k, keyword) in keywords.iter().enumerate() {
        if named.read.contains(&k) {
            continue;
        }
        // A name with a number (Chang'e-6) is pinyin's to read whole, or nobody's.
        if keyword.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let words = english::words(keyword);
        if words.is_empty() || words.len() > MAX_KEYWORD_WORDS {
            continue;
        }
        // A phrase the glossary has whole (first aid, ice hockey): its longest rendering the
        // text writes.
        let phrase = words
            .iter()
            .map(|(w, _)| w.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let whole = (words.len() > 1)
            .then(|| {
                glossary::translations(&phrase)
                    .filter(|chinese| chinese.chars().nth(1).is_some())
                    .filter_map(|chinese| texts.uses(chinese).next().map(|at| (chinese, at)))
                    .max_by_key(|(chinese, _)| chinese.len())
            })
            .flatten();
        if let Some((chinese, (i, start))) = whole {
            let word = &texts.parts[i][start..start + chinese.len()];
            if names_something_new(texts, word, named) {
                named.words.insert(word);
            }
            continue;
        }
        // Where each word is rendered: part, start, end (bytes), word.
        let mut at: Vec<(usize, usize, usize, usize)> = Vec::new();
        // One word of three or more may have no rendering in the glossary ("voltage" of
        // low-voltage electrical appliances: 低压电器), if the others are written around it.
        let allowed = usize::from(words.len() >= 3);
        let mut missing = vec![false; words.len()];
        for (w, (word, name)) in words.iter().enumerate() {
            let before = at.len();
            let mut english_word = false;
            for chinese in glossary::translations(word) {
                english_word = true;
                at.extend(
                    texts
                        .uses(chinese)
                        .map(|(i, start)| (i, start, start + chinese.len(), w)),
                );
            }
            // A name no English dictionary has is pinyin, two characters or more (Wuyi of
            // 武夷岩茶, Huangmaohai of 黄茅海跨海通道).
            if *name && !english_word {
                for (i, read) in readings.iter().enumerate() {
                    for k in 0..read.chars() {
                        lengths.clear();
                        read.read_from(k, word, &mut lengths);
                        for &n in lengths.iter().filter(|&&n| n >= 2) {
                            let span = read.bytes(k, n);
                            at.push((i, span.start, span.end, w));
                        }
                    }
                }
            }
            if at.len() == before {
                missing[w] = true;
                if missing.iter().filter(|&&m| m).count() > allowed {
                    break;
                }
            }
        }
        if at.is_empty()
            || missing.iter().filter(|&&m| m).count() > allowed
            || missing.first() == Some(&true)
            || missing.last() == Some(&true)
        {
            continue;
        }
        at.sort_unstable();
        // The shortest window of one part, all Han, holding every word rendered: from each
        // rendering, the nearest rendering of each other word that starts no earlier.
        let mut best: Option<(usize, usize, usize)> = None;
        let mut nearest = vec![usize::MAX; words.len()];
        for &(i, start, ..) in &at {
            // Renderings that start here or after, near enough to share a window.
            let from = at.partition_point(|m| (m.0, m.1) < (i, start));
            nearest.fill(usize::MAX);
            for m in at[from..]
                .iter()
                .take_while(|m| m.0 == i && m.1 < start + MAX_CHARS * 4)
            {
                nearest[m.3] = nearest[m.3].min(m.2);
            }
            if nearest
                .iter()
                .zip(&missing)
                .any(|(&e, &gone)| e == usize::MAX && !gone)
            {
                continue;
            }
            let end = nearest
                .iter()
                .copied()
                .filter(|&e| e != usize::MAX)
                .max()
                .unwrap_or(start);
            let window = &texts.parts[i][start..end];
            if !window.chars().all(is_han) {
                continue;
            }
            let chars = window.chars().count();
            if best.is_none_or(|(bi, bs, be)| chars < texts.parts[bi][bs..be].chars().count()) {
                best = Some((i, start, end));
            }
        }
        let Some((i, mut start, mut end)) = best else {
            continue;
        };
        // Widened to the renderings it cuts.
        loop {
            let widened = at
                .iter()
                .filter(|m| m.0 == i && m.1 < end && m.2 > start)
                .fold((start, end), |(s, e), m| (s.min(m.1), e.max(m.2)));
            if widened == (start, end) {
                break;
            }
            (start, end) = widened;
        }
        let word = &texts.parts[i][start..end];
        if missing.contains(&true) {
            // The word without a rendering is written between the others: one or two
            // characters no rendering covers.
            let mut covered = vec![false; end - start];
            for m in at.iter().filter(|m| m.0 == i && m.1 >= start && m.2 <= end) {
                covered[m.1 - start..m.2 - start].fill(true);
            }
            let gap = word.char_indices().filter(|&(j, _)| !covered[j]).count();
            if !(1..=2).contains(&gap) {
                continue;
            }
        }
        if names_something_new(texts, word, named) {
            named.words.insert(word);
        }
    }
}

/// Whether a translation of an English keyword found in the text may stand for it: a word
/// of two to [`MAX_CHARS`] characters that no dictionary word cuts across, not one of the
/// commonest words (children, consumption: 孩子, 消费 say nothing of one story), and not
/// overlapping what pinyin already read.
fn names_something_new(texts: &Texts, word: &str, named: &Named) -> bool {
    let entry = lexicon::lookup(word);
    (2..=MAX_CHARS).contains(&word.chars().count())
        && word.chars().all(is_han)
        && !(entry.is_none() && straddled(texts, word))
        && entry.is_none_or(|e| e.freq < COMMON_FREQ)
        && !named
            .words
            .iter()
            .any(|n| n.contains(word) || word.contains(n))
}

/// A word at least this frequent in jieba's corpus is one of the 3,000 or so commonest.
const COMMON_FREQ: u64 = 5000;

/// Longest English keyword translated word by word, in words that say something.
const MAX_KEYWORD_WORDS: usize = 5;

/// What the article's English keywords name in its Chinese text.
struct Named<'a> {
    /// The words that read as one of them ([`named_in_english`]).
    words: FxHashSet<&'a str>,
    /// The keywords (by place in the list) that pinyin read: not to be translated as well.
    read: FxHashSet<usize>,
    /// Whether the article lists English keywords at all: when it does, what they leave out
    /// the editor did not choose.
    listed: bool,
}

impl Named<'_> {
    /// Whether the English keywords name `word`: itself, or without its place suffix
    /// (鄱阳县 for Poyang).
    fn names(&self, word: &str) -> bool {
        self.words.contains(word)
            || word.char_indices().next_back().is_some_and(|(last, c)| {
                is_place_suffix(c)
                    && word[..last].chars().count() >= 2
                    && self.words.contains(&word[..last])
            })
    }
}

/// Whether a stretch of text that reads as an English keyword is a word there, not letters
/// across two (区负 of 社区负责人 reads as Qufu): a word the dictionary knows, or a name the
/// text writes before a place suffix (麻涌 of 麻涌镇).
fn is_word_in_text(texts: &Texts, word: &str) -> bool {
    lexicon::lookup(word).is_some()
        || texts.uses(word).any(|(i, at)| {
            texts.parts[i][at + word.len()..]
                .chars()
                .next()
                .is_some_and(is_place_suffix)
        })
}

#[derive(Debug, Clone, Copy)]
struct Found {
    origin: Origin,
    /// Where it was first seen (texts in order, byte offset): ties go to the earlier.
    first: (usize, usize),
}

/// Every candidate of one text: each word of two or more characters, and each run of up to
/// four words that jieba's dictionary knows as a noun or a name (ICU splits many names and
/// compounds that jieba has: 徐|霞客, 扩建|工程), or that ends in a place suffix.
fn candidates<'a>(
    texts: &Texts<'a>,
    part: usize,
    spans: &[Span],
    found: &mut FxHashMap<&'a str, Found>,
) {
    let text = texts.parts[part];
    let index = part;
    let mut add = |word: &'a str, origin: Origin, at: usize| {
        found.entry(word).or_insert(Found {
            origin,
            first: (index, at),
        });
    };
    let pieces: Vec<&str> = spans.iter().map(|s| &text[s.start..s.end]).collect();
    // Words repeat: look each up once.
    let mut known: FxHashMap<&str, bool> =
        FxHashMap::with_capacity_and_hasher(spans.len(), Default::default());
    let nominal: Vec<bool> = pieces
        .iter()
        .zip(spans)
        .map(|(p, span)| {
            *known.entry(p).or_insert_with(|| {
                let entry = texts
                    .words_at(part, span.start)
                    .iter()
                    .find(|&&(len, _)| len == p.len())
                    .map(|&(_, e)| e);
                is_nominal_piece(p, entry)
            })
        })
        .collect();
    // Words that say what happens or when (望, 建立起, 下来): a place suffix after them ends
    // a clause (望|天门山, 下来能省), it does not name a place.
    let predicates: Vec<bool> = pieces
        .iter()
        .zip(spans)
        .map(|(p, span)| {
            texts
                .words_at(part, span.start)
                .iter()
                .rev()
                .find(|&&(len, _)| len <= p.len())
                .is_some_and(|&(len, e)| {
                    let rest = p[len..].chars().count();
                    // A verb and its complement, which jieba lists apart (建立|起).
                    (e.class == Class::Verb && rest <= 1 && len > 3)
                        || (e.class == Class::Verb && rest == 0)
                        || (matches!(e.class, Class::Other | Class::Pronoun)
                            && rest == 0
                            && p.chars().nth(1).is_some())
                })
        })
        .collect();
    for (i, first) in spans.iter().enumerate() {
        let mut end = first.end;
        let mut chars = pieces[i].chars().count();
        if chars >= 2 {
            add(pieces[i], Origin::Word, first.start);
        }
        let mut all_nominal = nominal[i];
        // The dictionary words that start here, found in one walk.
        let words = texts.words_at(part, first.start);
        for (j, next) in spans
            .iter()
            .enumerate()
            .take(spans.len().min(i + 4))
            .skip(i + 1)
        {
            // A run across a function character (的, 在) is a phrase, never a word.
            if next.start != end || pieces[j].chars().any(is_function_char) {
                break;
            }
            chars += pieces[j].chars().count();
            end = next.end;
            all_nominal &= nominal[j];
            if chars > MAX_CHARS {
                break;
            }
            let run = &text[first.start..end];
            let entry = words
                .iter()
                .find(|(len, _)| first.start + len == end)
                .map(|(_, e)| e);
            if entry.is_some_and(|e| e.class.is_nominal()) {
                add(run, Origin::Word, first.start);
            } else if chars <= 6
                && single_char(pieces[j]).is_some_and(is_place_suffix)
                && !predicates[i..j].contains(&true)
            {
                add(run, Origin::Place, first.start);
            } else if chars <= MAX_PHRASE_CHARS
                && all_nominal
                && !GENERIC_HEADS.contains(&pieces[j])
            {
                add(run, Origin::Phrase, first.start);
            }
        }
    }
}

/// Whether a word can be part of a compound noun: a noun or name jieba knows, or a word of
/// two or more characters it does not; a single character only when it is a noun (碳, 港).
fn is_nominal_piece(piece: &str, entry: Option<lexicon::Entry>) -> bool {
    if !piece.chars().all(is_han) || piece.chars().any(is_numeral) || STOP_SET.contains(piece) {
        return false;
    }
    let single = piece.chars().nth(1).is_none();
    match entry {
        Some(e) if single => e.class == Class::Noun && !piece.chars().any(is_function_char),
        Some(e) => e.class.is_nominal(),
        None => !single && !has_function_edge(piece),
    }
}

/// The character `piece` is, when it is one.
fn single_char(piece: &str) -> Option<char> {
    let mut chars = piece.chars();
    chars.next().filter(|_| chars.next().is_none())
}

/// Characters that end a place name: administrative units and landforms.
fn is_place_suffix(c: char) -> bool {
    matches!(
        c,
        '省' | '市'
            | '县'
            | '区'
            | '州'
            | '旗'
            | '镇'
            | '乡'
            | '村'
            | '山'
            | '湖'
            | '河'
            | '江'
            | '岛'
            | '湾'
            | '峡'
            | '谷'
            | '寺'
    )
}

/// People's names that jieba does not know (林|晓帆, 王|建国, 欧阳|明远), whether ICU split
/// them or not: a common surname of one character or a compound one of two, and one or two
/// more characters, used two or more times and every time whole (the longer name is taken
/// when the shorter never stands without its next character).
fn names<'a>(texts: &Texts<'a>, found: &mut FxHashMap<&'a str, Found>) {
    let mut counted: FxHashMap<&'a str, usize> = FxHashMap::default();
    let mut uses = |word: &'a str| {
        *counted
            .entry(word)
            .or_insert_with(|| texts.uses(word).count())
    };
    for (index, text) in texts.parts.iter().enumerate() {
        // Where the name of a compound surname ends: the single surname inside it (马 of
        // 司马振华) starts no name of its own.
        let mut inside_until = 0;
        for (at, c) in text.char_indices() {
            let rest = &text[at..];
            let compound_surname = COMPOUND_SURNAME_STARTS
                .contains(&c)
                .then(|| COMPOUND_SURNAMES.iter().find(|s| rest.starts_with(*s)))
                .flatten();
            let (surname, compound) = match compound_surname {
                Some(surname) => (surname.len(), true),
                None if SURNAME_SET.contains(&c) && at >= inside_until => (c.len_utf8(), false),
                None => continue,
            };
            let mut ends = rest[surname..]
                .char_indices()
                .map(|(i, c)| surname + i + c.len_utf8());
            let (Some(one), two) = (ends.next(), ends.next()) else {
                continue;
            };
            let given_ok = |s: &str| {
                s[surname..]
                    .chars()
                    .all(|c| is_han(c) && !is_function_char(c) && !is_numeral(c))
            };
            let short = &rest[..one];
            // A surname and one character that the dictionary knows is a word (高速, 张开)
            // unless the surname is compound: jieba lists some such names (欧阳明) whole,
            // and the name may go on (欧阳明远).
            if !given_ok(short) || (!compound && lexicon::lookup(short).is_some()) {
                continue;
            }
            let short_uses = uses(short);
            if short_uses < 2 {
                continue;
            }
            // After a compound surname the second character of the given name may be one
            // that is also grammar (端木清和, 司马平和): names of two-character surnames mostly
            // have two-character given names, and the rule below still asks that the short
            // form never stand without it.
            let long = two.map(|two| &rest[..two]).filter(|s| {
                given_ok(s)
                    || (compound
                        && s[one..].chars().all(is_function_char)
                        && !s[one..].starts_with(['的', '了', '是', '在']))
            });
            let name = match long {
                Some(long) if uses(long) == short_uses => long,
                _ => short,
            };
            if lexicon::lookup(name).is_none() && !always_after_the_same(texts, name) {
                // A name ICU kept whole (or whose pieces were joined) is no less a name.
                let how = found.entry(name).or_insert(Found {
                    origin: Origin::Person,
                    first: (index, at),
                });
                if matches!(how.origin, Origin::Word | Origin::Phrase) {
                    how.origin = Origin::Person;
                }
                if compound {
                    inside_until = at + name.len();
                }
            }
        }
    }
}

/// Whether a word is a surname and a form of address ([`FORMS_OF_ADDRESS`]): how a story
/// calls someone (黄婆婆, 王大爷, 李老师), not who they are.
fn is_form_of_address(word: &str) -> bool {
    let after_compound = COMPOUND_SURNAMES.iter().find_map(|s| word.strip_prefix(s));
    let after_single = word
        .chars()
        .next()
        .filter(|c| SURNAME_SET.contains(c))
        .map(|c| &word[c.len_utf8()..]);
    after_compound
        .into_iter()
        .chain(after_single)
        .any(|rest| FORMS_OF_ADDRESS.contains(&rest))
}

/// What a surname is followed by when someone is addressed rather than named: the story
/// names a role, and the person's name, if it has one, is written elsewhere.
const FORMS_OF_ADDRESS: &[&str] = &[
    "婆婆", "奶奶", "爷爷", "大爷", "大妈", "大娘", "大婶", "阿姨", "叔叔", "伯伯", "大叔", "大哥",
    "大姐", "老师", "师傅", "先生", "女士", "老人", "老汉", "书记", "主任", "校长", "院长", "医生",
    "教授", "队长", "村长", "经理",
];

/// Whether every use of `word` comes right after the same Han character, one that is not
/// grammar: then it is the end of a longer word the article always writes whole (苏祠 of
/// 三苏祠), not a name of its own.
fn always_after_the_same(texts: &Texts, word: &str) -> bool {
    let mut before = texts
        .uses(word)
        .map(|(i, at)| texts.parts[i][..at].chars().next_back());
    let first = before.next().flatten();
    first.is_some_and(|c| is_han(c) && !is_function_char(c)) && before.all(|c| c == first)
}

/// Compound surnames (复姓) still borne today: 欧阳 of 欧阳明远. Left out are those that are
/// more often words or names of other things: 第五 (第五届), 东方 (东方航空), 西门 (西门子),
/// 南宫 and 濮阳 (cities), 百里 (百里杜鹃), 东郭 (the fable's 东郭先生) and the historical
/// titles (单于, 太史).
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒",
    "司空", "夏侯", "端木", "申屠", "独孤", "轩辕", "呼延", "闻人", "澹台", "赫连", "钟离", "宗政",
    "淳于", "鲜于", "拓跋", "左丘", "梁丘", "公冶", "仲孙", "万俟",
];

/// Whether a word is a number's unit (米级 of 厘米级, 厘米级), though it reads as a name (米 is
/// a surname) or is quoted: it ends in a measure word, and is measure words alone or
/// somewhere a number or a dictionary word reaches into it from before.
fn is_measured(texts: &Texts, word: &str) -> bool {
    let is_measure = |w: &str| lexicon::lookup(w).is_some_and(|e| e.class == Class::Measure);
    let Some(last) = word.char_indices().next_back().map(|(at, _)| at) else {
        return false;
    };
    is_measure(&word[last..])
        && (is_measure(&word[..last])
            || texts.uses(word).any(|(i, at)| {
                let text = texts.parts[i];
                text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_digit() || is_numeral(c))
                    || text[..at].char_indices().rev().take(3).any(|(start, _)| {
                        texts
                            .words_at(i, start)
                            .iter()
                            .any(|&(len, _)| start + len > at && start + len < at + word.len())
                    })
            }))
}

/// Organisations named in full, which neither dictionary holds and ICU cuts to pieces: a
/// place (or 中国, 国家) that starts a run of Han characters ending in an organisation's suffix
/// (局, 研究院, 委员会...), of up to [`ORGANISATION_CHARS`] characters. Conjunctions may be inside
/// (经济和信息化局, 地质与地球物理研究所); any other grammar character ends the run.
fn organisations<'a>(texts: &Texts<'a>, found: &mut FxHashMap<&'a str, Found>) {
    for suffix in ORGANISATION_SUFFIXES {
        for (part, at) in texts.uses(suffix) {
            let text = texts.parts[part];
            let end = at + suffix.len();
            // Where the run of Han characters before the suffix can start, nearest first.
            // A place or the state, starting there, names the organisation.
            let names_it = |start: usize| {
                texts.words_at(part, start).iter().any(|&(len, e)| {
                    start + len <= at
                        && (matches!(e.class, Class::Place | Class::Organisation)
                            || matches!(&text[start..start + len], "中国" | "国家"))
                })
            };
            // A grammar character ends the run unless it is a conjunction or opens the name
            // (中 of 中国); a quantity (多家医院, 一家社区医院) is one organisation or many,
            // not its name.
            let counts = |i: usize| {
                let two = text[i..at].char_indices().nth(2).map_or(at, |(j, _)| i + j);
                is_quantity(&text[i..two])
            };
            let starts = text[..at]
                .char_indices()
                .rev()
                .take_while(|&(i, c)| {
                    is_han(c)
                        && c != '多'
                        && !(is_numeral(c) && counts(i))
                        && (!is_function_char(c) || matches!(c, '和' | '与' | '及') || names_it(i))
                })
                .take(ORGANISATION_CHARS - suffix.chars().count())
                .map(|(i, _)| i);
            // The farthest start names the organisation.
            let name = starts.filter(|&start| names_it(start)).last();
            if let Some(start) = name {
                found.entry(&text[start..end]).or_insert(Found {
                    origin: Origin::Organisation,
                    first: (part, start),
                });
            }
        }
    }
}

/// Longest organisation name taken, in characters.
const ORGANISATION_CHARS: usize = 16;

/// What an organisation's name ends with. Single characters that end common words (部 of 内部,
/// 所 of 场所) are left out.
const ORGANISATION_SUFFIXES: [&str; 12] = [
    "委员会",
    "研究院",
    "研究所",
    "博物馆",
    "管理局",
    "中心",
    "大学",
    "学院",
    "医院",
    "局",
    "厅",
    "委",
];

/// Terms the text puts in quotation marks or book title marks, if short: a quotation of
/// speech is longer than a name.
fn marked<'a>(texts: &[&'a str], found: &mut FxHashMap<&'a str, Found>) {
    for (index, text) in texts.iter().enumerate() {
        for (open, close) in [('“', '”'), ('《', '》'), ('「', '」')] {
            let mut rest = 0;
            while let Some(start) = text[rest..].find(open).map(|i| rest + i + open.len_utf8()) {
                let Some(end) = text[start..].find(close).map(|i| start + i) else {
                    break;
                };
                rest = end;
                let term = &text[start..end];
                let chars = term.chars().count();
                if (2..=MAX_CHARS).contains(&chars)
                    && term.chars().all(is_han)
                    && !term.chars().all(is_numeral)
                {
                    found.entry(term).or_insert(Found {
                        origin: Origin::Marked,
                        first: (index, start),
                    });
                }
            }
        }
    }
}

/// Each candidate grown to the whole of what the article writes: while every use of it in
/// the headline and lead has the same character on one side, and the lead uses it at least
/// twice, that character belongs to it. ICU's dictionary lacks most new compounds and names
/// and cuts them where it knows a shorter word (三星|堆, 采|棉机, 心脏|骤停); what the
/// article always writes together is one word, and the piece alone is a fragment.
///
/// The headline's uses are checked but not counted: it often repeats a phrase of the lead
/// sentence, which would make a phrase look like a word.
fn closed<'a>(
    texts: &Texts<'a>,
    mut found: FxHashMap<&'a str, Found>,
) -> FxHashMap<&'a str, Found> {
    // Sorted, so that which of two candidates growing into the same word names it does not
    // depend on the order of a hash map.
    let mut grown: Vec<(&'a str, Found)> = found
        .iter()
        .filter_map(|(&word, &how)| {
            let whole = without_generic_head(grow(texts, word));
            (whole.len() != word.len()).then_some((
                whole,
                Found {
                    origin: Origin::Phrase,
                    first: how.first,
                },
            ))
        })
        .collect();
    grown.sort_unstable_by(|a, b| a.0.cmp(b.0).then(a.1.first.cmp(&b.1.first)));
    for (word, how) in grown {
        found.entry(word).or_insert(how);
    }
    found
}

/// `word` extended on either side while most of its uses agree on the next character.
fn grow<'a>(index: &Texts<'a>, word: &'a str) -> &'a str {
    let texts = index.parts;
    let mut word = word;
    // Room for a word's usual uses: grown from empty, collecting them cost a reallocation
    // per candidate, 1 % of an extraction's instructions.
    let mut uses: Vec<(usize, usize)> = Vec::with_capacity(16);
    loop {
        uses.clear();
        uses.extend(index.uses(word));
        if uses.iter().filter(|(i, _)| *i > 0).count() < 2 || word.chars().count() >= MAX_CHARS {
            return word;
        }
        // The character most uses have on one side, and where one of those uses is.
        let agreed = |side: &dyn Fn(usize, usize) -> Option<char>| {
            let mut counts: Vec<(char, usize, usize, (usize, usize))> = Vec::new();
            for &(i, at) in &uses {
                let Some(c) = side(i, at) else { continue };
                match counts.iter_mut().find(|(d, ..)| *d == c) {
                    Some(entry) => {
                        entry.1 += 1;
                        entry.2 += usize::from(i > 0);
                    }
                    None => counts.push((c, 1, usize::from(i > 0), (i, at))),
                }
            }
            let &(c, n, in_body, at) = counts.iter().max_by_key(|(_, n, ..)| *n)?;
            (in_body >= 2 && n * 3 >= uses.len() * GROW_SHARE && is_han(c) && !is_numeral(c))
                .then_some((c, at))
        };
        // A function character (中, 以) joins only where the dictionary has a word across
        // the seam (中|国科学技术大学, 以|旧换新): otherwise it is grammar around the word.
        let left = agreed(&|i, at| texts[i][..at].chars().next_back()).filter(|&(c, (i, at))| {
            let start = at - c.len_utf8();
            !is_function_char(c)
                || index
                    .words_at(i, start)
                    .iter()
                    .any(|&(len, _)| len > c.len_utf8() && start + len <= at + word.len())
        });
        if let Some((c, (i, at))) = left {
            word = &texts[i][at - c.len_utf8()..at + word.len()];
            continue;
        }
        let right =
            agreed(&|i, at| texts[i][at + word.len()..].chars().next()).filter(|&(c, (i, at))| {
                let end = at + word.len() + c.len_utf8();
                !is_function_char(c)
                    || word.char_indices().skip(1).any(|(j, _)| {
                        index
                            .words_at(i, at + j)
                            .iter()
                            .any(|&(len, _)| at + j + len == end)
                    })
            });
        match right {
            Some((c, (i, at))) => word = &texts[i][at..at + word.len() + c.len_utf8()],
            None => return word,
        }
    }
}

/// Share of a word's uses, in thirds, that must agree on a neighbour for it to grow.
const GROW_SHARE: usize = 2;

/// Whether the uses of `word` are cut across by a dictionary word: a word of two to four
/// characters that starts before it and ends inside, or starts inside and ends after
/// (春|季清漂 of 春季清漂, 编|程大赛 of 编程大赛). ICU's dictionary misses words and then cuts
/// next to them; the piece it leaves is no word, whatever it looks like. One use cut across
/// proves nothing (从|中国科学技术大学 has 从中 across the seam).
fn straddled(texts: &Texts, word: &str) -> bool {
    // Two uses of the headline and two of the lead tell: a word cut out of its neighbours
    // is cut the same way each time.
    let mut headline = 0;
    let mut body = 0;
    // A preposition before or a locative after (在|京张铁路|上) cuts nothing of a word of three
    // characters or more; of two, where a cut is the only sign of a piece, it still counts
    // (主塔 of 主|塔前).
    let long = word.chars().nth(2).is_some();
    texts
        .uses(word)
        .filter(|&(i, _)| {
            let seen = if i == 0 { &mut headline } else { &mut body };
            *seen += 1;
            *seen <= 2
        })
        .all(|(i, at)| {
            let text = texts.parts[i];
            let end = at + word.len();
            // Words starting up to three characters before, ending inside.
            let mut before = text[..at].char_indices().rev().take(3).map(|(i, _)| i);
            let from_before = before.any(|start| {
                texts
                    .words_at(i, start)
                    .iter()
                    .take_while(|&&(len, _)| text[start..start + len].chars().count() <= 4)
                    .any(|&(len, _)| {
                        start + len > at
                            && start + len < end
                            && !(long && is_grammar(&text[start..at]))
                    })
            });
            // Words starting inside (not at its start), ending after it.
            from_before
                || word
                    .char_indices()
                    .skip(1)
                    .map(|(j, _)| at + j)
                    .any(|start| {
                        texts
                            .words_at(i, start)
                            .iter()
                            .take_while(|&&(len, _)| text[start..start + len].chars().count() <= 4)
                            .any(|&(len, _)| {
                                start + len > end && !(long && is_locative(&text[end..start + len]))
                            })
                    })
        })
}

/// Whether `s` is one preposition or conjunction (在 of 在京 in 在|京张铁路): grammar before
/// a word, which the dictionary lists joined to the word's first character (在京, 在华). Not
/// every function character: 中 of 中国 is the name's own (中|国选手 is a cut).
fn is_grammar(s: &str) -> bool {
    const BEFORE_A_WORD: [char; 13] = [
        '在', '从', '向', '对', '往', '到', '把', '被', '给', '和', '与', '及', '或',
    ];
    single_char(s).is_some_and(|c| BEFORE_A_WORD.contains(&c))
}

/// Whether `s` is one character that says where (上 of 路上 in 京张铁路|上, 旁, 边, 里...):
/// grammar after a noun, which the dictionary lists joined to the noun's last character.
fn is_locative(s: &str) -> bool {
    const WHERE: [char; 11] = [
        '上', '下', '里', '中', '内', '外', '旁', '边', '前', '后', '间',
    ];
    single_char(s).is_some_and(|c| WHERE.contains(&c))
}

/// Whether a long word ends with a verb of two characters jieba knows (…扩建工程完工,
/// …港口今天开通): a clause the article repeats, not a name. (A short one is often a topic an
/// editor names by its verb: 心脏骤停, 急救培训.)
fn ends_with_a_verb(word: &str) -> bool {
    word.chars().count() >= 6
        && word.char_indices().rev().nth(1).is_some_and(|(at, _)| {
            at > 0 && lexicon::lookup(&word[at..]).is_some_and(|e| e.class == Class::Verb)
        })
}

/// Whether a word ends in a verb and every use of it in the lead is followed by a comma or a
/// colon (负责人表示，, 数据显示：, 记者走访发现，, 据了解，): who said, showed or found
/// something, before what it was; a clause, not a term. A term ending in a verb (量子计算,
/// 古法造纸) is followed by what the sentence goes on to say about it.
fn introduces_what_was_said(texts: &Texts, word: &str) -> bool {
    let mut uses = texts.uses(word).filter(|&(i, _)| i > 0).peekable();
    let before_what = uses.peek().is_some()
        && uses
            .all(|(i, at)| texts.parts[i][at + word.len()..].starts_with(['，', ',', '：', ':']));
    // The longest dictionary word the word ends in, shorter than the word.
    before_what
        && word
            .char_indices()
            .skip(1)
            .find_map(|(at, _)| lexicon::lookup(&word[at..]))
            .is_some_and(|e| e.class == Class::Verb)
}

/// Whether every use of a word follows a number, and not always the same one (形成了13|项具体措施
/// … 31|项具体措施): what is counted, the rest of a count, not a name (C919|大飞机 follows the
/// same number each time).
fn counts_after_a_number(texts: &Texts, word: &str) -> bool {
    let mut numbers = texts.uses(word).map(|(i, at)| {
        let before = &texts.parts[i][..at];
        before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_ascii_digit() || is_numeral(c))
            .last()
            .map(|(start, _)| &before[start..])
    });
    let Some(Some(first)) = numbers.next() else {
        return false;
    };
    let mut differ = false;
    for number in numbers {
        match number {
            Some(n) => differ |= n != first,
            None => return false,
        }
    }
    differ
}

/// Whether a word is an address, two places one inside the other (浙江省宁海县, 赣州市信丰县):
/// each is a keyword, the two together are not.
fn places_in_a_row(word: &str) -> bool {
    let Some(last) = word.chars().next_back() else {
        return false;
    };
    is_place_suffix(last)
        && word[..word.len() - last.len_utf8()]
            .char_indices()
            .skip(2)
            .any(|(at, c)| {
                matches!(c, '省' | '市' | '县' | '州') && at + c.len_utf8() + 6 <= word.len()
            })
}

/// Whether a word opens with a pronoun or determiner of two or more characters that jieba
/// knows (此次, 本届, 这些).
fn opens_with_a_pronoun(word: &str) -> bool {
    let mut words = Vec::new();
    lexicon::words_at(word, MAX_CHARS, &mut words);
    words.iter().any(|&(len, e)| {
        e.class == Class::Pronoun && len < word.len() && word[..len].chars().nth(1).is_some()
    })
}

/// Whether a two-character word starts with a character jieba knows as a verb: 开园, 用冰
/// are a verb and its object, not a noun.
fn opens_with_a_verb(word: &str) -> bool {
    let mut chars = word.char_indices();
    let (Some(_), Some((second, _)), None) = (chars.next(), chars.next(), chars.next()) else {
        return false;
    };
    lexicon::lookup(&word[..second]).is_some_and(|e| e.class == Class::Verb)
}

/// A candidate with its score.
#[derive(Debug, Clone)]
struct Ranked<'a> {
    word: &'a str,
    score: f32,
    /// Uses in the body.
    uses: usize,
    /// The term frequency its score was made of (see [`term_frequency`]).
    tf: f32,
    first: (usize, usize),
    /// Named by the article's English keywords: never a fragment of a longer candidate.
    in_english: bool,
}

/// Scores a candidate, or drops it: verbs, time words and the like (jieba's part of speech),
/// stop words, numbers, the reporters, and words of the body used once that neither the
/// headline nor the dictionary vouches for.
///
/// The score is tf-idf weighted by kind: 1 + ln(uses in the lead), plus [`HEADLINE_BONUS`]
/// when the headline has it, times how rare the word is in jieba's corpus; names weigh more
/// ([`NAME_WEIGHT`]), common nouns and nouns made of verbs less, the dateline's place more.
fn rank<'a>(
    word: &'a str,
    found: Found,
    texts: &Texts<'a>,
    place: Option<&str>,
    reporters: &[String],
    english: &Named,
) -> Option<Ranked<'a>> {
    // The reporters and their agency (a photo's credit, 中新社记者…摄) say who wrote the
    // story, not what it is about.
    if !is_candidate(word)
        || reporters.iter().any(|r| r == word)
        || AGENCIES.iter().any(|a| word.starts_with(a))
    {
        return None;
    }
    // What the English keywords name is a keyword whatever the dictionary calls it: jieba
    // tags 高考 a verb.
    let in_english = english.names(word);
    let known = lexicon::lookup(word)
        .filter(|e| !(e.class == Class::Loose && e.freq < LOOSE_FREQ && !is_quantity(word)));
    if known.is_some_and(|e| !e.class.is_nominal()) && !in_english {
        return None;
    }
    // jieba's rarest entries are as often noise as words (开园 as a place, 冰量): they vouch
    // for nothing, as if unknown.
    let entry = known.filter(|e| e.freq >= TRUSTED_FREQ);
    let class = entry.map(|e| e.class);
    let uses = texts.body_uses(word);
    let in_headline = texts.in_headline(word);
    if uses == 0 && !in_headline {
        return None;
    }
    // A compound no dictionary knows is a keyword only if the body writes it twice: the
    // headline's words, written once more in the body, are as often a turn of phrase (人象,
    // 全球网友) as a term.
    if found.origin == Origin::Phrase && uses < 2 && !in_english {
        return None;
    }
    // A term in quotation marks that the story quotes once and its headline does not name
    // is a turn of phrase (“能聊天”, “花钱买分”), not what the story is about.
    if found.origin == Origin::Marked && uses < 2 && !in_headline && !in_english {
        return None;
    }
    // An organisation named once, as where a quoted expert works (浙江大学…学院教授卢文辉,
    // …大学附属…医院急诊科医生), is who speaks, not what the story is about.
    let organisation = found.origin == Origin::Organisation
        || known.is_some_and(|e| e.class == Class::Organisation)
        || ORGANISATION_SUFFIXES.iter().any(|s| word.ends_with(s));
    if organisation && uses < 2 && !in_headline && !in_english {
        let affiliation = texts.uses(word).all(|(i, at)| {
            let after = &texts.parts[i][at + word.len()..];
            let clause = after
                .char_indices()
                .take_while(|&(_, c)| is_han(c))
                .take(AFFILIATION_CHARS)
                .last()
                .map_or("", |(j, c)| &after[..j + c.len_utf8()]);
            EXPERT_TITLES.iter().any(|title| clause.contains(title))
        });
        if affiliation {
            return None;
        }
    }
    // A person named once, outside the headline, is someone the story quotes in passing (a
    // parent outside an exam hall): who the story is about is named again.
    let person = found.origin == Origin::Person || known.is_some_and(|e| e.class == Class::Person);
    if person && uses < 2 && !in_headline && !in_english {
        return None;
    }
    // A surname and a form of address (王大爷, 李老师) is how the story calls someone, however
    // it was found: jieba knows 大爷 and 老师, and the pair is joined as a compound.
    if is_form_of_address(word) && !in_english {
        return None;
    }
    // A count of something used once (其余四门, 两局): jieba files some as names (四门).
    if word.starts_with(is_numeral) && uses < 2 && !in_headline && !in_english {
        return None;
    }
    // An area of some kind (湖区, 景区, 城区, 乡镇): a proper name has more than one character
    // before its suffix.
    if word.chars().count() == 2
        && word.ends_with(['区', '镇', '乡', '村', '省', '市'])
        && !in_english
    {
        return None;
    }
    let at_dateline =
        place.is_some_and(|p| word == p || word.strip_suffix(['市', '县', '区']) == Some(p));
    // A word no dictionary knows is never a piece cut out of words around it.
    if entry.is_none()
        && !at_dateline
        && !in_english
        // A person's name may end in a character that is also grammar (端木清和): [`names`]
        // took it only where the text never writes the name without it.
        && ((has_function_edge(word) && found.origin != Origin::Person)
            || places_in_a_row(word)
            || (found.origin == Origin::Phrase && ends_with_a_verb(word))
            || (found.origin == Origin::Word && (uses < 2 || opens_with_a_verb(word)))
            || introduces_what_was_said(texts, word)
            || counts_after_a_number(texts, word)
            || (!matches!(found.origin, Origin::Marked | Origin::Organisation)
                && straddled(texts, word)))
    {
        return None;
    }
    // A phrase that opens by pointing (此次|航次, 本届|锦标赛): “this voyage” names none.
    if entry.is_none() && !in_english && opens_with_a_pronoun(word) {
        return None;
    }
    // A unit written after numbers (“米级” of 厘米级), however it was found: no name.
    if entry.is_none() && !in_english && is_measured(texts, word) {
        return None;
    }
    // A dictionary word holding a grammar character is often ICU's wrong cut (中选 of
    // 中|选择): the same test as for unknown words.
    if entry.is_some_and(|e| !e.class.is_name() && e.freq < RARE_FREQ)
        && word.chars().any(is_function_char)
        && straddled(texts, word)
    {
        return None;
    }
    let weight = match (class, found.origin) {
        _ if in_english => NAME_WEIGHT * ENGLISH_WEIGHT,
        (Some(c), _) if c.is_name() => NAME_WEIGHT,
        (_, Origin::Person | Origin::Place | Origin::Marked | Origin::Organisation) => NAME_WEIGHT,
        (Some(Class::VerbalNoun), _) => VERBAL_NOUN_WEIGHT,
        (Some(Class::Noun), _) => COMMON_NOUN_WEIGHT,
        _ => 1.0,
    };
    let tf = term_frequency(uses, in_headline);
    let score = tf
        * lexicon::idf(entry)
        * weight
        * if at_dateline && (in_english || !english.listed) {
            DATELINE_PLACE_WEIGHT
        } else {
            1.0
        };
    Some(Ranked {
        word,
        score,
        uses,
        tf,
        first: found.first,
        in_english,
    })
}

/// 1 + ln of a word's uses in the lead, plus [`HEADLINE_BONUS`] when the headline has it.
fn term_frequency(uses: usize, in_headline: bool) -> f32 {
    let lead = if uses > 0 {
        1.0 + (uses as f32).ln()
    } else {
        0.0
    };
    lead + if in_headline { HEADLINE_BONUS } else { 0.0 }
}

/// Drops the candidates that are only ever part of a longer one that ranks about as high
/// ([`ABSORB`]; 霞客 of 徐霞客, 冰雪大 of 冰雪大世界): pieces, not words of their own. A piece
/// also used on its own is scored again on those uses alone: 骤停 of a headline's 心脏骤停,
/// written alone once more in the body, is a word of one use, not of the headline.
fn drop_fragments(ranked: &mut Vec<Ranked>, texts: &Texts) {
    // Each candidate's pieces, found by looking up the substrings of each longer one rather
    // than comparing every pair.
    let at: FxHashMap<&str, usize> = ranked
        .iter()
        .enumerate()
        .map(|(k, r)| (r.word, k))
        .collect();
    let mut inside = vec![0usize; ranked.len()];
    // The longer candidates each one is a piece of.
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); ranked.len()];
    for (l, long) in ranked.iter().enumerate() {
        let bounds: Vec<usize> = long
            .word
            .char_indices()
            .map(|(i, _)| i)
            .chain([long.word.len()])
            .collect();
        let mut seen: Vec<usize> = Vec::new();
        for (x, &start) in bounds.iter().enumerate() {
            for &end in &bounds[x + 1..] {
                if end - start == long.word.len() {
                    continue;
                }
                let Some(&k) = at.get(&long.word[start..end]) else {
                    continue;
                };
                if long.score >= ranked[k].score * ABSORB && !seen.contains(&k) {
                    seen.push(k);
                    holders[k].push(l);
                    inside[k] += long.uses * long.word.matches(ranked[k].word).count();
                }
            }
        }
    }
    let scores: Vec<Option<f32>> = ranked
        .iter()
        .enumerate()
        .map(|(k, short)| {
            if inside[k] == 0 {
                return Some(short.score);
            }
            if short.uses <= inside[k] {
                return None;
            }
            if short.in_english {
                return Some(short.score);
            }
            let alone = short.uses - inside[k];
            // The piece's headline use is the longer word's when a longer word covers it
            // there; and only when the article writes the longer word more often than the
            // piece alone is the longer one what it means. A place named with its suffix
            // inside a longer name is still that place (晋江 of 晋江市工业和信息化局).
            let longest_written = holders[k].iter().map(|&l| ranked[l].uses).max();
            let headline_is_longer = texts.in_headline(short.word)
                && texts
                    .uses(short.word)
                    .filter(|&(i, _)| i == 0)
                    .all(|(_, at)| {
                        holders[k].iter().any(|&l| {
                            let long = ranked[l].word;
                            texts.uses(long).any(|(i, from)| {
                                i == 0 && from <= at && at + short.word.len() <= from + long.len()
                            })
                        })
                    });
            let named_within = holders[k].iter().any(|&l| {
                ranked[l].word.match_indices(short.word).any(|(at, w)| {
                    ranked[l].word[at + w.len()..]
                        .chars()
                        .next()
                        .is_some_and(is_place_suffix)
                })
            });
            if named_within || !headline_is_longer || longest_written < Some(alone.max(2)) {
                return Some(short.score);
            }
            Some(short.score / short.tf * term_frequency(alone, false))
        })
        .collect();
    let mut k = 0;
    ranked.retain_mut(|short| {
        let score = scores[k];
        k += 1;
        if let Some(score) = score {
            short.score = score;
        }
        score.is_some()
    });
}

/// The keywords, best first: never one inside another (the better of 五常 and 五常市), at
/// least [`MIN`] when there are that many, and beyond that only those close to the best.
fn select<'a>(ranked: Vec<Ranked<'a>>, texts: &Texts<'a>) -> Vec<String> {
    let top = ranked.first().map_or(0.0, |r| r.score);
    let mut chosen: Vec<&str> = Vec::with_capacity(MAX);
    for candidate in &ranked {
        if chosen.len() == MAX || (chosen.len() >= MIN && candidate.score < top * SECOND_TIER) {
            break;
        }
        let overlaps = chosen.iter().any(|c| {
            c.contains(candidate.word)
                || candidate.word.contains(c)
                || abbreviates(candidate.word, c)
                || abbreviates(c, candidate.word)
        }) || (!candidate.in_english
            && written_across(texts, candidate.word, &chosen));
        if !overlaps {
            chosen.push(candidate.word);
        }
    }
    chosen.into_iter().map(str::to_string).collect()
}

/// Whether a word runs into keywords already chosen, without either holding the other, in
/// two of its uses and two thirds of them (产品碳 of 产品碳足迹, twice, and 产品碳排放,
/// beside the keyword 碳足迹): a piece of longer phrases cut at different places, which the
/// better keyword already stands for. Two thirds, as in [`grow`]: a phrase is what the
/// article writes most of the time.
fn written_across<'a>(texts: &Texts<'a>, word: &'a str, chosen: &[&'a str]) -> bool {
    let spans: Vec<(usize, usize, usize)> = chosen
        .iter()
        .flat_map(|c| texts.uses(c).map(|(i, at)| (i, at, at + c.len())))
        .collect();
    let runs_into = |i: usize, at: usize| {
        let end = at + word.len();
        spans.iter().any(|&(j, from, to)| {
            let meet = i == j && from < end && at < to;
            let holds = (from <= at && end <= to) || (at <= from && to <= end);
            meet && !holds
        })
    };
    let (mut uses, mut across) = (0, 0);
    for (i, at) in texts.uses(word) {
        uses += 1;
        if runs_into(i, at) {
            across += 1;
        }
    }
    across >= 2 && across * 3 >= uses * GROW_SHARE
}

/// Whether `short` is the usual short form of the name `long`: the same first and last
/// characters, the rest of its characters taken from it in order (国家医保局 of 国家医疗保障局,
/// 北京市教委 of 北京市教育委员会). An article names an organisation both ways; one is enough.
fn abbreviates(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().count() >= 4
        && short.len() < long.len()
        && short.chars().next() == long.chars().next()
        && short.chars().next_back() == long.chars().next_back()
        && short.chars().all(|c| rest.any(|d| d == c))
}

/// How far after an organisation's name a title says who works there (…大学附属北京儿童医院
/// 急诊科医生), in characters of the same clause.
const AFFILIATION_CHARS: usize = 14;

/// What a person quoted for their expertise is called after the organisation they work at.
const EXPERT_TITLES: [&str; 17] = [
    "医生",
    "教授",
    "副教授",
    "研究员",
    "副研究员",
    "院士",
    "博士",
    "专家",
    "学者",
    "院长",
    "副院长",
    "所长",
    "副所长",
    "主任医师",
    "副主任医师",
    "工程师",
    "高级工程师",
];

/// Nouns that say what kind of thing a phrase is about, not which (动力电池企业, 风光制氢项目,
/// 垃圾分类工作), or that it is a list of them (应用场景清单): what the article writes before
/// one is the keyword.
const GENERIC_HEADS: [&str; 12] = [
    "企业", "项目", "工作", "数量", "人员", "部门", "情况", "问题", "方面", "清单", "名单", "名录",
];

/// `word` without a generic noun at its end ([`GENERIC_HEADS`]), when two characters or
/// more are left.
fn without_generic_head(word: &str) -> &str {
    GENERIC_HEADS
        .iter()
        .find_map(|head| {
            word.strip_suffix(head)
                .filter(|rest| rest.chars().count() >= 2)
        })
        .unwrap_or(word)
}

/// Common Chinese surnames: the first character of a name ICU and jieba do not know.
const SURNAMES: &[char] = &[
    '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭',
    '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾',
    '肖', '田', '董', '袁', '潘', '于', '蒋', '蔡', '余', '杜', '叶', '程', '苏', '魏', '吕', '丁',
    '任', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金', '石', '廖', '贾', '夏',
    '韦', '付', '方', '白', '邹', '孟', '熊', '秦', '邱', '江', '尹', '薛', '闫', '段', '雷', '侯',
    '龙', '史', '陶', '黎', '贺', '顾', '毛', '郝', '龚', '邵', '万', '钱', '严', '覃', '武', '戴',
    '莫', '孔', '向', '汤', '常', '温', '康', '施', '文', '牛', '樊', '葛', '邢', '安', '齐', '易',
    '乔', '伍', '庞', '颜', '倪', '庄', '聂', '章', '鲁', '岳', '翟', '殷', '詹', '申', '欧', '耿',
    '关', '兰', '焦', '俞', '左', '柳', '甘', '祝', '包', '宁', '尚', '符', '舒', '阮', '柯', '纪',
    '梅', '童', '凌', '毕', '单', '季', '裴', '霍', '涂', '成', '苗', '谷', '盛', '曲', '翁', '冉',
    '骆', '蓝', '路', '游', '辛', '靳', '管', '柴', '蒙', '鲍', '华', '喻', '祁', '蒲', '房', '滕',
    '屈', '饶', '解', '牟', '艾', '尤', '阳', '时', '穆', '农', '司', '卓', '古', '吉', '缪', '简',
    '车', '项', '连', '芦', '麦', '褚', '娄', '窦', '戚', '岑', '景', '党', '宫', '费', '卜', '冷',
    '晏', '席', '卫', '米', '杭', '洪', '诸', '巩', '邬', '黄',
];

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
    chars >= 2 && !word.chars().all(is_numeral) && !STOP_SET.contains(word) && !counts_places(word)
}

/// Whether a word is a number and what it counts (二十分钟, 十三届, 三十余头): numerals, then a
/// character that is no noun (a measure word, 余, 多). A name jieba files with the numerals
/// may open with one (三星堆).
fn is_quantity(word: &str) -> bool {
    let rest = word.trim_start_matches(is_numeral);
    rest.len() < word.len()
        && rest.chars().next().is_none_or(|c| {
            lexicon::lookup(c.encode_utf8(&mut [0; 4])).is_some_and(|e| !e.class.is_nominal())
        })
}

/// Whether a word counts places rather than names one: a numeral and a place suffix (五区,
/// 两省, 多村).
fn counts_places(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(n), Some(unit), None) => (is_numeral(n) || n == '多') && is_place_suffix(unit),
        _ => false,
    }
}

/// Whether a word jieba does not know starts or ends with a function character (的, 了, 在,
/// 中...): a phrase cut at the wrong place, not a word. Not when the character is part of a
/// dictionary word at that edge (中国 in 中国科学技术大学, 集中 in 药品集中): known words may
/// hold such characters (中国, 上海).
fn has_function_edge(word: &str) -> bool {
    // 中|选择: the rest is a verb, so the character is grammar before it even where the
    // dictionary has a word across the seam (中选). (Not before a name: 中|宁县 is 中宁县.)
    let opens = word.chars().next().is_some_and(|c| {
        let mut words = Vec::new();
        lexicon::words_at(word, MAX_CHARS, &mut words);
        let rest = &word[c.len_utf8()..];
        is_function_char(c)
            && (!words.iter().any(|&(len, _)| len > c.len_utf8())
                || (rest.chars().nth(1).is_some()
                    && lexicon::lookup(rest).is_some_and(|e| !e.class.is_nominal())))
    });
    // 考生|在: what comes before is a word of its own, even where the dictionary has one
    // across the seam (生在).
    let closes = word.chars().next_back().is_some_and(|c| {
        is_function_char(c)
            && (lexicon::lookup(&word[..word.len() - c.len_utf8()]).is_some()
                || !word
                    .char_indices()
                    .rev()
                    .skip(1)
                    .take(3)
                    .any(|(at, _)| lexicon::lookup(&word[at..]).is_some()))
    });
    opens || closes
}

/// The first characters of [`COMPOUND_SURNAMES`]: asked of every character of every article.
static COMPOUND_SURNAME_STARTS: LazyLock<FxHashSet<char>> = LazyLock::new(|| {
    COMPOUND_SURNAMES
        .iter()
        .filter_map(|s| s.chars().next())
        .collect()
});

/// [`SURNAMES`] as a set: asked of every character of every article.
static SURNAME_SET: LazyLock<FxHashSet<char>> =
    LazyLock::new(|| SURNAMES.iter().copied().collect());

/// [`STOP_WORDS`] as a set: looked up for every word of every article.
static STOP_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

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
    "上市",
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
    "企业",
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
    "名单",
    "名录",
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
    "数量",
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
    "清单",
    "渠道",
    "特别",
    "现在",
    "由于",
    "目前",
    "直接",
    "相关",
    "相应",
    "研发",
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
    "项目",
    "预计",
    "领域",
    "首先",
    "高峰",
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
        let words = extract(headline, &body, &[], &[]);
        assert!((MIN..=MAX).contains(&words.len()), "{words:?}");
        // The words, or the compounds they make (杭州港口, 集装箱吞吐量).
        assert!(words.iter().any(|w| w.contains("港口")), "{words:?}");
        assert!(words.iter().any(|w| w.contains("集装箱")), "{words:?}");
        for w in &words {
            assert!(w.chars().count() >= 2, "single character {w}");
            assert!(
                STOP_WORDS.binary_search(&w.as_str()).is_err(),
                "stop word {w}"
            );
        }
    }

    fn english(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn what_the_english_keywords_name_is_a_keyword_whatever_its_part_of_speech() {
        // jieba tags 高考 a verb: alone, it is never a keyword; the English part names it.
        let headline = "今年高考明日开考 考生人数再创新高";
        let body = [
            "中新网北京6月6日电 今年高考明日开考,各地考点已完成考场布置和设备调试。".to_string(),
            "教育部提醒考生提前熟悉考场,高考期间各地将加强交通疏导和治安巡逻。".to_string(),
            "多地考试院表示,高考评卷工作将于考试结束后陆续展开。".to_string(),
        ];
        let without = extract(headline, &body, &[], &[]);
        assert!(!without.iter().any(|w| w == "高考"), "{without:?}");
        let with = extract(headline, &body, &[], &english(&["gaokao", "exams"]));
        assert_eq!(with.first().map(String::as_str), Some("高考"), "{with:?}");
    }

    #[test]
    fn an_english_keyword_in_english_words_names_its_translation() {
        // "county economy" is no pinyin: its words, translated, are 县域 and 经济, written
        // together once in the body, which alone makes no keyword of a compound.
        let headline = "晋江鞋服产业带动就业 特色产业撑起县域经济";
        let body = [
            "中新网泉州3月2日电 晋江市陈埭镇的运动鞋工厂近日订单饱满,生产线满负荷运转。"
                .to_string(),
            "当地负责人介绍,鞋服产业已成为晋江县域经济的支柱,带动二十多万人就业。".to_string(),
            "陈埭镇今年还将建设运动鞋研发中心,推动运动鞋产业向设计和品牌延伸。".to_string(),
        ];
        let without = extract(
            headline,
            &body,
            &[],
            &english(&["Jinjiang", "sports shoes"]),
        );
        assert!(!without.iter().any(|w| w == "县域经济"), "{without:?}");
        let with = extract(
            headline,
            &body,
            &[],
            &english(&["Jinjiang", "county economy", "sports shoes"]),
        );
        assert!(with.iter().any(|w| w == "县域经济"), "{with:?}");
        assert!(with.iter().any(|w| w == "运动鞋"), "{with:?}");
    }

    #[test]
    fn an_inner_word_the_glossary_lacks_is_what_the_text_writes_between_the_others() {
        // No rendering of "voltage" is 压: the keyword is still 低压电器, written between a
        // rendering of "low" and one of "electrical appliances".
        let headline = "乐清柳市镇电器企业订单增长 智能产品占比提高";
        let body = [
            "中新网温州4月9日电 乐清市柳市镇的电器企业一季度订单同比增长一成多。".to_string(),
            "柳市镇是国内重要的低压电器生产基地,当地企业近年加快研发智能产品。".to_string(),
            "柳市镇一家企业负责人介绍,今年新增的订单主要来自新能源和数据中心项目。".to_string(),
        ];
        let words = extract(
            headline,
            &body,
            &[],
            &english(&["Liushi Town", "low-voltage electrical appliances"]),
        );
        assert!(words.iter().any(|w| w == "低压电器"), "{words:?}");
    }

    #[test]
    fn a_translation_is_whole_and_says_something_of_the_story() {
        // 力 and 电池 render "power batteries", but 动力 is a rendering of power too: the
        // keyword is 动力电池, never the piece 力电池. "children" is 孩子, one of the
        // commonest words, which says nothing of this story.
        let headline = "宁德动力电池企业开放工厂参观日";
        let body = [
            "中新网宁德6月1日电 宁德一家动力电池企业今天向市民开放生产车间。".to_string(),
            "参观者看了动力电池的装配线,不少孩子跟着工程师了解电池回收的流程。".to_string(),
            "企业负责人介绍,今年动力电池产量预计增长三成,宁德已有电池企业四十多家。".to_string(),
        ];
        let words = extract(
            headline,
            &body,
            &[],
            &english(&["Ningde", "power batteries", "children"]),
        );
        assert!(words.iter().any(|w| w == "动力电池"), "{words:?}");
        assert!(
            !words.iter().any(|w| w == "力电池" || w == "孩子"),
            "{words:?}"
        );
    }

    #[test]
    fn an_english_place_keyword_names_the_place_of_its_kind() {
        // "Dongting Lake" is the lake, not the town of the same name, written more often.
        let headline = "洞庭镇组织志愿者护鸟 洞庭湖候鸟数量回升";
        let body = [
            "中新网岳阳1月8日电 洞庭镇今冬组织护鸟志愿者巡查湿地,洞庭镇的志愿者已有两百人。"
                .to_string(),
            "今冬洞庭湖越冬候鸟数量明显回升,观测到的小天鹅超过两万只。".to_string(),
            "洞庭镇负责人表示,将与洞庭湖保护区管理部门共同加强夜间巡护。".to_string(),
        ];
        let words = extract(
            headline,
            &body,
            &[],
            &english(&["Dongting Lake", "migratory birds"]),
        );
        assert_eq!(
            words.first().map(String::as_str),
            Some("洞庭湖"),
            "{words:?}"
        );
        assert!(!words.iter().any(|w| w == "洞庭"), "{words:?}");
    }

    #[test]
    fn an_english_name_with_a_kind_names_the_whole_name() {
        // "Wuhan University" is 武汉大学, not the city it is named after.
        let headline = "武汉大学团队研发新型北斗定位芯片";
        let body = [
            "中新网武汉5月8日电 武汉大学测绘团队近日发布一款北斗定位芯片,定位误差小于二十厘米。"
                .to_string(),
            "该芯片已在武汉的共享单车上试用,武汉多家企业表示将采用这款芯片。".to_string(),
            "武汉大学教授介绍,团队下一步将把芯片用于农机自动驾驶。".to_string(),
        ];
        let words = extract(
            headline,
            &body,
            &[],
            &english(&["Wuhan University", "BeiDou"]),
        );
        assert_eq!(
            words.first().map(String::as_str),
            Some("武汉大学"),
            "{words:?}"
        );
        assert!(!words.iter().any(|w| w == "武汉"), "{words:?}");
    }

    #[test]
    fn the_dateline_place_the_english_keywords_leave_out_gains_nothing() {
        // A ministry's announcement filed from Beijing is not about Beijing.
        let headline = "教育部部署中小学教材修订工作";
        let body = [
            "中新网北京3月2日电 教育部2日发布通知,部署新一轮中小学教材修订工作,北京等地将先行试用。"
                .to_string(),
            "通知要求,教材修订要吸收教学改革成果,修订后的教材将于秋季学期投入使用。"
                .to_string(),
            "教育部有关负责人表示,各地要组织教研人员做好教材培训。".to_string(),
        ];
        let listed = english(&["Ministry of Education", "textbooks"]);
        let rank_of = |words: &[String]| words.iter().position(|w| w == "北京");
        let without = extract(headline, &body, &[], &[]);
        let with = extract(headline, &body, &[], &listed);
        assert!(
            rank_of(&with).is_none_or(|r| rank_of(&without).is_some_and(|s| r > s)),
            "{without:?} {with:?}"
        );
    }

    #[test]
    fn a_term_quoted_once_is_a_turn_of_phrase() {
        let headline = "多地开展防范招生诈骗宣传";
        let body = [
            "中新网南京7月2日电 多地教育部门近日提醒考生和家长,警惕“内部指标”等招生诈骗。"
                .to_string(),
            "教育部门表示,招生诈骗多以“特殊渠道”为名,考生应通过官方渠道查询录取信息。".to_string(),
            "今年以来,各地已查处招生诈骗案件十余起。".to_string(),
        ];
        let words = extract(headline, &body, &[], &[]);
        assert!(words.iter().any(|w| w == "招生诈骗"), "{words:?}");
        assert!(!words.iter().any(|w| w == "内部指标"), "{words:?}");
        // Quoted in the headline, it is what the story is about.
        let words = extract("多地提醒警惕“内部指标”骗局", &body, &[], &[]);
        assert!(words.iter().any(|w| w == "内部指标"), "{words:?}");
    }

    #[test]
    fn a_quoted_experts_organisation_is_no_keyword() {
        let headline = "宁波舟山港集装箱吞吐量创新高";
        let body = [
            "中新网宁波1月6日电 宁波舟山港去年集装箱吞吐量突破三千万标准箱,集装箱航线增至三百条。"
                .to_string(),
            "浙江省海洋经济发展研究院研究员陈立民认为,集装箱航线加密带动了港口腹地的外贸企业。"
                .to_string(),
            "宁波舟山港相关负责人表示,今年将继续拓展集装箱海铁联运。".to_string(),
        ];
        let words = extract(headline, &body, &[], &[]);
        assert!(words.iter().any(|w| w == "宁波舟山港"), "{words:?}");
        assert!(!words.iter().any(|w| w.ends_with("研究院")), "{words:?}");
    }

    #[test]
    fn letters_across_two_words_are_no_keyword() {
        // 区负 (of 社区负责人) reads as Qufu: a stretch that is no word is never named.
        let headline = "社区养老服务中心启用";
        let body = [
            "中新网济宁4月2日电 社区负责人介绍,社区养老服务中心可同时照护五十位老人。".to_string(),
            "社区负责人表示,养老服务中心还将开设老年食堂。".to_string(),
        ];
        let words = extract(headline, &body, &[], &english(&["Qufu"]));
        assert!(!words.iter().any(|w| w == "区负"), "{words:?}");
        assert_eq!(words, extract(headline, &body, &[], &[]));
    }

    #[test]
    fn a_name_opening_with_a_numeral_stays_whole() {
        // jieba files 三星堆 with the numerals; ICU cuts it 三星|堆.
        let body = [
            "中新网成都5月3日电 三星堆遗址今年接待游客超过百万人次,三星堆博物馆新增三个展厅。"
                .to_string(),
            "三星堆文创产品销量增长,不少游客专程来到三星堆看青铜面具。".to_string(),
        ];
        let words = extract("三星堆遗址游客创新高", &body, &[], &[]);
        assert!(words.contains(&"三星堆".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "三星"), "{words:?}");
    }

    #[test]
    fn a_quantity_is_never_a_keyword() {
        let body = [
            "中新网深圳6月1日电 无人机送餐二十分钟送达,比骑手快二十分钟。".to_string(),
            "无人机航线已有四十条,每条航线二十分钟一班。".to_string(),
        ];
        let words = extract("深圳无人机送餐二十分钟送达", &body, &[], &[]);
        assert!(words.contains(&"无人机".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| is_quantity(w)), "{words:?}");
        for quantity in ["二十分钟", "十三届", "三十余头", "百分"] {
            assert!(is_quantity(quantity), "{quantity}");
        }
        for name in ["三星堆", "以旧换新"] {
            assert!(!is_quantity(name), "{name}");
        }
    }

    #[test]
    fn a_piece_of_a_headline_compound_gives_way_to_it() {
        // The headline writes 心脏骤停; the body writes it twice more and 骤停 alone once:
        // the piece is a word of one use, not of the headline.
        let body = [
            "中新网南昌9月9日电 社区志愿者学习心脏骤停急救,每人练习心肺复苏。".to_string(),
            "医生介绍,心脏骤停后四分钟内施救最关键,骤停患者等不起。".to_string(),
        ];
        let words = extract("社区志愿者学习心脏骤停急救", &body, &[], &[]);
        assert!(words.contains(&"心脏骤停".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "骤停"), "{words:?}");
    }

    #[test]
    fn a_kind_of_thing_after_a_term_is_left_off() {
        // 储能电站项目, 储能电站企业: the keyword is 储能电站.
        let body = [
            "中新网西宁4月8日电 青海储能电站项目今年开工十二个,储能电站企业新增订单三成。"
                .to_string(),
            "当地储能电站企业表示,储能电站项目建成后可为电网调峰。".to_string(),
        ];
        let words = extract("青海储能电站项目开工", &body, &[], &[]);
        assert!(words.contains(&"储能电站".to_string()), "{words:?}");
        assert!(
            !words
                .iter()
                .any(|w| w.ends_with("项目") || w.ends_with("企业")),
            "{words:?}"
        );
    }

    #[test]
    fn a_headline_phrase_written_once_more_is_not_a_term() {
        let body = [
            "中新网兰州7月2日电 麦积山石窟数字展厅上线,全球网友可在线参观洞窟。".to_string(),
            "麦积山石窟研究所介绍,数字展厅收录洞窟四十个,麦积山石窟的泥塑首次以三维呈现。"
                .to_string(),
        ];
        let words = extract("全球网友云游麦积山石窟", &body, &[], &[]);
        assert!(words.contains(&"麦积山石窟".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "全球网友"), "{words:?}");
    }

    #[test]
    fn words_the_dictionary_lacks_are_joined_when_they_always_occur_together() {
        // ICU splits 乌兰察布 and 集装箱; both occur only as a whole, twice or more.
        let body = [
            "中新网乌兰察布5月1日电 乌兰察布的集装箱货运站今天开通。".to_string(),
            "乌兰察布货运站每天发出集装箱列车两列,集装箱运往天津港。".to_string(),
        ];
        let words = extract("乌兰察布货运站开通", &body, &[], &[]);
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
        let words = extract("冰雪大世界开园 今冬用冰量达三十万立方米", &body, &[], &[]);
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
        let words = extract("港口扩建", &body, &[], &[]);
        assert!(words.iter().any(|w| w == "港口"), "{words:?}");
        assert!(
            !words.iter().any(|w| w.contains("熊猫")),
            "late paragraphs are not read: {words:?}"
        );
    }

    #[test]
    fn paragraphs_split_into_sentences_with_their_marks() {
        let split: Vec<&str> = sentences("白鹤来了。真的吗？来了！还有，灰鹤").collect();
        assert_eq!(split, ["白鹤来了。", "真的吗？", "来了！", "还有，灰鹤"]);
        assert_eq!(sentences("").count(), 0);
        assert_eq!(sentences("一句。").collect::<Vec<_>>(), ["一句。"]);
    }

    #[test]
    fn text_without_chinese_words_gives_no_keywords() {
        assert!(extract("Hello", &["123 abc".to_string()], &[], &[]).is_empty());
    }
}

#[cfg(test)]
mod kinds {
    //! The kinds of mistakes an editor would not accept, one test each.
    use super::extract;

    fn keywords(headline: &str, body: &[&str]) -> Vec<String> {
        let body: Vec<String> = body.iter().map(|p| p.to_string()).collect();
        extract(headline, &body, &["林晓帆".to_string()], &[])
    }

    #[test]
    fn a_phrase_that_points_is_no_keyword() {
        // The article writes 此次航次 and 本届锦标赛 often enough to look like names.
        let words = keywords(
            "奋斗者号完成深渊科考 本届锦标赛落幕",
            &[
                "中新网三亚3月10日电 奋斗者号10日返回三亚,此次航次完成深渊科考下潜二十次。",
                "科考队员说,此次航次采集了大量深渊样品。本届锦标赛同期落幕,本届锦标赛设十个项目。",
                "奋斗者号将于下月开始新的科考任务。",
            ],
        );
        assert!(words.contains(&"奋斗者号".to_string()), "{words:?}");
        assert!(
            !words
                .iter()
                .any(|w| w.starts_with("此次") || w.starts_with("本届")),
            "{words:?}"
        );
    }

    #[test]
    fn a_piece_written_across_a_keyword_is_no_keyword() {
        // 产品碳 is always written into 碳足迹 or 碳排放: a cut of those phrases, not a term.
        let words = keywords(
            "电池企业核算碳足迹 应对出口新规",
            &[
                "中新网宁德6月18日电 出口欧洲的电池须提供产品碳足迹声明,电池企业正加快建立碳足迹核算体系。",
                "工程师说,产品碳足迹核算覆盖原材料、生产和运输,碳足迹数据每天更新。",
                "企业还公开产品碳排放数据,碳足迹核算让出口更顺利。",
            ],
        );
        assert!(words.contains(&"碳足迹".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w.ends_with("品碳")), "{words:?}");
    }

    #[test]
    fn someone_quoted_once_in_passing_is_no_keyword() {
        // 刘志刚, a name jieba knows, speaks once; 王建华, the story's teacher, is named
        // again.
        let words = keywords(
            "高考首日平稳有序",
            &[
                "中新网北京6月7日电 高考7日开考,北京考点秩序井然。送考的家长刘志刚说,孩子很放松。",
                "北京教师王建华在考点外为考生服务,王建华说,今年是她第十年参加高考服务。",
                "教育部表示,各地高考考点均已完成检查。",
            ],
        );
        assert!(words.contains(&"王建华".to_string()), "{words:?}");
        assert!(!words.contains(&"刘志刚".to_string()), "{words:?}");
    }

    #[test]
    fn who_said_or_showed_something_is_no_keyword() {
        let words = keywords(
            "滨州海水淡化项目投产 日产淡水十万吨",
            &[
                "中新网滨州3月2日电 滨州海水淡化项目2日投产。项目负责人表示,海水淡化每天可供淡水十万吨。",
                "监测数据显示,滨州工业用水缺口逐年缩小。项目负责人表示,海水淡化的成本已降到每吨四元。",
                "监测数据显示,淡化后的水质达到饮用标准,滨州的海水淡化经验将在沿海推广。",
            ],
        );
        assert!(words.contains(&"海水淡化".to_string()), "{words:?}");
        assert!(
            !words
                .iter()
                .any(|w| w.ends_with("表示") || w.ends_with("显示")),
            "{words:?}"
        );
    }

    #[test]
    fn a_sentence_written_again_counts_once() {
        let words = keywords(
            "黄河口湿地迎来越冬候鸟",
            &[
                "中新网东营11月20日电 黄河口湿地近日迎来越冬候鸟。记者现场看到,成群白鹤掠过芦苇荡。记者现场看到,成群白鹤掠过芦苇荡。",
                "保护区工作人员介绍,今年黄河口湿地记录到的候鸟已超过两百种。记者现场看到,成群白鹤掠过芦苇荡。",
            ],
        );
        assert!(words.iter().any(|w| w.starts_with("黄河口")), "{words:?}");
        assert!(
            !words
                .iter()
                .any(|w| w.contains("白鹤") || w.contains("芦苇")),
            "{words:?}"
        );
    }

    #[test]
    fn what_numbers_count_is_no_name() {
        let words = keywords(
            "临沂整治农村人居环境",
            &[
                "中新网临沂4月8日电 临沂今年整治农村人居环境,兰陵县形成了12项整改措施。",
                "沂南县形成了30项整改措施,临沂还将在全市推广农村人居环境整治经验。",
            ],
        );
        assert!(!words.iter().any(|w| w.starts_with('项')), "{words:?}");
    }

    #[test]
    fn a_list_of_things_is_no_keyword_the_things_are() {
        // The story is about 传统村落, not the list that names them.
        let words = keywords(
            "云南又有六十个村入选传统村落名录",
            &[
                "中新网昆明4月9日电 记者9日获悉,云南六十个村入选新一批中国传统村落名录。",
                "入选传统村落名录的村寨将获得保护资金。云南的传统村落数量居全国前列。",
                "当地将为每个传统村落编制保护规划。",
            ],
        );
        assert!(words.contains(&"传统村落".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w.ends_with("名录")), "{words:?}");
    }

    #[test]
    fn a_clause_before_a_place_suffix_is_no_place() {
        // 省 and 市 end place names, but after a verb or a time word they are a verb (省, to
        // save) or a noun of the clause.
        let words = keywords(
            "药品集采落地 患者用药负担下降",
            &[
                "中新网北京3月2日电 国家医疗保障局2日介绍,新一批药品集采结果落地,患者用药负担下降。",
                "患者说,常吃的降压药一年下来能省好几百元。当地已建立起市县两级药品供应保障体系。",
                "国家医疗保障局表示,集采药品质量与原研药一致,医院按时回款。",
            ],
        );
        assert!(!words.iter().any(|w| w.ends_with("能省")), "{words:?}");
        assert!(!words.iter().any(|w| w.starts_with("建立")), "{words:?}");
    }

    #[test]
    fn a_unit_after_numbers_is_no_name() {
        // 米 is a surname, and the text quotes “米级”; but 厘米级 shows it is a unit.
        let words = keywords(
            "北斗定位精度再提升",
            &[
                "中新网武汉5月8日电 北斗高精度定位技术将定位精度从“米级”提升到“厘米级”。",
                "研发团队说,厘米级定位已在共享单车和农机上使用,米级定位仍是手机的主流。",
                "北斗高精度定位产业今年产值增长两成。",
            ],
        );
        assert!(!words.iter().any(|w| w.ends_with("米级")), "{words:?}");
    }

    #[test]
    fn a_kind_of_area_is_no_place_and_a_count_is_no_name() {
        // jieba files 湖区 and 四门 as place names: one is any lake's shore, the other
        // four subjects.
        let words = keywords(
            "鄱阳湖江豚种群恢复",
            &[
                "中新网南昌4月2日电 鄱阳湖湖区近日监测到江豚群体活动,江豚种群数量稳中有升。",
                "湖区渔民转产上岸后,鄱阳湖江豚出现的频次明显增加。学生在其余四门课程中自选。",
                "专家说,鄱阳湖水域生态持续向好。",
            ],
        );
        assert!(words.contains(&"鄱阳湖".to_string()), "{words:?}");
        assert!(
            !words.iter().any(|w| w == "湖区" || w == "四门"),
            "{words:?}"
        );
    }

    #[test]
    fn where_a_quoted_doctor_works_is_no_keyword() {
        // The university is named once, as the employer of the doctor who speaks.
        let words = keywords(
            "流感进入高发期 专家提醒接种疫苗",
            &[
                "中新网北京12月5日电 中国疾病预防控制中心5日发布,全国流感进入高发期。",
                "首都医科大学附属北京儿童医院急诊科医生周明说,近期流感患儿明显增加。",
                "中国疾病预防控制中心提醒,老人和儿童应尽早接种流感疫苗。",
            ],
        );
        assert!(
            !words.iter().any(|w| w.contains("首都医科大学")),
            "{words:?}"
        );
    }

    #[test]
    fn a_name_of_three_characters_stays_whole() {
        let words = keywords(
            "宁海纪念徐霞客开游 游客重走古道",
            &[
                "中新网宁波5月19日电(记者 林晓帆)宁海县19日举办活动纪念徐霞客,游客重走徐霞客走过的古道。",
                "徐霞客当年从宁海出发,写下游记开篇。当地介绍,徐霞客古道全长三十公里。",
            ],
        );
        assert!(words.contains(&"徐霞客".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "霞客"), "{words:?}");
        // The reporter of the byline is no keyword.
        assert!(!words.iter().any(|w| w.contains("晓帆")), "{words:?}");
    }

    #[test]
    fn a_name_with_a_compound_surname_stays_whole() {
        // 司马 and 欧阳 are surnames of two characters: 马俊 or 阳明 would be a piece of a name.
        // 端木清和 ends in 和, which is also "and": a given name may end in such a character.
        for name in ["司马俊", "欧阳明远", "端木清和"] {
            let words = keywords(
                &format!("{name}带学生走进古村落"),
                &[
                    &format!(
                        "中新网黄山4月2日电(记者 林晓帆)退休教师{name}2日带领学生走进西递村。"
                    ),
                    "学生们在西递村写生,村里的老人讲起徽派建筑的故事。",
                ],
            );
            assert!(words.contains(&name.to_string()), "{words:?}");
            assert!(
                !words.iter().any(|w| w != name && name.contains(w.as_str())),
                "{words:?}"
            );
        }
    }

    #[test]
    fn a_person_named_twice_weighs_as_a_name_however_the_segmenter_cut_it() {
        // Whether ICU keeps a name whole or splits it (and the parts are joined back), it is
        // a person's name, and weighs as one against the story's common nouns.
        let words = keywords(
            "蒙阴蜜桃糖度创新高 果园里的冷链车排起长队",
            &[
                "中新网临沂7月6日电 蒙阴县十多万亩蜜桃进入采摘季,果园旁的冷链车排起长队。",
                "果农郑思远说,今年蜜桃个头大、糖度高,冷链车当天就能把蜜桃送到上海。",
                "蒙阴县农业农村局介绍,全县蜜桃平均糖度比去年提高一度,冷链运输让蜜桃卖得更远。",
                "郑思远家的二十亩桃园今年预计增收三万元,蒙阴县的桃农都在忙着采摘。",
                "为接住采摘高峰,当地新调来冷链车四十辆,每辆冷链车一次可装八吨鲜桃。",
            ],
        );
        assert!(words.contains(&"郑思远".to_string()), "{words:?}");
    }

    #[test]
    fn a_surname_inside_a_word_the_article_always_writes_starts_no_name() {
        // 孔 is a surname, but 孔桥 is the end of 三孔桥 every time: the bridge, not a person.
        let words = keywords(
            "古镇三孔桥修缮完工 石拱桥重现明代风貌",
            &[
                "中新网嘉兴5月20日电 西塘古镇三孔桥修缮工程20日完工,这座明代石拱桥重现旧貌。",
                "修缮团队用老石料补齐三孔桥的桥面,并加固了桥墩。",
                "游客在三孔桥上拍照,古镇的石拱桥成了热门景点。",
            ],
        );
        assert!(!words.iter().any(|w| w == "孔桥"), "{words:?}");
    }

    #[test]
    fn a_surname_and_a_form_of_address_is_no_name() {
        // 王大爷 and 李老师 say how the story addresses two people, not who they are.
        let words = keywords(
            "社区食堂开进老街 老人吃上热乎饭",
            &[
                "中新网扬州9月3日电 东关街社区食堂3日开业,七十八岁的王大爷成了第一位顾客。",
                "王大爷说,食堂离家只有几百米,一荤两素只要十二元。志愿者李老师每天中午来帮厨。",
                "李老师介绍,社区食堂还为行动不便的老人送餐上门。王大爷笑着说,以后不用自己做饭了。",
            ],
        );
        assert!(
            !words.iter().any(|w| w == "王大爷" || w == "李老师"),
            "{words:?}"
        );
    }

    #[test]
    fn a_name_followed_by_where_stays_whole() {
        // 路上 and 路旁 are words to jieba, but here 上 and 旁 only say where on the railway:
        // 川青铁路 is not cut, and 川青 alone is a piece of it.
        let words = keywords(
            "川青铁路旁的小镇迎来首批游客",
            &[
                "中新网成都8月2日电 记者在川青铁路上看到,一列列动车穿过岷江峡谷。",
                "川青铁路旁的松潘古镇新建了观景台,游客可以拍下列车驶过雪山的画面。",
                "当地文旅部门介绍,川青铁路开通后,古镇接待游客同比增长四成。",
            ],
        );
        assert!(words.contains(&"川青铁路".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "川青"), "{words:?}");
    }

    #[test]
    fn a_compound_the_dictionaries_lack_stays_whole() {
        // ICU cuts 采棉机 next to a word it knows; the article always writes it whole.
        let words = keywords(
            "阿克苏采棉机进入作业高峰",
            &[
                "中新网阿克苏10月8日电 阿克苏地区三千多台采棉机进入作业高峰,棉田里一派繁忙。",
                "一台采棉机一天可采收棉花三百亩,当地合作社今年新购采棉机二十台。",
                "棉农说,采棉机作业让采收成本明显下降。",
            ],
        );
        assert!(words.contains(&"采棉机".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "棉机"), "{words:?}");
    }

    #[test]
    fn an_organisation_keeps_its_country_in_front() {
        // 中 is grammar in 在中, but part of 中国 here: the name is grown across it.
        let words = keywords(
            "量子计算机走出实验室",
            &[
                "中新网合肥12月3日电 中国科学技术大学在量子信息领域深耕多年,培养了大批科研人才。",
                "一批从中国科学技术大学走出来的团队创办企业,推动量子计算机走向市场。",
                "中国科学技术大学教授说,量子计算机的应用场景正在拓展。",
            ],
        );
        assert!(words.contains(&"中国科学技术大学".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "科学技术大学"), "{words:?}");
    }

    #[test]
    fn a_quoted_name_is_a_keyword_and_an_address_is_not() {
        let words = keywords(
            "“湖超”决赛落幕 湖滨村队夺冠",
            &[
                "中新网宁波7月28日电 浙江省宁海县27日晚举行“湖超”决赛,湖滨村队夺冠。",
                "“湖超”诞生于去年,球员大多是当地村民。宁海县将继续办好“湖超”。",
            ],
        );
        assert!(words.contains(&"湖超".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "浙江省宁海县"), "{words:?}");
    }

    #[test]
    fn an_organisation_named_in_full_is_one_keyword() {
        // A place, what it does (with a conjunction inside), what it is: no dictionary has it.
        let words = keywords(
            "宁波发布休渔期管理新规",
            &[
                "中新网宁波5月1日电 记者1日从宁波市海洋与渔业管理局获悉，今年休渔期将延长十天。",
                "宁波市海洋与渔业管理局表示，休渔期间将加强海上巡查，渔民须按时回港。",
            ],
        );
        assert!(
            words.contains(&"宁波市海洋与渔业管理局".to_string()),
            "{words:?}"
        );
        assert!(!words.iter().any(|w| w == "渔业管理局"), "{words:?}");
    }

    #[test]
    fn an_organisation_is_named_once_whether_in_full_or_short() {
        // The state's agency in full (its name opens with 中, a grammar character elsewhere),
        // its short form in the headline: one keyword, not both, and no piece of either. A
        // number of hospitals is no organisation.
        let words = keywords(
            "中国气象中心：寒潮将影响北方多地",
            &[
                "中新网北京1月8日电 中国气象预报服务中心8日发布寒潮预警，北方多地气温将下降十度。",
                "中国气象预报服务中心提醒，北京市多家医院已增加门诊，市民注意防寒保暖。",
            ],
        );
        let full = words
            .iter()
            .filter(|w| *w == "中国气象预报服务中心")
            .count();
        let short = words.iter().filter(|w| *w == "中国气象中心").count();
        assert_eq!(full + short, 1, "{words:?}");
        assert!(
            !words
                .iter()
                .any(|w| w.contains("多家") || w == "中国气象" || w == "气象预报"),
            "{words:?}"
        );
    }

    #[test]
    fn grammar_around_a_word_is_not_part_of_a_keyword() {
        // 中 here is "among", 在 "at": grammar, whatever words the dictionary has across.
        let words = keywords(
            "新高考模式扩至七省",
            &[
                "中新网北京6月7日电 考生在物理和历史中选择一门，在其余四门中选择两门作为选考科目。",
                "新高考模式下，考生在四门中选择两门，各省新高考方案陆续公布。",
            ],
        );
        assert!(words.contains(&"新高考".to_string()), "{words:?}");
        // 中选 and 生在 are dictionary words across the seams; 选择 and 考生 are the words.
        assert!(
            !words
                .iter()
                .any(|w| w.contains("中选") || w.ends_with('在')),
            "{words:?}"
        );
    }

    #[test]
    fn a_number_of_places_is_not_a_place() {
        let words = keywords(
            "义乌五区联动发展跨境电商",
            &[
                "中新网义乌3月2日电 义乌五区联动，跨境电商出口额同比增长两成。",
                "五区共建跨境电商服务中心，义乌商户可就近办理出口手续。",
            ],
        );
        assert!(words.contains(&"义乌".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w == "五区"), "{words:?}");
    }

    #[test]
    fn a_count_of_organisations_is_not_an_organisation() {
        let words = keywords(
            "成都一家社区卫生服务中心开设夜间门诊",
            &[
                "中新网成都3月2日电 成都市武侯区一家社区卫生服务中心开设夜间门诊,居民下班后可就诊。",
                "这家社区卫生服务中心负责人说,成都市武侯区一家社区卫生服务中心的夜间门诊每晚接诊五十人。",
            ],
        );
        assert!(!words.iter().any(|w| w.contains("一家")), "{words:?}");
    }

    #[test]
    fn the_reporters_and_their_agency_are_never_keywords() {
        let body = [
            "中新网哈尔滨1月5日电(记者 赵冬)哈尔滨冰雪大世界今天迎来开园后第一百万名游客。"
                .to_string(),
            "冰雪大世界今年用冰三十万立方米,游客可在主塔前拍照。".to_string(),
            "图为游客在主塔前拍照。中新社记者 赵冬 摄".to_string(),
            "图为冰雕。中新社记者 赵冬 摄".to_string(),
            "图为冰滑梯。中新社记者 赵冬 摄".to_string(),
        ];
        let words = extract(
            "冰雪大世界迎来第一百万名游客",
            &body,
            &["赵冬".to_string()],
            &[],
        );
        assert!(words.contains(&"冰雪大世界".to_string()), "{words:?}");
        // Nor the words of a caption around the credit.
        for credit in ["中新社", "赵冬", "中新网", "图为"] {
            assert!(!words.iter().any(|w| w.contains(credit)), "{words:?}");
        }
    }

    #[test]
    fn verbs_and_time_words_are_never_keywords() {
        let words = keywords(
            "杭州举办低空经济大会 无人机航线开通",
            &[
                "中新网杭州6月1日电 杭州1日举办低空经济大会,多条无人机航线同日开通。",
                "近日,杭州发布低空经济发展规划。星期六,无人机配送航线开通运营。",
                "今年以来,杭州低空经济企业数量增长三成,无人机企业纷纷落户。",
            ],
        );
        for bad in ["举办", "开通", "近日", "星期六", "今年以来", "发布"] {
            assert!(!words.iter().any(|w| w == bad), "{bad} in {words:?}");
        }
        assert!(words.contains(&"低空经济".to_string()), "{words:?}");
    }

    #[test]
    fn one_place_is_one_keyword_and_no_keyword_lies_inside_another() {
        let words = keywords(
            "五常大米迎来丰收 五常市稻田开镰",
            &[
                "中新网哈尔滨9月28日电 五常市二十八日迎来稻谷开镰,五常大米种植面积稳定。",
                "五常的水稻种植户介绍,今年五常稻田长势良好,五常大米品牌价值继续提升。",
            ],
        );
        let places = words.iter().filter(|w| w.starts_with("五常")).count();
        assert!(
            places <= 1 + usize::from(words.contains(&"五常大米".to_string())),
            "{words:?}"
        );
        for a in &words {
            for b in &words {
                assert!(
                    a == b || !a.contains(b.as_str()),
                    "{b} inside {a}: {words:?}"
                );
            }
        }
    }

    #[test]
    fn the_same_article_always_gets_the_same_keywords() {
        let body = [
            "中新网宜春5月17日电 宜春市推进政协协商,基层治理见成效。",
            "政协委员走进社区,协商解决群众难题。",
        ];
        let first = keywords("宜春政协协商激活基层治理", &body);
        for _ in 0..3 {
            assert_eq!(keywords("宜春政协协商激活基层治理", &body), first);
        }
    }
}
