//! Waking the loop at a slot to within a fraction of a millisecond.
//! tokio's timer counts whole milliseconds and rounds a deadline up to the
//! next one, so every run of a slot would start up to a millisecond late
//! for the timer alone. On Linux a timerfd (the kernel's high-resolution
//! timer, which tokio's reactor watches like a socket) wakes the loop when
//! the time has passed; elsewhere, or if one cannot be made, tokio's timer
//! does.

use std::time::Duration;

pub(super) struct SlotTimer {
    #[cfg(target_os = "linux")]
    fd: Option<tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>>,
}

impl SlotTimer {
    /// Inside the runtime (the reactor registers the timer).
    pub fn new() -> SlotTimer {
        SlotTimer {
            #[cfg(target_os = "linux")]
            fd: linux::timer()
                .inspect_err(|error| {
                    tracing::debug!(%error, "no timerfd; slots wake on tokio's millisecond timer")
                })
                .ok(),
        }
    }

    /// Returns once `wait` has passed. Each call sets the timer anew, so a
    /// wait dropped unfinished (the loop woke for something else) leaves
    /// nothing behind.
    pub async fn sleep(&self, wait: Duration) {
        #[cfg(target_os = "linux")]
        if let Some(fd) = &self.fd {
            if wait.is_zero() {
                return;
            }
            match linux::wait(fd, wait).await {
                Ok(()) => return,
                Err(error) => {
                    tracing::debug!(%error, "the slot timer failed; waiting on tokio's");
                }
            }
        }
        tokio::time::sleep(wait).await;
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use rustix::io::Errno;
    use rustix::time::{
        timerfd_create, timerfd_settime, Itimerspec, TimerfdClockId, TimerfdFlags,
        TimerfdTimerFlags, Timespec,
    };
    use std::os::fd::OwnedFd;
    use std::time::Duration;
    use tokio::io::unix::AsyncFd;

    pub fn timer() -> std::io::Result<AsyncFd<OwnedFd>> {
        let fd = timerfd_create(
            TimerfdClockId::Monotonic,
            TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC,
        )?;
        // SAFETY: the AsyncFd owns the OwnedFd, which stays open (the same
        // timer) until the AsyncFd is dropped.
        Ok(unsafe { AsyncFd::register_with_interest(fd, tokio::io::Interest::READABLE) }?)
    }

    pub async fn wait(fd: &AsyncFd<OwnedFd>, wait: Duration) -> std::io::Result<()> {
        let zero = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        let value = Timespec {
            tv_sec: wait.as_secs() as _,
            tv_nsec: wait.subsec_nanos() as _,
        };
        // Setting the timer also forgets expirations not yet read.
        timerfd_settime(
            fd.get_ref(),
            TimerfdTimerFlags::empty(),
            &Itimerspec {
                it_interval: zero,
                it_value: value,
            },
        )?;
        loop {
            let mut ready = fd.readable().await?;
            let mut expirations = [0u8; 8];
            match rustix::io::read(fd.get_ref(), &mut expirations) {
                Ok(_) => return Ok(()),
                // Readiness left from a timer set before this one.
                Err(Errno::AGAIN) => ready.clear_ready(),
                Err(error) => return Err(error.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn it_wakes_after_the_wait_and_close_to_it() {
        let timer = SlotTimer::new();
        // A wait abandoned half way leaves nothing for the next one.
        let _ = tokio::time::timeout(
            Duration::from_millis(1),
            timer.sleep(Duration::from_millis(3)),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        for micros in [300, 1_500, 2_250] {
            let wait = Duration::from_micros(micros);
            let began = Instant::now();
            timer.sleep(wait).await;
            let took = began.elapsed();
            assert!(took >= wait, "woke early: {took:?} for {wait:?}");
            #[cfg(target_os = "linux")]
            assert!(
                took < wait + Duration::from_millis(20),
                "woke late: {took:?} for {wait:?}"
            );
        }
        timer.sleep(Duration::ZERO).await;
    }
}
