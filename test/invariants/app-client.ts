import { request } from 'node:http';

export interface Answer {
  status: number;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
}

/**
 * HTTP to one app process, one connection per request. Not keep-alive on
 * purpose: a request written on a pooled socket at the moment the server's
 * keep-alive timeout closes it dies with ECONNRESET, and a harness cannot tell
 * whether such a request reached the app (a notification must be either sent
 * or lost, never in between).
 */
export class AppClient {
  constructor(readonly url: string) {}

  send(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const payload =
      options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      connection: 'close',
      ...options.headers,
    };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const outgoing = request(
        `${this.url}${path}`,
        { method, headers, agent: false },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const json = String(incoming.headers['content-type'] ?? '')
              .toLowerCase()
              .includes('application/json');
            try {
              resolve({
                status: incoming.statusCode ?? 0,
                body: json && text ? JSON.parse(text) : text,
              });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** `POST /orders`, failing unless it answered 201. */
  async createOrder(name: string, amount: number): Promise<string> {
    const answer = await this.send('POST', '/orders', {
      body: { name, amount },
    });
    const body = answer.body as { merchant_uid?: unknown };
    if (answer.status !== 201 || typeof body?.merchant_uid !== 'string')
      throw new Error(
        `POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`,
      );
    return body.merchant_uid;
  }
}
