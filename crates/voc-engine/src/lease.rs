//! One writer per job and partition: a lease in the output root.
//!
//! A lease is a small JSON object at `_leases/<job>/dt=D/<generation>.json`, where the
//! generation is a zero-padded counter. The holder is the run named by the highest generation,
//! while that lease is neither released nor expired. To take it, a run lists the folder: when
//! the highest generation is live, the run stops with "already running" (exit code 8, retry
//! later); otherwise it creates generation + 1 with a conditional create (`If-None-Match: *` on
//! S3, a hard link on a local disk), which exactly one of two racing runs wins. The loser reads
//! the winner's lease and stops the same way.
//!
//! The holder renews its lease every quarter of its time to live (`engine.lease_seconds`,
//! default 180 s, above the S3 retry budget) by rewriting its own generation with a later `expires_at`, after checking that
//! its generation is still the highest; a run whose owner died is taken over once `expires_at`
//! has passed. A released lease is rewritten with `released = true` and kept: generations only
//! grow, so a run that listed before the release cannot create a generation that already exists.
//! The taker deletes the generations below its own.
//!
//! Expiry is wall-clock time written by the holder and read by the next taker: the machines'
//! clocks must agree to well within the time to live (NTP does). A holder that stalls longer than
//! its time to live (a stopped VM) can lose its lease; it notices at its next renewal or before
//! its commit and stops without publishing ([`Lease::check`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::partition_dir;
use crate::error::{Result, VocError};
use crate::storage::Root;

/// Where the leases of a job's partition live, relative to the output root.
pub fn lease_dir(job: &str, partition: NaiveDate) -> String {
    format!("_leases/{job}/{}", partition_dir(partition))
}

/// What a lease object holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LeaseBody {
    pub run_id: String,
    pub job: String,
    pub partition: String,
    pub host: String,
    pub pid: u32,
    pub acquired_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[serde(default)]
    pub released: bool,
}

impl LeaseBody {
    /// Held by a live run at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        !self.released && self.expires_at > now
    }

    fn describe(&self) -> String {
        format!(
            "run {} (host {}, pid {}) holds it until {}",
            self.run_id,
            self.host,
            self.pid,
            self.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
    }
}

/// The generations present in a lease folder, highest last, with their keys relative to the root.
async fn generations(root: &Root, dir: &str) -> Result<Vec<(u64, String)>> {
    let mut out: Vec<(u64, String)> = root
        .list(dir)
        .await?
        .iter()
        .filter_map(|m| {
            let name = m.location.filename()?;
            let n: u64 = name.strip_suffix(".json")?.parse().ok()?;
            Some((n, format!("{dir}/{name}")))
        })
        .collect();
    out.sort();
    Ok(out)
}

async fn read_body(root: &Root, rel: &str) -> Result<Option<LeaseBody>> {
    let Some(bytes) = root.get_opt(rel).await? else { return Ok(None) };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        VocError::storage(format!(
            "{}: not a voc lease ({e}); remove it if no voc run is writing this partition",
            root.url_of(rel, false)
        ))
    })
}

/// The current lease of a folder: the highest generation and what it says.
async fn current(root: &Root, dir: &str) -> Result<Option<(u64, String, LeaseBody)>> {
    let gens = generations(root, dir).await?;
    let Some((n, rel)) = gens.last().cloned() else { return Ok(None) };
    match read_body(root, &rel).await? {
        Some(body) => Ok(Some((n, rel, body))),
        // Deleted between the list and the read: a taker cleaning up below its own generation.
        None => Ok(None),
    }
}

/// "Already running": who holds the lease of `job`'s `partition` and until when.
fn busy(root: &Root, job: &str, partition: NaiveDate, body: &LeaseBody, rel: &str) -> VocError {
    VocError::already_running(format!(
        "job {job} partition {}: another run is writing it: {} (lease {}); retry after it ends or expires",
        partition_dir(partition),
        body.describe(),
        root.url_of(rel, false)
    ))
}

/// A held lease; renewed in the background until released or dropped.
pub struct Lease {
    root: Root,
    rel: String,
    dir: String,
    generation: u64,
    partition: NaiveDate,
    body: LeaseBody,
    ttl: Duration,
    lost: Arc<AtomicBool>,
    renewer: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lease({}, run {})", self.rel, self.body.run_id)
    }
}

/// When a lease taken or renewed at `now` expires.
fn expiry(now: DateTime<Utc>, ttl: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::seconds(60))
}

fn serialize(body: &LeaseBody) -> Bytes {
    Bytes::from(serde_json::to_vec_pretty(body).expect("a lease serialises"))
}

