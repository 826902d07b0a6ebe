//! `axme server migrate`: a SQLite database copied, table by table, into an empty
//! PostgreSQL database, in one transaction (all or nothing).
//!
//! The two schemas have the same tables and column names (PostgreSQL adds its own, such as
//! `counters`); every SQLite table is copied with `COPY … FROM STDIN BINARY`, each value
//! converted to its PostgreSQL column's type. A SQLite table or column PostgreSQL lacks is
//! an error, so a table added to one store and not the other is found here, not lost.

use std::path::Path;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use rusqlite::types::Value;

use super::PgUrl;
use super::schema;
use crate::server::store::sqlite::SyncMode;
use crate::server::store::sqlite::schema::open_writer;

/// Rows copied per table, in the order copied.
#[derive(Debug, Default)]
pub struct Copied {
    pub tables: Vec<(String, u64)>,
}

/// Copies the SQLite database at `from` into the PostgreSQL database at `to` (migrated to
/// the current schema first). Refuses a target that holds any axme data. Blocking.
pub fn copy_sqlite(from: &Path, to: &PgUrl) -> Result<Copied, String> {
    if !from.is_file() {
        return Err(format!("no SQLite database at {}", from.display()));
    }
    // Brings an older file to the current schema, as `axme server` would on start.
    let sqlite = open_writer(from, SyncMode::Normal)
        .map_err(|e| format!("cannot open {}: {e}", from.display()))?;
    let tables = sqlite_tables(&sqlite)?;
    let mut client = to
        .settings()?
        .connect_blocking()
        .map_err(|e| format!("cannot connect to PostgreSQL at {}: {e}", to.redacted()))?;
    schema::migrate(&mut client)?;
    let pg = |e: postgres::Error| format!("PostgreSQL: {e}");
    let mut tx = client.transaction().map_err(pg)?;
    for table in &tables {
        let sql = format!("SELECT count(*) FROM {table}");
        let rows: i64 = tx
            .query_one(&sql, &[])
            .map_err(|e| format!("table {table} is missing in PostgreSQL ({e})"))?
            .get(0);
        if rows > 0 {
            return Err(format!(
                "the target database already holds axme data ({rows} rows in {table}); \
                 migrate only into an empty database"
            ));
        }
    }
    // One read transaction: a consistent snapshot even if the file is in use.
    let snapshot = sqlite
        .unchecked_transaction()
        .map_err(|e| format!("SQLite: {e}"))?;
    let mut copied = Copied::default();
    for table in &tables {
        let n = copy_table(&snapshot, &mut tx, table)?;
        copied.tables.push((table.clone(), n));
    }
    drop(snapshot);
    // Where PostgreSQL's own counters go on from: new intents and mesh events after the
    // copied ids, new delivery cursors and inbox change numbers after the copied ones.
    tx.batch_execute(
        "SELECT setval(pg_get_serial_sequence('intents', 'id'), \
           COALESCE((SELECT MAX(id) FROM intents), 0) + 1, false); \
         SELECT setval(pg_get_serial_sequence('mesh_events', 'id'), \
           COALESCE((SELECT MAX(id) FROM mesh_events), 0) + 1, false); \
         UPDATE counters SET value = GREATEST(value, \
           COALESCE((SELECT MAX(delivery_cursor) FROM intents), 0)) \
         WHERE name = 'delivery_cursor'; \
         UPDATE counters SET value = GREATEST(value, \
           COALESCE((SELECT MAX(change_seq) FROM inbox_threads), 0)) \
         WHERE name = 'inbox_change';",
    )
    .map_err(pg)?;
    tx.commit().map_err(pg)?;
    Ok(copied)
}

fn sqlite_tables(conn: &rusqlite::Connection) -> Result<Vec<String>, String> {
    let sql = "SELECT name FROM sqlite_master WHERE type = 'table' \
               AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' ORDER BY name";
    let mut statement = conn.prepare(sql).map_err(|e| format!("SQLite: {e}"))?;
    let names = statement
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| format!("SQLite: {e}"))?;
    Ok(names)
}

/// The PostgreSQL type of each of `table`'s columns.
fn pg_columns(
    tx: &mut postgres::Transaction<'_>,
    table: &str,
) -> Result<Vec<(String, Type)>, String> {
    let rows = tx
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
            &[&table],
        )
        .map_err(|e| format!("PostgreSQL: {e}"))?;
    rows.iter()
        .map(|r| {
            let name: String = r.get(0);
            let data_type: String = r.get(1);
            let ty = match data_type.as_str() {
                "text" => Type::TEXT,
                "bigint" => Type::INT8,
                "integer" => Type::INT4,
                "boolean" => Type::BOOL,
                "bytea" => Type::BYTEA,
                other => return Err(format!("{table}.{name}: unexpected type {other}")),
            };
            Ok((name, ty))
        })
        .collect()
}

fn copy_table(
    sqlite: &rusqlite::Connection,
    tx: &mut postgres::Transaction<'_>,
    table: &str,
) -> Result<u64, String> {
    let sqlite_err = |e: rusqlite::Error| format!("SQLite {table}: {e}");
    let target = pg_columns(tx, table)?;
    let mut statement = sqlite
        .prepare(&format!("SELECT * FROM {table}"))
        .map_err(sqlite_err)?;
    let names: Vec<String> = statement.column_names().map(str::to_string).collect();
    let mut types = Vec::with_capacity(names.len());
    for name in &names {
        let ty = target
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| format!("{table}.{name} has no column in PostgreSQL"))?;
        types.push(ty);
    }
    let copy = format!(
        "COPY {table} ({}) FROM STDIN BINARY",
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let sink = tx
        .copy_in(&copy)
        .map_err(|e| format!("PostgreSQL {table}: {e}"))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let mut rows = statement.query([]).map_err(sqlite_err)?;
    while let Some(row) = rows.next().map_err(sqlite_err)? {
        let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(types.len());
        for (i, ty) in types.iter().enumerate() {
            let value: Value = row.get(i).map_err(sqlite_err)?;
            values.push(convert(value, ty).map_err(|e| format!("{table}.{}: {e}", names[i]))?);
        }
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| &**v).collect();
        writer
            .write(&refs)
            .map_err(|e| format!("PostgreSQL {table}: {e}"))?;
    }
    writer
        .finish()
        .map_err(|e| format!("PostgreSQL {table}: {e}"))
}

/// One SQLite value as the PostgreSQL column's type.
fn convert(value: Value, ty: &Type) -> Result<Box<dyn ToSql + Sync>, String> {
    let mismatch = |v: &Value| format!("a {:?} value where {ty} is expected", v.data_type());
    Ok(match (value, ty) {
        (Value::Null, t) if *t == Type::TEXT => Box::new(None::<String>),
        (Value::Null, t) if *t == Type::INT8 => Box::new(None::<i64>),
        (Value::Null, t) if *t == Type::INT4 => Box::new(None::<i32>),
        (Value::Null, t) if *t == Type::BOOL => Box::new(None::<bool>),
        (Value::Null, t) if *t == Type::BYTEA => Box::new(None::<Vec<u8>>),
        (Value::Text(s), t) if *t == Type::TEXT => Box::new(s),
        (Value::Integer(i), t) if *t == Type::INT8 => Box::new(i),
        (Value::Integer(i), t) if *t == Type::INT4 => {
            Box::new(i32::try_from(i).map_err(|e| e.to_string())?)
        }
        (Value::Integer(i), t) if *t == Type::BOOL => Box::new(i != 0),
        (Value::Blob(b), t) if *t == Type::BYTEA => Box::new(b),
        (other, _) => return Err(mismatch(&other)),
    })
}
