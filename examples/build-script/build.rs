//! Generates the Pet Store client into `$OUT_DIR/petstore.rs` on every build where
//! the document changed.

fn main() {
    generator::Builder::new("petstore.yaml")
        .write()
        .unwrap_or_else(|problems| panic!("petstore.yaml:\n{problems}"));
}
