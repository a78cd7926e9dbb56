//! Training the linear models of [`crate::learned`]: logistic regression (one column, sigmoid)
//! or multinomial (softmax), fitted by AdaGrad over a fixed, seeded order of the examples, so a
//! run gives the same weights, and so the same file, every time. No threads, no clock, no
//! hash-order iteration: features are numbered in order of first sight and written sorted.

use std::collections::{BTreeMap, HashMap};

use crate::learned::ModelFile;
use crate::{Analyzer, TextConfig};

/// One labelled text as named features with values (a count, or a rule's score).
#[derive(Debug, Clone)]
pub struct Example {
    pub features: Vec<(String, f64)>,
    /// Index into the classes; for a binary model 1 = the model's one class, 0 = the other.
    pub label: usize,
}

/// How to train.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub epochs: usize,
    pub learning_rate: f64,
    /// L2 penalty on each weight an example touches.
    pub l2: f64,
    /// A feature must occur in at least this many training texts.
    pub min_count: usize,
    /// Weights whose largest absolute value is below this are left out of the file.
    pub prune: f64,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 12, learning_rate: 0.2, l2: 1e-4, min_count: 2, prune: 0.01, seed: 20261202 }
    }
}

/// A sparse example over numbered features.
struct Sparse {
    x: Vec<(u32, f64)>,
    y: usize,
}

/// Fits a model. `classes` names the columns: one name = a binary model (sigmoid, label 1 is
/// that class), more = softmax over them.
pub fn train(examples: &[Example], classes: &[&str], opt: &TrainOptions) -> ModelFile {
    let k = classes.len();
    let binary = k == 1;
    // Vocabulary: features in at least min_count texts, numbered in order of first sight.
    let mut df: HashMap<&str, usize> = HashMap::new();
    for e in examples {
        let mut seen: Vec<&str> = e.features.iter().map(|(n, _)| n.as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        for n in seen {
            *df.entry(n).or_default() += 1;
        }
    }
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let data: Vec<Sparse> = examples
        .iter()
        .map(|e| {
            let mut acc: BTreeMap<u32, f64> = BTreeMap::new();
            for (n, v) in &e.features {
                if df[n.as_str()] < opt.min_count {
                    continue;
                }
                let id = *ids.entry(n.as_str()).or_insert_with(|| {
                    names.push(n.as_str());
                    (names.len() - 1) as u32
                });
                *acc.entry(id).or_default() += v;
            }
            Sparse { x: acc.into_iter().collect(), y: e.label }
        })
        .collect();
    let nf = names.len();
    let mut w = vec![0.0f64; nf * k];
    let mut g2 = vec![0.0f64; nf * k];
    let mut b = vec![0.0f64; k];
    let mut bg2 = vec![0.0f64; k];
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = opt.seed | 1;
    let mut z = vec![0.0f64; k];
    let mut grad = vec![0.0f64; k];
    for _ in 0..opt.epochs {
        shuffle(&mut order, &mut rng);
        for &i in &order {
            let ex = &data[i];
            z.copy_from_slice(&b);
            for &(f, v) in &ex.x {
                for c in 0..k {
                    z[c] += v * w[f as usize * k + c];
                }
            }
            if binary {
                let p = 1.0 / (1.0 + (-z[0]).exp());
                grad[0] = p - if ex.y == 1 { 1.0 } else { 0.0 };
            } else {
                let m = z.iter().cloned().fold(f64::MIN, f64::max);
                let s: f64 = z.iter().map(|v| (v - m).exp()).sum();
                for (c, (gc, zc)) in grad.iter_mut().zip(&z).enumerate() {
                    *gc = (zc - m).exp() / s - if ex.y == c { 1.0 } else { 0.0 };
                }
            }
            for &(f, v) in &ex.x {
                for (c, gc) in grad.iter().enumerate() {
                    let at = f as usize * k + c;
                    let g = gc * v + opt.l2 * w[at];
                    g2[at] += g * g;
                    w[at] -= opt.learning_rate * g / (g2[at].sqrt() + 1e-8);
                }
            }
            for c in 0..k {
                bg2[c] += grad[c] * grad[c];
                b[c] -= opt.learning_rate * grad[c] / (bg2[c].sqrt() + 1e-8);
            }
        }
    }
    let round = |v: f64| (v * 1e4).round() / 1e4;
    let mut features: Vec<(String, Vec<f64>)> = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let ws: Vec<f64> = w[i * k..(i + 1) * k].iter().map(|&v| round(v)).collect();
            (ws.iter().any(|v| v.abs() >= opt.prune)).then(|| (n.to_string(), ws))
        })
        .collect();
    features.sort_by(|a, b| a.0.cmp(&b.0));
    ModelFile {
        classes: classes.iter().map(|c| c.to_string()).collect(),
        bias: b.iter().map(|&v| round(v)).collect(),
        features,
    }
}

