//! Sentiment: a lexicon with rules, explained by its evidence.
//!
//! Managers need to see *why* a message is negative, so the score is a sum of named cues rather
//! than a model's output. Cues are lexicon words (`config/sentiment/positive.txt`,
//! `negative.txt`), modified by a negation (flips; a negated negative becomes a mild positive) or
//! degree adverb (multiplies) within the three tokens before them in the same clause. After a
//! contrast word (但是, 不过 …) the earlier text weighs half and the later 1.5x. A plain question
//! (有货吗, 质量好吗) carries no sentiment; a rhetorical one (为什么这么慢) keeps its negative cues.
//! Emoji and WeChat-style codes add their own weights. The sum is squashed with tanh into
//! [-1, 1]; labels split at ±0.15.

use crate::config::TextConfig;
use crate::hash::{Bloom, CharSet, FxMap};
use crate::learned::{
    feature_name, for_each_feature, learned_evidence, pairs_with, rule_key, Learned, Reading, MAX_COLUMNS,
};
use crate::phrases::{Hit, PhraseSetBuilder};
use crate::segment::{Kind, Tok};

/// Sentiment of a text with the cues that decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentiment {
    /// In [-1, 1].
    pub score: f64,
    /// "positive" | "neutral" | "negative".
    pub label: &'static str,
    /// Cues in text order, e.g. `非常+好(+1.8)`, `不+满意(neg,-1.2)`, `但是→later clause x1.5`, `😭(-1.2)`.
    pub evidence: Vec<String>,
}

/// Score at or above which a text is positive (and at or below minus which it is negative).
pub const LABEL_THRESHOLD: f64 = 0.15;
/// The weighted sum is divided by this before tanh: a single ordinary cue (weight 1) scores 0.38.
const SQUASH: f64 = 2.5;
/// How many tokens before a cue a negation or degree word may stand.
const WINDOW: usize = 3;
const NEGATED_POSITIVE: f64 = 0.8;
const NEGATED_NEGATIVE: f64 = 0.5;
/// A negation in front of a degree adverb softens (不太好, 不是很满意).
const SOFT_NEGATION: f64 = 0.8;
const CONTRAST_BEFORE: f64 = 0.5;
const CONTRAST_AFTER: f64 = 1.5;

const QUESTION_ENDINGS: &[&str] = &["吗", "么", "嘛"];
const A_NOT_A: &[&str] = &["是不是", "有没有", "会不会", "能不能", "可不可以", "好不好", "行不行", "要不要"];
const RHETORICAL: &[&str] =
    &["为什么", "为啥", "怎么", "怎么回事", "凭什么", "咋", "难道", "啥意思", "什么意思", "怎么办"];

pub(crate) struct SentimentModel {
    /// Every word the rules know (lexicon words, their negated and intensified compounds such as
    /// 不满意 and 太慢, negations, degree adverbs, contrasts): one lookup a token.
    words: WordTable,
    /// phrase id -> (emoji, weight).
    emoji: FxMap<u32, (String, f64)>,
    /// Phrase id -> its roles here ([`SPAM`], [`A_NOT_A`], [`RHETORICAL`], [`EMOJI`] bits): one
    /// load a hit instead of a search of each list.
    roles: Vec<u8>,
    /// Column of each class in the learned model (`config/sentiment/model.tsv`, the sentiment part
    /// of [`Learned`]): negative, neutral, positive, if it has them.
    columns: Option<[usize; 3]>,
    /// The keys of the rules' total and its size as features of the learned model.
    rules_key: u64,
    rules_abs_key: u64,
    /// The key of the text's length (ln(1 + feature occurrences)) as a feature.
    length_key: u64,
}

/// A review-for-cash offer (好评返现): then 好评 / 五星 are bait, not praise.
const ROLE_SPAM: u8 = 1;
/// A yes/no question form (是不是, 有没有 …).
const ROLE_A_NOT_A: u8 = 2;
/// A rhetorical question word (为什么, 凭什么 …).
const ROLE_RHETORICAL: u8 = 4;
const ROLE_EMOJI: u8 = 8;

/// What the rules know about one token.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Info {
    /// Signed lexicon value of the core word (0 = not a cue).
    lex: f64,
    /// The token is negation + lexicon word (不满意).
    inner_neg: bool,
    /// The token is degree adverb + lexicon word (太慢): its multiplier, else 0.
    inner_deg: f64,
    /// Byte length of that leading negation or degree adverb.
    prefix_len: u8,
    negation: bool,
    /// Multiplier if the token is a degree adverb, else 0.
    degree: f64,
    contrast: bool,
}

