//! When the watcher acts without a file event: the rebuild a batch of events waits for, a
//! failed rebuild tried again, files read again that the system could not read, the output
//! folder checked for files someone deleted, the whole folder listed again after a burst.
//! Plain values, so the order and the delays are tested without processes or notify.

use std::time::Instant;

/// What is due, in the order the watcher takes them when several are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Trigger {
    /// A batch of file events has been quiet long enough.
    Batch,
    /// The last rebuild failed.
    Retry,
    /// Files the system could not read just now.
    Reread,
    /// Files the last build published may have been deleted.
    OutputsCheck,
    /// The folder is listed whole again after rebuilds from file events.
    Reconcile,
}

/// The times at which each trigger is due; `None` when it is not pending.
#[derive(Debug, Clone, Copy)]
pub(super) struct Deadlines {
    pub(super) batch: Option<Instant>,
    pub(super) retry: Option<Instant>,
    pub(super) reread: Option<Instant>,
    pub(super) outputs_check: Instant,
    pub(super) reconcile: Option<Instant>,
}

impl Deadlines {
    fn in_order(&self) -> [(Trigger, Option<Instant>); 5] {
        [
            (Trigger::Batch, self.batch),
            (Trigger::Retry, self.retry),
            (Trigger::Reread, self.reread),
            (Trigger::OutputsCheck, Some(self.outputs_check)),
            (Trigger::Reconcile, self.reconcile),
        ]
    }

    /// The earliest deadline: how long the watcher may wait for an event.
    pub(super) fn next(&self) -> Instant {
        self.in_order()
            .into_iter()
            .filter_map(|(_, at)| at)
            .min()
            .unwrap_or(self.outputs_check)
    }

    /// The trigger due at `now`, the first in [`Trigger`]'s order when several are.
    pub(super) fn due(&self, now: Instant) -> Option<Trigger> {
        self.in_order()
            .into_iter()
            .find(|(_, at)| at.is_some_and(|at| at <= now))
            .map(|(trigger, _)| trigger)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    #[test]
    fn the_earliest_deadline_is_waited_for_and_due_ones_go_in_order() {
        let start = Instant::now();
        let deadlines = Deadlines {
            batch: Some(at(start, 300)),
            retry: Some(at(start, 100)),
            reread: None,
            outputs_check: at(start, 5000),
            reconcile: Some(at(start, 200)),
        };
        assert_eq!(deadlines.next(), at(start, 100));
        assert_eq!(deadlines.due(start), None);
        assert_eq!(deadlines.due(at(start, 150)), Some(Trigger::Retry));
        // A batch of events goes before a retry, a retry before reconciling.
        assert_eq!(deadlines.due(at(start, 400)), Some(Trigger::Batch));
        let without_batch = Deadlines {
            batch: None,
            ..deadlines
        };
        assert_eq!(without_batch.due(at(start, 400)), Some(Trigger::Retry));
    }

    #[test]
    fn the_output_check_is_always_pending() {
        let start = Instant::now();
        let deadlines = Deadlines {
            batch: None,
            retry: None,
            reread: None,
            outputs_check: at(start, 5000),
            reconcile: None,
        };
        assert_eq!(deadlines.next(), at(start, 5000));
        assert_eq!(deadlines.due(at(start, 5000)), Some(Trigger::OutputsCheck));
    }
}
