//! Never panic, whatever the text: arbitrary Unicode, control characters, huge inputs.

use proptest::prelude::*;
use voc_text::{Analysis, Analyzer};

fn check(text: &str) -> Analysis<'_> {
    let a = Analyzer::builtin();
    let r = a.analyze(text);
    assert!((-1.0..=1.0).contains(&r.sentiment.score), "score {}", r.sentiment.score);
    for m in &r.pii {
        assert!(m.start < m.end && m.end <= text.len(), "{m:?}");
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end), "{m:?}");
    }
    for w in r.pii.windows(2) {
        assert!(w[0].end <= w[1].start, "PII matches overlap: {w:?}");
    }
    let _ = a.normalize_question(text);
    r
}

/// Fragments that exercise every rule, glued at random.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("亲".to_string()),
        Just("不太满意".to_string()),
        Just("但是".to_string()),
        Just("物流太慢".to_string()),
        Just("没有破损".to_string()),
        Just("订单号".to_string()),
        Just("收件人：".to_string()),
        Just("浙江省杭州市西湖区文三路123号".to_string()),
        Just("+86".to_string()),
        Just("@".to_string()),
        Just("😭".to_string()),
        Just("❤️".to_string()),
        Just("[微笑]".to_string()),
        Just("\u{301}".to_string()),
        Just("\u{FFFD}".to_string()),
        Just("\u{E000}".to_string()),
        Just("\u{0}\u{7}\t\r\n".to_string()),
        Just("－".to_string()),
        Just("Ｘ".to_string()),
        Just("X".to_string()),
        "[0-9０-９ \\-]{1,25}",
        "[a-zA-Z.@_]{1,12}",
        "\\PC{0,8}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_unicode_never_panics(s in any::<String>()) {
        check(&s);
    }

    #[test]
    fn rule_fragments_never_panic(parts in proptest::collection::vec(fragment(), 0..12)) {
        let text = parts.concat();
        let r = check(&text);
        let a = Analyzer::builtin();
        prop_assert_eq!(&r.masked, &a.mask_pii(&text));
        prop_assert_eq!(&r.tags, &a.tags(&text));
        // Masking never changes text outside the matches it reports.
        if r.pii.is_empty() {
            prop_assert_eq!(&r.masked, &text);
        }
    }
}

#[test]
fn explicit_edge_cases() {
    let cases = [
        "",
        " ",
        "😊😭👍❤️💔😡🤮",
        "This product is great, fast shipping, would buy again!",
        "0123456789",
        "13812345678",
        "１２３４５６７８９０１２３４５６７８９０",
        "\u{0}\u{1}\u{2}\u{1b}[31m\u{7f}",
        "\u{301}\u{301}\u{301}",
        "\u{FFFD}\u{FFFD}",
        "\u{E000}\u{F8FF}\u{10FFFF}",
        "\u{200B}\u{200D}\u{FEFF}",
        "+",
        "+86",
        "+86-",
        "订单号",
        "收件人：",
        "@@@@",
        "a@b",
        "X",
        "12345678901234567X",
        "路1号",
        "----------",
        "我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我我",
    ];
    for c in cases {
        check(c);
    }
    let r = check("");
    assert!(r.tokens.is_empty() && r.keywords.is_empty() && r.pii.is_empty() && r.masked.is_empty());
    assert_eq!(r.intent.label, "other");
    assert_eq!(r.sentiment.label, "neutral");
}

#[test]
fn a_one_megabyte_text_is_handled() {
    let unit = "亲，物流太慢了，订单号1234567890123456789，电话138 1234 5678，地址浙江省杭州市西湖区文三路123号。质量不错😊但是有色差！";
    let mut big = String::new();
    while big.len() < 1 << 20 {
        big.push_str(unit);
    }
    let r = check(&big);
    // Read on its first max_chars characters, and said so.
    assert!(r.truncated && r.masked.ends_with(voc_text::TRUNCATED_MARK));
    assert!(r.masked.chars().count() <= Analyzer::builtin().max_chars() + voc_text::TRUNCATED_MARK.chars().count());
    assert!(!r.masked.contains("138 1234 5678"));
    assert!(r.masked.contains("1234567890123456789"));
    assert_eq!(r.order_ids, vec!["1234567890123456789"]);
    let digits = "1".repeat(1 << 20);
    check(&digits);
    let spaced = "1 ".repeat(1 << 19);
    check(&spaced);
    let emoji = "😭".repeat(1 << 18);
    assert_eq!(check(&emoji).sentiment.label, "negative");
    let latin = "abc ".repeat(1 << 18);
    check(&latin);
}

#[test]
fn a_text_longer_than_max_chars_is_analysed_on_its_first_max_chars() {
    let a = Analyzer::builtin();
    let n = a.max_chars();
    let unit = "质量很差，电话13812345678，要退货！";
    let long = unit.repeat(n / unit.chars().count() + 2);
    let head: String = long.chars().take(n).collect();
    let (cut, was_cut) = a.cut(&long);
    assert!(was_cut && cut == head);
    let (full, short) = (a.analyze(&long), a.analyze(&head));
    assert!(full.truncated && !short.truncated);
    assert_eq!(full.tokens, short.tokens);
    assert_eq!(full.sentiment, short.sentiment);
    assert_eq!(full.intent, short.intent);
    assert_eq!(full.tags, short.tags);
    assert_eq!(full.masked, format!("{}{}", short.masked, voc_text::TRUNCATED_MARK));
    assert!(!full.masked.contains("13812345678"));
    assert_eq!(a.mask_pii(&long), full.masked);
    assert_eq!(a.sentiment(&long), short.sentiment);
    assert!(!a.analyze(unit).truncated);
}