/// Rows of a labelled TSV file (`label<TAB>text…`): `#` comments, blank lines and a `label`
/// header are skipped; a field in double quotes has its `""` unescaped (the reviews file quotes
/// fields that hold a quote). Each row's cells, the first being the label.
pub fn read_tsv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("label\t"))
        .map(|l| {
            l.split('\t')
                .map(|c| match c.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
                    Some(inner) => inner.replace("\"\"", "\""),
                    None => c.to_string(),
                })
                .collect()
        })
        .collect()
}

/// Fisher-Yates with xorshift64 from state `rng` (never 0): the same order on every machine.
fn shuffle(order: &mut [usize], rng: &mut u64) {
    for i in (1..order.len()).rev() {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        order.swap(i, (*rng % (i as u64 + 1)) as usize);
    }
}

/// The fold (0..folds) of example `i` of `n`: a seeded shuffle cut into equal parts.
pub fn folds(n: usize, folds: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    shuffle(&mut order, &mut (seed | 1));
    let mut fold = vec![0; n];
    for (pos, &i) in order.iter().enumerate() {
        fold[i] = pos * folds / n.max(1);
    }
    fold
}

/// Header of `config/sentiment/model.tsv`.
pub const SENTIMENT_HEADER: &str =
    "Learned sentiment weights (crate voc-text, module learned): log-odds of positive per
occurrence of a word (w:) or one to three adjacent characters (c:), and of the rules' total (r:).
Trained on crates/voc-text/tests/data/reviews_train.tsv by scripts/train-models; do not edit by hand.";

/// Header of `config/intent_model.tsv`.
pub const INTENT_HEADER: &str =
    "Learned intent weights (crate voc-text, module intent): one column per intent, summed over
the characters and adjacent character pairs (c:) and fired rules (r:, their distinct cue count) of a message.
Trained on crates/voc-text/tests/data/chat_dev_train.tsv by scripts/train-models; do not edit by hand.";

/// The options the committed sentiment model is trained with.
pub fn sentiment_options() -> TrainOptions {
    TrainOptions { epochs: 25, learning_rate: 0.1, l2: 1e-4, min_count: 2, prune: 0.1, seed: 20261202 }
}

/// The options the committed intent model is trained with.
pub fn intent_options() -> TrainOptions {
    TrainOptions { epochs: 15, learning_rate: 0.05, l2: 1e-5, min_count: 1, prune: 0.1, seed: 20261202 }
}

/// The sentiment classes, in the order of the model's columns.
pub const SENTIMENTS: &[&str] = &["negative", "neutral", "positive"];

/// How many times each chat message is repeated among the reviews when training sentiment: the
/// chat set is a sixth the size of the reviews but is the language the model must read (and
/// holds its only neutral examples).
pub const CHAT_REPEAT: usize = 3;

/// A sentiment example: the text's features, the rules' total (`r:rules`) and its size
/// (`r:rules_abs`) as two more, the label (`pos`/`positive`, `neg`/`negative`, `neutral`).
fn sentiment_example(a: &Analyzer, label: &str, text: &str) -> Example {
    let (mut features, rules) = a.sentiment_features(text);
    features.push(("r:rules".to_string(), rules));
    features.push(("r:rules_abs".to_string(), rules.abs()));
    let label = match label {
        "pos" | "positive" => 2,
        "neutral" => 1,
        _ => 0,
    };
    Example { features, label }
}

