//! Role bookkeeping: filled agrees with filledBy, one role per kind, every role filled once the
//! contract is ACTIVE or COMPLETED, and a status that fits the message's action.

use serde_json::Value;

use crate::contract::Contract;
use crate::finding::{Finding, Rule};

pub fn check(contract: &Contract<'_>, action: Option<&str>, out: &mut Vec<Finding>) {
    let roles: Vec<_> = contract.roles().collect();
    for role in &roles {
        let here = contract.pointer(&format!("/roles/{}", role.index));
        let filled_by = role
            .value
            .get("filledBy")
            .and_then(Value::as_str)
            .filter(|by| !by.is_empty());
        match (role.filled(), filled_by) {
            (true, None) => out.push(Finding::new(
                Rule::FilledBy,
                &here,
                format!("{} is filled but names no filledBy", role.name),
            )),
            (false, Some(by)) => out.push(Finding::new(
                Rule::FilledBy,
                format!("{here}/filledBy"),
                format!("{} is open but filledBy names `{by}`", role.name),
            )),
            _ => {}
        }
    }
    for (position, role) in roles.iter().enumerate() {
        if let Some(first) = roles[..position]
            .iter()
            .find(|earlier| contract.same_kind(earlier.name, role.name))
        {
            out.push(Finding::new(
                Rule::DuplicateRole,
                contract.pointer(&format!("/roles/{}/role", role.index)),
                format!(
                    "a second {} role: /roles/{} ({}) is already that kind",
                    role.name, first.index, first.name
                ),
            ));
        }
    }
    let status = contract.status();
    if matches!(status, Some("ACTIVE" | "COMPLETED")) {
        for role in roles.iter().filter(|role| !role.filled()) {
            out.push(Finding::new(
                Rule::OpenRole,
                contract.pointer(&format!("/roles/{}/filled", role.index)),
                format!(
                    "{} is still open in a contract that is {}",
                    role.name,
                    status.unwrap_or_default()
                ),
            ));
        }
    }
    if let (Some(action), Some(status)) = (action, status)
        && let Some(expected) = statuses_for(action)
        && !expected.contains(&status)
    {
        out.push(Finding::new(
            Rule::StatusAction,
            contract.pointer("/status"),
            format!(
                "a contract in `{action}` must be {}, not {status}",
                expected.join(" or ")
            ),
        ));
    }
}

/// The contract statuses each Beckn action allows; None where the action says nothing.
fn statuses_for(action: &str) -> Option<&'static [&'static str]> {
    Some(match action {
        "on_discover" | "select" | "on_select" | "init" | "on_init" | "confirm" => &["PENDING"],
        "on_confirm" => &["ACTIVE"],
        "on_status" => &["ACTIVE", "COMPLETED", "TERMINATED"],
        "on_cancel" => &["TERMINATED"],
        _ => return None,
    })
}
