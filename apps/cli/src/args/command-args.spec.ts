import { type CommandSpec, commandHelp, parseCommandArgs, parseInputs } from './command-args';
import { UsageError } from './usage-error';

const spec: CommandSpec = {
  name: 'run',
  summary: 'Run the pipeline.',
  options: {
    to: { type: 'string', valueName: 'stage|task', description: 'Run up to it.' },
    mock: { type: 'boolean', description: 'Mock mode.' },
    input: { type: 'string', multiple: true, valueName: 'key=value', description: 'An input.' },
    file: { type: 'string', short: 'f', description: 'The file.' },
  },
  positionals: [],
};

function usageError(argv: string[], s: CommandSpec = spec): string {
  try {
    parseCommandArgs(s, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe(parseCommandArgs.name, () => {
  it('reads string, boolean, repeated and short options', () => {
    const sut = parseCommandArgs(spec, ['--to', 'deploy', '--mock', '--input', 'a=1', '--input=b=2', '-f', 'x.yml']);
    expect(sut.options).toEqual({ to: 'deploy', mock: true, input: ['a=1', 'b=2'], file: 'x.yml' });
    expect(sut.positionals).toEqual([]);
  });

  it('names an unknown flag and suggests the nearest one', () => {
    expect(usageError(['--mok'])).toBe('unknown option --mok for "pipewright run"; did you mean --mock?');
    expect(usageError(['--verbose'])).toBe('unknown option --verbose for "pipewright run"');
  });

  it('rejects a string option without a value, also when the next word is another flag', () => {
    expect(usageError(['--to'])).toBe('--to needs a value (stage|task)');
    expect(usageError(['--to', '--mock'])).toBe('--to needs a value (stage|task)');
  });

  it('rejects a value for a boolean flag and a repeated single option', () => {
    expect(usageError(['--mock=yes'])).toBe('--mock takes no value (got "yes")');
    expect(usageError(['--to', 'a', '--to', 'b'])).toBe('--to is given more than once');
  });

  it('checks the number of positionals', () => {
    expect(usageError(['extra'])).toBe('"pipewright run" takes no arguments (got "extra")');
    const withRun: CommandSpec = { ...spec, positionals: [{ name: 'run', required: true, description: 'id' }] };
    expect(usageError([], withRun)).toBe('missing argument <run>');
    expect(parseCommandArgs(withRun, ['abc']).positionals).toEqual(['abc']);
  });
});

describe(parseInputs.name, () => {
  it('splits at the first "=", keeping "=" and empty values', () => {
    expect(parseInputs(['url=http://x/?a=b', 'empty='])).toEqual({ url: 'http://x/?a=b', empty: '' });
  });

  it.each(['novalue', '=x', '1bad=x', 'sp ace=x'])('rejects %s', (value) => {
    expect(() => parseInputs([value])).toThrow(
      `--input expects key=value with a key of letters, digits, "_" or "-" (got "${value}")`,
    );
  });

  it('rejects the same key twice', () => {
    expect(() => parseInputs(['a=1', 'a=2'])).toThrow('--input a is given more than once');
  });
});

describe(commandHelp.name, () => {
  it('lists every option with its value name', () => {
    const help = commandHelp(spec);
    expect(help).toContain('Usage: pipewright run [options]');
    expect(help).toMatch(/--to <stage\|task> +Run up to it\./);
    expect(help).toMatch(/-f, --file <value> +The file\./);
    expect(help).toMatch(/--input <key=value> +An input\. \(repeatable\)/);
  });
});
