//! Linear models learned from labelled text: the sentiment model (`config/sentiment/model.tsv`,
//! trained on real reviews and the chat development set), the intent model
//! (`config/intent_model.tsv`) and the tag model (`config/tags_model.tsv`), both trained on the
//! chat development set.
//!
//! Linear, because a decision must stay explainable: every weight belongs to a named feature (a
//! word of the segmentation, `w:质量`, one to three adjacent characters of the text,
//! `c:差` / `c:太差` / `c:质量差`, or a rule that fired, `r:complaint`), so a score is a sum whose
//! largest terms the evidence can name. It costs one table lookup per feature occurrence, shared
//! by the three models ([`Learned`]), and no allocation.
//!
//! The file format (tab separated, `#` comments): a `classes` line naming the columns, a `bias`
//! line, then one line per feature with one weight per class. `crates/voc-text/examples/train.rs`
//! (run by `scripts/train-models`) writes the three files from the data under
//! `crates/voc-text/tests/data/`, byte for byte the same on every run.

use std::cell::RefCell;
use std::hash::Hasher;

use crate::config::TextError;
use crate::hash::FxHasher;
use crate::segment::Tok;

/// A feature as it occurs in one text: where, and what kind (its name is the text it covers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Occurrence {
    pub key: u64,
    /// Byte range in the text (a token, or one to three characters).
    pub start: usize,
    pub end: usize,
    pub kind: FeatureKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeatureKind {
    Word,
    /// One character, or two adjacent ones.
    Chars,
    /// Three adjacent characters (sentiment only).
    Triple,
}

impl FeatureKind {
    fn prefix(self) -> &'static str {
        match self {
            FeatureKind::Word => "w:",
            FeatureKind::Chars | FeatureKind::Triple => "c:",
        }
    }
}

/// One character as features see it: ASCII and full-width letters lower case, every digit `0`
/// (an order number or a price says nothing of a feeling; that it is a number may).
#[inline]
pub(crate) fn norm(c: char) -> char {
    match c {
        '0'..='9' | '０'..='９' => '0',
        'A'..='Z' => c.to_ascii_lowercase(),
        'Ａ'..='Ｚ' => char::from(b'a' + (c as u32 - 'Ａ' as u32) as u8),
        'ａ'..='ｚ' => char::from(b'a' + (c as u32 - 'ａ' as u32) as u8),
        _ => c,
    }
}

/// A character that can be half of a pair feature: a letter or digit of any script.
#[inline]
pub(crate) fn pairs_with(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // CJK first: nearly every character, and `is_alphanumeric` takes a slow table walk for it;
    // then the punctuation, symbols and emoji customers type between them, none a letter or digit.
    if matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}') {
        return true;
    }
    if matches!(
        c,
        '\u{2000}'..='\u{206F}'
            | '\u{3000}'..='\u{3004}'
            | '\u{3008}'..='\u{3020}'
            | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}'
            | '\u{1F300}'..='\u{1FAFF}'
    ) {
        return false;
    }
    c.is_alphanumeric()
}

/// The murmur3 finaliser: every bit of the key depends on every bit of the input. FxHash ends in
/// a multiplication, so its low bits depend only on the input's low bits; a hash table indexes by
/// the low bits, and pair keys that share a second character would all land in one place.
/// Never 0 (a table's empty slot is fingerprint 0, see [`fingerprint`]).
#[inline]
fn mix(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    (k ^ (k >> 33)).max(1)
}

#[inline]
pub(crate) fn word_key(word: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write_u8(b'w');
    for c in word.chars() {
        h.write_u32(norm(c) as u32);
    }
    mix(h.finish())
}

#[inline]
pub(crate) fn pair_key(a: char, b: char) -> u64 {
    mix((norm(a) as u64) << 32 | norm(b) as u64 | 1 << 63)
}

/// Three characters fill 63 bits; the top bit, set in every pair key, tells them apart.
#[inline]
pub(crate) fn triple_key(a: char, b: char, c: char) -> u64 {
    mix((norm(a) as u64) << 42 | (norm(b) as u64) << 21 | norm(c) as u64)
}

/// The key of a rule feature (`r:<label>`).
pub(crate) fn rule_key(label: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write_u8(b'r');
    h.write(label.as_bytes());
    mix(h.finish())
}

