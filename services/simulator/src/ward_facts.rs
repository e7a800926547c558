//! One ward's campaign as the simulator draws it: its baseline, its citizens' facts day by day,
//! its guidance teams and its linked facilities (the reports are in `reports`).

use ehb_proto::{Baseline, Beneficiary, BusinessDay, Issuer, Payload, Text, WardCode};
use jiff::SignedDuration;
use rand::Rng;

use crate::generate::{
    BENEFICIARY_MIX, Builder, WardTruth, citizen, composition_of, group_code, group_of, split,
    ward_code,
};

/// What the campaign will do in one ward, drawn when its baseline is published.
pub(crate) struct WardPlan {
    pub(crate) code: WardCode,
    pub(crate) insured: u64,
    pub(crate) groups: u32,
    pub(crate) facilities: u32,
    /// Citizens who integrate their card during the campaign.
    pub(crate) integrated: u64,
    /// Of those, the first who activate their level-2 account during the campaign too.
    pub(crate) activated_in_campaign: u64,
    /// Citizens who activate an account without integrating a card.
    pub(crate) extra_accounts: u64,
}

/// Draws the `i`-th ward's size and pace and publishes its baseline.
pub(crate) fn register_ward(b: &mut Builder<'_>, i: u32) -> (WardPlan, WardTruth) {
    let scenario = b.scenario;
    let wards = scenario.wards.max(1);
    let mean = scenario.residents as f64 / f64::from(wards);
    let code = ward_code(scenario.province, i);
    let residents = ((mean * b.rng.random_range(0.45..1.55)) as u64).max(100);
    let insured = (residents as f64 * b.rng.random_range(0.40..0.52)) as u64;
    let groups = ((residents / 600) as u32).clamp(3, 200);
    let facilities = b.rng.random_range(1..7u32);
    // Final rates spread from under 10 % to over 45 % of residents, capped by the insured.
    let rate =
        (0.06 + 0.42 * (f64::from(i) / f64::from(wards.max(2) - 1)).powf(0.9)) * scenario.pace;
    let integrated = ((residents as f64 * rate) as u64).min(insured);
    let activated_in_campaign = (integrated as f64 * b.rng.random_range(0.5..0.9)) as u64;
    let extra_accounts = (integrated as f64 * b.rng.random_range(0.05..0.15)) as u64;
    let start = scenario.start.start() + SignedDuration::from_mins(5);
    let level2_accounts = (residents as f64 * 0.55) as u64;
    // The insured who already hold an account: at least every citizen who integrates
    // without activating one in the campaign.
    let eligible = (insured as f64 * 0.55) as u64;
    let baseline = Payload::WardBaseline(Baseline {
        name: Some(Text::from(format!("Xã số {}", i + 1))),
        residents,
        insured,
        level2_accounts,
        eligible: Some(eligible),
        groups,
        facilities,
        target: (insured as f64 * 0.8) as u64,
    });
    let event = b.event("ward-office", start, code, baseline);
    b.push("ward-office", start, &event);
    let truth = WardTruth {
        residents,
        insured,
        groups: u64::from(groups),
        level2: level2_accounts,
        eligible,
        ..WardTruth::default()
    };
    let plan = WardPlan {
        code,
        insured,
        groups,
        facilities,
        integrated,
        activated_in_campaign,
        extra_accounts,
    };
    (plan, truth)
}

