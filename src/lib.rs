//! deg-contracts: a schema-compliance gate for the energy-trading contracts of the Beckn
//! Digital Energy Grid. It finds every object a generated schema describes in a Beckn message,
//! validates it with the validators generated from `schema/`, and applies the contract's
//! business rules. The CLI in `main.rs` runs it over files and renders the findings.

pub mod allocator;
pub mod beckn;
pub mod catalogue;
pub mod check;
pub mod config;
pub mod contract;
pub mod discover;
pub mod exact;
pub mod finding;
pub mod flows;
pub mod formula;
pub mod lint;
pub mod migrate;
pub mod nack;
pub mod parse;
pub mod read;
pub mod report;
pub mod rules;
pub mod run;
pub mod schemas;
pub mod settings;
pub mod source;
pub mod trades;
pub mod transaction;

pub use deg_contracts_schema as schema;
