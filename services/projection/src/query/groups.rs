//! A ward's residential groups on a day: each group's accounts and integrations, its guidance
//! team, and whether it moved in the two-day review's window — the unit the plans organise the
//! work by.

use std::collections::BTreeMap;

use ehb_proto::{BusinessDay, ProvinceCode, TeamComposition, WardCode};
use serde::Serialize;

use super::QueryError;
use super::daily::NewAndCumulative;
use super::heading::place_and_date;
use super::review::Window;
use super::table::{Cell, ReportTable, vietnamese_date};
use crate::Projection;
use crate::ward::Ward;

/// The flags of a residential group: no guidance team formed; no integration in the review's
/// two days.
pub const GROUP_FLAGS: [&str; 2] = ["no_team", "no_progress"];

/// A ward's residential groups on a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct WardGroups {
    /// The ward.
    pub ward: WardCode,
    /// Its province.
    pub province: ProvinceCode,
    /// Its name, when a baseline gave one.
    pub name: Option<String>,
    /// The day, figures cumulative up to and including it.
    pub date: BusinessDay,
    /// The review's window (the day and the day before): a group without integrations in it
    /// made no progress.
    pub window: Window,
    /// Groups the baseline counts, when it gives them.
    pub groups_total: Option<u64>,
    /// Every group known by the day (named by a team or a fact), in code order.
    pub groups: Vec<GroupRow>,
    /// What the facts that named no group add up to.
    pub without_group: GroupFigures,
    /// The groups together.
    pub totals: GroupTotals,
}

/// One residential group's figures on the day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct GroupRow {
    /// The group's code.
    pub group: String,
    /// Its guidance team, when formed by the day.
    pub team: Option<TeamShown>,
    /// Its accounts and integrations.
    #[serde(flatten)]
    pub figures: GroupFigures,
    /// `no_team`, `no_progress` (no integration in the window).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::group_flags))]
    pub flags: Vec<&'static str>,
}

/// A guidance team as shown with its group.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TeamShown {
    /// The day it was formed.
    pub formed_on: BusinessDay,
    /// Its members, when reported.
    pub members: Option<u32>,
    /// Who they are, when reported.
    pub composition: Option<TeamComposition>,
}

/// Accounts and integrations: the day's, cumulative, and the window's.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct GroupFigures {
    /// Level-2 accounts activated.
    pub accounts: NewAndCumulative,
    /// Cards integrated.
    pub integrated: NewAndCumulative,
    /// Integrations in the window.
    pub gain: u64,
}

/// The ward's groups together.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GroupTotals {
    /// Groups known by the day.
    pub known: u64,
    /// Groups with a guidance team.
    pub with_team: u64,
    /// Their teams' members.
    pub team_members: u64,
    /// Known groups without an integration in the window.
    pub without_progress: u64,
}

impl GroupFigures {
    fn add(
        &mut self,
        day: BusinessDay,
        on: BusinessDay,
        window: Window,
        accounts: u32,
        integrated: u32,
    ) {
        let (accounts, integrated) = (u64::from(accounts), u64::from(integrated));
        self.accounts.cumulative += accounts;
        self.integrated.cumulative += integrated;
        if day == on {
            self.accounts.new += accounts;
            self.integrated.new += integrated;
        }
        if day >= window.from {
            self.gain += integrated;
        }
    }
}

impl Projection {
    /// The residential groups of `code` on `day` (default: the last day with events in its
    /// province).
    pub fn groups(
        &self,
        code: WardCode,
        day: Option<BusinessDay>,
    ) -> Result<WardGroups, QueryError> {
        let ward = self.ward(code).ok_or(QueryError::UnknownWard(code))?;
        let day = day
            .or_else(|| self.latest_day(Some(ward.meta.province)))
            .unwrap_or_else(|| BusinessDay::from_ordinal(0));
        let window = Window {
            from: day.plus(-1),
            to: day,
        };
        let (by_group, without_group) = group_figures(ward, day, window);
        let mut groups: Vec<GroupRow> = by_group
            .into_iter()
            .map(|(group, figures)| {
                let team = ward
                    .meta
                    .teams
                    .get(group)
                    .filter(|t| t.formed_on <= day)
                    .map(|t| TeamShown {
                        formed_on: t.formed_on,
                        members: t.members,
                        composition: t.composition,
                    });
                let mut flags = Vec::new();
                if team.is_none() {
                    flags.push(GROUP_FLAGS[0]);
                }
                if figures.gain == 0 {
                    flags.push(GROUP_FLAGS[1]);
                }
                GroupRow {
                    group: group.to_owned(),
                    team,
                    figures,
                    flags,
                }
            })
            .collect();
        groups.sort_by(|a, b| a.group.cmp(&b.group));
        let totals = GroupTotals {
            known: groups.len() as u64,
            with_team: ward.meta.teams_by(day),
            team_members: ward.meta.team_members_by(day),
            without_progress: groups.iter().filter(|g| g.figures.gain == 0).count() as u64,
        };
        let baseline = ward.meta.baseline.as_ref();
        Ok(WardGroups {
            ward: code,
            province: ward.meta.province,
            name: baseline.and_then(|b| b.name.clone()),
            date: day,
            window,
            groups_total: baseline.map(|b| u64::from(b.groups)),
            groups,
            without_group,
            totals,
        })
    }
}

