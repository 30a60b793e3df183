//! What virtual users do: the operations of the app (each one of this addon's optimized
//! queries), scenarios mixing them by weight, and the app's mix, PINGTOPASS_LOAD_SCENARIOS,
//! with the original's weights and per-minute frequencies.

use super::fields::{object, Obj};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    StudyQuestions,
    RecordAnswer,
    SessionProgress,
    Leaderboard,
    TwitterAnalytics,
    /// Not in any scenario: each virtual user opens its own study session once, as a user
    /// does before answering; measured like the rest.
    StartSession,
}

impl Operation {
    pub const ALL: [Operation; 6] = [
        Operation::StudyQuestions,
        Operation::RecordAnswer,
        Operation::SessionProgress,
        Operation::Leaderboard,
        Operation::TwitterAnalytics,
        Operation::StartSession,
    ];
    /// The types a scenario may name, as the original spelt them.
    const SCENARIO_TYPES: [&'static str; 5] =
        ["study_questions", "record_answer", "session_progress", "leaderboard", "twitter_analytics"];

    pub fn name(self) -> &'static str {
        match self {
            Operation::StudyQuestions => "study_questions",
            Operation::RecordAnswer => "record_answer",
            Operation::SessionProgress => "session_progress",
            Operation::Leaderboard => "leaderboard",
            Operation::TwitterAnalytics => "twitter_analytics",
            Operation::StartSession => "start_session",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    fn from_scenario_type(s: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|o| *o != Operation::StartSession && o.name() == s)
    }
}

/// Per-operation overrides, as the original's `params`: fixed ids instead of drawn ones.
#[derive(Clone, Debug, Default)]
pub struct OpParams {
    pub exam_id: Option<i64>,
    pub difficulty: Option<(i64, i64)>,
    pub limit: Option<i64>,
    pub mode: Option<String>,
    pub question_id: Option<i64>,
    pub session_id: Option<i64>,
    pub days: Option<i64>,
    /// As given, echoed in the results.
    pub raw: Option<Map<String, Value>>,
}

const MAX_ID: i64 = 9_007_199_254_740_991;
const MODES: [&str; 5] = ["practice", "custom", "speed_drill", "weak_areas", "review"];

impl OpParams {
    fn parse(op: Operation, f: &Obj) -> Result<OpParams> {
        let mut p = OpParams { raw: Some(f.map.clone()), ..OpParams::default() };
        match op {
            Operation::StudyQuestions => {
                f.only(&["examId", "difficulty", "limit", "mode"])?;
                p.exam_id = f.int("examId", 1, MAX_ID)?;
                p.limit = f.int("limit", 1, 1000)?;
                if let Some(m) = f.string("mode", 64)? {
                    if !MODES.contains(&m) {
                        return Err(Error::out_of_range(&f.name("mode"), &format!("one of {}", MODES.join(", "))));
                    }
                    p.mode = Some(m.to_string());
                }
                if let Some(d) = f.nested("difficulty")? {
                    d.only(&["min", "max"])?;
                    let (min, max) = (d.int("min", 1, 5)?.unwrap_or(1), d.int("max", 1, 5)?.unwrap_or(5));
                    if min > max {
                        return Err(Error::out_of_range(&d.name("min"), "at most difficulty.max"));
                    }
                    p.difficulty = Some((min, max));
                }
            }
            Operation::RecordAnswer => {
                f.only(&["questionId"])?;
                p.question_id = f.int("questionId", 1, MAX_ID)?;
            }
            Operation::SessionProgress => {
                f.only(&["sessionId"])?;
                p.session_id = f.int("sessionId", 1, MAX_ID)?;
            }
            Operation::Leaderboard => {
                f.only(&["examId", "limit"])?;
                p.exam_id = f.int("examId", 1, MAX_ID)?;
                p.limit = f.int("limit", 1, 1000)?;
            }
            Operation::TwitterAnalytics => {
                f.only(&["days"])?;
                p.days = f.int("days", 1, 3650)?;
            }
            Operation::StartSession => {}
        }
        Ok(p)
    }
}

#[derive(Clone, Debug)]
pub struct OperationSpec {
    pub op: Operation,
    /// Requests per minute per user: the think time after the operation is 60,000 / frequency
    /// ms plus up to half of that again as jitter, as in the original.
    pub frequency: f64,
    pub params: OpParams,
}

#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    /// Share of the iterations, relative to the other scenarios' weights.
    pub weight: f64,
    pub operations: Vec<OperationSpec>,
}

pub const MAX_SCENARIOS: usize = 32;
const MAX_OPERATIONS: usize = 32;

/// The app's mix (the original's PINGTOPASS_LOAD_SCENARIOS).
pub fn pingtopass_scenarios() -> Vec<Scenario> {
    use Operation::*;
    let s = |name: &str, weight: f64, ops: &[(Operation, f64)]| Scenario {
        name: name.to_string(),
        weight,
        operations: ops.iter().map(|&(op, frequency)| OperationSpec { op, frequency, params: OpParams::default() }).collect(),
    };
    vec![
        s("Active Student", 60.0, &[(StudyQuestions, 12.0), (RecordAnswer, 10.0), (SessionProgress, 2.0)]),
        s("Casual Learner", 25.0, &[(StudyQuestions, 4.0), (RecordAnswer, 3.0), (Leaderboard, 1.0)]),
        s("Exam Preparation", 10.0, &[(StudyQuestions, 20.0), (RecordAnswer, 18.0), (SessionProgress, 5.0), (Leaderboard, 2.0)]),
        s("Analytics User", 5.0, &[(TwitterAnalytics, 3.0), (Leaderboard, 2.0)]),
    ]
}

