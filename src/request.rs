//! Requests from JSON (a Python dict, a service): each job's request is a serde struct whose
//! fields are its command's flags; [`from_json`] reads one and refuses a field it does not
//! know, so that a misspelt option is an error rather than a silent default.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::InputError;

/// A request of type `T` from JSON text; `what` names it in messages (`match`, `fade`).
///
/// # Errors
/// Text that is not JSON or does not fit `T` (serde's reason), or a top-level field `T` does
/// not have (with the fields it has).
pub fn from_json<T: DeserializeOwned + Serialize>(text: &str, what: &str) -> Result<T, InputError> {
    let given: serde_json::Value = serde_json::from_str(text).map_err(|e| InputError::Invalid {
        field: format!("{what} request"),
        message: e.to_string(),
    })?;
    let req: T = serde_json::from_value(given.clone()).map_err(|e| InputError::Invalid {
        field: format!("{what} request"),
        message: e.to_string(),
    })?;
    // Every field of `T` serialises (none is skipped), so the fields it knows are the keys of
    // its own serialisation; flattened groups included, which serde's deny_unknown_fields
    // cannot check.
    let known = serde_json::to_value(&req).map_err(|e| InputError::Invalid {
        field: format!("{what} request"),
        message: e.to_string(),
    })?;
    if let (Some(g), Some(k)) = (given.as_object(), known.as_object()) {
        if let Some(name) = g.keys().find(|name| !k.contains_key(*name)) {
            return Err(InputError::Unknown {
                field: format!("{what} request"),
                kind: "field",
                value: name.clone(),
                known: k.keys().cloned().collect::<Vec<_>>().join(", "),
            });
        }
    }
    Ok(req)
}
