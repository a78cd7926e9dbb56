//! `voc.toml`: where inputs and outputs live and how big the engine may get.
//!
//! Every key is optional; `docs/configuration.md` lists them with defaults.
//! Roots resolve flag → environment (`VOC_INPUT`, `VOC_OUTPUT`) → file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Result, VocError};

/// The file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub input: Option<String>,
    pub output: Option<String>,
    pub timezone: Option<String>,
    /// A Ballista scheduler, `df://host:port`: queries run on that cluster.
    pub cluster: Option<String>,
    #[serde(default)]
    pub engine: EngineSection,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineSection {
    /// DataFusion memory pool size, e.g. "4GiB", "512MiB"; past it operators spill.
    pub memory_limit: String,
    /// Where spill files go; default: the system temp dir.
    pub spill_dir: Option<String>,
    /// Partitions a query is split into; 0 = one per core.
    pub target_partitions: usize,
    /// Rows per Arrow batch.
    pub batch_size: usize,
    /// Rows per output Parquet file before a new file is started.
    pub max_rows_per_file: usize,
    /// Seconds a run's lease on its output partition lives without renewal (renewed every
    /// quarter of it): how long a second run waits after the first one died.
    pub lease_seconds: u64,
}

impl Default for EngineSection {
    fn default() -> Self {
        Self {
            memory_limit: "4GiB".into(),
            spill_dir: None,
            target_partitions: 0,
            batch_size: 8192,
            max_rows_per_file: 1_000_000,
            lease_seconds: 180,
        }
    }
}

/// Everything a run needs to know that is not in a job file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder holding `jobs/`, `sql/` and `config/`.
    pub project_dir: PathBuf,
    pub input: Option<String>,
    pub output: Option<String>,
    pub timezone: chrono_tz::Tz,
    pub memory_limit_bytes: usize,
    pub spill_dir: Option<PathBuf>,
    pub target_partitions: usize,
    pub batch_size: usize,
    pub max_rows_per_file: usize,
    /// The Ballista scheduler queries run on; None: this process runs them.
    pub cluster: Option<crate::cluster::ClusterUrl>,
    /// How long a run's output lease lives without renewal (`engine.lease_seconds`).
    pub lease_ttl: std::time::Duration,
}

/// Overrides from the command line; `None` falls through to env and file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub input: Option<String>,
    pub output: Option<String>,
    pub config_file: Option<PathBuf>,
    pub cluster: Option<String>,
}

/// The business timezone: `VOC_TIMEZONE` when set, else the `timezone` of a config file (its
/// value and path), else Asia/Shanghai. The one place the variable is read.
pub fn business_timezone(from_file: Option<(&str, &Path)>) -> Result<chrono_tz::Tz> {
    let from_env = std::env::var("VOC_TIMEZONE").ok().filter(|v| !v.is_empty());
    let (name, origin) = match (from_env, from_file) {
        (Some(v), _) => (v, "VOC_TIMEZONE".to_string()),
        (None, Some((v, file))) => (v.to_string(), format!("{}: timezone", file.display())),
        (None, None) => return Ok(chrono_tz::Asia::Shanghai),
    };
    name.parse().map_err(|_| {
        VocError::config(format!("{origin}: expected an IANA zone name such as Asia/Shanghai, found '{name}'"))
    })
}

