//! Rule files: what an analyst edits without touching code.
//!
//! Everything the analyzer knows about the domain (dictionary, lexicons, rules, patterns) lives
//! in `config/` at the repository root, so it can be reviewed and changed like data. This module
//! only parses those files; errors name the file and line so a typo is found in seconds.
//! `TextConfig::builtin` compiles the repository's files in, so the binary works with no folder.

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::learned::ModelFile;

/// A rule file that could not be read or parsed: `file:line: message`.
#[derive(Debug, Clone)]
pub struct TextError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for TextError {}

impl TextError {
    pub(crate) fn new(file: &str, line: usize, message: impl Into<String>) -> TextError {
        TextError { file: file.to_string(), line, message: message.into() }
    }
}

/// One user-dictionary entry (`word [freq] [tag]`).
#[derive(Debug, Clone)]
pub struct DictEntry {
    pub word: String,
    pub freq: Option<usize>,
    pub tag: Option<String>,
}

/// `config/intent.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentFile {
    #[serde(default)]
    pub rule: Vec<IntentRule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentRule {
    pub intent: String,
    #[serde(default = "one")]
    pub weight: f64,
    #[serde(default)]
    pub any: Vec<String>,
    #[serde(default)]
    pub all: Vec<String>,
}

fn one() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

/// `config/taxonomy.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyFile {
    #[serde(default)]
    pub tag: Vec<TagRule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagRule {
    pub name: String,
    #[serde(default)]
    pub any: Vec<String>,
    #[serde(default)]
    pub all: Vec<String>,
    #[serde(default)]
    pub none: Vec<String>,
    #[serde(default)]
    pub near: Vec<NearRule>,
    #[serde(default = "yes")]
    pub negatable: bool,
}

/// Two groups of alternatives (`"A|A2"`) that must occur within `within` characters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NearRule {
    pub words: Vec<String>,
    pub within: usize,
}

/// `config/aspects.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AspectsFile {
    #[serde(default = "four")]
    pub window: usize,
    #[serde(default)]
    pub aspect: Vec<AspectRule>,
}

fn four() -> usize {
    4
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AspectRule {
    pub name: String,
    pub synonyms: Vec<String>,
}

/// `config/order_ids.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderIdsFile {
    #[serde(default)]
    pub context_words: Vec<String>,
    #[serde(default = "ten")]
    pub context_min_digits: usize,
    #[serde(default = "twenty")]
    pub context_max_digits: usize,
    #[serde(default)]
    pub platform: Vec<OrderPlatform>,
}

fn ten() -> usize {
    10
}

fn twenty() -> usize {
    20
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderPlatform {
    pub name: String,
    pub pattern: String,
}

/// `config/question_synonyms.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionFile {
    #[serde(default)]
    pub greetings: Vec<String>,
    #[serde(default)]
    pub particles: Vec<String>,
    #[serde(default)]
    pub canonical: Vec<QuestionCanonical>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionCanonical {
    pub name: String,
    pub phrases: Vec<String>,
}

/// Every rule file, parsed. Build an [`crate::Analyzer`] from it.
#[derive(Debug, Clone)]
pub struct TextConfig {
    /// `dict/*.txt`: extra segmentation words.
    pub dict: Vec<DictEntry>,
    /// `stopwords.txt`.
    pub stopwords: Vec<String>,
    /// `idf.txt`: IDF overrides.
    pub idf: Vec<(String, f64)>,
    /// `sentiment/positive.txt`, weights > 0.
    pub positive: Vec<(String, f64)>,
    /// `sentiment/negative.txt`, weights > 0 (strength of the negative cue).
    pub negative: Vec<(String, f64)>,
    /// `sentiment/negation.txt`.
    pub negation: Vec<String>,
    /// `sentiment/degree.txt`: multipliers.
    pub degree: Vec<(String, f64)>,
    /// `sentiment/contrast.txt`.
    pub contrast: Vec<String>,
    /// `sentiment/neutral.txt`: tokens never read as sentiment.
    pub neutral: Vec<String>,
    /// `sentiment/emoji.txt`: signed weights, 0 = ambiguous.
    pub emoji: Vec<(String, f64)>,
    pub intent: IntentFile,
    pub taxonomy: TaxonomyFile,
    pub aspects: AspectsFile,
    pub order_ids: OrderIdsFile,
    pub questions: QuestionFile,
    /// `sentiment/model.tsv`: the learned sentiment weights (`crate::learned`).
    pub sentiment_model: ModelFile,
    /// `intent_model.tsv`: the learned intent weights.
    pub intent_model: ModelFile,
    /// `tags_model.tsv`: the learned tag weights.
    pub tags_model: ModelFile,
    /// `limits.toml` (optional): texts are analysed on their first `max_chars` characters.
    pub max_chars: usize,
}

/// Characters of a text that the functions read when `limits.toml` does not say.
pub const DEFAULT_MAX_CHARS: usize = 20_000;

/// `config/limits.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    max_chars: usize,
}

