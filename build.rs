//! Rebuilds when a migration or a dashboard template is added or changed:
//! `sqlx::migrate!` embeds the files of `migrations/` and askama compiles
//! the templates of `web/pages/` at compile time, and neither tells cargo
//! to watch them.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=web");
}
