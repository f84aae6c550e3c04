//! Request parameters the way Nextcloud reads them: query string, JSON body and form body
//! merged for every method, with loose scalar types ("1", 1, true, "true" are all true).
//!
//! This is also where request text is refused when it holds U+0000: PostgreSQL cannot store
//! it in a TEXT column, so letting it through would turn bad input into a server error deep
//! in the store. Parameters are checked here and path segments by [`reject_nul_in_path`].

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use confab_core::Error;
use serde_json::{Map, Value};

use super::error::ApiError;

/// All parameters of a request. Later sources win: query < body.
#[derive(Debug, Default, Clone)]
pub struct Params(Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mut params = Map::new();
        if let Some(query) = req.uri().query() {
            merge_form(&mut params, query.as_bytes())?;
        }
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let body = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError(Error::TooLarge("body"))
            } else {
                ApiError::bad_param("body")
            }
        })?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Self::checked(params);
        }
        if content_type.starts_with("application/json") {
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(json)) => params.extend(json),
                // An empty JSON list is what PHP clients send for "no parameters".
                Ok(Value::Array(list)) if list.is_empty() => {}
                _ => return Err(ApiError::bad_param("body")),
            }
        } else if content_type.starts_with("application/x-www-form-urlencoded")
            || content_type.is_empty()
        {
            merge_form(&mut params, &body)?;
        }
        Self::checked(params)
    }
}

impl Params {
    /// Parameters from text fields (a multipart form's), under the same rules as any other.
    pub fn from_fields(
        fields: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ApiError> {
        Self::checked(
            fields
                .into_iter()
                .map(|(name, value)| (name, Value::String(value)))
                .collect(),
        )
    }

    fn checked(params: Map<String, Value>) -> Result<Self, ApiError> {
        if params.iter().any(|(key, value)| has_nul(key, value)) {
            return Err(nul_error());
        }
        Ok(Self(params))
    }
}

/// The `error` key of a request whose text holds U+0000.
pub const NUL_CHARACTER: &str = "nul-character";

fn nul_error() -> ApiError {
    ApiError(Error::Invalid(NUL_CHARACTER))
}

/// Refuses uploaded text that holds U+0000, as parameters are refused.
pub fn reject_nul(text: &str) -> Result<(), ApiError> {
    if text.contains('\0') {
        Err(nul_error())
    } else {
        Ok(())
    }
}

/// Whether a parameter's name or any text inside its value holds U+0000.
fn has_nul(key: &str, value: &Value) -> bool {
    key.contains('\0')
        || match value {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().any(|v| has_nul("", v)),
            Value::Object(map) => map.iter().any(|(k, v)| has_nul(k, v)),
            Value::Null | Value::Bool(_) | Value::Number(_) => false,
        }
}

/// Refuses a request whose path holds an encoded U+0000 (`%00`) with 400, before any route
/// hands the decoded segment (a user id, a group id, a setting name) to the store.
pub async fn reject_nul_in_path(request: Request, next: Next) -> Response {
    if request.uri().path().contains("%00") {
        return nul_error().into_response();
    }
    next.run(request).await
}

/// Parses `a=1&b[]=x&c[k][]=y` into `params`, building nested values for PHP-style brackets.
fn merge_form(params: &mut Map<String, Value>, raw: &[u8]) -> Result<(), ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(raw).map_err(|_| ApiError::bad_param("body"))?;
    for (key, value) in pairs {
        let Some(open) = key.find('[') else {
            params.insert(key, Value::String(value));
            continue;
        };
        let (base, rest) = key.split_at(open);
        let path: Vec<&str> = rest
            .trim_end_matches(']')
            .trim_start_matches('[')
            .split("][")
            .collect();
        let slot = params
            .entry(base.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        insert_path(slot, &path, value);
    }
    Ok(())
}

fn insert_path(slot: &mut Value, path: &[&str], value: String) {
    let Some((head, tail)) = path.split_first() else {
        *slot = Value::String(value);
        return;
    };
    if head.is_empty() {
        if !slot.is_array() {
            *slot = Value::Array(Vec::new());
        }
        if let Value::Array(list) = slot {
            let mut item = Value::Null;
            insert_path(&mut item, tail, value);
            list.push(item);
        }
        return;
    }
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    if let Value::Object(map) = slot {
        let child = map.entry((*head).to_owned()).or_insert(Value::Null);
        insert_path(child, tail, value);
    }
}

impl Params {
    pub fn raw(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// A string parameter; numbers and booleans are accepted in their text form.
    pub fn str(&self, name: &'static str) -> Result<Option<String>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(if *b { "1" } else { "" }.to_owned())),
            Some(_) => Err(ApiError::bad_param(name)),
        }
    }

    /// A string parameter that must be present: 400 with the parameter's name otherwise.
    pub fn required_str(&self, name: &'static str) -> Result<String, ApiError> {
        self.str(name)?.ok_or(ApiError::bad_param(name))
    }

    /// A string parameter with a default.
    pub fn str_or(&self, name: &'static str, default: &str) -> Result<String, ApiError> {
        Ok(self.str(name)?.unwrap_or_else(|| default.to_owned()))
    }

