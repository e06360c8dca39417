//! Templates: overridable file by file without a rebuild, sandboxed to their
//! folder, and their mistakes reported to their authors by file and line.

use crate::common;

use std::path::Path;

use common::*;

fn built_in(name: &str) -> String {
    std::fs::read_to_string(root().join("form-templates").join(name)).unwrap()
}

fn render_with(dir: &Path, kind: &str, example_file: &str) -> std::process::Output {
    let input = root().join("examples").join(example_file);
    kttdv(&["render", kind, input.to_str().unwrap(), "-o", "-", "--templates", dir.to_str().unwrap()], "")
}

#[test]
fn an_override_folder_changes_one_file_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let edited = built_in("forms/mau-2.typ").replace("\"Ghi chú\"", "\"Ghi chú của chi bộ\"");
    assert!(edited.contains("Ghi chú của chi bộ"), "the built-in form names the column");
    std::fs::create_dir(dir.path().join("forms")).unwrap();
    std::fs::write(dir.path().join("forms/mau-2.typ"), edited).unwrap();

    let out = render_with(dir.path(), "mau-2", "cell.json");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = folded(&pdf_text(&out.stdout));
    assert!(text.contains("Ghi chú của chi bộ"), "the override is used");
    assert!(text.contains("ĐẢNG CỘNG SẢN VIỆT NAM"), "the built-in frame still serves");
}

#[test]
fn the_override_folder_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let edited = built_in("shared/frame.typ").replace("\"Nơi nhận:\"", "\"Nơi gửi:\"");
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    std::fs::write(dir.path().join("shared/frame.typ"), edited).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kttdv"))
        .args(["render", "plan", "examples/plan.json", "-o", "-"])
        .current_dir(root())
        .env("KTTDV_TEMPLATES", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(folded(&pdf_text(&out.stdout)).contains("Nơi gửi:"));
}

fn failing(template: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mau-2.typ"), template).unwrap();
    let out = render_with(dir.path(), "mau-2", "cell.json");
    assert_eq!(out.status.code(), Some(3), "a template failure exits 3");
    assert!(out.stdout.is_empty(), "no PDF");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn each_kind_has_an_entry_made_for_it_that_an_override_may_replace() {
    // No entry file in the repository: the entry is made from the form.
    assert!(!root().join("form-templates/mau-2.typ").exists());
    let dir = tempfile::tempdir().unwrap();
    let own = "#import \"forms/mau-2.typ\": form\n#text[Trang bìa riêng]\n#pagebreak()\n#form(json(\"/data.json\"))\n";
    std::fs::write(dir.path().join("mau-2.typ"), own).unwrap();
    let out = render_with(dir.path(), "mau-2", "cell.json");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = folded(&pdf_text(&out.stdout));
    assert!(text.starts_with("Trang bìa riêng") && text.contains("Danh sách này có"), "{text}");
}

#[test]
fn templates_cannot_read_outside_their_folder() {
    for path in ["/etc/passwd", "../../../../etc/passwd", "/../Cargo.toml"] {
        let message = failing(&format!("#read(\"{path}\")"));
        assert!(message.contains("/mau-2.typ:1:"), "{message}");
        assert!(!message.contains("root:"), "{message}");
    }
}

#[test]
fn packages_are_refused_with_a_clear_error() {
    let message = failing("#import \"@preview/cetz:0.3.0\": canvas\n");
    assert!(message.contains("/mau-2.typ:1:"), "{message}");
    assert!(message.contains("không tải gói nào"), "{message}");
}

#[test]
fn a_template_mistake_names_file_line_and_column() {
    let message = failing("#let data = json(\"/data.json\")\n\n#text(data.no_such_field)\n");
    assert!(message.contains("/mau-2.typ:3:"), "{message}");
    assert!(message.contains("no_such_field"), "{message}");
}

#[test]
fn a_missing_override_folder_is_reported() {
    let out = kttdv(&["render", "plan", "examples/plan.json", "--templates", "/no/such/folder"], "");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/folder"));
}

#[test]
fn a_font_family_we_do_not_have_is_an_error_not_a_fallback() {
    let frame = built_in("shared/frame.typ").replace("\"Liberation Serif\"", "\"Times New Roman\"");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    std::fs::write(dir.path().join("shared/frame.typ"), frame).unwrap();
    let out = render_with(dir.path(), "plan", "plan.json");
    assert_eq!(out.status.code(), Some(3));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("/shared/frame.typ:") && message.contains("times new roman"), "{message}");
}

#[test]
fn a_file_that_is_not_a_font_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("TimesNewRoman.ttf"), "not a font").unwrap();
    let out = kttdv(&["render", "plan", "examples/plan.json", "-o", "-", "--fonts", dir.path().to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("TimesNewRoman.ttf"));
}
