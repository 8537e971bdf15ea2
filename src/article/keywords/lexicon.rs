//! jieba's dictionary, compiled into the binary by `build.rs` as a finite-state transducer:
//! for a word, its part of speech (grouped as keyword extraction needs) and how common it
//! is. Read in place: nothing is loaded or parsed at start.

use std::sync::LazyLock;

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
            _ => Class::Other,
        }
    }

    /// Whether words of this class can be keywords at all.
    pub fn is_nominal(self) -> bool {
        !matches!(self, Class::Other | Class::Verb)
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

static BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.fst"));

/// Words in jieba's corpus, for inverse document frequencies.
const TOTAL: u64 = match u64::from_str_radix(env!("BIFEED_LEXICON_TOTAL"), 10) {
    Ok(n) => n,
    Err(_) => 60_000_000,
};

static MAP: LazyLock<Option<fst::Map<&'static [u8]>>> = LazyLock::new(|| fst::Map::new(BYTES).ok());

/// The entry of a word (or single character), if jieba knows it.
pub fn lookup(word: &str) -> Option<Entry> {
    let value = MAP.as_ref()?.get(word)?;
    Some(Entry {
        class: Class::of(value & 0xF),
        freq: value >> 4,
    })
}

/// Every dictionary word that starts at the beginning of `text`, of at most `max_chars`
/// characters: its length in bytes and its entry. One walk down the transducer finds them
/// all, and stops as soon as no word goes on, which is far cheaper than looking up each
/// prefix on its own.
pub fn words_at(text: &str, max_chars: usize) -> Vec<(usize, Entry)> {
    let mut found = Vec::new();
    let Some(map) = MAP.as_ref() else {
        return found;
    };
    let fst = map.as_fst();
    let mut node = fst.root();
    let mut output = fst::raw::Output::zero();
    for (chars, (at, c)) in text.char_indices().enumerate() {
        if chars == max_chars {
            break;
        }
        let mut buffer = [0u8; 4];
        for &byte in c.encode_utf8(&mut buffer).as_bytes() {
            let Some(i) = node.find_input(byte) else {
                return found;
            };
            let t = node.transition(i);
            output = output.cat(t.out);
            node = fst.node(t.addr);
        }
        if node.is_final() {
            let value = output.cat(node.final_output()).value();
            found.push((
                at + c.len_utf8(),
                Entry {
                    class: Class::of(value & 0xF),
                    freq: value >> 4,
                },
            ));
        }
    }
    found
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
        let found: Vec<usize> = words_at("徐霞客游记", 4)
            .iter()
            .map(|(end, _)| *end)
            .collect();
        assert_eq!(found, ["徐".len(), "徐霞客".len()]);
        assert_eq!(Some(words_at("徐霞客游记", 4)[1].1), lookup("徐霞客"));
        assert!(words_at("徐霞客游记", 1).len() == 1);
        assert!(idf(lookup("集装箱")) < idf(None));
    }
}