impl Config {
    /// Loads `voc.toml` from `project_dir` (or `overrides.config_file`), then
    /// applies `VOC_INPUT`/`VOC_OUTPUT`, then the flags.
    pub fn load(project_dir: &Path, overrides: &Overrides) -> Result<Self> {
        let explicit = overrides.config_file.clone().or_else(|| std::env::var_os("VOC_CONFIG").map(PathBuf::from));
        let path = explicit.clone().unwrap_or_else(|| project_dir.join("voc.toml"));
        let file = if path.exists() {
            let text =
                std::fs::read_to_string(&path).map_err(|e| VocError::config(format!("{}: {e}", path.display())))?;
            parse_file(&text, &path)?
        } else if explicit.is_some() {
            return Err(VocError::config(format!("config file {} does not exist", path.display())));
        } else {
            FileConfig::default()
        };
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let timezone = business_timezone(file.timezone.as_deref().map(|v| (v, path.as_path())))?;
        let memory_limit_bytes = parse_size(&file.engine.memory_limit).ok_or_else(|| {
            VocError::config(format!(
                "{}: engine.memory_limit: expected a size such as 4GiB or 512MiB, found '{}'",
                path.display(),
                file.engine.memory_limit
            ))
        })?;
        if file.engine.batch_size == 0 || file.engine.max_rows_per_file == 0 || file.engine.lease_seconds == 0 {
            return Err(VocError::config(format!(
                "{}: engine.batch_size, engine.max_rows_per_file and engine.lease_seconds must be positive",
                path.display()
            )));
        }
        let cluster = match (&overrides.cluster, env("VOC_CLUSTER"), &file.cluster) {
            (Some(c), _, _) => Some(crate::cluster::ClusterUrl::parse(c, "--cluster")?),
            (None, Some(c), _) => Some(crate::cluster::ClusterUrl::parse(&c, "VOC_CLUSTER")?),
            (None, None, Some(c)) => {
                Some(crate::cluster::ClusterUrl::parse(c, &format!("{}: cluster", path.display()))?)
            }
            (None, None, None) => None,
        };
        Ok(Self {
            project_dir: project_dir.to_path_buf(),
            cluster,
            input: overrides.input.clone().or_else(|| env("VOC_INPUT")).or(file.input),
            output: overrides.output.clone().or_else(|| env("VOC_OUTPUT")).or(file.output),
            timezone,
            memory_limit_bytes,
            spill_dir: file.engine.spill_dir.map(PathBuf::from),
            target_partitions: file.engine.target_partitions,
            batch_size: file.engine.batch_size,
            max_rows_per_file: file.engine.max_rows_per_file,
            lease_ttl: std::time::Duration::from_secs(file.engine.lease_seconds),
        })
    }

    /// Today's date in the business timezone.
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now().with_timezone(&self.timezone).date_naive()
    }

    pub fn input_root(&self) -> Result<&str> {
        self.input
            .as_deref()
            .ok_or_else(|| VocError::config("no input root: pass --input, set VOC_INPUT, or set input in voc.toml"))
    }

    pub fn output_root(&self) -> Result<&str> {
        self.output
            .as_deref()
            .ok_or_else(|| VocError::config("no output root: pass --output, set VOC_OUTPUT, or set output in voc.toml"))
    }
}

fn parse_file(text: &str, path: &Path) -> Result<FileConfig> {
    toml::from_str(text).map_err(|e| VocError::config(toml_error(path, text, &e)))
}

/// "file:line:col: message" for a TOML error.
pub fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> String {
    let msg = e.message();
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{}:{line}:{col}: {msg}", path.display())
        }
        None => format!("{}: {msg}", path.display()),
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

/// Parses "4GiB", "512MiB", "1.5G", "1000000" into bytes.
pub fn parse_size(s: &str) -> Option<usize> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let num: f64 = num.parse().ok()?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024.0f64.powi(4),
        _ => return None,
    };
    let bytes = num * mult;
    (bytes >= 1.0).then_some(bytes as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("4GiB"), Some(4 << 30));
        assert_eq!(parse_size("512 MiB"), Some(512 << 20));
        assert_eq!(parse_size("1.5g"), Some(3 << 29));
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("0"), None);
    }

    #[test]
    fn bad_keys_are_reported_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("voc.toml"), "input = \"x\"\n[engine]\nmemory = 3\n").unwrap();
        let e = Config::load(dir.path(), &Overrides::default()).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Config);
        assert!(e.message.contains("voc.toml:3:1"), "{}", e.message);
        assert!(e.message.contains("unknown field `memory`"), "{}", e.message);
    }

    #[test]
    fn flags_beat_file_and_timezone_is_validated() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("voc.toml"), "input = \"from-file\"\noutput = \"out\"\n").unwrap();
        let o = Overrides { input: Some("from-flag".into()), ..Default::default() };
        let c = Config::load(dir.path(), &o).unwrap();
        assert_eq!(c.input.as_deref(), Some("from-flag"));
        assert_eq!(c.timezone, chrono_tz::Asia::Shanghai);
        std::fs::write(dir.path().join("voc.toml"), "timezone = \"Mars/Base\"\n").unwrap();
        let e = Config::load(dir.path(), &Overrides::default()).unwrap_err();
        assert!(e.message.contains("found 'Mars/Base'"));
    }
}
