//! The article's English keywords, read back into its Chinese text.
//!
//! The English part of an article lists keywords its editor chose (`### Keywords: Yichun,
//! Zheng He, gaokao`), and the names among them are pinyin: the people, places and terms the
//! story is about, in the order the editor put them. A Chinese word that reads as one of them
//! is that keyword, whatever part of speech the dictionary gives it (jieba tags 高考 a verb)
//! and however often the text writes it. Only whole keywords count: "Beijing Municipal
//! Education Commission" does not make 北京 a keyword, and "Wuhan University" is not 武汉.
//!
//! Reading is by every pronunciation a character has (the `pinyin` crate's heteronyms), tones
//! and spaces dropped: an English keyword carries neither.

use pinyin::ToPinyinMulti;

/// English words that say what kind of thing a name is, and what the Chinese writes after
/// the name for each: an English name is the pinyin of the Chinese one and a translated
/// head (Wuhan University is 武汉大学, Poyang Lake 鄱阳湖, not the county 鄱阳县). A keyword
/// ending in one names the name with that head, or the name alone where the head is part of
/// its reading (Taihu Lake, 太湖). Kinds of several words come first, so that they are
/// tried before the one-word kind they end in.
const KINDS: [(&str, &[&str]); 45] = [
    ("high tech zone", &["高新区"]),
    ("new area", &["新区"]),
    ("national park", &["国家公园"]),
    ("county", &["县"]),
    ("city", &["市"]),
    ("province", &["省"]),
    ("district", &["区"]),
    ("town", &["镇"]),
    ("township", &["乡"]),
    ("village", &["村"]),
    ("lake", &["湖"]),
    ("mountain", &["山"]),
    ("mountains", &["山"]),
    ("river", &["江", "河"]),
    ("delta", &["三角洲"]),
    ("island", &["岛"]),
    ("prefecture", &["州"]),
    ("region", &["区", "地区"]),
    ("banner", &["旗"]),
    ("station", &["站"]),
    ("temple", &["寺"]),
    ("shrine", &["祠"]),
    ("grottoes", &["窟", "石窟"]),
    ("pagoda", &["塔"]),
    ("port", &["港"]),
    ("customs", &["海关"]),
    ("bridge", &["大桥", "桥"]),
    ("canal", &["运河"]),
    ("highway", &["公路"]),
    ("railway", &["铁路"]),
    ("metro", &["地铁"]),
    ("airport", &["机场"]),
    ("university", &["大学"]),
    ("academy", &["书院", "学院", "研究院"]),
    ("hospital", &["医院"]),
    ("museum", &["博物馆"]),
    ("park", &["公园"]),
    ("reservoir", &["水库"]),
    ("dam", &["大坝"]),
    ("cup", &["杯"]),
    ("marathon", &["马拉松"]),
    ("festival", &["节"]),
    ("league", &["联赛"]),
    ("expressway", &["高速"]),
    ("tea", &["茶"]),
];

/// An English keyword as pinyin would spell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spelling {
    /// Lower-case letters and digits, without the last word when that names a kind of place.
    pub letters: String,
    /// What the Chinese may write after the name for that kind ([`KINDS`]: 湖 for "Lake").
    pub suffixes: &'static [&'static str],
    /// Which of the keywords it spells.
    pub keyword: usize,
}

/// The English keywords as pinyin would spell them ([`Spelling`]); keywords with no letters
/// are left out. Digits are kept, so that "Chang'e-6" never reads as 嫦娥 alone.
pub fn spellings(keywords: &[String]) -> Vec<Spelling> {
    keywords
        .iter()
        .enumerate()
        .filter_map(|(at, keyword)| {
            let mut words: Vec<String> = keyword
                .split(|c: char| c.is_whitespace() || c == '-')
                .map(|w| {
                    w.chars()
                        .filter_map(|c| match c {
                            'ü' | 'Ü' => Some('u'),
                            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
                            _ => None,
                        })
                        .collect::<String>()
                })
                .filter(|w| !w.is_empty())
                .collect();
            // The longest kind the keyword ends in, with a name before it.
            let kind = KINDS.iter().find_map(|&(kind, suffixes)| {
                let n = kind.split(' ').count();
                let tail = words.len().checked_sub(n).filter(|&at| at > 0)?;
                words[tail..]
                    .iter()
                    .map(String::as_str)
                    .eq(kind.split(' '))
                    .then_some((tail, suffixes))
            });
            let mut suffixes: &'static [&'static str] = &[];
            if let Some((tail, kind)) = kind {
                words.truncate(tail);
                suffixes = kind;
            }
            let letters = words.concat();
            (letters.bytes().any(|b| b.is_ascii_alphabetic())).then_some(Spelling {
                letters,
                suffixes,
                keyword: at,
            })
        })
        .collect()
}

