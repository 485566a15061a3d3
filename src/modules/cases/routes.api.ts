import { params, text, type App } from '../../platform/http/inputs.js';
import { sendAgencyError } from '../../platform/http/errors.js';
import { CaseStatusNotFound, InvalidReceiptNumber, type CaseStatusService, type CaseStatusView } from './service.js';

/** Messages of the agency's Case Status API, word for word. */
export const AGENCY_CASE_MESSAGES = {
  badFormat:
    'The application receipt number is not formatted correctly, It should be total of 13 characters (3 character prefix followed by 10 digits). Please check your receipt number and try again',
  notFound:
    'Case Status Online does not recognize the receipt number entered. Please check your receipt number and try again. If you need further assistance, please call the USCIS Contact Center at 1-800-375-5283.',
};

/**
 * The agency-compatible body, fields in the agency's order, indented as the agency sends it (clients read it
 * line by line). History excludes the current status; null when there is none.
 */
export function agencyCaseStatusBody(view: CaseStatusView): string {
  const earlier = view.history.slice(1);
  const body = {
    case_status: {
      receiptNumber: view.receiptNumber,
      formType: view.formCode,
      submittedDate: view.agency.submittedDate,
      modifiedDate: view.agency.modifiedDate,
      current_case_status_text_en: view.current.title.en,
      current_case_status_desc_en: view.current.description.en,
      current_case_status_text_es: view.current.title.es,
      current_case_status_desc_es: view.current.description.es,
      hist_case_status:
        earlier.length === 0
          ? null
          : earlier.map((h, i) => ({
              date: view.agency.historyDates[i + 1]!,
              completed_text_en: h.title.en,
              completed_text_es: h.title.es,
            })),
    },
    message: `Query was successful for payload {'receipt_number': '${view.receiptNumber}'}`,
  };
  return JSON.stringify(body, null, 2);
}

/** GET /case-status/{receiptNumber}: the agency's Case Status API, for API clients with a bearer token. */
export function registerCaseStatusApiRoutes(app: App, deps: { caseStatus: CaseStatusService }): void {
  app.get(
    '/case-status/:receiptNumber',
    // The receipt number is any text (the router caps a parameter at 200 characters): the service answers its
    // format in the agency's words (422), so the schema refuses nothing.
    {
      config: { policy: 'api-client', scope: 'case_status:read', api: 'agency', rateLimit: false },
      schema: { params: params({ receiptNumber: text(200) }) },
    },
    async (request, reply) => {
      try {
        const view = await deps.caseStatus.lookup(request.params.receiptNumber);
        return reply
          .code(200)
          .type('application/json; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(agencyCaseStatusBody(view));
      } catch (error) {
        if (error instanceof InvalidReceiptNumber) return sendAgencyError(reply, 422, AGENCY_CASE_MESSAGES.badFormat);
        if (error instanceof CaseStatusNotFound) return sendAgencyError(reply, 404, AGENCY_CASE_MESSAGES.notFound);
        throw error;
      }
    },
  );
}
