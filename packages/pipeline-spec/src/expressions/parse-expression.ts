import { type BinaryOperator, type Expr, type Literal } from './ast';

export class ExpressionSyntaxError extends Error {
  readonly code = 'invalid-expression';
  constructor(
    message: string,
    /** 0-based offset in the expression source. */
    readonly pos: number,
  ) {
    super(message);
    this.name = 'ExpressionSyntaxError';
  }
}

type Token =
  | { kind: 'punct'; value: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'name'; value: string; pos: number }
  | { kind: 'end'; pos: number };

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_-]/;
const PROPERTY_START = /[A-Za-z0-9_]/;
const TWO_CHAR = ['==', '!=', '<=', '>=', '&&', '||'];
const ONE_CHAR = '()[].,!<>';

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `the string '${token.value}'`;
    case 'number':
      return `the number ${token.text}`;
    case 'name':
      return `"${token.value}"`;
    case 'punct':
      return `"${token.value}"`;
  }
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    const previous = tokens[tokens.length - 1];
    if (previous?.kind === 'punct' && previous.value === '.') {
      // After a dot comes a property name, which may start with a digit (task and stage names can).
      if (!PROPERTY_START.test(ch)) throw new ExpressionSyntaxError(`expected a property name after "."`, start);
      while (i < source.length && NAME_PART.test(source[i] ?? '')) i++;
      tokens.push({ kind: 'name', value: source.slice(start, i), pos: start });
      continue;
    }
    if (ch === "'" || ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new ExpressionSyntaxError(`unterminated string: expected a closing ${ch}`, start);
        const c = source[i] ?? '';
        if (c === ch) {
          if (source[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: 'string', value, pos: start });
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      i++;
      while (i < source.length && /[0-9.]/.test(source[i] ?? '')) i++;
      const text = source.slice(start, i);
      const value = Number(text);
      if (!/^-?\d+(\.\d+)?$/.test(text) || Number.isNaN(value))
        throw new ExpressionSyntaxError(`"${text}" is not a number`, start);
      tokens.push({ kind: 'number', value, text, pos: start });
      continue;
    }
    if (NAME_START.test(ch)) {
      while (i < source.length && NAME_PART.test(source[i] ?? '')) i++;
      tokens.push({ kind: 'name', value: source.slice(start, i), pos: start });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (TWO_CHAR.includes(two)) {
      tokens.push({ kind: 'punct', value: two, pos: start });
      i += 2;
      continue;
    }
    if (ONE_CHAR.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, pos: start });
      i++;
      continue;
    }
    if (ch === '=') throw new ExpressionSyntaxError(`unexpected "="; did you mean "=="?`, start);
    if (ch === '&') throw new ExpressionSyntaxError(`unexpected "&"; did you mean "&&"?`, start);
    if (ch === '|') throw new ExpressionSyntaxError(`unexpected "|"; did you mean "||"?`, start);
    throw new ExpressionSyntaxError(`unexpected character "${ch}"`, start);
  }
  tokens.push({ kind: 'end', pos: source.length });
  return tokens;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] ?? { kind: 'end', pos: 0 };
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private expectPunct(value: string, context: string): void {
    const token = this.peek();
    if (token.kind === 'punct' && token.value === value) {
      this.index++;
      return;
    }
    throw new ExpressionSyntaxError(`expected "${value}" ${context}, found ${describe(token)}`, token.pos);
  }

  parse(): Expr {
    const expr = this.or();
    const token = this.peek();
    if (token.kind !== 'end')
      throw new ExpressionSyntaxError(`unexpected ${describe(token)}; expected an operator or the end`, token.pos);
    return expr;
  }

  private binary(operators: BinaryOperator[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct' || !(operators as string[]).includes(token.value)) return left;
      this.index++;
      const right = operand();
      left = { type: 'binary', op: token.value as BinaryOperator, left, right, pos: token.pos };
    }
  }

  private or(): Expr {
    return this.binary(['||'], () => this.and());
  }

  private and(): Expr {
    return this.binary(['&&'], () => this.comparison());
  }

  private comparison(): Expr {
    return this.binary(['==', '!=', '<', '<=', '>', '>='], () => this.unary());
  }

  private unary(): Expr {
    const token = this.peek();
    if (token.kind === 'punct' && token.value === '!') {
      this.index++;
      return { type: 'not', operand: this.unary(), pos: token.pos };
    }
    return this.postfix(this.primary());
  }

  private primary(): Expr {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { type: 'literal', value: token.value, pos: token.pos };
      case 'number':
        return { type: 'literal', value: token.value, pos: token.pos };
      case 'name': {
        const keywords: Record<string, Literal> = { true: true, false: false, null: null };
        if (token.value in keywords) return { type: 'literal', value: keywords[token.value] ?? null, pos: token.pos };
        if (this.isPunct('(')) {
          this.index++;
          const args: Expr[] = [];
          if (!this.isPunct(')')) {
            for (;;) {
              args.push(this.or());
              if (!this.isPunct(',')) break;
              this.index++;
            }
          }
          this.expectPunct(')', `to close the arguments of ${token.value}()`);
          return { type: 'call', name: token.value, args, pos: token.pos };
        }
        return { type: 'identifier', name: token.value, pos: token.pos };
      }
      case 'punct':
        if (token.value === '(') {
          const inner = this.or();
          this.expectPunct(')', 'to close "("');
          return inner;
        }
        throw new ExpressionSyntaxError(`unexpected ${describe(token)}; expected a value`, token.pos);
      case 'end':
        throw new ExpressionSyntaxError(`unexpected end of the expression; expected a value`, token.pos);
    }
  }

  private postfix(expr: Expr): Expr {
    for (;;) {
      if (this.isPunct('.')) {
        this.index++;
        const name = this.next();
        if (name.kind !== 'name') throw new ExpressionSyntaxError(`expected a property name after "."`, name.pos);
        expr = { type: 'member', object: expr, property: name.value, pos: name.pos };
      } else if (this.isPunct('[')) {
        const open = this.next();
        const index = this.or();
        this.expectPunct(']', 'to close "["');
        expr =
          index.type === 'literal' && typeof index.value === 'string'
            ? { type: 'member', object: expr, property: index.value, pos: index.pos }
            : { type: 'index', object: expr, index, pos: open.pos };
      } else {
        return expr;
      }
    }
  }
}

/** Parses the inside of a `${{ … }}` (without the braces). Throws {@link ExpressionSyntaxError}. */
export function parseExpression(source: string): Expr {
  if (source.trim() === '') throw new ExpressionSyntaxError('empty expression', 0);
  return new Parser(tokenize(source)).parse();
}
