//! A read-only view of a contract object for the business rules: its roles by kind and their
//! inputs in either form, tolerant of whatever the schema check already reported.

use std::str::FromStr;

use deg_contracts_schema::RoleSpec;
use rust_decimal::Decimal;
use serde_json::Value;

use deg_contracts_runtime::is_verbose_role_input;

/// The seller, buyer and grid operator, as the P2P rules name them.
pub const SELLER: &[&str] = &["SELLER", "PROSUMER"];
pub const BUYER: &[&str] = &["BUYER", "CONSUMER"];
pub const GRID_OPERATOR: &[&str] = &["GRID_OPERATOR"];

/// A contract within a message.
pub struct Contract<'a> {
    pub value: &'a Value,
    /// Where the contract sits in the message.
    pub pointer: &'a str,
    /// The role kinds its schema declares.
    pub specs: &'static [RoleSpec],
}

/// A role listed in the contract.
pub struct Role<'a> {
    pub index: usize,
    pub value: &'a Value,
    pub name: &'a str,
}

impl<'a> Contract<'a> {
    pub fn roles(&self) -> impl Iterator<Item = Role<'a>> + 'a {
        let roles = self.value.get("roles").and_then(Value::as_array);
        roles
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(index, value)| {
                let name = value.get("role")?.as_str()?;
                Some(Role { index, value, name })
            })
    }

    /// The first listed role whose name is one of `names`.
    pub fn role(&self, names: &[&str]) -> Option<Role<'a>> {
        self.roles().find(|role| names.contains(&role.name))
    }

    /// The spec a role name belongs to.
    pub fn spec(&self, name: &str) -> Option<&'static RoleSpec> {
        self.specs.iter().find(|spec| spec.values.contains(&name))
    }

    /// Two role names are one kind when a specialised spec owns both.
    pub fn same_kind(&self, a: &str, b: &str) -> bool {
        a == b
            || self
                .spec(a)
                .is_some_and(|spec| spec.inputs.is_some() && spec.values.contains(&b))
    }

    /// Whether a role of `name`'s kind is listed.
    pub fn lists(&self, name: &str) -> bool {
        self.roles().any(|role| self.same_kind(role.name, name))
    }

    pub fn pointer(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.pointer)
    }

    pub fn status(&self) -> Option<&'a str> {
        self.value.get("status")?.as_str()
    }
}

impl<'a> Role<'a> {
    pub fn filled(&self) -> bool {
        self.value.get("filled") == Some(&Value::Bool(true))
    }

    /// An input's value, in either form; None when absent or null.
    pub fn input(&self, name: &str) -> Option<&'a Value> {
        let raw = self.value.get("roleInputs")?.get(name)?;
        let value = if is_verbose_role_input(raw) {
            raw.get("value")?
        } else {
            raw
        };
        (!value.is_null()).then_some(value)
    }

    /// A numeric input as an exact decimal.
    pub fn decimal(&self, name: &str) -> Option<Decimal> {
        decimal(self.input(name)?)
    }

    /// The pointer of an input's value, relative to the contract.
    pub fn input_pointer(&self, name: &str) -> String {
        let raw = self
            .value
            .get("roleInputs")
            .and_then(|inputs| inputs.get(name));
        let verbose = raw.is_some_and(is_verbose_role_input);
        format!(
            "/roles/{}/roleInputs/{name}{}",
            self.index,
            if verbose { "/value" } else { "" }
        )
    }
}

/// A JSON number as an exact decimal, from its text, never through f64.
pub fn decimal(value: &Value) -> Option<Decimal> {
    let text = value.as_number()?.to_string();
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}
