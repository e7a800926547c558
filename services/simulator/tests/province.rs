//! The default province looks like the campaign documents describe it: size, insurance share,
//! spread of rates, the rhythm of a peak month, reports and a little noise; and it is seeded.

use std::collections::BTreeMap;

use ehb_proto::{BusinessDay, ReportKind, ReportPeriod, Reporter};
use ehb_simulator::{Generated, Scenario, generate};

/// The default province, generated once for all the tests here.
fn province() -> &'static Generated {
    static PROVINCE: std::sync::LazyLock<Generated> =
        std::sync::LazyLock::new(|| generate(&Scenario::province(2026)));
    &PROVINCE
}

#[test]
fn the_default_province_has_the_campaigns_shape() {
    let g = province();
    let wards = &g.truth.wards;
    assert_eq!(wards.len(), 80);
    let residents: u64 = wards.values().map(|w| w.residents).sum();
    let insured: u64 = wards.values().map(|w| w.insured).sum();
    assert!(
        (1_700_000..=1_900_000).contains(&residents),
        "{residents} residents"
    );
    let insured_share = insured as f64 / residents as f64;
    assert!(
        (0.43..=0.49).contains(&insured_share),
        "{insured_share} insured"
    );
    let rates: Vec<f64> = wards
        .values()
        .map(|w| w.integrated as f64 / w.residents as f64)
        .collect();
    let lowest = rates.iter().copied().fold(f64::MAX, f64::min);
    let highest = rates.iter().copied().fold(0.0, f64::max);
    assert!(lowest < 0.10, "lowest rate {lowest}");
    assert!(highest > 0.45, "highest rate {highest}");
    for w in wards.values() {
        assert!(w.integrated <= w.insured, "only the insured integrate");
        let (opening_accounts, opening_integrated) = w.opening.map_or((0, 0), |(_, a, i)| (a, i));
        assert_eq!(
            opening_integrated + w.integrated_by_day.values().sum::<u64>(),
            w.integrated
        );
        assert_eq!(
            opening_accounts + w.accounts_by_day.values().sum::<u64>(),
            w.accounts
        );
        assert!(w.teams <= w.groups);
    }
}

#[test]
fn a_quarter_of_the_wards_join_with_the_pilot_s_balance() {
    let g = province();
    let before = BusinessDay::from_date(jiff::civil::date(2026, 2, 28));
    let opened: Vec<_> = g
        .truth
        .wards
        .values()
        .filter_map(|w| w.opening.map(|o| (o, w)))
        .collect();
    assert_eq!(opened.len(), 20);
    for ((as_of, accounts, integrated), w) in &opened {
        assert_eq!((*as_of, *accounts), (before, w.residents / 50));
        // The pilot's integrations, as many as the insured the campaign leaves allow.
        let events: u64 = w.integrated_by_day.values().sum();
        let room = w.insured - events;
        assert_eq!(*integrated, (w.residents / 80).min(room));
    }
    let published = g
        .messages
        .iter()
        .filter(|m| m.message.subject.ends_with(".ward_opening"))
        .count();
    assert_eq!(published, 20);
}

#[test]
fn a_peak_month_has_more_in_its_first_week_and_at_weekends() {
    let g = province();
    let mut by_day: BTreeMap<BusinessDay, u64> = BTreeMap::new();
    for w in g.truth.wards.values() {
        for (day, n) in &w.integrated_by_day {
            *by_day.entry(*day).or_default() += n;
        }
    }
    assert_eq!(by_day.len(), 31);
    let weekend = |d: &BusinessDay| {
        matches!(
            d.date().weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        )
    };
    let start = Scenario::province(2026).start;
    let mean = |pick: &dyn Fn(&BusinessDay) -> bool| {
        let days: Vec<u64> = by_day
            .iter()
            .filter(|(d, _)| pick(d))
            .map(|(_, n)| *n)
            .collect();
        days.iter().sum::<u64>() as f64 / days.len() as f64
    };
    let later = |d: &BusinessDay| d.ordinal() >= start.plus(7).ordinal();
    let first_week = mean(&|d| !later(d) && !weekend(d));
    let later_weekdays = mean(&|d| later(d) && !weekend(d));
    let later_weekends = mean(&|d| later(d) && weekend(d));
    assert!(
        first_week > later_weekdays * 1.4,
        "{first_week} vs {later_weekdays}"
    );
    assert!(
        later_weekends > later_weekdays * 1.2,
        "{later_weekends} vs {later_weekdays}"
    );
}

