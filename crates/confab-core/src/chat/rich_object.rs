//! The rules a rich object shared to the chat must meet: a known object type with the keys it
//! requires, string values only, links only to this server, geo URIs for locations, and the
//! size of the stored message.
//!
//! The object types and their required keys are Nextcloud's rich object definitions
//! (`OCP\RichObjectStrings\Definitions`), which upstream validates shared objects against.

use serde_json::{json, Map, Value};

use super::service::MAX_MESSAGE_CHARS;
use crate::error::{Error, Result};

/// Object types a chat may carry, with the keys each requires.
const DEFINITIONS: &[(&str, &[&str])] = &[
    ("addressbook", &["id", "name"]),
    ("addressbook-contact", &["id", "name"]),
    ("announcement", &["id", "name"]),
    ("app", &["id", "name"]),
    ("calendar", &["id", "name"]),
    ("calendar-event", &["id", "name"]),
    ("call", &["id", "name", "call-type"]),
    ("circle", &["id", "name", "link"]),
    ("deck-board", &["id", "name", "link"]),
    (
        "deck-card",
        &["id", "name", "boardname", "stackname", "link"],
    ),
    ("email", &["id", "name"]),
    ("file", &["id", "name", "path"]),
    ("forms-form", &["id", "name", "link"]),
    ("geo-location", &["id", "name", "latitude", "longitude"]),
    ("guest", &["id", "name"]),
    ("highlight", &["id", "name"]),
    ("open-graph", &["id", "name"]),
    ("pending-federated-share", &["id", "name"]),
    ("systemtag", &["id", "name", "visibility", "assignable"]),
    ("talk-attachment", &["id", "name", "conversation"]),
    ("talk-poll", &["id", "name"]),
    ("user", &["id", "name"]),
    ("user-group", &["id", "name"]),
];

/// The object `metaData` describes (a JSON object as text), completed with its type, id and
/// `icon-url`, then checked in upstream's order: 400 `link` for a link to another server,
/// 400 `object` for an unknown type, a missing key, a value that is not a string, or a
/// location whose id is not a geo URI.
///
/// Like upstream, `metaData` that is not a JSON object counts as no data at all (and then
/// lacks the name every type requires).
pub(crate) fn build(
    object_type: &str,
    object_id: &str,
    meta_data: &str,
    icon_url: &str,
    trusted_domains: &[String],
) -> Result<Map<String, Value>> {
    let mut object = match serde_json::from_str::<Value>(meta_data) {
        Ok(Value::Object(map)) => map,
        // A JSON list is a PHP array too; its numeric keys fail the validation below.
        Ok(Value::Array(list)) if !list.is_empty() => return Err(Error::Invalid("object")),
        _ => Map::new(),
    };
    object.insert("type".into(), json!(object_type));
    object.insert("id".into(), json!(object_id));
    object.insert("icon-url".into(), json!(icon_url));
    match object.get("link") {
        None | Some(Value::Null) => {}
        Some(Value::String(link)) if is_trusted_link(link, trusted_domains) => {}
        Some(_) => return Err(Error::Invalid("link")),
    }
    let required = DEFINITIONS
        .iter()
        .find(|(name, _)| *name == object_type)
        .map(|(_, keys)| *keys)
        .ok_or(Error::Invalid("object"))?;
    if required.iter().any(|key| !object.contains_key(*key))
        || !object.values().all(Value::is_string)
    {
        return Err(Error::Invalid("object"));
    }
    if object_type == "geo-location" && !is_geo_uri(object_id) {
        return Err(Error::Invalid("object"));
    }
    Ok(object)
}

/// Refuses (413 `message`) an object whose stored message would be longer than a chat
/// message may be. Upstream stores `{"message":"object_shared","parameters":{…}}` and measures
/// it as PHP encodes it.
pub(crate) fn check_size(
    object_type: &str,
    object_id: &str,
    object: &Map<String, Value>,
) -> Result<()> {
    let stored = json!({
        "message": "object_shared",
        "parameters": {"objectType": object_type, "objectId": object_id, "metaData": object},
    });
    if php_json_chars(&stored) > MAX_MESSAGE_CHARS {
        return Err(Error::TooLarge("message"));
    }
    Ok(())
}

