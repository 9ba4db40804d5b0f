//! steward: a chat bot that turns plain language into workflows that run on their own.
//!
//! The module map follows DESIGN §2; each module owns one part of the house.

pub mod cli;
pub mod config;
pub mod schedule;
