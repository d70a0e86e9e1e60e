//! The seller's offer as the contract carries it: a validity window shaped as the schema's
//! `ValidityWindow` that the trade window lies inside, and a certification shaped as its
//! `Certification`. The seed gives those shapes; our schema writes them down as components,
//! so their members are checked by the generated validators and read through generated views.

use deg_contracts_runtime::view::{Input, Node};
use deg_contracts_runtime::{DateTime, ValidationErrors};
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeRoleView as Kinds, P2PTradeBuyerRoleInputsView as BuyerInputs,
    P2PTradeSellerRoleInputsView as SellerInputs, ValidityWindowView,
};
use deg_contracts_schema::energy_contract_p2p_trade_v1::{Certification, ValidityWindow};

use crate::contract::Contract;
use crate::finding::{Finding, Rule};

/// The inputs these rules read.
pub const READS: &[(&[&str], &str)] = &[
    (Kinds::SELLER, SellerInputs::VALIDITY_WINDOW),
    (Kinds::SELLER, SellerInputs::CERTIFICATION),
    (Kinds::BUYER, BuyerInputs::TRADE_START_TIME),
    (Kinds::BUYER, BuyerInputs::TRADE_END_TIME),
];

pub fn check(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    let Some(seller) = contract.seller().and_then(|seller| seller.role_inputs()) else {
        return;
    };
    if let Some(value) = seller.certification().and_then(|input| input.value())
        && !Certification::is_valid_json(value.value())
    {
        shape(
            Rule::Certification,
            SellerInputs::CERTIFICATION,
            &value,
            Certification::validate_json(value.value()),
            out,
        );
    }
    let Some(window) = seller.validity_window().and_then(|input| input.value()) else {
        return;
    };
    // The fail-fast check first: the full one, which collects every error, only when it fails.
    let valid = ValidityWindow::is_valid_json(window.value())
        || shape(
            Rule::ValidityWindow,
            SellerInputs::VALIDITY_WINDOW,
            &window,
            ValidityWindow::validate_json(window.value()),
            out,
        );
    if valid {
        let buyer = contract.buyer().and_then(|buyer| buyer.role_inputs());
        within(&ValidityWindowView::from(window), buyer.as_ref(), out);
    }
}

/// Reports each way `value`, the input `name`, is not the shape; true when it is.
fn shape(
    rule: Rule,
    name: &str,
    value: &Node<'_>,
    checked: Result<(), ValidationErrors>,
    out: &mut Vec<Finding>,
) -> bool {
    let Err(errors) = checked else {
        return true;
    };
    for error in &errors {
        let mut finding = Finding::new(
            rule,
            format!("{}{}", value.pointer(), error.instance_path),
            format!("{name}: {}", error.kind),
        );
        finding.schema_location = Some(error.schema_location);
        out.push(finding);
    }
    false
}

/// The window starts before it ends, and the trade lies inside it.
fn within(
    window: &ValidityWindowView<'_>,
    buyer: Option<&BuyerInputs<'_>>,
    out: &mut Vec<Finding>,
) {
    let (Some(start_at), Some(end_at)) = (window.start(), window.end()) else {
        return;
    };
    let (Some(start), Some(end)) = (start_at.date_time(), end_at.date_time()) else {
        return;
    };
    if start.instant() >= end.instant() {
        out.push(Finding::new(
            Rule::ValidityWindow,
            end_at.pointer(),
            format!(
                "{}.{} {} is not after its {} {}",
                SellerInputs::VALIDITY_WINDOW,
                ValidityWindowView::END,
                end.as_str(),
                ValidityWindowView::START,
                start.as_str()
            ),
        ));
        return;
    }
    let Some(buyer) = buyer else { return };
    if let Some((input, trade_start)) = time(buyer.trade_start_time())
        && trade_start.instant() < start.instant()
    {
        out.push(outside(
            &input,
            BuyerInputs::TRADE_START_TIME,
            trade_start.as_str(),
            "starts",
            start.as_str(),
            end.as_str(),
        ));
    }
    if let Some((input, trade_end)) = time(buyer.trade_end_time())
        && trade_end.instant() > end.instant()
    {
        out.push(outside(
            &input,
            BuyerInputs::TRADE_END_TIME,
            trade_end.as_str(),
            "ends",
            start.as_str(),
            end.as_str(),
        ));
    }
}

fn time(input: Option<Input<'_>>) -> Option<(Input<'_>, DateTime)> {
    let input = input?;
    let value = input.date_time()?;
    Some((input, value))
}

fn outside(input: &Input<'_>, name: &str, at: &str, verb: &str, start: &str, end: &str) -> Finding {
    Finding::new(
        Rule::ValidityWindow,
        input.pointer(),
        format!(
            "the trade {verb} outside the seller's {}: {name} {at}, window {start}–{end}",
            SellerInputs::VALIDITY_WINDOW
        ),
    )
}
