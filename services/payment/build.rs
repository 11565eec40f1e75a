//! Rebuild when a migration is added or edited: `embed_migrations!` reads the folder at compile
//! time, and cargo would otherwise not notice a new one.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
