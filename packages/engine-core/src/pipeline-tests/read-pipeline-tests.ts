import { graphTasks, nearest, parseDuration, type PipelineGraph } from '@pipewright/pipeline-spec';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import type { RunOutcome, StageOutcome, TaskResultOutcome } from '../executor/executor.types';
import type { MockOutcome } from '../mock/mock.types';
import type { PipelineTestFileError } from './pipeline-test.types';

/** Where something is in the test file (1-based). */
export interface Position {
  line: number;
  column: number;
}

export interface Located<T> {
  value: T;
  at: Position;
}

export interface PipelineTestCase {
  name: string;
  at: Position;
  given: {
    outcomes: Record<string, MockOutcome | MockOutcome[]>;
    outputs: Record<string, Record<string, string>>;
    durations: Record<string, number>;
    inputs: Record<string, string | number | boolean>;
    approvals: Record<string, 'approved' | 'rejected'>;
    to?: string;
    only?: string;
  };
  expect: {
    outcome?: Located<RunOutcome>;
    ran: Located<string>[];
    notRan: Located<string>[];
    order: Located<string[]>[];
    parallel: Located<string[]>[];
    stages: Located<{ stage: string; outcome: StageOutcome }>[];
    tasks: Located<{ task: string; outcome: TaskResultOutcome }>[];
    attempts: Located<{ task: string; attempts: number }>[];
    with: Located<{ task: string; input: string; value: unknown }>[];
  };
}

const CASE_KEYS = ['name', 'given', 'expect'];
const GIVEN_KEYS = ['outcomes', 'outputs', 'durations', 'inputs', 'approvals', 'to', 'only'];
const EXPECT_KEYS = ['outcome', 'ran', 'notRan', 'order', 'parallel', 'stages', 'tasks', 'attempts', 'with'];
const MOCK_OUTCOMES: readonly MockOutcome[] = ['success', 'failure', 'error'];
const RUN_OUTCOMES: readonly RunOutcome[] = ['success', 'failure', 'cancel'];
const STAGE_OUTCOMES: readonly StageOutcome[] = ['success', 'failure', 'error', 'cancel', 'skipped'];
const TASK_OUTCOMES: readonly TaskResultOutcome[] = ['success', 'failure', 'error', 'cancel', 'skipped'];
const DECISIONS = ['approved', 'rejected'] as const;

/**
 * Reads a pipewright.test.yml against the graph it tests: every task and stage it names must exist
 * (task ids `stage.task`, or a task name only one stage has). All problems are collected, each at its
 * file:line:column, with the nearest valid name for a typo.
 */
export class PipelineTestReader {
  private readonly lineCounter = new LineCounter();
  readonly errors: PipelineTestFileError[] = [];
  private readonly taskIds: string[];
  private readonly stageNames: string[];

  constructor(
    private readonly graph: PipelineGraph,
    private readonly file: string,
  ) {
    this.taskIds = graphTasks(graph).map((task) => task.id);
    this.stageNames = graph.stages.map((stage) => stage.name);
  }

  read(text: string): PipelineTestCase[] {
    const document = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
    for (const error of document.errors)
      this.error(error.pos[0], `YAML syntax error: ${error.message.split('\n')[0] ?? error.message}`);
    if (document.errors.length > 0) return [];
    const root = document.contents;
    if (!isSeq(root)) {
      this.error(root?.range?.[0] ?? 0, 'expected a list of test cases (each "- name: …", with "given" and "expect")');
      return [];
    }
    const cases: PipelineTestCase[] = [];
    const names = new Map<string, Position>();
    for (const item of root.items) {
      const testCase = this.readCase(item);
      if (testCase === undefined) continue;
      const earlier = names.get(testCase.name);
      if (earlier !== undefined)
        this.errorAt(testCase.at, `duplicate test case name "${testCase.name}" (also on line ${earlier.line})`);
      names.set(testCase.name, testCase.at);
      cases.push(testCase);
    }
    if (root.items.length === 0) this.error(root.range?.[0] ?? 0, 'the file has no test cases');
    return cases;
  }

  // -------------------------------------------------------------------------------------------

