//! The SQL of an [`OperationQuery`](regops_core::OperationQuery), shared by the SQLite and the PostgreSQL journal: the same
//! conditions, order and cursor, each journal writing its own placeholders and binding the
//! values in its own way.

use regops_core::OperationQuery;

/// A value bound to one placeholder.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Param {
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
}

/// `SELECT columns FROM operations` with the conditions, order and limit of `q`; placeholder
/// `n` (from 1) written by `mark(n)`. Answers the SQL and the values, in placeholder order.
pub(crate) fn select(
    columns: &str,
    q: &OperationQuery,
    mark: impl Fn(usize) -> String,
) -> (String, Vec<Param>) {
    let mut sql = format!("SELECT {columns} FROM operations WHERE 1 = 1");
    let mut params: Vec<Param> = Vec::new();
    // `?` in `text` stands for the next placeholder, bound to `value`.
    let mut arg = |sql: &mut String, text: &str, value: Param| {
        params.push(value);
        sql.push_str(&text.replace('?', &mark(params.len())));
    };
    if let Some(a) = &q.account {
        arg(&mut sql, " AND account = ?", Param::Text(a.clone()));
    }
    for (column, values) in [
        ("account", &q.accounts),
        ("status", &q.statuses),
        ("kind", &q.kinds),
    ] {
        if values.is_empty() {
            continue;
        }
        sql.push_str(&format!(" AND {column} IN ("));
        for (i, v) in values.iter().enumerate() {
            arg(
                &mut sql,
                if i == 0 { "?" } else { ", ?" },
                Param::Text(v.clone()),
            );
        }
        sql.push(')');
    }
    if let Some(t) = &q.target {
        arg(&mut sql, " AND target = ?", Param::Text(t.clone()));
    }
    if let Some(since) = q.since {
        // The form of `submitted_key`: text order is time order.
        let key = since.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        arg(
            &mut sql,
            " AND submitted <> '' AND submitted >= ?",
            Param::Text(key),
        );
    }
    if let Some(after) = &q.after {
        arg(
            &mut sql,
            " AND (submitted, account, id) < (?",
            Param::Text(after.submitted.clone()),
        );
        arg(&mut sql, ", ?", Param::Text(after.account.clone()));
        arg(&mut sql, ", ?)", Param::Text(after.id.clone()));
    }
    arg(
        &mut sql,
        " ORDER BY submitted DESC, account DESC, id DESC LIMIT ?",
        Param::Int(q.limit as i64),
    );
    (sql, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_condition_has_its_placeholder_in_order() {
        let mut q = OperationQuery::new(20);
        q.account = Some("g".into());
        q.statuses = vec!["pending".into(), "failed".into()];
        q.target = Some("example.com".into());
        let (sql, params) = select("id", &q, |n| format!("${n}"));
        assert_eq!(
            sql,
            "SELECT id FROM operations WHERE 1 = 1 AND account = $1 AND status IN ($2, $3) \
             AND target = $4 ORDER BY submitted DESC, account DESC, id DESC LIMIT $5"
        );
        assert_eq!(params.len(), 5);
        assert_eq!(params[4], Param::Int(20));
    }
}
