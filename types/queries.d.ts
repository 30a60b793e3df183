// The optimized queries (createOptimizedQueries) and the row shapes they return: the app's
// camelCase shapes, JSON columns parsed, booleans as booleans, timestamps as Date.
import type { EdgeOptimizedDatabase } from '../index'

export type StudyMode = 'practice' | 'custom' | 'speed_drill' | 'weak_areas' | 'review'

export interface DifficultyFilter {
  min: number
  max: number
}

export interface AnswerOption {
  id: string
  text: string
  isCorrect: boolean
  [key: string]: unknown
}

export interface StudyQuestionsParams {
  userId: number
  examId: number
  objectiveIds?: number[]
  /** Default {min: 1, max: 5}. */
  difficulty?: DifficultyFilter
  /** Questions answered within this many hours are left out (default 24; not in review mode). */
  excludeRecentHours?: number
  /** 1..1000, default 20. */
  limit?: number
  /** Default 'practice'. */
  mode?: StudyMode
}

export interface Question {
  id: number
  examId: number
  objectiveId: number
  text: string
  type: string | null
  answers: AnswerOption[]
  explanation: string | null
  reference: string | null
  externalLink: string | null
  difficulty: number | null
  tags: string[] | null
  aiGenerated: boolean | null
  aiModel: string | null
  aiPromptVersion: string | null
  aiConfidenceScore: number | null
  reviewStatus: string | null
  reviewedBy: number | null
  reviewedAt: Date | null
  totalAttempts: number | null
  correctAttempts: number | null
  avgTimeSeconds: number | null
  discriminationIndex: number | null
  imageUrl: string | null
  diagramData: unknown
  isActive: boolean | null
  isBeta: boolean | null
  createdAt: Date | null
  updatedAt: Date | null
}

export interface StudyQuestion extends Question {
  objectiveName: string
  objectiveCode: string
}

export interface AnswerInput {
  userId: number
  questionId: number
  studySessionId?: number
  testAttemptId?: number
  /** Non-empty, at most 10 KB ('a', or '["a","c"]' for multi-select). */
  selectedAnswer: string
  isCorrect: boolean
  timeSpentSeconds: number
  /** 1..5 */
  confidenceLevel?: number
  flagged?: boolean
  changedAnswer?: boolean
}

export interface UserAnswer {
  id: number
  userId: number
  questionId: number
  studySessionId: number | null
  testAttemptId: number | null
  selectedAnswer: string
  isCorrect: boolean
  timeSpentSeconds: number | null
  confidenceLevel: number | null
  flagged: boolean | null
  changedAnswer: boolean | null
  attemptNumber: number | null
  daysSinceLastSeen: number | null
  answeredAt: Date | null
}

export interface StudySession {
  id: number
  userId: number
  examId: number
  mode: string | null
  objectives: number[] | null
  difficultyFilter: DifficultyFilter | null
  questionCount: number | null
  totalQuestions: number | null
  correctAnswers: number | null
  skippedQuestions: number | null
  flaggedQuestions: number | null
  timeSpentSeconds: number | null
  avgTimePerQuestion: number | null
  /** 0..1 */
  accuracy: number | null
  streakCount: number | null
  maxStreak: number | null
  /** Accuracy per objective id, rounded to 2 decimals. */
  objectiveScores: Record<string, number> | null
  status: string | null
  currentQuestionId: number | null
  createdAt: Date | null
  lastActivity: Date | null
  completedAt: Date | null
}

export interface SearchOptions {
  examId?: number
  limit?: number
}

export interface QuestionSearchHit {
  id: number
  examId: number
  objectiveId: number
  text: string
  type: string | null
  difficulty: number | null
  reviewStatus: string | null
  objectiveName: string
  objectiveCode: string
  /** The best-matching passage, matches wrapped in <mark>. */
  snippet: string
  /** bm25: more negative is a better match. */
  score: number
}

