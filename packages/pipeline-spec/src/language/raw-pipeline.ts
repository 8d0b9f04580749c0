import { type SourceLocation } from '../errors/spec-error';
import { type Expr } from '../expressions/ast';
import {
  type Approval,
  type JsonValue,
  type RetryPolicy,
  type SectionName,
  type StageEnvironment,
} from '../graph/pipeline-graph';
import { type SourceFile, type YamlValue } from './source-file';

/** What the reader makes of the files, before names and references are checked across the pipeline. */

/** One `${{ … }}` (or `if` condition) to check against the task's scope once every stage is known. */
export interface ExpressionSite {
  file: SourceFile;
  node: YamlValue;
  fallback: SourceLocation;
  /** Index in the scalar's value where the expression source starts. */
  offset: number;
  /** Index in the scalar's value of the `${{` before it (absent for a bare condition). */
  anchor?: number;
  ast: Expr;
  /** Status functions (always(), failure()...) are allowed: the site is an `if`. */
  condition: boolean;
}

export interface RawTask {
  name: string;
  location: SourceLocation;
  nameLocation: SourceLocation;
  uses: string;
  with: Record<string, JsonValue>;
  env: Record<string, string>;
  timeoutMs: number;
  retry: RetryPolicy;
  if?: string;
  pool?: string;
  idempotent: boolean;
  outputs: string[];
  expressions: ExpressionSite[];
}

export type RawStep = { kind: 'task'; task: RawTask } | { kind: 'parallel'; lanes: RawTask[][] };

export interface RawNeed {
  name: string;
  location: SourceLocation;
}

export interface RawStage {
  name: string;
  location: SourceLocation;
  nameLocation: SourceLocation;
  /** Undefined when the stage has no `needs`: it then needs the stage before it. */
  needs?: RawNeed[];
  environment?: StageEnvironment;
  approval?: Approval;
  sections: Record<SectionName, RawStep[]>;
}
