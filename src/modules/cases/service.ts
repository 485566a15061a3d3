import { maySeeCase } from './capabilities.js';
import type { DbHandle } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import { addDays, agencyDate, agencyDateTime, longCalendarDate, longDate } from '../../platform/format.js';
import { formLongName } from './forms.js';
import { officeName } from './offices.js';
import { parseReceiptNumber } from './receipt-number.js';
import { findStatusByReceiptNumber, type CaseStatusRow } from './repository.js';
import { fillTemplate, findStatus, type CaseStatus, type Placeholder } from './statuses.js';

type Bilingual = { en: string; es: string };

/** What Case Status Online, the agency-compatible API and (later) the assistant and agents show about a case. */
export interface CaseStatusView {
  receiptNumber: string;
  formCode: string;
  submittedAt: Date;
  modifiedAt: Date;
  current: { key: string; at: Date; title: Bilingual; description: Bilingual };
  /** Every dated status, newest first, the current one included. */
  history: { key: string; at: Date; title: Bilingual }[];
  /** Formatted for the agency API. */
  agency: { submittedDate: string; modifiedDate: string; historyDates: string[] };
}

export class CaseStatusNotFound extends DomainError {
  constructor(readonly receiptNumber: string) {
    super('not_found', 'cases:status.not_found');
  }
}

export class InvalidReceiptNumber extends DomainError {
  constructor(readonly problem: ReturnType<typeof parseReceiptNumber> & { ok: false }) {
    super('invalid_input', 'cases:receipt.errors.invalid', { problem: problem.problem });
  }
}

function statusOrUnknown(key: string): CaseStatus {
  return (
    findStatus(key) ?? {
      key,
      titleEn: key,
      titleEs: key,
      templateEn: 'Your case, Receipt Number {receipt_number}, was updated on {date}.',
      templateEs: 'Su caso, número de recibo {receipt_number}, se actualizó el {date}.',
      placeholders: ['receipt_number', 'date'],
    }
  );
}

export function describeCase(c: CaseStatusRow, timeZone: string): CaseStatusView {
  const status = statusOrUnknown(c.status_key);
  const params = c.status_params as Partial<Record<Placeholder, string>>;
  const deadline = params.notice_deadline ?? addDays(agencyDate(c.status_at, timeZone), 30);
  const values = (lang: 'en' | 'es'): Partial<Record<Placeholder, string>> => ({
    date: longDate(c.status_at, lang, timeZone),
    form_long_name: formLongName(c.form_code, lang),
    receipt_number: c.receipt_number,
    notice_deadline: longCalendarDate(deadline, lang),
    location_name: officeName(c.office_code, lang),
    tracking_number: params.tracking_number,
    form_long_name_2: params.form_long_name_2 ? formLongName(params.form_long_name_2, lang) : undefined,
  });
  const history = c.history.length > 0 ? c.history : [{ statusKey: c.status_key, occurredAt: c.status_at }];
  return {
    receiptNumber: c.receipt_number,
    formCode: c.form_code,
    submittedAt: c.received_at,
    modifiedAt: c.status_at,
    current: {
      key: status.key,
      at: c.status_at,
      title: { en: status.titleEn, es: status.titleEs },
      description: {
        en: fillTemplate(status.templateEn, values('en')),
        es: fillTemplate(status.templateEs, values('es')),
      },
    },
    history: history.map((h) => {
      const s = statusOrUnknown(h.statusKey);
      return { key: s.key, at: h.occurredAt, title: { en: s.titleEn, es: s.titleEs } };
    }),
    agency: {
      submittedDate: agencyDateTime(c.received_at, timeZone),
      modifiedDate: agencyDateTime(c.status_at, timeZone),
      historyDates: history.map((h) => agencyDate(h.occurredAt, timeZone)),
    },
  };
}

export interface CaseStatusServiceOptions {
  timeZone: string;
}

/** Case Status Online (CASE-8, CC-13): a case's status by receipt number, for anyone who has the number. */
export class CaseStatusService {
  constructor(
    private readonly db: DbHandle,
    private readonly options: CaseStatusServiceOptions,
  ) {}

  /** @throws InvalidReceiptNumber | CaseStatusNotFound */
  async lookup(input: string): Promise<CaseStatusView> {
    const parsed = parseReceiptNumber(input);
    if (!parsed.ok) throw new InvalidReceiptNumber(parsed);
    const found = await findStatusByReceiptNumber(this.db, parsed.value);
    // Section 1367 (VAWA, T, U) cases are not shown by receipt number to the public: answered as unknown (CC-6).
    if (!found || !maySeeCase({ section1367: found.section_1367 }, { kind: 'public' }))
      throw new CaseStatusNotFound(parsed.value);
    return describeCase(found, this.options.timeZone);
  }

  /**
   * The same lookup, in one query, for a caller of the voice assistant: the public answer (`view`; none for an
   * unknown or a Section 1367 number, CC-6), and apart whether the number is a Section 1367 case, which only sends
   * the rest of the call to Tier 3 and is never said to the caller.
   * @throws InvalidReceiptNumber
   */
  async lookupForCall(input: string): Promise<{ view?: CaseStatusView; section1367: boolean }> {
    const parsed = parseReceiptNumber(input);
    if (!parsed.ok) throw new InvalidReceiptNumber(parsed);
    const found = await findStatusByReceiptNumber(this.db, parsed.value);
    if (!found) return { section1367: false };
    if (!maySeeCase({ section1367: found.section_1367 }, { kind: 'public' }))
      return { section1367: found.section_1367 };
    return { view: describeCase(found, this.options.timeZone), section1367: found.section_1367 };
  }
}
