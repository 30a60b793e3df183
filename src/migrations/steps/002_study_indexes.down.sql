-- 002 down: drops the study indexes.
DROP INDEX IF EXISTS idx_user_answers_study_review;
DROP INDEX IF EXISTS idx_questions_study_weak_areas;
DROP INDEX IF EXISTS idx_questions_study_speed_drill;
DROP INDEX IF EXISTS idx_questions_study_practice_sample;
