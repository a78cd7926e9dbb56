//! PII: find and mask phone numbers, landlines, ID cards, bank cards, e-mails, street addresses
//! and recipient names, so row-level outputs never carry them.
//!
//! Digits are read as *chains*: digit groups joined by single separators (space, -, full-width
//! forms) with an optional +86 / 0086 in front, so 138 1234 5678 and +86-138-1234-5678 are one
//! number. A chain is classified whole, else its groups left to right. Order numbers are never
//! PII: a run longer than 11 digits is not a phone, a 16–19 digit run failing Luhn is not a card,
//! and any digits right after 订单号 / 单号 are an order number even when Luhn passes.
//!
//! Masking keeps the shape (separators and the characters' count): a phone keeps its first 3 and
//! last 4 digits (138****5678), a landline its area code and last 4, an ID card its first 6 and
//! last 4 (110105********002X), a bank card its first 4 and last 4, an e-mail its first character
//! and domain (a***@example.com), an address its province/city prefix (浙江省杭州市*********), a name
//! its surname (张*).

use std::borrow::Cow;

use regex::Regex;

use crate::digits::{digit, is_id15, is_id18, is_mobile, luhn, order_context};
use crate::hash::CharSet;

/// One PII item found in a text (byte offsets, on char boundaries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiMatch {
    /// phone | landline | id_card | bank_card | email | address | name
    pub kind: String,
    pub start: usize,
    pub end: usize,
}

/// How to hide a byte range.
#[derive(Debug, Clone)]
enum Edit {
    /// Every non-space character becomes `*`.
    Stars,
    /// The range becomes this text.
    Fixed(&'static str),
}

/// A match and how to mask it.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub m: PiiMatch,
    edits: Vec<(usize, usize, Edit)>,
}

pub(crate) struct PiiScanner {
    email: Regex,
    address: Regex,
    name: Regex,
    order_words: Vec<String>,
    cues: CharSet,
}

/// A phone, ID or card is at most this many separated groups (+86 138 1234 5678 is 4).
const MAX_WINDOW_GROUPS: usize = 6;
/// Fewer digits than this in all are no phone, landline, ID or card.
const MIN_NUMBER_DIGITS: usize = 7;
/// Numerals of a house number besides digits (文三路一号).
const CHINESE_NUMERALS: &str = "一二三四五六七八九十百零";
/// Every character the pass in [`PiiScanner::find`] looks at besides digits.
const CUES: &str = "@＠号栋幢室弄座单路街巷胡区园寓厦村苑道县镇收姓联一二三四五六七八九十百零";
const NAME_WORDS: &[&str] = &["收件", "收货人", "姓名", "联系人"];
const NAME_STOPS: &[&str] =
    &["电话", "手机", "号码", "地址", "联系", "先生", "女士", "小姐", "收", "的", "电", "手", "地"];