impl Lease {
    /// Takes the lease of `job`'s `partition` for `run_id`, or fails with "already running"
    /// naming the holder. `renew` starts the background renewal (a run); without it the caller
    /// holds the lease for a short task (recovering another run's leftovers) and releases it.
    pub async fn acquire(
        root: &Root,
        job: &str,
        partition: NaiveDate,
        run_id: &str,
        ttl: Duration,
        renew: bool,
    ) -> Result<Lease> {
        let dir = lease_dir(job, partition);
        // A taker killed while writing its lease left `<generation>.json#N`: litter once old.
        root.remove_local_temporaries(&dir, Duration::from_secs(60));
        let now = Utc::now();
        // One listing decides the next generation: a second one could see a lease created
        // meanwhile and skip past it.
        let next = match generations(root, &dir).await?.pop() {
            None => 0,
            Some((n, rel)) => match read_body(root, &rel).await? {
                Some(body) if body.is_live(now) => return Err(busy(root, job, partition, &body, &rel)),
                // Released, expired, or deleted since the listing (a newer one exists then, and
                // creating n + 1 fails below).
                _ => n + 1,
            },
        };
        let body = LeaseBody {
            run_id: run_id.to_string(),
            job: job.to_string(),
            partition: partition.format("%Y-%m-%d").to_string(),
            host: hostname(),
            pid: std::process::id(),
            acquired_at: now,
            expires_at: expiry(now, ttl),
            released: false,
        };
        let rel = format!("{dir}/{next:010}.json");
        if !root.put_if_absent(&rel, serialize(&body)).await? {
            let there = read_body(root, &rel).await?;
            // Our own create, applied by the store but its answer lost and the request retried.
            let ours = there.as_ref().is_some_and(|b| b.run_id == body.run_id && b.acquired_at == body.acquired_at);
            match there {
                Some(b) if !ours => return Err(busy(root, job, partition, &b, &rel)),
                None => {
                    return Err(VocError::already_running(format!(
                        "job {job} partition {}: another run took the lease first; retry after it ends or expires",
                        partition_dir(partition)
                    )))
                }
                Some(_) => {}
            }
        }
        // Older generations are history now.
        for (n, old) in generations(root, &dir).await? {
            if n < next {
                let _ = root.delete_key(&root.path(&old)).await;
            }
        }
        let mut lease = Lease {
            root: root.clone(),
            rel,
            dir,
            generation: next,
            partition,
            body,
            ttl,
            lost: Default::default(),
            renewer: None,
        };
        if renew {
            lease.start_renewal();
        }
        tracing::debug!(lease = %lease.rel, "lease taken");
        Ok(lease)
    }

    pub fn run_id(&self) -> &str {
        &self.body.run_id
    }

    pub fn job(&self) -> &str {
        &self.body.job
    }

    pub fn partition(&self) -> NaiveDate {
        self.partition
    }

    fn start_renewal(&mut self) {
        let (root, rel, dir, generation, ttl, lost) =
            (self.root.clone(), self.rel.clone(), self.dir.clone(), self.generation, self.ttl, self.lost.clone());
        let mut body = self.body.clone();
        self.renewer = Some(tokio::spawn(async move {
            let every = (ttl / 4).max(Duration::from_millis(50));
            loop {
                tokio::time::sleep(every).await;
                match renew_once(&root, &rel, &dir, generation, ttl, &mut body).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::error!(lease = %rel, "lease lost to another run; this run will not publish");
                        lost.store(true, Ordering::SeqCst);
                        return;
                    }
                    // A failed renewal is retried at the next tick; the lease lives until expires_at.
                    Err(e) => tracing::warn!(lease = %rel, error = %e.message, "could not renew the lease"),
                }
            }
        }));
    }

    /// Fails when the lease was lost (taken over after it expired): called right before a
    /// commit writes anything a reader could see.
    pub async fn check(&self) -> Result<()> {
        let still_ours = !self.lost.load(Ordering::SeqCst)
            && matches!(current(&self.root, &self.dir).await?, Some((n, _, b)) if n == self.generation && b.is_live(Utc::now()));
        if still_ours {
            return Ok(());
        }
        Err(VocError::already_running(format!(
            "job {} partition dt={}: run {} lost its lease {} (it was not renewed within {} s and another run took it); nothing was published",
            self.body.job,
            self.body.partition,
            self.body.run_id,
            self.root.url_of(&self.rel, false),
            self.ttl.as_secs()
        )))
    }

    /// Ends the lease: it is rewritten as released (when it is still the highest generation).
    pub async fn release(mut self) {
        if let Some(h) = self.renewer.take() {
            h.abort();
        }
        let ours = matches!(current(&self.root, &self.dir).await, Ok(Some((n, _, _))) if n == self.generation);
        if !ours {
            return;
        }
        self.body.released = true;
        self.body.expires_at = Utc::now();
        if let Err(e) = self.root.put(&self.rel, serialize(&self.body)).await {
            tracing::warn!(lease = %self.rel, error = %e.message, "could not release the lease; it expires on its own");
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(h) = self.renewer.take() {
            h.abort();
        }
    }
}

