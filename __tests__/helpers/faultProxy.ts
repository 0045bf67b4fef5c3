import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { forwardRequest } from './forwardRequest.js';
import { listenOnLoopback } from './loopbackServer.js';

/**
 * How the proxy misbehaves: pass requests through, answer 500, reset the connection part-way
 * through the response, or accept the request and never answer.
 */
export type Fault = 'pass' | 'error' | 'reset' | 'stall';

export interface FaultProxy {
  url: string;
  /**
   * Sets the fault for requests with these methods, or that `methods` picks (all requests when not
   * given), for the next `times` of them when given, after which requests pass again.
   */
  setFault(fault: Fault, methods?: string[] | ((request: IncomingMessage) => boolean), times?: number): void;
  requests: number;
  stop(): Promise<void>;
}

/** A proxy on loopback in front of a real S3 server, to break it on purpose. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let fault: Fault = 'pass';
  let faultMethods: string[] | ((request: IncomingMessage) => boolean) | undefined;
  let faultsLeft = Infinity;
  const proxy: FaultProxy = {
    url: '',
    requests: 0,
    setFault(next, methods, times = Infinity) {
      fault = next;
      faultMethods = methods;
      faultsLeft = times;
    },
    stop: async () => undefined,
  };
  const server: Server = createServer((incoming: IncomingMessage, answer: ServerResponse) => {
    proxy.requests++;
    const picked = faultMethods === undefined || (typeof faultMethods === 'function' ? faultMethods(incoming) : faultMethods.includes(incoming.method ?? ''));
    const matches = faultsLeft > 0 && picked;
    const active = matches ? fault : 'pass';
    if (matches) faultsLeft--;
    if (active === 'stall') return;
    if (active === 'error') {
      incoming.resume();
      answer.writeHead(500, { 'content-type': 'application/xml' });
      answer.end('<?xml version="1.0"?><Error><Code>InternalError</Code><Message>injected</Message></Error>');
      return;
    }
    forwardRequest(incoming, answer, upstream, active === 'reset');
  });
  Object.assign(proxy, await listenOnLoopback(server));
  return proxy;
}
