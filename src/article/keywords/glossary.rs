//! An English–Chinese glossary: what each English word of the article's keywords may be
//! written as in Chinese.
//!
//! The editor's English keywords are mostly the same tags as the Chinese ones would be, but
//! only the names among them are pinyin ([`super::english`]); "county economy", "basalt" or
//! "low-voltage electrical appliances" are translated. The glossary is ECDICT's (MIT, see
//! `data/ecdict/`), cut to the 57,000 words with a corpus frequency or a dictionary's tag and
//! their shortest Chinese renderings, compiled by the build script into a trie read in place.

/// English word → where its translations start in [`TRANSLATIONS`].
static TRIE: yada::DoubleArray<&'static [u8]> =
    yada::DoubleArray(include_bytes!(concat!(env!("OUT_DIR"), "/glossary.da")));

/// Each word's translations, `|`-separated, a line a word.
static TRANSLATIONS: &str = include_str!(concat!(env!("OUT_DIR"), "/glossary.txt"));

/// The Chinese renderings of an English word (lower case), most usual first; a plural is
/// looked up as its singular too (batteries, locks).
pub fn translations(word: &str) -> impl Iterator<Item = &'static str> {
    let singulars = [
        word.strip_suffix("ies").map(|stem| format!("{stem}y")),
        word.strip_suffix("es").map(str::to_string),
        word.strip_suffix('s')
            .filter(|stem| !stem.ends_with('s'))
            .map(str::to_string),
    ];
    std::iter::once(word.to_string())
        .chain(singulars.into_iter().flatten())
        .filter_map(|form| lookup(&form))
        .flat_map(|line| line.split('|'))
}

/// The line of a word's translations.
fn lookup(word: &str) -> Option<&'static str> {
    if word.is_empty() || word.contains('\0') {
        return None;
    }
    let start = TRIE.exact_match_search(word)? as usize;
    let rest = TRANSLATIONS.get(start..)?;
    Some(&rest[..rest.find('\n').unwrap_or(rest.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_have_their_chinese_renderings() {
        let has = |word: &str, chinese: &str| translations(word).any(|t| t == chinese);
        assert!(has("basalt", "玄武岩"));
        assert!(has("obesity", "肥胖"));
        assert!(has("batteries", "电池"));
        assert!(has("hometown", "故乡"));
        assert!(translations("qwertyuiop").next().is_none());
        assert!(translations("").next().is_none());
    }
}
