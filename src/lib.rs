//! deg-contracts: a schema-compliance gate for the energy-trading contracts of the Beckn
//! Digital Energy Grid, over the validators generated from `schema/`.

pub mod discover;

pub use deg_contracts_schema as schema;
