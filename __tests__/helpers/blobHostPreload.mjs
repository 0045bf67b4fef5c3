// Loaded first (node --import) into the processes that run @actions/cache in the tests of its Azure
// SDK path: *.blob.core.windows.net resolves to loopback, where Azurite takes the account from the
// host name. @actions/cache downloads through the Azure SDK only from hosts with that suffix, as on
// GitHub's runners.
import dns from 'node:dns';

const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof hostname === 'string' && hostname.endsWith('.blob.core.windows.net')) {
    const done = typeof options === 'function' ? options : callback;
    const all = typeof options === 'object' && options !== null && options.all;
    process.nextTick(() => (all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4)));
    return {};
  }
  return original.call(this, hostname, options, callback);
};
