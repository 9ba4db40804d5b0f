//! steward: a chat bot that turns plain language into workflows that run on their own.
//!
//! The module map follows DESIGN §2; each module owns one part of the house.

pub mod agent;
pub mod app;
pub mod backoff;
pub mod chat;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypt;
pub mod egress;
pub mod engine;
pub mod events;
pub mod http;
pub mod llm;
pub mod manage;
pub mod memory;
pub mod rate;
pub mod schedule;
pub mod scheduler;
pub mod store;
pub mod text;
pub mod workflow;
