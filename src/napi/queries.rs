//! The optimized queries by their JS names. Arguments arrive as one JSON array (the JS
//! front has already refused values JSON cannot carry faithfully) and are validated in Rust.

use crate::db::Call;
use crate::error::{Error, Result};
use crate::queries as q;
use serde_json::Value;

pub fn build(name: &str, args_json: &str) -> Result<Call> {
    let args: Vec<Value> =
        serde_json::from_str(args_json).map_err(|_| Error::invalid_type("arguments", "JSON-serialisable values"))?;
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    match name {
        "getOptimizedStudyQuestions" => q::study_questions(arg(0)),
        "recordAnswerOptimized" => q::record_answer(arg(0)),
        "recordAnswersBatch" => q::record_answers_batch(arg(0)),
        "updateSessionProgressOptimized" => q::update_session_progress(arg(0)),
        "searchQuestions" => q::search_questions(arg(0), arg(1)),
        "getUserProgressOptimized" => q::user_progress(arg(0), arg(1)),
        "getExamLeaderboardOptimized" => q::exam_leaderboard(arg(0), arg(1)),
        "getPendingOpportunitiesOptimized" => q::pending_opportunities(arg(0)),
        "getGrowthAnalyticsOptimized" => q::growth_analytics(arg(0)),
        "explain" => Ok(q::explain()),
        // Test hook: a panic on a connection thread must fail only its own request.
        "__panic" => Ok(Call {
            operation: "__panic",
            write: false,
            writes: &[],
            scales: false,
            run: Box::new(|_| panic!("deliberate panic on a connection thread")),
        }),
        _ => Err(Error::out_of_range("query", &format!("a known query, not {name:?}"))),
    }
}
