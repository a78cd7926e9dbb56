//! Job files: `jobs/<job>.toml`. A job is data: what it reads, which SQL
//! builds which table, which checks must pass. `docs/jobs.md` lists every key.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::toml_error;
use crate::contract;
use crate::error::{Result, VocError};
use crate::lookup::LookupSpec;

/// A job's policy for input rows that break the contract ([`JobFile::bad_rows`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BadRows {
    #[default]
    Fail,
    Quarantine,
}

/// A job as written in its TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobFile {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Former names of the job that `voc run` still accepts, with a warning naming the new one:
    /// a renamed job keeps working for the schedulers that call it by its old name for one
    /// release. `depends_on` must use the new name.
    #[serde(default)]
    pub renamed_from: Vec<String>,
    /// A cron expression for deploy/ generators; the engine does not schedule.
    pub schedule: Option<String>,
    #[serde(default)]
    pub inputs: BTreeMap<String, InputSpec>,
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    /// Rule files under `config/` read as SQL tables (see [`crate::lookup`]).
    #[serde(default)]
    pub lookups: BTreeMap<String, LookupSpec>,
    /// The output partition is this many days before the run date: a job that
    /// needs the day after (a 24 h follow-up window, T+1 conversion) closes
    /// day D-1 when run for D. Its SQL reads the partition date as `$dt`.
    #[serde(default)]
    pub lag_days: u32,
    /// What to do with input rows that break the contract's keys or time bounds (see
    /// [`crate::quality`]): stop the run (`fail`, exit 4), or set them aside in
    /// `_rejected/<table>/dt=D/` with the reason and go on (`quarantine`).
    #[serde(default)]
    pub bad_rows: BadRows,
    /// Named queries the job's outputs read, planned before them and never written: what several
    /// outputs share (the QA roll-ups per agent, team and shop aggregate one view).
    #[serde(default)]
    pub views: Vec<ViewSpec>,
    #[serde(default)]
    pub outputs: Vec<OutputSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewSpec {
    /// The name the job's SQL reads it by.
    pub name: String,
    /// Path of the SQL file relative to the project; default `sql/<job>/<name>.sql`.
    pub sql: Option<String>,
    /// The output of this job the view reads last: it is planned once that output is built.
    /// None: before the first output.
    pub after: Option<String>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// Days of partitions read, ending at the run date (1 = the run date only).
    #[serde(default = "one")]
    pub days: u32,
    /// When true (default) a missing run-date partition stops the run with
    /// "input not ready"; when false the table is read as empty.
    #[serde(default = "yes")]
    pub required: bool,
    /// The window ends this many days before the run date. Reading a table
    /// that a lagged job writes (its newest partition is D-1 when run for D)
    /// needs at least that job's `lag_days` here.
    #[serde(default)]
    pub lag_days: u32,
    /// A contract input whose newest partition has no rows while the day before had 100 or more
    /// is refused as bad input (a dump that lost its rows would replace a published partition with
    /// an empty one), unless this is true.
    #[serde(default)]
    pub allow_empty: bool,
}

fn one() -> u32 {
    1
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    pub table: String,
    /// Path of the SQL file relative to the project; default `sql/<job>/<table>.sql`.
    pub sql: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// A data check on an output table, run on the staged files before commit.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// None of these columns holds a null.
    NotNull(Vec<String>),
    /// These columns together identify a row.
    Unique(Vec<String>),
    /// Every non-null value of `column` is one of `values`.
    AcceptedValues { column: String, values: Vec<String> },
    /// The table has at least this many rows.
    MinRows(u64),
}

impl Check {
    pub fn describe(&self) -> String {
        match self {
            Check::NotNull(c) => format!("not_null({})", c.join(", ")),
            Check::Unique(c) => format!("unique({})", c.join(", ")),
            Check::AcceptedValues { column, values } => {
                format!("accepted_values({column} in [{}])", values.join(", "))
            }
            Check::MinRows(n) => format!("min_rows({n})"),
        }
    }
}

