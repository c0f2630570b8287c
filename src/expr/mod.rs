//! Sub-languages embedded in ASL strings, each parsed with byte spans.

pub mod jsonata;