/// The three-class sentiment model of reviews (positive and negative only) and chat messages
/// (repeated [`CHAT_REPEAT`] times).
fn train_sentiment(reviews: &[&Example], chat: &[&Example], opt: &TrainOptions) -> ModelFile {
    let mut examples: Vec<Example> = reviews.iter().map(|e| (*e).clone()).collect();
    for _ in 0..CHAT_REPEAT {
        examples.extend(chat.iter().map(|e| (*e).clone()));
    }
    train(&examples, SENTIMENTS, opt)
}

/// The sentiment model of labelled reviews and chat messages, with the committed options.
pub fn sentiment_model(a: &Analyzer, reviews: &[Vec<String>], chat: &[Vec<String>]) -> ModelFile {
    sentiment_model_with(a, reviews, chat, &sentiment_options())
}

pub fn sentiment_model_with(
    a: &Analyzer,
    reviews: &[Vec<String>],
    chat: &[Vec<String>],
    opt: &TrainOptions,
) -> ModelFile {
    let r: Vec<Example> = reviews.iter().filter(|r| r.len() >= 2).map(|r| sentiment_example(a, &r[0], &r[1])).collect();
    let c: Vec<Example> = chat.iter().filter(|r| r.len() == 4).map(|r| sentiment_example(a, &r[1], &r[3])).collect();
    train_sentiment(&r.iter().collect::<Vec<_>>(), &c.iter().collect::<Vec<_>>(), opt)
}

/// Counts of (wanted, got) labels with the accuracy they give.
#[derive(Debug, Default, Clone)]
pub struct Confusion {
    pub counts: BTreeMap<(String, String), usize>,
}

impl Confusion {
    pub fn add(&mut self, want: &str, got: &str) {
        *self.counts.entry((want.to_string(), got.to_string())).or_default() += 1;
    }

    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    pub fn right(&self) -> usize {
        self.counts.iter().filter(|((w, g), _)| w == g).map(|(_, n)| n).sum()
    }

    pub fn accuracy(&self) -> f64 {
        self.right() as f64 / self.total().max(1) as f64
    }

    /// Share of cases whose answer is not `undecided` (e.g. neutral for a two-class set).
    pub fn coverage(&self, undecided: &str) -> f64 {
        let n: usize = self.counts.iter().filter(|((_, g), _)| g != undecided).map(|(_, n)| n).sum();
        n as f64 / self.total().max(1) as f64
    }
}

impl std::fmt::Display for Confusion {
    /// A table: one row per wanted label, one column per answer.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut labels: Vec<&str> = self.counts.keys().flat_map(|(w, g)| [w.as_str(), g.as_str()]).collect();
        labels.sort_unstable();
        labels.dedup();
        write!(f, "{:>14} |", "want \\ got")?;
        for l in &labels {
            write!(f, " {l:>13}")?;
        }
        writeln!(f)?;
        for w in &labels {
            write!(f, "{w:>14} |")?;
            for g in &labels {
                let n = self.counts.get(&(w.to_string(), g.to_string())).copied().unwrap_or(0);
                write!(f, " {n:>13}")?;
            }
            writeln!(f)?;
        }
        write!(f, "accuracy {}/{} = {:.3}", self.right(), self.total(), self.accuracy())
    }
}

/// Cross-validated accuracy of the whole `sentiment` function (rules + a model trained on the
/// rest).
#[derive(Debug, Default)]
pub struct SentimentCv {
    /// Reviews, k folds (every chat message in every training part); neutral counts as wrong.
    pub reviews: Confusion,
    /// Chat messages, k folds (every review in every training part), three classes.
    pub chat: Confusion,
}

impl SentimentCv {
    /// The chat figures of the positive and negative messages alone.
    pub fn chat_polar(&self) -> Confusion {
        let mut c = self.chat.clone();
        c.counts.retain(|(w, _), _| w != "neutral");
        c
    }
}

