//! Who is asking, and what they may manage (DESIGN §6): their own
//! workflows, with an admin's view everyone's, and in a group they manage
//! the group's.

use crate::store::users::User;
use crate::workflow::Workflow;

/// The person (or operator) a use case acts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Their id, written in the audit log.
    pub id: String,
    pub admin: bool,
    /// The home chats whose workflows they manage besides their own: a prefix
    /// ending in ':' (`discord:<guild>:`) or one chat (a Telegram group).
    pub manages: Option<String>,
}

impl Actor {
    /// A person in a chat.
    pub fn user(user: &User, manages: Option<&str>) -> Actor {
        Actor {
            id: user.id.clone(),
            admin: user.is_admin(),
            manages: manages.map(str::to_string),
        }
    }

    /// The operator at the command line, who sees everything.
    pub fn operator(id: impl Into<String>) -> Actor {
        Actor {
            id: id.into(),
            admin: true,
            manages: None,
        }
    }

    /// Whether `owner` is this admin themselves: an admin's own workflows
    /// are held to no quota (a key or a role makes them one).
    pub fn owns_as_admin(&self, owner: &str) -> bool {
        self.admin && owner.trim() == self.id
    }

    /// Whether they may see and manage `workflow`.
    pub fn may_manage(&self, workflow: &Workflow) -> bool {
        workflow.owner == self.id
            || self.admin
            || self.manages.as_deref().is_some_and(|managed| {
                workflow
                    .home_chat
                    .as_deref()
                    .is_some_and(|home| in_managed(home, managed))
            })
    }
}

/// Whether chat `home` is covered by `managed`: a prefix ending in ':' covers
/// every chat under it; anything else names one chat.
pub fn in_managed(home: &str, managed: &str) -> bool {
    if managed.ends_with(':') {
        home.starts_with(managed)
    } else {
        home == managed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_managed_chat_is_exact_and_only_a_colon_prefix_covers_more() {
        assert!(in_managed("telegram:-100123", "telegram:-100123"));
        assert!(!in_managed("telegram:-1001234", "telegram:-100123"));
        assert!(in_managed("discord:7:42", "discord:7:"));
        assert!(!in_managed("discord:77:42", "discord:7:"));
    }
}
