mod browser;
#[test]
fn stub() {}
