//! The wards known to the registry: those with a `ward.baseline` in the stream. An event for a
//! ward not (yet) known is accepted and flagged, never refused.

use std::collections::HashSet;
use std::sync::RwLock;
use std::time::Duration;

use async_nats::jetstream::Context;
use async_nats::jetstream::consumer::push;
use ehb_proto::subject::{STREAM_NAME, type_filter};
use ehb_proto::{EventType, WardCode};
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

/// The set of registered wards, as read from the stream's baselines.
#[derive(Default)]
pub struct Registry {
    wards: RwLock<HashSet<WardCode>>,
}

impl Registry {
    /// Whether `ward` has a baseline.
    pub fn knows(&self, ward: WardCode) -> bool {
        self.wards
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(&ward)
    }

    /// Records that `ward` has a baseline.
    pub fn register(&self, ward: WardCode) {
        self.wards
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(ward);
    }

    /// Follows the stream's baselines (an ordered consumer filtered to them) until `cancel`,
    /// reopening it after any failure.
    pub async fn follow(&self, js: Context, cancel: CancellationToken) {
        let mut next = 1u64;
        loop {
            let read = async {
                let stream = js.get_stream(STREAM_NAME).await?;
                let consumer = stream
                    .create_consumer(push::OrderedConfig {
                        deliver_subject: js.client().new_inbox(),
                        filter_subject: type_filter(EventType::WardBaseline),
                        deliver_policy:
                            async_nats::jetstream::consumer::DeliverPolicy::ByStartSequence {
                                start_sequence: next,
                            },
                        ..Default::default()
                    })
                    .await?;
                let mut messages = consumer.messages().await?;
                while let Some(message) = messages.next().await {
                    let message = message?;
                    if let Ok(info) = message.info() {
                        next = info.stream_sequence + 1;
                    }
                    if let Ok(event) = ehb_proto::decode(&message.payload) {
                        self.register(event.ward);
                    }
                }
                Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
            };
            tokio::select! {
                outcome = read => {
                    if let Err(err) = outcome {
                        tracing::debug!(error = %err, "RegistryFollowRetry");
                    }
                }
                _ = cancel.cancelled() => return,
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = cancel.cancelled() => return,
            }
        }
    }
}
