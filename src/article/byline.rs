//! The reporters a dateline names: `(记者 张一凡)`, `（记者 王明、李华）`,
//! `(Reporter Zhang Yifan)`, `(Reporters Wang Ming and Li Hua)`.
//!
//! The byline is the only place an article names its authors, and only inside the dateline's
//! bracket, so only that bracket is read: a bracket elsewhere in the text is never a byline.
//! Without a role word (记者, 通讯员, Reporter, Correspondent, ...) a bracket is something else
//! (`(图)`, `(Xinhua)`) and yields nobody.

/// Role words of Chinese bylines, longest first so `实习记者` is not read as `实习` + `记者`.
const ZH_ROLES: [&str; 10] = [
    "特约记者",
    "实习记者",
    "见习记者",
    "摄影记者",
    "实习生",
    "通讯员",
    "通訊員",
    "报道员",
    "记者",
    "記者",
];

/// What may follow a name in a Chinese byline without being part of it: `王明 摄`.
const ZH_TRAILERS: [&str; 4] = ["摄影", "报道", "摄", "攝"];

/// The reporters in a Chinese dateline (the text the dateline takes, bracket included).
pub fn chinese(dateline: &str) -> Vec<String> {
    let Some(inner) = last_bracket(dateline, &['(', '（'], &[')', '）']) else {
        return Vec::new();
    };
    if !ZH_ROLES.iter().any(|role| inner.contains(role)) {
        return Vec::new();
    }
    // A role separates names as a space or a list mark does: `记者王明 通讯员李华`.
    let mut text = inner.to_string();
    for role in ZH_ROLES {
        text = text.replace(role, " ");
    }
    let words = text.split(|c: char| {
        c.is_whitespace() || matches!(c, '、' | ',' | '，' | ';' | '；' | '/' | ':' | '：')
    });
    let mut names: Vec<String> = Vec::new();
    for word in words {
        let mut name = word;
        for trailer in ZH_TRAILERS {
            name = name.strip_suffix(trailer).unwrap_or(name);
        }
        if name.chars().count() >= 2 && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// Role words of English bylines, compared without case; each also in the plural.
const EN_ROLES: [&str; 9] = [
    "reporter",
    "correspondent",
    "intern",
    "trainee",
    "special",
    "staff",
    "photographer",
    "writer",
    "by",
];

/// The reporters in an English dateline (`China News Service, Yichun, May 17th (Reporter
/// Zhang Yifan)`).
pub fn english(dateline: &str) -> Vec<String> {
    let Some(inner) = last_bracket(dateline, &['('], &[')']) else {
        return Vec::new();
    };
    let mut saw_role = false;
    let mut names: Vec<String> = Vec::new();
    for part in split_list(inner) {
        let mut words: Vec<&str> = part.split_whitespace().collect();
        // Role words open a part: `Reporter Zhang Yifan`, `Intern Reporter Li Hua`.
        while let Some(first) = words.first() {
            let word = first.trim_end_matches([':', '.']);
            if is_role(word) {
                saw_role = true;
                words.remove(0);
            } else {
                break;
            }
        }
        let name = words.join(" ");
        let name = name.trim_matches(|c: char| c == ':' || c == '.' || c.is_whitespace());
        let looks_like_name = name.chars().next().is_some_and(char::is_uppercase);
        if looks_like_name && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    if saw_role { names } else { Vec::new() }
}

fn is_role(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let singular = lower.strip_suffix('s').unwrap_or(&lower);
    EN_ROLES.contains(&lower.as_str()) || EN_ROLES.contains(&singular)
}

/// `A, B and C`, `A; B`, `A & B`: the parts of a list of names.
fn split_list(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    for part in text.split([',', ';', '&']) {
        let mut rest = part;
        while let Some(at) = find_word(rest, "and") {
            parts.push(&rest[..at]);
            rest = &rest[at + 3..];
        }
        parts.push(rest);
    }
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Where `word` stands as a whole word in `text`.
fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        before.is_none_or(char::is_whitespace) && after.is_none_or(char::is_whitespace)
    })
}

/// The text inside the last bracket pair of `text`.
fn last_bracket<'a>(text: &'a str, open: &[char], close: &[char]) -> Option<&'a str> {
    let end = text.rfind(close)?;
    let start = text[..end].rfind(open)?;
    let open_len = text[start..].chars().next().map_or(1, char::len_utf8);
    Some(text[start + open_len..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_bylines() {
        let cases: [(&str, &[&str]); 9] = [
            ("中新网宜春5月17日电(记者 张一凡)", &["张一凡"]),
            ("中新网宜春5月17日电（记者 王明、李华）", &["王明", "李华"]),
            ("中新网宜春5月17日电 (记者王明 李华)", &["王明", "李华"]),
            (
                "中新网宜春5月17日电(记者 王明 通讯员 李华)",
                &["王明", "李华"],
            ),
            ("中新网宜春5月17日电(实习记者 欧阳娜娜)", &["欧阳娜娜"]),
            ("中新网宜春5月17日電（記者 陳靜）", &["陳靜"]),
            ("中新网5月17日电", &[]),
            ("中新网宜春5月17日电(图)", &[]),
            ("中新网宜春5月17日电(记者 王明 摄)", &["王明"]),
        ];
        for (dateline, want) in cases {
            assert_eq!(chinese(dateline), want, "{dateline}");
        }
    }

    #[test]
    fn english_bylines() {
        let cases: [(&str, &[&str]); 8] = [
            (
                "China News Service, Yichun, May 17th (Reporter Zhang Yifan)",
                &["Zhang Yifan"],
            ),
            (
                "China News Service, Beijing, Dec 3 (Reporters Wang Ming and Li Hua)",
                &["Wang Ming", "Li Hua"],
            ),
            (
                "China News Service, Beijing, Dec 3 (Reporter Wang Ming, Correspondent Li Hua)",
                &["Wang Ming", "Li Hua"],
            ),
            (
                "China News Service, Beijing, Dec 3 (Reporters: Wang Ming; Li Hua)",
                &["Wang Ming", "Li Hua"],
            ),
            (
                "China News Service, Beijing, Dec 3 (Intern Reporter Anderson Lee)",
                &["Anderson Lee"],
            ),
            ("China News Service, Beijing, Dec 3", &[]),
            ("China News Service, Beijing (Xinhua), Dec 3", &[]),
            ("China News Service, Beijing, Dec 3 (reporter )", &[]),
        ];
        for (dateline, want) in cases {
            assert_eq!(english(dateline), want, "{dateline}");
        }
    }
}
