//! Personal data in the spellings customers actually type.

use crate::rng::Rng;
use crate::vocab::*;

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The check character of an ID card's first 17 digits.
pub fn id_check_char(first17: &str) -> char {
    let s: u32 = first17.bytes().zip(ID_WEIGHTS.iter()).map(|(b, w)| (b - b'0') as u32 * w).sum();
    ID_CHECK[(s % 11) as usize] as char
}

/// True when an 18-character mainland ID number has a valid checksum.
pub fn id_card_valid(id: &str) -> bool {
    id.len() == 18
        && id[..17].bytes().all(|b| b.is_ascii_digit())
        && id.as_bytes()[17].to_ascii_uppercase() as char == id_check_char(&id[..17])
}

pub fn id_card(rng: &mut Rng, want_x: bool) -> String {
    loop {
        let year = rng.range(1965, 2005);
        let month = rng.range(1, 13);
        let day = rng.range(1, 29);
        let first17 = format!("{}{year:04}{month:02}{day:02}{:03}", rng.pick(ID_AREAS), rng.below(1000));
        let c = id_check_char(&first17);
        if want_x && c != 'X' {
            continue;
        }
        return format!("{first17}{c}");
    }
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap() } else { c })
        .collect()
}

/// A mobile number in one of several spellings.
pub fn phone(rng: &mut Rng) -> String {
    let n = format!("{}{}", rng.pick(MOBILE_PREFIXES), rng.digits(8, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    let (a, b, c) = (&n[..3], &n[3..7], &n[7..]);
    match rng.below(8) {
        0 | 1 => n.clone(),
        2 => format!("{a} {b} {c}"),
        3 => format!("{a}-{b}-{c}"),
        4 => format!("+86 {n}"),
        5 => format!("+86-{a}-{b}-{c}"),
        6 => full_width(&n),
        _ => format!("+86{n}"),
    }
}

pub fn email(rng: &mut Rng) -> String {
    format!("{}{}@{}", rng.pick(MAIL_NAMES), rng.below(1000), rng.pick(MAIL_DOMAINS))
}

pub fn person_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

pub fn address(rng: &mut Rng) -> String {
    let (prov, cities) = rng.pick(PLACES);
    let (city, dists) = rng.pick(cities);
    let p = if prov == city { String::new() } else { prov.to_string() };
    format!(
        "{p}{city}{}{}{}号{}{}栋{}室",
        rng.pick(dists),
        rng.pick(ROADS),
        rng.range(1, 300),
        rng.pick(COMPOUNDS),
        rng.range(1, 30),
        rng.range(101, 2600)
    )
}

/// A piece of personal data planted in a customer message (`_truth/pii`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PiiItem {
    /// phone, id_card, email, address or name
    pub kind: &'static str,
    /// exactly as written in the message
    pub value: String,
}

fn item(kind: &'static str, value: String) -> PiiItem {
    PiiItem { kind, value }
}

/// One customer message carrying personal data, and the items planted in it.
pub fn pii_message(rng: &mut Rng) -> (String, Vec<PiiItem>) {
    match rng.below(6) {
        0 => {
            let (n, p, a) = (person_name(rng), phone(rng), address(rng));
            (
                format!("改一下地址，收件人：{n}，电话{p}，地址{a}"),
                vec![item("name", n), item("phone", p), item("address", a)],
            )
        }
        1 => {
            let p = phone(rng);
            (format!("我电话是{p}，有事打我"), vec![item("phone", p)])
        }
        2 => {
            let x = rng.chance(0.3);
            let id = id_card(rng, x);
            let n = person_name(rng);
            (format!("姓名：{n} 身份证号{id}，实名要用的"), vec![item("name", n), item("id_card", id)])
        }
        3 => {
            let e = email(rng);
            (format!("发票发我邮箱 {e} 谢谢"), vec![item("email", e)])
        }
        4 => {
            let (a, p) = (address(rng), phone(rng));
            (format!("新地址：{a}，手机 {p}"), vec![item("address", a), item("phone", p)])
        }
        _ => {
            let x = rng.chance(0.5);
            let id = id_card(rng, x);
            (format!("身份证{id}，帮我查下订单"), vec![item("id_card", id)])
        }
    }
}
