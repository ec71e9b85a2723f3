//! JSON objects read without duplicate keys. serde_json keeps the last of two equal keys, in a
//! map as in a `Value`, so `{"error_rate": [9], "error_rate": [0]}` would be judged on `[0]`
//! alone while other readers of the same body (a proxy, a log) see `[9]`. Structs with derived
//! `Deserialize` already refuse a repeated field; maps and free-form values read through here.
//!
//! The checks cost one set lookup per key of the objects they read (the large ingest bodies are
//! structs and never pass through them). The error names the key; `serde_path_to_error`, which
//! the API's body extractor wraps around the deserializer, adds the path to the object.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

fn duplicate<E: de::Error>(key: &str) -> E {
    E::custom(format_args!("duplicate key `{key}`"))
}

/// A string-keyed map that refuses a repeated key. Use with
/// `#[serde(default, deserialize_with = "crate::json::unique_map")]`.
pub fn unique_map<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct MapVisitor<V>(PhantomData<V>);

    impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
        type Value = BTreeMap<String, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(duplicate(&key));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }

    d.deserialize_map(MapVisitor(PhantomData))
}

/// Any JSON value, refusing a repeated key in any object at any depth.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct UniqueValue(pub Value);

impl<'de> Deserialize<'de> for UniqueValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor).map(UniqueValue)
    }
}

/// A JSON object, refusing a repeated key in it or in any object inside it.
pub fn unique_object<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    d.deserialize_map(ValueVisitor).map(|v| match v {
        Value::Object(map) => map,
        _ => unreachable!("a map visit gives an object"),
    })
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element_seed(UniqueSeed)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(duplicate(&key));
            }
            let value = map.next_value_seed(UniqueSeed)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

struct UniqueSeed;

impl<'de> DeserializeSeed<'de> for UniqueSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

// Whole numbers as JSON Schema counts them: `3.0` is the integer 3 (so generated clients and
// fuzzers may send it), which serde refuses for an integer field.

/// Reads an optional whole number the way JSON Schema counts one: `20` and `20.0` alike (serde
/// alone rejects `20.0` for an integer field, which the API document allows). Use with
/// `#[serde(default, deserialize_with = "crate::json::whole_number")]`.
pub fn whole_number<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    use serde::de::Error;

    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    let whole = n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < u64::MAX as f64)
            .map(|f| f as u64)
    });
    whole
        .and_then(|w| T::try_from(w).ok())
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("{n} is not a whole number in range")))
}

/// Reads an optional point `count` ([`crate::analysis::metric::count_from_json`]): a whole
/// number from 0 to `i64::MAX` (Postgres keeps counts as `bigint`), `850.0` as `850`. Use with
/// `#[serde(default, deserialize_with = "crate::json::count")]`.
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct CountVisitor;

    impl<'de> Visitor<'de> for CountVisitor {
        type Value = Option<u64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a count: a whole number from 0 to 9223372036854775807")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.number(serde_json::Number::from(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.number(serde_json::Number::from(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            match serde_json::Number::from_f64(v) {
                Some(n) => self.number(n),
                None => Err(E::invalid_value(de::Unexpected::Float(v), &self)),
            }
        }
    }

    impl CountVisitor {
        fn number<E: de::Error>(self, n: serde_json::Number) -> Result<Option<u64>, E> {
            crate::analysis::metric::count_from_json(&n)
                .map(Some)
                .map_err(E::custom)
        }
    }

    d.deserialize_option(CountVisitor)
}

/// Writes whole floats (`3.0`) as integers, as JSON Schema counts them: serde would refuse
/// `3.0` for a count such as `window`, and a float field reads `3` just as well.
pub fn whole_numbers(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                *v = Value::from(f as i64);
            }
        }
        Value::Object(map) => map.values_mut().for_each(whole_numbers),
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Doc {
        #[serde(default, deserialize_with = "unique_map")]
        metrics: BTreeMap<String, Vec<f64>>,
    }

    #[test]
    fn a_map_refuses_a_repeated_key() {
        let e = serde_json::from_str::<Doc>(r#"{"metrics": {"a": [1], "a": [2]}}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate key `a`"), "{e}");
        let ok: Doc = serde_json::from_str(r#"{"metrics": {"a": [1], "b": [2]}}"#).unwrap();
        assert_eq!(ok.metrics.len(), 2);
    }

    #[test]
    fn a_value_refuses_a_repeated_key_at_any_depth() {
        let e = serde_json::from_str::<UniqueValue>(r#"{"x": [{"y": 1, "y": 2}]}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate key `y`"), "{e}");
        let text = r#"{"a": {"b": [1, 2.5, "c", null, true]}, "d": -3}"#;
        let v: UniqueValue = serde_json::from_str(text).unwrap();
        assert_eq!(v.0, serde_json::from_str::<Value>(text).unwrap());
    }
}
