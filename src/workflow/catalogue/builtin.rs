//! The built-in catalogue: useful workflows with `{{KEY:name}}` placeholders.
//! Each one is instantiated with its examples by a test and checked the way
//! `POST /api/v1/workflows` checks a definition.

use serde_json::{json, Value};

use super::{PlaceholderSpec, Template};

/// A placeholder of a built-in template.
fn slot(
    name: &str,
    description: &str,
    example: &str,
    required: bool,
    secret: bool,
) -> PlaceholderSpec {
    PlaceholderSpec {
        name: name.into(),
        description: description.into(),
        example: example.into(),
        required,
        secret,
        default: None,
    }
}

/// An optional placeholder that falls back to `default`.
fn optional(name: &str, description: &str, example: &str, default: &str) -> PlaceholderSpec {
    PlaceholderSpec {
        default: Some(default.into()),
        ..slot(name, description, example, false, false)
    }
}

struct Entry {
    id: &'static str,
    name: &'static str,
    category: &'static str,
    description: &'static str,
    schedule: &'static str,
    instruction: &'static str,
    steps: Value,
    placeholders: Vec<PlaceholderSpec>,
}

impl From<Entry> for Template {
    fn from(e: Entry) -> Template {
        Template {
            id: e.id.into(),
            name: e.name.into(),
            description: e.description.into(),
            category: e.category.into(),
            owner: None,
            schedule: e.schedule.into(),
            timezone: None,
            instruction: Some(e.instruction.into()),
            steps: e.steps,
            guardrails: Default::default(),
            placeholders: e.placeholders,
        }
    }
}

/// An agent step with the default tools.
fn agent(id: &str, instruction: &str) -> Value {
    json!({ "id": id, "type": "agent", "instruction": instruction,
            "tools": ["http_request", "send_message", "workflow_runs"] })
}

/// Every built-in template, in the order they are listed.
pub(super) fn all() -> Vec<Template> {
    [first_four(), watches(), routines()]
        .into_iter()
        .flatten()
        .map(Template::from)
        .collect()
}

/// The first four: website monitor, API health check, stand-up reminder,
/// weekly summary.
fn first_four() -> Vec<Entry> {
    let url = |what: &str| slot("URL", what, "https://example.com", true, false);
    vec![
        Entry {
            id: "website-monitor",
            name: "Website monitor",
            category: "monitoring",
            description: "Checks a web address on a schedule and tells you when it does not answer with a 2xx status.",
            schedule: "every 5 minutes",
            instruction: "check {{KEY:URL}} and tell me if it is down",
            steps: json!([
                { "id": "check", "type": "http", "method": "GET", "url": "{{KEY:URL}}", "timeout_seconds": 30 },
                { "id": "down", "type": "condition",
                  "if": { "left": "${steps.check.output.ok}", "op": "eq", "right": false },
                  "then": [{ "id": "alert", "type": "message",
                             "text": "{{KEY:URL}} looks down: HTTP ${steps.check.output.status}" }] }
            ]),
            placeholders: vec![url("The address to check")],
        },
        Entry {
            id: "api-health-check",
            name: "API health check",
            category: "monitoring",
            description: "Calls an API endpoint with a bearer token and tells you when it fails.",
            schedule: "every 15 minutes",
            instruction: "call {{KEY:URL}} with my API token and tell me if it fails",
            steps: json!([
                { "id": "call", "type": "http", "method": "GET", "url": "{{KEY:URL}}",
                  "headers": { "Authorization": "Bearer {{KEY:API_TOKEN}}" }, "timeout_seconds": 30 },
                { "id": "failed", "type": "condition",
                  "if": { "left": "${steps.call.output.ok}", "op": "eq", "right": false },
                  "then": [{ "id": "alert", "type": "message",
                             "text": "{{KEY:URL}} failed: HTTP ${steps.call.output.status}" }] }
            ]),
            placeholders: vec![
                url("The endpoint to call, e.g. a health route"),
                slot("API_TOKEN", "The bearer token the API expects", "s3cr3t-t0ken", true, true),
            ],
        },
        Entry {
            id: "standup-reminder",
            name: "Daily stand-up reminder",
            category: "reminders",
            description: "Reminds the chat of the daily stand-up with its link.",
            schedule: "every weekday at 9:25",
            instruction: "remind me of the stand-up at {{KEY:MEETING_URL}}",
            steps: json!([{ "id": "remind", "type": "message",
                "text": "Stand-up in 5 minutes: {{KEY:MEETING_URL}} — {{KEY:AGENDA}}" }]),
            placeholders: vec![
                slot("MEETING_URL", "Where the stand-up happens", "https://meet.example.com/standup", true, false),
                optional("AGENDA", "A line to add", "blockers first today", "yesterday, today, blockers"),
            ],
        },
        Entry {
            id: "weekly-summary",
            name: "Weekly summary",
            category: "reports",
            description: "The agent writes a short summary of the week's runs and what they found (needs an LLM).",
            schedule: "every friday at 16:00",
            instruction: "write me a weekly summary about {{KEY:TOPIC}}",
            steps: json!([agent("summary",
                "Write a short weekly summary about {{KEY:TOPIC}}: use workflow_runs to see what my workflows did this week (successes, failures, anything they reported), then send it to me in at most 10 bullet points.")]),
            placeholders: vec![optional("TOPIC", "What the summary is about", "the website and the backups", "my workflows")],
        },
    ]
}

