//! Digit runs and the checks that tell a phone from an ID card, a bank card and an order number.
//!
//! PII masking and order-id extraction must agree on what a digit string is, or an order number
//! could be masked as a card in one column and reported as an order in the next. Both read digits
//! through here: ASCII or full-width, normalised to ASCII.

use std::borrow::Cow;

/// The ASCII digit of `c` (ASCII or full-width).
pub(crate) fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

/// Whether `text` has a digit (ASCII or full-width), without decoding characters.
pub(crate) fn has_digit(text: &str) -> bool {
    let b = text.as_bytes();
    if b.iter().any(u8::is_ascii_digit) {
        return true;
    }
    // Full-width ０-９ are EF BC 90-99 in UTF-8.
    b.windows(3).any(|w| w[0] == 0xEF && w[1] == 0xBC && (0x90..=0x99).contains(&w[2]))
}

/// A maximal run of digits with no separators inside.
pub(crate) struct Run<'a> {
    pub start: usize,
    pub end: usize,
    /// The digits in ASCII: the text itself unless it had full-width digits.
    pub digits: Cow<'a, str>,
}

pub(crate) fn runs(text: &str) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, usize, bool)> = None; // start, end, all ASCII
    let close = |(start, end, ascii): (usize, usize, bool)| {
        let raw = &text[start..end];
        let digits = if ascii { Cow::Borrowed(raw) } else { Cow::Owned(raw.chars().filter_map(digit).collect()) };
        Run { start, end, digits }
    };
    for (i, c) in text.char_indices() {
        if digit(c).is_some() {
            let end = i + c.len_utf8();
            match cur.as_mut() {
                Some(r) => {
                    r.1 = end;
                    r.2 &= c.is_ascii();
                }
                None => cur = Some((i, end, c.is_ascii())),
            }
        } else if let Some(r) = cur.take() {
            out.push(close(r));
        }
    }
    out.extend(cur.map(close));
    out
}

/// A mainland mobile number: 11 digits, 1[3-9]…
pub(crate) fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit)
}

/// Luhn checksum (bank cards).
pub(crate) fn luhn(d: &str) -> bool {
    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut sum = 0u32;
    for (i, b) in d.bytes().rev().enumerate() {
        let mut v = (b - b'0') as u32;
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

fn plausible_date(y: u32, m: u32, d: u32) -> bool {
    (1900..=2099).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

/// An 18-digit resident ID (GB 11643-1999): region, birth date, sequence, checksum (0-9 or X).
pub(crate) fn is_id18(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !(b'1'..=b'8').contains(&b[0]) || !plausible_date(num(&d[6..10]), num(&d[10..12]), num(&d[12..14])) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = b[..17].iter().zip(W).map(|(c, w)| (c - b'0') as u32 * w).sum();
    b[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

/// A 15-digit first-generation ID: region and a plausible 19YYMMDD birth date.
pub(crate) fn is_id15(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 15
        && b.iter().all(u8::is_ascii_digit)
        && (b'1'..=b'8').contains(&b[0])
        && plausible_date(1900 + num(&d[6..8]), num(&d[8..10]), num(&d[10..12]))
}

/// Whether an order-number word (订单号, 单号 …) stands just before byte `start`, in the same
/// sentence: then the digits that follow are an order number whatever else they look like.
pub(crate) fn order_context(text: &str, start: usize, words: &[String]) -> bool {
    let before = &text[..start];
    if before.chars().next_back().is_some_and(|c| c.is_ascii_alphabetic()) {
        return false; // SF123…, JDV…: a tracking or model number, not after the word itself
    }
    let mut from = start;
    for (n, (i, c)) in before.char_indices().rev().enumerate() {
        if n >= 10 || matches!(c, '，' | '。' | '！' | '？' | '；' | ',' | '!' | '?' | ';' | '\n') {
            break;
        }
        from = i;
    }
    let window = &before[from..];
    words.iter().any(|w| window.contains(w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_checksum() {
        assert!(is_id18("11010519491231002X"));
        assert!(!is_id18("110105194912310021"));
        assert!(is_id15("110105491231002"));
    }

    #[test]
    fn luhn_known_numbers() {
        assert!(luhn("4111111111111111"));
        assert!(luhn("6011111111111117"));
        assert!(!luhn("4111111111111112"));
    }

    #[test]
    fn has_digit_sees_ascii_and_full_width() {
        assert!(has_digit("订单号１２"));
        assert!(has_digit("a1"));
        assert!(!has_digit("没有数字，ＡＢＣ！"));
        assert!(!has_digit(""));
    }

    #[test]
    fn full_width_digits_normalise() {
        let r = runs("电话１３８１２３４５６７８");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].digits, "13812345678");
    }
}
