// Unit tests of the orders service, run by the commit stage.
const assert = require('node:assert');
const { placeOrder } = require('./server');

assert.deepStrictEqual(placeOrder('berries', 2), { id: 1, item: 'berries', quantity: 2 });
assert.throws(() => placeOrder('', 1), /item is required/);
assert.throws(() => placeOrder('berries', 0), /quantity/);
console.log('orders unit tests: ok');