fn parse_limits(name: &str, text: &str) -> Result<usize, TextError> {
    let l: LimitsFile = parse_toml(name, text)?;
    if l.max_chars == 0 {
        return Err(TextError::new(name, 0, "max_chars must be at least 1".to_string()));
    }
    Ok(l.max_chars)
}

/// The files of a config folder, relative to it. `dict/*.txt` is listed separately.
const FILES: &[&str] = &[
    "stopwords.txt",
    "idf.txt",
    "sentiment/positive.txt",
    "sentiment/negative.txt",
    "sentiment/negation.txt",
    "sentiment/degree.txt",
    "sentiment/contrast.txt",
    "sentiment/neutral.txt",
    "sentiment/emoji.txt",
    "intent.toml",
    "taxonomy.toml",
    "aspects.toml",
    "order_ids.toml",
    "question_synonyms.toml",
    "sentiment/model.tsv",
    "intent_model.tsv",
    "tags_model.tsv",
];

const BUILTIN: &[(&str, &str)] = &[
    ("stopwords.txt", include_str!("../../../config/stopwords.txt")),
    ("idf.txt", include_str!("../../../config/idf.txt")),
    ("sentiment/positive.txt", include_str!("../../../config/sentiment/positive.txt")),
    ("sentiment/negative.txt", include_str!("../../../config/sentiment/negative.txt")),
    ("sentiment/negation.txt", include_str!("../../../config/sentiment/negation.txt")),
    ("sentiment/degree.txt", include_str!("../../../config/sentiment/degree.txt")),
    ("sentiment/contrast.txt", include_str!("../../../config/sentiment/contrast.txt")),
    ("sentiment/neutral.txt", include_str!("../../../config/sentiment/neutral.txt")),
    ("sentiment/emoji.txt", include_str!("../../../config/sentiment/emoji.txt")),
    ("intent.toml", include_str!("../../../config/intent.toml")),
    ("taxonomy.toml", include_str!("../../../config/taxonomy.toml")),
    ("aspects.toml", include_str!("../../../config/aspects.toml")),
    ("order_ids.toml", include_str!("../../../config/order_ids.toml")),
    ("question_synonyms.toml", include_str!("../../../config/question_synonyms.toml")),
    ("sentiment/model.tsv", include_str!("../../../config/sentiment/model.tsv")),
    ("intent_model.tsv", include_str!("../../../config/intent_model.tsv")),
    ("tags_model.tsv", include_str!("../../../config/tags_model.tsv")),
];

const BUILTIN_DICT: &[(&str, &str)] = &[("dict/domain.txt", include_str!("../../../config/dict/domain.txt"))];

impl TextConfig {
    /// Loads every rule file from a config folder (layout in the repository's `config/`).
    /// A missing or malformed file is an error naming the file and line.
    pub fn load(dir: &Path) -> Result<TextConfig, TextError> {
        let mut texts = Vec::with_capacity(FILES.len());
        for name in FILES {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| TextError::new(&path.display().to_string(), 0, format!("cannot read: {e}")))?;
            texts.push((path.display().to_string(), text));
        }
        let dict_dir = dir.join("dict");
        let mut dict_files = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dict_dir) {
            for entry in entries.flatten() {
                let p = entry.path();
                if p.extension().is_some_and(|e| e == "txt") {
                    dict_files.push(p);
                }
            }
        }
        dict_files.sort();
        let mut dicts = Vec::with_capacity(dict_files.len());
        for p in dict_files {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| TextError::new(&p.display().to_string(), 0, format!("cannot read: {e}")))?;
            dicts.push((p.display().to_string(), text));
        }
        let named: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        let dict_named: Vec<(&str, &str)> = dicts.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        let mut cfg = Self::parse(&named, &dict_named)?;
        // Optional: a folder from before the file existed keeps the default.
        let limits = dir.join("limits.toml");
        if limits.exists() {
            let text = std::fs::read_to_string(&limits)
                .map_err(|e| TextError::new(&limits.display().to_string(), 0, format!("cannot read: {e}")))?;
            cfg.max_chars = parse_limits(&limits.display().to_string(), &text)?;
        }
        Ok(cfg)
    }

    /// The repository's `config/` files compiled in (used when no folder is given and by tests).
    pub fn builtin() -> TextConfig {
        let mut cfg = Self::parse(BUILTIN, BUILTIN_DICT).expect("the built-in config/ files parse (pinned by a test)");
        cfg.max_chars =
            parse_limits("limits.toml", include_str!("../../../config/limits.toml")).expect("limits.toml parses");
        cfg
    }

    /// Parses the files of [`FILES`] (same order) and the dictionary files.
    fn parse(files: &[(&str, &str)], dicts: &[(&str, &str)]) -> Result<TextConfig, TextError> {
        let f = |i: usize| files[i];
        let mut dict = Vec::new();
        for (name, text) in dicts {
            dict.extend(parse_dict(name, text)?);
        }
        Ok(TextConfig {
            dict,
            stopwords: parse_words(f(0).0, f(0).1),
            idf: parse_weighted(f(1).0, f(1).1, false)?,
            positive: parse_weighted(f(2).0, f(2).1, false)?,
            negative: parse_weighted(f(3).0, f(3).1, false)?,
            negation: parse_words(f(4).0, f(4).1),
            degree: parse_weighted(f(5).0, f(5).1, false)?,
            contrast: parse_words(f(6).0, f(6).1),
            neutral: parse_words(f(7).0, f(7).1),
            emoji: parse_weighted(f(8).0, f(8).1, true)?,
            intent: parse_toml(f(9).0, f(9).1)?,
            taxonomy: parse_toml(f(10).0, f(10).1)?,
            aspects: parse_toml(f(11).0, f(11).1)?,
            order_ids: parse_toml(f(12).0, f(12).1)?,
            questions: parse_toml(f(13).0, f(13).1)?,
            sentiment_model: ModelFile::parse(f(14).0, f(14).1)?,
            intent_model: ModelFile::parse(f(15).0, f(15).1)?,
            tags_model: ModelFile::parse(f(16).0, f(16).1)?,
            max_chars: DEFAULT_MAX_CHARS,
        })
    }
}

