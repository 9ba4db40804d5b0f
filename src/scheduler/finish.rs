//! A claimed run executing and its end recorded: result, retry, failure
//! streak, auto-pause, and the notices that go with them.

use super::*;

/// How often an executing run looks for a cancel request.
const CANCEL_POLL: Duration = Duration::from_millis(400);

impl Scheduler {
    /// Executes a claimed run under the concurrency limit and records its end.
    pub async fn execute(&self, job: Claimed) -> RunStatus {
        self.hold([job.run.id]);
        let permit = self.take_place(job.run.id, false).await;
        self.execute_started(job, permit).await
    }

    /// Takes run `id`'s place under the concurrency limit, waiting for one
    /// if none is free. Its start is stamped then if it waited here, or
    /// before (`waited`: after its claim, or claimed ahead of its slot).
    pub(super) async fn take_place(
        &self,
        id: i64,
        waited: bool,
    ) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let (permit, queued) = match Arc::clone(&self.limiter).try_acquire_owned() {
            Ok(permit) => (Some(permit), false),
            Err(_) => (Arc::clone(&self.limiter).acquire_owned().await.ok(), true),
        };
        if waited || queued {
            self.store.log().started(id, self.clock.now());
        }
        permit
    }

    /// Executes a run that holds its place under the concurrency limit
    /// (`permit`) and whose start is recorded, and records its end.
    pub(super) async fn execute_started(
        &self,
        job: Claimed,
        permit: Option<tokio::sync::OwnedSemaphorePermit>,
    ) -> RunStatus {
        self.tell(&job, RunStatus::Running);
        let started = std::time::Instant::now();
        if !job.resumed {
            let late = (self.clock.now() - job.run.scheduled_for)
                .num_milliseconds()
                .max(0);
            self.metrics.lateness().record(late as f64 / 1000.0);
        }
        // A cancel (from any process, through the store) drops the run's
        // future: its in-flight HTTP, LLM and MCP calls are aborted with it.
        let outcome = tokio::select! {
            outcome = self.engine.execute_run(&job.run, &job.workflow, job.resumed) => outcome,
            by = self.cancel_requested(job.run.id) => crate::engine::RunOutcome {
                status: RunStatus::Cancelled,
                output: None,
                error: Some(format!("cancelled by {by}")),
                usage: Default::default(),
                by_quota: false,
                quiet: false,
                answer: None,
            },
        };
        // The work is done: the next run may start while this one's end is
        // committed with the run log's next batch.
        drop(permit);
        // Runs of this slot still waiting to begin go before this one's
        // bookkeeping: its end is recorded after they have started.
        if self.to_begin.load(std::sync::atomic::Ordering::Relaxed) > 0 {
            tokio::task::yield_now().await;
        }
        let status = outcome.status;
        self.metrics
            .ended(status.as_str(), &job.run.trigger, started.elapsed());
        let finished = retry(
            BUSY_TRIES,
            BUSY_BACKOFF,
            || self.finish(&job, &outcome),
            StoreError::is_busy,
        )
        .await;
        match finished {
            Ok((notices, wake)) => {
                self.send(notices).await;
                // A follower's run may have been queued with this end
                // (a completion trigger): the loop starts it.
                if wake || (status.is_final() && self.followed(job.workflow.id).await) {
                    self.poke();
                }
            }
            Err(error) => {
                tracing::error!(%error, run = job.run.id, "could not record a run's result; its lease will expire and mark it interrupted");
            }
        }
        self.release(job.run.id);
        self.tell(&job, status);
        status
    }

    /// Tells the dashboard's live pages that `job` is now `status`.
    fn tell(&self, job: &Claimed, status: RunStatus) {
        self.events.publish(|| crate::events::RunEvent {
            run_id: job.run.id,
            workflow_id: job.workflow.id,
            owner: job.workflow.owner.clone(),
            status: status.as_str(),
        });
    }

    /// Records a run's end: result, retry, failure streak, auto-pause. Also
    /// says whether the loop should wake (a retry, a wait, or a queued run of
    /// the workflow now needs it).
    async fn finish(
        &self,
        job: &Claimed,
        outcome: &crate::engine::RunOutcome,
    ) -> Result<(Vec<Outgoing>, bool), StoreError> {
        let (run, workflow) = (&job.run, &job.workflow);
        let now = self.clock.now();
        let node = self.config.node.as_str();
        let can_queue = workflow.policies.overlap == crate::workflow::Overlap::Queue
            || workflow.policies.catchup == crate::workflow::CatchUp::All;
        if outcome.status == RunStatus::Succeeded {
            return self.finish_success(job, outcome, can_queue).await;
        }
        // Step results go through the run-log writer; they are written
        // before the run's end is.
        self.store.log().flush().await?;
        let mut tx = self.store.begin_write().await?;
        let mut notices = Vec::new();
        let mut wake = false;
        match outcome.status {
            RunStatus::Waiting => {
                runs::wait(&mut tx, run.id, node).await?;
                wake = true;
            }
            // Recorded by `finish_success`.
            RunStatus::Succeeded => {}
            // Not retried, and no failure for the streak.
            RunStatus::Cancelled => {
                let error = outcome.error.as_deref().unwrap_or("cancelled");
                let usage = &outcome.usage;
                let (id, status) = (run.id, RunStatus::Cancelled);
                if runs::finish(&mut tx, id, node, status, None, Some(error), usage, now).await? {
                    notices.push(Notice::RunFinished {
                        audience: claim::audience(workflow),
                        run_id: run.id,
                        status,
                        summary: error.to_string(),
                    });
                }
            }
            status => {
                let error = outcome.error.clone().unwrap_or_else(|| "failed".into());
                let retries = workflow.policies.retries;
                if (run.attempt as u32) <= retries && status != RunStatus::Guardrail {
                    let at = now
                        + TimeDelta::seconds(workflow.policies.backoff_seconds(run.attempt as u32));
                    wake = runs::retry_later(&mut tx, run.id, Some(node), at, status, &error, now)
                        .await?;
                } else if runs::finish(
                    &mut tx,
                    run.id,
                    node,
                    status,
                    outcome.output.as_ref(),
                    Some(&error),
                    &outcome.usage,
                    now,
                )
                .await?
                {
                    // A daily quota the owner already heard of today stops
                    // runs quietly; it is not the workflow failing.
                    if !outcome.quiet {
                        notices.push(Notice::RunFinished {
                            audience: claim::audience(workflow),
                            run_id: run.id,
                            status,
                            summary: format!("{status}: {error}"),
                        });
                    }
                    let streak = if outcome.by_quota {
                        0
                    } else {
                        let failed = (run, status, error.as_str());
                        wake |= self
                            .on_failure(&mut tx, workflow, failed, now, &mut notices)
                            .await?;
                        workflows::record_outcome(&mut tx, workflow.id, true).await?
                    };
                    if streak >= AUTO_PAUSE_AFTER {
                        notices.extend(
                            self.auto_pause(&mut tx, workflow, streak, &error, now)
                                .await?,
                        );
                    }
                }
            }
        }
        if !wake && can_queue {
            wake = runs::live_counts(&mut tx, workflow.id).await?.1 > 0;
        }
        let outgoing = outgoing::keep(&mut tx, &*self.notifier, notices, now).await?;
        tx.commit().await.map_err(|source| StoreError::Sql {
            context: "committing a run's result",
            source,
        })?;
        Ok((outgoing, wake))
    }

    /// The common case, through the run-log writer: the result, the
    /// failure-streak reset and the notice are written with other runs' in
    /// one transaction.
    async fn finish_success(
        &self,
        job: &Claimed,
        outcome: &crate::engine::RunOutcome,
        can_queue: bool,
    ) -> Result<(Vec<Outgoing>, bool), StoreError> {
        let (run, workflow) = (&job.run, &job.workflow);
        let now = self.clock.now();
        // A scheduled run that already sent its messages stays quiet, and
        // so does one whose plan chose to say nothing (a check with nothing
        // to report); one run by hand, or one that just said nothing,
        // reports its result.
        let said_nothing = outcome.usage.messages == 0 && !outcome.quiet;
        let notice = (run.trigger == "manual" || said_nothing)
            .then(|| success_notice(workflow, run.id, outcome));
        let kept = notice.as_ref().and_then(|n| self.notifier.keep(n));
        let row = kept
            .as_ref()
            .map(|k| Waiting::of(k, workflow.id, Some(run.id)));
        let finished = self
            .store
            .log()
            .succeeded(
                run.id,
                &self.config.node,
                outcome.output.as_ref(),
                &outcome.usage,
                now,
                row,
            )
            .await?;
        let mut outgoing = Vec::new();
        if let (Finished::Recorded { outbox_id }, Some(notice)) = (finished, notice) {
            let kept = kept.zip(outbox_id);
            outgoing.push(Outgoing::kept(notice, kept));
        }
        let wake = can_queue && {
            let mut conn = self.store.connection().await?;
            runs::live_counts(&mut conn, workflow.id).await?.1 > 0
        };
        Ok((outgoing, wake))
    }

    /// Resolves with who asked when run `id` is asked to stop; looks every
    /// [`CANCEL_POLL`], so a cancel from another process lands within about
    /// a second. Never resolves for a run nobody cancels.
    async fn cancel_requested(&self, id: i64) -> String {
        loop {
            tokio::time::sleep(CANCEL_POLL).await;
            // The read-only pool: the one write connection is for claims and
            // the run log.
            let asked = async {
                let mut conn = self.store.read_connection().await?;
                runs::cancel_requested(&mut conn, id).await
            }
            .await;
            match asked {
                Ok(Some(by)) => return by,
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, run = id, "could not read a run's cancel request")
                }
            }
        }
    }

    /// Whether a workflow follows workflow `id` (a failed look is logged
    /// and the loop's resync finds the run instead). While no workflow has a
    /// completion trigger, known from a look at most 5 s old (a change in
    /// this process looks again), no run asks the store.
    async fn followed(&self, id: i64) -> bool {
        let now = self.clock.now().timestamp_millis();
        use std::sync::atomic::Ordering;
        let looked = self.followers.checked_at.load(Ordering::Relaxed);
        if now - looked < 5_000 && !self.followers.any.load(Ordering::Relaxed) {
            return false;
        }
        let found = async {
            let mut conn = self.store.read_connection().await?;
            let any = workflows::any_followers(&mut conn).await?;
            self.followers.any.store(any, Ordering::Relaxed);
            self.followers.checked_at.store(now, Ordering::Relaxed);
            if !any {
                return Ok(false);
            }
            workflows::has_followers(&mut conn, id).await
        }
        .await;
        found.unwrap_or_else(|error| {
            tracing::warn!(%error, "could not look for completion triggers");
            false
        })
    }

    pub(super) async fn send(&self, outgoing: Vec<Outgoing>) {
        outgoing::send(&*self.notifier, outgoing).await;
    }
}

/// What a successful run tells its home chat.
fn success_notice(workflow: &Workflow, run_id: i64, outcome: &crate::engine::RunOutcome) -> Notice {
    let took = format!(
        "succeeded in {:.1} s",
        outcome.usage.duration_ms as f64 / 1000.0
    );
    Notice::RunFinished {
        audience: claim::audience(workflow),
        run_id,
        status: RunStatus::Succeeded,
        summary: match outcome.answer.clone() {
            Some(answer) => format!("{took}: {}", clip(&answer, 1_000)),
            None => took,
        },
    }
}