impl Info {
    fn is_cue(&self) -> bool {
        self.lex != 0.0
    }
}

/// Offers of money or gifts for a good review.
const SPAM: &[&str] = &["返现", "好评有礼", "好评送", "晒图送", "好评截图", "好评给", "好评领", "五星好评送"];
/// A text of at most this many letters and digits with a lexicon cue is judged by the rules.
const SHORT: usize = 4;
const SPAM_EVIDENCE: &str = "好评返现→praise for cash ignored";
/// Praise words that such an offer empties.
const BAIT: &[&str] = &["好评", "五星"];

/// A cue with its context applied. Its evidence text is made only for a cue that counts
/// ([`SentimentModel::evidence`]).
pub(crate) struct Cue {
    pub value: f64,
    /// Index of the leftmost token that belongs to the cue (a negation or degree word).
    pub first: usize,
    /// Index of the cue's own token.
    at: usize,
    negated: bool,
}

impl SentimentModel {
    pub fn new(cfg: &TextConfig, learned: &Learned, phrases: &mut PhraseSetBuilder) -> SentimentModel {
        let words = word_table(cfg, spelled_out(cfg));
        let mut emoji = FxMap::default();
        for (e, v) in &cfg.emoji {
            if let Some(id) = phrases.add(e) {
                emoji.insert(id, (e.clone(), *v));
            }
        }
        let mut roles: Vec<u8> = Vec::new();
        let mut mark = |id: u32, role: u8| {
            if roles.len() <= id as usize {
                roles.resize(id as usize + 1, 0);
            }
            roles[id as usize] |= role;
        };
        emoji.keys().for_each(|&id| mark(id, ROLE_EMOJI));
        for (list, role) in [(SPAM, ROLE_SPAM), (A_NOT_A, ROLE_A_NOT_A), (RHETORICAL, ROLE_RHETORICAL)] {
            list.iter().filter_map(|w| phrases.add(w)).for_each(|id| mark(id, role));
        }
        let part = &learned.sentiment;
        let col = |name: &str| part.classes.iter().position(|c| c == name);
        let columns = match (col("negative"), col("neutral"), col("positive")) {
            (Some(n), Some(z), Some(p)) if !part.is_empty() => Some([n, z, p]),
            _ => None,
        };
        SentimentModel {
            words,
            emoji,
            roles,
            columns,
            rules_key: rule_key("rules"),
            rules_abs_key: rule_key("rules_abs"),
            length_key: rule_key("length"),
        }
    }

    #[cfg(test)]
    fn tables_for_test(cfg: &TextConfig) -> (FxMap<String, Info>, WordTable) {
        let full = spelled_out(cfg);
        (full.clone(), word_table(cfg, full))
    }