  private position(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  private at(node: Node | null | undefined): Position {
    return this.position(node?.range?.[0] ?? 0);
  }

  private error(offset: number, message: string): void {
    this.errorAt(this.position(offset), message);
  }

  private errorAt(at: Position, message: string): void {
    this.errors.push({ file: this.file, line: at.line, column: at.column, message });
  }

  private map(node: Node | null, what: string): YAMLMap<Scalar, Node | null> | undefined {
    if (isMap(node)) return node as YAMLMap<Scalar, Node | null>;
    this.errorAt(this.at(node), `${what} must be a map`);
    return undefined;
  }

  /** The entries of a map with string keys; unknown keys (when `known` is given) are errors with a suggestion. */
  private entries(map: YAMLMap<Scalar, Node | null>, what: string, known?: readonly string[]) {
    const out: { key: string; keyAt: Position; value: Node | null }[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.errorAt(this.at(keyNode), `keys of ${what} must be plain names`);
        continue;
      }
      if (known !== undefined && !known.includes(key)) {
        const near = nearest(key, known);
        this.errorAt(
          this.at(keyNode),
          `unknown key "${key}" in ${what}${near ? `; did you mean "${near}"?` : `; expected one of: ${known.join(', ')}`}`,
        );
        continue;
      }
      out.push({ key, keyAt: this.at(keyNode), value: pair.value ?? null });
    }
    return out;
  }

  private scalar(node: Node | null, what: string): string | number | boolean | undefined {
    if (isScalar(node) && ['string', 'number', 'boolean'].includes(typeof node.value))
      return node.value as string | number | boolean;
    this.errorAt(this.at(node), `${what} must be a single value`);
    return undefined;
  }

  private string(node: Node | null, what: string): string | undefined {
    const value = this.scalar(node, what);
    return value === undefined ? undefined : String(value);
  }

  private oneOf<T extends string>(node: Node | null, what: string, allowed: readonly T[]): T | undefined {
    const value = this.string(node, what);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    const near = nearest(value, allowed);
    this.errorAt(
      this.at(node),
      `${what} "${value}" is not one of ${allowed.join(', ')}${near ? `; did you mean "${near}"?` : ''}`,
    );
    return undefined;
  }

  /** A task id `stage.task`, or a task name only one stage has; undefined (with an error) when unknown. */
  private taskId(name: string, at: Position): string | undefined {
    if (this.taskIds.includes(name)) return name;
    const byName = this.taskIds.filter((id) => id.slice(id.indexOf('.') + 1) === name);
    if (byName.length === 1) return byName[0];
    if (byName.length > 1) {
      this.errorAt(at, `"${name}" names more than one task: ${byName.join(', ')}; write <stage>.<task>`);
      return undefined;
    }
    const near = nearest(name, this.taskIds);
    this.errorAt(
      at,
      `unknown task "${name}"${near ? `; did you mean "${near}"?` : `; tasks are: ${this.taskIds.join(', ')}`}`,
    );
    return undefined;
  }

  private task(node: Node | null, what: string): string | undefined {
    const name = this.string(node, what);
    return name === undefined ? undefined : this.taskId(name, this.at(node));
  }

  private stage(name: string, at: Position): string | undefined {
    if (this.stageNames.includes(name)) return name;
    const near = nearest(name, this.stageNames);
    this.errorAt(
      at,
      `unknown stage "${name}"${near ? `; did you mean "${near}"?` : `; stages are: ${this.stageNames.join(', ')}`}`,
    );
    return undefined;
  }

  private taskList(node: Node | null, what: string): Located<string>[] {
    if (!isSeq(node)) {
      this.errorAt(this.at(node), `${what} must be a list of task ids`);
      return [];
    }
    const out: Located<string>[] = [];
    for (const item of node.items as (Node | null)[]) {
      const id = this.task(item, `an entry of ${what}`);
      if (id !== undefined) out.push({ value: id, at: this.at(item) });
    }
    return out;
  }

  /** `[[a, b], [c, d]]`, or one group `[a, b]`. */
  private taskGroups(node: Node | null, what: string): Located<string[]>[] {
    if (!isSeq(node)) {
      this.errorAt(this.at(node), `${what} must be a list of task lists, e.g. [[build.compile, deploy.push]]`);
      return [];
    }
    const items = node.items as (Node | null)[];
    const groups = items.every((item) => isSeq(item)) ? items : [node];
    const out: Located<string[]>[] = [];
    for (const group of groups) {
      const ids = this.taskList(group, `a group of ${what}`);
      if (ids.length < 2) {
        this.errorAt(this.at(group), `a group of ${what} needs at least two tasks`);
        continue;
      }
      out.push({ value: ids.map((id) => id.value), at: this.at(group) });
    }
    return out;
  }

