/** Parsed `${{ … }}` expressions. `pos` is the 0-based offset in the expression source. */
export type Literal = string | number | boolean | null;

export type Expr =
  | { type: 'literal'; value: Literal; pos: number }
  | { type: 'identifier'; name: string; pos: number }
  /** `a.b` or `a['b']`. */
  | { type: 'member'; object: Expr; property: string; pos: number }
  /** `a[expr]` with a non-literal key. */
  | { type: 'index'; object: Expr; index: Expr; pos: number }
  | { type: 'call'; name: string; args: Expr[]; pos: number }
  | { type: 'not'; operand: Expr; pos: number }
  | { type: 'binary'; op: BinaryOperator; left: Expr; right: Expr; pos: number };

export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

export interface FunctionSpec {
  minArgs: number;
  maxArgs: number;
  /** Reads the run's status so far (only meaningful in `if`). */
  status: boolean;
}

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  always: { minArgs: 0, maxArgs: 0, status: true },
  success: { minArgs: 0, maxArgs: 0, status: true },
  failure: { minArgs: 0, maxArgs: 0, status: true },
  cancelled: { minArgs: 0, maxArgs: 0, status: true },
  contains: { minArgs: 2, maxArgs: 2, status: false },
  startsWith: { minArgs: 2, maxArgs: 2, status: false },
  endsWith: { minArgs: 2, maxArgs: 2, status: false },
};
