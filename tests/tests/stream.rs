//! Setting up the stream against a real nats-server: several processes at once, and a stream
//! whose settings drifted from the contract.

use std::time::Duration;

use ehb_e2e::NatsServer;
use ehb_eventlog::{StreamSettings, ensure_stream, stream_config};
use ehb_proto::subject::STREAM_NAME;

/// A JetStream context on its own connection, as each service has.
async fn context(url: &str) -> async_nats::jetstream::Context {
    let client = ehb_eventlog::connect_now(url, "ehb-e2e")
        .await
        .expect("connects to the test server");
    async_nats::jetstream::new(client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_processes_setting_up_the_stream_at_once_all_succeed() {
    for round in 0..30 {
        let nats = NatsServer::start();
        let mut contexts = Vec::new();
        for _ in 0..6 {
            contexts.push(context(&nats.url()).await);
        }
        let settings = StreamSettings::default();
        let answers =
            futures::future::join_all(contexts.iter().map(|js| ensure_stream(js, &settings))).await;
        for answer in &answers {
            let info = answer
                .as_ref()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert_eq!(info.config.name, STREAM_NAME);
        }
        let js = &contexts[0];
        let names: Vec<String> = futures::TryStreamExt::try_collect(js.stream_names())
            .await
            .expect("the stream names");
        assert_eq!(names, vec![STREAM_NAME.to_owned()], "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_whose_settings_drifted_is_brought_back_to_the_contract() {
    let nats = NatsServer::start();
    let js = context(&nats.url()).await;
    let settings = StreamSettings::default();
    let mut drifted = stream_config(&settings);
    drifted.duplicate_window = Duration::from_secs(60);
    js.create_stream(drifted)
        .await
        .expect("a stream created by hand");
    let info = ensure_stream(&js, &settings)
        .await
        .expect("the stream set up");
    assert_eq!(info.config.duplicate_window, settings.duplicate_window);
    let stored = js.get_stream(STREAM_NAME).await.expect("the stream");
    assert_eq!(
        stored.cached_info().config.duplicate_window,
        settings.duplicate_window
    );
    assert_ne!(settings.duplicate_window, Duration::from_secs(60));
}