    /// `f` of what the rules know about each token, in a per-thread buffer reused across rows
    /// (a fresh vector a row is a visible cost next to segmentation).
    pub fn with_infos<R>(&self, toks: &[Tok], f: impl FnOnce(&[Info]) -> R) -> R {
        thread_local! {
            static BUF: std::cell::RefCell<Vec<Info>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BUF.with(|buf| match buf.try_borrow_mut() {
            Ok(mut v) => {
                v.clear();
                v.extend(toks.iter().map(|t| self.info(t)));
                let r = f(&v);
                if v.capacity() > 1 << 16 {
                    *v = Vec::new(); // do not keep a huge text's buffer
                }
                r
            }
            Err(_) => f(&self.infos(toks)),
        })
    }

    #[inline]
    fn info(&self, t: &Tok) -> Info {
        if t.is_term() {
            self.words.get(t.text).unwrap_or_default()
        } else {
            Info::default()
        }
    }

    /// What the rules know about each token.
    pub fn infos(&self, toks: &[Tok]) -> Vec<Info> {
        toks.iter().map(|t| self.info(t)).collect()
    }

    /// The cue at token `i`, if it is one, with the negation and degree words in the window
    /// before it (not crossing `clause_start` or an earlier cue).
    pub fn cue_at(&self, toks: &[Tok], infos: &[Info], i: usize, clause_start: usize) -> Option<Cue> {
        let info = infos[i];
        if !info.is_cue() {
            return None;
        }
        let base = info.lex;
        let mut negations = usize::from(info.inner_neg);
        let mut degree = if info.inner_deg > 0.0 { info.inner_deg } else { 1.0 };
        let mut neg_before_degree = false;
        let mut first = i;
        let mut seen = 0;
        let mut j = i;
        while j > clause_start && seen < WINDOW {
            j -= 1;
            let p = &toks[j];
            if p.kind == Kind::Break {
                break;
            }
            if !p.is_term() {
                continue;
            }
            seen += 1;
            let pi = infos[j];
            if pi.negation {
                negations += 1;
                if degree != 1.0 {
                    neg_before_degree = true;
                }
                first = j;
            } else if pi.degree > 0.0 {
                degree *= pi.degree;
                first = j;
            } else if pi.is_cue() || pi.contrast {
                break;
            }
        }
        let negated = negations % 2 == 1;
        let value = if negated {
            let soft = if neg_before_degree { SOFT_NEGATION } else { 1.0 };
            let d = if neg_before_degree { 1.0 } else { degree };
            if base > 0.0 {
                -base * NEGATED_POSITIVE * soft * d
            } else {
                -base * NEGATED_NEGATIVE * soft
            }
        } else {
            base * degree
        };
        Some(Cue { value, first, at: i, negated })
    }

    /// The cue's words, `+` joins and its value, e.g. `非常+好(+1.8)`, `不+满意(neg,-1.2)`: one
    /// allocation.
    pub fn evidence(&self, toks: &[Tok], infos: &[Info], cue: &Cue) -> String {
        let (first, i) = (cue.first, cue.at);
        let t = &toks[i];
        let mut evidence = String::with_capacity(toks[first].start.min(t.start).abs_diff(t.end) + 24);
        for k in first..i {
            if infos[k].negation || infos[k].degree > 0.0 {
                evidence.push_str(toks[k].text);
                evidence.push('+');
            }
        }
        let split = infos[i].prefix_len as usize;
        if split > 0 && t.text.is_char_boundary(split) {
            evidence.push_str(&t.text[..split]);
            evidence.push('+');
            evidence.push_str(&t.text[split..]);
        } else {
            evidence.push_str(t.text);
        }
        evidence.push_str(if cue.negated { "(neg," } else { "(" });
        push_signed_tenths(&mut evidence, cue.value);
        evidence.push(')');
        evidence
    }

    /// The score and label of a text.
    ///
    /// With the learned model (`config/sentiment/model.tsv`): a three-class linear model over the
    /// text's words, characters, character pairs and triples (each occurrence weighing 1/√n, n the
    /// occurrences), the rules' total, its size and the text's length; the rules' cues count as
    /// the model learned to weigh them. The label is the most probable class, the score
    /// P(positive) − P(negative). Without a model: the rules' cues summed and squashed,
    /// tanh(Σ / 2.5), positive at or above +0.15, negative at or below −0.15.
    pub fn analyze(
        &self,
        text: &str,
        toks: &[Tok],
        infos: &[Info],
        hits: &[Hit],
        (learned, reading): (&Learned, &Reading),
    ) -> Sentiment {
        let (rules, mut evidence) = self.rules(toks, infos, hits);
        // A review-for-cash offer with nothing else said is the shop's bait, not a feeling: the
        // rules have already emptied its praise, and the model would read it as praise or as a
        // complaint about the offer.
        let bait_only = rules == 0.0 && evidence.first().is_some_and(|e| e.starts_with(SPAM_EVIDENCE));
        // A few characters with a lexicon cue (呵呵, 智商税, 踩雷了): too little text for the model,
        // and exactly what the lexicon was written for.
        let short_cue = rules != 0.0 && text.chars().filter(|&c| pairs_with(c)).take(SHORT + 1).count() <= SHORT;
        if let (Some(cols), false, false) = (self.columns, bait_only, short_cue) {
            let (score, label) = self.learned_score(text, rules, cols, (learned, reading), &mut evidence);
            return Sentiment { score, label, evidence };
        }
        let score = (rules / SQUASH).tanh();
        let label = if score >= LABEL_THRESHOLD {
            "positive"
        } else if score <= -LABEL_THRESHOLD {
            "negative"
        } else {
            "neutral"
        };
        Sentiment { score, label, evidence }
    }

    /// P(positive) − P(negative) of the learned model and its most probable class; the evidence
    /// (the features that pushed towards that class, and the rules' share) is appended.
    fn learned_score(
        &self,
        text: &str,
        rules: f64,
        cols: [usize; 3],
        (learned, reading): (&Learned, &Reading),
        evidence: &mut Vec<String>,
    ) -> (f64, &'static str) {
        let part = &learned.sentiment;
        let k = part.classes.len();
        if reading.n == 0 && rules == 0.0 {
            return (0.0, "neutral"); // no word, no cue: nothing to judge
        }
        let norm = 1.0 / (reading.n.max(1) as f32).sqrt();
        let sums = learned.sums(part, reading);
        let mut z = [0f32; MAX_COLUMNS];
        for ((z, b), s) in z.iter_mut().zip(&part.bias).zip(&sums) {
            *z = b + s * norm;
        }
        if let Some(w) = learned.get(part, self.length_key) {
            let length = (1.0 + reading.n as f32).ln();
            (0..k).for_each(|c| z[c] += w[c] * length);
        }
        // The rules' part, kept apart for the evidence.
        let mut rules_z = [0f32; MAX_COLUMNS];
        for (key, v) in [(self.rules_key, rules as f32), (self.rules_abs_key, rules.abs() as f32)] {
            if let Some(w) = learned.get(part, key) {
                (0..k).for_each(|c| rules_z[c] += w[c] * v);
            }
        }
        (0..k).for_each(|c| z[c] += rules_z[c]);
        let m = z[..k].iter().cloned().fold(f32::MIN, f32::max);
        let total: f32 = z[..k].iter().map(|v| (v - m).exp()).sum();
        let p = |c: usize| ((z[c] - m).exp() / total) as f64;
        let score = p(cols[2]) - p(cols[0]);
        let (pn, pz, pp) = (p(cols[0]), p(cols[1]), p(cols[2]));
        let label = if pz >= pn && pz >= pp {
            "neutral"
        } else if pp > pn {
            "positive"
        } else {
            "negative"
        };
        // The features that pushed towards the label (the weight of positive minus that of
        // negative, after normalising), strongest first; none for neutral.
        let side = match label {
            "positive" => Some((1.0, cols[2], cols[0])),
            "negative" => Some((-1.0, cols[0], cols[2])),
            _ => None,
        };
        if let Some((sign, plus, minus)) = side {
            let top = learned.strongest(part, reading, plus, Some(minus));
            for (w, name) in top.named(text) {
                evidence.push(learned_evidence(name, sign * (w * norm) as f64));
            }
        }
        if rules != 0.0 {
            let mut e = String::from("rules→");
            push_signed_tenths(&mut e, (rules_z[cols[2]] - rules_z[cols[0]]) as f64);
            evidence.push(e);
        }
        (score, label)
    }

    /// What training sees of a text: the named features the learned model reads (its words,
    /// characters, pairs and triples, each occurrence valued 1/√n) and the rules' total.
    pub fn features(&self, text: &str, toks: &[Tok], infos: &[Info], hits: &[Hit]) -> (Vec<(String, f64)>, f64) {
        let mut out = Vec::new();
        for_each_feature(text, toks, |o| out.push((feature_name(text, &o), 1.0)));
        let n = out.len();
        let v = 1.0 / (n.max(1) as f64).sqrt();
        out.iter_mut().for_each(|f| f.1 = v);
        out.push(("r:length".to_string(), (1.0 + n as f32).ln() as f64));
        (out, self.rules(toks, infos, hits).0)
    }

    /// The rules' weighted sum of cues and their evidence.
    fn rules(&self, toks: &[Tok], infos: &[Info], hits: &[Hit]) -> (f64, Vec<String>) {
        let mut total = 0.0;
        let mut mult = 1.0;
        let mut evidence = Vec::new();
        let role = |h: &Hit| self.roles.get(h.id as usize).copied().unwrap_or(0);
        let all_roles = hits.iter().fold(0, |r, h| r | role(h));
        let spam = all_roles & ROLE_SPAM != 0;
        if spam {
            evidence.push(SPAM_EVIDENCE.to_string());
        }
        // The question-form and rhetorical hits by start, looked up per clause by range (scanning
        // every hit for every clause made a long text quadratic). Usually empty: no allocation.
        let mut asked: Vec<(usize, usize, u8)> = hits
            .iter()
            .filter(|h| role(h) & (ROLE_A_NOT_A | ROLE_RHETORICAL) != 0)
            .map(|h| (h.start, h.end, role(h)))
            .collect();
        asked.sort_unstable();
        let mut start = 0;
        while start < toks.len() {
            let mut end = start;
            while end < toks.len() && toks[end].kind != Kind::Break {
                end += 1;
            }
            // Include the break so "?" is seen; the clause proper is start..end.
            let (lo, hi) = clause_bytes(toks, start, end);
            // A question form or rhetorical word within the clause's bytes.
            let inside = |r: u8| {
                let from = asked.partition_point(|a| a.0 < lo);
                all_roles & r != 0
                    && asked[from..].iter().take_while(|a| a.0 < hi).any(|&(_, e, role)| role & r != 0 && e <= hi)
            };
            let question = is_question(toks, start, end) || (start < end && inside(ROLE_A_NOT_A));
            let rhetorical = question && inside(ROLE_RHETORICAL);
            for i in start..end {
                if infos[i].contrast && total != 0.0 && mult == 1.0 {
                    total *= CONTRAST_BEFORE;
                    mult = CONTRAST_AFTER;
                    evidence.push(format!("{}→later clause x{CONTRAST_AFTER}", toks[i].text));
                    continue;
                }
                let Some(cue) = self.cue_at(toks, infos, i, start) else { continue };
                if question && (!rhetorical || cue.value > 0.0) {
                    continue;
                }
                if spam && cue.value > 0.0 && BAIT.iter().any(|b| toks[i].text.contains(b)) {
                    continue;
                }
                total += cue.value * mult;
                evidence.push(self.evidence(toks, infos, &cue));
            }
            start = end + 1;
        }
        self.add_emoji(hits, &mut total, &mut evidence);
        (total, evidence)
    }

    /// Emoji weights; an emoji inside a longer one (❤ in ❤️) counts once.
    fn add_emoji(&self, hits: &[Hit], total: &mut f64, evidence: &mut Vec<String>) {
        let is_emoji = |h: &&Hit| self.roles.get(h.id as usize).is_some_and(|r| r & ROLE_EMOJI != 0);
        if !hits.iter().any(|h| is_emoji(&h)) {
            return;
        }
        let mut mine: Vec<&Hit> = hits.iter().filter(is_emoji).collect();
        mine.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        let mut covered_to = 0;
        for h in mine {
            if h.end <= covered_to {
                continue;
            }
            covered_to = h.end;
            let (e, v) = &self.emoji[&h.id];
            if *v == 0.0 {
                evidence.push(format!("{e}(ambiguous)"));
            } else {
                *total += v;
                evidence.push(format!("{e}({v:+.1})"));
            }
        }
    }
}

/// The sentiment words of `cfg` with every compound spelled out (the reference the compact
/// [`WordTable`] reproduces).
fn spelled_out(cfg: &TextConfig) -> FxMap<String, Info> {
    let mut words: FxMap<String, Info> = FxMap::default();
    let neutral: std::collections::HashSet<&str> = cfg.neutral.iter().map(String::as_str).collect();
    let (lex, negs, degs) = sorted_lists(cfg);
    for &(w, v) in &lex {
        if !neutral.contains(w) {
            words.insert(w.to_string(), Info { lex: v, ..Info::default() });
        }
    }
    // Compounds jieba may keep whole: longest prefix first, never shadowing a listed word.
    for &(w, v) in &lex {
        for n in &negs {
            let key = format!("{n}{w}");
            if !neutral.contains(key.as_str()) && n.len() < 256 {
                let info = Info { lex: v, inner_neg: true, prefix_len: n.len() as u8, ..Info::default() };
                words.entry(key).or_insert(info);
            }
        }
        for &(d, m) in &degs {
            let key = format!("{d}{w}");
            if !neutral.contains(key.as_str()) && d.len() < 256 {
                let info = Info { lex: v, inner_deg: m, prefix_len: d.len() as u8, ..Info::default() };
                words.entry(key).or_insert(info);
            }
        }
    }
    for n in &negs {
        words.entry(n.to_string()).or_default().negation = true;
    }
    for &(d, m) in &degs {
        words.entry(d.to_string()).or_default().degree = m;
    }
    for c in &cfg.contrast {
        words.entry(c.clone()).or_default().contrast = true;
    }
    words
}

/// Words with their weight or multiplier.
type Weighted<'a> = Vec<(&'a str, f64)>;

