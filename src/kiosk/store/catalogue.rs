//! The catalogue as the kiosk keeps it: fields and procedures, loaded from the shipped file
//! on first start and replaced by the office's.

use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::{FieldRow, Store};
use crate::catalogue::Catalogue;

impl Store {
    /// Loads `cat` if the store has no fields yet; returns whether it did (later starts keep the office's data).
    pub fn load_catalogue_if_empty(&mut self, cat: &Catalogue) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n: i64 = tx.query_row("SELECT COUNT(*) FROM field", [], |r| r.get(0))?;
        if n > 0 {
            return Ok(false);
        }
        insert_catalogue(&tx, cat)?;
        tx.commit()?;
        Ok(true)
    }

    /// The catalogue's procedure with this national code.
    pub fn procedure_by_code(&self, code: &str) -> Result<Option<crate::catalogue::Procedure>> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {PROCEDURE_COLUMNS} FROM procedure WHERE code = ?1 ORDER BY id LIMIT 1"
                ),
                [code],
                procedure_from_row,
            )
            .optional()?
            .transpose()
    }

    /// Fills in what a store from before schema version 2 lacks (processing time in words,
    /// where to submit, the online address, the sensitive flag) from `cat`, matching
    /// procedures by field and name; returns how many were filled.
    pub fn fill_catalogue_details(&mut self, cat: &Catalogue) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut filled = 0;
        {
            let mut st = tx.prepare(
                "UPDATE procedure SET processing_vi = ?1, submit_at_vi = ?2, online_url = ?3, sensitive = ?4
                 WHERE processing_vi IS NULL AND field = ?5 AND name_vi = ?6",
            )?;
            for p in cat.procedures.iter().filter(|p| p.processing_vi.is_some()) {
                filled += st.execute(params![
                    p.processing_vi,
                    p.submit_at_vi,
                    p.online_url,
                    p.sensitive,
                    p.field,
                    p.name_vi
                ])?;
            }
        }
        tx.commit()?;
        Ok(filled)
    }

    /// Every procedure with its catalogue id, in catalogue order.
    pub fn procedures(&self) -> Result<Vec<(i64, crate::catalogue::Procedure)>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {PROCEDURE_COLUMNS}, id FROM procedure ORDER BY id"
        ))?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(14)?, procedure_from_row(r)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, p) = row?;
            out.push((id, p?));
        }
        Ok(out)
    }

    /// Fields in catalogue order.
    pub fn fields(&self) -> Result<Vec<FieldRow>> {
        let mut st = self
            .conn
            .prepare("SELECT code, name_vi, name_en, icon FROM field ORDER BY position")?;
        let rows = st.query_map([], |r| {
            Ok(FieldRow {
                code: r.get(0)?,
                name_vi: r.get(1)?,
                name_en: r.get(2)?,
                icon: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Writes `cat` into empty field and procedure tables.
pub(super) fn insert_catalogue(tx: &Connection, cat: &Catalogue) -> Result<()> {
    {
        let mut ins_field = tx.prepare(
            "INSERT INTO field(code, position, name_vi, name_en, icon) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (i, f) in cat.fields.iter().enumerate() {
            ins_field.execute(params![f.code, i as i64, f.name_vi, f.name_en, f.icon])?;
        }
        let mut ins_proc = tx.prepare(
            "INSERT INTO procedure(id, field, code, name_vi, name_en, processing_days, fee_vi, sourced, documents_vi,
                                   submit_at_vi, online_url, sensitive, processing_vi, online_level, no_paper)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        for (i, p) in cat.procedures.iter().enumerate() {
            let docs = p
                .documents_vi
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?;
            ins_proc.execute(params![
                i as i64 + 1,
                p.field,
                p.code,
                p.name_vi,
                p.name_en,
                p.processing_days,
                p.fee_vi,
                p.sourced,
                docs,
                p.submit_at_vi,
                p.online_url,
                p.sensitive,
                p.processing_vi,
                p.online_level.map(|l| l.code()),
                p.no_paper
            ])?;
        }
    }
    Ok(())
}

const PROCEDURE_COLUMNS: &str = "field, code, name_vi, name_en, processing_days, fee_vi, sourced, documents_vi, submit_at_vi, online_url, sensitive, processing_vi, online_level, no_paper";

fn procedure_from_row(r: &Row) -> rusqlite::Result<Result<crate::catalogue::Procedure>> {
    let docs: Option<String> = r.get(7)?;
    let p = crate::catalogue::Procedure {
        field: r.get(0)?,
        code: r.get(1)?,
        name_vi: r.get(2)?,
        name_en: r.get(3)?,
        processing_days: r.get(4)?,
        fee_vi: r.get(5)?,
        sourced: r.get(6)?,
        documents_vi: None,
        submit_at_vi: r.get(8)?,
        online_url: r.get(9)?,
        sensitive: r.get(10)?,
        processing_vi: r.get(11)?,
        // A level this build does not know is no level: the procedure is not routed.
        online_level: r
            .get::<_, Option<String>>(12)?
            .as_deref()
            .and_then(crate::catalogue::OnlineLevel::from_code),
        no_paper: r.get(13)?,
    };
    Ok(
        match docs.as_deref().map(serde_json::from_str).transpose() {
            Ok(documents_vi) => Ok(crate::catalogue::Procedure { documents_vi, ..p }),
            Err(e) => Err(anyhow::anyhow!("bad documents list in store: {e}")),
        },
    )
}