/// A job file after validation, with resolved paths.
#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    pub file: PathBuf,
    pub spec: JobFile,
    /// (view spec, absolute SQL path) in file order.
    pub views: Vec<(ViewSpec, PathBuf)>,
    /// (output spec, absolute SQL path) in file order.
    pub outputs: Vec<(OutputSpec, PathBuf)>,
}

/// One step of a path into a job file: a key, or the n-th table of an array of tables.
#[derive(Debug, Clone, Copy)]
enum Key<'a> {
    Name(&'a str),
    Index(usize),
}

/// The byte offset of the last key of `path` in the parsed file (or of its value, or of the
/// table it names, whichever the parser kept); None when the path is not in the file.
fn key_span(root: &toml_edit::Table, path: &[Key]) -> Option<usize> {
    let mut table: &dyn toml_edit::TableLike = root;
    let mut at = None;
    let mut i = 0;
    while i < path.len() {
        let Key::Name(name) = path[i] else { return None };
        let (key, item) = table.get_key_value(name)?;
        at = key.span().or_else(|| item.span()).map(|r| r.start).or(at);
        i += 1;
        match (path.get(i), item) {
            (Some(Key::Index(n)), toml_edit::Item::ArrayOfTables(a)) => {
                let t = a.get(*n)?;
                at = t.span().map(|r| r.start).or(at);
                table = t;
                i += 1;
            }
            (Some(Key::Name(_)), item) => table = item.as_table_like()?,
            (Some(Key::Index(_)), _) => return None,
            (None, _) => {}
        }
    }
    at
}