/// One renewal: `Ok(false)` when the lease is no longer ours.
async fn renew_once(
    root: &Root,
    rel: &str,
    dir: &str,
    generation: u64,
    ttl: Duration,
    body: &mut LeaseBody,
) -> Result<bool> {
    match current(root, dir).await? {
        Some((n, _, b)) if n == generation && b.run_id == body.run_id => {}
        _ => return Ok(false),
    }
    body.expires_at = expiry(Utc::now(), ttl);
    root.put(rel, serialize(body)).await?;
    Ok(true)
}

/// Whether the lease of `job`'s `partition` is held by a live run at `now`, and by which.
pub async fn holder(root: &Root, job: &str, partition: NaiveDate, now: DateTime<Utc>) -> Result<Option<LeaseBody>> {
    Ok(current(root, &lease_dir(job, partition)).await?.map(|(_, _, b)| b).filter(|b| b.is_live(now)))
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok().map(|s| s.trim().to_string()))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    }

    #[tokio::test]
    async fn one_holder_at_a_time_and_an_expired_lease_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Root::parse(tmp.path().to_str().unwrap(), false).unwrap();
        let ttl = Duration::from_secs(60);
        let a = Lease::acquire(&root, "qa", day(), "run-a", ttl, true).await.unwrap();
        let e = Lease::acquire(&root, "qa", day(), "run-b", ttl, true).await.unwrap_err();
        assert_eq!(e.exit_code(), 8, "{e}");
        assert!(e.message.contains("run run-a") && e.message.contains("retry"), "{e}");
        // Another job or date is another lease.
        let other = Lease::acquire(&root, "qa", day().succ_opt().unwrap(), "run-c", ttl, false).await.unwrap();
        other.release().await;
        a.check().await.unwrap();
        a.release().await;
        let b = Lease::acquire(&root, "qa", day(), "run-b", ttl, false).await.unwrap();
        assert_eq!(b.generation, 1);
        assert_eq!(generations(&root, &lease_dir("qa", day())).await.unwrap().len(), 1, "older generations removed");

        // b dies without releasing; once its lease has expired, c takes over and b cannot commit.
        let mut dead = read_body(&root, &b.rel).await.unwrap().unwrap();
        dead.expires_at = Utc::now() - chrono::Duration::seconds(1);
        root.put(&b.rel, serialize(&dead)).await.unwrap();
        let c = Lease::acquire(&root, "qa", day(), "run-c", ttl, false).await.unwrap();
        assert_eq!(c.generation, 2);
        let e = b.check().await.unwrap_err();
        assert_eq!(e.exit_code(), 8);
        assert!(e.message.contains("lost its lease"), "{e}");
        c.check().await.unwrap();
        let h = holder(&root, "qa", day(), Utc::now()).await.unwrap().unwrap();
        assert_eq!(h.run_id, "run-c");
    }

    #[tokio::test]
    async fn a_held_lease_is_renewed_past_its_time_to_live() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Root::parse(tmp.path().to_str().unwrap(), false).unwrap();
        let a = Lease::acquire(&root, "qa", day(), "run-a", Duration::from_millis(400), true).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1000)).await;
        a.check().await.unwrap();
        let e = Lease::acquire(&root, "qa", day(), "run-b", Duration::from_secs(1), false).await.unwrap_err();
        assert_eq!(e.exit_code(), 8);
        a.release().await;
        assert!(holder(&root, "qa", day(), Utc::now()).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn racing_takers_get_one_lease() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Root::parse(tmp.path().to_str().unwrap(), false).unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let root = root.clone();
                tokio::spawn(async move {
                    Lease::acquire(&root, "qa", day(), &format!("run-{i}"), Duration::from_secs(60), false).await
                })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => won += 1,
                Err(e) => assert_eq!(e.exit_code(), 8, "{e}"),
            }
        }
        assert_eq!(won, 1);
    }
}
