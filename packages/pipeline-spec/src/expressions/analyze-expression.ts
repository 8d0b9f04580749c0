import { suggestion } from '../errors/suggest';
import { type Expr, FUNCTIONS, type Literal } from './ast';

export interface PathSegment {
  name: string;
  pos: number;
}

/** A use of a context value, e.g. `tasks.build.outputs.version` as [tasks, build, outputs, version]. */
export interface Reference {
  path: PathSegment[];
  /** A computed key (`a[b]`) follows the path. */
  dynamic: boolean;
  /** The literal it is compared with by `==` / `!=`, if any. */
  comparedWith?: { value: Literal; pos: number };
}

export interface ExpressionProblem {
  message: string;
  pos: number;
}

export interface ExpressionAnalysis {
  references: Reference[];
  problems: ExpressionProblem[];
  /** Calls always(), success(), failure() or cancelled(). */
  usesStatus: boolean;
}

function referencePath(expr: Expr): { path: PathSegment[]; dynamic: boolean } | undefined {
  switch (expr.type) {
    case 'identifier':
      return { path: [{ name: expr.name, pos: expr.pos }], dynamic: false };
    case 'member': {
      const inner = referencePath(expr.object);
      if (inner === undefined) return undefined;
      if (inner.dynamic) return inner;
      return { path: [...inner.path, { name: expr.property, pos: expr.pos }], dynamic: false };
    }
    case 'index': {
      const inner = referencePath(expr.object);
      return inner === undefined ? undefined : { path: inner.path, dynamic: true };
    }
    case 'literal':
    case 'call':
    case 'not':
    case 'binary':
      return undefined;
  }
}

/** Lists what an expression refers to and which functions it calls, with problems that need no context. */
export function analyzeExpression(ast: Expr): ExpressionAnalysis {
  const analysis: ExpressionAnalysis = { references: [], problems: [], usesStatus: false };
  const visit = (expr: Expr, comparedWith?: Reference['comparedWith']): void => {
    const reference = referencePath(expr);
    if (reference !== undefined) {
      analysis.references.push(comparedWith === undefined ? reference : { ...reference, comparedWith });
      // Keys computed inside a path are expressions of their own.
      let node = expr;
      while (node.type === 'member' || node.type === 'index') {
        if (node.type === 'index') visit(node.index);
        node = node.object;
      }
      return;
    }
    switch (expr.type) {
      case 'literal':
      case 'identifier':
        return;
      case 'member':
        return visit(expr.object);
      case 'index':
        visit(expr.object);
        return visit(expr.index);
      case 'not':
        return visit(expr.operand);
      case 'binary': {
        const isEquality = expr.op === '==' || expr.op === '!=';
        const literalOf = (side: Expr) =>
          isEquality && side.type === 'literal' ? { value: side.value, pos: side.pos } : undefined;
        visit(expr.left, literalOf(expr.right));
        visit(expr.right, literalOf(expr.left));
        return;
      }
      case 'call': {
        const spec = FUNCTIONS[expr.name];
        if (spec === undefined) {
          analysis.problems.push({
            message: `unknown function "${expr.name}()"${suggestion(expr.name, Object.keys(FUNCTIONS), 'known functions')}`,
            pos: expr.pos,
          });
        } else {
          if (spec.status) analysis.usesStatus = true;
          if (expr.args.length < spec.minArgs || expr.args.length > spec.maxArgs) {
            const wanted = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
            analysis.problems.push({
              message: `${expr.name}() takes ${wanted} argument${wanted === '1' ? '' : 's'}, not ${expr.args.length}`,
              pos: expr.pos,
            });
          }
        }
        for (const arg of expr.args) visit(arg);
        return;
      }
    }
  };
  visit(ast);
  return analysis;
}