impl PiiScanner {
    pub fn new(order_words: &[String]) -> PiiScanner {
        // H: Han characters that can be part of a place name (not common verbs and pronouns,
        // so 寄到文三路… keeps 寄到).
        let h = r"[\p{Han}--[的了是到在我你他她把给寄送发收址从往去来和与或及请帮改填写住]]";
        let address = format!(
            r"(?x)
            (?P<keep>(?:{h}{{2,6}}?(?:省|自治区))?(?:{h}{{2,6}}?市)?)
            (?P<rest>
              (?:{h}{{1,6}}?(?:区|县|旗))?
              (?:{h}{{1,8}}?(?:街道|镇|乡))?
              (?:
                 (?:{h}|[A-Za-z0-9]){{1,10}}?(?:路|街|大道|巷|胡同)(?:[东西南北中一二三四五六七八九十]+段)?[0-9０-９一二三四五六七八九十百零]+(?:号|弄|巷)
               | (?:{h}|[A-Za-z0-9]){{1,10}}?(?:小区|花园|公寓|大厦|家园|新村|苑|村)(?:{h}|[A-Za-z0-9]){{0,8}}?[0-9０-９一二三四五六七八九十]+(?:栋|幢|号楼|座|单元|号)
              )
              (?:{h}|[A-Za-z0-9０-９\-－])*
            )"
        );
        PiiScanner {
            email: Regex::new(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
                .expect("email regex"),
            address: Regex::new(&address).expect("address regex"),
            name: Regex::new(r"(?:收件人|收货人|姓名|联系人|收件者)(?:是|为|叫)?[：:\s]*(?P<n>\p{Han}{2,4})")
                .expect("name regex"),
            order_words: order_words.to_vec(),
            cues: CUES.chars().fold(CharSet::default(), |mut set, c| {
                set.insert(c);
                set
            }),
        }
    }

    /// Every PII item, in text order, non-overlapping.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let mut found: Vec<Found> = Vec::new();
        // One pass over the characters decides which of the regexes can match at all. Most
        // characters are none of the cues: one bitmap test each.
        let (mut at, mut addr, mut place, mut name) = (false, false, false, false);
        // An address needs a number right before 号 / 弄 / 栋 … (文三路123号, 3栋), whatever else.
        let (mut numbered, mut after_numeral) = (false, false);
        let mut digits = 0usize;
        for c in text.chars() {
            if digit(c).is_some() {
                digits += 1;
                after_numeral = true;
                continue;
            }
            if !self.cues.contains(c) {
                after_numeral = false;
                continue;
            }
            match c {
                '@' | '＠' => at = true,
                '号' | '栋' | '幢' | '室' | '弄' | '座' | '单' => addr = true,
                '路' | '街' | '巷' | '胡' | '区' | '园' | '寓' | '厦' | '村' | '苑' | '道' | '县' | '镇' => {
                    place = true
                }
                '收' | '姓' | '联' => name = true,
                _ => {}
            }
            if after_numeral && matches!(c, '号' | '弄' | '巷' | '栋' | '幢' | '座' | '单') {
                numbered = true;
            }
            after_numeral = CHINESE_NUMERALS.contains(c);
        }
        if at {
            self.emails(text, &mut found);
        }
        if addr && place && digits > 0 && numbered {
            self.addresses(text, &mut found);
        }
        if name && NAME_WORDS.iter().any(|w| text.contains(w)) {
            self.names(text, &mut found);
        }
        if digits == 0 {
            return found; // e-mails and names: never overlapping
        }
        // A phone, ID or card has at least 7 digits (see `classify`).
        if digits >= MIN_NUMBER_DIGITS {
            let taken: Vec<(usize, usize)> = found.iter().map(|f| (f.m.start, f.m.end)).collect();
            for chain in chains(text) {
                if taken.iter().any(|&(s, e)| chain.start() < e && s < chain.end()) {
                    continue;
                }
                self.classify_chain(text, &chain, &mut found);
            }
        }
        found.sort_by_key(|f| f.m.start);
        let mut out: Vec<Found> = Vec::with_capacity(found.len());
        for f in found {
            if out.last().is_some_and(|l| f.m.start < l.m.end) {
                continue;
            }
            out.push(f);
        }
        out
    }

