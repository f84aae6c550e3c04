//! How attendees are distributed over breakout rooms.

use rand::seq::SliceRandom;

/// Automatic mode: shuffle, then the i-th attendee goes to room `i mod rooms`, so room sizes
/// differ by at most one and lower-numbered rooms take the extra attendees.
pub fn automatic<T>(mut attendees: Vec<T>, rooms: usize) -> Vec<Vec<T>> {
    attendees.shuffle(&mut rand::thread_rng());
    let mut out: Vec<Vec<T>> = (0..rooms).map(|_| Vec::new()).collect();
    for (i, attendee) in attendees.into_iter().enumerate() {
        out[i % rooms].push(attendee);
    }
    out
}

/// The index of the least-filled room (the lowest on ties): where a late joiner goes.
pub fn least_filled(sizes: &[usize]) -> Option<usize> {
    sizes
        .iter()
        .enumerate()
        .min_by_key(|(i, size)| (**size, *i))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn automatic_assigns_everyone_once_and_balances(n in 0usize..300, rooms in 1usize..40) {
            let out = automatic((0..n).collect::<Vec<_>>(), rooms);
            prop_assert_eq!(out.len(), rooms);
            let mut all: Vec<usize> = out.iter().flatten().copied().collect();
            all.sort_unstable();
            prop_assert_eq!(all, (0..n).collect::<Vec<_>>());
            let sizes: Vec<usize> = out.iter().map(Vec::len).collect();
            let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            prop_assert!(max - min <= 1);
            prop_assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "lower rooms take the extra attendees");
        }

        #[test]
        fn adding_to_the_least_filled_room_keeps_the_balance(mut sizes in prop::collection::vec(0usize..5, 1..20)) {
            let base = *sizes.iter().min().unwrap();
            for s in &mut sizes { *s = base + usize::from(*s % 2 == 0); }
            let i = least_filled(&sizes).unwrap();
            sizes[i] += 1;
            let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            prop_assert!(max - min <= 1);
        }
    }
}