impl std::fmt::Display for SentimentCv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "reviews ({:.3} decided):\n{}", self.reviews.coverage("neutral"), self.reviews)?;
        writeln!(f, "chat, three classes:\n{}", self.chat)?;
        write!(f, "chat, positive and negative messages:\n{}", self.chat_polar())
    }
}

/// K-fold cross-validation of `sentiment` on the reviews and on the chat rows; `chat` may be
/// empty (then only the reviews are folded).
pub fn cross_validate_sentiment(
    cfg: &TextConfig,
    reviews: &[Vec<String>],
    chat: &[Vec<String>],
    k: usize,
) -> SentimentCv {
    cross_validate_sentiment_with(cfg, reviews, chat, k, &sentiment_options())
}

pub fn cross_validate_sentiment_with(
    cfg: &TextConfig,
    reviews: &[Vec<String>],
    chat: &[Vec<String>],
    k: usize,
    opt: &TrainOptions,
) -> SentimentCv {
    let base = Analyzer::new(cfg).expect("config compiles");
    let reviews: Vec<&Vec<String>> = reviews.iter().filter(|r| r.len() >= 2).collect();
    let chat: Vec<&Vec<String>> = chat.iter().filter(|r| r.len() == 4).collect();
    let re: Vec<Example> = reviews.iter().map(|r| sentiment_example(&base, &r[0], &r[1])).collect();
    let ce: Vec<Example> = chat.iter().map(|r| sentiment_example(&base, &r[1], &r[3])).collect();
    let (rf, cf) = (folds(re.len(), k, opt.seed), folds(ce.len(), k, opt.seed));
    let mut cv = SentimentCv::default();
    for f in 0..k {
        // Reviews: fold f out, all chat in.
        let train_r: Vec<&Example> = re.iter().zip(&rf).filter(|(_, &g)| g != f).map(|(e, _)| e).collect();
        let mut fold_cfg = cfg.clone();
        fold_cfg.sentiment_model = train_sentiment(&train_r, &ce.iter().collect::<Vec<_>>(), opt);
        let a = Analyzer::new(&fold_cfg).expect("config compiles");
        for ((r, e), _) in reviews.iter().zip(&re).zip(&rf).filter(|(_, &g)| g == f) {
            cv.reviews.add(SENTIMENTS[e.label], a.sentiment(&r[1]).label);
        }
        if chat.is_empty() {
            continue;
        }
        // Chat: fold f out, all reviews in.
        let train_c: Vec<&Example> = ce.iter().zip(&cf).filter(|(_, &g)| g != f).map(|(e, _)| e).collect();
        fold_cfg.sentiment_model = train_sentiment(&re.iter().collect::<Vec<_>>(), &train_c, opt);
        let a = Analyzer::new(&fold_cfg).expect("config compiles");
        for (r, _) in chat.iter().zip(&cf).filter(|(_, &g)| g == f) {
            cv.chat.add(&r[1], a.sentiment(&r[3]).label);
        }
    }
    cv
}

/// Sentiment labels of `a` against rows `intent<TAB>sentiment<TAB>tags<TAB>text` (the chat set):
/// all three classes, and the positive and negative rows alone (neutral answers count as wrong).
pub fn evaluate_chat_sentiment(a: &Analyzer, rows: &[Vec<String>]) -> (Confusion, Confusion) {
    let (mut three, mut two) = (Confusion::default(), Confusion::default());
    for r in rows.iter().filter(|r| r.len() == 4) {
        let got = a.sentiment(&r[3]).label;
        three.add(&r[1], got);
        if r[1] != "neutral" {
            two.add(&r[1], got);
        }
    }
    (three, two)
}

/// PII masking against rows `kinds<TAB>text<TAB>must_mask<TAB>must_keep` (items `|`-separated,
/// `-` none): per kind, the items masked and the items that leaked (still in the masked text);
/// and the look-alikes kept and broken. Kinds are those of the row, in order, one per item.
#[derive(Debug, Default)]
pub struct PiiReport {
    /// kind -> (masked, leaked)
    pub by_kind: BTreeMap<String, (usize, usize)>,
    pub kept: usize,
    pub broken: usize,
    /// Each leak or broken look-alike: (what, item, masked text).
    pub misses: Vec<(String, String, String)>,
}

