//! Revenue-flow formulas: parsed into an expression over references, numbers, `× * / + - −`,
//! parentheses, `min` and `max`; evaluated in decimal arithmetic, never in floating point.

use std::fmt;

use deg_contracts_schema::energy_contract_v1::views::{
    ContractRoleView, EnergyContractView, RoleInputView,
};
use rust_decimal::Decimal;

use crate::exact::{self, Beyond};

/// The names a reference walks through are the contract's own members, so a member renamed
/// in the schema renames them here.
const ROLES: &str = EnergyContractView::ROLES;
const ROLE_INPUTS: &str = ContractRoleView::ROLE_INPUTS;
const INPUT_PARAMETERS: &str = EnergyContractView::INPUT_PARAMETERS;
const TELEMETRY_SOURCES: &str = EnergyContractView::TELEMETRY_SOURCES;
const INPUT_SIGNALS: &str = EnergyContractView::INPUT_SIGNALS;
/// The suffix a reference may add to read a verbose value.
const VALUE: &str = RoleInputView::VALUE;

/// What a formula reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// `roles.ROLE.roleInputs.INPUT`, `roles[ROLE].roleInputs[INPUT]`, optionally `.value`.
    RoleInput { role: String, input: String },
    /// `inputParameters.NAME` (deeper members allowed).
    InputParameter { path: Vec<String> },
    /// `telemetrySources.SOURCE.FIELD`.
    Telemetry { source: String, field: String },
    /// `inputSignals.SIGNAL`.
    Signal { id: String },
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::RoleInput { role, input } => {
                write!(f, "{ROLES}.{role}.{ROLE_INPUTS}.{input}")
            }
            Reference::InputParameter { path } => {
                write!(f, "{INPUT_PARAMETERS}.{}", path.join("."))
            }
            Reference::Telemetry { source, field } => {
                write!(f, "{TELEMETRY_SOURCES}.{source}.{field}")
            }
            Reference::Signal { id } => write!(f, "{INPUT_SIGNALS}.{id}"),
        }
    }
}

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(Decimal),
    Reference {
        reference: Reference,
        column: usize,
    },
    Negate(Box<Expr>),
    Binary {
        op: Op,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Call {
        function: Function,
        args: Vec<Expr>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Subtract,
    Multiply,
    Divide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Min,
    Max,
}

/// Why a formula does not parse, at a 1-based column (in characters) of the formula.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct SyntaxError {
    pub column: usize,
    pub message: String,
}

/// Why a formula cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("missing {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    Missing(Vec<Reference>),
    #[error("division by zero")]
    DivisionByZero,
    #[error("arithmetic overflow")]
    Overflow,
    /// The exact result has more digits than a decimal holds, so it would be rounded.
    #[error("the exact result has more than 28 significant digits")]
    Inexact,
}

impl Expr {
    /// Every reference, in formula order, with its column.
    pub fn references(&self) -> Vec<(&Reference, usize)> {
        let mut found = Vec::new();
        self.each_reference(&mut |reference, column| found.push((reference, column)));
        found
    }

    /// Hands `visit` every reference, in formula order, with its column, building no list: the
    /// rules look at each formula's references for every contract. A parsed formula nests at
    /// most [`MAX_DEPTH`] deep, so the recursion is bounded.
    pub fn each_reference<'e>(&'e self, visit: &mut impl FnMut(&'e Reference, usize)) {
        match self {
            Expr::Number(_) => {}
            Expr::Reference { reference, column } => visit(reference, *column),
            Expr::Negate(inner) => inner.each_reference(visit),
            Expr::Binary { left, right, .. } => {
                left.each_reference(visit);
                right.each_reference(visit);
            }
            Expr::Call { args, .. } => args.iter().for_each(|arg| arg.each_reference(visit)),
        }
    }

    /// The value, with `lookup` giving each reference's; every missing reference is reported.
    pub fn evaluate(
        &self,
        lookup: &dyn Fn(&Reference) -> Option<Decimal>,
    ) -> Result<Decimal, EvalError> {
        let mut missing: Vec<Reference> = Vec::new();
        self.each_reference(&mut |reference, _| {
            if lookup(reference).is_none() {
                missing.push(reference.clone());
            }
        });
        if !missing.is_empty() {
            return Err(EvalError::Missing(missing));
        }
        self.compute(lookup)
    }

