// The service's unit test, run by the pipeline's build stage.
const assert = require('node:assert');
const { greet } = require('./server');

assert.strictEqual(greet('pipewright'), 'hello, pipewright');
console.log('greet: ok');