/// Each known group's figures (every group with a team formed by `day` too, with none), and the
/// figures of the facts that named no group.
fn group_figures(
    ward: &Ward,
    day: BusinessDay,
    window: Window,
) -> (BTreeMap<&str, GroupFigures>, GroupFigures) {
    let mut by_group: BTreeMap<&str, GroupFigures> = ward
        .meta
        .teams
        .iter()
        .filter(|(_, t)| t.formed_on <= day)
        .map(|(g, _)| (g.as_str(), GroupFigures::default()))
        .collect();
    let mut without_group = GroupFigures::default();
    for (d, counters) in ward.days.range(..=day) {
        let (mut named_accounts, mut named_integrated) = (0, 0);
        for (group, counts) in counters.groups.iter() {
            by_group.entry(group).or_default().add(
                *d,
                day,
                window,
                counts.accounts_new,
                counts.integrated_new,
            );
            named_accounts += counts.accounts_new;
            named_integrated += counts.integrated_new;
        }
        without_group.add(
            *d,
            day,
            window,
            counters.accounts_new.saturating_sub(named_accounts),
            counters.integrated_new.saturating_sub(named_integrated),
        );
    }
    (by_group, without_group)
}

impl WardGroups {
    /// The form's file name, without extension: `to-dan-pho-<ward>-<date>`.
    pub fn file_name(&self) -> String {
        format!("to-dan-pho-{}-{}", self.ward, self.date)
    }

    /// The ward's groups as a report table: one row per group, the facts without a group, and
    /// the ward's totals.
    pub fn table(&self) -> ReportTable {
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| format!("Xã/phường {}", self.ward));
        let row = |group: String, team: Option<&TeamShown>, f: &GroupFigures, flags: String| {
            vec![
                Cell::Text(group),
                Cell::Text(team.map_or_else(String::new, |t| vietnamese_date(t.formed_on))),
                team.and_then(|t| t.members)
                    .map_or(Cell::Text(String::new()), |m| Cell::Count(u64::from(m))),
                Cell::Count(f.accounts.new),
                Cell::Count(f.accounts.cumulative),
                Cell::Count(f.integrated.new),
                Cell::Count(f.integrated.cumulative),
                Cell::Count(f.gain),
                Cell::Text(flags),
            ]
        };
        let mut rows: Vec<Vec<Cell>> = self
            .groups
            .iter()
            .map(|g| {
                let flags = g
                    .flags
                    .iter()
                    .map(|f| group_flag_label(f))
                    .collect::<Vec<_>>();
                row(
                    g.group.clone(),
                    g.team.as_ref(),
                    &g.figures,
                    flags.join(", "),
                )
            })
            .collect();
        rows.push(row(
            "Không rõ tổ".to_owned(),
            None,
            &self.without_group,
            String::new(),
        ));
        let all = self
            .groups
            .iter()
            .map(|g| &g.figures)
            .chain([&self.without_group]);
        let mut sum = GroupFigures::default();
        for f in all {
            sum.accounts.new += f.accounts.new;
            sum.accounts.cumulative += f.accounts.cumulative;
            sum.integrated.new += f.integrated.new;
            sum.integrated.cumulative += f.integrated.cumulative;
            sum.gain += f.gain;
        }
        let mut totals = row(
            "Tổng cộng".to_owned(),
            None,
            &sum,
            format!("{} tổ không tăng", self.totals.without_progress),
        );
        totals[1] = Cell::Count(self.totals.with_team);
        totals[2] = Cell::Count(self.totals.team_members);
        ReportTable {
            unit: name.to_uppercase(),
            dated: place_and_date(&name, self.date),
            title: "KẾT QUẢ TÍCH HỢP SỔ SỨC KHỎE ĐIỆN TỬ THEO TỔ DÂN PHỐ".to_owned(),
            lines: vec![
                format!(
                    "Đơn vị: {name} (mã {}), tỉnh/thành phố {}",
                    self.ward, self.province
                ),
                format!(
                    "Số liệu đến hết ngày {}; 2 ngày rà soát: {} – {}",
                    vietnamese_date(self.date),
                    vietnamese_date(self.window.from),
                    vietnamese_date(self.window.to)
                ),
            ],
            headers: vec![
                "Tổ dân phố / thôn",
                "Ngày thành lập Tổ hướng dẫn",
                "Số thành viên",
                "Tài khoản mức 2 trong ngày",
                "Tài khoản mức 2 lũy kế",
                "Tích hợp trong ngày",
                "Tích hợp lũy kế",
                "Tích hợp trong 2 ngày",
                "Ghi chú",
            ],
            key_columns: 1,
            rows,
            totals,
        }
    }
}

/// A group's flag in the officials' words.
fn group_flag_label(flag: &str) -> &'static str {
    match flag {
        "no_team" => "chưa có Tổ hướng dẫn",
        "no_progress" => "không tăng trong 2 ngày",
        _ => "khác",
    }
}
