//! Why a request was not done: an HTTP status, a stable code (the CLI's
//! diagnostic codes where there are some) and a message. The API answers
//! it as JSON (`{"error": {"code", "message"}}`), the desk as a page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::error::Error;

pub struct Failure {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub diagnostics: Option<Box<Value>>,
}

pub type Reply<T> = Result<T, Failure>;

impl Failure {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            code,
            message: message.into(),
            diagnostics: None,
        }
    }

    pub fn internal(message: impl ToString) -> Failure {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            message.to_string(),
        )
    }

    pub fn not_found(what: impl Into<String>) -> Failure {
        Failure::new(StatusCode::NOT_FOUND, "not-found", what)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(d) = self.diagnostics {
            error["diagnostics"] = *d;
        }
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let message = e.to_string();
        match e {
            Error::Invalid(diags) => Failure {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: diags.first().map_or("invalid", |d| d.code.as_str()),
                message,
                diagnostics: serde_json::to_value(&diags).ok().map(Box::new),
            },
            Error::Usage(_) => Failure::new(StatusCode::BAD_REQUEST, "bad-request", message),
            Error::Log { .. } => {
                Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "log-failed", message)
            }
            Error::Rule { .. } => {
                Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "rule-failed", message)
            }
            Error::Io { .. } | Error::List { .. } => Failure::internal(message),
        }
    }
}
