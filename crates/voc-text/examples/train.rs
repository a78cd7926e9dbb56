//! Trains voc's learned text models and reports their cross-validated accuracy.
//!
//! ```sh
//! scripts/train-models                     # both files, byte for byte what is committed
//! cargo run --release -p voc-text --example train -- sentiment   # config/sentiment/model.tsv
//! cargo run --release -p voc-text --example train -- intent      # config/intent_model.tsv
//! cargo run --release -p voc-text --example train -- cv-sentiment   # 5-fold CV on the reviews
//! cargo run --release -p voc-text --example train -- cv-intent      # 5-fold CV on the chat dev set
//! ```
//!
//! Data: `crates/voc-text/tests/data/reviews_train.tsv` (13,237 labelled real reviews, see
//! `tests/data/README.md`) and `chat_dev_train.tsv` (the four fifths of the chat development set
//! that tuning may see; `chat_dev_heldout.tsv` is never read here).

use std::path::PathBuf;

use voc_text::train::{self, read_tsv};
use voc_text::{Analyzer, TextConfig};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn data(name: &str) -> String {
    let p = root().join("crates/voc-text/tests/data").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// Writes a model file under the repository root.
fn write_model(path: &str, model: &voc_text::ModelFile, header: &str) {
    let out = root().join(path);
    std::fs::write(&out, model.render(header)).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
    println!("{}: {} features", out.display(), model.features.len());
}

/// Options with `VOC_TRAIN_<FIELD>` overrides, for trying settings without editing the code.
fn options(mut o: train::TrainOptions) -> train::TrainOptions {
    let get = |k: &str| std::env::var(format!("VOC_TRAIN_{k}")).ok().and_then(|v| v.parse::<f64>().ok());
    if let Some(v) = get("EPOCHS") {
        o.epochs = v as usize;
    }
    if let Some(v) = get("LR") {
        o.learning_rate = v;
    }
    if let Some(v) = get("L2") {
        o.l2 = v;
    }
    if let Some(v) = get("MIN_COUNT") {
        o.min_count = v as usize;
    }
    if let Some(v) = get("PRUNE") {
        o.prune = v;
    }
    o
}

fn main() {
    let what = std::env::args().nth(1).unwrap_or_default();
    let cfg = TextConfig::builtin();
    let analyzer = Analyzer::new(&cfg).expect("built-in config");
    match what.as_str() {
        "sentiment" => {
            let reviews = read_tsv(&data("reviews_train.tsv"));
            let chat = read_tsv(&data("chat_dev_train.tsv"));
            write_model(
                "config/sentiment/model.tsv",
                &train::sentiment_model(&analyzer, &reviews, &chat),
                train::SENTIMENT_HEADER,
            );
        }
        "tags" => {
            let rows = read_tsv(&data("chat_dev_train.tsv"));
            write_model("config/tags_model.tsv", &train::tags_model(&analyzer, &rows), train::TAGS_HEADER);
        }
        "intent" => {
            let rows = read_tsv(&data("chat_dev_train.tsv"));
            write_model("config/intent_model.tsv", &train::intent_model(&analyzer, &rows), train::INTENT_HEADER);
        }
        "cv-sentiment" => {
            let reviews = read_tsv(&data("reviews_train.tsv"));
            let chat = read_tsv(&data("chat_dev_train.tsv"));
            let opt = options(train::sentiment_options());
            let r = voc_text::train::cross_validate_sentiment_with(&cfg, &reviews, &chat, 5, &opt);
            println!("{r}");
        }
        "rules-intent" => {
            // The rules alone (no learned model) on the training four fifths.
            let mut cfg = cfg.clone();
            cfg.intent_model = voc_text::ModelFile::default();
            let a = Analyzer::new(&cfg).expect("config");
            let mut c = train::Confusion::default();
            for r in read_tsv(&data("chat_dev_train.tsv")).iter().filter(|r| r.len() == 4) {
                c.add(&r[0], &a.intent(&r[3]).label);
            }
            println!("{c}");
        }
        "eval-pii" => {
            let r = train::evaluate_pii(&analyzer, &read_tsv(&data("pii_dev.tsv")));
            for (what, item, masked) in &r.misses {
                println!("{what}: {item}  =>  {masked}");
            }
            println!("{r}");
        }
        "say" => {
            // Sentiment and intent of each further argument, with evidence.
            for t in std::env::args().skip(2) {
                let s = analyzer.sentiment(&t);
                let i = analyzer.intent(&t);
                println!("{t}\t{} {:.2} {:?}\t{} {:?}", s.label, s.score, s.evidence, i.label, i.evidence);
            }
        }
        "cv-intent" => {
            let rows = read_tsv(&data("chat_dev_train.tsv"));
            let r = voc_text::train::cross_validate_intent_with(&cfg, &rows, 5, &options(train::intent_options()));
            println!("{r}");
        }
        _ => {
            eprintln!("usage: train sentiment|intent|tags|cv-sentiment|cv-intent|rules-intent|eval-pii|say TEXT…");
            std::process::exit(2);
        }
    }
}
