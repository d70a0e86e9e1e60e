//! How the rules read what upstream sources leave open: the quantity a trade is settled on,
//! how far a delivery may overshoot, and which meter an `energyFlow` is measured on. Each has
//! the seed's reading as its default and is set in `deg-contracts.toml`, never guessed.

use rust_decimal::Decimal;

/// The quantity the revenue flows are settled on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Basis {
    /// The seed: contracted quantity × price, and × wheeling charge.
    #[default]
    Contracted,
    /// The delivery's `deliveredQuantity` in place of the contracted quantity.
    Delivered,
}

/// The meter whose readings an `energyFlow` is the difference of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Meter {
    /// The buyer's meter: energy received (upstream: "positive indicates delivery to target").
    #[default]
    Target,
    /// The seller's meter: energy sent.
    Source,
}

/// The settings in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub basis: Basis,
    /// How far, in percent, a delivered quantity may exceed the contracted one.
    pub delivery_tolerance: Decimal,
    pub energy_flow: Meter,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            basis: Basis::default(),
            delivery_tolerance: Decimal::from(10),
            energy_flow: Meter::default(),
        }
    }
}

impl Basis {
    pub fn parse(text: &str) -> Option<Basis> {
        match text {
            "contracted" => Some(Basis::Contracted),
            "delivered" => Some(Basis::Delivered),
            _ => None,
        }
    }
}

impl Meter {
    pub fn parse(text: &str) -> Option<Meter> {
        match text {
            "target" => Some(Meter::Target),
            "source" => Some(Meter::Source),
            _ => None,
        }
    }
}

/// A percentage as written in the file, `"10%"` or `"2.5 %"`: a decimal from 0 to 1000.
pub fn parse_percent(text: &str) -> Option<Decimal> {
    let number = text.trim().strip_suffix('%')?.trim_end();
    let value: Decimal = number.parse().ok()?;
    (Decimal::ZERO..=Decimal::from(1000))
        .contains(&value)
        .then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_exact_and_bounded() {
        assert_eq!(parse_percent("10%"), Some(Decimal::from(10)));
        assert_eq!(parse_percent(" 2.5 %"), Some(Decimal::new(25, 1)));
        assert_eq!(parse_percent("0%"), Some(Decimal::ZERO));
        for bad in ["10", "-1%", "1001%", "ten%", "%", ""] {
            assert_eq!(parse_percent(bad), None, "{bad}");
        }
    }

    #[test]
    fn choices_parse_by_name() {
        assert_eq!(Basis::parse("delivered"), Some(Basis::Delivered));
        assert_eq!(Basis::parse("Delivered"), None);
        assert_eq!(Meter::parse("source"), Some(Meter::Source));
        assert_eq!(Meter::parse("both"), None);
    }
}