pub fn parse_scenarios(list: &[Value], path: &str) -> Result<Vec<Scenario>> {
    if list.is_empty() || list.len() > MAX_SCENARIOS {
        return Err(Error::out_of_range(path, &format!("an array of 1 to {MAX_SCENARIOS} scenarios")));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let f = object(v, &format!("{path}[{i}]"))?;
        f.only(&["name", "weight", "operations"])?;
        let name = f.string("name", 200)?.ok_or_else(|| Error::invalid_type(&f.name("name"), "a string"))?;
        if out.iter().any(|s: &Scenario| s.name == name) {
            return Err(Error::out_of_range(&f.name("name"), "unique among the scenarios"));
        }
        let weight = f.number("weight", 0.0, 1e6)?.ok_or_else(|| Error::invalid_type(&f.name("weight"), "a number"))?;
        let ops = f.array("operations", 1, MAX_OPERATIONS)?;
        let operations = ops
            .iter()
            .enumerate()
            .map(|(j, o)| parse_operation(o, &format!("{}[{j}]", f.name("operations"))))
            .collect::<Result<Vec<_>>>()?;
        out.push(Scenario { name: name.to_string(), weight, operations });
    }
    if out.iter().all(|s| s.weight <= 0.0) {
        return Err(Error::out_of_range(&format!("{path}[0].weight"), "above 0 for at least one scenario"));
    }
    Ok(out)
}

fn parse_operation(v: &Value, path: &str) -> Result<OperationSpec> {
    let f = object(v, path)?;
    f.only(&["type", "frequency", "params"])?;
    let ty = f.get("type").and_then(Value::as_str).ok_or_else(|| Error::invalid_type(&f.name("type"), "a string"))?;
    let op = Operation::from_scenario_type(ty).ok_or_else(|| {
        Error::out_of_range(&f.name("type"), &format!("one of {}, not {ty:?}", Operation::SCENARIO_TYPES.join(", ")))
    })?;
    // Up to 60,000 a minute: a think time of 1 ms; 0 is meaningless (an infinite wait).
    let frequency = f
        .number("frequency", f64::MIN_POSITIVE, 60_000.0)?
        .ok_or_else(|| Error::invalid_type(&f.name("frequency"), "a number of requests per minute"))?;
    let params = match f.nested("params")? {
        Some(p) => OpParams::parse(op, &p)?,
        None => OpParams::default(),
    };
    Ok(OperationSpec { op, frequency, params })
}

impl Scenario {
    pub fn to_json(&self) -> Value {
        let ops: Vec<Value> = self
            .operations
            .iter()
            .map(|o| {
                let mut v = json!({ "type": o.op.name(), "frequency": o.frequency });
                if let Some(raw) = &o.params.raw {
                    v["params"] = Value::Object(raw.clone());
                }
                v
            })
            .collect();
        json!({ "name": self.name, "weight": self.weight, "operations": ops })
    }
}

/// Picks a scenario by weight; `u` is uniform in [0, 1). Weights need not sum to 100 (the
/// original compared against 100 and silently favoured the last scenario otherwise).
pub fn pick(scenarios: &[Scenario], u: f64) -> usize {
    let total: f64 = scenarios.iter().map(|s| s.weight.max(0.0)).sum();
    let mut target = u * total;
    for (i, s) in scenarios.iter().enumerate() {
        let w = s.weight.max(0.0);
        if target < w {
            return i;
        }
        target -= w;
    }
    // Rounding left `target` a hair above the last weight: the last scenario with weight.
    scenarios.iter().rposition(|s| s.weight > 0.0).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_mix_round_trips_through_json() {
        let json: Vec<Value> = pingtopass_scenarios().iter().map(Scenario::to_json).collect();
        let back = parse_scenarios(&json, "scenarios").map_err(|e| e.message);
        let back = back.unwrap_or_default();
        assert_eq!(back.len(), 4);
        assert_eq!(back[2].name, "Exam Preparation");
        assert_eq!(back[2].operations[1].frequency, 18.0);
    }

    #[test]
    fn errors_name_the_field() {
        let bad = json!([{ "name": "x", "weight": 1, "operations": [{ "type": "nope", "frequency": 1 }] }]);
        let e = parse_scenarios(bad.as_array().map(Vec::as_slice).unwrap_or(&[]), "scenarios").err();
        assert!(e.map(|e| e.message).unwrap_or_default().starts_with("scenarios[0].operations[0].type"));
        let bad = json!([{ "name": "x", "weight": 1, "operations": [{ "type": "leaderboard", "frequency": 0 }] }]);
        let e = parse_scenarios(bad.as_array().map(Vec::as_slice).unwrap_or(&[]), "scenarios").err();
        assert_eq!(e.map(|e| e.code).as_deref(), Some("ERR_OUT_OF_RANGE"));
        let bad = json!([{ "name": "x", "weight": "1", "operations": [] }]);
        let e = parse_scenarios(bad.as_array().map(Vec::as_slice).unwrap_or(&[]), "scenarios").err();
        assert_eq!(e.map(|e| e.message).unwrap_or_default(), "scenarios[0].weight must be a number");
    }

    #[test]
    fn weights_pick_in_proportion() {
        let s = pingtopass_scenarios();
        let mut counts = [0usize; 4];
        for i in 0..10_000 {
            counts[pick(&s, i as f64 / 10_000.0)] += 1;
        }
        assert_eq!(counts, [6000, 2500, 1000, 500]);
        assert_eq!(pick(&s, 0.999_999_999), 3);
    }
}
