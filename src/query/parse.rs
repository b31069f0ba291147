//! The J1QL grammar, written with winnow.
//!
//! Every parser here takes the query as a [`LocatingSlice`], so a failure knows its byte
//! offset. Past a keyword the grammar commits (`cut`): the caret then points at the token
//! that is wrong, not at the start of the clause. A construct of J1QL that this engine does
//! not run yet is recognised where it starts and refused by name ([`unsupported`]).

use winnow::ascii::{Caseless, digit1, multispace0};
use winnow::combinator::{not, opt, peek};
use winnow::error::{ContextError, ErrMode, StrContext};
use winnow::stream::{Location, Stream};
use winnow::token::{any, one_of, take_while};
use winnow::{LocatingSlice, ModalResult, Parser};

use super::ast::{
    BaseOp, Comparison, DateValue, Direction, Expr, Link, Literal, Name, Op, Operand, OrderKey,
    Prop, Query, Return, ReturnItem, Selector, Span, Step, Verbs,
};
use super::error::QueryError;

type In<'a> = LocatingSlice<&'a str>;
type Res<T> = ModalResult<T>;

/// Words that end a clause, so never a name, an alias or a property.
const KEYWORDS: &[&str] = &[
    "FIND", "WITH", "THAT", "AS", "WHERE", "RETURN", "ORDER", "BY", "SKIP", "LIMIT", "AND", "OR",
    "ASC", "DESC",
];

const EXPECTED_VALUE: &str =
    "expected a value: a quoted string, a number, true, false, undefined or a date";

/// Parses a whole query.
///
/// # Errors
/// A syntax error or an unsupported construct, with its position.
pub fn parse(text: &str) -> Result<Query, QueryError> {
    query
        .parse(LocatingSlice::new(text))
        .map_err(|e| QueryError::new(e.offset(), describe(e.inner())))
}

/// The message of a failure: every error here is raised by [`fail_with`] with its message.
fn describe(e: &ContextError) -> String {
    e.context()
        .find_map(|c| match c {
            StrContext::Label(message) => Some((*message).to_owned()),
            _ => None,
        })
        .unwrap_or_else(|| "invalid query".to_owned())
}

/// An error at the current position that stops the parse.
fn fail_with(message: &'static str) -> ErrMode<ContextError> {
    let mut e = ContextError::new();
    e.push(StrContext::Label(message));
    ErrMode::Cut(e)
}

/// A construct of J1QL this engine does not run: refused by name.
fn unsupported(construct: &'static str) -> ErrMode<ContextError> {
    fail_with(construct)
}

fn ws(i: &mut In<'_>) -> Res<()> {
    multispace0.void().parse_next(i)
}

fn pos(i: &In<'_>) -> usize {
    i.current_token_start()
}

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A case-insensitive keyword that is a whole word.
fn kw<'a>(word: &'static str) -> impl Parser<In<'a>, (), ErrMode<ContextError>> {
    move |i: &mut In<'a>| {
        (Caseless(word), not(one_of(ident_char)))
            .void()
            .parse_next(i)
    }
}

/// Whether the keyword comes next (after spaces), consuming it and the spaces if so.
fn eat_kw(i: &mut In<'_>, word: &'static str) -> Res<bool> {
    let start = i.checkpoint();
    ws(i)?;
    if kw(word).parse_next(i).is_ok() {
        Ok(true)
    } else {
        i.reset(&start);
        Ok(false)
    }
}

/// Whether the literal comes next (after spaces), consuming it if so.
fn eat(i: &mut In<'_>, mut token: &'static str) -> Res<bool> {
    let start = i.checkpoint();
    ws(i)?;
    let found: Res<&str> = token.parse_next(i);
    if found.is_ok() {
        Ok(true)
    } else {
        i.reset(&start);
        Ok(false)
    }
}

/// Whether `word` (a keyword) starts at the current position, consuming nothing.
fn at_kw(i: &mut In<'_>, word: &'static str) -> bool {
    let start = i.checkpoint();
    let found = (multispace0, kw(word)).parse_next(i).is_ok();
    i.reset(&start);
    found
}

fn identifier<'a>(i: &mut In<'a>) -> Res<&'a str> {
    (
        one_of(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(0.., ident_char),
    )
        .take()
        .parse_next(i)
}

fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// An identifier that is not a keyword, or a cut error naming what was expected.
fn name_or(i: &mut In<'_>, what: &'static str) -> Res<(String, Span)> {
    ws(i)?;
    let start = pos(i);
    let checkpoint = i.checkpoint();
    match identifier.parse_next(i) {
        Ok(word) if !is_keyword(word) => Ok((word.to_owned(), Span::new(start, pos(i)))),
        _ => {
            i.reset(&checkpoint);
            Err(fail_with(what))
        }
    }
}

/// A property name: letters, digits, `_`, `.` (e.g. `tag.Owner`), `@`, `-`.
fn property_name<'a>(i: &mut In<'a>) -> Res<&'a str> {
    (
        one_of(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '@'),
        take_while(0.., |c: char| ident_char(c) || matches!(c, '.' | '@' | '-')),
    )
        .take()
        .parse_next(i)
}

fn query(i: &mut In<'_>) -> Res<Query> {
    ws(i)?;
    if kw("FIND").parse_next(i).is_err() {
        return Err(fail_with("expected FIND at the start of the query"));
    }
    let mut steps = vec![step(i, None)?];
    loop {
        refuse_optional_traversal(i)?;
        if !eat_kw(i, "THAT")? {
            break;
        }
        let l = link(i)?;
        steps.push(step(i, Some(l))?);
    }
    let filter = if eat_kw(i, "WHERE")? {
        Some(expr(i, true)?)
    } else {
        None
    };
    // ORDER BY, SKIP and LIMIT may come before or after RETURN.
    let mut order = Vec::new();
    let (mut skip, mut limit) = (None, None);
    paging(i, &mut order, &mut skip, &mut limit)?;
    let ret = if eat_kw(i, "RETURN")? {
        returns(i)?
    } else {
        Return::Default
    };
    paging(i, &mut order, &mut skip, &mut limit)?;
    ws(i)?;
    if i.eof_offset() > 0 {
        return Err(trailing(i));
    }
    Ok(Query {
        steps,
        filter,
        ret,
        order,
        skip,
        limit,
    })
}

/// `[ORDER BY key, …] [SKIP n] [LIMIT n]`, each at most once in the query.
fn paging(
    i: &mut In<'_>,
    order: &mut Vec<OrderKey>,
    skip: &mut Option<usize>,
    limit: &mut Option<usize>,
) -> Res<()> {
    if at_kw(i, "ORDER") && !order.is_empty() {
        ws(i)?;
        return Err(fail_with("ORDER BY is given twice"));
    }
    if eat_kw(i, "ORDER")? {
        if !eat_kw(i, "BY")? {
            ws(i)?;
            return Err(fail_with("expected BY after ORDER"));
        }
        loop {
            order.push(order_key(i)?);
            if !eat(i, ",")? {
                break;
            }
        }
    }
    if at_kw(i, "SKIP") && skip.is_some() {
        ws(i)?;
        return Err(fail_with("SKIP is given twice"));
    }
    if eat_kw(i, "SKIP")? {
        *skip = Some(count(i, "expected a number of rows to skip")?);
    }
    if at_kw(i, "LIMIT") && limit.is_some() {
        ws(i)?;
        return Err(fail_with("LIMIT is given twice"));
    }
    if eat_kw(i, "LIMIT")? {
        *limit = Some(count(i, "expected a number of rows")?);
    }
    Ok(())
}

/// What is wrong with text left after the query: a known J1QL construct, or a clause out
/// of place.
fn trailing(i: &mut In<'_>) -> ErrMode<ContextError> {
    for word in ["UNIQUE", "DISTINCT"] {
        if at_kw(i, word) {
            return unsupported("`UNIQUE` / `DISTINCT` is not supported yet");
        }
    }
    if i.starts_with("{{") {
        return unsupported("placeholders (`{{name}}`) are not supported yet");
    }
    fail_with(
        "expected WITH, AND, OR, AS, THAT, WHERE, RETURN, ORDER BY, SKIP, LIMIT or the end of the query",
    )
}

/// `(THAT …)?` is an optional traversal.
fn refuse_optional_traversal(i: &mut In<'_>) -> Res<()> {
    let start = i.checkpoint();
    ws(i)?;
    let here = i.checkpoint();
    let found = ("(", multispace0, kw("THAT")).parse_next(i).is_ok();
    i.reset(&here);
    if found {
        return Err(unsupported(
            "optional traversals (`(THAT …)?`) are not supported yet",
        ));
    }
    i.reset(&start);
    Ok(())
}