/// Lines that carry data: not blank, not `#` comments. Yields (1-based line, trimmed text).
fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn parse_words(_file: &str, text: &str) -> Vec<String> {
    data_lines(text).filter_map(|(_, l)| l.split_whitespace().next().map(str::to_string)).collect()
}

/// `word weight` lines; weights must be finite numbers, and >= 0 unless `signed`.
fn parse_weighted(file: &str, text: &str, signed: bool) -> Result<Vec<(String, f64)>, TextError> {
    let mut out = Vec::new();
    for (line, l) in data_lines(text) {
        let mut parts = l.split_whitespace();
        let word = parts.next().unwrap_or_default();
        let Some(w) = parts.next() else {
            return Err(TextError::new(file, line, format!("expected `word weight`, found `{l}` (no weight)")));
        };
        let weight: f64 =
            w.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
                TextError::new(file, line, format!("weight of `{word}` must be a number, found `{w}`"))
            })?;
        if !signed && weight < 0.0 {
            return Err(TextError::new(file, line, format!("weight of `{word}` must be >= 0, found {weight}")));
        }
        if parts.next().is_some() {
            return Err(TextError::new(file, line, format!("expected `word weight`, found `{l}`")));
        }
        out.push((word.to_string(), weight));
    }
    Ok(out)
}

/// jieba user-dictionary lines: `word [freq] [tag]`.
fn parse_dict(file: &str, text: &str) -> Result<Vec<DictEntry>, TextError> {
    let mut out = Vec::new();
    for (line, l) in data_lines(text) {
        let mut parts = l.split_whitespace();
        let word = parts.next().unwrap_or_default().to_string();
        let mut freq = None;
        let mut tag = None;
        if let Some(second) = parts.next() {
            if second.bytes().all(|b| b.is_ascii_digit()) {
                freq = Some(
                    second
                        .parse()
                        .map_err(|_| TextError::new(file, line, format!("frequency `{second}` is too large")))?,
                );
                tag = parts.next().map(str::to_string);
            } else if second.chars().all(|c| c.is_ascii_alphabetic()) {
                tag = Some(second.to_string());
            } else {
                return Err(TextError::new(
                    file,
                    line,
                    format!("expected `word [freq] [tag]`, found `{second}` after `{word}`"),
                ));
            }
        }
        if parts.next().is_some() {
            return Err(TextError::new(file, line, format!("expected `word [freq] [tag]`, found `{l}`")));
        }
        out.push(DictEntry { word, freq, tag });
    }
    Ok(out)
}

fn parse_toml<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, TextError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1).unwrap_or(0);
        TextError::new(file, line, e.message().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_files_parse() {
        let cfg = TextConfig::builtin();
        assert!(cfg.dict.len() >= 150, "domain dictionary has {} words", cfg.dict.len());
        assert!(cfg.positive.len() + cfg.negative.len() >= 500);
    }

    #[test]
    fn weight_that_is_not_a_number_names_its_line() {
        let err = parse_weighted("positive.txt", "# c\n好 1\n\n坏 x\n", false).unwrap_err();
        assert_eq!(err.line, 4);
        assert_eq!(err.to_string(), "positive.txt:4: weight of `坏` must be a number, found `x`");
    }

    #[test]
    fn toml_error_names_its_line() {
        let err = parse_toml::<IntentFile>("intent.toml", "[[rule]]\nintent = \"a\"\nany = [\"x\"\n").unwrap_err();
        assert_eq!(err.file, "intent.toml");
        assert!(err.line >= 3, "{err}");
    }
}
