//! How a property value compares with a query value, following J1QL: an array matches when
//! any element does; a negated operator (`!=`, `!~=`, …) is the exact opposite of its
//! positive one, so it also matches an entity without the property; `undefined` is an absent
//! property (JupiterOne stores no nulls, so a null counts as absent); the string operators
//! are case-sensitive; dates compare as epoch milliseconds.

use std::cmp::Ordering;

use crate::graph::properties::PropName;
use crate::graph::{Entity, PropRef};

use super::ast::{BaseOp, DateValue, Literal, Op};
use super::parse::parse_instant;

/// A query value made ready to compare: dates resolved against the run's clock.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Needle {
    Str(String),
    Num(f64),
    Bool(bool),
    Undefined,
    /// Epoch milliseconds.
    Date(i64),
}

impl Needle {
    pub(crate) fn from_literal(literal: &Literal, now_ms: i64) -> Self {
        match literal {
            Literal::Str(s) => Self::Str(s.clone()),
            Literal::Num(n) => Self::Num(*n),
            Literal::Bool(b) => Self::Bool(*b),
            Literal::Undefined => Self::Undefined,
            Literal::Date(DateValue::Now(offset)) => Self::Date(now_ms.saturating_add(*offset)),
            Literal::Date(DateValue::At(ms)) => Self::Date(*ms),
        }
    }
}

/// A property of an entity, the system ones (`_key`, `_type`, `_class`) included.
#[must_use]
pub fn property<'a>(entity: &'a Entity, name: &str) -> Option<PropRef<'a>> {
    Field::new(name).read(entity)
}

/// A property name resolved once per query, read from many entities: a system property,
/// or a name whose encoding in the compact property store is looked up once
/// ([`PropName`]), not at every entity.
#[derive(Debug, Clone)]
pub(crate) enum Field {
    Key,
    Type,
    Class,
    Prop(PropName),
}

impl Field {
    pub(crate) fn new(name: &str) -> Self {
        match name {
            "_key" => Self::Key,
            "_type" => Self::Type,
            "_class" => Self::Class,
            _ => Self::Prop(PropName::new(name)),
        }
    }

    pub(crate) fn name(&self) -> &str {
        match self {
            Self::Key => "_key",
            Self::Type => "_type",
            Self::Class => "_class",
            Self::Prop(name) => name.as_str(),
        }
    }

    pub(crate) fn read<'a>(&self, entity: &'a Entity) -> Option<PropRef<'a>> {
        match self {
            Self::Key => Some(PropRef::Str(&entity.key)),
            Self::Type => Some(PropRef::Str(&entity.entity_type)),
            Self::Class => Some(PropRef::Str(&entity.class)),
            Self::Prop(name) => entity.properties.get_by(name),
        }
    }
}

/// Whether the entity has the class. The graph keeps one class per entity (the first of an
/// imported `_class` array); this is the one place to widen if it keeps them all.
#[must_use]
pub fn has_class(entity: &Entity, class: &str) -> bool {
    entity.class == class
}

fn number(value: PropRef<'_>) -> Option<f64> {
    match value {
        PropRef::I64(n) => Some(n as f64),
        PropRef::U64(n) => Some(n as f64),
        PropRef::F64(n) => Some(n),
        _ => None,
    }
}

fn is_absent(value: Option<PropRef<'_>>) -> bool {
    matches!(value, None | Some(PropRef::Null))
}

/// `value OP needle`.
pub(crate) fn compare(value: Option<PropRef<'_>>, op: Op, needle: &Needle) -> bool {
    let positive = if *needle == Needle::Undefined {
        op.base == BaseOp::Eq && is_absent(value)
    } else {
        match value {
            None | Some(PropRef::Null) => false,
            Some(PropRef::Array(items)) => items.iter().any(|v| scalar(v, op.base, needle)),
            Some(v) => scalar(v, op.base, needle),
        }
    };
    positive != op.negated
}

