//! Storage roots: a local path, `file://…` or `s3://bucket/prefix`.
//!
//! S3 credentials, region and endpoint come only from the standard AWS
//! environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN`, `AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL`,
//! `AWS_ALLOW_HTTP`), never from job files, and are never logged: a root
//! displays as its URL only.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt, PutPayload};
use url::Url;

use crate::error::{Result, VocError};

/// How long voc keeps retrying a refused or failed S3 request (5xx, 429, timeouts, dropped
/// connections) before it gives up with a storage error: `VOC_S3_RETRY_SECONDS`, default 120,
/// at most 300 (a signed request is not re-signed while it is retried). Waits grow from 0.1 s to
/// 5 s between tries (with jitter), so a minute of 503s is ridden out.
pub const DEFAULT_S3_RETRY_SECONDS: u64 = 120;

fn s3_retry() -> Result<object_store::RetryConfig> {
    let seconds = match std::env::var("VOC_S3_RETRY_SECONDS") {
        Err(_) => DEFAULT_S3_RETRY_SECONDS,
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(n) if n <= 300 => n,
            _ => {
                return Err(VocError::config(format!(
                    "VOC_S3_RETRY_SECONDS: expected whole seconds from 0 to 300, found '{v}'"
                )))
            }
        },
    };
    Ok(object_store::RetryConfig {
        backoff: object_store::BackoffConfig {
            init_backoff: std::time::Duration::from_millis(100),
            max_backoff: std::time::Duration::from_secs(5),
            base: 2.0,
        },
        max_retries: if seconds == 0 { 0 } else { 1000 },
        retry_timeout: std::time::Duration::from_secs(seconds),
    })
}

/// A place voc reads from or writes to: an object store plus a key prefix.
#[derive(Clone)]
pub struct Root {
    store: Arc<dyn ObjectStore>,
    /// `s3://bucket` or `file://`: what DataFusion registers the store under.
    store_url: Url,
    /// Key prefix inside the store, no leading or trailing slash.
    prefix: Path,
    /// The folder of a local root (object stores have no folders; a local one does).
    local: Option<std::path::PathBuf>,
}

impl fmt::Debug for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Root({})", self.url())
    }
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url())
    }
}

