//! Rebuilds when a migration is added: `sqlx::migrate!` embeds the files of
//! `migrations/` at compile time but does not tell cargo to watch them.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
