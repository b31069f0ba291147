//! From the syntax tree to what the engine runs: negated steps become conditions of the step
//! before them, aliases become step numbers, and the `WHERE` comparisons that name one alias
//! move into that step's filter (so they cut the search early); only comparisons between
//! aliases stay for the rows.

use std::collections::HashMap;

use super::ast::{
    Direction, Expr, Operand, Prop, Query, Return, ReturnItem, Selector, Span, Verbs,
};
use super::error::QueryError;

/// A parsed query, ready to run on any graph.
#[derive(Debug, Clone)]
pub struct Plan {
    pub(crate) steps: Vec<PlanStep>,
    /// `WHERE` comparisons naming two aliases, with each alias replaced by its step.
    pub(crate) residual: Option<Expr>,
    pub(crate) slots: HashMap<String, usize>,
    pub(crate) output: Output,
    pub(crate) order: Vec<(usize, String, bool)>,
    pub(crate) skip: Option<usize>,
    pub(crate) limit: Option<usize>,
}

/// One positive step of the chain.
#[derive(Debug, Clone)]
pub(crate) struct PlanStep {
    pub(crate) selector: Selector,
    /// `WITH`, and the `WHERE` comparisons on this step's alias alone.
    pub(crate) filters: Vec<Expr>,
    /// How it is linked to the step before (none for the first).
    pub(crate) link: Option<LinkSpec>,
    /// `THAT !VERB X` right after this step.
    pub(crate) negations: Vec<Negation>,
    pub(crate) name: String,
}

#[derive(Debug, Clone)]
pub(crate) struct LinkSpec {
    pub(crate) verbs: Verbs,
    pub(crate) direction: Direction,
}

#[derive(Debug, Clone)]
pub(crate) struct Negation {
    pub(crate) link: LinkSpec,
    pub(crate) selector: Selector,
    pub(crate) filters: Vec<Expr>,
}

/// What the rows hold.
#[derive(Debug, Clone)]
pub(crate) enum Output {
    /// The entities of the first step.
    Default,
    Tree,
    Items(Vec<Item>),
}

#[derive(Debug, Clone)]
pub(crate) enum Item {
    Entity(usize),
    Prop(usize, String),
    Count(usize),
}

