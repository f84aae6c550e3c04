//! Finding `@mentions` in a message: `@alice`, `@"alice smith"`, `@all`, `@"guest/…"`.

/// One mention candidate: the id as written and the byte range of the whole `@…` in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub start: usize,
    pub end: usize,
}

fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '\'' | '@')
}

/// The mention candidates of `text`, in order. A mention starts at the beginning or after
/// whitespace or an opening bracket, so e-mail addresses are not mentions.
pub fn candidates(text: &str) -> Vec<Candidate> {
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let at_boundary =
            previous.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '{'));
        previous = Some(c);
        if c != '@' || !at_boundary {
            continue;
        }
        let rest = &text[start + 1..];
        if let Some(quoted) = rest.strip_prefix('"') {
            if let Some(close) = quoted.find('"') {
                let id = &quoted[..close];
                if !id.is_empty() {
                    let end = start + 1 + 1 + close + 1;
                    found.push(Candidate {
                        id: id.to_owned(),
                        start,
                        end,
                    });
                    while chars.peek().is_some_and(|(i, _)| *i < end) {
                        previous = chars.next().map(|(_, c)| c);
                    }
                }
            }
            continue;
        }
        let len: usize = rest
            .chars()
            .take_while(|c| is_id_char(*c))
            .map(char::len_utf8)
            .sum();
        // A trailing dot ends the sentence, not the id.
        let id = rest[..len].trim_end_matches('.');
        if !id.is_empty() {
            let end = start + 1 + id.len();
            found.push(Candidate {
                id: id.to_owned(),
                start,
                end,
            });
            while chars.peek().is_some_and(|(i, _)| *i < end) {
                previous = chars.next().map(|(_, c)| c);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        candidates(text).into_iter().map(|c| c.id).collect()
    }

    #[test]
    fn bare_quoted_and_all_mentions_are_found() {
        assert_eq!(
            ids("hi @alice and @\"bob smith\", @all."),
            vec!["alice", "bob smith", "all"]
        );
        assert_eq!(ids("@\"guest/abc\" look"), vec!["guest/abc"]);
    }

    #[test]
    fn email_addresses_and_lone_ats_are_not_mentions() {
        assert!(ids("mail me at x@example.com @ now").is_empty());
    }

    #[test]
    fn ranges_cover_the_whole_mention() {
        let text = "a @\"b c\" d";
        let c = &candidates(text)[0];
        assert_eq!(&text[c.start..c.end], "@\"b c\"");
    }
}
