//! Linear models learned from labelled text: the sentiment model (`config/sentiment/model.tsv`,
//! trained on real reviews and the chat development set), the intent model
//! (`config/intent_model.tsv`) and the tag model (`config/tags_model.tsv`), both trained on the
//! chat development set.
//!
//! Linear, because a decision must stay explainable: every weight belongs to a named feature (a
//! word of the segmentation, `w:质量`, a character or two adjacent characters of the text,
//! `c:差` / `c:太差`, or a rule that fired, `r:complaint`), so a score is a sum whose largest
//! terms the evidence can name. It costs one table lookup per feature occurrence, no allocation.
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
    /// Byte range in the text (a token, one character or two).
    pub start: usize,
    pub end: usize,
    pub kind: FeatureKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeatureKind {
    Word,
    /// One character, or two adjacent ones.
    Chars,
}

impl FeatureKind {
    fn prefix(self) -> &'static str {
        match self {
            FeatureKind::Word => "w:",
            FeatureKind::Chars => "c:",
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
/// Never 0, the empty slot of [`LinearModel`].
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

/// The key of a rule feature (`r:<label>`).
pub(crate) fn rule_key(label: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write_u8(b'r');
    h.write(label.as_bytes());
    mix(h.finish())
}

/// Every feature of a segmented text: its words, then its characters and character pairs.
pub(crate) fn for_each_feature(text: &str, toks: &[Tok], mut f: impl FnMut(Occurrence)) {
    for t in toks.iter().filter(|t| t.is_term()) {
        f(Occurrence { key: word_key(t.text), start: t.start, end: t.end, kind: FeatureKind::Word });
    }
    if let (Some(first), Some(last)) = (toks.first(), toks.last()) {
        for_each_char(&text[..last.end], first.start, f);
    }
}

/// Every letter or digit of `text[from..]` alone (key `pair_key(c, '\0')`, name `c:x`), and every
/// pair of adjacent ones.
#[inline]
pub(crate) fn for_each_char(text: &str, from: usize, mut f: impl FnMut(Occurrence)) {
    let mut prev: Option<(usize, char)> = None;
    for (i, c) in text[from..].char_indices() {
        let at = from + i;
        if pairs_with(c) {
            f(Occurrence { key: pair_key(c, '\0'), start: at, end: at + c.len_utf8(), kind: FeatureKind::Chars });
            if let Some((p, pc)) = prev {
                f(Occurrence { key: pair_key(pc, c), start: p, end: at + c.len_utf8(), kind: FeatureKind::Chars });
            }
            prev = Some((at, c));
        } else {
            prev = None;
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
                    format!("expected a feature `w:word`, `c:two characters`, `r:rule` or `bias`, found `{name}`"),
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

/// The three learned models in one table ready for lookups: feature key -> the weights of every
/// model, side by side in one 32-byte slot (a 32-bit fingerprint of the key and [`LANES`] weights
/// quantised to `i8`: sentiment's 3 columns, intent's, then the tags'). A text's features are
/// found once ([`Learned::read`]): one key and one lookup an occurrence serve all three models,
/// and the weights are summed as integers, every lane at once. The evidence is picked afterwards,
/// only for the class that won, from the occurrences the table knew.
///
/// A model whose columns do not fit its lanes (intent over [`MAX_INTENTS`], tags over what is
/// left, sentiment not exactly negative/neutral/positive is the caller's check) is left empty;
/// its classes are kept, so the caller can tell.
pub(crate) struct Learned {
    /// Open addressing, linear probing, power-of-two size, indexed by the key's low bits and
    /// matched by its high 32; fingerprint 0 = empty slot.
    slots: Vec<Slot>,
    pub sentiment: Part,
    pub intent: Part,
    pub tags: Part,
}

/// Weights a slot holds: 3 for sentiment, up to [`MAX_INTENTS`] for intent, the rest for tags.
pub(crate) const LANES: usize = 28;
/// The most classes an intent model may have.
pub(crate) const MAX_INTENTS: usize = 8;
/// The most columns any model may have (the size of the score arrays handed out).
pub(crate) const MAX_COLUMNS: usize = LANES - 3;

#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    fp: u32,
    w: [i8; LANES],
}

/// One model's place in the joint table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Part {
    pub classes: Vec<String>,
    pub bias: Vec<f32>,
    /// Its first lane.
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
}

/// What the learned models read in one text: the sums of every lane over its feature
/// occurrences, how many occurrences there were, and where the known ones lie.
pub(crate) struct Reading {
    acc: [i32; LANES],
    /// Feature occurrences read (known to the table or not).
    pub n: u32,
    /// (slot, start, end) of each occurrence the table knows, in text order.
    found: Vec<(u32, u32, u32)>,
}

/// The table is at most LOAD_NUM / LOAD_DEN full.
const LOAD_NUM: usize = 3;
const LOAD_DEN: usize = 4;

/// The slot fingerprint of a key: its high half, never 0.
#[inline]
fn fingerprint(key: u64) -> u32 {
    ((key >> 32) as u32).max(1)
}

/// The key a model file's feature name stands for, if it can occur at all.
fn name_key(name: &str) -> Option<u64> {
    match name.split_at(2) {
        ("w:", w) => Some(word_key(w)),
        ("r:", r) => Some(rule_key(r)),
        (_, pair) => {
            let mut cs = pair.chars();
            match (cs.next(), cs.next(), cs.next()) {
                (Some(a), Some(b), None) => Some(pair_key(a, b)),
                (Some(a), None, None) => Some(pair_key(a, '\0')),
                _ => None, // not one or two characters: can never occur
            }
        }
    }
}

impl Learned {
    /// The joint table of the sentiment model (words, characters, rules), the intent model and the
    /// tag model (characters and rules: their `w:` features are not read, so that intent and tags
    /// come out the same with or without a segmentation).
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
        let mut keys: Vec<u64> = files
            .iter()
            .zip(&parts)
            .filter(|(_, p)| p.loaded)
            .flat_map(|(f, _)| f.features.iter().filter_map(|(name, _)| name_key(name)))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let size = (keys.len() * LOAD_DEN / LOAD_NUM + 1).next_power_of_two();
        let mut slots = vec![Slot { fp: 0, w: [0; LANES] }; if keys.is_empty() { 0 } else { size }];
        for (i, (file, part)) in files.iter().zip(&parts).enumerate() {
            if !part.loaded {
                continue;
            }
            for (name, ws) in &file.features {
                if i > 0 && name.starts_with("w:") {
                    continue;
                }
                let Some(key) = name_key(name) else { continue };
                let at = probe(&slots, key).unwrap_or_else(|empty| {
                    slots[empty].fp = fingerprint(key);
                    empty
                });
                for (c, &v) in ws.iter().enumerate() {
                    slots[at].w[part.first + c] = (v / part.scale as f64).round().clamp(-127.0, 127.0) as i8;
                }
            }
        }
        let [sentiment, intent, tags] = parts;
        Learned { slots, sentiment, intent, tags }
    }

    /// Reads the features of `text`: with its tokens, the words and the characters (what
    /// sentiment reads), without, the characters alone (all intent and tags read).
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
        if self.slots.is_empty() {
            return r;
        }
        r.found.reserve(text.len() / 2);
        let mut add = |o: Occurrence| {
            r.n += 1;
            if let Ok(at) = probe(&self.slots, o.key) {
                add_lanes(&mut r.acc, &self.slots[at].w);
                r.found.push((at as u32, o.start as u32, o.end as u32));
            }
        };
        match toks {
            Some(toks) => for_each_feature(text, toks, &mut add),
            None => for_each_char(text, 0, &mut add),
        }
        r
    }

    /// The weights of one feature for one model, one per class.
    #[inline]
    pub fn get(&self, part: &Part, key: u64) -> Option<[f32; MAX_COLUMNS]> {
        if !part.loaded {
            return None;
        }
        let at = probe(&self.slots, key).ok()?;
        Some(part.weights(&self.slots[at]))
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
        let plus = part.first + plus;
        let minus = minus.map(|m| part.first + m);
        for &(at, start, end) in &r.found {
            let w = &self.slots[at as usize].w;
            let q = w[plus] as i32 - minus.map_or(0, |m| w[m] as i32);
            top.offer(q as f32 * part.scale, start as usize, end as usize);
        }
        top
    }
}

impl Part {
    #[inline]
    fn weights(&self, slot: &Slot) -> [f32; MAX_COLUMNS] {
        let mut w = [0f32; MAX_COLUMNS];
        for (c, w) in w.iter_mut().enumerate().take(self.classes.len()) {
            *w = slot.w[self.first + c] as f32 * self.scale;
        }
        w
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

/// The slot holding `key` (`Ok`), or the empty slot where it would go (`Err`). The table is never
/// more than half full, so a probe always ends.
#[inline]
fn probe(slots: &[Slot], key: u64) -> Result<usize, usize> {
    let (mask, fp) = (slots.len().wrapping_sub(1), fingerprint(key));
    if slots.is_empty() {
        return Err(0);
    }
    let mut i = key as usize & mask;
    loop {
        let f = slots[i].fp;
        if f == fp {
            return Ok(i);
        }
        if f == 0 {
            return Err(i);
        }
        i = (i + 1) & mask;
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