impl Root {
    /// Parses a root. Local paths are made absolute (and created when
    /// `create` is set, as for an output root).
    pub fn parse(spec: &str, create: bool) -> Result<Self> {
        let spec = spec.trim();
        if spec.is_empty() {
            return Err(VocError::config("a storage root is empty; expected a path, file:// or s3:// URL"));
        }
        if let Some(rest) = spec.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(VocError::config(format!(
                    "storage root '{spec}': expected s3://bucket/prefix, found no bucket"
                )));
            }
            let mut b = AmazonS3Builder::from_env().with_bucket_name(bucket).with_retry(s3_retry()?);
            let endpoint = std::env::var("AWS_ENDPOINT_URL").or_else(|_| std::env::var("AWS_ENDPOINT")).ok();
            if let Some(ep) = endpoint {
                if ep.starts_with("http://") {
                    b = b.with_allow_http(true);
                }
                b = b.with_endpoint(ep);
            }
            if std::env::var("AWS_REGION").is_err() && std::env::var("AWS_DEFAULT_REGION").is_err() {
                b = b.with_region("us-east-1");
            }
            let store = b.build().map_err(|e| VocError::config(format!("storage root '{spec}': {e}")))?;
            return Ok(Self {
                store: Arc::new(store),
                store_url: Url::parse(&format!("s3://{bucket}")).expect("valid s3 url"),
                prefix: Path::from(prefix.trim_matches('/')),
                local: None,
            });
        }
        let local = if let Some(rest) = spec.strip_prefix("file://") {
            std::path::PathBuf::from(rest)
        } else if spec.contains("://") {
            return Err(VocError::config(format!(
                "storage root '{spec}': expected a local path, file:// or s3:// URL, found scheme '{}'",
                spec.split("://").next().unwrap_or("")
            )));
        } else {
            std::path::PathBuf::from(spec)
        };
        if create {
            std::fs::create_dir_all(&local)
                .map_err(|e| VocError::storage(format!("cannot create '{}': {e}", local.display())))?;
        }
        let abs = if local.exists() {
            local.canonicalize().map_err(|e| VocError::storage(format!("'{}': {e}", local.display())))?
        } else if local.is_absolute() {
            local
        } else {
            std::env::current_dir().map_err(|e| VocError::storage(e.to_string()))?.join(local)
        };
        let abs_str = abs.to_string_lossy().to_string();
        Ok(Self {
            store: Arc::new(LocalFileSystem::new()),
            store_url: Url::parse("file:///").expect("valid file url"),
            prefix: Path::from(abs_str.trim_matches('/')),
            local: Some(abs),
        })
    }

    /// Wraps an existing store (tests use this to inject faults).
    pub fn with_store(&self, store: Arc<dyn ObjectStore>) -> Self {
        Self { store, ..self.clone() }
    }

    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// `s3://bucket` or `file:///`: the key DataFusion's object store
    /// registry uses for this root.
    pub fn store_url(&self) -> &Url {
        &self.store_url
    }

    /// The local folder of `rel` for a local root; None for an object store.
    pub fn local_dir(&self, rel: &str) -> Option<std::path::PathBuf> {
        self.local.as_ref().map(|d| d.join(rel.trim_matches('/')))
    }

    pub fn is_local(&self) -> bool {
        self.local.is_some()
    }

    /// The full key of `rel` (a `/`-separated path below the root).
    pub fn path(&self, rel: &str) -> Path {
        let rel = rel.trim_matches('/');
        if rel.is_empty() {
            return self.prefix.clone();
        }
        if self.prefix.as_ref().is_empty() {
            Path::from(rel)
        } else {
            Path::from(format!("{}/{rel}", self.prefix))
        }
    }

    /// A URL for `rel` that DataFusion understands (trailing `/` for folders).
    pub fn url_of(&self, rel: &str, folder: bool) -> String {
        let key = self.path(rel);
        let slash = if folder { "/" } else { "" };
        match self.store_url.scheme() {
            "file" => format!("file:///{key}{slash}"),
            _ => format!("{}/{key}{slash}", self.store_url.as_str().trim_end_matches('/')),
        }
    }

    /// The root as the user would write it.
    pub fn url(&self) -> String {
        self.url_of("", false)
    }

    /// The key relative to the root, for messages and manifests.
    pub fn relative(&self, key: &Path) -> String {
        let k = key.as_ref();
        let p = self.prefix.as_ref();
        if p.is_empty() {
            return k.to_string();
        }
        k.strip_prefix(p).map(|r| r.trim_start_matches('/').to_string()).unwrap_or_else(|| k.to_string())
    }

    /// Every object below `rel`, recursively; a missing folder lists empty.
    pub async fn list(&self, rel: &str) -> Result<Vec<ObjectMeta>> {
        let prefix = self.path(rel);
        let mut out: Vec<ObjectMeta> = match self.store.list(Some(&prefix)).try_collect().await {
            Ok(v) => v,
            Err(object_store::Error::NotFound { .. }) => Vec::new(),
            Err(e) => return Err(VocError::storage(format!("listing {}: {e}", self.url_of(rel, true)))),
        };
        out.sort_by(|a, b| a.location.cmp(&b.location));
        Ok(out)
    }

    /// The immediate sub-folders of `rel` (names only).
    pub async fn list_dirs(&self, rel: &str) -> Result<Vec<String>> {
        let prefix = self.path(rel);
        let res = match self.store.list_with_delimiter(Some(&prefix)).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(VocError::storage(format!("listing {}: {e}", self.url_of(rel, true)))),
        };
        let mut dirs: Vec<String> =
            res.common_prefixes.iter().filter_map(|p| p.filename().map(str::to_string)).collect();
        dirs.sort();
        Ok(dirs)
    }

    pub async fn put(&self, rel: &str, bytes: Bytes) -> Result<()> {
        let key = self.path(rel);
        self.store
            .put(&key, PutPayload::from(bytes))
            .await
            .map_err(|e| VocError::storage(format!("writing {}: {e}", self.url_of(rel, false))))?;
        Ok(())
    }

    /// Creates `rel` only if nothing is there yet (a conditional PUT, `If-None-Match: *` on S3;
    /// a hard link on a local disk): `Ok(false)` when it already exists.
    pub async fn put_if_absent(&self, rel: &str, bytes: Bytes) -> Result<bool> {
        let key = self.path(rel);
        let opts = object_store::PutOptions { mode: object_store::PutMode::Create, ..Default::default() };
        match self.store.put_opts(&key, PutPayload::from(bytes), opts).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. }) => Ok(false),
            Err(e) => Err(VocError::storage(format!("creating {}: {e}", self.url_of(rel, false)))),
        }
    }

    /// Reads a whole object; `Ok(None)` when it does not exist.
    pub async fn get_opt(&self, rel: &str) -> Result<Option<Bytes>> {
        let key = self.path(rel);
        match self.store.get(&key).await {
            Ok(r) => Ok(Some(
                r.bytes().await.map_err(|e| VocError::storage(format!("reading {}: {e}", self.url_of(rel, false))))?,
            )),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(VocError::storage(format!("reading {}: {e}", self.url_of(rel, false)))),
        }
    }

    /// Deletes everything below `rel`.
    pub async fn delete_all(&self, rel: &str) -> Result<()> {
        for meta in self.list(rel).await? {
            self.delete_key(&meta.location).await?;
        }
        Ok(())
    }

    /// A local disk's object store writes `name#N` and then renames it into place; a process
    /// killed in between leaves that file in `rel` (no `*.parquet` glob matches it, and listings
    /// skip it, but it is litter). Removes such files at least `min_age` old (a younger one may
    /// be another process's write in flight); nothing to do on an object store.
    pub fn remove_local_temporaries(&self, rel: &str, min_age: std::time::Duration) {
        let Some(folder) = self.local_dir(rel) else { return };
        let Ok(entries) = std::fs::read_dir(&folder) else { return };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some((_, n)) = name.rsplit_once('#') else { continue };
            let age = e.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && age.is_some_and(|a| a >= min_age) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    pub async fn delete_key(&self, key: &Path) -> Result<()> {
        match self.store.delete(key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(VocError::storage(format!("deleting {key}: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_roots_are_absolute_and_urls_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::parse(dir.path().to_str().unwrap(), false).unwrap();
        assert!(root.is_local());
        let canon = dir.path().canonicalize().unwrap();
        assert_eq!(root.url(), format!("file://{}", canon.display()));
        assert_eq!(
            root.url_of("orders/dt=2026-11-01", true),
            format!("file://{}/orders/dt=2026-11-01/", canon.display())
        );
        let via_url = Root::parse(&format!("file://{}", canon.display()), false).unwrap();
        assert_eq!(via_url.url(), root.url());
    }

    #[test]
    fn unknown_schemes_and_empty_buckets_are_config_errors() {
        let e = Root::parse("gs://bucket/x", false).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Config);
        assert!(e.message.contains("found scheme 'gs'"));
        assert_eq!(Root::parse("s3:///x", false).unwrap_err().kind, crate::error::ErrorKind::Config);
    }

    #[tokio::test]
    async fn put_list_get_delete_on_local_disk() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::parse(dir.path().to_str().unwrap(), false).unwrap();
        root.put("t/dt=2026-11-01/a.parquet", Bytes::from_static(b"x")).await.unwrap();
        root.put("t/dt=2026-11-02/b.parquet", Bytes::from_static(b"y")).await.unwrap();
        assert_eq!(root.list_dirs("t").await.unwrap(), vec!["dt=2026-11-01", "dt=2026-11-02"]);
        let all = root.list("t").await.unwrap();
        assert_eq!(root.relative(&all[0].location), "t/dt=2026-11-01/a.parquet");
        assert_eq!(root.get_opt("t/dt=2026-11-02/b.parquet").await.unwrap().unwrap().as_ref(), b"y");
        assert!(root.get_opt("t/none").await.unwrap().is_none());
        root.delete_all("t/dt=2026-11-01").await.unwrap();
        assert_eq!(root.list("t").await.unwrap().len(), 1);
        assert!(root.list("missing").await.unwrap().is_empty());
    }
}
