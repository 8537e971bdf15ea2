//! Who publishes the feeds and where: titles, author, base URL and the prefix of every id.
//! Read from the configuration, shown by every document.

use url::Url;

use crate::lang::Lang;

/// What the feeds say about the site that publishes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Public URL of the output folder, ending in `/`: `zh/rss.xml` is served under it.
    pub base_url: Url,
    /// Prefix of every feed and item id (`tag:example.com,2026:`); ids must never change, so
    /// this is fixed once, independent of where the feeds are served later.
    pub id_prefix: String,
    pub author: Author,
    pub zh: Channel,
    pub en: Channel,
    /// WebSub hubs every feed names (`websub.hubs`): subscribers that follow one learn of a
    /// new article when the hub is told, not at their next poll.
    pub hubs: Vec<Url>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    pub name: String,
    pub email: Option<String>,
    pub uri: Option<Url>,
}

/// One language's feed title and description.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub title: String,
    pub description: String,
}

impl Site {
    pub fn channel(&self, lang: Lang) -> &Channel {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Absolute URL of a file in the output folder.
    pub fn url_of(&self, path: &str) -> String {
        self.base_url
            .join(path)
            .map_or_else(|_| format!("{}{path}", self.base_url), String::from)
    }

    pub fn feed_id(&self, lang: Lang) -> String {
        format!("{}{}", self.id_prefix, lang.dir())
    }

    /// Item id: distinct per language, since a reader may subscribe to both.
    pub fn item_id(&self, lang: Lang, article_id: &str) -> String {
        let id = percent_encoding::utf8_percent_encode(article_id, ID_ESCAPE);
        format!("{}{}/{id}", self.id_prefix, lang.dir())
    }
}

/// Everything but RFC 3986 unreserved characters is escaped in ids taken from file names.
pub(crate) const ID_ESCAPE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_escape_file_name_characters() {
        let site = Site {
            base_url: Url::parse("https://example.com/").unwrap(),
            id_prefix: "tag:example.com,2026:".into(),
            author: Author {
                name: "a".into(),
                email: None,
                uri: None,
            },
            zh: Channel {
                title: "t".into(),
                description: "d".into(),
            },
            en: Channel {
                title: "t".into(),
                description: "d".into(),
            },
            hubs: Vec::new(),
        };
        assert_eq!(
            site.item_id(Lang::Zh, "dde0ca4d50be1d1c"),
            "tag:example.com,2026:zh/dde0ca4d50be1d1c"
        );
        assert_eq!(
            site.item_id(Lang::En, "a b/新"),
            "tag:example.com,2026:en/a%20b%2F%E6%96%B0"
        );
    }
}
