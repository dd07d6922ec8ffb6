//! Resources that tasks hold and wait on (locks, events, semaphores, queues), as libraries
//! built on the runtime declare them, so that a deadlock report can say who waits for
//! what and who holds it: "bob waits for Lock 'db' held by alice".
//!
//! | item | file | what |
//! |---|---|---|
//! | [`ResourceId`](table::ResourceId), `ResourceTable` | `table.rs` | the runtime's record of every resource a task holds or waits on |
//! | [`Resource`](api::Resource) | `api.rs` | a library's handle: "the current task now waits on / holds / released this" |

pub(crate) mod api;
pub(crate) mod table;
