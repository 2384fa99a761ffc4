//! The serial printer over a real pseudo-terminal pair, with a simulated printer process on
//! the master side: it consumes bytes at the line's speed, answers `DLE EOT n`, honours
//! XON/XOFF, and can run out of paper, open its cover, go silent, send garbage or disappear.

#[path = "support/reference_ticket.rs"]
mod reference_ticket;
#[path = "support/simulated_printer.rs"]
mod simulated_printer;
use reference_ticket::reference_slip;
use simulated_printer::SimPrinter;
use std::time::{Duration, Instant};

use serialport::FlowControl;

/// Pseudo-terminal numbers are reused as soon as one closes: a test that reopens the path
/// of its unplugged printer (as the kiosk does) could reach another test's simulator. The
/// tests on a line therefore take turns.
static LINE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn take_turn() -> std::sync::MutexGuard<'static, ()> {
    LINE.lock().unwrap_or_else(|e| e.into_inner())
}

use motcua::printer::serial::{PrintError, SerialPrinter, SerialSettings};
use motcua::printer::status::PrinterState;

fn printer(sim: &SimPrinter, baud: u32, flow: FlowControl) -> SerialPrinter {
    SerialPrinter::new(SerialSettings::new(sim.path.clone(), baud, flow))
}

fn ticket() -> Vec<u8> {
    motcua::printer::ticket_bytes(&reference_slip(), &motcua::printer::Profile::epson_80mm())
}

#[test]
fn a_ready_printer_gets_the_exact_job() {
    let _turn = take_turn();
    let sim = SimPrinter::start(19200);
    let mut p = printer(&sim, 19200, FlowControl::None);
    assert_eq!(p.status(), PrinterState::Ready);
    let job = ticket();
    assert_eq!(p.print(&job).unwrap(), PrinterState::Ready);
    assert_eq!(
        sim.wait_for(job.len()),
        job,
        "the printer got exactly the job"
    );
    let text = motcua::printer::decode(&sim.received())
        .text_lines()
        .join("\n");
    assert!(text.contains("Hộ tịch") && text.contains("A012"), "{text}");
}

#[test]
fn faults_refuse_the_job_and_printing_resumes_when_they_clear() {
    let _turn = take_turn();
    let sim = SimPrinter::start(38400);
    let mut p = printer(&sim, 38400, FlowControl::None);
    let job = ticket();

    sim.command("paper out");
    assert!(matches!(
        p.print(&job),
        Err(PrintError::NotReady(PrinterState::PaperOut))
    ));
    sim.command("paper ok");
    sim.command("cover open");
    assert!(matches!(
        p.print(&job),
        Err(PrintError::NotReady(PrinterState::CoverOpen))
    ));
    sim.command("silent on");
    assert!(matches!(
        p.print(&job),
        Err(PrintError::NotReady(PrinterState::NotAnswering))
    ));
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        sim.received().is_empty(),
        "nothing is sent to a printer that cannot print"
    );

    // The fault clears: the next job prints, once.
    sim.command("silent off");
    sim.command("cover closed");
    sim.command("paper near-end");
    assert_eq!(p.print(&job).unwrap(), PrinterState::PaperNearEnd);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(sim.wait_for(job.len()), job, "one copy, no duplicate");
}

#[test]
fn garbage_on_the_line_is_skipped() {
    let _turn = take_turn();
    let sim = SimPrinter::start(9600);
    sim.command("garbage on");
    let mut p = printer(&sim, 9600, FlowControl::None);
    assert_eq!(p.status(), PrinterState::Ready);
}

#[test]
fn xoff_holds_the_job_and_xon_completes_it() {
    let _turn = take_turn();
    let sim = SimPrinter::start(9600);
    let mut p = printer(&sim, 9600, FlowControl::Software);
    assert_eq!(p.status(), PrinterState::Ready);
    let job = ticket();
    // Mid-job the printer's buffer fills: it sends XOFF, then XON 400 ms later.
    sim.command("hold-at 64 400");
    let started = Instant::now();
    let result = p.print(&job);
    assert!(result.is_ok(), "{:?}", result.err());
    assert_eq!(
        sim.wait_for(job.len()),
        job,
        "held, then completed, nothing lost"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "the hold was honoured"
    );
}

