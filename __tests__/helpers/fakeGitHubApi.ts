import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopbackServer.js';

/**
 * A small local stand-in for the three endpoints of GitHub's REST API that the pull-request comment
 * uses: list an issue's comments, create one, update one. GitHub's API cannot run here; this is the
 * only kind of mock the tests allow. `writable: false` answers writes as GitHub answers a read-only
 * token (a pull request from a fork): 403, "Resource not accessible by integration".
 */
export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  author_association: string;
}

export interface FakeGitHubApi {
  url: string;
  comments: FakeComment[];
  requests: { method: string; path: string; authorization: string | undefined }[];
  writable: boolean;
  stop(): Promise<void>;
}

export async function startFakeGitHubApi(): Promise<FakeGitHubApi> {
  let nextId = 1000;
  const api = { comments: [] as FakeComment[], requests: [] as FakeGitHubApi['requests'], writable: true };
  const server = createServer((request, response) => {
    void handle(request, response).catch((error: Error) => answer(response, 500, { message: error.message }));
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = await readBody(request);
    api.requests.push({ method: request.method ?? '', path: url.pathname + url.search, authorization: request.headers.authorization });
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const update = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list !== null && request.method === 'GET') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const perPage = Number(url.searchParams.get('per_page') ?? '30');
      answer(response, 200, api.comments.slice((page - 1) * perPage, page * perPage));
      return;
    }
    if ((list !== null && request.method === 'POST') || (update !== null && request.method === 'PATCH')) {
      if (!api.writable) return answer(response, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' });
      const text = String((JSON.parse(body) as { body?: unknown }).body);
      if (list !== null) {
        const comment: FakeComment = { id: nextId++, body: text, user: { login: 'github-actions[bot]', type: 'Bot' }, author_association: 'NONE' };
        api.comments.push(comment);
        return answer(response, 201, comment);
      }
      const comment = api.comments.find((each) => each.id === Number(update![1]));
      if (comment === undefined) return answer(response, 404, { message: 'Not Found' });
      comment.body = text;
      return answer(response, 200, comment);
    }
    answer(response, 404, { message: `the fake GitHub API has no ${request.method} ${url.pathname}` });
  }
  const listening = await listenOnLoopback(server);
  return Object.assign(api, { url: listening.url, stop: listening.stop });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(value));
}