impl PiiReport {
    pub fn leaked(&self) -> usize {
        self.by_kind.values().map(|v| v.1).sum()
    }

    pub fn masked(&self) -> usize {
        self.by_kind.values().map(|v| v.0).sum()
    }
}

impl std::fmt::Display for PiiReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{:>10} | {:>6} | {:>6}", "kind", "masked", "leaked")?;
        for (k, (m, l)) in &self.by_kind {
            writeln!(f, "{k:>10} | {m:>6} | {l:>6}")?;
        }
        writeln!(f, "{:>10} | {:>6} | {:>6}", "all", self.masked(), self.leaked())?;
        write!(f, "look-alikes kept {} of {}", self.kept, self.kept + self.broken)
    }
}

pub fn evaluate_pii(a: &Analyzer, rows: &[Vec<String>]) -> PiiReport {
    let mut r = PiiReport::default();
    let items = |cell: &str| -> Vec<String> {
        if cell == "-" {
            Vec::new()
        } else {
            cell.split('|').map(str::to_string).collect()
        }
    };
    for row in rows.iter().filter(|row| row.len() >= 4) {
        let masked = a.mask_pii(&row[1]);
        let kinds: Vec<String> =
            if row[0] == "-" { Vec::new() } else { row[0].split(',').map(str::to_string).collect() };
        for (i, item) in items(&row[2]).iter().enumerate() {
            let kind = kinds.get(i).or(kinds.last()).cloned().unwrap_or_else(|| "?".to_string());
            let e = r.by_kind.entry(kind.clone()).or_default();
            if masked.contains(item.as_str()) {
                e.1 += 1;
                r.misses.push((format!("leak {kind}"), item.clone(), masked.clone()));
            } else {
                e.0 += 1;
            }
        }
        for item in items(&row[3]) {
            if masked.contains(item.as_str()) {
                r.kept += 1;
            } else {
                r.broken += 1;
                r.misses.push(("broken look-alike".to_string(), item, masked.clone()));
            }
        }
    }
    r
}

/// The intents, in the order of the model's columns.
pub const INTENTS: &[&str] = &["presale", "aftersale", "logistics", "refund_return", "complaint", "chitchat", "other"];

/// The intent example of a row `intent<TAB>…<TAB>text` (the text is the last cell), if its
/// intent is one of [`INTENTS`].
fn intent_example(a: &Analyzer, row: &[String]) -> Option<Example> {
    let label = INTENTS.iter().position(|i| *i == row[0])?;
    Some(Example { features: a.intent_features(row.last()?), label })
}

pub fn intent_model(a: &Analyzer, rows: &[Vec<String>]) -> ModelFile {
    let examples: Vec<Example> = rows.iter().filter_map(|r| intent_example(a, r)).collect();
    train(&examples, INTENTS, &intent_options())
}

/// Header of `config/tags_model.tsv`.
pub const TAGS_HEADER: &str =
    "Learned tag weights (crate voc-text, module tags): one independent logistic column per tag,
summed over the characters and adjacent character pairs (c:) of a message and the tags the rules of
config/taxonomy.toml gave (r:<tag>); a tag is added at probability 0.5. Trained on
crates/voc-text/tests/data/chat_dev_train.tsv by scripts/train-models; do not edit by hand.";

/// The tag model: one binary model per tag of the taxonomy (rows `intent<TAB>sentiment<TAB>tags<TAB>text`,
/// tags comma-separated or `-`), merged into one file with a column per tag.
pub fn tags_model(a: &Analyzer, rows: &[Vec<String>]) -> ModelFile {
    let opt = tags_options();
    let rows: Vec<&Vec<String>> = rows.iter().filter(|r| r.len() == 4).collect();
    let features: Vec<Vec<(String, f64)>> = rows.iter().map(|r| a.tag_features(&r[3])).collect();
    let names = a.tag_names();
    let mut merged: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut bias = Vec::with_capacity(names.len());
    for (c, tag) in names.iter().enumerate() {
        let examples: Vec<Example> = rows
            .iter()
            .zip(&features)
            .map(|(r, f)| Example { features: f.clone(), label: usize::from(r[2].split(',').any(|t| t.trim() == tag)) })
            .collect();
        let m = train(&examples, &[tag.as_str()], &opt);
        bias.push(m.bias[0]);
        for (n, w) in m.features {
            merged.entry(n).or_insert_with(|| vec![0.0; names.len()])[c] = w[0];
        }
    }
    ModelFile { classes: names, bias, features: merged.into_iter().collect() }
}