/// The length of `value` as PHP's `json_encode` writes it: `/` escaped, and every non-ASCII
/// character as `\uXXXX` (a surrogate pair beyond the basic plane).
fn php_json_chars(value: &Value) -> usize {
    value
        .to_string()
        .chars()
        .map(|c| match c {
            '/' => 2,
            c if c.is_ascii() => 1,
            c if u32::from(c) > 0xFFFF => 12,
            _ => 6,
        })
        .sum()
}

/// Whether `link` points to one of this server's `trusted_domains` (`host` or `host:port`),
/// or to the local machine, as Nextcloud's trusted-domain check decides.
fn is_trusted_link(link: &str, trusted_domains: &[String]) -> bool {
    let Some(authority) = link_authority(link) else {
        return false;
    };
    let host = host_of(authority).to_ascii_lowercase();
    if host.is_empty() || host.starts_with('-') || host.contains("..") {
        return false;
    }
    matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]")
        || trusted_domains.iter().any(|domain| {
            domain.eq_ignore_ascii_case(&host) || domain.eq_ignore_ascii_case(authority)
        })
}

/// `host[:port]` of an absolute (`scheme://…`) or scheme-relative (`//…`) URL, without user
/// information.
fn link_authority(link: &str) -> Option<&str> {
    let rest = match link.split_once("://") {
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            rest
        }
        _ => link.strip_prefix("//")?,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    (!authority.is_empty()).then_some(authority)
}

/// The host of `host[:port]` (an IPv6 literal keeps its brackets).
fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority
            .find(']')
            .map_or(authority, |end| &authority[..=end]);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// Whether `id` is a geo URI as upstream accepts it: `geo:lat,lon[,alt][;crs=wgs84][;u=unc]`,
/// with up to 2 integer digits of latitude and 3 of longitude.
fn is_geo_uri(id: &str) -> bool {
    let Some(rest) = strip_prefix_ignore_case(id, "geo:") else {
        return false;
    };
    let Some(rest) = number(rest, true, Some(2)) else {
        return false;
    };
    let Some(mut rest) = rest
        .strip_prefix(',')
        .and_then(|r| number(r, true, Some(3)))
    else {
        return false;
    };
    if let Some(altitude) = rest.strip_prefix(',') {
        let Some(after) = number(altitude, true, None) else {
            return false;
        };
        rest = after;
    }
    if let Some(after) = strip_prefix_ignore_case(rest, ";crs=wgs84") {
        rest = after;
    }
    if let Some(uncertainty) = strip_prefix_ignore_case(rest, ";u=") {
        let Some(after) = number(uncertainty, false, None) else {
            return false;
        };
        rest = after;
    }
    rest.is_empty()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &text[prefix.len()..])
}

