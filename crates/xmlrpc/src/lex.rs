//! The XML of an XML-RPC body, read token by token.
//!
//! The body was checked to be UTF-8 once, as a whole, before the first token (by `str::from_utf8`,
//! which checks a few gigabytes a second); each token is then a slice of it, found with `memchr`.
//! quick-xml's `Reader` (0.42) checks UTF-8 again for every event and copies every open tag's name
//! into a buffer of its own; decoding Gandi's 1,000-operation `operation.list` answer on it took
//! 202 million instructions (callgrind), on this lexer 108 million, the quick-xml event scan alone
//! 123 million (`docs/benchmarks.md` has the times). What this lexer still takes from quick-xml
//! is the grammar where it is subtle: where a tag ends (quotes in attribute values;
//! [`ElementParser`]) and which entities exist (the five predefined ones and character
//! references).
//!
//! The lexer is at least as strict as quick-xml's `Reader` with `check_end_names`, which the
//! decoder used before (the property test `reads_as_quick_xml_does` below holds it to that on
//! bodies made of XML's pieces; the `xmlrpc_response` fuzz target feeds it arbitrary bytes):
//! every end tag must close the element opened last, every element must be closed at the end of
//! the body, a reference must end with `;`, a tag must have a name, and a DOCTYPE is refused.
//! Comments, processing instructions and the XML declaration are skipped. Attributes, which
//! XML-RPC does not use, are skipped too once the tag's end has been found past any quoted value.

use crate::error::{DecodeError, excerpt};
use quick_xml::parser::{ElementParser, Parser};

