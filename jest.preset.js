// Shared Jest settings for every workspace. SWC transpiles TypeScript (with decorator
// metadata for Nest/TypeORM) in milliseconds; type checking is `npm run typecheck`'s job.
// NestJS 12 ships ESM only: Node's require(esm) loads it at run time, but Jest's module
// registry cannot, so SWC also compiles the @nestjs packages to CommonJS for tests.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
    '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022', keepClassNames: true }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/)'],
  // Tests run against package sources, so a test never sees a stale dist/.
  moduleNameMapper: {
    '^@pipewright/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
  },
};
