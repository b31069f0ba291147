//! The syntax tree of a J1QL query, as written (before aliases are resolved).

/// A byte range of the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
}

/// `FIND … [THAT …]… [WHERE …] [RETURN …] [ORDER BY …] [SKIP n] [LIMIT n]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The `FIND` step first, then one per `THAT`.
    pub steps: Vec<Step>,
    pub filter: Option<Expr>,
    pub ret: Return,
    pub order: Vec<OrderKey>,
    pub skip: Option<usize>,
    pub limit: Option<usize>,
}

/// One selector of the chain: what it is linked by, which entities, `WITH`, `AS`.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// `None` for the `FIND` step.
    pub link: Option<Link>,
    pub selector: Selector,
    pub selector_span: Span,
    /// The `WITH` filter (its comparisons have no alias).
    pub with: Option<Expr>,
    pub alias: Option<(String, Span)>,
}

/// `THAT [!]VERB [<<|>>]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub negated: bool,
    pub verbs: Verbs,
    pub direction: Direction,
    pub span: Span,
}

/// The relationship classes a link follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verbs {
    /// `RELATES TO`: any relationship.
    Any,
    /// Upper-case verbs, e.g. `HAS`, or `(HAS|OWNS)`.
    Some(Vec<String>),
}

/// Which end of the relationship the entity on the left is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// No arrow: either.
    Either,
    /// `>>`: the left entity is the relationship's source (`_fromEntityKey`).
    Forward,
    /// `<<`: the left entity is the relationship's target (`_toEntityKey`).
    Backward,
}

/// What a step selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `*`.
    All,
    /// A class, a `_type`, or `(A|b_c)`.
    Names(Vec<Name>),
}

/// A TitleCase name is a `_class`, a snake_case one a `_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    Class(String),
    Type(String),
}

impl Name {
    /// Classifies a name the way JupiterOne does: an upper-case first letter is a class.
    #[must_use]
    pub fn of(text: &str) -> Self {
        if text.starts_with(|c: char| c.is_ascii_uppercase()) {
            Self::Class(text.to_owned())
        } else {
            Self::Type(text.to_owned())
        }
    }

    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            Self::Class(s) | Self::Type(s) => s,
        }
    }
}

/// A boolean combination of comparisons.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cmp(Comparison),
}

/// `left OP right`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub left: Prop,
    pub op: Op,
    pub right: Operand,
    pub span: Span,
}

/// A property, `name` in `WITH`, `alias.name` in `WHERE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    pub alias: Option<String>,
    pub name: String,
    pub span: Span,
}

/// The right side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Literal(Literal),
    /// Another alias's property (`WHERE` only).
    Prop(Prop),
}

/// A value written in the query.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
    /// The property is absent (or null: JupiterOne stores no nulls).
    Undefined,
    Date(DateValue),
}

/// `date.now [± N unit]` or `date(2024-01-31)`, compared as epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// `date.now` plus this many milliseconds (negative for `-`).
    Now(i64),
    /// A fixed instant.
    At(i64),
}

/// A comparison operator: a base test and whether it is negated (`!=`, `!~=`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    pub base: BaseOp,
    pub negated: bool,
}

/// The positive comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseOp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
    /// `~=`.
    Contains,
    /// `^=`.
    StartsWith,
    /// `$=`.
    EndsWith,
}

/// What `RETURN` asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Return {
    /// No `RETURN`: the entities of the `FIND` step.
    Default,
    /// `RETURN TREE`: the traversal.
    Tree,
    Items(Vec<ReturnItem>),
}

/// One `RETURN` column.
#[derive(Debug, Clone, PartialEq)]
pub enum ReturnItem {
    /// The entities of an alias.
    Alias(String, Span),
    /// `alias.prop`.
    Prop(Prop),
    /// `COUNT(alias)`.
    Count(String, Span),
}

/// `ORDER BY [alias.]prop [ASC|DESC]`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderKey {
    pub prop: Prop,
    pub descending: bool,
}