/// Every feature of a segmented text: its words, then its characters, character pairs and
/// character triples.
pub(crate) fn for_each_feature(text: &str, toks: &[Tok], mut f: impl FnMut(Occurrence)) {
    for t in toks.iter().filter(|t| t.is_term()) {
        f(Occurrence { key: word_key(t.text), start: t.start, end: t.end, kind: FeatureKind::Word });
    }
    if let (Some(first), Some(last)) = (toks.first(), toks.last()) {
        chars::<true>(&text[..last.end], first.start, f);
    }
}

/// Every letter or digit of `text[from..]` alone (key `pair_key(c, '\0')`, name `c:x`), and every
/// pair of adjacent ones.
#[inline]
pub(crate) fn for_each_char(text: &str, from: usize, f: impl FnMut(Occurrence)) {
    chars::<false>(text, from, f)
}

/// Characters and pairs, and with `TRIPLES` every three adjacent letters or digits.
#[inline]
fn chars<const TRIPLES: bool>(text: &str, from: usize, mut f: impl FnMut(Occurrence)) {
    // The letter before and the one before it: (byte offset, character).
    let mut p1: Option<(usize, char)> = None;
    let mut p2: Option<(usize, char)> = None;
    for (i, c) in text[from..].char_indices() {
        let at = from + i;
        if pairs_with(c) {
            let end = at + c.len_utf8();
            f(Occurrence { key: pair_key(c, '\0'), start: at, end, kind: FeatureKind::Chars });
            if let Some((p, pc)) = p1 {
                f(Occurrence { key: pair_key(pc, c), start: p, end, kind: FeatureKind::Chars });
                if let (true, Some((q, qc))) = (TRIPLES, p2) {
                    f(Occurrence { key: triple_key(qc, pc, c), start: q, end, kind: FeatureKind::Triple });
                }
            }
            (p2, p1) = (p1, Some((at, c)));
        } else {
            (p2, p1) = (None, None);
        }
    }
}

/// The strongest few occurrences offered, strongest first: what the evidence names.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Strongest {
    /// (weight, start, end); weight 0 = unused.
    items: [(f32, usize, usize); EVIDENCE_FEATURES],
}

/// How many learned features an evidence list names.
pub(crate) const EVIDENCE_FEATURES: usize = 3;

impl Strongest {
    /// Keeps the occurrence at `start..end` if `w` is above the weakest kept (and above 0).
    #[inline]
    pub fn offer(&mut self, w: f32, start: usize, end: usize) {
        let t = &mut self.items;
        if w > t[EVIDENCE_FEATURES - 1].0 {
            let mut at = EVIDENCE_FEATURES - 1;
            t[at] = (w, start, end);
            while at > 0 && t[at].0 > t[at - 1].0 {
                t.swap(at, at - 1);
                at -= 1;
            }
        }
    }

    /// The kept occurrences as (weight, text), strongest first, each text once.
    pub fn named<'t>(&self, text: &'t str) -> Vec<(f32, &'t str)> {
        let mut out: Vec<(f32, &str)> = Vec::with_capacity(EVIDENCE_FEATURES);
        for &(w, start, end) in &self.items {
            let name = &text[start..end];
            if w > 0.0 && !out.iter().any(|o| o.1 == name) {
                out.push((w, name));
            }
        }
        out
    }
}

/// `learned:太差(-1.2)`: a learned feature as the evidence names it, with its weight in tenths.
pub(crate) fn learned_evidence(name: &str, weight: f64) -> String {
    let mut e = String::with_capacity(name.len() + 16);
    e.push_str("learned:");
    e.push_str(name);
    e.push('(');
    crate::sentiment::push_signed_tenths(&mut e, weight);
    e.push(')');
    e
}

/// The name of a feature occurrence as the model file writes it (`w:质量`, `c:太差`).
pub(crate) fn feature_name(text: &str, o: &Occurrence) -> String {
    let mut s = String::from(o.kind.prefix());
    s.extend(text[o.start..o.end].chars().map(norm));
    s
}

/// A parsed model file: class names, biases, named feature weights (one per class).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelFile {
    pub classes: Vec<String>,
    pub bias: Vec<f64>,
    pub features: Vec<(String, Vec<f64>)>,
}

