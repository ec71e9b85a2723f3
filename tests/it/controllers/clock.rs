//! Simulated time: seconds since an epoch, advanced by the controllers' loops, never slept.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

pub struct Clock {
    epoch: DateTime<Utc>,
    now: u64,
}

impl Clock {
    /// Time 0 is 2026-11-24T10:00:00Z.
    pub fn new() -> Self {
        Clock {
            epoch: DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            now: 0,
        }
    }

    /// Seconds since the epoch.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Moves to `t`; time never goes back.
    pub fn advance_to(&mut self, t: u64) {
        assert!(t >= self.now, "time goes back: {t} < {}", self.now);
        self.now = t;
    }

    /// `secs` after the epoch, in RFC 3339.
    pub fn rfc3339(&self, secs: u64) -> String {
        (self.epoch + Duration::seconds(secs as i64)).to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

/// A Go/Kubernetes duration such as `10s`, `1m`, `1m30s` or `2h`, in seconds.
pub fn duration(text: &str) -> u64 {
    let mut total = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number
            .parse()
            .unwrap_or_else(|_| panic!("duration {text:?}"));
        number.clear();
        total += n * match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => panic!("duration {text:?}: unit {c:?} not modelled"),
        };
    }
    assert!(number.is_empty(), "duration {text:?} lacks a unit");
    total
}
