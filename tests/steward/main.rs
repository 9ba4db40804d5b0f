//! steward's integration tests, compiled as one binary (CONVENTIONS: tests read
//! as sentences; helpers in `helpers.rs`).

mod api_client;
mod api_generate_tools;
mod api_schema;
mod fake_http;
mod fake_openai;
mod fake_telegram;
mod helpers;

mod agent_approval_serve;
mod api_actions;
mod api_keys;
mod api_openapi;
mod api_pages;
mod api_runs;
mod api_stats_audit;
mod api_templates;
mod api_workflows;
mod architecture;
mod chat_api;
mod chat_api_auth;
mod chat_api_ids;
mod chat_api_keys;
mod chat_callbacks;
mod chat_delivery;
mod chat_llm;
mod chat_llm_cost;
mod chat_llm_limits;
mod chat_llm_reading;
mod chat_offline;
mod chat_outbox;
mod chat_schedule_talk;
mod chat_secrets;
mod chat_telegram;
mod chat_telegram_flood;
mod chat_templates;
mod chat_time_zone;
mod cli_admin;
mod cli_chat;
mod cli_edges;
mod cli_schedule;
mod engine_agent;
mod engine_agent_limits;
mod engine_egress;
mod engine_steps;
mod http_limits;
mod limits_ceilings;
mod limits_quotas;
mod llm_openai;
mod llm_openai_limits;
mod mcp;
mod schedule_bad_input;
mod schedule_calendar_edges;
mod schedule_corpus;
mod schedule_corpus_phrases;
mod schedule_dst;
mod schedule_ocps;
mod schedule_phrases;
mod schedule_properties;
mod scheduler_outbox;
mod scheduler_simulated;
mod serve_health;
mod serve_metrics;
mod serve_process;
mod sizes;
mod store_backup;
mod store_encryption;
mod store_faults;
mod store_migrations;

// Discord: the adapter's tests, and Discord's side (REST server, gateway,
// payloads) they run against.
mod chat_discord;
mod discord_payloads;
mod fake_discord;
mod fake_discord_gateway;
