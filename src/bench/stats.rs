//! Latency samples and their percentiles.

use std::time::Duration;

use serde::Serialize;

/// Latency samples in microseconds.
#[derive(Debug, Default, Clone)]
pub struct Samples(Vec<u32>);

impl Samples {
    pub fn push(&mut self, d: Duration) {
        self.0
            .push(u32::try_from(d.as_micros()).unwrap_or(u32::MAX));
    }

    pub fn extend(&mut self, other: Samples) {
        self.0.extend(other.0);
    }

    pub fn summary(mut self) -> Percentiles {
        self.0.sort_unstable();
        let at = |q: f64| -> Option<f64> {
            if self.0.is_empty() {
                return None;
            }
            // Nearest rank: the smallest sample with at least q of all samples at or below it.
            let rank = crate::num::usize_from_u64(crate::num::u64_from_f64(
                (q * crate::num::f64_from_usize(self.0.len())).ceil(),
            ))
            .clamp(1, self.0.len());
            Some(f64::from(self.0[rank - 1]) / 1000.0)
        };
        Percentiles {
            samples: self.0.len(),
            p50_ms: at(0.50).map(round3),
            p90_ms: at(0.90).map(round3),
            p99_ms: at(0.99).map(round3),
            max_ms: self.0.last().map(|&m| round3(f64::from(m) / 1000.0)),
        }
    }
}

/// Rounds to three decimals (microseconds when the unit is milliseconds).
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// p50/p90/p99/max in milliseconds; `null` when nothing was measured.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Percentiles {
    pub samples: usize,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = Samples::default();
        for ms in 1..=100 {
            s.push(Duration::from_millis(ms));
        }
        let p = s.summary();
        assert_eq!(p.samples, 100);
        assert_eq!(p.p50_ms, Some(50.0));
        assert_eq!(p.p99_ms, Some(99.0));
        assert_eq!(p.max_ms, Some(100.0));
        assert_eq!(Samples::default().summary().p99_ms, None);
    }
}