/// `left OP right` between two properties (`WHERE a.x = b.y`): an absent side matches no
/// positive operator; arrays match when any pair does. Compares the borrowed values (no
/// copy of either side: it runs once per path of a traversal).
pub(crate) fn compare_props(left: Option<PropRef<'_>>, op: Op, right: Option<PropRef<'_>>) -> bool {
    let pair = |r: PropRef<'_>| match left {
        Some(PropRef::Array(items)) => items.iter().any(|v| scalar_pair(v, op.base, r)),
        Some(v) => scalar_pair(v, op.base, r),
        None => false,
    };
    let positive = !is_absent(left)
        && match right {
            None | Some(PropRef::Null) => false,
            Some(PropRef::Array(items)) => items.iter().any(pair),
            Some(r) => pair(r),
        };
    positive != op.negated
}

/// One scalar against another, as [`scalar`] compares a value with the needle `right`
/// would make.
fn scalar_pair(value: PropRef<'_>, base: BaseOp, right: PropRef<'_>) -> bool {
    match (value, right) {
        (PropRef::Str(s), PropRef::Str(n)) => match base {
            BaseOp::Contains => s.contains(n),
            BaseOp::StartsWith => s.starts_with(n),
            BaseOp::EndsWith => s.ends_with(n),
            _ => ordered(s.cmp(n), base),
        },
        (PropRef::Bool(b), PropRef::Bool(n)) => base == BaseOp::Eq && b == n,
        (v, PropRef::I64(_) | PropRef::U64(_) | PropRef::F64(_)) => number(v)
            .zip(number(right))
            .and_then(|(x, n)| x.partial_cmp(&n))
            .is_some_and(|o| ordered(o, base)),
        _ => false,
    }
}

fn scalar(value: PropRef<'_>, base: BaseOp, needle: &Needle) -> bool {
    match (value, needle) {
        (PropRef::Str(s), Needle::Str(n)) => match base {
            BaseOp::Contains => s.contains(n.as_str()),
            BaseOp::StartsWith => s.starts_with(n.as_str()),
            BaseOp::EndsWith => s.ends_with(n.as_str()),
            _ => ordered(s.cmp(n.as_str()), base),
        },
        (PropRef::Bool(b), Needle::Bool(n)) => base == BaseOp::Eq && b == *n,
        (PropRef::Str(s), Needle::Date(ms)) => {
            parse_instant(s).is_some_and(|t| ordered(t.cmp(ms), base))
        }
        (v, Needle::Num(n)) => number(v)
            .and_then(|x| x.partial_cmp(n))
            .is_some_and(|o| ordered(o, base)),
        (v, Needle::Date(ms)) => number(v)
            .and_then(|x| x.partial_cmp(&(*ms as f64)))
            .is_some_and(|o| ordered(o, base)),
        _ => false,
    }
}

fn ordered(o: Ordering, base: BaseOp) -> bool {
    match base {
        BaseOp::Eq => o == Ordering::Equal,
        BaseOp::Lt => o == Ordering::Less,
        BaseOp::Le => o != Ordering::Greater,
        BaseOp::Gt => o == Ordering::Greater,
        BaseOp::Ge => o != Ordering::Less,
        BaseOp::Contains | BaseOp::StartsWith | BaseOp::EndsWith => false,
    }
}

/// The order of two values for `ORDER BY`: absent last, then numbers, strings, booleans.
pub(crate) fn order(a: Option<PropRef<'_>>, b: Option<PropRef<'_>>) -> Ordering {
    fn rank(v: Option<PropRef<'_>>) -> u8 {
        match v {
            None | Some(PropRef::Null) => 4,
            Some(PropRef::I64(_) | PropRef::U64(_) | PropRef::F64(_)) => 0,
            Some(PropRef::Str(_)) => 1,
            Some(PropRef::Bool(_)) => 2,
            Some(_) => 3,
        }
    }
    match (a, b) {
        (Some(PropRef::Str(x)), Some(PropRef::Str(y))) => x.cmp(y),
        (Some(PropRef::Bool(x)), Some(PropRef::Bool(y))) => x.cmp(&y),
        (Some(x), Some(y)) if rank(Some(x)) == 0 && rank(Some(y)) == 0 => {
            number(x).partial_cmp(&number(y)).unwrap_or(Ordering::Equal)
        }
        (Some(PropRef::Array(x)), Some(PropRef::Array(y))) => {
            order(x.iter().next(), y.iter().next())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}