/// The words of an English keyword that say something, lower case, each with whether the
/// keyword capitalises it (a name, which may be pinyin): "Du Fu's Hometown" is du, fu,
/// hometown. Words of grammar (of, the, and...) and a possessive's s are dropped.
pub fn words(keyword: &str) -> Vec<(String, bool)> {
    keyword
        .split(|c: char| !(c.is_ascii_alphabetic() || c == '\''))
        .map(|w| w.trim_end_matches("'s").trim_matches('\''))
        .filter(|w| !w.is_empty())
        .filter(|w| !GRAMMAR.contains(&w.to_ascii_lowercase().as_str()))
        .map(|w| {
            let name = w.starts_with(|c: char| c.is_ascii_uppercase());
            (w.to_ascii_lowercase().replace('\'', ""), name)
        })
        .collect()
}

/// English words that only join the others.
const GRAMMAR: [&str; 12] = [
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "with",
];

/// How a text can be read aloud: each character's pronunciations, looked up once.
pub struct Readings {
    /// Every pronunciation of every character, in text order, toneless (`ü` both as `u`
    /// and as `v`: [`WITH_UMLAUT`]).
    forms: Vec<&'static str>,
    /// For each character, its byte offset in the text and its range of `forms` (empty for
    /// a character that is not Han).
    chars: Vec<(usize, u32, u32)>,
    /// For each character, the first letters of its pronunciations as bits (`a` the lowest):
    /// most characters start no reading of the keyword's next letter, and are passed over
    /// without comparing any.
    initials: Vec<u32>,
    len: usize,
}

impl Readings {
    pub fn new(text: &str) -> Readings {
        let mut forms = Vec::with_capacity(text.len() / 2);
        let mut chars = Vec::with_capacity(text.len() / 3);
        let mut initials = Vec::with_capacity(text.len() / 3);
        for (at, c) in text.char_indices() {
            let start = forms.len() as u32;
            let mut bits = 0;
            if let Some(readings) = c.to_pinyin_multi() {
                for reading in readings {
                    let plain = reading.plain();
                    // Toneless pinyin is ASCII but for ü.
                    let umlaut = (!plain.is_ascii())
                        .then(|| WITH_UMLAUT.iter().find(|(with, ..)| *with == plain))
                        .flatten();
                    match umlaut {
                        Some(&(_, u, v)) => forms.extend([u, v]),
                        None => forms.push(plain),
                    }
                    bits |= initial(plain.as_bytes().first()).unwrap_or(0);
                }
            }
            chars.push((at, start, forms.len() as u32));
            initials.push(bits);
        }
        Readings {
            forms,
            chars,
            initials,
            len: text.len(),
        }
    }

    /// The number of characters read.
    pub fn chars(&self) -> usize {
        self.chars.len()
    }

    /// The byte range of `n` characters from character `k`.
    pub fn bytes(&self, k: usize, n: usize) -> std::ops::Range<usize> {
        let end = self.chars.get(k + n).map_or(self.len, |&(at, ..)| at);
        self.chars[k].0..end
    }

    /// Adds to `lengths` the length, in characters, of each word from character `k` that
    /// reads as `letters` with some pronunciation of each of its characters.
    pub fn read_from(&self, k: usize, letters: &str, lengths: &mut Vec<usize>) {
        // Most characters start no reading of the keyword: told here, without a call.
        if initial(letters.as_bytes().first())
            .is_some_and(|bit| self.initials.get(k).is_some_and(|&bits| bits & bit != 0))
        {
            self.walk(k, letters, 0, lengths);
        }
    }

