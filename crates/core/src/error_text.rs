//! [`with_causes`]: an error's message followed by its causes, each said once.

use std::error::Error;

/// `error`'s message and then each of its causes, `: `-separated, leaving out a cause whose
/// text the message so far already holds. Many errors quote their cause in their own message
/// and also return it as `source()` ("cannot list the directory: Not a directory"), and some
/// libraries repeat a message one level down (hyper), so walking the chain naively says things
/// twice; while some (reqwest) leave the useful part ("Connection refused") only in the chain.
pub fn with_causes(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        let message = next.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        cause = next.source();
    }
    text
}