/// Resolves the aliases of a parsed query.
///
/// # Errors
/// An unknown or ambiguous alias, an alias given twice, or an alias on a negated step.
pub(crate) fn plan(query: &Query) -> Result<Plan, QueryError> {
    let mut steps: Vec<PlanStep> = Vec::new();
    let mut slots: HashMap<String, usize> = HashMap::new();
    let mut implicit: HashMap<String, Option<usize>> = HashMap::new();
    for step in &query.steps {
        let filters: Vec<Expr> = step.with.iter().cloned().collect();
        let link = step.link.as_ref().map(|l| {
            (
                l.negated,
                LinkSpec {
                    verbs: l.verbs.clone(),
                    direction: l.direction,
                },
            )
        });
        match link {
            Some((true, link)) => {
                if let Some((_, span)) = &step.alias {
                    return Err(QueryError::new(
                        span.start,
                        "a negated step (`THAT !VERB …`) matches nothing, so it cannot have an alias",
                    ));
                }
                if let Some(last) = steps.last_mut() {
                    last.negations.push(Negation {
                        link,
                        selector: step.selector.clone(),
                        filters,
                    });
                }
            }
            other => {
                let index = steps.len();
                let name = match (&step.alias, &step.selector) {
                    (Some((alias, span)), _) => {
                        if slots.insert(alias.clone(), index).is_some() {
                            return Err(QueryError::new(
                                span.start,
                                format!("the alias `{alias}` is given twice"),
                            ));
                        }
                        alias.clone()
                    }
                    (None, Selector::Names(names)) if names.len() == 1 => {
                        let text = names[0].text().to_owned();
                        implicit
                            .entry(text.clone())
                            .and_modify(|e| *e = None)
                            .or_insert(Some(index));
                        text
                    }
                    (None, _) if index == 0 => "entity".to_owned(),
                    (None, _) => format!("entity{}", index + 1),
                };
                steps.push(PlanStep {
                    selector: step.selector.clone(),
                    filters,
                    link: other.map(|(_, l)| l),
                    negations: Vec::new(),
                    name,
                });
            }
        }
    }
    let resolve = |alias: &str, span: Span| -> Result<usize, QueryError> {
        if let Some(&i) = slots.get(alias) {
            return Ok(i);
        }
        match implicit.get(alias) {
            Some(Some(i)) => Ok(*i),
            Some(None) => Err(QueryError::new(
                span.start,
                format!("`{alias}` names more than one step: give them aliases with AS"),
            )),
            None => Err(QueryError::new(
                span.start,
                format!("unknown alias `{alias}` (name a step with AS)"),
            )),
        }
    };
    let mut all_slots = slots.clone();
    for (name, index) in &implicit {
        if let Some(i) = index {
            all_slots.entry(name.clone()).or_insert(*i);
        }
    }

    let mut residual = Vec::new();
    if let Some(filter) = &query.filter {
        let conjuncts = match filter {
            Expr::And(all) => all.clone(),
            other => vec![other.clone()],
        };
        for c in conjuncts {
            let mut used = Vec::new();
            aliases_of(&c, &mut |p: &Prop| {
                let alias = p.alias.as_deref().unwrap_or_default();
                resolve(alias, p.span).map(|i| used.push(i))
            })?;
            used.sort_unstable();
            used.dedup();
            match used.as_slice() {
                [one] => steps[*one].filters.push(strip_alias(&c)),
                _ => residual.push(c),
            }
        }
    }
    let residual = match residual.len() {
        0 => None,
        1 => residual.pop(),
        _ => Some(Expr::And(residual)),
    };

    let output = match &query.ret {
        Return::Default => Output::Default,
        Return::Tree => Output::Tree,
        Return::Items(items) => {
            let mut out = Vec::new();
            for item in items {
                out.push(match item {
                    ReturnItem::Alias(a, span) => Item::Entity(resolve(a, *span)?),
                    ReturnItem::Prop(p) => Item::Prop(
                        resolve(p.alias.as_deref().unwrap_or_default(), p.span)?,
                        p.name.clone(),
                    ),
                    ReturnItem::Count(a, span) => Item::Count(resolve(a, *span)?),
                });
            }
            Output::Items(out)
        }
    };
    let default_step = match &output {
        Output::Items(items) => items
            .iter()
            .find_map(|i| match i {
                Item::Entity(s) | Item::Prop(s, _) => Some(*s),
                Item::Count(_) => None,
            })
            .unwrap_or(0),
        _ => 0,
    };
    let mut order = Vec::new();
    for key in &query.order {
        // `x.y` is alias `x`'s property `y` when `x` is an alias, else the property `x.y`.
        let (step, name) = match &key.prop.alias {
            Some(alias) if all_slots.contains_key(alias) => {
                (resolve(alias, key.prop.span)?, key.prop.name.clone())
            }
            Some(alias) => (default_step, format!("{alias}.{}", key.prop.name)),
            None => (default_step, key.prop.name.clone()),
        };
        order.push((step, name, key.descending));
    }
    Ok(Plan {
        steps,
        residual,
        slots: all_slots,
        output,
        order,
        skip: query.skip,
        limit: query.limit,
    })
}

/// Calls `f` with every property of the expression (left and right sides).
fn aliases_of(
    expr: &Expr,
    f: &mut dyn FnMut(&Prop) -> Result<(), QueryError>,
) -> Result<(), QueryError> {
    match expr {
        Expr::And(all) | Expr::Or(all) => all.iter().try_for_each(|e| aliases_of(e, f)),
        Expr::Cmp(c) => {
            f(&c.left)?;
            if let Operand::Prop(p) = &c.right {
                f(p)?;
            }
            Ok(())
        }
    }
}

/// The expression with its single alias dropped, as a `WITH` filter.
fn strip_alias(expr: &Expr) -> Expr {
    match expr {
        Expr::And(all) => Expr::And(all.iter().map(strip_alias).collect()),
        Expr::Or(all) => Expr::Or(all.iter().map(strip_alias).collect()),
        Expr::Cmp(c) => {
            let mut c = c.clone();
            c.left.alias = None;
            if let Operand::Prop(p) = &mut c.right {
                p.alias = None;
            }
            Expr::Cmp(c)
        }
    }
}