/// What follows a decimal number (`-`? digits, at most `max_digits`, then `.digits`?) at
/// the start of `text`, or `None` when there is none.
fn number(text: &str, signed: bool, max_digits: Option<usize>) -> Option<&str> {
    let text = if signed {
        text.strip_prefix('-').unwrap_or(text)
    } else {
        text
    };
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || max_digits.is_some_and(|max| digits > max) {
        return None;
    }
    let text = &text[digits..];
    let Some(fraction) = text.strip_prefix('.') else {
        return Some(text);
    };
    let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0).then(|| &fraction[digits..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const ICON: &str = "http://cloud.example/avatar";

    fn shared(object_type: &str, id: &str, meta: &str) -> Result<Map<String, Value>> {
        build(object_type, id, meta, ICON, &["cloud.example".to_owned()])
    }

    #[test]
    fn an_object_takes_its_metadata_then_type_id_and_icon() {
        let object = shared(
            "call",
            "abc",
            r#"{"name":"Room","call-type":"group","id":"x"}"#,
        )
        .expect("valid call");
        assert_eq!(
            Value::Object(object),
            json!({"name": "Room", "call-type": "group", "type": "call", "id": "abc", "icon-url": ICON})
        );
    }

    #[test]
    fn unknown_types_missing_keys_and_non_string_values_are_invalid_objects() {
        for (object_type, meta) in [
            ("", r#"{"name":"n"}"#),
            ("spaceship", r#"{"name":"n"}"#),
            ("call", r#"{"name":"Room"}"#),
            ("call", r#"{"MISSINGname":"Room","call-type":"group"}"#),
            ("call", r#"{"name":1,"call-type":"group"}"#),
            (
                "call",
                r#"{"name":"Room","call-type":"group","extra":{"a":"b"}}"#,
            ),
            ("call", r#"["Room","group"]"#),
            ("user", "not json"),
            ("user", "42"),
        ] {
            assert!(
                matches!(
                    shared(object_type, "1", meta),
                    Err(Error::Invalid("object"))
                ),
                "{object_type} {meta}"
            );
        }
        assert!(shared("user", "u", r#"{"name":"User"}"#).is_ok());
        assert!(shared("user", "u", r#"{"name":"User","link":null}"#).is_err());
    }

    #[test]
    fn links_must_point_to_this_server_and_are_checked_first() {
        let with_link = |link: &str| {
            shared(
                "spaceship",
                "1",
                &json!({"name": "n", "link": link}).to_string(),
            )
        };
        for link in [
            "https://evil.example/x",
            "https://cloud.example.evil/",
            "javascript:alert(1)",
            "cloud.example/path",
            "https://-cloud.example/",
        ] {
            assert!(
                matches!(with_link(link), Err(Error::Invalid("link"))),
                "{link}"
            );
        }
        assert!(matches!(
            shared("user", "u", r#"{"name":"n","link":5}"#),
            Err(Error::Invalid("link"))
        ));
        for link in [
            "https://cloud.example/index.php/call/x",
            "http://CLOUD.example:8443/x",
            "//cloud.example?x",
            "https://user:pw@cloud.example/x",
            "http://localhost:9000/x",
            "http://127.0.0.1/x",
        ] {
            assert!(
                matches!(with_link(link), Err(Error::Invalid("object"))),
                "{link}"
            );
        }
        let domains = |list: &[&str]| list.iter().map(|d| (*d).to_owned()).collect::<Vec<_>>();
        assert!(is_trusted_link(
            "https://host:8443/",
            &domains(&["host:8443"])
        ));
        assert!(!is_trusted_link(
            "https://host:8443/",
            &domains(&["other:8443"])
        ));
        assert!(is_trusted_link(
            "https://b.example/",
            &domains(&["a.example", "b.example"])
        ));
        assert!(is_trusted_link("https://[::1]:80/", &domains(&["x"])));
    }

    #[test]
    fn locations_need_a_geo_uri() {
        for good in [
            "geo:52.5450511,13.3741463",
            "GEO:-1,-179.5",
            "geo:52,13,100.5",
            "geo:52.1,13.2;crs=wgs84",
            "geo:52.1,13.2;u=35",
            "geo:52.1,13.2,-3;CRS=WGS84;u=3.5",
        ] {
            assert!(is_geo_uri(good), "{good}");
        }
        for bad in [
            "https://nextcloud.com/",
            "geo:",
            "geo:123,1",
            "geo:1,1234",
            "geo:1.,2",
            "geo:1,2;u=",
            "geo:1,2;u=-1",
            "geo:1,2;crs=other",
            "geo:1,2 ",
            "geo:1;2",
        ] {
            assert!(!is_geo_uri(bad), "{bad}");
        }
        let meta = r#"{"name":"Office","latitude":"1","longitude":"2"}"#;
        assert!(shared("geo-location", "geo:1,2", meta).is_ok());
        assert!(matches!(
            shared("geo-location", "https://nextcloud.com/", meta),
            Err(Error::Invalid("object"))
        ));
    }

    #[test]
    fn the_stored_message_is_measured_as_php_writes_it() {
        assert_eq!(php_json_chars(&json!("a/é😀")), 2 + 1 + 2 + 6 + 12);
        let object = |name: &str| shared("user", "u", &json!({ "name": name }).to_string());
        let fits = object(&"x".repeat(31_800)).expect("valid");
        assert!(check_size("user", "u", &fits).is_ok());
        let slashes = object(&"/".repeat(16_000)).expect("valid");
        assert!(matches!(
            check_size("user", "u", &slashes),
            Err(Error::TooLarge("message"))
        ));
    }
}