/// Lexicon list in order (positive then negative, signed), negations and degree adverbs longest
/// first: the insertion order of [`spelled_out`].
fn sorted_lists(cfg: &TextConfig) -> (Weighted<'_>, Vec<&str>, Weighted<'_>) {
    let mut lex: Vec<(&str, f64)> = Vec::new();
    lex.extend(cfg.positive.iter().map(|(w, v)| (w.as_str(), *v)));
    lex.extend(cfg.negative.iter().map(|(w, v)| (w.as_str(), -*v)));
    let mut negs: Vec<&str> = cfg.negation.iter().map(String::as_str).collect();
    negs.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut degs: Vec<(&str, f64)> = cfg.degree.iter().map(|(w, m)| (w.as_str(), *m)).collect();
    degs.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    (lex, negs, degs)
}

fn word_table(cfg: &TextConfig, full: FxMap<String, Info>) -> WordTable {
    let (lex, negs, degs) = sorted_lists(cfg);
    let neutral: std::collections::HashSet<&str> = cfg.neutral.iter().map(String::as_str).collect();
    WordTable::new(full, &lex, &negs, &degs, &neutral)
}

/// The word table, small enough to stay in cache. Spelled out, the lexicon with every
/// negation + word and degree + word compound is some 50,000 entries (megabytes, a cache miss or
/// two per token); instead a compound is looked up as its prefix and its lexicon word, and only the
/// few entries that reading does not reproduce are stored whole. [`WordTable::new`] builds it from
/// the spelled-out map and the lookup is exactly that map's (a unit test checks every key).
struct WordTable {
    /// Lexicon words, negations, degree adverbs, contrasts, and every compound whose entry differs
    /// from what [`WordTable::compose`] gives.
    direct: FxMap<Box<str>, Info>,
    /// Lexicon word -> (position of its first listing, signed value): the first listing's
    /// compounds were inserted first, so they win.
    lex: FxMap<Box<str>, (u32, f64)>,
    /// Negations, longest first (the insertion order of their compounds).
    negs: Vec<Box<str>>,
    /// Degree adverbs and multipliers, longest first.
    degs: Vec<(Box<str>, f64)>,
    /// Compounds that are neutral words are not cues.
    neutral: FxMap<Box<str>, ()>,
    /// A Bloom filter of the `direct` keys: most tokens are not in it and need no lookup.
    bloom: Bloom,
    /// First characters of the negations and degree adverbs: only a token starting with one can
    /// be a compound.
    prefix_first: CharSet,
    /// First character -> the negations (`true`, rank) and degree adverbs (`false`, rank) that
    /// start with it: a compound is tried against those alone.
    by_first: FxMap<char, Vec<(bool, u16)>>,
}

