//! The procedure catalogue (the `CatalogueAdapter` global): fields, a field's procedures,
//! search as you type with Telex, a procedure in full and its printed checklist.

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{field_item, Controller};
use crate::catalogue::Procedure;
use crate::config::{Config, Language};
use crate::domain::collate;
use crate::domain::search::{Order, SearchIndex};
use crate::domain::telex::Telex;
use crate::kiosk::printing::{Job, JobKind};
use crate::kiosk::store::{FieldRow, Store};
use crate::printer::{checklist_bytes, ChecklistSlip};
use crate::ui::{App, CatalogueAdapter, FieldItem, Page, ProcedureInfo, ProcedureItem, SlipState};

/// The catalogue flow's session: what going home forgets.
pub(super) struct CatalogueState {
    /// The search keyboard's composition.
    pub(super) telex: Telex,
    /// The list a procedure was opened from, for "back".
    pub(super) procedure_from: Page,
    /// The field whose procedures are listed.
    pub(super) catalogue_field: Option<String>,
    /// The procedure on screen.
    pub(super) open_procedure: Option<i64>,
}

impl Default for CatalogueState {
    /// A fresh composer: the next citizen does not inherit Telex switched off.
    fn default() -> CatalogueState {
        CatalogueState {
            telex: Telex::new(),
            procedure_from: Page::Procedures,
            catalogue_field: None,
            open_procedure: None,
        }
    }
}

/// Empties the catalogue flow's properties (what was searched for, the open procedure).
pub(super) fn reset_ui(app: &App) {
    let g = app.global::<CatalogueAdapter>();
    g.set_search_text(SharedString::new());
    g.set_telex(true);
    g.set_search_total(0);
    g.set_procedures(ModelRc::default());
    g.set_checklist_state(SlipState::None);
}

/// The catalogue as loaded from the store for the pages.
pub(super) struct CatalogueView {
    /// Fields a queue serves, for the ticket flow.
    pub(super) fields: Vec<FieldRow>,
    /// Every field, for the catalogue (also those no queue serves).
    pub(super) all_fields: Vec<FieldRow>,
    /// The catalogue's procedures with their ids, and the search index over their names
    /// (the index's positions are positions in this list).
    pub(super) procedures: Vec<(i64, Procedure)>,
    pub(super) search: SearchIndex,
}

impl CatalogueView {
    pub(super) fn load(store: &Store, config: &Config) -> anyhow::Result<CatalogueView> {
        let all_fields = store.fields()?;
        let fields: Vec<FieldRow> = all_fields
            .iter()
            .filter(|f| config.queue_for_field(&f.code).is_some())
            .cloned()
            .collect();
        let procedures = store.procedures()?;
        let search = SearchIndex::new(procedures.iter().map(|(_, p)| {
            (
                p.code.clone().unwrap_or_default(),
                p.name_vi.clone(),
                p.field.clone(),
            )
        }));
        Ok(CatalogueView {
            fields,
            all_fields,
            procedures,
            search,
        })
    }
}

impl Controller {
    pub(super) fn procedure_name(&self, p: &Procedure) -> String {
        match self.language.get() {
            Language::Vi => p.name_vi.clone(),
            Language::En => p.name_en.clone(),
        }
    }

    pub(super) fn procedure_items(
        &self,
        positions: impl IntoIterator<Item = usize>,
    ) -> ModelRc<ProcedureItem> {
        let cat = self.cat.borrow();
        let items: Vec<ProcedureItem> = positions
            .into_iter()
            .filter_map(|i| cat.procedures.get(i))
            .map(|(id, p)| ProcedureItem {
                id: *id as i32,
                name: self.procedure_name(p).into(),
            })
            .collect();
        ModelRc::new(VecModel::from(items))
    }

    pub(super) fn open_catalogue(&self) {
        let Some(app) = self.ui() else { return };
        let lang = self.language.get();
        let cat = self.cat.borrow();
        let items: Vec<FieldItem> = cat
            .all_fields
            .iter()
            // A field with no procedure in the catalogue would open an empty list.
            .filter(|f| cat.procedures.iter().any(|(_, p)| p.field == f.code))
            .map(|f| field_item(f, lang))
            .collect();
        drop(cat);
        app.global::<CatalogueAdapter>()
            .set_catalogue_fields(ModelRc::new(VecModel::from(items)));
        self.catalogue.borrow_mut().catalogue_field = None;
        self.set_page(Page::Catalogue);
    }

    /// A field's procedures, in Vietnamese alphabetical order.
    pub(super) fn open_field(&self, code: &str) {
        let Some(app) = self.ui() else { return };
        let positions: Vec<usize> = {
            let procs = &self.cat.borrow().procedures;
            let mut positions: Vec<usize> = (0..procs.len())
                .filter(|&i| procs[i].1.field == code)
                .collect();
            positions.sort_by(|&a, &b| collate::compare(&procs[a].1.name_vi, &procs[b].1.name_vi));
            positions
        };
        app.global::<CatalogueAdapter>()
            .set_procedures(self.procedure_items(positions));
        app.global::<CatalogueAdapter>()
            .set_procedures_title(self.field_name(code).into());
        {
            let mut s = self.catalogue.borrow_mut();
            s.catalogue_field = Some(code.to_string());
            s.procedure_from = Page::Procedures;
        }
        self.set_page(Page::Procedures);
    }

