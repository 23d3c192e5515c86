// The peer for the Kong target: Kong's own npm converter on the same file.
const { generate } = require('openapi-2-kong');
const file = process.argv[2];
Promise.resolve(generate(file, 'kong-declarative-config'))
  .then((out) => {
    process.stdout.write(`${JSON.stringify(out).length} bytes\n`);
  })
  .catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