#[test]
fn ward_offices_file_daily_and_weekly_reports_some_late_missing_or_wrong() {
    let g = province();
    let (mut daily, mut weekly, mut late, mut wrong) = (0, 0, 0, 0);
    for w in g.truth.wards.values() {
        for (id, filed) in &w.reports {
            if id.reporter != Reporter::WardOffice {
                continue;
            }
            match id.period {
                ReportPeriod::Daily(_) => daily += 1,
                ReportPeriod::Weekly(monday) => {
                    assert_eq!(monday.date().weekday(), jiff::civil::Weekday::Monday);
                    weekly += 1;
                }
                other => panic!("no {other} reports are simulated for ward offices"),
            }
            late += usize::from(filed.late);
            wrong += usize::from(filed.wrong);
        }
    }
    // March 2026: 31 daily periods and 4 full weeks (from Mondays 2, 9, 16 and 23) per ward.
    let (daily_due, weekly_due) = (80 * 31, 80 * 4);
    let filed = daily + weekly;
    assert!(
        daily < daily_due && daily > daily_due * 9 / 10,
        "{daily} daily"
    );
    assert!(
        weekly < weekly_due && weekly > weekly_due * 8 / 10,
        "{weekly} weekly"
    );
    assert!(
        late > filed / 20 && late < filed / 5,
        "{late} late of {filed}"
    );
    assert!(
        wrong > filed / 50 && wrong < filed / 10,
        "{wrong} wrong of {filed}"
    );
}

#[test]
fn the_police_health_facilities_and_centres_file_their_own_reports() {
    let g = province();
    let mut by_reporter: BTreeMap<Reporter, Vec<ReportPeriod>> = BTreeMap::new();
    for w in g.truth.wards.values() {
        for (id, filed) in &w.reports {
            if id.reporter != Reporter::WardOffice {
                assert!(!filed.late && !filed.wrong, "{id}");
                by_reporter.entry(id.reporter).or_default().push(id.period);
            }
        }
    }
    let march = ReportPeriod::parse(ReportKind::Final, "p", "2026-03").expect("month");
    // Every ward but one in ten (8 of 80): the police's final report on March.
    assert_eq!(by_reporter[&Reporter::Police], vec![march; 72]);
    // One ward in three (27 of 80) has a facility reporting each of the 4 full weeks; one in ten
    // (8) hosts a regional centre.
    assert_eq!(by_reporter[&Reporter::HealthFacility].len(), 27 * 4);
    assert_eq!(by_reporter[&Reporter::HealthCentre].len(), 8 * 4);
    let published = |reporter: &str| {
        g.messages
            .iter()
            .filter(|m| {
                m.message.subject.ends_with(".report_filed")
                    && std::str::from_utf8(&m.message.payload)
                        .is_ok_and(|t| t.contains(&format!("\"reporter\":\"{reporter}\"")))
            })
            .count()
    };
    assert_eq!(
        (
            published("police"),
            published("health_facility"),
            published("health_centre")
        ),
        (72, 108, 32)
    );
}

#[test]
fn the_campaign_carries_a_little_noise() {
    let g = province();
    let t = &g.truth;
    let integrated = t.integrated();
    assert!(t.duplicates > integrated / 200 && t.duplicates < integrated / 50);
    assert!(t.malformed > 0 && t.malformed < t.stored / 500);
    assert!(
        t.published > t.stored,
        "some messages are re-published with the same id"
    );
    let late = g
        .messages
        .iter()
        .filter(|m| {
            serde_json::from_slice::<serde_json::Value>(&m.message.payload)
                .ok()
                .and_then(|v| v["occurred_at"].as_str().map(str::to_owned))
                .and_then(|at| ehb_proto::parse_instant("occurred_at", &at).ok())
                .is_some_and(|at| BusinessDay::of(at) < BusinessDay::of(m.publish_at))
        })
        .count();
    // Late events (2 %), and the reports filed the next day.
    assert!(
        late as u64 > t.stored / 100,
        "{late} published on a later day"
    );
}

#[test]
fn the_same_seed_gives_the_same_campaign_and_another_seed_another() {
    let small = |seed| generate(&Scenario::small(seed, 5, 20_000, 10));
    let (a, b, c) = (small(7), small(7), small(8));
    assert_eq!(a.truth, b.truth);
    assert_eq!(a.messages.len(), b.messages.len());
    assert!(
        a.messages
            .iter()
            .zip(&b.messages)
            .all(|(x, y)| x.message.payload == y.message.payload && x.publish_at == y.publish_at)
    );
    assert_ne!(a.truth, c.truth);
}
