//! Conversation tokens and other random identifiers.

use rand::distributions::{Alphanumeric, Distribution, Uniform};
use rand::Rng;

/// Talk's token alphabet: no `l`, `0` or `1`, which read alike.
const TOKEN_ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyz23456789";
/// Names that routes use next to tokens and therefore never are tokens.
const RESERVED_TOKENS: [&str; 2] = ["settings", "backend"];
/// Shortest conversation token (upstream's default `token_entropy`).
pub const MIN_TOKEN_LENGTH: usize = 8;
/// Longest conversation token: the route pattern allows 30 characters.
pub const MAX_TOKEN_LENGTH: usize = 30;
/// Collisions at one length after which tokens grow by a character (upstream: every 1000).
pub const COLLISIONS_BEFORE_GROWTH: u32 = 1000;

/// What a collision means for the next draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collision {
    /// Draw again at the same length.
    Retry,
    /// Tokens are this much longer from now on; the new length should be remembered.
    Grew(usize),
    /// Even the longest tokens keep colliding: give up.
    Exhausted,
}

/// Draws conversation tokens, growing them when the space at one length looks used up (TALK-BEHAVIOR §3.3).
#[derive(Debug, Clone)]
pub struct TokenDraw {
    length: usize,
    collisions: u32,
}

impl TokenDraw {
    pub fn new(length: usize) -> Self {
        Self {
            length: length.clamp(MIN_TOKEN_LENGTH, MAX_TOKEN_LENGTH),
            collisions: 0,
        }
    }

    pub fn length(&self) -> usize {
        self.length
    }

    /// A fresh token of the current length.
    pub fn token(&self) -> String {
        room_token(self.length)
    }

    /// `n` fresh tokens of the current length, all different (rooms created together).
    pub fn tokens(&self, n: usize) -> Vec<String> {
        let mut tokens: Vec<String> = Vec::with_capacity(n);
        while tokens.len() < n {
            let token = self.token();
            if !tokens.contains(&token) {
                tokens.push(token);
            }
        }
        tokens
    }

    /// Records that the last token was taken already.
    pub fn collided(&mut self) -> Collision {
        self.collisions += 1;
        if self.collisions < COLLISIONS_BEFORE_GROWTH {
            return Collision::Retry;
        }
        if self.length == MAX_TOKEN_LENGTH {
            return Collision::Exhausted;
        }
        self.length += 1;
        self.collisions = 0;
        Collision::Grew(self.length)
    }
}

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
    fn tokens_grow_by_one_character_after_enough_collisions_up_to_30() {
        let mut draw = TokenDraw::new(8);
        for _ in 1..COLLISIONS_BEFORE_GROWTH {
            assert_eq!(draw.collided(), Collision::Retry);
        }
        assert_eq!(draw.collided(), Collision::Grew(9));
        assert_eq!(draw.length(), 9);
        assert_eq!(draw.token().len(), 9);
        // The count starts again at the new length.
        assert_eq!(draw.collided(), Collision::Retry);

        let mut longest = TokenDraw::new(29);
        let outcomes: Vec<Collision> = (0..2 * COLLISIONS_BEFORE_GROWTH)
            .map(|_| longest.collided())
            .filter(|c| *c != Collision::Retry)
            .collect();
        assert_eq!(outcomes, [Collision::Grew(30), Collision::Exhausted]);
        assert!(is_route_token(&longest.token()));
    }

    #[test]
    fn tokens_drawn_together_differ() {
        let tokens = TokenDraw::new(8).tokens(100);
        assert_eq!(tokens.len(), 100);
        let distinct: std::collections::HashSet<&String> = tokens.iter().collect();
        assert_eq!(distinct.len(), 100);
    }

    #[test]
    fn token_lengths_are_kept_between_8_and_30() {
        assert_eq!(TokenDraw::new(3).length(), MIN_TOKEN_LENGTH);
        assert_eq!(TokenDraw::new(99).length(), MAX_TOKEN_LENGTH);
        assert_eq!(TokenDraw::new(12).length(), 12);
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