impl ModelFile {
    /// Parses a model file; errors name the file and line.
    pub fn parse(file: &str, text: &str) -> Result<ModelFile, TextError> {
        let mut m = ModelFile::default();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cells = line.split('\t');
            let name = cells.next().unwrap_or_default();
            if name == "classes" {
                m.classes = cells.map(str::to_string).collect();
                if m.classes.is_empty() {
                    return Err(TextError::new(file, line_no, "expected `classes<TAB>name…`, found no class"));
                }
                continue;
            }
            if m.classes.is_empty() {
                return Err(TextError::new(
                    file,
                    line_no,
                    format!("expected the `classes` line first, found `{name}`"),
                ));
            }
            let mut weights = Vec::with_capacity(m.classes.len());
            for cell in cells {
                let w: f64 = cell.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
                    TextError::new(file, line_no, format!("weight of `{name}` must be a number, found `{cell}`"))
                })?;
                weights.push(w);
            }
            if weights.len() != m.classes.len() {
                return Err(TextError::new(
                    file,
                    line_no,
                    format!(
                        "expected {} weights for `{name}` (one per class), found {}",
                        m.classes.len(),
                        weights.len()
                    ),
                ));
            }
            if name == "bias" {
                m.bias = weights;
            } else if name.starts_with("w:") || name.starts_with("c:") || name.starts_with("r:") {
                m.features.push((name.to_string(), weights));
            } else {
                return Err(TextError::new(
                    file,
                    line_no,
                    format!("expected a feature `w:word`, `c:characters`, `r:rule` or `bias`, found `{name}`"),
                ));
            }
        }
        if !m.classes.is_empty() && m.bias.is_empty() {
            m.bias = vec![0.0; m.classes.len()];
        }
        Ok(m)
    }

    /// The file's text: `header` as comment lines, then classes, bias and features, weights with
    /// four decimals (what [`ModelFile::parse`] reads back).
    pub fn render(&self, header: &str) -> String {
        let mut out = String::new();
        for l in header.lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
        out.push_str("classes");
        for c in &self.classes {
            out.push('\t');
            out.push_str(c);
        }
        out.push('\n');
        let mut row = |name: &str, ws: &[f64]| {
            out.push_str(name);
            for w in ws {
                out.push('\t');
                let s = format!("{w:.4}");
                out.push_str(if s == "-0.0000" { "0.0000" } else { &s });
            }
            out.push('\n');
        };
        row("bias", &self.bias);
        for (name, ws) in &self.features {
            row(name, ws);
        }
        out
    }
}

/// The three learned models ready for lookups, in two tables: feature key -> weights.
///
/// The *wide* table holds what more than one model reads, characters, character pairs and rule
/// features: each key's weights for every model side by side in one 32-byte slot (a 32-bit
/// fingerprint of the key and [`LANES`] weights quantised to `i8`: sentiment's 3 columns,
/// intent's, then the tags'). The *narrow* table holds what sentiment alone reads, words and
/// character triples, in 8-byte slots (fingerprint and its 3 weights): two thirds of its features,
/// at a quarter of the size. A text's features are found once ([`Learned::read`]): one key and
/// one lookup an occurrence serve all three models, and the weights are summed as integers, every
/// lane at once. The evidence is picked afterwards, only for the class that won, from the
/// occurrences the tables knew.
///
/// A model whose columns do not fit its lanes (intent over [`MAX_INTENTS`], tags over what is
/// left, sentiment not exactly negative/neutral/positive is the caller's check) is left empty;
/// its classes are kept, so the caller can tell. The intent and tag models read characters, pairs
/// and rules only: their `w:` and triple features are not loaded, so intent and tags come out the
/// same with or without a segmentation.
pub(crate) struct Learned {
    wide: Table<LANES>,
    narrow: Table<3>,
    pub sentiment: Part,
    pub intent: Part,
    pub tags: Part,
}

/// Weights a wide slot holds: 3 for sentiment, up to [`MAX_INTENTS`] for intent, the rest for tags.
pub(crate) const LANES: usize = 28;
/// The most classes an intent model may have.
pub(crate) const MAX_INTENTS: usize = 8;
/// The most columns any model may have (the size of the score arrays handed out).
pub(crate) const MAX_COLUMNS: usize = LANES - 3;

