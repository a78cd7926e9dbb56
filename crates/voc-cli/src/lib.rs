//! The commands of `voc`, callable from tests. Each one loads the project,
//! delegates to `voc-engine` / `voc-gen`, and prints a short report.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use voc_engine::config::{Config, Overrides};
use voc_engine::query::{self, Format};
use voc_engine::storage::Root;
use voc_engine::{JobSet, Manifest, Result, VocError};

pub mod logging;

/// Global options shared by every command.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub project: PathBuf,
    pub config: Option<PathBuf>,
}

impl Ctx {
    fn config(&self, input: Option<String>, output: Option<String>, cluster: Option<String>) -> Result<Config> {
        Config::load(&self.project, &Overrides { input, output, config_file: self.config.clone(), cluster })
    }

    /// The configuration for commands that plan but never run a query (validate, functions): a
    /// cluster set in the environment or voc.toml is checked, then left unused.
    fn local_config(&self) -> Result<Config> {
        Ok(Config { cluster: None, ..self.config(None, None, None)? })
    }

    fn jobs(&self) -> Result<JobSet> {
        if !self.project.join(voc_engine::job::JOBS_DIR).is_dir() {
            return Err(VocError::config(format!(
                "{}: no jobs/ folder here; run from a voc project (the repository root) or pass --project DIR",
                self.project.display()
            )));
        }
        JobSet::load(&self.project)
    }
}

/// `voc generate`.
pub async fn generate(
    out: &str,
    start: NaiveDate,
    days: u32,
    shops: u32,
    customers: u32,
    seed: u64,
    sessions_per_day: Option<u32>,
) -> Result<()> {
    if days == 0 || shops == 0 || customers == 0 {
        return Err(VocError::config("--days, --shops and --customers must be at least 1"));
    }
    let root = Root::parse(out, true)?;
    let cfg = voc_gen::GenConfig {
        start,
        days,
        shops,
        customers,
        seed,
        sessions_per_day,
        tz: voc_engine::config::business_timezone(None)?,
    };
    let summary = voc_gen::generate(&root, &cfg).await?;
    let mut o = std::io::stdout().lock();
    let _ = writeln!(o, "wrote {} ({} days from {start}, seed {seed}) in {:.1?}", root, days, summary.elapsed);
    for t in summary.tables.iter().chain(summary.truth.iter()) {
        let _ = writeln!(o, "  {:<32} {:>10} rows {:>4} files {:>12} bytes", t.table, t.rows, t.files, t.bytes);
    }
    Ok(())
}

/// `voc run`.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    ctx: &Ctx,
    job: Option<String>,
    all: bool,
    date: NaiveDate,
    until: Option<NaiveDate>,
    input: Option<String>,
    output: Option<String>,
    cluster: Option<String>,
) -> Result<()> {
    let cfg = ctx.config(input, output, cluster)?;
    let jobs = ctx.jobs()?;
    let names: Vec<String> = match (job, all) {
        (Some(j), false) => vec![jobs.get(&j)?.name.clone()],
        (None, true) => jobs.jobs.keys().cloned().collect(),
        _ => return Err(VocError::config("name a job, or pass --all")),
    };
    let last = until.unwrap_or(date);
    if last < date {
        return Err(VocError::config(format!("--until {last} is before --date {date}")));
    }
    let mut d = date;
    while d <= last {
        let report = voc_engine::runner::run_jobs(&cfg, &jobs, &names, d).await?;
        print_manifests(&cfg, &report.manifests);
        // a failed date ends --until: the next days would read what it did not write
        report.into_result()?;
        d += chrono::Duration::days(1);
    }
    Ok(())
}

fn print_manifests(cfg: &Config, manifests: &[Manifest]) {
    let mut o = std::io::stdout().lock();
    for m in manifests {
        let read: u64 = m.inputs.iter().map(|i| i.rows).sum();
        let _ = writeln!(
            o,
            "{} --date {}: read {read} rows, {} checks passed, {} ms",
            m.job,
            m.date,
            m.checks.len(),
            m.timings_ms.get("total").copied().unwrap_or(0)
        );
        for t in &m.outputs {
            let _ = writeln!(
                o,
                "  {:<24} {:>10} rows {:>3} files → {}/{}/{}/",
                t.table,
                t.rows,
                t.files.len(),
                cfg.output.as_deref().unwrap_or(""),
                t.table,
                t.partition
            );
        }
    }
}

