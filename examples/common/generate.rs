//! Generates realistic bilingual articles for benchmarks: about 10 KB each, Chinese and
//! English text built from templates, 2–5 keywords, dates spread over 2019–2025, and a share
//! of the format's variants. Deterministic for a given seed.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

const CITIES: &[(&str, &str)] = &[
    ("北京", "Beijing"),
    ("上海", "Shanghai"),
    ("广州", "Guangzhou"),
    ("深圳", "Shenzhen"),
    ("杭州", "Hangzhou"),
    ("成都", "Chengdu"),
    ("武汉", "Wuhan"),
    ("西安", "Xi'an"),
    ("南京", "Nanjing"),
    ("重庆", "Chongqing"),
    ("天津", "Tianjin"),
    ("苏州", "Suzhou"),
    ("长沙", "Changsha"),
    ("郑州", "Zhengzhou"),
    ("青岛", "Qingdao"),
    ("厦门", "Xiamen"),
    ("昆明", "Kunming"),
    ("哈尔滨", "Harbin"),
    ("兰州", "Lanzhou"),
    ("贵阳", "Guiyang"),
];

/// (Chinese topic, English topic, Chinese measure, English measure)
const TOPICS: &[(&str, &str, &str, &str)] = &[
    ("港口", "port", "集装箱吞吐量", "container throughput"),
    ("铁路", "railway", "旅客发送量", "passenger trips"),
    ("教育", "education", "新建学校数量", "new schools"),
    (
        "医疗",
        "health care",
        "基层门诊人次",
        "community clinic visits",
    ),
    ("农业", "agriculture", "粮食产量", "grain output"),
    ("旅游", "tourism", "接待游客人次", "tourist visits"),
    ("科技", "technology", "高新技术企业数量", "high-tech firms"),
    (
        "环保",
        "environmental protection",
        "优良天数比例",
        "share of good-air days",
    ),
    (
        "文化",
        "culture",
        "公共文化活动场次",
        "public cultural events",
    ),
    (
        "体育",
        "sports",
        "全民健身设施数量",
        "public fitness facilities",
    ),
    ("能源", "energy", "清洁能源发电量", "clean power output"),
    ("交通", "transport", "公交日均客流", "daily bus ridership"),
    (
        "住房",
        "housing",
        "保障性住房开工量",
        "affordable housing starts",
    ),
    (
        "养老",
        "elderly care",
        "社区养老床位",
        "community care beds",
    ),
    ("电商", "e-commerce", "网络零售额", "online retail sales"),
    (
        "制造业",
        "manufacturing",
        "工业增加值",
        "industrial value added",
    ),
];

const ZH_SENTENCES: &[&str] = &[
    "{city}市{topic}部门介绍,今年以来全市{measure}同比增长百分之{n},增速高于全省平均水平。",
    "记者在{city}走访发现,不少市民对{topic}领域的新变化感受明显,相关服务更加便捷。",
    "据了解,{city}已连续{n}年把{topic}列为重点民生项目,累计投入资金{m}亿元。",
    "业内人士认为,{topic}发展既要重视规模,也要重视质量,{city}的做法值得其他城市借鉴。",
    "{city}{topic}相关负责人表示,下一步将继续完善配套政策,推动{measure}稳步提升。",
    "数据显示,{city}{measure}在过去{n}个月中保持增长,其中第三季度表现尤为突出。",
    "为解决群众关心的{topic}问题,{city}组织专家开展调研,形成了{n}项具体措施。",
    "{city}还与周边城市建立{topic}协作机制,实现信息共享和资源互通。",
    "受访的企业负责人说,{city}在{topic}方面的营商环境持续改善,企业投资意愿增强。",
    "{city}计划到明年底将{measure}再提高{n}个百分点,并建成一批示范项目。",
];

const EN_SENTENCES: &[&str] = &[
    "The {city} {topic} authority said {measure} rose {n}% year on year, faster than the provincial average.",
    "Residents interviewed in {city} said recent changes in {topic} had made everyday services noticeably easier to use.",
    "{city} has listed {topic} as a priority project for {n} consecutive years, investing a total of {m} billion yuan.",
    "Industry observers said {topic} should grow in quality as well as in scale, and that {city}'s approach offers lessons for other cities.",
    "An official in charge of {topic} in {city} said the city would refine its policies to keep {measure} rising steadily.",
    "Figures show {measure} in {city} has grown for {n} months in a row, with the third quarter especially strong.",
    "To address public concerns about {topic}, {city} commissioned experts whose study produced {n} concrete measures.",
    "{city} has also set up a {topic} cooperation mechanism with neighboring cities to share information and resources.",
    "Business owners said the climate for {topic} investment in {city} keeps improving, and companies are more willing to invest.",
    "{city} plans to raise {measure} by another {n} percentage points by the end of next year and to complete a set of pilot projects.",
];

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

fn fill(template: &str, city: &str, topic: &str, measure: &str, rng: &mut fastrand::Rng) -> String {
    template
        .replace("{city}", city)
        .replace("{topic}", topic)
        .replace("{measure}", measure)
        .replace("{n}", &rng.u32(2..40).to_string())
        .replace("{m}", &rng.u32(5..900).to_string())
}

