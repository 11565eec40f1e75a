//! A whole number as JSON may write it: `5` or `5.0`. JSON Schema's `integer` admits both, so
//! a body the documents allow is read whichever way its sender wrote the number.

use serde::de::{self, Deserializer, Visitor};

/// A whole number in range of `T` (`#[serde(deserialize_with = "whole::de")]`).
pub fn de<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    let n = d.deserialize_any(Whole)?;
    T::try_from(n).map_err(|_| de::Error::custom(format!("{n} is out of range")))
}

/// An optional whole number, absent or `null` as `None`.
pub fn de_opt<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_option(Maybe)?
        .map(|n| T::try_from(n).map_err(|_| de::Error::custom(format!("{n} is out of range"))))
        .transpose()
}

/// A whole number read either way, for `#[serde(try_from = "whole::Number")]` newtypes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number(pub i64);

impl<'de> serde::Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Whole).map(Number)
    }
}

/// Described as the `i16` the star rating stores, so the event schemas read as before.
impl schemars::JsonSchema for Number {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        <i16 as schemars::JsonSchema>::schema_name()
    }

    fn inline_schema() -> bool {
        <i16 as schemars::JsonSchema>::inline_schema()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <i16 as schemars::JsonSchema>::json_schema(generator)
    }
}

struct Whole;

impl Visitor<'_> for Whole {
    type Value = i64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("{v} is out of range")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // Within ±2^53 every whole f64 is exact, and far past any count the platform takes.
        const EXACT: f64 = 9_007_199_254_740_992.0;
        if v.fract() == 0.0 && v.abs() <= EXACT {
            #[expect(clippy::cast_possible_truncation, reason = "whole and within ±2^53")]
            Ok(v as i64)
        } else {
            Err(E::custom(format!("{v} is not a whole number")))
        }
    }
}

struct Maybe;

impl<'de> Visitor<'de> for Maybe {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a whole number or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(Whole).map(Some)
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::de")]
        n: i16,
        #[serde(default, deserialize_with = "super::de_opt")]
        m: Option<i32>,
    }

    fn read(json: &str) -> Result<Body, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn a_whole_number_may_be_written_with_a_point() {
        let b = read(r#"{"n": 5.0, "m": 7}"#).ok();
        assert_eq!(b.map(|b| (b.n, b.m)), Some((5, Some(7))));
        assert_eq!(read(r#"{"n": 5}"#).ok().map(|b| b.m), Some(None));
        assert_eq!(read(r#"{"n": 5, "m": null}"#).ok().map(|b| b.m), Some(None));
    }

    #[test]
    fn a_fraction_a_string_or_an_overflow_is_refused() {
        assert!(read(r#"{"n": 5.5}"#).is_err());
        assert!(read(r#"{"n": "5"}"#).is_err());
        assert!(read(r#"{"n": 40000}"#).is_err());
        assert!(read(r#"{"n": 1e300}"#).is_err());
    }
}
