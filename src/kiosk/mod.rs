//! The touchscreen kiosk: the controller behind the Slint UI, printing off the UI thread,
//! and start-up (windowed, or headless for screenshots and the start-up benchmark).

pub mod audio;
pub mod controller;
pub mod demo;
pub mod doctor;
pub mod headless;
pub mod lifecycle;
pub mod lookup;
pub mod printing;
pub mod qr;
pub mod store;
pub mod sync;
pub mod upkeep;
pub mod watchdog;

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use anyhow::Context;
use slint::ComponentHandle;

pub use controller::{Clock, Controller};
use printing::{NoPrinter, PrintQueue, PrintSink, SerialSink, VirtualSink};

use crate::catalogue::Catalogue;
use crate::config::{Config, FlowControl, PrinterKind};
use crate::kiosk::store::Store;
use crate::printer::serial::{SerialPrinter, SerialSettings};
use crate::printer::{Profile, VirtualPrinter};
use crate::ui::App;

/// Where the kiosk keeps its database inside the data directory.
pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("kiosk.sqlite3")
}

/// Opens the store and loads the shipped catalogue on first start.
pub fn open_store(data_dir: &Path) -> anyhow::Result<Store> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let path = database_path(data_dir);
    let mut store =
        Store::open(&path).with_context(|| format!("cannot open the store {}", path.display()))?;
    let shipped = Catalogue::default_embedded();
    if store.load_catalogue_if_empty(&shipped)? {
        log::info!("loaded the shipped catalogue into {}", path.display());
    }
    let filled = store.fill_catalogue_details(&shipped)?;
    if filled > 0 {
        log::info!("filled in the details of {filled} procedures from the shipped catalogue");
    }
    Ok(store)
}

/// A queue in the config names a field code the catalogue does not know: a typo that would
/// otherwise silently hide a field from citizens. The caller adds the config file and line.
#[derive(Debug)]
pub struct UnknownField {
    /// The queue's prefix.
    pub queue: String,
    /// The code as written in the config.
    pub code: String,
}

impl std::fmt::Display for UnknownField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "queue {} lists the field code {:?}, which is not in the catalogue",
            self.queue, self.code
        )
    }
}

impl std::error::Error for UnknownField {}

/// The first field code of the config's queues that the store's catalogue does not know.
fn check_fields(config: &Config, store: &Store) -> anyhow::Result<()> {
    let known: Vec<String> = store.fields()?.into_iter().map(|f| f.code).collect();
    for q in &config.queues {
        if let Some(code) = q.fields.iter().find(|f| !known.contains(f)) {
            return Err(UnknownField {
                queue: q.prefix.clone(),
                code: code.clone(),
            }
            .into());
        }
    }
    Ok(())
}

/// The printer profile the config names; unknown names are refused at start.
pub fn profile_for(config: &Config) -> anyhow::Result<Profile> {
    Profile::by_name(&config.printer.profile)
        .ok_or_else(|| anyhow::anyhow!("unknown printer profile {:?}", config.printer.profile))
}

/// The print sink the config asks for.
pub fn sink_for(config: &Config, data_dir: &Path, profile: &Profile) -> Box<dyn PrintSink> {
    match config.printer.kind {
        // The preview decodes the page numbers the way this model would.
        PrinterKind::Virtual => Box::new(VirtualSink(
            VirtualPrinter::new(printing::receipts_dir(data_dir), profile.dots)
                .with_modes(&profile.modes),
        )),
        PrinterKind::Serial => Box::new(SerialSink(SerialPrinter::new(SerialSettings::new(
            config.printer.port.clone(),
            config.printer.baud,
            serial_flow(config.printer.flow_control),
        )))),
        PrinterKind::Tcp => Box::new(SerialSink(SerialPrinter::tcp(config.printer.port.clone()))),
        PrinterKind::None => Box::new(NoPrinter),
    }
}

/// The serial crate's name for the configured flow control.
pub fn serial_flow(flow: FlowControl) -> serialport::FlowControl {
    match flow {
        FlowControl::None => serialport::FlowControl::None,
        FlowControl::Xonxoff => serialport::FlowControl::Software,
        FlowControl::Rtscts => serialport::FlowControl::Hardware,
    }
}

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(chrono::Utc::now)
}

/// Sets the window size; the layout scale follows it (ui/main.slint).
pub fn set_size(app: &App, width: u32, height: u32) {
    app.window()
        .set_size(slint::PhysicalSize::new(width, height));
}