/// `voc list`.
pub async fn list(ctx: &Ctx) -> Result<()> {
    let jobs = ctx.jobs()?;
    let mut o = std::io::stdout().lock();
    let all: Vec<String> = jobs.jobs.keys().cloned().collect();
    for j in jobs.order(&all)? {
        let _ = writeln!(o, "{}  {}", j.name, j.spec.description);
        if !j.spec.depends_on.is_empty() {
            let _ = writeln!(o, "  depends on: {}", j.spec.depends_on.join(", "));
        }
        let inputs: Vec<String> = j
            .spec
            .inputs
            .iter()
            .map(|(t, i)| match i.lag_days {
                0 => format!("{t} ({}d)", i.days),
                lag => format!("{t} ({}d ending D-{lag})", i.days),
            })
            .collect();
        let _ = writeln!(o, "  reads:  {}", inputs.join(", "));
        for (name, l) in &j.spec.lookups {
            let _ = writeln!(o, "  rules:  {name} ← {} [[{}]]", l.file, l.array);
        }
        if j.spec.lag_days > 0 {
            let _ = writeln!(o, "  closes: D-{} when run for D", j.spec.lag_days);
        }
        for (out, sql) in &j.outputs {
            let rel = sql.strip_prefix(&ctx.project).unwrap_or(sql);
            let _ = writeln!(o, "  writes: {} ← {}", out.table, rel.display());
        }
        if let Some(s) = &j.spec.schedule {
            let _ = writeln!(o, "  schedule: {s}");
        }
    }
    Ok(())
}

/// `voc functions`.
pub async fn functions(ctx: &Ctx, format: &str) -> Result<()> {
    let cfg = ctx.local_config()?;
    let list = query::functions(&cfg)?;
    let mut o = std::io::stdout().lock();
    match format {
        "json" => {
            let _ =
                writeln!(o, "{}", serde_json::to_string_pretty(&list).map_err(|e| VocError::internal(e.to_string()))?);
        }
        "table" => {
            for f in &list {
                let kind = if f.kind == "aggregate" { " (aggregate)" } else { "" };
                let _ = writeln!(o, "{}{kind}\n  {}\n  {}\n  e.g. {}\n", f.name, f.syntax, f.doc, f.example);
            }
            let _ = writeln!(o, "{} functions", list.len());
        }
        other => return Err(VocError::config(format!("--format: expected table or json, found '{other}'"))),
    }
    Ok(())
}

/// `voc validate`.
pub async fn validate(ctx: &Ctx) -> Result<()> {
    let cfg = ctx.local_config()?;
    let jobs = ctx.jobs()?;
    let report = voc_engine::validate::validate(&cfg, &jobs).await?;
    let mut o = std::io::stdout().lock();
    for line in report {
        let _ = writeln!(o, "ok  {line}");
    }
    let _ = writeln!(o, "{} jobs valid", jobs.jobs.len());
    Ok(())
}

/// `voc sql`.
pub async fn sql(
    ctx: &Ctx,
    q: Option<String>,
    format: &str,
    input: Option<String>,
    output: Option<String>,
    cluster: Option<String>,
) -> Result<()> {
    let format: Format = format.parse()?;
    let cfg = ctx.config(input, output, cluster)?;
    let jobs = ctx.jobs().ok();
    let (session, reg) = query::open(&cfg, jobs.as_ref()).await?;
    match q {
        Some(text) => {
            let results = query::run_statements(&session, &text).await?;
            let mut o = std::io::stdout().lock();
            for batches in results {
                if batches.is_empty() || batches.iter().all(|b| b.num_columns() == 0) {
                    continue;
                }
                let _ = writeln!(o, "{}", query::render(&batches, format)?);
            }
            Ok(())
        }
        None => prompt(&session, &reg, format).await,
    }
}

async fn prompt(session: &datafusion::prelude::SessionContext, reg: &query::Registered, format: Format) -> Result<()> {
    use rustyline::error::ReadlineError;
    let mut rl = rustyline::DefaultEditor::new().map_err(|e| VocError::internal(e.to_string()))?;
    let history = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".voc_history"));
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    println!(
        "voc sql — inputs: {} | outputs: {} | rule lookups: {}\nEnd statements with ';'. \\q quits.",
        if reg.inputs.is_empty() { "none".into() } else { reg.inputs.join(", ") },
        if reg.outputs.is_empty() { "none".into() } else { reg.outputs.join(", ") },
        if reg.lookups.is_empty() { "none".into() } else { reg.lookups.join(", ") }
    );
    let mut buf = String::new();
    loop {
        let p = if buf.is_empty() { "voc> " } else { "  -> " };
        match rl.readline(p) {
            Ok(line) => {
                let t = line.trim();
                if buf.is_empty() && (t == "\\q" || t == "quit" || t == "exit") {
                    break;
                }
                buf.push_str(&line);
                buf.push('\n');
                if !t.ends_with(';') {
                    continue;
                }
                let _ = rl.add_history_entry(buf.trim());
                let started = Instant::now();
                match query::run_statements(session, &buf).await {
                    Ok(results) => {
                        for batches in results {
                            let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
                            if let Ok(s) = query::render(&batches, format) {
                                println!("{s}");
                            }
                            println!("{rows} row(s) in {:.3}s", started.elapsed().as_secs_f64());
                        }
                    }
                    Err(e) => eprintln!("voc: {e}"),
                }
                buf.clear();
            }
            Err(ReadlineError::Interrupted) => buf.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(VocError::internal(e.to_string())),
        }
    }
    if let Some(h) = &history {
        let _ = rl.save_history(h);
    }
    Ok(())
}