    pub(super) fn open_search(&self) {
        {
            let mut s = self.catalogue.borrow_mut();
            s.telex.clear();
            s.procedure_from = Page::Search;
        }
        self.run_search();
        self.set_page(Page::Search);
    }

    pub(super) fn search_key(&self, key: &str) {
        {
            let mut s = self.catalogue.borrow_mut();
            match key {
                "back" => s.telex.backspace(),
                "telex" => {
                    let on = !s.telex.is_enabled();
                    s.telex.set_enabled(on);
                }
                k => {
                    for c in k.chars() {
                        s.telex.push(c);
                    }
                }
            }
        }
        self.run_search();
    }

    /// Results for the text typed so far, in Vietnamese alphabetical order.
    pub(super) fn run_search(&self) {
        let Some(app) = self.ui() else { return };
        let (text, telex) = {
            let s = self.catalogue.borrow();
            (s.telex.text(), s.telex.is_enabled())
        };
        let hits = self
            .cat
            .borrow()
            .search
            .search_ordered(&text, usize::MAX, Order::Alphabetical);
        app.global::<CatalogueAdapter>()
            .set_search_text(text.into());
        app.global::<CatalogueAdapter>().set_telex(telex);
        app.global::<CatalogueAdapter>()
            .set_search_total(hits.len() as i32);
        app.global::<CatalogueAdapter>()
            .set_procedures(self.procedure_items(hits));
    }

    /// A procedure the citizen chose: one the portal does online goes to the routing page
    /// first (`online`), any other to its details.
    pub(super) fn open_procedure(&self, id: i64) {
        if !self.route_online(id) {
            self.show_procedure(id);
        }
    }

    /// A procedure's details: papers, time, fee, where, and the online QR code if any.
    pub(super) fn show_procedure(&self, id: i64) {
        let cat = self.cat.borrow();
        let Some((_, p)) = cat.procedures.iter().find(|(i, _)| *i == id) else {
            return;
        };
        let Some(app) = self.ui() else { return };
        let lang = self.language.get();
        let processing = match lang {
            Language::Vi => p.processing_vi.clone().unwrap_or(p.processing_days.clone()),
            Language::En => p.processing_days.clone(),
        };
        let documents: Vec<SharedString> = p
            .documents_vi
            .iter()
            .flatten()
            .map(|d| d.as_str().into())
            .collect();
        app.global::<CatalogueAdapter>()
            .set_procedure(ProcedureInfo {
                name: self.procedure_name(p).into(),
                code: p.code.clone().unwrap_or_default().into(),
                processing: processing.into(),
                fee: p.fee_vi.clone().into(),
                submit_at: p.submit_at_vi.clone().unwrap_or_default().into(),
                online: p.online_url.is_some(),
                documents: ModelRc::new(VecModel::from(documents)),
            });
        app.global::<CatalogueAdapter>().set_procedure_qr(
            p.online_url
                .as_deref()
                .map(crate::kiosk::qr::qr_image)
                .unwrap_or_default(),
        );
        app.global::<CatalogueAdapter>()
            .set_checklist_state(SlipState::None);
        self.catalogue.borrow_mut().open_procedure = Some(id);
        self.set_page(Page::Procedure);
    }

    /// The open procedure's checklist, printed (always Vietnamese, like every slip).
    pub(super) fn print_checklist(&self) {
        let Some(id) = self.catalogue.borrow().open_procedure else {
            return;
        };
        let cat = self.cat.borrow();
        let Some((_, p)) = cat.procedures.iter().find(|(i, _)| *i == id) else {
            return;
        };
        let slip = ChecklistSlip {
            office: self.config.office.name.clone(),
            procedure: p.name_vi.clone(),
            code: p.code.clone(),
            documents: p.documents_vi.clone().unwrap_or_default(),
            processing: p.processing_vi.clone().unwrap_or(p.processing_days.clone()),
            fee: p.fee_vi.clone(),
            submit_at: p.submit_at_vi.clone().unwrap_or_default(),
            online_url: p.online_url.clone(),
        };
        let now = self.now().with_timezone(&self.config.tz());
        self.printer.submit(Job {
            kind: JobKind::Checklist,
            stem: format!("{}-checklist", now.format("%Y%m%d-%H%M%S")),
            bytes: checklist_bytes(&slip, &self.profile),
        });
        if let Some(app) = self.ui() {
            app.global::<CatalogueAdapter>()
                .set_checklist_state(SlipState::Sent);
        }
    }
}
