//! Validation of query arguments, with errors that name the field: a TypeError for a wrong
//! type, a RangeError for a value out of range or a field that does not belong.

use crate::error::{Error, Result};
use serde_json::{Map, Value};

pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

pub fn object<'a>(v: &'a Value, name: &str) -> Result<Fields<'a>> {
    match v {
        Value::Object(map) => Ok(Fields { map, prefix: name.to_string() }),
        _ => Err(Error::invalid_type(name, "an object")),
    }
}

impl<'a> Fields<'a> {
    pub fn name(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    /// Rejects keys outside `allowed`: a misspelt option must not be silently ignored.
    pub fn only(&self, allowed: &[&str]) -> Result<()> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(Error::out_of_range(&self.name(k), &format!("one of the known fields ({})", allowed.join(", ")))),
            None => Ok(()),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn int(&self, key: &str, min: i64, max: i64) -> Result<Option<i64>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let name = self.name(key);
        let n = v.as_f64().ok_or_else(|| Error::invalid_type(&name, "a number"))?;
        if n.fract() != 0.0 || n < min as f64 || n > max as f64 {
            return Err(Error::out_of_range(&name, &format!("an integer from {min} to {max}")));
        }
        Ok(Some(n as i64))
    }

    pub fn id(&self, key: &str) -> Result<i64> {
        self.int(key, 1, 9_007_199_254_740_991)?
            .ok_or_else(|| Error::invalid_type(&self.name(key), "a positive integer id"))
    }

    pub fn opt_id(&self, key: &str) -> Result<Option<i64>> {
        self.int(key, 1, 9_007_199_254_740_991)
    }

    pub fn number(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let name = self.name(key);
        let n = v.as_f64().ok_or_else(|| Error::invalid_type(&name, "a number"))?;
        if !(min..=max).contains(&n) {
            return Err(Error::out_of_range(&name, &format!("from {min} to {max}")));
        }
        Ok(Some(n))
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        v.as_bool().map(Some).ok_or_else(|| Error::invalid_type(&self.name(key), "a boolean"))
    }

    pub fn string(&self, key: &str, max_bytes: usize) -> Result<Option<&'a str>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let name = self.name(key);
        let s = v.as_str().ok_or_else(|| Error::invalid_type(&name, "a string"))?;
        if s.len() > max_bytes {
            return Err(Error::out_of_range(&name, &format!("at most {max_bytes} bytes")));
        }
        Ok(Some(s))
    }

    pub fn ids(&self, key: &str, max_len: usize) -> Result<Option<Vec<i64>>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let name = self.name(key);
        let arr = v.as_array().ok_or_else(|| Error::invalid_type(&name, "an array of ids"))?;
        if arr.len() > max_len {
            return Err(Error::out_of_range(&name, &format!("at most {max_len} ids")));
        }
        arr.iter()
            .enumerate()
            .map(|(i, x)| match x.as_f64() {
                Some(n) if n.fract() == 0.0 && n >= 1.0 && n <= 9_007_199_254_740_991.0 => Ok(n as i64),
                Some(_) => Err(Error::out_of_range(&format!("{name}[{i}]"), "a positive integer id")),
                None => Err(Error::invalid_type(&format!("{name}[{i}]"), "a positive integer id")),
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    pub fn nested(&self, key: &str) -> Result<Option<Fields<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => object(v, &self.name(key)).map(Some),
        }
    }
}

/// An optional positional/limit argument given on its own (`limit`, `days`).
pub fn opt_int(v: &Value, name: &str, min: i64, max: i64) -> Result<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f >= min as f64 && f <= max as f64 => Ok(Some(f as i64)),
            _ => Err(Error::out_of_range(name, &format!("an integer from {min} to {max}"))),
        },
        _ => Err(Error::invalid_type(name, "a number")),
    }
}

pub fn id(v: &Value, name: &str) -> Result<i64> {
    opt_int(v, name, 1, 9_007_199_254_740_991)?.ok_or_else(|| Error::invalid_type(name, "a positive integer id"))
}