impl WordTable {
    fn new(
        full: FxMap<String, Info>,
        lex: &[(&str, f64)],
        negs: &[&str],
        degs: &[(&str, f64)],
        neutral: &std::collections::HashSet<&str>,
    ) -> WordTable {
        let mut first: FxMap<Box<str>, (u32, f64)> = FxMap::default();
        for (i, &(w, v)) in lex.iter().enumerate() {
            first.entry(w.into()).or_insert((i as u32, v));
        }
        let mut t = WordTable {
            direct: FxMap::default(),
            lex: first,
            negs: negs.iter().filter(|n| n.len() < 256).map(|&n| n.into()).collect(),
            degs: degs.iter().filter(|d| d.0.len() < 256).map(|&(d, m)| (d.into(), m)).collect(),
            neutral: neutral.iter().map(|&w| (w.into(), ())).collect(),
            bloom: Bloom::default(),
            prefix_first: CharSet::default(),
            by_first: FxMap::default(),
        };
        let negs = t.negs.iter().enumerate().map(|(rank, n)| (true, rank, &**n));
        let degs = t.degs.iter().enumerate().map(|(rank, d)| (false, rank, &*d.0));
        for (is_neg, rank, p) in negs.chain(degs) {
            if let Some(c) = p.chars().next() {
                t.prefix_first.insert(c);
                t.by_first.entry(c).or_default().push((is_neg, rank as u16));
            }
        }
        for (k, info) in full {
            if t.compose(&k) != Some(info) {
                t.bloom.insert(&k);
                t.direct.insert(k.into(), info);
            }
        }
        t
    }