    fn compute(
        &self,
        lookup: &dyn Fn(&Reference) -> Option<Decimal>,
    ) -> Result<Decimal, EvalError> {
        Ok(match self {
            Expr::Number(value) => *value,
            Expr::Reference { reference, .. } => {
                lookup(reference).ok_or_else(|| EvalError::Missing(vec![reference.clone()]))?
            }
            Expr::Negate(inner) => -inner.compute(lookup)?,
            Expr::Binary { op, left, right } => {
                let (left, right) = (left.compute(lookup)?, right.compute(lookup)?);
                let result = match op {
                    Op::Add => exact::add(left, right),
                    Op::Subtract => exact::sub(left, right),
                    Op::Multiply => exact::mul(left, right),
                    Op::Divide if right.is_zero() => return Err(EvalError::DivisionByZero),
                    // A quotient is rounded to the digits a decimal holds, as division must.
                    Op::Divide => left.checked_div(right).ok_or(Beyond::Range),
                };
                result.map_err(|beyond| match beyond {
                    Beyond::Range => EvalError::Overflow,
                    Beyond::Digits => EvalError::Inexact,
                })?
            }
            Expr::Call { function, args } => {
                let values = args
                    .iter()
                    .map(|arg| arg.compute(lookup))
                    .collect::<Result<Vec<_>, _>>()?;
                let pick = match function {
                    Function::Min => values.into_iter().min(),
                    Function::Max => values.into_iter().max(),
                };
                pick.unwrap_or_default()
            }
        })
    }

