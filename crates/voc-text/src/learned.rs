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
fn pairs_with(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    // CJK first: nearly every character, and `is_alphanumeric` takes a slow table walk for it.
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}') || ('０'..='９').contains(&c) || c.is_alphanumeric()
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

/// A model ready for lookups: feature key -> its weights, inline in one open-addressing table
/// of small slots (a 32-bit fingerprint of the key and the weights quantised to `i8` with one
/// scale for the model), so the table of a hundred thousand features stays within a megabyte or
/// two and a lookup is one cache line: a row reads a hundred features, and the lookups are what
/// the learned analysis costs. `W` is the most classes it holds; a model with more is left empty
/// (its classes are kept, so the caller can tell).
pub(crate) struct LinearModel<const W: usize> {
    pub classes: Vec<String>,
    pub bias: Vec<f32>,
    /// (fingerprint, weights / scale); fingerprint 0 = empty slot. Linear probing, power-of-two
    /// size, indexed by the key's low bits, matched by its high 32.
    slots: Vec<(u32, [i8; W])>,
    /// What one step of a quantised weight is worth.
    scale: f32,
    len: usize,
}

impl<const W: usize> Default for LinearModel<W> {
    fn default() -> Self {
        LinearModel { classes: Vec::new(), bias: Vec::new(), slots: Vec::new(), scale: 0.0, len: 0 }
    }
}

/// The slot fingerprint of a key: its high half, never 0.
#[inline]
fn fingerprint(key: u64) -> u32 {
    ((key >> 32) as u32).max(1)
}

impl<const W: usize> LinearModel<W> {
    pub fn new(file: &ModelFile) -> LinearModel<W> {
        let k = file.classes.len();
        let mut m = LinearModel {
            classes: file.classes.clone(),
            bias: file.bias.iter().map(|&b| b as f32).collect(),
            ..LinearModel::default()
        };
        if k == 0 || k > W || file.features.is_empty() {
            return m;
        }
        let max = file.features.iter().flat_map(|(_, ws)| ws.iter()).fold(0f64, |a, w| a.max(w.abs()));
        m.scale = (max / 127.0).max(f64::MIN_POSITIVE) as f32;
        let size = (file.features.len() * 3 / 2 + 1).next_power_of_two();
        m.slots = vec![(0, [0; W]); size];
        for (name, ws) in &file.features {
            let key = match name.split_at(2) {
                ("w:", w) => word_key(w),
                ("r:", r) => rule_key(r),
                (_, pair) => {
                    let mut cs = pair.chars();
                    match (cs.next(), cs.next(), cs.next()) {
                        (Some(a), Some(b), None) => pair_key(a, b),
                        (Some(a), None, None) => pair_key(a, '\0'),
                        _ => continue, // not one or two characters: can never occur
                    }
                }
            };
            let mut q = [0i8; W];
            for (slot, &v) in q.iter_mut().zip(ws) {
                *slot = (v / m.scale as f64).round().clamp(-127.0, 127.0) as i8;
            }
            let (mask, fp) = (size - 1, fingerprint(key));
            let mut i = key as usize & mask;
            while m.slots[i].0 != 0 && m.slots[i].0 != fp {
                i = (i + 1) & mask;
            }
            if m.slots[i].0 == 0 {
                m.len += 1;
            }
            m.slots[i] = (fp, q);
        }
        m
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The weights of a feature, one per class (the first `classes.len()` count).
    #[inline]
    pub fn get(&self, key: u64) -> Option<[f32; W]> {
        if self.slots.is_empty() {
            return None;
        }
        let (mask, fp) = (self.slots.len() - 1, fingerprint(key));
        let mut i = key as usize & mask;
        loop {
            let (f, q) = &self.slots[i];
            if *f == fp {
                let mut w = [0f32; W];
                for (w, &q) in w.iter_mut().zip(q) {
                    *w = q as f32 * self.scale;
                }
                return Some(w);
            }
            if *f == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
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
    fn keys_from_names_equal_keys_from_text() {
        assert_eq!(word_key("ABC１２"), word_key("abc00"));
        assert_eq!(pair_key('太', '差'), pair_key('太', '差'));
        assert_ne!(pair_key('太', '差'), pair_key('差', '太'));
        assert_ne!(word_key("太差"), pair_key('太', '差'));
    }
}
