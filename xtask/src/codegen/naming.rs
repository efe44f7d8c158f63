//! Rust names from wire names.

/// A variant name: `cert_std_1_0_0` -> `CertStd1_0_0`, `REGISTER_DOMAIN` -> `RegisterDomain`,
/// `Pending` -> `Pending`. Adjacent numeric segments keep an underscore so that `1_10` and
/// `11_0` stay apart.
pub fn variant(wire: &str) -> String {
    let mut out = String::new();
    let mut prev_numeric = false;
    for seg in wire
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
    {
        let numeric = seg.chars().next().is_some_and(|c| c.is_ascii_digit());
        if numeric && prev_numeric {
            out.push('_');
        }
        if numeric {
            out.push_str(seg);
        } else {
            let all_upper = seg.chars().all(|c| !c.is_ascii_lowercase());
            let mut chars = seg.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                if all_upper {
                    out.extend(chars.map(|c| c.to_ascii_lowercase()));
                } else {
                    out.extend(chars);
                }
            }
        }
        prev_numeric = seg.chars().last().is_some_and(|c| c.is_ascii_digit());
    }
    if out.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// A field name: `<date_created` -> `date_created_lt`, `>date_created` -> `date_created_gt`,
/// `~domain` -> `domain_like`, `cert.hostname` -> `cert_hostname`, `x-law_jurisdiction_CC` ->
/// `x_law_jurisdiction_cc`, `OperationId` -> `operation_id`, `type` -> `r#type`.
pub fn field(wire: &str) -> String {
    let (body, suffix) = match wire.chars().next() {
        Some('<') => (&wire[1..], "_lt"),
        Some('>') => (&wire[1..], "_gt"),
        Some('~') => (&wire[1..], "_like"),
        _ => (wire, ""),
    };
    let mut out = String::new();
    let mut prev: Option<char> = None;
    for c in body.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() {
                if prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
        prev = Some(c);
    }
    let mut out = out.trim_end_matches('_').to_owned();
    out.push_str(suffix);
    if out.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if is_keyword(&out) {
        out.insert_str(0, "r#");
    }
    out
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "type"
            | "match"
            | "ref"
            | "self"
            | "super"
            | "crate"
            | "mod"
            | "use"
            | "fn"
            | "let"
            | "loop"
            | "move"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "false"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "impl"
            | "in"
            | "for"
            | "if"
            | "else"
            | "enum"
            | "extern"
            | "const"
            | "continue"
            | "break"
            | "as"
            | "box"
            | "mut"
            | "pub"
            | "return"
            | "unsafe"
            | "abstract"
            | "final"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "macro"
            | "gen"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants() {
        assert_eq!(variant("cert_std_1_0_0"), "CertStd1_0_0");
        assert_eq!(variant("cert_std_1_10_0_digicert"), "CertStd1_10_0Digicert");
        assert_eq!(variant("cert_pro_1_100_SGC"), "CertPro1_100Sgc");
        assert_eq!(variant("REGISTER_DOMAIN"), "RegisterDomain");
        assert_eq!(variant("NOT_SET"), "NotSet");
        assert_eq!(variant("Pending"), "Pending");
        assert_eq!(variant("b"), "B");
        assert_eq!(variant("NICCOM_NOTIFY"), "NiccomNotify");
    }

    #[test]
    fn fields() {
        assert_eq!(field("<date_created"), "date_created_lt");
        assert_eq!(field(">date_end"), "date_end_gt");
        assert_eq!(field("~domain.fqdn"), "domain_fqdn_like");
        assert_eq!(field("cert.hostname"), "cert_hostname");
        assert_eq!(field("x-law_jurisdiction_CC"), "x_law_jurisdiction_cc");
        assert_eq!(field("OperationId"), "operation_id");
        assert_eq!(field("ID_OPE"), "id_ope");
        assert_eq!(field("backend-version"), "backend_version");
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("registryWhen"), "registry_when");
        assert_eq!(field("sha256"), "sha256");
    }
}
