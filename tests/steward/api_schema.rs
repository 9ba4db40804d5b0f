//! Every answer of the `api_*` tests checked against the OpenAPI document
//! the server publishes: the operation exists, documents the status, and
//! the body has the schema's required fields with the schema's types.

use serde_json::Value;
use tokio::sync::OnceCell;

static DOCUMENT: OnceCell<Value> = OnceCell::const_new();

/// The document of the server at `base` (the same for every test server).
pub async fn document(base: &str) -> &'static Value {
    DOCUMENT
        .get_or_init(|| async {
            let response = reqwest::get(format!("{base}/api/v1/openapi.json"))
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.json().await.unwrap()
        })
        .await
}

/// The document's path template that `path` (no query) is an instance of.
pub fn template<'d>(document: &'d Value, path: &str) -> Option<&'d str> {
    let segments: Vec<&str> = path.split('/').collect();
    let paths = document["paths"].as_object()?;
    paths.keys().map(String::as_str).find(|template| {
        let parts: Vec<&str> = template.split('/').collect();
        parts.len() == segments.len()
            && parts
                .iter()
                .zip(&segments)
                .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
    })
}

/// Fails the test when the answer `status` and `body` to `method path` do
/// not match the document. Answers of the authentication layer (401, 429)
/// and of unknown paths are checked for the error shape only.
pub fn check(document: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let path = path.split('?').next().unwrap_or_default();
    let Some(template) = template(document, path) else {
        return;
    };
    let operation = &document["paths"][template][method.to_ascii_lowercase()];
    if operation.is_null() {
        assert_eq!(status, 405, "{method} {template} is not documented");
        return;
    }
    let response = &operation["responses"][status.to_string()];
    assert!(
        !response.is_null(),
        "{method} {template} answered {status}, which its document does not list: {body}"
    );
    let schema = &response["content"]["application/json"]["schema"];
    if schema.is_null() {
        assert!(
            body.is_null(),
            "{method} {template} {status} has no body in the document: {body}"
        );
        return;
    }
    conforms(
        document,
        schema,
        body,
        &format!("{method} {template} {status}"),
        0,
    );
}

fn resolve<'d>(document: &'d Value, schema: &'d Value) -> &'d Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            &document["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn conforms(document: &Value, schema: &Value, value: &Value, at: &str, depth: usize) {
    if depth > 6 {
        return;
    }
    let schema = resolve(document, schema);
    if let Some(options) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        // Nullable references: null, or the one that is not null.
        if value.is_null() {
            return;
        }
        if let Some(option) = options.iter().find(|o| o["type"] != "null") {
            conforms(document, option, value, at, depth + 1);
        }
        return;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() {
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let fits = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
        assert!(
            fits,
            "{at}: {value} is {actual}, the document says {types:?}"
        );
    }
    if let (Some(required), Some(object)) = (schema["required"].as_array(), value.as_object()) {
        for field in required.iter().filter_map(Value::as_str) {
            assert!(
                object.contains_key(field),
                "{at}: '{field}' is required: {value}"
            );
        }
    }
    if let (Some(properties), Some(object)) = (schema["properties"].as_object(), value.as_object())
    {
        for (name, property) in properties {
            if let Some(inner) = object.get(name) {
                conforms(
                    document,
                    property,
                    inner,
                    &format!("{at}.{name}"),
                    depth + 1,
                );
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for item in array {
            conforms(document, items, item, at, depth + 1);
        }
    }
}
