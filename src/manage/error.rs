//! The one error of the use cases. Its text is written for the person who
//! asked; a store failure keeps its cause for the log and says only that
//! something went wrong.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    /// No such workflow, or one the actor may not see: the same answer, so
    /// nobody learns what others have.
    #[error("workflow #{0} was not found")]
    NotFound(i64),
    /// No such template, or another person's saved one.
    #[error("template '{0}' was not found")]
    TemplateNotFound(String),
    /// Nobody steward knows goes by that name (nor is it a full id).
    #[error(
        "I don't know anyone called '{0}': use their id (e.g. telegram:12345) or mention them"
    )]
    UnknownPerson(String),
    /// No such run, or a run of a workflow the actor may not see.
    #[error("run {0} was not found")]
    RunNotFound(i64),
    /// The actor may see it but not do this.
    #[error("{0}")]
    NotAllowed(String),
    /// The request cannot be done as asked; the sentence says why.
    #[error("{0}")]
    Invalid(String),
    /// It changed since it was read (a draft answered twice, a workflow
    /// changed by someone else since the draft).
    #[error("{0}")]
    Conflict(String),
    /// A change named the version it was made on, and the workflow has
    /// moved on since (someone else changed it).
    #[error("workflow #{id} changed since version {given}: it is at version {current}; read it again and redo the change")]
    Stale { id: i64, given: i64, current: i64 },
    /// A person's quota is used up; the sentence says which, its value and
    /// how it frees up.
    #[error("{0}")]
    OverQuota(String),
    /// A guardrail above the operator's ceiling; the sentence names both.
    #[error("{}", .0.message)]
    OverCeiling(crate::workflow::OverCeiling),
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
}

impl ManageError {
    /// The sentence for the person who asked; a store failure is logged
    /// here with its cause and never shown.
    pub fn for_user(&self) -> String {
        match self {
            ManageError::Store(error) => {
                tracing::error!(error = %error, "a use case failed in the store");
                "Something went wrong on my side; nothing was changed. Try again in a moment."
                    .into()
            }
            other => other.to_string(),
        }
    }
}