export interface UserProgressRow {
  id: number
  userId: number
  examId: number
  totalQuestionsSeen: number | null
  uniqueQuestionsSeen: number | null
  totalCorrect: number | null
  totalIncorrect: number | null
  overallAccuracy: number | null
  currentStreak: number | null
  longestStreak: number | null
  avgTimePerQuestion: number | null
  totalStudyMinutes: number | null
  lastStudyDate: string | null
  studyDaysCount: number | null
  objectiveMastery: Record<string, unknown> | null
  readinessScore: number | null
  predictedExamScore: number | null
  confidenceInterval: number | null
  weakTopics: string[] | null
  recommendedObjectives: number[] | null
  testsTaken: number | null
  testsPassed: number | null
  bestScore: number | null
  avgTestScore: number | null
  lastTestDate: string | null
  createdAt: Date | null
  updatedAt: Date | null
}

export interface ExamSummary {
  name: string
  code: string
  passingScore: number | null
  questionCount: number | null
  timeLimitMinutes: number | null
}

export interface RecentAnswer {
  answerId: number
  questionId: number
  objectiveId: number
  isCorrect: boolean
  timeSpentSeconds: number | null
  answeredAt: Date | null
  studySessionId: number | null
  testAttemptId: number | null
}

export interface UserProgress {
  progress: UserProgressRow
  exam: ExamSummary
  recentActivity: RecentAnswer[]
  /** Consecutive correct answers on this exam since the last wrong one. */
  currentStreak: number
}

export interface LeaderboardEntry {
  rank: number
  userId: number
  userName: string
  userPicture: string | null
  overallAccuracy: number | null
  readinessScore: number | null
  totalStudyMinutes: number | null
  bestScore: number | null
  totalQuestionsSeen: number
  weeklyActivity: number
}

export interface EngagementOpportunity {
  id: string
  tweetId: string
  accountId: string
  opportunityType: string
  relevanceScore: number | null
  suggestedResponse: string | null
  aiModelUsed: string | null
  aiCost: number | null
  createdAt: Date | null
  tweetText: string
  tweetMetrics: Record<string, unknown> | null
  tweetCreatedAt: Date | null
  accountUsername: string
  accountDisplayName: string | null
  accountFollowers: number | null
  accountBio: string | null
  engagementPotential: number | null
}

export interface GrowthAnalyticsRow {
  date: string
  followersCount: number | null
  newFollowers: number | null
  engagementsMade: number | null
  aiCosts: number | null
  engagementRate: number | null
  /** 0 when there were no new followers. */
  costPerFollower: number
  rollingAvgFollowers: number | null
  rollingAvgCosts: number | null
}

export declare class OptimizedStudyQueries {
  constructor(db: EdgeOptimizedDatabase)
  getOptimizedStudyQuestions(params: StudyQuestionsParams): Promise<StudyQuestion[]>
  recordAnswerOptimized(answer: AnswerInput): Promise<UserAnswer>
  recordAnswersBatch(answers: AnswerInput[]): Promise<UserAnswer[]>
  updateSessionProgressOptimized(sessionId: number): Promise<StudySession | null>
  searchQuestions(text: string, options?: SearchOptions): Promise<QuestionSearchHit[]>
}

export declare class OptimizedProgressQueries {
  constructor(db: EdgeOptimizedDatabase)
  getUserProgressOptimized(userId: number, examId: number): Promise<UserProgress | null>
  getExamLeaderboardOptimized(examId: number, limit?: number): Promise<LeaderboardEntry[]>
}

export declare class OptimizedTwitterQueries {
  constructor(db: EdgeOptimizedDatabase)
  getPendingOpportunitiesOptimized(limit?: number): Promise<EngagementOpportunity[]>
  getGrowthAnalyticsOptimized(days?: number): Promise<GrowthAnalyticsRow[]>
}

export interface OptimizedQueries {
  study: OptimizedStudyQueries
  progress: OptimizedProgressQueries
  twitter: OptimizedTwitterQueries
}

export interface OptimizedQueriesOptions {
  /** A StudyCache (createCachingStrategy) to serve and invalidate study results. */
  cache?: import('./caching').StudyCache
}

export declare function createOptimizedQueries(db: EdgeOptimizedDatabase, options?: OptimizedQueriesOptions): OptimizedQueries

/** `EXPLAIN QUERY PLAN` of every optimized query, by query name. */
export declare function explainQueries(db: EdgeOptimizedDatabase): Promise<Record<string, string[]>>
