//! jieba's dictionary, compiled into the binary by `build.rs` as a double-array trie:
//! for a word, its part of speech (grouped as keyword extraction needs) and how common it
//! is. Read in place: nothing is loaded or parsed at start.

/// What kind of word a dictionary entry is, as far as keywords go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Adjectives, adverbs, time words, numerals, idioms...: never a keyword.
    Other,
    Person,
    Place,
    Organisation,
    /// Other proper nouns (brands, works, events).
    Proper,
    Noun,
    /// Nouns made of verbs or adjectives (管理, 建设): rarely what a story is about.
    VerbalNoun,
    /// Verbs: never keywords, and a verb character opening a word jieba does not know makes
    /// it a phrase (开|园, 用|冰).
    Verb,
    /// Numerals and set phrases (jieba's `m` and `l`): mostly counts and sayings (三天,
    /// 是不是), but jieba files names that open with a numeral (三星堆) and fixed phrases
    /// (以旧换新) there too, so a rare one is judged as if jieba did not know it.
    Loose,
    /// Measure words (米, 级, 届): what a number counts, never a name's last character
    /// after a number (厘米|级 is no 米级).
    Measure,
    /// Pronouns and determiners (此次, 本届, 各地): they point at a thing, never name one.
    Pronoun,
}

impl Class {
    fn of(code: u64) -> Class {
        match code {
            1 => Class::Person,
            2 => Class::Place,
            3 => Class::Organisation,
            4 => Class::Proper,
            5 => Class::Noun,
            6 => Class::VerbalNoun,
            7 => Class::Verb,
            8 => Class::Loose,
            9 => Class::Measure,
            10 => Class::Pronoun,
            _ => Class::Other,
        }
    }

    /// Whether words of this class can be keywords at all.
    pub fn is_nominal(self) -> bool {
        !matches!(
            self,
            Class::Other | Class::Verb | Class::Loose | Class::Measure | Class::Pronoun
        )
    }

    pub fn is_name(self) -> bool {
        matches!(
            self,
            Class::Person | Class::Place | Class::Organisation | Class::Proper
        )
    }
}

/// A dictionary entry: its class, and its frequency in jieba's corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub class: Class,
    pub freq: u64,
}

/// The trie, read in place: a double array is a few array reads per byte of a word, several
/// times faster than a minimal automaton (`fst`) whose nodes are decoded at each step.
static TRIE: yada::DoubleArray<&'static [u8]> =
    yada::DoubleArray(include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.da")));

/// Words in jieba's corpus, for inverse document frequencies.
const TOTAL: u64 = match u64::from_str_radix(env!("BIFEED_LEXICON_TOTAL"), 10) {
    Ok(n) => n,
    Err(_) => 60_000_000,
};

impl Entry {
    fn of(value: u32) -> Entry {
        Entry {
            class: Class::of(u64::from(value & 0xF)),
            freq: u64::from(value >> 4),
        }
    }
}

/// The entry of a word (or single character), if jieba knows it.
pub fn lookup(word: &str) -> Option<Entry> {
    if word.is_empty() || word.contains('\0') {
        return None;
    }
    TRIE.exact_match_search(word).map(Entry::of)
}

/// Every dictionary word that starts at the beginning of `text`, of at most `max_chars`
/// characters, shortest first, added to `found`: its length in bytes and its entry. One walk
/// down the trie finds them all, and stops as soon as no word goes on.
pub fn words_at(text: &str, max_chars: usize, found: &mut Vec<(usize, Entry)>) {
    // No word of `max_chars` characters is longer than four bytes each; yada ends keys with a
    // NUL byte, which is in no word, so the search stops at one. Every key is whole UTF-8, so
    // a match ends on a character; only a long match needs its characters counted.
    let bytes = text.as_bytes();
    let window = &bytes[..bytes.len().min(max_chars * 4)];
    let window = &window[..memchr::memchr(0, window).unwrap_or(window.len())];
    found.extend(
        TRIE.common_prefix_search(window)
            .filter(|&(_, len)| len <= max_chars * 3 || text[..len].chars().count() <= max_chars)
            .map(|(value, len)| (len, Entry::of(value))),
    );
}

/// How much a word says about one article rather than any: the log of how rare it is in
/// jieba's corpus. A word jieba does not know counts as rarer than any it does.
pub fn idf(entry: Option<Entry>) -> f32 {
    let freq = entry.map_or(0, |e| e.freq);
    ((TOTAL as f32 + 1.0) / (freq as f32 + 1.0)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_parts_of_speech_and_frequencies() {
        assert_eq!(lookup("徐霞客").map(|e| e.class), Some(Class::Person));
        assert_eq!(lookup("洱海").map(|e| e.class), Some(Class::Place));
        assert_eq!(lookup("举办").map(|e| e.class), Some(Class::Verb));
        assert_eq!(lookup("开").map(|e| e.class), Some(Class::Verb));
        assert_eq!(lookup("集装箱").map(|e| e.class), Some(Class::Noun));
        assert_eq!(lookup("低空经济"), None);
        assert!(idf(lookup("工作")) < idf(lookup("集装箱")));
        let words = |max| {
            let mut found = Vec::new();
            words_at("徐霞客游记", max, &mut found);
            found
        };
        let ends: Vec<usize> = words(4).iter().map(|(end, _)| *end).collect();
        assert_eq!(ends, ["徐".len(), "徐霞客".len()]);
        assert_eq!(Some(words(4)[1].1), lookup("徐霞客"));
        assert!(words(1).len() == 1);
        assert!(idf(lookup("集装箱")) < idf(None));
    }
}
