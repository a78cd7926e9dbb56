//! Accuracy on hand-labelled cases (tests/data/*.tsv). Run with `-- --nocapture` to see figures.
//! Every case was written and labelled by hand; the figures are plain counts over them.

use std::collections::BTreeSet;

use voc_text::Analyzer;

fn rows(data: &str) -> Vec<Vec<&str>> {
    data.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(|l| l.split('\t').collect()).collect()
}

fn list(cell: &str) -> Vec<String> {
    if cell == "-" {
        Vec::new()
    } else {
        cell.split(',').map(|s| s.trim().to_string()).collect()
    }
}

#[test]
fn sentiment_label_accuracy() {
    let a = Analyzer::builtin();
    let cases = rows(include_str!("data/sentiment.tsv"));
    assert!(cases.len() >= 150, "{} cases", cases.len());
    let mut right = 0;
    let mut per_label: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for c in &cases {
        let s = a.sentiment(c[1]);
        let e = per_label.entry(c[0]).or_default();
        e.1 += 1;
        if s.label == c[0] {
            right += 1;
            e.0 += 1;
        } else {
            println!("  miss: want {} got {} ({:.2}) {} {:?}", c[0], s.label, s.score, c[1], s.evidence);
        }
    }
    let acc = right as f64 / cases.len() as f64;
    println!("sentiment label accuracy: {right}/{} = {acc:.3}", cases.len());
    for (l, (r, n)) in &per_label {
        println!("  {l}: {r}/{n}");
    }
    assert!(acc >= 0.85, "sentiment accuracy {acc:.3}");
}

/// A second set written after tuning and never used for it: the honest figure for unseen text.
#[test]
fn sentiment_holdout_accuracy() {
    let a = Analyzer::builtin();
    let cases = rows(include_str!("data/sentiment_holdout.tsv"));
    let right = cases.iter().filter(|c| a.sentiment(c[1]).label == c[0]).count();
    for c in cases.iter().filter(|c| a.sentiment(c[1]).label != c[0]) {
        let s = a.sentiment(c[1]);
        println!("  holdout miss: want {} got {} ({:.2}) {} {:?}", c[0], s.label, s.score, c[1], s.evidence);
    }
    let acc = right as f64 / cases.len() as f64;
    println!("sentiment hold-out accuracy: {right}/{} = {acc:.3}", cases.len());
    assert!(acc >= 0.75, "hold-out accuracy {acc:.3}");
}

#[test]
fn tag_precision_and_recall() {
    let a = Analyzer::builtin();
    let cases = rows(include_str!("data/tags.tsv"));
    assert!(cases.len() >= 80, "{} cases", cases.len());
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    for c in &cases {
        let want: BTreeSet<String> = list(c[0]).into_iter().collect();
        let got: BTreeSet<String> = a.tags(c[1]).into_iter().collect();
        tp += want.intersection(&got).count();
        fp += got.difference(&want).count();
        fneg += want.difference(&got).count();
        if want != got {
            println!("  miss: want {want:?} got {got:?} {}", c[1]);
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fneg).max(1) as f64;
    println!(
        "tags over {} sentences: precision {precision:.3} ({tp}/{}), recall {recall:.3} ({tp}/{})",
        cases.len(),
        tp + fp,
        tp + fneg
    );
    assert!(precision >= 0.9 && recall >= 0.9, "precision {precision:.3} recall {recall:.3}");
}

#[test]
fn intent_accuracy() {
    let a = Analyzer::builtin();
    let cases = rows(include_str!("data/intent.tsv"));
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut right = 0;
    for c in &cases {
        let got = a.intent(c[1]);
        if got.label == c[0] {
            right += 1;
        } else {
            println!("  miss: want {} got {} {:?} {}", c[0], got.label, got.evidence, c[1]);
        }
    }
    let acc = right as f64 / cases.len() as f64;
    println!("intent accuracy: {right}/{} = {acc:.3}", cases.len());
    assert!(acc >= 0.85, "intent accuracy {acc:.3}");
}

#[test]
fn pii_recall_every_planted_item_is_masked() {
    let a = Analyzer::builtin();
    let cases = rows(include_str!("data/pii.tsv"));
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let (mut planted, mut masked, mut kinds_right) = (0usize, 0usize, 0usize);
    for c in &cases {
        let text = c[1];
        let out = a.mask_pii(text);
        let kinds: Vec<String> = a.pii(text).into_iter().map(|m| m.kind).collect();
        if kinds == list(c[0]) {
            kinds_right += 1;
        } else {
            println!("  kinds: want {} got {kinds:?} {text} -> {out}", c[0]);
        }
        for item in c[2].split('|').filter(|s| *s != "-") {
            planted += 1;
            if out.contains(item) {
                println!("  NOT masked: {item} in {text} -> {out}");
            } else {
                masked += 1;
            }
        }
        if !c[0].contains("email") {
            assert_eq!(out.chars().count(), text.chars().count(), "shape kept: {text} -> {out}");
        }
        assert_eq!(a.has_pii(text), c[0] != "-", "{text}");
    }
    println!(
        "PII: {masked}/{planted} planted items masked over {} cases; kinds exactly right in {kinds_right}/{}",
        cases.len(),
        cases.len()
    );
    assert_eq!(masked, planted, "every planted item is masked");
    assert!(kinds_right as f64 >= 0.95 * cases.len() as f64);
}

#[test]
fn order_numbers_are_never_masked_and_are_extracted() {
    let a = Analyzer::builtin();
    let cases = rows(include_str!("data/orders.tsv"));
    assert!(cases.len() >= 20, "{} cases", cases.len());
    let (mut ids, mut untouched, mut exact, mut luhn_cases) = (0usize, 0usize, 0usize, 0usize);
    for c in &cases {
        let text = c[1];
        let want = list(c[0]);
        let got = a.extract_order_ids(text);
        if got == want {
            exact += 1;
        } else {
            println!("  ids: want {want:?} got {got:?} {text}");
        }
        if c.get(2) == Some(&"L") {
            luhn_cases += 1;
        }
        let masked = a.mask_pii(text);
        let masked_ascii: String = masked.chars().map(voc_text_digit).collect();
        for id in &want {
            ids += 1;
            if masked_ascii.contains(id.as_str()) {
                untouched += 1;
            } else {
                println!("  MASKED order id {id}: {text} -> {masked}");
            }
        }
    }
    println!(
        "orders: {untouched}/{ids} order ids left unmasked ({luhn_cases} cases pass Luhn); extraction exact in {exact}/{}",
        cases.len()
    );
    assert_eq!(untouched, ids, "no order number is masked");
    assert_eq!(exact, cases.len(), "every case extracts exactly its ids");
}

/// Full-width digits read as ASCII (the fixture has one full-width order number).
fn voc_text_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        _ => c,
    }
}