/// A key's fingerprint and weights: 8 bytes narrow, 32 wide (one cache line a lookup).
#[derive(Clone, Copy)]
#[repr(C, align(8))]
struct Slot<const L: usize> {
    fp: u32,
    w: [i8; L],
}

/// Open addressing, linear probing, power-of-two size, indexed by the key's low bits and matched
/// by its high 32; fingerprint 0 = empty slot.
struct Table<const L: usize> {
    slots: Vec<Slot<L>>,
}

impl<const L: usize> Table<L> {
    fn with_keys(keys: usize) -> Table<L> {
        let size = if keys == 0 { 0 } else { (keys * LOAD_DEN / LOAD_NUM + 1).next_power_of_two() };
        Table { slots: vec![Slot { fp: 0, w: [0; L] }; size] }
    }

    /// The slot of `key`, made if missing.
    fn slot_mut(&mut self, key: u64) -> &mut Slot<L> {
        let at = self.probe(key).unwrap_or_else(|empty| empty);
        self.slots[at].fp = fingerprint(key);
        &mut self.slots[at]
    }

    /// The slot holding `key` (`Ok`), or the empty slot where it would go (`Err`). A table is
    /// never more than [`LOAD_NUM`]/[`LOAD_DEN`] full, so a probe always ends.
    #[inline]
    fn probe(&self, key: u64) -> Result<usize, usize> {
        if self.slots.is_empty() {
            return Err(0);
        }
        let (mask, fp) = (self.slots.len() - 1, fingerprint(key));
        let mut i = key as usize & mask;
        loop {
            let f = self.slots[i].fp;
            if f == fp {
                return Ok(i);
            }
            if f == 0 {
                return Err(i);
            }
            i = (i + 1) & mask;
        }
    }
}

/// One model's place in the tables.
#[derive(Debug, Clone, Default)]
pub(crate) struct Part {
    pub classes: Vec<String>,
    pub bias: Vec<f32>,
    /// Its first lane in the wide table (sentiment's is 0, in the narrow table too).
    first: usize,
    /// What one step of a quantised weight is worth (one scale a model).
    scale: f32,
    loaded: bool,
}

impl Part {
    /// No weights: the model was missing, empty or did not fit.
    pub fn is_empty(&self) -> bool {
        !self.loaded
    }

    /// Its weights in a slot, one per class.
    #[inline]
    fn weights(&self, lanes: &[i8]) -> [f32; MAX_COLUMNS] {
        let mut w = [0f32; MAX_COLUMNS];
        for (c, w) in w.iter_mut().enumerate().take(self.classes.len()) {
            *w = lanes[self.first + c] as f32 * self.scale;
        }
        w
    }

    fn quantise(&self, w: f64) -> i8 {
        (w / self.scale as f64).round().clamp(-127.0, 127.0) as i8
    }
}

/// What the learned models read in one text: the sums of every lane over its feature
/// occurrences, how many occurrences there were, and where the known ones lie.
pub(crate) struct Reading {
    acc: [i32; LANES],
    /// Feature occurrences read (known to the tables or not).
    pub n: u32,
    /// (slot, start, end) of each occurrence the tables know, in text order; slots of the narrow
    /// table have [`NARROW`] set.
    found: Vec<(u32, u32, u32)>,
}

/// The bit that marks a found slot as one of the narrow table.
const NARROW: u32 = 1 << 31;

/// A table is at most LOAD_NUM / LOAD_DEN full.
const LOAD_NUM: usize = 3;
const LOAD_DEN: usize = 4;

/// The slot fingerprint of a key: its high half, never 0.
#[inline]
fn fingerprint(key: u64) -> u32 {
    ((key >> 32) as u32).max(1)
}

/// The key a model file's feature name stands for and whether only sentiment reads it (a word or
/// three characters), if it can occur at all.
fn name_key(name: &str) -> Option<(u64, bool)> {
    match name.split_at(2) {
        ("w:", w) => Some((word_key(w), true)),
        ("r:", r) => Some((rule_key(r), false)),
        (_, chars) => {
            let mut cs = chars.chars();
            match (cs.next(), cs.next(), cs.next(), cs.next()) {
                (Some(a), Some(b), Some(c), None) => Some((triple_key(a, b, c), true)),
                (Some(a), Some(b), None, _) => Some((pair_key(a, b), false)),
                (Some(a), None, _, _) => Some((pair_key(a, '\0'), false)),
                _ => None, // not one to three characters: can never occur
            }
        }
    }
}

