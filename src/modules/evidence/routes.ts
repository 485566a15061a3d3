import type { FastifyReply, FastifyRequest } from 'fastify';
import { fields, params, text, type App } from '../../platform/http/inputs.js';
import { acceptUploads, isUpload, UploadError, uploadForm } from '../../platform/http/uploads.js';
import { signedInOf } from '../../platform/http/page-context.js';
import { MAX_FILE_BYTES, MAX_FILES } from './files.js';
import type { EvidenceService, IncomingFile } from './service.js';
import { evidencePage } from './views.js';

/** What the evidence page's address sends (ADR 15: declared inputs); the upload form's fields are read by uploads.ts. */
const inputs = {
  case: params({ receipt: text(200) }),
  page: fields({ done: text(20) }),
};

/** Evidence and RFE responses: `/account/cases/:receipt/evidence` (the page, and the two upload forms). */
export function registerEvidenceRoutes(app: App, deps: { evidence: EvidenceService; timeZone: string }): void {
  void app.register(async (scope: App) => {
    // Multipart only here. Nothing is read before the session and the form's leading CSRF token are checked; files
    // then stream to the file storage, a file over a limit is cut and the whole submission refused (uploads.ts).
    await acceptUploads(scope, { maxFileBytes: MAX_FILE_BYTES, maxFiles: MAX_FILES, maxFields: 5 });

    const account = { config: { policy: 'account' as const } };

    const show = async (
      request: FastifyRequest,
      reply: FastifyReply,
      receipt: string,
      extra: { notice?: string; error?: { field: string; message: string } } = {},
    ) => {
      const o = await deps.evidence.overview(request.session!.account_id, receipt);
      if (!o || (!o.canUploadEvidence && !o.rfeOpen && !o.submissions.length)) return reply.callNotFound();
      return reply.html(
        evidencePage(
          { ...request.page(), timeZone: deps.timeZone },
          { ...signedInOf(reply), o, ...extra, errors: extra.error ? [extra.error] : [] },
        ),
        extra.error ? 400 : 200,
      );
    };

    async function* filesOf(
      files: AsyncIterable<{ fieldname: string; filename: string; stream: IncomingFile['stream'] }>,
    ): AsyncGenerator<IncomingFile> {
      for await (const f of files) if (f.fieldname === 'files') yield { filename: f.filename, stream: f.stream };
    }

    scope.get(
      '/account/cases/:receipt/evidence',
      { ...account, schema: { params: inputs.case, querystring: inputs.page } },
      async (request, reply) => {
        const { done } = request.query;
        return show(request, reply, request.params.receipt, {
          notice: done === 'evidence' || done === 'rfe_response' ? request.t(`evidence:done.${done}`) : undefined,
        });
      },
    );

    scope.post(
      '/account/cases/:receipt/evidence',
      { ...account, schema: { params: inputs.case } },
      async (request, reply) => {
        const { receipt } = request.params;
        if (!isUpload(request))
          return show(request, reply, receipt, {
            error: { field: 'files', message: request.t('evidence:errors.no_files') },
          });
        let kind: 'evidence' | 'rfe_response' = 'evidence';
        let result: Awaited<ReturnType<EvidenceService['submit']>>;
        try {
          const form = await uploadForm(request);
          kind = form.fields.kind === 'rfe_response' ? 'rfe_response' : 'evidence';
          result = await deps.evidence.submit(request.session!.account_id, receipt, kind, filesOf(form.files()));
        } catch (error) {
          if (!(error instanceof UploadError)) throw error;
          return show(request, reply, receipt, {
            error: {
              field: `files-${kind}`,
              message: request.t(`evidence:errors.${error.problem === 'malformed' ? 'unreadable' : error.problem}`),
            },
          });
        }
        if (!result.ok) {
          if (result.problem === 'not_found') return reply.callNotFound();
          return show(request, reply, receipt, {
            error: { field: `files-${kind}`, message: request.t(`evidence:errors.${result.problem}`) },
          });
        }
        return reply.redirect(
          `/account/cases/${receipt.toUpperCase().replace(/[^A-Z0-9]/g, '')}/evidence?done=${kind}`,
          303,
        );
      },
    );
  });
}