/// One generated article: its file name and bytes.
pub struct Generated {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Paragraphs per language: 8–12 (about 10 KB an article), or 2–3 (about 2.5 KB) with
/// `BIFEED_BENCH_SMALL=1`, for a million articles on one disk.
fn paragraphs() -> std::ops::Range<usize> {
    if std::env::var_os("BIFEED_BENCH_SMALL").is_some() {
        2..4
    } else {
        8..13
    }
}

/// The `index`-th article of the series for `seed`.
pub fn article(seed: u64, index: usize) -> Generated {
    article_dated(seed, index, None)
}

/// The `index`-th article of the series for `seed`, dated `date` (year, month, day) when
/// given instead of a day of 2019–2025: otherwise the same article.
pub fn article_dated(seed: u64, index: usize, date: Option<(i32, u32, u32)>) -> Generated {
    let mut rng =
        fastrand::Rng::with_seed(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let (zh_city, en_city) = CITIES[rng.usize(..CITIES.len())];
    let topic_count = rng.usize(2..=5);
    let mut topics = Vec::new();
    while topics.len() < topic_count {
        let t = TOPICS[rng.usize(..TOPICS.len())];
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    let (zh_topic, en_topic, zh_measure, en_measure) = topics[0];
    let year = rng.i32(2019..=2025);
    let month = rng.u32(1..=12);
    let day = rng.u32(1..=28);
    let (year, month, day) = date.unwrap_or((year, month, day));
    let id: u64 = rng.u64(..);
    let variant = rng.u32(0..100);

    let mut zh = String::with_capacity(6000);
    let title_zh = format!("{zh_city}{zh_topic}发展迎来新变化 {zh_measure}持续增长");
    zh.push_str(&title_zh);
    zh.push('\n');
    let reporter = ["王明", "李华", "张一凡", "陈静", "赵冬"][rng.usize(..5)];
    write!(zh, "中新网{zh_city}{month}月{day}日电(记者 {reporter})").ok();
    let zh_paragraphs = rng.usize(paragraphs());
    for p in 0..zh_paragraphs {
        if p > 0 {
            zh.push_str(if variant.is_multiple_of(7) {
                "\u{3000}\u{3000}"
            } else {
                ""
            });
        }
        for _ in 0..rng.usize(3..6) {
            let t = topics[rng.usize(..topics.len())];
            let template = ZH_SENTENCES[rng.usize(..ZH_SENTENCES.len())];
            zh.push_str(&fill(template, zh_city, t.0, t.2, &mut rng));
        }
        zh.push('\n');
    }
    if variant % 10 == 1 {
        let list: Vec<&str> = topics.iter().map(|t| t.0).collect();
        writeln!(zh, "关键词：{}", list.join("、")).ok();
    }

    let mut en = String::with_capacity(6000);
    let title_en = format!("{en_city} Sees New Progress in {}", capitalize(en_topic));
    if variant % 20 == 2 {
        writeln!(en, "**Title:** {title_en}").ok();
    } else {
        writeln!(en, "### Title: {title_en}").ok();
    }
    let keywords: Vec<String> = std::iter::once(en_city.to_string())
        .chain(topics.iter().skip(1).map(|t| t.1.to_string()))
        .collect();
    writeln!(en, "### Keywords: {}", keywords.join(", ")).ok();
    writeln!(
        en,
        "### News Content: {} Reports Growth in {}",
        en_city,
        capitalize(en_measure)
    )
    .ok();
    write!(
        en,
        "**China News Service, {en_city}, {} {day}th (Reporter {})** – ",
        MONTHS[month as usize - 1],
        [
            "Wang Ming",
            "Li Hua",
            "Zhang Yifan",
            "Chen Jing",
            "Zhao Dong"
        ][rng.usize(..5)]
    )
    .ok();
    for _ in 0..rng.usize(paragraphs()) {
        for _ in 0..rng.usize(3..6) {
            let t = topics[rng.usize(..topics.len())];
            let template = EN_SENTENCES[rng.usize(..EN_SENTENCES.len())];
            en.push_str(&fill(template, en_city, t.1, t.3, &mut rng));
            en.push(' ');
        }
        en.pop();
        en.push('\n');
    }

    let separator = if variant % 20 == 3 {
        "英语如下："
    } else {
        "英语如下:"
    };
    let url = if variant % 10 == 4 {
        // No date in the URL: the dateline gives month and day.
        format!("https://www.chinanews.com.cn/gn/{id}.shtml")
    } else {
        format!(
            "http://www.chinanews.com/gn/{year}/{month:02}-{day:02}/{}.shtml",
            rng.u32(10_000_000..99_999_999)
        )
    };
    let mut text = match variant {
        // A share of one-language articles.
        5 | 55 => format!("{zh}【来源】{url}\nViews: {}", rng.u32(1..5000)),
        6 | 66 => format!(
            "{separator}\n{en}【来源】{url}\nViews: {}",
            rng.u32(1..5000)
        ),
        _ => format!(
            "{zh}{separator}\n{en}【来源】{url}\nViews: {}",
            rng.u32(1..5000)
        ),
    };
    if variant % 10 == 7 {
        text = text.replace('\n', "\r\n");
    }
    let mut bytes = Vec::with_capacity(text.len() + 3);
    if variant % 20 == 8 {
        bytes.extend_from_slice(b"\xef\xbb\xbf");
    }
    bytes.extend_from_slice(text.as_bytes());
    Generated {
        name: format!("{index:06}_{id:016x}.txt"),
        bytes,
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// When the generated files were written: 2025-12-31 12:00 UTC. An article without a date
/// in its URL takes its year from its file; files written today would date a tenth of the
/// articles this year, hundreds of them today at a million, and crowd out the articles a
/// benchmark edits (dated today, to lead every feed).
const WRITTEN: u64 = 1_767_182_400;

/// Writes articles `0..n` of the series into `dir`.
pub fn write_all(seed: u64, n: usize, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let written = std::time::UNIX_EPOCH + std::time::Duration::from_secs(WRITTEN);
    for index in 0..n {
        let a = article(seed, index);
        let path = dir.join(a.name);
        std::fs::write(&path, a.bytes)?;
        std::fs::File::options()
            .write(true)
            .open(&path)?
            .set_modified(written)?;
    }
    Ok(())
}