impl Learned {
    pub fn new(sentiment: &ModelFile, intent: &ModelFile, tags: &ModelFile) -> Learned {
        let mut parts = [Part::default(), Part::default(), Part::default()];
        let limits = [3, MAX_INTENTS, LANES];
        let mut first = 0;
        for ((part, file), limit) in parts.iter_mut().zip([sentiment, intent, tags]).zip(limits) {
            let k = file.classes.len();
            part.classes = file.classes.clone();
            part.bias = file.bias.iter().map(|&b| b as f32).collect();
            if k == 0 || k > limit || first + k > LANES || file.features.is_empty() {
                continue;
            }
            let max = file.features.iter().flat_map(|(_, ws)| ws.iter()).fold(0f64, |a, w| a.max(w.abs()));
            part.scale = (max / 127.0).max(f64::MIN_POSITIVE) as f32;
            part.first = first;
            part.loaded = true;
            first += k;
        }
        let files = [sentiment, intent, tags];
        // Every feature that is loaded: (model, key, narrow, weights).
        let loaded: Vec<(usize, u64, bool, &[f64])> = files
            .iter()
            .zip(&parts)
            .enumerate()
            .filter(|(_, (_, p))| p.loaded)
            .flat_map(|(i, (f, _))| {
                f.features.iter().filter_map(move |(name, ws)| {
                    let (key, narrow) = name_key(name)?;
                    (i == 0 || !narrow).then_some((i, key, narrow, ws.as_slice()))
                })
            })
            .collect();
        let distinct = |narrow: bool| {
            let mut keys: Vec<u64> = loaded.iter().filter(|l| l.2 == narrow).map(|l| l.1).collect();
            keys.sort_unstable();
            keys.dedup();
            keys.len()
        };
        let (mut wide, mut narrow) = (Table::with_keys(distinct(false)), Table::with_keys(distinct(true)));
        for &(i, key, is_narrow, ws) in &loaded {
            let part = &parts[i];
            let lanes: &mut [i8] = if is_narrow { &mut narrow.slot_mut(key).w } else { &mut wide.slot_mut(key).w };
            for (c, &v) in ws.iter().enumerate() {
                lanes[part.first + c] = part.quantise(v);
            }
        }
        let [sentiment, intent, tags] = parts;
        Learned { wide, narrow, sentiment, intent, tags }
    }

    /// Reads the features of `text`: with its tokens, the words, characters, pairs and triples
    /// (what sentiment reads), without, the characters and pairs alone (all intent and tags read).
    pub fn read(&self, text: &str, toks: Option<&[Tok]>) -> Reading {
        self.read_into(text, toks, Vec::new())
    }

    /// [`Learned::read`] handing the reading to `f`, its list of known occurrences in a buffer of
    /// the thread reused from text to text (one allocation less a row).
    pub fn with_reading<R>(&self, text: &str, toks: Option<&[Tok]>, f: impl FnOnce(&Reading) -> R) -> R {
        thread_local! {
            static FOUND: RefCell<Vec<(u32, u32, u32)>> = const { RefCell::new(Vec::new()) };
        }
        FOUND.with(|buf| match buf.try_borrow_mut() {
            Ok(mut v) => {
                let r = self.read_into(text, toks, std::mem::take(&mut *v));
                let out = f(&r);
                *v = r.found;
                if v.capacity() > 1 << 16 {
                    *v = Vec::new(); // do not keep a huge text's buffer
                }
                out
            }
            Err(_) => f(&self.read(text, toks)),
        })
    }