    fn walk(&self, k: usize, letters: &str, read: usize, lengths: &mut Vec<usize>) {
        if letters.is_empty() {
            if read > 0 && !lengths.contains(&read) {
                lengths.push(read);
            }
            return;
        }
        let Some(&(_, start, end)) = self.chars.get(k + read) else {
            return;
        };
        if initial(letters.as_bytes().first()).is_none_or(|bit| self.initials[k + read] & bit == 0)
        {
            return;
        }
        for form in &self.forms[start as usize..end as usize] {
            if let Some(after) = letters.strip_prefix(form) {
                self.walk(k, after, read + 1, lengths);
            }
        }
    }
}

/// The bit of a reading's (or a keyword's) first letter in [`Readings::initials`]; `None`
/// for anything but `a`–`z`, which no reading starts with.
fn initial(first: Option<&u8>) -> Option<u32> {
    first
        .filter(|b| b.is_ascii_lowercase())
        .map(|b| 1 << (b - b'a'))
}

/// The toneless readings with `ü`, and how English text writes each: `u` (Lu) or `v` (Lv).
const WITH_UMLAUT: [(&str, &str, &str); 4] = [
    ("lü", "lu", "lv"),
    ("nü", "nu", "nv"),
    ("lüe", "lue", "lve"),
    ("nüe", "nue", "nve"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keywords_are_spelled_as_pinyin_without_their_kind() {
        let spelled = spellings(&keywords(&[
            "Taihu Lake",
            "Ma'anshan",
            "Zheng He",
            "Awat County",
            "Chang'e-6",
            "Lake",
        ]));
        let letters: Vec<&str> = spelled.iter().map(|s| s.letters.as_str()).collect();
        assert_eq!(
            letters,
            ["taihu", "maanshan", "zhenghe", "awat", "change6", "lake"]
        );
        assert_eq!(spelled[0].suffixes, ["湖"]);
        assert_eq!(spelled[3].suffixes, ["县"]);
        assert!(spelled[1].suffixes.is_empty() && spelled[5].suffixes.is_empty());
        let spelled = spellings(&keywords(&["East Lake High-tech Zone", "Wuhan University"]));
        assert_eq!(spelled[0].letters, "eastlake");
        assert_eq!(spelled[0].suffixes, ["高新区"]);
        assert_eq!(spelled[1].letters, "wuhan");
        assert_eq!(spelled[1].suffixes, ["大学"]);
        let spelled = spellings(&keywords(&["Pu'er tea"]));
        assert_eq!(
            (spelled[0].letters.as_str(), spelled[0].suffixes),
            ("puer", &["茶"][..])
        );
    }

    #[test]
    fn a_keyword_s_words_are_those_that_say_something() {
        assert_eq!(
            words("Du Fu's Hometown"),
            [
                ("du".to_string(), true),
                ("fu".to_string(), true),
                ("hometown".to_string(), true)
            ]
        );
        assert_eq!(
            words("University of Science and Technology of China").len(),
            4
        );
        assert_eq!(words("low-voltage electrical appliances").len(), 4);
        assert_eq!(words("Pu'er tea")[0], ("puer".to_string(), true));
    }

    fn reads_as(word: &str, letters: &str) -> bool {
        let mut lengths = Vec::new();
        Readings::new(word).read_from(0, letters, &mut lengths);
        lengths.contains(&word.chars().count())
    }

    #[test]
    fn a_word_reads_as_a_spelling_by_any_pronunciation() {
        assert!(reads_as("马鞍山", "maanshan"));
        assert!(reads_as("高考", "gaokao"));
        // 长 is cháng and zhǎng: either reading counts.
        assert!(reads_as("长沙", "changsha"));
        assert!(reads_as("吕梁", "lvliang") && reads_as("吕梁", "luliang"));
        assert!(!reads_as("杭州", "hangzhoushi"));
        assert!(!reads_as("嫦娥六号", "change6"));
        // Text goes on after the word: 杭州 is read at the start of 杭州市民.
        let text = Readings::new("在杭州市民");
        let mut lengths = Vec::new();
        text.read_from(1, "hangzhou", &mut lengths);
        assert_eq!(lengths, [2]);
        assert_eq!(text.bytes(1, 2), "在".len().."在杭州".len());
    }
}