/// Job names and table names are SQL identifiers and path segments.
fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Job {
    /// Parses and checks one job file.
    pub fn load(project_dir: &Path, file: &Path) -> Result<Job> {
        let text = std::fs::read_to_string(file).map_err(|e| VocError::config(format!("{}: {e}", file.display())))?;
        let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        Self::parse(project_dir, file, &name, &text)
    }

    pub fn parse(project_dir: &Path, file: &Path, name: &str, text: &str) -> Result<Job> {
        // `file:line` of a key, from the parser's spans (the file alone if it is not there).
        let doc = toml_edit::ImDocument::parse(text).ok();
        let at = |path: &[Key]| -> String {
            match doc.as_ref().and_then(|d| key_span(d.as_table(), path)) {
                Some(off) => format!("{}:{}", file.display(), crate::config::line_col(text, off).0),
                None => file.display().to_string(),
            }
        };
        if !valid_name(name) {
            return Err(VocError::config(format!(
                "{}: job name '{name}' must be lower_snake_case (it names tables, folders and logs)",
                file.display()
            )));
        }
        let spec: JobFile = toml::from_str(text).map_err(|e| VocError::config(toml_error(file, text, &e)))?;
        if spec.outputs.is_empty() {
            return Err(VocError::config(format!(
                "{}: expected at least one [[outputs]] table, found none",
                file.display()
            )));
        }
        for (input, i) in &spec.inputs {
            if i.lag_days > 366 {
                return Err(VocError::config(format!(
                    "{}: inputs.{input}.lag_days: expected 0..=366, found {}",
                    at(&[Key::Name("inputs"), Key::Name(input), Key::Name("lag_days")]),
                    i.lag_days
                )));
            }
            if i.days == 0 || i.days > 3660 {
                return Err(VocError::config(format!(
                    "{}: inputs.{input}.days: expected 1..=3660, found {}",
                    at(&[Key::Name("inputs"), Key::Name(input), Key::Name("days")]),
                    i.days
                )));
            }
        }
        if spec.lag_days > 366 {
            return Err(VocError::config(format!(
                "{}: lag_days: expected 0..=366, found {}",
                at(&[Key::Name("lag_days")]),
                spec.lag_days
            )));
        }
        for (k, l) in &spec.lookups {
            if !valid_name(k) || contract::schema(k).is_some() {
                return Err(VocError::config(format!(
                    "{}: lookups.{k}: names are lower_snake_case and may not be an input table's name",
                    at(&[Key::Name("lookups"), Key::Name(k)])
                )));
            }
            if !project_dir.join(&l.file).is_file() {
                let at = at(&[Key::Name("lookups"), Key::Name(k), Key::Name("file")]);
                return Err(VocError::config(format!("{at}: lookups.{k}: file {} does not exist", l.file)));
            }
        }
        for (k, v) in &spec.params {
            if !valid_name(k) || matches!(k.as_str(), "run_date" | "window_start" | "timezone" | "dt") {
                return Err(VocError::config(format!(
                    "{}: params.{k}: names are lower_snake_case and may not shadow run_date, window_start, timezone or dt",
                    at(&[Key::Name("params"), Key::Name(k)])
                )));
            }
            if !matches!(
                v,
                toml::Value::String(_) | toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_)
            ) {
                return Err(VocError::config(format!(
                    "{}: params.{k}: expected a string, integer, float or boolean, found {}",
                    at(&[Key::Name("params"), Key::Name(k)]),
                    v.type_str()
                )));
            }
        }
        let mut seen = BTreeSet::new();
        let mut views = Vec::new();
        for (n, v) in spec.views.iter().enumerate() {
            let at = at(&[Key::Name("views"), Key::Index(n), Key::Name("name")]);
            let taken = contract::schema(&v.name).is_some()
                || spec.inputs.contains_key(&v.name)
                || spec.lookups.contains_key(&v.name)
                || spec.outputs.iter().any(|o| o.table == v.name);
            if !valid_name(&v.name) || taken || !seen.insert(v.name.clone()) {
                return Err(VocError::config(format!(
                    "{at}: view '{}': names are lower_snake_case and name nothing else the job reads or writes",
                    v.name
                )));
            }
            if let Some(after) = v.after.as_ref().filter(|a| !spec.outputs.iter().any(|o| &o.table == *a)) {
                return Err(VocError::config(format!(
                    "{at}: view '{}': after = '{after}' is not an output of this job",
                    v.name
                )));
            }
            let rel = v.sql.clone().unwrap_or_else(|| format!("sql/{name}/{}.sql", v.name));
            let sql_path = project_dir.join(&rel);
            if !sql_path.is_file() {
                return Err(VocError::config(format!("{at}: view '{}': SQL file {rel} does not exist", v.name)));
            }
            views.push((v.clone(), sql_path));
        }
        let mut seen = BTreeSet::new();
        let mut outputs = Vec::new();
        for (n, o) in spec.outputs.iter().enumerate() {
            let output = [Key::Name("outputs"), Key::Index(n), Key::Name("table")];
            if !valid_name(&o.table) {
                return Err(VocError::config(format!(
                    "{}: output table '{}' must be lower_snake_case",
                    at(&output),
                    o.table
                )));
            }
            if contract::schema(&o.table).is_some() {
                return Err(VocError::config(format!(
                    "{}: output table '{}' has the name of an input table of the contract",
                    at(&output),
                    o.table
                )));
            }
            if !seen.insert(o.table.clone()) {
                return Err(VocError::config(format!("{}: output table '{}' is listed twice", at(&output), o.table)));
            }
            for c in &o.checks {
                let empty = match c {
                    Check::NotNull(cols) | Check::Unique(cols) => cols.is_empty(),
                    Check::AcceptedValues { values, .. } => values.is_empty(),
                    Check::MinRows(_) => false,
                };
                if empty {
                    return Err(VocError::config(format!(
                        "{}: check {} on '{}' names no columns or values",
                        at(&output),
                        c.describe(),
                        o.table
                    )));
                }
            }
            let rel = o.sql.clone().unwrap_or_else(|| format!("sql/{name}/{}.sql", o.table));
            let sql_path = project_dir.join(&rel);
            if !sql_path.is_file() {
                return Err(VocError::config(format!(
                    "{}: output '{}': SQL file {rel} does not exist",
                    at(&output),
                    o.table
                )));
            }
            outputs.push((o.clone(), sql_path));
        }
        Ok(Job { name: name.to_string(), file: file.to_path_buf(), spec, views, outputs })
    }

    pub fn output_tables(&self) -> impl Iterator<Item = &str> {
        self.outputs.iter().map(|(o, _)| o.table.as_str())
    }
}