    /// `text` with every found item masked.
    pub fn mask<'a>(text: &'a str, found: &[Found]) -> Cow<'a, str> {
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut edits: Vec<&(usize, usize, Edit)> = found.iter().flat_map(|f| f.edits.iter()).collect();
        edits.sort_by_key(|e| e.0);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (s, e, edit) in edits {
            if *s < at {
                continue;
            }
            out.push_str(&text[at..*s]);
            match edit {
                Edit::Stars => {
                    for c in text[*s..*e].chars() {
                        out.push(if c.is_whitespace() { c } else { '*' });
                    }
                }
                Edit::Fixed(f) => out.push_str(f),
            }
            at = *e;
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }

    fn emails(&self, text: &str, found: &mut Vec<Found>) {
        for m in self.email.find_iter(text) {
            let s = m.as_str();
            let at = s.find(['@', '＠']).unwrap_or(0);
            let first = s.chars().next().map_or(0, char::len_utf8);
            let edits = if at > first { vec![(m.start() + first, m.start() + at, Edit::Fixed("***"))] } else { vec![] };
            found.push(Found { m: pii("email", m.start(), m.end()), edits });
        }
    }

    fn addresses(&self, text: &str, found: &mut Vec<Found>) {
        for c in self.address.captures_iter(text) {
            let (Some(all), Some(rest)) = (c.get(0), c.name("rest")) else { continue };
            if rest.as_str().chars().count() < 4 {
                continue;
            }
            found.push(Found {
                m: pii("address", all.start(), all.end()),
                edits: vec![(rest.start(), rest.end(), Edit::Stars)],
            });
        }
    }

    fn names(&self, text: &str, found: &mut Vec<Found>) {
        for c in self.name.captures_iter(text) {
            let Some(n) = c.name("n") else { continue };
            let mut name = n.as_str();
            // The class is greedy: 张三电话… must stop before 电话.
            for (i, _) in name.char_indices().skip(2) {
                if NAME_STOPS.iter().any(|s| name[i..].starts_with(s)) {
                    name = &name[..i];
                    break;
                }
            }
            let start = n.start();
            let end = start + name.len();
            let first = name.chars().next().map_or(0, char::len_utf8);
            found.push(Found { m: pii("name", start, end), edits: vec![(start + first, end, Edit::Stars)] });
        }
    }

    fn classify_chain(&self, text: &str, chain: &Chain, found: &mut Vec<Found>) {
        let ctx = order_context(text, chain.start(), &self.order_words);
        let n = chain.groups.len();
        if let Some(f) = classify(chain, 0, n, ctx) {
            found.push(f);
            return;
        }
        if n == 1 {
            return;
        }
        // Separators may join two numbers (订单号 123… 138 1234 5678): try group windows.
        let mut i = 0;
        while i < n {
            let mut matched = false;
            for j in (i + 1..=n.min(i + MAX_WINDOW_GROUPS)).rev() {
                if i == 0 && j == n {
                    continue;
                }
                if let Some(f) = classify(chain, i, j, ctx && i == 0) {
                    found.push(f);
                    i = j;
                    matched = true;
                    break;
                }
            }
            if !matched {
                i += 1;
            }
        }
    }
}

fn pii(kind: &str, start: usize, end: usize) -> PiiMatch {
    PiiMatch { kind: kind.to_string(), start, end }
}

/// Digits (and a trailing X) with the byte range of each.
struct Group {
    chars: Vec<(char, usize, usize)>,
}

/// Digit groups joined by single separators, with an optional leading `+`.
struct Chain {
    plus: Option<usize>,
    groups: Vec<Group>,
}

impl Chain {
    fn start(&self) -> usize {
        self.plus.unwrap_or(self.groups[0].chars[0].1)
    }
    fn end(&self) -> usize {
        self.groups.last().and_then(|g| g.chars.last()).map_or(0, |c| c.2)
    }
}

fn is_sep(c: char) -> bool {
    matches!(c, ' ' | '-' | '－' | '\u{3000}' | '—' | '‐' | '\u{a0}')
}

