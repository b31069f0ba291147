//! README.md carries the data-model tables that `heroku-j1 document` prints.

use heroku_j1::graph::document;

#[test]
fn readme_tables_match_heroku_j1_document() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let in_readme =
        document::between_markers(&readme).expect("README has the documentation markers");
    assert_eq!(
        in_readme.trim(),
        document::markdown().trim(),
        "run `heroku-j1 document` and paste its output into README.md"
    );
}

#[test]
fn document_command_prints_the_tables() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_heroku-j1"))
        .arg("document")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, document::markdown());
    for t in [
        "heroku_account",
        "heroku_team_owns_application",
        "`Service`",
        "**OWNS**",
    ] {
        assert!(text.contains(t), "{t}");
    }
}

#[test]
fn readme_names_the_two_commands() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- --demo"));
    assert!(readme.contains(".ci/test"));
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(
        ci.contains("\nbash .ci/test || status=$?\n"),
        ".ci/run must run the README's test command and keep its exit status"
    );
    assert!(
        ci.contains("\nbash .ci/cross-check || status=1\n"),
        ".ci/run must run the macOS/Windows cross check after the tests"
    );
}
