import * as fs from 'node:fs';
import * as path from 'node:path';
import { documentSchemas, flavourJsonSchema, fragmentJsonSchema, KEYS, pipewrightJsonSchema } from './document.schema';

describe('the JSON Schema for editors', () => {
  it.each([
    ['pipewright.schema.json', pipewrightJsonSchema],
    ['flavour.schema.json', flavourJsonSchema],
    ['fragment.schema.json', fragmentJsonSchema],
  ])('schema/%s is what the code generates (npm run build writes it)', (file, generate) => {
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, '../../schema', file), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(generate())));
  });

  it('knows the task types it is given', () => {
    const schema = JSON.stringify(
      pipewrightJsonSchema({
        deploy: {
          description: 'Deploys.',
          inputs: { image: { type: 'string', required: true, description: 'The image.' } },
        },
      }),
    );
    expect(schema).toContain('"const":"deploy"');
    expect(schema).toContain('"description":"The image."');
  });

  it('rejects unknown keys, like the loader', () => {
    const { pipewrightFile } = documentSchemas();
    expect(
      pipewrightFile.safeParse({ component: 'a', team: 'b', solution: 'c', flavour: 'x', colour: 'red' }).success,
    ).toBe(false);
  });

  it('lists the keys the loader accepts', () => {
    expect(KEYS.stage).toEqual(['name', 'needs', 'environment', 'approval', 'first', 'main', 'last', 'tasks']);
    expect(KEYS.task).toEqual([
      'name',
      'uses',
      'run',
      'with',
      'env',
      'timeout',
      'retry',
      'if',
      'pool',
      'idempotent',
      'outputs',
    ]);
  });
});
