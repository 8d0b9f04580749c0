import { type ErrorCollector, type SourceLocation } from '../../errors/spec-error';
import { suggestion } from '../../errors/suggest';
import { type RawStage } from '../raw-pipeline';

/** A resolved `needs` edge; `implicit` when the stage wrote no `needs` and so needs the stage before it. */
export interface Need {
  name: string;
  location: SourceLocation;
  implicit: boolean;
}

export type NeedsByStage = ReadonlyMap<string, Need[]>;

/** Needs: explicit (unknown stages reported, repeats dropped), or the stage before in the file. */
export function resolveNeeds(
  ordered: readonly RawStage[],
  stages: ReadonlyMap<string, RawStage>,
  errors: ErrorCollector,
): NeedsByStage {
  const needs = new Map<string, Need[]>();
  ordered.forEach((stage, index) => {
    const previous = ordered[index - 1];
    if (stage.needs === undefined) {
      needs.set(
        stage.name,
        previous === undefined ? [] : [{ name: previous.name, location: stage.nameLocation, implicit: true }],
      );
      return;
    }
    const resolved: Need[] = [];
    for (const need of stage.needs) {
      if (!stages.has(need.name)) {
        errors.add(
          need.location,
          'unknown-need',
          `stage "${stage.name}" needs unknown stage "${need.name}"${suggestion(
            need.name,
            [...stages.keys()].filter((n) => n !== stage.name),
            'stages are',
          )}`,
        );
        continue;
      }
      if (!resolved.some((r) => r.name === need.name)) resolved.push({ ...need, implicit: false });
    }
    needs.set(stage.name, resolved);
  });
  return needs;
}

/** The stages a stage runs after, directly or not (memoized; safe on cycles, which are reported apart). */
export function ancestry(needs: NeedsByStage): (name: string) => ReadonlySet<string> {
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (name: string, visiting: Set<string> = new Set()): Set<string> => {
    const known = ancestors.get(name);
    if (known !== undefined) return known;
    const out = new Set<string>();
    visiting.add(name);
    for (const need of needs.get(name) ?? []) {
      out.add(need.name);
      if (!visiting.has(need.name)) for (const a of ancestorsOf(need.name, visiting)) out.add(a);
    }
    visiting.delete(name);
    ancestors.set(name, out);
    return out;
  };
  return (name) => ancestorsOf(name);
}

/** Reports every cycle of `needs` once, as a path, at the first stage of the cycle in file order. */
export function reportCycles(ordered: readonly RawStage[], needs: NeedsByStage, errors: ErrorCollector): boolean {
  const index = new Map(ordered.map((stage, i) => [stage.name, i]));
  let found = false;
  for (const component of stronglyConnected(ordered, needs)) {
    const members = new Set(component);
    const start = [...component].sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0))[0];
    if (start === undefined) continue;
    const selfLoop = (needs.get(start) ?? []).some((n) => n.name === start);
    if (component.length === 1 && !selfLoop) continue;
    found = true;
    const path = shortestLoop(start, members, needs);
    const implicitNotes: string[] = [];
    for (let i = 0; i + 1 < path.length; i++) {
      const from = path[i] as string;
      const to = path[i + 1] as string;
      const edge = (needs.get(from) ?? []).find((n) => n.name === to);
      if (edge?.implicit) implicitNotes.push(`"${from}" has no "needs", so it needs the stage before it, "${to}"`);
    }
    const first = (needs.get(start) ?? []).find((n) => n.name === path[1]);
    const note = implicitNotes.length > 0 ? ` (${implicitNotes.join('; ')})` : '';
    const message =
      path.length === 2
        ? `stage "${start}" needs itself`
        : `needs cycle: ${path.join(' -> ')}; a stage cannot (indirectly) need itself${note}`;
    errors.add(
      first?.location ?? ordered[index.get(start) ?? 0]?.nameLocation ?? { file: '', line: 0, column: 0 },
      'needs-cycle',
      message,
    );
  }
  return found;
}

/** Tarjan's strongly connected components of the `needs` graph. */
function stronglyConnected(ordered: readonly RawStage[], needs: NeedsByStage): string[][] {
  let counter = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (name: string): void => {
    order.set(name, counter);
    low.set(name, counter);
    counter++;
    stack.push(name);
    onStack.add(name);
    for (const need of needs.get(name) ?? []) {
      if (!order.has(need.name)) {
        connect(need.name);
        low.set(name, Math.min(low.get(name) ?? 0, low.get(need.name) ?? 0));
      } else if (onStack.has(need.name)) {
        low.set(name, Math.min(low.get(name) ?? 0, order.get(need.name) ?? 0));
      }
    }
    if (low.get(name) === order.get(name)) {
      const component: string[] = [];
      for (;;) {
        const member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
        if (member === name) break;
      }
      components.push(component);
    }
  };
  for (const stage of ordered) if (!order.has(stage.name)) connect(stage.name);
  return components;
}

/** A path from `start` back to `start` inside the component (breadth first: the shortest). */
function shortestLoop(start: string, members: ReadonlySet<string>, needs: NeedsByStage): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  let closing: string | undefined;
  while (queue.length > 0 && closing === undefined) {
    const current = queue.shift() as string;
    for (const need of needs.get(current) ?? []) {
      if (!members.has(need.name)) continue;
      if (need.name === start) {
        closing = current;
        break;
      }
      if (!previous.has(need.name)) {
        previous.set(need.name, current);
        queue.push(need.name);
      }
    }
  }
  const path = [start];
  for (let at = closing; at !== undefined && at !== start; at = previous.get(at)) path.splice(1, 0, at);
  path.push(start);
  return path;
}
