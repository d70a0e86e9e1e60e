//! A contract within a message, as the business rules read it: through the generated views,
//! which tolerate whatever the schema check already reported, plus the registry's role specs
//! for what kinds of role its schema declares. No member name is spelled here: a member
//! renamed in the schema renames the accessor the rules call.

use std::cell::OnceCell;

use deg_contracts_runtime::json::Value;
use deg_contracts_runtime::view::{Input, Node};
use deg_contracts_schema::RoleSpec;
use deg_contracts_schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeView, P2PTradeBuyerRoleView, P2PTradeGridOperatorRoleView,
    P2PTradeSellerRoleView,
};
use deg_contracts_schema::energy_contract_v1::views::{ContractRoleView, EnergyContractView};
use rust_decimal::Decimal;

use crate::rules::flows::Flow;

/// A contract within a message.
pub struct Contract<'a> {
    /// The contract as the base schema sees it: roles, status, flows.
    pub base: EnergyContractView<'a>,
    /// The contract as the P2P trade schema sees it, when it is one.
    pub p2p: Option<EnergyContractP2PTradeView<'a>>,
    /// Where the contract sits in the message.
    pub pointer: &'a str,
    /// The role kinds its schema declares.
    pub specs: &'static [RoleSpec],
    /// The listed roles that name their kind, read once: every rule and formula asks.
    roles: Vec<Role<'a>>,
    /// The revenue flows, read on first use: several rules and the trade facts ask.
    flows: OnceCell<Vec<Flow<'a>>>,
    /// A P2P contract's roles by kind, found on first use: most rules ask for one.
    p2p_roles: OnceCell<P2pRoles<'a>>,
    /// What each flow amounts to on the contracted quantity, computed on first use: the
    /// settlement and the quote are both held to it.
    values: OnceCell<FlowValues>,
}

/// Each flow's payee and amount, or why they cannot all be computed.
pub type FlowValues = Result<Vec<(Option<String>, Decimal)>, String>;

/// The first role of each P2P kind.
#[derive(Default)]
struct P2pRoles<'a> {
    buyer: Option<P2PTradeBuyerRoleView<'a>>,
    seller: Option<P2PTradeSellerRoleView<'a>>,
    grid_operator: Option<P2PTradeGridOperatorRoleView<'a>>,
}

/// A role listed in the contract.
pub struct Role<'a> {
    /// Its position in the role list.
    pub index: usize,
    /// Its kind, as the role names it.
    pub name: &'a str,
    /// The role itself.
    pub view: ContractRoleView<'a>,
    /// The specialised spec its name belongs to, looked up once: rules ask of every role
    /// whether it is of some kind, again and again.
    kind: Option<&'static RoleSpec>,
}

