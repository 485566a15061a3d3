import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptUploads, uploadedParts } from '../../platform/http/uploads.js';
import { SESSION_IDLE_MS } from '../accounts/index.js';
import { MAX_FILE_BYTES, MAX_FILES, MAX_SUBMISSION_BYTES } from './files.js';
import type { EvidenceService, UploadedFile } from './service.js';
import { evidencePage } from './views.js';

/** Evidence and RFE responses: `/account/cases/:receipt/evidence` (the page, and the two upload forms). */
export function registerEvidenceRoutes(app: FastifyInstance, deps: { evidence: EvidenceService; timeZone: string }): void {
  void app.register(async (scope) => {
    // Multipart only here. Files arrive in memory within the limits; a file over the limit is cut and refused.
    await acceptUploads(scope, { maxFileBytes: MAX_FILE_BYTES, maxFiles: MAX_FILES, maxFields: 5 });

    const account = { config: { policy: 'account' as const }, bodyLimit: MAX_SUBMISSION_BYTES + 1024 * 1024 };
    const signedIn = (reply: FastifyReply) => ({ csrf: reply.generateCsrf(), idleSeconds: SESSION_IDLE_MS / 1000 });
    const receiptOf = (request: FastifyRequest) => (request.params as { receipt: string }).receipt;

    const show = async (request: FastifyRequest, reply: FastifyReply, extra: { notice?: string; error?: { field: string; message: string } } = {}) => {
      const o = await deps.evidence.overview(request.session!.account_id, receiptOf(request));
      if (!o || (!o.canUploadEvidence && !o.rfeOpen && !o.submissions.length)) return reply.callNotFound();
      return reply.html(evidencePage({ ...request.page(), timeZone: deps.timeZone }, { ...signedIn(reply), o, ...extra, errors: extra.error ? [extra.error] : [] }), extra.error ? 400 : 200);
    };

    scope.get('/account/cases/:receipt/evidence', account, async (request, reply) => {
      const done = (request.query as Record<string, unknown>).done;
      return show(request, reply, { notice: done === 'evidence' || done === 'rfe_response' ? request.t(`evidence:done.${done}`) : undefined });
    });

    scope.post('/account/cases/:receipt/evidence', account, async (request, reply) => {
      if (!request.isMultipart()) return show(request, reply, { error: { field: 'files', message: request.t('evidence:errors.no_files') } });
      const body = (request.body ?? {}) as Record<string, unknown>;
      const kind = body.kind === 'rfe_response' ? 'rfe_response' : 'evidence';
      const parts = uploadedParts(body, 'files');
      if (parts.some((p) => p.truncated)) return show(request, reply, { error: { field: `files-${kind}`, message: request.t('evidence:errors.too_large') } });
      const uploads: UploadedFile[] = parts.map((p) => ({ filename: p.filename, data: p.data }));
      const result = await deps.evidence.submit(request.session!.account_id, receiptOf(request), kind, uploads);
      if (!result.ok) {
        if (result.problem === 'not_found') return reply.callNotFound();
        return show(request, reply, { error: { field: `files-${kind}`, message: request.t(`evidence:errors.${result.problem}`) } });
      }
      const receipt = receiptOf(request).toUpperCase().replace(/[^A-Z0-9]/g, '');
      return reply.redirect(`/account/cases/${receipt}/evidence?done=${kind}`, 303);
    });
  });
}
