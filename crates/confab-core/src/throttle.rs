//! Brute-force protection: failed attempts per remote address make later requests wait.
//!
//! Like Nextcloud's throttler the delay doubles with every failure in the window, and at the
//! cap the request is refused with 429 instead of waiting.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

/// Failures older than this are forgotten.
const WINDOW_SECONDS: i64 = 30 * 60;

/// How hard failures are punished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Delay after the first failure; doubles with every further one.
    pub base_delay: Duration,
    /// The longest delay; also what a refusal reports it would have waited.
    pub max_delay: Duration,
    /// From this many failures on, requests are refused outright (429).
    pub refuse_after: u32,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(25),
            refuse_after: 10,
        }
    }
}

/// What a request from an address has to do before it is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Proceed,
    Delay(Duration),
    Refuse,
}

/// (address, action) → (failures, time of the last failure).
type Failures = HashMap<(IpAddr, &'static str), (u32, i64)>;

#[derive(Debug, Default)]
pub struct Throttler {
    policy: ThrottlePolicy,
    failures: Mutex<Failures>,
}

impl Throttler {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self {
            policy,
            failures: Mutex::default(),
        }
    }

    pub fn policy(&self) -> ThrottlePolicy {
        self.policy
    }

    /// The verdict for `action` (for example `login`, `talkRoomPassword`) from `ip` at `now`.
    pub fn verdict(&self, ip: IpAddr, action: &'static str, now: i64) -> Verdict {
        let map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match map.get(&(ip, action)) {
            Some(&(count, last)) if now - last < WINDOW_SECONDS => {
                if count >= self.policy.refuse_after {
                    Verdict::Refuse
                } else {
                    let delay = self.policy.base_delay * (1 << (count - 1).min(16));
                    Verdict::Delay(delay.min(self.policy.max_delay))
                }
            }
            _ => Verdict::Proceed,
        }
    }

    /// Records a failed attempt.
    pub fn record_failure(&self, ip: IpAddr, action: &'static str, now: i64) {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = map.entry((ip, action)).or_insert((0, now));
        if now - entry.1 >= WINDOW_SECONDS {
            *entry = (0, now);
        }
        entry.0 += 1;
        entry.1 = now;
    }

    /// Forgets the failures of `ip` for `action` after a success.
    pub fn reset(&self, ip: IpAddr, action: &'static str) {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.remove(&(ip, action));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn delay_doubles_then_requests_are_refused() {
        let t = Throttler::default();
        assert_eq!(t.verdict(IP, "login", 0), Verdict::Proceed);
        t.record_failure(IP, "login", 0);
        assert_eq!(
            t.verdict(IP, "login", 1),
            Verdict::Delay(Duration::from_millis(100))
        );
        t.record_failure(IP, "login", 1);
        assert_eq!(
            t.verdict(IP, "login", 1),
            Verdict::Delay(Duration::from_millis(200))
        );
        for _ in 0..8 {
            t.record_failure(IP, "login", 2);
        }
        assert_eq!(t.verdict(IP, "login", 2), Verdict::Refuse);
        assert_eq!(t.verdict(IP, "talkRoomPassword", 2), Verdict::Proceed);
    }

    #[test]
    fn a_policy_sets_delays_and_the_cap() {
        let t = Throttler::new(ThrottlePolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(3),
            refuse_after: 4,
        });
        let mut verdicts = Vec::new();
        for _ in 0..4 {
            t.record_failure(IP, "login", 0);
            verdicts.push(t.verdict(IP, "login", 0));
        }
        assert_eq!(
            verdicts,
            [
                Verdict::Delay(Duration::from_millis(1)),
                Verdict::Delay(Duration::from_millis(2)),
                Verdict::Delay(Duration::from_millis(3)),
                Verdict::Refuse
            ]
        );
    }

    #[test]
    fn failures_expire_and_reset() {
        let t = Throttler::default();
        t.record_failure(IP, "login", 0);
        assert_eq!(t.verdict(IP, "login", WINDOW_SECONDS + 1), Verdict::Proceed);
        t.reset(IP, "login");
        assert_eq!(t.verdict(IP, "login", 1), Verdict::Proceed);
    }
}