#[test]
fn an_unplugged_printer_is_not_answering_and_nothing_panics() {
    let _turn = take_turn();
    let sim = SimPrinter::start(19200);
    let path = sim.path.clone();
    let mut p = printer(&sim, 19200, FlowControl::None);
    assert_eq!(p.status(), PrinterState::Ready);
    sim.unplug();
    assert_eq!(p.status(), PrinterState::NotAnswering);
    assert!(p.print(&ticket()).is_err());
    // The device is gone for good: opening it again fails cleanly too.
    let mut again = SerialPrinter::new(SerialSettings::new(path, 19200, FlowControl::None));
    assert_eq!(again.status(), PrinterState::NotAnswering);
}

#[test]
fn printer_status_command_reports_the_decoded_state() {
    let _turn = take_turn();
    let sim = SimPrinter::start(19200);
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["printer", "status", "--port", &sim.path])
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = run();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("ready") && text.contains("0x12"), "{text}");

    sim.command("paper out");
    let out = run();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!out.status.success());
    assert!(
        text.contains("paper_out") && text.contains("Hết giấy in"),
        "{text}"
    );
}

#[test]
fn a_replugged_adapter_is_found_again_under_its_stable_name() {
    let _turn = take_turn();
    // udev gives the printer a stable name (/dev/motcua-printer) that follows the adapter
    // across unplug and replug; here a symlink plays that part.
    let dir = tempfile::tempdir().unwrap();
    let stable = dir.path().join("motcua-printer");
    let first = SimPrinter::start(19200);
    std::os::unix::fs::symlink(&first.path, &stable).unwrap();
    let mut p = SerialPrinter::new(SerialSettings::new(
        stable.to_str().unwrap(),
        19200,
        FlowControl::None,
    ));
    assert_eq!(p.status(), PrinterState::Ready);

    first.unplug();
    assert_eq!(p.status(), PrinterState::NotAnswering);

    let second = SimPrinter::start(19200);
    std::fs::remove_file(&stable).unwrap();
    std::os::unix::fs::symlink(&second.path, &stable).unwrap();
    assert_eq!(p.status(), PrinterState::Ready, "reconnected by itself");
    let job = ticket();
    p.print(&job).unwrap();
    assert_eq!(second.wait_for(job.len()), job);
}

#[test]
fn a_network_printer_on_port_9100_works_the_same_way() {
    let _turn = take_turn();
    let sim = SimPrinter::start_tcp();
    let mut p = SerialPrinter::tcp(&sim.path);
    assert_eq!(p.status(), PrinterState::Ready);
    let job = ticket();
    p.print(&job).unwrap();
    assert_eq!(sim.wait_for(job.len()), job);
    sim.command("paper out");
    assert!(matches!(
        p.print(&job),
        Err(PrintError::NotReady(PrinterState::PaperOut))
    ));
    // The printer is switched off: its socket closes and nothing panics.
    sim.unplug();
    assert_eq!(p.status(), PrinterState::NotAnswering);
}

#[test]
fn paper_running_out_mid_job_fails_the_job() {
    let _turn = take_turn();
    let sim = SimPrinter::start(38400);
    let mut p = printer(&sim, 38400, FlowControl::None);
    let job = ticket();
    sim.command("paper-out-at 100");
    assert!(matches!(
        p.print(&job),
        Err(PrintError::Interrupted(PrinterState::PaperOut))
    ));
    // Nothing is sent while the paper is out; a new roll and the next job prints whole.
    assert!(p.print(&job).is_err());
    sim.command("paper ok");
    let before = sim.wait_for(job.len()).len();
    assert_eq!(before, job.len(), "the cut-short job, and nothing more");
    p.print(&job).unwrap();
    assert_eq!(sim.wait_for(2 * job.len())[job.len()..], job[..]);
}

#[test]
fn a_printer_unplugged_mid_job_fails_the_job() {
    let _turn = take_turn();
    let sim = SimPrinter::start(9600);
    let mut p = printer(&sim, 9600, FlowControl::None);
    let job = motcua::printer::calibration_bytes(&motcua::printer::Profile::epson_80mm());
    let printing = std::thread::spawn(move || p.print(&job));
    // 1,182 bytes take 1.2 s at 9600 baud; pull the plug a tenth of the way in.
    sim.wait_for(100);
    sim.unplug();
    let result = printing.join().unwrap();
    assert!(
        matches!(
            result,
            Err(PrintError::Interrupted(PrinterState::NotAnswering)) | Err(PrintError::Io(_))
        ),
        "{result:?}"
    );
}
