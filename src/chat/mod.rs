//! Where people are. The platform adapters (Discord, Telegram, webhook) arrive
//! with their issues; for now notices go to the terminal and the log.

pub mod terminal;
