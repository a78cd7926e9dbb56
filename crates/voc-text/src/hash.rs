//! Lookup structures for the per-token and per-character hot loops: a small, fast,
//! non-cryptographic hasher (the FxHash function used by rustc) and a character bitmap. Every
//! token of every row is looked up, so SipHash's DoS resistance costs more than it buys here: the
//! keys are dictionary words fixed at start-up, not attacker-chosen.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A set of characters: a bitmap over the Basic Multilingual Plane, a list beyond it.
#[derive(Default)]
pub(crate) struct CharSet {
    bmp: Vec<u64>,
    astral: Vec<char>,
}

impl CharSet {
    pub fn insert(&mut self, c: char) {
        let u = c as usize;
        if u < 0x1_0000 {
            if self.bmp.is_empty() {
                self.bmp = vec![0; 0x1_0000 / 64];
            }
            self.bmp[u / 64] |= 1 << (u % 64);
        } else if !self.astral.contains(&c) {
            self.astral.push(c);
        }
    }

    #[inline]
    pub fn contains(&self, c: char) -> bool {
        let u = c as usize;
        if u < 0x1_0000 {
            self.bmp.get(u / 64).is_some_and(|w| w & (1 << (u % 64)) != 0)
        } else {
            self.astral.contains(&c)
        }
    }
}

/// A cheap hash of a short string for [`Bloom`]: its first and last four bytes and its length,
/// with no loop and no copy (tokens are a few bytes; this runs for every token of every row).
#[inline]
fn signature(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let x = if n >= 4 {
        let head = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as u64;
        let tail = u32::from_le_bytes([bytes[n - 4], bytes[n - 3], bytes[n - 2], bytes[n - 1]]) as u64;
        head | tail << 32
    } else if n > 0 {
        bytes[0] as u64 | (bytes[n / 2] as u64) << 8 | (bytes[n - 1] as u64) << 16
    } else {
        0
    };
    (x ^ (n as u64) << 59).wrapping_mul(SEED).rotate_left(17).wrapping_mul(SEED)
}

/// A Bloom filter of strings: 16,384 bits, two probes from one [`signature`]. With a thousand keys about
/// one non-key in a hundred gets through to the real lookup.
#[derive(Default)]
pub(crate) struct Bloom {
    bits: Vec<u64>,
}

const BLOOM_BITS: u64 = 1 << 14;

impl Bloom {
    fn probes(key: &str) -> (u64, u64) {
        // The multiplications mix upwards: take the high bits.
        let h = signature(key.as_bytes());
        (h >> (64 - 14), (h >> (64 - 28)) % BLOOM_BITS)
    }

    pub fn insert(&mut self, key: &str) {
        if self.bits.is_empty() {
            self.bits = vec![0; (BLOOM_BITS / 64) as usize];
        }
        let (a, b) = Bloom::probes(key);
        self.bits[(a / 64) as usize] |= 1 << (a % 64);
        self.bits[(b / 64) as usize] |= 1 << (b % 64);
    }

    #[inline]
    pub fn may_contain(&self, key: &str) -> bool {
        if self.bits.is_empty() {
            return false;
        }
        let (a, b) = Bloom::probes(key);
        self.bits[(a / 64) as usize] & (1 << (a % 64)) != 0 && self.bits[(b / 64) as usize] & (1 << (b % 64)) != 0
    }
}