fn count(i: &mut In<'_>, what: &'static str) -> Res<usize> {
    ws(i)?;
    let checkpoint = i.checkpoint();
    match digit1::<_, ErrMode<ContextError>>.parse_next(i) {
        Ok(d) => match d.parse::<usize>() {
            Ok(n) => Ok(n),
            Err(_) => {
                i.reset(&checkpoint);
                Err(fail_with("this number is too large"))
            }
        },
        Err(_) => Err(fail_with(what)),
    }
}

/// A selector with its `WITH` and `AS`.
fn step(i: &mut In<'_>, link: Option<Link>) -> Res<Step> {
    ws(i)?;
    let start = pos(i);
    if i.starts_with('"') || i.starts_with('\'') {
        return Err(unsupported(
            "full-text search (`FIND 'text'`) is not supported yet: FIND a class, a _type, * or (A|B)",
        ));
    }
    let selector = selector(i)?;
    let selector_span = Span::new(start, pos(i));
    let with = if eat_kw(i, "WITH")? {
        Some(expr(i, false)?)
    } else {
        None
    };
    let alias = if eat_kw(i, "AS")? {
        Some(name_or(i, "expected an alias name after AS")?)
    } else {
        None
    };
    Ok(Step {
        link,
        selector,
        selector_span,
        with,
        alias,
    })
}

fn selector(i: &mut In<'_>) -> Res<Selector> {
    const WHAT: &str = "expected a class (TitleCase), a _type (snake_case), * or (A|B)";
    if eat(i, "*")? {
        return Ok(Selector::All);
    }
    if eat(i, "(")? {
        let mut names = Vec::new();
        loop {
            names.push(Name::of(&name_or(i, WHAT)?.0));
            if eat(i, ")")? {
                return Ok(Selector::Names(names));
            }
            if !eat(i, "|")? {
                ws(i)?;
                return Err(fail_with(
                    "expected | or ) in the list of classes and types",
                ));
            }
        }
    }
    Ok(Selector::Names(vec![Name::of(&name_or(i, WHAT)?.0)]))
}

/// After `THAT`: `[!]VERB` or `[!](VERB|VERB)` or `[!]RELATES TO`, then `<<` or `>>`.
fn link(i: &mut In<'_>) -> Res<Link> {
    const WHAT: &str = "expected a relationship verb (e.g. HAS, OWNS, (HAS|OWNS), RELATES TO)";
    ws(i)?;
    let start = pos(i);
    let negated = eat(i, "!")?;
    let verbs = if eat_kw(i, "RELATES")? {
        if !eat_kw(i, "TO")? {
            ws(i)?;
            return Err(fail_with("expected TO after RELATES"));
        }
        Verbs::Any
    } else if eat(i, "(")? {
        let mut verbs = Vec::new();
        loop {
            ws(i)?;
            if i.starts_with('!') {
                return Err(unsupported(
                    "negation inside a verb list is not supported yet: write THAT !(HAS|OWNS)",
                ));
            }
            verbs.push(name_or(i, WHAT)?.0.to_ascii_uppercase());
            if eat(i, ")")? {
                break;
            }
            if !eat(i, "|")? {
                ws(i)?;
                return Err(fail_with("expected | or ) in the list of verbs"));
            }
        }
        Verbs::Some(verbs)
    } else {
        Verbs::Some(vec![name_or(i, WHAT)?.0.to_ascii_uppercase()])
    };
    let direction = if eat(i, ">>")? {
        Direction::Forward
    } else if eat(i, "<<")? {
        Direction::Backward
    } else {
        Direction::Either
    };
    let span = Span::new(start, pos(i));
    if at_kw(i, "AS") || at_kw(i, "WITH") {
        ws(i)?;
        return Err(unsupported(
            "relationship aliases and filters (`THAT HAS AS r`, `THAT HAS WITH …`) are not supported yet",
        ));
    }
    Ok(Link {
        negated,
        verbs,
        direction,
        span,
    })
}

/// `a OR b`, `a AND b`, parentheses; comparisons in `WITH` (`prop OP value`) or `WHERE`
/// (`alias.prop OP value|alias.prop`).
fn expr(i: &mut In<'_>, in_where: bool) -> Res<Expr> {
    let mut any = vec![conjunction(i, in_where)?];
    while eat_kw(i, "OR")? {
        any.push(conjunction(i, in_where)?);
    }
    Ok(if any.len() == 1 {
        any.remove(0)
    } else {
        Expr::Or(any)
    })
}