  private readCase(node: Node): PipelineTestCase | undefined {
    const map = this.map(node, 'a test case');
    if (map === undefined) return undefined;
    const at = this.at(node);
    const fields = new Map(this.entries(map, 'a test case', CASE_KEYS).map((e) => [e.key, e]));
    const nameEntry = fields.get('name');
    const name = nameEntry ? this.string(nameEntry.value, '"name"') : undefined;
    if (nameEntry === undefined) this.errorAt(at, 'a test case needs a "name"');
    const testCase: PipelineTestCase = {
      name: name ?? `case on line ${at.line}`,
      at,
      given: { outcomes: {}, outputs: {}, durations: {}, inputs: {}, approvals: {} },
      expect: { ran: [], notRan: [], order: [], parallel: [], stages: [], tasks: [], attempts: [], with: [] },
    };
    const given = fields.get('given');
    if (given !== undefined && given.value !== null) this.readGiven(given.value, testCase);
    const expect = fields.get('expect');
    if (expect === undefined || expect.value === null)
      this.errorAt(expect?.keyAt ?? at, `test case "${testCase.name}" needs an "expect" with at least one expectation`);
    else this.readExpect(expect.value, testCase);
    return testCase;
  }

  private readGiven(node: Node, testCase: PipelineTestCase): void {
    const map = this.map(node, '"given"');
    if (map === undefined) return;
    const given = testCase.given;
    for (const { key, value } of this.entries(map, '"given"', GIVEN_KEYS)) {
      switch (key) {
        case 'outcomes':
          this.perTask(value, '"given.outcomes"', (id, v) => {
            if (isSeq(v)) {
              const list = (v.items as (Node | null)[]).map((item) => this.oneOf(item, 'outcome', MOCK_OUTCOMES));
              if (list.length === 0) this.errorAt(this.at(v), 'a list of outcomes needs at least one');
              else if (list.every((o) => o !== undefined)) given.outcomes[id] = list;
            } else {
              const outcome = this.oneOf(v, 'outcome', MOCK_OUTCOMES);
              if (outcome !== undefined) given.outcomes[id] = outcome;
            }
          });
          break;
        case 'outputs':
          this.perTask(value, '"given.outputs"', (id, v) => {
            const outputs = this.map(v, `the outputs of "${id}"`);
            if (outputs === undefined) return;
            const values: Record<string, string> = {};
            for (const entry of this.entries(outputs, `the outputs of "${id}"`)) {
              const text = this.string(entry.value, `output "${entry.key}"`);
              if (text !== undefined) values[entry.key] = text;
            }
            given.outputs[id] = values;
          });
          break;
        case 'durations':
          this.perTask(value, '"given.durations"', (id, v) => {
            const raw = this.scalar(v, `the duration of "${id}"`);
            const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDuration(raw) : undefined;
            if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
              if (raw !== undefined)
                this.errorAt(
                  this.at(v),
                  `"${String(raw)}" is not a duration; write milliseconds or e.g. 500ms, 30s, 5m`,
                );
            } else given.durations[id] = ms;
          });
          break;
        case 'inputs': {
          const inputs = this.map(value, '"given.inputs"');
          if (inputs === undefined) break;
          for (const entry of this.entries(inputs, '"given.inputs"')) {
            const v = this.scalar(entry.value, `input "${entry.key}"`);
            if (v !== undefined) given.inputs[entry.key] = v;
          }
          break;
        }
        case 'approvals': {
          const approvals = this.map(value, '"given.approvals"');
          if (approvals === undefined) break;
          for (const entry of this.entries(approvals, '"given.approvals"')) {
            const stage = this.stage(entry.key, entry.keyAt);
            if (stage === undefined) continue;
            if (this.graph.stages.find((s) => s.name === stage)?.approval === undefined)
              this.errorAt(entry.keyAt, `stage "${stage}" has no approval`);
            const decision = this.oneOf(entry.value, 'approval decision', DECISIONS);
            if (decision !== undefined) given.approvals[stage] = decision;
          }
          break;
        }
        case 'to': {
          const target = this.string(value, '"given.to"');
          if (target === undefined) break;
          if (this.stageNames.includes(target)) given.to = target;
          else {
            const id = this.taskId(target, this.at(value));
            if (id !== undefined) given.to = id;
          }
          break;
        }
        case 'only': {
          const id = this.task(value, '"given.only"');
          if (id !== undefined) given.only = id;
          break;
        }
      }
    }
    if (given.to !== undefined && given.only !== undefined)
      this.errorAt(this.at(node), '"given" may have "to" or "only", not both');
  }

  private perTask(node: Node | null, what: string, read: (id: string, value: Node | null) => void): void {
    const map = this.map(node, what);
    if (map === undefined) return;
    for (const entry of this.entries(map, what)) {
      const id = this.taskId(entry.key, entry.keyAt);
      if (id !== undefined) read(id, entry.value);
    }
  }

  private readExpect(node: Node, testCase: PipelineTestCase): void {
    const map = this.map(node, '"expect"');
    if (map === undefined) return;
    const expect = testCase.expect;
    const entries = this.entries(map, '"expect"', EXPECT_KEYS);
    if (map.items.length === 0)
      this.errorAt(this.at(node), `test case "${testCase.name}" needs at least one expectation in "expect"`);
    for (const { key, keyAt, value } of entries) {
      switch (key) {
        case 'outcome': {
          const outcome = this.oneOf(value, 'the run outcome', RUN_OUTCOMES);
          if (outcome !== undefined) expect.outcome = { value: outcome, at: keyAt };
          break;
        }
        case 'ran':
          expect.ran = this.taskList(value, '"expect.ran"');
          break;
        case 'notRan':
          expect.notRan = this.taskList(value, '"expect.notRan"');
          break;
        case 'order':
          expect.order = this.taskGroups(value, '"expect.order"');
          break;
        case 'parallel':
          expect.parallel = this.taskGroups(value, '"expect.parallel"');
          break;
        case 'stages': {
          const stages = this.map(value, '"expect.stages"');
          if (stages === undefined) break;
          for (const entry of this.entries(stages, '"expect.stages"')) {
            const stage = this.stage(entry.key, entry.keyAt);
            const outcome = this.oneOf(entry.value, 'stage outcome', STAGE_OUTCOMES);
            if (stage !== undefined && outcome !== undefined)
              expect.stages.push({ value: { stage, outcome }, at: entry.keyAt });
          }
          break;
        }
        case 'tasks':
          this.perTaskLocated(value, '"expect.tasks"', (task, v, at) => {
            const outcome = this.oneOf(v, 'task outcome', TASK_OUTCOMES);
            if (outcome !== undefined) expect.tasks.push({ value: { task, outcome }, at });
          });
          break;
        case 'attempts':
          this.perTaskLocated(value, '"expect.attempts"', (task, v, at) => {
            const attempts = this.scalar(v, `the attempts of "${task}"`);
            if (typeof attempts === 'number' && Number.isInteger(attempts) && attempts >= 0)
              expect.attempts.push({ value: { task, attempts }, at });
            else if (attempts !== undefined) this.errorAt(this.at(v), 'attempts must be a whole number');
          });
          break;
        case 'with':
          this.perTaskLocated(value, '"expect.with"', (task, v) => {
            const inputs = this.map(v, `the expected "with" of "${task}"`);
            if (inputs === undefined) return;
            for (const entry of this.entries(inputs, `the expected "with" of "${task}"`))
              expect.with.push({
                value: {
                  task,
                  input: entry.key,
                  value: entry.value === null ? null : (entry.value.toJSON() as unknown),
                },
                at: entry.keyAt,
              });
          });
          break;
      }
    }
  }

  private perTaskLocated(
    node: Node | null,
    what: string,
    read: (id: string, value: Node | null, at: Position) => void,
  ): void {
    const map = this.map(node, what);
    if (map === undefined) return;
    for (const entry of this.entries(map, what)) {
      const id = this.taskId(entry.key, entry.keyAt);
      if (id !== undefined) read(id, entry.value, entry.keyAt);
    }
  }
}
