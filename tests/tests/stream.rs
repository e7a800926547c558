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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sequence_the_consumer_skips_is_asked_of_the_stream_and_moved_past_when_gone() {
    use ehb_simulator::{Scenario, generate};

    let nats = NatsServer::start();
    let publisher = ehb_e2e::publisher(&nats.url()).await;
    let messages: Vec<_> = generate(&Scenario::small(8, 2, 4_000, 5).clean())
        .outgoing()
        .into_iter()
        .take(500)
        .collect();
    let done = publisher.publish_all(messages).await.expect("published");
    assert_eq!(done.stored, 500);
    // Two messages leave the stream (as its limits, or an operator, may remove them): a consumer
    // moves over them without a word, so the projector notices the gap itself.
    let stream = publisher
        .context()
        .get_stream(STREAM_NAME)
        .await
        .expect("the stream");
    for seq in [137, 138] {
        assert!(stream.delete_message(seq).await.expect("deleted"));
    }
    let dir = tempfile::tempdir().expect("a folder");
    let store = dir.path().join("store");
    let projector = ehb_e2e::Projector::start(&nats.url(), &store).await;
    let status = projector.wait_applied(500, Duration::from_secs(60)).await;
    assert_eq!(status["events_applied"], 498);
    assert_eq!(status["rejects"], 0);
    // Reading a range (the audit's export and replay) moves past them too, in order.
    let mut read = Vec::new();
    ehb_eventlog::read_range(publisher.context(), &nats.url(), 100, 200, |m| {
        read.push(m.seq);
        true
    })
    .await
    .expect("read");
    let expected: Vec<u64> = (100..=200).filter(|s| ![137, 138].contains(s)).collect();
    assert_eq!(read, expected);
    // What both ask the stream for a gap: the messages it holds, in order, and how many it lacks.
    let gap = ehb_eventlog::read_gap(&stream, 130, 141)
        .await
        .expect("the gap read");
    let seqs: Vec<u64> = gap.messages.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, vec![130, 131, 132, 133, 134, 135, 136, 139, 140]);
    assert_eq!(gap.missing, 2);
    assert!(
        gap.messages
            .iter()
            .all(|m| m.subject.starts_with("ehb.v1.31."))
    );
    let log = std::fs::read_to_string(store.with_extension("log")).expect("the log");
    let gap: Vec<String> = log
        .lines()
        .filter(|l| l.contains("StreamGapFilled"))
        .map(ehb_e2e::without_colours)
        .collect();
    assert_eq!(gap.len(), 1, "{log}");
    let fields: Vec<&str> = gap[0].split_whitespace().collect();
    for field in ["from_seq=137", "to_seq=138", "filled=0", "missing=2"] {
        assert!(fields.contains(&field), "{field} in {}", gap[0]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_lost_with_its_server_ends_its_deliveries_and_a_range_read_resumes_after_it() {
    use ehb_simulator::{Scenario, generate};
    use futures::StreamExt;

    let mut nats = NatsServer::start();
    let publisher = ehb_e2e::publisher(&nats.url()).await;
    // More than a consumer sends ahead of its reader, so a restart leaves some unsent.
    let generated = generate(&Scenario::small(8, 4, 40_000, 5).clean());
    let stored = generated.truth.stored;
    assert!(stored > 15_000, "{stored} messages");
    let done = publisher
        .publish_all(generated.outgoing())
        .await
        .expect("published");
    assert_eq!(done.stored, stored);
    let js = publisher.context().clone();
    let stream = js.get_stream(STREAM_NAME).await.expect("the stream");
    let (mut deliveries, _consumer) =
        ehb_eventlog::open_deliveries(&js.client(), &nats.url(), &stream, None, 101)
            .await
            .expect("opened");
    for want in 101..=150 {
        let got = deliveries
            .next()
            .await
            .expect("a delivery")
            .expect("in order");
        assert_eq!(got.seq, want);
    }
    // The consumer lives in the server's memory: a restart loses it, and its deliveries end
    // with the connection they came on.
    nats.restart();
    let ended = tokio::time::timeout(Duration::from_secs(60), async {
        let mut next = 151;
        loop {
            match deliveries.next().await {
                Some(Ok(m)) => {
                    assert_eq!(m.seq, next, "what was already sent comes in order");
                    next += 1;
                }
                Some(Err(err)) => return err,
                None => panic!("the deliveries ended without saying why"),
            }
        }
    })
    .await
    .expect("the loss is noticed");
    assert!(
        matches!(ended, ehb_eventlog::DeliveryError::Lost(_)),
        "{ended}"
    );
    // A range read whose server restarts under it reopens from where it stood: every sequence
    // once, in order.
    let mut read = Vec::new();
    ehb_eventlog::read_range(&js, &nats.url(), 1, stored, |m| {
        read.push(m.seq);
        if m.seq == 200 {
            nats.restart();
        }
        true
    })
    .await
    .expect("read");
    assert_eq!(read, (1..=stored).collect::<Vec<u64>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_removed_while_its_connection_stays_up_falls_silent() {
    use ehb_simulator::{Scenario, generate};
    use futures::StreamExt;

    let nats = NatsServer::start();
    let publisher = ehb_e2e::publisher(&nats.url()).await;
    let generated = generate(&Scenario::small(9, 2, 2_000, 3).clean());
    let done = publisher
        .publish_all(generated.outgoing())
        .await
        .expect("published");
    assert!(done.stored > 100, "{} messages", done.stored);
    let js = publisher.context().clone();
    let stream = js.get_stream(STREAM_NAME).await.expect("the stream");
    let (mut deliveries, consumer) =
        ehb_eventlog::open_deliveries(&js.client(), &nats.url(), &stream, None, done.stored + 1)
            .await
            .expect("opened");
    // Nothing is left to deliver; the consumer is then removed behind the reader's back, and
    // its heartbeats stop with it.
    stream
        .delete_consumer(&consumer.cached_info().name)
        .await
        .expect("removed");
    let ended = tokio::time::timeout(Duration::from_secs(60), deliveries.next())
        .await
        .expect("the silence is noticed");
    assert!(
        matches!(ended, Some(Err(ehb_eventlog::DeliveryError::Silent(_)))),
        "{ended:?}"
    );
}
