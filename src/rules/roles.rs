//! Role bookkeeping: filled agrees with filledBy, one role per kind, every role filled once the
//! contract is ACTIVE or COMPLETED, and a status that fits the message's action.

use deg_contracts_schema::energy_contract_v1::EnergyContractStatus as Status;
use deg_contracts_schema::energy_contract_v1::views::{
    ContractRoleView, EnergyContractView as ContractRoles,
};

use crate::beckn::{self, Stage};
use crate::contract::Contract;
use crate::finding::{Finding, Rule};

pub fn check(contract: &Contract<'_>, action: Option<&str>, out: &mut Vec<Finding>) {
    let roles: Vec<_> = contract.roles().collect();
    for role in &roles {
        let filled_by = role
            .view
            .filled_by()
            .filter(|by| by.as_str().is_some_and(|by| !by.is_empty()));
        match (role.filled(), filled_by) {
            (true, None) => out.push(Finding::new(
                Rule::FilledBy,
                role.view.node().pointer(),
                format!(
                    "{} is filled but names no {}",
                    role.name,
                    ContractRoleView::FILLED_BY
                ),
            )),
            (false, Some(by)) => out.push(Finding::new(
                Rule::FilledBy,
                by.pointer(),
                format!(
                    "{} is open but {} names `{}`",
                    role.name,
                    ContractRoleView::FILLED_BY,
                    by.as_str().unwrap_or_default()
                ),
            )),
            _ => {}
        }
    }
    for (position, role) in roles.iter().enumerate() {
        if let Some(first) = roles[..position]
            .iter()
            .find(|earlier| earlier.is_kind(role.name))
        {
            let at = role.view.role().map(|name| name.pointer().to_owned());
            out.push(Finding::new(
                Rule::DuplicateRole,
                at.unwrap_or_else(|| role.view.node().pointer().to_owned()),
                format!(
                    "a second {} role: {} ({}) is already that kind",
                    role.name,
                    contract.relative(&first.view.node().pointer()),
                    first.name
                ),
            ));
        }
    }
    let status = contract.status();
    let parsed = status.and_then(|status| status.parse::<Status>().ok());
    let binding = match (parsed, action) {
        (Some(status @ (Status::Active | Status::Completed)), _) => {
            Some(format!("that is {status}"))
        }
        (_, Some(action)) if beckn::stage(action) == Stage::Confirm => {
            Some(format!("in `{action}`"))
        }
        _ => None,
    };
    if let Some(binding) = binding {
        for role in roles.iter().filter(|role| !role.filled()) {
            let at = role.view.filled().map(|filled| filled.pointer().to_owned());
            out.push(Finding::new(
                Rule::OpenRole,
                at.unwrap_or_else(|| role.view.node().pointer().to_owned()),
                format!("{} is still open in a contract {binding}", role.name),
            ));
        }
        let roles_at = || {
            contract
                .base
                .node()
                .member(ContractRoles::ROLES)
                .map_or_else(|| contract.pointer.to_owned(), |node| node.pointer())
        };
        for spec in contract.specs.iter().filter(|spec| spec.inputs.is_some()) {
            let Some(kind) = spec.values.first() else {
                continue;
            };
            if !contract.lists(kind) {
                out.push(Finding::new(
                    Rule::RequiredRoles,
                    roles_at(),
                    format!("the contract lists no {kind}, which its schema requires of a contract {binding}"),
                ));
            }
        }
    }
    if let (Some(action), Some(status)) = (action, contract.base.status())
        && let Some(written) = status.as_str()
        && let Some(expected) = statuses_for(action)
        && !expected.iter().any(|allowed| allowed.as_str() == written)
    {
        let expected: Vec<&str> = expected.iter().map(|allowed| allowed.as_str()).collect();
        out.push(Finding::new(
            Rule::StatusAction,
            status.pointer(),
            format!(
                "a contract in `{action}` must be {}, not {written}",
                expected.join(" or ")
            ),
        ));
    }
}

/// The contract statuses each Beckn action allows; None where the action says nothing.
fn statuses_for(action: &str) -> Option<&'static [Status]> {
    Some(match action {
        "on_discover" | "select" | "on_select" | "init" | "on_init" | "confirm" => {
            &[Status::Pending]
        }
        "on_confirm" => &[Status::Active],
        "on_status" => &[Status::Active, Status::Completed, Status::Terminated],
        "on_cancel" => &[Status::Terminated],
        _ => return None,
    })
}
