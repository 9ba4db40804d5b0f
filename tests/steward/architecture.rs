//! The house as built (docs/architecture.md): each module imports only the
//! modules it may, platform crates stay in their adapters, SQL stays in
//! `store/`, and the conversation and the engine have no import circles.
//! These read the source, so a new import that breaks a rule fails here
//! with the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each module may import from the crate (DESIGN §2, as amended in
/// docs/architecture.md). `cli`, `app` and `main.rs` wire everything and
/// are not listed.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("clock", &[]),
    ("text", &[]),
    ("backoff", &[]),
    ("rate", &[]),
    ("events", &[]),
    ("memory", &[]),
    ("schedule", &[]),
    ("egress", &[]),
    ("llm", &[]),
    ("workflow", &["schedule"]),
    ("crypt", &["workflow"]),
    ("store", &["workflow", "schedule", "crypt"]),
    (
        "engine",
        &["workflow", "store", "llm", "schedule", "clock", "egress"],
    ),
    (
        "scheduler",
        &["store", "workflow", "schedule", "engine", "clock"],
    ),
    ("manage", &["workflow", "schedule", "store", "clock"]),
    (
        "agent",
        &["manage", "workflow", "schedule", "llm", "clock", "store"],
    ),
    (
        "chat",
        &["agent", "workflow", "store", "config", "egress", "clock"],
    ),
    (
        "http",
        &[
            "agent", "manage", "config", "egress", "store", "schedule", "workflow", "clock",
        ],
    ),
    (
        "config",
        &["schedule", "llm", "egress", "engine", "crypt", "workflow"],
    ),
];

/// Leaves any module may use: cutting text, waiting between tries.
const UTILITIES: &[&str] = &["text", "backoff", "rate", "events", "memory"];

/// Where a module may reach into `store` or `engine`, only these parts: the
/// conversation keeps its own state (conversations, users), delivery its
/// outbox and the record of what it could not deliver, the chat API its
/// callbacks; the configuration reads the MCP server settings.
const ONLY_PARTS: &[(&str, &str, &[&str])] = &[
    (
        "agent",
        "store",
        &[
            "conversations",
            "users",
            "Store",
            "StoreError",
            "from_ms",
            "to_ms",
        ],
    ),
    (
        "chat",
        "store",
        &[
            "outbox",
            "callbacks",
            "audit",
            "runs",
            "Store",
            "StoreError",
        ],
    ),
    (
        "http",
        "store",
        &[
            "callbacks",
            "api_keys",
            "idempotency",
            "web_sessions",
            "Store",
            "StoreError",
        ],
    ),
    ("config", "engine", &["mcp"]),
];

/// Crates that belong to one adapter each.
const PLATFORM_CRATES: &[(&str, &[&str])] = &[
    ("serenity", &["chat/discord"]),
    ("teloxide", &["chat/telegram"]),
    // The Telegram adapter receives its webhook on its own listener.
    ("axum", &["http", "chat/telegram"]),
];

struct Source {
    /// Path under `src/`, with `/`.
    path: String,
    /// The code before any `#[cfg(test)]`, line by line.
    lines: Vec<String>,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            Source {
                path: file
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                lines: code.lines().map(str::to_string).collect(),
            }
        })
        .collect()
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The top module of a path under `src/` ("agent/tools/run.rs" → "agent").
fn module_of(path: &str) -> &str {
    let first = path.split('/').next().unwrap_or(path);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// Every `crate::<module>::<part>` a line names, including inside
/// `use crate::{a, b::c}` groups, as (module, part).
fn crate_paths(line: &str) -> Vec<(String, String)> {
    let code = line.split("//").next().unwrap_or_default();
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            for item in inner.split(',') {
                let mut parts = item.trim().split("::");
                if let Some(module) = parts.next().filter(|m| !m.is_empty()) {
                    let part = parts.next().unwrap_or("").trim_matches(['{', ' ']);
                    found.push((module.to_string(), part.to_string()));
                }
            }
            continue;
        }
        let module: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = &rest[module.len()..];
        let part: String = after
            .strip_prefix("::")
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '{')
            .collect();
        found.push((module, part));
    }
    found
}

