//! Decimal arithmetic that fails instead of rounding. `rust_decimal`'s checked operations
//! return `None` only when a result leaves the range; a result that needs more than its 28
//! significant digits is rounded silently. Money must not be, so every sum, difference and
//! product the rules compute goes through here and says which limit it met.

use rust_decimal::Decimal;

/// Why a result cannot be computed exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Beyond {
    /// Larger in magnitude than a decimal holds.
    #[error("is beyond the decimal range")]
    Range,
    /// Exact only with more significant digits than a decimal holds.
    #[error("needs more than the 28 significant digits a decimal holds")]
    Digits,
}

/// `left + right`, exactly.
pub fn add(left: Decimal, right: Decimal) -> Result<Decimal, Beyond> {
    exact(left.checked_add(right), places(left).max(places(right)))
}

/// `left − right`, exactly.
pub fn sub(left: Decimal, right: Decimal) -> Result<Decimal, Beyond> {
    add(left, -right)
}

/// `left × right`, exactly.
pub fn mul(left: Decimal, right: Decimal) -> Result<Decimal, Beyond> {
    exact(left.checked_mul(right), product_places(left, right))
}

/// The sum of `values`, exactly.
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Result<Decimal, Beyond> {
    values.into_iter().try_fold(Decimal::ZERO, add)
}

/// The decimal places a value needs: its scale without trailing zeros.
fn places(value: Decimal) -> u32 {
    value.normalize().scale()
}

/// The decimal places the exact product needs: the operands' places, less the trailing zeros
/// their digits make together (`12.5 × 4e27` needs none).
fn product_places(left: Decimal, right: Decimal) -> u32 {
    if left.is_zero() || right.is_zero() {
        return 0;
    }
    let (left, right) = (left.normalize(), right.normalize());
    let digits = [left, right].map(|value| value.mantissa().unsigned_abs());
    let factors = |prime| digits.iter().map(|&d| multiplicity(d, prime)).sum::<u32>();
    let zeros = factors(2).min(factors(5));
    (left.scale() + right.scale()).saturating_sub(zeros)
}

/// How many times `prime` divides `value` (not zero).
fn multiplicity(mut value: u128, prime: u128) -> u32 {
    let mut count = 0;
    while value.is_multiple_of(prime) {
        value /= prime;
        count += 1;
    }
    count
}

/// A result that kept every decimal place its operands need; fewer means it was rounded.
/// Results are computed on the operands as written, so `25.0 − 0` stays `25.0`.
fn exact(result: Option<Decimal>, places: u32) -> Result<Decimal, Beyond> {
    let result = result.ok_or(Beyond::Range)?;
    if result.scale() < places {
        Err(Beyond::Digits)
    } else {
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn exact_results_are_kept_and_rounded_ones_refused() {
        assert_eq!(
            mul(d("12.50000000000000001"), d("6.4")),
            Ok(d("80.000000000000000064"))
        );
        assert_eq!(mul(d("12.50"), d("6.40")).unwrap().to_string(), "80.0000");
        assert_eq!(
            mul(d("1.0000000000000000000000000"), d("2.0000000000")),
            Ok(d("2")),
            "only zeros are dropped past 28 places"
        );
        assert_eq!(
            mul(d("12.50000000000000001"), d("6.40000000000000001")),
            Err(Beyond::Digits)
        );
        assert_eq!(
            mul(d("4000000000000000000000000000"), d("12.5")),
            Ok(d("50000000000000000000000000000")),
            "a product whose dropped places are zeros is exact"
        );
        assert_eq!(
            mul(Decimal::ZERO, d("0.0000000000000000000000000001")),
            Ok(Decimal::ZERO)
        );
        assert_eq!(
            add(d("10000000000000000000000000000"), d("0.1")),
            Err(Beyond::Digits)
        );
        assert_eq!(sub(d("0.3"), d("0.1")), Ok(d("0.2")));
        assert_eq!(add(Decimal::MAX, Decimal::ONE), Err(Beyond::Range));
        assert_eq!(sub(Decimal::MIN, Decimal::ONE), Err(Beyond::Range));
        assert_eq!(mul(Decimal::MAX, d("2")), Err(Beyond::Range));
        assert_eq!(sum([d("0.1"), d("0.2"), d("0.3")]), Ok(d("0.6")));
        assert_eq!(sum([Decimal::MAX, Decimal::MAX]), Err(Beyond::Range));
    }
}
