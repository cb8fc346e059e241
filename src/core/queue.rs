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
//! strictly ([`Queue::read`]): anything but what [`Queue::write`] writes, more than [`CAP`]
//! events, or an event id twice empties the queue. The endpoint is never stored (it comes from
//! the configuration), and a stored event is at most [`MAX_EVENT`] bytes, so a forged queue can
//! neither redirect the events nor make a page send more than `CAP * MAX_EVENT` bytes.

use super::log::{self, Event};
use super::text::{parse_uint, push_uint};

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
        self.events.retain(|e| e.id != delivered && now.abs_diff(e.time) < MAX_AGE_MS);
    }

    /// Queues `event` at `now`: expired events go first; the event carries the dropped count
    /// (then zero); over [`CAP`] the oldest goes and counts as dropped. Returns the queued event;
    /// `None` when it was not queued: its id is queued already (a forged queue, or a repeated
    /// id), or it is longer than [`MAX_EVENT`] (then it counts as dropped).
    pub fn add(&mut self, event: &Event, now: u64) -> Option<&Queued> {
        self.keep(now, "");
        if self.events.iter().any(|e| e.id == event.event_id) {
            return None;
        }
        let json = log::to_json(event, self.dropped);
        if json.len() > MAX_EVENT {
            self.dropped += 1;
            return None;
        }
        self.dropped = 0;
        self.events.push(Queued { id: event.event_id.into(), time: event.time, json });
        // A queue read back holds at most CAP events, so one more is the most there can be.
        if self.events.len() > CAP {
            self.events.remove(0);
            self.dropped += 1;
        }
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
            for part in [" ", &e.id, " ", &e.json] {
                s.push_str(part);
            }
        }
        s
    }

    /// Reads what [`Queue::write`] wrote, strictly; the error says what was wrong (for the one
    /// console warning), and the caller starts from an empty queue.
    pub fn read(stored: &str) -> Result<Queue, &'static str> {
        let mut lines = stored.split('\n');
        let dropped = lines.next().and_then(|l| l.strip_prefix(HEADER)).and_then(parse_uint).ok_or("not a queue this SDK wrote")?;
        let mut q = Queue { events: Vec::new(), dropped };
        for line in lines {
            if q.events.len() == CAP {
                return Err("longer than 50 events");
            }
            let e = entry(line).ok_or("an event in it was unreadable")?;
            if q.events.iter().any(|x| x.id == e.id) {
                return Err("an event id in it was repeated");
            }
            q.events.push(e);
        }
        Ok(q)
    }
}

/// One stored event line, or `None` when anything in it is not as [`Queue::write`] writes it:
/// decimal time, an id of 1 to 64 ASCII letters and digits, an object with no control character.
fn entry(line: &str) -> Option<Queued> {
    let (time, rest) = line.split_once(' ')?;
    let (id, json) = rest.split_once(' ')?;
    let ok = (1..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && json.len() <= MAX_EVENT
        && json.starts_with("{\"type\":")
        && json.ends_with('}')
        && json.bytes().all(|b| b >= 0x20);
    let time = parse_uint(time)?;
    ok.then(|| Queued { id: id.into(), time, json: json.into() })
}
