//! Properties of the fold over generated streams: the digest does not depend on how the stream
//! is cut into batches, a redelivered prefix changes nothing, province partitions join into
//! the whole, and a ward's running total agrees with its days.

mod common;

use common::Given;
use ehb_projection::{Projection, ReportDeadlines};
use ehb_proto::{CitizenRef, Event, Payload};
use proptest::prelude::*;

/// One generated fact: which kind, ward, citizen, day and hour.
#[derive(Debug, Clone)]
struct Fact {
    kind: u8,
    ward: usize,
    citizen: u128,
    day: u8,
    hour: u8,
}

const WARDS: [&str; 4] = ["31001", "31002", "01001", "31003"];

fn facts() -> impl Strategy<Value = Vec<Fact>> {
    prop::collection::vec(
        (0u8..6, 0usize..4, 0u128..40, 1u8..6, 0u8..24).prop_map(
            |(kind, ward, citizen, day, hour)| Fact {
                kind,
                ward,
                citizen,
                day,
                hour,
            },
        ),
        1..120,
    )
}

/// The stream messages of the facts: baselines first, then the facts (some malformed).
fn messages(facts: &[Fact]) -> Vec<(String, Vec<u8>)> {
    let mut g = Given::new();
    let mut out = Vec::new();
    for ward in WARDS.iter().take(3) {
        let e = g.event(
            "2026-03-01T07:00:00+07:00",
            ward,
            Payload::WardBaseline(ehb_proto::Baseline {
                name: None,
                residents: 1000,
                insured: 500,
                level2_accounts: 400,
                eligible: Some(250),
                groups: 3,
                facilities: 2,
                target: 400,
            }),
        );
        out.push((e.subject(), e.to_json()));
    }
    for f in facts {
        let at = format!("2026-03-{:02}T{:02}:00:00+07:00", f.day, f.hour);
        let ward = WARDS[f.ward];
        let payload = match f.kind {
            0 => Payload::AccountActivated {
                citizen: CitizenRef(f.citizen),
            },
            1 | 2 => Payload::CardIntegrated {
                citizen: CitizenRef(f.citizen),
                beneficiary: "HS".parse().ok(),
                issuer: Some(ehb_proto::Issuer::Vss),
            },
            3 => Payload::TeamFormed {
                members: Some(5),
                composition: None,
            },
            5 => Payload::WardOpening(ehb_proto::Opening {
                as_of: common::day(&format!("2026-03-{:02}", f.day)).plus(-1),
                accounts: f.citizen as u64 * 3,
                integrated: f.citizen as u64,
            }),
            _ => {
                out.push((
                    format!("ehb.v1.31.{ward}.card_integrated"),
                    b"{\"broken".to_vec(),
                ));
                continue;
            }
        };
        let mut e: Event<'static> = g.event(&at, ward, payload);
        // Teams name their group; most citizen facts name one too.
        if f.kind == 3 || (f.kind < 3 && f.citizen % 4 != 0) {
            e.group = Some(ehb_proto::Text::from(format!("{ward}-G{}", f.citizen % 3)));
        }
        out.push((e.subject(), e.to_json()));
    }
    out
}

fn fold(messages: &[(String, Vec<u8>)], cuts: &[usize]) -> Projection {
    let mut p = Projection::new(ReportDeadlines::default());
    for (i, (subject, payload)) in messages.iter().enumerate() {
        p.apply(i as u64 + 1, None, subject, payload);
        if cuts.contains(&i) {
            let _ = p.take_changes();
        }
    }
    let _ = p.take_changes();
    p
}

proptest! {
    #[test]
    fn the_digest_does_not_depend_on_how_the_stream_is_cut_into_batches(
        facts in facts(),
        cuts in prop::collection::vec(0usize..130, 0..20),
    ) {
        let messages = messages(&facts);
        let whole = fold(&messages, &[]);
        let cut = fold(&messages, &cuts);
        prop_assert_eq!(whole.digest(), cut.digest());
        prop_assert_eq!(whole.totals().messages, messages.len() as u64);
    }

    #[test]
    fn province_partitions_join_into_the_digest_of_the_whole(facts in facts()) {
        let messages = messages(&facts);
        let whole = fold(&messages, &[]);
        // Each partition folds its province's subjects and moves past the others' messages.
        let partition = |prefix: &str| {
            let mut p = Projection::new(ReportDeadlines::default());
            for (i, (subject, payload)) in messages.iter().enumerate() {
                if subject.starts_with(prefix) {
                    p.apply(i as u64 + 1, None, subject, payload);
                } else {
                    p.skip(i as u64 + 1, None);
                }
            }
            p
        };
        let (p31, p01) = (partition("ehb.v1.31."), partition("ehb.v1.01."));
        let mut joined = p31.digest_parts();
        joined.join(p01.digest_parts()).expect("disjoint provinces");
        prop_assert_eq!(&joined, &whole.digest_parts());
        prop_assert_eq!(joined.digest(), whole.digest());
        prop_assert_ne!(p31.digest(), whole.digest());
        // A province folded by two partitions is refused, not counted twice.
        prop_assert!(joined.join(p31.digest_parts()).is_err());
    }

    #[test]
    fn a_redelivered_prefix_changes_nothing(facts in facts(), upto in 0usize..130) {
        let messages = messages(&facts);
        let once = fold(&messages, &[]);
        let mut again = fold(&messages, &[]);
        let upto = upto.min(messages.len());
        for (i, (subject, payload)) in messages[..upto].iter().enumerate() {
            again.apply(i as u64 + 1, None, subject, payload);
        }
        prop_assert_eq!(once.digest(), again.digest());
        prop_assert_eq!(once.totals().messages, again.totals().messages);
    }

    #[test]
    fn a_wards_progress_by_a_day_is_the_sum_of_its_days_folded_or_restored(facts in facts()) {
        let folded = fold(&messages(&facts), &[]);
        // The same wards restored as a store restores them, every day twice (the second
        // replacing the first).
        let mut restored = Projection::new(ReportDeadlines::default());
        for (code, ward) in folded.wards_sorted() {
            restored.restore_ward(code, ward.meta.clone());
            for (day, counters) in &ward.days {
                let mut earlier = ehb_projection::DayCounters::default();
                (earlier.accounts_new, earlier.integrated_new, earlier.eligible_new) = (7, 5, 3);
                restored.restore_day(code, *day, earlier);
                restored.restore_day(code, *day, counters.clone());
            }
        }
        let days: Vec<_> = (0..9).map(|n| common::day("2026-02-27").plus(n)).collect();
        for projection in [&folded, &restored] {
            for (_, ward) in projection.wards_sorted() {
                for day in &days {
                    prop_assert_eq!(ward.progress_by(*day), ward.progress(..=*day));
                }
            }
        }
    }
}