/// Feeds, certificates, releases and pages that change.
fn watches() -> Vec<Entry> {
    vec![
        Entry {
            id: "rss-digest",
            name: "RSS digest",
            category: "digests",
            description: "Reads an RSS or Atom feed every morning and sends a digest of what is new (needs an LLM).",
            schedule: "every day at 8:00",
            instruction: "send me a digest of the new items of {{KEY:FEED_URL}}",
            steps: json!([
                { "id": "feed", "type": "http", "method": "GET", "url": "{{KEY:FEED_URL}}", "timeout_seconds": 30 },
                agent("digest", "This is the RSS or Atom feed {{KEY:FEED_URL}}:\n${steps.feed.output.body}\nSend me a digest of the items published in the last day, at most {{KEY:MAX_ITEMS}}: each with its title, its link and one line on what it is. If nothing is new, send nothing.")
            ]),
            placeholders: vec![
                slot("FEED_URL", "The feed's address", "https://blog.rust-lang.org/feed.xml", true, false),
                optional("MAX_ITEMS", "The most items in one digest", "5", "10"),
            ],
        },
        Entry {
            id: "tls-certificate-expiry",
            name: "TLS certificate expiry check",
            category: "monitoring",
            description: "Asks SSL Labs about a host's certificate every Monday and warns you before it expires (needs an LLM).",
            schedule: "every monday at 9:00",
            instruction: "warn me when the TLS certificate of {{KEY:HOST}} expires within {{KEY:DAYS}} days",
            steps: json!([
                { "id": "report", "type": "http", "method": "GET",
                  "url": "https://api.ssllabs.com/api/v3/analyze?host={{KEY:HOST}}&fromCache=on&maxAge=24",
                  "timeout_seconds": 60 },
                agent("expiry", "This is SSL Labs' report on {{KEY:HOST}}:\n${steps.report.output.body}\nIts certificates' notAfter is in milliseconds since 1970 and this run is for ${run.scheduled_for}. If a certificate expires within {{KEY:DAYS}} days, or the report shows an error, message me the host and the expiry date. Otherwise send nothing.")
            ]),
            placeholders: vec![
                slot("HOST", "The host name, without https://", "example.com", true, false),
                optional("DAYS", "How many days ahead to warn", "14", "21"),
            ],
        },
        Entry {
            id: "github-release-watch",
            name: "GitHub release watch",
            category: "watches",
            description: "Tells you when a GitHub repository publishes a new release (needs an LLM to compare with the last run).",
            schedule: "every day at 10:00",
            instruction: "tell me when {{KEY:REPO}} publishes a new release",
            steps: json!([
                { "id": "release", "type": "http", "method": "GET",
                  "url": "https://api.github.com/repos/{{KEY:REPO}}/releases/latest",
                  "headers": { "Accept": "application/vnd.github+json",
                               "Authorization": "Bearer {{KEY:GITHUB_TOKEN}}" },
                  "timeout_seconds": 30 },
                agent("compare", "The latest release of {{KEY:REPO}} is ${steps.release.output.body.tag_name} (${steps.release.output.body.html_url}). Use workflow_runs to find the tag the previous run saw. If it differs, or there is no previous run, message me the new tag, its name and link. Otherwise send nothing.")
            ]),
            placeholders: vec![
                slot("REPO", "The repository as owner/name", "rust-lang/rust", true, false),
                slot("GITHUB_TOKEN", "A GitHub token that can read the repository (a fine-grained token with no extra permissions is enough for public ones)", "github_pat_11AAAAAAA0example", true, true),
            ],
        },
        Entry {
            id: "page-change-watch",
            name: "Price or page change watch",
            category: "watches",
            description: "Reads a page every few hours and tells you when the part you care about (a price, a status) changed (needs an LLM).",
            schedule: "every 6 hours",
            instruction: "tell me when {{KEY:WHAT}} on {{KEY:PAGE_URL}} changes",
            steps: json!([
                { "id": "page", "type": "http", "method": "GET", "url": "{{KEY:PAGE_URL}}", "timeout_seconds": 30 },
                agent("compare", "This is {{KEY:PAGE_URL}} now:\n${steps.page.output.body}\nFind {{KEY:WHAT}} in it and say it in your answer. Use workflow_runs to see what the previous run found. If it changed, message me what it was and what it is now. Otherwise send nothing.")
            ]),
            placeholders: vec![
                slot("PAGE_URL", "The page to watch", "https://shop.example.com/item/42", true, false),
                optional("WHAT", "What to compare on the page", "the price", "the main content"),
            ],
        },
    ]
}

