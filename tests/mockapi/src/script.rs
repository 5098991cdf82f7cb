//! Scripted responses: per path, a queue of steps consumed one request at a
//! time, so tests can say "503, then 503, then 200" deterministically.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use serde::Deserialize;
use serde_json::Value;

use crate::controls::{check_status, is_token_byte, Fault, Plan, PlanBody};

/// Body of `POST /__admin/script`. Unknown fields are rejected so a typo
/// (`"latency"` for `"latency_ms"`) fails the test setup, not the assertion.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptSpec {
    pub path: String,
    #[serde(default)]
    pub method: Option<String>,
    pub responses: Vec<Step>,
    #[serde(default)]
    pub repeat_last: bool,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub status: Option<u16>,
    /// Values may be strings or numbers/bools (stringified).
    #[serde(default)]
    pub headers: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub json: Option<Value>,
    #[serde(default)]
    pub latency_ms: Option<u64>,
    #[serde(default)]
    pub fault: Option<Fault>,
    #[serde(default)]
    pub body_bytes: Option<u64>,
    #[serde(default)]
    pub slow_body_ms: Option<u64>,
}

impl Step {
    fn validate(&self) -> Result<(), String> {
        if let Some(s) = self.status {
            check_status(s)?;
        }
        let bodies = [
            self.body.is_some(),
            self.json.is_some(),
            self.body_bytes.is_some(),
        ];
        if bodies.iter().filter(|b| **b).count() > 1 {
            return Err("a step may set at most one of body, json, body_bytes".into());
        }
        if let Some(n) = self.body_bytes {
            usize::try_from(n).map_err(|_| "body_bytes too large".to_string())?;
        }
        for (name, value) in self.headers.iter().flatten() {
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                return Err(format!("invalid header name {name:?}"));
            }
            if header_value(value)
                .bytes()
                .any(|b| b == b'\r' || b == b'\n')
            {
                return Err(format!("header {name}: value must not contain CR/LF"));
            }
        }
        Ok(())
    }

    /// Overlays the fields this step sets onto a plan built from the
    /// request's own controls (step fields win).
    pub fn apply_to(&self, plan: &mut Plan) {
        if let Some(s) = self.status {
            plan.status = Some(s);
        }
        for (name, value) in self.headers.iter().flatten() {
            plan.set_header(name, &header_value(value));
        }
        if let Some(b) = &self.body {
            plan.body = Some(PlanBody::Literal(b.clone().into_bytes()));
        }
        if let Some(j) = &self.json {
            plan.body = Some(PlanBody::Literal(j.to_string().into_bytes()));
        }
        if let Some(n) = self.body_bytes {
            // Checked in validate().
            plan.body = Some(PlanBody::Repeat(usize::try_from(n).unwrap_or(usize::MAX)));
        }
        if let Some(ms) = self.latency_ms {
            plan.latency_ms = ms;
        }
        if let Some(f) = self.fault {
            plan.fault = Some(f);
        }
        if let Some(ms) = self.slow_body_ms {
            plan.slow_body_ms = Some(ms);
        }
    }
}

fn header_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

struct Script {
    /// Uppercased; None matches any method.
    method: Option<String>,
    steps: Vec<Step>,
    next: usize,
    repeat_last: bool,
}

#[derive(Default)]
pub struct Scripts {
    by_path: Mutex<HashMap<String, Script>>,
}

impl Scripts {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Script>> {
        self.by_path.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Installs a script, replacing any previous one for the same path.
    pub fn install(&self, spec: ScriptSpec) -> Result<usize, String> {
        if !spec.path.starts_with('/') {
            return Err("path must start with '/'".into());
        }
        if spec.path.contains('?') {
            return Err(
                "path must not contain a query string (scripts match the path only)".into(),
            );
        }
        for (i, s) in spec.responses.iter().enumerate() {
            s.validate().map_err(|e| format!("responses[{i}]: {e}"))?;
        }
        let n = spec.responses.len();
        let script = Script {
            method: spec.method.map(|m| m.to_ascii_uppercase()),
            steps: spec.responses,
            next: 0,
            repeat_last: spec.repeat_last,
        };
        self.lock().insert(spec.path, script);
        Ok(n)
    }

    /// Takes the next step for this request, if a script covers it.
    pub fn next_step(&self, method: &str, path: &str) -> Option<Step> {
        let mut g = self.lock();
        let s = g.get_mut(path)?;
        if s.method
            .as_deref()
            .is_some_and(|m| !m.eq_ignore_ascii_case(method))
        {
            return None;
        }
        if s.next < s.steps.len() {
            s.next += 1;
            return s.steps.get(s.next - 1).cloned();
        }
        if s.repeat_last {
            return s.steps.last().cloned();
        }
        None
    }

    /// Summary for `GET /__admin/scripts`.
    pub fn to_json(&self) -> Value {
        let g = self.lock();
        let mut list: Vec<Value> = g
            .iter()
            .map(|(path, s)| {
                serde_json::json!({
                    "path": path,
                    "method": s.method,
                    "steps": s.steps.len(),
                    "consumed": s.next,
                    "remaining": s.steps.len() - s.next,
                    "repeat_last": s.repeat_last,
                })
            })
            .collect();
        list.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
        Value::Array(list)
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}
