//! CT-1 and CT-3: which cities are covered, and which shard (and so which partitions) a
//! city's cases live on. A busy city's shard may own several partitions; the case id picks one,
//! so every event of one case stays on one partition, in order.

use std::collections::BTreeMap;

use serde::Deserialize;
use uuid::Uuid;

use crate::SettingsError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityInfo {
    /// CT-1: fast return and door pickup are offered here.
    pub covered: bool,
    /// Local time (PK-1's window) as minutes ahead of UTC.
    pub utc_offset_minutes: i32,
    pub shard: String,
    /// Partner courier companies in order of preference (PK-9 tries the next).
    #[serde(default)]
    pub couriers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardInfo {
    pub partitions: Vec<i32>,
}

/// The validated map.
#[derive(Debug, Clone)]
pub struct CityMap {
    partitions: i32,
    shards: BTreeMap<String, Vec<i32>>,
    default_shard: String,
    cities: BTreeMap<String, CityInfo>,
    default_city: CityInfo,
}

impl CityMap {
    pub fn new(
        partitions: i32,
        shards: &BTreeMap<String, ShardInfo>,
        default_shard: &str,
        cities: &BTreeMap<String, CityInfo>,
    ) -> Result<Self, SettingsError> {
        check_partitions(partitions, shards)?;
        if !shards.contains_key(default_shard) {
            return Err(SettingsError::invalid(
                "default_shard",
                format!(
                    "{default_shard:?} is not a shard; known: {:?}",
                    shards.keys().collect::<Vec<_>>()
                ),
            ));
        }
        check_cities(cities, shards)?;
        Ok(CityMap {
            partitions,
            shards: shards
                .iter()
                .map(|(k, v)| (k.clone(), v.partitions.clone()))
                .collect(),
            default_shard: default_shard.to_owned(),
            cities: cities.clone(),
            default_city: CityInfo {
                covered: false,
                utc_offset_minutes: 8 * 60,
                shard: default_shard.to_owned(),
                couriers: Vec::new(),
            },
        })
    }

    pub fn partitions(&self) -> i32 {
        self.partitions
    }

    /// A city not listed is uncovered (CT-2) and lives on the default shard.
    pub fn city(&self, city: &str) -> &CityInfo {
        self.cities.get(city).unwrap_or(&self.default_city)
    }

    pub fn is_covered(&self, city: &str) -> bool {
        self.city(city).covered
    }

    pub fn shard_of(&self, city: &str) -> &str {
        &self.city(city).shard
    }

    /// CT-3: the partition every event of case `case_id` in `city` goes to.
    pub fn partition_for(&self, city: &str, case_id: Uuid) -> i32 {
        let parts = self
            .shards
            .get(self.shard_of(city))
            .or_else(|| self.shards.get(&self.default_shard))
            .map(Vec::as_slice)
            .unwrap_or(&[0]);
        let idx = (case_id.as_u128() % parts.len() as u128) as usize;
        parts.get(idx).copied().unwrap_or(0)
    }

    pub fn covered_cities(&self) -> impl Iterator<Item = &str> {
        self.cities
            .iter()
            .filter(|(_, c)| c.covered)
            .map(|(k, _)| k.as_str())
    }
}

/// Every partition of `kafka.partitions` belongs to exactly one shard (CT-3).
fn check_partitions(
    partitions: i32,
    shards: &BTreeMap<String, ShardInfo>,
) -> Result<(), SettingsError> {
    if partitions < 1 {
        return Err(SettingsError::invalid(
            "kafka.partitions",
            "must be at least 1",
        ));
    }
    let mut owner: Vec<Option<&str>> = vec![None; partitions as usize];
    for (name, shard) in shards {
        if shard.partitions.is_empty() {
            return Err(SettingsError::invalid(
                format!("shards.{name}.partitions"),
                "a shard needs at least one partition",
            ));
        }
        for &p in &shard.partitions {
            let slot = usize::try_from(p)
                .ok()
                .and_then(|i| owner.get_mut(i))
                .ok_or_else(|| {
                    SettingsError::invalid(
                        format!("shards.{name}.partitions"),
                        format!("partition {p} is outside 0..{partitions} (kafka.partitions)"),
                    )
                })?;
            if let Some(other) = slot {
                return Err(SettingsError::invalid(
                    format!("shards.{name}.partitions"),
                    format!("partition {p} already belongs to shard {other}"),
                ));
            }
            *slot = Some(name);
        }
    }
    if let Some(p) = owner.iter().position(Option::is_none) {
        return Err(SettingsError::invalid(
            "shards",
            format!("partition {p} belongs to no shard"),
        ));
    }
    Ok(())
}

/// Each city is a city code, on a known shard, and covered only with a partner courier.
fn check_cities(
    cities: &BTreeMap<String, CityInfo>,
    shards: &BTreeMap<String, ShardInfo>,
) -> Result<(), SettingsError> {
    for (city, info) in cities {
        if returns_domain::CityCode::parse(city).is_err() {
            return Err(SettingsError::invalid(
                format!("cities.{city}"),
                "city codes are lowercase letters and hyphens",
            ));
        }
        if !shards.contains_key(&info.shard) {
            return Err(SettingsError::invalid(
                format!("cities.{city}.shard"),
                format!("{:?} is not a shard", info.shard),
            ));
        }
        if info.covered && info.couriers.is_empty() {
            return Err(SettingsError::invalid(
                format!("cities.{city}.couriers"),
                "a covered city needs at least one partner courier",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> CityMap {
        let shards = BTreeMap::from([
            (
                "east".to_owned(),
                ShardInfo {
                    partitions: vec![0, 1],
                },
            ),
            (
                "rest".to_owned(),
                ShardInfo {
                    partitions: vec![2],
                },
            ),
        ]);
        let cities = BTreeMap::from([(
            "shanghai".to_owned(),
            CityInfo {
                covered: true,
                utc_offset_minutes: 480,
                shard: "east".into(),
                couriers: vec!["sf".into()],
            },
        )]);
        CityMap::new(3, &shards, "rest", &cities).unwrap()
    }

    #[test]
    fn ct_3_a_case_always_maps_to_one_partition_of_its_city_shard() {
        let m = map();
        for _ in 0..100 {
            let id = Uuid::new_v4();
            let p = m.partition_for("shanghai", id);
            assert!(p == 0 || p == 1);
            assert_eq!(p, m.partition_for("shanghai", id));
        }
        assert_eq!(m.partition_for("lhasa", Uuid::new_v4()), 2);
    }

    #[test]
    fn ct_3_every_partition_needs_exactly_one_shard() {
        let shards = BTreeMap::from([(
            "a".to_owned(),
            ShardInfo {
                partitions: vec![0],
            },
        )]);
        let err = CityMap::new(2, &shards, "a", &BTreeMap::new()).err();
        assert!(
            err.map(|e| e.to_string())
                .unwrap_or_default()
                .contains("partition 1 belongs to no shard")
        );
    }
}
