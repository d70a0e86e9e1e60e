//! Turns schema names into Rust identifiers: acronym-aware word splitting, heck for case,
//! keywords made safe. One place decides every name the generator emits.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Splits a name into words. Separators and case changes split; a run of capitals stays one
/// word (`P2P`, `HTTP`), and so does a unit such as `KWh`, whose lowercase tail is one letter.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_ascii_alphanumeric() {
            flush(&mut current, &mut words);
            i += 1;
            continue;
        }
        if c.is_ascii_uppercase() {
            // A run of capitals, digits between them included.
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_uppercase() || (chars[i].is_ascii_digit() && i > start))
            {
                i += 1;
            }
            let tail = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_lowercase())
                .count();
            let run: String = chars[start..i].iter().collect();
            flush(&mut current, &mut words);
            if tail == 0 || (tail == 1 && run.len() > 1) {
                let tail_text: String = chars[i..i + tail].iter().collect();
                words.push(run + &tail_text);
                i += tail;
            } else {
                // The last capital starts the next word: `HTTPServer` is HTTP, Server.
                let (head, last) = run.split_at(run.len() - 1);
                if !head.is_empty() {
                    words.push(head.to_owned());
                }
                current.push_str(last);
            }
            continue;
        }
        current.push(c);
        i += 1;
    }
    flush(&mut current, &mut words);
    words
}

fn flush(current: &mut String, words: &mut Vec<String>) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

fn joined(name: &str) -> String {
    words(name)
        .iter()
        .map(|word| word.to_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// A type name. A name that already is an UpperCamel identifier is kept as written
/// (`P2PTradeSellerRole`); anything else is converted.
pub fn type_name(name: &str) -> String {
    let mut chars = name.chars();
    let already = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric());
    let converted = if already {
        name.to_owned()
    } else {
        joined(name).to_upper_camel_case()
    };
    match converted.as_str() {
        "" => "Unnamed".to_owned(),
        "Self" => "SelfType".to_owned(),
        _ if converted.starts_with(|c: char| c.is_ascii_digit()) => format!("T{converted}"),
        _ => converted,
    }
}

/// The UpperCamel form of a name, for composing nested type names and enum variants.
pub fn camel(name: &str) -> String {
    type_name(&joined(name))
}

/// The name of a type nested in `owner` for its member `member`, without stutter: a member that
/// repeats the owner's last word drops it (`P2PTradeSellerRole` + `roleInputs` →
/// `P2PTradeSellerRoleInputs`), and one that is just that word names the kind
/// (`P2PTradeSellerRole` + `role` → `P2PTradeSellerRoleKind`).
pub fn nested(owner: &str, member: &str) -> String {
    let member = camel(member);
    let last_word = owner
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(owner, |(at, _)| &owner[at..]);
    if last_word.is_empty() || !member.starts_with(last_word) {
        return format!("{owner}{member}");
    }
    let rest = &member[last_word.len()..];
    if rest.is_empty() {
        format!("{owner}Kind")
    } else if rest.starts_with(|c: char| c.is_ascii_uppercase()) {
        format!("{owner}{rest}")
    } else {
        format!("{owner}{member}")
    }
}

/// A field, function or module name in snake case; `r#` for keywords that allow it.
pub fn field_name(name: &str) -> String {
    let snake = joined(name).to_snake_case();
    let snake = if snake.is_empty() {
        "field".to_owned()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else {
        snake
    };
    if ["self", "super", "crate", "extern", "_"].contains(&snake.as_str()) {
        format!("{snake}_")
    } else if is_keyword(&snake) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// The module for a schema file `<Name>/<version>/attributes.yaml`: `<name>_<version>`.
pub fn module_name(file: &str) -> String {
    let mut parts: Vec<&str> = file.split('/').collect();
    if parts.len() > 1 {
        parts.pop();
    }
    field_name(&parts.join("_"))
        .trim_start_matches("r#")
        .to_owned()
}

fn is_keyword(word: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
        "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
        "move", "mut", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try",
        "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
        "abstract", "become", "final", "override",
    ];
    KEYWORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_and_units_stay_whole() {
        assert_eq!(field_name("pricePerKWh"), "price_per_kwh");
        assert_eq!(
            field_name("current_buyer_trades_total"),
            "current_buyer_trades_total"
        );
        assert_eq!(field_name("HTTPServer"), "http_server");
        assert_eq!(
            field_name("EnergyContractP2PTrade"),
            "energy_contract_p2p_trade"
        );
        assert_eq!(field_name("contractId"), "contract_id");
    }

    #[test]
    fn type_names_keep_valid_camel_case() {
        assert_eq!(type_name("P2PTradeSellerRole"), "P2PTradeSellerRole");
        assert_eq!(type_name("meter-reading"), "MeterReading");
        assert_eq!(type_name("Self"), "SelfType");
        assert_eq!(camel("roleInputs"), "RoleInputs");
        assert_eq!(camel("GRID_OPERATOR"), "GridOperator");
        assert_eq!(type_name("2fa"), "T2fa");
    }

    #[test]
    fn keywords_and_odd_names_are_made_safe() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("@context"), "context");
        assert_eq!(field_name("1st"), "_1st");
        assert_eq!(field_name("@@"), "field");
    }

    #[test]
    fn modules_are_named_after_file_and_version() {
        assert_eq!(
            module_name("EnergyContractP2PTrade/v1/attributes.yaml"),
            "energy_contract_p2p_trade_v1"
        );
        assert_eq!(
            module_name("EnergyTradeDelivery/v0.2/attributes.yaml"),
            "energy_trade_delivery_v0_2"
        );
    }

    #[test]
    fn nested_names_do_not_stutter() {
        use super::nested;
        assert_eq!(
            nested("P2PTradeSellerRole", "roleInputs"),
            "P2PTradeSellerRoleInputs"
        );
        assert_eq!(
            nested("P2PTradeSellerRole", "role"),
            "P2PTradeSellerRoleKind"
        );
        assert_eq!(nested("EnergyContract", "status"), "EnergyContractStatus");
        // Only whole words are dropped.
        assert_eq!(nested("ContractRole", "roles"), "ContractRoleRoles");
        assert_eq!(nested("Thing", "thingness"), "ThingThingness");
    }
}