impl<'a> Contract<'a> {
    /// The contract `value` at `pointer`, of JSON-LD type `type_name`, whose long numbers
    /// are read from `exact`.
    pub fn new(
        value: &'a Value<'a>,
        pointer: &'a str,
        type_name: &str,
        specs: &'static [RoleSpec],
    ) -> Contract<'a> {
        let node = || Node::new(value, pointer);
        let base: EnergyContractView<'a> = node().into();
        let roles = base
            .roles()
            .enumerate()
            .filter_map(|(index, view)| {
                let name = view.role()?.as_str()?;
                let kind = specialised(specs, name);
                Some(Role {
                    index,
                    name,
                    view,
                    kind,
                })
            })
            .collect();
        Contract {
            base,
            p2p: (type_name == EnergyContractP2PTrade::TYPE_NAME).then(|| node().into()),
            pointer,
            specs,
            roles,
            flows: OnceCell::new(),
            p2p_roles: OnceCell::new(),
            values: OnceCell::new(),
        }
    }

    /// What each revenue flow amounts to on the contracted quantity, computed once.
    pub fn flow_values(&self) -> &FlowValues {
        self.values
            .get_or_init(|| crate::rules::settlement::evaluate(self, None))
    }

    fn p2p_roles(&self) -> &P2pRoles<'a> {
        self.p2p_roles.get_or_init(|| match &self.p2p {
            Some(p2p) => P2pRoles {
                buyer: p2p.buyer(),
                seller: p2p.seller(),
                grid_operator: p2p.grid_operator(),
            },
            None => P2pRoles::default(),
        })
    }

    /// A P2P contract's first BUYER (or CONSUMER).
    pub fn buyer(&self) -> Option<&P2PTradeBuyerRoleView<'a>> {
        self.p2p_roles().buyer.as_ref()
    }

    /// A P2P contract's first SELLER (or PROSUMER).
    pub fn seller(&self) -> Option<&P2PTradeSellerRoleView<'a>> {
        self.p2p_roles().seller.as_ref()
    }

    /// A P2P contract's first GRID_OPERATOR.
    pub fn grid_operator(&self) -> Option<&P2PTradeGridOperatorRoleView<'a>> {
        self.p2p_roles().grid_operator.as_ref()
    }

    /// The revenue flows, in order.
    pub fn flows(&self) -> &[Flow<'a>] {
        self.flows.get_or_init(|| crate::rules::flows::read(self))
    }

    /// The listed roles that name their kind, in order.
    pub fn roles(&self) -> std::slice::Iter<'_, Role<'a>> {
        self.roles.iter()
    }

    /// The spec a role name belongs to.
    pub fn spec(&self, name: &str) -> Option<&'static RoleSpec> {
        spec_of(self.specs, name)
    }

    /// Two role names are one kind when a specialised spec owns both.
    pub fn same_kind(&self, a: &str, b: &str) -> bool {
        a == b || specialised(self.specs, a).is_some_and(|spec| spec.values.contains(&b))
    }

    /// Whether a role of `name`'s kind is listed.
    pub fn lists(&self, name: &str) -> bool {
        self.roles().any(|role| role.is_kind(name))
    }

    /// The first listed role of `name`'s kind.
    pub fn role_of_kind(&self, name: &str) -> Option<&Role<'a>> {
        self.roles().find(|role| role.is_kind(name))
    }

    /// The contract's status, as written.
    pub fn status(&self) -> Option<&'a str> {
        self.base.status()?.as_str()
    }

    /// A pointer relative to the contract, from one in the message.
    pub fn relative<'p>(&self, pointer: &'p str) -> &'p str {
        pointer.strip_prefix(self.pointer).unwrap_or(pointer)
    }
}

/// The spec among `specs` a role name belongs to.
fn spec_of(specs: &'static [RoleSpec], name: &str) -> Option<&'static RoleSpec> {
    specs.iter().find(|spec| spec.values.contains(&name))
}

/// The spec a role name belongs to, when it is a specialised one (it declares inputs): only
/// such a spec makes its names one kind.
fn specialised(specs: &'static [RoleSpec], name: &str) -> Option<&'static RoleSpec> {
    spec_of(specs, name).filter(|spec| spec.inputs.is_some())
}

impl<'a> Role<'a> {
    /// Whether the role is of `name`'s kind, as [`Contract::same_kind`] says.
    pub fn is_kind(&self, name: &str) -> bool {
        self.name == name || self.kind.is_some_and(|spec| spec.values.contains(&name))
    }

    /// Whether a party has taken the role.
    pub fn filled(&self) -> bool {
        self.view.filled().and_then(|filled| filled.as_bool()) == Some(true)
    }

    /// An input by name, in either form, as formulas name them.
    pub fn input(&self, name: &str) -> Option<Input<'a>> {
        let inputs = self.view.role_inputs()?;
        inputs.node().member(name).map(Input::new)
    }

    /// A numeric input by name, as an exact decimal.
    pub fn decimal(&self, name: &str) -> Option<Decimal> {
        self.input(name)?.decimal()
    }
}