/// `voc cluster scheduler`.
pub async fn cluster_scheduler(ctx: &Ctx, opts: voc_engine::cluster::SchedulerOptions) -> Result<()> {
    voc_engine::cluster::run_scheduler(&ctx.local_config()?, opts).await
}

/// `voc cluster executor`.
pub async fn cluster_executor(ctx: &Ctx, opts: voc_engine::cluster::ExecutorOptions) -> Result<()> {
    voc_engine::cluster::run_executor(&ctx.local_config()?, opts).await
}

/// `voc demo`: generate → run every job for every day → report.
pub async fn demo(ctx: &Ctx, out: &str, days: u32, shops: u32, customers: u32, seed: u64) -> Result<()> {
    let started = Instant::now();
    let jobs = ctx.jobs()?;
    let base = PathBuf::from(out);
    let input = base.join("input");
    let output = base.join("output");
    // A demo starts clean: outputs of an earlier demo in the same folder go.
    for d in [&input, &output] {
        if d.exists() {
            std::fs::remove_dir_all(d).map_err(|e| VocError::storage(format!("{}: {e}", d.display())))?;
        }
    }
    let start = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
    let input_s = input.to_string_lossy().to_string();
    let output_s = output.to_string_lossy().to_string();
    println!("1/3 generating {days} days for {shops} shops and {customers} customers → {input_s}");
    generate(&input_s, start, days, shops, customers, seed, None).await?;
    let cfg = ctx.config(Some(input_s.clone()), Some(output_s.clone()), None)?;
    println!("2/3 running {} jobs for {days} days → {output_s}", jobs.jobs.len());
    let names: Vec<String> = jobs.jobs.keys().cloned().collect();
    let mut totals: std::collections::BTreeMap<String, (u64, u32)> = Default::default();
    let progress = std::io::stderr().is_terminal();
    for k in 0..days {
        let date = start + chrono::Duration::days(k as i64);
        if progress {
            eprint!("\r   day {}/{days} ({date})", k + 1);
        }
        for m in voc_engine::runner::run_jobs(&cfg, &jobs, &names, date).await?.into_result()? {
            for t in m.outputs {
                let e = totals.entry(t.table).or_default();
                e.0 += t.rows;
                e.1 += 1;
            }
        }
    }
    if progress {
        eprintln!();
    }
    let out_root = Root::parse(&output_s, false)?;
    println!("3/3 wrote:");
    for (table, (rows, parts)) in &totals {
        println!("  {table:<24} {rows:>9} rows in {parts} daily partitions  {}/", out_root.url_of(table, false));
    }
    println!("done in {:.1}s. Try:", started.elapsed().as_secs_f64());
    println!(
        "  cargo run --release -- sql --input {input_s} --output {output_s} \\\n    \"SELECT dt, shop_id, sessions, frt_p50_s, frt_p90_s, csat_avg FROM kpi_shop_daily ORDER BY dt, shop_id LIMIT 20\""
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_jobs_is_a_config_error_that_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Ctx { project: dir.path().to_path_buf(), config: None };
        let e = ctx.jobs().unwrap_err();
        assert_eq!(e.kind, voc_engine::ErrorKind::Config);
        assert!(e.message.contains("--project"), "{}", e.message);
    }

    #[tokio::test]
    async fn generate_refuses_empty_sizes_before_writing_anything() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("in");
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let e = generate(out.to_str().unwrap(), start, 0, 1, 1, 1, None).await.unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert!(!out.exists());
    }

    #[tokio::test]
    async fn a_cluster_address_that_is_not_df_host_port_is_refused() {
        let ctx = Ctx { project: PathBuf::from("."), config: None };
        let date = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let e = run(&ctx, None, true, date, None, None, None, Some("x:50050".into())).await.unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert!(e.message.contains("--cluster: expected a scheduler address df://host:port, found 'x:50050'"), "{e}");
    }
}
