// Writes the JSON Schemas of pipewright.yml, flavour and fragment files (for editors) from the built
// package. Run by `npm run build`; a unit test checks the committed files match what the code generates.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';

const here = dirname(fileURLToPath(import.meta.url));
const spec = createRequire(import.meta.url)('../dist/index.js');
const out = join(here, '..', 'schema');
for (const [file, schema] of [
  ['pipewright.schema.json', spec.pipewrightJsonSchema()],
  ['flavour.schema.json', spec.flavourJsonSchema()],
  ['fragment.schema.json', spec.fragmentJsonSchema()],
]) {
  writeFileSync(join(out, file), await format(JSON.stringify(schema), { parser: 'json', printWidth: 120 }));
}
