//! Drawing conversation pictures as SVG: an emoji on a coloured square, as upstream renders
//! emoji pictures, and simple icons for conversations without a picture.
//!
//! Upstream serves image files it ships (a group, a globe, a calendar …) as default pictures.
//! confab ships no image files, so it draws comparable icons here: white shapes on the theme's
//! background. They are generated, not upstream's artwork.

/// Background of emoji pictures without a colour of their own, and of the default icons, for
/// a bright and a dark theme (upstream's theming colours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Bright,
    Dark,
}

impl Theme {
    pub fn background(self) -> &'static str {
        match self {
            Self::Bright => "6B6B6B",
            Self::Dark => "3B3B3B",
        }
    }
}

/// The icons of conversations without a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glyph {
    /// A one-to-one conversation: upstream shows the other user's own picture, which confab
    /// does not keep; a person stands in for it.
    User,
    Group,
    Public,
    Event,
}

/// Emoji need a font that draws them; the list ends with a generic family.
const EMOJI_FONTS: &str =
    "'Noto Color Emoji','Apple Color Emoji','Segoe UI Emoji','Segoe UI Symbol',sans-serif";

fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c => escaped.push(c),
        }
    }
    escaped
}

fn square(fill: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"512\" height=\"512\" viewBox=\"0 0 512 512\">\
         <rect x=\"0\" y=\"0\" width=\"512\" height=\"512\" fill=\"#{fill}\"/>{body}</svg>\n"
    )
}

/// `emoji` centred on a square of colour `fill` (six hex digits).
pub fn emoji_svg(emoji: &str, fill: &str) -> String {
    let text = format!(
        "<text x=\"256\" y=\"256\" text-anchor=\"middle\" dominant-baseline=\"central\" \
         font-size=\"250\" font-family=\"{EMOJI_FONTS}\">{}</text>",
        xml_escape(emoji)
    );
    square(fill, &text)
}

/// A person: head and shoulders, scaled by `size` around the point (`x`, `y`) of the head.
fn person(x: i32, y: i32, size: i32) -> String {
    let head = size * 9 / 20;
    let shoulders = size;
    let top = y + head + size / 5;
    format!(
        "<circle cx=\"{x}\" cy=\"{y}\" r=\"{head}\"/>\
         <path d=\"M{left} {bottom} A{shoulders} {height} 0 0 1 {right} {bottom} Z\"/>",
        left = x - shoulders,
        right = x + shoulders,
        bottom = top + size * 4 / 5,
        height = size * 4 / 5,
    )
}

/// The icon `glyph` in white on the theme's background.
pub fn glyph_svg(glyph: Glyph, theme: Theme) -> String {
    let shapes = match glyph {
        Glyph::User => person(256, 196, 160),
        Glyph::Group => format!(
            "<g opacity=\"0.7\">{}</g>{}",
            person(326, 196, 110),
            person(196, 226, 130)
        ),
        Glyph::Public => "<g fill=\"none\" stroke=\"#FFFFFF\" stroke-width=\"22\">\
             <circle cx=\"256\" cy=\"256\" r=\"150\"/>\
             <ellipse cx=\"256\" cy=\"256\" rx=\"66\" ry=\"150\"/>\
             <path d=\"M106 256 H406 M128 180 H384 M128 332 H384\"/></g>"
            .to_owned(),
        Glyph::Event => "<g fill=\"none\" stroke=\"#FFFFFF\" stroke-width=\"22\">\
             <rect x=\"120\" y=\"140\" width=\"272\" height=\"240\" rx=\"26\"/>\
             <path d=\"M120 214 H392 M190 110 V170 M322 110 V170\"/></g>\
             <rect x=\"170\" y=\"260\" width=\"60\" height=\"60\" rx=\"8\"/>"
            .to_owned(),
    };
    square(
        theme.background(),
        &format!("<g fill=\"#FFFFFF\">{shapes}</g>"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_pictures_hold_the_emoji_on_their_colour() {
        let svg = emoji_svg("\u{1F34F}", "123456");
        assert!(svg.contains("\u{1F34F}"));
        assert!(svg.contains("fill=\"#123456\""));
        assert!(svg.starts_with("<?xml"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(xml_escape("<a & 'b'>"), "&lt;a &amp; &apos;b&apos;&gt;");
    }

    #[test]
    fn icons_differ_by_kind_and_theme() {
        let all = [Glyph::User, Glyph::Group, Glyph::Public, Glyph::Event];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(glyph_svg(*a, Theme::Bright), glyph_svg(*b, Theme::Bright));
            }
            assert!(glyph_svg(*a, Theme::Dark).contains("#3B3B3B"));
            assert!(glyph_svg(*a, Theme::Bright).contains("#6B6B6B"));
        }
    }
}