fn conjunction(i: &mut In<'_>, in_where: bool) -> Res<Expr> {
    let mut all = vec![atom(i, in_where)?];
    while eat_kw(i, "AND")? {
        all.push(atom(i, in_where)?);
    }
    Ok(if all.len() == 1 {
        all.remove(0)
    } else {
        Expr::And(all)
    })
}

fn atom(i: &mut In<'_>, in_where: bool) -> Res<Expr> {
    if eat(i, "(")? {
        let inner = expr(i, in_where)?;
        if !eat(i, ")")? {
            ws(i)?;
            return Err(fail_with("expected ) or AND / OR"));
        }
        return Ok(inner);
    }
    comparison(i, in_where).map(Expr::Cmp)
}

fn prop(i: &mut In<'_>, in_where: bool) -> Res<Prop> {
    ws(i)?;
    let start = pos(i);
    let checkpoint = i.checkpoint();
    let what = if in_where {
        "expected alias.property"
    } else {
        "expected a property name"
    };
    let Ok(text) = property_name.parse_next(i) else {
        return Err(fail_with(what));
    };
    if is_keyword(text) {
        i.reset(&checkpoint);
        return Err(fail_with(what));
    }
    let span = Span::new(start, pos(i));
    if in_where {
        match text.split_once('.') {
            Some((alias, name)) if !alias.is_empty() && !name.is_empty() => Ok(Prop {
                alias: Some(alias.to_owned()),
                name: name.to_owned(),
                span,
            }),
            _ => {
                i.reset(&checkpoint);
                Err(fail_with(
                    "expected alias.property (WHERE compares the properties of aliases)",
                ))
            }
        }
    } else {
        Ok(Prop {
            alias: None,
            name: text.to_owned(),
            span,
        })
    }
}

fn comparison(i: &mut In<'_>, in_where: bool) -> Res<Comparison> {
    let left = prop(i, in_where)?;
    ws(i)?;
    if i.starts_with(['+', '-', '*', '/']) {
        return Err(unsupported(
            "arithmetic in comparisons is not supported yet",
        ));
    }
    let op = operator(i)?;
    ws(i)?;
    let right = if in_where
        && peek(one_of::<_, _, ErrMode<ContextError>>(|c: char| {
            c.is_ascii_alphabetic() || c == '_'
        }))
        .parse_next(i)
        .is_ok()
        && !at_literal_word(i)
    {
        Operand::Prop(prop(i, true)?)
    } else {
        Operand::Literal(literal(i)?)
    };
    let span = Span::new(left.span.start, pos(i));
    if in_where {
        let checkpoint = i.checkpoint();
        ws(i)?;
        if i.starts_with(['+', '-', '*', '/']) {
            return Err(unsupported(
                "arithmetic in comparisons is not supported yet",
            ));
        }
        i.reset(&checkpoint);
    }
    Ok(Comparison {
        left,
        op,
        right,
        span,
    })
}

/// Whether a value word (`true`, `false`, `undefined`, `date…`) comes next.
fn at_literal_word(i: &mut In<'_>) -> bool {
    ["true", "false", "undefined"].iter().any(|w| at_kw(i, w))
        || i.starts_with("date.")
        || i.starts_with("date(")
}

/// The operators, longest first so that `!=` is not read as `!` then `=`.
const OPERATORS: [(&str, BaseOp, bool); 12] = [
    ("!~=", BaseOp::Contains, true),
    ("!^=", BaseOp::StartsWith, true),
    ("!$=", BaseOp::EndsWith, true),
    ("!=", BaseOp::Eq, true),
    ("~=", BaseOp::Contains, false),
    ("^=", BaseOp::StartsWith, false),
    ("$=", BaseOp::EndsWith, false),
    ("<=", BaseOp::Le, false),
    (">=", BaseOp::Ge, false),
    ("<", BaseOp::Lt, false),
    (">", BaseOp::Gt, false),
    ("=", BaseOp::Eq, false),
];

fn operator(i: &mut In<'_>) -> Res<Op> {
    for (token, base, negated) in OPERATORS {
        if eat(i, token)? {
            if i.starts_with('=') {
                return Err(fail_with(
                    "expected a value: J1QL compares with a single = (not ==)",
                ));
            }
            return Ok(Op { base, negated });
        }
    }
    Err(fail_with(
        "expected a comparison: =, !=, <, <=, >, >=, ~=, ^=, $=, !~=, !^= or !$=",
    ))
}

