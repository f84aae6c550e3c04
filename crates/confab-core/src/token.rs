//! Conversation tokens and other random identifiers.

use rand::distributions::{Alphanumeric, Distribution, Uniform};
use rand::Rng;

/// Talk's token alphabet: no `l`, `0` or `1`, which read alike.
const TOKEN_ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyz23456789";
/// Names that routes use next to tokens and therefore never are tokens.
const RESERVED_TOKENS: [&str; 2] = ["settings", "backend"];

/// A fresh conversation token of `len` characters from Talk's alphabet.
pub fn room_token(len: usize) -> String {
    let mut rng = rand::thread_rng();
    let pick = Uniform::from(0..TOKEN_ALPHABET.len());
    loop {
        let token: String = (0..len)
            .map(|_| TOKEN_ALPHABET[pick.sample(&mut rng)] as char)
            .collect();
        if !RESERVED_TOKENS.contains(&token.as_str()) {
            return token;
        }
    }
}

/// Whether `s` can be a conversation token in a route (`^[a-z0-9]{4,30}$`).
pub fn is_route_token(s: &str) -> bool {
    (4..=30).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A Talk session id: 255 random characters, as upstream issues them.
pub fn session_id() -> String {
    random_string(255)
}

/// A random alphanumeric secret (app passwords, cookies).
pub fn random_string(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_tokens_use_talk_alphabet_and_pass_the_route_check() {
        for _ in 0..200 {
            let t = room_token(8);
            assert_eq!(t.len(), 8);
            assert!(t.bytes().all(|b| TOKEN_ALPHABET.contains(&b)));
            assert!(is_route_token(&t));
        }
    }

    #[test]
    fn route_tokens_are_lowercase_alphanumeric_of_4_to_30() {
        assert!(is_route_token("abcd"));
        assert!(!is_route_token("abc"));
        assert!(!is_route_token("ABCD"));
        assert!(!is_route_token(&"a".repeat(31)));
        assert!(!is_route_token("ab-cd"));
    }
}