    /// An integer parameter: JSON numbers, numeric strings and booleans.
    pub fn int(&self, name: &'static str) -> Result<Option<i64>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                        .map(|f| f as i64)
                })
                .map(Some)
                .ok_or_else(|| ApiError::bad_param(name)),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad_param(name)),
            Some(Value::Bool(b)) => Ok(Some(i64::from(*b))),
            Some(_) => Err(ApiError::bad_param(name)),
        }
    }

    pub fn int_or(&self, name: &'static str, default: i64) -> Result<i64, ApiError> {
        Ok(self.int(name)?.unwrap_or(default))
    }

    /// An integer parameter that must be present: 400 with the parameter's name otherwise.
    pub fn required_int(&self, name: &'static str) -> Result<i64, ApiError> {
        self.int(name)?.ok_or(ApiError::bad_param(name))
    }

    /// A boolean parameter: `true`/`false`, `1`/`0`, `"1"`/`"0"`, `"true"`/`"True"`, `"yes"`/`"no"`.
    pub fn bool(&self, name: &'static str) -> Result<Option<bool>, ApiError> {
        match self.raw(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(0) => Ok(Some(false)),
                Some(1) => Ok(Some(true)),
                _ => Err(ApiError::bad_param(name)),
            },
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(Some(true)),
                "0" | "false" | "no" | "off" | "" => Ok(Some(false)),
                _ => Err(ApiError::bad_param(name)),
            },
            Some(_) => Err(ApiError::bad_param(name)),
        }
    }

    pub fn bool_or(&self, name: &'static str, default: bool) -> Result<bool, ApiError> {
        Ok(self.bool(name)?.unwrap_or(default))
    }

    /// A list of strings: `groups[]=a&groups[]=b`, `{"groups": ["a", "b"]}`, or PHP's indexed
    /// `groups[0]=a` (a map whose values are taken in order).
    pub fn string_list(&self, name: &'static str) -> Result<Vec<String>, ApiError> {
        let items: Vec<&Value> = match self.raw(name) {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(Value::Object(items)) => items.values().collect(),
            Some(_) => return Err(ApiError::bad_param(name)),
        };
        items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(ApiError::bad_param(name)),
            })
            .collect()
    }

    /// A map of lists (`participants[users][]=…` or `{"users": [...]}`): key → strings.
    pub fn string_lists(&self, name: &'static str) -> Result<Vec<(String, Vec<String>)>, ApiError> {
        let Some(value) = self.raw(name) else {
            return Ok(Vec::new());
        };
        let Value::Object(map) = value else {
            return match value {
                Value::Array(list) if list.is_empty() => Ok(Vec::new()),
                _ => Err(ApiError::bad_param(name)),
            };
        };
        map.iter()
            .map(|(kind, ids)| {
                let items = match ids {
                    Value::Array(items) => items,
                    Value::Object(items) => &items.values().cloned().collect(),
                    _ => return Err(ApiError::bad_param(name)),
                };
                let ids = items
                    .iter()
                    .map(|id| match id {
                        Value::String(s) => Ok(s.clone()),
                        Value::Number(n) => Ok(n.to_string()),
                        _ => Err(ApiError::bad_param(name)),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((kind.clone(), ids))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(raw: &str) -> Params {
        let mut map = Map::new();
        merge_form(&mut map, raw.as_bytes()).unwrap();
        Params(map)
    }

    #[test]
    fn loose_scalars_parse() {
        let p = form("a=1&b=true&c=False&d=%20");
        assert_eq!(p.int("a").unwrap(), Some(1));
        assert_eq!(p.bool("b").unwrap(), Some(true));
        assert_eq!(p.bool("c").unwrap(), Some(false));
        assert_eq!(p.int("d").unwrap(), None);
        assert!(p.int("b").is_err());
    }

    #[test]
    fn php_brackets_build_lists() {
        let p = form("participants%5Busers%5D%5B%5D=alice&participants[users][]=bob&participants[emails][]=x%40y.z");
        let lists = p.string_lists("participants").unwrap();
        assert!(lists.contains(&("users".into(), vec!["alice".into(), "bob".into()])));
        assert!(lists.contains(&("emails".into(), vec!["x@y.z".into()])));
    }

    #[test]
    fn string_lists_come_from_brackets_json_lists_and_indexed_maps() {
        assert_eq!(
            form("groups[]=a&groups[]=b").string_list("groups").unwrap(),
            vec!["a", "b"]
        );
        assert_eq!(
            form("groups[0]=a&groups[1]=b")
                .string_list("groups")
                .unwrap(),
            vec!["a", "b"]
        );
        assert!(form("other=1").string_list("groups").unwrap().is_empty());
        assert!(form("groups=a").string_list("groups").is_err());
    }

    #[test]
    fn nul_characters_are_found_in_names_values_and_nested_lists() {
        assert!(!form("a=1&b[]=x").0.iter().any(|(k, v)| has_nul(k, v)));
        for raw in ["a=%00", "a%00=1", "b[]=x&b[]=y%00", "p[users][]=%00"] {
            assert!(form(raw).0.iter().any(|(k, v)| has_nul(k, v)), "{raw}");
        }
    }

    #[test]
    fn plus_is_a_space() {
        assert_eq!(
            form("description=smoke+description")
                .str("description")
                .unwrap()
                .unwrap(),
            "smoke description"
        );
    }
}
