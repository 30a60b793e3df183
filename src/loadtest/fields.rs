//! Reading a JSON configuration with errors that name the field by its full path
//! (`scenarios[1].operations[0].frequency`): a TypeError for a wrong type, a RangeError for a
//! value out of range or a key that does not belong.

use crate::error::{Error, Result};
use serde_json::{Map, Value};

pub struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub path: String,
}

pub fn object<'a>(v: &'a Value, path: &str) -> Result<Obj<'a>> {
    match v {
        Value::Object(map) => Ok(Obj { map, path: path.to_string() }),
        _ => Err(Error::invalid_type(path, "an object")),
    }
}

impl<'a> Obj<'a> {
    pub fn name(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// A misspelt option must fail, not be ignored.
    pub fn only(&self, allowed: &[&str]) -> Result<()> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(Error::out_of_range(&self.name(k), &format!("one of the known fields ({})", allowed.join(", ")))),
            None => Ok(()),
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn number(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let name = self.name(key);
        let n = v.as_f64().ok_or_else(|| Error::invalid_type(&name, "a number"))?;
        if !n.is_finite() || n < min || n > max {
            return Err(Error::out_of_range(&name, &format!("a number from {min} to {max}")));
        }
        Ok(Some(n))
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

    pub fn required_int(&self, key: &str, min: i64, max: i64) -> Result<i64> {
        self.int(key, min, max)?.ok_or_else(|| Error::invalid_type(&self.name(key), "a number"))
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        v.as_bool().map(Some).ok_or_else(|| Error::invalid_type(&self.name(key), "a boolean"))
    }

    pub fn string(&self, key: &str, max_bytes: usize) -> Result<Option<&'a str>> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let name = self.name(key);
        let s = v.as_str().ok_or_else(|| Error::invalid_type(&name, "a string"))?;
        if s.is_empty() || s.len() > max_bytes {
            return Err(Error::out_of_range(&name, &format!("a non-empty string of at most {max_bytes} bytes")));
        }
        Ok(Some(s))
    }

    pub fn array(&self, key: &str, min_len: usize, max_len: usize) -> Result<&'a [Value]> {
        let name = self.name(key);
        let arr = self.get(key).and_then(Value::as_array).ok_or_else(|| Error::invalid_type(&name, "an array"))?;
        if arr.len() < min_len || arr.len() > max_len {
            return Err(Error::out_of_range(&name, &format!("an array of {min_len} to {max_len} items")));
        }
        Ok(arr)
    }

    pub fn nested(&self, key: &str) -> Result<Option<Obj<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => object(v, &self.name(key)).map(Some),
        }
    }
}