fn chains(text: &str) -> Vec<Chain> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    let mut cur: Option<Chain> = None;
    let mut after_sep = false;
    while let Some((i, c)) = it.next() {
        let next_is_digit = it.peek().is_some_and(|&(_, n)| digit(n).is_some());
        if let Some(d) = digit(c) {
            let end = i + c.len_utf8();
            match cur.as_mut() {
                Some(ch) if after_sep || ch.groups.is_empty() => ch.groups.push(Group { chars: vec![(d, i, end)] }),
                Some(ch) => ch.groups.last_mut().expect("a group").chars.push((d, i, end)),
                None => cur = Some(Chain { plus: None, groups: vec![Group { chars: vec![(d, i, end)] }] }),
            }
            after_sep = false;
            continue;
        }
        let id_check = |ch: &Chain| ch.groups.iter().map(|g| g.chars.len()).sum::<usize>() >= 17;
        if (c == 'X' || c == 'x') && !after_sep && cur.as_ref().is_some_and(id_check) {
            if let Some(ch) = cur.as_mut() {
                ch.groups.last_mut().expect("a group").chars.push(('X', i, i + 1));
            }
            out.extend(cur.take().filter(|ch| !ch.groups.is_empty()));
            continue;
        }
        if is_sep(c) && next_is_digit && !after_sep {
            if let Some(ch) = cur.as_mut() {
                if !ch.groups.is_empty() {
                    after_sep = true;
                    continue;
                }
            }
        }
        out.extend(cur.take().filter(|ch| !ch.groups.is_empty()));
        after_sep = false;
        if (c == '+' || c == '＋') && next_is_digit {
            cur = Some(Chain { plus: Some(i), groups: Vec::new() });
        }
    }
    out.extend(cur.take().filter(|ch| !ch.groups.is_empty()));
    out
}

/// Classify groups i..j of a chain; `ctx` = an order-number word stands before it.
fn classify(chain: &Chain, i: usize, j: usize, ctx: bool) -> Option<Found> {
    let chars: Vec<(char, usize, usize)> = chain.groups[i..j].iter().flat_map(|g| g.chars.iter().copied()).collect();
    if chars.len() < MIN_NUMBER_DIGITS {
        return None;
    }
    let d: String = chars.iter().map(|c| c.0).collect();
    let plus = chain.plus.filter(|_| i == 0);
    let start = plus.unwrap_or(chars[0].1);
    let end = chars[chars.len() - 1].2;
    let stars = |from: usize, to: usize| -> Vec<(usize, usize, Edit)> {
        chars[from..to].iter().map(|c| (c.1, c.2, Edit::Stars)).collect()
    };
    // Country code: +86…, 0086…, or 86 + a mobile number.
    let prefix = if plus.is_some() && d.starts_with("86") {
        2
    } else if d.starts_with("0086") {
        4
    } else if d.len() == 13 && d.starts_with("86") && is_mobile(&d[2..]) {
        2
    } else {
        0
    };
    let national = &d[prefix..];
    if is_mobile(national) {
        return Some(Found { m: pii("phone", start, end), edits: stars(prefix + 3, prefix + 7) });
    }
    if ctx || prefix > 0 {
        return None;
    }
    if let Some(area) = landline_area(&d, j - i > 1 && chain.groups[i].chars.len() <= 4) {
        return Some(Found { m: pii("landline", start, end), edits: stars(area, d.len() - 4) });
    }
    if is_id18(&d) || is_id15(&d) {
        return Some(Found { m: pii("id_card", start, end), edits: stars(6, d.len() - 4) });
    }
    if (16..=19).contains(&d.len()) && !d.starts_with('0') && luhn(&d) {
        return Some(Found { m: pii("bank_card", start, end), edits: stars(4, d.len() - 4) });
    }
    None
}

/// Area-code length if `d` is a landline: 010/02X + 8 digits, or 0XXX + 7–8 digits. Without a
/// separator after the area code only the full 11/12-digit forms count.
fn landline_area(d: &str, separated: bool) -> Option<usize> {
    let b = d.as_bytes();
    if b.len() < 10 || b[0] != b'0' || b[1] == b'0' || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let area = if b[1] == b'1' || b[1] == b'2' { 3 } else { 4 };
    let local = b.len() - area;
    let ok = if area == 3 { local == 8 } else { local == 7 || local == 8 };
    (ok && (separated || b.len() >= 11)).then_some(area)
}
