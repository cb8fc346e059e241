//! The consent-log queue (README "Consent log"): every event is kept in the browser's storage
//! until its endpoint answers 2xx, so that leaving the page or a network error loses nothing.
//! At most [`CAP`] events are kept (the oldest go, counted in the next event's `dropped`), and an
//! event is kept only while its time is within [`MAX_AGE_MS`] of now. The browser only reads and
//! writes the stored text, posts what the session says and reports which ids were delivered.
//!
//! The visitor's clock is untrusted: it may have been set back or forward since an event was
//! queued. An event dated in the future is kept while it is less than [`MAX_AGE_MS`] ahead (a
//! clock a little fast, or set back a little); further ahead, like an event further behind, it
//! is dropped unsent. So no clock setting keeps an event for ever.
//!
//! Storage is untrusted too (any script of the site can write it). What it holds is read back
//! strictly ([`Queue::read`]): anything but lines of `time id JSON` under the header, more than
//! [`CAP`] events, an event over [`MAX_EVENT`] bytes or an event id twice empties the queue. The endpoint is never stored (it comes from
//! the configuration), and a stored event is at most [`MAX_EVENT`] bytes, so a forged queue can
//! neither redirect the events nor make a page send more than `CAP * MAX_EVENT` bytes.

use super::log::{self, Event};
use super::text::{cut, parse_uint, pieces, push_uint};

/// The most events kept.
pub const CAP: usize = 50;
/// How long an undelivered event is kept: 30 days. Queued events are proof of a consent given
/// then; older ones are dropped unsent.
pub const MAX_AGE_MS: u64 = 30 * 86_400_000;
/// The longest event, in bytes. A longer one is not kept (it counts as dropped).
pub const MAX_EVENT: usize = 16 * 1024;
/// The first line of the stored text, followed by the dropped count.
const HEADER: &str = "consent-gate-log/1 ";

/// One queued event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    /// `eventId`: the id the browser reports back when the event was delivered.
    pub id: String,
    /// `time` (milliseconds since 1970, the visitor's clock when it was queued).
    pub time: u64,
    /// The event, as it is sent.
    pub json: String,
}

/// The queue of undelivered events, oldest first, and how many were dropped since the last
/// event was queued (written into the next one's `dropped`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Queue {
    /// The events, oldest first; each id once.
    pub events: Vec<Queued>,
    /// Events dropped (over [`CAP`], or too long) not yet reported in a `dropped` member.
    pub dropped: u64,
}