fn literal(i: &mut In<'_>) -> Res<Literal> {
    if i.starts_with('"') || i.starts_with('\'') {
        return string(i).map(Literal::Str);
    }
    if i.starts_with('/') {
        return Err(unsupported(
            "regular expressions (`/…/`) are not supported yet: use ~=, ^= or $=",
        ));
    }
    if i.starts_with('(') {
        return Err(unsupported(
            "value lists (`= ('a' OR 'b')`) are not supported yet: write `p = 'a' OR p = 'b'`",
        ));
    }
    if i.starts_with("{{") {
        return Err(unsupported(
            "placeholders (`{{name}}`) are not supported yet",
        ));
    }
    if kw("true").parse_next(i).is_ok() {
        return Ok(Literal::Bool(true));
    }
    if kw("false").parse_next(i).is_ok() {
        return Ok(Literal::Bool(false));
    }
    if kw("undefined").parse_next(i).is_ok() {
        return Ok(Literal::Undefined);
    }
    if i.starts_with("date") {
        return date(i).map(Literal::Date);
    }
    number(i)
        .map(Literal::Num)
        .map_err(|_| fail_with(EXPECTED_VALUE))
}

fn number(i: &mut In<'_>) -> Res<f64> {
    let checkpoint = i.checkpoint();
    let text = (
        opt('-'),
        digit1,
        opt(('.', digit1)),
        not(one_of(|c: char| ident_char(c) || c == '.')),
    )
        .take()
        .parse_next(i)?;
    text.parse::<f64>().map_err(|_| {
        i.reset(&checkpoint);
        fail_with(EXPECTED_VALUE)
    })
}

/// A single- or double-quoted string; `\` escapes the next character (`\n`, `\t` too).
fn string(i: &mut In<'_>) -> Res<String> {
    let start = i.checkpoint();
    let quote = any.parse_next(i)?;
    let mut out = String::new();
    loop {
        match any::<_, ErrMode<ContextError>>.parse_next(i) {
            Ok(c) if c == quote => return Ok(out),
            Ok('\\') => match any::<_, ErrMode<ContextError>>.parse_next(i) {
                Ok('n') => out.push('\n'),
                Ok('t') => out.push('\t'),
                Ok(c) => out.push(c),
                Err(_) => break,
            },
            Ok(c) => out.push(c),
            Err(_) => break,
        }
    }
    i.reset(&start);
    Err(fail_with("this string has no closing quote"))
}

const MS_HOUR: i64 = 3_600_000;
const MS_DAY: i64 = 24 * MS_HOUR;

/// `date.now`, `date.now - 7 days`, `date.now + 1 hour`, `date(2024-01-31)`,
/// `date(2024-01-31T12:00:00Z)`.
fn date(i: &mut In<'_>) -> Res<DateValue> {
    let now: Res<&str> = "date.now".parse_next(i);
    if now.is_ok() {
        let checkpoint = i.checkpoint();
        ws(i)?;
        let sign = match one_of::<_, _, ErrMode<ContextError>>(['+', '-']).parse_next(i) {
            Ok('-') => -1,
            Ok(_) => 1,
            Err(_) => {
                i.reset(&checkpoint);
                return Ok(DateValue::Now(0));
            }
        };
        ws(i)?;
        let n: i64 = match digit1::<_, ErrMode<ContextError>>.parse_next(i) {
            Ok(d) => d
                .parse()
                .map_err(|_| fail_with("this number is too large"))?,
            Err(_) => return Err(fail_with("expected a number after date.now ±")),
        };
        ws(i)?;
        let unit_at = i.checkpoint();
        let unit = identifier(i).map_err(|_| fail_with(DATE_UNITS))?;
        let per = match unit.to_ascii_lowercase().trim_end_matches('s') {
            "hour" => MS_HOUR,
            "day" => MS_DAY,
            "month" => 30 * MS_DAY,
            "year" => 365 * MS_DAY,
            _ => {
                i.reset(&unit_at);
                return Err(fail_with(DATE_UNITS));
            }
        };
        return Ok(DateValue::Now(sign * n.saturating_mul(per)));
    }
    let open: Res<&str> = "date(".parse_next(i);
    if open.is_ok() {
        let at = i.checkpoint();
        let text: &str = take_while(0.., |c: char| c != ')').parse_next(i)?;
        let close: Res<&str> = ")".parse_next(i);
        if close.is_err() {
            i.reset(&at);
            return Err(fail_with("expected ) to close date("));
        }
        return match parse_instant(text.trim()) {
            Some(ms) => Ok(DateValue::At(ms)),
            None => {
                i.reset(&at);
                Err(fail_with(
                    "expected a date such as date(2024-01-31) or date(2024-01-31T12:00:00Z)",
                ))
            }
        };
    }
    Err(fail_with(EXPECTED_VALUE))
}

