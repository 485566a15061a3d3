import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_EVENT_TYPES, payloadFieldsOf } from '../src/modules/case-events/types.js';

/**
 * Issue 15 point 14: the OpenAPI description documents every case event field the server reads, and those the README
 * relies on for its walkthrough (an online case in My cases, a paper case added with an Online Access Code or by
 * receipt number), with when an Online Access Code expires.
 */

/** The parts of a JSON schema these checks read. */
interface Schema {
  description?: string;
  enum?: string[];
  pattern?: string;
  properties: Record<string, Schema>;
}

const spec = JSON.parse(readFileSync(new URL('../openapi/casedesk.openapi.json', import.meta.url), 'utf8')) as {
  components: { schemas: { CaseEvent: Schema } };
};
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const event = spec.components.schemas.CaseEvent;
const payload = event.properties.payload!;

describe('the OpenAPI description of case events', () => {
  it('lists every event type the server accepts', () => {
    expect([...event.properties.type!.enum!].sort()).toEqual([...CASE_EVENT_TYPES].sort());
  });

  it('describes every payload field the server reads, with a type and where it is used', () => {
    const fields = new Set(CASE_EVENT_TYPES.flatMap((type) => payloadFieldsOf(type)));
    expect([...fields].filter((f) => !payload.properties[f])).toEqual([]);
    for (const field of fields) expect(payload.description, field).toContain(field);
  });

  it('documents what the README relies on: channel, onlineAccountNumber, applicant, account_acceptance_notice', () => {
    for (const text of ['"channel": "online"', '`onlineAccountNumber`', '`account_acceptance_notice`', 'date of birth'])
      expect(readme).toContain(text);
    expect(payload.properties.channel!.enum).toEqual(['online', 'paper']);
    expect(payload.properties.onlineAccountNumber!.pattern).toBe('^[0-9]{12}$');
    expect(payload.properties.onlineAccountNumber!.description).toMatch(/My cases/);
    expect(Object.keys(payload.properties.applicant!.properties)).toEqual(
      expect.arrayContaining(['dateOfBirth', 'familyName', 'aNumber', 'zip']),
    );
    expect(event.properties.type!.description).toContain('account_acceptance_notice');
  });

  it('says when an Online Access Code expires, and that it works once', () => {
    const code = payload.properties.onlineAccessCode!.description!;
    expect(code).toContain('expires 90 days after');
    expect(code).toContain('once');
    expect(payload.description).toContain('valid 90 days');
  });
});
