import * as cheerio from 'cheerio';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { multipart } from './multipart.js';

/**
 * A tiny browser for route tests: keeps cookies between requests, reads the CSRF token of the last page, and
 * posts forms as a browser would (application/x-www-form-urlencoded).
 */
export class TestAgent {
  readonly cookies = new Map<string, string>();
  last?: LightMyRequestResponse;
  $ = cheerio.load('');

  constructor(
    private readonly app: FastifyInstance,
    private readonly ip = '10.20.30.40',
  ) {}

  #remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies) {
      if (c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()) || c.value === '')
        this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    this.last = res;
    this.$ = cheerio.load(res.body);
    return res;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.#remember(
      await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader }, remoteAddress: this.ip }),
    );
  }

  /** Posts a multipart form (file uploads) with the CSRF token of the last page, like `post`. */
  async postFiles(
    url: string,
    fields: Record<string, string>,
    files: { name: string; data: Buffer; type?: string }[],
    fileField: string,
  ): Promise<LightMyRequestResponse> {
    const token = this.$('input[name=_csrf]').first().val() as string | undefined;
    const { body, contentType } = multipart({ ...(token ? { _csrf: token } : {}), ...fields }, files, fileField);
    return this.#remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader, 'content-type': contentType },
        payload: body,
        remoteAddress: this.ip,
      }),
    );
  }

  /** Posts a form; adds the CSRF token from the last page unless `_csrf` is given (use null to leave it out). */
  async post(url: string, fields: Record<string, string | string[] | null>): Promise<LightMyRequestResponse> {
    const token =
      fields._csrf === undefined ? (this.$('input[name=_csrf]').first().val() as string | undefined) : fields._csrf;
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...fields, _csrf: token ?? null })) {
      // A list repeats the field, as checked checkboxes do.
      if (Array.isArray(v)) for (const item of v) form.append(k, item);
      else if (v !== null && v !== undefined) form.set(k, v);
    }
    return this.#remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form.toString(),
        remoteAddress: this.ip,
      }),
    );
  }

  /** GET the page, then post its form (so the CSRF token is fresh). */
  async submit(url: string, fields: Record<string, string>, action = url): Promise<LightMyRequestResponse> {
    await this.get(url);
    return this.post(action, fields);
  }

  /** The text of every cell, row by row, in the bodies of the tables whose caption passes `captioned`. */
  tableRows(captioned: (caption: string) => boolean): string[][] {
    return this.$('table')
      .filter((_, el) => captioned(this.$(el).find('caption').text()))
      .find('tbody tr')
      .map((_, tr) => [
        this.$(tr)
          .find('th, td')
          .map((__, c) => this.$(c).text().trim())
          .get(),
      ])
      .get() as string[][];
  }

  errorSummary(): string[] {
    return this.$('#error-summary a')
      .map((_, a) => this.$(a).text())
      .get();
  }
}
