//! Helpers both readers share: duplicate-key detection while an object's members are
//! collected, and short quotations of source text for messages.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::text::TextRange;
use super::tree::Member;

/// Objects with this many members switch from a linear scan to a hash map.
const MAP_THRESHOLD: usize = 16;

/// Finds the first occurrence of a repeated key in one object. Small objects (nearly
/// all of them) are scanned; a large one builds a map once it grows past
/// [`MAP_THRESHOLD`], so reading stays linear.
#[derive(Default)]
pub(crate) struct KeyIndex<'s> {
    map: Option<FxHashMap<Cow<'s, str>, TextRange>>,
}

impl<'s> KeyIndex<'s> {
    /// Records `key` (about to be pushed after `members`) and returns the range of its
    /// first occurrence when it is a repeat. The key is a `Cow` so that the map keeps a
    /// borrowed key borrowed (cloning a `&str` would allocate).
    #[allow(clippy::ptr_arg)]
    pub(crate) fn first_of(
        &mut self,
        members: &[Member<'s>],
        key: &Cow<'s, str>,
        range: TextRange,
    ) -> Option<TextRange> {
        if let Some(map) = &mut self.map {
            return match map.get(key) {
                Some(first) => Some(*first),
                None => {
                    map.insert(key.clone(), range);
                    None
                }
            };
        }
        let found = members.iter().find(|m| m.key == *key).map(|m| m.key_range);
        if members.len() + 1 >= MAP_THRESHOLD {
            let mut map =
                FxHashMap::with_capacity_and_hasher(members.len() * 2, Default::default());
            for m in members {
                map.entry(m.key.clone()).or_insert(m.key_range);
            }
            map.entry(key.clone()).or_insert(range);
            self.map = Some(map);
        }
        found
    }
}

/// `s`, cut to `max` characters with an ellipsis, for quoting in a message.
pub(crate) fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("{}…", s.chars().take(max).collect::<String>()))
    }
}