/// The options the committed tag model is trained with.
pub fn tags_options() -> TrainOptions {
    TrainOptions { epochs: 15, learning_rate: 0.05, l2: 1e-5, min_count: 2, prune: 0.1, seed: 20261202 }
}

/// K-fold cross-validation of the whole `intent` function on rows `intent<TAB>…<TAB>text`.
pub fn cross_validate_intent(cfg: &TextConfig, rows: &[Vec<String>], k: usize) -> Confusion {
    cross_validate_intent_with(cfg, rows, k, &intent_options())
}

pub fn cross_validate_intent_with(cfg: &TextConfig, rows: &[Vec<String>], k: usize, opt: &TrainOptions) -> Confusion {
    let base = Analyzer::new(cfg).expect("config compiles");
    let (rows, examples): (Vec<&Vec<String>>, Vec<Example>) =
        rows.iter().filter_map(|r| Some((r, intent_example(&base, r)?))).unzip();
    let fold = folds(examples.len(), k, opt.seed);
    let mut confusion = Confusion::default();
    for f in 0..k {
        let train_set: Vec<Example> =
            examples.iter().zip(&fold).filter(|(_, &g)| g != f).map(|(e, _)| e.clone()).collect();
        let mut fold_cfg = cfg.clone();
        fold_cfg.intent_model = train(&train_set, INTENTS, opt);
        let a = Analyzer::new(&fold_cfg).expect("config compiles");
        for (r, _) in rows.iter().zip(&fold).filter(|(_, &g)| g == f) {
            confusion.add(&r[0], &a.intent(r.last().expect("a text")).label);
        }
    }
    confusion
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(words: &[&str], label: usize) -> Example {
        Example { features: words.iter().map(|w| (format!("w:{w}"), 1.0)).collect(), label }
    }

    #[test]
    fn binary_model_learns_the_separating_words_and_is_deterministic() {
        let mut data = Vec::new();
        for _ in 0..20 {
            data.push(ex(&["好", "的"], 1));
            data.push(ex(&["差", "的"], 0));
        }
        let opt = TrainOptions::default();
        let m = train(&data, &["positive"], &opt);
        let w = |n: &str| m.features.iter().find(|f| f.0 == n).map(|f| f.1[0]).unwrap_or(0.0);
        assert!(w("w:好") > 0.5 && w("w:差") < -0.5, "{m:?}");
        assert!(w("w:的").abs() < 0.3, "{m:?}");
        assert_eq!(m.render(""), train(&data, &["positive"], &opt).render(""));
    }

    #[test]
    fn softmax_model_ranks_each_class_word_highest_for_its_class() {
        let mut data = Vec::new();
        for _ in 0..10 {
            data.push(ex(&["a"], 0));
            data.push(ex(&["b"], 1));
            data.push(ex(&["c"], 2));
        }
        let m = train(&data, &["x", "y", "z"], &TrainOptions::default());
        for (c, n) in ["w:a", "w:b", "w:c"].iter().enumerate() {
            let ws = &m.features.iter().find(|f| f.0 == *n).unwrap().1;
            let best = (0..3).max_by(|&i, &j| ws[i].total_cmp(&ws[j])).unwrap();
            assert_eq!(best, c, "{n}: {ws:?}");
        }
    }

    #[test]
    fn folds_are_balanced_and_cover_everything() {
        let f = folds(103, 5, 7);
        for k in 0..5 {
            let n = f.iter().filter(|&&x| x == k).count();
            assert!((20..=21).contains(&n), "fold {k}: {n}");
        }
    }
}
