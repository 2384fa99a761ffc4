//! What a command the tests ran said.

use std::process::Output;

/// The command's standard output, once it is known to have succeeded (if not, the test fails
/// with the command's standard error).
#[track_caller]
pub fn succeeded(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
