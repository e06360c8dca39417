//! The templates and fonts are built into the binary by `include_dir!`,
//! and the store's migrations by `sqlx::migrate!`, which cargo cannot
//! see: rebuild whenever one of those folders changes.

fn main() {
    println!("cargo:rerun-if-changed=form-templates");
    println!("cargo:rerun-if-changed=fonts");
    println!("cargo:rerun-if-changed=migrations");
}