/// The ward's citizens' facts, day by day: accounts activated (some an hour or two before
/// their card's integration), cards integrated, accounts without a card.
pub(crate) fn citizens_day_by_day(
    b: &mut Builder<'_>,
    plan: &WardPlan,
    weights: &[f64],
    truth: &mut WardTruth,
) {
    let (scenario, code, groups) = (b.scenario, plan.code, plan.groups);
    let integrations = split(plan.integrated, weights);
    let extras = split(plan.extra_accounts, weights);
    let mut next_citizen = 0u64;
    let mut next_extra = plan.integrated;
    for (d, (n, extra)) in integrations.iter().zip(extras.iter()).enumerate() {
        let day = scenario.start.plus(d as i32);
        let mut accounts_today = 0;
        for _ in 0..*n {
            let who = citizen(scenario.seed, code, next_citizen);
            let group = group_of(scenario.seed, code, next_citizen, groups);
            let at = b.time_in_day(day);
            if next_citizen < plan.activated_in_campaign {
                let earlier = at - SignedDuration::from_mins(b.rng.random_range(5..120));
                let earlier = if BusinessDay::of(earlier) == day {
                    earlier
                } else {
                    at
                };
                b.citizen_fact(
                    "c06",
                    earlier,
                    (code, group.as_deref()),
                    Payload::AccountActivated { citizen: who },
                );
                accounts_today += 1;
                truth.eligible += 1;
                truth.count_group(group.as_deref(), (1, 0));
            }
            let (beneficiary, issuer) = pick_card(b);
            b.citizen_fact(
                "vss",
                at,
                (code, group.as_deref()),
                Payload::CardIntegrated {
                    citizen: who,
                    beneficiary,
                    issuer,
                },
            );
            truth.count_group(group.as_deref(), (0, 1));
            next_citizen += 1;
        }
        for _ in 0..*extra {
            let who = citizen(scenario.seed, code, next_extra);
            let group = group_of(scenario.seed, code, next_extra, groups);
            let at = b.time_in_day(day);
            b.citizen_fact(
                "c06",
                at,
                (code, group.as_deref()),
                Payload::AccountActivated { citizen: who },
            );
            truth.count_group(group.as_deref(), (1, 0));
            next_extra += 1;
            accounts_today += 1;
        }
        truth.integrated_by_day.insert(day, *n);
        truth.accounts_by_day.insert(day, accounts_today);
        truth.integrated += n;
        truth.accounts += accounts_today;
        truth.level2 += accounts_today;
    }
}

/// An integrated card's beneficiary code (drawn from [`BENEFICIARY_MIX`]) and issuer.
fn pick_card(b: &mut Builder<'_>) -> (Option<Beneficiary>, Option<Issuer>) {
    let pick: f64 = b.rng.random();
    let mut acc = 0.0;
    let code_pick = BENEFICIARY_MIX
        .iter()
        .find(|(_, share)| {
            acc += share;
            pick < acc
        })
        .and_then(|(c, _)| *c);
    let beneficiary = code_pick.and_then(|c| c.parse::<Beneficiary>().ok());
    let issuer = beneficiary.map(|c| {
        if c.code() == "CA" {
            Issuer::Police
        } else {
            Issuer::Vss
        }
    });
    (beneficiary, issuer)
}

/// Guidance teams in the first ten days, for most groups; the days they formed on.
pub(crate) fn form_teams(
    b: &mut Builder<'_>,
    plan: &WardPlan,
    truth: &mut WardTruth,
) -> Vec<BusinessDay> {
    let scenario = b.scenario;
    let teams = (f64::from(plan.groups) * b.rng.random_range(0.7..1.0)).round() as u32;
    let mut team_days = Vec::new();
    for g in 0..teams {
        let day = scenario
            .start
            .plus(b.rng.random_range(0..scenario.days.min(10)) as i32);
        team_days.push(day);
        let at = b.time_in_day(day);
        let members = b.rng.random_range(3..12);
        let composition = Some(composition_of(members, g));
        let payload = Payload::TeamFormed {
            members: Some(members),
            composition,
        };
        let mut event = b.event("ward-office", at, plan.code, payload);
        event.group = Some(Text::from(group_code(plan.code, g)));
        b.push("ward-office", at, &event);
        truth.team_members += u64::from(members);
    }
    truth.teams = u64::from(teams);
    team_days
}

/// Health facilities linked in the first two weeks, for most of the ward's facilities.
pub(crate) fn link_facilities(b: &mut Builder<'_>, plan: &WardPlan, truth: &mut WardTruth) {
    let scenario = b.scenario;
    let linked = (f64::from(plan.facilities) * b.rng.random_range(0.5..1.0)).round() as u32;
    for f in 0..linked {
        let day = scenario
            .start
            .plus(b.rng.random_range(0..scenario.days.min(14)) as i32);
        let at = b.time_in_day(day);
        let payload = Payload::FacilityLinked {
            facility: Text::from(format!("CS{}-{f:02}", plan.code)),
        };
        let event = b.event("health", at, plan.code, payload);
        b.push("health", at, &event);
    }
    truth.facilities = u64::from(linked);
}
