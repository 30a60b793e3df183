// The performance migration (optimizeDatabase, `npm run db:optimize`) and its reports.
// Reports are tagged by `action`: 'plan' (a dry run), 'apply', 'rollback', 'maintenance'.
import type { EdgeOptimizedDatabase } from '../index'

/** Step ids: '001' backup_index_list ... '010' normalize_timestamps. */
export type MigrationStepId = '001' | '002' | '003' | '004' | '005' | '006' | '007' | '008' | '009' | '010'

export interface OptimizeOptions {
  /** Report what would happen; change nothing (not one byte of the file). */
  dryRun?: boolean
  /** Undo applied steps, newest first: all of them, or those in `steps`. */
  rollback?: boolean
  /** With `rollback`: the steps to undo ('005' or 5). */
  steps?: Array<MigrationStepId | string | number>
  /** ANALYZE / PRAGMA optimize, WAL checkpoint, integrity check, VACUUM when worth it. */
  maintenance?: boolean
}

export type MigrationStepStatus = 'pending' | 'applied' | 'changed'

/** A schema object and whether sqlite_master holds it (at the time of the report). */
export interface SchemaObject {
  type: 'table' | 'index' | 'view' | 'trigger'
  name: string
  exists: boolean
}

/** Text timestamps of one column that step 010 rewrites as unix seconds. */
export interface TimestampRewrite {
  table: string
  column: string
  rows: number
}

/** One PRAGMA of step 007: value before, the value it sets, and the value after it ran. */
export interface PragmaChange {
  name: string
  before: string | null
  target: string
  after: string | null
  note: string | null
}

export interface PlannedStep {
  id: MigrationStepId
  name: string
  title: string
  status: MigrationStepStatus
  /** Runs (apply plan) or is undone (rollback plan) by the command planned. */
  willRun: boolean
  transactional: boolean
  checksum: string
  journalChecksum: string | null
  appliedAt: number | null
  creates: SchemaObject[]
  drops: SchemaObject[]
  rewrites: TimestampRewrite[]
  restores: number | null
  pragmas: PragmaChange[]
  note: string | null
}

export interface MigrationPlan {
  action: 'plan'
  target: string
  mode: 'apply' | 'rollback'
  journalExists: boolean
  createsJournal: boolean
  dropsJournal: boolean
  steps: PlannedStep[]
  wouldRun: MigrationStepId[]
  changed: MigrationStepId[]
  notApplied: MigrationStepId[]
  message: string
}

export interface StepRun {
  id: MigrationStepId
  name: string
  title: string
  ms: number
  creates: SchemaObject[]
  drops: SchemaObject[]
  rewrites: TimestampRewrite[]
  restores: number | null
  pragmas: PragmaChange[]
  note: string | null
}

export interface StepFailure {
  id: MigrationStepId
  name: string
  title: string
  code: string
  message: string
}

export interface ChangedStep {
  id: MigrationStepId
  name: string
  journalChecksum: string
  checksum: string
}

export interface ApplyReport {
  action: 'apply'
  target: string
  ok: boolean
  /** Every step was already applied: nothing ran. */
  upToDate: boolean
  applied: StepRun[]
  alreadyApplied: MigrationStepId[]
  /** Applied with other SQL than the shipped one: reported, never re-applied. */
  changed: ChangedStep[]
  failed: StepFailure | null
  notRun: MigrationStepId[]
  totalMs: number
  message: string
}

export interface RollbackReport {
  action: 'rollback'
  target: string
  ok: boolean
  rolledBack: StepRun[]
  notApplied: MigrationStepId[]
  /** No step is applied any more: the journal table was dropped too. */
  journalDropped: boolean
  failed: StepFailure | null
  notRun: MigrationStepId[]
  totalMs: number
  message: string
}

export interface MaintenanceTask {
  name: 'statistics' | 'wal checkpoint' | 'integrity check' | 'vacuum'
  status: 'done' | 'skipped' | 'failed' | 'wouldRun'
  ms: number
  detail: string
}

export interface MaintenanceReport {
  action: 'maintenance'
  target: string
  ok: boolean
  dryRun: boolean
  tasks: MaintenanceTask[]
  pageCount: number
  freelistCount: number
  freelistRatio: number
  totalMs: number
  message: string
}

export type OptimizeReport = MigrationPlan | ApplyReport | RollbackReport | MaintenanceReport

/** The error a failed step (or failed maintenance) rejects with. */
export interface MigrationError extends Error {
  code: 'ERR_MIGRATION_STEP_FAILED' | 'ERR_MAINTENANCE_FAILED'
  step?: MigrationStepId
  report: ApplyReport | RollbackReport | MaintenanceReport
}

export declare function optimizeDatabase(db: EdgeOptimizedDatabase, options: OptimizeOptions & { dryRun: true; maintenance?: false }): Promise<MigrationPlan>
export declare function optimizeDatabase(db: EdgeOptimizedDatabase, options: OptimizeOptions & { maintenance: true }): Promise<MaintenanceReport>
export declare function optimizeDatabase(db: EdgeOptimizedDatabase, options: OptimizeOptions & { rollback: true; dryRun?: false }): Promise<RollbackReport>
export declare function optimizeDatabase(db: EdgeOptimizedDatabase, options?: OptimizeOptions & { dryRun?: false; rollback?: false; maintenance?: false }): Promise<ApplyReport>
export declare function optimizeDatabase(db: EdgeOptimizedDatabase, options?: OptimizeOptions): Promise<OptimizeReport>
