//! Inviting email guests from a CSV list (capability `email-csv-import`), and the invitation
//! mails confab cannot send.
//!
//! The list needs a header line naming the columns: `email`, optionally with `name` (in either
//! order). Every other line is one guest; a quoted field may hold commas, quotes (doubled) and
//! line breaks. Lines are counted from 1, the header being line 1.

use std::collections::HashSet;

use super::model::{ActorType, NewAttendee};
use super::service::{AddOutcome, ParticipantService, MAX_GUEST_NAME_CHARS};
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::room::RoomType;

/// What an import did (or, on a test run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailImport {
    /// Guests added (or that would be added).
    pub invites: usize,
    /// Addresses already in the conversation or named twice in the list.
    pub duplicates: usize,
    /// The conversation's new type when adding the guests made it public.
    pub room_type: Option<RoomType>,
}

impl ParticipantService {
    /// `POST /room/{token}/import-emails`: moderators add every listed address as an email guest,
    /// as adding them one by one with `source=emails` does. `test_run` validates only.
    pub async fn import_emails(
        &self,
        actor: &Actor,
        token: &str,
        csv: &str,
        test_run: bool,
    ) -> Result<EmailImport> {
        let member = self.ctx.user_moderator(actor, token).await?;
        if !matches!(member.room.room_type, RoomType::Group | RoomType::Public)
            || member.room.is_breakout_room()
        {
            return Err(Error::Invalid("room"));
        }
        Self::check_email_guests_allowed(&member)?;
        let rows = parse_email_csv(csv)?;
        let existing: HashSet<String> = self
            .ctx
            .store
            .attendees(member.room.id)
            .await?
            .into_iter()
            .filter(|a| a.actor_type == ActorType::Emails)
            .map(|a| a.actor_id)
            .collect();
        let mut seen = HashSet::new();
        let (mut guests, mut duplicates) = (Vec::new(), 0);
        for guest in rows {
            if existing.contains(&guest.actor_id) || !seen.insert(guest.actor_id.clone()) {
                duplicates += 1;
            } else {
                guests.push(guest);
            }
        }
        let mut import = EmailImport {
            invites: guests.len(),
            duplicates,
            room_type: None,
        };
        if test_run || guests.is_empty() {
            return Ok(import);
        }
        if let AddOutcome::RoomTypeChanged(room_type) =
            self.add_email_guests(&member, guests).await?
        {
            import.room_type = Some(room_type);
        }
        Ok(import)
    }

    /// `POST /room/{token}/participants/resend-invitations` (`attendeeId` optional): invitations
    /// go out by mail, and confab has no mail transport. Access and the attendee are checked
    /// first, so the answer is the same as upstream's until the sending itself.
    pub async fn resend_invitations(
        &self,
        actor: &Actor,
        token: &str,
        attendee_id: Option<i64>,
    ) -> Result<()> {
        let member = self.ctx.moderator(actor, token).await?;
        if let Some(id) = attendee_id {
            self.ctx
                .store
                .attendee_by_id(member.room.id, id)
                .await?
                .filter(|a| a.actor_type == ActorType::Emails)
                .ok_or(Error::NotFound("attendee"))?;
        }
        Err(Error::NotImplemented("mail"))
    }
}

/// Reads the list into email guests named after the `name` column; any invalid row refuses
/// the whole list with the lines at fault.
pub fn parse_email_csv(csv: &str) -> Result<Vec<NewAttendee>> {
    let mut records = csv_records(csv.trim_start_matches('\u{feff}'))
        .into_iter()
        .filter(|(_, fields)| fields.iter().any(|f| !f.trim().is_empty()));
    let (_, header) = records.next().ok_or(Error::Invalid("header-email"))?;
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let email_at = header
        .iter()
        .position(|h| h == "email")
        .ok_or(Error::Invalid("header-email"))?;
    let name_at = match header.len() {
        1 => None,
        2 if header[1 - email_at] == "name" => Some(1 - email_at),
        _ => return Err(Error::Invalid("header-name")),
    };
    let mut rows = Vec::new();
    let mut invalid = Vec::new();
    for (line, fields) in records {
        let email = fields.get(email_at).map_or("", |e| e.trim());
        let name = name_at
            .and_then(|at| fields.get(at))
            .map_or("", |n| n.trim());
        match NewAttendee::email(email) {
            Some(mut guest)
                if fields.len() <= header.len() && name.chars().count() <= MAX_GUEST_NAME_CHARS =>
            {
                name.clone_into(&mut guest.display_name);
                rows.push(guest);
            }
            _ => invalid.push(line),
        }
    }
    if invalid.is_empty() {
        Ok(rows)
    } else {
        Err(Error::InvalidRows { lines: invalid })
    }
}

/// Splits CSV text into records, each with the line it starts on.
fn csv_records(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut records = Vec::new();
    let (mut fields, mut field) = (Vec::new(), String::new());
    let (mut line, mut start, mut quoted) = (1, 1, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            '\r' if !quoted => {}
            '\n' if !quoted => {
                fields.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
            }
            c => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((start, fields));
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(rows: &[NewAttendee]) -> Vec<(&str, &str)> {
        rows.iter()
            .map(|r| (r.invited_cloud_id.as_str(), r.display_name.as_str()))
            .collect()
    }

    #[test]
    fn header_names_the_columns_in_either_order() {
        let rows = parse_email_csv("email,name\na@x.org,Ann\n\"b@x.org\",\"Bo, Jr.\"\n").unwrap();
        assert_eq!(emails(&rows), [("a@x.org", "Ann"), ("b@x.org", "Bo, Jr.")]);
        let rows = parse_email_csv("\"Name\",\"Email\"\r\nAnn,a@x.org\r\n").unwrap();
        assert_eq!(emails(&rows), [("a@x.org", "Ann")]);
        let rows = parse_email_csv("email\na@x.org").unwrap();
        assert_eq!(emails(&rows), [("a@x.org", "")]);
    }

    #[test]
    fn quoted_fields_keep_quotes_and_line_breaks() {
        let rows =
            parse_email_csv("email,name\na@x.org,\"The \"\"A\"\"\nTeam\"\nb@x.org,B\n").unwrap();
        assert_eq!(
            emails(&rows),
            [("a@x.org", "The \"A\"\nTeam"), ("b@x.org", "B")]
        );
    }

    #[test]
    fn bad_headers_are_refused_with_their_key() {
        for (csv, key) in [
            ("", "header-email"),
            ("name\nAnn", "header-email"),
            ("mail,name\na@x.org,A", "header-email"),
            ("email,nick\na@x.org,A", "header-name"),
            ("email,name,extra\na@x.org,A,1", "header-name"),
        ] {
            assert!(
                matches!(parse_email_csv(csv), Err(Error::Invalid(k)) if k == key),
                "{csv:?}"
            );
        }
    }

    #[test]
    fn invalid_rows_are_reported_by_line() {
        // Line 4 is empty; line 6 starts after a quoted line break.
        let csv = "email,name\na@x.org,A\nnot-an-address,B\n\nc@x.org,C,extra\n\"x\ny\",D\n";
        match parse_email_csv(csv) {
            Err(Error::InvalidRows { lines }) => assert_eq!(lines, [3, 5, 6]),
            other => panic!("expected invalid rows, got {other:?}"),
        }
    }
}