/// One piece of the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token<'de> {
    /// A start tag (`empty` for `<name/>`), with its full name (prefix included).
    Start { name: &'de str, empty: bool },
    /// The end tag of the element opened last (the lexer checked that it names it).
    End { name: &'de str },
    /// Character data up to the next markup or reference, as written (line ends not normalized).
    Text(&'de str),
    /// The content of a CDATA section.
    CData(&'de str),
    /// A reference `&name;` or `&#...;`: what is between `&` and `;`.
    Ref(&'de str),
    /// The end of the body.
    Eof,
}

/// Reads a body token by token.
pub(crate) struct Lexer<'de> {
    text: &'de str,
    pos: usize,
    open: Vec<&'de str>,
}

/// XML's white space.
#[inline]
pub(crate) fn is_xml_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'de> Lexer<'de> {
    /// A lexer at the start of `text` (after a byte order mark, if there is one).
    pub(crate) fn new(text: &'de str) -> Self {
        Lexer {
            text,
            pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
            open: Vec::with_capacity(16),
        }
    }

    /// The byte offset just past the last token read.
    #[inline]
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    fn malformed(&self, what: impl std::fmt::Display, at: usize) -> DecodeError {
        DecodeError::new(format!("malformed XML: {what}"), at)
    }

    /// The next token; comments, processing instructions and declarations are skipped.
    #[inline]
    pub(crate) fn next_token(&mut self) -> Result<Token<'de>, DecodeError> {
        loop {
            let bytes = self.text.as_bytes();
            let start = self.pos;
            match bytes.get(start) {
                Some(b'<') => match bytes.get(start + 1) {
                    Some(b'/') => return self.end_tag(start),
                    Some(b'?' | b'!') | None => {
                        if let Some(token) = self.markup(start)? {
                            return Ok(token);
                        }
                    }
                    Some(_) => return self.start_tag(start),
                },
                Some(b'&') => return self.reference(start),
                Some(_) => return Ok(self.text_at(start)),
                None => return self.end_of_body(start),
            }
        }
    }

    /// Character data from `start` up to the next `<` or `&`.
    #[inline(always)]
    fn text_at(&mut self, start: usize) -> Token<'de> {
        let bytes = self.text.as_bytes();
        // Between tags there is mostly a line end or a short value: look at a few bytes
        // before asking `memchr`.
        let near = &bytes[start..bytes.len().min(start + 16)];
        let end = match near.iter().position(|&b| b == b'<' || b == b'&') {
            Some(i) => start + i,
            None => memchr::memchr2(b'<', b'&', &bytes[start..]).map_or(bytes.len(), |i| start + i),
        };
        self.pos = end;
        Token::Text(&self.text[start..end])
    }

    #[cold]
    fn end_of_body(&self, at: usize) -> Result<Token<'de>, DecodeError> {
        match self.open.last() {
            Some(name) => {
                Err(self.malformed(format_args!("<{}> is not closed", excerpt(name, 40)), at))
            }
            None => Ok(Token::Eof),
        }
    }

    /// `&...;` at `start`.
    fn reference(&mut self, start: usize) -> Result<Token<'de>, DecodeError> {
        let bytes = self.text.as_bytes();
        match memchr::memchr3(b';', b'<', b'&', &bytes[start + 1..]) {
            Some(i) if bytes[start + 1 + i] == b';' => {
                self.pos = start + 2 + i;
                Ok(Token::Ref(&self.text[start + 1..start + 1 + i]))
            }
            _ => Err(self.malformed("a reference `&` without its `;`", start)),
        }
    }

    /// `<?` or `<!` at `start` (or a `<` that ends the body): `None` for a comment, PI or
    /// declaration, which are skipped.
    #[cold]
    fn markup(&mut self, start: usize) -> Result<Option<Token<'de>>, DecodeError> {
        let rest = &self.text.as_bytes()[start + 1..];
        match rest.first() {
            Some(b'?') => {
                // `<?` ... `?>`, past the `<?` itself (`<?>` does not end).
                let end = memchr::memmem::find(&rest[1..], b"?>").ok_or_else(|| {
                    self.malformed("a processing instruction is not closed", start)
                })?;
                self.pos = start + 2 + end + 2;
                Ok(None)
            }
            Some(b'!') => self.bang(start),
            _ => Err(self.malformed("`<` at the end of the body", start)),
        }
    }

    /// The end of the tag whose content starts at `from`: the index of its `>`, past any
    /// quoted attribute value.
    fn tag_end(&self, from: usize, start: usize) -> Result<usize, DecodeError> {
        let mut parser = ElementParser::default();
        parser
            .feed(&self.text.as_bytes()[from..])
            .map(|i| from + i)
            .ok_or_else(|| self.malformed("a tag is not closed", start))
    }

    /// A start tag at `start`.
    #[inline(always)]
    fn start_tag(&mut self, start: usize) -> Result<Token<'de>, DecodeError> {
        let bytes = self.text.as_bytes();
        // Nearly every tag is a bare name then `>` or `/>`: read the name byte by byte.
        let from = start + 1;
        let name_end = bytes[from..]
            .iter()
            .position(|&b| matches!(b, b'>' | b'/' | b'"' | b'\'' | b'<') || is_xml_ws(b))
            .map_or(bytes.len(), |i| from + i);
        let name = &self.text[from..name_end];
        let (close, empty) = match (bytes.get(name_end), bytes.get(name_end + 1)) {
            (Some(b'>'), _) => (name_end, false),
            (Some(b'/'), Some(b'>')) => (name_end + 1, true),
            // Attributes: where the tag ends, past quoted values.
            (Some(&b), _) if is_xml_ws(b) => {
                let close = self.tag_end(name_end, start)?;
                (close, bytes[close - 1] == b'/')
            }
            (None, _) => return Err(self.malformed("a tag is not closed", start)),
            _ => {
                return Err(self.malformed("a tag name followed by neither `>` nor a space", start));
            }
        };
        if name.is_empty() {
            return Err(self.malformed("a tag without a name", start));
        }
        self.pos = close + 1;
        if !empty {
            self.open.push(name);
        }
        Ok(Token::Start { name, empty })
    }

    /// An end tag at `start`.
    #[inline(always)]
    fn end_tag(&mut self, start: usize) -> Result<Token<'de>, DecodeError> {
        let bytes = self.text.as_bytes();
        let from = start + 2;
        // The tag must close the element opened last: most often it is that name and `>`.
        if let Some(&open) = self.open.last() {
            let end = from + open.len();
            if bytes.get(from..end) == Some(open.as_bytes()) && bytes.get(end) == Some(&b'>') {
                self.open.pop();
                self.pos = end + 1;
                return Ok(Token::End { name: open });
            }
        }
        self.end_tag_slow(start)
    }

    #[cold]
    fn end_tag_slow(&mut self, start: usize) -> Result<Token<'de>, DecodeError> {
        let close = self.tag_end(start + 2, start)?;
        self.pos = close + 1;
        let name = self.text[start + 2..close]
            .trim_end_matches(|c: char| c.is_ascii() && is_xml_ws(c as u8));
        match self.open.pop() {
            Some(open) if open == name => Ok(Token::End { name }),
            Some(open) => Err(self.malformed(
                format_args!(
                    "</{}> where </{}> was expected",
                    excerpt(name, 40),
                    excerpt(open, 40)
                ),
                start,
            )),
            None => Err(self.malformed(
                format_args!("</{}> closes no element", excerpt(name, 40)),
                start,
            )),
        }
    }

    /// `<!`: a comment (skipped), a CDATA section, or a DOCTYPE (refused).
    #[cold]
    fn bang(&mut self, start: usize) -> Result<Option<Token<'de>>, DecodeError> {
        let bytes = self.text.as_bytes();
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            let end = memchr::memmem::find(&rest[4..], b"-->")
                .ok_or_else(|| self.malformed("a comment is not closed", start))?;
            self.pos = start + 4 + end + 3;
            Ok(None)
        } else if rest.starts_with(b"<![CDATA[") {
            let end = memchr::memmem::find(&rest[9..], b"]]>")
                .ok_or_else(|| self.malformed("a CDATA section is not closed", start))?;
            self.pos = start + 9 + end + 3;
            Ok(Some(Token::CData(&self.text[start + 9..start + 9 + end])))
        } else if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
            Err(DecodeError::new("DOCTYPE declarations are refused", start))
        } else {
            Err(self.malformed("`<!` that starts no comment or CDATA section", start))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tokens(text: &str) -> Result<Vec<Token<'_>>, DecodeError> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            match lexer.next_token()? {
                Token::Eof => return Ok(out),
                t => out.push(t),
            }
        }
    }

    #[test]
    fn reads_tags_text_references_and_cdata() {
        let t = tokens(
            "\u{feff}<?xml version=\"1.0\"?><!-- c --><a x='>/'><b/>t&amp;u<![CDATA[<x>]]></a >",
        )
        .unwrap();
        assert_eq!(
            t,
            vec![
                Token::Start {
                    name: "a",
                    empty: false
                },
                Token::Start {
                    name: "b",
                    empty: true
                },
                Token::Text("t"),
                Token::Ref("amp"),
                Token::Text("u"),
                Token::CData("<x>"),
                Token::End { name: "a" },
            ]
        );
    }

    /// What quick-xml's `Reader` (as regops configured it before this lexer) reads, in tokens.
    fn quick_xml_tokens(text: &str) -> Result<Vec<Token<'_>>, String> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        let mut out = Vec::new();
        loop {
            let token = match reader.read_event().map_err(|e| e.to_string())? {
                Event::Eof => return Ok(out),
                Event::Start(e) => Token::Start {
                    name: slice_of(text, e.name().into_inner()),
                    empty: false,
                },
                Event::Empty(e) => Token::Start {
                    name: slice_of(text, e.name().into_inner()),
                    empty: true,
                },
                Event::End(e) => Token::End {
                    name: slice_of(text, e.name().into_inner()),
                },
                Event::Text(e) => Token::Text(slice_of(text, e.as_ref())),
                Event::CData(e) => Token::CData(slice_of(text, e.as_ref())),
                Event::GeneralRef(e) => Token::Ref(slice_of(text, e.as_ref())),
                Event::DocType(_) => return Err("DOCTYPE".into()),
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => continue,
            };
            out.push(token);
        }
    }

    /// `piece`, which quick-xml lent from `text`, as a slice of `text` with its lifetime.
    fn slice_of<'t>(text: &'t str, piece: &str) -> &'t str {
        let at = piece.as_ptr() as usize - text.as_ptr() as usize;
        &text[at..at + piece.len()]
    }

    /// Bodies made of the pieces XML is made of, well formed or not.
    fn xmlish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("<a>"),
            Just("</a>"),
            Just("<b>"),
            Just("</b >"),
            Just("<a/>"),
            Just("<ex:nil/>"),
            Just("<a x='>/'>"),
            Just("<b y=\"1\" />"),
            Just("text"),
            Just(" "),
            Just("\r\n"),
            Just("é"),
            Just("&amp;"),
            Just("&#65;"),
            Just("&"),
            Just(";"),
            Just("<!-- c -->"),
            Just("<![CDATA[<x>]]>"),
            Just("<?pi x?>"),
            Just("<"),
            Just(">"),
            Just("/"),
            Just("'"),
            Just("<!"),
            Just("<!DOCTYPE a>"),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever the lexer reads, quick-xml reads the same way; and a body quick-xml reads
        /// whole, every element closed, is read by the lexer too, but for the tag forms the
        /// lexer refuses on purpose (no name, or a name followed by neither `>`, `/>` nor a space).
        #[test]
        fn reads_as_quick_xml_does(body in xmlish()) {
            let ours = tokens(&body);
            let theirs = quick_xml_tokens(&body);
            match (&ours, &theirs) {
                (Ok(o), Ok(t)) => prop_assert_eq!(o, t),
                (Ok(o), Err(e)) => prop_assert!(false, "we read {:?}, quick-xml says {}", o, e),
                (Err(_), Ok(t)) => {
                    let mut depth = 0i64;
                    for token in t {
                        match token {
                            Token::Start { empty: false, .. } => depth += 1,
                            Token::End { .. } => depth -= 1,
                            _ => {}
                        }
                    }
                    let odd_tag = t.iter().any(|token| matches!(token,
                        Token::Start { name, .. } | Token::End { name }
                            if name.is_empty() || name.contains(['/', '<', '>', '\''])));
                    prop_assert!(depth != 0 || odd_tag, "{:?}: quick-xml reads {:?}, we say {:?}", body, t, ours);
                }
                (Err(_), Err(_)) => {}
            }
        }
    }

    #[test]
    fn refuses_what_is_not_well_formed() {
        for (body, says) in [
            ("<a></b>", "</b> where </a> was expected"),
            ("</a>", "closes no element"),
            ("<a>", "<a> is not closed"),
            ("<a>&amp</a>", "without its `;`"),
            ("<a x='>", "tag is not closed"),
            ("<a><!-- x", "comment is not closed"),
            ("<a><![CDATA[x", "CDATA section is not closed"),
            ("<!DOCTYPE a><a/>", "DOCTYPE declarations are refused"),
            ("<!ENTITY x 'y'>", "starts no comment"),
            (
                "<?xml version='1.0'",
                "processing instruction is not closed",
            ),
            ("< a/>", "tag without a name"),
            ("<a>x<", "`<` at the end"),
        ] {
            let e = tokens(body).expect_err(body);
            assert!(e.message().contains(says), "{body}: {e}");
        }
    }
}
