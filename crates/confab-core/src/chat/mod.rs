//! Messages: the conversation history, including the system messages state changes leave.

mod model;
mod system;

pub use model::{Message, MessageType, NewMessage};
pub use system::{actor_parameter, SystemMessage};