const DATE_UNITS: &str = "expected a unit: hour(s), day(s), month(s) or year(s)";

/// An ISO-8601 date or date-time, as epoch milliseconds (UTC when no offset is given).
pub(crate) fn parse_instant(text: &str) -> Option<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S") {
        return Some(t.and_utc().timestamp_millis());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
}

fn returns(i: &mut In<'_>) -> Res<Return> {
    if eat_kw(i, "TREE")? {
        return Ok(Return::Tree);
    }
    let mut items = Vec::new();
    loop {
        items.push(return_item(i)?);
        if at_kw(i, "AS") {
            ws(i)?;
            return Err(unsupported(
                "column labels (`RETURN … AS name`) are not supported yet",
            ));
        }
        if !eat(i, ",")? {
            break;
        }
    }
    Ok(Return::Items(items))
}

fn return_item(i: &mut In<'_>) -> Res<ReturnItem> {
    const WHAT: &str = "expected an alias, alias.property, COUNT(alias) or TREE";
    ws(i)?;
    for word in ["UNIQUE", "DISTINCT"] {
        if at_kw(i, word) {
            return Err(unsupported("`UNIQUE` / `DISTINCT` is not supported yet"));
        }
    }
    let start = pos(i);
    let checkpoint = i.checkpoint();
    let Ok(text) = property_name.parse_next(i) else {
        return Err(fail_with(WHAT));
    };
    if eat(i, "(")? {
        if !text.eq_ignore_ascii_case("COUNT") {
            i.reset(&checkpoint);
            return Err(unsupported(
                "this function is not supported yet: RETURN supports COUNT(alias) (not MIN, MAX, AVG, SUM or CONCAT)",
            ));
        }
        let (alias, span) = name_or(i, "expected an alias inside COUNT( )")?;
        if !eat(i, ")")? {
            ws(i)?;
            return Err(fail_with("expected ) after the alias"));
        }
        return Ok(ReturnItem::Count(alias, span));
    }
    let span = Span::new(start, pos(i));
    if is_keyword(text) {
        i.reset(&checkpoint);
        return Err(fail_with(WHAT));
    }
    Ok(match text.split_once('.') {
        Some((alias, name)) if !alias.is_empty() && !name.is_empty() => {
            if name == "*" {
                ReturnItem::Alias(alias.to_owned(), span)
            } else {
                ReturnItem::Prop(Prop {
                    alias: Some(alias.to_owned()),
                    name: name.to_owned(),
                    span,
                })
            }
        }
        Some(_) => {
            i.reset(&checkpoint);
            return Err(fail_with(WHAT));
        }
        None => ReturnItem::Alias(text.to_owned(), span),
    })
}

fn order_key(i: &mut In<'_>) -> Res<OrderKey> {
    ws(i)?;
    let start = pos(i);
    let checkpoint = i.checkpoint();
    let Ok(text) = property_name.parse_next(i) else {
        return Err(fail_with(
            "expected a property or alias.property to order by",
        ));
    };
    if is_keyword(text) {
        i.reset(&checkpoint);
        return Err(fail_with(
            "expected a property or alias.property to order by",
        ));
    }
    let span = Span::new(start, pos(i));
    let prop = match text.split_once('.') {
        Some((alias, name)) if !alias.is_empty() && !name.is_empty() => Prop {
            alias: Some(alias.to_owned()),
            name: name.to_owned(),
            span,
        },
        _ => Prop {
            alias: None,
            name: text.to_owned(),
            span,
        },
    };
    let descending = if eat_kw(i, "DESC")? {
        true
    } else {
        let _ = eat_kw(i, "ASC")?;
        false
    };
    Ok(OrderKey { prop, descending })
}