/// A kiosk UI with its controller; drop both together.
pub struct KioskApp {
    /// The Slint component.
    pub app: App,
    /// The behaviour behind it.
    pub controller: Rc<Controller>,
}

impl KioskApp {
    /// Builds the UI and its controller from a config and data directory.
    pub fn new(config: Config, data_dir: &Path, clock: Clock) -> anyhow::Result<KioskApp> {
        let profile = profile_for(&config)?;
        let sink = sink_for(&config, data_dir, &profile);
        KioskApp::with_sink(config, data_dir, clock, sink)
    }

    /// Like `new`, with the print sink given (tests put a misbehaving printer here).
    pub fn with_sink(
        config: Config,
        data_dir: &Path,
        clock: Clock,
        sink: Box<dyn PrintSink>,
    ) -> anyhow::Result<KioskApp> {
        let speaker = Box::new(audio::AlsaSpeaker::new(&config.audio));
        KioskApp::with_parts(config, data_dir, clock, sink, speaker)
    }

    /// Like `new`, with the guidance's speaker given (tests record what it says).
    pub fn with_speaker(
        config: Config,
        data_dir: &Path,
        clock: Clock,
        speaker: Box<dyn audio::Speaker>,
    ) -> anyhow::Result<KioskApp> {
        let profile = profile_for(&config)?;
        let sink = sink_for(&config, data_dir, &profile);
        KioskApp::with_parts(config, data_dir, clock, sink, speaker)
    }

    fn with_parts(
        config: Config,
        data_dir: &Path,
        clock: Clock,
        sink: Box<dyn PrintSink>,
        speaker: Box<dyn audio::Speaker>,
    ) -> anyhow::Result<KioskApp> {
        let profile = profile_for(&config)?;
        let store = open_store(data_dir)?;
        check_fields(&config, &store)?;
        let sync =
            crate::kiosk::sync::SyncHandle::start(&config, database_path(data_dir), clock.clone())?;
        let app = App::new().context("cannot create the kiosk window")?;
        let (w, h) = (config.kiosk.width, config.kiosk.height);
        let parts = controller::Parts {
            store,
            printer: PrintQueue::start(sink),
            sync,
            speaker,
        };
        let controller = Controller::attach(&app, config, profile, clock, parts)?;
        set_size(&app, w, h);
        Ok(KioskApp { app, controller })
    }

    /// Shows the window and runs until it is closed or asked to stop or restart; under
    /// systemd, says when it is ready and feeds the watchdog from the UI event loop, so a
    /// hung UI gets restarted. Before returning, lets the printer finish what it was given.
    pub fn run(self) -> anyhow::Result<lifecycle::Ending> {
        use lifecycle::Ending;
        let signals = lifecycle::Signals::install().context("cannot catch signals")?;
        let notifier = Rc::new(watchdog::Notifier::from_env());
        let n = notifier.clone();
        slint::Timer::single_shot(std::time::Duration::ZERO, move || n.ready());
        let feed = slint::Timer::default();
        if let Some(every) = notifier.feed_every() {
            let n = notifier.clone();
            feed.start(slint::TimerMode::Repeated, every, move || n.watchdog());
        }
        let asked = Rc::new(std::cell::Cell::new(None));
        let watch = slint::Timer::default();
        let a = asked.clone();
        watch.start(
            slint::TimerMode::Repeated,
            std::time::Duration::from_millis(100),
            move || {
                if let Some(ending) = signals.requested() {
                    a.set(Some(ending));
                    let _ = slint::quit_event_loop();
                }
            },
        );
        self.app.run().context("the UI event loop failed")?;
        let ending = match asked.get() {
            Some(ending) => ending,
            None if self.controller.restart_requested() => Ending::Restart,
            None => Ending::Closed,
        };
        self.controller
            .finish_printing(std::time::Duration::from_secs(10));
        // A stop asked for while the printer finished wins over a restart.
        let ending = match ending {
            Ending::Restart if lifecycle::stop_requested() => Ending::Stop,
            ending => ending,
        };
        match ending {
            Ending::Restart => notifier.reloading(),
            Ending::Stop | Ending::Closed => notifier.stopping(),
        }
        log::info!(event = "stopping", ending:? = ending; "stopping the kiosk: {ending:?}");
        Ok(ending)
    }
}
