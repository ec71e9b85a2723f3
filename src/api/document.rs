//! The OpenAPI document as served and committed: what utoipa derives from the handlers, then
//! made exact where a derive cannot say what the server accepts (JSON Schema keywords that
//! utoipa's model has no place for, such as `oneOf` over required fields, or a partial policy).
//! `scripts/fuzz-api` holds the document to the server with every schemathesis check.

use serde::Serialize;
use serde_json::{Value, json};

/// The finished document.
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct ApiDocument(Value);

impl ApiDocument {
    pub fn to_pretty_json(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(&self.0)
    }

    pub fn as_value(&self) -> &Value {
        &self.0
    }
}

/// Text without control characters (Unicode category Cc) or bidirectional formatting characters
/// (`model::is_bidi_control`): what every free-text field and filter accepts, besides its length.
pub const NO_CONTROL_CHARACTERS: &str =
    "^[^\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]*$";

/// Refines the derived document.
pub fn refine(doc: utoipa::openapi::OpenApi) -> ApiDocument {
    let mut doc = serde_json::to_value(doc).expect("the document serialises");
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .expect("components.schemas");
    let partial = partial_policy(schemas);
    schemas.insert("PartialPolicy".into(), partial);
    policy_spec(schemas);
    replay_request(schemas);
    free_text(schemas);
    flagger_metadata(schemas);
    kayenta_values(schemas);
    let text = json!({"maxLength": crate::model::MAX_FIELD_LEN, "pattern": NO_CONTROL_CHARACTERS});
    if let Some(params) = doc["paths"]["/v1/deployments"]["get"]["parameters"].as_array_mut() {
        for p in params {
            if matches!(p["name"].as_str(), Some("service" | "environment")) {
                merge(&mut p["schema"], &text);
            }
        }
    }
    // A policy body may be partial: fields left out take the `seed` defaults.
    let body = &mut doc["paths"]["/v1/policies/{name}"]["put"]["requestBody"]["content"]["application/json"]
        ["schema"];
    *body = json!({"$ref": "#/components/schemas/PartialPolicy"});
    ApiDocument(doc)
}

/// `Policy` with every field optional at every level (but inside a persistence guard, which is
/// given whole or not at all), references inlined: the shape `Policy::from_partial_json` reads.
fn partial_policy(schemas: &serde_json::Map<String, Value>) -> Value {
    fn inline(v: &Value, schemas: &serde_json::Map<String, Value>, keep_required: bool) -> Value {
        match v {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    // A guard is merged whole: it keeps its required fields.
                    let keep = name == "Persistence";
                    let mut target = inline(&schemas[name], schemas, keep);
                    if let (Value::Object(t), Some(d)) = (&mut target, map.get("description")) {
                        t.insert("description".into(), d.clone());
                    }
                    return target;
                }
                let mut out = serde_json::Map::new();
                for (k, v) in map {
                    // The schema keyword (a list of names), not a property called `required`.
                    if k == "required" && v.is_array() && !keep_required {
                        continue;
                    }
                    out.insert(k.clone(), inline(v, schemas, keep_required));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| inline(v, schemas, keep_required))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    let mut partial = inline(&schemas["Policy"], schemas, false);
    partial["description"] = json!(
        "A full or partial policy: every field it leaves out, at any depth, takes the value of \
         the built-in policy named by `extends` (default `seed`). A persistence guard is given \
         whole."
    );
    partial["properties"]["extends"] = json!({
        "type": "string",
        "enum": crate::service::BUILTIN_NAMES,
        "description": "The built-in policy whose values the fields left out take; default `seed`."
    });
    partial
}

/// A policy spec is a policy name (built-in or stored; the naming rule) or a partial policy.
fn policy_spec(schemas: &mut serde_json::Map<String, Value>) {
    schemas["PolicySpec"]["oneOf"] = json!([
        {
            "type": "string",
            "description": "The name of a built-in or stored policy.",
            "pattern": crate::names::PolicyName::PATTERN,
            "minLength": 1,
            "maxLength": crate::names::PolicyName::MAX_LEN,
        },
        {"$ref": "#/components/schemas/PartialPolicy"},
    ]);
}

/// Exactly one of `deployments` and `from_store` (`if`/`then`/`else`); `every` and
/// `interval_seconds` not both (`not`). Keywords that client generators pass over: an object
/// level `oneOf` or `anyOf` would make openapi-python-client skip the operation.
fn replay_request(schemas: &mut serde_json::Map<String, Value>) {
    let r = &mut schemas["ReplayRequest"];
    r["if"] =
        json!({"required": ["deployments"], "properties": {"deployments": {"type": "array"}}});
    r["then"] = json!({"properties": {"from_store": {"type": "null"}}});
    r["else"] =
        json!({"required": ["from_store"], "properties": {"from_store": {"type": "object"}}});
    r["not"] = json!({
        "required": ["every", "interval_seconds"],
        "properties": {"every": {"type": "integer"}, "interval_seconds": {"type": "integer"}},
    });
}

/// Free-text fields (a deployment's descriptive fields, labels, filters) take no control or
/// bidirectional formatting characters, and their lengths count characters.
fn free_text(schemas: &mut serde_json::Map<String, Value>) {
    let text = |max: usize| json!({"maxLength": max, "pattern": NO_CONTROL_CHARACTERS});
    let limit = crate::model::MAX_FIELD_LEN;
    for schema in ["DeploymentSpec", "Deployment"] {
        let props = &mut schemas[schema]["properties"];
        for field in ["service", "environment", "version"] {
            merge(&mut props[field], &text(limit));
        }
        merge(
            &mut props["labels"],
            &json!({
                "maxProperties": crate::model::MAX_LABELS,
                "propertyNames": text(limit),
                "additionalProperties": {"type": "string", "maxLength": limit,
                                         "pattern": NO_CONTROL_CHARACTERS},
            }),
        );
    }
    let filter = &mut schemas["StoreFilter"]["properties"];
    for field in ["service", "environment"] {
        merge(&mut filter[field], &text(limit));
    }
}

/// The metadata entries rollguard reads from a Flagger webhook, in the form it reads them.
fn flagger_metadata(schemas: &mut serde_json::Map<String, Value>) {
    let weight = "^ *[0-9]{1,9} *$";
    schemas["FlaggerPayload"]["properties"]["metadata"]["properties"] = json!({
        "deployment": {"type": "string", "pattern": crate::names::DeploymentKey::PATTERN,
                       "maxLength": crate::names::DeploymentKey::MAX_LEN},
        "policy": {"type": "string", "pattern": crate::names::PolicyName::PATTERN,
                   "maxLength": crate::names::PolicyName::MAX_LEN},
        "canary_weight": {"type": "string", "pattern": weight},
        "max_weight": {"type": "string", "pattern": weight},
    });
}

/// A Kayenta series point is a number, or `"NaN"` or `null` for a missing one (Jackson writes a
/// NaN as the string `"NaN"`; its `"Infinity"` is read only to be refused with a clear message).
fn kayenta_values(schemas: &mut serde_json::Map<String, Value>) {
    for cohort in ["control", "experiment"] {
        schemas["PairValues"]["properties"][cohort]["items"] = json!({"oneOf": [
            {"type": "number"},
            {"type": "string", "enum": ["NaN"]},
            {"type": "null"},
        ]});
    }
}

fn merge(target: &mut Value, patch: &Value) {
    if let (Value::Object(t), Value::Object(p)) = (target, patch) {
        for (k, v) in p {
            t.insert(k.clone(), v.clone());
        }
    }
}
