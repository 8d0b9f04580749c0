import { parseArgs } from 'node:util';
import { closest } from './suggest';
import { UsageError } from './usage-error';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** May be given more than once (`--input a=1 --input b=2`). */
  multiple?: boolean;
  short?: string;
  /** Shown in help for string options: `--to <stage|task>`. */
  valueName?: string;
  description: string;
}

export interface PositionalSpec {
  name: string;
  required: boolean;
  description: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  options: Readonly<Record<string, OptionSpec>>;
  positionals: readonly PositionalSpec[];
}

export type OptionValue = string | boolean | string[];

export interface ParsedArgs {
  options: Record<string, OptionValue | undefined>;
  positionals: string[];
}

/**
 * Parses one command's arguments with node:util's parseArgs, reporting every mistake as a
 * {@link UsageError} that names the flag and suggests the nearest known one.
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const known = Object.keys(spec.options);
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(spec.options).map(([name, option]) => [
        name,
        { type: option.type, multiple: option.multiple ?? false, ...(option.short ? { short: option.short } : {}) },
      ]),
    ),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const options: Record<string, OptionValue | undefined> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    const option = spec.options[token.name];
    if (option === undefined) {
      const near = closest(token.name, [...known, 'help']);
      throw new UsageError(
        `unknown option ${token.rawName} for "pipewright ${spec.name}"${near ? `; did you mean --${near}?` : ''}`,
        spec.name,
      );
    }
    const flag = `--${token.name}`;
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${flag} takes no value (got "${token.value}")`, spec.name);
      options[token.name] = true;
      continue;
    }
    // strict: false lets `--to --mock` take "--mock" as the value; a value never starts with "--".
    if (token.value === undefined || token.value === '' || (token.inlineValue !== true && token.value.startsWith('--')))
      throw new UsageError(`${flag} needs a value${option.valueName ? ` (${option.valueName})` : ''}`, spec.name);
    if (option.multiple) {
      const previous = options[token.name];
      options[token.name] = [...(Array.isArray(previous) ? previous : []), token.value];
    } else {
      if (options[token.name] !== undefined) throw new UsageError(`${flag} is given more than once`, spec.name);
      options[token.name] = token.value;
    }
  }
  const required = spec.positionals.filter((p) => p.required).length;
  if (positionals.length > spec.positionals.length) {
    const extra = positionals[spec.positionals.length] ?? '';
    throw new UsageError(
      spec.positionals.length === 0
        ? `"pipewright ${spec.name}" takes no arguments (got "${extra}")`
        : `unexpected argument "${extra}"`,
      spec.name,
    );
  }
  if (positionals.length < required) {
    const missing = spec.positionals[positionals.length];
    throw new UsageError(`missing argument <${missing?.name ?? 'argument'}>`, spec.name);
  }
  return { options, positionals };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.options[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function flagOption(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}

const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `--input k=v` values into a record; the value may contain "=" and may be empty. */
export function parseInputs(values: readonly string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const value of values) {
    const equals = value.indexOf('=');
    const key = equals < 0 ? value : value.slice(0, equals);
    if (equals < 0 || !INPUT_NAME.test(key))
      throw new UsageError(
        `--input expects key=value with a key of letters, digits, "_" or "-" (got "${value}")`,
        'run',
      );
    if (key in inputs) throw new UsageError(`--input ${key} is given more than once`, 'run');
    inputs[key] = value.slice(equals + 1);
  }
  return inputs;
}

/** Help text of one command, generated from its spec. */
export function commandHelp(spec: CommandSpec): string {
  const usage = [
    `pipewright ${spec.name}`,
    ...spec.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)),
    Object.keys(spec.options).length > 0 ? '[options]' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const rows = [
    ...spec.positionals.map((p) => [`<${p.name}>`, p.description]),
    ...Object.entries(spec.options).map(([name, option]) => [
      `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` <${option.valueName ?? 'value'}>` : ''}`,
      `${option.description}${option.multiple ? ' (repeatable)' : ''}`,
    ]),
  ];
  const width = Math.max(0, ...rows.map(([left]) => (left ?? '').length));
  return [
    `${spec.summary}`,
    '',
    `Usage: ${usage}`,
    ...(rows.length > 0 ? ['', ...rows.map(([left, right]) => `  ${(left ?? '').padEnd(width)}  ${right ?? ''}`)] : []),
    '',
  ].join('\n');
}
