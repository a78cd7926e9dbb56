//! Stage 3: hot questions — per category the Zipf-like distribution of the canonical
//! pre-sale questions customers ask (`_truth/hot_questions`).

use super::World;
use crate::rng::Rng;
use crate::vocab::*;

/// A pre-sale question of a category and how often it is asked first.
#[derive(Clone, Copy, Debug)]
pub struct HotQuestion {
    /// index into `vocab::QUESTIONS`
    pub question: usize,
    /// share of the category's pre-sale sessions that ask it first
    pub weight: f64,
}

impl World {
    /// Ranks, per category, the common and the category's own questions (the latter nudged
    /// to the top) and weighs rank k with 1/k^1.1.
    pub(super) fn plant_hot_questions(&mut self) {
        self.hot = CATEGORIES.iter().enumerate().map(|(ci, c)| hot_questions(self.seed, ci, c)).collect();
    }
}

fn hot_questions(seed: u64, ci: usize, c: &Category) -> Vec<HotQuestion> {
    let mut r = Rng::new(&[seed, 3, ci as u64]);
    let mut qs: Vec<usize> = COMMON_QUESTIONS.iter().copied().chain(c.questions.iter().copied()).collect();
    // shuffle, with category-specific questions nudged to the top
    for i in (1..qs.len()).rev() {
        let j = r.below(i as u64 + 1) as usize;
        qs.swap(i, j);
    }
    qs.sort_by_key(|q| if c.questions.contains(q) { r.below(6) } else { 2 + r.below(10) });
    let ws: Vec<f64> = (0..qs.len()).map(|k| 1.0 / ((k + 1) as f64).powf(1.1)).collect();
    let tot: f64 = ws.iter().sum();
    qs.into_iter().zip(ws).map(|(question, w)| HotQuestion { question, weight: w / tot }).collect()
}