    fn read_into(&self, text: &str, toks: Option<&[Tok]>, mut found: Vec<(u32, u32, u32)>) -> Reading {
        found.clear();
        let mut r = Reading { acc: [0; LANES], n: 0, found };
        if self.wide.slots.is_empty() && self.narrow.slots.is_empty() {
            return r;
        }
        r.found.reserve(text.len() / 2);
        let mut add = |o: Occurrence| {
            r.n += 1;
            if o.kind == FeatureKind::Chars {
                if let Ok(at) = self.wide.probe(o.key) {
                    add_lanes(&mut r.acc, &self.wide.slots[at].w);
                    r.found.push((at as u32, o.start as u32, o.end as u32));
                }
            } else if let Ok(at) = self.narrow.probe(o.key) {
                let w = &self.narrow.slots[at].w;
                (0..3).for_each(|l| r.acc[l] += w[l] as i32);
                r.found.push((at as u32 | NARROW, o.start as u32, o.end as u32));
            }
        };
        match toks {
            Some(toks) => for_each_feature(text, toks, &mut add),
            None => for_each_char(text, 0, &mut add),
        }
        r
    }

    /// The weights of one rule feature for one model, one per class.
    #[inline]
    pub fn get(&self, part: &Part, key: u64) -> Option<[f32; MAX_COLUMNS]> {
        if !part.loaded {
            return None;
        }
        let at = self.wide.probe(key).ok()?;
        Some(part.weights(&self.wide.slots[at].w))
    }

    /// The sums of one model's weights over the text's feature occurrences, one per class.
    pub fn sums(&self, part: &Part, r: &Reading) -> [f32; MAX_COLUMNS] {
        let mut z = [0f32; MAX_COLUMNS];
        for (c, z) in z.iter_mut().enumerate().take(part.classes.len()) {
            *z = r.acc[part.first + c] as f32 * part.scale;
        }
        z
    }

    /// The occurrences that weigh most for one model: by the weight of its class `plus`, less
    /// that of `minus` if given.
    pub fn strongest(&self, part: &Part, r: &Reading, plus: usize, minus: Option<usize>) -> Strongest {
        let mut top = Strongest::default();
        if !part.loaded {
            return top;
        }
        let (plus, minus) = (part.first + plus, minus.map(|m| part.first + m));
        // The narrow table holds sentiment's weights alone.
        let sentiment = std::ptr::eq(part, &self.sentiment);
        for &(at, start, end) in &r.found {
            let w: &[i8] = if at & NARROW == 0 {
                &self.wide.slots[at as usize].w
            } else if sentiment {
                &self.narrow.slots[(at & !NARROW) as usize].w
            } else {
                continue;
            };
            let q = w[plus] as i32 - minus.map_or(0, |m| w[m] as i32);
            top.offer(q as f32 * part.scale, start as usize, end as usize);
        }
        top
    }
}

/// Adds a slot's weights to the sums, every lane at once (separate borrows let the compiler
/// use vector instructions).
#[inline]
fn add_lanes(acc: &mut [i32; LANES], w: &[i8; LANES]) {
    for (a, &w) in acc.iter_mut().zip(w) {
        *a += w as i32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_file_round_trips() {
        let text = "# a model\nclasses\tpos\nbias\t-0.1000\nw:质量\t0.5000\nc:太差\t-1.2500\nr:complaint\t2.0000\n";
        let m = ModelFile::parse("m.tsv", text).unwrap();
        assert_eq!(m.classes, ["pos"]);
        assert_eq!(m.features.len(), 3);
        assert_eq!(m.render("a model"), text);
    }

    #[test]
    fn malformed_model_lines_name_their_line() {
        let e = ModelFile::parse("m.tsv", "classes\ta\tb\nw:好\t1.0\n").unwrap_err();
        assert_eq!(e.to_string(), "m.tsv:2: expected 2 weights for `w:好` (one per class), found 1");
        let e = ModelFile::parse("m.tsv", "classes\ta\nw:好\tx\n").unwrap_err();
        assert_eq!(e.to_string(), "m.tsv:2: weight of `w:好` must be a number, found `x`");
        let e = ModelFile::parse("m.tsv", "w:好\t1\n").unwrap_err();
        assert!(e.to_string().starts_with("m.tsv:1: expected the `classes` line first"), "{e}");
    }

    #[test]
    fn pairs_with_is_alphanumeric() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(pairs_with(c), c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn keys_from_names_equal_keys_from_text() {
        assert_eq!(word_key("ABC１２"), word_key("abc00"));
        assert_eq!(pair_key('太', '差'), pair_key('太', '差'));
        assert_ne!(pair_key('太', '差'), pair_key('差', '太'));
        assert_ne!(word_key("太差"), pair_key('太', '差'));
    }
}
