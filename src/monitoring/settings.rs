//! What a monitor is configured with: the database's own settings (SLOW_QUERY_THRESHOLD,
//! ENABLE_PERFORMANCE_ALERTS), or the environment for a monitor without a database, and
//! per-monitor overrides on top.

use crate::config::{self, EdgeConfig};
use crate::error::{Error, Result};

pub const WINDOW: usize = 10_000;
pub const DEFAULT_COOLDOWN_MS: f64 = 60_000.0;

#[derive(Debug, Clone)]
pub struct Settings {
    pub slow_query_threshold_ms: f64,
    pub alerts_enabled: bool,
    /// The same alert type for the same pattern goes out at most once per this many ms.
    pub alert_cooldown_ms: f64,
    /// Entries in the recent-query window.
    pub window: usize,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides {
    pub slow_query_threshold_ms: Option<f64>,
    pub alerts_enabled: Option<bool>,
    pub alert_cooldown_ms: Option<f64>,
}

impl Settings {
    pub fn from_config(cfg: &EdgeConfig) -> Self {
        Settings {
            slow_query_threshold_ms: cfg.slow_query_threshold_ms,
            alerts_enabled: cfg.enable_alerts,
            alert_cooldown_ms: DEFAULT_COOLDOWN_MS,
            window: WINDOW,
        }
    }

    /// From the environment alone, validated by the same rules as a database's settings.
    /// Only the two monitoring variables are read: an unrelated bad setting (a malformed
    /// TURSO_DATABASE_URL, say) must not stop a monitor that has no database.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        const KEYS: [&str; 2] = ["slowQueryThreshold", "enablePerformanceAlerts"];
        let vars: Vec<&str> = config::SETTINGS.iter().filter(|(k, _)| KEYS.contains(k)).map(|(_, v)| *v).collect();
        let only = |k: &str| if vars.contains(&k) { env(k) } else { None };
        Ok(Settings::from_config(&config::resolve(None, &[], &only)?))
    }

    pub fn with(mut self, o: Overrides) -> Result<Self> {
        if let Some(ms) = o.slow_query_threshold_ms {
            if !(ms.is_finite() && (0.0..=3_600_000.0).contains(&ms)) {
                return Err(Error::out_of_range("options.slowQueryThreshold", "a number of milliseconds from 0 to 3600000"));
            }
            self.slow_query_threshold_ms = ms;
        }
        if let Some(on) = o.alerts_enabled {
            self.alerts_enabled = on;
        }
        if let Some(ms) = o.alert_cooldown_ms {
            if !(ms.is_finite() && (0.0..=86_400_000.0).contains(&ms)) {
                return Err(Error::out_of_range("options.alertCooldown", "a number of milliseconds from 0 to 86400000"));
            }
            self.alert_cooldown_ms = ms;
        }
        Ok(self)
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "slowQueryThreshold": self.slow_query_threshold_ms,
            "enablePerformanceAlerts": self.alerts_enabled,
            "alertCooldown": self.alert_cooldown_ms,
            "windowSize": self.window,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_and_overrides() {
        let env = |k: &str| match k {
            "SLOW_QUERY_THRESHOLD" => Some("150".to_string()),
            "ENABLE_PERFORMANCE_ALERTS" => Some("false".to_string()),
            "TURSO_DATABASE_URL" => Some("nonsense://".to_string()),
            _ => None,
        };
        let s = Settings::from_env(&env).expect("valid");
        assert_eq!((s.slow_query_threshold_ms, s.alerts_enabled, s.window), (150.0, false, WINDOW));
        let s = s.with(Overrides { slow_query_threshold_ms: Some(10.0), alerts_enabled: Some(true), alert_cooldown_ms: Some(5.0) }).expect("valid");
        assert_eq!((s.slow_query_threshold_ms, s.alerts_enabled, s.alert_cooldown_ms), (10.0, true, 5.0));
        let bad = Settings::from_env(&|_| None).expect("defaults").with(Overrides { slow_query_threshold_ms: Some(-1.0), ..Default::default() });
        assert_eq!(bad.map_err(|e| e.code).err().as_deref(), Some("ERR_OUT_OF_RANGE"));
        let e = Settings::from_env(&|k| (k == "SLOW_QUERY_THRESHOLD").then(|| "fast".to_string())).err();
        assert!(e.is_some_and(|e| e.message.contains("SLOW_QUERY_THRESHOLD")));
    }
}