    #[inline]
    fn get(&self, word: &str) -> Option<Info> {
        if self.bloom.may_contain(word) {
            if let Some(&info) = self.direct.get(word) {
                return Some(info);
            }
        }
        if !self.prefix_first.contains(word.chars().next()?) {
            return None;
        }
        self.compose(word)
    }

    /// The entry of `word` read as negation or degree adverb + lexicon word: of several readings
    /// the one inserted first (earliest lexicon word, negations before degrees, longest prefix).
    fn compose(&self, word: &str) -> Option<Info> {
        let mut best: Option<((u32, u8, usize), Info)> = None;
        let mut consider = |rest: &str, order: (u8, usize), info: Info| {
            if let Some(&(idx, v)) = self.lex.get(rest) {
                let key = (idx, order.0, order.1);
                if best.as_ref().is_none_or(|b| key < b.0) {
                    best = Some((key, Info { lex: v, ..info }));
                }
            }
        };
        let first = word.chars().next()?;
        for &(is_neg, rank) in self.by_first.get(&first).map_or(&[][..], Vec::as_slice) {
            if is_neg {
                let n = &self.negs[rank as usize];
                if word.len() > n.len() && word.starts_with(&**n) {
                    let info = Info { inner_neg: true, prefix_len: n.len() as u8, ..Info::default() };
                    consider(&word[n.len()..], (0, rank as usize), info);
                }
            } else {
                let (d, m) = &self.degs[rank as usize];
                if word.len() > d.len() && word.starts_with(&**d) {
                    let info = Info { inner_deg: *m, prefix_len: d.len() as u8, ..Info::default() };
                    consider(&word[d.len()..], (1, rank as usize), info);
                }
            }
        }
        let (_, info) = best?;
        (!self.neutral.contains_key(word)).then_some(info)
    }
}

