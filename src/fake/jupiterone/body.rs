//! Request bodies: parsing them, and checking the entities and relationships they upload.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::reply::error;
use super::store::{StoredObject, canonical_hash};

pub(super) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Response> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(error(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_BODY",
            "The request body must be a JSON object",
        )),
        Err(e) => Err(error(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            &format!("The request body is not valid JSON: {e}"),
        )),
    }
}

pub(super) fn str_field<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    m.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

pub(super) fn check_object(
    v: &Value,
    what: &str,
    index: usize,
    relationship: bool,
) -> Result<StoredObject, Response> {
    let bad = |message: String| {
        Err(error(
            StatusCode::BAD_REQUEST,
            if relationship {
                "INVALID_RELATIONSHIP"
            } else {
                "INVALID_ENTITY"
            },
            &message,
        ))
    };
    let Value::Object(m) = v else {
        return bad(format!("{what}[{index}] must be an object"));
    };
    if str_field(m, "_key").is_none() {
        return bad(format!("{what}[{index}] needs a string _key"));
    }
    let Some(object_type) = str_field(m, "_type") else {
        return bad(format!("{what}[{index}] needs a string _type"));
    };
    let class_ok = match m.get("_class") {
        Some(Value::String(c)) => !c.is_empty(),
        Some(Value::Array(items)) => !items.is_empty() && items.iter().all(Value::is_string),
        _ => false,
    };
    if !class_ok {
        return bad(format!("{what}[{index}] needs a _class"));
    }
    if let Some((name, _)) = m
        .iter()
        .find(|(name, value)| !name.starts_with('_') && !is_property_value(value))
    {
        return bad(format!(
            "{what}[{index}].{name}: a property must be a string, number, boolean or null, or an \
             array of strings, numbers or booleans (one kind)"
        ));
    }
    let ends = if relationship {
        match (str_field(m, "_fromEntityKey"), str_field(m, "_toEntityKey")) {
            (Some(f), Some(t)) => Some((f.to_owned(), t.to_owned())),
            _ => {
                return bad(format!(
                    "{what}[{index}] needs _fromEntityKey and _toEntityKey"
                ));
            }
        }
    } else {
        None
    };
    Ok(StoredObject {
        object_type: object_type.to_owned(),
        hash: canonical_hash(v),
        json: serde_json::to_string(v)
            .unwrap_or_default()
            .into_boxed_str(),
        ends,
    })
}

/// JupiterOne's rule for a property value (`_`-prefixed properties such as `_rawData` are the
/// service's own and exempt): a primitive, or a homogeneous array of primitives.
fn is_property_value(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
        Value::Object(_) => false,
        Value::Array(items) => {
            items.iter().all(Value::is_string)
                || items.iter().all(Value::is_number)
                || items.iter().all(Value::is_boolean)
        }
    }
}

pub(super) fn take_list(
    m: &mut Map<String, Value>,
    name: &str,
    code: &str,
    required: bool,
) -> Result<Option<Vec<Value>>, Response> {
    match m.remove(name) {
        Some(Value::Array(items)) => Ok(Some(items)),
        None if !required => Ok(None),
        _ => Err(error(
            StatusCode::BAD_REQUEST,
            code,
            &format!("\"{name}\" should be an array"),
        )),
    }
}
