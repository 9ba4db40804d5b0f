//! Who and where, in steward's terms: `discord:<user id>` for a person,
//! `discord:<guild id>:<channel id>` or `discord:dm:<channel id>` for a chat
//! (its conversation and the home chat of what is created there). Delivery
//! gets the chat without its `discord:` prefix and posts to the last part.

use serenity::model::guild::Member;
use serenity::model::id::{ChannelId, GuildId, UserId};
use serenity::model::user::User;

use crate::agent::{AnswerBy, Content, Inbound};
use serenity::model::Permissions;

/// A person: `discord:<user id>`.
pub fn user(id: UserId) -> String {
    format!("discord:{id}")
}

/// A chat: `discord:<guild id>:<channel id>`, or `discord:dm:<channel id>`.
pub fn chat(guild: Option<GuildId>, channel: ChannelId) -> String {
    match guild {
        Some(guild) => format!("discord:{guild}:{channel}"),
        None => format!("discord:dm:{channel}"),
    }
}

/// The name a person goes by here: their server nickname, else their
/// display name, else their username.
pub fn display_name(user: &User, nick: Option<&str>) -> String {
    nick.or(user.global_name.as_deref())
        .unwrap_or(&user.name)
        .to_string()
}

/// What a member manages besides their own workflows (DESIGN §6): the
/// server's chats, `discord:<guild id>:`, when they may manage the server.
/// `permissions` is what Discord computed for the member in the channel of
/// an interaction; an administrator has every permission.
pub fn manages(guild: Option<GuildId>, member: Option<&Member>) -> Option<String> {
    let guild = guild?;
    let permissions = member?.permissions?;
    (permissions.contains(Permissions::MANAGE_GUILD)
        || permissions.contains(Permissions::ADMINISTRATOR))
    .then(|| format!("discord:{guild}:"))
}

/// The channel of a home chat without its `discord:` prefix
/// (`<guild id>:<channel id>` or `dm:<channel id>`): its last part.
pub fn channel_of(address: &str) -> Option<ChannelId> {
    let last = address.rsplit(':').next()?;
    last.parse::<u64>()
        .ok()
        .filter(|id| *id != 0)
        .map(ChannelId::new)
}

/// The person behind an interaction and where they are.
pub(crate) struct Who {
    pub user: String,
    pub name: String,
    pub chat: String,
    pub manages: Option<String>,
}

impl Who {
    pub fn of(
        guild: Option<GuildId>,
        channel: ChannelId,
        member: Option<&Member>,
        user: &User,
    ) -> Who {
        let nick = member.and_then(|m| m.nick.as_deref());
        Who {
            user: self::user(user.id),
            name: self::display_name(user, nick),
            chat: self::chat(guild, channel),
            manages: self::manages(guild, member),
        }
    }

    pub fn inbound(&self, content: Content) -> Inbound {
        Inbound {
            conversation: self.chat.clone(),
            user: self.user.clone(),
            user_name: Some(self.name.clone()),
            home_chat: self.chat.clone(),
            manages: self.manages.clone(),
            // An interaction's locale is a language, not a zone.
            timezone: None,
            greet_newcomer: false,
            answer_by: if self.chat.starts_with("discord:dm:") {
                AnswerBy::Words
            } else {
                AnswerBy::ButtonOrMention
            },
            content,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chats_in_servers_and_dms_name_their_channel_last() {
        let channel = ChannelId::new(222);
        let in_guild = chat(Some(GuildId::new(111)), channel);
        let in_dm = chat(None, channel);
        assert_eq!(in_guild, "discord:111:222");
        assert_eq!(in_dm, "discord:dm:222");
        for home in [in_guild, in_dm] {
            let address = home.strip_prefix("discord:").unwrap();
            assert_eq!(channel_of(address), Some(channel));
        }
    }

    #[test]
    fn an_address_without_a_channel_is_refused() {
        for address in ["", "dm:", "111:abc", "111:0", "111:-5"] {
            assert_eq!(channel_of(address), None, "{address}");
        }
    }

    #[test]
    fn only_members_who_may_manage_the_server_manage_its_workflows() {
        let member = |bits: u64| {
            let mut member = Member::default();
            member.permissions = Some(Permissions::from_bits_truncate(bits));
            member
        };
        let guild = Some(GuildId::new(7));
        let manage = member(Permissions::MANAGE_GUILD.bits());
        let admin = member(Permissions::ADMINISTRATOR.bits());
        let plain = member(Permissions::SEND_MESSAGES.bits());
        assert_eq!(manages(guild, Some(&manage)).as_deref(), Some("discord:7:"));
        assert_eq!(manages(guild, Some(&admin)).as_deref(), Some("discord:7:"));
        assert_eq!(manages(guild, Some(&plain)), None);
        assert_eq!(manages(guild, Some(&Member::default())), None);
        assert_eq!(manages(None, Some(&manage)), None);
    }
}