/// Byte range of tokens start..end.
fn clause_bytes(toks: &[Tok], start: usize, end: usize) -> (usize, usize) {
    if start >= end {
        return (0, 0);
    }
    (toks[start].start, toks[end - 1].end)
}

/// A clause ending in ? or in a question particle (吗, 么, 嘛).
fn is_question(toks: &[Tok], start: usize, end: usize) -> bool {
    if toks.get(end).is_some_and(|t| t.text.contains('?') || t.text.contains('？')) {
        return true;
    }
    toks[start..end].iter().rev().find(|t| t.is_term()).is_some_and(|t| QUESTION_ENDINGS.contains(&t.text))
}

/// Appends `v` as `+1.8` / `-0.5` (one decimal, sign always): `format!("{v:+.1}")` without the
/// formatting machinery, which is a visible cost when every row has a few cues.
pub(crate) fn push_signed_tenths(out: &mut String, v: f64) {
    let tenths = (v * 10.0).round();
    out.push(if tenths < 0.0 { '-' } else { '+' });
    let t = tenths.abs().min(1e15) as u64;
    let mut whole = t / 10;
    let mut digits = [0u8; 20];
    let mut n = 0;
    loop {
        digits[n] = b'0' + (whole % 10) as u8;
        n += 1;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    out.extend(digits[..n].iter().rev().map(|&d| char::from(d)));
    out.push('.');
    out.push(char::from(b'0' + (t % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::push_signed_tenths;

    #[test]
    fn word_table_is_the_spelled_out_map() {
        let cfg = crate::config::TextConfig::builtin();
        let (full, table) = super::SentimentModel::tables_for_test(&cfg);
        assert!(full.len() > 10_000, "{}", full.len());
        for (k, info) in &full {
            assert_eq!(table.get(k), Some(*info), "{k}");
        }
        for w in ["的", "我", "快递", "不不", "太太", "很", "不是很", "东西", "满意了"] {
            assert_eq!(table.get(w), full.get(w).copied(), "{w}");
        }
    }

    #[test]
    fn tenths_match_format() {
        for v in [0.0, 1.8, -0.5, -1.25, 2.04, 12.96, -0.04, 123.45, -10.0] {
            let mut s = String::new();
            push_signed_tenths(&mut s, v);
            let want = format!("{:+.1}", (v * 10.0_f64).round() / 10.0);
            assert_eq!(s, want.replace("-0.0", "+0.0"), "{v}");
        }
    }
}
