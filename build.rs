//! The templates and fonts are built into the binary by `include_dir!`,
//! which cargo cannot see: rebuild whenever one of those folders changes.

fn main() {
    println!("cargo:rerun-if-changed=form-templates");
    println!("cargo:rerun-if-changed=fonts");
}