    /// The formula with each reference replaced by its value where `lookup` has one.
    pub fn substitute(&self, lookup: &dyn Fn(&Reference) -> Option<Decimal>) -> String {
        match self {
            Expr::Number(value) => value.normalize().to_string(),
            Expr::Reference { reference, .. } => match lookup(reference) {
                Some(value) => value.normalize().to_string(),
                None => reference.to_string(),
            },
            Expr::Negate(inner) => format!("-{}", inner.substitute(lookup)),
            Expr::Binary { op, left, right } => {
                let symbol = match op {
                    Op::Add => "+",
                    Op::Subtract => "-",
                    Op::Multiply => "×",
                    Op::Divide => "/",
                };
                let wrap = |expr: &Expr| match expr {
                    Expr::Binary { .. } => format!("({})", expr.substitute(lookup)),
                    _ => expr.substitute(lookup),
                };
                format!("{} {symbol} {}", wrap(left), wrap(right))
            }
            Expr::Call { function, args } => {
                let name = match function {
                    Function::Min => "min",
                    Function::Max => "max",
                };
                let args: Vec<String> = args.iter().map(|arg| arg.substitute(lookup)).collect();
                format!("{name}({})", args.join(", "))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(Decimal),
    Path(Vec<String>),
    Plus,
    Minus,
    Times,
    Divide,
    Open,
    Close,
    Comma,
}

/// Parses a formula. Tokens are read as the parser asks for them, so a formula that fails
/// (too deep, say) early costs no more than the part read.
pub fn parse(formula: &str) -> Result<Expr, SyntaxError> {
    let mut lexer = Lexer {
        chars: formula.chars().collect(),
        i: 0,
    };
    let end = lexer.chars.len() + 1;
    let mut parser = Parser {
        current: lexer.next_token()?,
        lexer,
        end,
        nesting: 0,
    };
    let (expr, _) = parser.sum()?;
    match parser.current {
        None => Ok(expr),
        Some((_, column)) => Err(SyntaxError {
            column,
            message: "expected an operator or the end of the formula".into(),
        }),
    }
}

/// The formula's characters and how far they have been read.
struct Lexer {
    chars: Vec<char>,
    i: usize,
}

impl Lexer {
    /// The next token and its column, or `None` at the end.
    fn next_token(&mut self) -> Result<Option<(Token, usize)>, SyntaxError> {
        let chars = &self.chars;
        let i = &mut self.i;
        while *i < chars.len() {
            let c = chars[*i];
            let column = *i + 1;
            let single = match c {
                ' ' | '\t' | '\n' => None,
                '+' => Some(Token::Plus),
                '-' | '−' => Some(Token::Minus),
                '×' | '*' => Some(Token::Times),
                '/' => Some(Token::Divide),
                '(' => Some(Token::Open),
                ')' => Some(Token::Close),
                ',' => Some(Token::Comma),
                _ if c.is_ascii_digit() || c == '.' => {
                    let start = *i;
                    while *i < chars.len() && (chars[*i].is_ascii_digit() || chars[*i] == '.') {
                        *i += 1;
                    }
                    let text: String = chars[start..*i].iter().collect();
                    let value = text.parse::<Decimal>().map_err(|_| SyntaxError {
                        column,
                        message: format!("`{text}` is not a number"),
                    })?;
                    return Ok(Some((Token::Number(value), column)));
                }
                _ if c.is_alphabetic() || c == '_' => {
                    let (path, next) = read_path(chars, *i)?;
                    *i = next;
                    return Ok(Some((Token::Path(path), column)));
                }
                _ => {
                    return Err(SyntaxError {
                        column,
                        message: format!("unexpected `{c}`"),
                    });
                }
            };
            *i += 1;
            if let Some(token) = single {
                return Ok(Some((token, column)));
            }
        }
        Ok(None)
    }
}

/// A dotted or bracketed path such as `roles.BUYER.roleInputs.x` or `roles[BUYER]...`.
/// Telemetry source and signal ids may contain `-`.
fn read_path(chars: &[char], start: usize) -> Result<(Vec<String>, usize), SyntaxError> {
    let mut segments: Vec<String> = Vec::new();
    let mut i = start;
    loop {
        let allow_dash = segments.len() == 1
            && matches!(segments[0].as_str(), TELEMETRY_SOURCES | INPUT_SIGNALS);
        let begin = i;
        while chars
            .get(i)
            .is_some_and(|&c| c.is_alphanumeric() || c == '_' || (allow_dash && c == '-'))
        {
            i += 1;
        }
        if begin == i {
            return Err(SyntaxError {
                column: i + 1,
                message: "expected a name".into(),
            });
        }
        segments.push(chars[begin..i].iter().collect());
        while chars.get(i) == Some(&'[') {
            let close = chars[i..]
                .iter()
                .position(|c| *c == ']')
                .ok_or(SyntaxError {
                    column: i + 1,
                    message: "unclosed `[`".into(),
                })?;
            let inner: String = chars[i + 1..i + close].iter().collect();
            let inner = inner.trim().trim_matches(['\'', '"']);
            if inner.is_empty() {
                return Err(SyntaxError {
                    column: i + 2,
                    message: "expected a name inside `[]`".into(),
                });
            }
            segments.push(inner.to_owned());
            i += close + 1;
        }
        if chars.get(i) != Some(&'.') {
            return Ok((segments, i));
        }
        i += 1;
    }
}

/// How deep a formula may nest (parentheses, calls, unary minus, chained operators), so that
/// parsing and every walk over the tree stay within a small stack whatever the input.
pub const MAX_DEPTH: usize = 100;

struct Parser {
    lexer: Lexer,
    /// The token under the cursor and its column.
    current: Option<(Token, usize)>,
    end: usize,
    /// How many nested `sum`s, unary minuses and calls the parser is inside.
    nesting: usize,
}

/// An expression with the depth of its tree.
type Deep = (Expr, usize);

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.current.as_ref().map(|(token, _)| token)
    }

    fn column(&self) -> usize {
        self.current
            .as_ref()
            .map_or(self.end, |(_, column)| *column)
    }

    /// Moves past the current token.
    fn advance(&mut self) -> Result<(), SyntaxError> {
        self.current = self.lexer.next_token()?;
        Ok(())
    }

    fn expect(&mut self, wanted: Token, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(&wanted) {
            self.advance()?;
            Ok(())
        } else {
            Err(SyntaxError {
                column: self.column(),
                message: format!("expected {what}"),
            })
        }
    }

    /// The error for a formula deeper than [`MAX_DEPTH`], at the current token.
    fn too_deep(&self) -> SyntaxError {
        SyntaxError {
            column: self.column(),
            message: format!("nested more than {MAX_DEPTH} levels deep"),
        }
    }

    /// Enters one more level of nesting.
    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return Err(self.too_deep());
        }
        Ok(())
    }

    /// A binary node over two operands, unless it would be too deep.
    fn binary(&self, op: Op, (left, l): Deep, (right, r): Deep) -> Result<Deep, SyntaxError> {
        let depth = l.max(r) + 1;
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        let expr = Expr::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        };
        Ok((expr, depth))
    }

    fn sum(&mut self) -> Result<Deep, SyntaxError> {
        self.enter()?;
        let mut left = self.product()?;
        while let Some(op) = match self.peek() {
            Some(Token::Plus) => Some(Op::Add),
            Some(Token::Minus) => Some(Op::Subtract),
            _ => None,
        } {
            self.advance()?;
            let right = self.product()?;
            left = self.binary(op, left, right)?;
        }
        self.nesting -= 1;
        Ok(left)
    }

    fn product(&mut self) -> Result<Deep, SyntaxError> {
        let mut left = self.unary()?;
        while let Some(op) = match self.peek() {
            Some(Token::Times) => Some(Op::Multiply),
            Some(Token::Divide) => Some(Op::Divide),
            _ => None,
        } {
            self.advance()?;
            let right = self.unary()?;
            left = self.binary(op, left, right)?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Deep, SyntaxError> {
        if self.peek() == Some(&Token::Minus) {
            self.advance()?;
            self.enter()?;
            let (inner, depth) = self.unary()?;
            self.nesting -= 1;
            return Ok((Expr::Negate(Box::new(inner)), depth + 1));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Deep, SyntaxError> {
        let column = self.column();
        let Some((token, _)) = self.current.take() else {
            return Err(SyntaxError {
                column,
                message: "expected a number, a reference or `(`".into(),
            });
        };
        self.advance()?;
        match token {
            Token::Number(value) => Ok((Expr::Number(value), 1)),
            Token::Open => {
                let inner = self.sum()?;
                self.expect(Token::Close, "`)`")?;
                Ok(inner)
            }
            Token::Path(path) if path.len() == 1 && self.peek() == Some(&Token::Open) => {
                let function = match path[0].as_str() {
                    "min" => Function::Min,
                    "max" => Function::Max,
                    other => {
                        return Err(SyntaxError {
                            column,
                            message: format!("unknown function `{other}`; only min and max"),
                        });
                    }
                };
                self.advance()?;
                let (first, mut depth) = self.sum()?;
                let mut args = vec![first];
                while self.peek() == Some(&Token::Comma) {
                    self.advance()?;
                    let (arg, arg_depth) = self.sum()?;
                    depth = depth.max(arg_depth);
                    args.push(arg);
                }
                self.expect(Token::Close, "`,` or `)`")?;
                if depth + 1 > MAX_DEPTH {
                    return Err(self.too_deep());
                }
                Ok((Expr::Call { function, args }, depth + 1))
            }
            Token::Path(path) => Ok((
                Expr::Reference {
                    reference: reference(path, column)?,
                    column,
                },
                1,
            )),
            _ => Err(SyntaxError {
                column,
                message: "expected a number, a reference or `(`".into(),
            }),
        }
    }
}

fn reference(path: Vec<String>, column: usize) -> Result<Reference, SyntaxError> {
    let segments: Vec<&str> = path.iter().map(String::as_str).collect();
    let reference = match segments.as_slice() {
        [ROLES, role, ROLE_INPUTS, input] | [ROLES, role, ROLE_INPUTS, input, VALUE] => {
            Reference::RoleInput {
                role: (*role).to_owned(),
                input: (*input).to_owned(),
            }
        }
        [INPUT_PARAMETERS, rest @ ..] if !rest.is_empty() => Reference::InputParameter {
            path: rest.iter().map(|s| (*s).to_owned()).collect(),
        },
        [TELEMETRY_SOURCES, source, field] => Reference::Telemetry {
            source: (*source).to_owned(),
            field: (*field).to_owned(),
        },
        [INPUT_SIGNALS, id] | [INPUT_SIGNALS, id, VALUE] => Reference::Signal {
            id: (*id).to_owned(),
        },
        _ => {
            return Err(SyntaxError {
                column,
                message: format!(
                    "`{}` is not a reference: expected {ROLES}.ROLE.{ROLE_INPUTS}.INPUT, \
                     {INPUT_PARAMETERS}.NAME, {TELEMETRY_SOURCES}.SOURCE.FIELD or {INPUT_SIGNALS}.ID",
                    path.join(".")
                ),
            });
        }
    };
    Ok(reference)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn values(reference: &Reference) -> Option<Decimal> {
        match reference.to_string().as_str() {
            "roles.BUYER.roleInputs.contractedQuantity" => Some(d("12.5")),
            "roles.SELLER.roleInputs.pricePerKWh" => Some(d("6.4")),
            "telemetrySources.cdr-ev-001.energyKWh" => Some(d("3")),
            _ => None,
        }
    }

    #[test]
    fn parses_both_reference_styles_and_evaluates_exactly() {
        let seed = parse(
            "roles.BUYER.roleInputs.contractedQuantity × roles.SELLER.roleInputs.pricePerKWh",
        )
        .unwrap();
        assert_eq!(seed.evaluate(&values), Ok(d("80.00")));
        let bracketed = parse("roles[BUYER].roleInputs[contractedQuantity].value * roles['SELLER'].roleInputs[\"pricePerKWh\"]").unwrap();
        assert_eq!(bracketed.evaluate(&values), Ok(d("80")));
        let mixed =
            parse("max(0, (telemetrySources.cdr-ev-001.energyKWh − 1) / 4) + min(2, 3) - -1")
                .unwrap();
        assert_eq!(mixed.evaluate(&values), Ok(d("3.5")));
        assert_eq!(parse("0.1 + 0.2").unwrap().evaluate(&values), Ok(d("0.3")));
        let long = parse("12.50000000000000001 × 6.40000000000000001").unwrap();
        assert_eq!(long.evaluate(&values), Err(EvalError::Inexact));
        let wide = parse("10000000000000000000000000000 + 0.1").unwrap();
        assert_eq!(wide.evaluate(&values), Err(EvalError::Inexact));
        let fits = parse("12.50000000000000001 × 6.4").unwrap();
        assert_eq!(fits.evaluate(&values), Ok(d("80.000000000000000064")));
    }

    #[test]
    fn lists_references_with_columns() {
        let expr = parse("roles.BUYER.roleInputs.q × inputParameters.window.hours").unwrap();
        let found: Vec<(String, usize)> = expr
            .references()
            .into_iter()
            .map(|(r, c)| (r.to_string(), c))
            .collect();
        assert_eq!(
            found,
            [
                ("roles.BUYER.roleInputs.q".to_owned(), 1),
                ("inputParameters.window.hours".to_owned(), 28)
            ]
        );
    }

    #[test]
    fn reports_every_missing_reference_and_arithmetic_errors() {
        let expr = parse("roles.BUYER.roleInputs.contractedQuantity × roles.GRID_OPERATOR.roleInputs.wheelingCharges + inputSignals.price").unwrap();
        assert_eq!(
            expr.evaluate(&values).unwrap_err().to_string(),
            "missing roles.GRID_OPERATOR.roleInputs.wheelingCharges, inputSignals.price"
        );
        assert_eq!(
            parse("1 / (2 - 2)").unwrap().evaluate(&values),
            Err(EvalError::DivisionByZero)
        );
    }

    #[test]
    fn substitutes_values_into_the_formula() {
        let expr = parse("roles.BUYER.roleInputs.contractedQuantity × (roles.SELLER.roleInputs.pricePerKWh + roles.X.roleInputs.y)").unwrap();
        assert_eq!(
            expr.substitute(&values),
            "12.5 × (6.4 + roles.X.roleInputs.y)"
        );
    }

    #[test]
    fn syntax_errors_carry_the_column() {
        let cases = [
            (
                "roles.BUYER.roleInputs.q ×",
                27,
                "expected a number, a reference or `(`",
            ),
            ("(1 + 2", 7, "expected `)`"),
            (
                "1 + 2)",
                6,
                "expected an operator or the end of the formula",
            ),
            ("1 ^ 2", 3, "unexpected `^`"),
            ("roles.BUYER.q", 1, "`roles.BUYER.q` is not a reference"),
            ("avg(1, 2)", 1, "unknown function `avg`"),
            ("1..2", 1, "`1..2` is not a number"),
            ("roles[BUYER.roleInputs.q", 6, "unclosed `[`"),
            ("3 4", 3, "expected an operator"),
        ];
        for (formula, column, message) in cases {
            let error = parse(formula).unwrap_err();
            assert_eq!(error.column, column, "{formula}: {error}");
            assert!(error.message.starts_with(message), "{formula}: {error}");
        }
    }

    #[test]
    fn nesting_is_bounded_at_exactly_max_depth() {
        let sum = |terms: usize| vec!["1"; terms].join(" + ");
        assert!(parse(&sum(MAX_DEPTH)).is_ok());
        let error = parse(&sum(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(error.message, "nested more than 100 levels deep");
        let parens = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&parens(MAX_DEPTH - 1)).is_ok());
        assert!(parse(&parens(MAX_DEPTH)).is_err());
    }
}