impl Queue {
    /// Drops the event `delivered` (answered 2xx; empty: none) and every event not within
    /// [`MAX_AGE_MS`] of `now`, either side (expired ones are not counted in `dropped`: that
    /// counts what the cap pushed out).
    pub fn keep(&mut self, now: u64, delivered: &str) {
        // By index, not `retain`: its generic code is larger than one `remove`.
        let mut i = 0;
        while i < self.events.len() {
            let e = &self.events[i];
            if e.id == delivered || now.abs_diff(e.time) >= MAX_AGE_MS {
                self.events.remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// Takes the endpoint's HTTP answer (`status`) to the event `id`: a 2xx delivers it; a 4xx
    /// other than 408 (timeout) and 429 (too many requests) refuses it for good, so it leaves the
    /// queue as well and counts as dropped (sent again it would be refused again, on every page
    /// view for 30 days); any other answer keeps it for the next page.
    pub fn answered(&mut self, now: u64, id: &str, status: u64) {
        let refused = (400..500).contains(&status) && status != 408 && status != 429;
        if refused && self.holds(id) {
            self.dropped += 1;
        }
        if refused || (200..300).contains(&status) {
            self.keep(now, id);
        }
    }

    /// Whether an event with this id is queued (one search for `answered` and `read`).
    fn holds(&self, id: &str) -> bool {
        for e in &self.events {
            if e.id == id {
                return true;
            }
        }
        false
    }

    /// Queues `event` at `now`: expired events go first; the event carries the dropped count
    /// (then zero); over [`CAP`] the oldest goes and counts as dropped. Returns the queued event;
    /// `None` when it was not queued: it is longer than [`MAX_EVENT`] (then it counts as
    /// dropped). Its id is new (random, 128 bits): a stored queue with an id twice is not read.
    pub fn add(&mut self, event: &Event, now: u64) -> Option<&Queued> {
        self.keep(now, "");
        let json = log::to_json(event, self.dropped);
        if json.len() > MAX_EVENT {
            self.dropped += 1;
            return None;
        }
        self.dropped = 0;
        // A queue read back holds at most CAP events: the oldest makes room.
        if self.events.len() >= CAP {
            self.events.remove(0);
            self.dropped += 1;
        }
        self.events.push(Queued { id: event.event_id.into(), time: event.time, json });
        self.events.last()
    }

    /// The stored text: a header line with the dropped count, then one line per event: time,
    /// id, JSON. Core's JSON writer escapes every control character, so no event holds a newline.
    pub fn write(&self) -> String {
        let mut s = String::from(HEADER);
        push_uint(&mut s, self.dropped);
        for e in &self.events {
            s.push('\n');
            push_uint(&mut s, e.time);
            s.push(' ');
            s.push_str(&e.id);
            s.push(' ');
            s.push_str(&e.json);
        }
        s
    }

    /// Reads what [`Queue::write`] wrote; `None` (the caller warns once and starts from an
    /// empty queue) for anything else: another header, a line that is not `time id JSON`, more
    /// than [`CAP`] events, an event over [`MAX_EVENT`] bytes, or an id twice.
    pub fn read(stored: &str) -> Option<Queue> {
        // An empty queue in the JSON format the browser layer kept before (`{"e":[…],"d":n}`)
        // is an empty queue; one with events in it is not read (it is emptied, with the warning).
        if stored.starts_with("{\"e\":[]") {
            return Some(Queue::default());
        }
        let mut lines = pieces(stored, b'\n');
        let mut q = Queue { events: Vec::new(), dropped: parse_uint(lines.next()?.strip_prefix(HEADER)?)? };
        for line in lines {
            let (time, rest) = cut(line, b' ')?;
            let (id, json) = cut(rest, b' ')?;
            let time = parse_uint(time)?;
            if q.events.len() == CAP || json.len() > MAX_EVENT || q.holds(id) {
                return None;
            }
            q.events.push(Queued { id: id.into(), time, json: json.into() });
        }
        Some(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::log::read;
    use crate::core::record::{Choice, Method, Source};
    use crate::core::signals::{Dnt, Gpc, Signals};
    use serde_json::Value;

    const NOW: u64 = 1_800_000_000_000;
    const DAY: u64 = 86_400_000;

    fn id(n: usize) -> String {
        format!("{n:032x}")
    }

    /// A decision event with id `n`, made at `time`.
    fn add(q: &mut Queue, n: usize, time: u64) -> Option<Queued> {
        let choices = [Choice { category: "necessary".into(), granted: true, source: Source::Default }];
        let id = id(n);
        let event = Event {
            pageview: false,
            event_id: &id,
            record_id: Some("r1"),
            browser_id: "r1",
            time,
            revision: "1",
            notice_hash: "",
            choices: &choices,
            signals: Signals { dnt: Dnt::Unset, gpc: Gpc::Absent },
            language: "en",
            method: Some(Method::Banner),
            path: Some("/"),
        };
        q.add(&event, time).cloned()
    }

    fn dropped_member(e: &Queued) -> Option<u64> {
        serde_json::from_str::<Value>(&e.json).unwrap().get("dropped").map(|d| d.as_u64().unwrap())
    }

    #[test]
    fn the_cap_keeps_the_newest_50_and_every_drop_is_reported_once() {
        // (events queued, how many stay, the oldest that stays): each event pushed out is counted
        // in the `dropped` of the next event queued, once, also across a page (storage).
        for (n, kept, oldest) in [(1, 1, 0), (49, 49, 0), (50, 50, 0), (51, 50, 1), (52, 50, 2), (120, 50, 70)] {
            let mut q = Queue::default();
            let mut reported = 0;
            for i in 0..n {
                reported += dropped_member(&add(&mut q, i, NOW + i as u64).unwrap()).unwrap_or(0);
            }
            assert_eq!(q.events.len(), kept, "{n} events");
            assert_eq!(q.events[0].id, id(oldest), "{n} events");
            let mut q = Queue::read(&q.write()).unwrap();
            let next = add(&mut q, 1000, NOW + 1000).unwrap();
            reported += dropped_member(&next).unwrap_or(0);
            // Only the newest drop was not yet reported: the next event carries it.
            assert_eq!(dropped_member(&next), (n > 50).then_some(1), "{n} events");
            assert_eq!(reported, (n as u64).saturating_sub(50), "{n} events: every drop reported once");
            // This one pushed one out if the queue was full: only that is pending now.
            assert_eq!(q.dropped, u64::from(n >= 50), "{n} events");
        }
    }

    #[test]
    fn dropped_is_reported_in_one_event_then_reset() {
        let mut q = Queue::default();
        for i in 0..50 {
            add(&mut q, i, NOW);
        }
        q.dropped = 3; // as a page that lost 3 events and then closed left it
        q.keep(NOW, &id(10));
        // One delivered: room again, so this one pushes nothing out and reports the 3 only.
        let e = add(&mut q, 100, NOW).unwrap();
        assert_eq!(dropped_member(&e), Some(3));
        assert_eq!(q.dropped, 0);
        assert_eq!(dropped_member(&add(&mut q, 101, NOW).unwrap()), None);
        // The event that carries it is a valid event for the receiver.
        let got = read::parse(e.json.as_bytes()).unwrap();
        assert_eq!(got.event_id, id(100));
    }

    #[test]
    fn events_are_kept_for_30_days_either_side_of_the_clock() {
        // (event time relative to now, kept): the visitor's clock may go forward (the event looks
        // old) or back (the event looks dated in the future).
        let cases: [(i64, bool); 8] = [
            (0, true),
            (-(29 * DAY as i64), true),
            (-(30 * DAY as i64) + 1, true),
            (-(30 * DAY as i64), false),
            (-(400 * DAY as i64), false),
            (30 * DAY as i64 - 1, true),
            (30 * DAY as i64, false),
            (400 * DAY as i64, false),
        ];
        for (offset, kept) in cases {
            let mut q = Queue::default();
            add(&mut q, 1, NOW.wrapping_add_signed(offset));
            // The clock now reads NOW: a later step (a delivery, a new event, the next page).
            q.keep(NOW, "");
            assert_eq!(q.events.len(), usize::from(kept), "event at now{offset:+}ms");
            let mut q = Queue::read(&{
                let mut q = Queue::default();
                add(&mut q, 1, NOW.wrapping_add_signed(offset));
                q.write()
            })
            .unwrap();
            add(&mut q, 2, NOW);
            assert_eq!(q.events.iter().any(|e| e.id == id(1)), kept, "event at now{offset:+}ms, then a new one");
            // Expiry is not a drop for the cap: nothing is reported.
            assert_eq!(dropped_member(q.events.last().unwrap()), None);
        }
    }

    #[test]
    fn a_delivery_removes_only_that_event() {
        let mut q = Queue::default();
        for i in 0..3 {
            add(&mut q, i, NOW);
        }
        q.keep(NOW, &id(1));
        assert_eq!(q.events.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), [id(0), id(2)]);
        q.keep(NOW, &id(7));
        assert_eq!(q.events.len(), 2, "an unknown id changes nothing");
    }

    #[test]
    fn a_stored_queue_with_an_id_twice_is_not_read() {
        let mut q = Queue::default();
        assert!(add(&mut q, 5, NOW).is_some());
        // A stored queue with an id twice is forged or broken.
        let line = q.write().lines().nth(1).unwrap().to_owned();
        assert_eq!(Queue::read(&format!("{}\n{line}", q.write())), None);
    }

    #[test]
    fn storage_round_trips() {
        let mut q = Queue::default();
        for i in 0..52 {
            add(&mut q, i, NOW + i as u64);
        }
        q.keep(NOW, &id(20));
        assert_eq!(Queue::read(&q.write()), Some(q.clone()));
        assert_eq!(Queue::read(&Queue::default().write()), Some(Queue::default()));
        // What the earlier JSON queue left after delivering everything: no warning for every
        // returning visitor.
        for empty in [r#"{"e":[],"d":0}"#, r#"{"e":[]}"#] {
            assert_eq!(Queue::read(empty), Some(Queue::default()));
        }
    }

    #[test]
    fn storage_is_read_strictly() {
        let mut q = Queue::default();
        add(&mut q, 1, NOW);
        let good = q.write();
        let (head, line) = good.split_once('\n').unwrap();
        let full = {
            let mut q = Queue::default();
            for i in 0..50 {
                add(&mut q, i, NOW);
            }
            q.write()
        };
        let big = format!("{NOW} {} {{\"type\":\"{}\"}}", id(1), "x".repeat(MAX_EVENT));
        let cases: Vec<(&str, String)> = vec![
            ("empty", String::new()),
            ("an earlier SDK's JSON queue with events", r#"{"e":["{\"type\":\"pageview\"}"],"d":0}"#.into()),
            ("another header", good.replacen("consent-gate-log/1", "consent-gate-log/2", 1)),
            ("a negative dropped count", good.replacen("/1 0", "/1 -1", 1)),
            ("a blank line", format!("{good}\n")),
            ("no time", format!("{head}\n{}", line.split_once(' ').unwrap().1)),
            ("a time that is not a number", format!("{head}\nsoon {}", line.split_once(' ').unwrap().1)),
            ("no id", format!("{head}\n{NOW} {}", q.events[0].json.replace(' ', ""))),
            ("an event over the size limit", format!("{head}\n{big}")),
            ("51 events", format!("{full}\n{NOW} {} {}", id(99), q.events[0].json)),
        ];
        for (what, stored) in cases {
            assert!(Queue::read(&stored).is_none(), "{what}: {stored:.200}");
        }
        // What a forged queue can do: a line in the format is sent as it is (whatever its JSON
        // says: the receiver validates each event), to the configured endpoint only, at most 50
        // of at most 16 KB.
        assert!(Queue::read(&good).is_some());
    }

    #[test]
    fn an_event_too_long_to_store_is_not_queued_and_counts_as_dropped() {
        let choices = [Choice { category: "c".repeat(MAX_EVENT), granted: true, source: Source::User }];
        let event = Event {
            pageview: true,
            event_id: "0",
            record_id: None,
            browser_id: "b",
            time: NOW,
            revision: "1",
            notice_hash: "",
            choices: &choices,
            signals: Signals { dnt: Dnt::Unset, gpc: Gpc::Absent },
            language: "en",
            method: None,
            path: None,
        };
        let mut q = Queue::default();
        assert!(q.add(&event, NOW).is_none());
        assert_eq!((q.events.len(), q.dropped), (0, 1));
        assert_eq!(dropped_member(&add(&mut q, 1, NOW).unwrap()), Some(1));
    }
}
