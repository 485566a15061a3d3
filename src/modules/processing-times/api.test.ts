import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { publishFigures, SAMPLE_FIGURES } from '../../../test/processing-times-support.js';
import {
  formOfficesBody,
  formsBody,
  notFoundBody,
  processingTimeBody,
  serviceRequestDateEn,
  serviceRequestDateEs,
} from './api-shapes.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await publishFigures(t, SAMPLE_FIGURES);
});
afterAll(async () => t?.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

describe('GET /processing-times/api/forms', () => {
  it('lists only the forms with a published figure, with their names in both languages', async () => {
    const res = await get('/processing-times/api/forms');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = formsBody.parse(res.json());
    expect(body.data.forms.forms.map((f) => f.form_name)).toEqual(['I-90', 'I-485', 'N-400']);
    expect(body.data.forms.forms.find((f) => f.form_name === 'N-400')).toEqual({
      form_name: 'N-400',
      form_description_en: 'Application for Naturalization',
      form_description_es: 'Solicitud de Naturalización',
    });
    expect(body.message).toBe('Query was successful');
  });
});

describe('GET /processing-times/api/formoffices/{form}', () => {
  it('answers data.form_offices.offices[] with office_code and the names, only offices with a figure', async () => {
    const res = await get('/processing-times/api/formoffices/N-400');
    expect(res.statusCode).toBe(200);
    const body = formOfficesBody.parse(res.json());
    expect(body.data.form_offices.offices.map((o) => [o.office_code, o.office_description])).toEqual([
      ['FO-NYC', 'New York City Field Office'],
      ['FO-MIA', 'Miami Field Office'],
    ]);
    expect(body.data.form_offices.offices[0]!.office_description_es).not.toBe('');
  });

  it('matches the form code without regard to case', async () => {
    const res = await get('/processing-times/api/formoffices/i-485');
    expect(formOfficesBody.parse(res.json()).data.form_offices.offices.map((o) => o.office_code)).toEqual([
      'NBC',
      'FO-NYC',
    ]);
  });

  it.each(['I-999', 'I-129', '%20'])('answers 404 with data null for a form without figures (%s)', async (form) => {
    const res = await get(`/processing-times/api/formoffices/${form}`);
    expect(res.statusCode).toBe(404);
    const body = notFoundBody.parse(res.json());
    expect(body.message).toMatch(/^No processing time is published for form /);
  });
});

describe('GET /processing-times/api/processingtime/{form}/{office}', () => {
  it('answers a form published per form: its range (upper bound first) and one subtype with the inquiry date', async () => {
    const res = await get('/processing-times/api/processingtime/N-400/FO-NYC');
    expect(res.statusCode).toBe(200);
    const pt = processingTimeBody.parse(res.json()).data.processing_time;
    expect(pt).toMatchObject({
      form_name: 'N-400',
      form_info_en: 'Application for Naturalization',
      form_info_es: 'Solicitud de Naturalización',
      office_code: 'FO-NYC',
      form_note_en: null,
      form_note_es: null,
    });
    expect(pt.pilot_content_en).toContain('80%');
    expect(pt.pilot_content_es).toContain('80%');
    // median 182 days, 80th percentile 319 days: 6 to 10.5 months.
    const range = [
      { value: 10.5, unit: 'Months', unit_en: 'Months', unit_es: 'Meses' },
      { value: 6, unit: 'Months', unit_en: 'Months', unit_es: 'Meses' },
    ];
    expect(pt.range).toEqual(range);
    expect(pt.subtypes).toEqual([
      {
        form_type: 'N-400',
        publication_date: 'November 20, 2026',
        range,
        // Today (2026-11-23, agency time) minus 319 days.
        service_request_date: 'January 08, 2026',
        service_request_date_en: 'January 08, 2026',
        service_request_date_es: '08 de enero de 2026',
        subtype_info_en: 'Application for Naturalization',
        subtype_info_es: 'Solicitud de Naturalización',
        subtype_note_en: null,
        subtype_note_es: null,
      },
    ]);
  });

  it('answers range null for a form published per subtype, with one subtype per published category', async () => {
    const res = await get('/processing-times/api/processingtime/I-485/NBC');
    const pt = processingTimeBody.parse(res.json()).data.processing_time;
    expect(pt.range).toBeNull();
    expect(pt.subtypes.map((s) => [s.form_type, s.service_request_date_en, s.subtype_info_en])).toEqual([
      ['I-485 Employment', 'November 23, 2025', 'Employment-based adjustment applications'],
      ['I-485 Family', 'October 09, 2025', 'Family-based adjustment applications'],
    ]);
    expect(pt.subtypes[1]!.service_request_date_es).toBe('09 de octubre de 2025');
    expect(pt.subtypes[0]!.range).toEqual([
      { value: 12, unit: 'Months', unit_en: 'Months', unit_es: 'Meses' },
      { value: 7.9, unit: 'Months', unit_en: 'Months', unit_es: 'Meses' },
    ]);
  });

  it('states a short time in weeks', async () => {
    const pt = processingTimeBody.parse((await get('/processing-times/api/processingtime/I-90/NBC')).json()).data
      .processing_time;
    expect(pt.range).toEqual([
      { value: 5.5, unit: 'Weeks', unit_en: 'Weeks', unit_es: 'Semanas' },
      { value: 2.9, unit: 'Weeks', unit_en: 'Weeks', unit_es: 'Semanas' },
    ]);
  });

  it('answers 404 for an unknown form and for an office without the form, saying which', async () => {
    const form = await get('/processing-times/api/processingtime/I-999/NBC');
    expect(form.statusCode).toBe(404);
    expect(notFoundBody.parse(form.json()).message).toBe('No processing time is published for form I-999');
    const office = await get('/processing-times/api/processingtime/N-400/NBC');
    expect(office.statusCode).toBe(404);
    expect(notFoundBody.parse(office.json()).message).toBe(
      'No processing time is published for form N-400 at office NBC',
    );
    expect((await get('/processing-times/api/processingtime/N-400/XYZ')).statusCode).toBe(404);
  });

  it('is public: no token, readable from any origin, cacheable', async () => {
    const res = await get('/processing-times/api/processingtime/N-400/FO-MIA', { origin: 'https://example.org' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['etag']).toMatch(/^"[\w-]+"$/);
  });
});

describe('caching', () => {
  it('builds an answer once: a second call reads no inquiry date, and If-None-Match answers 304', async () => {
    const spy = vi.spyOn(t.services.processingTimes, 'inquiryDate');
    try {
      const first = await get('/processing-times/api/processingtime/I-485/FO-NYC');
      expect(first.statusCode).toBe(200);
      const calls = spy.mock.calls.length;
      expect(calls).toBe(1);
      const second = await get('/processing-times/api/processingtime/I-485/FO-NYC');
      expect(second.body).toBe(first.body);
      expect(spy.mock.calls.length).toBe(calls);
      const revalidated = await get('/processing-times/api/processingtime/I-485/FO-NYC', {
        'if-none-match': first.headers['etag'] as string,
      });
      expect(revalidated.statusCode).toBe(304);
      expect(revalidated.body).toBe('');
      expect(revalidated.headers['etag']).toBe(first.headers['etag']);
      expect(
        (await get('/processing-times/api/processingtime/I-485/FO-NYC', { 'if-none-match': '"other"' })).statusCode,
      ).toBe(200);
    } finally {
      spy.mockRestore();
    }
  });

  it('builds again on the next agency day: the inquiry date moves one day', async () => {
    const before = processingTimeBody.parse((await get('/processing-times/api/processingtime/N-400/FO-NYC')).json());
    t.clock.advance(86_400_000);
    try {
      const after = processingTimeBody.parse((await get('/processing-times/api/processingtime/N-400/FO-NYC')).json());
      expect(before.data.processing_time.subtypes[0]!.service_request_date).toBe('January 08, 2026');
      expect(after.data.processing_time.subtypes[0]!.service_request_date).toBe('January 09, 2026');
    } finally {
      t.clock.advance(-86_400_000);
    }
  });
});

describe('before any publication', () => {
  it('lists no forms and answers 404 for any form', async () => {
    const empty = await createTestApp();
    try {
      const forms = formsBody.parse((await empty.app.inject({ url: '/processing-times/api/forms' })).json());
      expect(forms.data.forms.forms).toEqual([]);
      const res = await empty.app.inject({ url: '/processing-times/api/processingtime/N-400/FO-NYC' });
      expect(res.statusCode).toBe(404);
      notFoundBody.parse(res.json());
    } finally {
      await empty.close();
    }
  });
});

describe('dates as the agency writes them', () => {
  it.each([
    ['2021-05-09', 'May 09, 2021', '09 de mayo de 2021'],
    ['2026-12-31', 'December 31, 2026', '31 de diciembre de 2026'],
    ['2025-02-01', 'February 01, 2025', '01 de febrero de 2025'],
  ])('%s', (iso, en, es) => {
    expect(serviceRequestDateEn(iso)).toBe(en);
    expect(serviceRequestDateEs(iso)).toBe(es);
  });
});

/** The parts of the OpenAPI document these checks read. */
interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

describe('the OpenAPI description', () => {
  const spec = JSON.parse(readFileSync(new URL('../../../openapi/casedesk.openapi.json', import.meta.url), 'utf8')) as {
    paths: Record<
      string,
      { get?: { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> } }
    >;
    components: { schemas: Record<string, JsonSchema> };
  };
  const resolve = (s: JsonSchema): JsonSchema =>
    s.$ref ? resolve(spec.components.schemas[s.$ref.split('/').pop()!]!) : s;
  /** Every property path of a JSON schema (objects and array items), e.g. data.forms.forms[].form_name. */
  const paths = (s: JsonSchema, prefix = ''): string[] => {
    const r = resolve(s);
    const variants = [...(r.oneOf ?? []), ...(r.anyOf ?? [])];
    if (variants.length) return [...new Set(variants.flatMap((v) => paths(v, prefix)))];
    if (r.properties)
      return Object.entries(r.properties).flatMap(([k, v]) => [`${prefix}${k}`, ...paths(v, `${prefix}${k}.`)]);
    if (r.items) return paths(r.items, prefix.replace(/\.$/, '[].'));
    if (r.prefixItems) return paths(r.prefixItems[0]!, prefix.replace(/\.$/, '[].'));
    return [];
  };
  const documented = (path: string, status: string) =>
    paths(spec.paths[path]!.get!.responses[status]!.content!['application/json']!.schema).sort();
  const ours = (schema: z.ZodType) => paths(z.toJSONSchema(schema, { target: 'draft-2020-12' }) as JsonSchema).sort();

  it.each([
    ['/processing-times/api/forms', formsBody],
    ['/processing-times/api/formoffices/{form}', formOfficesBody],
    ['/processing-times/api/processingtime/{form}/{office}', processingTimeBody],
  ])('documents every field of %s, and only those', (path, schema) => {
    expect(documented(path, '200')).toEqual(ours(schema));
  });

  it('documents the unknown form and office answers', () => {
    for (const path of [
      '/processing-times/api/formoffices/{form}',
      '/processing-times/api/processingtime/{form}/{office}',
    ])
      expect(documented(path, '404')).toEqual(ours(notFoundBody));
  });
});

describe('when the database is down', () => {
  it('answers 503 in the agency format, naming the processing-times API, with Retry-After', async () => {
    const down = await createTestApp();
    await down.deps.database.pool.end().catch(() => undefined);
    const res = await down.app.inject('/processing-times/api/processingtime/I-485/NBC');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      code: 503,
      message: 'The Processing Times API is unavailable at this time. Please retry your API request later.',
    });
    expect(res.headers['retry-after']).toBeDefined();
    await down.app.close();
    await down.deps.database.close().catch(() => undefined);
  });
});
