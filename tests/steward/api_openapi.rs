//! `GET /api/v1/openapi.json`: an OpenAPI 3.1 document, open without a key,
//! whose operations are exactly the routes served.

use serde_json::Value;
use std::collections::BTreeSet;
use steward::http::rest::{DOCUMENT, ROUTES};

use crate::api_client::served;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_openapi_3_1_and_names_every_served_route_and_no_other() {
    // Every route is asked once without a key: more than the default
    // failures a minute.
    let served =
        crate::helpers::Served::start(&[("STEWARD_AUTH_FAILURES_PER_MINUTE", "100")]).await;
    let response = reqwest::get(format!("{}{DOCUMENT}", served.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        document["openapi"]
    );
    assert!(document["info"]["title"].is_string());
    assert_eq!(
        document["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );

    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "patch", "put", "delete"].contains(&k.as_str()))
                .map(move |method| (method.to_ascii_uppercase(), path.clone()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    assert_eq!(documented, routed);

    // Every listed route is served: without a key it asks for one, where an
    // unknown path would answer 404 and a wrong method 405.
    let client = reqwest::Client::new();
    for (method, path) in ROUTES {
        let url = format!("{}{}", served.base, path.replace("{id}", "1"));
        let response = client
            .request(method.parse().unwrap(), url)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{method} {path}");
    }
    let unknown = client
        .get(format!("{}/api/v1/no-such-resource", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let wrong = client
        .put(format!("{}/api/v1/workflows/1", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 405);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_lists_every_error_status_with_the_one_error_shape() {
    let served = served().await;
    let document = crate::api_schema::document(&served.base).await;
    let error = &document["components"]["schemas"]["ErrorBody"];
    assert_eq!(error["required"], serde_json::json!(["error"]));
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            for status in ["401", "429", "500"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} lacks {status}"
                );
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = &response["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(
                        schema, "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    served.stop().await;
}
