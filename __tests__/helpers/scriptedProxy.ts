import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { forwardRequest } from './forwardRequest.js';
import { listenOnLoopback } from './loopbackServer.js';

/**
 * What the proxy does with one ranged GET: pass it through, cut the answer off half-way through its
 * body, or answer as a busy S3 does (503 SlowDown) or a broken one (500 InternalError).
 */
export type RangedAction = 'pass' | 'cut' | 'slow-down' | 'error';

export interface ScriptedProxy {
  url: string;
  /** Every ranged GET's first byte, in the order they came. */
  rangeStarts: number[];
  /** Decides each ranged GET by its first byte; everything else passes. */
  plan: (start: number) => RangedAction;
  stop(): Promise<void>;
}

const busy = { 'slow-down': [503, 'SlowDown'], error: [500, 'InternalError'] } as const;

/**
 * A proxy on loopback in front of a real S3 server that breaks ranged GETs as the test plans it,
 * one request at a time: for tests of how a read is tried again.
 */
export async function startScriptedProxy(target: string): Promise<ScriptedProxy> {
  const upstream = new URL(target);
  const proxy: ScriptedProxy = { url: '', rangeStarts: [], plan: () => 'pass', stop: async () => undefined };
  const server = createServer((incoming: IncomingMessage, answer: ServerResponse) => {
    const range = /^bytes=(\d+)-/.exec(incoming.headers.range ?? '');
    let action: RangedAction = 'pass';
    if (incoming.method === 'GET' && range !== null) {
      proxy.rangeStarts.push(Number(range[1]));
      action = proxy.plan(Number(range[1]));
    }
    if (action === 'slow-down' || action === 'error') {
      incoming.resume();
      const [status, code] = busy[action];
      answer.writeHead(status, { 'content-type': 'application/xml' });
      answer.end(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>planned by the test</Message></Error>`);
      return;
    }
    forwardRequest(incoming, answer, upstream, action === 'cut');
  });
  Object.assign(proxy, await listenOnLoopback(server));
  return proxy;
}
