//! Every text function is linear in text length: each runs on texts of 64 KiB, 256 KiB and
//! 1 MiB of four kinds (mixed chat with PII and order numbers, unpunctuated Chinese, one digit
//! repeated, Latin words), with `max_chars` lifted so that nothing is cut; a linear function
//! takes 16x as long for 16x the text. Fails (exit 1) when a function takes more than 2.5x its
//! linear share at 1 MiB (40x the 64 KiB time, best of 3), printing the table either way:
//! `cargo bench -p voc-text --bench linearity`. Linear functions measure 13-35x here (caches and
//! allocation at 1 MiB: one 1 MiB run of digits is one 24 MB chain in the PII scanner); the
//! quadratic ones were 46-197x.
//!
//! Measured (2 shared cores, 2026-12-08): before, `intent` took 1,068 ms on 1 MiB of mixed text
//! (197x its 64 KiB time: every cue hit compared with every other), `sentiment` 198 ms (60x:
//! every hit scanned for every clause), `mask_pii` 128 ms (46x: every number against every
//! address span, every phone against every find for a bare name before it), `analyze` 1,196 ms
//! (138x). After: intent 20 ms, sentiment 47 ms, mask_pii 25 ms, analyze 82 ms (16-23x). Runs cut texts at `config/limits.toml`'s
//! `max_chars` (20,000 characters) on top, so a row costs at most that much.
use std::time::Instant;

use voc_text::{Analyzer, TextConfig};

type F<'a> = Box<dyn Fn(&str) -> usize + 'a>;

fn best_of_3(f: &F, t: &str) -> f64 {
    (0..3)
        .map(|_| {
            let s = Instant::now();
            std::hint::black_box(f(t));
            s.elapsed().as_secs_f64() * 1000.0
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let mut cfg = TextConfig::builtin();
    cfg.max_chars = usize::MAX;
    let a = Analyzer::new(&cfg).expect("the built-in config compiles");
    let units = [
        ("mixed", "亲，物流太慢了，订单号1234567890123456789，电话138 1234 5678，地址浙江省杭州市西湖区文三路123号。质量不错😊但是有色差！这个怎么退货？"),
        ("no-punct", "我想问一下这个衣服有没有大码的然后什么时候发货因为我比较着急用谢谢"),
        ("digits", "1"),
        ("latin", "abc "),
    ];
    let fns: Vec<(&str, F)> = vec![
        ("segment", Box::new(|t| a.segment(t).len())),
        ("keywords", Box::new(|t| a.keywords(t, 5).len())),
        ("sentiment", Box::new(|t| a.sentiment(t).evidence.len())),
        ("intent", Box::new(|t| a.intent(t).label.len())),
        ("tags", Box::new(|t| a.tags(t).len())),
        ("aspects", Box::new(|t| a.aspects(t).len())),
        ("mask_pii", Box::new(|t| a.mask_pii(t).len())),
        ("extract_order_ids", Box::new(|t| a.extract_order_ids(t).len())),
        ("normalize_question", Box::new(|t| a.normalize_question(t).len())),
        ("analyze", Box::new(|t| a.analyze(t).tokens.len())),
    ];
    let mut over = Vec::new();
    println!(
        "{:9} {:20} {:>9} {:>9} {:>9}   1MiB/64KiB (linear: 16)",
        "text", "function", "64 KiB", "256 KiB", "1 MiB"
    );
    for (kind, unit) in units {
        let texts: Vec<String> =
            [64usize << 10, 256 << 10, 1 << 20].iter().map(|n| unit.repeat(n / unit.len() + 1)).collect();
        for (name, f) in &fns {
            let ms: Vec<f64> = texts.iter().map(|t| best_of_3(f, t)).collect();
            let ratio = ms[2] / ms[0].max(0.05);
            println!("{kind:9} {name:20} {:7.1}ms {:7.1}ms {:7.1}ms   {ratio:5.1}", ms[0], ms[1], ms[2]);
            if ratio > 40.0 {
                over.push(format!("{name} on {kind}: {ratio:.1}x"));
            }
        }
    }
    if !over.is_empty() {
        eprintln!("not linear (over 2.5x the linear 16x): {}", over.join(", "));
        std::process::exit(1);
    }
}