/// The folder of a project that holds its job files.
pub const JOBS_DIR: &str = "jobs";

/// Every job of a project, validated together.
#[derive(Debug, Clone)]
pub struct JobSet {
    pub jobs: BTreeMap<String, Job>,
}

impl JobSet {
    /// Loads every `jobs/*.toml` and checks names, producers and dependencies.
    pub fn load(project_dir: &Path) -> Result<Self> {
        let dir = project_dir.join(JOBS_DIR);
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| VocError::config(format!("{}: cannot read the jobs folder: {e}", dir.display())))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut jobs = BTreeMap::new();
        for f in files {
            let job = Job::load(project_dir, &f)?;
            jobs.insert(job.name.clone(), job);
        }
        let set = JobSet { jobs };
        set.check_graph()?;
        Ok(set)
    }

    /// Which job writes a table.
    pub fn producer(&self, table: &str) -> Option<&Job> {
        self.jobs.values().find(|j| j.output_tables().any(|t| t == table))
    }

    /// The job of that name, or the job that was renamed from it (with a warning).
    pub fn get(&self, name: &str) -> Result<&Job> {
        if let Some(j) = self.jobs.get(name) {
            return Ok(j);
        }
        if let Some(j) = self.renamed(name) {
            tracing::warn!("job '{name}' is now called '{}'; run it by its new name", j.name);
            return Ok(j);
        }
        Err(VocError::config(format!(
            "no job named '{name}'; known jobs: {}",
            self.jobs.keys().cloned().collect::<Vec<_>>().join(", ")
        )))
    }

    /// The job whose `renamed_from` lists `old`.
    fn renamed(&self, old: &str) -> Option<&Job> {
        self.jobs.values().find(|j| j.spec.renamed_from.iter().any(|n| n == old))
    }

    fn check_graph(&self) -> Result<()> {
        let mut producers: BTreeMap<&str, &str> = BTreeMap::new();
        for j in self.jobs.values() {
            for t in j.output_tables() {
                if let Some(other) = producers.insert(t, &j.name) {
                    return Err(VocError::config(format!(
                        "{}: table '{t}' is also written by job '{other}'",
                        j.file.display()
                    )));
                }
            }
        }
        let mut former: BTreeMap<&str, &str> = BTreeMap::new();
        for j in self.jobs.values() {
            for old in &j.spec.renamed_from {
                if self.jobs.contains_key(old) {
                    return Err(VocError::config(format!(
                        "{}: renamed_from names '{old}', which is the name of a job",
                        j.file.display()
                    )));
                }
                if let Some(other) = former.insert(old, &j.name) {
                    return Err(VocError::config(format!(
                        "{}: renamed_from names '{old}', which job '{other}' was renamed from too",
                        j.file.display()
                    )));
                }
            }
        }
        for j in self.jobs.values() {
            for d in &j.spec.depends_on {
                if let Some(new) = former.get(d.as_str()) {
                    return Err(VocError::config(format!(
                        "{}: depends_on names '{d}', which is now called '{new}'; write \"{new}\"",
                        j.file.display()
                    )));
                }
                if !self.jobs.contains_key(d) {
                    return Err(VocError::config(format!("{}: depends_on names unknown job '{d}'", j.file.display())));
                }
            }
            for input in j.spec.inputs.keys() {
                if contract::schema(input).is_some() {
                    continue;
                }
                match producers.get(input.as_str()) {
                    None => {
                        return Err(VocError::config(format!(
                            "{}: input '{input}' is neither a contract table ({}) nor written by any job",
                            j.file.display(),
                            contract::TABLES.join(", ")
                        )))
                    }
                    Some(p) if *p == j.name => {
                        return Err(VocError::config(format!(
                            "{}: input '{input}' is written by this same job",
                            j.file.display()
                        )))
                    }
                    Some(p) if !j.spec.depends_on.iter().any(|d| d == p) => {
                        return Err(VocError::config(format!(
                            "{}: input '{input}' is written by job '{p}'; add \"{p}\" to depends_on",
                            j.file.display()
                        )))
                    }
                    Some(p) if j.spec.inputs[input].lag_days < self.jobs[*p].spec.lag_days => {
                        let lag = self.jobs[*p].spec.lag_days;
                        return Err(VocError::config(format!(
                            "{}: input '{input}' is written for D-{lag} by job '{p}' (lag_days = {lag}); \
                             expected inputs.{input}.lag_days >= {lag}, found {}",
                            j.file.display(),
                            j.spec.inputs[input].lag_days
                        )));
                    }
                    Some(_) => {}
                }
            }
        }
        self.order(&self.jobs.keys().cloned().collect::<Vec<_>>())?;
        Ok(())
    }

    /// The named jobs (only those), sorted so each comes after its dependencies.
    pub fn order(&self, names: &[String]) -> Result<Vec<&Job>> {
        let wanted: BTreeSet<&str> = names.iter().map(String::as_str).collect();
        let mut done: BTreeSet<&str> = BTreeSet::new();
        let mut out = Vec::new();
        // Kahn's algorithm over the whole graph; emit only wanted jobs.
        let mut remaining: Vec<&Job> = self.jobs.values().collect();
        while !remaining.is_empty() {
            let before = remaining.len();
            let mut next = Vec::new();
            for j in remaining {
                if j.spec.depends_on.iter().all(|d| done.contains(d.as_str())) {
                    done.insert(&j.name);
                    if wanted.contains(j.name.as_str()) {
                        out.push(j);
                    }
                } else {
                    next.push(j);
                }
            }
            if next.len() == before {
                let names: Vec<&str> = next.iter().map(|j| j.name.as_str()).collect();
                return Err(VocError::config(format!("jobs depend on each other in a cycle: {}", names.join(" → "))));
            }
            remaining = next;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(jobs: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("jobs")).unwrap();
        for (name, body) in jobs {
            std::fs::write(dir.path().join(format!("jobs/{name}.toml")), body).unwrap();
            std::fs::create_dir_all(dir.path().join(format!("sql/{name}"))).unwrap();
        }
        dir
    }

    fn sql(dir: &Path, rel: &str) {
        std::fs::write(dir.join(rel), "SELECT 1 AS x").unwrap();
    }

    #[test]
    fn defaults_and_checks_parse() {
        let dir = project(&[(
            "a",
            r#"
            [inputs]
            orders = {}
            refunds = { days = 7, required = false }
            [[outputs]]
            table = "t1"
            checks = [{ not_null = ["x"] }, { unique = ["x", "y"] },
                      { accepted_values = { column = "c", values = ["chat", "call"] } }, { min_rows = 1 }]
            "#,
        )]);
        sql(dir.path(), "sql/a/t1.sql");
        let set = JobSet::load(dir.path()).unwrap();
        let j = set.get("a").unwrap();
        assert_eq!(j.spec.inputs["orders"].days, 1);
        assert!(j.spec.inputs["orders"].required);
        assert!(!j.spec.inputs["refunds"].required);
        assert_eq!(j.outputs[0].0.checks.len(), 4);
        assert_eq!(j.outputs[0].0.checks[3], Check::MinRows(1));
        assert!(j.outputs[0].1.ends_with("sql/a/t1.sql"));
    }

    #[test]
    fn unknown_keys_name_file_and_line() {
        let dir = project(&[("a", "description = \"x\"\n\n[[outputs]]\ntable = \"t1\"\nsqll = \"x\"\n")]);
        let e = JobSet::load(dir.path()).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Config);
        assert!(e.message.contains("a.toml:5:1"), "{}", e.message);
        assert!(e.message.contains("unknown field `sqll`"), "{}", e.message);
    }

    #[test]
    fn value_errors_point_at_the_key_line_not_at_an_earlier_mention() {
        // `orders` and `t2` are named in a comment and in a first output before the bad keys.
        let body = "# reads orders; lag_days = 9 would be wrong\n[inputs]\nrefunds = {}\norders = { days = 0 }\n\
                    [[outputs]]\ntable = \"t1\"\n[[outputs]]\ntable = \"t2\"\n[[outputs]]\ntable = \"t2\"\n";
        let dir = project(&[("a", body)]);
        sql(dir.path(), "sql/a/t1.sql");
        sql(dir.path(), "sql/a/t2.sql");
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("a.toml:4: inputs.orders.days: expected 1..=3660, found 0"), "{}", e.message);
        std::fs::write(dir.path().join("jobs/a.toml"), body.replace("days = 0", "days = 1")).unwrap();
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("a.toml:10: output table 't2' is listed twice"), "{}", e.message);
        let lag = "# lag_days matters\nlag_days = 400\n[[outputs]]\ntable = \"t1\"\n";
        std::fs::write(dir.path().join("jobs/a.toml"), lag).unwrap();
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("a.toml:2: lag_days: expected 0..=366, found 400"), "{}", e.message);
    }

    #[test]
    fn a_renamed_job_answers_to_its_old_name_but_depends_on_uses_the_new_one() {
        let dir = project(&[
            ("b", "renamed_from = [\"a\"]\n[[outputs]]\ntable = \"t1\"\n"),
            ("c", "depends_on = [\"b\"]\n[inputs]\nt1 = {}\n[[outputs]]\ntable = \"t2\"\n"),
        ]);
        sql(dir.path(), "sql/b/t1.sql");
        sql(dir.path(), "sql/c/t2.sql");
        let set = JobSet::load(dir.path()).unwrap();
        assert_eq!(set.get("a").unwrap().name, "b");
        assert_eq!(set.get("b").unwrap().name, "b");
        assert!(set.get("z").unwrap_err().message.contains("no job named 'z'"));
        let old = "depends_on = [\"a\"]\n[inputs]\nt1 = {}\n[[outputs]]\ntable = \"t2\"\n";
        std::fs::write(dir.path().join("jobs/c.toml"), old).unwrap();
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("depends_on names 'a', which is now called 'b'"), "{}", e.message);
        std::fs::write(dir.path().join("jobs/c.toml"), "renamed_from = [\"b\"]\n[[outputs]]\ntable = \"t2\"\n")
            .unwrap();
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("renamed_from names 'b', which is the name of a job"), "{}", e.message);
    }

    #[test]
    fn views_are_checked_and_come_after_the_output_they_name() {
        let body = "[[views]]\nname = \"v\"\nafter = \"t1\"\n[[outputs]]\ntable = \"t1\"\n";
        let dir = project(&[("a", body)]);
        sql(dir.path(), "sql/a/t1.sql");
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("a.toml:2: view 'v': SQL file sql/a/v.sql does not exist"), "{}", e.message);
        sql(dir.path(), "sql/a/v.sql");
        let set = JobSet::load(dir.path()).unwrap();
        assert_eq!(set.jobs["a"].views[0].0.after.as_deref(), Some("t1"));
        assert!(set.jobs["a"].views[0].1.ends_with("sql/a/v.sql"));
        for (bad, why) in [
            ("[[views]]\nname = \"v\"\nafter = \"t9\"\n", "after = 't9' is not an output of this job"),
            ("[[views]]\nname = \"t1\"\n", "view 't1': names are lower_snake_case and name nothing else"),
            ("[[views]]\nname = \"orders\"\n", "view 'orders': names are lower_snake_case and name nothing else"),
        ] {
            std::fs::write(dir.path().join("jobs/a.toml"), format!("{bad}[[outputs]]\ntable = \"t1\"\n")).unwrap();
            let e = JobSet::load(dir.path()).unwrap_err();
            assert!(e.message.contains(why), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn missing_sql_file_and_unknown_input_are_config_errors() {
        let dir = project(&[("a", "[[outputs]]\ntable = \"t1\"\n")]);
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("sql/a/t1.sql does not exist"), "{}", e.message);
        sql(dir.path(), "sql/a/t1.sql");
        std::fs::write(dir.path().join("jobs/a.toml"), "[inputs]\nnope = {}\n[[outputs]]\ntable = \"t1\"\n").unwrap();
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("input 'nope' is neither a contract table"), "{}", e.message);
    }

    #[test]
    fn dependencies_order_jobs_and_cycles_are_refused() {
        let dir = project(&[
            ("b", "depends_on = [\"a\"]\n[inputs]\nt1 = {}\n[[outputs]]\ntable = \"t2\"\n"),
            ("a", "[[outputs]]\ntable = \"t1\"\n"),
            ("c", "depends_on = [\"b\"]\n[[outputs]]\ntable = \"t3\"\n"),
        ]);
        sql(dir.path(), "sql/a/t1.sql");
        sql(dir.path(), "sql/b/t2.sql");
        sql(dir.path(), "sql/c/t3.sql");
        let set = JobSet::load(dir.path()).unwrap();
        let all: Vec<String> = vec!["c".into(), "b".into(), "a".into()];
        let order: Vec<&str> = set.order(&all).unwrap().iter().map(|j| j.name.as_str()).collect();
        assert_eq!(order, vec!["a", "b", "c"]);
        assert_eq!(set.producer("t2").unwrap().name, "b");

        std::fs::write(dir.path().join("jobs/a.toml"), "depends_on = [\"c\"]\n[[outputs]]\ntable = \"t1\"\n").unwrap();
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("cycle"), "{}", e.message);
    }

    #[test]
    fn input_from_another_job_needs_depends_on() {
        let dir = project(&[
            ("a", "[[outputs]]\ntable = \"t1\"\n"),
            ("b", "[inputs]\nt1 = {}\n[[outputs]]\ntable = \"t2\"\n"),
        ]);
        sql(dir.path(), "sql/a/t1.sql");
        sql(dir.path(), "sql/b/t2.sql");
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("add \"a\" to depends_on"), "{}", e.message);
    }

    #[test]
    fn reading_a_lagged_job_needs_its_lag_and_shifts_the_window() {
        let dir = project(&[
            ("a", "lag_days = 1\n[[outputs]]\ntable = \"t1\"\n"),
            ("b", "depends_on = [\"a\"]\n[inputs]\nt1 = { days = 2 }\n[[outputs]]\ntable = \"t2\"\n"),
        ]);
        sql(dir.path(), "sql/a/t1.sql");
        sql(dir.path(), "sql/b/t2.sql");
        let e = JobSet::load(dir.path()).unwrap_err();
        assert!(e.message.contains("expected inputs.t1.lag_days >= 1, found 0"), "{}", e.message);
        std::fs::write(
            dir.path().join("jobs/b.toml"),
            "depends_on = [\"a\"]\n[inputs]\nt1 = { days = 2, lag_days = 1 }\n[[outputs]]\ntable = \"t2\"\n",
        )
        .unwrap();
        let set = JobSet::load(dir.path()).unwrap();
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
        let (a, b) = (crate::plan::RunDates::new(&set.jobs["a"], d), crate::plan::RunDates::new(&set.jobs["b"], d));
        assert_eq!((a.run, a.partition), (d, d - chrono::Duration::days(1)));
        assert_eq!(b.partition, d);
        assert_eq!(b.window("t1"), [d - chrono::Duration::days(2), d - chrono::Duration::days(1)]);
        assert!(b.window("not_read").is_empty());
    }
}