/// Backups, dates, hand-offs and check-ins.
fn routines() -> Vec<Entry> {
    vec![
        Entry {
            id: "backup-freshness",
            name: "Backup freshness check",
            category: "monitoring",
            description: "Reads a backup status endpoint every morning and warns you when the newest backup is too old.",
            schedule: "every day at 7:00",
            instruction: "warn me when the newest backup at {{KEY:STATUS_URL}} is older than {{KEY:MAX_AGE_HOURS}} hours",
            steps: json!([
                { "id": "status", "type": "http", "method": "GET", "url": "{{KEY:STATUS_URL}}", "timeout_seconds": 30 },
                { "id": "unreachable", "type": "condition",
                  "if": { "left": "${steps.status.output.ok}", "op": "eq", "right": false },
                  "then": [{ "id": "alert", "type": "message",
                             "text": "The backup status at {{KEY:STATUS_URL}} answered HTTP ${steps.status.output.status}" }],
                  "else": [agent("age", "The backup status at {{KEY:STATUS_URL}} says:\n${steps.status.output.body}\nThis run is for ${run.scheduled_for}. If the newest backup in it is older than {{KEY:MAX_AGE_HOURS}} hours, or it names none, message me when the last one was. Otherwise send nothing.")] }
            ]),
            placeholders: vec![
                slot("STATUS_URL", "An address that answers with the last backup's time (JSON or text)", "https://backup.example.com/status.json", true, false),
                optional("MAX_AGE_HOURS", "How old the newest backup may be", "26", "26"),
            ],
        },
        Entry {
            id: "birthday-reminder",
            name: "Birthday or anniversary reminder",
            category: "reminders",
            description: "Reminds you every year of someone's birthday or an anniversary.",
            schedule: "every year on {{KEY:DATE}} at 9:00",
            instruction: "remind me of {{KEY:PERSON}}'s {{KEY:OCCASION}}",
            steps: json!([{ "id": "remind", "type": "message",
                "text": "Today is {{KEY:PERSON}}'s {{KEY:OCCASION}}!" }]),
            placeholders: vec![
                slot("PERSON", "Whose day it is", "Alex", true, false),
                slot("DATE", "The day, as month and day", "march 14th", true, false),
                optional("OCCASION", "birthday, anniversary, name day…", "wedding anniversary", "birthday"),
            ],
        },
        Entry {
            id: "oncall-handoff",
            name: "On-call hand-off note",
            category: "team",
            description: "Every Monday morning the agent writes the on-call hand-off: last week's failed runs and open approvals, and where the runbook is (needs an LLM).",
            schedule: "every monday at 9:00",
            instruction: "write the on-call hand-off note for {{KEY:TEAM}}",
            steps: json!([agent("handoff", "Write the on-call hand-off note for {{KEY:TEAM}}: use workflow_runs to list last week's failed runs and runs still waiting for approval, one line each with the workflow and when. End with: 'Runbook: {{KEY:RUNBOOK_URL}}'. Send it to me.")]),
            placeholders: vec![
                slot("TEAM", "The team or rotation", "platform team", true, false),
                slot("RUNBOOK_URL", "Where the runbook lives", "https://wiki.example.com/oncall", true, false),
            ],
        },
        Entry {
            id: "daily-check-in",
            name: "Daily check-in",
            category: "reminders",
            description: "A message at the end of every weekday with the question you want to answer.",
            schedule: "every weekday at 17:30",
            instruction: "ask me {{KEY:QUESTION}}",
            steps: json!([{ "id": "ask", "type": "message", "text": "{{KEY:QUESTION}}" }]),
            placeholders: vec![optional("QUESTION", "What to ask", "Did you log your hours?", "What did you get done today?")],
        },
    ]
}
