//! Deterministic generated data plus a small mutation overlay.
//!
//! Items are pure functions of (kind, owner, iid) ([`items`], [`notes`], [`hierarchy`]); the
//! [`Store`] adds the project table and the overlay of runtime changes, so even `huge` starts
//! instantly and uses little memory.

pub mod hierarchy;
pub mod items;
pub mod notes;
pub mod releases;
pub mod repo;
pub mod store;
pub mod text;
pub mod world;

pub use store::Store;
