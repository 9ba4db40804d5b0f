//! A tool's result as text for the model: text parts joined by newlines,
//! other parts named briefly, structured content as JSON when there is no
//! text, at most 64 KiB.

use rmcp::model::{CallToolResult, ContentBlock, ResourceContents};

/// The most text a tool call gives the model.
const MAX_TEXT: usize = 64 * 1024;

/// Ok with the result's text, or Err with it when the tool reported an error.
pub(super) fn text_of(result: CallToolResult) -> Result<String, String> {
    let has_text = result
        .content
        .iter()
        .any(|part| matches!(part, ContentBlock::Text(_)));
    let text = match &result.structured_content {
        Some(structured) if !has_text => structured.to_string(),
        _ => result
            .content
            .iter()
            .map(describe)
            .collect::<Vec<_>>()
            .join("\n"),
    };
    if result.is_error == Some(true) {
        if text.trim().is_empty() {
            return Err("the tool reported an error without saying what it was".into());
        }
        return Err(cap(text));
    }
    Ok(cap(text))
}

fn describe(part: &ContentBlock) -> String {
    match part {
        ContentBlock::Text(text) => text.text.clone(),
        ContentBlock::Image(image) => format!("[image, {}]", image.mime_type),
        ContentBlock::Audio(audio) => format!("[audio, {}]", audio.mime_type),
        ContentBlock::Resource(embedded) => match &embedded.resource {
            ResourceContents::TextResourceContents { uri, text, .. } => {
                format!("[resource {uri}]\n{text}")
            }
            ResourceContents::BlobResourceContents { uri, mime_type, .. } => match mime_type {
                Some(mime_type) => format!("[resource {uri}, {mime_type}]"),
                None => format!("[resource {uri}]"),
            },
            _ => "[resource]".to_string(),
        },
        ContentBlock::ResourceLink(link) => format!("[link to resource {}]", link.uri),
        _ => "[content steward cannot show]".to_string(),
    }
}

/// `text` cut to `MAX_TEXT` bytes (note included) on a character boundary,
/// saying so.
fn cap(text: String) -> String {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let note = format!(
        "\n[cut: the tool returned {} bytes; this is the first part]",
        text.len()
    );
    let mut end = MAX_TEXT - note.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{note}", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn result(value: serde_json::Value) -> CallToolResult {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn text_parts_are_joined_and_other_parts_named() {
        let answer = text_of(result(json!({"content": [
            {"type": "text", "text": "one"},
            {"type": "image", "data": "AAAA", "mimeType": "image/png"},
            {"type": "text", "text": "two"}
        ]})));
        assert_eq!(answer.unwrap(), "one\n[image, image/png]\ntwo");
    }

    #[test]
    fn structured_content_is_used_when_there_is_no_text() {
        let answer = text_of(result(
            json!({"content": [], "structuredContent": {"sum": 5}}),
        ));
        assert_eq!(answer.unwrap(), r#"{"sum":5}"#);
    }

    #[test]
    fn an_error_result_is_an_err_with_its_text() {
        let answer = text_of(result(json!({
            "content": [{"type": "text", "text": "no such file"}], "isError": true
        })));
        assert_eq!(answer.unwrap_err(), "no such file");
    }

    #[test]
    fn long_text_is_cut_to_64_kib_and_says_so() {
        let long = "é".repeat(MAX_TEXT);
        let answer = text_of(result(json!({"content": [{"type": "text", "text": long}]})));
        let answer = answer.unwrap();
        assert!(answer.len() <= MAX_TEXT, "{}", answer.len());
        assert!(answer.ends_with("this is the first part]"), "{answer:.40}");
        assert!(answer.starts_with("éé"));
    }
}
