//! Times every text function on texts of 64 KiB, 256 KiB and 1 MiB: a linear function takes ~4x
//! longer for each step. `cargo run --release -p voc-text --example linearity`.
use std::time::Instant;
use voc_text::Analyzer;

fn main() {
    let a = Analyzer::builtin();
    let units = [
        ("mixed", "亲，物流太慢了，订单号1234567890123456789，电话138 1234 5678，地址浙江省杭州市西湖区文三路123号。质量不错😊但是有色差！这个怎么退货？"),
        ("no-punct", "我想问一下这个衣服有没有大码的然后什么时候发货因为我比较着急用谢谢"),
        ("digits", "1"),
        ("latin", "abc "),
    ];
    type F = Box<dyn Fn(&str) -> usize>;
    let fns: Vec<(&str, F)> = vec![
        ("segment", Box::new(|t| a.segment(t).len())),
        ("keywords", Box::new(|t| a.keywords(t, 5).len())),
        ("sentiment", Box::new(|t| a.sentiment(t).evidence.len())),
        ("intent", Box::new(|t| a.intent(t).label.len())),
        ("tags", Box::new(|t| a.tags(t).len())),
        ("aspects", Box::new(|t| a.aspects(t).len())),
        ("mask_pii", Box::new(|t| a.mask_pii(t).len())),
        ("order_ids", Box::new(|t| a.extract_order_ids(t).len())),
        ("normalize_question", Box::new(|t| a.normalize_question(t).len())),
        ("analyze", Box::new(|t| a.analyze(t).tokens.len())),
    ];
    for (uname, unit) in units {
        let texts: Vec<String> =
            [64usize << 10, 256 << 10, 1 << 20].iter().map(|n| unit.repeat(n / unit.len() + 1)).collect();
        for (name, f) in &fns {
            let mut ms = Vec::new();
            for t in &texts {
                let s = Instant::now();
                std::hint::black_box(f(t));
                ms.push(s.elapsed().as_secs_f64() * 1000.0);
            }
            println!(
                "{uname:9} {name:20} {:9.1} {:9.1} {:9.1} ms  ratio 1M/64K {:6.1}",
                ms[0],
                ms[1],
                ms[2],
                ms[2] / ms[0].max(1e-3)
            );
        }
    }
}
