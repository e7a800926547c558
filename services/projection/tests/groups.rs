//! Residential groups: each group's accounts and integrations per day, its team, and whether it
//! moved in the review's window; teams' members summed per ward and province.

mod common;

use common::{Given, day, ward};
use ehb_projection::{AverageKind, RateBasis};
use ehb_proto::{CitizenRef, Payload, ProvinceCode, TeamComposition, Text};

/// A citizen fact of `ward` naming `group` (or none).
fn fact(g: &mut Given, at: &str, ward: &str, group: Option<&str>, citizen: u128, card: bool) {
    let payload = if card {
        Payload::CardIntegrated {
            citizen: CitizenRef(citizen),
            beneficiary: None,
            issuer: None,
        }
    } else {
        Payload::AccountActivated {
            citizen: CitizenRef(citizen),
        }
    };
    let mut e = g.event(at, ward, payload);
    e.group = group.map(|g| Text::from(g.to_owned()));
    g.apply(&e);
}

fn team(g: &mut Given, at: &str, ward: &str, group: &str, composition: Option<TeamComposition>) {
    let mut e = g.event(
        at,
        ward,
        Payload::TeamFormed {
            members: None,
            composition,
        },
    );
    e.group = Some(Text::from(group.to_owned()));
    g.apply(&e);
}

/// Ward 31001 with groups A (a team of 6 on 09/03), B (no team) and C (a team of 4 on 12/03, no
/// facts); ward 31002 with a team of 5 in group D.
fn campaign() -> Given {
    let mut g = Given::new();
    g.baseline("2026-03-09T07:00:00+07:00", "31001", 1000, 600, 4);
    g.baseline("2026-03-09T07:00:00+07:00", "31002", 1000, 600, 2);
    let six = TeamComposition {
        police: 2,
        health: 1,
        organisations: 2,
        group_officials: 1,
        ..TeamComposition::default()
    };
    team(
        &mut g,
        "2026-03-09T09:00:00+07:00",
        "31001",
        "31001-A",
        Some(six),
    );
    let four = TeamComposition {
        digital: 3,
        other: 1,
        ..TeamComposition::default()
    };
    team(
        &mut g,
        "2026-03-12T09:00:00+07:00",
        "31001",
        "31001-C",
        Some(four),
    );
    g.team("2026-03-10T09:00:00+07:00", "31002", "31002-D");
    let (d10, d11, d12) = (
        "2026-03-10T10:00:00+07:00",
        "2026-03-11T10:00:00+07:00",
        "2026-03-12T10:00:00+07:00",
    );
    fact(&mut g, d10, "31001", Some("31001-A"), 1, false);
    fact(&mut g, d10, "31001", Some("31001-A"), 1, true);
    fact(&mut g, d10, "31001", Some("31001-B"), 2, true);
    fact(&mut g, d12, "31001", Some("31001-A"), 3, true);
    // The same card again, under a new id: counted once, in the group too.
    fact(&mut g, d12, "31001", Some("31001-A"), 3, true);
    fact(&mut g, d11, "31001", None, 4, true);
    fact(&mut g, d12, "31001", None, 5, false);
    g
}

#[test]
fn each_group_s_figures_team_and_progress_on_a_day() {
    let g = campaign();
    let answer = g
        .projection
        .groups(ward("31001"), Some(day("2026-03-12")))
        .expect("groups");
    assert_eq!(
        (answer.window.from, answer.window.to),
        (day("2026-03-11"), day("2026-03-12"))
    );
    assert_eq!(answer.groups_total, Some(4));
    let rows: Vec<_> = answer
        .groups
        .iter()
        .map(|r| {
            (
                r.group.as_str(),
                r.team.and_then(|t| t.members),
                r.figures.accounts.new,
                r.figures.accounts.cumulative,
                r.figures.integrated.new,
                r.figures.integrated.cumulative,
                r.figures.gain,
                r.flags.clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("31001-A", Some(6), 0, 1, 1, 2, 1, vec![]),
            (
                "31001-B",
                None,
                0,
                0,
                0,
                1,
                0,
                vec!["no_team", "no_progress"]
            ),
            ("31001-C", Some(4), 0, 0, 0, 0, 0, vec!["no_progress"]),
        ]
    );
    let a = &answer.groups[0];
    assert_eq!(a.team.map(|t| t.formed_on), Some(day("2026-03-09")));
    assert_eq!(
        a.team.and_then(|t| t.composition).map(|c| c.police),
        Some(2)
    );
    let w = answer.without_group;
    assert_eq!(
        (
            w.accounts.new,
            w.accounts.cumulative,
            w.integrated.cumulative,
            w.gain
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(
        (
            answer.totals.known,
            answer.totals.with_team,
            answer.totals.team_members,
            answer.totals.without_progress
        ),
        (3, 2, 10, 2)
    );
    // A day earlier: group C's team was not formed yet, so C is not known.
    let before = g
        .projection
        .groups(ward("31001"), Some(day("2026-03-11")))
        .expect("groups");
    let known: Vec<&str> = before.groups.iter().map(|r| r.group.as_str()).collect();
    assert_eq!(known, vec!["31001-A", "31001-B"]);
    assert_eq!(before.totals.team_members, 6);
}

#[test]
fn the_groups_add_up_to_the_ward_and_teams_to_the_province() {
    let g = campaign();
    let p = &g.projection;
    let on = Some(day("2026-03-12"));
    let answer = p.groups(ward("31001"), on).expect("groups");
    let daily = p.daily(ward("31001"), on).expect("daily");
    let integrated: u64 = answer
        .groups
        .iter()
        .map(|r| r.figures.integrated.cumulative)
        .sum::<u64>()
        + answer.without_group.integrated.cumulative;
    let accounts: u64 = answer
        .groups
        .iter()
        .map(|r| r.figures.accounts.cumulative)
        .sum::<u64>()
        + answer.without_group.accounts.cumulative;
    assert_eq!((integrated, accounts), (4, 2));
    assert_eq!(
        (daily.integrated.cumulative, daily.accounts.cumulative),
        (integrated, accounts)
    );
    assert_eq!((daily.groups.with_team, daily.groups.team_members), (2, 10));
    let summary = p
        .province_summary(
            ProvinceCode::parse("31").expect("31"),
            on,
            AverageKind::Plain,
            RateBasis::Residents,
        )
        .expect("summary");
    assert_eq!((summary.teams, summary.team_members), (3, 15));
    // The form: a row per group, one for facts without a group, and the totals.
    let table = answer.table();
    assert_eq!(table.rows.len(), 4);
    assert_eq!(table.headers.len(), table.totals.len());
    assert_eq!(answer.file_name(), "to-dan-pho-31001-2026-03-12");
    use ehb_projection::query::table::Cell;
    assert_eq!(table.totals[6], Cell::Count(4));
    assert_eq!(table.totals[2], Cell::Count(10));
    assert_eq!(table.rows[3][0], Cell::Text("Không rõ tổ".into()));
}