#[test]
fn every_module_imports_only_what_the_map_allows() {
    let rules: BTreeMap<&str, &[&str]> = MAY_IMPORT.iter().copied().collect();
    let mut broken = Vec::new();
    for source in sources() {
        let module = module_of(&source.path);
        let Some(allowed) = rules.get(module) else {
            continue;
        };
        for (number, line) in source.lines.iter().enumerate() {
            for (target, part) in crate_paths(line) {
                if target == module || UTILITIES.contains(&target.as_str()) {
                    continue;
                }
                if !allowed.contains(&target.as_str()) {
                    broken.push(format!(
                        "src/{}:{}: {module} may not import {target}",
                        source.path,
                        number + 1
                    ));
                    continue;
                }
                let limited = ONLY_PARTS
                    .iter()
                    .find(|(from, to, _)| *from == module && *to == target);
                if let Some((_, _, parts)) = limited {
                    let part = part.trim_start_matches('{');
                    let names: Vec<&str> = if part.is_empty() {
                        // `use crate::store::{a, b}` on this line.
                        line.split(&format!("crate::{target}::{{"))
                            .nth(1)
                            .and_then(|g| g.split('}').next())
                            .map(|g| {
                                g.split(',')
                                    .map(|n| n.trim().split("::").next().unwrap_or(""))
                                    .collect()
                            })
                            .unwrap_or_default()
                    } else {
                        vec![part]
                    };
                    for name in names.into_iter().filter(|n| !n.is_empty() && *n != "self") {
                        if !parts.contains(&name) {
                            broken.push(format!(
                                "src/{}:{}: {module} may use only {parts:?} of {target}, not {name}",
                                source.path,
                                number + 1
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports against docs/architecture.md:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_modules_import_each_other_without_a_circle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for source in sources() {
        let module = module_of(&source.path).to_string();
        if ["cli", "app", "main", "lib"].contains(&module.as_str()) {
            continue;
        }
        let entry = graph.entry(module.clone()).or_default();
        for line in &source.lines {
            for (target, _) in crate_paths(line) {
                if target != module {
                    entry.insert(target);
                }
            }
        }
    }
    assert_eq!(circle(&graph), None);
}

#[test]
fn the_conversation_and_the_engine_have_no_import_circle_inside() {
    for (home, depth) in [("agent", 1), ("engine", 1)] {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let prefix = format!("{home}/");
        for source in sources() {
            let Some(inner) = source.path.strip_prefix(&prefix) else {
                continue;
            };
            let part = inner
                .split('/')
                .take(depth)
                .next()
                .unwrap_or(inner)
                .trim_end_matches(".rs")
                .to_string();
            if part == "mod" {
                continue;
            }
            let entry = graph.entry(part.clone()).or_default();
            let nested = inner.contains('/');
            for line in &source.lines {
                let code = line.split("//").next().unwrap_or_default();
                for target in local_targets(code, home, nested) {
                    if target != part {
                        entry.insert(target);
                    }
                }
            }
        }
        let known: BTreeSet<String> = graph.keys().cloned().collect();
        for targets in graph.values_mut() {
            targets.retain(|t| known.contains(t));
        }
        assert_eq!(circle(&graph), None, "inside {home}/");
    }
}

/// The submodules of `home` a line of one of its files names: through
/// `crate::<home>::x`, or `super::x` from a file directly under `home`.
fn local_targets(code: &str, home: &str, nested: bool) -> Vec<String> {
    let mut found = Vec::new();
    let mut names = |rest: &str| {
        if let Some(group) = rest.strip_prefix('{') {
            for item in group.split('}').next().unwrap_or_default().split(',') {
                found.push(item.trim().split("::").next().unwrap_or("").to_string());
            }
        } else {
            found.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    };
    for piece in code.split(&format!("crate::{home}::")).skip(1) {
        names(piece);
    }
    if !nested {
        for piece in code.split("super::").skip(1) {
            names(piece);
        }
    }
    found
}

/// A circle in `graph`, if there is one, as the path around it.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut around = path[at..].to_vec();
            around.push(node.to_string());
            return Some(around);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn platform_crates_stay_in_their_adapters_and_sql_in_the_store() {
    let mut broken = Vec::new();
    for source in sources() {
        for (number, line) in source.lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for (name, homes) in PLATFORM_CRATES {
                let named =
                    code.contains(&format!("{name}::")) || code.contains(&format!("use {name}"));
                if named && !homes.iter().any(|home| source.path.starts_with(home)) {
                    broken.push(format!(
                        "src/{}:{}: {name} outside {homes:?}",
                        source.path,
                        number + 1
                    ));
                }
            }
            let sql = code.contains("sqlx::query")
                || code.contains("query_as(")
                || code.contains("query_scalar(");
            if sql && !source.path.starts_with("store/") {
                broken.push(format!(
                    "src/{}:{}: SQL outside store/",
                    source.path,
                    number + 1
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_checks_above_can_fail() {
    // The reader sees imports in both forms, so the rules are not vacuous.
    assert_eq!(
        crate_paths("use crate::store::{self, audit};"),
        [("store".to_string(), "{self".to_string())]
    );
    assert_eq!(
        crate_paths("use crate::{manage, store::users};"),
        [
            ("manage".to_string(), String::new()),
            ("store".to_string(), "users".to_string())
        ]
    );
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(
        circle(&graph),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}
