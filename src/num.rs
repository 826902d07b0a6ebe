//! Numeric conversions that say what happens at the edges, instead of `as` casts that
//! truncate, wrap or drop a sign silently. Integers saturate; floats are rounded by the
//! caller and clamped here (NaN is 0). Clippy's `cast_*` lints are on for the crate
//! (Cargo.toml), so a new `as` between numbers is an error; the two float conversions
//! below are the only casts, each checked.

/// `n`, or `i64::MAX` when it does not fit (SQLite and PostgreSQL integers are signed).
pub fn i64_from_u64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `n`, or 0 when negative (a count or cursor read back from the database).
pub fn u64_from_i64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// `n`, or `u64::MAX` when it does not fit (durations in ms or µs).
pub fn u64_from_u128(n: u128) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

pub fn u64_from_usize(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

pub fn usize_from_u64(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

pub fn u32_from_u64(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Which of `buckets` (> 0) a hash falls in.
pub fn bucket(hash: u64, buckets: usize) -> usize {
    let n = u64_from_usize(buckets.max(1));
    usize_from_u64(hash % n)
}

/// A float already rounded as the caller wants, as an integer: NaN and negatives are 0,
/// values past `u64::MAX` are `u64::MAX`.
pub fn u64_from_f64(x: f64) -> u64 {
    if x.is_nan() || x <= 0.0 {
        0
    } else if x >= 18_446_744_073_709_551_615.0 {
        u64::MAX
    } else {
        // In range and non-negative: the cast only drops the fraction, which the caller
        // has rounded already.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n = x as u64;
        n
    }
}

/// [`u64_from_f64`], saturating at `i64::MAX`.
pub fn i64_from_f64(x: f64) -> i64 {
    i64_from_u64(u64_from_f64(x))
}

/// `n` as a float, for statistics and rates: exact up to 2⁵³, the nearest float beyond.
pub fn f64_from_u64(n: u64) -> f64 {
    match u32::try_from(n) {
        Ok(small) => f64::from(small),
        // Loses precision only past 2⁵³, which no count or byte size here reaches.
        #[allow(clippy::cast_precision_loss)]
        Err(_) => n as f64,
    }
}

pub fn f64_from_usize(n: usize) -> f64 {
    f64_from_u64(u64_from_usize(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_saturate() {
        assert_eq!(i64_from_u64(u64::MAX), i64::MAX);
        assert_eq!(u64_from_i64(-5), 0);
        assert_eq!(u64_from_f64(f64::NAN), 0);
        assert_eq!(u64_from_f64(-1.0), 0);
        assert_eq!(u64_from_f64(2.9), 2);
        assert_eq!(u64_from_f64(1e30), u64::MAX);
        assert_eq!(i64_from_f64(1e30), i64::MAX);
        assert_eq!(bucket(65, 64), 1);
        assert!((f64_from_u64(1 << 40) - 1_099_511_627_776.0).abs() < f64::EPSILON);
    }
}
