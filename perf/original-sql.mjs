// The original TypeScript module's queries, as drizzle sent them to SQLite (ORDER BY RANDOM()
// over the exam, NOT EXISTS per question, correlated subqueries), for the peers to run in
// `npm run bench`. Only the bugs SQLite rejects are fixed.
export const ORIGINAL = {
  studyQuestions: `
    SELECT q.id, q.text, q.type, q.answers, q.difficulty, q.objective_id, q.explanation, q.reference, q.tags,
           o.name AS objective_name, o.code AS objective_code
    FROM questions q INNER JOIN objectives o ON q.objective_id = o.id
    WHERE q.exam_id = ? AND q.is_active = 1 AND q.review_status = 'approved' AND q.difficulty BETWEEN 1 AND 5
      AND NOT EXISTS (SELECT ua.id FROM user_answers ua WHERE ua.user_id = ? AND ua.question_id = q.id AND ua.answered_at > ?)
    ORDER BY RANDOM() LIMIT 20`,
  insertAnswer: `
    INSERT INTO user_answers (user_id, question_id, study_session_id, selected_answer, is_correct, time_spent_seconds, answered_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  updateStats: `
    UPDATE questions SET total_attempts = total_attempts + 1,
      correct_attempts = CASE WHEN ? THEN correct_attempts + 1 ELSE correct_attempts END,
      avg_time_seconds = CASE WHEN total_attempts = 0 THEN ? ELSE CAST((avg_time_seconds * total_attempts + ?) AS INTEGER) / (total_attempts + 1) END,
      updated_at = ?
    WHERE id = ?`,
  sessionStats: `
    SELECT s.user_id, s.exam_id, COUNT(ua.id) AS total_answers,
      SUM(CASE WHEN ua.is_correct THEN 1 ELSE 0 END) AS correct_answers,
      SUM(ua.time_spent_seconds) AS total_time, AVG(ua.time_spent_seconds) AS avg_time
    FROM study_sessions s
    LEFT JOIN user_answers ua ON ua.study_session_id = ?
    LEFT JOIN questions q ON ua.question_id = q.id
    WHERE s.id = ? GROUP BY s.id, s.user_id, s.exam_id LIMIT 1`,
  leaderboard: `
    SELECT up.user_id, u.name, u.picture, up.overall_accuracy, up.readiness_score, up.total_study_minutes, up.best_score,
      ROW_NUMBER() OVER (ORDER BY up.readiness_score DESC) AS rank,
      COALESCE((SELECT COUNT(*) FROM user_answers ua INNER JOIN questions q ON ua.question_id = q.id
                WHERE ua.user_id = up.user_id AND q.exam_id = ? AND ua.answered_at > datetime('now', '-7 days')), 0) AS weekly_activity
    FROM user_progress up INNER JOIN users u ON up.user_id = u.id
    WHERE up.exam_id = ? AND up.total_questions_seen > 50
    ORDER BY up.readiness_score DESC LIMIT 10`,
  growth: `
    SELECT date, followers_count, new_followers, engagements_made, ai_costs, engagement_rate,
      CASE WHEN new_followers > 0 THEN ai_costs / new_followers ELSE 0 END AS cost_per_follower,
      AVG(new_followers) OVER (ORDER BY date ROWS 6 PRECEDING) AS rolling_avg_followers,
      AVG(ai_costs) OVER (ORDER BY date ROWS 6 PRECEDING) AS rolling_avg_costs
    FROM growth_metrics WHERE date >= ? ORDER BY date DESC`,
  pending: `
    SELECT eo.id, eo.tweet_id, eo.opportunity_type, eo.relevance_score, eo.suggested_response, eo.ai_cost, eo.created_at,
      t.text, t.metrics, t.created_at, ta.username, ta.display_name, ta.followers_count, ta.bio,
      CASE WHEN ta.followers_count > 10000 THEN eo.relevance_score * 1.5
           WHEN ta.followers_count > 1000 THEN eo.relevance_score * 1.2 ELSE eo.relevance_score END AS engagement_potential
    FROM engagement_opportunities eo
    INNER JOIN tweets t ON eo.tweet_id = t.id
    INNER JOIN twitter_accounts ta ON eo.account_id = ta.id
    WHERE eo.status = 'pending'
    ORDER BY engagement_potential DESC, eo.created_at DESC LIMIT 20`,
}
