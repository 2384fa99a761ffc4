//! PROVISIONAL: replaced by the import parser; only the record type for now.

use chrono::{DateTime, Utc};

use crate::domain::dossier::DossierStatus;
use crate::domain::dossier_code::DossierCode;

/// One dossier as imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierRecord {
    pub code: DossierCode,
    pub status: DossierStatus,
    pub procedure_code: String,
    pub applicant_name: String,
    pub received_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub note: String,
    pub pickup_place: String,
    pub secret: String,
    pub phone_last4: String,
}
